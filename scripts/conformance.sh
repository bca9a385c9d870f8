#!/usr/bin/env bash
# Holds the demo org to Okta's OpenAPI spec: runs `oktash demo serve` behind
# `prism proxy --errors` (Prism 5.14.2, installed from npm into target/conformance), sends the
# corpus in scripts/conformance/corpus.mjs through it, and fails on any request or response
# violation Prism reports and on any status other than the one the corpus expects (known spec
# gaps are listed but do not fail the run). The spec-driven engine's operations are swept by a
# corpus generated from the spec (scripts/conformance/generic.mjs), counted apart and failing
# the run the same way.
#
# Needs node/npm and cargo. Usage: scripts/conformance.sh
set -Eeuo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$root/target/conformance"
mkdir -p "$work"
started=$(date +%s)

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# Prism, and js-yaml to read the spec, pinned and cached under target/.
if [ ! -x "$work/node_modules/.bin/prism" ] || ! grep -q '"version": "5.14.2"' "$work/node_modules/@stoplight/prism-cli/package.json" 2>/dev/null; then
  echo "installing @stoplight/prism-cli@5.14.2 into $work"
  (cd "$work" && { [ -f package.json ] || echo '{"private": true}' > package.json; } &&
    npm install --no-audit --no-fund --silent @stoplight/prism-cli@5.14.2 js-yaml@4.1.0)
fi

# Prism refuses the spec as published (an example's $ref points nowhere); the check needs only
# the schemas, so every example goes.
NODE_PATH="$work/node_modules" node scripts/conformance/strip-examples.cjs \
  data/okta/openapi/management-minimal.yaml "$work/spec.json"

# `cargo test` passes the binary it built; run alone, the script builds it.
if [ -z "${OKTASH_BIN:-}" ]; then
  cargo build --release --quiet
  OKTASH_BIN="$root/target/release/oktash"
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
demo_port=$(free_port)
prism_port=$(free_port)

# Its own service app key, not the one in the user's data directory.
"$OKTASH_BIN" demo serve --port "$demo_port" --rate-limit 100000 --client-key "$work/demo-service-app.pem" >"$work/demo.out" 2>"$work/demo.err" &
pids+=($!)
for _ in $(seq 100); do grep -q '^read-only token:' "$work/demo.out" 2>/dev/null && break; sleep 0.1; done
token=$(sed -n 's/^token: //p' "$work/demo.out")
readonly_token=$(sed -n 's/^read-only token: //p' "$work/demo.out")
[ -n "$token" ] || { echo "the demo org did not start" >&2; cat "$work/demo.err" >&2; exit 1; }

"$work/node_modules/.bin/prism" proxy "$work/spec.json" "http://127.0.0.1:$demo_port" \
  --errors --host 127.0.0.1 --port "$prism_port" >"$work/prism.log" 2>&1 &
pids+=($!)
for _ in $(seq 600); do grep -q 'Prism is listening' "$work/prism.log" 2>/dev/null && break; sleep 0.2; done
grep -q 'Prism is listening' "$work/prism.log" || { echo "Prism did not start" >&2; tail -20 "$work/prism.log" >&2; exit 1; }

# Which operations the demo answers by hand and which through its spec-driven engine.
"$OKTASH_BIN" demo serve --list-operations >"$work/operations.txt"

set +e
DEMO_URL="http://127.0.0.1:$demo_port" SPEC_JSON="$work/spec.json" OPERATIONS_LIST="$work/operations.txt" PRISM_URL="http://127.0.0.1:$prism_port" OKTA_TOKEN="$token" OKTA_READONLY_TOKEN="$readonly_token" \
  node scripts/conformance/corpus.mjs >"$work/report.json"
status=$?
set -e

node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const s = r.summary;
console.log(`requests: ${s.requests}  violations: ${s.violations}  unexpected statuses: ${s.unexpected}  known spec gaps: ${s.gaps}`);
console.log(`generic operations answered with their success status: ${s.generic_covered} of ${s.generic_operations}; generic violations: ${s.generic_violations}, other statuses: ${s.generic_unexpected}`);
console.log(`operations answered with their success status: ${s.hand_covered} of ${s.hand_operations} hand-made, ${s.generic_covered} of ${s.generic_operations} generic (${s.hand_covered + s.generic_covered} of ${s.hand_operations + s.generic_operations})`);
for (const v of r.violations) console.log(`VIOLATION ${v.method} ${v.path} -> ${v.status}: ${v.message}`);
for (const u of r.unexpected) console.log(`UNEXPECTED ${u.method} ${u.path} -> ${u.status} (wanted ${u.expected}): ${u.body}`);
for (const g of r.gaps) console.log(`spec gap  ${g.method} ${g.path} -> ${g.status}: ${g.message.slice(0, 160)}`);
for (const v of r.genericViolations) console.log(`GENERIC VIOLATION ${v.method} ${v.path} -> ${v.status}: ${v.message.slice(0, 200)}`);
for (const u of r.genericUnexpected) console.log(`GENERIC UNEXPECTED ${u.method} ${u.path} -> ${u.status} (wanted ${u.expected}): ${u.body}`);
' "$work/report.json"
echo "took $(( $(date +%s) - started )) s (report: $work/report.json)"
exit $status
