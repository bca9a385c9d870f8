//! Okta's error envelope, with statuses and summaries taken from Okta's own error catalogue.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{json, Value};

/// Okta's published catalogue (`errorCode` → status and summary template), kept in the repo.
const CATALOGUE: &str = include_str!("../../data/okta/errors/error-codes.json");

struct Entry {
    status: u16,
    summary: String,
}

fn catalogue() -> &'static HashMap<String, Entry> {
    static MAP: OnceLock<HashMap<String, Entry>> = OnceLock::new();
    MAP.get_or_init(|| {
        let parsed: Value = serde_json::from_str(CATALOGUE).unwrap_or(Value::Null);
        let mut map = HashMap::new();
        for e in parsed["errors"].as_array().into_iter().flatten() {
            if let (Some(code), Some(status), Some(summary)) = (
                e["errorCode"].as_str(),
                e["statusCode"].as_u64(),
                e["errorSummary"].as_str(),
            ) {
                map.insert(
                    code.to_string(),
                    Entry {
                        status: status as u16,
                        summary: summary.to_string(),
                    },
                );
            }
        }
        map
    })
}

/// An error as Okta reports it: an HTTP status and the `{errorCode, errorSummary, …}` body.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub summary: String,
    pub causes: Vec<String>,
}

impl ApiError {
    /// The catalogue's status and summary for `code`; `{0}` is replaced by `detail`.
    pub fn new(code: &'static str, detail: &str) -> ApiError {
        let (status, template) = match catalogue().get(code) {
            Some(e) => (e.status, e.summary.as_str()),
            None => (500, "Internal Server Error"),
        };
        ApiError {
            status,
            code,
            summary: template.replace("{0}", detail),
            causes: Vec::new(),
        }
    }

    pub fn cause(mut self, cause: impl Into<String>) -> ApiError {
        self.causes.push(cause.into());
        self
    }

    /// `E0000001 Api validation failed: FIELD` with one cause `FIELD: WHY`.
    pub fn validation(field: &str, why: &str) -> ApiError {
        ApiError::new("E0000001", field).cause(format!("{field}: {why}"))
    }

    pub fn not_found(what: &str, kind: &str) -> ApiError {
        ApiError::new("E0000007", &format!("Resource not found: {what} ({kind})"))
    }

    pub fn bad_body() -> ApiError {
        ApiError::new("E0000003", "")
    }

    pub fn forbidden() -> ApiError {
        ApiError::new("E0000006", "")
    }

    pub fn wrong_status() -> ApiError {
        ApiError::new("E0000038", "")
    }

    pub fn bad_search() -> ApiError {
        ApiError::new("E0000031", "")
    }

    pub fn body(&self, error_id: &str) -> Value {
        let causes: Vec<Value> = self
            .causes
            .iter()
            .map(|c| json!({ "errorSummary": c }))
            .collect();
        json!({
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": error_id,
            "errorCauses": causes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_gives_statuses_and_texts() {
        let e = ApiError::new("E0000007", "Resource not found: x (User)");
        assert_eq!(e.status, 404);
        assert_eq!(e.summary, "Not found: Resource not found: x (User)");
        assert_eq!(ApiError::new("E0000047", "").status, 429);
        assert_eq!(
            ApiError::new("E0000011", "").summary,
            "Invalid token provided"
        );
        assert_eq!(ApiError::new("E0000038", "").status, 403);
    }
}
