//! The demo org at a distance: answers that take as long as a real org's (`--latency MS[,JITTER]`)
//! and Okta's limit on requests in flight (`--concurrency N`, 75 by default as at Okta).
//!
//! On loopback every answer takes a millisecond, so a client that runs one request after another
//! looks as fast as one that runs many at once. With latency, the difference shows, and so does
//! a client that runs too many at once: the request beyond the limit gets Okta's concurrency 429.
//!
//! Latency is a `tokio::time::sleep` per request, never a lock: a hundred requests in flight at
//! 100 ms all finish after about 100 ms.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use super::limits::splitmix;

/// `MS[,JITTER]`: every answer waits MS milliseconds plus a uniform 0..JITTER more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Latency {
    pub base: Duration,
    pub jitter: Duration,
}

impl FromStr for Latency {
    type Err = String;

    fn from_str(s: &str) -> Result<Latency, String> {
        let millis = |part: &str, what: &str| -> Result<Duration, String> {
            let part = part.trim();
            part.parse::<u64>().map(Duration::from_millis).map_err(|_| {
                format!("{what} must be a whole number of milliseconds, not {part:?} (e.g. 100 or 100,50)")
            })
        };
        match s.split_once(',') {
            None => Ok(Latency {
                base: millis(s, "the latency")?,
                jitter: Duration::ZERO,
            }),
            Some((base, jitter)) => Ok(Latency {
                base: millis(base, "the latency")?,
                jitter: millis(jitter, "the jitter")?,
            }),
        }
    }
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms", self.base.as_millis())?;
        if !self.jitter.is_zero() {
            write!(f, " + 0..{} ms", self.jitter.as_millis())?;
        }
        Ok(())
    }
}

impl Latency {
    /// How long the n-th request's answer waits: the same for a seed and n on every run.
    pub fn delay(&self, seed: u64, n: u64) -> Duration {
        let jitter_ms = self.jitter.as_millis().min(u64::MAX as u128) as u64;
        if jitter_ms == 0 {
            return self.base;
        }
        // Its own stream, apart from the one that picks faults for the same request.
        let roll = splitmix(seed ^ splitmix(n ^ 0x6C61_7465_6E63_7921));
        // Saturating: `--latency` takes any u64, and a request must never panic on it.
        let extra = Duration::from_millis(roll % jitter_ms.saturating_add(1));
        self.base.saturating_add(extra)
    }
}

/// Counts the requests in flight against Okta's per-org concurrency limit.
pub struct InFlight {
    limit: usize,
    count: AtomicUsize,
    /// Epoch second of the last violation written to the System Log (at most one a second, so
    /// that a burst does not flood it).
    last_logged_sec: AtomicI64,
}

/// Held while a request is in flight (including its latency sleep); dropping it ends the request.
pub struct Admitted<'a> {
    count: &'a AtomicUsize,
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::AcqRel);
    }
}

impl InFlight {
    /// At most `limit` requests in flight (at least one).
    pub fn new(limit: usize) -> InFlight {
        InFlight {
            limit: limit.max(1),
            count: AtomicUsize::new(0),
            last_logged_sec: AtomicI64::new(i64::MIN),
        }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Admits a request, or `None` when `limit` are already in flight.
    pub fn enter(&self) -> Option<Admitted<'_>> {
        let before = self.count.fetch_add(1, Ordering::AcqRel);
        let admitted = Admitted { count: &self.count };
        // Refused: dropping the guard undoes the count.
        (before < self.limit).then_some(admitted)
    }

    /// Whether a violation at `now_sec` is the first of its second, and so goes to the log.
    pub fn first_violation_in(&self, now_sec: i64) -> bool {
        let last = self.last_logged_sec.load(Ordering::Acquire);
        last < now_sec
            && self
                .last_logged_sec
                .compare_exchange(last, now_sec, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_parses_ms_and_jitter() {
        let ms = Duration::from_millis;
        assert_eq!(
            "100".parse::<Latency>(),
            Ok(Latency {
                base: ms(100),
                jitter: ms(0)
            })
        );
        assert_eq!(
            "100,50".parse::<Latency>(),
            Ok(Latency {
                base: ms(100),
                jitter: ms(50)
            })
        );
        for bad in ["", "abc", "10,", ",5", "-1", "1.5", "10,x", "1,2,3"] {
            let err = bad.parse::<Latency>().unwrap_err();
            assert!(err.contains("milliseconds"), "{bad}: {err}");
        }
    }

    #[test]
    fn jitter_stays_in_range_and_is_reproducible() {
        let l: Latency = "100,20".parse().unwrap();
        let delays: Vec<_> = (0..500).map(|n| l.delay(7, n)).collect();
        assert!(delays.iter().all(|d| (100..=120).contains(&d.as_millis())));
        assert!(delays.iter().any(|d| d.as_millis() < 105));
        assert!(delays.iter().any(|d| d.as_millis() > 115));
        assert_eq!(delays, (0..500).map(|n| l.delay(7, n)).collect::<Vec<_>>());
        assert_eq!(
            "100".parse::<Latency>().unwrap().delay(7, 3),
            Duration::from_millis(100)
        );
        let huge: Latency = format!("{0},{0}", u64::MAX).parse().unwrap();
        assert!((0..50).all(|n| huge.delay(1, n) >= Duration::from_millis(u64::MAX)));
    }

    #[test]
    fn the_request_beyond_the_limit_is_refused_until_one_ends() {
        let in_flight = InFlight::new(2);
        let a = in_flight.enter().expect("first");
        let _b = in_flight.enter().expect("second");
        assert!(in_flight.enter().is_none(), "third");
        assert!(in_flight.enter().is_none(), "a refusal is not counted");
        drop(a);
        assert!(in_flight.enter().is_some(), "room again");
    }

    #[test]
    fn violations_are_logged_once_a_second() {
        let in_flight = InFlight::new(1);
        assert!(in_flight.first_violation_in(100));
        assert!(!in_flight.first_violation_in(100));
        assert!(in_flight.first_violation_in(101));
        assert!(!in_flight.first_violation_in(100));
    }
}
