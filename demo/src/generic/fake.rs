//! Values made from a schema when the spec has no example: required fields, enums, formats
//! (date-time, uri, email, uuid …) and strings that read like an org's data, not `"string"`.
//! Deterministic for a given rng.

use rand::rngs::SmallRng;
use rand::Rng;
use serde_json::{Map, Value};

use super::spec::Spec;

/// Below this depth optional properties are filled in too; deeper, only the required ones.
const OPTIONAL_DEPTH: usize = 2;
/// Deeper than this, objects stay empty (the spec has recursive schemas).
const MAX_DEPTH: usize = 8;

const WORDS: [&str; 12] = [
    "Atlas", "Beacon", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper",
    "Kestrel", "Lumen",
];

pub struct Faker<'a> {
    spec: &'a Spec,
    pub rng: SmallRng,
    /// The prefix of the ids it makes (`00p` for policies).
    id_prefix: &'a str,
    /// Schemas entered and not yet left: references without nesting (`allOf` of a `$ref`) do
    /// not deepen a value, so this is what stops a cycle of them.
    entered: usize,
}

/// How many schemas deep a value is made or fitted before it stops.
const MAX_ENTERED: usize = 64;

impl<'a> Faker<'a> {
    pub fn new(spec: &'a Spec, rng: SmallRng, id_prefix: &'a str) -> Faker<'a> {
        Faker {
            spec,
            rng,
            id_prefix,
            entered: 0,
        }
    }

    /// A value valid against `schema`; `want` picks a discriminator's subtype by its value.
    pub fn value(&mut self, schema: &Value, want: Option<&str>) -> Value {
        self.make(schema, "", 0, false, want)
    }

    fn make(
        &mut self,
        schema: &Value,
        hint: &str,
        depth: usize,
        in_all_of: bool,
        want: Option<&str>,
    ) -> Value {
        if self.entered > MAX_ENTERED {
            return Value::Null;
        }
        self.entered += 1;
        let v = self.make_entered(schema, hint, depth, in_all_of, want);
        self.entered -= 1;
        v
    }

    fn make_entered(
        &mut self,
        schema: &Value,
        hint: &str,
        depth: usize,
        in_all_of: bool,
        want: Option<&str>,
    ) -> Value {
        let spec = self.spec;
        if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
            return match spec.schema(name) {
                Some(target) if depth < MAX_DEPTH => {
                    self.make(target, hint, depth, in_all_of, want)
                }
                _ => Value::Object(Map::new()),
            };
        }
        // A subtype's `allOf` names its base, whose discriminator must not send it back down.
        if !in_all_of {
            if let Some(d) = schema.get("discriminator") {
                if let (Some(prop), Some(mapping)) = (
                    d.get("propertyName").and_then(Value::as_str),
                    d.get("mapping").and_then(Value::as_object),
                ) {
                    let chosen = want
                        .and_then(|w| mapping.get_key_value(w))
                        .or_else(|| mapping.iter().next());
                    if let Some((key, target)) = chosen {
                        let target = serde_json::json!({ "$ref": target });
                        let mut v = self.make(&target, hint, depth, false, None);
                        if let Some(obj) = v.as_object_mut() {
                            obj.insert(prop.to_string(), Value::from(key.as_str()));
                        }
                        return v;
                    }
                }
            }
        }
        // The schema's own example, where it is of the schema's type (the spec gives
        // `example: ACTIVE` to an object), fitted inside as the spec's response examples are.
        if let Some(example) = schema.get("example").filter(|e| fits_own(schema, e)) {
            let mut value = example.clone();
            self.fit(schema, &mut value, hint, depth, in_all_of);
            return value;
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()))
        {
            return first.clone();
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            // `allOf: [{$ref: LifecycleStatus}, {}]` is a string: empty parts add nothing.
            let own = self.object(schema, depth);
            let mut merged = Value::Null;
            for v in parts
                .iter()
                .map(|part| self.make(part, hint, depth, true, want))
                .chain([own])
            {
                if v.as_object().is_some_and(Map::is_empty) && !merged.is_null() {
                    continue;
                }
                merged = merge(merged, v);
            }
            return merged;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = schema
                .get(key)
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            {
                return self.make(first, hint, depth, false, want);
            }
        }
        let kind = schema.get("type").and_then(Value::as_str).unwrap_or(
            if schema.get("properties").is_some() {
                "object"
            } else {
                ""
            },
        );
        match kind {
            "object" => self.object(schema, depth),
            "array" => {
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                if min == 0 && depth > OPTIONAL_DEPTH {
                    return Value::Array(Vec::new());
                }
                let item = schema.get("items").cloned().unwrap_or(Value::Null);
                let n = min.clamp(1, 3) as usize;
                Value::Array(
                    (0..n)
                        .map(|_| self.make(&item, hint, depth + 1, false, None))
                        .collect(),
                )
            }
            "integer" | "number" => {
                let default = schema.get("default").filter(|d| d.is_number());
                if let Some(d) = default {
                    return d.clone();
                }
                let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(1);
                let max = schema
                    .get("maximum")
                    .and_then(Value::as_i64)
                    .unwrap_or(min.max(1) * 100);
                Value::from(if max > min {
                    self.rng.random_range(min..=max)
                } else {
                    min
                })
            }
            "boolean" => schema
                .get("default")
                .filter(|d| d.is_boolean())
                .cloned()
                .unwrap_or(Value::Bool(false)),
            "string" => {
                let mut s = self.string(schema, hint);
                fit_length(schema, &mut s);
                Value::String(s)
            }
            _ => Value::Object(Map::new()),
        }
    }

    /// `value` (one of the spec's examples) made valid against `schema` where it is not: Okta's
    /// examples hold placeholders (`"created": "createdDate"`), and nulls and strings where
    /// the schema wants numbers. Missing required properties are made up.
    pub fn conform(&mut self, schema: &Value, value: &mut Value) {
        self.fit(schema, value, "", 0, false);
    }

    fn fit(
        &mut self,
        schema: &Value,
        value: &mut Value,
        hint: &str,
        depth: usize,
        in_all_of: bool,
    ) {
        let spec = self.spec;
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(target) = spec.schema(name) {
                self.fit(target, value, hint, depth, in_all_of);
            }
            return;
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.fit(part, value, hint, depth, true);
            }
        }
        if !in_all_of {
            let chosen = schema.get("discriminator").and_then(|d| {
                let prop = d.get("propertyName")?.as_str()?;
                let v = value.get(prop)?.as_str()?;
                d.get("mapping")?.get(v)?.as_str()
            });
            if let Some(target) = chosen.and_then(|t| spec.schema(t)) {
                self.fit(target, value, hint, depth, false);
                return;
            }
        }
        let kind = schema.get("type").and_then(Value::as_str).unwrap_or("");
        let fits = super::validate::is_of_type(value, kind);
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        if !(fits || value.is_null() && nullable) {
            *value = self.make(schema, hint, depth, in_all_of, None);
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.is_empty() && !allowed.contains(value) {
                *value = self.make(schema, hint, depth, in_all_of, None);
                return;
            }
        }
        if let Value::String(s) = value {
            if super::spec::is_null_typo(s) {
                *value = if nullable {
                    Value::Null
                } else {
                    Value::String(self.string(schema, hint))
                };
                return;
            }
            fit_length(schema, s);
            let bad = match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => !is_date_time(s),
                Some("date") => !is_date(s),
                Some("uri" | "url") => !s.contains("://") && !s.starts_with('/'),
                Some("email") => !s.contains('@'),
                _ => false,
            };
            if bad {
                *value = Value::String(self.string(schema, hint));
            }
            return;
        }
        if let (Some(items), Value::Array(values)) = (schema.get("items"), &mut *value) {
            for v in values {
                self.fit(items, v, hint, depth + 1, false);
            }
            return;
        }
        if let Value::Object(obj) = value {
            let props = schema.get("properties").and_then(Value::as_object);
            for required in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if obj.get(required).is_none() {
                    let made = props
                        .and_then(|p| p.get(required))
                        .map(|p| self.make(p, required, depth + 1, false, None))
                        .unwrap_or_default();
                    obj.insert(required.to_string(), made);
                }
            }
            for (name, prop) in props.into_iter().flatten() {
                if let Some(v) = obj.get_mut(name) {
                    self.fit(prop, v, name, depth + 1, false);
                }
            }
            // The other properties, where the schema says what they hold.
            if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                for (name, v) in obj.iter_mut() {
                    if props.is_none_or(|p| !p.contains_key(name)) {
                        self.fit(extra, v, name, depth + 1, false);
                    }
                }
            }
        }
    }

    /// An object's properties: the required ones, and the others near the top.
    fn object(&mut self, schema: &Value, depth: usize) -> Value {
        let mut out = Map::new();
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return Value::Object(out);
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, prop) in props {
            // Links are the server's to write, with the demo's own origin.
            if name == "_links" || name == "_embedded" {
                continue;
            }
            if !required.contains(&name.as_str()) && depth > OPTIONAL_DEPTH {
                continue;
            }
            out.insert(name.clone(), self.make(prop, name, depth + 1, false, None));
        }
        Value::Object(out)
    }

    fn string(&mut self, schema: &Value, hint: &str) -> String {
        if let Some(sample) = schema
            .get("pattern")
            .and_then(Value::as_str)
            .and_then(pattern_sample)
        {
            return sample;
        }
        let word = WORDS[self.rng.random_range(0..WORDS.len())];
        let n: u32 = self.rng.random_range(1..100);
        let lower = hint.to_ascii_lowercase();
        // A time the schema calls only a string (a behavior's `created`) still reads as one.
        let timely = ["created", "updated", "date", "expires"]
            .iter()
            .any(|w| lower.contains(w));
        let format = match schema.get("format").and_then(Value::as_str) {
            Some(format) => format,
            None if timely => "date-time",
            None => "",
        };
        match format {
            "date-time" => {
                let day = self.rng.random_range(1..28);
                return format!(
                    "2025-0{}-{day:02}T1{}:2{}:00.000Z",
                    n % 9 + 1,
                    n % 10,
                    n % 10
                );
            }
            "date" => return format!("2025-0{}-{:02}", n % 9 + 1, n % 27 + 1),
            "uri" | "url" | "uri-reference" => {
                return format!("https://{}.example.com/{}", word.to_lowercase(), n)
            }
            "email" => return format!("{}.{n}@example.com", word.to_lowercase()),
            "uuid" => {
                let b: [u8; 16] = self.rng.random();
                return uuid::Builder::from_random_bytes(b).into_uuid().to_string();
            }
            "ipv4" => return format!("192.0.2.{n}"),
            "ipv6" => return format!("2001:db8::{n:x}"),
            "byte" => return "ZGVtbw==".into(),
            _ => {}
        }
        // Before the default: the spec writes `default: Assigned` for ids the server assigns.
        if lower == "id" || lower.ends_with("id") {
            return okta_id(self.id_prefix, &mut self.rng);
        }
        if let Some(d) = schema.get("default").and_then(Value::as_str) {
            return d.to_string();
        }
        // What Okta's examples write for a property of this name elsewhere (`issuerMode`:
        // `ORG_URL`, `issuer`: the org's URL) reads truer than a made-up word.
        let seen = self.spec.seen(hint);
        if !seen.is_empty() {
            return seen[self.rng.random_range(0..seen.len())].clone();
        }
        if lower.contains("email") {
            return format!("{}.{n}@example.com", word.to_lowercase());
        }
        if lower.contains("url") || lower.contains("uri") || lower.contains("href") {
            return format!("https://{}.example.com/{}", word.to_lowercase(), n);
        }
        if ["image", "logo", "icon"].iter().any(|w| lower.contains(w)) {
            return format!("https://{}.example.com/{n}.png", word.to_lowercase());
        }
        if lower.contains("phone") {
            return format!("+1-555-01{n:02}");
        }
        if lower.contains("description") {
            return format!("{word} made by the demo org");
        }
        if lower.contains("domain") {
            return format!("{}.example.com", word.to_lowercase());
        }
        if lower.contains("name") || lower.contains("label") || lower.contains("title") {
            return format!("{word} {n}");
        }
        format!("{}-{n}", word.to_lowercase())
    }
}

