//! Times the spec index's first load and the completion of a scripted corpus of lines (every
//! position completion knows), as `scripts/bench-complete.sh` runs it:
//! `cargo run --release --example complete_bench [ROUNDS]`.

use std::time::{Duration, Instant};

use oktash::complete::{collect_fields, complete, Candidates};

const LINES: &[&str] = &[
    "",
    "l",
    "ls ",
    "ls auth",
    "ls users/00ub0oNGTSWTBKOLGLNR/",
    "ls apps/0oa1gjh63g214q0Hq0g4/cre",
    "ls users ",
    "ls users sort",
    "ls policies type=",
    "ls policies type=PASS",
    "get ",
    "get users/",
    "follow ",
    "follow de",
    "echo $",
    "echo $ann.",
    "echo $ann.profile.",
    "echo $last[0].",
    "post users ",
    "post users/00ub0oNGTSWTBKOLGLNR/lifecycle/",
    "help ",
    "use ",
    "import data/okta/postman/u",
    "post users @data/okta/",
    "ls users > tar",
    "run \"Get",
];

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let started = Instant::now();
    let index = oktash::spec::index().expect("the index loads");
    let load = started.elapsed();
    println!(
        "index: {} operations loaded in {:.1} ms",
        index.operations.len(),
        load.as_secs_f64() * 1000.0
    );

    // A session as after `ls users limit=200`, `set ann = $last[0]`, a user's links.
    let user = |i: usize| {
        serde_json::json!({
            "id": format!("00u{i:017}"), "status": "ACTIVE",
            "profile": {"login": format!("user{i}@example.com"), "firstName": "A", "lastName": "B"},
            "_links": {"self": {"href": "x"}, "deactivate": {"href": "x"}, "suspend": {"href": "x"}}
        })
    };
    let page: Vec<_> = (0..200).map(user).collect();
    let mut data = Candidates {
        ids: page
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_string())
            .collect(),
        entries: (1..=50).collect(),
        variables: vec!["ann".into()],
        environments: vec!["demo".into(), "prod".into()],
        requests: (0..400).map(|i| format!("Get User {i}")).collect(),
        links: vec![
            "self".into(),
            "deactivate".into(),
            "suspend".into(),
            "next".into(),
        ],
        ..Candidates::default()
    };
    collect_fields("$ann", &page[0], &mut data.fields);
    collect_fields("$last", &serde_json::Value::Array(page), &mut data.fields);

    let mut times: Vec<Duration> = Vec::with_capacity(rounds * LINES.len());
    for _ in 0..rounds {
        for line in LINES {
            let t = Instant::now();
            let (_, pairs) = complete(line, line.len(), &data);
            std::hint::black_box(pairs);
            times.push(t.elapsed());
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "completion over {} lines × {rounds}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        LINES.len(),
        at(0.50),
        at(0.99),
        at(1.0)
    );
}
