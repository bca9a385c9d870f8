//! What the shell knows of Okta's API, from Okta's own OpenAPI spec: every path and operation,
//! its parameters, request body schema, response, scopes and documentation link.
//!
//! The index is generated from `data/okta/openapi/management-minimal.yaml` into
//! `data/okta/spec-index.json` (`cargo run --release --example spec_index`; a test fails when the
//! file is stale) and embedded in the binary. It is parsed on first use, not at start-up, and a
//! damaged index only switches help, completion and checks off.

mod build;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use build::{build_index, yaml_to_json};

const EMBEDDED: &str = include_str!("../../data/okta/spec-index.json");

/// Where Okta documents each operation.
const DOCS: &str = "https://developer.okta.com/docs/api/openapi/okta-management/management/tag";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Index {
    /// The spec's `info.version`.
    pub version: String,
    pub operations: Vec<Operation>,
    /// Component schemas by name, plus inline request bodies as `operationId:body`.
    pub schemas: BTreeMap<String, Schema>,
    /// The prefix of a kind of Okta id and the collection it names (`nzo` → `zones`), from the
    /// ids in the spec's examples of `GET /api/v1/COLLECTION/{id}`.
    #[serde(default)]
    pub id_prefixes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub id: String,
    pub method: String,
    /// A template: `/api/v1/users/{id}`.
    pub path: String,
    pub summary: String,
    pub tag: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// The request body's schema name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub body_required: bool,
    /// The success response's schema name (of its items when it is a list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub returns_list: bool,
    /// OAuth 2.0 scopes that allow the operation (any one of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    /// `path` or `query`.
    pub place: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, Field>,
    /// `additionalProperties` allows fields the schema does not name (user profiles do).
    #[serde(default, skip_serializing_if = "is_false")]
    pub additional: bool,
    /// Schemas this one extends (`allOf`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all_of: Vec<String>,
    /// Alternatives (`oneOf`/`anyOf`): the checks do not judge such a value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Field {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// The schema of the value (or of its items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The JSON type of an array's items.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub items: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The embedded index, parsed on first use. `Err` says why there is none.
///
/// `OKTASH_SPEC_INDEX=FILE` reads another index instead (a newer spec, or a damaged one in the
/// tests that show the shell works without it).
pub fn index() -> Result<&'static Index, &'static str> {
    static INDEX: OnceLock<Result<Index, String>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let text = match std::env::var_os("OKTASH_SPEC_INDEX") {
                Some(path) => Cow::Owned(
                    std::fs::read_to_string(&path)
                        .map_err(|e| format!("Okta's API index {}: {e}", path.to_string_lossy()))?,
                ),
                None => Cow::Borrowed(EMBEDDED),
            };
            serde_json::from_str(&text)
                .map_err(|e| format!("Okta's API index cannot be read ({e})"))
        })
        .as_ref()
        .map_err(String::as_str)
}

/// The index as the file the shell embeds: one operation or schema per line, so that a change of
/// the spec shows as a readable diff.
pub fn to_json(index: &Index) -> String {
    fn line<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap_or_default()
    }
    let ops: Vec<String> = index.operations.iter().map(line).collect();
    let schemas: Vec<String> = index
        .schemas
        .iter()
        .map(|(name, schema)| format!("{}: {}", line(name), line(schema)))
        .collect();
    format!(
        "{{\"version\": {},\n\"id_prefixes\": {},\n\"operations\": [\n{}\n],\n\"schemas\": {{\n{}\n}}}}\n",
        line(&index.version),
        line(&index.id_prefixes),
        ops.join(",\n"),
        schemas.join(",\n")
    )
}

impl Operation {
    /// Okta's documentation page of this operation.
    pub fn docs_url(&self) -> String {
        format!(
            "{DOCS}/{tag}/#tag/{tag}/operation/{id}",
            tag = self.tag,
            id = self.id
        )
    }

    pub fn query_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.place == "query")
    }
}

/// How well a concrete path fits a template: `None` when it does not, else the number of
/// literal segments matched (a literal beats a parameter: `groups/rules` over `groups/{id}`).
fn fit(template: &str, path: &str) -> Option<usize> {
    let mut literal = 0;
    let mut t = template.split('/');
    let mut p = path.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(literal),
            (Some(ts), Some(ps)) if ts.starts_with('{') && ts.ends_with('}') => {
                if ps.is_empty() {
                    return None;
                }
            }
            (Some(ts), Some(ps)) if ts == ps => literal += 1,
            _ => return None,
        }
    }
}

