//! Turning a request template into a request ready to send: `{{variables}}`, path variables,
//! URL encoding, auth removal and bodies.
//!
//! Where a `{{name}}` gets its value, first match wins:
//! 1. `{{url}}`, `{{baseUrl}}`, `{{yourOktaDomain}}` are always the active org (`org_url`), so a
//!    collection can never point a request, and the token oktash adds, at another host. A
//!    scheme written before them (`https://{{yourOktaDomain}}`) is absorbed, and
//!    `{{yourOktaDomain}}` elsewhere than the start of a URL becomes the org's host[:port];
//! 2. `lookup` (the caller folds in `k=v` on the run line, session variables, environment);
//! 3. collection variables;
//! 4. Postman dynamic variables (`{{$guid}}` …), fresh for each occurrence.
//!
//! Values may themselves hold `{{…}}` (resolved up to 10 levels). A name nothing defines stops
//! the request: [`PrepareError::Missing`] names all of them at once.
//!
//! The URL is then parsed and serialised by the `url` crate (WHATWG rules), which encodes what
//! Postman encodes (space, `"`, `<`, `>`, non-ASCII, …) and keeps `%xx` and `+` as written.
//! Values are inserted verbatim before that, as in Postman: a value holding `&` or `#` changes
//! the URL's structure.

use std::path::{Path, PathBuf};

use rand::rngs::SmallRng;

use super::dynamic;
use super::model::{BodyDef, Collection, FormValue, RequestDef};

/// A request with every variable resolved; auth is left to the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedRequest {
    pub method: String,
    /// Absolute and encoded.
    pub url: String,
    /// Without any `Authorization`, and without `Content-Type` when there is a body (the body
    /// carries it: a multipart boundary must come from the HTTP client).
    pub headers: Vec<(String, String)>,
    pub body: Option<PreparedBody>,
    /// The collection asked for its own auth (a header or an `auth` block), which was dropped.
    pub auth_dropped: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PreparedBody {
    /// `content_type`: the request's own header, else Postman's language option, else
    /// `application/json` when the text parses as JSON, else `text/plain`.
    Raw { content_type: String, text: String },
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<(String, String)>),
    /// `multipart/form-data` parts; files exist (checked) but are not read here.
    Multipart(Vec<MultipartPart>),
    /// The body is this file's bytes (Postman's binary mode).
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq)]
pub struct MultipartPart {
    pub name: String,
    pub value: PartValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartValue {
    Text(String),
    File {
        path: PathBuf,
        content_type: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    #[error("{} not defined: {}; `set NAME = VALUE` or pass NAME=VALUE to run (nothing was sent)",
        if .0.len() == 1 { "this variable is" } else { "these variables are" },
        .0.join(", "))]
    Missing(Vec<String>),
    #[error("form field {key:?}: file {path:?} not found")]
    FileNotFound { key: String, path: String },
    #[error("the request has no URL")]
    NoUrl,
    #[error("not a valid absolute http(s) URL: {url} ({reason})")]
    BadUrl { url: String, reason: String },
}

const ORG_ALIASES: [&str; 3] = ["url", "baseUrl", "yourOktaDomain"];
const MAX_DEPTH: usize = 10;

struct Resolver<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    collection: &'a Collection,
    org_url: &'a str,
    org_authority: String,
    missing: Vec<String>,
    rng: Option<SmallRng>,
}

