//! Requests: sending and storing, fan-out over lists, `ls`, `get`, `follow`, the writes and
//! their confirmations.

use serde_json::Value;
use url::Url;

use crate::http::Body;
use crate::http::{self, Request, RequestBody};
use crate::lang::{self, Body as BodyArg, Expr, Method, Output, Param, Root, Word, WordPart};
use crate::okta;
use crate::render;
use crate::session::Entry;

use super::values::{step_text, type_name};
use super::{fail, Failure, Outcome, Refusal, Shell};

/// A read fan-out over more targets than this asks first (writes ask from two).
const ASK_ABOVE: usize = 100;

/// The flags of a write: `--yes` confirms it, `--force` sends a body the spec's schema rejects.
pub(super) struct WriteFlags {
    pub yes: bool,
    pub force: bool,
}

impl Shell {
    /// Sends one request and stores the response as a new history entry.
    fn send(
        &mut self,
        method: reqwest::Method,
        url: Url,
        body: Option<RequestBody>,
    ) -> Result<u64, Failure> {
        let request = Request::new(method, url, body);
        let response = self.fetch(&request)?;
        let not_json = not_json(&response);
        let n = self.store(&request, response);
        if let Some(why) = not_json {
            return self.fail_kept(n, why);
        }
        Ok(n)
    }

    /// Fails a command whose answer is stored as entry `n` but is not what the API answers.
    fn fail_kept<T>(&self, n: u64, why: String) -> Result<T, Failure> {
        let entry = self.entry(Some(n))?;
        crate::note!("{}", render::entry_line(entry, self.style));
        fail(format!("{why} (kept as #{n})"))
    }

    /// Sends without storing; Ctrl-C cancels.
    pub(super) fn fetch(&mut self, request: &Request) -> Result<http::Response, Failure> {
        self.fetch_while(request, || ()).0
    }

    /// Sends `request` and runs `work` while the answer is on its way (paging keeps one page
    /// while the next one comes); Ctrl-C cancels the request, not the work.
    pub(super) fn fetch_while<R>(
        &mut self,
        request: &Request,
        work: impl FnOnce() -> R,
    ) -> (Result<http::Response, Failure>, R) {
        let (base, auth) = match self.org() {
            Ok(org) => org,
            Err(e) => return (Err(e), work()),
        };
        let target = http::Target {
            base: &base,
            auth: auth.as_ref(),
        };
        let client = &self.client;
        let interrupt = &self.interrupt;
        let (result, done) = self.runtime.block_on(async {
            let send = async {
                tokio::select! {
                    // Checked first: after Ctrl-C, no new request starts.
                    biased;
                    _ = interrupt.raised() => None,
                    r = client.send(&target, request) => Some(r),
                }
            };
            let mut send = std::pin::pin!(send);
            // Polled once first, so that the request is on its way before the work starts.
            match futures_util::poll!(send.as_mut()) {
                std::task::Poll::Ready(result) => (result, work()),
                std::task::Poll::Pending => {
                    let done = work();
                    (send.await, done)
                }
            }
        });
        let result = match result {
            None => Err(Failure::Interrupted),
            Some(Ok(response)) => {
                if let Some(rate) = response.rate_limit() {
                    self.session.rate_limit = Some(rate);
                }
                Ok(response)
            }
            Some(Err(e)) => Err(e.into()),
        };
        (result, done)
    }

    pub(super) fn store(&mut self, request: &Request, response: http::Response) -> u64 {
        let entry = Entry {
            number: 0,
            method: request.method.clone(),
            url: request.url.to_string(),
            request_body: request.body.as_ref().map(RequestBody::text),
            response,
        };
        self.push_entry(entry)
    }

    fn push_entry(&mut self, entry: Entry) -> u64 {
        let (number, notice) = self.session.history.push(entry);
        if let Some(notice) = notice {
            crate::note!("{notice}");
        }
        number
    }