/// What a resource word names in the API: `users` → `/api/v1/users`; a path, or the path of a
/// URL, stays as it is.
pub fn api_path(word: &str) -> String {
    let path = match url::Url::parse(word) {
        Ok(url) if url.has_host() => url.path().to_string(),
        _ => word.to_string(),
    };
    if path.starts_with('/') {
        path
    } else {
        format!("/api/v1/{}", path.trim_start_matches("api/v1/"))
    }
}

/// What may follow a path (see [`Index::children`]).
#[derive(Debug, Default)]
pub struct Children {
    pub paths: BTreeSet<String>,
    /// An id (a parameter) may come next.
    pub ids: bool,
}

/// A template with its parameter names left out: `/users/{id}` and `/users/{userId}` are one.
fn shape(template: &str) -> String {
    template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The path of a URL or path, without its query, fragment or trailing slash.
fn bare_path(path: &str) -> &str {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => path,
    }
}

impl Index {
    /// The template that fits a concrete path best.
    pub fn template_for(&self, path: &str) -> Option<&str> {
        let path = bare_path(path);
        self.operations
            .iter()
            .filter_map(|op| fit(&op.path, path).map(|score| (score, op.path.as_str())))
            .max_by_key(|(score, _)| *score)
            .map(|(_, template)| template)
    }

    /// Every operation on the template that fits `path` best.
    pub fn operations_at(&self, path: &str) -> Vec<&Operation> {
        match self.template_for(path) {
            Some(template) => {
                let shape = shape(template);
                self.operations
                    .iter()
                    .filter(|op| shape == self::shape(&op.path))
                    .collect()
            }
            None => Vec::new(),
        }
    }

    /// The operation a request would reach.
    pub fn find(&self, method: &str, path: &str) -> Option<&Operation> {
        self.operations_at(path)
            .into_iter()
            .find(|op| op.method.eq_ignore_ascii_case(method))
    }

