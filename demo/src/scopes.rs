//! Which OAuth scopes each operation needs, from Okta's spec (its `security` requirements, as
//! indexed in `data/okta/spec-index.json`): any one of an operation's scopes allows it.

use std::sync::OnceLock;

use axum::http::Method;
use serde_json::Value;

use super::template::{self, split, Template};

const SPEC_INDEX: &str = include_str!("../../data/okta/spec-index.json");

#[derive(Debug)]
struct Operation {
    method: String,
    template: Template,
    scopes: Vec<String>,
}

fn operations() -> &'static [Operation] {
    static OPS: OnceLock<Vec<Operation>> = OnceLock::new();
    OPS.get_or_init(|| parse_index(SPEC_INDEX))
}

/// Only what scope checks need: method, path template and scopes of each operation.
fn parse_index(text: &str) -> Vec<Operation> {
    let index: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    index["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|op| {
            Some(Operation {
                method: op["method"].as_str()?.to_ascii_uppercase(),
                template: Template::parse(op["path"].as_str()?),
                scopes: op["scopes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect(),
            })
        })
        .collect()
}

/// The scopes of the operation at `method` + `path` (without its query), or `None` when the spec
/// lists no such operation, or lists it without scopes: then no scope check applies.
pub fn required(method: &Method, path: &str) -> Option<&'static [String]> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    let request: Vec<&str> = split(path).collect();
    best_match(operations(), method, &request)
        .map(|op| op.scopes.as_slice())
        .filter(|s| !s.is_empty())
}

fn best_match<'a>(ops: &'a [Operation], method: &str, request: &[&str]) -> Option<&'a Operation> {
    template::best(
        ops.iter().filter(|op| op.method == method),
        |op| &op.template,
        request,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(method: Method, path: &str) -> Option<Vec<&'static str>> {
        required(&method, path).map(|s| s.iter().map(String::as_str).collect())
    }

    #[test]
    fn operations_are_found_by_method_and_template() {
        assert_eq!(
            scopes(Method::GET, "/api/v1/users"),
            Some(vec!["okta.users.read"])
        );
        assert_eq!(
            scopes(Method::POST, "/api/v1/users"),
            Some(vec!["okta.users.manage"])
        );
        assert_eq!(
            scopes(Method::HEAD, "/api/v1/users/00u1/groups"),
            Some(vec!["okta.users.read"])
        );
        assert_eq!(
            scopes(Method::POST, "/api/v1/users/00u1/lifecycle/deactivate/"),
            Some(vec!["okta.users.manage"])
        );
        assert_eq!(
            scopes(Method::GET, "/api/v1/logs"),
            Some(vec!["okta.logs.read"])
        );
        assert_eq!(scopes(Method::GET, "/api/v1/nothing/here"), None);
        assert_eq!(scopes(Method::GET, "/api/v1/users//groups"), None);
    }

    #[test]
    fn a_literal_segment_beats_a_param() {
        let index = r#"{"operations":[
            {"method":"GET","path":"/api/v1/users/{id}/{x}","scopes":["param"]},
            {"method":"GET","path":"/api/v1/users/me/{x}","scopes":["literal"]},
            {"method":"GET","path":"/api/v1/users/{id}/roles","scopes":["late literal"]}
        ]}"#;
        let ops = parse_index(index);
        let request = ["api", "v1", "users", "me", "roles"];
        let best = best_match(&ops, "GET", &request).unwrap();
        assert_eq!(best.scopes, ["literal"]);
    }
}
