//! History: looking up entries, `show`, and `as curl`.

use serde_json::{json, Value};

use crate::auth::{Auth, TokenSource};
use crate::http::Body;
use crate::render;
use crate::session::Entry;

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

    /// `show [N]`: the request line, status, time, headers and JSON body on a terminal (a long
    /// body cut, see `screenful_of_json`); the whole entry as one JSON object elsewhere.
    /// `show N --json`: the body alone, plain JSON, whole, even on a terminal (to copy or page).
    pub(super) fn show(&self, number: Option<u64>, json: bool) -> Result<Outcome, Failure> {
        let entry = self.entry(number)?;
        if json {
            return Ok(Outcome::Body(entry.number));
        }
        let mut out = format!(
            "#{} {} {}\n{} in {}\n",
            entry.number,
            entry.method,
            entry.url,
            entry.status,
            render::duration(entry.elapsed)
        );
        for (k, v) in entry.headers.iter() {
            out.push_str(&format!("{k}: {v}\n"));
        }
        let mut text = render::escape_controls(&out).into_owned();
        text.push('\n');
        text.push_str(&match &entry.body {
            Body::Empty => "(no content)".to_string(),
            Body::Text(t) => render::escape_controls(t).into_owned(),
            body => self.screenful_of_json(body, Some(entry.number)),
        });
        Ok(Outcome::Listing {
            text,
            json: json!({
                "entry": entry.number,
                "method": entry.method.as_str(),
                "url": entry.url,
                "status": entry.status,
                "elapsed_ms": entry.elapsed.as_secs_f64() * 1000.0,
                "headers": entry.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
                "body": entry.body.value(),
            }),
        })
    }

    /// `history`: one line per entry on a terminal; a JSON array of the same facts elsewhere.
    pub(super) fn history_listing(&self) -> Outcome {
        Outcome::Listing {
            text: self
                .session
                .history
                .iter()
                .map(|entry| render::entry_line(entry, self.style))
                .collect::<Vec<_>>()
                .join("\n"),
            json: Value::Array(
                self.session
                    .history
                    .iter()
                    .map(|entry| {
                        json!({
                            "entry": entry.number,
                            "method": entry.method.as_str(),
                            "url": entry.url,
                            "status": entry.status,
                            "summary": render::body_summary(&entry.body, &entry.url),
                            "elapsed_ms": entry.elapsed.as_secs_f64() * 1000.0,
                        })
                    })
                    .collect(),
            ),
        }
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
        if entry.method != reqwest::Method::GET {
            parts.push(format!("-X {}", entry.method));
        }
        parts.push(shell_quote(&entry.url));
        parts.push("-H 'Accept: application/json'".into());
        parts.push("-H 'Content-Type: application/json'".into());
        let mut note = None;
        match &env.auth {
            Some(Auth::Token { scheme, token }) => {
                let shown = if reveal {
                    token
                        .resolve()
                        .map(|s| s.expose().to_string())
                        .unwrap_or_else(|e| format!("<{e}>"))
                } else {
                    match token {
                        TokenSource::EnvVar(var) => format!("${var}"),
                        TokenSource::Literal(s) => s.masked(),
                    }
                };
                let header = format!("Authorization: {} {shown}", scheme.as_str());
                parts.push(match token {
                    TokenSource::EnvVar(_) if !reveal => format!("-H \"{header}\""),
                    _ => format!("-H {}", shell_quote(&header)),
                });
            }
            Some(Auth::ServiceApp(app)) => {
                let base = url::Url::parse(&env.url).ok();
                let current = base.as_ref().and_then(|b| self.client.access_token(b, app));
                let (scheme, shown) = match &current {
                    Some((token_type, token)) if reveal => {
                        (token_type.scheme(), token.expose().to_string())
                    }
                    Some((token_type, token)) => (token_type.scheme(), token.masked()),
                    None => (
                        "Bearer",
                        "<access token, minted at the first request>".into(),
                    ),
                };
                parts.push(format!(
                    "-H {}",
                    shell_quote(&format!("Authorization: {scheme} {shown}"))
                ));
                if scheme == "DPoP" {
                    parts.push("-H 'DPoP: <proof>'".into());
                    note = Some(format!(
                        "# a DPoP proof is single-use and signed by this session's key: oktash makes a fresh one for each request (client {})",
                        app.client_id
                    ));
                }
            }
            None => {}
        }
        match &entry.request_body {
            Some(body) => parts.push(format!("--data {}", shell_quote(body))),
            None if matches!(entry.method.as_str(), "POST" | "PUT" | "PATCH") => {
                parts.push("-H 'Content-Length: 0'".into())
            }
            None => {}
        }
        let command = parts.join(" \\\n  ");
        Ok(match note {
            Some(note) => format!("{command}\n{note}"),
            None => command,
        })
    }
}

pub(super) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