    pub fn by_id(&self, id: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.id.eq_ignore_ascii_case(id))
    }

    /// Whether the spec speaks of paths under this one's first segment (`/api`, `/oauth2` …):
    /// only those are checked.
    pub fn covers(&self, path: &str) -> bool {
        let first = |p: &str| {
            p.trim_start_matches('/')
                .split('/')
                .next()
                .map(str::to_string)
        };
        let wanted = first(bare_path(path));
        self.operations.iter().any(|op| first(&op.path) == wanted)
    }

    /// Whether some path of the spec has `word` as one of its segments (`authorizationServers`).
    pub fn names_segment(&self, word: &str) -> bool {
        self.operations
            .iter()
            .any(|op| op.path.split('/').any(|segment| segment == word))
    }

    /// Resources that can be listed or read with no id: `users`, `groups/rules`,
    /// `meta/schemas/user/default` … (relative to `/api/v1/`).
    pub fn collections(&self) -> BTreeSet<&str> {
        self.operations
            .iter()
            .filter(|op| op.method == "GET" && !op.path.contains('{'))
            .filter_map(|op| op.path.strip_prefix("/api/v1/"))
            .collect()
    }

    /// What lies under a concrete path for a method: `users/00u…` → `groups`, `appLinks`,
    /// `factors` … for GET, `lifecycle/activate` … for POST (each cut before its next
    /// parameter); with `ids`, whether an id may come next (`users/` takes one, `users/00u…/`
    /// does not).
    pub fn children(&self, path: &str, method: &str) -> Children {
        let path = bare_path(path);
        let depth = path.split('/').count();
        let mut best = 0;
        let mut found: Vec<(usize, Option<String>)> = Vec::new();
        for op in self.operations.iter().filter(|op| op.method == method) {
            let segments: Vec<&str> = op.path.split('/').collect();
            if segments.len() <= depth {
                continue;
            }
            let Some(score) = fit(&segments[..depth].join("/"), path) else {
                continue;
            };
            let child = segments[depth..]
                .iter()
                .take_while(|segment| !segment.starts_with('{'))
                .copied()
                .collect::<Vec<_>>()
                .join("/");
            best = best.max(score);
            found.push((score, (!child.is_empty()).then_some(child)));
        }
        // `groups/rules/…` are not children of a group whose id is `rules`.
        let found = found.into_iter().filter(|(score, _)| *score == best);
        let mut children = Children::default();
        for (_, child) in found {
            match child {
                Some(child) => {
                    children.paths.insert(child);
                }
                None => children.ids = true,
            }
        }
        children
    }

    /// Operations whose summary, id, tag or path hold every word (case ignored).
    pub fn search(&self, words: &[&str]) -> Vec<&Operation> {
        let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        self.operations
            .iter()
            .filter(|op| {
                let hay = format!("{} {} {} {}", op.summary, op.id, op.tag, op.path).to_lowercase();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect()
    }

    /// Every operation of a resource: `users` → everything under `/api/v1/users`.
    pub fn resource(&self, name: &str) -> Vec<&Operation> {
        let name = name.trim_matches('/');
        let root = if name.starts_with("api/") {
            format!("/{name}")
        } else {
            format!("/api/v1/{name}")
        };
        self.operations
            .iter()
            .filter(|op| op.path == root || op.path.starts_with(&format!("{root}/")))
            .collect()
    }

    /// The spec paths closest to one it does not have, with the concrete segments put back:
    /// `/api/v1/user/00u1/groups` → `/api/v1/users/00u1/groups`.
    pub fn closest_paths(&self, path: &str) -> Vec<String> {
        let path = bare_path(path);
        let segments: Vec<&str> = path.split('/').collect();
        let mut scored: Vec<(usize, String)> = Vec::new();
        let mut seen = BTreeSet::new();
        for op in &self.operations {
            if !seen.insert(op.path.as_str()) {
                continue;
            }
            let template: Vec<&str> = op.path.split('/').collect();
            if template.len() != segments.len() {
                continue;
            }
            let mut distance = 0;
            let mut filled = Vec::with_capacity(template.len());
            for (t, s) in template.iter().zip(&segments) {
                if t.starts_with('{') {
                    filled.push(*s);
                } else {
                    distance += strsim::levenshtein(t, s);
                    filled.push(*t);
                }
            }
            if distance > 0 && distance <= 3 {
                scored.push((distance, filled.join("/")));
            }
        }
        scored.sort();
        scored.dedup_by(|a, b| a.1 == b.1);
        scored.into_iter().take(3).map(|(_, p)| p).collect()
    }

    /// A schema with what it inherits (`allOf`) folded in.
    pub fn schema(&self, name: &str) -> Option<Schema> {
        self.schema_depth(name, 0)
    }

    fn schema_depth(&self, name: &str, depth: usize) -> Option<Schema> {
        let own = self.schemas.get(name)?;
        if depth > 8 {
            return Some(own.clone());
        }
        let mut merged = Schema {
            all_of: Vec::new(),
            ..own.clone()
        };
        for parent in &own.all_of {
            let Some(parent) = self.schema_depth(parent, depth + 1) else {
                continue;
            };
            if merged.kind.is_empty() {
                merged.kind = parent.kind;
            }
            for field in parent.required {
                if !merged.required.contains(&field) {
                    merged.required.push(field);
                }
            }
            for (key, field) in parent.properties {
                merged.properties.entry(key).or_insert(field);
            }
            merged.additional |= parent.additional;
            merged.one_of.extend(parent.one_of);
        }
        Some(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_beat_parameters() {
        assert_eq!(fit("/api/v1/groups/rules", "/api/v1/groups/rules"), Some(5));
        assert_eq!(fit("/api/v1/groups/{id}", "/api/v1/groups/rules"), Some(4));
        assert_eq!(fit("/api/v1/groups/{id}", "/api/v1/groups/"), None);
        assert_eq!(fit("/api/v1/groups", "/api/v1/groups/x"), None);
    }

    #[test]
    fn the_embedded_index_answers_for_users() {
        let index = index().unwrap();
        let op = index.find("GET", "/api/v1/users/00u1?expand=x").unwrap();
        assert_eq!(op.id, "getUser");
        assert_eq!(
            index
                .find("POST", "/api/v1/users/00u1/lifecycle/deactivate")
                .unwrap()
                .id,
            "deactivateUser"
        );
        let read = index.children("/api/v1/users/00u1", "GET");
        for child in ["groups", "appLinks", "factors", "roles"] {
            assert!(read.paths.contains(child), "{child} in {read:?}");
        }
        assert!(!read.paths.contains("lifecycle/activate") && !read.ids);
        let written = index.children("/api/v1/users/00u1", "POST");
        assert!(written.paths.contains("lifecycle/activate"), "{written:?}");
        assert!(index.children("/api/v1/users", "GET").ids);
        assert!(index.collections().contains("groups/rules"));
        assert_eq!(index.closest_paths("/api/v1/user")[0], "/api/v1/users");
    }
}
