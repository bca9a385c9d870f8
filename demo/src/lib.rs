//! The built-in demo Okta org: an axum server on loopback that behaves like Okta.
//!
//! Every request goes through one handler ([`handle`]): a request id and the limit on requests in
//! flight first, then faults, authentication, the rate-limit bucket and the read-only check,
//! then [`route`] matches the path by hand
//! (so that odd paths, bad methods and bad bodies all get Okta's error envelope rather than
//! axum's plain-text rejections), and the reply gets Okta's headers on the way out, after the
//! latency of an org at a distance ([`distance`]).

mod apps;
mod clock;
mod credentials;
mod distance;
mod dpop;
mod errors;
mod find;
mod generic;
mod group_rules;
mod groups;
mod lifecycle;
mod limits;
mod logs;
mod oauth;
pub mod operations;
mod paging;
mod people;
mod query;
mod scopes;
mod seed;
mod service_app;
pub mod spec_build;
mod state;
mod store;
mod template;
mod users;
mod views;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use serde_json::Value;

use distance::InFlight;
use errors::ApiError;
use limits::{Fault, Faults, Limits, Quota};
use oauth::{OAuth, Refusal, Scheme};
use service_app::ServiceApp;
use store::{Outcome, Store};

pub use distance::Latency;
pub use generic::{listing as operations_listing, MAX_OBJECTS};
pub use operations::Owner;
pub use service_app::{DEMO_CLIENT_ID, DEMO_KEY_ID, GRANTED_SCOPES};

/// How to seed and run the demo org.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// 0 picks a free port.
    pub port: u16,
    pub users: usize,
    pub seed: u64,
    /// The admin token (SSWS or Bearer).
    pub token: String,
    /// A second token whose writes get 403 E0000006.
    pub readonly_token: String,
    /// Requests per bucket in each rate-limit window.
    pub rate_limit: u32,
    /// The rate-limit window in seconds (Okta's is a minute; shorter ones make tests quick).
    pub rate_window_secs: u64,
    /// Fraction of requests that fail as real servers do (0.0 = never).
    pub faults: f64,
    /// The service app's private key (PEM): read if the file exists, else generated and written
    /// there (0600). `None`: generated in memory on first use.
    pub client_key: Option<PathBuf>,
    /// `expires_in` of the access tokens the token endpoint issues.
    pub token_ttl_secs: u64,
    /// Require DPoP-bound tokens (a DPoP proof on every token request).
    pub dpop: bool,
    /// How long every answer waits before it is sent, as from an org far away.
    pub latency: Duration,
    /// Up to this much more, uniformly at random (reproducible for a seed and request number).
    pub jitter: Duration,
    /// Requests in flight at once; the one beyond gets Okta's concurrency 429 (Okta allows 75).
    pub concurrency: usize,
    /// Where the org is kept across restarts: read at start if it is there, written after
    /// every change. `None`: the org lives as long as the server.
    pub state: Option<PathBuf>,
    /// How long a user's activation or deactivation takes, as Okta's asynchronous lifecycle
    /// does: meanwhile the user keeps its status and shows `transitioningToStatus`. Zero: done
    /// before the answer.
    pub transition: Duration,
    /// The most objects one collection of the spec-driven engine holds (its creates beyond
    /// answer 400 E0000001), which bounds the engine's memory.
    pub max_objects: usize,
}

/// Okta's per-org limit on requests in flight (API-FACTS §11).
pub const OKTA_CONCURRENCY: usize = 75;

pub const DEFAULT_TOKEN: &str = "00demoOktashAdminToken0000000000000000k2Qa";
pub const DEFAULT_READONLY_TOKEN: &str = "00demoOktashReadOnlyToken00000000000000r3Ad";

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            port: 0,
            users: 300,
            seed: 1,
            token: DEFAULT_TOKEN.into(),
            readonly_token: DEFAULT_READONLY_TOKEN.into(),
            rate_limit: 6000,
            rate_window_secs: 60,
            faults: 0.0,
            client_key: None,
            token_ttl_secs: 3600,
            dpop: false,
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            concurrency: OKTA_CONCURRENCY,
            state: None,
            transition: Duration::ZERO,
            max_objects: MAX_OBJECTS,
        }
    }
}

