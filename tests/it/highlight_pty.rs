//! Highlighting as you type, in a pseudo-terminal: the command word and the flag of a typed
//! line are redrawn with their colours before Enter, and `NO_COLOR=1` draws none.
#![cfg(unix)]

use std::time::Duration;

use crate::common::Home;

/// The escape `src/highlight.rs` puts before a known command word, and before a flag.
const COMMAND: &str = "\x1b[1;34mls\x1b[0m";
const FLAG: &str = "\x1b[34m--all\x1b[0m";

/// `oktash --demo` in a pty at its first prompt, with `NO_COLOR` as given (the shared helper
/// always sets `NO_COLOR=1`).
fn demo_shell(home: &Home, no_color: Option<&str>) -> expectrl::Session {
    let mut cmd = home.command();
    cmd.args(["--demo"]);
    match no_color {
        Some(v) => cmd.env("NO_COLOR", v),
        None => cmd.env_remove("NO_COLOR"),
    };
    let mut sh = crate::common::pty_of(cmd);
    sh.expect("demo> ").expect("the first prompt");
    sh
}

#[test]
fn a_typed_line_is_coloured_before_enter() {
    let home = Home::new();
    let mut sh = demo_shell(&home, None);
    // Typed a key at a time, as a person does: each key redraws the line.
    for c in "ls users --all".chars() {
        sh.send(c.to_string()).unwrap();
        std::thread::sleep(Duration::from_millis(15));
    }
    sh.expect(COMMAND).expect("the command word in its colour");
    sh.expect(FLAG).expect("the flag in its colour");
    sh.send("\r").unwrap();
    sh.expect("#1 GET /api/v1/users").unwrap();
    sh.expect("]> ").unwrap();
    sh.send_line("exit").unwrap();
}

#[test]
fn no_color_draws_the_line_plain() {
    let home = Home::new();
    let mut sh = demo_shell(&home, Some("1"));
    for c in "ls users --all".chars() {
        sh.send(c.to_string()).unwrap();
        std::thread::sleep(Duration::from_millis(15));
    }
    sh.send("\r").unwrap();
    let seen = sh.expect("#1 GET /api/v1/users").unwrap();
    let screen = String::from_utf8_lossy(seen.before()).into_owned();
    assert!(screen.contains("ls users --all"), "{screen:?}");
    assert!(!screen.contains("\x1b[1;34m"), "{screen:?}");
    assert!(!screen.contains("\x1b[34m"), "{screen:?}");
    sh.expect("]> ").unwrap();
    sh.send_line("exit").unwrap();
}