    /// Runs a request per target; a single target is a plain entry, several are collected into
    /// one entry whose body is the list of bodies, in the targets' order, with up to
    /// `--parallel` requests in flight. An item that got no answer (a dropped connection, or
    /// not sent after Ctrl-C) is left out of the list and named at the end.
    fn fan_out(&mut self, requests: Vec<Request>) -> Result<Outcome, Failure> {
        if requests.len() <= 1 {
            let Some(request) = requests.into_iter().next() else {
                return fail("the target is an empty list: nothing to do");
            };
            return Ok(Outcome::Entry(self.send(
                request.method,
                request.url,
                request.body,
            )?));
        }
        let total = requests.len();
        let method = requests[0].method.clone();
        // The entry is named after the first target.
        let label = format!("{} (+{} more)", requests[0].url, total - 1);
        let progress = render::progress_bar(total as u64, &format!("{method} ×{total}"));
        let began = std::time::Instant::now();
        let (answers, interrupted) = self.fetch_all(&requests, &progress);
        progress.finish_and_clear();
        let mut bodies = Vec::with_capacity(total);
        let mut worst = 200;
        let mut first_not_json = None;
        let mut size = 0;
        let mut missing = Vec::new();
        let mut refused = Vec::new();
        for (i, (request, answer)) in requests.iter().zip(answers).enumerate() {
            let item = || format!("item {i} ({})", path_and_query(&request.url));
            match answer {
                Some(Ok(response)) => {
                    if response.status >= 400 {
                        worst = worst.max(response.status);
                        // Okta's code and summary say why, without the request id.
                        let why = response
                            .body
                            .as_json()
                            .and_then(|v| crate::okta::error_line(response.status, v, None))
                            .unwrap_or_else(|| response.status.to_string());
                        refused.push(format!("{}: {why}", item()));
                    }
                    if first_not_json.is_none() {
                        first_not_json = not_json(&response)
                            .map(|why| format!("{}: {why}", path_and_query(&request.url)));
                    }
                    size += response.size;
                    bodies.push(response.body.value());
                }
                Some(Err(e)) => missing.push(format!("{}: {e}", item())),
                None => missing.push(format!("{}: not sent", item())),
            }
        }
        let kept = bodies.len();
        if kept == 0 && (interrupted || !missing.is_empty()) {
            return Err(if interrupted {
                Failure::Interrupted
            } else {
                Failure::Message(failed_items(&missing, total))
            });
        }
        let gathered = http::Response {
            status: worst,
            headers: http::Headers::default(),
            body: Body::Json(Value::Array(bodies)),
            // The run's wall time: the requests overlapped.
            elapsed: began.elapsed(),
            size,
        };
        let n = self.push_gathered(&method, label, gathered);
        if interrupted {
            crate::note!("kept the {kept} results so far as #{n}");
            return Err(Failure::Interrupted);
        }
        // Each failed item is named, not the list: the error bodies are in it, in place.
        let failed: Vec<String> = refused.into_iter().chain(missing).collect();
        if !failed.is_empty() {
            return self.fail_kept(n, failed_items(&failed, total));
        }
        if let Some(why) = first_not_json {
            return self.fail_kept(n, why);
        }
        Ok(Outcome::Entry(n))
    }

