//! Completion of a line: what may come at the cursor, from the command table, the session (ids,
//! logins, variables, their fields, link names, environments, request names) and Okta's spec
//! (collections, sub-resources, query parameters and their enum values). The line editor calls
//! [`complete`]; it is a plain function of the line and a snapshot so that it can be tested and
//! timed without a terminal.

use std::collections::BTreeSet;

use rustyline::completion::{Candidate as _, FilenameCompleter, Pair};
use serde_json::Value;

use crate::{lang, okta, spec};

/// What completion offers, refreshed from the session before each prompt.
#[derive(Default)]
pub struct Candidates {
    pub variables: Vec<String>,
    pub entries: Vec<u64>,
    pub ids: Vec<String>,
    pub environments: Vec<String>,
    pub requests: Vec<String>,
    /// Reference paths into stored values: `$ann.profile.login`, `$last[0].id` …
    pub fields: Vec<String>,
    /// The link names `follow` may take now: the last response's `_links` and `link` headers.
    pub links: Vec<String>,
}

/// At most this many reference paths are collected per value: the prompt is refreshed before
/// every line, and a listing of 100,000 users must not make it slow.
const MAX_FIELDS_PER_VALUE: usize = 400;
const MAX_FIELD_DEPTH: usize = 5;

/// Adds the reference paths of a value: objects by key, arrays by their first element (and the
/// mapping `.field` step, which applies to every element).
pub fn collect_fields(root: &str, value: &Value, out: &mut Vec<String>) {
    let start = out.len();
    walk_fields(root, value, out, start, 0);
}

fn walk_fields(at: &str, value: &Value, out: &mut Vec<String>, start: usize, depth: usize) {
    if depth >= MAX_FIELD_DEPTH || out.len() - start >= MAX_FIELDS_PER_VALUE {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if out.len() - start >= MAX_FIELDS_PER_VALUE {
                    return;
                }
                let simple =
                    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                let path = if simple {
                    format!("{at}.{key}")
                } else {
                    format!("{at}[\"{key}\"]")
                };
                out.push(path.clone());
                walk_fields(&path, child, out, start, depth + 1);
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                let path = format!("{at}[0]");
                out.push(path.clone());
                walk_fields(&path, first, out, start, depth + 1);
                // `.field` on a list maps over it.
                if let Value::Object(map) = first {
                    for key in map.keys().take(MAX_FIELDS_PER_VALUE) {
                        out.push(format!("{at}.{key}"));
                    }
                }
            }
        }
        _ => {}
    }
}

/// Commands whose argument is a resource of the org.
const RESOURCE_COMMANDS: [&str; 6] = ["ls", "get", "post", "put", "patch", "delete"];

