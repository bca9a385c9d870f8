//! `demo reset`: the demo org back at its seed, so that a demo can be given again.

use crate::common::{documents, DemoProcess, Home};

#[test]
fn demo_reset_after_a_create_a_change_and_a_delete_brings_back_the_same_first_page() {
    let home = Home::new();
    let script = r#"ls users limit=5
set first = $last
post users?activate=false {"profile": {"firstName": "New", "lastName": "Comer", "email": "new@example.com", "login": "new@example.com"}}
post $first[0] {"profile": {"title": "Changed"}}
delete $first[2] --yes
ls users limit=5
demo reset
ls users limit=5
ls users q=new"#;
    let (ok, out, err) = home.run(&["--demo", "--yes", "-c", script]);
    assert!(ok, "{err}");
    let docs = documents(&out);
    let n = docs.len();
    let (before, during, after) = (&docs[0], &docs[n - 3], &docs[n - 2]);
    assert_ne!(before, during, "the demo changed the org");
    assert_eq!(before, after, "the same first page, ids and all");
    assert_eq!(
        docs[n - 1],
        serde_json::json!([]),
        "the created user is gone"
    );
    assert!(
        err.contains("demo org reset: 300 users from seed 1 ("),
        "{err}"
    );
}

#[test]
fn demo_reset_is_refused_for_an_org_that_is_not_the_demo() {
    let home = Home::new();
    let (ok, _, err) = home.run(&[
        "-c",
        "env add prod https://acme.okta.com token=00abcdefghijklmnopqrst; use prod; demo reset",
    ]);
    assert!(!ok);
    assert!(
        err.contains("demo reset is for the demo org; prod is not one"),
        "{err}"
    );
    assert!(!err.contains("retrying"), "nothing was sent: {err}");
}

#[cfg(unix)]
#[test]
fn demo_serve_state_keeps_the_org_across_restarts_privately() {
    use std::os::unix::fs::PermissionsExt;

    let home = Home::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("org.json");
    let state = file.to_str().unwrap();
    let create = r#"post users?activate=false {"profile": {"firstName": "Kept", "lastName": "Over", "email": "kept@example.com", "login": "kept@example.com"}}"#;
    let find = "ls users q=kept";
    // An object of the spec-driven engine is kept too.
    let policy = r#"post policies {"type": "PASSWORD", "name": "Kept policy"}"#;

    let demo = DemoProcess::start(&["--state", state]);
    let (ok, out, err) = home.run_on(&demo, &["--yes"], &format!("{create}\n{find}\n{policy}"));
    assert!(ok, "{err}");
    let docs = documents(&out);
    let created = docs[1].clone();
    assert_eq!(created.as_array().map(Vec::len), Some(1), "{out}");
    let policy_id = docs[2]["id"].as_str().expect("a policy id").to_string();
    demo.terminate();
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the state file is private");

    let demo = DemoProcess::start(&["--state", state]);
    let (ok, out, err) = home.run_on(
        &demo,
        &[],
        &format!("{find}\nget policies/{policy_id}\ndemo reset\n{find}"),
    );
    assert!(ok, "{err}");
    let docs = documents(&out);
    assert_eq!(docs[1]["name"], "Kept policy", "{out}");
    // The same user, id and times and all; only the port in its links is the new server's.
    let without_links = |mut v: serde_json::Value| {
        v[0].as_object_mut().map(|o| o.remove("_links"));
        v
    };
    assert_eq!(without_links(docs[0].clone()), without_links(created));
    assert_eq!(docs[docs.len() - 1], serde_json::json!([]), "reset: {out}");
    demo.terminate();

    let demo = DemoProcess::start(&["--state", state]);
    let (ok, out, err) = home.run_on(&demo, &[], find);
    assert!(ok, "{err}");
    assert_eq!(
        documents(&out)[0],
        serde_json::json!([]),
        "the reset was kept"
    );
}

#[test]
fn demo_serve_state_refuses_a_file_that_is_not_an_org_and_leaves_it_alone() {
    let home = Home::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.json");
    std::fs::write(&file, r#"{"my": "notes"}"#).unwrap();
    let (ok, _, err) = home.run(&["demo", "serve", "--state", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("is not a demo org's state"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        r#"{"my": "notes"}"#,
        "never overwritten"
    );
}
