//! `demo reset`: the demo org back at its seed, so that a demo can be given again.

use crate::common::{documents, Home};

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