/// Whether a schema's own `example` is of its type and among its `enum`.
fn fits_own(schema: &Value, example: &Value) -> bool {
    let kind = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let allowed = schema.get("enum").and_then(Value::as_array);
    !example.is_null()
        && super::validate::is_of_type(example, kind)
        && allowed.is_none_or(|a| a.is_empty() || a.contains(example))
}

/// An RFC 3339 date-time, as JSON Schema's `date-time` format wants it: a `T`, seconds and an
/// offset (`2023-03-29 18:18:37.0`, which Okta's examples write, is not one).
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let offset = s.ends_with(['Z', 'z'])
        || b.len() > 6 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':';
    b.len() >= 20
        && matches!(b[10], b'T' | b't')
        && b[16] == b':'
        && offset
        && s.get(..19)
            .is_some_and(|p| super::super::clock::parse_iso(p).is_some())
}

/// A full date, `2025-01-31`.
fn is_date(s: &str) -> bool {
    s.len() == 10 && super::super::clock::parse_iso(s).is_some()
}

/// The shortest string a regular expression matches, letters and digits preferred where a class
/// offers them: the spec's patterns (a version, an E.164 number, a UUID) are simple enough.
fn pattern_sample(pattern: &str) -> Option<String> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn write(hir: &Hir, out: &mut String) {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(l) => out.push_str(&String::from_utf8_lossy(&l.0)),
            HirKind::Class(Class::Unicode(c)) => {
                let chars = c.ranges().iter().flat_map(|r| r.start()..=r.end());
                let mut chars = chars.take(256);
                let first = c.ranges().first().map(|r| r.start());
                if let Some(ch) = chars.find(char::is_ascii_alphanumeric).or(first) {
                    out.push(ch);
                }
            }
            HirKind::Class(Class::Bytes(c)) => {
                if let Some(r) = c.ranges().first() {
                    out.push(r.start() as char);
                }
            }
            HirKind::Repetition(r) => {
                for _ in 0..r.min.min(64) {
                    write(&r.sub, out);
                }
            }
            HirKind::Capture(c) => write(&c.sub, out),
            HirKind::Concat(parts) => parts.iter().for_each(|p| write(p, out)),
            HirKind::Alternation(parts) => {
                if let Some(first) = parts.first() {
                    write(first, out);
                }
            }
        }
    }
    let hir = regex_syntax::parse(pattern).ok()?;
    let mut out = String::new();
    write(&hir, &mut out);
    Some(out)
}

