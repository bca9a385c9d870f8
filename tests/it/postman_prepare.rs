//! `prepare`: variable precedence, missing variables, dynamic variables, URL encoding, auth
//! replacement and bodies.

use std::collections::HashMap;
use std::path::Path;

use oktash::postman::{
    import_file, import_str, prepare, Collection, Imported, PartValue, PrepareError, PreparedBody,
    PreparedRequest, RequestDef,
};
use serde_json::{json, Value};

const ORG: &str = "https://dev-1.okta.com";

fn collection_with(items: Value, variables: Value) -> Collection {
    let doc = json!({
        "info": {"name": "T", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": items,
        "variable": variables,
    });
    match import_str(&doc.to_string(), "tests/t.json").unwrap() {
        Imported::Collection(c) => c,
        Imported::Environment(_) => unreachable!(),
    }
}

/// One request: `url`, headers as [key, value] pairs, optional body.
fn one(url: &str, headers: &[(&str, &str)], body: Value) -> Collection {
    let header: Vec<Value> = headers
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect();
    collection_with(
        json!([{"name": "r", "request": {"method": "POST", "url": url, "header": header, "body": body}}]),
        json!([]),
    )
}

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |n: &str| map.get(n).cloned()
}

fn run(
    c: &Collection,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<PreparedRequest, PrepareError> {
    prepare(&c.requests()[0], c, lookup, ORG)
}

fn url_of(template: &str, lookup: &[(&str, &str)]) -> String {
    run(&one(template, &[], Value::Null), &vars(lookup))
        .unwrap()
        .url
}

#[test]
fn lookup_beats_collection_variables_which_fill_the_rest() {
    let c = collection_with(
        json!([{"name": "r", "request": {"url": "{{url}}/api/v1/users/{{userId}}/groups/{{groupId}}"}}]),
        json!([{"key": "userId", "value": "00u-collection"}, {"key": "groupId", "value": "00g-collection"}]),
    );
    let p = run(&c, &vars(&[("userId", "00u-lookup")])).unwrap();
    assert_eq!(
        p.url,
        format!("{ORG}/api/v1/users/00u-lookup/groups/00g-collection")
    );
}

#[test]
fn org_aliases_always_mean_the_org() {
    // Even when a lookup or the collection defines them: a request can never be pointed away.
    let c = collection_with(
        json!([{"name": "r", "request": {"url": "{{baseUrl}}/v1/teams"}}]),
        json!([{"key": "baseUrl", "value": "https://app.scaleft.com"}]),
    );
    let p = run(&c, &vars(&[("baseUrl", "https://evil.example")])).unwrap();
    assert_eq!(p.url, format!("{ORG}/v1/teams"));
    assert_eq!(
        url_of("{{url}}/api/v1/users", &[]),
        format!("{ORG}/api/v1/users")
    );
}

#[test]
fn your_okta_domain_with_or_without_a_scheme() {
    let local = "http://127.0.0.1:8080/";
    let c = one(
        "https://{{yourOktaDomain}}/api/v1/apps?redirect=https://{{yourOktaDomain}}/cb",
        &[("X-Issuer", "{{yourOktaDomain}}")],
        json!({"mode": "raw", "raw": "{\"issuer\": \"https://{{yourOktaDomain}}/oauth2\", \"domain\": \"{{yourOktaDomain}}\"}"}),
    );
    let p = prepare(&c.requests()[0], &c, &vars(&[]), local).unwrap();
    assert_eq!(
        p.url,
        "http://127.0.0.1:8080/api/v1/apps?redirect=http://127.0.0.1:8080/cb"
    );
    assert_eq!(
        p.headers,
        [("X-Issuer".to_string(), "127.0.0.1:8080".to_string())]
    );
    let Some(PreparedBody::Raw { text, .. }) = p.body else {
        panic!()
    };
    assert_eq!(
        text,
        "{\"issuer\": \"http://127.0.0.1:8080/oauth2\", \"domain\": \"127.0.0.1:8080\"}"
    );
    assert_eq!(
        url_of("{{yourOktaDomain}}/api/v1/apps", &[]),
        format!("{ORG}/api/v1/apps")
    );
}

#[test]
fn every_missing_variable_is_named_once_in_order() {
    let c = one(
        "{{url}}/api/v1/users/{{userId}}/types/{{typeId}}?x={{userId}}",
        &[
            ("Authorization", "SSWS {{apikey}}"),
            ("X-Trace", "{{traceId}}"),
        ],
        json!({"mode": "raw", "raw": "{\"a\": \"{{typeId}}\", \"b\": \"{{$randomNope}}\"}"}),
    );
    let err = run(&c, &vars(&[])).unwrap_err();
    assert_eq!(
        err,
        PrepareError::Missing(vec![
            "userId".into(),
            "typeId".into(),
            "traceId".into(),
            "$randomNope".into()
        ])
    );
    let msg = err.to_string();
    assert!(
        msg.contains("userId, typeId, traceId") && msg.contains("nothing was sent"),
        "{msg}"
    );
}

#[test]
fn apikey_outside_the_auth_header_is_required() {
    let c = one(
        "{{url}}/x",
        &[],
        json!({"mode": "raw", "raw": "{\"token\": \"{{apikey}}\"}"}),
    );
    assert_eq!(
        run(&c, &vars(&[])).unwrap_err(),
        PrepareError::Missing(vec!["apikey".into()])
    );
}

#[test]
fn nested_values_resolve_and_cycles_stop() {
    let c = collection_with(
        json!([{"name": "r", "request": {"url": "{{url}}/api/v1/users/{{who}}"}}]),
        json!([{"key": "who", "value": "{{first}}.{{last}}"}, {"key": "last", "value": "lee"}]),
    );
    assert_eq!(
        run(&c, &vars(&[("first", "ann")])).unwrap().url,
        format!("{ORG}/api/v1/users/ann.lee")
    );
    let c = collection_with(
        json!([{"name": "r", "request": {"url": "{{url}}/{{a}}"}}]),
        json!([{"key": "a", "value": "{{b}}"}, {"key": "b", "value": "{{a}}"}]),
    );
    assert!(matches!(run(&c, &vars(&[])), Err(PrepareError::Missing(_))));
}

#[test]
fn dynamic_variables() {
    let c = one(
        "{{url}}/x",
        &[],
        json!({"mode": "raw", "raw": "{{$guid}}|{{$guid}}|{{$randomUUID}}|{{$timestamp}}|{{$isoTimestamp}}|{{$randomInt}}|{{$randomFirstName}}|{{$randomLastName}}|{{$randomEmail}}|{{$randomUserName}}|{{$randomAlphaNumeric}}|{{$randomPassword}}|{{$randomPhoneNumber}}|{{$randomBoolean}}"}),
    );
    let Some(PreparedBody::Raw { text, content_type }) = run(&c, &vars(&[])).unwrap().body else {
        panic!()
    };
    assert_eq!(content_type, "text/plain");
    let v: Vec<&str> = text.split('|').collect();
    let is_uuid = |s: &str| {
        s.len() == 36
            && s.chars().filter(|c| *c == '-').count() == 4
            && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
    };
    assert!(is_uuid(v[0]) && is_uuid(v[1]) && is_uuid(v[2]), "{text}");
    assert_ne!(v[0], v[1], "each occurrence is fresh");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let ts: u64 = v[3].parse().unwrap();
    assert!(ts.abs_diff(now) < 60, "{ts}");
    assert!(
        v[4].len() == 24 && v[4].ends_with('Z') && &v[4][10..11] == "T",
        "{}",
        v[4]
    );
    assert!(v[5].parse::<u32>().unwrap() <= 1000);
    assert!(!v[6].is_empty() && !v[7].is_empty());
    assert!(v[8].contains("@example."), "{}", v[8]);
    assert!(!v[9].is_empty() && v[10].len() == 1 && v[11].len() == 15);
    assert_eq!(v[12].len(), 12);
    assert!(v[13] == "true" || v[13] == "false");
}

#[test]
fn urls_are_encoded_as_postman_does() {
    assert_eq!(
        url_of(
            "{{url}}/api/v1/users?filter=status eq \"ACTIVE\"&limit=25",
            &[]
        ),
        format!("{ORG}/api/v1/users?filter=status%20eq%20%22ACTIVE%22&limit=25")
    );
    // Existing %xx stays as written (no %2520), and so does a literal +.
    assert_eq!(
        url_of(
            "{{url}}/api/v1/users?search=profile.lastName%20eq%20%22Lee%22",
            &[]
        ),
        format!("{ORG}/api/v1/users?search=profile.lastName%20eq%20%22Lee%22")
    );
    assert_eq!(
        url_of(
            "{{url}}/api/v1/apps?filter=user.id+eq+\"{{userId}}\"",
            &[("userId", "00u1")]
        ),
        format!("{ORG}/api/v1/apps?filter=user.id+eq+%2200u1%22")
    );
    // Non-ASCII in the path and the query, as UTF-8 percent-encoding; the host is untouched.
    assert_eq!(
        url_of("{{url}}/api/v1/groups/José?q=Zoë Ünal", &[]),
        format!("{ORG}/api/v1/groups/Jos%C3%A9?q=Zo%C3%AB%20%C3%9Cnal")
    );
    // Okta's trailing space in a search value, and `<` `>` placeholders from OpenAPI imports.
    assert_eq!(
        url_of(
            "{{url}}/api/v1/users?search=profile.department eq \"Engineering\" ",
            &[]
        ),
        format!("{ORG}/api/v1/users?search=profile.department%20eq%20%22Engineering%22")
    );
    assert_eq!(
        url_of("{{url}}/x?offset=<string>", &[]),
        format!("{ORG}/x?offset=%3Cstring%3E")
    );
    // Values go in verbatim, as Postman does, then the whole URL is encoded.
    assert_eq!(
        url_of("{{url}}/api/v1/users?q={{q}}", &[("q", "ann lee")]),
        format!("{ORG}/api/v1/users?q=ann%20lee")
    );
}

#[test]
fn a_placeholder_org_url_is_a_clear_error() {
    let c = one("{{url}}/api/v1/users", &[], Value::Null);
    let err = prepare(&c.requests()[0], &c, &vars(&[]), "https://{yourOktaDomain}").unwrap_err();
    assert!(matches!(err, PrepareError::BadUrl { .. }), "{err}");
    let c = one("/api/v1/users", &[], Value::Null);
    assert!(matches!(
        run(&c, &vars(&[])),
        Err(PrepareError::BadUrl { .. })
    ));
    let c = one("", &[], Value::Null);
    assert_eq!(run(&c, &vars(&[])).unwrap_err(), PrepareError::NoUrl);
}

#[test]
fn collection_auth_is_dropped_in_every_form() {
    for value in [
        "SSWS {{apikey}}",
        "SSWS{{apikey}}",
        "Bearer {{accessToken}}",
        "SSWS 00literal",
    ] {
        for key in ["Authorization", "authorization"] {
            let c = one(
                "{{url}}/x",
                &[(key, value), ("Accept", "application/json")],
                Value::Null,
            );
            let p = run(&c, &vars(&[])).unwrap();
            assert_eq!(
                p.headers,
                [("Accept".to_string(), "application/json".to_string())]
            );
            assert!(p.auth_dropped);
        }
    }
    for auth in [
        json!({"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}"}]}),
        json!({"type": "basic", "basic": [{"key": "username", "value": "{{clientId}}"}, {"key": "password", "value": "{{clientSecret}}"}]}),
        json!({"type": "apikey", "apikey": [{"key": "value", "value": "{{apikey}}"}]}),
    ] {
        let c = collection_with(
            json!([{"name": "r", "request": {"url": "{{url}}/x", "auth": auth}}]),
            json!([]),
        );
        let p = run(&c, &vars(&[])).unwrap();
        assert!(p.auth_dropped && p.headers.is_empty());
    }
}