/// A demo org serving in the background on the current tokio runtime.
pub struct RunningDemo {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    pub token: String,
    pub readonly_token: String,
    /// The registered API Services app (`private_key_jwt` with the key below).
    pub client_id: String,
    pub key_id: String,
    pub client_key_path: Option<PathBuf>,
    /// `--state`: the file, and whether the org was read from it (else seeded and written there).
    pub state: Option<(PathBuf, bool)>,
    org: Arc<Org>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningDemo {
    /// The service app's private key as PKCS#8 PEM, waiting for it to be generated if need be.
    /// A secret: never print or log it.
    pub async fn client_key_pem(&self) -> anyhow::Result<String> {
        self.org.oauth.app.private_key_pem().await
    }

    /// Stops accepting connections.
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for RunningDemo {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The org's shared state.
pub(crate) struct Org {
    store: RwLock<Store>,
    /// The spec-driven engine's objects, seeded as they are first touched.
    generic: std::sync::Mutex<generic::State>,
    /// Group rules (hand-made), beside the store.
    group_rules: std::sync::Mutex<group_rules::Rules>,
    /// The users seeded at the start: `demo reset` seeds the same again.
    users: usize,
    token: String,
    readonly_token: String,
    limits: Limits,
    faults: Faults,
    requests: AtomicU64,
    seed: u64,
    oauth: OAuth,
    latency: Latency,
    in_flight: InFlight,
    /// Bumped whenever the store may change, so `--state` knows when to write.
    changes: AtomicU64,
    /// How long a user's activation or deactivation takes (`--transition-ms`).
    transition: Duration,
    /// The most objects one engine collection holds (`--max-objects`).
    max_objects: usize,
}

impl Org {
    fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.changes.fetch_add(1, Ordering::Release);
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The generic engine's objects (counted as a change: even a read may seed a path).
    fn generic(&self) -> std::sync::MutexGuard<'_, generic::State> {
        self.changes.fetch_add(1, Ordering::Release);
        self.generic.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn group_rules(&self) -> std::sync::MutexGuard<'_, group_rules::Rules> {
        self.changes.fetch_add(1, Ordering::Release);
        self.group_rules.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Seeds the org and starts serving on 127.0.0.1 (must be called inside a tokio runtime).
pub async fn start(options: DemoOptions) -> anyhow::Result<RunningDemo> {
    let app = ServiceApp::new(options.client_key.clone())?;
    let (users, seed, state) = (options.users, options.seed, options.state.clone());
    let restored = tokio::task::spawn_blocking(move || {
        Ok::<_, anyhow::Error>(
            match state.as_deref().map(state::load).transpose()?.flatten() {
                Some(restored) => restored,
                None => state::Restored {
                    store: Store::seed(users, seed),
                    generic: Default::default(),
                    group_rules: Default::default(),
                    seed,
                    users,
                    from_file: false,
                },
            },
        )
    })
    .await??;
    let (seed, users, from_file) = (restored.seed, restored.users, restored.from_file);
    let org = Arc::new(Org {
        store: RwLock::new(restored.store),
        generic: std::sync::Mutex::new(restored.generic),
        group_rules: std::sync::Mutex::new(restored.group_rules),
        token: options.token.clone(),
        readonly_token: options.readonly_token.clone(),
        limits: Limits::new(options.rate_limit, options.rate_window_secs),
        faults: Faults::new(options.faults, options.seed),
        requests: AtomicU64::new(0),
        seed,
        users,
        oauth: OAuth::new(app, options.token_ttl_secs, options.dpop),
        latency: Latency {
            base: options.latency,
            jitter: options.jitter,
        },
        in_flight: InFlight::new(options.concurrency),
        changes: AtomicU64::new(0),
        transition: options.transition,
        max_objects: options.max_objects,
    });
    if let Some(path) = &options.state {
        state::keep(org.clone(), path.clone());
    }
    if org.oauth.app.path.is_some() {
        // A key to be written to a file is made now, in the background, so it is there to read.
        let org = org.clone();
        tokio::spawn(async move {
            let _ = org.oauth.app.key().await;
        });
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
    let addr = listener.local_addr()?;
    let app = Router::new().fallback(handle).with_state(org.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(RunningDemo {
        addr,
        base_url: format!("http://{addr}"),
        token: options.token,
        readonly_token: options.readonly_token,
        client_id: DEMO_CLIENT_ID.into(),
        key_id: DEMO_KEY_ID.into(),
        client_key_path: options.client_key,
        state: options.state.map(|path| (path, from_file)),
        org,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// `oktash demo serve`: seeds, prints the base URL and both tokens as its first lines on stdout,
/// serves until Ctrl-C or SIGTERM, then stops cleanly.
pub async fn serve_foreground(options: DemoOptions) -> anyhow::Result<()> {
    let began = std::time::Instant::now();
    let users = options.users;
    let distance = distance_line(&options);
    let mut demo = start(options).await?;
    let banner = format!(
        "Okta demo org listening on {}\ntoken: {}\nread-only token: {}\n",
        demo.base_url, demo.token, demo.readonly_token
    );
    print_now(&banner)?;
    let took = began.elapsed().as_millis();
    match &demo.state {
        Some((path, true)) => {
            let store = demo.org.read();
            eprintln!(
                "restored {} users, {} groups and {} apps from {} in {took} ms; Ctrl-C stops",
                store.logins.len(),
                store.groups.iter().flatten().count(),
                store.apps.iter().flatten().count(),
                path.display()
            );
        }
        Some((path, false)) => {
            eprintln!(
                "seeded {users} users in {took} ms, kept in {}; Ctrl-C stops",
                path.display()
            )
        }
        None => eprintln!("seeded {users} users in {took} ms; Ctrl-C stops"),
    }
    eprintln!("{distance}");
    // Listen for Ctrl-C and SIGTERM from here on, also while a new key is still being made.
    let mut shutdown = std::pin::pin!(shutdown_signal());
    tokio::select! {
        key = demo.client_key_pem() => {
            key?;
            // The key file is printed once it is there.
            print_now(&service_app_lines(&demo))?;
            shutdown.await;
        }
        () = &mut shutdown => {}
    }
    demo.stop();
    if let Some(task) = demo.task.take() {
        // Keep-alive connections may hold graceful shutdown open; do not wait on them for long.
        let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
    }
    if let Some((path, _)) = &demo.state {
        // What changed in the last moment is written too.
        state::save(path, &demo.org)?;
    }
    Ok(())
}

/// `at most 75 requests in flight (more get 429 E0000047); latency 100 ms + 0..20 ms`
fn distance_line(options: &DemoOptions) -> String {
    let mut line = format!(
        "at most {} requests in flight (more get 429 E0000047)",
        options.concurrency.max(1)
    );
    let latency = Latency {
        base: options.latency,
        jitter: options.jitter,
    };
    if latency != Latency::default() {
        line.push_str(&format!("; latency {latency}"));
    }
    line
}

/// `client id: …` and `client key: /abs/path.pem (key id KID)`.
fn service_app_lines(demo: &RunningDemo) -> String {
    let mut lines = format!("client id: {}\n", demo.client_id);
    if let Some(path) = &demo.client_key_path {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        lines.push_str(&format!(
            "client key: {} (key id {})\n",
            path.display(),
            demo.key_id
        ));
    }
    lines
}

fn print_now(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Who is calling: the admin token's owner, or the read-only token's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Principal {
    Admin,
    ReadOnly,
}

/// One request, as the handlers see it.
pub(crate) struct Ctx {
    pub method: Method,
    /// `http://host:port`, from the request's Host header.
    pub base: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Bytes,
    pub headers: HeaderMap,
    pub principal: Principal,
    pub request_id: String,
}

impl Ctx {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean query parameter; anything but `true`/`false` is a validation error.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.param(name) {
            None | Some("") => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(_) => Err(ApiError::validation(name, "must be true or false")),
        }
    }

    /// `limit`, defaulted and capped as the endpoint does.
    pub fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.param("limit") {
            None | Some("") => Ok(default),
            Some(v) => match v.trim().parse::<i64>() {
                Ok(n) if n >= 1 => Ok((n as u64).min(max as u64) as usize),
                Ok(_) => Ok(default),
                Err(_) => {
                    if v.trim().chars().all(|c| c.is_ascii_digit()) && !v.trim().is_empty() {
                        Ok(max) // a number too large for i64
                    } else {
                        Err(ApiError::validation("limit", "must be a number"))
                    }
                }
            },
        }
    }

    /// The body as JSON; an empty or malformed body is Okta's `E0000003`.
    pub fn json(&self) -> Result<Value, ApiError> {
        serde_json::from_slice(&self.body).map_err(|_| ApiError::bad_body())
    }

    /// The body as a JSON object; anything else (no body, malformed, an array) is `E0000003`.
    pub fn json_object(&self) -> Result<serde_json::Map<String, Value>, ApiError> {
        match self.json()? {
            Value::Object(m) => Ok(m),
            _ => Err(ApiError::bad_body()),
        }
    }

    /// The body as a JSON object, or an empty object when there is no body.
    pub fn json_object_or_empty(&self) -> Result<serde_json::Map<String, Value>, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Map::new());
        }
        self.json_object()
    }

    /// The `link` headers of a page: `self` (the effective query, with its limit) and `next`
    /// (the same query with the cursor moved) while more remain.
    pub fn page_links(&self, limit: usize, next_after: Option<&str>) -> Vec<String> {
        self.page_links_dropping(limit, next_after, &[])
    }

    /// As [`Ctx::page_links`], with `drop` removed from the `next` link (the System Log's `after`
    /// replaces `since`).
    pub fn page_links_dropping(
        &self,
        limit: usize,
        next_after: Option<&str>,
        drop: &[&str],
    ) -> Vec<String> {
        let with = |after: Option<&str>| {
            let mut params: Vec<(String, String)> = Vec::new();
            let mut saw_limit = false;
            for (k, v) in &self.query {
                match k.as_str() {
                    "limit" => {
                        saw_limit = true;
                        params.push((k.clone(), limit.to_string()));
                    }
                    "after" if after.is_some() => {}
                    k if after.is_some() && drop.contains(&k) => {}
                    _ => params.push((k.clone(), v.clone())),
                }
            }
            if let Some(a) = after {
                params.push(("after".into(), a.to_string()));
            }
            if !saw_limit {
                params.push(("limit".into(), limit.to_string()));
            }
            let qs = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish();
            format!("<{}{}?{}>", self.base, self.path, qs)
        };
        let mut links = vec![format!("{}; rel=\"self\"", with(None))];
        if let Some(after) = next_after {
            links.push(format!("{}; rel=\"next\"", with(Some(after))));
        }
        links
    }
}

/// What a handler answers.
pub(crate) enum Reply {
    Json {
        status: u16,
        body: Value,
        links: Vec<String>,
        etag: Option<String>,
    },
    NoContent,
    /// A success the spec declares without a body (`202 Accepted`).
    Empty(u16),
    /// A document that is no JSON (SAML metadata), with its media type.
    Text {
        status: u16,
        media: String,
        body: String,
    },
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply::Json {
            status: 200,
            body,
            links: Vec::new(),
            etag: None,
        }
    }

    pub fn page(body: Value, links: Vec<String>) -> Reply {
        Reply::Json {
            status: 200,
            body,
            links,
            etag: None,
        }
    }
}

pub(crate) type Answer = Result<Reply, ApiError>;

/// Request ids look like Okta's: 27 characters, unique per request.
fn request_id(seed: u64, n: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03);
    let chars = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut s = String::with_capacity(27);
    s.push('Y');
    for i in 0..26 {
        if i == 13 {
            x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ n;
        }
        s.push(chars[(x % 62) as usize] as char);
        x /= 62;
        x = x.wrapping_add(0x94D0_49BB_1331_11EB).rotate_left(17);
    }
    s
}

async fn handle(State(org): State<Arc<Org>>, req: Request) -> Response {
    let n = org.requests.fetch_add(1, Ordering::Relaxed);
    let rid = request_id(org.seed, n);
    // In flight from here until the response is produced, the latency sleep included.
    let Some(_in_flight) = org.in_flight.enter() else {
        return too_many_in_flight(&org, &rid);
    };
    let res = answer(&org, req, n, &rid).await;
    // Okta turns a request over its limits away at once; every other answer comes from afar.
    if res.status() != StatusCode::TOO_MANY_REQUESTS {
        let delay = org.latency.delay(org.seed, n);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }
    res
}

/// Okta's concurrency 429: `X-Rate-Limit-Limit` and `-Remaining` are 0, the reset only a
/// suggestion (API-FACTS §11); no bucket is charged. The System Log hears of it once a second.
fn too_many_in_flight(org: &Org, rid: &str) -> Response {
    let now_sec = clock::now_ms().div_euclid(1000);
    if org.in_flight.first_violation_in(now_sec) {
        let mut store = org.write();
        let actor = store.actor_user(store.admin);
        let why = format!(
            "Concurrent request limit of {} exceeded",
            org.in_flight.limit()
        );
        store.record_outcome(
            "core.concurrency.org.limit.violation",
            "Concurrency limit violation",
            actor,
            Vec::new(),
            rid,
            Outcome::Deny(why),
        );
    }
    let quota = Quota {
        limit: 0,
        remaining: 0,
        reset: now_sec + 1,
        exceeded: true,
    };
    error_response(&ApiError::new("E0000047", ""), rid, quota)
}

/// One admitted request's answer: everything Okta does between receiving it and replying.
async fn answer(org: &Org, req: Request, n: u64, rid: &str) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    users::settle_transitions(org, clock::now_ms(), rid);
    let quota = org
        .limits
        .take(limits::bucket(&parts.method, &path), clock::now_ms());

    match org.faults.for_request(n) {
        Some(Fault::ServerError) => {
            return error_response(&ApiError::new("E0000009", ""), rid, quota)
        }
        Some(Fault::Drop) => return dropped_connection(),
        Some(Fault::Slow) => tokio::time::sleep(Duration::from_millis(2500)).await,
        None => {}
    }

    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]_".contains(c))
        })
        .unwrap_or("127.0.0.1");
    let base = format!("http://{host}");

    if path == oauth::TOKEN_PATH {
        return token_endpoint(org, parts, body, &base, rid, quota).await;
    }

    let caller = match authenticate(&parts, org, &base) {
        Ok(c) => c,
        Err(None) => return error_response(&ApiError::new("E0000011", ""), rid, quota),
        Err(Some(refusal)) => return refused(refusal, rid, quota),
    };
    if quota.exceeded {
        return error_response(&ApiError::new("E0000047", ""), rid, quota);
    }
    if let Some((scheme, held)) = &caller.oauth {
        if let Some(required) = scopes::required(&parts.method, &path) {
            if !required.iter().any(|s| held.contains(s)) {
                let dpop = *scheme == Scheme::DPoP;
                return refused(
                    oauth::insufficient_scope(&base, &path, required, dpop),
                    rid,
                    quota,
                );
            }
        }
    }
    let principal = caller.principal;
    let read = parts.method == Method::GET || parts.method == Method::HEAD;
    if principal == Principal::ReadOnly && !read {
        return error_response(&ApiError::forbidden(), rid, quota);
    }
    let body = match axum::body::to_bytes(body, 1 << 20).await {
        Ok(b) => b,
        Err(_) => return error_response(&ApiError::bad_body(), rid, quota),
    };
    let query = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let ctx = Ctx {
        method: parts.method,
        base,
        path,
        query,
        body,
        headers: parts.headers,
        principal,
        request_id: rid.to_string(),
    };
    match route(org, &ctx) {
        Ok(reply) => reply_response(views::omit_as_asked(&ctx, reply), rid, quota),
        Err(e) => error_response(&e, rid, quota),
    }
}

