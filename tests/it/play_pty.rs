//! Play mode (`--play FILE`, `play FILE`): in a pseudo-terminal, a three-step script is offered a
//! step at a time on the real prompt, with its narration, and runs on Enter; the presenter's own
//! commands run between steps; Ctrl-C stops it. Through pipes it runs as a transcript instead
//! (`play_pipe`). Files that are no script fail in one line.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use expectrl::{ControlCode, Session};

use crate::common::Home;

const THREE_STEPS: &str = "\
# Step one: the first user.
ls users limit=1

# Step two: a login out of it.
echo $last[0].profile.login
# Step three: who am I?
get me
# That was all.
";

fn script(home: &Home, text: &str) -> PathBuf {
    let path = home.path().join("three.oktash");
    std::fs::write(&path, text).unwrap();
    path
}

/// `oktash --demo --play FILE --speed CPS` in a pty (NO_COLOR: the line is drawn plain).
fn play(home: &Home, path: &Path, speed: &str) -> Session {
    let mut cmd = home.command();
    cmd.args(["--demo", "--play"])
        .arg(path)
        .args(["--speed", speed]);
    crate::common::pty_of(cmd)
}

/// Asserts that `text` does not come within a moment (the step waits for Enter).
fn assert_absent(sh: &mut Session, text: &str) {
    sh.set_expect_timeout(Some(Duration::from_millis(600)));
    let seen = sh.expect(text);
    sh.set_expect_timeout(Some(Duration::from_secs(20)));
    assert!(seen.is_err(), "{text:?} came before Enter");
}

#[test]
fn steps_are_typed_onto_the_prompt_run_on_enter_and_wait_for_the_presenters_own_commands() {
    let home = Home::new();
    let path = script(&home, THREE_STEPS);
    // Fast, but typed a character at a time, then taken over by the line editor.
    let mut sh = play(&home, &path, "500");
    sh.expect("playing").unwrap();
    sh.expect("# Step one: the first user.").unwrap();
    sh.expect("(1/3) demo> ls users limit=1").unwrap();
    assert_absent(&mut sh, "#1 GET");
    // The presenter edits the offered line (Backspace, 2): the edit runs as the step.
    sh.send("\x7f2\r").unwrap();
    sh.expect("#1 GET /api/v1/users?limit=2").unwrap();
    sh.expect("# Step two: a login out of it.").unwrap();
    sh.expect("(2/3) demo [").unwrap();
    sh.expect("> echo $last[0].profile.login").unwrap();
    // The presenter clears the offered line (Ctrl-U) and types a command of their own.
    sh.send("\x15set mine = 42\r").unwrap();
    // It ran, and the step waits: the prompt is empty until Enter on an empty line.
    sh.expect("(2/3) demo [").unwrap();
    sh.send("echo $mine\r").unwrap();
    sh.expect("42").unwrap();
    sh.expect("(2/3) demo [").unwrap();
    sh.send("\r").unwrap();
    sh.expect("> echo $last[0].profile.login").unwrap();
    sh.send("\r").unwrap();
    sh.expect("\r\nadmin@example.com\r\n").unwrap();
    sh.expect("# Step three: who am I?").unwrap();
    sh.expect("(3/3) demo [").unwrap();
    sh.expect("> get me").unwrap();
    assert_absent(&mut sh, "#2 GET");
    sh.send("\r").unwrap();
    sh.expect("#2 GET /api/v1/users/me").unwrap();
    sh.expect("# That was all.").unwrap();
    sh.expect("end of").unwrap();
    sh.expect("3 steps played").unwrap();
    // A normal session goes on, with what the steps left.
    sh.send("history\r").unwrap();
    sh.expect("#2 GET /api/v1/users/me").unwrap();
    // Ctrl-D once the prompt is back (before it, the terminal's own line editing reads it).
    sh.expect("]> ").unwrap();
    sh.send(ControlCode::EndOfTransmission).unwrap();
    sh.expect(expectrl::Eof).expect("Ctrl-D exits");
}

