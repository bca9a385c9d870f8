#!/usr/bin/env bash
# Fuzzes the real binary with grammar-aware mutated lines (scripts/fuzz_lines.py) against
# `oktash demo serve`, in batches of piped scripts run with `-k --yes`, and reports panics
# (exit 101 or "panicked at"), aborts (killed by a signal), hangs (a batch over its timeout)
# and the peak RSS of any batch. Failing batches are kept in target/fuzz/.
#
#   scripts/fuzz.sh [LINES] [BATCH] [SEED]        default: 100000 lines, 500 per batch, seed 1
#   FUZZ_TIMEOUT=120 (seconds per batch)  FUZZ_MINUTES=60 (stop starting batches after this)
#
# Safe to run anywhere: where `unshare -rn` works the whole run is in a network namespace of its
# own with only loopback; the lines are sanitised as well (see fuzz_lines.py); HOME, the config
# and data directories and the working directory are a temporary directory.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
lines=${1:-100000}
batch=${2:-500}
seed=${3:-1}
per_batch_timeout=${FUZZ_TIMEOUT:-120}
minutes=${FUZZ_MINUTES:-60}

if [ -z "${FUZZ_IN_NETNS:-}" ] && unshare -rn true 2>/dev/null; then
    [ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
    exec unshare -rn env FUZZ_IN_NETNS=1 NO_BUILD=1 "$0" "$@"
fi
if [ -n "${FUZZ_IN_NETNS:-}" ]; then
    ip link set lo up
    echo "network: a namespace of its own, loopback only"
else
    echo "network: unshare -rn is not available; relying on the sanitised lines"
fi
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
bin=${OKTASH_BIN:-$repo/target/release/oktash}
out=$repo/target/fuzz
mkdir -p "$out"

tmp=$(mktemp -d)
[ -z "${FUZZ_KEEP_TMP:-}" ] || echo "temp dir: $tmp"
trap 'kill "${demo_pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
export HOME=$tmp/home OKTASH_CONFIG_DIR=$tmp/config OKTASH_DATA_DIR=$tmp/data NO_COLOR=1
mkdir -p "$HOME" "$tmp/work"
unset OKTA_CLIENT_ORGURL OKTA_CLIENT_TOKEN
echo '{"profile":{"login":"body@example.com","email":"body@example.com"}}' >"$tmp/work/body.json"
printf 'profile.login,profile.email,note\n"r1@example.com",r1@example.com,"a, ""b"""\nr2@example.com,,\n' >"$tmp/work/rows.csv"
printf '{"id": "a"}\n{"id": "b"}\n' >"$tmp/work/rows.jsonl"

"$bin" demo serve --port 0 --users 300 --seed 7 --rate-limit 1000000 >"$tmp/demo.out" 2>&1 &
demo_pid=$!
for _ in $(seq 100); do
    grep -q '^token:' "$tmp/demo.out" 2>/dev/null && break
    sleep 0.2
done
export OKTA_CLIENT_ORGURL=$(grep -o 'http://[^ ]*' "$tmp/demo.out" | head -1)
export OKTA_CLIENT_TOKEN=$(sed -n 's/^token: *//p' "$tmp/demo.out" | head -1)

preamble='ls users limit=5
set u = $last[0]
set a = ["0","1","2"]
set e = []
set n = 3'

ran=0 batches=0 panics=0 aborts=0 hangs=0 peak_kb=0
deadline=$(($(date +%s) + minutes * 60))
while [ "$ran" -lt "$lines" ] && [ "$(date +%s)" -lt "$deadline" ]; do
    n=$((lines - ran < batch ? lines - ran : batch))
    s=$((seed * 1000003 + batches))
    { echo "$preamble"; python3 "$repo/scripts/fuzz_lines.py" --seed "$s" --count "$n" --url "$OKTA_CLIENT_ORGURL"; } >"$tmp/batch.oktash"
    set +e
    (cd "$tmp/work" && timeout -s KILL "$per_batch_timeout" /usr/bin/time -f '%M' -o "$tmp/rss" \
        "$bin" -k --yes <"$tmp/batch.oktash" >/dev/null 2>"$tmp/stderr")
    rc=$?
    set -e
    kb=$(tail -1 "$tmp/rss" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)
    [ "$kb" -gt "$peak_kb" ] && peak_kb=$kb
    kind=
    if [ "$rc" -eq 137 ] && grep -q 'Command terminated by signal 9' "$tmp/rss" 2>/dev/null; then
        kind=hang
        hangs=$((hangs + 1))
    elif [ "$rc" -eq 101 ] || grep -q 'panicked at' "$tmp/stderr"; then
        kind=panic
        panics=$((panics + 1))
    elif [ "$rc" -gt 128 ] || grep -q '^Command terminated by signal' "$tmp/rss" 2>/dev/null; then
        kind=abort
        aborts=$((aborts + 1))
    fi
    if [ -n "$kind" ]; then
        cp "$tmp/batch.oktash" "$out/$kind-seed$s.oktash"
        cp "$tmp/stderr" "$out/$kind-seed$s.stderr"
        echo "$kind: seed $s (exit $rc): $out/$kind-seed$s.oktash"
        grep -m3 -A2 'panicked at' "$tmp/stderr" || true
    fi
    ran=$((ran + n))
    batches=$((batches + 1))
    [ $((batches % 20)) -eq 0 ] && echo "… $ran lines, $batches batches"
done
echo "lines: $ran in $batches batches; panics: $panics, aborts: $aborts, hangs: $hangs;" \
    "peak RSS of a batch: $((peak_kb / 1024)) MB"
[ $((panics + aborts + hangs)) -eq 0 ]