    /// Sends requests with up to `--parallel` in flight; the answers come back in the
    /// requests' order (`None`: not sent). Ctrl-C stops launching and abandons what is in
    /// flight (the history keeps what came back). After a concurrency 429 fewer go at once.
    fn fetch_all(
        &mut self,
        requests: &[Request],
        progress: &indicatif::ProgressBar,
    ) -> (Vec<Option<Result<http::Response, Failure>>>, bool) {
        use futures_util::StreamExt;
        let mut answers: Vec<Option<Result<http::Response, Failure>>> =
            requests.iter().map(|_| None).collect();
        let (base, auth) = match self.org() {
            Ok(org) => org,
            Err(e) => {
                answers[0] = Some(Err(e));
                return (answers, false);
            }
        };
        let target = http::Target {
            base: &base,
            auth: auth.as_ref(),
        };
        let client = &self.client;
        let parallel = self.parallel.max(1);
        let gate = tokio::sync::Semaphore::new(parallel);
        // Permits to take out of use as requests finish, after a concurrency 429.
        let to_retire = std::sync::atomic::AtomicUsize::new(0);
        let interrupted = self.runtime.block_on(async {
            let mut sent = futures_util::stream::iter(requests.iter().enumerate())
                .map(|(i, request)| {
                    let (gate, to_retire, target) = (&gate, &to_retire, &target);
                    async move {
                        let permit = gate.acquire().await.expect("the gate is never closed");
                        let answer = client.send(target, request).await;
                        let retire = to_retire.fetch_update(
                            std::sync::atomic::Ordering::Relaxed,
                            std::sync::atomic::Ordering::Relaxed,
                            |n| n.checked_sub(1),
                        );
                        if retire.is_ok() {
                            permit.forget();
                        }
                        (i, answer)
                    }
                })
                .buffer_unordered(parallel);
            let mut allowed = parallel;
            loop {
                tokio::select! {
                    // Checked first: after Ctrl-C, nothing more is taken.
                    biased;
                    _ = self.interrupt.raised() => return true,
                    next = sent.next() => {
                        let Some((i, answer)) = next else { return false };
                        answers[i] = Some(answer.map_err(Failure::from));
                        progress.inc(1);
                        if client.take_concurrency_refusals() > 0 && allowed > 1 {
                            let fewer = (allowed / 2).max(1);
                            to_retire.fetch_add(allowed - fewer, std::sync::atomic::Ordering::Relaxed);
                            allowed = fewer;
                        }
                    }
                }
            }
        });
        if let Some(rate) = answers
            .iter()
            .rev()
            .flatten()
            .find_map(|a| a.as_ref().ok()?.rate_limit())
        {
            self.session.rate_limit = Some(rate);
        }
        (answers, interrupted)
    }

    /// Records a run of requests (a fan-out or a paging run) as one entry: what they
    /// gathered, as one response.
    pub(super) fn push_gathered(
        &mut self,
        method: &reqwest::Method,
        url: String,
        gathered: http::Response,
    ) -> u64 {
        self.push_entry(Entry {
            number: 0,
            method: method.clone(),
            url,
            request_body: None,
            response: gathered,
        })
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
            let url = if text.starts_with('/') || crate::urls::absolute_url(&text).is_some() {
                self.url_for_text(&text)?
            } else {
                self.base_url()?
                    .join(&format!(
                        "api/v1/{}",
                        okta::route_id_path(text.trim_start_matches("api/v1/"))
                    ))
                    .map_err(|e| Failure::Message(e.to_string()))?
            };
            urls.push(self.with_params(url, params)?);
        }
        if params.iter().any(|p| p.key == "q") && (all || max.is_some()) {
            crate::note!("note: Okta does not page `q=` searches; only the first page exists");
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
        self.read_all(urls)
    }

    /// GETs of every URL (checked against the spec, confirmed when there are many), as one
    /// fan-out.
    fn read_all(&mut self, urls: Vec<Url>) -> Result<Outcome, Failure> {
        self.check_request(&reqwest::Method::GET, &urls, None, false)?;
        self.confirm_reads(&urls)?;
        self.fan_out(
            urls.into_iter()
                .map(|url| Request::new(reqwest::Method::GET, url, None))
                .collect(),
        )
    }

