#!/usr/bin/env bash
# Runs every request of Okta's users.json against the demo org with oktash and with newman, on the
# same collection, server and variables, and reports wall times (hyperfine, or `time`) and the
# 2xx counts of both. Each timed run gets a freshly started demo org (same seed, port and
# token), so both tools meet the same state.
#
# Both run the whole collection in one process: newman, and an oktash script of `run` lines
# with `--keep-going` (some requests fail with these fixed variables; newman goes on too). The
# imported environment's variables (`{{email-suffix}}`...) are saved by `env add`.
#
#   scripts/bench-newman.sh            # needs node/npm; installs newman into target/newman
set -Eeuo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-$root/target/bench-newman}
bin=$root/target/release/oktash
newman=$root/target/newman/node_modules/.bin/newman
fixtures=$root/data/okta/postman
collection=$fixtures/users.json
environment=$fixtures/example.oktapreview.com.environment
token=00benchOktashAdminToken00000000000000b3Nc
envname=example.oktapreview.com

# `restart PORT`: stops the demo org this script started, if any, and starts a fresh one.
restart() {
    if [[ -f $work/demo.pid ]]; then
        kill "$(cat "$work/demo.pid")" 2>/dev/null || true
        wait "$(cat "$work/demo.pid")" 2>/dev/null || true
    fi
    "$bin" demo serve --port "$1" --seed 5 --users 300 --token "$token" >"$work/demo.out" 2>&1 &
    echo $! >"$work/demo.pid"
    for _ in $(seq 100); do
        grep -q "seeded" "$work/demo.out" 2>/dev/null && return 0
        sleep 0.02
    done
    echo "demo org did not start" >&2
    return 1
}

if [[ ${1:-} == __restart ]]; then
    restart "$2"
    exit 0
fi

mkdir -p "$work"
cd "$root"
cargo build --release --quiet
[[ -x $newman ]] || npm install --prefix target/newman newman >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
trap 'kill "$(cat "$work/demo.pid")" 2>/dev/null || true' EXIT
restart "$port"

export HOME=$work/home OKTASH_CONFIG_DIR=$work/home/config OKTASH_DATA_DIR=$work/home/data NO_COLOR=1
rm -rf "$HOME"
mkdir -p "$HOME"
"$bin" -c "import $collection $environment; env add $envname $url token=$token" >/dev/null

# The same variables for both, from the org's own data: an ACTIVE user and an OKTA_GROUP.
# (The last line of stdout is the echoed id, as JSON.)
json() { "$bin" -e "$envname" -c "$1" 2>/dev/null | tail -n 1 | tr -d '"'; }
user_id=$(json "ls users filter='status eq \"ACTIVE\"' limit=5; echo \$last[4].id")
group_id=$(json "ls groups search='type eq \"OKTA_GROUP\"' limit=1; echo \$last[0].id")
password=Okta-Demo-2024
echo "org $url  userId=$user_id  groupId=$group_id  password=$password"

# The request names, in order, from `ls requests`.
"$bin" -c "import $collection; ls requests" 2>/dev/null | python3 -c '
import sys
folder = ""
for line in sys.stdin.read().split("\n")[2:]:
    text = line.strip()
    if not text: continue
    if text.endswith("/"): folder = text; continue
    name = text.split(None, 1)[1].strip()
    print(name if len(line) - len(line.lstrip()) <= 2 else folder + name)
' >"$work/requests.txt"
echo "$(wc -l <"$work/requests.txt") requests"

{
    echo "import $collection"
    while IFS= read -r name; do
        echo "run \"$name\" --yes userId=$user_id groupId=$group_id password=$password"
    done <"$work/requests.txt"
} >"$work/users.oktash"
cat >"$work/oktash-all.sh" <<EOF
#!/usr/bin/env bash
"$bin" -e "$envname" --keep-going "$work/users.oktash" </dev/null >/dev/null 2>>"$work/oktash.err" || true
EOF
chmod +x "$work/oktash-all.sh"
newman_cmd="$newman run $collection -e $environment --env-var url=$url --env-var apikey=$token --env-var userId=$user_id --env-var groupId=$group_id --env-var password=$password --reporters json --reporter-json-export $work/newman.json --silent"

prepare="$0 __restart $port; rm -f $work/oktash.err"
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs 10 --prepare "$prepare" \
        --export-markdown "$work/times.md" \
        -n oktash "$work/oktash-all.sh" -n newman "$newman_cmd || true"
else
    eval "$prepare"; time "$work/oktash-all.sh"
    eval "$prepare"; time (eval "$newman_cmd" || true)
fi

# 2xx counts, each tool on a fresh org.
eval "$prepare"
"$work/oktash-all.sh"
oktash_sent=$(grep -cE '^#[0-9]+ ' "$work/oktash.err" || true)
oktash_2xx=$(grep -cE '^#[0-9]+ [A-Z]+ [^ ]+  2[0-9][0-9] ' "$work/oktash.err" || true)
eval "$prepare"
eval "$newman_cmd" || true
read -r newman_sent newman_2xx < <(python3 -c '
import json, sys
ex = json.load(open(sys.argv[1]))["run"]["executions"]
codes = [e.get("response", {}).get("code", 0) for e in ex]
print(len(codes), sum(200 <= c < 300 for c in codes))
' "$work/newman.json")
echo "oktash: $oktash_2xx of $oktash_sent requests answered 2xx"
echo "newman: $newman_2xx of $newman_sent requests answered 2xx"
