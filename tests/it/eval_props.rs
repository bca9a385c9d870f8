//! Arbitrary lines through the parser and the evaluator, against the demo org: no input may
//! panic the shell, and a failed line leaves history and variables as they were.

use oktash::eval::Shell;
use oktash::session::{HistoryLimits, Session};
use proptest::prelude::*;

/// Pieces of the language, so that generated lines reach deep into the evaluator.
/// (No `|` or `>`: those would run programs and write files.)
const PIECES: &[&str] = &[
    "ls",
    "get",
    "follow",
    "set",
    "echo",
    "vars",
    "history",
    "show",
    "as curl",
    "help",
    "unset",
    "post",
    "delete",
    "use",
    "env",
    "users",
    "groups",
    "apps",
    "logs",
    "me",
    "next",
    "self",
    "deactivate",
    "$last",
    "$1",
    "$2",
    "$x",
    "$last[0]",
    "$last.id",
    "$1[*].profile",
    "[-1]",
    "[*]",
    ".id",
    ".profile.login",
    "limit=2",
    "q=a",
    "x",
    "=",
    "{",
    "}",
    "[",
    "]",
    "{\"a\":1}",
    "[1,2]",
    "'",
    "\"",
    ";",
    "#",
    "--all",
    "--max",
    "3",
    "-1",
    "99999999999999999999",
    "@",
    "/api/v1/users",
    "00u",
    "\\",
    "$",
    "é",
    "\u{1F600}",
    " ",
];

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..8).prop_map(|parts| parts.join(" "))
}

fn shell() -> Shell {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut shell = Shell::new(Session::new(HistoryLimits::default()), runtime);
    shell.config_path = None;
    shell
        .start_demo(oktash_demo::DemoOptions {
            users: 20,
            ..Default::default()
        })
        .unwrap();
    shell.run_line("set x = 1").unwrap();
    shell.run_line("ls users limit=3").unwrap();
    shell
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_lines_never_panic_nor_lose_state(lines in prop::collection::vec(prop_oneof![line(), any::<String>()], 1..6)) {
        let mut shell = shell();
        for l in &lines {
            let before = shell.session.history.len();
            let _ = shell.run_line(l);
            prop_assert!(shell.session.history.len() >= before, "no response is lost to an error");
        }
        prop_assert!(shell.session.active_env().is_some(), "the environment survives");
    }
}
