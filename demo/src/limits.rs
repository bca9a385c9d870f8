//! Rate limits per bucket (Okta's `X-Rate-Limit-*` headers and 429 `E0000047`), and injected
//! faults for robustness tests.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::Method;

/// One bucket's state for the current window (a minute, as at Okta, unless `--rate-window`).
#[derive(Debug, Clone, Copy)]
struct Window {
    /// Epoch milliseconds at which the window started.
    start: i64,
    used: u32,
}

/// What the headers say after counting a request.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub limit: u32,
    pub remaining: u32,
    /// Epoch seconds at which the window resets.
    pub reset: i64,
    pub exceeded: bool,
}

pub struct Limits {
    per_window: u32,
    window_ms: i64,
    windows: Mutex<HashMap<&'static str, Window>>,
}

impl Limits {
    /// `per_window` requests per bucket in each window of `window_secs` (Okta's is 60).
    pub fn new(per_window: u32, window_secs: u64) -> Limits {
        Limits {
            per_window: per_window.max(1),
            window_ms: i64::try_from(window_secs.max(1))
                .unwrap_or(60)
                .saturating_mul(1000),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request against its bucket. Windows start with a bucket's first request, so
    /// (as at Okta) they are not aligned to wall-clock minutes.
    pub fn take(&self, bucket: &'static str, now_ms: i64) -> Quota {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let w = windows.entry(bucket).or_insert(Window {
            start: now_ms,
            used: 0,
        });
        if now_ms >= w.start + self.window_ms {
            *w = Window {
                start: now_ms,
                used: 0,
            };
        }
        let exceeded = w.used >= self.per_window;
        if !exceeded {
            w.used += 1;
        }
        Quota {
            limit: self.per_window,
            remaining: self.per_window - w.used,
            // Round up, so that waiting until `reset` always lands in the next window.
            reset: (w.start + self.window_ms + 999) / 1000,
            exceeded,
        }
    }
}

/// Okta's buckets differ by path prefix and method; these follow its published table.
pub fn bucket(method: &Method, path: &str) -> &'static str {
    let read = method == Method::GET || method == Method::HEAD;
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if path == "/api/v1/users" {
        if read {
            "GET /api/v1/users"
        } else {
            "POST /api/v1/users"
        }
    } else if under("/api/v1/users") {
        if read {
            "GET /api/v1/users/{id}"
        } else {
            "WRITE /api/v1/users/{id}"
        }
    } else if under("/api/v1/groups") {
        "/api/v1/groups"
    } else if under("/api/v1/apps") {
        "/api/v1/apps"
    } else if under("/api/v1/logs") {
        "/api/v1/logs"
    } else {
        "/api/v1"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500 `E0000009`.
    ServerError,
    /// The connection is closed before the body is complete.
    Drop,
    /// The answer comes, but only after a pause.
    Slow,
}

/// Decides, reproducibly for a seed, which requests fail: the n-th request's fate depends only
/// on the seed and n.
pub struct Faults {
    rate: f64,
    seed: u64,
}

pub(crate) fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

impl Faults {
    pub fn new(rate: f64, seed: u64) -> Faults {
        let rate = if rate.is_finite() {
            rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Faults { rate, seed }
    }

    pub fn for_request(&self, n: u64) -> Option<Fault> {
        if self.rate <= 0.0 {
            return None;
        }
        let h = splitmix(self.seed ^ splitmix(n));
        let roll = (h >> 11) as f64 / (1u64 << 53) as f64;
        if roll >= self.rate {
            return None;
        }
        Some(match h % 4 {
            0 | 1 => Fault::ServerError,
            2 => Fault::Drop,
            _ => Fault::Slow,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_count_and_reset() {
        let l = Limits::new(2, 60);
        let a = l.take("x", 1_000);
        assert_eq!((a.remaining, a.exceeded, a.reset), (1, false, 61));
        assert!(!l.take("x", 2_000).exceeded);
        assert!(l.take("x", 3_000).exceeded);
        assert!(!l.take("y", 3_000).exceeded);
        assert!(!l.take("x", 61_000).exceeded);
    }

    #[test]
    fn faults_are_reproducible() {
        let a = Faults::new(0.3, 9);
        let b = Faults::new(0.3, 9);
        let fa: Vec<_> = (0..200).map(|n| a.for_request(n)).collect();
        assert_eq!(fa, (0..200).map(|n| b.for_request(n)).collect::<Vec<_>>());
        let failed = fa.iter().filter(|f| f.is_some()).count();
        assert!((30..90).contains(&failed), "{failed}");
        assert!((0..200).all(|n| Faults::new(0.0, 9).for_request(n).is_none()));
    }
}
