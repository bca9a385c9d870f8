//! `follow` with parameters and `--yes`, why a link is missing, what a lifecycle write did,
//! `$refs` inside JSON literals, `set NAME.path = VALUE`, and multi-line bodies (issue 8,
//! items 9, 10, 11 and 13). The real binary through pipes, against the demo org on loopback.

use crate::common::{documents, DemoProcess, Home};
use serde_json::{json, Value};

/// The third user of the demo org (the first two are the admin and the auditor, whom the demo
/// does not let anyone deactivate), fetched in full and kept in `$u`.
const FETCH_U: &str = "ls users limit=3; get $last[2].id; set u = $last";

#[test]
fn follow_passes_query_parameters_to_the_link() {
    let home = Home::new();
    // resetPassword needs sendEmail (Okta answers 400 without it).
    let (ok, stdout, stderr) = home.run_demo(&format!(
        "{FETCH_U}; follow resetPassword $u sendEmail=false"
    ));
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("/lifecycle/reset_password?sendEmail=false  200"),
        "{stderr}"
    );
    let docs = documents(&stdout);
    let reset = docs.last().unwrap();
    assert!(reset["resetPasswordUrl"].is_string(), "{reset}");

    // A key the link already has is replaced, not sent twice.
    let (ok, stdout, stderr) = home.run_demo("ls users limit=2; follow next limit=1");
    assert!(ok, "{stderr}");
    let docs = documents(&stdout);
    assert_eq!(docs[1].as_array().map(Vec::len), Some(1), "{stderr}");
    let next_line = stderr.lines().find(|l| l.starts_with("#2 ")).unwrap();
    assert_eq!(next_line.matches("limit=").count(), 1, "{next_line}");
}

#[test]
fn follow_takes_yes_in_a_protected_environment() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let add = format!("env add prod {} token={} --protected", demo.url, demo.token);
    assert!(home.run(&["-c", &add]).0);
    let status = |home: &Home| {
        let (ok, stdout, stderr) = home.run(&["-e", "prod", "-c", "ls users limit=3"]);
        assert!(ok, "{stderr}");
        // From the listing on: `using prod` is still printed to stdout (issue 8 item 7).
        let json = &stdout[stdout.find('[').unwrap_or(0)..];
        documents(json)[0][2]["status"].clone()
    };

    let (ok, _, stderr) = home.run(&[
        "-e",
        "prod",
        "-c",
        "ls users limit=3; get $last[2].id; follow suspend",
    ]);
    assert!(!ok);
    assert!(stderr.contains("needs confirmation: add --yes"), "{stderr}");
    assert_eq!(status(&home), "ACTIVE");

    let (ok, _, stderr) = home.run(&[
        "-e",
        "prod",
        "-c",
        "ls users limit=3; get $last[2].id; follow suspend --yes",
    ]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains(": ACTIVE → SUSPENDED"), "{stderr}");
    assert_eq!(status(&home), "SUSPENDED");
}

