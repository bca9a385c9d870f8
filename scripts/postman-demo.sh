#!/usr/bin/env bash
# Runs Okta's Postman collections (data/okta/postman/*.json) against the demo org, folder by
# folder in file order (as Newman runs a collection), with the variables a person would set, and
# prints per folder: requests sent, how many answered 2xx, and the ones not sent (and why).
#
# Each collection gets a fresh `oktash --demo` (one process, one script): the script first makes
# or lists the objects whose ids the collection's {{fooId}} variables name (a test user with a
# password and Okta's recovery question, groups, and the first policy, IdP, authorization
# server... the demo org holds) and sets the variables from them, then `run`s each top-level
# folder (`run "Folder/"`) and each top-level request (`run "Collection:Name"`) in file order.
# A variable whose object the org does not hold stays undefined, so its requests are not sent.
#
#   scripts/postman-demo.sh                      # every collection
#   scripts/postman-demo.sh users.json idps.json # some
#   KEEP=dir scripts/postman-demo.sh             # keeps each generated script and its output
#   AS_IS=1 scripts/postman-demo.sh users.json   # every folder whole, one value per variable
#   OKTASH=path/to/oktash scripts/postman-demo.sh
#
# Needs only the repository: builds target/release/oktash when it is missing.
set -Eeuo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${OKTASH:-$root/target/release/oktash}
fixtures=$root/data/okta/postman
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$work"' EXIT
[[ -x $bin ]] || (cd "$root" && cargo build --release --quiet)

# Collections left out, and why.
declare -A skip=(
    [advanced-server-access.json]="not the Management API (ScaleFT's own API and host)"
    [myaccount.json]="needs an end user's access token (MyAccount API), not an admin's"
)

