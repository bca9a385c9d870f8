//! Finding a request by the name a person types after `run`.
//!
//! A request answers to its name, to `folder/name` with any trailing part of its folder path
//! (`Create User/Create User with Password` or the full path), and optionally to
//! `Collection:…` in front of either. Matching goes in three tiers, the first that matches wins:
//! exact (case-sensitive), exact ignoring case, then a case-insensitive prefix of the name or of a
//! `folder/name` form. A tier with several matches is ambiguous: the error lists them with their
//! folders so one can be picked. Two requests with the same full path in one collection were
//! already told apart at import (` (2)` suffix), so every request has a unique qualified name.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use super::model::{Collection, RequestDef};

/// How many near names an unknown-name error shows.
const CLOSEST: usize = 5;
/// How many matches an ambiguous-name error lists before "… and N more".
const LISTED: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindError {
    /// No collection is loaded.
    NoCollections,
    /// Nothing matches; `candidates` are the nearest names, closest first.
    NotFound {
        query: String,
        candidates: Vec<String>,
    },
    /// Several requests match equally well; all of them, closest first.
    Ambiguous {
        query: String,
        candidates: Vec<String>,
    },
}

impl std::error::Error for FindError {}

impl fmt::Display for FindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FindError::NoCollections => write!(
                f,
                "no collection is loaded; `import FILE` a Postman collection first"
            ),
            FindError::NotFound { query, candidates } => {
                write!(f, "no request is named {query:?}")?;
                if !candidates.is_empty() {
                    write!(f, "; the closest are:")?;
                    for c in candidates {
                        write!(f, "\n  {c}")?;
                    }
                }
                write!(f, "\n(`ls requests` shows them all)")
            }
            FindError::Ambiguous { query, candidates } => {
                write!(
                    f,
                    "{query:?} matches {} requests; add the folder (folder/name) to pick one:",
                    candidates.len()
                )?;
                for c in candidates.iter().take(LISTED) {
                    write!(f, "\n  {c}")?;
                }
                if candidates.len() > LISTED {
                    write!(f, "\n  … and {} more", candidates.len() - LISTED)?;
                }
                Ok(())
            }
        }
    }
}

struct Entry<'a> {
    collection: &'a Collection,
    request: &'a RequestDef,
    full: String,
    lower: String,
}

/// Finds one request across the loaded collections (see the module comment for the rules).
pub fn find_request<'a>(
    collections: &'a [Collection],
    query: &str,
) -> Result<(&'a Collection, &'a RequestDef), FindError> {
    if collections.is_empty() {
        return Err(FindError::NoCollections);
    }
    let query = query.trim();
    let (scope, q) = match split_collection(collections, query) {
        Some((scope, rest)) => (scope, rest),
        None => (collections.iter().collect(), query),
    };
    let qualify = collections.len() > 1;
    let entries: Vec<Entry> = scope
        .iter()
        .flat_map(|c| {
            c.requests().iter().map(move |r| {
                let full = r.full_name();
                Entry {
                    collection: c,
                    request: r,
                    lower: full.to_lowercase(),
                    full,
                }
            })
        })
        .collect();
    let lq = q.to_lowercase();
    let tiers: [&dyn Fn(&Entry) -> bool; 3] = [
        &|e| is_suffix_path(&e.full, q),
        &|e| is_suffix_path(&e.lower, &lq),
        &|e| is_prefix_of_suffix_path(&e.lower, &lq),
    ];
    if !q.is_empty() {
        for tier in tiers {
            let hits: Vec<&Entry> = entries.iter().filter(|e| tier(e)).collect();
            match hits.len() {
                0 => continue,
                1 => return Ok((hits[0].collection, hits[0].request)),
                _ => {
                    return Err(FindError::Ambiguous {
                        query: query.to_string(),
                        candidates: ranked(&hits, &lq, qualify, usize::MAX),
                    })
                }
            }
        }
    }
    let all: Vec<&Entry> = entries.iter().collect();
    Err(FindError::NotFound {
        query: query.to_string(),
        candidates: ranked(&all, &lq, qualify, CLOSEST),
    })
}

