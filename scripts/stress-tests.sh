#!/usr/bin/env bash
# Runs the integration-test binary again and again with more threads than cores, to bring out
# tests that fail only on a loaded machine (a CI run is one round at the cores' count). Prints
# each round's failures and result line.
#
#   scripts/stress-tests.sh [ROUNDS] [THREADS]     default: 4 rounds, 4 threads
set -Eeuo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-4} threads=${2:-4}
bin=$(cargo test --release --test it --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | grep '/deps/it-' | tail -1)
[[ -x $bin ]] || { echo "no test binary" >&2; exit 1; }
for i in $(seq "$rounds"); do
    echo "== round $i of $rounds, $threads threads, $(date +%T)"
    "$bin" --test-threads "$threads" 2>&1 | grep -E '^test .*FAILED|^test result|panicked at' || true
done
