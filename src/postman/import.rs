//! Reading Postman files: detection by content, then one parser per format.
//!
//! Everything is parsed into a `serde_json::Value` first and then walked leniently: a field of
//! the wrong type is treated as absent, so an odd export still loads. What cannot be read as a
//! Postman file at all is refused whole, with a message saying why; nothing is half-loaded.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use super::model::{
    AuthDef, BodyDef, Collection, Environment, FormPart, FormValue, Format, Imported, Node,
    RequestDef,
};

/// Larger files are refused before they are parsed: no Postman export is near this.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// Why a file could not be imported; `Display` names the file.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {kind}")]
pub struct ImportError {
    pub source_name: String,
    pub kind: ImportErrorKind,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportErrorKind {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is {size} bytes; the limit is {limit} bytes (20 MB)")]
    TooLarge { size: u64, limit: u64 },
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    #[error(
        "the JSON is truncated: it ends at line {line}, column {column} before it is complete"
    )]
    Truncated { line: usize, column: usize },
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "unsupported collection schema {0:?}; oktash reads Postman collection v1, v2.0 and v2.1"
    )]
    UnknownSchema(String),
    #[error("not a Postman collection or environment ({0})")]
    NotPostman(String),
    #[error("the collection {0:?} has no requests")]
    Empty(String),
    #[error("malformed {0}")]
    Malformed(String),
}

/// Imports a collection or an environment from a file.
pub fn import_file(path: &Path) -> Result<Imported, ImportError> {
    let source = path.display().to_string();
    let err = |kind| ImportError {
        source_name: source.clone(),
        kind,
    };
    let file = File::open(path).map_err(|e| err(e.into()))?;
    let size = file.metadata().map_err(|e| err(e.into()))?.len();
    if size > MAX_FILE_BYTES {
        return Err(err(ImportErrorKind::TooLarge {
            size,
            limit: MAX_FILE_BYTES,
        }));
    }
    // `take` also guards a file that grows between the size check and the read.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(e.into()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(err(ImportErrorKind::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        }));
    }
    let text = String::from_utf8(bytes).map_err(|_| err(ImportErrorKind::NotUtf8))?;
    import_str(&text, &source)
}

/// Imports from text; `source` names it in messages and in [`Collection::source`].
pub fn import_str(text: &str, source: &str) -> Result<Imported, ImportError> {
    parse(text, source).map_err(|kind| ImportError {
        source_name: source.to_string(),
        kind,
    })
}

fn parse(text: &str, source: &str) -> Result<Imported, ImportErrorKind> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(ImportErrorKind::TooLarge {
            size: text.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            ImportErrorKind::Truncated {
                line: e.line(),
                column: e.column(),
            }
        } else {
            let message = e.to_string();
            // serde_json appends " at line L column C"; we say it ourselves.
            let message = match message.rfind(" at line ") {
                Some(i) => message[..i].to_string(),
                None => message,
            };
            ImportErrorKind::Json {
                line: e.line(),
                column: e.column(),
                message,
            }
        }
    })?;
    let Value::Object(top) = value else {
        return Err(ImportErrorKind::NotPostman(format!(
            "the top level is {}, not an object",
            kind_of(&value)
        )));
    };
    detect(&Value::Object(top), source)
}

fn detect(top: &Value, source: &str) -> Result<Imported, ImportErrorKind> {
    // Postman's API wraps exports: {"collection": {...}} and {"environment": {...}}.
    if let Some(map) = top.as_object().filter(|m| m.len() == 1) {
        for key in ["collection", "environment"] {
            if let Some(inner @ Value::Object(_)) = map.get(key) {
                if ["info", "requests", "values"]
                    .iter()
                    .any(|k| inner.get(k).is_some())
                {
                    return detect(inner, source);
                }
            }
        }
    }
    if let Some(info) = top.get("info") {
        let schema = info.get("schema").and_then(Value::as_str).unwrap_or("");
        let format = if schema.contains("/collection/v2.1") {
            Format::V2_1
        } else if schema.contains("/collection/v2.0") {
            Format::V2_0
        } else if schema.is_empty() {
            return Err(ImportErrorKind::UnknownSchema(
                "(info.schema is missing)".to_string(),
            ));
        } else {
            return Err(ImportErrorKind::UnknownSchema(schema.to_string()));
        };
        return v2::collection(top, format, source).map(Imported::Collection);
    }
    if top.get("requests").is_some_and(Value::is_array)
        && ["order", "folders", "name"]
            .iter()
            .any(|k| top.get(k).is_some())
    {
        return v1::collection(top, source).map(Imported::Collection);
    }
    if top.get("values").is_some_and(Value::is_array) {
        return match top.get("_postman_variable_scope").and_then(Value::as_str) {
            None | Some("environment") => environment(top, source).map(Imported::Environment),
            Some(other) => Err(ImportErrorKind::NotPostman(format!(
                "a Postman {other} export, not an environment"
            ))),
        };
    }
    let mut keys: Vec<&str> = top
        .as_object()
        .map(|m| m.keys().map(String::as_str).take(6).collect())
        .unwrap_or_default();
    if keys.is_empty() {
        keys.push("an empty object");
    }
    Err(ImportErrorKind::NotPostman(format!(
        "no `info`, `requests` or `values` at the top level; found {}",
        keys.join(", ")
    )))
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---- small lenient readers ------------------------------------------------------------------

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A scalar as text: Postman exports numbers and booleans as variable values too.
fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn is_true(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool) == Some(true)
}

