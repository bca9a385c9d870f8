//! Output that fits and behaves: stdout off a terminal is a stream of JSON values and nothing
//! else, a closed pipe ends the run quietly, `--keep-going` goes on command by command; on a
//! terminal, tables fit the width and a screenful, and no control character from API data
//! reaches it.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use crate::common::Home;
use expectrl::{Regex, Session};
use serde_json::Value;

/// Every JSON value on stdout, in order; panics on anything that is not JSON.
fn json_stream(stdout: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(stdout)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("stdout is not a stream of JSON values ({e}):\n{stdout}"))
}

#[test]
fn every_command_writes_only_json_to_a_pipe() {
    let home = Home::new();
    let users = concat!(env!("CARGO_MANIFEST_DIR"), "/data/okta/postman/users.json");
    let script_path = home.path().join("s.oktash");
    std::fs::write(&script_path, "echo sourced\nls groups limit=1\n").unwrap();
    let record_path = home.path().join("rec.oktash");
    // One command of every kind, each on its own line of a `-c` script.
    let commands = [
        "env".to_string(),
        "env add other http://127.0.0.1:9 token=00abcdefghijklmnopqrstuvwxyz".into(),
        "use demo".into(),
        format!("import {users}"),
        "collections".into(),
        "ls users limit=2".into(),
        "follow next".into(),
        "get $last[0].id".into(),
        "get me".into(),
        "set u = $last".into(),
        "echo $u.profile.login".into(),
        "echo $u.id $u.status".into(),
        "echo word".into(),
        r#"post groups {"profile":{"name":"pipe-test","description":"d"}}"#.into(),
        "set g = $last.id".into(),
        r#"put groups/$g {"profile":{"name":"pipe-test-2","description":"d"}}"#.into(),
        "delete groups/$g".into(),
        "run \"List Active Users\"".into(),
        "unset g".into(),
        "vars".into(),
        "history".into(),
        "show".into(),
        "show 1 --json".into(),
        "as curl 1".into(),
        "help".into(),
        "help ls".into(),
        format!("record {}", record_path.display()),
        "record off".into(),
        format!("source {}", script_path.display()),
        "env rm other".into(),
        "exit".into(),
    ];
    let out = home
        .command()
        .args(["--demo", "-e", "demo", "-c", &commands.join("; ")])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let values = json_stream(&stdout);
    // Notices go to stderr.
    assert!(stderr.contains("using demo"), "{stderr}");
    assert!(stderr.contains("environment other added"), "{stderr}");
    assert!(!stdout.contains("using demo"), "{stdout}");
    // The text-only commands print JSON: env and history arrays, vars an object, help and
    // as curl strings.
    let envs = values[0].as_array().expect("env is an array");
    assert!(envs
        .iter()
        .any(|e| e["name"] == "demo" && e["active"] == true));
    assert!(values
        .iter()
        .any(|v| v.is_string() && v.as_str().unwrap().starts_with("curl")));
    assert!(
        values.iter().any(|v| v.get("u").is_some()),
        "vars: {stdout}"
    );
    assert!(values.iter().any(|v| v
        .as_array()
        .is_some_and(|a| a.iter().any(|e| e["entry"] == 1))));
    assert!(values.iter().any(|v| v == "sourced"), "{stdout}");
}

