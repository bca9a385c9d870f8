#!/usr/bin/env bash
# Figures for the demo org's OAuth: the service app key's generation (a new --client-key file),
# the token request (client_credentials + private_key_jwt, signed here with openssl), the first
# API call with the token, and `oktash --demo -c 'echo 1'` (no OAuth: it must not pay for the key).
# Usage: scripts/bench-oauth.sh [RUNS] [OTHER_OKTASH_BINARY_TO_COMPARE]
set -Eeuo pipefail

runs="${1:-20}"
other="${2:-}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --release --quiet
bin="$root/target/release/oktash"
work="$(mktemp -d)"
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
export OKTASH_DATA_DIR="$work/data"

ms() { echo $(( $(date +%s%N) / 1000000 )); }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# Starts demo serve with a key file; sets t_banner and t_key: ms until the banner and until the
# client key line.
serve() {
  local key="$1" out="$work/out" t0
  t_banner=; t_key=
  : >"$out"
  t0=$(ms)
  "$bin" demo serve --port 0 --users 300 --client-key "$key" >"$out" 2>/dev/null &
  pid=$!
  for _ in $(seq 2000); do
    [ -z "$t_banner" ] && grep -q '^read-only token:' "$out" && t_banner=$(( $(ms) - t0 ))
    grep -q '^client key:' "$out" && { t_key=$(( $(ms) - t0 )); break; }
    sleep 0.002
  done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }

echo "== service app key (demo serve --users 300, ms from launch to the banner / to the client key line)"
total_new=0; total_reused=0
for i in $(seq 5); do
  serve "$work/k$i.pem"; stop; banner=$t_banner; key_new=$t_key
  serve "$work/k$i.pem"; stop; key_reused=$t_key
  echo "run $i: banner $banner ms, new key file $key_new ms, existing key file $key_reused ms"
  total_new=$((total_new + key_new)); total_reused=$((total_reused + key_reused))
done
echo "mean: new key file $((total_new / 5)) ms, existing $((total_reused / 5)) ms (the difference is the 2048-bit generation and write)"

serve "$work/app.pem"
base="$(sed -n 's/^Okta demo org listening on //p' "$work/out")"
client="$(sed -n 's/^client id: //p' "$work/out")"
kid="$(sed -n 's/^client key: .* (key id \(.*\))$/\1/p' "$work/out")"

assertion() {
  local now header payload
  now=$(date +%s)
  header=$(printf '{"alg":"RS256","kid":"%s"}' "$kid" | b64url)
  payload=$(printf '{"iss":"%s","sub":"%s","aud":"%s/oauth2/v1/token","iat":%s,"exp":%s,"jti":"bench-%s-%s"}' \
    "$client" "$client" "$base" "$now" $((now + 300)) "$$" "$(date +%s%N)" | b64url)
  printf '%s.%s.%s' "$header" "$payload" \
    "$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$work/app.pem" -binary | b64url)"
}

echo "== token request and first API call (curl time_total, ms; the assertion is signed beforehand)"
sum_token=0; sum_call=0
for i in $(seq "$runs"); do
  a="$(assertion)"
  resp="$(curl -sS -o "$work/token.json" -w '%{time_total}' -X POST "$base/oauth2/v1/token" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-urlencode grant_type=client_credentials --data-urlencode 'scope=okta.users.read' \
    --data-urlencode 'client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer' \
    --data-urlencode "client_assertion=$a")"
  token="$(sed -E 's/.*"access_token":"([^"]+)".*/\1/' "$work/token.json")"
  call="$(curl -sS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$base/api/v1/users?limit=20")"
  sum_token=$(awk -v s="$sum_token" -v t="$resp" 'BEGIN { print s + t * 1000 }')
  sum_call=$(awk -v s="$sum_call" -v t="$call" 'BEGIN { print s + t * 1000 }')
done
awk -v t="$sum_token" -v c="$sum_call" -v n="$runs" \
  'BEGIN { printf "mean over %d: token request %.2f ms, API call with the token %.2f ms\n", n, t / n, c / n }'
stop

shell_run() {
  local b="$1" cmd="$2" t0 total=0
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    HOME="$work" "$b" --demo -c "$cmd" >/dev/null 2>&1
    total=$(( total + $(date +%s%N) - t0 ))
  done
  echo "$(( total / runs / 100000 ))" | sed -E 's/(.)$/.\1/'
}
for cmd in 'echo 1' 'ls users limit=1'; do
  echo "== oktash --demo -c '$cmd', mean of $runs (ms)"
  if [ -n "$other" ]; then
    echo "$other: $(shell_run "$other" "$cmd")"
  fi
  echo "this build: $(shell_run "$bin" "$cmd")"
done
