#!/usr/bin/env bash
# The baseline for a concurrent fan-out (issue 12): the demo org at 100 ms a request with a budget
# of 6,000 requests a minute and 1,000 users, and `xargs -P 16 curl` fetching every user by id.
# Prints the wall time and how many answers were 429s. The floor Okta's limits allow here is the
# budget (1,000 requests at 6,000/min: 10 s); 16 in flight at 100 ms can do about 160 a second.
# Usage: scripts/bench-latency.sh [PARALLEL] [LATENCY_MS] [USERS]
set -Eeuo pipefail

parallel="${1:-16}"
latency="${2:-100}"
users="${3:-1000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

cargo build --release --quiet
bin="$root/target/release/oktash"
work="$(mktemp -d)"
out="$work/serve.out"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# Its own data directory: the demo's service-app key is not written into the user's.
OKTASH_DATA_DIR="$work" "$bin" demo serve --port 0 --latency "$latency" --rate-limit 6000 \
  --users "$users" >"$out" 2>&1 &
pid=$!
for _ in $(seq 100); do
  grep -q '^seeded' "$out" && break
  sleep 0.1
done
base="$(sed -n 's/^Okta demo org listening on //p' "$out")"
token="$(sed -n 's/^token: //p' "$out")"
[ -n "$base" ] || { cat "$out"; echo "the demo org did not start" >&2; exit 1; }
grep -E '^(seeded|at most)' "$out"

# Every user id, page by page through the `link: rel="next"` headers (200 a page); a plain list
# leaves deprovisioned users out, as at Okta, so they are listed apart.
auth="Authorization: SSWS $token"
: >"$work/ids"
for first in "$base/api/v1/users?limit=200" \
  "$base/api/v1/users?limit=200&filter=status%20eq%20%22DEPROVISIONED%22"; do
  next="$first"
  while [ -n "$next" ]; do
    curl -fsS -H "$auth" -D "$work/headers" "$next" | grep -oE '"id":"00u[A-Za-z0-9]{17}"' |
      cut -d'"' -f4 >>"$work/ids"
    next="$(sed -nE 's/^link: <([^>]+)>; rel="next".*/\1/Ip' "$work/headers" | tr -d '\r')"
  done
done
count="$(sort -u "$work/ids" | wc -l)"
echo "== GET /api/v1/users/{id} for $count users, xargs -P $parallel curl, latency $latency ms"

began="$(date +%s.%N)"
xargs -P "$parallel" -I{} curl -sS -o /dev/null -w '%{http_code}\n' -H "$auth" \
  "$base/api/v1/users/{}" <"$work/ids" >"$work/codes"
ended="$(date +%s.%N)"

wall="$(echo "$ended - $began" | bc -l)"
printf 'wall: %.2f s\n' "$wall"
echo "200s: $(grep -c '^200$' "$work/codes" || true)"
echo "429s: $(grep -c '^429$' "$work/codes" || true)"
echo "other: $(grep -vcE '^(200|429)$' "$work/codes" || true)"
