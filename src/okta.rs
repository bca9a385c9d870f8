//! What is Okta-specific: resource names and paths, id prefixes, error envelopes, org URL checks.

use std::borrow::Cow;

use serde_json::Value;
use url::Url;

/// Resource names offered by `ls` and completion (paths under `/api/v1/`).
pub const RESOURCES: &[&str] = &[
    "users",
    "groups",
    "apps",
    "logs",
    "groups/rules",
    "authorizationServers",
    "idps",
    "policies",
    "trustedOrigins",
    "zones",
    "eventHooks",
    "inlineHooks",
    "meta/types/user",
    "meta/schemas/user/default",
    "devices",
    "brands",
    "domains",
    "authenticators",
    "org",
];

/// Okta ids start with a prefix that names their kind. Most prefixes come from the spec's
/// examples (`spec::Index::id_prefixes`); these are the ones its examples lack or blur: `0oa` is
/// in the examples of apps, identity providers and log streams alike (an app's is the one a
/// bare id most often is), authorization servers' examples hold a template, and policies' hold
/// no real id.
const ID_PREFIXES: &[(&str, &str)] = &[
    ("0oa", "apps"),
    ("aus", "authorizationServers"),
    ("00p", "policies"),
];

/// The collection an Okta id belongs to, when its prefix says so (`00u…` → `users`).
pub fn resource_for_id(word: &str) -> Option<&'static str> {
    if word.len() < 15 || word.len() > 24 || !word.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let prefix = &word[..3];
    let index = crate::spec::index().ok();
    let resource = ID_PREFIXES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, resource)| *resource)
        .or_else(|| index?.id_prefixes.get(prefix).map(String::as_str))?;
    // `authorizationServers` looks like an id of `aut…` (an authenticator's): a word the spec
    // names a path with is not an id. Asked only of a word whose prefix matched.
    match index {
        Some(index) if index.names_segment(word) => None,
        _ => Some(resource),
    }
}

/// A resource path whose first segment is a bare id, routed by the id's prefix as `get` routes a
/// lone id: `00u…/groups` → `users/00u…/groups`. Any other path is returned as it is.
pub fn route_id_path(path: &str) -> String {
    let first = path.split('/').next().unwrap_or_default();
    match resource_for_id(first) {
        Some(resource) => format!("{resource}/{path}"),
        None => path.to_string(),
    }
}

/// What a list holds, judged by the path it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Users,
    Groups,
    Apps,
    Logs,
    /// `apps/ID/users`: app user assignments.
    AppUsers,
    /// `apps/ID/groups`: app group assignments.
    AppGroups,
    Other,
}

impl Kind {
    pub fn of_path(path: &str) -> Kind {
        let path = path.split('?').next().unwrap_or("");
        let mut segments = path.trim_end_matches('/').rsplit('/');
        let last = segments.next().unwrap_or("");
        // `apps/ID/users` lists assignments, not users.
        let under_app = segments.nth(1) == Some("apps");
        match last {
            "users" if under_app => Kind::AppUsers,
            "groups" if under_app => Kind::AppGroups,
            "users" | "members" => Kind::Users,
            "groups" => Kind::Groups,
            "apps" => Kind::Apps,
            "logs" => Kind::Logs,
            _ => Kind::Other,
        }
    }

    /// `1 user`, `200 users`; `3 rules` for a list at `…/groups/rules`.
    pub fn count(self, n: usize, path: &str) -> String {
        let noun = self.noun(path);
        if n == 1 {
            format!("1 {}", singular(&noun))
        } else {
            format!("{n} {noun}")
        }
    }

    /// Plural noun for footers: `200 users`. A kind the shell has no name for is named by the
    /// words of its path's last segment (`authorizationServers` → `authorization servers`,
    /// `api-tokens` → `api tokens`), when that reads as a plural; else `items`.
    pub fn noun(self, path: &str) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Kind::Users => "users",
            Kind::Groups => "groups",
            Kind::Apps => "apps",
            Kind::Logs => "events",
            Kind::AppUsers => "app users",
            Kind::AppGroups => "app groups",
            Kind::Other => {
                return collection_words(path).map_or(Cow::Borrowed("items"), Cow::Owned)
            }
        })
    }
}

