//! Rate limits against the demo org with a low `--rate-limit`: paging paces itself before the
//! budget runs out (no 429 reaches the user), and a 429 earned elsewhere is waited out for
//! `X-Rate-Limit-Reset − Date + 1` seconds with a visible countdown.
//!
//! The demo serves these with `--rate-window 5` (Okta's window is a minute), so each test waits
//! a few seconds, not a minute.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::common::{DemoProcess, Home};
use serde_json::Value;

/// One raw GET; returns the status line and headers (lower-cased names).
fn raw_get(base: &str, path: &str, token: &str) -> (u16, Vec<(String, String)>) {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: SSWS {token}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let head = text.split("\r\n\r\n").next().unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split_whitespace().nth(1).unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status.parse().unwrap(), headers)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// 200 users in pages of 5 is 40+ requests against a budget of 25 a window: the run waits for
/// the window to reset once, instead of earning 429s, and ends with every user.
#[test]
fn paging_paces_itself_and_never_meets_a_429() {
    let demo = DemoProcess::start(&["--rate-limit", "25", "--rate-window", "5", "--users", "200"]);
    let home = Home::new();
    let out = home
        .command_on(&demo)
        .args(["-c", "ls users limit=5 --all > users.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("rate-limit budget spent: waiting"),
        "the wait is shown: {stderr}"
    );
    assert!(
        !stderr.contains(" 429 "),
        "no 429 reached the user: {stderr}"
    );
    let text = std::fs::read_to_string(home.path().join("users.json")).unwrap();
    let list: Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.len() > 125,
        "more than the budget's pages: {}",
        ids.len()
    );
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
}

/// Another client spent the bucket: the shell's first request gets a 429 and waits exactly
/// `Reset − Date + 1` seconds, counting down on the terminal, then succeeds.
#[cfg(unix)]
#[test]
fn a_429_is_waited_out_with_a_countdown() {
    let demo = DemoProcess::start(&["--rate-limit", "10", "--rate-window", "5"]);
    let mut last = (0, Vec::new());
    for _ in 0..11 {
        last = raw_get(&demo.url, "/api/v1/groups?limit=1", &demo.token);
    }
    assert_eq!(last.0, 429, "the bucket is spent");
    let reset: u64 = header(&last.1, "x-rate-limit-reset").parse().unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expected = reset.saturating_sub(now) + 1;

    let home = Home::new();
    let mut cmd = home.command_on(&demo);
    cmd.args(["-c", "ls groups limit=1"]);
    let started = Instant::now();
    let mut sh = crate::common::pty_of(cmd);
    sh.set_expect_timeout(Some(Duration::from_secs(100)));
    sh.expect("rate limit reached (429): waiting").unwrap();
    sh.expect("Ctrl-C cancels").unwrap();
    sh.expect("1 group")
        .expect("the listing came after the wait");
    let waited = started.elapsed().as_secs_f64();
    sh.expect(expectrl::Eof).unwrap();
    assert!(
        waited + 1.5 >= expected as f64 && waited <= expected as f64 + 4.0,
        "waited {waited:.1}s, Reset − Date + 1 = {expected}s"
    );
}

/// Ctrl-C during a paced wait stops the paging at once; the pages fetched so far are kept.
#[cfg(unix)]
#[test]
fn ctrl_c_cancels_a_wait_and_keeps_what_was_fetched() {
    let demo = DemoProcess::start(&["--rate-limit", "3"]);
    let home = Home::new();
    let cmd = home.command_on(&demo);
    let mut sh = crate::common::pty_of(cmd);
    sh.expect("okta-client> ").unwrap();
    sh.send_line("ls users limit=5 --all").unwrap();
    sh.expect("rate-limit budget spent: waiting").unwrap();
    let started = Instant::now();
    sh.send(expectrl::ControlCode::EndOfText).unwrap();
    sh.expect("partial: 15 users fetched so far, kept as #1")
        .unwrap();
    sh.expect("interrupted").unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "at once");
    sh.send_line("history").unwrap();
    sh.expect("#1 GET /api/v1/users?limit=5  200  15 users")
        .unwrap();
    sh.send_line("exit").unwrap();
    sh.expect(expectrl::Eof).unwrap();
}