/// Who is calling, and for an OAuth access token, how it came and the scopes it holds.
struct Caller {
    principal: Principal,
    oauth: Option<(Scheme, Vec<String>)>,
}

/// The caller of an API request. `Err(None)`: no usable credentials (Okta's plain E0000011);
/// `Err(Some(_))`: an OAuth access token refused, with the challenge that says why.
fn authenticate(
    parts: &axum::http::request::Parts,
    org: &Org,
    base: &str,
) -> Result<Caller, Option<Refusal>> {
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(None)?
        .trim();
    let (scheme, token) = value.split_once(' ').ok_or(None)?;
    let token = token.trim();
    let scheme = if scheme.eq_ignore_ascii_case("SSWS") {
        None
    } else if scheme.eq_ignore_ascii_case("Bearer") {
        Some(Scheme::Bearer)
    } else if scheme.eq_ignore_ascii_case("DPoP") {
        Some(Scheme::DPoP)
    } else {
        return Err(None);
    };
    // The demo's API tokens work as SSWS or Bearer, as they always have.
    if scheme != Some(Scheme::DPoP) {
        let principal = if token == org.token {
            Some(Principal::Admin)
        } else if token == org.readonly_token {
            Some(Principal::ReadOnly)
        } else {
            None
        };
        if let Some(principal) = principal {
            return Ok(Caller {
                principal,
                oauth: None,
            });
        }
    }
    let Some(scheme) = scheme else {
        return Err(None);
    };
    let url = format!("{base}{}", parts.uri.path());
    let now = clock::now_ms().div_euclid(1000);
    let scopes = org
        .oauth
        .authorize(
            scheme,
            token,
            &parts.headers,
            parts.method.as_str(),
            &url,
            now,
        )
        .map_err(Some)?;
    Ok(Caller {
        principal: Principal::Admin,
        oauth: Some((scheme, scopes)),
    })
}

