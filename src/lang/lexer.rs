//! Words, references and JSON literals: the pieces the command parser reads one at a time.
//!
//! Every function here takes the remaining input and returns what is left, nom-style, so a
//! position is always `full.len() - rest.len()`. Errors carry the remaining input at the
//! offending spot and a message; `parser.rs` turns that into a character column.

use nom::branch::alt;
use nom::bytes::complete::{is_not, tag, take_till1, take_while, take_while1};
use nom::character::complete::{char, digit1, satisfy};
use nom::combinator::{opt, recognize};
use nom::multi::many0_count;
use nom::sequence::pair;
use nom::{IResult, Parser};

use super::ast::{Expr, JsonTemplate, Root, Step, Word, WordPart};

/// A lexing error: where (the input left at that spot) and, for a real error, what went wrong.
/// `msg: None` is nom's "this branch does not match", which callers turn into a real error.
#[derive(Debug)]
pub(crate) struct LexError<'a> {
    pub at: &'a str,
    pub msg: Option<String>,
    /// The input ran out inside a JSON literal or a quote (see `ParseError::unfinished`).
    pub unfinished: bool,
}

impl<'a> LexError<'a> {
    pub fn new(at: &'a str, msg: impl Into<String>) -> Self {
        LexError {
            at,
            msg: Some(msg.into()),
            unfinished: false,
        }
    }

    /// The input ended before what was opened was closed.
    pub fn unfinished(at: &'a str, msg: impl Into<String>) -> Self {
        LexError {
            unfinished: true,
            ..LexError::new(at, msg)
        }
    }
}

impl<'a> nom::error::ParseError<&'a str> for LexError<'a> {
    fn from_error_kind(input: &'a str, _kind: nom::error::ErrorKind) -> Self {
        LexError {
            at: input,
            msg: None,
            unfinished: false,
        }
    }

    fn append(_input: &'a str, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

pub(crate) type Res<'a, T> = IResult<&'a str, T, LexError<'a>>;

pub(crate) fn fail<T>(at: &str, msg: impl Into<String>) -> Res<'_, T> {
    Err(nom::Err::Failure(LexError::new(at, msg)))
}

pub(crate) fn fail_unfinished<T>(at: &str, msg: impl Into<String>) -> Res<'_, T> {
    Err(nom::Err::Failure(LexError::unfinished(at, msg)))
}

const BAD_STEP: &str = "expected a step after `[`: [N], [-N], [*] or [\"key\"]";

pub(crate) const REF_HELP: &str = "expected a reference after `$`: $last, $N or $name";

/// Characters that end an unquoted word (besides whitespace).
#[inline]
pub(crate) fn is_meta(c: char) -> bool {
    matches!(c, ';' | '|' | '>')
}

#[inline]
fn ends_bare_run(c: char) -> bool {
    matches!(c, '\'' | '"' | '\\' | '$' | ';' | '|' | '>') || c.is_whitespace()
}

