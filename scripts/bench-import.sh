#!/usr/bin/env bash
# Import time of the largest Okta collection (goal: median <= 5 ms), release build.
# Usage: scripts/bench-import.sh [FILE] [RUNS]
set -Eeuo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --example import_bench
exec target/release/examples/import_bench "$@"