fn is_false(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool) == Some(false)
}

/// `[{key|id, value, disabled|enabled}]` → enabled pairs.
fn pairs(list: &[Value]) -> Vec<(String, String)> {
    list.iter()
        .filter(|p| !is_true(p, "disabled") && !is_false(p, "enabled"))
        .filter_map(|p| {
            let key = str_of(p, "key").or_else(|| str_of(p, "id"))?;
            Some((key.to_string(), text(p.get("value"))))
        })
        .collect()
}

/// Does a script hold any code? `exec` is an array of lines or one string.
fn script_is_nonempty(script: Option<&Value>) -> bool {
    match script {
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(lines)) => lines
            .iter()
            .any(|l| l.as_str().is_some_and(|l| !l.trim().is_empty())),
        Some(Value::Object(_)) => script_is_nonempty(script.and_then(|s| s.get("exec"))),
        _ => false,
    }
}

/// Counts non-empty prerequest/test scripts in a v2 `event` (or v1 `events`) list.
fn count_events(list: &[Value]) -> usize {
    list.iter()
        .filter(|e| matches!(str_of(e, "listen"), Some("prerequest" | "test")))
        .filter(|e| script_is_nonempty(e.get("script")))
        .count()
}

/// A Postman auth block, v2.0 (`{"bearer": {"token": …}}`) or v2.1 (`{"bearer": [{key, value}]}`).
/// `Some(None)` means "no auth" (`noauth`), `None` means inherit.
fn auth_block(v: Option<&Value>) -> Option<Option<AuthDef>> {
    let v = v?;
    let kind = str_of(v, "type")?;
    match kind {
        "inherit" => None,
        "noauth" => Some(None),
        _ => {
            let params = match v.get(kind) {
                Some(Value::Array(list)) => pairs(list),
                Some(Value::Object(map)) => map
                    .iter()
                    .map(|(k, v)| (k.clone(), text(Some(v))))
                    .collect(),
                _ => Vec::new(),
            };
            Some(Some(AuthDef {
                kind: kind.to_string(),
                params,
            }))
        }
    }
}

/// A raw body (none when empty), typed by its options' `raw.language` as Postman shows it:
/// v2 keeps the options in `body.options`, v1 in the request's `dataOptions`.
fn raw_body(text: String, options: Option<&Value>) -> BodyDef {
    if text.is_empty() {
        return BodyDef::None;
    }
    let content_type = options
        .and_then(|o| o.get("raw"))
        .and_then(|raw| str_of(raw, "language"))
        .and_then(content_type_for_language);
    BodyDef::Raw { text, content_type }
}

fn content_type_for_language(lang: &str) -> Option<String> {
    Some(
        match lang {
            "json" => "application/json",
            "xml" => "application/xml",
            "html" => "text/html",
            "javascript" => "application/javascript",
            "text" => "text/plain",
            _ => return None,
        }
        .to_string(),
    )
}

fn header_lines(s: &str) -> Vec<(String, String)> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

fn method_of(v: Option<&str>) -> String {
    match v.map(str::trim) {
        Some(m) if !m.is_empty() => m.to_ascii_uppercase(),
        _ => "GET".to_string(),
    }
}

