//! The demo org's spec-driven engine: every operation not modelled by hand answers from Okta's
//! spec, statefully. The shell against it (policies, authorization servers, identity
//! providers), its errors over real HTTP, the table of hand-made operations, and bad input of
//! any shape.

use proptest::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::org::{assert_error, link, Org};
use crate::common::{documents, Home};

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/okta/openapi/management-minimal.yaml"
);
const DEMO_SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/okta/demo-spec.json");

#[test]
fn the_embedded_demo_spec_is_what_the_spec_gives() {
    let yaml = std::fs::read_to_string(SPEC).unwrap();
    let fresh = oktash_demo::spec_build::build_demo_spec(&yaml).unwrap();
    let stored = std::fs::read_to_string(DEMO_SPEC).unwrap();
    assert!(
        fresh == stored,
        "data/okta/demo-spec.json is stale: run `cargo run --release -p oktash-demo --example demo_spec`"
    );
}

/// Runs `script` with `oktash --demo --yes -c`, which must succeed; its JSON documents.
fn run_demo_script(script: &str) -> (Vec<Value>, String) {
    let home = Home::new();
    let (ok, out, err) = home.run(&["--demo", "--yes", "-c", script]);
    assert!(ok, "{err}");
    (documents(&out), err)
}

fn ids_of(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect()
}

fn find<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|o| o["id"] == id)
}

#[test]
fn the_shell_lists_gets_creates_updates_deactivates_and_deletes_a_policy() {
    let script = r#"ls policies type=PASSWORD
post policies {"type": "PASSWORD", "name": "Contractors' passwords", "description": "made by a test"}
set p = $last
get policies/$p.id
ls policies type=PASSWORD
put policies/$p.id {"type": "PASSWORD", "name": "Renamed passwords"}
post policies/$p.id/lifecycle/deactivate
ls policies type=PASSWORD
delete policies/$p.id
ls policies type=PASSWORD
ls policies type=OKTA_SIGN_ON"#;
    let (docs, err) = run_demo_script(script);
    // The delete and the deactivation answer 204, without a document.
    let [before, created, fetched, with_it, renamed, deactivated, after, sign_on] = &docs[..]
    else {
        panic!("eight documents: {docs:?}\n{err}");
    };
    let id = created["id"].as_str().expect("the server gave an id");
    assert!(id.starts_with("00p") && id.len() == 20, "{id}");
    assert_eq!(created["status"], "ACTIVE");
    assert!(created["created"].as_str().is_some_and(|c| c.contains('T')));
    assert_eq!(
        created["_links"]["self"]["href"]
            .as_str()
            .map(|h| h.ends_with(&format!("/api/v1/policies/{id}"))),
        Some(true)
    );
    assert_eq!(fetched, created);
    assert!(!ids_of(before).contains(&id));
    assert_eq!(find(with_it, id), Some(created));
    assert_eq!(renamed["name"], "Renamed passwords");
    assert_eq!(renamed["id"], id);
    assert_eq!(
        renamed["created"], created["created"],
        "PUT keeps server fields"
    );
    let listed = find(deactivated, id).expect("still listed");
    assert_eq!(listed["status"], "INACTIVE");
    assert_eq!(listed["name"], "Renamed passwords");
    assert!(find(after, id).is_none(), "deleted");
    assert_eq!(ids_of(after), ids_of(before));
    // Every listed policy has the type asked for, and each type has some.
    for (list, kind) in [(before, "PASSWORD"), (sign_on, "OKTA_SIGN_ON")] {
        let list = list.as_array().unwrap();
        assert!(!list.is_empty(), "{kind}");
        assert!(list.iter().all(|p| p["type"] == kind), "{kind}: {list:?}");
    }
    assert!(err.contains("POST /api/v1/policies/"), "{err}");
}

