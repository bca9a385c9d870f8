//! The command table (issue 9 "One command table", issue 13 item 7): every command has help,
//! its example parses as that command, `help` shows the table's text, and parse errors quote the
//! table's usage line.

use oktash::lang::{self, COMMANDS};
use serde_json::Value;

use crate::common::Home;

#[test]
fn every_command_has_help_and_its_example_parses_as_itself() {
    for c in COMMANDS {
        let help = c.help_text();
        assert!(help.starts_with(c.usage), "{}: {help}", c.name);
        for line in help.lines() {
            assert!(line.chars().count() <= 80, "{}: too wide: {line}", c.name);
        }
        assert!(!c.is_subcommand() || c.summary.is_empty(), "{}", c.name);
        assert!(c.is_subcommand() || !c.summary.is_empty(), "{}", c.name);
        let parsed = lang::parse_line(c.example);
        assert!(parsed.is_ok(), "{}: `{}`: {parsed:?}", c.name, c.example);
        let words: Vec<&str> = c.example.split_whitespace().collect();
        let name_words = c.name.split(' ').count();
        let typed = words[..name_words].join(" ");
        assert!(
            typed == c.name || c.aliases.contains(&typed.as_str()),
            "{}: the example `{}` is another command",
            c.name,
            c.example
        );
    }
    for name in lang::COMMAND_NAMES.iter() {
        assert!(lang::commands::command(name).is_some(), "{name}");
    }
}

/// `help TOPIC` through a pipe: the JSON string it prints.
fn help(topic: &str) -> String {
    let home = Home::new();
    let out = home
        .assert()
        .args(["-c", &format!("help {topic}")])
        .output()
        .expect("oktash ran");
    assert!(out.status.success(), "{out:?}");
    let value: Value = serde_json::from_slice(&out.stdout).expect("help prints JSON");
    value.as_str().expect("a JSON string").to_string()
}

#[test]
fn help_shows_the_tables_text_and_the_summary_lists_every_command() {
    for c in COMMANDS {
        assert_eq!(help(c.name), c.help_text(), "help {}", c.name);
    }
    let summary = help("");
    for c in COMMANDS.iter().filter(|c| !c.is_subcommand()) {
        assert!(summary.contains(c.usage), "{} missing:\n{summary}", c.usage);
    }
    for line in summary.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
}

#[test]
fn parse_errors_quote_the_tables_usage() {
    let e = lang::parse_line("show 3 --all").unwrap_err();
    assert!(
        e.message
            .contains(&format!("usage: {}", lang::commands::SHOW.usage)),
        "{}",
        e.message
    );
    let e = lang::parse_line("ls users groups").unwrap_err();
    assert!(
        e.message
            .contains(&format!("usage: {}", lang::commands::LS.usage)),
        "{}",
        e.message
    );
}

/// The EBNF in `grammar/` and the command table say the same: every command word, alias and
/// flag of the table is in the grammar, and every command word the grammar starts a command
/// with is one the table knows (or a write method).
#[test]
fn the_grammar_names_every_command_and_flag_of_the_table_and_no_other_command() {
    let ebnf = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/grammar/oktash.ebnf"))
        .unwrap();
    let quoted = |word: &str| ebnf.contains(&format!("\"{word}\""));
    for c in COMMANDS {
        for word in c.name.split(' ').chain(c.aliases.iter().copied()) {
            assert!(quoted(word), "the grammar lacks the command word {word:?}");
        }
        for flag in c
            .usage
            .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-'))
        {
            if flag.starts_with("--") {
                assert!(quoted(flag), "the grammar lacks {flag} of `{}`", c.name);
            }
        }
    }
    // `command = "x" …` and each `| "x" …` alternative of the command rule.
    let rule = ebnf
        .split("command     =")
        .nth(1)
        .and_then(|rest| rest.split("set-step").next())
        .expect("the command rule");
    let known: Vec<&str> = lang::COMMAND_NAMES.to_vec();
    for line in rule.lines() {
        let line = line.trim_start().trim_start_matches('|').trim_start();
        let Some(first) = line.strip_prefix('"').and_then(|l| l.split('"').next()) else {
            continue;
        };
        assert!(
            known.contains(&first),
            "the grammar has a command `{first}` the table does not know"
        );
    }
}