/// The last segment of a list's path as lower-case words, if it is a plural made of letters;
/// a singular one below a plural reads with it (`meta/types/user` → `user types`,
/// `meta/schemas/logStream` → `log stream schemas`).
fn collection_words(path: &str) -> Option<String> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut segments = path.trim_end_matches('/').rsplit('/');
    let last = segments.next()?;
    let wordy = |s: &str| {
        s.len() >= 3
            && s.chars()
                .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_')
    };
    if !wordy(last) {
        return None;
    }
    if last.ends_with('s') {
        return Some(words(last));
    }
    let above = segments.next().filter(|s| wordy(s) && s.ends_with('s'))?;
    Some(format!("{} {}", words(last), words(above)))
}

/// `authorizationServers` → `authorization servers`, `api-tokens` → `api tokens`.
fn words(segment: &str) -> String {
    let mut words = String::new();
    for c in segment.chars() {
        match c {
            '-' | '_' => words.push(' '),
            c if c.is_ascii_uppercase() => {
                words.push(' ');
                words.push(c.to_ascii_lowercase());
            }
            c => words.push(c),
        }
    }
    words
}

/// `users` → `user`, `policies` → `policy`, `addresses` → `address`.
fn singular(noun: &str) -> String {
    if let Some(stem) = noun.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = noun.strip_suffix("sses") {
        format!("{stem}ss")
    } else {
        noun.strip_suffix('s').unwrap_or(noun).to_string()
    }
}

/// An Okta error envelope as one line: status, code, summary, causes, request id.
pub fn error_line(status: u16, body: &Value, request_id: Option<&str>) -> Option<String> {
    let code = body.get("errorCode")?.as_str()?;
    let summary = body
        .get("errorSummary")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut line = format!("{status} {code}: {summary}");
    let causes: Vec<&str> = body
        .get("errorCauses")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c.get("errorSummary")?.as_str())
                // A cause often repeats the summary (`Api validation failed: X` with cause `X`).
                .filter(|cause| !summary.contains(cause))
                .collect()
        })
        .unwrap_or_default();
    if !causes.is_empty() {
        line.push_str(&format!(" ({})", causes.join("; ")));
    }
    if let Some(id) = request_id {
        line.push_str(&format!(" [request {id}]"));
    }
    if code == "E0000011" {
        line.push_str(" — the token is wrong, expired (30 idle days) or revoked");
    }
    Some(line)
}

/// Why an org URL is not accepted.
#[derive(Debug, thiserror::Error)]
pub enum OrgUrlError {
    #[error("`{0}` still holds a placeholder: put your org's domain in its place")]
    Placeholder(String),
    #[error("`{text}` is not a URL ({source}); write it as https://YOUR-ORG.okta.com")]
    NotAUrl {
        text: String,
        source: url::ParseError,
    },
    #[error(
        "`{host}` is the Admin Console; the API lives at the org URL without `-admin` ({api_host})"
    )]
    AdminConsole { host: String, api_host: String },
    #[error("`{0}` looks mistyped (.com.com)")]
    Mistyped(String),
    /// Safety: a token never travels in clear text, except to this machine.
    #[error("plain http is refused except to loopback: use https://{0}")]
    PlainHttp(String),
    #[error("`{0}:` URLs are not supported; use https://")]
    UnsupportedScheme(String),
}

/// Checks an org URL the way Okta's SDKs do, and normalises it (no trailing slash).
pub fn check_org_url(text: &str) -> Result<Url, OrgUrlError> {
    if text.contains("{yourOktaDomain}") || text.contains("{{") {
        return Err(OrgUrlError::Placeholder(text.to_string()));
    }
    let url = Url::parse(text).map_err(|source| OrgUrlError::NotAUrl {
        text: text.to_string(),
        source,
    })?;
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    for domain in ["okta.com", "oktapreview.com", "okta-emea.com"] {
        if host.ends_with(&format!("-admin.{domain}")) {
            return Err(OrgUrlError::AdminConsole {
                api_host: host.replacen("-admin.", ".", 1),
                host,
            });
        }
    }
    if host.contains(".com.com") {
        return Err(OrgUrlError::Mistyped(host));
    }
    match url.scheme() {
        "https" => {}
        "http" if crate::urls::is_loopback(&url) => {}
        "http" => return Err(OrgUrlError::PlainHttp(host)),
        other => return Err(OrgUrlError::UnsupportedScheme(other.to_string())),
    }
    let mut base = url;
    base.set_query(None);
    base.set_fragment(None);
    let path = base.path().trim_end_matches('/').to_string();
    base.set_path(&path);
    Ok(base)
}