#[test]
fn the_shell_drives_an_authorization_server_and_an_identity_provider() {
    let script = r#"ls authorizationServers
post authorizationServers {"name": "Partner API", "description": "For partners", "audiences": ["api://partners"]}
set a = $last
post authorizationServers/$a.id/scopes {"name": "partners:read", "description": "Read partner data"}
ls authorizationServers/$a.id/scopes
post authorizationServers/$a.id/lifecycle/deactivate
get authorizationServers/$a.id
put authorizationServers/$a.id {"name": "Partner API v2", "description": "For partners", "audiences": ["api://partners"]}
delete authorizationServers/$a.id
ls authorizationServers
ls idps
post idps {"type": "GOOGLE", "name": "Google for staff", "protocol": {"type": "OIDC", "scopes": ["openid"], "credentials": {"client": {"client_id": "abc", "client_secret": "xyz"}}}, "policy": {"provisioning": {"action": "AUTO"}, "maxClockSkew": 0}}
set i = $last
post idps/$i.id/lifecycle/deactivate
get idps/$i.id
delete idps/$i.id
ls idps"#;
    let (docs, err) = run_demo_script(script);
    assert!(docs.len() >= 12, "{docs:?}\n{err}");
    let servers = &docs[0];
    let server = &docs[1];
    let sid = server["id"].as_str().expect("id");
    assert!(!ids_of(servers).contains(&sid));
    let scope = &docs[2];
    assert_eq!(scope["name"], "partners:read");
    assert!(find(&docs[3], scope["id"].as_str().unwrap()).is_some());
    // activate/deactivate of an authorization server answer 204; the GET shows the change.
    assert_eq!(docs[4]["status"], "INACTIVE");
    assert_eq!(docs[5]["name"], "Partner API v2", "PUT updates");
    assert_eq!(ids_of(&docs[6]), ids_of(servers), "deleted");
    let idps = &docs[7];
    let idp = &docs[8];
    let iid = idp["id"].as_str().expect("id");
    assert_eq!(idp["name"], "Google for staff");
    assert!(!ids_of(idps).contains(&iid));
    // The IdP's deactivate answers the IdP itself.
    assert_eq!(docs[9]["status"], "INACTIVE");
    assert_eq!(docs[10]["status"], "INACTIVE");
    assert_eq!(ids_of(&docs[11]), ids_of(idps));
}