/// Postman does not send a body with these methods unless the request sets
/// `protocolProfileBehavior.disableBodyPruning` (MyAccount's GETs do; a v1 GET in Okta's files
/// carries a body that Postman never sent).
fn prune_body(mut r: RequestDef, behaviour: Option<&Value>) -> RequestDef {
    let keeps = behaviour.is_some_and(|b| is_true(b, "disableBodyPruning"));
    if !keeps
        && matches!(
            r.method.as_str(),
            "GET" | "HEAD" | "COPY" | "PURGE" | "UNLOCK"
        )
    {
        r.body = BodyDef::None;
    }
    r
}

/// Gives duplicate `folder/name` paths a ` (2)`, ` (3)` … suffix so each stays runnable by name.
fn rename_duplicates(requests: &mut [RequestDef], warnings: &mut Vec<String>) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut taken: HashSet<String> = requests.iter().map(RequestDef::full_name).collect();
    for r in requests.iter_mut() {
        let full = r.full_name();
        let n = seen.entry(full.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            let base = r.name.clone();
            let mut k = *n;
            loop {
                r.name = format!("{base} ({k})");
                if taken.insert(r.full_name()) {
                    break;
                }
                k += 1;
            }
            warnings.push(format!(
                "two requests are named {full:?}; the later one is now {:?}",
                r.full_name()
            ));
        }
    }
}

/// Refuses an empty collection and makes every `folder/name` unique.
fn finish(mut c: Collection) -> Result<Collection, ImportErrorKind> {
    if c.requests.is_empty() {
        return Err(ImportErrorKind::Empty(c.name));
    }
    rename_duplicates(&mut c.requests, &mut c.warnings);
    Ok(c)
}

fn unnamed(source: &str) -> String {
    Path::new(source)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "(unnamed collection)".to_string())
}

// ---- v2.0 / v2.1 ----------------------------------------------------------------------------

mod v2 {
    use super::*;

    struct Walk {
        requests: Vec<RequestDef>,
        scripts: usize,
        /// The collection's `protocolProfileBehavior`, the default for every request.
        behaviour: Option<Value>,
    }

    pub(super) fn collection(
        top: &Value,
        format: Format,
        source: &str,
    ) -> Result<Collection, ImportErrorKind> {
        let info = &top["info"];
        let name = str_of(info, "name")
            .map(str::to_string)
            .unwrap_or_else(|| unnamed(source));
        let items = match top.get("item") {
            Some(Value::Array(items)) => items.as_slice(),
            None | Some(Value::Null) => &[],
            Some(other) => {
                return Err(ImportErrorKind::Malformed(format!(
                    "collection: `item` is {}, not an array",
                    kind_of(other)
                )))
            }
        };
        let mut variables = pairs(arr(top, "variable"));
        variables.extend(pairs(arr(top, "variables")));
        let auth = auth_block(top.get("auth")).unwrap_or(None);
        let mut walk = Walk {
            requests: Vec::new(),
            scripts: count_events(arr(top, "event")),
            behaviour: top.get("protocolProfileBehavior").cloned(),
        };
        let nodes = walk_items(&mut walk, items, &mut Vec::new(), &auth);
        finish(Collection {
            name,
            format,
            source: source.to_string(),
            variables,
            skipped_scripts: walk.scripts,
            warnings: Vec::new(),
            requests: walk.requests,
            nodes,
        })
    }

    fn walk_items(
        w: &mut Walk,
        items: &[Value],
        folder: &mut Vec<String>,
        auth: &Option<AuthDef>,
    ) -> Vec<Node> {
        let mut nodes = Vec::new();
        for item in items {
            if !item.is_object() {
                continue;
            }
            w.scripts += count_events(arr(item, "event"));
            let name = text(item.get("name"));
            let auth = auth_block(item.get("auth"))
                .or_else(|| item.get("request").and_then(|r| auth_block(r.get("auth"))))
                .unwrap_or_else(|| auth.clone());
            if let Some(children) = item.get("item").and_then(Value::as_array) {
                folder.push(name.clone());
                let children = walk_items(w, children, folder, &auth);
                folder.pop();
                nodes.push(Node::Folder { name, children });
            } else if let Some(req) = item.get("request") {
                nodes.push(Node::Request(w.requests.len()));
                let r = request(req, name, folder.clone(), auth);
                let behaviour = item.get("protocolProfileBehavior").or(w.behaviour.as_ref());
                w.requests.push(prune_body(r, behaviour));
            }
        }
        nodes
    }

