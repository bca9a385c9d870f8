//! Which of the spec's operations the demo org models by hand: one table decides where a
//! request goes (a hand-made handler, exactly as written, or the spec-driven generic engine) and
//! what `demo serve --list-operations` prints. It needs no spec at run time, so requests the
//! hand-made handlers serve never load it.

use axum::http::Method;

use super::template::{self, split, Template};

/// Who answers an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Hand,
    Generic,
}

impl Owner {
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Hand => "hand",
            Owner::Generic => "generic",
        }
    }
}

use Owner::{Generic, Hand};

/// Every operation (method and spec path template) answered by hand; a spec path that a
/// hand-made template would otherwise capture (`/groups/rules` is not the group with id
/// `rules`) must be listed too (as `Generic` when the engine is to answer it), so that the more
/// specific template wins. A test holds each row to the spec.
const TABLE: &[(&str, &str, Owner)] = &[
    ("GET", "/api/v1/users", Hand),
    ("POST", "/api/v1/users", Hand),
    ("GET", "/api/v1/users/{id}", Hand),
    ("POST", "/api/v1/users/{id}", Hand),
    ("PUT", "/api/v1/users/{id}", Hand),
    ("DELETE", "/api/v1/users/{id}", Hand),
    ("GET", "/api/v1/users/{id}/groups", Hand),
    ("GET", "/api/v1/users/{id}/appLinks", Hand),
    ("DELETE", "/api/v1/users/{userId}/sessions", Hand),
    (
        "POST",
        "/api/v1/users/{userId}/credentials/change_password",
        Hand,
    ),
    (
        "POST",
        "/api/v1/users/{userId}/credentials/change_recovery_question",
        Hand,
    ),
    (
        "POST",
        "/api/v1/users/{userId}/credentials/forgot_password",
        Hand,
    ),
    (
        "POST",
        "/api/v1/users/{userId}/credentials/forgot_password_recovery_question",
        Hand,
    ),
    ("POST", "/api/v1/users/{id}/lifecycle/activate", Hand),
    ("POST", "/api/v1/users/{id}/lifecycle/deactivate", Hand),
    ("POST", "/api/v1/users/{id}/lifecycle/expire_password", Hand),
    (
        "POST",
        "/api/v1/users/{id}/lifecycle/expire_password_with_temp_password",
        Hand,
    ),
    ("POST", "/api/v1/users/{id}/lifecycle/reactivate", Hand),
    ("POST", "/api/v1/users/{id}/lifecycle/reset_factors", Hand),
    ("POST", "/api/v1/users/{id}/lifecycle/reset_password", Hand),
    ("POST", "/api/v1/users/{id}/lifecycle/suspend", Hand),
    ("POST", "/api/v1/users/{id}/lifecycle/unlock", Hand),
    ("POST", "/api/v1/users/{id}/lifecycle/unsuspend", Hand),
    ("GET", "/api/v1/groups", Hand),
    ("POST", "/api/v1/groups", Hand),
    ("GET", "/api/v1/groups/{groupId}", Hand),
    ("PUT", "/api/v1/groups/{groupId}", Hand),
    ("DELETE", "/api/v1/groups/{groupId}", Hand),
    ("GET", "/api/v1/groups/rules", Hand),
    ("POST", "/api/v1/groups/rules", Hand),
    ("GET", "/api/v1/groups/rules/{groupRuleId}", Hand),
    ("PUT", "/api/v1/groups/rules/{groupRuleId}", Hand),
    ("DELETE", "/api/v1/groups/rules/{groupRuleId}", Hand),
    (
        "POST",
        "/api/v1/groups/rules/{groupRuleId}/lifecycle/activate",
        Hand,
    ),
    (
        "POST",
        "/api/v1/groups/rules/{groupRuleId}/lifecycle/deactivate",
        Hand,
    ),
    ("GET", "/api/v1/groups/{groupId}/users", Hand),
    ("PUT", "/api/v1/groups/{groupId}/users/{userId}", Hand),
    ("DELETE", "/api/v1/groups/{groupId}/users/{userId}", Hand),
    ("GET", "/api/v1/groups/{groupId}/apps", Hand),
    ("GET", "/api/v1/apps", Hand),
    ("POST", "/api/v1/apps", Hand),
    ("GET", "/api/v1/apps/{appId}", Hand),
    ("PUT", "/api/v1/apps/{appId}", Hand),
    ("DELETE", "/api/v1/apps/{appId}", Hand),
    ("POST", "/api/v1/apps/{appId}/lifecycle/activate", Hand),
    ("POST", "/api/v1/apps/{appId}/lifecycle/deactivate", Hand),
    ("GET", "/api/v1/apps/{appId}/users", Hand),
    ("POST", "/api/v1/apps/{appId}/users", Hand),
    ("GET", "/api/v1/apps/{appId}/users/{userId}", Hand),
    ("POST", "/api/v1/apps/{appId}/users/{userId}", Hand),
    ("DELETE", "/api/v1/apps/{appId}/users/{userId}", Hand),
    ("GET", "/api/v1/apps/{appId}/groups", Hand),
    ("GET", "/api/v1/apps/{appId}/groups/{groupId}", Hand),
    ("PUT", "/api/v1/apps/{appId}/groups/{groupId}", Hand),
    ("DELETE", "/api/v1/apps/{appId}/groups/{groupId}", Hand),
    ("GET", "/api/v1/logs", Hand),
];

