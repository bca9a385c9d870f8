//! Highlighting as you type: the spans the lexer finds in a line (`lang::spans`), painted with
//! ANSI escapes. Only escapes are added, never a character of the line changed, so the cursor
//! stays where rustyline puts it.
//!
//! Colours are the 8 basic ones plus bold and underline, which terminals map to something
//! readable on both dark and light backgrounds (no 256-colour greys).

use std::borrow::Cow;

use crate::lang::{self, Root, SpanKind};

/// The SGR parameters of a kind of span. `known_var` says whether a `$name` is a variable of
/// the session (`$last` and `$N` always read as known: their history may fill in later).
/// `big` (for a room) dims nothing: a comment is cyan instead.
fn sgr(kind: &SpanKind, known_var: &dyn Fn(&str) -> bool, big: bool) -> &'static str {
    match kind {
        SpanKind::Command { known: true } => "1;34",
        // An unknown command or variable: red and underlined, as a spell checker would.
        SpanKind::Command { known: false } => "1;4;31",
        SpanKind::Ref(Root::Var(name)) if !known_var(name) => "4;31",
        SpanKind::Ref(_) => "35",
        SpanKind::Str => "32",
        SpanKind::Key => "36",
        SpanKind::Json => "33",
        SpanKind::Flag => "34",
        // An unclosed quote or bracket: a warning, the line may still be finished.
        SpanKind::Unfinished => "1;4;33",
        SpanKind::Invalid => "4;31",
        SpanKind::Comment if big => "36",
        SpanKind::Comment => "2",
    }
}

/// `line` with escapes around its spans; the line itself when it has none.
pub fn highlight<'l>(line: &'l str, known_var: &dyn Fn(&str) -> bool, big: bool) -> Cow<'l, str> {
    let spans = lang::spans(line);
    if spans.is_empty() {
        return Cow::Borrowed(line);
    }
    // The style of each byte: spans come outer first, so an inner span overrides.
    let mut style: Vec<Option<&'static str>> = vec![None; line.len()];
    for span in &spans {
        let code = sgr(&span.kind, known_var, big);
        style[span.range.clone()].fill(Some(code));
    }
    let mut out = String::with_capacity(line.len() + spans.len() * 12);
    let mut current = None;
    for (at, c) in line.char_indices() {
        let wanted = style[at];
        if wanted != current {
            if current.is_some() {
                out.push_str("\x1b[0m");
            }
            if let Some(code) = wanted {
                out.push_str("\x1b[");
                out.push_str(code);
                out.push('m');
            }
            current = wanted;
        }
        out.push(c);
    }
    if current.is_some() {
        out.push_str("\x1b[0m");
    }
    Cow::Owned(out)
}