/// `POST /oauth2/v1/token`: no API credentials needed (the client authenticates in the form).
async fn token_endpoint(
    org: &Org,
    parts: axum::http::request::Parts,
    body: Body,
    base: &str,
    rid: &str,
    quota: Quota,
) -> Response {
    if parts.method != Method::POST {
        return error_response(&method_not_allowed(), rid, quota);
    }
    if quota.exceeded {
        return error_response(&ApiError::new("E0000047", ""), rid, quota);
    }
    let answer = match axum::body::to_bytes(body, 1 << 20).await {
        Ok(body) => {
            let request = oauth::TokenRequest {
                headers: &parts.headers,
                body: &body,
                base,
                now: clock::now_ms().div_euclid(1000),
            };
            org.oauth.token(&request).await
        }
        Err(_) => Err(oauth::OAuthError::too_large()),
    };
    let (status, body, nonce) = match answer {
        Ok(grant) => (StatusCode::OK, grant, None),
        Err(e) => (
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
            e.body(),
            e.dpop_nonce,
        ),
    };
    let mut res = Response::new(Body::from(serde_json::to_vec(&body).unwrap_or_default()));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // Token responses must not be cached (RFC 6749 §5.1).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    if let Some(v) = nonce.and_then(|n| HeaderValue::from_str(&n).ok()) {
        h.insert("dpop-nonce", v);
    }
    common_headers(h, rid, quota);
    res
}

