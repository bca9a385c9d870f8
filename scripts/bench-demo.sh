#!/usr/bin/env bash
# Figures for the demo org: seeding time and resident memory for N users (default 100,000), and
# requests per second for GET /api/v1/users/{id} and for a 200-user page, with wrk (or oha) on
# loopback. Usage: scripts/bench-demo.sh [USERS] [SECONDS]
set -Eeuo pipefail

users="${1:-100000}"
seconds="${2:-10}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

cargo build --release --quiet
bin="$root/target/release/oktash"
out="$(mktemp)"
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out"' EXIT

"$bin" demo serve --port 0 --users "$users" --rate-limit 1000000000 >"$out" 2>&1 &
pid=$!
for _ in $(seq 100); do
  grep -q '^seeded' "$out" && break
  sleep 0.1
done
base="$(sed -n 's/^Okta demo org listening on //p' "$out")"
token="$(sed -n 's/^token: //p' "$out")"
[ -n "$base" ] || { cat "$out"; echo "the demo org did not start" >&2; exit 1; }

echo "== seeding"
grep '^seeded' "$out"
echo "resident memory after seeding: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"

auth="Authorization: SSWS $token"
id="$(curl -fsS -H "$auth" "$base/api/v1/users?limit=1" | sed -E 's/^\[\{"id":"([^"]+)".*/\1/')"

load() {
  local url="$1"
  if command -v wrk >/dev/null; then
    wrk -t2 -c32 -d"${seconds}s" -H "$auth" "$url" | grep -E 'Requests/sec|Latency|requests in'
  elif command -v oha >/dev/null; then
    oha -z "${seconds}s" -c 32 --no-tui -H "$auth" "$url" | grep -E 'Requests/sec|Average|Success rate'
  else
    echo "install wrk (apt-get install -y wrk) or oha" >&2
    return 1
  fi
}

echo "== GET /api/v1/users/{id}"
load "$base/api/v1/users/$id"
echo "== GET /api/v1/users?limit=200 (a 200-user page)"
load "$base/api/v1/users?limit=200"
echo "resident memory after load: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