# The variables a person would set before running the collections: objects made for the run, or
# the first of their kind the org already holds. `$last` after each `ls` or `post` is its answer.
preamble() {
    cat <<'EOF'
set email-suffix = "example.com"
set password = "Tr0ub4dor-Postman-3"
set username = "postman.tester@example.com"
set phoneNumber = "+1-555-415-1337"
set language = "en"
set validityYears = "2"
set contactType = "BILLING"
set type = "default"
set roleType = "USER_ADMIN"
set permissionType = "okta.users.read"
set inlinehooktype = "com.okta.oauth2.tokens.transform"
set primary = "manager"
set associated = "subordinate"
set redirectUrl = "https://example.com/after-login"
post users?activate=true {"profile": {"firstName": "Postman", "lastName": "Tester", "email": "postman.tester@example.com", "login": "postman.tester@example.com"}, "credentials": {"password": {"value": "Tr0ub4dor-Postman-3"}, "recovery_question": {"question": "Who's a major player in the cowboy scene?", "answer": "Annie Oakley"}}}
set userId = $last.id
set memberId = $last.id
post users?activate=false {"profile": {"firstName": "Postman", "lastName": "Staged", "email": "postman.staged@example.com", "login": "postman.staged@example.com"}, "credentials": {"password": {"value": "Tr0ub4dor-Postman-3"}}}
set stagedUserId = $last.id
post users?activate=true {"profile": {"firstName": "Postman", "lastName": "Doomed", "email": "postman.doomed@example.com", "login": "postman.doomed@example.com"}, "credentials": {"password": {"value": "Tr0ub4dor-Postman-3"}}}
set doomedUserId = $last.id
post users?activate=true {"profile": {"firstName": "Postman", "lastName": "Expire", "email": "postman.expire@example.com", "login": "postman.expire@example.com"}, "credentials": {"password": {"value": "Tr0ub4dor-Postman-3"}}}
set expireUserId = $last.id
post users?activate=true {"profile": {"firstName": "Postman", "lastName": "Reset", "email": "postman.reset@example.com", "login": "postman.reset@example.com"}, "credentials": {"password": {"value": "Tr0ub4dor-Postman-3"}}}
set resetUserId = $last.id
post users?activate=true {"profile": {"firstName": "Postman", "lastName": "Temp", "email": "postman.temp@example.com", "login": "postman.temp@example.com"}, "credentials": {"password": {"value": "Tr0ub4dor-Postman-3"}}}
set tempUserId = $last.id
post users?activate=true {"profile": {"firstName": "Postman", "lastName": "Suspend", "email": "postman.suspend@example.com", "login": "postman.suspend@example.com"}, "credentials": {"password": {"value": "Tr0ub4dor-Postman-3"}}}
set suspendUserId = $last.id
post users?activate=true {"profile": {"firstName": "Postman", "lastName": "Forgot", "email": "postman.forgot@example.com", "login": "postman.forgot@example.com"}, "credentials": {"password": {"value": "Tr0ub4dor-Postman-3"}, "recovery_question": {"question": "Who's a major player in the cowboy scene?", "answer": "Annie Oakley"}}}
set forgotUserId = $last.id
ls users filter='status eq "LOCKED_OUT"' limit=1
set lockedUserId = $last[0].id
ls users filter='status eq "ACTIVE"' limit=3
set targetId = $last[2].id
post groups {"profile": {"name": "Postman group", "description": "for the Postman run"}}
set groupId = $last.id
post groups {"profile": {"name": "Postman group 1"}}
set groupId1 = $last.id
post groups {"profile": {"name": "Postman group 2"}}
set groupId2 = $last.id
post groups {"profile": {"name": "Postman group 3"}}
set groupId3 = $last.id
post groups {"profile": {"name": "Postman group 4"}}
set groupId4 = $last.id
# The app requests of the collections are about an OAuth client (OIDC app); the org has
# bookmarks only, so one is made, as a person would in the Admin Console.
post apps {"name": "oidc_client", "label": "Postman OIDC client", "signOnMode": "OPENID_CONNECT", "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_post"}}, "settings": {"oauthClient": {"redirect_uris": ["https://example.com/oauth2/callback"], "response_types": ["code"], "grant_types": ["authorization_code"], "application_type": "web"}}}
set appId = $last.id
set applicationId = $last.id
set clientId = $last.credentials.oauthClient.client_id
set client_id = $last.credentials.oauthClient.client_id
set client_secret = $last.credentials.oauthClient.client_secret
ls apps limit=1
set appName = $last[0].name
ls /api/v1/meta/types/user
set typeId = $last[0].id
set userTypeId = $last[0].id
ls policies type=OKTA_SIGN_ON limit=1
set policyId = $last[0].id
ls policies/$policyId/rules
set ruleId = $last[0].id
ls policies type=ACCESS_POLICY limit=1
set authenticationPolicyId = $last[0].id
ls policies type=PROFILE_ENROLLMENT limit=1
set profileEnrollmentPolicyId = $last[0].id
ls policies/$profileEnrollmentPolicyId/rules
set profileEnrollmentPolicyRuleId = $last[0].id
ls zones limit=1
set networkZoneId = $last[0].id
ls idps limit=2
set idpId = $last[0].id
set targetIdpId = $last[1].id
ls idps/credentials/keys
set keyId = $last[0].kid
ls idps/$idpId/credentials/csrs
set csrId = $last[0].id
ls authorizationServers limit=1
set authorizationServerId = $last[0].id
ls authorizationServers/$authorizationServerId/scopes
set scopeId = $last[0].id
ls authorizationServers/$authorizationServerId/claims
set claimId = $last[0].id
ls authenticators
set authenticatorId = $last[0].id
ls brands
set brandId = $last[0].id
ls brands/$brandId/themes
set themeId = $last[0].id
ls brands/$brandId/templates/email
set templateName = $last[0].name
ls brands/$brandId/templates/email/$templateName/customizations
set customizationId = $last[0].id
ls captchas
set captcha_id = $last[0].id
ls templates/sms
set templateId = $last[0].id
ls domains
set domainId = $last.domains[0].id
ls eventHooks
set eventHookId = $last[0].id
ls inlineHooks
set inlineHookId = $last[0].id
ls features
set featureId = $last[0].id
ls mappings
set mappingId = $last[0].id
# A custom identity source is an app instance; Okta lists none apart from the apps.
set identitySourceId = $appId
ls logStreams
set logStreamId = $last[0].id
ls iam/roles
set roleId = $last.roles[0].id
set roleIdOrLabel = $last.roles[0].id
ls iam/resource-sets
set resourceSetId = $last["resource-sets"][0].id
set resourceSetIdOrLabel = $last["resource-sets"][0].id
ls iam/resource-sets/$resourceSetId/bindings
set bindingId = $last.roles[0].id
ls apps/$appId/credentials/secrets
set secretId = $last[0].id
ls apps/$appId/credentials/jwks
set jwksId = $last[0].id
EOF
}

