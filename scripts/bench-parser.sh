#!/usr/bin/env bash
# Parser throughput over 100,000 generated lines (goal: at least 1,000,000 lines/s).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release --example parse_bench