#[tokio::test]
async fn generic_errors_are_oktas_and_pages_link_on() {
    let org = Org::default().await;
    let (status, _, body) = org.get("/api/v1/policies").await;
    assert_error(status, &body, 400, "E0000001");
    assert!(body["errorCauses"][0]["errorSummary"]
        .as_str()
        .unwrap()
        .starts_with("type:"));
    let (status, _, body) = org.get("/api/v1/policies?type=NOPE").await;
    assert_error(status, &body, 400, "E0000001");
    let (status, _, body) = org.get("/api/v1/policies/00pnotapolicy0000000").await;
    assert_error(status, &body, 404, "E0000007");
    assert!(body["errorSummary"].as_str().unwrap().contains("(Policy)"));
    let (status, _, body) = org.get("/api/v1/no/such/path").await;
    assert_error(status, &body, 404, "E0000007");
    assert!(body["errorSummary"].as_str().unwrap().contains("(Path)"));
    let (status, _, body) = org.call(Method::PATCH, "/api/v1/zones", None).await;
    assert_error(status, &body, 405, "E0000022");
    // A body against the request schema: a required field missing, a wrong type.
    let (status, _, body) = org
        .post("/api/v1/policies", json!({"type": "PASSWORD"}))
        .await;
    assert_error(status, &body, 400, "E0000001");
    assert_eq!(
        body["errorCauses"][0]["errorSummary"],
        "name: The field cannot be left blank"
    );
    let (status, _, body) = org
        .post("/api/v1/policies", json!({"type": "PASSWORD", "name": 7}))
        .await;
    assert_error(status, &body, 400, "E0000001");
    assert!(body["errorSummary"].as_str().unwrap().ends_with("name"));
    // A nested collection below an object that does not exist.
    let (status, _, body) = org
        .get("/api/v1/authorizationServers/ausnotaserver0000000/scopes")
        .await;
    assert_error(status, &body, 404, "E0000007");
    // Singletons answer one object and keep an update.
    let (status, _, org_settings) = org.get("/api/v1/org").await;
    assert_eq!(status, StatusCode::OK, "{org_settings}");
    let (status, _, changed) = org
        .post("/api/v1/org", json!({"companyName": "Demo Corp"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(org.get("/api/v1/org").await.2["companyName"], "Demo Corp");
    assert_eq!(
        org.get("/api/v1/org").await.2["address1"],
        org_settings["address1"],
        "POST is partial"
    );
    // Paging with limit and after, and link headers as on the hand-made lists.
    let (items, pages) = org.all_pages("/api/v1/zones?limit=1").await;
    assert!(pages >= 3 && items.len() == pages, "{pages} pages");
    let (_, headers, _) = org.get("/api/v1/zones?limit=1").await;
    let next = link(&headers, "next").expect("next");
    assert!(next.starts_with(&org.demo.base_url), "{next}");
    // Deterministic per seed, and put back by demo reset.
    let (_, _, first) = org.get("/api/v1/idps").await;
    let (_, _, made) = org
        .post(
            "/api/v1/authorizationServers",
            json!({"name": "Gone after reset", "audiences": ["api://x"]}),
        )
        .await;
    assert!(made["id"].is_string(), "{made}");
    org.post_empty("/demo/reset").await;
    let (_, _, servers) = org.get("/api/v1/authorizationServers").await;
    assert!(find(&servers, made["id"].as_str().unwrap()).is_none());
    assert_eq!(org.get("/api/v1/org").await.2, org_settings, "reset");
    let again = Org::default().await;
    let (_, _, second) = again.get("/api/v1/idps").await;
    assert!(!ids_of(&first).is_empty());
    assert!(ids_of(&second) == ids_of(&first), "same seed, same objects");
}

#[tokio::test]
async fn a_generic_collection_is_bounded() {
    let org = Org::default().await;
    assert_eq!(creates_until_refused(&org).await, oktash_demo::MAX_OBJECTS);
    // The bound is the server's to set (`demo serve --max-objects N`).
    let small = Org::start(oktash_demo::DemoOptions {
        max_objects: 12,
        ..oktash_demo::DemoOptions::default()
    })
    .await;
    assert_eq!(creates_until_refused(&small).await, 12);
}

/// How many zones the org holds when a create is refused (the seeded ones included), checking
/// the refusal is Okta's 400 E0000001.
async fn creates_until_refused(org: &Org) -> usize {
    let mut refused = None;
    for i in 0..=oktash_demo::MAX_OBJECTS {
        let (status, _, body) = org
            .post(
                "/api/v1/zones",
                json!({"type": "IP", "name": format!("zone {i}")}),
            )
            .await;
        if status != StatusCode::OK {
            refused = Some((i, status, body));
            break;
        }
    }
    let (_, status, body) = refused.expect("creates beyond the bound are refused");
    assert_error(status, &body, 400, "E0000001");
    org.all_pages("/api/v1/zones?limit=200").await.0.len()
}

#[test]
fn list_operations_names_every_operation_hand_or_generic() {
    let home = Home::new();
    let (ok, out, err) = home.run(&["demo", "serve", "--list-operations"]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let (last, ops) = lines.split_last().unwrap();
    assert_eq!(ops.len(), 732);
    let hand = ops.iter().filter(|l| l.starts_with("hand ")).count();
    let generic = ops.iter().filter(|l| l.starts_with("generic ")).count();
    assert_eq!(hand + generic, 732);
    assert!(
        last.starts_with(&format!("732 operations: {hand} hand, {generic} generic")),
        "{last}"
    );
    let owner_of = |method: &str, path: &str| {
        ops.iter()
            .find(|l| l.split_whitespace().skip(1).take(2).eq([method, path]))
            .map(|l| l.split_whitespace().next().unwrap())
    };
    assert_eq!(owner_of("GET", "/api/v1/users"), Some("hand"));
    assert_eq!(
        owner_of("POST", "/api/v1/users/{id}/lifecycle/suspend"),
        Some("hand")
    );
    assert_eq!(owner_of("GET", "/api/v1/policies"), Some("generic"));
    assert_eq!(
        owner_of("GET", "/api/v1/users/{userId}/factors"),
        Some("generic")
    );
    assert_eq!(owner_of("GET", "/api/v1/groups/rules"), Some("hand"));
    assert_eq!(
        owner_of("GET", "/api/v1/groups/{groupId}/owners"),
        Some("generic")
    );
}

/// Path segments that reach deep into the spec's templates, and some that reach nowhere.
const SEGMENTS: &[&str] = &[
    "api",
    "v1",
    "users",
    "groups",
    "apps",
    "policies",
    "rules",
    "idps",
    "authorizationServers",
    "scopes",
    "claims",
    "zones",
    "brands",
    "themes",
    "org",
    "meta",
    "schemas",
    "user",
    "default",
    "lifecycle",
    "activate",
    "deactivate",
    "factors",
    "roles",
    "credentials",
    "keys",
    "me",
    "00u1",
    "%00",
    "..",
    "%E2%9C%93",
    "{id}",
    "",
    "oauth2",
    ".well-known",
];

fn path() -> impl Strategy<Value = String> {
    let seg = prop_oneof![
        4 => prop::sample::select(SEGMENTS).prop_map(str::to_string),
        1 => "[a-zA-Z0-9_.~-]{0,12}",
    ];
    prop::collection::vec(seg, 0..8).prop_map(|segs| {
        let mut p = String::from("/api/v1");
        for s in segs {
            p.push('/');
            p.push_str(&s);
        }
        p
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z ]{0,8}".prop_map(Value::from),
        prop::sample::select(&["ACTIVE", "PASSWORD", "OIDC", "name", "type"][..])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(
                    &["name", "type", "status", "id", "profile", "settings", "x"][..]
                ),
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

#[test]
fn any_path_method_and_body_gets_json_or_an_okta_error() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let org = runtime.block_on(Org::default());
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::HEAD,
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let strategy = (
        prop::sample::select(methods.to_vec()),
        path(),
        prop::option::of(json_value()),
    );
    runner
        .run(&strategy, |(method, path, body)| {
            let head = method == Method::HEAD;
            let (status, text) = runtime.block_on(async {
                let mut req = org
                    .http
                    .request(method.clone(), org.url(&path))
                    .header("Authorization", format!("SSWS {}", org.demo.token));
                if let Some(b) = &body {
                    req = req.json(b);
                }
                let res = req.send().await.expect("the server answers");
                (res.status(), res.text().await.expect("a body"))
            });
            prop_assert!(status.as_u16() < 500, "{method} {path}: {status} {text}");
            if text.is_empty() {
                prop_assert!(
                    status.is_success() || head,
                    "{method} {path}: {status} with no body"
                );
            } else {
                let json: Value = serde_json::from_str(&text).map_err(|e| {
                    TestCaseError::fail(format!("{method} {path}: not JSON ({e}): {text}"))
                })?;
                if !status.is_success() {
                    prop_assert!(json["errorCode"].is_string(), "{method} {path}: {text}");
                }
            }
            Ok(())
        })
        .unwrap();
    // Still serving.
    let (status, _, _) = runtime.block_on(org.get("/api/v1/users/me"));
    assert_eq!(status, StatusCode::OK);
}

/// `help` of an operation on the demo org says who answers it there.
#[test]
fn help_on_the_demo_org_says_who_answers_an_operation() {
    let home = Home::new();
    let (ok, out, err) = home.run_demo("help ls users; help ls policies");
    assert!(ok, "{err}");
    let docs = documents(&out);
    let text = |i: usize| docs[i].as_str().unwrap_or_default().to_string();
    assert!(
        text(0).ends_with("Demo org: modelled by hand, with Okta's rules"),
        "{out}"
    );
    assert!(
        text(1).contains("Demo org: answered from the spec"),
        "{out}"
    );
    let (ok, out, err) = home.run(&["-c", "help ls policies"]);
    assert!(ok, "{err}");
    assert!(!out.contains("Demo org"), "no demo org, no line: {out}");
}

/// A request below a parent that does not exist answers Okta's 404, whether the parent is
/// modelled by hand (a user, a group, an app) or by the engine (a policy, an IdP); below one
/// that exists, the engine answers.
#[tokio::test]
async fn below_a_parent_that_does_not_exist_the_engine_answers_okta_s_404() {
    let org = Org::default().await;
    for (path, noun) in [
        ("/api/v1/users/nope/factors", "User"),
        ("/api/v1/users/00unotauser000000000/grants", "User"),
        ("/api/v1/groups/00gNOPE/owners", "UserGroup"),
        ("/api/v1/apps/0oaNOPE/tokens", "AppInstance"),
        ("/api/v1/policies/00pNOPE/rules", "Policy"),
        ("/api/v1/idps/0oaNOPE/users", "IdentityProvider"),
    ] {
        let (status, _, body) = org.get(path).await;
        assert_error(status, &body, 404, "E0000007");
        let summary = body["errorSummary"].as_str().unwrap_or_default();
        assert!(summary.ends_with(&format!("({noun})")), "{path}: {body}");
    }
    // A write below a missing user is refused before its body is looked at.
    let (status, _, body) = org
        .post("/api/v1/users/nope/factors", json!({"factorType": 5}))
        .await;
    assert_error(status, &body, 404, "E0000007");

    let (_, _, me) = org.get("/api/v1/users/me").await;
    let (_, _, groups) = org.get("/api/v1/groups?limit=1").await;
    let (_, _, apps) = org.get("/api/v1/apps?limit=1").await;
    let (_, _, idps) = org.get("/api/v1/idps").await;
    for path in [
        "/api/v1/users/me/factors".to_string(),
        format!("/api/v1/users/{}/factors", me["id"].as_str().unwrap()),
        format!(
            "/api/v1/groups/{}/owners",
            groups[0]["id"].as_str().unwrap()
        ),
        format!("/api/v1/apps/{}/tokens", apps[0]["id"].as_str().unwrap()),
        format!("/api/v1/idps/{}/users", idps[0]["id"].as_str().unwrap()),
    ] {
        let (status, _, body) = org.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(body.is_array(), "{path}: {body}");
    }
}

/// Where the spec's examples break its own schema, the engine answers what the schema says: a
/// date-time is RFC 3339 (the examples write `2023-03-29 18:18:37.0`), an object is an object
/// (the spec gives an object schema `example: ACTIVE`); SAML metadata is the spec's XML, as
/// text/xml; an app's allowed apps are a list of the ids created.
#[tokio::test]
async fn the_engine_answers_what_the_schema_says_where_the_examples_do_not() {
    let org = Org::default().await;
    let (_, _, groups) = org.get("/api/v1/groups?limit=1").await;
    let group = groups[0]["id"].as_str().unwrap();
    let (status, _, owners) = org.get(&format!("/api/v1/groups/{group}/owners")).await;
    assert_eq!(status, StatusCode::OK);
    for owner in owners.as_array().unwrap() {
        let at = owner["lastUpdated"].as_str().unwrap();
        assert!(
            at.len() >= 20 && at.as_bytes()[10] == b'T' && at.ends_with('Z'),
            "{at}"
        );
    }
    let (_, _, policies) = org.get("/api/v1/policies?type=ACCESS_POLICY").await;
    let policy = policies[0]["id"].as_str().unwrap();
    let (status, _, apps) = org.get(&format!("/api/v1/policies/{policy}/app")).await;
    assert_eq!(status, StatusCode::OK);
    for app in apps.as_array().unwrap() {
        assert!(app["universalLogout"].is_object(), "{app}");
    }

    // The examples' `kid: "your-key-id"` is a placeholder: the key gets an id of its own. A
    // time the schema calls only a string still reads as one.
    let (_, _, keys) = org.get("/api/v1/idps/credentials/keys").await;
    for key in keys.as_array().unwrap() {
        assert!(!key["kid"].as_str().unwrap().starts_with("your"), "{key}");
    }
    let (_, _, behaviors) = org.get("/api/v1/behaviors").await;
    for behavior in behaviors.as_array().unwrap().iter().skip(1) {
        let created = behavior["created"].as_str().unwrap();
        assert!(
            created.starts_with("20") && created.contains('T'),
            "{created}"
        );
    }

    let (_, _, apps) = org.get("/api/v1/apps?limit=1").await;
    let app = apps[0]["id"].as_str().unwrap();
    let res = org
        .http
        .get(org.url(&format!("/api/v1/apps/{app}/sso/saml/metadata?kid=k1")))
        .header("Authorization", format!("SSWS {}", org.demo.token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/xml");
    assert!(res.text().await.unwrap().contains("<md:EntityDescriptor"));

    let allowed = format!("/api/v1/apps/{app}/interclient-allowed-apps");
    let (status, _, mapping) = org
        .post(&allowed, json!({"id": "0oa89ks1irGAcYwXw0g5"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(mapping.is_object(), "{mapping}");
    let (_, _, ids) = org.get(&allowed).await;
    assert!(
        ids.as_array()
            .unwrap()
            .contains(&json!("0oa89ks1irGAcYwXw0g5")),
        "{ids}"
    );
    let (status, _, _) = org
        .call(
            Method::DELETE,
            &format!("{allowed}/0oa89ks1irGAcYwXw0g5"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!org
        .get(&allowed)
        .await
        .2
        .as_array()
        .unwrap()
        .contains(&json!("0oa89ks1irGAcYwXw0g5")));
}

/// An object offers the lifecycle link it can take next: `deactivate` while active, `activate`
/// once deactivated, so `follow` goes back and forth as on Okta.
#[test]
fn a_lifecycle_change_offers_the_other_link() {
    let (docs, err) = run_demo_script(
        "ls zones limit=1; follow deactivate $last[0]; get $last.id; follow activate $last",
    );
    let links = |doc: &Value| {
        doc["_links"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(docs[0][0]["status"], "ACTIVE", "{err}");
    assert!(links(&docs[0][0]).contains(&"deactivate".to_string()));
    for deactivated in [&docs[1], &docs[2]] {
        assert_eq!(deactivated["status"], "INACTIVE");
        assert!(
            links(deactivated).contains(&"activate".to_string()),
            "{deactivated}"
        );
        assert!(
            !links(deactivated).contains(&"deactivate".to_string()),
            "{deactivated}"
        );
        let href = deactivated["_links"]["activate"]["href"].as_str().unwrap();
        assert!(href.ends_with("/lifecycle/activate"), "{href}");
    }
    assert_eq!(docs[3]["status"], "ACTIVE");
    assert!(
        links(&docs[3]).contains(&"deactivate".to_string()),
        "{}",
        docs[3]
    );
}

/// The examples' links point at the object that holds them: `{policyId}` placeholders and the
/// examples' ids become the object's own id and its parents', and an object made from the schema
/// alone offers the lifecycle link its status calls for, as one made from an example does.
#[tokio::test]
async fn links_lead_to_the_object_itself_and_its_next_lifecycle_step() {
    let org = Org::default().await;
    let mut hrefs = Vec::new();
    let (_, _, policies) = org.get("/api/v1/policies?type=PASSWORD").await;
    let (_, _, servers) = org.get("/api/v1/authorizationServers").await;
    let server = servers[0]["id"].as_str().unwrap();
    let (_, _, server_policies) = org
        .get(&format!("/api/v1/authorizationServers/{server}/policies"))
        .await;
    for list in [&policies, &servers, &server_policies] {
        for object in list.as_array().unwrap() {
            let id = object["id"].as_str().unwrap();
            let links = object["_links"].as_object().expect("links");
            for link in links.values() {
                let href = link["href"].as_str().unwrap_or_default().to_string();
                assert!(!href.contains('{') && !href.contains("%7B"), "{href}");
                if href.contains("/api/v1/") {
                    assert!(href.contains(id), "{href} is not {id}'s");
                }
                hrefs.push(href);
            }
            let (offered, status) = match object["status"].as_str() {
                Some("ACTIVE") => ("deactivate", "ACTIVE"),
                _ => ("activate", "INACTIVE"),
            };
            assert!(links.contains_key(offered), "{status} {object}");
        }
    }
    assert!(
        hrefs
            .iter()
            .any(|h| h.contains(&format!("/authorizationServers/{server}/policies/"))),
        "a server's policy links below that server: {hrefs:?}"
    );
    // What the spec keeps under an object is linked, as Okta links a policy's rules, whether
    // the object was made from an example or from the schema.
    for policy in policies.as_array().unwrap() {
        let id = policy["id"].as_str().unwrap();
        assert!(
            policy["_links"]["rules"]["href"]
                .as_str()
                .is_some_and(|h| h.ends_with(&format!("/api/v1/policies/{id}/rules"))),
            "{policy}"
        );
    }
    for child in ["scopes", "claims", "policies"] {
        assert!(servers[0]["_links"][child]["href"].is_string(), "{child}");
    }
    // A server's issuer is its own, made from the schema or not.
    for server in servers.as_array().unwrap() {
        let id = server["id"].as_str().unwrap();
        let issuer = server["issuer"].as_str().unwrap_or_default();
        assert!(issuer.ends_with(&format!("/oauth2/{id}")), "{server}");
    }
    // Followed, the links answer.
    let readable = hrefs
        .iter()
        .filter(|h| h.contains("/api/v1/") && !h.contains("/lifecycle/"));
    for href in readable {
        let path = href
            .split_once("/api/v1/")
            .map(|(_, p)| format!("/api/v1/{p}"));
        let (status, _, body) = org.get(&path.unwrap()).await;
        assert!(status.is_success(), "{href}: {status} {body}");
    }
}

/// "As a safety precaution, you can only delete event hooks with a status of INACTIVE": what
/// the spec says a DELETE needs, the engine asks, with Okta's 403 E0000107.
#[tokio::test]
async fn what_the_spec_deletes_only_when_inactive_is_deactivated_first() {
    let org = Org::default().await;
    let (_, _, hooks) = org.get("/api/v1/eventHooks").await;
    let hook = hooks[0]["id"].as_str().unwrap();
    assert_eq!(hooks[0]["status"], "ACTIVE");
    let path = format!("/api/v1/eventHooks/{hook}");
    let (status, _, body) = org.call(Method::DELETE, &path, None).await;
    assert_error(status, &body, 403, "E0000107");
    let (status, _, _) = org.get(&path).await;
    assert_eq!(status, StatusCode::OK, "still there");
    let (status, _, body) = org
        .post_empty(&format!("{path}/lifecycle/deactivate"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    org.delete_and_find_gone(&path).await;
    // Objects the spec deletes whatever their status go at once.
    let (_, _, zones) = org.get("/api/v1/zones").await;
    let zone = zones[0]["id"].as_str().unwrap();
    assert_eq!(zones[0]["status"], "ACTIVE");
    org.delete_and_find_gone(&format!("/api/v1/zones/{zone}"))
        .await;
}

/// A list Okta wraps in an object pages in the body, as the IAM lists do: `_links.next` only
/// while another page follows, and following it reaches the rest.
#[tokio::test]
async fn a_wrapped_list_pages_by_its_own_next_link() {
    let org = Org::default().await;
    let mut ids = Vec::new();
    let mut path = "/api/v1/iam/roles?limit=2".to_string();
    for _ in 0..10 {
        let (status, _, page) = org.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        ids.extend(ids_of(&page["roles"]).into_iter().map(str::to_string));
        match page.pointer("/_links/next/href").and_then(Value::as_str) {
            Some(next) => {
                assert!(page["roles"].as_array().unwrap().len() == 2, "{page}");
                path = next
                    .split_once("/api/v1/")
                    .map(|(_, p)| format!("/api/v1/{p}"))
                    .unwrap();
            }
            None => break,
        }
    }
    let (_, _, whole) = org.get("/api/v1/iam/roles").await;
    assert_eq!(ids, ids_of(&whole["roles"]), "every role once, in order");
    assert!(whole.pointer("/_links/next").is_none(), "{whole}");
}

/// A user of the demo org linked to an identity provider, as Okta's "Link a user to an IdP":
/// the POST makes the link, a GET finds it, the DELETE unlinks; an id the org lacks is a 404.
#[tokio::test]
async fn a_user_is_linked_to_an_identity_provider_and_unlinked() {
    let org = Org::default().await;
    let (_, _, users) = org.get("/api/v1/users?limit=1").await;
    let user = users[0]["id"].as_str().unwrap();
    let (_, _, idps) = org.get("/api/v1/idps").await;
    let idp = idps[0]["id"].as_str().unwrap();
    let link = format!("/api/v1/idps/{idp}/users/{user}");
    let (status, _, body) = org.get(&link).await;
    assert_error(status, &body, 404, "E0000007");
    let (status, _, linked) = org
        .post(&link, json!({"externalId": "121749775026145"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{linked}");
    assert_eq!(linked["id"], user);
    assert_eq!(linked["externalId"], "121749775026145");
    let (_, _, listed) = org.get(&format!("/api/v1/idps/{idp}/users")).await;
    assert!(find(&listed, user).is_some(), "{listed}");
    org.delete_and_find_gone(&link).await;
    let (status, _, body) = org
        .post(
            &format!("/api/v1/idps/{idp}/users/00uNOTAUSER000000000"),
            json!({}),
        )
        .await;
    assert_error(status, &body, 404, "E0000007");
}

/// What is kept below a typed parent is of its kind, as in Okta: a password policy's rules are
/// PASSWORD rules and a sign-on policy's SIGN_ON ones, for seeded policies and new ones alike.
#[tokio::test]
async fn a_policy_s_rules_are_of_its_type() {
    let org = Org::default().await;
    let (status, _, created) = org
        .call(
            Method::POST,
            "/api/v1/policies",
            Some(json!({"name": "Enrollment", "type": "MFA_ENROLL"})),
        )
        .await;
    assert!(status.is_success(), "{status} {created}");
    let mut policies = vec![created];
    for kind in ["PASSWORD", "OKTA_SIGN_ON", "ACCESS_POLICY"] {
        let (_, _, listed) = org.get(&format!("/api/v1/policies?type={kind}")).await;
        policies.push(listed[0].clone());
    }
    for policy in policies {
        let id = policy["id"].as_str().unwrap();
        let (status, _, rules) = org.get(&format!("/api/v1/policies/{id}/rules")).await;
        assert!(status.is_success(), "{status} {rules}");
        let kinds: Vec<&str> = rules
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["type"].as_str().unwrap_or_default())
            .collect();
        let expected = match policy["type"].as_str().unwrap() {
            "OKTA_SIGN_ON" => "SIGN_ON",
            other => other,
        };
        assert!(
            !kinds.is_empty() && kinds.iter().all(|k| *k == expected),
            "{} policy: {kinds:?}",
            policy["type"]
        );
    }
}

/// The examples' flaws are not served: an OAuth client's `{clientId}` placeholder becomes an
/// app's id, the same example client is one object, and YAML's `null,` typo is no value.
#[tokio::test]
async fn an_authorization_server_s_clients_have_ids_of_their_own() {
    let org = Org::default().await;
    let (_, _, servers) = org.get("/api/v1/authorizationServers").await;
    let server = servers[0]["id"].as_str().unwrap();
    let (status, _, clients) = org
        .get(&format!("/api/v1/authorizationServers/{server}/clients"))
        .await;
    assert!(status.is_success(), "{status} {clients}");
    let clients = clients.as_array().unwrap();
    let mut ids: Vec<&str> = clients
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    assert!(ids.iter().all(|id| id.starts_with("0oa")), "{ids:?}");
    let first = ids[0];
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), clients.len(), "{clients:?}");
    let text = serde_json::to_string(clients).unwrap();
    assert!(
        !text.contains("null,") && !text.contains("{clientId}"),
        "{text}"
    );
    // Its tokens link below it, and answer.
    let tokens = clients[0]["_links"]["tokens"]["href"].as_str().unwrap();
    assert!(
        tokens.ends_with(&format!("/clients/{first}/tokens")),
        "{tokens}"
    );
    let (status, _, _) = org
        .get(&format!(
            "/api/v1/authorizationServers/{server}/clients/{first}/tokens"
        ))
        .await;
    assert!(status.is_success(), "{status}");
}