/// The start of the completed word and what may replace it.
pub fn complete(line: &str, pos: usize, data: &Candidates) -> (usize, Vec<Pair>) {
    let pos = pos.min(line.len());
    let before = match line.get(..pos) {
        Some(before) => before,
        None => return (pos, Vec::new()),
    };
    let segment_start = before.rfind(';').map_or(0, |i| i + 1);
    let segment = &before[segment_start..];
    let words: Vec<&str> = segment.split_whitespace().collect();
    let at_word_start = segment.is_empty() || segment.ends_with(char::is_whitespace);
    let command = words
        .first()
        .copied()
        .filter(|_| words.len() > 1 || at_word_start);

    if command == Some("run") {
        return complete_request_name(before, segment_start, data);
    }
    // File names: after import/source/play/record, after `@` and after `>`.
    let last_token = if at_word_start {
        ""
    } else {
        words.last().copied().unwrap_or("")
    };
    let previous = if at_word_start {
        words.last()
    } else {
        words.iter().rev().nth(1)
    };
    if matches!(command, Some("import" | "source" | "play" | "record"))
        || last_token.starts_with('@')
        || previous == Some(&">")
        || last_token.starts_with('>')
    {
        let cut = last_token.len() - last_token.trim_start_matches(['@', '>']).len();
        return complete_file(before, pos - last_token.len() + cut);
    }

    let start = after_last(before, |c| {
        c.is_whitespace() || c == ';' || c == '=' || c == '"' || c == '\''
    });
    let word = &before[start..];
    let mut options: Vec<String> = Vec::new();
    if word.starts_with('$') {
        options.push("$last".into());
        options.extend(data.entries.iter().rev().map(|n| format!("${n}")));
        options.extend(data.variables.iter().map(|v| format!("${v}")));
        // One step at a time: `$ann.pr` → `$ann.profile`, then `$ann.profile.` → its fields.
        options.extend(data.fields.iter().filter(|f| next_step(word, f)).cloned());
    } else if command.is_none() {
        options.extend(lang::COMMAND_NAMES.iter().map(|c| c.to_string()));
    } else if before[..start].ends_with('=') {
        // An enum value: `ls policies type=<Tab>`.
        let key_start = after_last(&before[..start - 1], char::is_whitespace);
        let key = &before[key_start..start - 1];
        if let Some(command) = command {
            options.extend(enum_values(command, &words, key));
        }
    } else {
        match command {
            Some("use") => options.extend(data.environments.iter().cloned()),
            Some("help") => options.extend(lang::COMMAND_NAMES.iter().map(|c| c.to_string())),
            Some("follow") => options.extend(data.links.iter().cloned()),
            _ => {}
        }
        let command = command.unwrap_or_default();
        // The argument position: the resource itself, or what follows it.
        let argument_index = if at_word_start {
            words.len()
        } else {
            words.len() - 1
        };
        if matches!(command, "option" | "options") && argument_index == 1 {
            options.extend(
                lang::commands::SESSION_OPTIONS
                    .iter()
                    .map(|(n, _)| n.to_string()),
            );
        }
        if RESOURCE_COMMANDS.contains(&command) && argument_index == 1 {
            options.extend(resources(command, word, data));
        } else if RESOURCE_COMMANDS.contains(&command) && argument_index >= 2 {
            options.extend(query_params(command, words[1]));
        }
        if matches!(command, "echo" | "set") {
            options.extend(data.ids.iter().cloned());
        }
    }
    let mut seen = BTreeSet::new();
    let pairs = options
        .into_iter()
        .filter(|o| o.starts_with(word) && seen.insert(o.clone()))
        .map(|o| Pair {
            display: o.clone(),
            replacement: o,
        })
        .collect();
    (start, pairs)
}

