//! Issue 8 item 3: large bodies are kept compactly in the history, counted at that size, and
//! still walked by expressions, printed and summed up like any other.

use crate::common::{documents, outcome, DemoProcess, Home};
use serde_json::Value;

/// Runs `commands` against `demo` with `--keep-mb keep_mb`, through pipes.
fn run(home: &Home, demo: &DemoProcess, keep_mb: &str, commands: &str) -> (bool, String, String) {
    let out = home
        .command_on(demo)
        .args(["--keep-mb", keep_mb, "-c", commands])
        .output()
        .expect("run oktash");
    outcome(out)
}

#[test]
fn a_large_listing_is_kept_compactly_and_still_walked() {
    // 3,000 users are some 3 MB of JSON text and over 15 MB parsed: a 6 MB budget keeps two
    // exports only if they are counted (and held) as text.
    let demo = DemoProcess::start(&["--users", "3000"]);
    let home = Home::new();
    let export = "ls users limit=200 --all";
    let script = format!(
        "{export}; {export}; {export}; echo $2[0].id; echo $2[-1].profile.login; echo $2.id; \
         echo $3.profile.login; echo $2.nosuch"
    );
    let (ok, stdout, stderr) = run(&home, &demo, "6", &script);
    assert!(!ok, "the last reference fails: {stderr}");
    let docs = documents(&stdout);
    assert_eq!(docs.len(), 7, "{stderr}");
    let users = docs[0].as_array().expect("a list of users");
    assert!(users.len() > 2500, "{}", users.len());
    assert_eq!(docs[1], docs[0], "a compact export prints as it came");
    assert_eq!(docs[3], users[0]["id"]);
    assert_eq!(docs[4], users[users.len() - 1]["profile"]["login"]);
    let ids: Vec<&Value> = users.iter().map(|u| &u["id"]).collect();
    assert_eq!(docs[5].as_array().unwrap().iter().collect::<Vec<_>>(), ids);
    assert_eq!(docs[6].as_array().unwrap().len(), users.len());

    // One drop, of #1 only, and what it freed is the compact size (the text), not the parsed.
    let notices = history_notices(&stderr);
    assert_eq!(notices.len(), 1, "{stderr}");
    assert!(
        notices[0].starts_with("history: dropped #1, "),
        "{}",
        notices[0]
    );
    let freed: f64 = notices[0]["history: dropped #1, ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a size in MB: {}", notices[0]));
    assert!(freed < 5.0, "#1 counted at {freed} MB: {}", notices[0]);
    assert!(
        stderr.contains(&format!(
            "$2 is a list of {} whose items have no field `nosuch`",
            users.len()
        )),
        "{stderr}"
    );
}

#[test]
fn an_entry_over_the_whole_budget_is_kept_and_said_so() {
    let demo = DemoProcess::start(&["--users", "3000"]);
    let home = Home::new();
    // One page of 200 users holds about 1.2 MB parsed: alone over a 1 MB budget. (An `--all`
    // listing kept in memory stops at the budget instead, with what it fetched kept.)
    let (ok, stdout, stderr) = run(&home, &demo, "1", "ls users limit=200; echo $1[1].id");
    assert!(ok, "{stderr}");
    let docs = documents(&stdout);
    assert_eq!(docs[1], docs[0][1]["id"]);
    let notices = history_notices(&stderr);
    assert_eq!(notices.len(), 1, "{stderr}");
    assert!(
        notices[0].contains("#1 alone holds") && notices[0].contains("> FILE"),
        "{}",
        notices[0]
    );
}

/// The lines in which the history says what it dropped to stay within its budget.
fn history_notices(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("history:"))
        .collect()
}
