#!/usr/bin/env bash
# Request figures for oktash against the demo org over loopback, each beside curl in one run:
#   1. one `get users/me` from the command line vs curl (goal: oktash ≤ 1.3× curl's median)
#   2. 1,000 sequential gets in one oktash script vs 1,000 curl processes (goal: ≥ 5× faster)
#   3. `ls users --all > file` over 100,000 users vs a curl loop following `link` (goal: faster,
#      peak RSS ≤ 64 MB)
#   4. an export under `--rate-limit 600`: request rate as a share of the budget, 429s seen
#      (goal: ≥ 90%, none). Slow (two minutes); skipped unless BENCH_RATE=1.
# Needs hyperfine (installed when missing) and curl.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
BIN=$PWD/target/release/oktash
work=$(mktemp -d)
export OKTASH_CONFIG_DIR=$work/config OKTASH_DATA_DIR=$work/data
pids=()
trap 'kill ${pids[@]} 2>/dev/null; rm -rf "$work"' EXIT

# Starts `oktash demo serve ARGS` and sets URL and TOKEN from its first lines.
serve() {
  "$BIN" demo serve --port 0 "$@" >"$work/serve.out" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do grep -q '^read-only token:' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  URL=$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -1)
  TOKEN=$(sed -n 's/^token: *//p' "$work/serve.out" | head -1)
  export OKTA_CLIENT_ORGURL=$URL OKTA_CLIENT_TOKEN=$TOKEN
}

echo "== 1. one request: oktash -c 'get me' vs curl"
serve --users 1000 --rate-limit 1000000
hyperfine -N --warmup 5 --runs 40 \
  "$BIN -c 'get me'" \
  "curl -s -H 'Authorization: SSWS $TOKEN' -H 'Accept: application/json' $URL/api/v1/users/me"

echo "== 2. 1,000 sequential gets: one oktash script vs 1,000 curl processes"
ids=$(curl -s -H "Authorization: SSWS $TOKEN" "$URL/api/v1/users?limit=200" | jq -r '.[].id')
: >"$work/gets.oktash"; : >"$work/curls.sh"
for i in $(seq 5); do for id in $ids; do
  echo "get users/$id > /dev/null" >>"$work/gets.oktash"
  echo "curl -s -o /dev/null -H 'Authorization: SSWS $TOKEN' -H 'Accept: application/json' $URL/api/v1/users/$id" >>"$work/curls.sh"
done; done
hyperfine --warmup 1 --runs 5 "$BIN $work/gets.oktash 2>/dev/null" "bash $work/curls.sh"

echo "== 3. export 100,000 users: oktash ls --all > file vs a curl loop following link"
kill "${pids[@]}"; pids=()
serve --users 100000 --rate-limit 1000000
cat >"$work/curl-export.sh" <<SH
next="$URL/api/v1/users?limit=200"; : > $work/curl-users.json
while [ -n "\$next" ]; do
  next=\$(curl -s -D - -o >(cat >> $work/curl-users.json) -H 'Authorization: SSWS $TOKEN' -H 'Accept: application/json' "\$next" \
    | tr -d '\r' | sed -n 's/^link: <\(.*\)>; rel="next"/\1/Ip')
done
SH
hyperfine --warmup 1 --runs 3 \
  "$BIN -c 'ls users limit=200 --all > $work/users.json' 2>/dev/null" \
  "bash $work/curl-export.sh"
/usr/bin/time -f "oktash export peak RSS: %M KB, %e s" "$BIN" -c "ls users limit=200 --all > $work/users.json" 2>&1 >/dev/null | tail -1
echo "users exported: $(jq length "$work/users.json") (distinct ids: $(jq -r '.[].id' "$work/users.json" | sort -u | wc -l))"

if [ "${BENCH_RATE:-0}" = 1 ]; then
  echo "== 4. export under --rate-limit 600 (1,200 requests, two windows)"
  kill "${pids[@]}"; pids=()
  serve --users 24000 --rate-limit 600
  start=$(date +%s.%N)
  "$BIN" -c "ls users limit=20 --all > $work/rl.json" 2>"$work/rl.err"
  end=$(date +%s.%N)
  python3 - "$start" "$end" "$work" <<'PY'
import json, math, sys
start, end, work = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
users = len(json.load(open(work + "/rl.json")))
requests = users // 20 + 1
secs = end - start
# Windows start at a bucket's first request and last 60 s: the budget available over the run is
# 600 for each window it touched.
windows = math.ceil(secs / 60)
print(f"{requests} requests ({users} users) in {secs:.1f} s over {windows} windows of 600: "
      f"{requests / (600 * windows) * 100:.0f}% of the budget available")
PY
  echo "429 waits reported: $(grep -c '429' "$work/rl.err" || true)"
fi
