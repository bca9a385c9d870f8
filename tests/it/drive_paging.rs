//! Paging to the end over real HTTP: `--all`, `--max`, streaming to a file, the System Log's
//! endless `next`, `q=` searches, and an export through injected faults.

use std::collections::HashSet;

use crate::common::{DemoProcess, Home};
use serde_json::Value;

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|u| u["id"].as_str().expect("an id").to_string())
        .collect()
}

fn assert_distinct(ids: &[String]) {
    let set: HashSet<&String> = ids.iter().collect();
    assert_eq!(set.len(), ids.len(), "some ids came back twice");
}

/// Okta's `GET /users` leaves out DEPROVISIONED users; with them, `--all` must account for every
/// seeded user exactly once.
#[test]
fn ls_all_returns_every_user_exactly_once() {
    let demo = DemoProcess::start(&["--users", "437"]);
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_on(
        &demo,
        &[],
        "ls users limit=50 --all; ls users filter='status eq \"DEPROVISIONED\"' --all",
    );
    assert!(ok, "{stderr}");
    let docs: Vec<Value> = serde_json::Deserializer::from_str(&stdout)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .expect("JSON documents");
    assert_eq!(docs.len(), 2, "{stdout}");
    let mut all = ids(&docs[0]);
    assert_distinct(&all);
    assert!(all.len() > 300, "{} users", all.len());
    all.extend(ids(&docs[1]));
    assert_distinct(&all);
    assert_eq!(all.len(), 437, "every seeded user, once");
    // One history line for the whole run, not one per page.
    assert!(
        stderr.contains(&format!("200  {} users", all.len() - ids(&docs[1]).len())),
        "{stderr}"
    );
}

#[test]
fn max_stops_after_n_items_across_pages() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_on(&demo, &[], "ls users limit=7 --max 23 | jq length");
    assert!(ok, "{stderr}");
    assert_eq!(stdout.trim(), "23");
    let (ok, stdout, stderr) = home.run_on(&demo, &[], "ls users --max 5");
    assert!(ok, "{stderr}");
    let list: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(ids(&list).len(), 5);
}

#[test]
fn all_into_a_file_writes_one_json_array() {
    let demo = DemoProcess::start(&["--users", "1234"]);
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_on(&demo, &[], "ls users --all > users.json");
    assert!(ok, "{stderr}");
    assert!(stdout.trim().is_empty(), "nothing on stdout: {stdout}");
    let text = std::fs::read_to_string(home.path().join("users.json")).unwrap();
    let list: Value = serde_json::from_str(&text).expect("the file is one JSON document");
    let all = ids(&list);
    assert_distinct(&all);
    assert!(all.len() > 1000, "{}", all.len());
    assert!(
        stderr.contains(&format!("{} users written to users.json", all.len())),
        "{stderr}"
    );
    // The same listing without --all in memory agrees with the file.
    let (ok, stdout, _) = home.run_on(&demo, &[], "ls users --all | jq length");
    assert!(ok);
    assert_eq!(stdout.trim(), all.len().to_string());
}

#[test]
fn system_log_paging_stops_when_caught_up() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let started = std::time::Instant::now();
    let (ok, stdout, stderr) = home.run_on(&demo, &[], "ls logs limit=100 --all | jq length");
    assert!(ok, "{stderr}");
    let n: usize = stdout.trim().parse().unwrap();
    assert!(n > 100, "several pages of events: {n}");
    assert!(started.elapsed().as_secs() < 30);
    let (ok, stdout, _) = home.run_on(&demo, &[], "ls logs limit=1000 | jq length");
    assert!(ok);
    assert_eq!(stdout.trim(), n.to_string(), "every event once");
}

#[test]
fn a_q_search_with_all_says_okta_does_not_page_it() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_on(&demo, &[], "ls users q=a --all | jq length");
    assert!(ok, "{stderr}");
    assert!(stderr.contains("Okta does not page `q=`"), "{stderr}");
    assert!(stdout.trim().parse::<usize>().unwrap() > 0);
}

/// `--faults 0.05`: 500s, dropped connections and slow answers; GETs are retried, so the export
/// still holds every user exactly once.
#[test]
fn an_export_through_faults_holds_every_user_once() {
    let demo = DemoProcess::start(&["--faults", "0.05", "--users", "2000", "--seed", "7"]);
    let clean = DemoProcess::start(&["--users", "2000", "--seed", "7"]);
    let home = Home::new();
    let (ok, _, stderr) = home.run_on(&demo, &[], "ls users limit=20 --all > faulty.json");
    assert!(ok, "{stderr}");
    assert!(stderr.contains("retrying"), "faults were met: {stderr}");
    let (ok, _, stderr) = home.run_on(&clean, &[], "ls users limit=200 --all > clean.json");
    assert!(ok, "{stderr}");
    let read = |name: &str| -> Vec<String> {
        let text = std::fs::read_to_string(home.path().join(name)).unwrap();
        ids(&serde_json::from_str(&text).unwrap())
    };
    let faulty = read("faulty.json");
    assert_distinct(&faulty);
    let mut clean_ids = read("clean.json");
    let mut sorted = faulty.clone();
    sorted.sort();
    clean_ids.sort();
    assert_eq!(sorted, clean_ids, "the same users as without faults");
}

/// Okta's filter syntax arrives intact: quotes, spaces and dots are encoded, not mangled.
#[test]
fn search_expressions_arrive_intact() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_on(&demo, &[], "ls users search='profile.department eq \"Engineering\"' --all | jq -r '.[].profile.department'",
    );
    assert!(ok, "{stderr}");
    let departments: Vec<&str> = stdout.lines().collect();
    assert!(departments.len() > 3, "{stdout}");
    assert!(departments.iter().all(|d| *d == "Engineering"), "{stdout}");
}
