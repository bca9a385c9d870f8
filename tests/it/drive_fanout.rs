//! Fan-outs at a distance (issue 12): the demo org answers in 50 ms, and `get $ids` keeps
//! several requests in flight, keeps the answers in the ids' order, absorbs Okta's concurrency
//! 429, waits out a spent budget, and names the items that failed while keeping the rest.

use std::time::{Duration, Instant};

use crate::common::{documents, DemoProcess, Home};

/// The ids of the first `n` users, in the org's order.
fn user_ids(home: &Home, demo: &DemoProcess, n: usize) -> Vec<String> {
    let (ok, out, err) = home.run_on(demo, &[], &format!("ls users limit={n}"));
    assert!(ok, "{err}");
    documents(&out)[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

/// `get $ids` over the first `n` users with 8 in flight: every answer came back, in the ids'
/// order, and nothing failed. Returns stderr.
fn get_every_one(home: &Home, demo: &DemoProcess, n: usize) -> String {
    let ids = user_ids(home, demo, n);
    let list = serde_json::to_string(&ids).unwrap();
    let (ok, out, err) = home.run_on(
        demo,
        &["--parallel", "8"],
        &format!("set ids = {list}; get $ids"),
    );
    assert!(ok, "{err}");
    assert_eq!(
        ids_of(&documents(&out)[0]),
        ids,
        "in the ids' order, every one"
    );
    assert!(!err.contains("failed"), "{err}");
    err
}

fn ids_of(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_parallel_fan_out_keeps_every_answer_in_the_ids_order_in_a_fraction_of_the_time() {
    let demo = DemoProcess::start(&["--latency", "50,30", "--users", "200"]);
    let home = Home::new();
    let began = Instant::now();
    let err = get_every_one(&home, &demo, 80);
    let took = began.elapsed();
    // One after another, 80 answers at 50 ms or more take 4 s at least.
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(err.contains("(+79 more)  200  80 users"), "{err}");
}

#[test]
fn okta_s_concurrency_429_is_absorbed_and_fewer_go_at_once() {
    let demo = DemoProcess::start(&["--latency", "100", "--concurrency", "2", "--users", "50"]);
    let home = Home::new();
    get_every_one(&home, &demo, 24);
    // The org saw the violations (so the test did meet the limit).
    let (_, out, _) = home.run_on(
        &demo,
        &[],
        "ls logs filter='eventType eq \"core.concurrency.org.limit.violation\"'",
    );
    assert!(!documents(&out)[0].as_array().unwrap().is_empty(), "{out}");
}

#[test]
fn a_spent_budget_is_waited_out_in_the_middle_of_a_fan_out() {
    let demo = DemoProcess::start(&[
        "--latency",
        "20",
        "--rate-limit",
        "15",
        "--rate-window",
        "2",
        "--users",
        "50",
    ]);
    let home = Home::new();
    get_every_one(&home, &demo, 30);
}

#[test]
fn a_write_fan_out_names_the_item_that_failed_and_keeps_the_others() {
    let demo = DemoProcess::start(&["--latency", "30", "--users", "50"]);
    let home = Home::new();
    let mut ids = user_ids(&home, &demo, 6);
    ids[2] = "00u0000000000missing".into();
    let targets: Vec<String> = ids.iter().map(|id| format!("users/{id}")).collect();
    let list = serde_json::to_string(&targets).unwrap();
    let (ok, out, err) = home.run_on(
        &demo,
        &["--parallel", "4"],
        &format!(r#"set t = {list}; post $t {{"profile": {{"title": "Fanned"}}}} --yes"#),
    );
    assert!(!ok);
    assert!(
        err.contains("1 of 6 failed: item 2 (/api/v1/users/00u0000000000missing): 404"),
        "{err}"
    );
    let _ = out;
    // The other five were changed.
    let (ok, out, err) = home.run_on(&demo, &[], "ls users search='profile.title eq \"Fanned\"'");
    assert!(ok, "{err}");
    assert_eq!(documents(&out)[0].as_array().unwrap().len(), 5, "{out}");
}

#[test]
fn a_csv_of_people_creates_each_user_once_with_one_write_per_row() {
    let demo = DemoProcess::start(&["--latency", "20", "--users", "10"]);
    let home = Home::new();
    let mut csv = String::from("profile.login,profile.email,profile.firstName,profile.lastName\n");
    for i in 0..40 {
        csv.push_str(&format!(
            "bulk{i}@example.com,bulk{i}@example.com,Bulk,\"Row {i}, CSV\"\n"
        ));
    }
    std::fs::write(home.path().join("people.csv"), csv).unwrap();
    let (ok, out, err) = home.run_on(
        &demo,
        &["--parallel", "8"],
        "set people = @people.csv; post users?activate=false {\"profile\": $people[*].profile} --yes",
    );
    assert!(ok, "{err}");
    let created = documents(&out)[0].as_array().unwrap().clone();
    assert_eq!(created.len(), 40);
    assert_eq!(
        created[7]["profile"]["lastName"], "Row 7, CSV",
        "in the rows' order"
    );
    // Each exactly once: the org holds 40 of them, and a second run is refused row by row.
    let (ok, out, _) = home.run_on(&demo, &[], "ls users q=bulk limit=200");
    assert!(ok);
    assert_eq!(documents(&out)[0].as_array().unwrap().len(), 40);
    let (ok, _, err) = home.run_on(
        &demo,
        &[],
        "set people = @people.csv; post users?activate=false {\"profile\": $people[*].profile} --yes",
    );
    assert!(!ok);
    assert!(
        err.contains("40 of 40 failed: item 0 (/api/v1/users?activate=false): 400 E0000001"),
        "{err}"
    );
}

#[test]
fn spread_bodies_that_do_not_fit_say_why_and_send_nothing() {
    let demo = DemoProcess::start(&["--users", "10"]);
    let home = Home::new();
    for (commands, says) in [
        ("set n = 3; post users {\"profile\": $n[*]} --yes", "$n is a number, not a list or object"),
        (
            "set a = [1, 2]; set b = [1]; post users {\"x\": $a[*], \"y\": $b[*]} --yes",
            "must be as long as each other (they have 2, 1 elements)",
        ),
        (
            "set p = [{\"profile\": {\"login\": 5}}]; post users $p[*] --yes",
            "body 0: the body does not fit POST /api/v1/users: `profile.login` should be a string",
        ),
        (
            "set t = [\"users/a\", \"users/b\", \"users/c\"]; set p = [{}, {}]; post $t $p[*] --yes",
            "3 targets and 2 bodies",
        ),
    ] {
        let (ok, out, err) = home.run_on(&demo, &[], &format!("{commands}; history"));
        assert!(!ok && err.contains(says), "{commands}: {err}");
        assert!(!err.contains("#1 "), "nothing was sent: {err}{out}");
    }
}

/// `option parallel N` changes how many go at once for the rest of the session: 8 answers at
/// 100 ms one by one take 0.8 s at least; 8 at once, a fraction of that.
#[test]
fn option_parallel_changes_the_fan_out_within_the_session() {
    let demo = DemoProcess::start(&["--latency", "100"]);
    let home = Home::new();
    let (ok, _, err) = home.run_on(
        &demo,
        &[],
        "ls users limit=8; option parallel 1; get $1.id; option parallel 8; get $1.id; option",
    );
    assert!(ok, "{err}");
    let took = |entry: &str| -> f64 {
        let line = err
            .lines()
            .find(|l| l.starts_with(entry))
            .unwrap_or_else(|| panic!("{entry} in {err}"));
        line.rsplit("  ")
            .next()
            .unwrap()
            .strip_suffix(" ms")
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        err.contains("parallel: 8 → 1") && err.contains("parallel: 1 → 8"),
        "{err}"
    );
    let (one_by_one, at_once) = (took("#2 GET"), took("#3 GET"));
    assert!(one_by_one >= 800.0, "one at a time: {one_by_one} ms\n{err}");
    assert!(at_once < 500.0, "eight at once: {at_once} ms\n{err}");
}
