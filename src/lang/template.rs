//! JSON literals with `$ref` values: `{"profile": {"title": $t}, "ids": [$last[0].id]}`.
//!
//! serde_json cannot read a `$`, so this reader walks the structure itself (objects, arrays,
//! and references in value positions) and hands every scalar — strings, numbers, `true`,
//! `false`, `null` — to serde_json, so strings and numbers mean exactly what they do in plain
//! JSON. Its messages are serde's words for the same mistakes. A reference ends where the
//! lexer's reference grammar ends (`$last[0].id` before `,`, `}` or `]`); inside a JSON string
//! a `$` is plain text.

use super::ast::JsonTemplate;
use super::lexer::{fail, fail_unfinished, reference, serde_error_at, serde_failure, Res};

/// As deep as serde_json nests before it gives up, so that no line can exhaust the stack.
const MAX_DEPTH: usize = 128;

/// A JSON template at the start of `i` (at its `{` or `[`). `what` names it in errors ("body").
pub(crate) fn template<'a>(i: &'a str, what: &str) -> Res<'a, JsonTemplate> {
    value(i, what, 0)
}

fn skip_ws(i: &str) -> &str {
    i.trim_start_matches([' ', '\t', '\n', '\r'])
}

fn value<'a>(i: &'a str, what: &str, depth: usize) -> Res<'a, JsonTemplate> {
    let i = skip_ws(i);
    match i.as_bytes().first() {
        None => fail_unfinished(i, format!("bad JSON {what}: EOF while parsing a value")),
        Some(b'$') => {
            let (rest, expr) = reference(i)?;
            Ok((rest, JsonTemplate::Ref(expr)))
        }
        Some(b'{' | b'[') if depth >= MAX_DEPTH => {
            fail(i, format!("bad JSON {what}: recursion limit exceeded"))
        }
        Some(b'{') => object(&i[1..], what, depth + 1),
        Some(b'[') => array(&i[1..], what, depth + 1),
        Some(_) => scalar(i, what),
    }
}

/// A string, number, `true`, `false` or `null`, read by serde_json.
fn scalar<'a>(i: &'a str, what: &str) -> Res<'a, JsonTemplate> {
    let mut stream = serde_json::Deserializer::from_str(i).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(v)) => Ok((&i[stream.byte_offset()..], JsonTemplate::Literal(v))),
        Some(Err(e)) => serde_failure(serde_error_at(i, &e), &e, what),
        None => fail_unfinished(i, format!("bad JSON {what}: EOF while parsing a value")),
    }
}

/// The members after `{`.
fn object<'a>(i: &'a str, what: &str, depth: usize) -> Res<'a, JsonTemplate> {
    let eof = || format!("bad JSON {what}: EOF while parsing an object");
    let mut members = Vec::new();
    let mut rest = skip_ws(i);
    if let Some(r) = rest.strip_prefix('}') {
        return Ok((r, collapse_object(members)));
    }
    loop {
        rest = skip_ws(rest);
        match rest.as_bytes().first() {
            None => return fail_unfinished(rest, eof()),
            Some(b'"') => {}
            Some(_) => return fail(rest, format!("bad JSON {what}: key must be a string")),
        }
        let (r, key) = scalar(rest, what)?;
        let JsonTemplate::Literal(serde_json::Value::String(key)) = key else {
            return fail(rest, format!("bad JSON {what}: key must be a string"));
        };
        rest = skip_ws(r);
        match rest.strip_prefix(':') {
            Some(r) => rest = r,
            None if rest.is_empty() => return fail_unfinished(rest, eof()),
            None => return fail(rest, format!("bad JSON {what}: expected `:`")),
        }
        let (r, member) = value(rest, what, depth)?;
        members.push((key, member));
        rest = skip_ws(r);
        match rest.as_bytes().first() {
            Some(b',') => {
                rest = skip_ws(&rest[1..]);
                if rest.starts_with('}') {
                    return fail(rest, format!("bad JSON {what}: trailing comma"));
                }
            }
            Some(b'}') => return Ok((&rest[1..], collapse_object(members))),
            None => return fail_unfinished(rest, eof()),
            Some(_) => return fail(rest, format!("bad JSON {what}: expected `,` or `}}`")),
        }
    }
}