    fn request(
        req: &Value,
        name: String,
        folder: Vec<String>,
        auth: Option<AuthDef>,
    ) -> RequestDef {
        // A request may be just its URL.
        if let Value::String(url) = req {
            return RequestDef {
                folder,
                name,
                method: "GET".to_string(),
                url: url.clone(),
                path_variables: Vec::new(),
                headers: Vec::new(),
                body: BodyDef::None,
                auth,
            };
        }
        let (url, path_variables) = match req.get("url") {
            Some(Value::String(s)) => (s.clone(), Vec::new()),
            Some(u @ Value::Object(_)) => (url_of(u), pairs(arr(u, "variable"))),
            _ => (String::new(), Vec::new()),
        };
        let headers = match req.get("header") {
            Some(Value::Array(list)) => pairs(list),
            Some(Value::String(s)) => header_lines(s),
            _ => Vec::new(),
        };
        RequestDef {
            folder,
            name,
            method: method_of(str_of(req, "method")),
            url,
            path_variables,
            headers,
            body: body(req.get("body")),
            auth,
        }
    }

    /// The URL as a template: `raw` when present, else rebuilt from its parts.
    fn url_of(u: &Value) -> String {
        if let Some(raw) = str_of(u, "raw") {
            return raw.to_string();
        }
        let mut s = String::new();
        if let Some(p) = str_of(u, "protocol") {
            s.push_str(p.trim_end_matches("://"));
            s.push_str("://");
        }
        match u.get("host") {
            Some(Value::Array(parts)) => {
                let parts: Vec<String> = parts.iter().map(|p| text(Some(p))).collect();
                s.push_str(&parts.join("."));
            }
            Some(Value::String(h)) => s.push_str(h),
            _ => {}
        }
        if let Some(port) = u
            .get("port")
            .map(|p| text(Some(p)))
            .filter(|p| !p.is_empty())
        {
            s.push(':');
            s.push_str(&port);
        }
        match u.get("path") {
            Some(Value::Array(parts)) => {
                for p in parts {
                    let seg = match p {
                        Value::Object(_) => text(p.get("value")),
                        _ => text(Some(p)),
                    };
                    s.push('/');
                    s.push_str(&seg);
                }
            }
            Some(Value::String(p)) => {
                if !p.starts_with('/') {
                    s.push('/');
                }
                s.push_str(p);
            }
            _ => {}
        }
        let query: Vec<String> = arr(u, "query")
            .iter()
            .filter(|q| !is_true(q, "disabled"))
            .filter_map(|q| {
                let k = str_of(q, "key")?;
                Some(match q.get("value") {
                    Some(Value::Null) | None => k.to_string(),
                    v => format!("{k}={}", text(v)),
                })
            })
            .collect();
        if !query.is_empty() {
            s.push('?');
            s.push_str(&query.join("&"));
        }
        if let Some(h) = str_of(u, "hash").filter(|h| !h.is_empty()) {
            s.push('#');
            s.push_str(h);
        }
        s
    }

    fn body(b: Option<&Value>) -> BodyDef {
        let Some(b) = b.filter(|b| b.is_object()) else {
            return BodyDef::None;
        };
        if is_true(b, "disabled") {
            return BodyDef::None;
        }
        match str_of(b, "mode") {
            Some("raw") => raw_body(text(b.get("raw")), b.get("options")),
            Some("urlencoded") => BodyDef::UrlEncoded(pairs(arr(b, "urlencoded"))),
            Some("formdata") => BodyDef::FormData(form_parts(arr(b, "formdata"))),
            Some("file") => BodyDef::File(
                b.get("file")
                    .and_then(|f| str_of(f, "src"))
                    .map(str::to_string),
            ),
            Some("graphql") => {
                let g = b.get("graphql").cloned().unwrap_or(Value::Null);
                let query = text(g.get("query"));
                let variables = match g.get("variables") {
                    Some(Value::String(s)) if !s.trim().is_empty() => {
                        serde_json::from_str(s).unwrap_or(Value::String(s.clone()))
                    }
                    _ => Value::Object(Map::new()),
                };
                let text =
                    serde_json::json!({ "query": query, "variables": variables }).to_string();
                BodyDef::Raw {
                    text,
                    content_type: Some("application/json".to_string()),
                }
            }
            _ => BodyDef::None,
        }
    }

