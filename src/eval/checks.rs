//! Checks of a request against Okta's spec before it is sent. A path, method or query parameter
//! the spec does not have, or a required query parameter missing, is a warning (the request
//! still goes: the spec may lag the org, and custom paths exist); a body that breaks the
//! operation's schema in a way that is certain to fail (a missing required field, a wrong JSON
//! type, a value outside an enum) is an error that `--force` overrides. Unknown body fields warn
//! unless the schema allows extra ones (user profiles do: custom attributes are real).

use std::collections::BTreeSet;

use serde_json::Value;
use url::Url;

use crate::http::RequestBody;
use crate::spec::{self, Index, Schema};

use super::{Failure, Shell};

/// How deep a body is walked; Okta's schemas nest far less.
const MAX_DEPTH: usize = 12;

impl Shell {
    pub(super) fn check_request(
        &self,
        method: &reqwest::Method,
        urls: &[Url],
        body: Option<&RequestBody>,
        force: bool,
    ) -> Result<(), Failure> {
        // Only requests to the org itself are Okta's API.
        let Ok(base) = self.base_url() else {
            return Ok(());
        };
        let Some(url) = urls.first().filter(|u| u.origin() == base.origin()) else {
            return Ok(());
        };
        let index = match spec::index() {
            Ok(index) => index,
            Err(why) => {
                self.warn_once(why);
                return Ok(());
            }
        };
        let findings = check(index, method.as_str(), url, body);
        for warning in &findings.warnings {
            crate::note!("warning: {warning}");
        }
        match findings.errors.as_slice() {
            [] => Ok(()),
            errors if force => {
                for error in errors {
                    crate::note!("warning: {error} (sent anyway: --force)");
                }
                Ok(())
            }
            errors => Err(Failure::Message(format!(
                "the body does not fit {} {}: {}; --force sends it anyway",
                method,
                url.path(),
                errors.join("; ")
            ))),
        }
    }

    fn warn_once(&self, why: &str) {
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            crate::note!("warning: {why}; help, completion and checks from the spec are off")
        });
    }
}

#[derive(Debug, Default, PartialEq)]
pub(super) struct Findings {
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
}

pub(super) fn check(
    index: &Index,
    method: &str,
    url: &Url,
    body: Option<&RequestBody>,
) -> Findings {
    let mut found = Findings::default();
    let path = url.path();
    if !index.covers(path) {
        return found;
    }
    let Some(op) = index.find(method, path) else {
        let at = index.operations_at(path);
        if at.is_empty() {
            let mut line = format!("{path} is not in Okta's API");
            if let Some(close) = index.closest_paths(path).first() {
                line.push_str(&format!("; did you mean {close}?"));
            }
            found.warnings.push(line);
        } else {
            let methods: Vec<&str> = at.iter().map(|op| op.method.as_str()).collect();
            found.warnings.push(format!(
                "{path} has no {method} in Okta's API; it has {}",
                methods.join(", ")
            ));
        }
        return found;
    };
    let known: BTreeSet<&str> = op.query_params().map(|p| p.name.as_str()).collect();
    let mut unknown: Vec<String> = url
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .filter(|k| !known.contains(k.as_str()))
        .collect();
    unknown.dedup();
    if !unknown.is_empty() {
        let takes = if known.is_empty() {
            "it takes none".to_string()
        } else {
            format!(
                "it takes {}",
                known.into_iter().collect::<Vec<_>>().join(", ")
            )
        };
        found.warnings.push(format!(
            "`{}` {} not a query parameter of {} {} ({takes})",
            unknown.join("`, `"),
            if unknown.len() == 1 { "is" } else { "are" },
            op.method,
            op.path
        ));
    }
    // A warning, not an error: the spec marks some parameters required that Okta defaults.
    for param in op.query_params().filter(|p| p.required) {
        if url.query_pairs().any(|(k, _)| k == param.name) {
            continue;
        }
        let values = match param.enum_values.as_slice() {
            [] => String::new(),
            values => format!(" (one of {})", values.join(", ")),
        };
        found.warnings.push(format!(
            "{} {} needs {}=…{values}",
            op.method, op.path, param.name
        ));
    }
    for (key, value) in url.query_pairs() {
        let Some(param) = op.query_params().find(|p| p.name == key) else {
            continue;
        };
        if !param.enum_values.is_empty() && !param.enum_values.iter().any(|v| *v == value) {
            found.warnings.push(format!(
                "{key}={value}: Okta expects one of {}",
                param.enum_values.join(", ")
            ));
        }
    }
    if let (Some(schema), Some(body)) = (&op.body, body) {
        if let Ok(value) = serde_json::from_slice::<Value>(&body.bytes) {
            check_value(index, schema, &value, "", 0, &mut found);
        }
    }
    found
}

/// The value checked against a schema by name; `at` is the field path so far (`profile.login`).
fn check_value(
    index: &Index,
    schema_name: &str,
    value: &Value,
    at: &str,
    depth: usize,
    found: &mut Findings,
) {
    let Some(schema) = index.schema(schema_name) else {
        return;
    };
    // Alternatives cannot be judged without knowing which one is meant.
    if depth > MAX_DEPTH || !schema.one_of.is_empty() {
        return;
    }
    if let Some(expected) = type_mismatch(&schema.kind, value) {
        found
            .errors
            .push(format!("{} should be {expected}", field_name(at)));
        return;
    }
    check_enum(&schema.enum_values, value, at, found);
    if let Value::Object(object) = value {
        check_object(index, &schema, object, at, depth, found);
    }
}

