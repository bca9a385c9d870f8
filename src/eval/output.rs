//! Where a command's outcome goes: the screen (tables, colored JSON, errors), a pipe or a file.

use std::io::Write;

use serde_json::Value;
use url::Url;

use crate::http;
use crate::lang::Output;
use crate::okta::{self, Kind};
use crate::render;
use crate::session::{Body, Entry};

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

    /// What goes to a pipe or file: JSON for values and responses, text as is.
    fn outcome_text(&self, outcome: &Outcome) -> Result<String, Failure> {
        Ok(match outcome {
            Outcome::Nothing | Outcome::Written => String::new(),
            Outcome::Text(t) => t.clone(),
            Outcome::Value(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
            Outcome::Entry(n) => {
                let entry = self.entry(Some(*n))?;
                eprintln!("{}", render::entry_line(entry));
                serde_json::to_string_pretty(&entry.body.value()).unwrap_or_default()
            }
        })
    }

    fn show_outcome(&mut self, outcome: Outcome) -> Result<(), Failure> {
        match outcome {
            Outcome::Nothing | Outcome::Written => {}
            Outcome::Text(t) if t.is_empty() => {}
            Outcome::Text(t) => println!("{t}"),
            Outcome::Value(v) => println!("{}", render::json(&v, self.style)),
            Outcome::Entry(n) => {
                let entry = self.entry(Some(n))?;
                eprintln!("{}", render::entry_line(entry));
                if entry.status >= 400 {
                    eprintln!("error: {}", describe_failure(entry));
                    return Err(Failure::Reported);
                }
                match &entry.body {
                    Body::Empty => {}
                    Body::Text(t) => println!("{t}"),
                    Body::Json(Value::Array(items)) if self.style.terminal => {
                        let kind = render::list_kind(Kind::of_path(&entry.url), items);
                        match render::table(items, kind, self.style) {
                            Some(table) => {
                                println!("{table}");
                                let more = if http::parse_links(entry.header_values("link"))
                                    .iter()
                                    .any(|(rel, _)| rel == "next")
                                {
                                    " · more: follow next"
                                } else if is_q_search(&entry.url) {
                                    " · a q= search is not paged by Okta: use search= for more"
                                } else {
                                    ""
                                };
                                println!("{}{more}", kind.count(items.len()));
                            }
                            None => println!("{}", render::json(&entry.body.value(), self.style)),
                        }
                    }
                    Body::Json(v) => println!("{}", render::json(v, self.style)),
                }
            }
        }
        Ok(())
    }
}

/// Why a response failed, as one line: Okta's envelope, or a hint for HTML and other bodies.
pub fn describe_failure(entry: &Entry) -> String {
    let request_id = entry.header("x-okta-request-id");
    match &entry.body {
        Body::Json(v) => okta::error_line(entry.status, v, request_id).unwrap_or_else(|| format!("{} {}", entry.status, v)),
        Body::Text(t) if render::looks_like_html(t) => format!(
            "{} with an HTML page, not Okta JSON: the org URL is probably wrong (an Admin Console `-admin` URL, a custom login page or a proxy)",
            entry.status
        ),
        Body::Text(t) => format!("{}: {}", entry.status, t.chars().take(200).collect::<String>().trim()),
        Body::Empty => format!("{} with no body", entry.status),
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
