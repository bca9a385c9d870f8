//! The HTTP client: auth, same-origin rule, retries, the rate-limit governor and `link` headers.
//!
//! A token is attached only when the request goes to the environment's own origin, and only
//! here; everything above this module sees URLs and headers without secrets.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE,
};
use url::Url;

use crate::auth::{Auth, ServiceApp, TokenUnset};
use crate::oauth::{self, DpopKey, Grant, TokenType};
use crate::urls::{origin_text, same_origin};

pub mod body;
pub use body::{Body, CompactJson, COMPACT_ABOVE};

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
    /// A JSON list answer is kept as its items' text ([`Body::Compact`]), not parsed.
    pub items_as_text: bool,
}

impl Request {
    /// A request without extra headers whose answer is read whole.
    pub fn new(method: reqwest::Method, url: Url, body: Option<RequestBody>) -> Request {
        Request {
            method,
            url,
            body,
            headers: Vec::new(),
            items_as_text: false,
        }
    }
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

/// The last rate-limit figures an org sent, for the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub remaining: u64,
    pub limit: u64,
    /// Epoch seconds.
    pub reset: u64,
}

/// A response's headers in the order they came, with one case-insensitive lookup. Values are
/// kept as text (lossily, for the rare non-UTF-8 byte) since they are shown and stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    /// The first value of header `name`, in any case.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name` (`link` may come once per relation).
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The stored pairs, for memory accounting.
    pub fn pairs(&self) -> &Vec<(String, String)> {
        &self.0
    }
}

impl From<&HeaderMap> for Headers {
    fn from(map: &HeaderMap) -> Headers {
        map.iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect()
    }
}

impl FromIterator<(String, String)> for Headers {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Headers {
        Headers(pairs.into_iter().collect())
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Headers,
    pub body: Body,
    pub size: usize,
    pub elapsed: Duration,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    pub fn rate_limit(&self) -> Option<RateLimit> {
        rate_limit_of(&self.headers)
    }
}

/// A failure to get any response, with what to check.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// Safety: the token is never sent to another origin.
    #[error("refusing to send the token to {to}: it is not this environment's org ({org})")]
    TokenToOtherOrigin { to: String, org: String },
    #[error(transparent)]
    TokenUnset(#[from] TokenUnset),
    #[error("the token holds characters a header cannot carry")]
    TokenNotAHeader,
    /// A service app's key could not be read or used.
    #[error(transparent)]
    Key(#[from] oauth::KeyError),
    /// The org's token endpoint refused: the line says what to fix.
    #[error("{0}")]
    TokenRefused(String),
    #[error(
        "{origin}{} answered {status} without an OAuth answer: is this an Okta org URL?",
        oauth::TOKEN_PATH
    )]
    NoTokenEndpoint { origin: String, status: u16 },
    /// Nothing was sent, and sending again would fail the same way.
    #[error("the URL is {kb} KB long, over the 64 KB an HTTP request can carry: ask for less (a shorter filter, fewer ids per request)")]
    UrlTooLong { kb: usize },
    #[error("cannot send a request to {origin}: the URL is not valid for HTTP")]
    UrlNotSendable { origin: String },
    #[error("cannot set up HTTPS: {0}")]
    Setup(#[source] reqwest::Error),
    /// The connection failed or dropped: worth another try for an idempotent request.
    #[error("{}", .kind.describe(.host, .origin, .detail))]
    Transport {
        kind: TransportKind,
        host: String,
        origin: String,
        /// The error chain, for the kinds that have nothing better to say.
        detail: String,
    },
    /// Another try would read the same body again.
    #[error("the response from {host} passed the {limit_mb} MB body cap (--max-body-mb raises it; `ls … --all > FILE` keeps each page small)")]
    BodyTooLarge { host: String, limit_mb: u64 },
    /// The request's whole time (every attempt) ran out.
    #[error("no complete answer from {host} within {secs} s (--timeout SECS changes the limit)")]
    TimedOut { host: String, secs: u64 },
}

/// What went wrong on the wire, found from the types in reqwest's error chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// reqwest's own connect or read timeout.
    Timeout,
    Dns,
    Tls,
    Refused,
    /// Any other failure to connect.
    Connect,
    /// The connection closed or reset before the response was complete.
    Dropped,
    Other,
}

