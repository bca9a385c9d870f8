//! A response body as the history keeps it: parsed JSON, or (over [`COMPACT_ABOVE`]) its compact
//! text parsed as far as an expression needs; and what a value costs in memory.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

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
    pub fn heap_cost(&self) -> usize {
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

/// What one heap allocation of `bytes` takes: glibc's malloc adds an 8-byte header, rounds to
/// 16 and hands out at least 32 bytes.
pub(crate) fn heap_block(bytes: usize) -> usize {
    if bytes == 0 {
        0
    } else {
        (bytes + 8).div_ceil(16).max(2) * 16
    }
}

pub(crate) fn heap_string(capacity: usize) -> usize {
    heap_block(capacity)
}

/// The heap a JSON value owns beyond its own `size_of::<Value>()` (which its container pays).
/// A parsed body costs about 7 times its compact text: the 1 KB JSON of a demo user is some 40
/// strings, each a 32-byte `Value` plus a 32-byte block, and 8 objects, each an `IndexMap`
/// (64 bytes per entry plus a hash index).
pub(crate) fn value_heap_cost(value: &Value) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;

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
