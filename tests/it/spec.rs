//! Okta's OpenAPI spec as the shell's knowledge: the embedded index is fresh, holds every
//! operation of the spec with its parameters (counted here from the YAML on its own), and `help`
//! answers from it.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::Home;

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/okta/openapi/management-minimal.yaml"
);
const INDEX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/okta/spec-index.json");

fn spec_json() -> Value {
    let text = std::fs::read_to_string(SPEC).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
    oktash::spec::yaml_to_json(&docs[0])
}

#[test]
fn the_embedded_index_is_what_the_spec_gives() {
    let yaml = std::fs::read_to_string(SPEC).unwrap();
    let fresh = oktash::spec::to_json(&oktash::spec::build_index(&yaml).unwrap());
    let stored = std::fs::read_to_string(INDEX).unwrap();
    assert!(
        fresh == stored,
        "data/okta/spec-index.json is stale: run `cargo run --release --example spec_index`"
    );
}

#[test]
fn every_operation_of_the_spec_is_indexed_with_its_parameters() {
    let doc = spec_json();
    let index = oktash::spec::index().unwrap();
    let resolve = |p: &Value| -> Value {
        match p.get("$ref").and_then(Value::as_str) {
            Some(r) => doc.pointer(&r[1..]).cloned().unwrap(),
            None => p.clone(),
        }
    };
    let mut expected = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            expected += 1;
            let names: BTreeSet<String> = item
                .get("parameters")
                .into_iter()
                .chain(op.get("parameters"))
                .flat_map(|list| list.as_array().unwrap().iter().map(resolve))
                .filter(|p| p["in"] == "query" || p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
            let found = index
                .operations
                .iter()
                .find(|o| o.path == *path && o.method.eq_ignore_ascii_case(method))
                .unwrap_or_else(|| panic!("{method} {path} is not indexed"));
            let indexed: BTreeSet<String> = found.params.iter().map(|p| p.name.clone()).collect();
            assert_eq!(indexed, names, "{method} {path}");
            assert_eq!(found.id, op["operationId"].as_str().unwrap());
        }
    }
    assert_eq!(index.operations.len(), expected);
    assert_eq!(
        expected, 732,
        "Okta's Management API as the issue counts it"
    );
}

fn help(topic: &str) -> (String, String, bool) {
    let home = Home::new();
    let out = home
        .command()
        .args(["-c", &format!("help {topic}")])
        .output()
        .unwrap();
    // On a pipe, help is one JSON string.
    let stdout = String::from_utf8_lossy(&out.stdout);
    (
        serde_json::from_str(&stdout).unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

fn fits_80(text: &str) {
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80 || line.starts_with("Docs: "),
            "too wide: {line}"
        );
    }
}

#[test]
fn help_explains_one_operation_from_the_spec() {
    for topic in ["ls users", "GET /api/v1/users", "listUsers"] {
        let (out, err, ok) = help(topic);
        assert!(ok, "{topic}: {err}");
        assert!(
            out.starts_with("List all users  (listUsers)\nGET /api/v1/users\n"),
            "{out}"
        );
        for param in [
            "search",
            "filter",
            "q",
            "after",
            "limit",
            "sortBy",
            "sortOrder",
        ] {
            assert!(out.contains(&format!("\n  {param} ")), "{param} in {out}");
        }
        assert!(out.contains("Scopes: okta.users.read"), "{out}");
        assert!(
            out.contains("/tag/User/#tag/User/operation/listUsers"),
            "{out}"
        );
        fits_80(&out);
    }
    let (out, _, _) = help("POST /api/v1/users");
    assert!(
        out.contains("Body: CreateUserRequest; required: profile"),
        "{out}"
    );
    let (out, _, _) = help("GET /api/v1/policies");
    assert!(out.contains("OKTA_SIGN_ON"), "enum values listed: {out}");
    fits_80(&out);
}

#[test]
fn help_lists_a_resource_and_searches_summaries() {
    let (out, err, ok) = help("users");
    assert!(ok, "{err}");
    assert!(
        out.contains("POST   /api/v1/users/{id}/lifecycle/deactivate  Deactivate a user"),
        "{out}"
    );
    fits_80(&out);
    let (out, err, ok) = help("search factor");
    assert!(ok, "{err}");
    assert!(
        out.contains("GET    /api/v1/users/{userId}/factors  List all enrolled factors"),
        "{out}"
    );
    fits_80(&out);
}

#[test]
fn help_for_a_path_okta_lacks_names_the_closest() {
    let (_, err, ok) = help("ls user");
    assert!(!ok);
    assert!(
        err.contains("/api/v1/user is not in Okta's API; did you mean /api/v1/users?"),
        "{err}"
    );
    let (_, err, _) = help("get users/00u1/lifecycle/activate");
    assert!(
        err.contains("has no GET in Okta's API; it has POST"),
        "{err}"
    );
}

#[test]
fn a_damaged_index_switches_spec_help_and_checks_off_and_nothing_else() {
    let home = Home::new();
    let damaged = home.path().join("index.json");
    std::fs::write(&damaged, "{\"version\": \"x\", \"operations\": [").unwrap();
    let out = home
        .command()
        .env("OKTASH_SPEC_INDEX", &damaged)
        .args([
            "--demo",
            "-k",
            "-c",
            "ls user limit=1; ls users limit=1; ls groups colour=red",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("Okta's API index cannot be read").count(),
        1,
        "said once: {err}"
    );
    assert!(err.contains("#2 GET /api/v1/users?limit=1  200"), "{err}");
    assert!(
        err.contains("#3 GET /api/v1/groups?colour=red  200"),
        "{err}"
    );
    assert!(!err.contains("not a query parameter"), "no checks: {err}");
    let (_, err, ok) = {
        let out = home
            .command()
            .env("OKTASH_SPEC_INDEX", &damaged)
            .args(["-c", "help users"])
            .output()
            .unwrap();
        (
            (),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.success(),
        )
    };
    assert!(
        !ok && err.contains("Okta's API index cannot be read"),
        "{err}"
    );
}
