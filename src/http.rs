//! The HTTP client: auth, same-origin rule, retries, the rate-limit governor and `link` headers.
//!
//! A token is attached only when the request goes to the environment's own origin, and only
//! here; everything above this module sees URLs and headers without secrets.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE,
};
use url::Url;

use crate::session::{Auth, Body, RateLimit};

pub const USER_AGENT: &str = concat!("oktash/", env!("CARGO_PKG_VERSION"));

/// How many times an idempotent request is tried again after a connection error or a 5xx.
const RETRIES: u32 = 3;
/// How many 429s in a row one request waits out before giving up.
const RATE_LIMIT_WAITS: u32 = 5;
/// The longest single wait for a rate-limit window to reset.
const MAX_RATE_WAIT: Duration = Duration::from_secs(90);
/// How long one request may take, all its attempts together, unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// How much of one response body is read into memory, unless configured.
pub const DEFAULT_MAX_BODY_MB: u64 = 64;

/// What to send. The URL is absolute; auth is added by [`Client::send`].
#[derive(Debug, Clone)]
pub struct Request {
    pub method: reqwest::Method,
    pub url: Url,
    pub body: Option<RequestBody>,
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct RequestBody {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl RequestBody {
    pub fn json(value: &serde_json::Value) -> RequestBody {
        RequestBody {
            content_type: "application/json".into(),
            bytes: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub size: usize,
    pub elapsed: Duration,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn rate_limit(&self) -> Option<RateLimit> {
        rate_limit_of(&self.headers)
    }
}

/// A failure to get any response, with what to check.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    Refused(String),
    /// The connection failed or dropped: worth another try for an idempotent request.
    #[error("{0}")]
    Transport(String),
    /// Another try would read the same body again.
    #[error("the response from {host} passed the {limit_mb} MB body cap (--max-body-mb raises it; `ls … --all > FILE` keeps each page small)")]
    BodyTooLarge { host: String, limit_mb: u64 },
    /// The request's whole time (every attempt) ran out.
    #[error("no complete answer from {host} within {secs} s (--timeout SECS changes the limit)")]
    TimedOut { host: String, secs: u64 },
}

impl HttpError {
    fn is_retryable(&self) -> bool {
        matches!(self, HttpError::Transport(_))
    }
}

/// What the client tells a person while it waits or retries; `render` draws it, so that
/// nothing in this module writes to the terminal.
pub trait Notices: Send {
    /// An idempotent request is tried again after `why`.
    fn retrying(&self, why: &str, attempt: u32, of: u32);
    /// A wait of `total` begins (a rate-limit window to reset).
    fn wait_started(&self, why: &str, total: Duration);
    /// The same wait, `left` to go (called about once a second).
    fn wait_left(&self, why: &str, left: Duration);
    /// The wait is over or was cancelled: its line goes.
    fn wait_ended(&self);
}

/// For a client nobody watches (tests, embedding).
pub struct NoNotices;

impl Notices for NoNotices {
    fn retrying(&self, _: &str, _: u32, _: u32) {}
    fn wait_started(&self, _: &str, _: Duration) {}
    fn wait_left(&self, _: &str, _: Duration) {}
    fn wait_ended(&self) {}
}

/// Ends a wait's line when the wait ends, also when Ctrl-C drops the wait half-way.
struct WaitLine<'a>(&'a dyn Notices);

impl Drop for WaitLine<'_> {
    fn drop(&mut self) {
        self.0.wait_ended();
    }
}

/// The org the request is for: its base URL and credential.
pub struct Target<'a> {
    pub base: &'a Url,
    pub auth: Option<&'a Auth>,
}

pub struct Client {
    /// Built at the first request: loading TLS roots costs milliseconds that a shell which
    /// only evaluates (`oktash -c 'echo 1'`) should not pay at start-up.
    inner: Option<reqwest::Client>,
    /// Where waits and retries are told.
    pub notices: Box<dyn Notices>,
    /// One request's whole time, all attempts together: a body trickling in fails in bounded
    /// time rather than restarting a per-read timeout.
    pub timeout: Duration,
    /// The most bytes of one response body read into memory.
    pub max_body_mb: u64,
    last_rate: Option<LastRate>,
}

/// The budget the last response reported, to pace the next request to the same org.
struct LastRate {
    origin: url::Origin,
    rate: RateLimit,
    /// The server's `Date`, and when that response arrived here.
    date: Option<SystemTime>,
    received: Instant,
}