#[test]
fn the_use_notice_of_dash_e_stays_off_stdout() {
    let home = Home::new();
    let out = home
        .command()
        .args(["--demo", "-e", "demo", "-c", "ls users limit=2"])
        .output()
        .unwrap();
    let values = json_stream(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(values.len(), 1);
    assert_eq!(
        values[0].as_array().map(Vec::len),
        Some(2),
        "jq length is 2"
    );
}

#[test]
fn keep_going_goes_on_with_the_rest_of_the_line() {
    let home = Home::new();
    let out = home
        .command()
        .args([
            "--demo",
            "-k",
            "-c",
            "get users/nobody; echo after; echo $nosuch; echo end",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the script fails at its end");
    let values = json_stream(&stdout);
    assert_eq!(
        values,
        vec![Value::from("after"), Value::from("end")],
        "{stderr}"
    );
    assert!(stderr.contains("2 commands failed"), "{stderr}");
    // Without -k the line stops at the first failure.
    let out = home
        .command()
        .args(["--demo", "-c", "get users/nobody; echo after"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("after"));
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let home = Home::new();
    let mut child = home
        .command()
        .args([
            "--demo",
            "-c",
            "ls users limit=200; ls users limit=200; ls users limit=200; echo after",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -1`: read one line, then close the pipe.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first.trim(), "[");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn an_error_cause_that_repeats_the_summary_is_not_repeated() {
    let home = Home::new();
    let out = home
        .command()
        .args([
            "--demo",
            "-c",
            "ls users limit=1; post users/$last[0].id/lifecycle/unsuspend",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let error = stderr
        .lines()
        .find(|l| l.contains("E0000001"))
        .and_then(|_| stderr.lines().find(|l| l.starts_with("error: 400")))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(error.matches("Cannot unsuspend").count(), 1, "{error}");
}

/// The shell on the demo org in a pseudo-terminal of `columns`×`rows`.
fn terminal(home: &Home, columns: u16, rows: u16) -> Session {
    let mut cmd = home.command();
    cmd.arg("--demo")
        .env("TERM", "xterm")
        .env("COLUMNS", columns.to_string())
        .env("LINES", rows.to_string());
    let mut session = Session::spawn(cmd).expect("spawn oktash in a pty");
    let _ = session.get_process_mut().set_window_size(columns, rows);
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

/// What the terminal showed before `until` appeared, as lines, without the line editor's
/// cursor movements.
fn shown_until(sh: &mut Session, until: &str) -> Vec<String> {
    let found = sh.expect(until).unwrap_or_else(|e| panic!("{until}: {e}"));
    let text = String::from_utf8_lossy(found.before()).into_owned() + until;
    let csi = regex::Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").unwrap();
    csi.replace_all(&text, "")
        .split(['\n', '\r'])
        .map(str::to_string)
        .collect()
}

#[test]
fn a_long_list_shows_a_screenful_and_says_how_to_see_the_rest() {
    let home = Home::new();
    let mut sh = terminal(&home, 100, 20);
    sh.expect("demo> ").unwrap();
    sh.send_line("ls users limit=200").unwrap();
    let lines = shown_until(&mut sh, "users shown (all: show 1 --json | less)");
    let rows = lines.iter().filter(|l| l.starts_with(" 00u")).count();
    assert!((5..=20).contains(&rows), "{rows} rows: {lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{rows} of 200 users shown"))),
        "{lines:#?}"
    );
    // `show` cuts a long body too.
    sh.send_line("show 1").unwrap();
    let lines = shown_until(&mut sh, "more lines: show 1 --json | less");
    let shown = lines.iter().filter(|l| !l.is_empty()).count();
    assert!(shown < 250, "{shown}");
    sh.send_line("exit").unwrap();
}

/// No line the shell printed is wider than the terminal (the lines typed at the prompt are the
/// line editor's).
fn assert_fits(lines: &[String], columns: usize) {
    for line in lines.iter().filter(|l| !l.starts_with("demo")) {
        assert!(
            line.chars().count() <= columns,
            "wider than {columns}: {line:?}\n{lines:#?}"
        );
    }
}

#[test]
fn tables_help_and_the_greeting_fit_80_columns() {
    let home = Home::new();
    let mut sh = terminal(&home, 80, 40);
    let greeting = shown_until(&mut sh, "demo> ");
    assert_fits(&greeting, 80);
    sh.send_line("ls users limit=30").unwrap();
    let lines = shown_until(&mut sh, "users · more: follow next");
    assert_fits(&lines, 80);
    let table: Vec<&String> = lines
        .iter()
        .skip_while(|l| !l.starts_with(" ID"))
        .take_while(|l| !l.contains("30 users"))
        .collect();
    assert!(table.len() > 30, "{lines:#?}");
    // Every line is a row: a cut cell ends in `…`, it does not wrap onto the next line.
    assert!(
        table[1..]
            .iter()
            .all(|l| l.starts_with(" 00u") || l.trim().is_empty()),
        "{table:#?}"
    );
    assert!(table.iter().any(|l| l.contains('…')), "{table:#?}");
    sh.send_line("ls logs limit=10").unwrap();
    let lines = shown_until(&mut sh, "10 events");
    assert_fits(&lines, 80);
    assert!(
        lines
            .iter()
            .filter(|l| l.starts_with(" 20"))
            .all(|l| regex::Regex::new(r"^ \d{4}-\d\d-\d\d \d\d:\d\d ")
                .unwrap()
                .is_match(l)),
        "one time format: {lines:#?}"
    );
    for topic in ["", " ls", " get", " run", " env"] {
        sh.send_line(format!("help{topic}; echo end-of-help"))
            .unwrap();
        let lines = shown_until(&mut sh, "\nend-of-help");
        assert_fits(&lines, 80);
    }
    sh.send_line("exit").unwrap();
}

#[test]
fn the_env_table_keeps_its_header_whole_at_120_columns() {
    let home = Home::new();
    let mut sh = terminal(&home, 120, 40);
    sh.expect("demo> ").unwrap();
    sh.send_line(
        "env add a-rather-long-environment-name https://a-very-long-organisation-name-for-testing.oktapreview.com token=00abcdefghijklmnopqrstuvwxyz0123456789 --protected",
    )
    .unwrap();
    sh.expect("added").unwrap();
    sh.send_line("env").unwrap();
    let lines = shown_until(&mut sh, "--demo");
    assert_fits(&lines, 120);
    assert!(lines.iter().any(|l| l.contains("PROTECTED")), "{lines:#?}");
    sh.send_line("exit").unwrap();
}

#[test]
fn app_assignments_have_their_own_columns() {
    let home = Home::new();
    let mut sh = terminal(&home, 120, 40);
    sh.expect("demo> ").unwrap();
    sh.send_line("ls apps limit=1").unwrap();
    sh.expect("1 app").unwrap();
    sh.send_line("ls apps/$1[0].id/users limit=3").unwrap();
    // The footer, not the history line (`#2 GET …  3 app users  1 ms`).
    let lines = shown_until(&mut sh, "\n3 app users ·");
    // The last table shown: the apps table may be in the capture too.
    let header = lines
        .iter()
        .rfind(|l| l.starts_with(" ID"))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    let words: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(words, ["ID", "SCOPE", "STATUS", "USERNAME", "SYNC"]);
    sh.send_line("ls apps/$1[0].id/groups").unwrap();
    let lines = shown_until(&mut sh, "\n1 app group\r");
    let header = lines.iter().rfind(|l| l.starts_with(" ID")).unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["ID", "PRIORITY"]
    );
    sh.send_line("exit").unwrap();
}

#[test]
fn show_gives_the_duration_as_the_history_line_does() {
    let home = Home::new();
    let mut sh = terminal(&home, 120, 40);
    sh.expect("demo> ").unwrap();
    sh.send_line("get me").unwrap();
    sh.expect("#1 GET").unwrap();
    sh.send_line("show").unwrap();
    sh.expect(Regex(r"\n200 in \d+(\.\d)? ms"))
        .expect("milliseconds, as in `#1 GET … 0.6 ms`");
    sh.send_line("exit").unwrap();
}

#[test]
fn control_characters_from_the_api_never_reach_the_terminal() {
    let home = Home::new();
    let mut sh = terminal(&home, 120, 40);
    sh.expect("demo> ").unwrap();
    // A login and names holding: clear screen, set the window title, bell, red background.
    sh.send_line(
        r#"post users {"profile":{"firstName":"Ev\u001b[2Jil","lastName":"X\u001b]0;PWNED\u0007","email":"evil@example.com","login":"\u001b[2J\u001b]0;PWNED\u0007\u001b[41mEVIL@example.com"}}"#,
    )
    .unwrap();
    sh.expect("#1 POST").unwrap();
    sh.send_line("ls users search='profile.email eq \"evil@example.com\"'; get $last[0].id; echo $last.profile.login; echo $last.profile; get users/$last.profile.login; history; vars; echo end-of-test").unwrap();
    let found = sh.expect("\nend-of-test").unwrap();
    let shown = found.before();
    let text = String::from_utf8_lossy(shown);
    for bad in ["\x1b[2J", "\x1b]0;", "\x07", "\x1b[41m"] {
        assert!(
            !text.contains(bad),
            "{bad:?} reached the terminal:\n{text:?}"
        );
    }
    assert!(text.contains(r"\u{1b}[2J"), "shown escaped: {text:?}");
    sh.send_line("exit").unwrap();
}