    pub(super) fn form_parts(list: &[Value]) -> Vec<FormPart> {
        list.iter()
            .filter(|p| !is_true(p, "disabled") && !is_false(p, "enabled"))
            .filter_map(|p| {
                let key = str_of(p, "key")?.to_string();
                let value = if str_of(p, "type") == Some("file") {
                    let src = match p.get("src") {
                        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
                        Some(Value::Array(list)) => list
                            .iter()
                            .filter_map(Value::as_str)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect(),
                        // v1 puts the chosen file name in `value`.
                        _ => Some(text(p.get("value")))
                            .filter(|s| !s.is_empty())
                            .into_iter()
                            .collect(),
                    };
                    FormValue::File(src)
                } else {
                    FormValue::Text(text(p.get("value")))
                };
                Some(FormPart {
                    key,
                    value,
                    content_type: str_of(p, "contentType")
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                })
            })
            .collect()
    }
}

// ---- v1 -------------------------------------------------------------------------------------

mod v1 {
    use super::*;

    /// v1 keeps requests and folders in flat lists joined by id: the collection's `order`
    /// (requests) and `folders_order` (folders), and each folder's own `order` and
    /// `folders_order`. Old exports have no `folders_order`: every folder is then top level.
    /// Requests that no list names ("orphans") are shown at the top level, as Postman does.
    pub(super) fn collection(top: &Value, source: &str) -> Result<Collection, ImportErrorKind> {
        let name = str_of(top, "name")
            .map(str::to_string)
            .unwrap_or_else(|| unnamed(source));
        let requests_v = arr(top, "requests");
        let folders_v = arr(top, "folders");
        let by_id: HashMap<&str, &Value> = requests_v
            .iter()
            .filter_map(|r| Some((str_of(r, "id")?, r)))
            .collect();
        let folder_by_id: HashMap<&str, &Value> = folders_v
            .iter()
            .filter_map(|f| Some((str_of(f, "id")?, f)))
            .collect();

        let mut b = Builder {
            by_id,
            folder_by_id,
            used_requests: HashSet::new(),
            used_folders: HashSet::new(),
            requests: Vec::new(),
            scripts: count_events(arr(top, "events")),
        };
        let auth = auth_block(top.get("auth")).unwrap_or(None);

        // Top-level folders: `folders_order` when given, else folders no other folder contains.
        let nested: HashSet<&str> = folders_v
            .iter()
            .flat_map(|f| arr(f, "folders_order"))
            .filter_map(Value::as_str)
            .collect();
        let top_folders: Vec<&str> = match top.get("folders_order").and_then(Value::as_array) {
            Some(list) if !list.is_empty() => list.iter().filter_map(Value::as_str).collect(),
            _ => folders_v
                .iter()
                .filter_map(|f| str_of(f, "id"))
                .filter(|id| !nested.contains(id))
                .collect(),
        };
        let top_requests: Vec<&str> = arr(top, "order").iter().filter_map(Value::as_str).collect();
        let mut nodes = b.level(&top_folders, &top_requests, &mut Vec::new(), &auth);

        // Folders nobody listed (a broken folders_order), then orphan requests, at the top.
        let leftover_folders: Vec<&str> = folders_v
            .iter()
            .filter_map(|f| str_of(f, "id"))
            .filter(|id| !b.used_folders.contains(id) && !nested.contains(id))
            .collect();
        nodes.extend(b.level(&leftover_folders, &[], &mut Vec::new(), &auth));
        let orphans: Vec<&str> = requests_v
            .iter()
            .filter_map(|r| str_of(r, "id"))
            .filter(|id| !b.used_requests.contains(id))
            .collect();
        nodes.extend(b.level(&[], &orphans, &mut Vec::new(), &auth));
        // Requests without an id cannot be ordered; keep them too.
        for r in requests_v.iter().filter(|r| str_of(r, "id").is_none()) {
            nodes.push(Node::Request(b.requests.len()));
            let req = request(r, Vec::new(), &auth);
            b.requests
                .push(prune_body(req, r.get("protocolProfileBehavior")));
            b.scripts += request_scripts(r);
        }
        let variables = pairs(arr(top, "variables"));
        finish(Collection {
            name,
            format: Format::V1,
            source: source.to_string(),
            variables,
            skipped_scripts: b.scripts,
            warnings: Vec::new(),
            requests: b.requests,
            nodes,
        })
    }

