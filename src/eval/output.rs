//! Where a command's outcome goes: the screen (tables, colored JSON, errors), a pipe or a file.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use serde_json::Value;
use url::Url;

use crate::http;
use crate::http::Body;
use crate::lang::Output;
use crate::okta::{self, Kind};
use crate::render;
use crate::session::Entry;

use super::{fail, Failure, Outcome, Shell};

impl Shell {
    pub(super) fn emit(&mut self, outcome: Outcome, output: &Output) -> Result<(), Failure> {
        if let Outcome::Entry(n) = outcome {
            // A failed response is reported on the terminal, never piped on or saved as data.
            if self.entry(Some(n))?.status >= 400 {
                return self.show_outcome(outcome);
            }
        }
        match output {
            _ if matches!(outcome, Outcome::Written) => Ok(()),
            Output::Screen => self.show_outcome(outcome),
            Output::Pipe(command) => {
                let text = self.outcome_text(&outcome)?;
                pipe_to(command, &text)
            }
            Output::File(path) => {
                let text = self.outcome_text(&outcome)?;
                std::fs::write(path, text + "\n")
                    .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?;
                Ok(())
            }
        }
    }

    /// What goes to a pipe or file: JSON for values, listings and responses, text as is.
    fn outcome_text(&self, outcome: &Outcome) -> Result<String, Failure> {
        Ok(match outcome {
            Outcome::Nothing | Outcome::Written => String::new(),
            Outcome::Text(t) => t.clone(),
            Outcome::Value(v) | Outcome::Listing { json: v, .. } => {
                serde_json::to_string_pretty(v).unwrap_or_default()
            }
            Outcome::Entry(n) => {
                let entry = self.entry(Some(*n))?;
                crate::note!("{}", render::entry_line(entry, self.style));
                serde_json::to_string_pretty(&entry.body).unwrap_or_default()
            }
            Outcome::Body(n) => {
                serde_json::to_string_pretty(&self.entry(Some(*n))?.body).unwrap_or_default()
            }
        })
    }

    /// The process's own stdout: what a person reads on a terminal; only JSON otherwise (text
    /// for a person goes to stderr then, so that `| jq` always gets a stream of JSON values).
    fn show_outcome(&mut self, outcome: Outcome) -> Result<(), Failure> {
        match outcome {
            Outcome::Nothing | Outcome::Written => {}
            Outcome::Text(t) if t.is_empty() => {}
            Outcome::Text(t) if self.style.terminal => print_line(&render::escape_controls(&t))?,
            Outcome::Text(t) => crate::note!("{}", render::escape_controls(&t)),
            Outcome::Listing { text, .. } if self.style.terminal => print_line(&text)?,
            Outcome::Listing { json, .. } => print_line(&render::json(&json, self.style))?,
            Outcome::Value(v) if self.style.terminal => {
                print_line(&self.screenful_of_json(&v, None))?
            }
            Outcome::Value(v) => print_line(&render::json(&v, self.style))?,
            Outcome::Body(n) if self.style.terminal => {
                let body = serde_json::to_string_pretty(&self.entry(Some(n))?.body);
                print_line(&render::escape_controls(&body.unwrap_or_default()))?
            }
            Outcome::Body(n) => print_json(&self.entry(Some(n))?.body, self.style)?,
            Outcome::Entry(n) => {
                let entry = self.entry(Some(n))?;
                crate::note!("{}", render::entry_line(entry, self.style));
                if entry.status >= 400 {
                    crate::note!("error: {}", self.failure_line(entry));
                    return Err(Failure::OktaError { entry: n });
                }
                if !self.style.terminal {
                    // Only JSON on a pipe (a text body becomes a JSON string), written as it is
                    // formatted: a large body is never whole in memory twice.
                    return match &entry.body {
                        Body::Empty => Ok(()),
                        body => print_json(body, self.style),
                    };
                }
                if let Some(text) = self.body_text(entry) {
                    print_line(&text)?;
                }
            }
        }
        Ok(())
    }

    /// `clear`: the terminal's screen emptied, and its scrollback, as a shell's `clear` does.
    /// Nothing when stdout is no terminal: a pipe or file gets no escape codes.
    pub(super) fn clear_screen(&self) -> Result<Outcome, Failure> {
        if self.style.terminal {
            let mut out = std::io::stdout().lock();
            write!(out, "\x1b[H\x1b[2J\x1b[3J")
                .and_then(|()| out.flush())
                .map_err(|e| Failure::Message(format!("cannot write to stdout: {e}")))?;
        }
        Ok(Outcome::Nothing)
    }