fn check_object(
    index: &Index,
    schema: &Schema,
    object: &serde_json::Map<String, Value>,
    at: &str,
    depth: usize,
    found: &mut Findings,
) {
    for name in &schema.required {
        let read_only = schema.properties.get(name).is_some_and(|f| f.read_only);
        if !read_only && !object.contains_key(name) {
            found
                .errors
                .push(format!("{} is required", field_name(&join(at, name))));
        }
    }
    for (key, value) in object {
        let here = join(at, key);
        let Some(field) = schema.properties.get(key) else {
            if !schema.additional && !schema.properties.is_empty() {
                found.warnings.push(format!(
                    "{} is not a field the spec knows here",
                    field_name(&here)
                ));
            }
            continue;
        };
        if value.is_null() {
            continue;
        }
        if let Some(expected) = type_mismatch(&field.kind, value) {
            found
                .errors
                .push(format!("{} should be {expected}", field_name(&here)));
            continue;
        }
        check_enum(&field.enum_values, value, &here, found);
        let Some(nested) = &field.schema else {
            continue;
        };
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_value(
                        index,
                        nested,
                        item,
                        &format!("{here}[{i}]"),
                        depth + 1,
                        found,
                    );
                }
            }
            other => check_value(index, nested, other, &here, depth + 1, found),
        }
    }
}

fn check_enum(allowed: &[String], value: &Value, at: &str, found: &mut Findings) {
    let values: Vec<&str> = match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => return,
    };
    if allowed.is_empty() {
        return;
    }
    for v in values {
        if !allowed.iter().any(|a| a == v) {
            found.errors.push(format!(
                "{} is \"{v}\", not one of {}",
                field_name(at),
                allowed.join(", ")
            ));
        }
    }
}

/// The JSON type a value should have had, when it has another.
fn type_mismatch(kind: &str, value: &Value) -> Option<&'static str> {
    let fits = match kind {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    if fits || value.is_null() {
        return None;
    }
    Some(match kind {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "true or false",
        "array" => "a list",
        _ => "an object",
    })
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

fn field_name(at: &str) -> String {
    if at.is_empty() {
        "the body".to_string()
    } else {
        format!("`{at}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(method: &str, url: &str, body: Option<Value>) -> Findings {
        let index = spec::index().unwrap();
        let url = Url::parse(&format!("https://acme.okta.com{url}")).unwrap();
        let body = body.map(|b| RequestBody::json(&b));
        check(index, method, &url, body.as_ref())
    }

    #[test]
    fn a_path_okta_lacks_is_a_warning_with_the_closest() {
        let found = run("GET", "/api/v1/user", None);
        assert_eq!(
            found.warnings,
            ["/api/v1/user is not in Okta's API; did you mean /api/v1/users?"]
        );
        assert!(found.errors.is_empty());
    }

    #[test]
    fn unknown_query_parameters_name_the_known_ones() {
        let found = run("GET", "/api/v1/users?limit=2&colour=red", None);
        assert_eq!(found.warnings.len(), 1);
        assert!(found.warnings[0]
            .starts_with("`colour` is not a query parameter of GET /api/v1/users (it takes "));
        assert!(found.warnings[0].contains("sortOrder"));
    }

    #[test]
    fn a_required_query_parameter_missing_names_its_values() {
        let found = run("GET", "/api/v1/policies", None);
        assert_eq!(found.warnings.len(), 1, "{:?}", found.warnings);
        assert!(found.warnings[0]
            .starts_with("GET /api/v1/policies needs type=… (one of ACCESS_POLICY, ENTITY_RISK, "));
        assert!(found.errors.is_empty());
        assert_eq!(
            run("GET", "/api/v1/policies?type=PASSWORD", None),
            Findings::default()
        );
    }

    #[test]
    fn bodies_are_held_to_the_schema() {
        let found = run(
            "POST",
            "/api/v1/users",
            Some(serde_json::json!({"credentials": {}})),
        );
        assert_eq!(found.errors, ["`profile` is required"]);
        let found = run(
            "POST",
            "/api/v1/users",
            Some(serde_json::json!({"profile": {"login": 5, "firstName": "A", "shoeSize": 9}})),
        );
        assert_eq!(found.errors, ["`profile.login` should be a string"]);
        assert!(
            found.warnings.is_empty(),
            "custom attributes are fine: {:?}",
            found.warnings
        );
        assert_eq!(
            run("GET", "/api/v1/users?sortOrder=asc", None),
            Findings::default()
        );
        assert_eq!(
            run("GET", "/api/v1/policies?type=PASSWORDS", None).warnings[0],
            "type=PASSWORDS: Okta expects one of ACCESS_POLICY, ENTITY_RISK, IDP_DISCOVERY, \
             MFA_ENROLL, OKTA_SIGN_ON, PASSWORD, POST_AUTH_SESSION, PROFILE_ENROLLMENT, \
             DEVICE_SIGNAL_COLLECTION, SESSION_VIOLATION_DETECTION, CLIENT_UPDATE, \
             IDENTITY_CLAIM_SOURCING"
        );
    }
}