/// True when `rest` is at the end of a word: end of input, whitespace, `;`, `|` or `>`.
#[inline]
pub(crate) fn at_word_end(rest: &str) -> bool {
    match rest.chars().next() {
        None => true,
        Some(c) => c.is_whitespace() || is_meta(c),
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub(crate) fn ident(i: &str) -> Res<'_, &str> {
    recognize(pair(
        satisfy(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(i)
}

/// A variable name: an identifier that may also hold inner `-` (`email-suffix`, as Postman
/// names its variables). `$name` reads only an [`ident`], so `$id-old` stays `$id` then text;
/// a name with `-` is referenced as `${email-suffix}`.
pub(crate) fn var_name(i: &str) -> Res<'_, &str> {
    recognize(pair(
        ident,
        many0_count(pair(
            char('-'),
            take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_'),
        )),
    ))
    .parse(i)
}

/// The key of a `k=v` parameter, with its `=`: `[A-Za-z_][A-Za-z0-9_.-]*=`.
fn param_key(i: &str) -> Res<'_, &str> {
    let (rest, key) = recognize(pair(
        satisfy(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')),
    ))
    .parse(i)?;
    let (rest, _) = char('=').parse(rest)?;
    Ok((rest, key))
}

/// A `.field` name: identifier characters and `-` (`_links`, `first-name`, `0`).
#[inline]
fn is_field_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn u64_digits(i: &str) -> Res<'_, u64> {
    let (rest, digits) = digit1.parse(i)?;
    match digits.parse::<u64>() {
        Ok(n) => Ok((rest, n)),
        Err(_) => fail(i, format!("number `{digits}` is too large")),
    }
}

/// `$last`, `$N`, `$name`, `${…}`, then steps. `i` starts at the `$`.
pub(crate) fn reference(i: &str) -> Res<'_, Expr> {
    let (after_dollar, _) = char('$').parse(i)?;
    if let Some(inner) = after_dollar.strip_prefix('{') {
        // `${name}` delimits the reference: `${name}.json` is the variable, then text.
        let (rest, expr) = match bare_reference(inner, var_name) {
            Ok(ok) => ok,
            Err(nom::Err::Error(_)) => return fail(i, REF_HELP),
            Err(e) => return Err(e),
        };
        return match rest.strip_prefix('}') {
            Some(rest) => Ok((rest, expr)),
            None => fail(i, "expected `}` to close `${`"),
        };
    }
    match bare_reference(after_dollar, ident) {
        Ok(ok) => Ok(ok),
        Err(nom::Err::Error(_)) => fail(i, REF_HELP),
        Err(e) => Err(e),
    }
}

/// A root and its steps, without the `$`; `name` reads a variable's name.
fn bare_reference<'a>(i: &'a str, name: fn(&'a str) -> Res<'a, &'a str>) -> Res<'a, Expr> {
    let (rest, root) = alt((
        |i| u64_digits(i).map(|(r, n)| (r, Root::Entry(n))),
        |i| {
            name(i).map(|(r, name)| {
                let root = if name == "last" {
                    Root::Last
                } else {
                    Root::Var(name.to_string())
                };
                (r, root)
            })
        },
    ))
    .parse(i)?;
    let (rest, steps) = steps(rest)?;
    Ok((rest, Expr { root, steps }))
}

/// Steps after a name, as in a reference (`.profile.title`, `[0]`); none is an empty list.
pub(crate) fn steps(i: &str) -> Res<'_, Vec<Step>> {
    let mut rest = i;
    let mut steps = Vec::new();
    loop {
        match step(rest) {
            Ok((r, s)) => {
                rest = r;
                steps.push(s);
            }
            Err(nom::Err::Error(_)) => return Ok((rest, steps)),
            Err(e) => return Err(e),
        }
    }
}

/// One step: `.field`, `[N]`, `[-N]`, `[*]`, `["key"]`, `['key']`. A `.` not followed by a
/// field character is not a step (so `"Hello $name."` ends with a full stop).
fn step(i: &str) -> Res<'_, Step> {
    if let Some(r) = i.strip_prefix('.') {
        let (rest, field) = take_while1(is_field_char).parse(r)?;
        return Ok((rest, Step::Field(field.to_string())));
    }
    let Some(inner) = i.strip_prefix('[') else {
        return Err(nom::Err::Error(LexError {
            at: i,
            msg: None,
            unfinished: false,
        }));
    };
    let bad = || nom::Err::Failure(LexError::new(i, BAD_STEP));
    let (rest, step) = if let Some(r) = inner.strip_prefix('*') {
        (r, Step::All)
    } else if let Some(r) = inner.strip_prefix('"') {
        let (r, key) = double_quoted_key(r).map_err(|_| bad())?;
        (r, Step::Field(key))
    } else if let Some(r) = inner.strip_prefix('\'') {
        match r.find('\'') {
            Some(end) => (&r[end + 1..], Step::Field(r[..end].to_string())),
            None => return Err(bad()),
        }
    } else {
        let (r, neg) = opt(char('-')).parse(inner)?;
        let Ok((r, digits)) = digit1::<_, LexError>.parse(r) else {
            return Err(bad());
        };
        let n: i64 = match digits.parse::<i64>() {
            Ok(n) => n,
            Err(_) => return fail(inner, format!("index `{digits}` is too large")),
        };
        (r, Step::Index(if neg.is_some() { -n } else { n }))
    };
    match rest.strip_prefix(']') {
        Some(r) => Ok((r, step)),
        None => fail(rest, "expected `]` to close the step"),
    }
}

