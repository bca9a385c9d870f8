//! History: looking up entries, `show`, and `as curl`.

use crate::render;
use crate::session::{Body, Entry, TokenSource};

use super::{fail, Failure, Outcome, Shell};

impl Shell {
    pub(super) fn entry(&self, number: Option<u64>) -> Result<&Entry, Failure> {
        match number {
            None => {
                self.session.history.last().ok_or_else(|| {
                    Failure::Message("history is empty: send a request first".into())
                })
            }
            Some(n) => self.session.history.get(n).ok_or_else(|| {
                Failure::Message(format!(
                    "no history entry #{n} (history holds {})",
                    self.session.history.range_text()
                ))
            }),
        }
    }

    pub(super) fn show(&self, number: Option<u64>, json: bool) -> Result<Outcome, Failure> {
        let entry = self.entry(number)?;
        if json {
            // Plain even on a terminal, so that it can be copied as it is.
            return Ok(Outcome::Text(
                serde_json::to_string_pretty(&entry.body.value()).unwrap_or_default(),
            ));
        }
        let mut out = format!(
            "#{} {} {}\n{} in {:?}\n",
            entry.number, entry.method, entry.url, entry.status, entry.elapsed
        );
        for (k, v) in &entry.headers {
            out.push_str(&format!("{k}: {v}\n"));
        }
        out.push('\n');
        out.push_str(&match &entry.body {
            Body::Empty => "(no content)".to_string(),
            Body::Text(t) => t.clone(),
            Body::Json(v) => render::json(v, self.style),
        });
        Ok(Outcome::Text(out))
    }

    pub(super) fn as_curl(&self, number: Option<u64>, reveal: bool) -> Result<String, Failure> {
        let entry = self.entry(number)?;
        if entry.url.contains(" (+") {
            return fail(format!(
                "#{} collects several requests; `as curl` shows one request at a time",
                entry.number
            ));
        }
        let env = self.active_env()?;
        let mut parts = vec!["curl".to_string()];
        if entry.method != "GET" {
            parts.push(format!("-X {}", entry.method));
        }
        parts.push(shell_quote(&entry.url));
        parts.push("-H 'Accept: application/json'".into());
        parts.push("-H 'Content-Type: application/json'".into());
        if let Some(auth) = &env.auth {
            let token = if reveal {
                auth.token
                    .resolve()
                    .map(|s| s.expose().to_string())
                    .unwrap_or_else(|e| format!("<{e}>"))
            } else {
                match &auth.token {
                    TokenSource::EnvVar(var) => format!("${var}"),
                    TokenSource::Literal(s) => s.masked(),
                }
            };
            let header = format!("Authorization: {} {token}", auth.scheme.as_str());
            parts.push(match &auth.token {
                TokenSource::EnvVar(_) if !reveal => format!("-H \"{header}\""),
                _ => format!("-H {}", shell_quote(&header)),
            });
        }
        match &entry.request_body {
            Some(body) => parts.push(format!("--data {}", shell_quote(body))),
            None if matches!(entry.method.as_str(), "POST" | "PUT" | "PATCH") => {
                parts.push("-H 'Content-Length: 0'".into())
            }
            None => {}
        }
        Ok(parts.join(" \\\n  "))
    }
}

pub(super) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