#[test]
fn okta_typo_requests_prepare_without_apikey() {
    for file in ["users.json", "factors.json"] {
        let Imported::Collection(c) =
            import_file(&Path::new("data/okta/postman").join(file)).unwrap()
        else {
            panic!()
        };
        let typo: Vec<&RequestDef> = c
            .requests()
            .iter()
            .filter(|r| r.headers.iter().any(|(_, v)| v == "SSWS{{apikey}}"))
            .collect();
        assert!(!typo.is_empty(), "{file}");
        for r in typo {
            // Everything but apikey is defined.
            let lookup = |n: &str| (n != "apikey").then(|| format!("v-{n}"));
            let p = prepare(r, &c, &lookup, ORG).unwrap_or_else(|e| panic!("{}: {e}", r.name));
            assert!(p
                .headers
                .iter()
                .all(|(k, _)| !k.eq_ignore_ascii_case("authorization")));
            assert!(p.auth_dropped);
        }
    }
}

#[test]
fn raw_bodies_take_their_content_type_from_the_header_or_language() {
    let c = one(
        "{{url}}/x",
        &[
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ],
        json!({"mode": "raw", "raw": "{\"login\": \"{{login}}\"}"}),
    );
    let p = run(&c, &vars(&[("login", "ann@example.com")])).unwrap();
    assert_eq!(
        p.headers,
        [("Accept".to_string(), "application/json".to_string())]
    );
    assert_eq!(
        p.body,
        Some(PreparedBody::Raw {
            content_type: "application/json".into(),
            text: "{\"login\": \"ann@example.com\"}".into()
        })
    );
    let c = one(
        "{{url}}/x",
        &[],
        json!({"mode": "raw", "raw": "<a/>", "options": {"raw": {"language": "xml"}}}),
    );
    assert!(
        matches!(run(&c, &vars(&[])).unwrap().body, Some(PreparedBody::Raw { content_type, .. }) if content_type == "application/xml")
    );
    let c = one("{{url}}/x", &[], json!({"mode": "raw", "raw": "[1, 2]"}));
    assert!(
        matches!(run(&c, &vars(&[])).unwrap().body, Some(PreparedBody::Raw { content_type, .. }) if content_type == "application/json")
    );
    // No body: Content-Type stays a plain header.
    let c = one(
        "{{url}}/x",
        &[("Content-Type", "application/json")],
        Value::Null,
    );
    assert_eq!(run(&c, &vars(&[])).unwrap().headers.len(), 1);
}

