//! Session state: environments, the active one, variables, the response history and the
//! imported collections. Nothing here talks to the network or the terminal.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use serde_json::Value;

use crate::auth::Auth;
use crate::http::body::{heap_block, heap_string, value_heap_cost};
use crate::http::{Body, RateLimit, Response};
use crate::postman;

/// Where an environment was found, shown by `env`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvOrigin {
    Config,
    OktaYaml,
    EnvVars,
    Demo,
    Postman(String),
    Session,
}

impl fmt::Display for EnvOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvOrigin::Config => f.write_str("config"),
            EnvOrigin::OktaYaml => f.write_str("~/.okta/okta.yaml"),
            EnvOrigin::EnvVars => f.write_str("OKTA_CLIENT_*"),
            EnvOrigin::Demo => f.write_str("--demo"),
            EnvOrigin::Postman(file) => write!(f, "import {file}"),
            EnvOrigin::Session => f.write_str("this session"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub name: String,
    /// The org's base URL, without a trailing slash: `https://acme.okta.com`.
    pub url: String,
    pub auth: Option<Auth>,
    pub origin: EnvOrigin,
    pub protected: bool,
    /// Variables from an imported Postman environment (`{{name}}`).
    pub variables: Vec<(String, String)>,
}

/// One response kept in the history: the request that was sent and what came back, as `http`
/// read it. The URL never holds a secret (tokens go in headers only).
#[derive(Debug, Clone)]
pub struct Entry {
    pub number: u64,
    pub method: reqwest::Method,
    pub url: String,
    /// The request body that was sent, for `as curl`.
    pub request_body: Option<String>,
    /// Its `size` is the bytes that came over the wire; the history's budget counts
    /// [`Entry::memory_cost`] instead: a parsed body holds several times its text.
    pub response: Response,
}

impl std::ops::Deref for Entry {
    type Target = Response;

    /// An entry reads as its response (`entry.status`, `entry.body`): it is one, numbered and
    /// with its request.
    fn deref(&self) -> &Response {
        &self.response
    }
}

impl Entry {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.get_all(name)
    }

    /// The memory this entry holds, as the allocator sees it (an estimate from the shapes of
    /// the values, not a measurement).
    pub fn memory_cost(&self) -> usize {
        // A method is one of the standard ones, held inline.
        let strings = [Some(&self.url), self.request_body.as_ref()];
        size_of::<Entry>()
            + strings
                .into_iter()
                .flatten()
                .map(|s| heap_string(s.capacity()))
                .sum::<usize>()
            + heap_block(self.headers.pairs().capacity() * size_of::<(String, String)>())
            + self
                .headers
                .pairs()
                .iter()
                .map(|(k, v)| heap_string(k.capacity()) + heap_string(v.capacity()))
                .sum::<usize>()
            + match &self.body {
                Body::Empty => 0,
                Body::Text(t) => heap_string(t.capacity()),
                Body::Json(v) => value_heap_cost(v),
                Body::Compact(c) => c.heap_cost(),
            }
    }
}

/// Bounds on what the history keeps; the oldest entries go first.
#[derive(Debug, Clone, Copy)]
pub struct HistoryLimits {
    pub max_entries: usize,
    pub max_bytes: usize,
}

impl Default for HistoryLimits {
    fn default() -> Self {
        HistoryLimits {
            max_entries: 1000,
            max_bytes: 256 * 1024 * 1024,
        }
    }
}

#[derive(Debug)]
pub struct History {
    /// Each entry with its [`Entry::memory_cost`], counted once when it is stored.
    entries: VecDeque<(Entry, usize)>,
    next_number: u64,
    bytes: usize,
    limits: HistoryLimits,
    /// Entries dropped by [`History::make_room`] and not yet told: the next push sums them up
    /// with its own in one notice.
    dropped: Vec<u64>,
    freed: usize,
}

impl History {
    pub fn new(limits: HistoryLimits) -> History {
        History {
            entries: VecDeque::new(),
            next_number: 1,
            bytes: 0,
            limits,
            dropped: Vec::new(),
            freed: 0,
        }
    }

    pub fn limits(&self) -> HistoryLimits {
        self.limits
    }

    /// The number the next entry will get.
    pub fn next_number(&self) -> u64 {
        self.next_number
    }

    /// Drops the oldest entries until `incoming` more bytes fit in the budget: a listing being
    /// gathered calls this as it grows, so that the old entries it will push out anyway are
    /// freed before it is whole, not after (the session's peak is the budget, not the budget
    /// plus the listing).
    pub fn make_room(&mut self, incoming: usize) {
        while self.bytes + incoming > self.limits.max_bytes {
            let Some((old, cost)) = self.entries.pop_front() else {
                break;
            };
            self.bytes -= cost;
            self.freed += cost;
            self.dropped.push(old.number);
        }
    }

