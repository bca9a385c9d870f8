#!/usr/bin/env bash
# Start-up time: median wall time of `oktash -c 'echo 1'` over 20 runs (goal: at most 10 ms),
# beside `xh --version` when xh is installed. Needs hyperfine (apt-get install hyperfine).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
export OKTASH_CONFIG_DIR=$(mktemp -d) OKTASH_DATA_DIR=$(mktemp -d)
args=(--warmup 3 --runs 20 -N "target/release/oktash -c 'echo 1'")
command -v xh >/dev/null && args+=("xh --version")
hyperfine "${args[@]}" --export-json target/bench-startup.json
python3 - <<'PY'
import json
for r in json.load(open("target/bench-startup.json"))["results"]:
    print(f"{r['command']}: median {r['median']*1000:.2f} ms")
PY
