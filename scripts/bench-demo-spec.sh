#!/usr/bin/env bash
# The demo org's cost with its spec-driven engine in use (issue 10's target: ready in under 2 s
# and under 300 MB): starts `oktash demo serve --users N` (100,000 unless USERS says), times it
# to ready (its tokens printed), then GETs every top-level operation the engine answers (a GET
# whose template has no parameter, from `demo serve --list-operations`) once, and reads the
# server's resident memory (VmRSS) from /proc.
#
# Needs cargo and curl, and Linux for /proc. Usage: scripts/bench-demo-spec.sh
set -Eeuo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
users="${USERS:-100000}"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${OKTASH_BIN:-}" ]; then
  cargo build --release --quiet
  OKTASH_BIN="$root/target/release/oktash"
fi
now_ms() { date +%s%3N; }

began=$(now_ms)
"$OKTASH_BIN" demo serve --port 0 --users "$users" --client-key "$work/key.pem" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 600); do grep -q '^read-only token:' "$work/out" 2>/dev/null && break; sleep 0.01; done
ready=$(( $(now_ms) - began ))
grep -q '^read-only token:' "$work/out" || { echo "the demo org did not start" >&2; cat "$work/err" >&2; exit 1; }
url=$(sed -n 's/^Okta demo org listening on //p' "$work/out")
token=$(sed -n 's/^token: //p' "$work/out")
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
rss_ready=$(rss_kb)

"$OKTASH_BIN" demo serve --list-operations >"$work/ops"
awk '$1 == "generic" && $2 == "GET" && $3 !~ /\{/ {print $3}' "$work/ops" >"$work/paths"

began=$(now_ms)
: >"$work/statuses"
while read -r path; do
  curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: SSWS $token" -H 'Accept: application/json' "$url$path" >>"$work/statuses"
done <"$work/paths"
swept=$(( $(now_ms) - began ))
rss_after=$(rss_kb)

echo "users: $users"
echo "ready: $ready ms"
echo "RSS at ready: $(( rss_ready / 1024 )) MB"
echo "top-level generic GETs: $(wc -l <"$work/paths") in $swept ms; statuses: $(sort "$work/statuses" | uniq -c | awk '{printf "%s×%s ", $2, $1}')"
echo "RSS after them: $(( rss_after / 1024 )) MB"