/// Where the text after the last character that `is_break` accepts starts (0 when there is
/// none); breaks may be wider than a byte (Unicode spaces).
fn after_last(text: &str, is_break: impl Fn(char) -> bool) -> usize {
    text.char_indices()
        .rev()
        .find(|(_, c)| is_break(*c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// Whether a reference path is one step beyond what is typed.
fn next_step(typed: &str, path: &str) -> bool {
    let Some(rest) = path.strip_prefix(typed) else {
        return false;
    };
    let mut chars = rest.chars();
    chars.next();
    !chars.as_str().contains(['.', '['])
}

/// The resource argument: collections, then (after a `/`) the sub-resources the spec has under
/// what is typed, and the ids seen (`users/00u…`). `ls` offers no bare ids: it lists.
fn resources(command: &str, word: &str, data: &Candidates) -> Vec<String> {
    let mut out = Vec::new();
    // The well-known ones (with ids the spec only names in prose, as `meta/schemas/user/default`)
    // and every collection of the spec.
    out.extend(okta::RESOURCES.iter().map(|r| r.to_string()));
    let index = spec::index().ok();
    if let Some(index) = index {
        out.extend(index.collections().into_iter().map(str::to_string));
    }
    match word.rfind('/') {
        Some(slash) => {
            let prefix = &word[..=slash];
            let parent = prefix.trim_end_matches('/');
            // Without the spec, any id may follow.
            let mut takes_id = true;
            if let Some(index) = index {
                let method = lang::commands::http_method(command).unwrap_or("GET");
                let children = index.children(&spec::api_path(parent), method);
                takes_id = children.ids;
                out.extend(
                    children
                        .paths
                        .into_iter()
                        .map(|child| format!("{prefix}{child}")),
                );
            }
            // An id where the spec takes one, of the kind its prefix says where it says
            // (`users/` → `00u…`, not the `aus…` of `authorizationServers/aus…/`).
            let fits = |id: &&String| {
                okta::resource_for_id(id).is_none_or(|resource| {
                    let parent = parent.trim_start_matches("/api/v1/");
                    parent == resource || parent.ends_with(&format!("/{resource}"))
                })
            };
            if takes_id {
                out.extend(
                    data.ids
                        .iter()
                        .filter(fits)
                        .map(|id| format!("{prefix}{id}")),
                );
            }
        }
        None if command != "ls" => out.extend(data.ids.iter().cloned()),
        None => {}
    }
    out
}

/// `name=` for each query parameter of the operation the command would reach.
fn query_params(command: &str, resource: &str) -> Vec<String> {
    let Ok(index) = spec::index() else {
        return Vec::new();
    };
    if resource.starts_with('$') {
        return Vec::new();
    }
    match index.find(
        lang::commands::http_method(command).unwrap_or("GET"),
        &spec::api_path(resource),
    ) {
        Some(op) => op.query_params().map(|p| format!("{}=", p.name)).collect(),
        None => Vec::new(),
    }
}

fn enum_values(command: &str, words: &[&str], key: &str) -> Vec<String> {
    let Ok(index) = spec::index() else {
        return Vec::new();
    };
    let Some(resource) = words.get(1) else {
        return Vec::new();
    };
    let Some(op) = index.find(
        lang::commands::http_method(command).unwrap_or("GET"),
        &spec::api_path(resource),
    ) else {
        return Vec::new();
    };
    match op.query_params().find(|p| p.name == key) {
        Some(param) if !param.enum_values.is_empty() => param.enum_values.clone(),
        Some(param) if param.kind == "boolean" => vec!["true".into(), "false".into()],
        _ => Vec::new(),
    }
}

/// File names for the path that starts at `start` (after any `@` or `>`).
fn complete_file(line: &str, start: usize) -> (usize, Vec<Pair>) {
    let path = &line[start..];
    match FilenameCompleter::new().complete_path(path, path.len()) {
        Ok((at, pairs)) => (start + at, pairs),
        Err(_) => (start, Vec::new()),
    }
}

/// Request names hold spaces: the whole rest of the line is the name typed so far, and it
/// completes quoted.
fn complete_request_name(
    before: &str,
    segment_start: usize,
    data: &Candidates,
) -> (usize, Vec<Pair>) {
    let after_run = segment_start + before[segment_start..].find("run").unwrap_or(0) + 3;
    let arg_start =
        after_run + (before[after_run..].len() - before[after_run..].trim_start().len());
    let typed = &before[arg_start..];
    let quoted = typed.starts_with('"');
    let typed = typed.trim_start_matches('"').to_lowercase();
    let start = if quoted { arg_start + 1 } else { arg_start };
    let pairs = data
        .requests
        .iter()
        .filter(|name| name.to_lowercase().starts_with(&typed))
        .map(|name| Pair {
            display: name.clone(),
            replacement: if quoted {
                format!("{name}\"")
            } else {
                format!("\"{name}\"")
            },
        })
        .collect();
    (start, pairs)
}

/// The words a completion offers, for tests and benchmarks.
pub fn offered(line: &str, data: &Candidates) -> Vec<String> {
    complete(line, line.len(), data)
        .1
        .iter()
        .map(|p| p.display().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data() -> Candidates {
        let mut data = Candidates {
            ids: vec!["00u1abc".into(), "ann@example.com".into()],
            links: vec!["deactivate".into(), "next".into(), "self".into()],
            variables: vec!["ann".into()],
            ..Candidates::default()
        };
        collect_fields(
            "$ann",
            &json!({"id": "00u1", "profile": {"login": "a", "odd-key": 1}}),
            &mut data.fields,
        );
        data
    }

    #[test]
    fn ls_offers_the_spec_collections_not_ids() {
        let offered = offered("ls ", &data());
        for c in [
            "authorizationServers",
            "idps",
            "policies",
            "groups/rules",
            "meta/schemas/user/default",
        ] {
            assert!(offered.iter().any(|o| o == c), "{c}");
        }
        assert!(!offered.iter().any(|o| o == "00u1abc"));
        assert!(self::offered("get ", &data())
            .iter()
            .any(|o| o == "00u1abc"));
    }

    #[test]
    fn option_offers_the_session_options() {
        assert_eq!(offered("option pa", &data()), ["parallel"]);
        assert!(offered("options ", &data()).contains(&"max-body-mb".to_string()));
    }

    #[test]
    fn after_an_id_the_sub_resources_of_the_spec() {
        let offered = offered("ls users/00u1abc/", &data());
        for c in ["groups", "appLinks", "factors", "roles"] {
            assert!(
                offered.contains(&format!("users/00u1abc/{c}")),
                "{c}: {offered:?}"
            );
        }
        let apps = self::offered("ls apps/0oa1/", &data());
        assert!(
            apps.contains(&"apps/0oa1/credentials/keys".to_string()),
            "{apps:?}"
        );
    }

    #[test]
    fn ids_where_the_spec_takes_one_and_paths_the_command_s_method_reaches() {
        let data = Candidates {
            ids: vec![
                "00ubAZw58Vl4o59ytXDg".into(),
                "aushMwrXrmhU7jjSQ7HB".into(),
                "ann@example.com".into(),
            ],
            ..Candidates::default()
        };
        let users = offered("ls users/", &data);
        assert!(
            users.contains(&"users/00ubAZw58Vl4o59ytXDg".to_string()),
            "{users:?}"
        );
        assert!(
            users.contains(&"users/ann@example.com".to_string()),
            "{users:?}"
        );
        assert!(!users.iter().any(|u| u.contains("aus")), "{users:?}");
        // Below an authorization server come its sub-resources, no id; `ls` reads, so no
        // lifecycle call, which `post` offers.
        let under = offered("ls authorizationServers/aushMwrXrmhU7jjSQ7HB/", &data);
        assert!(under.iter().any(|p| p.ends_with("/scopes")), "{under:?}");
        assert!(
            !under.iter().any(|p| p.ends_with("/aushMwrXrmhU7jjSQ7HB")),
            "{under:?}"
        );
        assert!(!under.iter().any(|p| p.contains("lifecycle")), "{under:?}");
        let post = offered("post authorizationServers/aushMwrXrmhU7jjSQ7HB/", &data);
        assert!(
            post.iter().any(|p| p.ends_with("/lifecycle/deactivate")),
            "{post:?}"
        );
    }

    #[test]
    fn query_parameters_and_their_enum_values() {
        let offered = offered("ls users ", &data());
        for p in [
            "q=",
            "filter=",
            "search=",
            "limit=",
            "after=",
            "sortBy=",
            "sortOrder=",
        ] {
            assert!(offered.iter().any(|o| o == p), "{p}: {offered:?}");
        }
        let types = self::offered("ls policies type=", &data());
        assert!(
            types.contains(&"OKTA_SIGN_ON".to_string()) && types.contains(&"PASSWORD".to_string())
        );
        assert_eq!(
            self::offered("ls policies type=PASSW", &data()),
            ["PASSWORD"]
        );
    }

    #[test]
    fn follow_offers_link_names_and_references_offer_fields() {
        assert_eq!(offered("follow de", &data()), ["deactivate"]);
        assert_eq!(offered("echo $ann.pr", &data()), ["$ann.profile"]);
        assert_eq!(
            offered("echo $ann.profile.", &data()),
            ["$ann.profile.login"]
        );
        assert!(offered("echo $ann.profile", &data())
            .contains(&"$ann.profile[\"odd-key\"]".to_string()));
    }

    #[test]
    fn no_line_makes_completion_panic() {
        for line in [
            "",
            ";",
            "ls users/",
            "ls a=",
            "=",
            "follow",
            "ls ;ls ",
            "é=ü",
            "run \"",
            "> ",
            "@",
        ] {
            for pos in 0..=line.len() {
                if line.is_char_boundary(pos) {
                    let _ = complete(line, pos, &data());
                }
            }
        }
    }
}