#[test]
fn a_missing_link_is_explained_not_corrected_to_its_opposite() {
    let home = Home::new();
    // An ACTIVE user has `suspend`, not `unsuspend`: one edit apart, opposite actions.
    let (ok, _, stderr) = home.run_demo(&format!("{FETCH_U}; follow unsuspend $u"));
    assert!(!ok);
    assert!(!stderr.contains("did you mean"), "{stderr}");
    assert!(
        stderr.contains("no link `unsuspend` on emma.gomez@example.com (ACTIVE)")
            && stderr.contains("Okta offers it to a SUSPENDED user")
            && stderr.contains("links: suspend, ")
            && stderr.contains("`get $u` to refresh it"),
        "{stderr}"
    );

    // A value stored before a change: the hint says how to refresh it.
    let (ok, _, stderr) = home.run_demo(&format!(
        "{FETCH_U}; follow suspend $u; follow unsuspend $u"
    ));
    assert!(!ok);
    assert!(stderr.contains("`get $u` to refresh it"), "{stderr}");

    // The `{}` a lifecycle call answers has no links: the hint names the object.
    let (ok, _, stderr) =
        home.run_demo("ls users limit=3; get $last[2].id; follow suspend; follow unsuspend");
    assert!(!ok);
    assert!(
        stderr.contains(
            "$last is the answer of a lifecycle call, which has no links; `get /api/v1/users/00u"
        ),
        "{stderr}"
    );

    // A list item carries only `self`.
    let (ok, _, stderr) = home.run_demo("ls users limit=3; follow deactivate $last[2]");
    assert!(!ok);
    assert!(
        stderr.contains("it carries only `self`, as items of a list do; `get $last[2]`"),
        "{stderr}"
    );
    let (ok, _, stderr) = home.run_demo("ls users limit=3; follow deactivate");
    assert!(!ok);
    assert!(stderr.contains("$last is a list"), "{stderr}");
    // Fetched by its own URL, an object has every link Okta gives it: no `get` helps.
    let (ok, _, stderr) = home.run_demo(
        "ls authorizationServers; ls authorizationServers/$last[0].id/scopes limit=1; get $last[0]._links.self.href; follow deactivate",
    );
    assert!(!ok);
    assert!(stderr.contains(": Okta gave it only `self`"), "{stderr}");
    assert!(!stderr.contains("as items of a list do"), "{stderr}");
    // Which statuses offer a link is said of users only.
    let (ok, _, stderr) =
        home.run_demo("ls authorizationServers; get $last[0].id; follow activate");
    assert!(!ok);
    assert!(stderr.contains("no link `activate` on "), "{stderr}");
    assert!(!stderr.contains("user"), "{stderr}");

    // A typo that is no link name of its own is still corrected.
    let (ok, _, stderr) = home.run_demo(&format!("{FETCH_U}; follow deactivte $u"));
    assert!(!ok);
    assert!(stderr.contains("did you mean `deactivate`?"), "{stderr}");
}

/// A variable fetched before a write to its object does not speak for its status after it.
#[test]
fn a_change_after_another_reads_the_status_okta_has_not_the_stale_one() {
    let home = Home::new();
    let (ok, _, stderr) = home.run_demo(&format!(
        "{FETCH_U}; follow resetPassword $u sendEmail=false; follow deactivate $u"
    ));
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("emma.gomez@example.com: ACTIVE → RECOVERY"),
        "{stderr}"
    );
    assert!(
        stderr.contains("emma.gomez@example.com: RECOVERY → DEPROVISIONED"),
        "{stderr}"
    );
}

#[test]
fn lifecycle_writes_and_deletes_say_what_happened() {
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_demo(&format!(
        "{FETCH_U}; delete $u; delete $u; ls users limit=4; get $last[3].id; follow deactivate"
    ));
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("emma.gomez@example.com: ACTIVE → DEPROVISIONED (delete again to remove)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("emma.gomez@example.com: DEPROVISIONED → deleted"),
        "{stderr}"
    );
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.ends_with("@example.com: PROVISIONED → DEPROVISIONED"),
        "{stderr}"
    );
    // Piped, stdout stays Okta's JSON: nothing for each 204 (no content), {} for the
    // lifecycle call; the sentences above went to stderr.
    let docs = documents(&stdout);
    assert_eq!(docs.len(), 5, "{stdout}");
    assert_eq!(docs.last().unwrap(), &json!({}));

    // A group has no status: its delete is said plainly.
    let (ok, _, stderr) =
        home.run_demo(r#"post groups {"profile": {"name": "Temp crew"}}; delete $last"#);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("Temp crew: deleted"), "{stderr}");

    // Any object the spec reads by id, by its name: an authorization server's lifecycle and
    // delete, a network zone's delete.
    let (ok, _, stderr) = home.run_demo(
        r#"post authorizationServers {"name": "Partner API", "description": "For partners", "audiences": ["api://partners"]}; set a = $last; follow deactivate $a; delete $a; ls zones limit=1; delete $last[0]"#,
    );
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("Partner API: ACTIVE → INACTIVE"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Partner API: INACTIVE → deleted"),
        "{stderr}"
    );
    assert!(stderr.contains(": ACTIVE → deleted"), "{stderr}");
}

