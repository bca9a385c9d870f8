//! Session state: environments, the active one, variables, the response history and the
//! imported collections. Nothing here talks to the network or the terminal.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::time::Duration;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::auth::Auth;
use crate::http::{Headers, RateLimit};
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

/// A response body as it came back.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Empty,
    Json(Value),
    /// A large JSON body kept as its compact text (see [`COMPACT_ABOVE`]): a parsed
    /// `serde_json::Value` holds about seven times its text, so a 100,000-user export would
    /// otherwise fill the history's budget on its own.
    Compact(CompactJson),
    /// Not JSON (an HTML error page, plain text).
    Text(String),
}

/// A JSON body whose compact text is longer than this is kept as text and parsed on demand.
pub const COMPACT_ABOVE: usize = 1024 * 1024;

/// JSON kept as validated compact text. A list keeps one text per item, so that `$last[0]`
/// parses one item and `$last.id` one item at a time.
#[derive(Debug, Clone)]
pub enum CompactJson {
    List(Vec<Box<RawValue>>),
    Other(Box<RawValue>),
}

impl PartialEq for CompactJson {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (CompactJson::List(a), CompactJson::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.get() == y.get())
            }
            (CompactJson::Other(a), CompactJson::Other(b)) => a.get() == b.get(),
            _ => false,
        }
    }
}

/// Parses text that was valid JSON when it was stored.
fn parse_raw(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or(Value::Null)
}

impl CompactJson {
    /// The whole value, parsed (costly for a large body: walk it with [`CompactJson::items`]
    /// or [`CompactJson::item`] where possible).
    pub fn to_value(&self) -> Value {
        match self {
            CompactJson::List(items) => Value::Array(items.iter().map(|r| parse_raw(r)).collect()),
            CompactJson::Other(raw) => parse_raw(raw),
        }
    }

    /// The raw items of a list; `None` for any other value.
    pub fn raw_items(&self) -> Option<&[Box<RawValue>]> {
        match self {
            CompactJson::List(items) => Some(items),
            CompactJson::Other(_) => None,
        }
    }

    /// Item `index` of a list, parsed.
    pub fn item(&self, index: usize) -> Option<Value> {
        self.raw_items()?.get(index).map(|raw| parse_raw(raw))
    }

    /// The first `n` items of a list, parsed.
    pub fn first_items(&self, n: usize) -> Vec<Value> {
        self.raw_items()
            .map(|items| items.iter().take(n).map(|raw| parse_raw(raw)).collect())
            .unwrap_or_default()
    }

    /// The length of a list; `None` for any other value.
    pub fn list_len(&self) -> Option<usize> {
        self.raw_items().map(<[_]>::len)
    }

    /// The length of the compact text.
    pub fn text_len(&self) -> usize {
        match self {
            CompactJson::List(items) => {
                items.iter().map(|raw| raw.get().len() + 1).sum::<usize>() + 1
            }
            CompactJson::Other(raw) => raw.get().len(),
        }
    }

    /// The heap this form owns: one block per item text and the list of pointers.
    fn heap_cost(&self) -> usize {
        match self {
            CompactJson::List(items) => {
                heap_block(items.capacity() * size_of::<Box<RawValue>>())
                    + items
                        .iter()
                        .map(|raw| heap_block(raw.get().len()))
                        .sum::<usize>()
            }
            CompactJson::Other(raw) => heap_block(raw.get().len()),
        }
    }
}

/// Serializes as the parsed value would, one item at a time: printing a large body, pretty or
/// not, never holds more than one item parsed.
impl Serialize for CompactJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CompactJson::List(items) => {
                serializer.collect_seq(items.iter().map(|raw| parse_raw(raw)))
            }
            CompactJson::Other(raw) => parse_raw(raw).serialize(serializer),
        }
    }
}

impl Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Body::Empty => serializer.serialize_unit(),
            Body::Json(v) => v.serialize(serializer),
            Body::Compact(c) => c.serialize(serializer),
            Body::Text(t) => serializer.serialize_str(t),
        }
    }
}

impl Body {
    /// The value `$N` yields: JSON as is, text as a string, nothing as null.
    pub fn value(&self) -> Value {
        match self {
            Body::Empty => Value::Null,
            Body::Json(v) => v.clone(),
            Body::Compact(c) => c.to_value(),
            Body::Text(t) => Value::String(t.clone()),
        }
    }

    pub fn as_json(&self) -> Option<&Value> {
        match self {
            Body::Json(v) => Some(v),
            _ => None,
        }
    }

