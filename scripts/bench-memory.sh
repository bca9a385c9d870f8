#!/usr/bin/env bash
# Peak memory of one session that exports a large org four times (issue 8, item 3): four
# `ls users limit=200 --all` of 100,000 users, each kept in the history, with `--keep-mb`
# (default 256). Goal: peak RSS at most keep-mb + 64 MB. Prints the peak RSS in MB.
#   scripts/bench-memory.sh [KEEP_MB] [USERS]
set -Eeuo pipefail
cd "$(dirname "$0")/.."
keep_mb=${1:-256}
users=${2:-100000}
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

tmp=$(mktemp -d)
trap 'kill "${demo_pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
export HOME=$tmp OKTASH_CONFIG_DIR=$tmp/config OKTASH_DATA_DIR=$tmp/data NO_COLOR=1
unset OKTA_CLIENT_ORGURL OKTA_CLIENT_TOKEN

target/release/oktash demo serve --port 0 --users "$users" --rate-limit 1000000 >"$tmp/demo.out" &
demo_pid=$!
for _ in $(seq 100); do
    grep -q '^token:' "$tmp/demo.out" 2>/dev/null && break
    sleep 0.2
done
url=$(grep -o 'http://[^ ]*' "$tmp/demo.out" | head -1)
token=$(sed -n 's/^token: *//p' "$tmp/demo.out" | head -1)

export OKTA_CLIENT_ORGURL=$url OKTA_CLIENT_TOKEN=$token
export_line='ls users limit=200 --all'
script="$export_line; $export_line; $export_line; $export_line; history"
start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$tmp/rss" target/release/oktash --keep-mb "$keep_mb" -c "$script" \
    >/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; exit 1; }
end=$(date +%s.%N)
grep -v '^ *$' "$tmp/stderr" | tail -8 >&2
peak_kb=$(tail -1 "$tmp/rss")
echo "users=$users keep-mb=$keep_mb peak RSS: $((peak_kb / 1024)) MB (goal: at most $((keep_mb + 64)) MB)," \
    "$(echo "$end - $start" | bc) s"