/// `text` without its `ESC [ … m` escapes: what the highlighted line shows.
pub fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find('m') {
            Some(end)
                if after[..end]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b';') =>
            {
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("\x1b[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> bool {
        name == "ann"
    }

    fn paint(line: &str) -> String {
        highlight(line, &known, false).into_owned()
    }

    /// The kinds of the spans of `line`, with their text.
    fn kinds(line: &str) -> Vec<(&str, SpanKind)> {
        lang::spans(line)
            .into_iter()
            .map(|s| (&line[s.range], s.kind))
            .collect()
    }

    #[test]
    fn command_words_known_and_unknown() {
        assert_eq!(
            kinds("ls users; lsx groups"),
            vec![
                ("ls", SpanKind::Command { known: true }),
                ("lsx", SpanKind::Command { known: false }),
            ]
        );
        assert_eq!(paint("ls users"), "\x1b[1;34mls\x1b[0m users");
        assert_eq!(paint("lsx"), "\x1b[1;4;31mlsx\x1b[0m");
    }

    #[test]
    fn references_known_and_unknown() {
        let line = "get $ann.id $bob $last[0].id $2";
        let spans = kinds(line);
        assert_eq!(
            spans[1..],
            [
                ("$ann.id", SpanKind::Ref(Root::Var("ann".into()))),
                ("$bob", SpanKind::Ref(Root::Var("bob".into()))),
                ("$last[0].id", SpanKind::Ref(Root::Last)),
                ("$2", SpanKind::Ref(Root::Entry(2))),
            ]
        );
        let painted = paint(line);
        assert!(painted.contains("\x1b[35m$ann.id\x1b[0m"), "{painted:?}");
        assert!(painted.contains("\x1b[4;31m$bob\x1b[0m"), "{painted:?}");
        assert!(
            painted.contains("\x1b[35m$last[0].id\x1b[0m"),
            "{painted:?}"
        );
    }

    #[test]
    fn strings_keys_and_references_inside_strings() {
        assert_eq!(
            kinds(r#"echo "hi $ann" 'x' q=ann"#)[1..],
            [
                (r#""hi $ann""#, SpanKind::Str),
                ("$ann", SpanKind::Ref(Root::Var("ann".into()))),
                ("'x'", SpanKind::Str),
                ("q=", SpanKind::Key),
            ]
        );
        assert_eq!(
            paint(r#"echo "hi $ann""#),
            "\x1b[1;34mecho\x1b[0m \x1b[32m\"hi \x1b[0m\x1b[35m$ann\x1b[0m\x1b[32m\"\x1b[0m"
        );
    }

    #[test]
    fn a_big_screen_dims_no_comment() {
        let known = |_: &str| true;
        assert_eq!(
            highlight("# step one", &known, false),
            "\x1b[2m# step one\x1b[0m"
        );
        assert_eq!(
            highlight("# step one", &known, true),
            "\x1b[36m# step one\x1b[0m"
        );
    }

    #[test]
    fn broken_quote_warns_to_the_end() {
        assert_eq!(
            kinds(r#"ls users q="ann lee"#)[1..],
            [("q=", SpanKind::Key), (r#""ann lee"#, SpanKind::Unfinished)]
        );
        assert_eq!(
            paint("echo 'abc"),
            "\x1b[1;34mecho\x1b[0m \x1b[1;4;33m'abc\x1b[0m"
        );
    }

    #[test]
    fn json_bodies_scalars_flags_and_comments() {
        assert_eq!(
            kinds(r#"post users {"profile": {"a": 1}} --yes # new user"#)[1..],
            [
                (r#"{"profile": {"a": 1}}"#, SpanKind::Json),
                ("--yes", SpanKind::Flag),
                ("# new user", SpanKind::Comment),
            ]
        );
        assert_eq!(
            kinds("set n = 42; echo true [1, $n]")[1..],
            [
                ("42", SpanKind::Json),
                ("echo", SpanKind::Command { known: true }),
                ("true", SpanKind::Json),
                ("[1, $n]", SpanKind::Json),
            ]
        );
        // An unclosed bracket: from the opener to the end of the line.
        assert_eq!(
            kinds(r#"post users {"a": [1"#)[1..],
            [(r#"{"a": [1"#, SpanKind::Unfinished)]
        );
        // `#3` after a command is an entry number, not a comment.
        assert_eq!(kinds("show #3").len(), 1);
        assert_eq!(
            paint("ls --all"),
            "\x1b[1;34mls\x1b[0m \x1b[34m--all\x1b[0m"
        );
    }

    #[test]
    fn a_bad_word_is_marked_and_reading_goes_on() {
        assert_eq!(
            kinds(r#"post users {"a": x} --yes"#)[1..],
            [
                (r#"{"a": "#, SpanKind::Json),
                ("x}", SpanKind::Invalid),
                ("--yes", SpanKind::Flag),
            ]
        );
        assert_eq!(kinds("echo $ ok")[1], ("$", SpanKind::Invalid));
    }

    /// Odd inputs: never a panic, and the text shown is the text typed.
    #[test]
    fn only_escapes_are_added() {
        let pieces = [
            "ls", " ", "users", ";", "|", ">", "#", "#1", "$", "${", "}", "$last", "[", "]", "{",
            "\"", "'", "\\", "=", "q=", "--", "-y", "--max=", "é", "日本", "\n", "\t", ":", ",",
            "1", "-5", "true", "null", "$a.b", "[*]", "[\"k\"]", "\u{1b}", "x",
        ];
        // Every line of up to 4 pieces from a pseudo-random walk (deterministic).
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut line = String::new();
            for _ in 0..(seed % 7) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                line.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let painted = paint(&line);
            assert_eq!(strip_escapes(&painted), line, "{line:?}");
        }
    }

    proptest::proptest! {
        /// Any text at all, and text made of the language's own characters.
        #[test]
        fn any_line_keeps_its_text(line in "\\PC{0,40}|[ a-z0-9$.;|>#{}\\[\\]\"'\\\\=:,*-]{0,40}") {
            proptest::prop_assert_eq!(strip_escapes(&paint(&line)), line);
        }
    }

    #[test]
    fn a_long_line_is_cheap() {
        let line = format!(
            r#"post users {{"profile": {{"login": "$ann.profile.login", "n": [1, 2, 3]}}}} q="a b" {} --yes"#,
            "x=$last[0].id ".repeat(9)
        );
        assert!(line.len() >= 200, "{}", line.len());
        let start = std::time::Instant::now();
        let rounds = 1000;
        for _ in 0..rounds {
            std::hint::black_box(highlight(&line, &known, false));
        }
        let each = start.elapsed() / rounds;
        // Measured 5.6 µs for this 212-byte line in a release build (`cargo test --release
        // --lib a_long_line -- --nocapture`).
        crate::note!("highlight of a {}-byte line: {each:?}", line.len());
        assert!(each < std::time::Duration::from_millis(1), "{each:?}");
    }
}