struct Row {
    method: Method,
    template: Template,
    owner: Owner,
}

fn rows() -> &'static [Row] {
    static ROWS: std::sync::OnceLock<Vec<Row>> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        TABLE
            .iter()
            .map(|&(method, path, owner)| Row {
                method: Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET),
                template: Template::parse(path),
                owner,
            })
            .collect()
    })
}

/// Who answers `method` on `path` (HEAD as GET); anything the table does not name is generic.
pub(crate) fn owner(method: &Method, path: &str) -> Owner {
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    let request: Vec<&str> = split(path).collect();
    // The most specific template of any method decides whether the path is a hand-made one;
    // then the method must be one of its hand-made methods.
    let Some(best) = template::best(rows(), |r| &r.template, &request) else {
        return Generic;
    };
    rows()
        .iter()
        .find(|r| r.template == best.template && r.method == method)
        .map_or(Generic, |r| r.owner)
}

/// Who answers the spec operation `method` + `template` (as the spec writes it).
pub fn owner_of_operation(method: &str, template: &str) -> Owner {
    TABLE
        .iter()
        .find(|(m, t, _)| m.eq_ignore_ascii_case(method) && *t == template)
        .map_or(Generic, |&(_, _, owner)| owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_an_operation_of_the_spec() {
        let spec = super::super::generic::spec();
        for (method, path, _) in TABLE {
            assert!(
                spec.operations
                    .iter()
                    .any(|op| op.method.as_str() == *method && op.path == *path),
                "{method} {path} is not in the spec"
            );
        }
    }

    #[test]
    fn every_spec_path_a_hand_template_would_capture_is_listed() {
        // A spec template that also matches a hand-made template must be in the table, or the
        // hand-made handler would answer for it.
        let spec = super::super::generic::spec();
        for op in &spec.operations {
            let as_request: Vec<&str> = split(&op.path).collect();
            let captured = rows().iter().any(|r| {
                r.template != Template::parse(&op.path) && r.template.matches(&as_request)
            });
            let listed = TABLE
                .iter()
                .any(|(m, t, _)| op.method.as_str() == *m && op.path == *t);
            let path_listed = TABLE.iter().any(|(_, t, _)| op.path == *t);
            assert!(
                !captured || listed || path_listed,
                "{} {} is captured by a hand-made template",
                op.method,
                op.path
            );
        }
    }

    #[test]
    fn hand_rows_win_and_the_rest_is_generic() {
        assert_eq!(owner(&Method::GET, "/api/v1/users"), Hand);
        assert_eq!(owner(&Method::HEAD, "/api/v1/users/00u1/groups/"), Hand);
        assert_eq!(owner(&Method::GET, "/api/v1/groups/rules"), Hand);
        assert_eq!(owner(&Method::PATCH, "/api/v1/groups/rules"), Generic);
        assert_eq!(owner(&Method::GET, "/api/v1/groups/00g1"), Hand);
        assert_eq!(owner(&Method::GET, "/api/v1/users/00u1/factors"), Generic);
        assert_eq!(owner(&Method::PATCH, "/api/v1/users/00u1"), Generic);
        assert_eq!(owner(&Method::GET, "/api/v1/policies"), Generic);
    }
}