impl TransportKind {
    /// Finds the kind by walking the error chain and looking at each error's type.
    pub fn of(error: &reqwest::Error) -> TransportKind {
        use std::io::ErrorKind;
        if error.is_timeout() {
            return TransportKind::Timeout;
        }
        if error.is_dns() {
            return TransportKind::Dns;
        }
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(e) = source {
            if e.is::<rustls::Error>() {
                return TransportKind::Tls;
            }
            let io = e.downcast_ref::<std::io::Error>();
            if let Some(io) = io {
                match io.kind() {
                    ErrorKind::ConnectionRefused => return TransportKind::Refused,
                    ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof => return TransportKind::Dropped,
                    ErrorKind::TimedOut => return TransportKind::Timeout,
                    _ => {}
                }
            }
            if let Some(hyper) = e.downcast_ref::<hyper::Error>() {
                if hyper.is_incomplete_message() || hyper.is_closed() || hyper.is_canceled() {
                    return TransportKind::Dropped;
                }
            }
            source = match io {
                // An io::Error wrapping another error (rustls hands its errors to hyper inside
                // one, sometimes twice) lists the wrapped error's source, not the wrapped error.
                Some(io) => io
                    .get_ref()
                    .map(|inner| inner as &(dyn std::error::Error + 'static)),
                None => e.source(),
            };
        }
        if error.is_connect() {
            TransportKind::Connect
        } else if error.is_body() || error.is_decode() {
            TransportKind::Dropped
        } else {
            TransportKind::Other
        }
    }

    /// One line saying what failed and what to check.
    fn describe(self, host: &str, origin: &str, detail: &str) -> String {
        match self {
            TransportKind::Timeout => {
                format!("the request to {host} timed out: check the network, or try again")
            }
            TransportKind::Dns => format!(
                "cannot resolve {host}: check the org URL's spelling (https://YOUR-ORG.okta.com)"
            ),
            TransportKind::Tls => format!("TLS failed with {host}: the certificate was not accepted; check the org URL and any proxy"),
            TransportKind::Refused => {
                format!("connection refused by {origin}: is the org URL right and the server up?")
            }
            TransportKind::Connect => {
                format!("cannot connect to {origin}: check the org URL and the network")
            }
            TransportKind::Dropped => {
                format!("the connection to {host} dropped before the response was complete")
            }
            TransportKind::Other => format!("request to {host} failed: {detail}"),
        }
    }
}

impl HttpError {
    fn is_retryable(&self) -> bool {
        matches!(self, HttpError::Transport { .. })
    }

    fn transport(error: &reqwest::Error, url: &Url) -> HttpError {
        // reqwest names the URL in its message; a URL can be huge, and it is not what failed.
        let named_url = error.url().map(Url::as_str).unwrap_or(url.as_str());
        let mut chain = Vec::new();
        let mut source: Option<&dyn std::error::Error> = Some(error);
        while let Some(e) = source {
            chain.push(e.to_string().replace(named_url, "…"));
            source = e.source();
        }
        HttpError::Transport {
            kind: TransportKind::of(error),
            host: url.host_str().unwrap_or("?").to_string(),
            origin: origin_text(url),
            detail: chain.join(": "),
        }
    }

    /// Why a request could not even be built: nearly always a URL over HTTP's 64 KB line.
    fn unsendable(url: &Url) -> HttpError {
        let length = url.as_str().len();
        if length > 65_000 {
            HttpError::UrlTooLong { kb: length / 1024 }
        } else {
            HttpError::UrlNotSendable {
                origin: origin_text(url),
            }
        }
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

/// Sends requests, several at once when asked (`&self`): what requests share — the
/// connection pool, the rate-limit budget, minted tokens — is behind locks of its own.
pub struct Client {
    /// Built at the first request: loading TLS roots costs milliseconds that a shell which
    /// only evaluates (`oktash -c 'echo 1'`) should not pay at start-up.
    inner: std::sync::OnceLock<reqwest::Client>,
    /// Where waits and retries are told.
    pub notices: Box<dyn Notices>,
    /// One request's whole time, all attempts together: a body trickling in fails in bounded
    /// time rather than restarting a per-read timeout.
    pub timeout: Duration,
    /// The most bytes of one response body read into memory.
    pub max_body_mb: u64,
    last_rate: std::sync::Mutex<Option<LastRate>>,
    /// Held while a token is minted, so that requests in flight together mint one.
    tokens: tokio::sync::Mutex<Tokens>,
    /// Requests sent and not yet answered, to estimate what is left of the budget.
    in_flight: AtomicU64,
    /// Concurrency 429s seen (Okta's answer to too many requests in flight), for a fan-out to
    /// send fewer at once.
    concurrency_refusals: AtomicU64,
    /// A wait's line is on the screen.
    showing_wait: AtomicBool,
}

/// Lowers a flag when dropped (also when Ctrl-C drops the future that raised it).
struct ClearOnDrop<'a>(&'a AtomicBool);

impl Drop for ClearOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Counts a request in flight while it lives.
struct InFlight<'a>(&'a AtomicU64);

impl<'a> InFlight<'a> {
    fn start(count: &'a AtomicU64) -> InFlight<'a> {
        count.fetch_add(1, Ordering::Relaxed);
        InFlight(count)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Access tokens minted for service apps (in memory only, never written or shown), and the
/// session's DPoP key.
#[derive(Default)]
struct Tokens {
    minted: std::collections::HashMap<AppAtOrg, Minted>,
    dpop_key: Option<DpopKey>,
    /// The nonce each org's token endpoint last asked DPoP proofs to carry.
    nonces: std::collections::HashMap<String, String>,
    /// Apps whose org asked for DPoP though the environment did not say `--dpop`.
    dpop_asked: std::collections::HashSet<AppAtOrg>,
}

/// One service app at one org with one set of scopes: tokens are not shared beyond it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct AppAtOrg {
    origin: String,
    client_id: String,
    scopes: Vec<String>,
}

impl AppAtOrg {
    fn of(base: &Url, app: &ServiceApp) -> AppAtOrg {
        AppAtOrg {
            origin: origin_text(base),
            client_id: app.client_id.clone(),
            scopes: app.scopes.clone(),
        }
    }
}

struct Minted {
    grant: Grant,
    /// Renewed a little before it runs out, so that a request never carries a dying token.
    renew_at: Instant,
    expires_at: Instant,
}

impl Minted {
    fn new(grant: Grant) -> Minted {
        let now = Instant::now();
        let margin = (grant.expires_in / 4).min(Duration::from_secs(60));
        Minted {
            renew_at: now + grant.expires_in - margin,
            expires_at: now + grant.expires_in,
            grant,
        }
    }
}

/// What `env` shows of a service app's current token.
#[derive(Debug, Clone)]
pub struct TokenStatus {
    pub token_type: TokenType,
    pub scopes: Vec<String>,
    /// Zero once it has run out (a new one is minted at the next request).
    pub expires_in: Duration,
    /// `••••abcd`, for `as curl`.
    pub masked: String,
}

/// The headers that prove who is asking, for one attempt of one request.
struct Credentials {
    authorization: HeaderValue,
    /// A fresh single-use proof, for a DPoP-bound token.
    dpop: Option<HeaderValue>,
}

/// The budget the last response reported, to pace the next requests to the same org.
struct LastRate {
    origin: url::Origin,
    /// What is left of the window: the last figure less the requests sent since.
    remaining: u64,
    /// When the window resets, on our clock (`Reset − Date + 1` after that response came).
    resets_at: Instant,
}

impl Default for Client {
    fn default() -> Client {
        Client {
            inner: std::sync::OnceLock::new(),
            notices: Box::new(NoNotices),
            timeout: DEFAULT_TIMEOUT,
            max_body_mb: DEFAULT_MAX_BODY_MB,
            last_rate: std::sync::Mutex::new(None),
            tokens: tokio::sync::Mutex::new(Tokens::default()),
            in_flight: AtomicU64::new(0),
            concurrency_refusals: AtomicU64::new(0),
            showing_wait: AtomicBool::new(false),
        }
    }
}

impl Client {
    fn inner(&self) -> Result<&reqwest::Client, HttpError> {
        if self.inner.get().is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let client = reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .connect_timeout(Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(HttpError::Setup)?;
            let _ = self.inner.set(client);
        }
        Ok(self.inner.get().expect("built above"))
    }

    /// Sends a request to the target's org, waiting out rate limits and retrying idempotent
    /// requests on connection errors and 5xx. Cancel by dropping the future.
    pub async fn send(
        &self,
        target: &Target<'_>,
        request: &Request,
    ) -> Result<Response, HttpError> {
        if !same_origin(target.base, &request.url) {
            return Err(HttpError::TokenToOtherOrigin {
                to: origin_text(&request.url),
                org: origin_text(target.base),
            });
        }
        let idempotent = matches!(request.method, reqwest::Method::GET | reqwest::Method::HEAD);
        let host = request.url.host_str().unwrap_or("?").to_string();
        let mut deadline = tokio::time::Instant::now() + self.timeout;
        let mut attempt = 0;
        let mut rate_waits = 0;
        let mut renewed = false;
        loop {
            // Waiting out a rate limit is shown and Ctrl-C ends it: it does not count against
            // the request's own time.
            let paced = self.pace(&request.url).await;
            deadline += paced;
            let result = tokio::time::timeout_at(deadline, async {
                let credentials = self.credentials(target, request).await?;
                self.send_once(credentials, request).await
            })
            .await
            .unwrap_or_else(|_| {
                Err(HttpError::TimedOut {
                    host: host.clone(),
                    secs: self.timeout.as_secs(),
                })
            });
            // A minted token the org no longer takes (revoked, or its clock ran ahead of ours)
            // is minted anew once; nothing was done with the refused request.
            if let (Ok(response), Some(Auth::ServiceApp(app))) = (&result, target.auth) {
                if response.status == 401 && !renewed {
                    renewed = true;
                    let at = AppAtOrg::of(target.base, app);
                    self.tokens.lock().await.minted.remove(&at);
                    continue;
                }
            }
            // 4xx other than 429, a cap or a timeout would come back the same: never retried.
            let retry_why = match &result {
                Ok(response) if response.status == 429 && rate_waits < RATE_LIMIT_WAITS => {
                    rate_waits += 1;
                    if is_concurrency_refusal(&response.headers) {
                        self.concurrency_refusals.fetch_add(1, Ordering::Relaxed);
                    }
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

    /// The credential headers for one attempt: the token as it is, or a service app's access
    /// token (minted when there is none or it is about to run out) with a fresh DPoP proof.
    async fn credentials(
        &self,
        target: &Target<'_>,
        request: &Request,
    ) -> Result<Option<Credentials>, HttpError> {
        let header = |scheme: &str, token: &str| {
            let mut value = HeaderValue::from_str(&format!("{scheme} {token}"))
                .map_err(|_| HttpError::TokenNotAHeader)?;
            value.set_sensitive(true);
            Ok::<_, HttpError>(value)
        };
        match target.auth {
            None => Ok(None),
            Some(Auth::Token { scheme, token }) => Ok(Some(Credentials {
                authorization: header(scheme.as_str(), token.resolve()?.expose())?,
                dpop: None,
            })),
            Some(Auth::ServiceApp(app)) => {
                let at = AppAtOrg::of(target.base, app);
                let mut tokens = self.tokens.lock().await;
                let fresh = tokens
                    .minted
                    .get(&at)
                    .is_some_and(|m| Instant::now() < m.renew_at);
                if !fresh {
                    let minted = self.mint(&mut tokens, target.base, app).await?;
                    tokens.minted.insert(at.clone(), minted);
                }
                let tokens = &mut *tokens;
                let grant = &tokens.minted[&at].grant;
                let dpop = match grant.token_type {
                    TokenType::Bearer => None,
                    TokenType::Dpop => {
                        let proof = tokens.dpop_key.get_or_insert_with(DpopKey::generate).proof(
                            request.method.as_str(),
                            &request.url,
                            None,
                            Some(&grant.access_token),
                        );
                        Some(
                            HeaderValue::from_str(&proof)
                                .map_err(|_| HttpError::TokenNotAHeader)?,
                        )
                    }
                };
                Ok(Some(Credentials {
                    authorization: header(grant.token_type.scheme(), grant.access_token.expose())?,
                    dpop,
                }))
            }
        }
    }

    /// Asks the org authorization server for an access token (client_credentials with a
    /// private_key_jwt assertion), with DPoP when the environment says so or the org asks for
    /// it, and the nonce dance: a `use_dpop_nonce` refusal is answered once with its nonce.
    async fn mint(
        &self,
        tokens: &mut Tokens,
        base: &Url,
        app: &ServiceApp,
    ) -> Result<Minted, HttpError> {
        let key = oauth::AppKey::load(&app.key)?;
        let token_url = base
            .join(oauth::TOKEN_PATH)
            .map_err(|_| HttpError::unsendable(base))?;
        let at = AppAtOrg::of(base, app);
        let origin = at.origin.clone();
        let mut dpop = app.dpop || tokens.dpop_asked.contains(&at);
        let mut nonce_sent = None;
        loop {
            let form = oauth::token_request_form(app, &key, token_url.as_str())?;
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
            if dpop {
                let nonce = tokens.nonces.get(&origin).cloned();
                let proof = tokens.dpop_key.get_or_insert_with(DpopKey::generate).proof(
                    "POST",
                    &token_url,
                    nonce.as_deref(),
                    None,
                );
                headers.insert(
                    "dpop",
                    HeaderValue::from_str(&proof).map_err(|_| HttpError::TokenNotAHeader)?,
                );
                nonce_sent = Some(nonce);
            }
            let mut response = self
                .inner()?
                .post(token_url.clone())
                .headers(headers)
                .body(form)
                .send()
                .await
                .map_err(|e| HttpError::transport(&e, &token_url))?;
            let status = response.status().as_u16();
            let nonce = response
                .headers()
                .get("dpop-nonce")
                .and_then(|v| v.to_str().ok())
                .map(String::from);
            // A token answer is a few hundred bytes: read at most 64 KB of whatever came.
            let mut bytes = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| HttpError::transport(&e, &token_url))?
            {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > 64 * 1024 {
                    break;
                }
            }
            let refusal = match oauth::read_token_answer(status, &bytes, &app.scopes) {
                Some(Ok(grant)) => return Ok(Minted::new(grant)),
                Some(Err(refusal)) => refusal,
                None => return Err(HttpError::NoTokenEndpoint { origin, status }),
            };
            // The org wants DPoP, or a proof with its (new) nonce: once per nonce, so that a
            // server that keeps asking cannot loop us.
            let retry = refusal.wants_dpop()
                && (!dpop || (nonce.is_some() && nonce_sent.as_ref() != Some(&nonce)));
            if !retry {
                return Err(HttpError::TokenRefused(refusal.explain(app)));
            }
            if !dpop {
                tokens.dpop_asked.insert(at.clone());
                dpop = true;
            }
            if let Some(nonce) = nonce {
                tokens.nonces.insert(origin.clone(), nonce);
            }
        }
    }

    /// The current token of a service app at an org, if one was minted this session.
    pub fn token_status(&self, base: &Url, app: &ServiceApp) -> Option<TokenStatus> {
        // Between commands nothing holds the lock.
        let tokens = self.tokens.try_lock().ok()?;
        let minted = tokens.minted.get(&AppAtOrg::of(base, app))?;
        Some(TokenStatus {
            token_type: minted.grant.token_type,
            scopes: minted.grant.scopes.clone(),
            expires_in: minted.expires_at.saturating_duration_since(Instant::now()),
            masked: minted.grant.access_token.masked(),
        })
    }

    /// The current access token of a service app, for `as curl --reveal`.
    pub fn access_token(
        &self,
        base: &Url,
        app: &ServiceApp,
    ) -> Option<(TokenType, crate::auth::Secret)> {
        let tokens = self.tokens.try_lock().ok()?;
        let grant = &tokens.minted.get(&AppAtOrg::of(base, app))?.grant;
        Some((grant.token_type, grant.access_token.clone()))
    }

    async fn send_once(
        &self,
        credentials: Option<Credentials>,
        request: &Request,
    ) -> Result<Response, HttpError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(credentials) = credentials {
            headers.insert(AUTHORIZATION, credentials.authorization);
            if let Some(proof) = credentials.dpop {
                headers.insert("dpop", proof);
            }
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
        let _in_flight = InFlight::start(&self.in_flight);
        let started = Instant::now();
        let mut response = builder.headers(headers).send().await.map_err(|e| {
            if e.is_builder() {
                // Nothing was sent, and sending again would fail the same way.
                HttpError::unsendable(&request.url)
            } else {
                HttpError::transport(&e, &request.url)
            }
        })?;
        let status = response.status().as_u16();
        let headers = Headers::from(response.headers());
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
            .map_err(|e| HttpError::transport(&e, &request.url))?
        {
            if bytes.len() + chunk.len() > cap {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        let elapsed = started.elapsed();
        self.note_budget(&request.url, &headers);
        let size = bytes.len();
        Ok(Response {
            status,
            body: if request.items_as_text {
                decode_items(&bytes)
            } else {
                decode_body(&bytes)
            },
            headers,
            size,
            elapsed,
        })
    }

    /// After a response: what is left of its window's budget (less the other requests still
    /// in flight, which it did not count), and when the window resets on our clock. A
    /// concurrency 429's zeros are not a budget.
    fn note_budget(&self, url: &Url, headers: &Headers) {
        let Some(rate) = rate_limit_of(headers) else {
            return;
        };
        if is_concurrency_refusal(headers) {
            return;
        }
        let others = self.in_flight.load(Ordering::Relaxed).saturating_sub(1);
        let noted = LastRate {
            origin: url.origin(),
            remaining: rate.remaining.saturating_sub(others),
            resets_at: Instant::now() + rate_limit_wait(headers).unwrap_or(Duration::ZERO),
        };
        let mut last = self.last_rate.lock().unwrap_or_else(|e| e.into_inner());
        *last = match last.take() {
            // Answers come back out of order: within one window the smallest figure is the
            // newest.
            Some(l)
                if l.origin == noted.origin
                    && l.resets_at.max(noted.resets_at) - l.resets_at.min(noted.resets_at)
                        < Duration::from_secs(1) =>
            {
                Some(LastRate {
                    remaining: l.remaining.min(noted.remaining),
                    ..noted
                })
            }
            _ => Some(noted),
        };
    }

    /// Before a request: when the budget of this window is spent, wait for its reset rather
    /// than earn a 429; otherwise count the request against it. Requests in flight together
    /// share the one budget. Returns how long it waited.
    async fn pace(&self, url: &Url) -> Duration {
        let wait = {
            let mut last = self.last_rate.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            match last.as_mut() {
                Some(l) if l.origin != url.origin() => Duration::ZERO,
                // A new window: its budget is known at its first answer.
                Some(l) if now >= l.resets_at => {
                    *last = None;
                    Duration::ZERO
                }
                Some(l) if l.remaining > 0 => {
                    l.remaining -= 1;
                    Duration::ZERO
                }
                Some(l) => l.resets_at - now,
                None => Duration::ZERO,
            }
        };
        if !wait.is_zero() {
            self.wait_visibly(wait, "rate-limit budget spent").await;
        }
        wait
    }

    /// Concurrency 429s seen since the last call: a fan-out sends fewer at once after one.
    pub fn take_concurrency_refusals(&self) -> u64 {
        self.concurrency_refusals.swap(0, Ordering::Relaxed)
    }

    async fn wait_visibly(&self, wait: Duration, why: &str) {
        // Requests in flight together wait together: one of them shows the wait.
        if self.showing_wait.swap(true, Ordering::Relaxed) {
            tokio::time::sleep(wait).await;
            return;
        }
        let _shown = ClearOnDrop(&self.showing_wait);
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

/// Okta's answer to too many requests in flight at once: a 429 whose limit and remaining are 0
/// (its reset is only a suggestion).
fn is_concurrency_refusal(headers: &Headers) -> bool {
    headers
        .get("x-rate-limit-limit")
        .is_some_and(|l| l.trim() == "0")
}

/// `Reset − Date + 1` seconds, as Okta's SDKs compute it (the server's clock, not ours).
pub fn rate_limit_wait(headers: &Headers) -> Option<Duration> {
    let reset: u64 = headers.get("x-rate-limit-reset")?.trim().parse().ok()?;
    let now = headers
        .get("date")
        .and_then(|d| httpdate::parse_http_date(d).ok())
        .unwrap_or_else(SystemTime::now)
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(Duration::from_secs(reset.saturating_sub(now) + 1).min(MAX_RATE_WAIT))
}

pub fn rate_limit_of(headers: &Headers) -> Option<RateLimit> {
    let num = |name| headers.get(name).and_then(|v| v.trim().parse::<u64>().ok());
    Some(RateLimit {
        remaining: num("x-rate-limit-remaining")?,
        limit: num("x-rate-limit-limit")?,
        reset: num("x-rate-limit-reset").unwrap_or(0),
    })
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

/// A JSON list as its items' text (each validated, none parsed into a `Value`); anything else
/// as [`decode_body`] reads it.
pub fn decode_items(bytes: &[u8]) -> Body {
    match serde_json::from_slice::<Vec<Box<serde_json::value::RawValue>>>(bytes) {
        Ok(items) => Body::Compact(CompactJson::List(items)),
        Err(_) => decode_body(bytes),
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
        let headers: Headers = [
            (
                "Date".to_string(),
                "Mon, 23 Nov 2026 12:00:00 GMT".to_string(),
            ),
            (
                "X-Rate-Limit-Reset".to_string(),
                (1795435200u64 + 10).to_string(),
            ),
        ]
        .into_iter()
        .collect();
        assert_eq!(rate_limit_wait(&headers), Some(Duration::from_secs(11)));
    }

    #[test]
    fn bodies_decode() {
        assert_eq!(decode_body(b"  "), Body::Empty);
        assert!(matches!(decode_body(b"<html>"), Body::Text(_)));
        assert!(matches!(decode_body(b"{\"a\":1}"), Body::Json(_)));
    }
}
