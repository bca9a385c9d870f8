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
    #[error("{0}")]
    Transport(String),
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
    /// stderr is a terminal: waits show a live countdown. Otherwise each wait and retry is one
    /// plain line, so that a script's log says why it paused.
    pub notices: bool,
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
            notices: true,
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
                .timeout(Duration::from_secs(120))
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
        let mut attempt = 0;
        let mut rate_waits = 0;
        loop {
            self.pace(&request.url).await;
            let result = self.send_once(target, request).await;
            match result {
                Ok(response) if response.status == 429 && rate_waits < RATE_LIMIT_WAITS => {
                    rate_waits += 1;
                    let wait = rate_limit_wait(&response.headers).unwrap_or(Duration::from_secs(2));
                    self.wait_visibly(wait, "rate limit reached (429)").await;
                }
                Ok(response) if response.status >= 500 && idempotent && attempt < RETRIES => {
                    attempt += 1;
                    self.backoff(attempt, &format!("{} from the server", response.status))
                        .await;
                }
                Err(HttpError::Transport(msg)) if idempotent && attempt < RETRIES => {
                    attempt += 1;
                    self.backoff(attempt, &msg).await;
                }
                other => return other,
            }
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
        let response = builder
            .headers(headers)
            .send()
            .await
            .map_err(|e| HttpError::Transport(describe_transport_error(&e, &request.url)))?;
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
        let bytes = response
            .bytes()
            .await
            .map_err(|e| HttpError::Transport(describe_transport_error(&e, &request.url)))?;
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
    async fn pace(&mut self, url: &Url) {
        let Some(last) = self.last_rate.take() else {
            return;
        };
        let rate = last.rate;
        if rate.remaining > 0 || rate.limit == 0 || last.origin != url.origin() {
            return;
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
            }
        }
    }

    async fn backoff(&self, attempt: u32, why: &str) {
        let wait = Duration::from_millis(200 * 2u64.pow(attempt - 1));
        eprintln!("retrying ({why}), attempt {attempt} of {RETRIES}");
        tokio::time::sleep(wait).await;
    }

    async fn wait_visibly(&self, wait: Duration, why: &str) {
        if !self.notices {
            eprintln!(
                "{why}: waiting {}s for the window to reset",
                wait.as_secs_f64().ceil() as u64
            );
            tokio::time::sleep(wait).await;
            return;
        }
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            if self.notices {
                eprint!(
                    "\r{why}: waiting {}s for the window to reset (Ctrl-C cancels) ",
                    left.as_secs() + 1
                );
            }
            tokio::time::sleep(left.min(Duration::from_secs(1))).await;
        }
        if self.notices {
            eprint!("\r\x1b[2K");
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

/// One line saying what failed and what to check.
fn describe_transport_error(error: &reqwest::Error, url: &Url) -> String {
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        chain.push_str(&e.to_string().to_lowercase());
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
    fn bodies_decode() {
        assert_eq!(decode_body(b"  "), Body::Empty);
        assert!(matches!(decode_body(b"<html>"), Body::Text(_)));
        assert!(matches!(decode_body(b"{\"a\":1}"), Body::Json(_)));
    }
}