impl Resolver<'_> {
    fn miss(&mut self, name: &str) {
        if !self.missing.iter().any(|m| m == name) {
            self.missing.push(name.to_string());
        }
    }

    /// Replaces every `{{name}}` in `template`. `url_start` says the template is a URL, whose
    /// very start is where an org alias means the whole org URL.
    fn subst(&mut self, template: &str, url_start: bool, depth: usize) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find("{{") {
            out.push_str(&rest[..open]);
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                out.push_str(&rest[open..]);
                return out;
            };
            let inner = &after[..close];
            if inner.contains('{') || inner.contains('}') {
                // Not a variable here (`{{{name}}}`): move on by one brace, as Postman's regex.
                out.push('{');
                rest = &rest[open + 1..];
                continue;
            }
            let name = inner.trim();
            rest = &after[close + 2..];
            let at_start = url_start && out.is_empty();
            self.resolve(name, &mut out, at_start, depth);
        }
        out.push_str(rest);
        out
    }

    fn resolve(&mut self, name: &str, out: &mut String, at_start: bool, depth: usize) {
        if ORG_ALIASES.contains(&name) {
            let lower = out.to_ascii_lowercase();
            if let Some(scheme) = ["https://", "http://"]
                .iter()
                .find(|s| lower.ends_with(**s))
            {
                out.truncate(out.len() - scheme.len());
                out.push_str(self.org_url);
            } else if name == "yourOktaDomain" && !at_start {
                out.push_str(&self.org_authority);
            } else {
                out.push_str(self.org_url);
            }
            return;
        }
        let value =
            (self.lookup)(name).or_else(|| self.collection.variable(name).map(str::to_string));
        match value {
            Some(v) if v.contains("{{") => {
                if depth >= MAX_DEPTH {
                    self.miss(name);
                } else {
                    let v = self.subst(&v, at_start, depth + 1);
                    out.push_str(&v);
                }
            }
            Some(v) => out.push_str(&v),
            None if name.starts_with('$') => {
                let rng = self.rng.get_or_insert_with(dynamic::rng);
                match dynamic::generate(name, rng) {
                    Some(v) => out.push_str(&v),
                    None => self.miss(name),
                }
            }
            None => self.miss(name),
        }
    }

    /// Replaces `:name` path segments that the request declares (or `lookup` knows).
    fn path_variables(&mut self, url: &str, req: &RequestDef) -> String {
        let path_start = match url.find("://") {
            Some(i) => url[i + 3..].find('/').map(|j| i + 3 + j),
            None => url.find('/'),
        };
        let Some(start) = path_start else {
            return url.to_string();
        };
        let end = url[start..]
            .find(['?', '#'])
            .map_or(url.len(), |j| start + j);
        if !url[start..end].contains("/:") {
            return url.to_string();
        }
        let mut path = String::new();
        for (i, seg) in url[start..end].split('/').enumerate() {
            if i > 0 {
                path.push('/');
            }
            let declared = seg
                .strip_prefix(':')
                .filter(|n| !n.is_empty())
                .and_then(|n| {
                    let default = req
                        .path_variables
                        .iter()
                        .find(|(k, _)| k == n)
                        .map(|(_, v)| v);
                    match (self.lookup)(n) {
                        Some(v) => Some((n, Some(v))),
                        None => default.map(|d| (n, Some(d.clone()).filter(|d| !d.is_empty()))),
                    }
                });
            match declared {
                Some((_, Some(v))) => {
                    let v = self.subst(&v, false, 1);
                    path.push_str(&v);
                }
                Some((n, None)) => {
                    self.miss(n);
                    path.push_str(seg);
                }
                None => path.push_str(seg),
            }
        }
        format!("{}{}{}", &url[..start], path, &url[end..])
    }
}