/// An OAuth access token refused on an API request: Okta's envelope plus `WWW-Authenticate`.
fn refused(refusal: Refusal, rid: &str, quota: Quota) -> Response {
    let error = if refusal.status == 403 {
        ApiError::forbidden()
    } else {
        ApiError::new("E0000011", "")
    };
    let mut res = error_response(&error, rid, quota);
    if let Ok(v) = HeaderValue::from_str(&refusal.www_authenticate) {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    res
}

/// The path split into percent-decoded segments, after `/api/v1`.
fn segments(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix("/api/v1/")?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    rest.split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned())
        })
        .collect()
}

/// The demo-only path that puts the org back at its seed (`demo reset` in the shell).
pub const RESET_PATH: &str = "/demo/reset";

fn route(org: &Org, ctx: &Ctx) -> Answer {
    if ctx.path == RESET_PATH {
        return match ctx.method {
            Method::POST => Ok(reset(org)),
            _ => Err(method_not_allowed()),
        };
    }
    match operations::owner(&ctx.method, &ctx.path) {
        Owner::Hand => hand_made(org, ctx),
        Owner::Generic => generic::answer(org, ctx),
    }
}

/// The operations modelled by hand, with Okta's semantics for users, groups, apps and the log.
fn hand_made(org: &Org, ctx: &Ctx) -> Answer {
    let not_found = || ApiError::not_found(&ctx.path, "Path");
    let segs = segments(&ctx.path).ok_or_else(not_found)?;
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    match segs.first().copied() {
        Some("users") => users::route(org, ctx, &segs[1..]),
        Some("groups") if segs.get(1) == Some(&"rules") => group_rules::route(org, ctx, &segs[2..]),
        Some("groups") => groups::route(org, ctx, &segs[1..]),
        Some("apps") => apps::route(org, ctx, &segs[1..]),
        Some("logs") if segs.len() == 1 => match ctx.method {
            Method::GET | Method::HEAD => logs::list(org, ctx),
            _ => Err(method_not_allowed()),
        },
        _ => Err(not_found()),
    }
}