/// The inside of `"…"` in a `["key"]` step, after the opening quote: `\"` and `\\` escape.
fn double_quoted_key(i: &str) -> Res<'_, String> {
    let mut out = String::new();
    let mut rest = i;
    loop {
        let mut chars = rest.chars();
        match chars.next() {
            None => return fail(rest, "unterminated key"),
            Some('"') => return Ok((chars.as_str(), out)),
            Some('\\') => match chars.next() {
                Some(c @ ('"' | '\\')) => {
                    out.push(c);
                    rest = chars.as_str();
                }
                _ => {
                    out.push('\\');
                    rest = &rest[1..];
                }
            },
            Some(_) => {
                let (r, run) = is_not::<_, _, LexError>("\"\\").parse(rest)?;
                out.push_str(run);
                rest = r;
            }
        }
    }
}

/// A word as the parser sees it.
#[derive(Debug)]
pub(crate) struct LexedWord<'a> {
    pub word: Word,
    /// Written without quotes, escapes or references (so `42` may be read as JSON, `off` as
    /// a keyword).
    pub bare: bool,
    /// The `k` of a `k=v` parameter, when asked for and present.
    pub key: Option<&'a str>,
}

/// Accumulates a word's parts, merging adjacent text.
struct WordBuf {
    parts: Vec<WordPart>,
    text: String,
}

impl WordBuf {
    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.parts
                .push(WordPart::Text(std::mem::take(&mut self.text)));
        }
    }

    fn push_ref(&mut self, e: Expr) {
        self.flush();
        self.parts.push(WordPart::Ref(e));
    }

    fn finish(mut self) -> Word {
        self.flush();
        if self.parts.is_empty() {
            self.parts.push(WordPart::Text(String::new()));
        }
        Word { parts: self.parts }
    }
}

/// One shell word from the start of `i` (which must not be at a word end). With `split_key`,
/// an unquoted `key=` prefix is split off as [`LexedWord::key`].
pub(crate) fn word(i: &str, split_key: bool) -> Res<'_, LexedWord<'_>> {
    word_marked(i, split_key, &mut Marks::default())
}

/// [`word`], noting where its key, quotes and references are in `marks` (for [`spans`]).
fn word_marked<'a>(i: &'a str, split_key: bool, marks: &mut Marks) -> Res<'a, LexedWord<'a>> {
    let (mut rest, key) = if split_key {
        match param_key(i) {
            Ok((r, k)) => {
                marks.mark(i, r, SpanKind::Key);
                (r, Some(k))
            }
            Err(_) => (i, None),
        }
    } else {
        (i, None)
    };
    let mut buf = WordBuf {
        parts: Vec::new(),
        text: String::new(),
    };
    let mut bare = key.is_none();
    let mut pieces = 0usize;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() || is_meta(c) {
            break;
        }
        pieces += 1;
        match c {
            '\'' => {
                bare = false;
                let body = &rest[1..];
                match body.find('\'') {
                    Some(end) => {
                        buf.text.push_str(&body[..end]);
                        marks.mark(rest, &body[end + 1..], SpanKind::Str);
                        rest = &body[end + 1..];
                    }
                    None => return fail_unfinished(rest, "unterminated single quote"),
                }
            }
            '"' => {
                bare = false;
                let r = double_quoted(rest, &mut buf, marks)?;
                marks.mark(rest, r, SpanKind::Str);
                rest = r;
            }
            '\\' => {
                bare = false;
                let mut chars = rest[1..].chars();
                match chars.next() {
                    Some(e) => {
                        buf.text.push(e);
                        rest = chars.as_str();
                    }
                    None => return fail(rest, "nothing to escape after `\\`"),
                }
            }
            '$' => {
                bare = false;
                let (r, e) = reference(rest)?;
                marks.mark_ref(rest, r, &e.root);
                buf.push_ref(e);
                rest = r;
            }
            _ => {
                let (r, run) = take_till1::<_, _, LexError>(ends_bare_run).parse(rest)?;
                buf.text.push_str(run);
                rest = r;
            }
        }
    }
    if pieces > 1 {
        bare = false;
    }
    Ok((
        rest,
        LexedWord {
            word: buf.finish(),
            bare,
            key,
        },
    ))
}

