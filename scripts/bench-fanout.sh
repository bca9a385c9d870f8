#!/usr/bin/env bash
# A concurrent fan-out at real-world latency (issue 12): the demo org at 100 ms a request, a
# budget of RATE requests a minute (6,000) and 1,000 users; `oktash -c 'get $ids'` over every
# user id with --parallel 1, the default and more. Prints the wall time and the 429s the shell
# met (waited out or retried; none is the goal). Compare with scripts/bench-latency.sh
# (`xargs -P 16 curl` on the same org).
# Usage: scripts/bench-fanout.sh [RATE] [PARALLEL…]
set -Eeuo pipefail
rate="${1:-6000}"
shift || true
levels=("${@:-1 8 16 32}")
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --release --quiet
bin="$root/target/release/oktash"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export OKTASH_DATA_DIR="$work/data" OKTASH_CONFIG_DIR="$work/config"
"$bin" demo serve --port 0 --latency 100 --rate-limit "$rate" --users 1000 >"$work/serve.out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q '^client key:' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
export OKTA_CLIENT_ORGURL=$(sed -n 's/^Okta demo org listening on //p' "$work/serve.out")
export OKTA_CLIENT_TOKEN=$(sed -n 's/^token: //p' "$work/serve.out")
# Every id, once (the listing itself is not timed).
"$bin" -c 'ls users limit=200 --all' 2>/dev/null | jq -c '[.[].id]' >"$work/ids.json"
echo "ids: $(jq length "$work/ids.json"); latency 100 ms; budget $rate a minute"
for p in ${levels[@]}; do
  start=$(date +%s.%N)
  "$bin" --parallel "$p" --yes -c "set ids = @$work/ids.json; get \$ids > $work/out.json" 2>"$work/err"
  end=$(date +%s.%N)
  printf -- '--parallel %-3s %6.2f s  items %s  429s met %s\n' "$p" "$(echo "$end - $start" | bc)" \
    "$(jq length "$work/out.json")" "$(grep -c '429' "$work/err" || true)"
done