/// Link names Okta puts in `_links` (users, groups, apps, rules) and `link` headers. A `follow`
/// of one of these that an object lacks is explained, never "corrected" to a neighbour by
/// spelling: `unsuspend` and `suspend` are one edit apart and opposite actions.
pub const LINK_NAMES: &[&str] = &[
    "self",
    "next",
    "prev",
    "activate",
    "reactivate",
    "deactivate",
    "suspend",
    "unsuspend",
    "unlock",
    "resetPassword",
    "expirePassword",
    "resetFactors",
    "forgotPassword",
    "changePassword",
    "changeRecoveryQuestion",
    "type",
    "schema",
    "users",
    "groups",
    "apps",
    "logo",
    "appLinks",
    "uploadLogo",
    "accessPolicy",
    "metadata",
];

/// The user statuses a lifecycle link is offered in, as a phrase (API-FACTS §6.6): a user's
/// `_links` hold only the operations its status allows.
pub fn user_link_offered(rel: &str) -> Option<&'static str> {
    Some(match rel {
        "activate" => "a STAGED or DEPROVISIONED user",
        "reactivate" => "a PROVISIONED or RECOVERY user",
        "deactivate" => "a user not yet DEPROVISIONED",
        "suspend" => "an ACTIVE user",
        "unsuspend" => "a SUSPENDED user",
        "unlock" => "a LOCKED_OUT user",
        _ => return None,
    })
}

/// The URL of the object whose status a write changes: the object a request to its
/// `…/lifecycle/…` acts on (`/api/v1/authorizationServers/ID` for
/// `…/ID/lifecycle/deactivate`), or the object itself for a DELETE of it (`delete`). It must be
/// an object the spec reads by id, so that its status can be read before and after
/// (`…/credentials/lifecycle/keyRotate` acts on none). None for anything else (a profile
/// update, a membership). Without the spec index: users, groups and apps.
pub fn lifecycle_object(url: &Url, delete: bool) -> Option<Url> {
    let segments: Vec<&str> = url.path_segments()?.collect();
    let len = match segments.iter().position(|s| *s == "lifecycle") {
        Some(at) => at,
        None if delete => segments.len(),
        None => return None,
    };
    if len < 4 || segments[..2] != ["api", "v1"] || segments[len - 1].is_empty() {
        return None;
    }
    let path = format!("/{}", segments[..len].join("/"));
    // (`find` fits a template of as many segments as the path.)
    let readable = match crate::spec::index() {
        Ok(index) => index
            .find("GET", &path)
            .is_some_and(|op| op.path.ends_with('}')),
        Err(_) => len == 4 && matches!(segments[2], "users" | "groups" | "apps"),
    };
    if !readable {
        return None;
    }
    let mut object = url.clone();
    object.set_path(&path);
    object.set_query(None);
    object.set_fragment(None);
    Some(object)
}

/// The path of the spec's POST that does `rel` to the object at `object_path`
/// (`…/lifecycle/deactivate`, `…/deactivate`): for an object that offers no such link.
pub fn action_path(object_path: &str, rel: &str) -> Option<String> {
    let index = crate::spec::index().ok()?;
    ["lifecycle/", ""]
        .iter()
        .map(|infix| format!("{object_path}/{infix}{rel}"))
        .find(|path| {
            index
                .find("POST", path)
                .is_some_and(|op| op.path.ends_with(&format!("/{rel}")))
        })
}