/// `"…"` starting at the opening quote: `$refs`, and `\"` `\\` `\$` escapes (any other
/// backslash is kept, as in POSIX shells). Returns the input after the closing quote.
fn double_quoted<'a>(
    i: &'a str,
    buf: &mut WordBuf,
    marks: &mut Marks,
) -> Result<&'a str, nom::Err<LexError<'a>>> {
    let mut rest = &i[1..];
    loop {
        let mut chars = rest.chars();
        match chars.next() {
            None => {
                return Err(nom::Err::Failure(LexError::unfinished(
                    i,
                    "unterminated double quote",
                )))
            }
            Some('"') => return Ok(chars.as_str()),
            Some('\\') => match chars.next() {
                Some(c @ ('"' | '\\' | '$')) => {
                    buf.text.push(c);
                    rest = chars.as_str();
                }
                _ => {
                    buf.text.push('\\');
                    rest = &rest[1..];
                }
            },
            Some('$') => {
                let (r, e) = reference(rest)?;
                marks.mark_ref(rest, r, &e.root);
                buf.push_ref(e);
                rest = r;
            }
            Some(_) => {
                let (r, run) = is_not::<_, _, LexError>("\"\\$").parse(rest)?;
                buf.text.push_str(run);
                rest = r;
            }
        }
    }
}

/// A flag token at the start of `i`: `--name`, `-y`, `--name=value`. Returns the flag as
/// written (without any `=value`) and the value text.
pub(crate) fn flag(i: &str) -> Res<'_, (&str, Option<LexedWord<'_>>)> {
    let (rest, name) = recognize(pair(
        alt((tag("--"), tag("-"))),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
    ))
    .parse(i)?;
    if let Some(r) = rest.strip_prefix('=') {
        if at_word_end(r) {
            return Ok((
                r,
                (
                    name,
                    Some(LexedWord {
                        word: Word::text(""),
                        bare: true,
                        key: None,
                    }),
                ),
            ));
        }
        let (r, value) = word(r, false)?;
        return Ok((r, (name, Some(value))));
    }
    if !at_word_end(rest) {
        return fail(rest, format!("unexpected character after flag `{name}`"));
    }
    Ok((rest, (name, None)))
}

/// True when a word starting here is a flag: `--…` or `-` and a letter (so `-5` is a number).
#[inline]
pub(crate) fn looks_like_flag(i: &str) -> bool {
    let b = i.as_bytes();
    b.first() == Some(&b'-') && matches!(b.get(1), Some(c) if *c == b'-' || c.is_ascii_alphabetic())
}

/// A JSON literal at the start of `i` (which starts with `{` or `[`), possibly with `$ref`
/// values. serde_json reads it when it holds no reference (the common case, and its messages
/// are the reference for the template reader's); only when serde stops at a `$` is it read as
/// a template. On error, the message is serde's (without its position) and `at` points where
/// it stopped.
pub(crate) fn json_literal<'a>(i: &'a str, what: &str) -> Res<'a, JsonTemplate> {
    let mut stream = serde_json::Deserializer::from_str(i).into_iter::<serde_json::Value>();
    let (rest, value) = match stream.next() {
        Some(Ok(v)) => (&i[stream.byte_offset()..], JsonTemplate::Literal(v)),
        Some(Err(e)) => {
            let at = serde_error_at(i, &e);
            if !at.starts_with('$') {
                return serde_failure(at, &e, what);
            }
            super::template::template(i, what)?
        }
        None => return fail(i, format!("expected a JSON {what}")),
    };
    if !at_word_end(rest) {
        return fail(rest, format!("unexpected text right after the JSON {what}"));
    }
    Ok((rest, value))
}

