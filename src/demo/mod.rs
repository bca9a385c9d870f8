//! The built-in demo Okta org: an axum server on loopback that behaves like Okta.

use std::net::SocketAddr;

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
    /// Requests per minute per bucket.
    pub rate_limit: u32,
    /// Fraction of requests that fail as real servers do (0.0 = never).
    pub faults: f64,
}

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
            faults: 0.0,
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
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl RunningDemo {
    /// Stops accepting connections.
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Seeds the org and starts serving on 127.0.0.1 (must be called inside a tokio runtime).
pub async fn start(options: DemoOptions) -> anyhow::Result<RunningDemo> {
    let _ = options;
    anyhow::bail!("the demo org is not written yet")
}

/// `oktash demo serve`: seeds, prints the base URL and both tokens as its first lines on stdout,
/// serves until Ctrl-C or SIGTERM, then stops cleanly.
pub async fn serve_foreground(options: DemoOptions) -> anyhow::Result<()> {
    let _ = options;
    anyhow::bail!("the demo org is not written yet")
}