    pub(super) fn get(&mut self, target: &Word, params: &[Param]) -> Result<Outcome, Failure> {
        let urls = self
            .targets(target)?
            .into_iter()
            .map(|u| self.with_params(u, params))
            .collect::<Result<Vec<_>, _>>()?;
        self.read_all(urls)
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
            Err(Failure::Refused(Refusal::NotConfirmed))
        }
    }

    pub(super) fn follow(
        &mut self,
        rel: &str,
        from: Option<&Word>,
        params: &[Param],
        yes: bool,
        output: &Output,
    ) -> Result<Outcome, Failure> {
        // The source: a history entry (its link headers and body) or any value with _links.
        // A whole history entry (none given, `$N`, `$last`) also brings its link headers and URL.
        let whole_entry = match from.map(Word::as_ref_only) {
            None => Some(None),
            Some(Some(Expr { root, steps })) if steps.is_empty() => match root {
                Root::Entry(n) => Some(Some(*n)),
                Root::Last => Some(None),
                Root::Var(_) => None,
            },
            Some(_) => None,
        };
        let (links, body, entry_url) = match (whole_entry, from) {
            (Some(number), _) => {
                let entry = match number {
                    Some(n) => self.entry(Some(n))?,
                    None => self.session.history.last().ok_or_else(|| {
                        Failure::Message("nothing to follow yet: send a request first".into())
                    })?,
                };
                (
                    http::parse_links(entry.header_values("link")),
                    entry.body.value(),
                    Some(entry.url.clone()),
                )
            }
            (None, Some(word)) => (Vec::new(), self.eval_word(word)?, None),
            // (No FROM is always the newest entry, above.)
            (None, None) => return fail("nothing to follow"),
        };
        if let Some((_, href)) = links.iter().find(|(r, _)| r == rel) {
            let url = self.with_params(self.url_for_text(href)?, params)?;
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
            let source = from.map_or_else(|| "$last".to_string(), word_source);
            // The answer of a lifecycle call (`{}`) has no links: name the object it acted on.
            let acted_on = entry_url
                .as_deref()
                .and_then(|u| Url::parse(u).ok())
                .and_then(|u| okta::lifecycle_object(&u, false))
                .map(|u| path_and_query(&u));
            if let (Some(object), None) = (acted_on, body.get("_links")) {
                return fail(format!(
                    "no link `{rel}`: {source} is the answer of a lifecycle call, which has no links; `get {object}` first, then `follow {rel}`"
                ));
            }
            let own_url = body
                .pointer("/_links/self/href")
                .and_then(Value::as_str)
                .and_then(|href| self.url_for_text(href).ok());
            let only_self = OnlySelf {
                // Fetched by its own URL, the object carries every link Okta gives it.
                whole: entry_url
                    .as_deref()
                    .and_then(|u| Url::parse(u).ok())
                    .zip(own_url.as_ref())
                    .is_some_and(|(entry, own)| entry.path() == own.path()),
                action: own_url.and_then(|own| okta::action_path(own.path(), rel)),
            };
            return fail(missing_link(rel, &links, &body, &source, only_self));
        };
        let link = match link {
            Value::Array(list) => list.first().cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        let href = link
            .get("href")
            .and_then(Value::as_str)
            .ok_or_else(|| Failure::Message(format!("link `{rel}` has no href")))?;
        // A link that allows reading is read (a policy's `rules` allows POST and GET); else
        // the first method it allows.
        let allowed: Vec<&str> = link
            .pointer("/hints/allow")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let declared = allowed
            .iter()
            .find(|m| m.eq_ignore_ascii_case("GET"))
            .or(allowed.first())
            .copied()
            .or_else(|| link.get("method").and_then(Value::as_str));
        let url = self.with_params(self.url_for_text(href)?, params)?;
        let method = link_method(rel, &url, declared);
        if method == Method::Get {
            return Ok(Outcome::Entry(self.send(
                reqwest::Method::GET,
                url,
                None,
            )?));
        }
        self.confirm_write(method, std::slice::from_ref(&url), yes)?;
        self.send_write(method, url, None, Some(&body), output)
    }

    pub(super) fn write(
        &mut self,
        method: Method,
        target: &Word,
        body: Option<&BodyArg>,
        params: &[Param],
        WriteFlags { yes, force }: WriteFlags,
        output: &Output,
    ) -> Result<Outcome, Failure> {
        let urls = self
            .targets(target)?
            .into_iter()
            .map(|u| self.with_params(u, params))
            .collect::<Result<Vec<_>, _>>()?;
        // A `[*]` reference in the body spreads the write: one request per element.
        let spread = match body {
            Some(BodyArg::Template(t)) => self.spread_bodies(t)?,
            Some(BodyArg::Ref(e)) => {
                self.spread_bodies(&crate::lang::JsonTemplate::Ref(e.clone()))?
            }
            _ => None,
        };
        if let Some(bodies) = spread {
            return self.spread_write(method, urls, bodies, yes, force);
        }
        let body = match body {
            None => None,
            Some(BodyArg::Json(v)) => Some(RequestBody::json(v)),
            Some(BodyArg::Template(t)) => Some(RequestBody::json(&self.eval_template(t)?)),
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
        if let [url] = urls.as_slice() {
            return self.send_write(method, url.clone(), body, None, output);
        }
        let requests = urls
            .into_iter()
            .map(|url| Request::new(reqwest_method(method), url, body.clone()))
            .collect();
        self.fan_out(requests)
    }

    /// One write per body (`post users $people[*]`): to the one target, or to as many targets
    /// as bodies, pair by pair. Each body is checked against the spec first; the writes are
    /// confirmed as one fan-out.
    fn spread_write(
        &mut self,
        method: Method,
        urls: Vec<Url>,
        bodies: Vec<Value>,
        yes: bool,
        force: bool,
    ) -> Result<Outcome, Failure> {
        if bodies.is_empty() {
            return fail("the [*] list of the body is empty: nothing to do");
        }
        let urls = match urls.len() {
            1 => vec![urls[0].clone(); bodies.len()],
            n if n == bodies.len() => urls,
            n => {
                return fail(format!(
                    "{n} targets and {} bodies: give one target, or one per body",
                    bodies.len()
                ))
            }
        };
        let http_method = reqwest_method(method);
        let mut requests = Vec::with_capacity(bodies.len());
        for (i, (url, body)) in urls.iter().zip(&bodies).enumerate() {
            let body = RequestBody::json(body);
            self.check_request(&http_method, std::slice::from_ref(url), Some(&body), force)
                .map_err(|failure| match failure {
                    Failure::Message(m) => Failure::Message(format!("body {i}: {m}")),
                    other => other,
                })?;
            requests.push(Request::new(http_method.clone(), url.clone(), Some(body)));
        }
        self.confirm_write(method, &urls, yes)?;
        self.fan_out(requests)
    }

    /// Sends one write. When it changes an object's status (a DELETE of a user, group or app,
    /// or a lifecycle call), says what happened — `ada@example.com: ACTIVE → DEPROVISIONED` —
    /// from the status before (`known`, the value the link came from, else a GET) and a GET
    /// after: Okta answers those writes with `{}` or 204, which tell a person nothing.
    /// The response stays the command's output (JSON when piped); the sentence goes to stderr,
    /// or replaces an empty body on a terminal.
    fn send_write(
        &mut self,
        method: Method,
        url: Url,
        body: Option<RequestBody>,
        known: Option<&Value>,
        output: &Output,
    ) -> Result<Outcome, Failure> {
        let Some(object) = okta::lifecycle_object(&url, method == Method::Delete) else {
            return Ok(Outcome::Entry(self.send(
                reqwest_method(method),
                url,
                body,
            )?));
        };
        // The value the command named saves a GET, unless this session has written to the
        // object since (then its status may be stale: a reset user is no longer ACTIVE).
        let written = self.session.history.iter().any(|e| {
            e.method != reqwest::Method::GET
                && e.url
                    .strip_prefix(object.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
        });
        let stored = known.filter(|v| {
            !written
                && v.get("status").is_some()
                && v.pointer("/_links/self/href")
                    .and_then(Value::as_str)
                    .and_then(|href| self.url_for_text(href).ok())
                    .is_some_and(|href| href == object)
        });
        let before = match stored {
            Some(v) => Peek::Found(v.clone()),
            None => match self.peek(&object) {
                Err(Failure::Interrupted) => return Err(Failure::Interrupted),
                Err(_) => Peek::Unknown,
                Ok(p) => p,
            },
        };
        let n = self.send(reqwest_method(method), url, body)?;
        let entry = self.entry(Some(n))?;
        if entry.status >= 400 {
            return Ok(Outcome::Entry(n));
        }
        let empty = match &entry.body {
            Body::Empty => true,
            Body::Json(Value::Object(map)) => map.is_empty(),
            _ => false,
        };
        let after = self.peek(&object).unwrap_or(Peek::Unknown);
        let Some(note) = transition(method, &before, &after) else {
            return Ok(Outcome::Entry(n));
        };
        if empty && self.style.terminal && matches!(output, Output::Screen) {
            crate::note!("{}", render::entry_line(self.entry(Some(n))?, self.style));
            return Ok(Outcome::Text(note));
        }
        self.emit(Outcome::Entry(n), output)?;
        crate::note!("{note}");
        Ok(Outcome::Written)
    }

    /// A GET that is not kept in the history: the state of an object around a write.
    fn peek(&mut self, object: &Url) -> Result<Peek, Failure> {
        let request = Request::new(reqwest::Method::GET, object.clone(), None);
        let response = self.fetch(&request)?;
        Ok(match (response.status, response.body) {
            (404, _) => Peek::Gone,
            (200..=299, Body::Json(v)) => Peek::Found(v),
            _ => Peek::Unknown,
        })
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
            Err(Failure::Refused(Refusal::NotConfirmed))
        }
    }
}

/// Why a successful answer is not one the API gives, if it is not: Okta answers JSON, so an
/// HTML page or unparsable text means the URL is not the org's API or something in between
/// garbled it. A body labelled as another type (XML metadata) is taken as it is.
fn not_json(response: &http::Response) -> Option<String> {
    let Body::Text(text) = &response.body else {
        return None;
    };
    if response.status >= 400 {
        return None; // reported as a failure anyway, with its own hint
    }
    if render::looks_like_html(text) {
        return Some(format!(
            "the answer ({}) is an HTML page, not JSON: the URL is probably not the org's API (an Admin Console `-admin` URL, a login page or a proxy)",
            response.status
        ));
    }
    let content_type = response.header("content-type").unwrap_or("");
    if content_type.is_empty()
        || content_type.contains("json")
        || content_type.starts_with("text/plain")
    {
        return Some(format!(
            "the answer ({}, {} bytes) is not JSON",
            response.status, response.size
        ));
    }
    None
}

/// The method of following a link: what Okta's spec offers at the link's path (GET when it
/// reads there, as for `self` or an app user's `user`; otherwise its one action, as POST for a
/// lifecycle operation), agreeing with the link's own hint (`"method": "POST"`,
/// `hints.allow`) when both allow it. For a path the spec lacks: the hint, else GET for the
/// names that read and POST for the rest.
fn link_method(rel: &str, url: &Url, declared: Option<&str>) -> Method {
    let declared = declared.and_then(method_named);
    let offered: Vec<Method> = crate::spec::index()
        .map(|index| {
            index
                .operations_at(url.path())
                .iter()
                .filter_map(|op| method_named(&op.method))
                .collect()
        })
        .unwrap_or_default();
    if let Some(first) = offered.first() {
        return match declared {
            Some(m) if offered.contains(&m) => m,
            _ if offered.contains(&Method::Get) => Method::Get,
            _ if offered.contains(&Method::Post) => Method::Post,
            _ => *first,
        };
    }
    match declared {
        Some(m) => m,
        None if matches!(
            rel,
            "self" | "next" | "users" | "apps" | "groups" | "logo" | "type" | "schema"
        ) =>
        {
            Method::Get
        }
        None => Method::Post,
    }
}

fn method_named(name: &str) -> Option<Method> {
    match name.to_ascii_uppercase().as_str() {
        "GET" => Some(Method::Get),
        "POST" => Some(Method::Post),
        "PUT" => Some(Method::Put),
        "PATCH" => Some(Method::Patch),
        "DELETE" => Some(Method::Delete),
        _ => None,
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

/// Reads a line from the terminal for a confirmation. Ctrl-C and Ctrl-D answer with an empty
/// line, that is no: the terminal is put in raw mode for the question (rustyline), so Ctrl-C
/// reaches the question instead of leaving it waiting for the next line typed.
pub(super) fn ask(question: &str) -> Result<String, Failure> {
    use rustyline::error::ReadlineError;
    // On the terminal itself: stdout may carry JSON to a pipe.
    let config = rustyline::Config::builder()
        .behavior(rustyline::config::Behavior::PreferTerm)
        .auto_add_history(false)
        .build();
    let mut editor = rustyline::DefaultEditor::with_config(config)
        .map_err(|e| Failure::Message(format!("cannot read the answer: {e}")))?;
    match editor.readline(question) {
        Ok(answer) => Ok(answer),
        Err(ReadlineError::Interrupted | ReadlineError::Eof) => Ok(String::new()),
        Err(e) => fail(format!("cannot read the answer: {e}")),
    }
}

/// An object's state around a write.
enum Peek {
    Found(Value),
    /// 404: it no longer exists.
    Gone,
    /// The GET failed or said nothing useful.
    Unknown,
}

/// The status of a user or app, with where it is heading while Okta works asynchronously.
fn status_of(object: &Value) -> Option<String> {
    let status = object.get("status").and_then(Value::as_str)?;
    Some(
        match object.get("transitioningToStatus").and_then(Value::as_str) {
            Some(to) => format!("{to} (in progress)"),
            None => status.to_string(),
        },
    )
}

/// `ada@example.com: ACTIVE → DEPROVISIONED (delete again to remove)`, when something is known.
fn transition(method: Method, before: &Peek, after: &Peek) -> Option<String> {
    let (label, from) = match before {
        Peek::Found(v) => (okta::object_label(v)?.to_string(), status_of(v)),
        _ => return None,
    };
    let change = match (after, &from) {
        (Peek::Gone, Some(from)) => format!("{from} → deleted"),
        (Peek::Gone, None) => "deleted".to_string(),
        (Peek::Found(v), from) => {
            let to = status_of(v)?;
            match from {
                Some(from) if *from == to => format!("still {to}"),
                Some(from) => format!("{from} → {to}"),
                None => to,
            }
        }
        (Peek::Unknown, _) => return None,
    };
    let still_there = matches!(after, Peek::Found(v) if v.get("status").and_then(Value::as_str) == Some("DEPROVISIONED"));
    let hint = if method == Method::Delete && still_there {
        " (delete again to remove)"
    } else {
        ""
    };
    Some(format!("{label}: {change}{hint}"))
}

/// What is known of an object that carries only `self`.
struct OnlySelf {
    /// It was fetched whole, by its own URL, rather than taken from a list.
    whole: bool,
    /// The path of the spec's POST for this link name at the object (`…/lifecycle/activate`).
    action: Option<String>,
}

/// Why `follow REL` finds no link, and what to do: the links the value has, why it may lack
/// this one (its status; a list item carries only `self`; a value fetched before a change),
/// and a spelling suggestion only for a name that is not itself a link name (so `unsuspend`
/// is never "corrected" to its opposite `suspend`).
fn missing_link(
    rel: &str,
    headers: &[(String, String)],
    body: &Value,
    source: &str,
    only_self: OnlySelf,
) -> String {
    let mut names: Vec<String> = headers.iter().map(|(r, _)| r.clone()).collect();
    if let Some(map) = body.get("_links").and_then(Value::as_object) {
        names.extend(map.keys().cloned());
    }
    let wrapped_list = body
        .as_object()
        .is_some_and(|map| render::wrapped_list(map, "").is_some());
    if rel == "next" && (body.is_array() || wrapped_list) {
        return "no `next` link: this is the last page".to_string();
    }
    if let Some(items) = body.as_array() {
        if items.is_empty() {
            return format!("no link `{rel}`: {source} is an empty list");
        }
        let first_links = items
            .first()
            .and_then(|item| item.get("_links"))
            .and_then(Value::as_object);
        if first_links.is_some_and(|links| links.contains_key(rel)) {
            return format!(
                "no link `{rel}`: {source} is a list; follow one item's: `follow {rel} {source}[0]`"
            );
        }
        let item_links: Vec<&str> = first_links
            .map(|links| links.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if item_links.iter().any(|name| *name != "self") {
            return format!(
                "no link `{rel}`: {source} is a list, and its items' links are {}; `get` one item first (get {source}[0]), then `follow {rel}`",
                item_links.join(", ")
            );
        }
        return format!(
            "no link `{rel}`: {source} is a list, and list items carry only `self`; `get` one item first (get {source}[0]), then `follow {rel}`"
        );
    }
    if names.is_empty() {
        return format!("no link `{rel}` here: {source} has no links");
    }
    let label = okta::object_label(body).unwrap_or(source);
    let status = body.get("status").and_then(Value::as_str);
    let on = match status {
        Some(status) => format!("{label} ({status})"),
        None => label.to_string(),
    };
    let listed = names.join(", ");
    if names.iter().all(|n| n == "self") {
        return match (only_self.whole, only_self.action) {
            (true, Some(path)) => format!(
                "no link `{rel}` on {on}: Okta gave it only `self`; the spec has `post {path}` for it"
            ),
            (true, None) => format!("no link `{rel}` on {on}: Okta gave it only `self`"),
            (false, _) => format!(
                "no link `{rel}` on {on}: it carries only `self`, as items of a list do; `get {source}` for its full links, then `follow {rel}`"
            ),
        };
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let known = okta::LINK_NAMES.contains(&rel);
    let typo = if known {
        None
    } else {
        let mut candidates = refs.clone();
        candidates.extend(okta::LINK_NAMES);
        lang::suggest(rel, &candidates).filter(|s| refs.contains(&s.as_str()))
    };
    if let Some(s) = typo {
        return format!("no link `{rel}` on {on}; did you mean `{s}`? (links: {listed})");
    }
    // Which statuses offer a link is known for users only: an authorization server's
    // `activate` is no user's.
    let user = body.pointer("/profile/login").is_some();
    let why = match (okta::user_link_offered(rel), status) {
        (Some(offered), Some(_)) if user => format!(": Okta offers it to {offered}"),
        _ => String::new(),
    };
    format!(
        "no link `{rel}` on {on}{why} (links: {listed}); if it changed since this value was fetched, `get {source}` to refresh it"
    )
}

/// A word as it could be typed again (`$u`, `$last[0]`, `users/$id`), for hints.
fn word_source(word: &Word) -> String {
    word.parts
        .iter()
        .map(|part| match part {
            WordPart::Text(t) => t.clone(),
            WordPart::Ref(e) => {
                let root = match &e.root {
                    Root::Last => "$last".to_string(),
                    Root::Entry(n) => format!("${n}"),
                    Root::Var(v) => format!("${v}"),
                };
                e.steps.iter().fold(root, |s, step| s + &step_text(step))
            }
        })
        .collect()
}

/// `3 of 200 failed: item 4 (/api/v1/users/x): 404, …`.
fn failed_items(items: &[String], total: usize) -> String {
    format!("{} of {total} failed: {}", items.len(), first_ten(items))
}

/// What failed, for one line: the first ten, and how many more.
pub(super) fn first_ten(items: &[String]) -> String {
    const NAMED: usize = 10;
    let mut line = items[..items.len().min(NAMED)].join(", ");
    if items.len() > NAMED {
        line.push_str(&format!(", and {} more", items.len() - NAMED));
    }
    line
}