/// Where in `i` serde stopped with `e` (the end for an early end of input).
pub(crate) fn serde_error_at<'a>(i: &'a str, e: &serde_json::Error) -> &'a str {
    if e.is_eof() {
        &i[i.len()..]
    } else {
        &i[json_error_offset(i, e.line(), e.column())..]
    }
}

/// serde's error as a lexing error at `at`: `bad JSON body: expected value`.
pub(crate) fn serde_failure<'a, T>(at: &'a str, e: &serde_json::Error, what: &str) -> Res<'a, T> {
    let full = e.to_string();
    let msg = match full.rfind(" at line ") {
        Some(cut) => &full[..cut],
        None => &full,
    };
    let msg = format!("bad JSON {what}: {msg}");
    if e.is_eof() {
        fail_unfinished(at, msg)
    } else {
        fail(at, msg)
    }
}

/// serde_json reports 1-based line and (byte) column of the character it stopped at; turn
/// that into a byte offset of `i`, on a char boundary.
fn json_error_offset(i: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match i[start..].find('\n') {
            Some(n) => start += n + 1,
            None => break,
        }
    }
    let mut at = (start + column.saturating_sub(1)).min(i.len());
    while !i.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// What a piece of a line is, as far as highlighting cares.
#[derive(Debug, Clone, PartialEq)]
pub enum SpanKind {
    /// The first word of a command; `known` when it names one of [`super::COMMAND_NAMES`].
    Command { known: bool },
    /// A `$reference`, with what it starts from (so a caller can tell whether it resolves).
    Ref(Root),
    /// A `'…'` or `"…"` string (references inside it are spans of their own).
    Str,
    /// The `key=` of a `k=v` parameter.
    Key,
    /// A JSON literal (`{…}`, `[…]`) or a bare JSON scalar (`42`, `true`, `null`).
    Json,
    /// `--all`, `-y`, `--max=5`.
    Flag,
    /// An unclosed quote or bracket: from its opener to the end of the input.
    Unfinished,
    /// What the lexer rejects (`$` alone, `{"a": x}`), up to the end of that word.
    Invalid,
    /// A `#` comment, to the end of the input.
    Comment,
}

/// A piece of a line: its byte range and what it is. Spans may nest (a reference inside a
/// string); an inner span comes after the span that holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub range: std::ops::Range<usize>,
    pub kind: SpanKind,
}

/// Where the lexer found keys, quotes and references while reading a word. Positions are kept
/// as lengths of the input left (`rest.len()`), which every suffix of the line agrees on; the
/// parser's calls keep none.
#[derive(Default)]
struct Marks {
    on: bool,
    /// (left at the start, left after the end, kind)
    found: Vec<(usize, usize, SpanKind)>,
}

impl Marks {
    fn mark(&mut self, from: &str, to: &str, kind: SpanKind) {
        if self.on {
            self.found.push((from.len(), to.len(), kind));
        }
    }

    /// A reference's span; its root is copied only when marks are kept (not for the parser).
    fn mark_ref(&mut self, from: &str, to: &str, root: &Root) {
        if self.on {
            self.mark(from, to, SpanKind::Ref(root.clone()));
        }
    }
}