    /// The JSON of a body as far as a quick look needs it (completion reads it before every
    /// line): a compact list's first `max_items` items only, a large compact object not at all.
    pub fn sample(&self, max_items: usize) -> Option<Cow<'_, Value>> {
        match self {
            Body::Json(v) => Some(Cow::Borrowed(v)),
            Body::Compact(c @ CompactJson::List(_)) => {
                Some(Cow::Owned(Value::Array(c.first_items(max_items))))
            }
            _ => None,
        }
    }

    /// A list gathered item by item (pages of a listing), each item as its compact text:
    /// parsed when the whole is small, kept compact when it is over [`COMPACT_ABOVE`].
    pub fn from_raw_items(items: Vec<Box<RawValue>>) -> Body {
        let text: usize = items.iter().map(|raw| raw.get().len() + 1).sum();
        if text > COMPACT_ABOVE {
            Body::Compact(CompactJson::List(items))
        } else {
            Body::Json(Value::Array(
                items.iter().map(|raw| parse_raw(raw)).collect(),
            ))
        }
    }

    /// This body in the form the history keeps it: a JSON body over [`COMPACT_ABOVE`] of
    /// compact text becomes [`Body::Compact`].
    pub fn compacted(self) -> Body {
        let Body::Json(value) = self else {
            return self;
        };
        if compact_len(&value) <= COMPACT_ABOVE {
            return Body::Json(value);
        }
        let raw = |v: &Value| serde_json::value::to_raw_value(v).ok();
        match &value {
            Value::Array(items) => match items.iter().map(raw).collect::<Option<Vec<_>>>() {
                Some(items) => Body::Compact(CompactJson::List(items)),
                None => Body::Json(value),
            },
            other => match raw(other) {
                Some(r) => Body::Compact(CompactJson::Other(r)),
                None => Body::Json(value),
            },
        }
    }
}

/// The length of a value's compact JSON text, counted without writing it anywhere.
fn compact_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// One response kept in the history. The URL never holds a secret (tokens go in headers only).
#[derive(Debug, Clone)]
pub struct Entry {
    pub number: u64,
    pub method: reqwest::Method,
    pub url: String,
    pub status: u16,
    pub headers: Headers,
    pub body: Body,
    pub elapsed: Duration,
    /// The request body that was sent, for `as curl`.
    pub request_body: Option<String>,
    /// The bytes that came over the wire. The history's budget counts [`Entry::memory_cost`]
    /// instead: a parsed body holds several times its text.
    pub size: usize,
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

/// What one heap allocation of `bytes` takes: glibc's malloc adds an 8-byte header, rounds to
/// 16 and hands out at least 32 bytes.
fn heap_block(bytes: usize) -> usize {
    if bytes == 0 {
        0
    } else {
        (bytes + 8).div_ceil(16).max(2) * 16
    }
}

fn heap_string(capacity: usize) -> usize {
    heap_block(capacity)
}

/// The heap a JSON value owns beyond its own `size_of::<Value>()` (which its container pays).
/// A parsed body costs about 7 times its compact text: the 1 KB JSON of a demo user is some 40
/// strings, each a 32-byte `Value` plus a 32-byte block, and 8 objects, each an `IndexMap`
/// (64 bytes per entry plus a hash index).
fn value_heap_cost(value: &Value) -> usize {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        Value::String(s) => heap_string(s.capacity()),
        Value::Array(items) => {
            heap_block(items.capacity() * size_of::<Value>())
                + items.iter().map(value_heap_cost).sum::<usize>()
        }
        Value::Object(map) => {
            // `preserve_order`: a Vec of (hash, key, value) buckets and a hashbrown index of
            // `usize` with one control byte per slot (at least 4 slots, 7/8 full at most).
            let slots = match map.len() {
                0 => 0,
                n if n < 4 => 4,
                n => (n * 8 / 7).next_power_of_two(),
            };
            let entries = heap_block(
                map.len() * (size_of::<usize>() + size_of::<String>() + size_of::<Value>()),
            );
            let index = if slots == 0 {
                0
            } else {
                heap_block(slots * (size_of::<usize>() + 1) + 16)
            };
            entries
                + index
                + map
                    .iter()
                    .map(|(k, v)| heap_string(k.capacity()) + value_heap_cost(v))
                    .sum::<usize>()
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
        entry.body = std::mem::replace(&mut entry.body, Body::Empty).compacted();
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

    fn entry(text_len: usize) -> Entry {
        Entry {
            number: 0,
            method: reqwest::Method::GET,
            url: "/".into(),
            status: 200,
            headers: Headers::default(),
            body: Body::Text("x".repeat(text_len)),
            elapsed: Duration::ZERO,
            request_body: None,
            size: text_len,
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
        e.body = Body::Json(serde_json::from_str(text).unwrap());
        let body_cost = e.memory_cost() - entry(0).memory_cost();
        assert!(
            body_cost > 4 * text.len(),
            "{body_cost} for {} bytes",
            text.len()
        );
    }

    #[test]
    fn a_large_body_is_kept_compact_and_reads_as_the_parsed_one() {
        let user = serde_json::json!({"id": "00u1", "profile": {"login": "a@example.com"}});
        let list = Value::Array(vec![user; 30_000]);
        let Body::Compact(compact) = Body::Json(list.clone()).compacted() else {
            panic!("a body over 1 MB of text is kept compact");
        };
        assert_eq!(compact.to_value(), list);
        assert_eq!(compact.list_len(), Some(30_000));
        assert_eq!(
            serde_json::to_string_pretty(&compact).unwrap(),
            serde_json::to_string_pretty(&list).unwrap()
        );
        assert!(compact.heap_cost() < value_heap_cost(&list) / 3);
        let small = Body::Json(serde_json::json!([1, 2]));
        assert_eq!(small.clone().compacted(), small);
    }
}