    struct Builder<'a> {
        by_id: HashMap<&'a str, &'a Value>,
        folder_by_id: HashMap<&'a str, &'a Value>,
        used_requests: HashSet<&'a str>,
        used_folders: HashSet<&'a str>,
        requests: Vec<RequestDef>,
        scripts: usize,
    }

    impl<'a> Builder<'a> {
        /// Folders first, then requests, as Postman lists them.
        fn level(
            &mut self,
            folder_ids: &[&'a str],
            request_ids: &[&'a str],
            path: &mut Vec<String>,
            auth: &Option<AuthDef>,
        ) -> Vec<Node> {
            let mut nodes = Vec::new();
            for &fid in folder_ids {
                // Each folder once: guards against cycles and repeats in broken files.
                let Some(&f) = self.folder_by_id.get(fid) else {
                    continue;
                };
                if !self.used_folders.insert(fid) {
                    continue;
                }
                self.scripts += count_events(arr(f, "events"));
                let name = text(f.get("name"));
                let auth = auth_block(f.get("auth")).unwrap_or_else(|| auth.clone());
                let sub: Vec<&str> = arr(f, "folders_order")
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                let reqs: Vec<&str> = arr(f, "order").iter().filter_map(Value::as_str).collect();
                path.push(name.clone());
                let children = self.level(&sub, &reqs, path, &auth);
                path.pop();
                nodes.push(Node::Folder { name, children });
            }
            for &rid in request_ids {
                let Some(&r) = self.by_id.get(rid) else {
                    continue;
                };
                if !self.used_requests.insert(rid) {
                    continue;
                }
                self.scripts += request_scripts(r);
                nodes.push(Node::Request(self.requests.len()));
                let req = request(r, path.clone(), auth);
                self.requests
                    .push(prune_body(req, r.get("protocolProfileBehavior")));
            }
            nodes
        }
    }

    fn request_scripts(r: &Value) -> usize {
        count_events(arr(r, "events"))
            + usize::from(script_is_nonempty(r.get("preRequestScript")))
            + usize::from(script_is_nonempty(r.get("tests")))
    }

    fn request(r: &Value, folder: Vec<String>, auth: &Option<AuthDef>) -> RequestDef {
        let headers = match r.get("headerData") {
            Some(Value::Array(list)) if !list.is_empty() => pairs(list),
            _ => header_lines(str_of(r, "headers").unwrap_or("")),
        };
        let path_variables = match r.get("pathVariableData") {
            Some(Value::Array(list)) if !list.is_empty() => pairs(list),
            _ => match r.get("pathVariables") {
                Some(Value::Object(map)) => map
                    .iter()
                    .map(|(k, v)| (k.clone(), text(Some(v))))
                    .collect(),
                _ => Vec::new(),
            },
        };
        let body = match str_of(r, "dataMode") {
            Some("raw") => raw_body(text(r.get("rawModeData")), r.get("dataOptions")),
            Some("params") => BodyDef::FormData(v2::form_parts(arr(r, "data"))),
            Some("urlencoded") => BodyDef::UrlEncoded(pairs(arr(r, "data"))),
            Some("binary") => BodyDef::File(None),
            _ => BodyDef::None,
        };
        RequestDef {
            folder,
            name: text(r.get("name")),
            method: method_of(str_of(r, "method")),
            url: text(r.get("url")),
            path_variables,
            headers,
            body,
            auth: auth_block(r.get("auth")).unwrap_or_else(|| auth.clone()),
        }
    }
}

// ---- environments ---------------------------------------------------------------------------

fn environment(top: &Value, source: &str) -> Result<Environment, ImportErrorKind> {
    let name = str_of(top, "name")
        .map(str::to_string)
        .unwrap_or_else(|| unnamed(source));
    let mut url = None;
    let mut apikey = None;
    let mut variables = Vec::new();
    for (key, value) in pairs(arr(top, "values")) {
        match key.as_str() {
            "url" => url = Some(value),
            "apikey" => apikey = Some(value).filter(|v| !v.is_empty()),
            _ => variables.push((key, value)),
        }
    }
    // Environments written for other collections name the org differently.
    if url.as_deref().is_none_or(str::is_empty) {
        if let Some((_, v)) = variables
            .iter()
            .find(|(k, v)| (k == "baseUrl" || k == "yourOktaDomain") && !v.is_empty())
        {
            url = Some(if v.contains("://") {
                v.clone()
            } else {
                format!("https://{v}")
            });
        }
    }
    Ok(Environment {
        name,
        source: source.to_string(),
        url: url.filter(|u| !u.is_empty()),
        apikey,
        variables,
    })
}
