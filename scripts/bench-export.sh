#!/usr/bin/env bash
# An export over the server's floor: `oktash -c 'ls users limit=200 --all > FILE'` over 100,000
# demo users vs one keep-alive client that only fetches the pages and discards them
# (examples/page_floor.rs). Goal: oktash ≤ 1.2× the floor. Also prints the history line's time,
# which should be the export's wall time.
# Needs hyperfine (installed when missing).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin oktash --example page_floor
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
BIN=$PWD/target/release/oktash
FLOOR=$PWD/target/release/examples/page_floor
work=$(mktemp -d)
export OKTASH_CONFIG_DIR=$work/config OKTASH_DATA_DIR=$work/data
"$BIN" demo serve --port 0 --users "${USERS:-100000}" --rate-limit 100000000 >"$work/serve.out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 200); do grep -q '^client key:' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -1)
TOKEN=$(sed -n 's/^token: *//p' "$work/serve.out" | head -1)
export OKTA_CLIENT_ORGURL=$URL OKTA_CLIENT_TOKEN=$TOKEN
hyperfine --warmup 1 --runs "${RUNS:-5}" \
  "$FLOOR '$URL/api/v1/users?limit=200' $TOKEN" \
  "$BIN -c 'ls users limit=200 --all > $work/users.json'"
/usr/bin/time -f "oktash export: %e s wall" "$BIN" -c "ls users limit=200 --all > $work/users.json" 2>&1 >/dev/null | tail -2
echo "users exported: $(jq length "$work/users.json")"