# Where one value cannot serve a whole folder run in order, a person sets the variable for the
# one request (`run "Folder/Name" k=v`), and such a folder runs request by request, still in file
# order. In users.json every create names the same user (isaac@{{email-suffix}}: run as one
# folder, nine of the ten are refused as duplicates, by Okta too), each lifecycle operation
# needs a user in a status it applies to (in order on one user, Activate, Unlock... cannot all
# succeed), "Change Password" leaves the password "uTVM,TPw55" that the next request's
# {{password}} must then be, and "Change Recovery Question" leaves an answer other than the
# "Annie Oakley" the forgot-password request gives. AS_IS=1 runs every folder whole instead.
declare -A per_request=(
    ["users.json|Create User/Create User with Password & Recovery Question"]="email-suffix=c1.example.com"
    ["users.json|Create User/Create Activated User with Password & Recovery Question"]="email-suffix=c2.example.com"
    ["users.json|Create User/Create User without Credentials"]="email-suffix=c3.example.com"
    ["users.json|Create User/Create Activated User without Credentials"]="email-suffix=c4.example.com"
    ["users.json|Create User/Create User with Password"]="email-suffix=c5.example.com"
    ["users.json|Create User/Create Activated User with Password"]="email-suffix=c6.example.com"
    ["users.json|Create User/Create User with Recovery Question"]="email-suffix=c7.example.com"
    ["users.json|Create User/Create Activated User with Recovery Question"]="email-suffix=c8.example.com"
    ["users.json|Create User/Create User in Group"]="email-suffix=c9.example.com"
    ["users.json|Create User/Create User with Non-Default User Type"]="email-suffix=c10.example.com"
    ["users.json|Credential Operations/Change Recovery Question"]='password="uTVM,TPw55"'
    ["users.json|Credential Operations/Forgot Password (Validate Security Answer)"]='userId=$forgotUserId password="Forgotten-Postman-7"'
    ["users.json|Lifecycle Operations/Activate User"]='userId=$stagedUserId'
    ["users.json|Lifecycle Operations/Deactivate User"]='userId=$doomedUserId'
    ["users.json|Lifecycle Operations/Unlock User"]='userId=$lockedUserId'
    ["users.json|Lifecycle Operations/Expire Password"]='userId=$expireUserId'
    ["users.json|Lifecycle Operations/Reset Password"]='userId=$resetUserId'
    ["users.json|Lifecycle Operations/Set Temp Password"]='userId=$tempUserId'
    ["users.json|Lifecycle Operations/Suspend User"]='userId=$suspendUserId'
    ["users.json|Lifecycle Operations/Unsuspend User"]='userId=$suspendUserId'
    ["users.json|Lifecycle Operations/Delete User"]='userId=$doomedUserId'
)

# Where a collection means another object by a shared name: api-access-mgmt.json's {{policyId}}
# and {{ruleId}} are an authorization server's policy and rule, not the org's sign-on policy.
declare -A collection_vars=(
    [api-access-mgmt.json]='ls authorizationServers/$authorizationServerId/policies
set policyId = $last[0].id
ls authorizationServers/$authorizationServerId/policies/$policyId/rules
set ruleId = $last[0].id'
)

# What a collection's test scripts would set after a request (the shell does not run scripts),
# set by hand after it as a person would.
declare -A after_request=(
    ["identity-sources.json|Create an import session"]='set sessionId = $last.id'
)

# Whether one of a folder's requests has its own variables. A loop, not `printf | grep -q`:
# under pipefail that pipeline fails at random when grep exits before printf has written.
has_own_variables() { # file-base folder
    local key
    for key in "${!per_request[@]}"; do
        [[ $key == "$1|$2/"* ]] && return 0
    done
    return 1
}

# The `run` lines for one collection: a folder whole, or request by request when one of its
# requests has its own variables.
runs() { # file-base collection-name items-file
    local base=$1 collection=$2 kind name folder
    while IFS=$'\t' read -r kind name; do
        case $kind in
            F)
                folder=$name
                if [[ -z ${AS_IS:-} ]] && grep -q "^Q	$folder/" "$3" &&
                    has_own_variables "$base" "$folder"; then
                    while IFS=$'\t' read -r _ request; do
                        echo "run \"$request\" ${per_request[$base|$request]:-} --yes"
                    done < <(grep -F "Q	$folder/" "$3")
                else
                    echo "run \"$folder/\" --yes"
                fi
                ;;
            R)
                echo "run \"$collection:$name\" ${per_request[$base|$name]:-} --yes"
                [[ -z ${after_request[$base|$name]:-} ]] || echo "${after_request[$base|$name]}"
                ;;
        esac
    done < <(grep -v '^Q' "$3")
}