    /// An entry's body on a terminal: a table (a screenful of rows) for a list of objects,
    /// JSON (a few screenfuls) for the rest.
    fn body_text(&self, entry: &Entry) -> Option<String> {
        let rows = render::rows_per_screen();
        // What names the list: its path, or the property an object wraps it in.
        let mut path = Cow::Borrowed(entry.url.as_str());
        let mut wrapped_kind = None;
        // The rows a table shows and the length of the list; a compact list parses only those.
        let (items, len): (Cow<[Value]>, usize) = match &entry.body {
            Body::Empty => return None,
            Body::Text(t) => return Some(render::escape_controls(t).into_owned()),
            Body::Json(Value::Array(items)) => {
                (Cow::Borrowed(&items[..items.len().min(rows)]), items.len())
            }
            Body::Compact(c) if c.list_len().is_some() => {
                (Cow::Owned(c.first_items(rows)), c.list_len().unwrap_or(0))
            }
            Body::Json(Value::Object(map)) if render::wrapped_list(map, &entry.url).is_some() => {
                let list = render::wrapped_list(map, &entry.url).expect("matched above");
                path = Cow::Owned(list.named_by);
                wrapped_kind = Some(list.kind);
                let items = list.items;
                (Cow::Borrowed(&items[..items.len().min(rows)]), items.len())
            }
            body => return Some(self.screenful_of_json(body, Some(entry.number))),
        };
        let kind =
            wrapped_kind.unwrap_or_else(|| render::list_kind(Kind::of_path(&entry.url), &items));
        let shown = items.len();
        if len == 0 {
            // `[]` says nothing to a person; the count says what was looked for.
            let more = if has_next(entry) { MORE } else { "" };
            return Some(format!("no {}{more}", kind.noun(&path)));
        }
        let Some(table) = render::table(&items, kind, self.style) else {
            return Some(self.screenful_of_json(&entry.body, Some(entry.number)));
        };
        let more = paging_hint(entry);
        let count = if shown < len {
            format!(
                "{shown} of {} shown (all: show {} --json | less)",
                kind.count(len, &path),
                entry.number
            )
        } else {
            kind.count(len, &path)
        };
        Some(format!("{table}\n{count}{more}"))
    }

    /// Colored JSON for a terminal, cut after [`JSON_LINES_ON_SCREEN`] lines with a footer that
    /// says how to see the rest. Strings are escaped by the JSON writer: no control character
    /// reaches the terminal.
    pub(super) fn screenful_of_json<T: Serialize>(&self, value: &T, entry: Option<u64>) -> String {
        let (head, total) = render::json_head(value, self.style, JSON_LINES_ON_SCREEN);
        if total <= JSON_LINES_ON_SCREEN {
            return head;
        }
        let how = match entry {
            Some(n) => format!("show {n} --json | less, or show {n} --json > FILE"),
            None => "add | less, or > FILE".to_string(),
        };
        format!(
            "{head}\n… {} more lines: {how}",
            total - JSON_LINES_ON_SCREEN
        )
    }
}

/// A JSON document on a terminal is cut after this many lines (a few screenfuls: a user or an
/// app is shown whole, a 100,000-item list is not).
const JSON_LINES_ON_SCREEN: usize = 200;

/// Writes a line to stdout. A reader that has gone away (`| head -1`) ends the run quietly.
pub(super) fn print_line(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::OutputClosed,
            _ => Failure::Message(format!("cannot write to stdout: {e}")),
        })
}

/// Writes a value as pretty JSON to stdout as it is formatted, like [`print_line`].
fn print_json<T: Serialize>(value: &T, style: render::Style) -> Result<(), Failure> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    render::write_json(&mut out, value, style)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::OutputClosed,
            _ => Failure::Message(format!("cannot write to stdout: {e}")),
        })
}

impl Shell {
    /// [`describe_failure`], and for a service app's 403 which scope the operation needs and
    /// which ones the token holds.
    pub(super) fn failure_line(&self, entry: &Entry) -> String {
        let line = describe_failure(entry);
        match self.missing_scope(entry) {
            Some(hint) => format!("{line} — {hint}"),
            None => line,
        }
    }