#[test]
fn urlencoded_bodies() {
    let c = one(
        "{{url}}/oauth2/v1/revoke",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        json!({"mode": "urlencoded", "urlencoded": [
            {"key": "token", "value": "{{accessToken}}"},
            {"key": "off", "value": "x", "disabled": true},
            {"key": "token_type_hint", "value": "access_token"}
        ]}),
    );
    let p = run(&c, &vars(&[("accessToken", "eyJ")])).unwrap();
    assert!(p.headers.is_empty());
    assert_eq!(
        p.body,
        Some(PreparedBody::Form(vec![
            ("token".into(), "eyJ".into()),
            ("token_type_hint".into(), "access_token".into())
        ]))
    );
}

#[test]
fn formdata_files_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, b"\x89PNG").unwrap();
    let body = |src: &str| {
        json!({"mode": "formdata", "formdata": [
            {"key": "name", "value": "{{brand}}", "type": "text"},
            {"key": "file", "type": "file", "src": src},
            {"key": "unchosen", "type": "file", "src": []}
        ]})
    };
    let c = one(
        "{{url}}/api/v1/brands/x/logo",
        &[("Content-Type", "multipart/form-data")],
        body(logo.to_str().unwrap()),
    );
    let p = run(&c, &vars(&[("brand", "Acme")])).unwrap();
    assert!(p.headers.is_empty(), "the client sets the boundary");
    let Some(PreparedBody::Multipart(parts)) = p.body else {
        panic!()
    };
    assert_eq!(
        parts.len(),
        2,
        "a file part with no file chosen is left out, as in Postman"
    );
    assert_eq!(parts[0].value, PartValue::Text("Acme".into()));
    assert_eq!(
        parts[1].value,
        PartValue::File {
            path: logo.clone(),
            content_type: None
        }
    );

    let c = one("{{url}}/x", &[], body("/no/such/logo.png"));
    let err = run(&c, &vars(&[("brand", "Acme")])).unwrap_err();
    assert_eq!(
        err,
        PrepareError::FileNotFound {
            key: "file".into(),
            path: "/no/such/logo.png".into()
        }
    );
    assert!(err.to_string().contains("/no/such/logo.png"));
    // Missing variables are reported before files are looked at.
    assert!(matches!(run(&c, &vars(&[])), Err(PrepareError::Missing(_))));
}

