//! Ctrl-C during long work: one interrupt state for the whole command, so that a signal that
//! comes between two pages is not lost; a confirmation answered with Ctrl-C or Ctrl-D is a no.
#![cfg(unix)]

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{DemoProcess, Home};
use expectrl::{ControlCode, Session};
use rand::{Rng, SeedableRng};

/// Enough users that an export takes seconds: every signal lands while it runs.
const USERS: &str = "100000";

/// Waits until `pid` listens for SIGINT (Linux: bit 2 of SigCgt in /proc), so that a signal
/// is not sent to a process still starting up; elsewhere waits a moment.
fn until_listening(pid: u32) {
    let status = format!("/proc/{pid}/status");
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        let Ok(text) = std::fs::read_to_string(&status) else {
            std::thread::sleep(Duration::from_millis(200));
            return;
        };
        let caught = text
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
            .unwrap_or(0);
        if caught & 2 != 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn random_delays(count: usize, from_ms: u64, to_ms: u64) -> Vec<Duration> {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("delays seeded with {seed}");
    let mut rng = rand::rngs::SmallRng::seed_from_u64(seed);
    (0..count)
        .map(|_| Duration::from_millis(rng.random_range(from_ms..to_ms)))
        .collect()
}

/// The export file: valid JSON, a list of what came back before the signal.
fn exported(home: &Home) -> usize {
    let text = std::fs::read_to_string(home.path().join("out.json")).expect("the file exists");
    let value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:.200}"));
    value.as_array().expect("a list").len()
}

#[test]
fn sigint_at_random_times_stops_an_export_in_a_pipe() {
    let demo = DemoProcess::start(&["--users", USERS]);
    let home = Home::new();
    for delay in random_delays(10, 50, 1000) {
        let child = home
            .command_on(&demo)
            .args(["-c", "ls users limit=200 --all > out.json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        until_listening(child.id());
        std::thread::sleep(delay);
        let sent = Instant::now();
        let killed = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        let took = sent.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "ran to the end after {delay:?}: {stderr}"
        );
        assert!(stderr.contains("interrupted"), "{stderr}");
        assert!(stderr.contains("partial:"), "{stderr}");
        // Latency is measured by scripts/bench-interrupt.sh (tens of ms); here only that the
        // export stopped (status, `partial`, fewer items) and did not hang, with room for a
        // machine loaded by parallel tests.
        assert!(
            took < Duration::from_secs(10),
            "stopped {took:?} after the signal"
        );
        assert!(exported(&home) < 95_000);
    }
}

fn spawn_against(home: &Home, demo: &DemoProcess) -> Session {
    let cmd = home.command_on(demo);
    let mut sh = crate::common::pty_of(cmd);
    sh.set_expect_timeout(Some(Duration::from_secs(30)));
    sh.expect("okta-client> ").unwrap();
    sh
}

#[test]
fn ctrl_c_at_random_times_stops_an_export_in_a_pty_and_the_session_goes_on() {
    let demo = DemoProcess::start(&["--users", USERS]);
    let home = Home::new();
    let mut sh = spawn_against(&home, &demo);
    sh.send_line("set kept = 4242").unwrap();
    sh.expect("okta-client> ").unwrap();
    for delay in random_delays(3, 200, 1200) {
        sh.send_line("ls users limit=200 --all > out.json").unwrap();
        std::thread::sleep(delay);
        let sent = Instant::now();
        sh.send(ControlCode::EndOfText).unwrap();
        sh.expect("partial:").unwrap();
        sh.expect("interrupted").unwrap();
        assert!(
            sent.elapsed() < Duration::from_secs(10),
            "{:?}",
            sent.elapsed()
        );
        sh.expect("]> ").unwrap();
        assert!(exported(&home) < 95_000);
    }
    // Each line starts afresh: the next command is not taken as interrupted.
    sh.send_line("echo $kept").unwrap();
    sh.expect("4242").unwrap();
    sh.send_line("ls users limit=1").unwrap();
    sh.expect("#4 GET /api/v1/users?limit=1").unwrap();
    sh.send_line("exit").unwrap();
    sh.expect(expectrl::Eof).unwrap();
}

#[test]
fn ctrl_c_or_ctrl_d_at_a_confirmation_is_no() {
    let home = Home::new();
    let mut sh = home.pty(&["--demo"]);
    sh.expect("demo> ").unwrap();
    sh.send_line("set n = 4242").unwrap();
    sh.expect("demo> ").unwrap();
    sh.send_line("ls users limit=2").unwrap();
    sh.expect("]> ").unwrap();
    for key in [ControlCode::EndOfText, ControlCode::EndOfTransmission] {
        sh.send_line("delete $1.id").unwrap();
        sh.expect("[y/N]").unwrap();
        sh.send(key).unwrap();
        sh.expect("not sent").unwrap();
        sh.expect("]> ").unwrap();
        // The shell is back at its prompt: this line runs as a command, not as the answer.
        sh.send_line("echo $n").unwrap();
        sh.expect("4242").unwrap();
        sh.expect("]> ").unwrap();
    }
    // Nothing was deleted: the only entries are the listing's.
    sh.send_line("history").unwrap();
    sh.expect("#1 GET /api/v1/users?limit=2").unwrap();
    sh.send_line("echo done-$n").unwrap();
    sh.expect("done-4242").unwrap();
    sh.send_line("exit").unwrap();
    sh.expect(expectrl::Eof).unwrap();
}

#[test]
fn sigint_in_a_parallel_fan_out_stops_launching_and_keeps_what_came_back() {
    let demo = DemoProcess::start(&["--latency", "200", "--users", "100"]);
    let home = Home::new();
    let (ok, out, err) = home.run_on(&demo, &[], "ls users limit=60");
    assert!(ok, "{err}");
    let ids: Vec<String> = crate::common::documents(&out)[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    let list = serde_json::to_string(&ids).unwrap();
    // 60 answers at 200 ms, 4 at a time: three seconds at least.
    let child = home
        .command_on(&demo)
        .args([
            "--parallel",
            "4",
            "-c",
            &format!("set ids = {list}; get $ids; history"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    until_listening(child.id());
    std::thread::sleep(Duration::from_millis(1200));
    let sent = Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "the requests in flight were abandoned"
    );
    let kept: usize = stderr
        .split("kept the ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no `kept the N results`: {stderr}"));
    assert!((4..60).contains(&kept), "kept {kept}: {stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
}
