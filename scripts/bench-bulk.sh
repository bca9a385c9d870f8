#!/usr/bin/env bash
# A bulk create at real-world latency (issue 12): 500 users from a CSV at 100 ms a request,
# `post users {"profile": $people[*].profile}` (default --parallel) vs a shell loop of curl, one
# user after another. Prints the wall time of each, the 429s met, and how many of the users
# the org holds afterwards (each row exactly once is the goal).
# Usage: scripts/bench-bulk.sh [ROWS]
set -Eeuo pipefail
rows="${1:-500}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --release --quiet
bin="$root/target/release/oktash"
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
export OKTASH_DATA_DIR="$work/data" OKTASH_CONFIG_DIR="$work/config"

serve() {
  "$bin" demo serve --port 0 --latency 100 --rate-limit 6000 --users 10 >"$work/serve.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q '^client key:' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  export OKTA_CLIENT_ORGURL=$(sed -n 's/^Okta demo org listening on //p' "$work/serve.out")
  export OKTA_CLIENT_TOKEN=$(sed -n 's/^token: //p' "$work/serve.out")
}
count() {
  "$bin" -c 'ls users search="profile.lastName eq \"Bulk\"" --all' 2>/dev/null | jq length
}

echo "profile.login,profile.email,profile.firstName,profile.lastName" >"$work/people.csv"
for i in $(seq "$rows"); do
  echo "bulk$i@example.com,bulk$i@example.com,Row$i,Bulk" >>"$work/people.csv"
done

serve
start=$(date +%s.%N)
"$bin" --yes -c "set people = @$work/people.csv; post users?activate=false {\"profile\": \$people[*].profile} > /dev/null" 2>"$work/err" || true
end=$(date +%s.%N)
printf 'oktash (--parallel default): %6.2f s, 429s met %s, users in the org: %s\n' \
  "$(echo "$end - $start" | bc)" "$(grep -c 429 "$work/err" || true)" "$(count)"

kill "${pids[@]}"; pids=()
serve
start=$(date +%s.%N)
tail -n +2 "$work/people.csv" | while IFS=, read -r login email first last; do
  curl -s -o /dev/null -w '%{http_code}\n' -X POST "$OKTA_CLIENT_ORGURL/api/v1/users?activate=false" \
    -H "Authorization: SSWS $OKTA_CLIENT_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"profile\":{\"login\":\"$login\",\"email\":\"$email\",\"firstName\":\"$first\",\"lastName\":\"$last\"}}"
done >"$work/codes"
end=$(date +%s.%N)
printf 'curl loop (one at a time):   %6.2f s, 429s %s, users in the org: %s\n' \
  "$(echo "$end - $start" | bc)" "$(grep -c 429 "$work/codes" || true)" "$(count)"