/// Resolves a request template for sending (see the module comment for the rules).
pub fn prepare(
    req: &RequestDef,
    collection: &Collection,
    lookup: &dyn Fn(&str) -> Option<String>,
    org_url: &str,
) -> Result<PreparedRequest, PrepareError> {
    let org_url = org_url.trim().trim_end_matches('/');
    let org_authority = match url::Url::parse(org_url) {
        Ok(u) if u.has_host() => {
            let host = u.host_str().unwrap_or_default();
            match u.port() {
                Some(p) => format!("{host}:{p}"),
                None => host.to_string(),
            }
        }
        _ => org_url
            .split_once("://")
            .map_or(org_url, |(_, rest)| rest)
            .to_string(),
    };
    let mut r = Resolver {
        lookup,
        collection,
        org_url,
        org_authority,
        missing: Vec::new(),
        rng: None,
    };

    if req.url.trim().is_empty() {
        return Err(PrepareError::NoUrl);
    }
    let raw_url = r.subst(req.url.trim(), true, 0);
    let raw_url = r.path_variables(&raw_url, req);

    let mut auth_dropped = req.auth.is_some();
    let mut content_type = None;
    let mut headers = Vec::new();
    for (k, v) in &req.headers {
        if k.trim().eq_ignore_ascii_case("authorization") {
            auth_dropped = true;
            continue;
        }
        let k = r.subst(k, false, 0);
        let v = r.subst(v, false, 0);
        if k.trim().eq_ignore_ascii_case("content-type") && req.body != BodyDef::None {
            content_type = Some(v);
            continue;
        }
        headers.push((k, v));
    }

    let body = match &req.body {
        BodyDef::None => None,
        BodyDef::Raw {
            text,
            content_type: language_type,
        } => {
            let text = r.subst(text, false, 0);
            let content_type = content_type
                .or_else(|| language_type.clone())
                .unwrap_or_else(|| sniff(&text).to_string());
            Some(PreparedBody::Raw { content_type, text })
        }
        BodyDef::UrlEncoded(pairs) => Some(PreparedBody::Form(
            pairs
                .iter()
                .map(|(k, v)| (r.subst(k, false, 0), r.subst(v, false, 0)))
                .collect(),
        )),
        BodyDef::FormData(parts) => {
            let mut out = Vec::new();
            for p in parts {
                let name = r.subst(&p.key, false, 0);
                match &p.value {
                    FormValue::Text(v) => out.push(MultipartPart {
                        name,
                        value: PartValue::Text(r.subst(v, false, 0)),
                    }),
                    // No file chosen in the export: Postman sends no part either.
                    FormValue::File(srcs) => {
                        for src in srcs {
                            let src = r.subst(src, false, 0);
                            out.push(MultipartPart {
                                name: name.clone(),
                                value: PartValue::File {
                                    path: PathBuf::from(&src),
                                    content_type: p.content_type.clone(),
                                },
                            });
                        }
                    }
                }
            }
            Some(PreparedBody::Multipart(out))
        }
        BodyDef::File(None) => None,
        BodyDef::File(Some(src)) => Some(PreparedBody::File(PathBuf::from(r.subst(src, false, 0)))),
    };

    if !r.missing.is_empty() {
        return Err(PrepareError::Missing(r.missing));
    }

    // Files are checked only once every name is known, so one error lists all missing names.
    let body = match body {
        Some(PreparedBody::Multipart(parts)) => {
            let mut checked = Vec::with_capacity(parts.len());
            for mut part in parts {
                if let PartValue::File { path, .. } = &mut part.value {
                    *path = existing_file(path, collection).ok_or_else(|| {
                        PrepareError::FileNotFound {
                            key: part.name.clone(),
                            path: path.display().to_string(),
                        }
                    })?;
                }
                checked.push(part);
            }
            Some(PreparedBody::Multipart(checked))
        }
        Some(PreparedBody::File(path)) => Some(PreparedBody::File(
            existing_file(&path, collection).ok_or_else(|| PrepareError::FileNotFound {
                key: "(body)".to_string(),
                path: path.display().to_string(),
            })?,
        )),
        other => other,
    };

    let url = encode_url(&raw_url)?;
    Ok(PreparedRequest {
        method: req.method.to_ascii_uppercase(),
        url,
        headers,
        body,
        auth_dropped,
    })
}

/// A relative path is looked up next to the collection file first, then in the current
/// directory.
fn existing_file(path: &Path, collection: &Collection) -> Option<PathBuf> {
    if path.as_os_str().is_empty() {
        return None;
    }
    if path.is_relative() {
        if let Some(dir) = Path::new(&collection.source).parent() {
            let beside = dir.join(path);
            if beside.is_file() {
                return Some(beside);
            }
        }
    }
    path.is_file().then(|| path.to_path_buf())
}

fn sniff(text: &str) -> &'static str {
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
        "application/json"
    } else {
        "text/plain"
    }
}

/// Encodes a resolved URL as Postman would send it.
pub fn encode_url(raw: &str) -> Result<String, PrepareError> {
    let bad = |reason: String| PrepareError::BadUrl {
        url: raw.to_string(),
        reason,
    };
    let parsed = url::Url::parse(raw.trim()).map_err(|e| bad(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad(format!(
            "scheme {:?} is not http or https",
            parsed.scheme()
        )));
    }
    match parsed.host() {
        None => return Err(bad("no host".to_string())),
        // WHATWG lets `{` through; Okta's env file has `https://{yourOktaDomain}`.
        Some(url::Host::Domain(d))
            if d.is_empty()
                || !d
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')) =>
        {
            return Err(bad(format!(
                "{d:?} is not a host name; is the org URL set?"
            )))
        }
        Some(_) => {}
    }
    Ok(parsed.into())
}
