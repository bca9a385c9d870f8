#!/usr/bin/env bash
# Ctrl-C latency during a long export: sends SIGINT at random times to
# `oktash -c 'ls users limit=200 --all > out.json'` against a demo org of many users and prints
# how long each run took to exit after its signal, and whether the file stayed valid JSON.
#   scripts/bench-interrupt.sh [RUNS=20] [USERS=100000]
set -Eeuo pipefail

runs=${1:-20}
users=${2:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/target/release/oktash
[[ -x $bin ]] || { echo "build first: cargo build --release" >&2; exit 1; }

work=$(mktemp -d)
serve_pid=
cleanup() { [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$bin" demo serve --users "$users" >"$work/serve.out" 2>/dev/null &
serve_pid=$!
for _ in $(seq 100); do grep -q '^token:' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -1)
token=$(sed -n 's/^token: *//p' "$work/serve.out")

export OKTASH_CONFIG_DIR=$work/config OKTASH_DATA_DIR=$work/data
export OKTA_CLIENT_ORGURL=$url OKTA_CLIENT_TOKEN=$token
cd "$work"
latencies=()
invalid=0
for i in $(seq "$runs"); do
  delay_ms=$((200 + RANDOM % 1800))
  "$bin" -c 'ls users limit=200 --all > out.json' 2>"$work/err" &
  pid=$!
  # Count from when oktash listens for SIGINT (Linux: bit 2 of SigCgt): a background job of a
  # script starts with SIGINT ignored, and under load exec can lag behind the fork.
  for _ in $(seq 200); do
    caught=$(sed -n 's/^SigCgt:\t*//p' "/proc/$pid/status" 2>/dev/null || echo 0)
    (( (16#${caught:-0} & 2) != 0 )) && break
    sleep 0.01
  done
  sleep "$(printf '0.%03d' $((delay_ms % 1000)))"; sleep $((delay_ms / 1000))
  sent=$(date +%s%N)
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" && status=0 || status=$?
  took_ms=$(( ($(date +%s%N) - sent) / 1000000 ))
  items=$(python3 -c 'import json,sys; print(len(json.load(open("out.json"))))' 2>/dev/null || echo invalid)
  [[ $items == invalid ]] && invalid=$((invalid + 1))
  printf 'run %2d  signal at %4d ms  exit %d  stopped %4d ms after it  %s items\n' \
    "$i" "$delay_ms" "$status" "$took_ms" "$items"
  latencies+=("$took_ms")
done
printf '%s\n' "${latencies[@]}" | sort -n | awk -v invalid="$invalid" '
  { v[NR] = $1 }
  END {
    printf "latency ms over %d runs: min %d  median %d  p90 %d  max %d; files not JSON: %d\n",
      NR, v[1], v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)], v[NR], invalid
  }'