    fn missing_scope(&self, entry: &Entry) -> Option<String> {
        if entry.status != 403 {
            return None;
        }
        let env = self.session.active_env()?;
        let Some(crate::auth::Auth::ServiceApp(app)) = &env.auth else {
            return None;
        };
        let held = Url::parse(&env.url)
            .ok()
            .and_then(|base| self.client.token_status(&base, app))
            .map(|s| s.scopes)
            .unwrap_or_else(|| app.scopes.clone());
        // What the org said it wanted (Okta names it in `WWW-Authenticate`), else the spec.
        let needed: Vec<String> = match entry
            .header("www-authenticate")
            .and_then(|h| quoted_param(h, "scope"))
        {
            Some(scopes) => scopes.split_whitespace().map(String::from).collect(),
            None => {
                let path = Url::parse(&entry.url).ok()?.path().to_string();
                crate::spec::index()
                    .ok()?
                    .find(entry.method.as_str(), &path)?
                    .scopes
                    .clone()
            }
        };
        if needed.is_empty() || needed.iter().any(|s| held.contains(s)) {
            return None;
        }
        Some(format!(
            "{} {} needs the scope {}; the token holds {}: grant it to the app {} and add it to scopes=",
            entry.method,
            render::display_url(&entry.url).split('?').next().unwrap_or(""),
            needed.join(" or "),
            if held.is_empty() { "none".to_string() } else { held.join(" ") },
            app.client_id,
        ))
    }
}

/// `scope="a b"` out of a `WWW-Authenticate` header.
fn quoted_param(header: &str, name: &str) -> Option<String> {
    let start = header.find(&format!("{name}=\""))? + name.len() + 2;
    let len = header[start..].find('"')?;
    Some(header[start..start + len].to_string())
}

/// Why a response failed, as one line: Okta's envelope, or a hint for HTML and other bodies.
pub fn describe_failure(entry: &Entry) -> String {
    let request_id = entry.header("x-okta-request-id");
    let line = match &entry.body {
        Body::Json(_) | Body::Compact(_) => {
            let v = entry.body.value();
            okta::error_line(entry.status, &v, request_id).unwrap_or_else(|| format!("{} {}", entry.status, v))
        }
        Body::Text(t) if render::looks_like_html(t) => format!(
            "{} with an HTML page, not Okta JSON: the org URL is probably wrong (an Admin Console `-admin` URL, a custom login page or a proxy)",
            entry.status
        ),
        Body::Text(t) => format!("{}: {}", entry.status, t.chars().take(200).collect::<String>().trim()),
        Body::Empty => format!("{} with no body", entry.status),
    };
    render::escape_controls(&line).into_owned()
}

const MORE: &str = " · more: follow next";

/// A next page: in the `link` header, or in the body's `_links` where Okta pages a wrapped list
/// (`{"roles": [...], "_links": {"next": …}}`).
fn has_next(entry: &Entry) -> bool {
    let in_body = matches!(&entry.body, Body::Json(v) if v.pointer("/_links/next/href").is_some());
    in_body
        || http::parse_links(entry.header_values("link"))
            .iter()
            .any(|(rel, _)| rel == "next")
}

/// What the footer of a list adds about its paging: a next page, or a `q=` search that Okta
/// does not page.
fn paging_hint(entry: &Entry) -> &'static str {
    if has_next(entry) {
        MORE
    } else if is_q_search(&entry.url) {
        " · a q= search is not paged by Okta: use search= for more"
    } else {
        ""
    }
}

/// A `q=` listing: Okta answers it with one page and no `next`.
pub(super) fn is_q_search(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| u.query_pairs().any(|(k, _)| k == "q"))
}

/// Writes `text` to a shell command's stdin and waits for it.
pub(super) fn pipe_to(command: &str, text: &str) -> Result<(), Failure> {
    use std::process::{Command as Process, Stdio};
    let mut child = Process::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::Message(format!("cannot run `{command}`: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that stops reading early (head) is not an error.
        let _ = stdin.write_all(text.as_bytes());
        let _ = stdin.write_all(b"\n");
    }
    let status = child
        .wait()
        .map_err(|e| Failure::Message(format!("`{command}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        fail(format!("`{command}` exited with {status}"))
    }
}
