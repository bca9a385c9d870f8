//! Requests: sending and storing, fan-out over lists, `ls`, `get`, `follow`, the writes and
//! their confirmations.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use serde_json::Value;
use url::Url;

use crate::http::{self, Request, RequestBody};
use crate::lang::{self, Body as BodyArg, Expr, Method, Output, Param, Root, Word};
use crate::session::{Body, Entry};

use super::values::type_name;
use super::{fail, Failure, Outcome, Shell};

/// A read fan-out over more targets than this asks first (writes ask from two).
const ASK_ABOVE: usize = 100;

impl Shell {
    /// Sends one request and stores the response as a new history entry.
    fn send(
        &mut self,
        method: reqwest::Method,
        url: Url,
        body: Option<RequestBody>,
    ) -> Result<u64, Failure> {
        let request = Request {
            method,
            url,
            body,
            headers: Vec::new(),
        };
        let response = self.fetch(&request)?;
        Ok(self.store(&request, response))
    }

    /// Sends without storing; Ctrl-C cancels.
    pub(super) fn fetch(&mut self, request: &Request) -> Result<http::Response, Failure> {
        let env = self
            .session
            .active_env()
            .ok_or_else(|| Failure::Message("no environment is active".into()))?;
        let base =
            Url::parse(&format!("{}/", env.url)).map_err(|e| Failure::Message(e.to_string()))?;
        let auth = env.auth.clone();
        let target = http::Target {
            base: &base,
            auth: auth.as_ref(),
        };
        let client = &mut self.client;
        let result = self.runtime.block_on(async {
            tokio::select! {
                r = client.send(&target, request) => Some(r),
                _ = tokio::signal::ctrl_c() => None,
            }
        });
        match result {
            None => Err(Failure::Interrupted),
            Some(Ok(response)) => {
                if let Some(rate) = response.rate_limit() {
                    self.session.rate_limit = Some(rate);
                }
                Ok(response)
            }
            Some(Err(e)) => fail(e.to_string()),
        }
    }

    pub(super) fn store(&mut self, request: &Request, response: http::Response) -> u64 {
        let entry = Entry {
            number: 0,
            method: request.method.to_string(),
            url: request.url.to_string(),
            status: response.status,
            headers: response.headers,
            body: response.body,
            elapsed: response.elapsed,
            request_body: request.body.as_ref().map(RequestBody::text),
            size: response.size,
        };
        self.push_entry(entry)
    }

    fn push_entry(&mut self, entry: Entry) -> u64 {
        let (number, notice) = self.session.history.push(entry);
        if let Some(notice) = notice {
            eprintln!("{notice}");
        }
        number
    }

    /// Runs a request per target; a single target is a plain entry, several are collected into
    /// one entry whose body is the list of bodies.
    fn fan_out(
        &mut self,
        method: reqwest::Method,
        urls: Vec<Url>,
        body: Option<RequestBody>,
    ) -> Result<Outcome, Failure> {
        if urls.len() <= 1 {
            let Some(url) = urls.into_iter().next() else {
                return fail("the target is an empty list: nothing to do");
            };
            return Ok(Outcome::Entry(self.send(method, url, body)?));
        }
        let progress = self.progress(urls.len() as u64, &format!("{method} ×{}", urls.len()));
        let mut bodies = Vec::with_capacity(urls.len());
        let mut worst = 200;
        let mut elapsed = Duration::ZERO;
        let mut size = 0;
        // The entry is named after the first target.
        let label = format!("{} (+{} more)", urls[0], urls.len() - 1);
        for url in urls {
            let request = Request {
                method: method.clone(),
                url,
                body: body.clone(),
                headers: Vec::new(),
            };
            let response = match self.fetch(&request) {
                Ok(r) => r,
                Err(e) => {
                    progress.finish_and_clear();
                    if !bodies.is_empty() {
                        let body = Body::Json(Value::Array(bodies));
                        let n =
                            self.push_gathered(&method, label, worst, vec![], body, elapsed, size);
                        eprintln!(
                            "kept the {} results so far as #{n}",
                            self.session
                                .history
                                .get(n)
                                .map(|e| e.body.value().as_array().map_or(0, Vec::len))
                                .unwrap_or(0)
                        );
                    }
                    return Err(e);
                }
            };
            if response.status >= 400 && worst < 400 {
                worst = response.status;
            }
            elapsed += response.elapsed;
            size += response.size;
            bodies.push(response.body.value());
            progress.inc(1);
        }
        progress.finish_and_clear();
        let body = Body::Json(Value::Array(bodies));
        let n = self.push_gathered(&method, label, worst, vec![], body, elapsed, size);
        Ok(Outcome::Entry(n))
    }

