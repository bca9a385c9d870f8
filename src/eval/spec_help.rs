//! `help` for Okta's API, from the spec index: one operation (`help GET /api/v1/users/{id}`,
//! `help ls users`, `help listUsers`), every operation of a resource (`help users`), and a search
//! over the summaries (`help search factor`). Everything fits 80 columns.

use crate::spec::{self, Index, Operation};

const WIDTH: usize = 80;
/// Lines of a list before it is cut short.
const LIST_MAX: usize = 60;

/// Help for a topic that is not a command of the shell; `Err` says what was looked for.
pub fn help(topic: &str, on_demo: bool) -> Result<String, String> {
    let index = spec::index().map_err(str::to_string)?;
    let words: Vec<&str> = topic.split_whitespace().collect();
    match words.as_slice() {
        ["search" | "apropos", terms @ ..] if !terms.is_empty() => {
            let found = index.search(terms);
            if found.is_empty() {
                return Err(format!(
                    "no operation of Okta's API mentions `{}`",
                    terms.join(" ")
                ));
            }
            Ok(listing(&found, &format!("{} operations", found.len())))
        }
        [method, path] if is_method(method) => {
            let path = spec::api_path(path);
            match index.find(method, &path) {
                Some(op) => Ok(operation(index, op, on_demo)),
                None => Err(not_found(index, &method.to_uppercase(), &path)),
            }
        }
        [command, resource] => {
            let Some(method) = crate::lang::commands::http_method(command) else {
                return Err(format!("no help for `{topic}`; try `help`"));
            };
            let path = spec::api_path(resource);
            match index.find(method, &path) {
                Some(op) => Ok(operation(index, op, on_demo)),
                None => Err(not_found(index, &method.to_uppercase(), &path)),
            }
        }
        [one] => {
            if let Some(op) = index.by_id(one) {
                return Ok(operation(index, op, on_demo));
            }
            let ops = index.resource(one);
            if ops.is_empty() {
                return Err(format!(
                    "no help for `{one}`: not a command, an operation or a resource of Okta's API; try `help` or `help search {one}`"
                ));
            }
            Ok(listing(
                &ops,
                &format!(
                    "{} operations under /api/v1/{}",
                    ops.len(),
                    one.trim_matches('/')
                ),
            ))
        }
        _ => Err(format!("no help for `{topic}`; try `help`")),
    }
}

fn is_method(word: &str) -> bool {
    ["GET", "POST", "PUT", "PATCH", "DELETE"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(word))
}

fn not_found(index: &Index, method: &str, path: &str) -> String {
    let at = index.operations_at(path);
    if !at.is_empty() {
        let methods: Vec<&str> = at.iter().map(|op| op.method.as_str()).collect();
        return format!(
            "{path} has no {method} in Okta's API; it has {}",
            methods.join(", ")
        );
    }
    match index.closest_paths(path).first() {
        Some(close) => format!("{path} is not in Okta's API; did you mean {close}?"),
        None => format!("{path} is not in Okta's API; try `help search WORD`"),
    }
}

/// One line per operation: method, path, summary, cut to the width.
fn listing(ops: &[&Operation], title: &str) -> String {
    let mut out = vec![title.to_string()];
    for op in ops.iter().take(LIST_MAX) {
        out.push(fit(&format!(
            "{:<6} {}  {}",
            op.method, op.path, op.summary
        )));
    }
    if ops.len() > LIST_MAX {
        out.push(format!(
            "… and {} more; narrow it: help search WORD WORD",
            ops.len() - LIST_MAX
        ));
    }
    out.push("help METHOD PATH (or an operation id) explains one.".into());
    out.join("\n")
}

fn operation(index: &Index, op: &Operation, on_demo: bool) -> String {
    let mut out = vec![
        fit(&format!("{}  ({})", op.summary, op.id)),
        fit(&format!("{} {}", op.method, op.path)),
    ];
    for (place, title) in [("path", "Path parameters:"), ("query", "Query parameters:")] {
        let params: Vec<_> = op.params.iter().filter(|p| p.place == place).collect();
        if params.is_empty() {
            continue;
        }
        out.push(title.into());
        let name_width = params
            .iter()
            .map(|p| p.name.len())
            .max()
            .unwrap_or(0)
            .min(24);
        for p in params {
            let mut facts = vec![p.kind.clone()];
            if p.required {
                facts.push("required".into());
            }
            let values = p.enum_values.join("|");
            let short_enum = !values.is_empty() && values.len() <= 24;
            if short_enum {
                facts.push(values.clone());
            }
            match &p.default {
                Some(serde_json::Value::String(s)) if s.is_empty() => {}
                Some(default) => facts.push(format!("default {}", plain(default))),
                None => {}
            }
            out.push(fit(&format!(
                "  {:<name_width$}  {}  {}",
                p.name,
                facts.join(", "),
                p.description
            )));
            if !values.is_empty() && !short_enum {
                let indent = " ".repeat(name_width + 4);
                out.extend(wrap(&p.enum_values, &format!("{indent}one of: "), &indent));
            }
        }
    }
    if let Some(body) = &op.body {
        let required = index.schema(body).map(|s| s.required).unwrap_or_default();
        let mut line = format!(
            "Body: {body}{}",
            if op.body_required { "" } else { " (optional)" }
        );
        if !required.is_empty() {
            line.push_str(&format!("; required: {}", required.join(", ")));
        }
        out.push(fit(&line));
    }
    if let Some(returns) = &op.returns {
        out.push(fit(&format!(
            "Returns: {}{returns}",
            if op.returns_list { "a list of " } else { "" }
        )));
    }
    if !op.scopes.is_empty() {
        out.push(fit(&format!("Scopes: {}", op.scopes.join(", "))));
    }
    // The link is never cut: a cut link is no link.
    out.push(format!("Docs: {}", op.docs_url()));
    if on_demo {
        out.push(
            match oktash_demo::operations::owner_of_operation(&op.method, &op.path) {
                oktash_demo::operations::Owner::Hand => {
                    "Demo org: modelled by hand, with Okta's rules"
                }
                oktash_demo::operations::Owner::Generic => {
                    "Demo org: answered from the spec (objects kept; Okta's rules not modelled)"
                }
            }
            .to_string(),
        );
    }
    out.join("\n")
}

fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Words laid out over as many lines as the width needs, `|` between them.
fn wrap(words: &[String], first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in words {
        let piece = if empty {
            word.clone()
        } else {
            format!("|{word}")
        };
        if !empty && line.chars().count() + piece.chars().count() > WIDTH {
            lines.push(line);
            line = format!("{rest}{word}");
        } else {
            line.push_str(&piece);
        }
        empty = false;
    }
    lines.push(fit(&line));
    lines
}

/// A line cut to the width with `…`.
fn fit(line: &str) -> String {
    if line.chars().count() <= WIDTH {
        return line.to_string();
    }
    let cut: String = line.chars().take(WIDTH - 1).collect();
    format!("{}…", cut.trim_end())
}