# The collection's name and its items, in file order: `F\tName` for a top-level folder,
# `Q\tFolder/Name` for a request directly in one, `R\tName` for a top-level request, from the
# shell's own `ls requests`.
items() {
    "$bin" -c "import $1; ls requests" 2>/dev/null | sed -e 's/^"//' -e 's/"$//' -e 's/\\n/\n/g' |
        awk 'NR == 1 { sub(/ \(v[0-9][^()]*\)$/, ""); print "C\t" $0; next }
             /^  [^ ]/ && /\/$/ { folder = substr($0, 3); sub(/\/$/, "", folder); print "F\t" folder; next }
             /^  [A-Z]+ +/ { name = substr($0, 3); sub(/^[A-Z]+ +/, "", name); print "R\t" name; folder = ""; next }
             /^    [A-Z]+ +/ && folder != "" { req = substr($0, 5); sub(/^[A-Z]+ +/, "", req); print "Q\t" folder "/" req }
             /^    [^ ]/ && /\/$/ { folder = "" }'
}

# Counts one run's output, as tab-separated rows: for each top-level folder (or `(top level)`)
# the requests sent, the 2xx among them, and the ones not sent with the variables that stopped
# them.
tally() { # collection items-file output-file
    awk -F'\t' -v coll="$1" '
        FNR == NR { if ($1 == "F") folders[$2] = 1; next }
        function folder_of(name,   f) {
            for (f in folders) if (index(name, f "/") == 1) return f
            return "(top level)"
        }
        function note(f) { if (!(f in seen)) { seen[f] = 1; order[++n] = f } }
        /^run / { current = folder_of(substr($0, 5)); note(current); next }
        /^#[0-9]+ [A-Z]+ / && current != "" {
            split($0, w, /  +/); status = w[2]
            sent[current]++; if (status ~ /^2/) ok[current]++
            current = ""; next
        }
        /\(nothing was sent\)$/ && /^error: ([^ ]+:[0-9]+: )?run / {
            line = $0; sub(/^error: ([^ ]+:[0-9]+: )?run /, "", line); name = line; sub(/: [^:]*\(nothing was sent\)$/, "", name)
            f = folder_of(name); note(f); unsent[f]++
            why = line; sub(/^.*not defined: /, "", why); sub(/; `set.*$/, "", why)
            if (why == line) why = "not sent"
            split(why, vars, /, /); for (v in vars) if (!index(whys[f], vars[v])) whys[f] = whys[f] (whys[f] ? " " : "") vars[v]
            next
        }
        END {
            for (i = 1; i <= n; i++) {
                f = order[i]
                printf "%s\t%s\t%d\t%d\t%d\t%s\n", coll, f, sent[f], ok[f], unsent[f], (unsent[f] ? "needs " whys[f] : "")
            }
        }' "$2" "$3"
}

row() { printf '%-38s %-36s %5s %5s %6s  %s\n' "$@"; }
row collection folder sent 2xx unsent "why not sent"
files=("$@")
[[ ${#files[@]} -gt 0 ]] || files=("$fixtures"/*.json)
all_sent=0 all_ok=0 all_unsent=0
for f in "${files[@]}"; do
    [[ -f $f ]] || f=$fixtures/$f
    base=$(basename "$f")
    if [[ -n ${skip[$base]:-} ]]; then
        row "$base" "(skipped)" - - - "${skip[$base]}"
        continue
    fi
    items "$f" >"$work/$base.items"
    collection=$(awk -F'\t' '$1 == "C" { print $2 }' "$work/$base.items")
    {
        echo "import $f"
        preamble
        [[ -z ${collection_vars[$base]:-} ]] || echo "${collection_vars[$base]}"
        runs "$base" "$collection" "$work/$base.items"
    } >"$work/$base.oktash"
    timeout 300 "$bin" --demo -k "$work/$base.oktash" >"$work/$base.out" 2>&1 || true
    sent=0 ok=0 unsent=0
    while IFS=$'\t' read -r c folder s o u why; do
        row "$c" "$folder" "$s" "$o" "$u" "$why"
        sent=$((sent + s)) ok=$((ok + o)) unsent=$((unsent + u))
    done < <(tally "$base" "$work/$base.items" "$work/$base.out")
    row "$base" "= all folders" "$sent" "$ok" "$unsent" "$( ((sent)) && echo "$(( (200 * ok + sent) / (2 * sent) ))% of sent answered 2xx")"
    all_sent=$((all_sent + sent)) all_ok=$((all_ok + ok)) all_unsent=$((all_unsent + unsent))
done
row "(all collections)" "" "$all_sent" "$all_ok" "$all_unsent" ""