/// Seeds the store again with the seed and size it started with: same users, groups, apps
/// and ids; what was created, changed or deleted since is gone, the System Log too.
fn reset(org: &Org) -> Reply {
    let began = std::time::Instant::now();
    let store = Store::seed(org.users, org.seed);
    *org.write() = store;
    *org.generic() = generic::State::default();
    *org.group_rules() = group_rules::Rules::default();
    Reply::ok(serde_json::json!({
        "reset": true,
        "users": org.users,
        "seed": org.seed,
        "ms": began.elapsed().as_millis() as u64,
    }))
}

pub(crate) fn method_not_allowed() -> ApiError {
    ApiError::new("E0000022", "")
}

fn common_headers(h: &mut HeaderMap, rid: &str, quota: Quota) {
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set("x-okta-request-id", rid.to_string());
    set("date", httpdate::fmt_http_date(SystemTime::now()));
    set("x-rate-limit-limit", quota.limit.to_string());
    set("x-rate-limit-remaining", quota.remaining.to_string());
    set("x-rate-limit-reset", quota.reset.to_string());
}

fn error_response(e: &ApiError, rid: &str, quota: Quota) -> Response {
    let body = serde_json::to_vec(&e.body(rid)).unwrap_or_default();
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    common_headers(h, rid, quota);
    res
}

fn reply_response(reply: Reply, rid: &str, quota: Quota) -> Response {
    let mut res = match reply {
        Reply::NoContent => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NO_CONTENT;
            r
        }
        Reply::Empty(status) => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            r
        }
        Reply::Text {
            status,
            media,
            body,
        } => {
            let mut r = Response::new(Body::from(body));
            *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            if let Ok(v) = HeaderValue::from_str(&media) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            r
        }
        Reply::Json {
            status,
            body,
            links,
            etag,
        } => {
            let bytes = serde_json::to_vec(&body).unwrap_or_default();
            let mut r = Response::new(Body::from(bytes));
            *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json;charset=UTF-8"),
            );
            for l in links {
                if let Ok(v) = HeaderValue::from_str(&l) {
                    h.append(header::LINK, v);
                }
            }
            if let Some(etag) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
                h.insert(header::ETAG, etag);
            }
            r
        }
    };
    common_headers(res.headers_mut(), rid, quota);
    res
}

/// Headers go out, then the body stream fails: the client sees the connection drop mid-answer.
fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected fault: dropped connection",
        ))
    });
    let mut res = Response::new(Body::from_stream(stream));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    res
}
