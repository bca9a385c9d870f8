//! Whole-collection runs as Newman does them: `run COLLECTION:`, `run FOLDER/`, once per row of
//! a data file (`--data`), stopping at the first failure (`--bail`), and a JUnit report; and
//! `set NAME = @FILE` loading rows. Against the demo org, through a pipe.

use crate::common::{documents, Home};

/// A small collection: a folder of two lookups driven by `{{login}}` and `{{userId}}`, and one
/// request outside it.
const COLLECTION: &str = r#"{
  "info": {"name": "Lookups", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "item": [
    {"name": "People", "item": [
      {"name": "Find", "request": {"method": "GET", "url": "{{url}}/api/v1/users?q={{login}}&limit=1"}},
      {"name": "Get", "request": {"method": "GET", "url": "{{url}}/api/v1/users/{{userId}}"}}
    ]},
    {"name": "Groups", "request": {"method": "GET", "url": "{{url}}/api/v1/groups?limit=1"}}
  ]
}"#;

fn home_with(files: &[(&str, &str)]) -> Home {
    let home = Home::new();
    std::fs::write(home.path().join("lookups.json"), COLLECTION).unwrap();
    for (name, text) in files {
        std::fs::write(home.path().join(name), text).unwrap();
    }
    home
}

/// The URLs of the history, oldest first.
fn history_urls(stdout: &str) -> Vec<String> {
    let history = documents(stdout).pop().expect("history as JSON");
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["url"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_collection_runs_once_per_data_row_in_order_with_the_rows_columns_as_variables() {
    let home = home_with(&[]);
    // Two real users of the demo org, by login, then one that does not exist.
    let (ok, out, err) = home.run_demo("ls users limit=2; echo $last");
    assert!(ok, "{err}");
    let users = documents(&out).pop().unwrap();
    let row = |u: &serde_json::Value| {
        format!(
            "{},{}",
            u["profile"]["login"].as_str().unwrap(),
            u["id"].as_str().unwrap()
        )
    };
    let csv = format!(
        "\u{feff}login,userId\n{}\n{}\n\"nobody@example.com\",00u0000000000000none\n",
        row(&users[0]),
        row(&users[1])
    );
    std::fs::write(home.path().join("rows.csv"), csv).unwrap();

    let (ok, out, err) = home.run(&[
        "--demo",
        "-k",
        "-c",
        "import lookups.json; run Lookups: --data rows.csv --report junit report.xml; history",
    ]);
    assert!(!ok, "the missing user fails the run: {err}");
    assert!(
        err.contains("ran 9 requests of Lookups × 3 data rows: 8 succeeded; report in report.xml; 1 failed: row 3: People/Get (#8 404)"),
        "{err}"
    );
    let urls = history_urls(&out);
    assert_eq!(urls.len(), 9, "{urls:?}");
    let id0 = users[0]["id"].as_str().unwrap();
    assert!(
        urls[1].ends_with(&format!("/api/v1/users/{id0}")),
        "{urls:?}"
    );
    assert!(
        urls[2].ends_with("/api/v1/groups?limit=1"),
        "in collection order: {urls:?}"
    );
    assert!(
        urls[6].contains("q=nobody%40example.com") || urls[6].contains("q=nobody@example.com"),
        "{urls:?}"
    );

    // The report is XML a CI system reads: one suite per row, the failure in the third.
    let xml = std::fs::read_to_string(home.path().join("report.xml")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut suites, mut cases, mut failures) = (0, 0, Vec::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    b"testsuite" => suites += 1,
                    b"testcase" => cases += 1,
                    b"failure" => failures.push(suites),
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((suites, cases, failures), (3, 9, vec![3]), "{xml}");
    assert!(
        xml.contains("failures=\"1\"") && xml.contains("E0000007"),
        "{xml}"
    );
}

#[test]
fn bail_stops_at_the_first_failure_and_a_folder_runs_alone() {
    let home = home_with(&[(
        "rows.json",
        r#"[{"login": "x@example.com", "userId": "00unope"}, {"login": "y", "userId": "00unope2"}]"#,
    )]);
    let (ok, out, err) = home.run(&[
        "--demo",
        "-k",
        "-c",
        "import lookups.json; run People/ --data rows.json --bail; history",
    ]);
    assert!(!ok);
    assert!(
        err.contains("ran 2 requests of People/ × 2 data rows: 1 succeeded, 2 not run; 1 failed: row 1: People/Get (#2 404)"),
        "{err}"
    );
    assert_eq!(history_urls(&out).len(), 2);
}

#[test]
fn bad_data_files_say_where_and_send_nothing() {
    let home = home_with(&[
        ("short.csv", "login,userId\na@x.com,00u1\nb@x.com\n"),
        ("lines.jsonl", "{\"login\": \"a\"}\nnot json\n"),
        ("empty.csv", "login,userId\n"),
    ]);
    for (file, says) in [
        ("short.csv", "short.csv:3: 1 cells, the header has 2"),
        ("lines.jsonl", "lines.jsonl:2: not JSON"),
        ("empty.csv", "empty.csv has no rows"),
        ("missing.csv", "cannot read missing.csv"),
    ] {
        let (ok, out, err) = home.run_demo(&format!(
            "import lookups.json; run Lookups: --data {file}; history"
        ));
        assert!(!ok && err.contains(says), "{file}: {err}");
        assert!(!out.contains("/api/v1/"), "nothing was sent: {out}");
    }
    let (ok, _, err) = home.run_demo("import lookups.json; run Lookups: --report xml r.xml");
    assert!(
        !ok && err.contains("the only report format is junit"),
        "{err}"
    );
}

#[test]
fn set_loads_csv_rows_as_objects_with_dotted_headers_nested() {
    let home = home_with(&[(
        "people.csv",
        "profile.login,profile.firstName,profile.lastName\n\"ann@example.com\",\"Ann, Jr.\",Lee\nbo@example.com,Bo,\n",
    )]);
    let (ok, out, err) = home
        .run_demo("set people = @people.csv; echo $people[0].profile; echo $people.profile.login");
    assert!(ok, "{err}");
    let docs = documents(&out);
    assert_eq!(
        docs[0],
        serde_json::json!({"login": "ann@example.com", "firstName": "Ann, Jr.", "lastName": "Lee"})
    );
    assert_eq!(
        docs[1],
        serde_json::json!(["ann@example.com", "bo@example.com"])
    );
}