/// How an object is named to a person: a user's login, a group's name, an app's label, any
/// other object's name (a policy, an authorization server), else its id.
pub fn object_label(object: &Value) -> Option<&str> {
    object
        .pointer("/profile/login")
        .or_else(|| object.pointer("/profile/name"))
        .or_else(|| object.get("label"))
        .or_else(|| object.get("name").filter(|n| n.is_string()))
        .or_else(|| object.get("id"))
        .and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_the_shell_has_no_kind_for_is_named_by_its_path() {
        let count = |n, url| Kind::of_path(url).count(n, url);
        assert_eq!(count(3, "http://o/api/v1/groups/rules?limit=50"), "3 rules");
        assert_eq!(
            count(1, "http://o/api/v1/policies?type=PASSWORD"),
            "1 policy"
        );
        assert_eq!(
            count(2, "http://o/api/v1/authorizationServers"),
            "2 authorization servers"
        );
        assert_eq!(count(1, "http://o/api/v1/api-tokens"), "1 api token");
        assert_eq!(
            count(0, "http://o/api/v1/users/00u1a2b3c4d5e6f7g8h9/factors"),
            "0 factors"
        );
        assert_eq!(count(1, "http://o/api/v1/users"), "1 user");
        // A singular below a plural reads with it.
        assert_eq!(count(2, "http://o/api/v1/meta/types/user"), "2 user types");
        assert_eq!(
            count(1, "http://o/api/v1/meta/schemas/logStream"),
            "1 log stream schema"
        );
        // Not a plural of letters: no guess.
        assert_eq!(count(2, "http://o/.well-known/assetlinks.json"), "2 items");
        assert_eq!(
            count(2, "http://o/api/v1/groups/00g1a2b3c4d5e6f7g8h9"),
            "2 items"
        );
    }

    #[test]
    fn ids_route_by_prefix() {
        assert_eq!(resource_for_id("00u1a2b3c4d5e6f7g8h9"), Some("users"));
        assert_eq!(resource_for_id("00g1a2b3c4d5e6f7g8h9"), Some("groups"));
        assert_eq!(resource_for_id("nzo1a2b3c4d5e6f7g8h9"), Some("zones"));
        assert_eq!(resource_for_id("bnd1a2b3c4d5e6f7g8h9"), Some("brands"));
        assert_eq!(resource_for_id("0oa1a2b3c4d5e6f7g8h9"), Some("apps"));
        assert_eq!(resource_for_id("zzz1a2b3c4d5e6f7g8h9"), None);
        assert_eq!(resource_for_id("authorizationServers"), None);
        assert_eq!(resource_for_id("00u"), None);
        assert_eq!(resource_for_id("users"), None);
        assert_eq!(
            route_id_path("00u1a2b3c4d5e6f7g8h9/groups"),
            "users/00u1a2b3c4d5e6f7g8h9/groups"
        );
        assert_eq!(
            route_id_path("0oa1a2b3c4d5e6f7g8h9"),
            "apps/0oa1a2b3c4d5e6f7g8h9"
        );
        assert_eq!(
            route_id_path("users/00u1a2b3c4d5e6f7g8h9"),
            "users/00u1a2b3c4d5e6f7g8h9"
        );
    }

    #[test]
    fn org_urls_are_checked() {
        assert!(matches!(
            check_org_url("https://acme-admin.okta.com"),
            Err(OrgUrlError::AdminConsole { api_host, .. }) if api_host == "acme.okta.com"
        ));
        assert!(matches!(
            check_org_url("http://acme.okta.com"),
            Err(OrgUrlError::PlainHttp(_))
        ));
        assert!(check_org_url("http://127.0.0.1:8080/").is_ok());
        assert!(matches!(
            check_org_url("https://{yourOktaDomain}"),
            Err(OrgUrlError::Placeholder(_))
        ));
        assert_eq!(
            check_org_url("https://acme.okta.com/").unwrap().as_str(),
            "https://acme.okta.com/"
        );
    }

    #[test]
    fn error_envelope_is_one_line() {
        let body = serde_json::json!({"errorCode":"E0000001","errorSummary":"Api validation failed: login",
            "errorCauses":[{"errorSummary":"login: An object with this field already exists"}]});
        assert_eq!(
            error_line(400, &body, Some("abc")).unwrap(),
            "400 E0000001: Api validation failed: login (login: An object with this field already exists) [request abc]"
        );
    }
}
