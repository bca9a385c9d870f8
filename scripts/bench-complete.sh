#!/usr/bin/env bash
# Okta's spec in the shell: the index's first load, completion latency (p50/p99 over a scripted
# corpus of lines in every position), start-up beside the binary of a given commit, and sizes.
#   scripts/bench-complete.sh [BASE_COMMIT]   (BASE_COMMIT: a build to compare start-up with)
set -Eeuo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --example complete_bench
target/release/examples/complete_bench 200
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
export OKTASH_CONFIG_DIR=$(mktemp -d) OKTASH_DATA_DIR=$(mktemp -d)
commands=(-n now "target/release/oktash -c 'echo 1'")
if [ -n "${1:-}" ]; then
  base=$(mktemp -d)
  git worktree add -q --detach "$base/src" "$1"
  (cd "$base/src" && CARGO_TARGET_DIR="$PWD/../target" cargo build --release --quiet)
  commands+=(-n "$1" "$base/target/release/oktash -c 'echo 1'")
  ls -l "$base/target/release/oktash" | awk -v c="$1" '{print "binary at " c ": " $5 " bytes"}'
fi
ls -l target/release/oktash | awk '{print "binary now: " $5 " bytes"}'
hyperfine --warmup 5 --runs 40 -N "${commands[@]}"