    /// Records a run of requests (a fan-out or a paging run) as one entry.
    // Each argument is one field of the entry; a struct for them would only rename `Entry`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn push_gathered(
        &mut self,
        method: &reqwest::Method,
        url: String,
        status: u16,
        headers: Vec<(String, String)>,
        body: Body,
        elapsed: Duration,
        size: usize,
    ) -> u64 {
        self.push_entry(Entry {
            number: 0,
            method: method.to_string(),
            url,
            status,
            headers,
            body,
            elapsed,
            request_body: None,
            size,
        })
    }

    fn progress(&self, len: u64, label: &str) -> indicatif::ProgressBar {
        if !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label.to_string());
        bar
    }

    pub(super) fn ls(
        &mut self,
        resource: &Word,
        params: &[Param],
        all: bool,
        max: Option<u64>,
        output: &Output,
    ) -> Result<Outcome, Failure> {
        let words = match self.eval_word(resource)? {
            Value::Array(items) if items.is_empty() => {
                return fail("the target is an empty list: nothing to do")
            }
            Value::Array(items) => items,
            v => vec![v],
        };
        if let [Value::String(text)] = words.as_slice() {
            if text == "requests" || text.starts_with("requests/") {
                return self.request_tree(text.strip_prefix("requests/"));
            }
        }
        let mut urls = Vec::new();
        for value in &words {
            let text = match value {
                Value::String(s) => s.clone(),
                other => {
                    return fail(format!(
                        "`ls` takes a resource name or path, not {}",
                        type_name(other)
                    ))
                }
            };
            let url = if text.starts_with('/') || text.starts_with("http") {
                self.url_for_text(&text)?
            } else {
                self.base_url()?
                    .join(&format!("api/v1/{}", text.trim_start_matches("api/v1/")))
                    .map_err(|e| Failure::Message(e.to_string()))?
            };
            urls.push(self.with_params(url, params)?);
        }
        if params.iter().any(|p| p.key == "q") && (all || max.is_some()) {
            eprintln!("note: Okta does not page `q=` searches; only the first page exists");
        }
        if all || max.is_some() {
            if urls.len() != 1 {
                return fail("`--all` pages through one listing at a time");
            }
            let url = urls.pop().expect("one url");
            self.check_request(
                &reqwest::Method::GET,
                std::slice::from_ref(&url),
                None,
                false,
            )?;
            return self.page_all(url, max, output);
        }
        self.check_request(&reqwest::Method::GET, &urls, None, false)?;
        self.confirm_reads(&urls)?;
        self.fan_out(reqwest::Method::GET, urls, None)
    }

    pub(super) fn get(&mut self, target: &Word, params: &[Param]) -> Result<Outcome, Failure> {
        let urls = self
            .targets(target)?
            .into_iter()
            .map(|u| self.with_params(u, params))
            .collect::<Result<Vec<_>, _>>()?;
        self.check_request(&reqwest::Method::GET, &urls, None, false)?;
        self.confirm_reads(&urls)?;
        self.fan_out(reqwest::Method::GET, urls, None)
    }

    /// Asks before a read fan-out over more than [`ASK_ABOVE`] targets: each is a request
    /// against the org's rate budget (`get $last.id` after a 200-user page is 200 GETs).
    fn confirm_reads(&mut self, urls: &[Url]) -> Result<(), Failure> {
        if urls.len() <= ASK_ABOVE || self.assume_yes {
            return Ok(());
        }
        let what = format!(
            "GET on {} targets (first: {})",
            urls.len(),
            path_and_query(&urls[0])
        );
        if !self.interactive {
            return fail(format!(
                "{what} needs confirmation above {ASK_ABOVE}: run oktash with --yes"
            ));
        }
        let answer = ask(&format!("{what}. Proceed? [y/N] "))?;
        if matches!(answer.trim(), "y" | "Y" | "yes") {
            Ok(())
        } else {
            fail("not sent")
        }
    }

    pub(super) fn follow(&mut self, rel: &str, from: Option<&Word>) -> Result<Outcome, Failure> {
        // The source: a history entry (its link headers and body) or any value with _links.
        let (links, body): (Vec<(String, String)>, Value) = match from {
            None => {
                let entry = self.session.history.last().ok_or_else(|| {
                    Failure::Message("nothing to follow yet: send a request first".into())
                })?;
                (
                    http::parse_links(entry.header_values("link")),
                    entry.body.value(),
                )
            }
            Some(word) => match word.as_ref_only() {
                Some(Expr {
                    root: Root::Entry(n),
                    steps,
                }) if steps.is_empty() => {
                    let entry = self.entry(Some(*n))?;
                    (
                        http::parse_links(entry.header_values("link")),
                        entry.body.value(),
                    )
                }
                Some(Expr {
                    root: Root::Last,
                    steps,
                }) if steps.is_empty() => {
                    let entry = self.entry(None)?;
                    (
                        http::parse_links(entry.header_values("link")),
                        entry.body.value(),
                    )
                }
                _ => (Vec::new(), self.eval_word(word)?),
            },
        };
        if let Some((_, href)) = links.iter().find(|(r, _)| r == rel) {
            let url = self.url_for_text(href)?;
            return Ok(Outcome::Entry(self.send(
                reqwest::Method::GET,
                url,
                None,
            )?));
        }
        let link = body.pointer(&format!(
            "/_links/{}",
            rel.replace('~', "~0").replace('/', "~1")
        ));
        let Some(link) = link else {
            let mut names: Vec<String> = links.iter().map(|(r, _)| r.clone()).collect();
            if let Some(map) = body.get("_links").and_then(Value::as_object) {
                names.extend(map.keys().cloned());
            }
            if body.is_array() && rel == "next" {
                return fail("no `next` link: this is the last page");
            }
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let hint = lang::suggest(rel, &refs)
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default();
            return fail(if names.is_empty() {
                format!("no link `{rel}` here: the response has no links")
            } else {
                format!("no link `{rel}` here{hint} (links: {})", names.join(", "))
            });
        };
        let link = match link {
            Value::Array(list) => list.first().cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        let href = link
            .get("href")
            .and_then(Value::as_str)
            .ok_or_else(|| Failure::Message(format!("link `{rel}` has no href")))?;
        let declared = link
            .pointer("/hints/allow/0")
            .or_else(|| link.get("method"))
            .and_then(Value::as_str)
            .map(str::to_ascii_uppercase);
        let method = match declared.as_deref() {
            Some("POST") => Method::Post,
            Some("PUT") => Method::Put,
            Some("DELETE") => Method::Delete,
            Some("PATCH") => Method::Patch,
            Some(_) => Method::Get,
            None if matches!(
                rel,
                "self" | "next" | "users" | "apps" | "groups" | "logo" | "type" | "schema"
            ) =>
            {
                Method::Get
            }
            None => Method::Post,
        };
        let url = self.url_for_text(href)?;
        if method != Method::Get {
            self.confirm_write(method, std::slice::from_ref(&url), false)?;
        }
        Ok(Outcome::Entry(self.send(
            reqwest_method(method),
            url,
            None,
        )?))
    }

    pub(super) fn write(
        &mut self,
        method: Method,
        target: &Word,
        body: Option<&BodyArg>,
        params: &[Param],
        yes: bool,
        force: bool,
    ) -> Result<Outcome, Failure> {
        let urls = self
            .targets(target)?
            .into_iter()
            .map(|u| self.with_params(u, params))
            .collect::<Result<Vec<_>, _>>()?;
        let body = match body {
            None => None,
            Some(BodyArg::Json(v)) => Some(RequestBody::json(v)),
            Some(BodyArg::Ref(e)) => Some(RequestBody::json(&self.eval_expr(e)?)),
            Some(BodyArg::File(w)) => {
                let path = self.word_text(w, "the body file")?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| Failure::Message(format!("cannot read body file {path}: {e}")))?;
                let value: Value = serde_json::from_str(&text)
                    .map_err(|e| Failure::Message(format!("{path} is not valid JSON: {e}")))?;
                Some(RequestBody::json(&value))
            }
        };
        self.check_request(&reqwest_method(method), &urls, body.as_ref(), force)?;
        self.confirm_write(method, &urls, yes)?;
        self.fan_out(reqwest_method(method), urls, body)
    }

    /// Asks before a write in a protected environment and before any write to several targets.
    pub(super) fn confirm_write(
        &mut self,
        method: Method,
        urls: &[Url],
        yes: bool,
    ) -> Result<(), Failure> {
        let env = self.active_env()?;
        let protected = env.protected;
        if !(protected || urls.len() > 1) || yes || self.assume_yes {
            return Ok(());
        }
        let what = if urls.len() == 1 {
            format!("{} {}", method.as_str(), path_and_query(&urls[0]))
        } else {
            format!(
                "{} on {} targets (first: {})",
                method.as_str(),
                urls.len(),
                path_and_query(&urls[0])
            )
        };
        let place = if protected {
            format!(" in protected environment {} ({})", env.name, env.url)
        } else {
            String::new()
        };
        if !self.interactive {
            return fail(format!("{what}{place} needs confirmation: add --yes"));
        }
        let answer = ask(&format!("{what}{place}. Proceed? [y/N] "))?;
        if matches!(answer.trim(), "y" | "Y" | "yes") {
            Ok(())
        } else {
            fail("not sent")
        }
    }
}

pub(super) fn reqwest_method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

pub(super) fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// Reads a line from the terminal for a confirmation.
pub(super) fn ask(question: &str) -> Result<String, Failure> {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::Message(format!("cannot read the answer: {e}")))?;
    Ok(answer)
}
