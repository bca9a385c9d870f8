//! Values: `$last`/`$N`/`$name` expressions and their steps, words with references, and the
//! `set`, `echo` and `vars` commands.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;

use crate::http::{Body, CompactJson};
use crate::lang::{self, Expr, Root, Step, Value as ValueArg, Word, WordPart};
use crate::session::Entry;

use super::{fail, Failure, Outcome, Shell};

impl Shell {
    pub fn eval_expr(&self, expr: &Expr) -> Result<Value, Failure> {
        let (entry, shown) = match &expr.root {
            Root::Last => match self.session.history.last() {
                Some(e) => (e, "$last".to_string()),
                None => {
                    return fail("$last: no response yet; send a request first (e.g. `ls users`)")
                }
            },
            Root::Entry(n) => match self.session.history.get(*n) {
                Some(e) => (e, format!("${n}")),
                None => {
                    return fail(format!(
                        "${n}: no history entry #{n} (history holds {})",
                        self.session.history.range_text()
                    ))
                }
            },
            Root::Var(name) => match self.session.variables.get(name) {
                Some(v) => return walk(Cow::Borrowed(v), &expr.steps, var_text(name)),
                None => return fail(self.unknown_variable(name)),
            },
        };
        match (&entry.body, expr.steps.split_first()) {
            // A compact body is parsed as far as the first step needs: one item for `[0]`,
            // one field of each item for `.id`.
            (Body::Compact(c), Some((first, rest))) => {
                let value = compact_step(c, first, &shown)?;
                walk(Cow::Owned(value), rest, shown + &step_text(first))
            }
            _ => walk(entry_value(entry), &expr.steps, shown),
        }
    }