impl Default for Client {
    fn default() -> Client {
        Client {
            inner: None,
            notices: Box::new(NoNotices),
            timeout: DEFAULT_TIMEOUT,
            max_body_mb: DEFAULT_MAX_BODY_MB,
            last_rate: None,
        }
    }
}

impl Client {
    fn inner(&mut self) -> Result<&reqwest::Client, HttpError> {
        if self.inner.is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let client = reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .connect_timeout(Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| HttpError::Transport(format!("cannot set up HTTPS: {e}")))?;
            self.inner = Some(client);
        }
        Ok(self.inner.as_ref().expect("built above"))
    }

    /// Sends a request to the target's org, waiting out rate limits and retrying idempotent
    /// requests on connection errors and 5xx. Cancel by dropping the future.
    pub async fn send(
        &mut self,
        target: &Target<'_>,
        request: &Request,
    ) -> Result<Response, HttpError> {
        if !same_origin(target.base, &request.url) {
            return Err(HttpError::Refused(format!(
                "refusing to send the token to {}: it is not this environment's org ({})",
                origin_text(&request.url),
                origin_text(target.base)
            )));
        }
        let idempotent = matches!(request.method, reqwest::Method::GET | reqwest::Method::HEAD);
        let host = request.url.host_str().unwrap_or("?").to_string();
        let mut deadline = tokio::time::Instant::now() + self.timeout;
        let mut attempt = 0;
        let mut rate_waits = 0;
        loop {
            // Waiting out a rate limit is shown and Ctrl-C ends it: it does not count against
            // the request's own time.
            let paced = self.pace(&request.url).await;
            deadline += paced;
            let result = tokio::time::timeout_at(deadline, self.send_once(target, request))
                .await
                .unwrap_or_else(|_| {
                    Err(HttpError::TimedOut {
                        host: host.clone(),
                        secs: self.timeout.as_secs(),
                    })
                });
            // 4xx other than 429, a cap or a timeout would come back the same: never retried.
            let retry_why = match &result {
                Ok(response) if response.status == 429 && rate_waits < RATE_LIMIT_WAITS => {
                    rate_waits += 1;
                    let wait = rate_limit_wait(&response.headers).unwrap_or(Duration::from_secs(2));
                    self.wait_visibly(wait, "rate limit reached (429)").await;
                    deadline += wait;
                    continue;
                }
                Ok(response) if response.status >= 500 && idempotent => {
                    format!("{} from the server", response.status)
                }
                Err(e) if idempotent && e.is_retryable() => e.to_string(),
                _ => return result,
            };
            let backoff = Duration::from_millis(200 * 2u64.pow(attempt));
            if attempt >= RETRIES || tokio::time::Instant::now() + backoff >= deadline {
                return result;
            }
            attempt += 1;
            self.notices.retrying(&retry_why, attempt, RETRIES);
            tokio::time::sleep(backoff).await;
        }
    }

    async fn send_once(
        &mut self,
        target: &Target<'_>,
        request: &Request,
    ) -> Result<Response, HttpError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(auth) = target.auth {
            let token = auth.token.resolve().map_err(HttpError::Refused)?;
            let mut value =
                HeaderValue::from_str(&format!("{} {}", auth.scheme.as_str(), token.expose()))
                    .map_err(|_| {
                        HttpError::Refused(
                            "the token holds characters a header cannot carry".into(),
                        )
                    })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        for (k, v) in &request.headers {
            if let (Ok(name), Ok(value)) = (
                reqwest::header::HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                headers.insert(name, value);
            }
        }
        let mut builder = self
            .inner()?
            .request(request.method.clone(), request.url.clone());
        match &request.body {
            Some(body) => {
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_str(&body.content_type)
                        .unwrap_or(HeaderValue::from_static("application/json")),
                );
                builder = builder.body(body.bytes.clone());
            }
            None => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                if matches!(
                    request.method,
                    reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH
                ) {
                    // Okta answers 411 to a body-less POST/PUT without it.
                    headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
                    builder = builder.body(Vec::new());
                }
            }
        }
        let started = Instant::now();
        let mut response = builder.headers(headers).send().await.map_err(|e| {
            if e.is_builder() {
                // Nothing was sent, and sending again would fail the same way.
                HttpError::Refused(describe_unsendable(&request.url))
            } else {
                HttpError::Transport(describe_transport_error(&e, &request.url))
            }
        })?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let too_large = || HttpError::BodyTooLarge {
            host: request.url.host_str().unwrap_or("?").to_string(),
            limit_mb: self.max_body_mb,
        };
        let cap =
            usize::try_from(self.max_body_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX);
        if response.content_length().is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        // Read chunk by chunk so that an endless body stops at the cap, not at the memory's end.
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| HttpError::Transport(describe_transport_error(&e, &request.url)))?
        {
            if bytes.len() + chunk.len() > cap {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        let elapsed = started.elapsed();
        if let Some(rate) = rate_limit_of(&headers) {
            let date = header(&headers, "date").and_then(|d| httpdate::parse_http_date(d).ok());
            self.last_rate = Some(LastRate {
                origin: request.url.origin(),
                rate,
                date,
                received: Instant::now(),
            });
        }
        let size = bytes.len();
        Ok(Response {
            status,
            body: decode_body(&bytes),
            headers,
            size,
            elapsed,
        })
    }

    /// Before a request: when the last response said the window is spent, wait for its reset
    /// rather than earn a 429.
    /// Returns how long it waited.
    async fn pace(&mut self, url: &Url) -> Duration {
        let Some(last) = self.last_rate.take() else {
            return Duration::ZERO;
        };
        let rate = last.rate;
        if rate.remaining > 0 || rate.limit == 0 || last.origin != url.origin() {
            return Duration::ZERO;
        }
        let then = last.date.unwrap_or_else(SystemTime::now);
        let then_secs = then
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        if rate.reset >= then_secs {
            // `Reset − Date + 1` from that response, less the time since it came (a person may
            // have paused between commands).
            let wait = Duration::from_secs(rate.reset - then_secs + 1)
                .min(MAX_RATE_WAIT)
                .saturating_sub(last.received.elapsed());
            if !wait.is_zero() {
                self.wait_visibly(wait, "rate-limit budget spent").await;
                return wait;
            }
        }
        Duration::ZERO
    }

    async fn wait_visibly(&self, wait: Duration, why: &str) {
        let notices = self.notices.as_ref();
        notices.wait_started(why, wait);
        let _line = WaitLine(notices);
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            notices.wait_left(why, left);
            tokio::time::sleep(left.min(Duration::from_secs(1))).await;
        }
    }
}