#[test]
fn path_variables() {
    let c = collection_with(
        json!([
            {"name": "default", "request": {"url": {"raw": "{{url}}/v1/teams/:team_name/clients/:client_id?x=:notpath",
                "variable": [{"key": "team_name", "value": "{{team}}"}, {"key": "client_id", "value": "c1"}]}}},
            {"name": "empty", "request": {"url": {"raw": "{{url}}/api/v1/mappings/:mappingId", "variable": [{"key": "mappingId", "value": ""}]}}}
        ]),
        json!([]),
    );
    let r = c.requests();
    let p = prepare(
        &r[0],
        &c,
        &vars(&[("team", "ops"), ("client_id", "c2")]),
        ORG,
    )
    .unwrap();
    assert_eq!(p.url, format!("{ORG}/v1/teams/ops/clients/c2?x=:notpath"));
    assert_eq!(
        prepare(&r[1], &c, &vars(&[]), ORG).unwrap_err(),
        PrepareError::Missing(vec!["mappingId".into()])
    );
    let p = prepare(&r[1], &c, &vars(&[("mappingId", "prm1")]), ORG).unwrap();
    assert_eq!(p.url, format!("{ORG}/api/v1/mappings/prm1"));
}

#[test]
fn a_whole_real_request() {
    let Imported::Collection(c) = import_file(Path::new("data/okta/postman/users.json")).unwrap()
    else {
        panic!()
    };
    let r = c
        .requests()
        .iter()
        .find(|r| r.name == "List Active Users")
        .unwrap();
    let p = prepare(r, &c, &vars(&[]), "https://acme.okta.com/").unwrap();
    assert_eq!(p.method, "GET");
    assert_eq!(
        p.url,
        "https://acme.okta.com/api/v1/users?filter=status%20eq%20%22ACTIVE%22&limit=25"
    );
    assert!(p.auth_dropped);
    assert!(p
        .headers
        .iter()
        .any(|(k, v)| k == "Accept" && v == "application/json"));
}