    pub(super) fn unknown_variable(&self, name: &str) -> String {
        let names: Vec<&str> = self.session.variables.keys().map(String::as_str).collect();
        let mut msg = format!("{}: no such variable", var_text(name));
        if names.is_empty() {
            msg.push_str(" (none set yet; `set NAME = VALUE`; $last and $N name responses)");
        } else {
            if let Some(s) = lang::suggest(name, &names) {
                msg.push_str(&format!("; did you mean {}?", var_text(&s)));
            }
            msg.push_str(&format!(
                " (defined: {})",
                names
                    .iter()
                    .map(|n| var_text(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        msg
    }

    /// A word's value: a lone reference keeps its JSON; text with references becomes a string,
    /// or a list of strings when a reference is a list (the caller fans out over it).
    pub fn eval_word(&self, word: &Word) -> Result<Value, Failure> {
        if let Some(expr) = word.as_ref_only() {
            return self.eval_expr(expr);
        }
        let mut variants: Vec<String> = vec![String::new()];
        // A list reference makes the word a list (the caller fans out over it). Only one: two
        // would multiply (`$a$a$a…` of ten items each is 10^N words), and a product of two
        // listings is never what a request over ids means.
        let mut list: Option<&Expr> = None;
        for part in &word.parts {
            match part {
                WordPart::Text(t) => variants.iter_mut().for_each(|v| v.push_str(t)),
                WordPart::Ref(expr) => {
                    let value = self.eval_expr(expr)?;
                    let pieces: Vec<String> = match &value {
                        Value::Array(items) => {
                            if let Some(first) = list {
                                return fail(format!(
                                    "{} and {} are both lists; a word takes one (pick an item: {}[0])",
                                    expr_text(first),
                                    expr_text(expr),
                                    expr_text(expr)
                                ));
                            }
                            list = Some(expr);
                            items
                                .iter()
                                .map(|v| scalar_text(v, expr))
                                .collect::<Result<_, _>>()?
                        }
                        other => vec![scalar_text(other, expr)?],
                    };
                    variants = variants
                        .iter()
                        .flat_map(|prefix| pieces.iter().map(move |p| format!("{prefix}{p}")))
                        .collect();
                }
            }
        }
        if list.is_some() {
            Ok(Value::Array(
                variants.into_iter().map(Value::String).collect(),
            ))
        } else {
            Ok(Value::String(variants.pop().unwrap_or_default()))
        }
    }

    pub(super) fn word_text(&self, word: &Word, what: &str) -> Result<String, Failure> {
        match self.eval_word(word)? {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => fail(format!("{what} must be text, not {}", type_name(&other))),
        }
    }

    pub(super) fn eval_value(&self, value: &ValueArg) -> Result<Value, Failure> {
        match value {
            ValueArg::Json(v) => Ok(v.clone()),
            ValueArg::Template(t) => self.eval_template(t),
            ValueArg::Word(w) => self.eval_word(w),
            ValueArg::File(w) => self.file_value(w),
        }
    }

    /// `@FILE`: a `.json` file's value as it is; the rows of a `.csv` or `.jsonl` file as a
    /// list of objects (dotted CSV headers nest: `profile.login`).
    fn file_value(&self, file: &Word) -> Result<Value, Failure> {
        let path = self.word_text(file, "the FILE")?;
        let path = std::path::Path::new(&path);
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::Message(format!("cannot read {}: {e}", path.display())))?;
            return serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
                Failure::Message(format!("{} is not valid JSON: {e}", path.display()))
            });
        }
        let rows = super::rows::load(path).map_err(Failure::Message)?;
        rows.iter()
            .enumerate()
            .map(|(i, row)| {
                super::rows::nest(row)
                    .map_err(|e| Failure::Message(format!("{} row {}: {e}", path.display(), i + 1)))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
    }

    /// One value as it is; several as a list. On a terminal a string prints as bare text.
    pub(super) fn echo(&self, values: &[ValueArg]) -> Result<Outcome, Failure> {
        let mut values: Vec<Value> = values
            .iter()
            .map(|v| self.eval_value(v))
            .collect::<Result<_, _>>()?;
        let value = if values.len() == 1 {
            values.pop().unwrap_or(Value::Null)
        } else {
            Value::Array(values)
        };
        if self.style.terminal {
            match &value {
                Value::String(s) => return Ok(Outcome::Text(s.clone())),
                Value::Array(items)
                    if items.len() > 1
                        && items.iter().all(|v| !v.is_object() && !v.is_array())
                        && values_are_words(items) =>
                {
                    let words: Vec<String> = items
                        .iter()
                        .map(|v| {
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string())
                        })
                        .collect();
                    return Ok(Outcome::Text(words.join(" ")));
                }
                _ => {}
            }
        }
        Ok(Outcome::Value(value))
    }

    pub(super) fn vars(&self) -> String {
        self.session
            .variables
            .iter()
            .map(|(k, v)| {
                let text = v.to_string();
                let short: String = text.chars().take(70).collect();
                let more = if short.len() < text.len() { "…" } else { "" };
                format!("${k} = {short}{more}")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

pub(super) fn apply_step(value: Value, step: &Step, shown: &str) -> Result<Value, Failure> {
    match (step, value) {
        (Step::Field(name), Value::Object(mut map)) => match map.remove(name) {
            Some(v) => Ok(v),
            None => {
                let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                let hint = lang::suggest(name, &keys)
                    .map(|s| format!("; did you mean .{s}?"))
                    .unwrap_or_default();
                fail(format!(
                    "{shown} has no field `{name}`{hint} (fields: {})",
                    keys.join(", ")
                ))
            }
        },
        (Step::Field(name), Value::Array(items)) => {
            // `.field` on a list maps over it: `$last.id` is every id.
            if items.is_empty() {
                return Ok(Value::Array(items));
            }
            let found = items.iter().any(|i| i.get(name).is_some());
            if !found {
                let keys: Vec<String> = items
                    .iter()
                    .find_map(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                return fail(no_field_in_list(shown, items.len(), name, &keys));
            }
            Ok(Value::Array(
                items
                    .into_iter()
                    .map(|mut i| i.get_mut(name).map(Value::take).unwrap_or(Value::Null))
                    .collect(),
            ))
        }
        (Step::Field(name), other) => fail(format!(
            "{shown} is {}, which has no field `{name}`",
            type_name(&other)
        )),
        (Step::Index(i), Value::Array(mut items)) => {
            let len = items.len() as i64;
            let index = if *i < 0 { len + i } else { *i };
            if index < 0 || index >= len {
                return fail(format!(
                    "{shown}[{i}]: out of range, {shown} has {len} items"
                ));
            }
            Ok(items.swap_remove(index as usize))
        }
        (Step::Index(i), other) => fail(format!(
            "{shown}[{i}]: {shown} is {}, not a list",
            type_name(&other)
        )),
        (Step::All, Value::Array(items)) => Ok(Value::Array(items)),
        (Step::All, Value::Object(map)) => {
            Ok(Value::Array(map.into_iter().map(|(_, v)| v).collect()))
        }
        (Step::All, other) => fail(format!(
            "{shown}[*]: {shown} is {}, not a list or object",
            type_name(&other)
        )),
    }
}

pub(super) fn step_text(step: &Step) -> String {
    match step {
        Step::Field(f)
            if f.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-') =>
        {
            format!(".{f}")
        }
        Step::Field(f) => format!("[{}]", Value::String(f.clone())),
        Step::Index(i) => format!("[{i}]"),
        Step::All => "[*]".into(),
    }
}

pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A value put into text: strings as they are, numbers and booleans written out.
pub(super) fn scalar_text(value: &Value, expr: &Expr) -> Result<String, Failure> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => {
            let shown = expr_text(expr);
            fail(format!(
                "{shown} is {} and cannot go into text; pick a field such as {shown}.id",
                type_name(other)
            ))
        }
    }
}

/// A reference as written: `$last[0].id`, `${email-suffix}`.
pub(super) fn expr_text(expr: &Expr) -> String {
    let mut shown = match &expr.root {
        Root::Last => "$last".to_string(),
        Root::Entry(n) => format!("${n}"),
        Root::Var(v) => var_text(v),
    };
    for s in &expr.steps {
        shown.push_str(&step_text(s));
    }
    shown
}

/// A variable as a reference: `$id`, or `${email-suffix}` for a name that `$` alone would end
/// at its `-`.
pub(super) fn var_text(name: &str) -> String {
    if name.contains('-') {
        format!("${{{name}}}")
    } else {
        format!("${name}")
    }
}

/// Short scalars that read well on one line.
pub(super) fn values_are_words(items: &[Value]) -> bool {
    items.len() <= 8
        && items.iter().all(|v| {
            v.as_str()
                .is_none_or(|s| s.len() < 60 && !s.contains(char::is_whitespace))
        })
}

/// Applies `steps` to a value. Steps walk a stored value by reference and clone only what
/// they yield: `$last[0].id` after a 100,000-user export copies one id, not the export.
fn walk(mut value: Cow<Value>, steps: &[Step], mut shown: String) -> Result<Value, Failure> {
    for step in steps {
        let borrowed = match (&value, step) {
            (Cow::Borrowed(Value::Object(map)), Step::Field(name)) => map.get(name),
            (Cow::Borrowed(Value::Array(items)), Step::Index(i)) => {
                let len = items.len() as i64;
                let index = if *i < 0 { len + i } else { *i };
                usize::try_from(index).ok().and_then(|i| items.get(i))
            }
            _ => None,
        };
        value = match borrowed {
            Some(child) => Cow::Borrowed(child),
            // Mapping over a list, `[*]`, or an error message: the owned path.
            None => Cow::Owned(apply_step(value.into_owned(), step, &shown)?),
        };
        shown.push_str(&step_text(step));
    }
    Ok(value.into_owned())
}

/// The first step into a compact body, parsing only what it needs. Steps a list cannot take
/// item by item (`[*]`, a step into a large object) parse the whole value.
fn compact_step(body: &CompactJson, step: &Step, shown: &str) -> Result<Value, Failure> {
    let Some(items) = body.raw_items() else {
        return apply_step(body.to_value(), step, shown);
    };
    match step {
        Step::Index(i) => {
            let len = items.len() as i64;
            let index = if *i < 0 { len + i } else { *i };
            match usize::try_from(index).ok().and_then(|i| body.item(i)) {
                Some(item) => Ok(item),
                None => fail(format!(
                    "{shown}[{i}]: out of range, {shown} has {len} items"
                )),
            }
        }
        Step::Field(name) => {
            let mut found = false;
            let mut values = Vec::with_capacity(items.len());
            for raw in items {
                let mut de = serde_json::Deserializer::from_str(raw.get());
                let value = FieldOf(name).deserialize(&mut de).ok().flatten();
                found |= value.is_some();
                values.push(value.unwrap_or(Value::Null));
            }
            if found || items.is_empty() {
                return Ok(Value::Array(values));
            }
            let keys: Vec<String> = (0..items.len())
                .find_map(|i| body.item(i).and_then(|v| v.as_object().cloned()))
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            fail(no_field_in_list(shown, items.len(), name, &keys))
        }
        Step::All => Ok(body.to_value()),
    }
}

/// Reads one field of a JSON object and skips the rest unparsed; `None` when the value is not
/// an object or lacks the field.
struct FieldOf<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for FieldOf<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldOf<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<Cow<str>>()? {
            if key == self.0 {
                found = Some(map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// The error of `.field` on a list whose items all lack it.
fn no_field_in_list(shown: &str, len: usize, name: &str, keys: &[String]) -> String {
    format!(
        "{shown} is a list of {len} whose items have no field `{name}` (fields: {})",
        keys.join(", ")
    )
}

/// An entry's body as a value: JSON borrowed, text or nothing made into a value.
fn entry_value(entry: &Entry) -> Cow<'_, Value> {
    match &entry.body {
        Body::Json(v) => Cow::Borrowed(v),
        other => Cow::Owned(other.value()),
    }
}