/// The requests a group names, as `(collection, request)` indexes in run order: `Collection:`
/// is every request of one collection, `Folder/` and `Collection:Folder/` every request under a
/// folder (its path's start, ignoring case). `None` when `query` names one request instead.
pub fn find_group(
    collections: &[Collection],
    query: &str,
) -> Option<Result<Vec<(usize, usize)>, String>> {
    let query = query.trim();
    if !query.ends_with('/') && !query.ends_with(':') {
        return None;
    }
    let names = || {
        collections
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (scope, folder) = match split_collection(collections, query) {
        Some(found) => found,
        None if query.ends_with(':') => {
            return Some(Err(if collections.is_empty() {
                "no collections yet: `import FILE` loads a Postman collection".into()
            } else {
                format!(
                    "no collection named {} (loaded: {})",
                    query.trim_end_matches(':'),
                    names()
                )
            }))
        }
        None => (collections.iter().collect(), query),
    };
    let folder = folder.trim().to_lowercase();
    let chosen: Vec<(usize, usize)> = collections
        .iter()
        .enumerate()
        .filter(|(_, c)| scope.iter().any(|s| std::ptr::eq(*s, *c)))
        .flat_map(|(ci, c)| {
            let folder = folder.clone();
            c.requests()
                .iter()
                .enumerate()
                .filter(move |(_, r)| r.full_name().to_lowercase().starts_with(&folder))
                .map(move |(ri, _)| (ci, ri))
        })
        .collect();
    if !chosen.is_empty() {
        return Some(Ok(chosen));
    }
    let mut folders: Vec<String> = scope
        .iter()
        .flat_map(|c| {
            c.requests()
                .iter()
                .filter(|r| !r.folder.is_empty())
                .map(|r| format!("{}/", r.folder.join("/")))
        })
        .collect();
    folders.dedup();
    Some(Err(if collections.is_empty() {
        "no collections yet: `import FILE` loads a Postman collection".into()
    } else {
        format!(
            "no folder {query} in the imported collections (folders: {})",
            folders.join(", ")
        )
    }))
}

/// `query` is the whole path or a trailing part of it that starts at a `/`.
fn is_suffix_path(full: &str, query: &str) -> bool {
    full == query
        || (full.len() > query.len()
            && full.ends_with(query)
            && full.as_bytes()[full.len() - query.len() - 1] == b'/')
}

/// `query` starts the path or starts a part of it that follows a `/`.
fn is_prefix_of_suffix_path(full: &str, query: &str) -> bool {
    full.starts_with(query)
        || full
            .match_indices('/')
            .any(|(i, _)| full[i + 1..].starts_with(query))
}

/// `Collection:rest`, when the part before the first `:` names a collection (by name, file
/// stem or unique prefix, ignoring case). Request names may hold `:` too, hence the check.
fn split_collection<'a, 'q>(
    collections: &'a [Collection],
    query: &'q str,
) -> Option<(Vec<&'a Collection>, &'q str)> {
    let (head, rest) = query.split_once(':')?;
    let head = head.trim().to_lowercase();
    if head.is_empty() {
        return None;
    }
    let stem = |c: &Collection| {
        Path::new(&c.source)
            .file_stem()
            .map(|s| s.to_string_lossy().to_lowercase())
    };
    let exact: Vec<&Collection> = collections
        .iter()
        .filter(|c| c.name.to_lowercase() == head || stem(c).as_deref() == Some(head.as_str()))
        .collect();
    let scope = if exact.is_empty() {
        let prefixed: Vec<&Collection> = collections
            .iter()
            .filter(|c| c.name.to_lowercase().starts_with(&head))
            .collect();
        if prefixed.len() != 1 {
            return None;
        }
        prefixed
    } else {
        exact
    };
    Some((scope, rest.trim()))
}

fn label(e: &Entry, qualify: bool) -> String {
    if qualify {
        format!(
            "{}:{}  ({} {})",
            e.collection.name,
            e.full,
            e.request.method,
            short_url(e.request)
        )
    } else {
        format!(
            "{}  ({} {})",
            e.full,
            e.request.method,
            short_url(e.request)
        )
    }
}

fn short_url(r: &RequestDef) -> &str {
    for prefix in ["{{url}}", "{{baseUrl}}", "{{yourOktaDomain}}"] {
        if let Some(rest) = r.url.strip_prefix(prefix) {
            return rest;
        }
    }
    &r.url
}

/// Closest first: the better of the name's and the full path's similarity to the query.
fn ranked(entries: &[&Entry], lq: &str, qualify: bool, limit: usize) -> Vec<String> {
    let mut scored: Vec<(f64, usize, &Entry)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let name = e.request.name.to_lowercase();
            let score = strsim::jaro_winkler(lq, &name).max(strsim::jaro_winkler(lq, &e.lower));
            (score, i, *e)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(limit)
        .map(|(_, _, e)| label(e, qualify))
        .collect()
}

/// Every name `run` accepts for completion: each request's name and its `folder/name` forms,
/// without repeats, in collection order.
pub fn request_names(collections: &[Collection]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for c in collections {
        for r in c.requests() {
            let mut form = r.name.clone();
            if seen.insert(form.clone()) {
                out.push(form.clone());
            }
            for f in r.folder.iter().rev() {
                form = format!("{f}/{form}");
                if seen.insert(form.clone()) {
                    out.push(form.clone());
                }
            }
        }
    }
    out
}
