//! `parse_line` never panics, and its errors point inside the line.

use oktash::lang::parse_line;
use proptest::prelude::*;

/// Pieces of the language itself, so that generated lines reach deep into the parser.
const TOKENS: &[&str] = &[
    " ",
    " ",
    " ",
    "\t",
    ";",
    "|",
    ">",
    ">>",
    "#",
    "#3",
    "$",
    "$last",
    "$1",
    "$name",
    "${",
    "}",
    ".",
    ".id",
    "[",
    "]",
    "[0]",
    "[-1]",
    "[*]",
    "[\"k\"]",
    "['k']",
    "'",
    "\"",
    "\\",
    "\\\"",
    "{",
    "}",
    "\"a\":",
    "1",
    "null",
    "true",
    ",",
    "=",
    "k=",
    "@",
    "@f.json",
    "--all",
    "--max",
    "--max=",
    "-y",
    "--yes",
    "--json",
    "--reveal",
    "--protected",
    "--",
    "-",
    "é",
    "ü",
    "\u{0}",
    "\n",
    "env",
    "add",
    "rm",
    "use",
    "import",
    "collections",
    "ls",
    "get",
    "follow",
    "post",
    "put",
    "patch",
    "delete",
    "run",
    "set",
    "unset",
    "echo",
    "vars",
    "history",
    "show",
    "as",
    "curl",
    "source",
    "play",
    "record",
    "off",
    "help",
    "exit",
    "quit",
    "users",
    "token=",
    "bearer=",
];

fn token_line() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..24).prop_map(|t| t.concat())
}

/// A real command followed by anything made of tokens.
fn command_line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(oktash::lang::COMMAND_NAMES.clone()),
        prop::collection::vec(prop::sample::select(TOKENS), 0..16),
    )
        .prop_map(|(cmd, rest)| format!("{cmd} {}", rest.concat()))
}

fn check(line: &str) -> Result<(), TestCaseError> {
    if let Err(e) = parse_line(line) {
        let chars = line.chars().count();
        prop_assert!(
            e.column <= chars,
            "column {} beyond the line ({chars} chars): {line:?} → {e}",
            e.column
        );
        prop_assert!(!e.message.is_empty());
        // Rendering must not panic either.
        let _ = e.render(line);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings(line in any::<String>()) {
        check(&line)?;
    }

    #[test]
    fn printable_ascii(line in "[ -~]{0,60}") {
        check(&line)?;
    }

    #[test]
    fn token_soup(line in token_line()) {
        check(&line)?;
    }

    #[test]
    fn commands_with_token_soup(line in command_line()) {
        check(&line)?;
    }

    /// A line that parses, parses the same way with a trailing comment.
    #[test]
    fn trailing_comment_is_ignored(line in command_line()) {
        if let Ok(parsed) = parse_line(&line) {
            if !line.contains(['|', '#', '\'', '"', '\\', '{', '[']) {
                prop_assert_eq!(parse_line(&format!("{line} # note")), Ok(parsed));
            }
        }
    }
}

#[test]
fn deep_json_does_not_overflow() {
    let line = format!("post users {}", "[".repeat(100_000));
    assert!(parse_line(&line).is_err());
}

#[test]
fn long_lines_are_fine() {
    let line = "echo $last.a.b.c[0] ".repeat(10_000);
    assert!(parse_line(&line).is_ok());
}

/// Completion at every cursor position of a line: never a panic, and the start it returns lies
/// within the line at a character boundary.
fn check_completion(line: &str) -> Result<(), TestCaseError> {
    let data = oktash::complete::Candidates {
        ids: vec!["00u1abc".into(), "ann@example.com".into()],
        variables: vec!["ann".into()],
        fields: vec!["$ann.profile".into()],
        links: vec!["next".into()],
        requests: vec!["Get User".into()],
        ..Default::default()
    };
    for pos in (0..=line.len()).filter(|p| line.is_char_boundary(*p)) {
        let (start, _) = oktash::complete::complete(line, pos, &data);
        prop_assert!(
            start <= pos && line.is_char_boundary(start),
            "{line:?} at {pos}: {start}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn completion_of_arbitrary_strings(line in any::<String>()) {
        check_completion(&line)?;
    }

    #[test]
    fn completion_of_token_soup(line in command_line()) {
        check_completion(&line)?;
    }
}