/// The spans of `line`, read with the same functions the parser reads it with, the way the
/// parser walks a line: `;`-separated commands, a first word that names the command, then
/// JSON literals, flags and `k=v` words; `| …` hands the rest to a shell, a `#` starts a
/// comment (but `#3` is an entry number). A line that does not lex is read as far as it goes:
/// an unclosed quote or bracket marks the rest of the line [`SpanKind::Unfinished`], another
/// error marks its word [`SpanKind::Invalid`] and reading goes on after it. Never panics.
pub fn spans(line: &str) -> Vec<Span> {
    let mut marks = Marks {
        on: true,
        found: Vec::new(),
    };
    let mut rest = line;
    let mut at_command = true;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else { break };
        let after = &rest[c.len_utf8()..];
        match c {
            ';' => {
                at_command = true;
                rest = after;
                continue;
            }
            // The rest is a shell command's, not ours to read.
            '|' => break,
            '>' => {
                at_command = false;
                rest = after;
                continue;
            }
            '#' if at_command || !after.starts_with(|c: char| c.is_ascii_digit()) => {
                marks.mark(rest, "", SpanKind::Comment);
                break;
            }
            _ => {}
        }
        // What was read, and what it is as a whole (`None`: only its pieces are marked).
        let read = if at_command {
            word(rest, false).map(|(r, w)| {
                let known = w.bare
                    && w.word
                        .as_text()
                        .is_some_and(|name| super::COMMAND_NAMES.contains(&name.as_str()));
                (r, Some(SpanKind::Command { known }))
            })
        } else if c == '{' || c == '[' {
            json_literal(rest, "value").map(|(r, _)| (r, Some(SpanKind::Json)))
        } else if looks_like_flag(rest) {
            flag(rest).map(|(r, _)| (r, Some(SpanKind::Flag)))
        } else {
            word_marked(rest, true, &mut marks).map(|(r, w)| {
                let scalar = w.bare && w.word.as_text().is_some_and(|t| is_json_scalar(&t));
                (r, scalar.then_some(SpanKind::Json))
            })
        };
        at_command = false;
        match read {
            Ok((r, kind)) => {
                if let Some(kind) = kind {
                    marks.mark(rest, r, kind);
                }
                rest = r;
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let opener = c == '{' || c == '[';
                let from = suffix_or(e.at, rest);
                if e.unfinished {
                    // serde says where the input ran out; the warning starts at the opener.
                    let from = if opener { rest } else { from };
                    marks.mark(from, "", SpanKind::Unfinished);
                    break;
                }
                // From where the lexer stopped (inside this word) to the end of the word, and
                // at least one character, so reading always moves on.
                let len = from
                    .char_indices()
                    .skip(1)
                    .find(|&(_, c)| c.is_whitespace() || is_meta(c))
                    .map_or(from.len(), |(n, _)| n);
                let to = &from[len..];
                if opener {
                    marks.mark(rest, from, SpanKind::Json);
                }
                marks.mark(from, to, SpanKind::Invalid);
                rest = to;
            }
            Err(nom::Err::Incomplete(_)) => break,
        }
    }
    // Outer spans first, so that a painter going in order lets the inner ones win.
    let mut spans: Vec<Span> = marks
        .found
        .into_iter()
        .filter(|(from, to, _)| from > to)
        .map(|(from, to, kind)| Span {
            range: line.len() - from..line.len() - to,
            kind,
        })
        .collect();
    spans.sort_by_key(|s| (s.range.start, std::cmp::Reverse(s.range.end)));
    spans
}

/// `at` when it is a suffix of `rest` (where a lexing error should point), else `rest`: a
/// span is never computed from a string that is not part of the line.
fn suffix_or<'a>(at: &'a str, rest: &'a str) -> &'a str {
    let (start, end) = (rest.as_ptr() as usize, rest.as_ptr() as usize + rest.len());
    let at_start = at.as_ptr() as usize;
    if at_start >= start && at_start + at.len() == end {
        at
    } else {
        rest
    }
}

/// A bare word that is a JSON number, `true`, `false` or `null` (as `set`/`echo` read it).
fn is_json_scalar(t: &str) -> bool {
    t.starts_with(|c: char| c == '-' || c.is_ascii_digit() || matches!(c, 't' | 'f' | 'n'))
        && serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| !v.is_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_steps() {
        let (rest, e) = reference("$last[0].id/x").unwrap();
        assert_eq!(rest, "/x");
        assert_eq!(e.root, Root::Last);
        assert_eq!(e.steps, vec![Step::Index(0), Step::Field("id".into())]);
    }

    #[test]
    fn trailing_dot_is_text() {
        let (rest, e) = reference("$name.").unwrap();
        assert_eq!(rest, ".");
        assert_eq!(e.root, Root::Var("name".into()));
    }

    #[test]
    fn json_error_points_into_literal() {
        let Err(nom::Err::Failure(e)) = json_literal("{\"a\": x}", "body") else {
            panic!()
        };
        assert_eq!(e.at, "x}");
    }
}