/// A string cut or padded to the schema's `minLength`/`maxLength`.
fn fit_length(schema: &Value, s: &mut String) {
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        if s.chars().count() > max as usize {
            *s = s.chars().take(max as usize).collect();
        }
    }
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
        while s.chars().count() < min as usize {
            s.push('0');
        }
    }
}

/// An id as Okta makes them: a 3-character prefix and 17 more letters and digits.
pub fn okta_id(prefix: &str, rng: &mut SmallRng) -> String {
    const CHARS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut id: String = prefix.chars().take(3).collect();
    while id.len() < 20 {
        id.push(CHARS[rng.random_range(0..CHARS.len())] as char);
    }
    id
}

/// `b` laid over `a`: objects merge key by key (recursively), anything else is replaced.
pub fn merge(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Object(mut a), Value::Object(b)) => {
            for (k, v) in b {
                let old = a.remove(&k).unwrap_or(Value::Null);
                a.insert(k, merge(old, v));
            }
            Value::Object(a)
        }
        (a, Value::Null) => a,
        (_, b) => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_s_sample_is_a_string_it_matches() {
        assert_eq!(
            pattern_sample(r"^(?:\*|\^?\d+(?:\.\d+){0,2})$").as_deref(),
            Some("*")
        );
        assert_eq!(pattern_sample(r"^\+[1-9]\d{1,14}$").as_deref(), Some("+10"));
        assert_eq!(
            pattern_sample(
                r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
            )
            .as_deref(),
            Some("00000000-0000-1000-8000-000000000000")
        );
        assert_eq!(pattern_sample(r"^[\w\-_. ]+$").as_deref(), Some("0"));
    }

    #[test]
    fn date_times_need_a_t_seconds_and_an_offset() {
        assert!(is_date_time("2023-03-29T18:30:58.000Z"));
        assert!(is_date_time("2023-03-29T18:30:58+02:00"));
        assert!(!is_date_time("2023-03-29 18:18:37.0"));
        assert!(!is_date_time("2025-05-28T19:21:14"));
        assert!(!is_date_time("createdDate"));
        assert!(!is_date_time("2023-03-29T18:30:5é.000Z"));
    }
}
