//! Every Okta Postman file in tests/fixtures imports with the request count the file itself
//! holds, and every request prepares with no `{{` left over.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use oktash::postman::{
    import_file, prepare, Collection, Format, ImportErrorKind, Imported, PreparedBody,
};
use serde_json::Value;

const DIR: &str = "data/okta/postman";

fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["", "legacy-v1", "legacy-v2.0"] {
        let dir = Path::new(DIR).join(sub);
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if p.is_file() && (ext == "json" || ext == "environment") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Leaf requests, counted straight from the JSON (v1: every entry of `requests`, orphans too).
fn expected_requests(v: &Value) -> usize {
    fn leaves(items: &[Value]) -> usize {
        items
            .iter()
            .map(|i| match i.get("item").and_then(Value::as_array) {
                Some(children) => leaves(children),
                None => usize::from(i.get("request").is_some()),
            })
            .sum()
    }
    if let Some(reqs) = v.get("requests").and_then(Value::as_array) {
        reqs.len()
    } else {
        leaves(v["item"].as_array().unwrap())
    }
}

fn expected_format(v: &Value) -> Format {
    match v.pointer("/info/schema").and_then(Value::as_str) {
        None => Format::V1,
        Some(s) if s.contains("v2.1.0") => Format::V2_1,
        Some(s) if s.contains("v2.0.0") => Format::V2_0,
        Some(s) => panic!("unexpected schema {s}"),
    }
}

/// Every `{{name}}` the file mentions, so the lookup defines exactly what the file uses.
fn variables_in(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        rest = &rest[i + 2..];
        if let Some(j) = rest.find("}}") {
            let name = &rest[..j];
            if !name.contains('{') && !name.starts_with('$') {
                names.insert(name.trim().to_string());
            }
        }
    }
    names
}

fn assert_resolved(what: &str, s: &str) {
    assert!(!s.contains("{{"), "{what} still holds a variable: {s}");
}

#[test]
fn every_fixture_imports_with_the_files_own_counts() {
    let mut collections = 0;
    let mut environments = 0;
    let mut requests = 0;
    for path in files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        let result = import_file(&path);
        if json.get("values").is_some() {
            let Ok(Imported::Environment(env)) = result else {
                panic!("{}: not an environment: {result:?}", path.display())
            };
            let enabled = json["values"].as_array().unwrap().len();
            assert_eq!(env.variables.len() + 2, enabled, "{}", path.display());
            assert!(env.url.is_some());
            environments += 1;
            continue;
        }
        let expected = expected_requests(&json);
        if expected == 0 {
            // legacy-v2.0/apps.json: an accidentally emptied file, refused whole.
            let err = result.expect_err("an empty collection must be refused");
            assert!(matches!(err.kind, ImportErrorKind::Empty(_)), "{err}");
            continue;
        }
        let Ok(Imported::Collection(c)) = result else {
            panic!("{}: not a collection: {result:?}", path.display())
        };
        assert_eq!(c.request_count(), expected, "{}", path.display());
        assert_eq!(c.format, expected_format(&json), "{}", path.display());
        if let Some(name) = json.pointer("/info/name").or(json.get("name")) {
            assert_eq!(Some(c.name.as_str()), name.as_str());
        }
        // Every request appears once in the tree.
        let tree_requests = c
            .tree_lines()
            .iter()
            .filter(|l| !l.trim_end().ends_with('/'))
            .count();
        assert_eq!(tree_requests, expected, "{}", path.display());
        collections += 1;
        requests += expected;
    }
    // 32 v2.x at the top (33 files less the environment), 13 v1, 5 v2.0 that are not empty.
    assert_eq!(environments, 2);
    assert!(collections >= 45, "{collections} collections");
    assert!(requests > 900, "{requests} requests");
}

#[test]
fn every_request_prepares_with_no_variable_left() {
    for path in files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(Imported::Collection(c)) = import_file(&path) else {
            continue;
        };
        let mut names = variables_in(&text);
        for r in c.requests() {
            names.extend(r.path_variables.iter().map(|(k, _)| k.clone()));
        }
        let lookup = move |n: &str| names.contains(n).then(|| format!("v-{n}"));
        for r in c.requests() {
            let p = prepare(r, &c, &lookup, "https://dev-1.okta.com/")
                .unwrap_or_else(|e| panic!("{} {:?}: {e}", path.display(), r.full_name()));
            let what = format!("{} {}", path.display(), r.full_name());
            assert_resolved(&what, &p.url);
            assert!(
                p.url.starts_with("https://dev-1.okta.com/"),
                "{what}: {}",
                p.url
            );
            assert!(
                !p.url.contains(' ') && !p.url.contains('"'),
                "{what}: {}",
                p.url
            );
            for (k, v) in &p.headers {
                assert!(!k.eq_ignore_ascii_case("authorization"), "{what}");
                assert_resolved(&what, k);
                assert_resolved(&what, v);
            }
            match &p.body {
                Some(PreparedBody::Raw { text, .. }) => assert_resolved(&what, text),
                Some(PreparedBody::Form(pairs)) => {
                    for (k, v) in pairs {
                        assert_resolved(&what, &format!("{k}={v}"));
                    }
                }
                _ => {}
            }
        }
        let _: &Collection = &c;
    }
}