#[test]
fn ctrl_c_stops_the_playback_and_keeps_the_session() {
    let home = Home::new();
    let path = script(&home, THREE_STEPS);
    let mut sh = play(&home, &path, "0");
    sh.expect("(1/3) demo> ls users limit=1").unwrap();
    sh.send("\r").unwrap();
    sh.expect("#1 GET").unwrap();
    sh.expect("> echo $last[0].profile.login").unwrap();
    sh.send(ControlCode::EndOfText).unwrap();
    sh.expect("stopped at step 2 of 3").unwrap();
    // The next Enter gives an empty prompt: no step is offered any more.
    sh.send("\r").unwrap();
    sh.send("echo after\r").unwrap();
    let seen = sh.expect("\r\nafter\r\n").unwrap();
    let screen = String::from_utf8_lossy(seen.before()).into_owned();
    assert!(!screen.contains("(2/3)"), "{screen:?}");
    assert!(!screen.contains("admin@example.com"), "{screen:?}");
    sh.send("history\r").unwrap();
    sh.expect("#1 GET /api/v1/users?limit=1").unwrap();
    sh.send("exit\r").unwrap();
    sh.expect(expectrl::Eof).unwrap();
}

#[test]
fn ctrl_c_while_a_step_is_typed_stops_it_before_it_runs() {
    let home = Home::new();
    let path = script(&home, THREE_STEPS);
    // Slow enough to be caught half-way.
    let mut sh = play(&home, &path, "5");
    sh.expect("(1/3) demo> ls").unwrap();
    sh.send(ControlCode::EndOfText).unwrap();
    sh.expect("stopped at step 1 of 3").unwrap();
    sh.send("\r").unwrap();
    // Nothing ran.
    sh.send("show\r").unwrap();
    sh.expect("history is empty").unwrap();
    sh.send("exit\r").unwrap();
    sh.expect(expectrl::Eof).unwrap();
}

#[test]
fn play_inside_a_session_presents_the_script_and_a_missing_one_is_one_line() {
    let home = Home::new();
    let path = script(&home, THREE_STEPS);
    let mut sh = home.pty_demo();
    sh.send("play nope.oktash\r").unwrap();
    sh.expect("error: cannot read nope.oktash: no such file")
        .unwrap();
    sh.send(format!("play {}\r", path.display())).unwrap();
    sh.expect("playing").unwrap();
    sh.expect("# Step one: the first user.").unwrap();
    sh.expect("(1/3) demo> ls users limit=1").unwrap();
    sh.send("\r").unwrap();
    sh.expect("#1 GET /api/v1/users?limit=1").unwrap();
    sh.expect("> echo $last[0].profile.login").unwrap();
    // Typed over the step (while it is still being typed, too): the presenter's own command.
    sh.send("\x15exit\r").unwrap();
    sh.expect(expectrl::Eof).unwrap();
}

#[test]
fn a_multi_line_step_runs_whole_and_a_failed_step_lets_the_presenter_go_on() {
    let home = Home::new();
    let path = script(
        &home,
        "get users/nobody@example.com\necho {\n  \"a\": [1,\n    2]\n}\n",
    );
    let mut sh = play(&home, &path, "1000");
    sh.expect("(1/2) demo> get users/nobody@example.com")
        .unwrap();
    sh.send("\r").unwrap();
    sh.expect("404").unwrap();
    sh.expect("step 1 of 2 failed; Enter for the next step, Ctrl-C to stop")
        .unwrap();
    // The next step, over three lines, is offered whole and runs as one command.
    sh.expect("(2/2) demo").unwrap();
    sh.expect("    2]\r\n}").unwrap();
    sh.send("\r").unwrap();
    sh.expect("\"a\": [").unwrap();
    sh.expect("end of").unwrap();
    sh.send("exit\r").unwrap();
    sh.expect(expectrl::Eof).unwrap();
}