/// The items after `[`.
fn array<'a>(i: &'a str, what: &str, depth: usize) -> Res<'a, JsonTemplate> {
    let eof = || format!("bad JSON {what}: EOF while parsing a list");
    let mut items = Vec::new();
    let mut rest = skip_ws(i);
    if let Some(r) = rest.strip_prefix(']') {
        return Ok((r, collapse_array(items)));
    }
    loop {
        let (r, item) = value(rest, what, depth)?;
        items.push(item);
        rest = skip_ws(r);
        match rest.as_bytes().first() {
            Some(b',') => {
                rest = skip_ws(&rest[1..]);
                if rest.starts_with(']') {
                    return fail(rest, format!("bad JSON {what}: trailing comma"));
                }
            }
            Some(b']') => return Ok((&rest[1..], collapse_array(items))),
            None => return fail_unfinished(rest, eof()),
            Some(_) => return fail(rest, format!("bad JSON {what}: expected `,` or `]`")),
        }
    }
}

fn literal(t: &JsonTemplate) -> Option<&serde_json::Value> {
    match t {
        JsonTemplate::Literal(v) => Some(v),
        _ => None,
    }
}

/// An object with no reference in it is a literal.
fn collapse_object(members: Vec<(String, JsonTemplate)>) -> JsonTemplate {
    if members.iter().all(|(_, m)| literal(m).is_some()) {
        let map = members
            .into_iter()
            .filter_map(|(k, m)| match m {
                JsonTemplate::Literal(v) => Some((k, v)),
                _ => None,
            })
            .collect();
        return JsonTemplate::Literal(serde_json::Value::Object(map));
    }
    JsonTemplate::Object(members)
}

fn collapse_array(items: Vec<JsonTemplate>) -> JsonTemplate {
    if items.iter().all(|m| literal(m).is_some()) {
        let list = items
            .into_iter()
            .filter_map(|m| match m {
                JsonTemplate::Literal(v) => Some(v),
                _ => None,
            })
            .collect();
        return JsonTemplate::Literal(serde_json::Value::Array(list));
    }
    JsonTemplate::Array(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ast::{Expr, Root, Step};
    use serde_json::json;

    fn var(name: &str, steps: Vec<Step>) -> JsonTemplate {
        JsonTemplate::Ref(Expr {
            root: Root::Var(name.into()),
            steps,
        })
    }

    #[test]
    fn references_end_at_json_punctuation() {
        let (rest, t) = template(
            r#"{"a": $t, "b": [$u[0].id, 1], "c": {"d": "$x"}} tail"#,
            "body",
        )
        .unwrap();
        assert_eq!(rest, " tail");
        assert_eq!(
            t,
            JsonTemplate::Object(vec![
                ("a".into(), var("t", vec![])),
                (
                    "b".into(),
                    JsonTemplate::Array(vec![
                        var("u", vec![Step::Index(0), Step::Field("id".into())]),
                        JsonTemplate::Literal(json!(1)),
                    ])
                ),
                ("c".into(), JsonTemplate::Literal(json!({"d": "$x"}))),
            ])
        );
    }

    #[test]
    fn errors_are_serdes_words_and_an_early_end_is_unfinished() {
        for (input, message, unfinished) in [
            ("{\"a\": $t", "EOF while parsing an object", true),
            ("[$t,\n", "EOF while parsing a value", true),
            ("[$t", "EOF while parsing a list", true),
            ("{\"a\": $t,}", "trailing comma", false),
            ("{\"a\": $t x}", "expected `,` or `}`", false),
            ("{\"a\": $t, b: 1}", "key must be a string", false),
            ("[$t, tru]", "expected ident", false),
            ("[$t, \"open", "EOF while parsing a string", true),
        ] {
            let Err(nom::Err::Failure(e)) = template(input, "body") else {
                panic!("{input} parsed")
            };
            let msg = e.msg.unwrap_or_default();
            assert_eq!(msg, format!("bad JSON body: {message}"), "{input}");
            assert_eq!(e.unfinished, unfinished, "{input}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}$t{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(template(&deep, "body").is_err());
    }
}