    /// Stores an entry (its number is assigned here, a large JSON body is kept compactly) and
    /// returns its number and, when old entries were dropped to stay within the limits, one
    /// notice that sums them up. The newest entry is always kept, even when it alone is over
    /// the budget: the user just asked for it; the notice then says so.
    pub fn push(&mut self, mut entry: Entry) -> (u64, Option<String>) {
        entry.number = self.next_number;
        self.next_number += 1;
        entry.response.body = std::mem::replace(&mut entry.response.body, Body::Empty).compacted();
        let cost = entry.memory_cost();
        self.bytes += cost;
        let number = entry.number;
        self.entries.push_back((entry, cost));
        while self.entries.len() > 1
            && (self.entries.len() > self.limits.max_entries || self.bytes > self.limits.max_bytes)
        {
            if let Some((old, cost)) = self.entries.pop_front() {
                self.bytes -= cost;
                self.freed += cost;
                self.dropped.push(old.number);
            }
        }
        let dropped = std::mem::take(&mut self.dropped);
        let freed = std::mem::take(&mut self.freed);
        let alone_over = self.bytes > self.limits.max_bytes;
        let mut notice = match (dropped.first(), dropped.last()) {
            (Some(first), Some(last)) => {
                let which = if first == last {
                    format!("#{first}")
                } else {
                    format!("#{first}..#{last} ({} entries)", dropped.len())
                };
                format!(
                    "history: dropped {which}, {}, to stay within {} entries / {}",
                    megabytes(freed),
                    self.limits.max_entries,
                    megabytes(self.limits.max_bytes)
                )
            }
            _ if alone_over => "history:".to_string(),
            _ => return (number, None),
        };
        if alone_over {
            if !dropped.is_empty() {
                notice.push(';');
            }
            notice.push_str(&format!(
                " #{number} alone holds {}, over the {} budget; it is kept until the next \
                 response (--keep-mb raises the budget; `> FILE` writes a large export without \
                 keeping it)",
                megabytes(self.bytes),
                megabytes(self.limits.max_bytes)
            ));
        }
        (number, Some(notice))
    }

    pub fn last(&self) -> Option<&Entry> {
        self.entries.back().map(|(e, _)| e)
    }

    pub fn get(&self, number: u64) -> Option<&Entry> {
        let first = self.entries.front()?.0.number;
        let index = number.checked_sub(first)?;
        self.entries
            .get(usize::try_from(index).ok()?)
            .map(|(e, _)| e)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry> {
        self.entries.iter().map(|(e, _)| e)
    }

    /// The memory the kept entries hold, as counted against the budget.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `#3..#9`, or "empty", for error messages.
    pub fn range_text(&self) -> String {
        match (self.entries.front(), self.entries.back()) {
            (Some((a, _)), Some((b, _))) if a.number == b.number => format!("#{}", a.number),
            (Some((a, _)), Some((b, _))) => format!("#{}..#{}", a.number, b.number),
            _ => "none yet".to_string(),
        }
    }
}

/// `1.5 MB`, `12 KB`.
fn megabytes(bytes: usize) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

pub struct Session {
    pub environments: Vec<Environment>,
    pub active: Option<usize>,
    pub variables: BTreeMap<String, Value>,
    pub history: History,
    pub collections: Vec<postman::Collection>,
    pub rate_limit: Option<RateLimit>,
}

impl Session {
    pub fn new(limits: HistoryLimits) -> Session {
        Session {
            environments: Vec::new(),
            active: None,
            variables: BTreeMap::new(),
            history: History::new(limits),
            collections: Vec::new(),
            rate_limit: None,
        }
    }

    pub fn active_env(&self) -> Option<&Environment> {
        self.active.and_then(|i| self.environments.get(i))
    }

    pub fn find_env(&self, name: &str) -> Option<usize> {
        self.environments.iter().position(|e| e.name == name)
    }

    /// Adds or replaces an environment by name and returns its index.
    pub fn upsert_env(&mut self, env: Environment) -> usize {
        match self.find_env(&env.name) {
            Some(i) => {
                self.environments[i] = env;
                i
            }
            None => {
                self.environments.push(env);
                self.environments.len() - 1
            }
        }
    }

    pub fn env_names(&self) -> Vec<&str> {
        self.environments.iter().map(|e| e.name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Headers;
    use std::time::Duration;

    fn entry(text_len: usize) -> Entry {
        Entry {
            number: 0,
            method: reqwest::Method::GET,
            url: "/".into(),
            request_body: None,
            response: Response {
                status: 200,
                headers: Headers::default(),
                body: Body::Text("x".repeat(text_len)),
                elapsed: Duration::ZERO,
                size: text_len,
            },
        }
    }

    #[test]
    fn history_drops_oldest_beyond_limits_with_one_notice() {
        let one = entry(10).memory_cost();
        let mut h = History::new(HistoryLimits {
            max_entries: 2,
            max_bytes: 3 * one,
        });
        assert_eq!(h.push(entry(10)).0, 1);
        h.push(entry(10));
        let (n, notice) = h.push(entry(10));
        assert_eq!(n, 3);
        assert!(notice.unwrap().starts_with("history: dropped #1,"));
        assert!(h.get(1).is_none());
        assert_eq!(h.get(2).unwrap().number, 2);
        let (_, notice) = h.push(entry(10 * one));
        let notice = notice.unwrap();
        assert!(
            notice.starts_with("history: dropped #2..#3 (2 entries)")
                && notice.contains("#4 alone"),
            "{notice}"
        );
        assert_eq!(h.range_text(), "#4");
        assert_eq!(h.bytes(), h.last().unwrap().memory_cost());
    }

    #[test]
    fn a_parsed_body_costs_several_times_its_text() {
        let text = r#"{"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com","firstName":"A","lastName":"B"},"_links":{"self":{"href":"https://x/api/v1/users/00u1"}}}"#;
        let mut e = entry(0);
        e.response.body = Body::Json(serde_json::from_str(text).unwrap());
        let body_cost = e.memory_cost() - entry(0).memory_cost();
        assert!(
            body_cost > 4 * text.len(),
            "{body_cost} for {} bytes",
            text.len()
        );
    }
}