#[test]
fn references_are_json_values_in_bodies_and_set() {
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_demo(
        &format!(
            r#"{FETCH_U}; set t = "Boss"; post $u {{"profile": {{"title": $t}}}}; get $u; set x = {{"first": $1[0].id, "ids": $1.id, "both": [$t, 1]}}; echo $x"#
        ),
    );
    assert!(ok, "{stderr}");
    let docs = documents(&stdout);
    let users = docs[0].as_array().unwrap();
    let fetched = &docs[docs.len() - 2];
    assert_eq!(fetched["profile"]["title"], "Boss", "{fetched}");
    let ids: Vec<Value> = users.iter().map(|u| u["id"].clone()).collect();
    assert_eq!(
        docs.last().unwrap(),
        &json!({"first": users[0]["id"], "ids": ids, "both": ["Boss", 1]})
    );

    // A reference that fails names itself; a `$` inside a JSON string is text.
    let (ok, _, stderr) = home.run_demo(r#"post users {"profile": {"title": $nope}}"#);
    assert!(!ok);
    assert!(stderr.contains("$nope: no such variable"), "{stderr}");
    let (ok, stdout, _) = home.run_demo(r#"echo {"price": "$5", "n": [1]}"#);
    assert!(ok);
    assert_eq!(documents(&stdout), vec![json!({"price": "$5", "n": [1]})]);
}

#[test]
fn set_changes_one_place_of_a_variable() {
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_demo(
        r#"set u = {"profile": {}, "tags": [1, 2]}; set u.profile.title = "Boss"; set u.tags[-1] = 3; set u.a.b = true; echo $u"#,
    );
    assert!(ok, "{stderr}");
    assert_eq!(
        documents(&stdout),
        vec![json!({"profile": {"title": "Boss"}, "tags": [1, 3], "a": {"b": true}})]
    );
    for (line, message) in [
        ("set nope.x = 1", "$nope: no such variable"),
        (
            "set u = [1]; set u[5] = 1",
            "cannot set $u[5]: out of range, $u has 1 items",
        ),
        (
            "set u = {\"a\": 1}; set u.a.b = 1",
            "cannot set $u.a.b: $u.a is a number, not an object",
        ),
    ] {
        let (ok, _, stderr) = home.run_demo(line);
        assert!(!ok, "{line}");
        assert!(stderr.contains(message), "{line}: {stderr}");
    }
    // A failed set leaves the variable as it was.
    let (_, stdout, _) = home.run(&[
        "--demo",
        "-k",
        "-c",
        "set u = {\"a\": [1]}; set u.b.c[0] = 2\necho $u",
    ]);
    assert_eq!(documents(&stdout), vec![json!({"a": [1]})]);
}

#[test]
fn a_script_joins_the_lines_of_an_open_json_body() {
    let home = Home::new();
    let script = home.path().join("body.oktash");
    std::fs::write(
        &script,
        "set t = \"Boss\"\necho {\n  \"profile\": {\n    \"title\": $t\n  },\n  \"n\": [1,\n 2]\n}\necho after\npost users {\"a\":\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = home.run(&["--demo", script.to_str().unwrap()]);
    assert!(!ok, "the last body never closes");
    assert_eq!(
        documents(&stdout),
        vec![
            json!({"profile": {"title": "Boss"}, "n": [1, 2]}),
            json!("after")
        ]
    );
    // The unclosed body is named by its first line.
    assert!(stderr.contains("body.oktash:10:"), "{stderr}");
    assert!(
        stderr.contains("bad JSON body: EOF while parsing"),
        "{stderr}"
    );
}