/// `Reset − Date + 1` seconds, as Okta's SDKs compute it (the server's clock, not ours).
pub fn rate_limit_wait(headers: &[(String, String)]) -> Option<Duration> {
    let reset: u64 = header(headers, "x-rate-limit-reset")?.trim().parse().ok()?;
    let now = header(headers, "date")
        .and_then(|d| httpdate::parse_http_date(d).ok())
        .unwrap_or_else(SystemTime::now)
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(Duration::from_secs(reset.saturating_sub(now) + 1).min(MAX_RATE_WAIT))
}

pub fn rate_limit_of(headers: &[(String, String)]) -> Option<RateLimit> {
    let num = |name| header(headers, name).and_then(|v| v.trim().parse::<u64>().ok());
    Some(RateLimit {
        remaining: num("x-rate-limit-remaining")?,
        limit: num("x-rate-limit-limit")?,
        reset: num("x-rate-limit-reset").unwrap_or(0),
    })
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The body as JSON when it parses, else as text (an HTML page, a proxy's message).
pub fn decode_body(bytes: &[u8]) -> Body {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Body::Empty;
    }
    match serde_json::from_slice(bytes) {
        Ok(value) => Body::Json(value),
        Err(_) => Body::Text(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// Every `link` relation, from one header per relation or comma-joined ones.
pub fn parse_links<'a>(values: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut links = Vec::new();
    for value in values {
        for part in split_link_header(value) {
            let part = part.trim();
            let Some(rest) = part.strip_prefix('<') else {
                continue;
            };
            let Some(end) = rest.find('>') else { continue };
            let href = &rest[..end];
            for param in rest[end + 1..].split(';') {
                let param = param.trim();
                if let Some(rel) = param.strip_prefix("rel=") {
                    for name in rel.trim_matches('"').split_whitespace() {
                        links.push((name.to_string(), href.to_string()));
                    }
                }
            }
        }
    }
    links
}

/// Splits on commas that are outside `<…>` (URLs may hold commas).
fn split_link_header(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in value.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth <= 0 => {
                parts.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
}

/// `text` as an absolute http(s) URL, if it is one. Schemes are case-insensitive
/// (`HTTP://other/…` is a URL to another host, never a path on the org).
pub fn absolute_url(text: &str) -> Option<Result<Url, url::ParseError>> {
    let (scheme, _) = text.trim_start().split_once(':')?;
    if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
        Some(Url::parse(text.trim()))
    } else {
        None
    }
}

pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

pub fn origin_text(url: &Url) -> String {
    url.origin().ascii_serialization()
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Why a request could not even be built: nearly always a URL over HTTP's 64 KB line.
fn describe_unsendable(url: &Url) -> String {
    let length = url.as_str().len();
    if length > 65_000 {
        format!(
            "the URL is {} KB long, over the 64 KB an HTTP request can carry: ask for less (a shorter filter, fewer ids per request)",
            length / 1024
        )
    } else {
        format!(
            "cannot send a request to {}: the URL is not valid for HTTP",
            origin_text(url)
        )
    }
}

/// One line saying what failed and what to check.
fn describe_transport_error(error: &reqwest::Error, url: &Url) -> String {
    // reqwest names the URL in its message; a URL can be huge, and it is not what failed.
    let named_url = error.url().map(Url::as_str).unwrap_or(url.as_str());
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        chain.push_str(&e.to_string().replace(named_url, "…").to_lowercase());
        chain.push(' ');
        source = e.source();
    }
    let host = url.host_str().unwrap_or("?");
    if error.is_timeout() {
        format!("the request to {host} timed out: check the network, or try again")
    } else if chain.contains("dns")
        || chain.contains("failed to lookup")
        || chain.contains("name or service")
    {
        format!("cannot resolve {host}: check the org URL's spelling (https://YOUR-ORG.okta.com)")
    } else if [
        "certificate",
        "tls",
        "handshake",
        "corrupt message",
        "peer sent",
        "alert",
    ]
    .iter()
    .any(|k| chain.contains(k))
    {
        format!("TLS failed with {host}: the certificate was not accepted; check the org URL and any proxy")
    } else if chain.contains("refused") {
        format!(
            "connection refused by {}: is the org URL right and the server up?",
            origin_text(url)
        )
    } else if error.is_connect() {
        format!(
            "cannot connect to {}: check the org URL and the network",
            origin_text(url)
        )
    } else if error.is_body()
        || error.is_decode()
        || chain.contains("closed")
        || chain.contains("reset")
    {
        format!("the connection to {host} dropped before the response was complete")
    } else {
        format!("request to {host} failed: {}", chain.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_one_per_header_and_comma_joined() {
        let separate = [
            "<https://o/api/v1/users?limit=2>; rel=\"self\"",
            "<https://o/api/v1/users?after=a,b&limit=2>; rel=\"next\"",
        ];
        let links = parse_links(separate.iter().copied());
        assert_eq!(
            links[1],
            (
                "next".into(),
                "https://o/api/v1/users?after=a,b&limit=2".into()
            )
        );
        let joined = "<https://o/x>; rel=\"self\", <https://o/y>; rel=\"next\"";
        let links = parse_links(std::iter::once(joined));
        assert_eq!(
            links,
            vec![
                ("self".into(), "https://o/x".into()),
                ("next".into(), "https://o/y".into())
            ]
        );
    }

    #[test]
    fn wait_uses_server_date() {
        let headers = vec![
            (
                "Date".to_string(),
                "Mon, 23 Nov 2026 12:00:00 GMT".to_string(),
            ),
            (
                "X-Rate-Limit-Reset".to_string(),
                (1795435200u64 + 10).to_string(),
            ),
        ];
        assert_eq!(rate_limit_wait(&headers), Some(Duration::from_secs(11)));
    }

    #[test]
    fn schemes_are_case_insensitive() {
        let url = absolute_url("HTTP://Other.example/x").unwrap().unwrap();
        assert_eq!(url.as_str(), "http://other.example/x");
        assert!(absolute_url("HtTpS://o/").is_some());
        assert!(absolute_url("users/00u1").is_none());
        assert!(absolute_url("ann@example.com").is_none());
    }

    #[test]
    fn bodies_decode() {
        assert_eq!(decode_body(b"  "), Body::Empty);
        assert!(matches!(decode_body(b"<html>"), Body::Text(_)));
        assert!(matches!(decode_body(b"{\"a\":1}"), Body::Json(_)));
    }
}
