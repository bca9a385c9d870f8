//! The real binary driven through pipes, against the demo org over loopback HTTP.

use crate::common::{documents, DemoProcess, Home};
use serde_json::Value;

#[test]
fn lists_users_as_plain_json_when_piped() {
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_demo("ls users limit=2");
    assert!(ok, "{stderr}");
    let docs = documents(&stdout);
    let users = docs[0].as_array().expect("a list");
    assert_eq!(users.len(), 2);
    assert!(users[0]["id"].as_str().unwrap().starts_with("00u"));
    assert!(
        stderr.contains("#1 GET"),
        "the history line goes to stderr: {stderr}"
    );
    assert!(!stdout.contains('\u{1b}'), "no colour when piped");
}

#[test]
fn chains_ids_through_history_and_variables() {
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_demo(
        "ls users limit=3; set first = $last[0]; get $first.id; echo $2.profile.login; echo $1.id",
    );
    assert!(ok, "{stderr}");
    let docs = documents(&stdout);
    let list = docs[0].as_array().unwrap();
    let user = &docs[1];
    assert_eq!(
        user["id"], list[0]["id"],
        "get $first.id fetched the first user"
    );
    assert_eq!(docs[2], list[0]["profile"]["login"]);
    let ids: Vec<&Value> = list.iter().map(|u| &u["id"]).collect();
    assert_eq!(
        docs[3].as_array().unwrap().iter().collect::<Vec<_>>(),
        ids,
        "$1.id maps over the list"
    );
}

#[test]
fn a_list_argument_fans_out_into_one_entry() {
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_demo("ls users limit=3; get $last.id; history");
    assert!(ok, "{stderr}");
    let docs = documents(&stdout);
    let fetched = docs[1].as_array().expect("fan-out collects a list");
    assert_eq!(fetched.len(), 3);
    assert_eq!(fetched[2]["id"], docs[0][2]["id"]);
    let history = docs[2]
        .as_array()
        .expect("history is a JSON array on a pipe");
    assert_eq!(
        history.len(),
        2,
        "history lists the fan-out as one entry: {stdout}"
    );
    assert_eq!(history[1]["entry"], 2);
}

#[test]
fn follows_next_links_and_resolves_logins() {
    let home = Home::new();
    let (ok, stdout, stderr) =
        home.run_demo("ls users limit=2; follow next; get $2[0].profile.login; get me");
    assert!(ok, "{stderr}");
    let docs = documents(&stdout);
    assert_ne!(docs[0][0]["id"], docs[1][0]["id"], "next is another page");
    assert_eq!(
        docs[2]["id"], docs[1][0]["id"],
        "a login resolves to the user"
    );
    assert!(
        docs[3]["profile"]["login"].is_string(),
        "me is the token's owner"
    );
}

#[test]
fn okta_errors_are_one_line_and_fail_the_script() {
    let home = Home::new();
    let (ok, _stdout, stderr) =
        home.run_demo("get users/nobody-here@example.com; echo unreachable");
    assert!(!ok);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.starts_with("error: 404 E0000007"), "{line}");
    assert!(
        line.contains("[request "),
        "the request id is shown: {line}"
    );
    assert!(!stderr.contains("unreachable"));
}

#[test]
fn unknown_references_name_what_exists() {
    let home = Home::new();
    let (ok, _, stderr) = home.run_demo("set alpha = 1; echo $alpah");
    assert!(!ok);
    assert!(stderr.contains("$alpah"), "{stderr}");
    assert!(
        stderr.contains("$alpha"),
        "suggests the variable that exists: {stderr}"
    );
    let (ok, _, stderr) = home.run_demo("echo $4");
    assert!(!ok);
    assert!(stderr.contains("no history entry #4"), "{stderr}");
    let (ok, _, stderr) = home.run_demo("ls users limit=1; echo $last[0].profile.nope");
    assert!(!ok);
    assert!(
        stderr.contains("no field `nope`") && stderr.contains("login"),
        "{stderr}"
    );
}

#[test]
fn a_script_stops_at_its_first_failing_line_and_names_it() {
    let home = Home::new();
    let script = home.path().join("tour.oktash");
    std::fs::write(
        &script,
        "# a comment\nls users limit=1\nlst users\necho never\n",
    )
    .unwrap();
    let out = home.command().arg("--demo").arg(&script).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tour.oktash:3"), "{stderr}");
    assert!(stderr.contains("ls"), "suggests ls: {stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("never"));
}

#[test]
fn piped_stdin_is_a_script() {
    let home = Home::new();
    let out = home
        .assert()
        .arg("--demo")
        .write_stdin("ls groups limit=1\necho $last[0].profile.name\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs = documents(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(docs[1], docs[0][0]["profile"]["name"]);
}

#[test]
fn bad_json_bodies_and_unknown_commands_are_clear() {
    let home = Home::new();
    let (ok, _, stderr) = home.run_demo(r#"post users {"profile": {"login": }}"#);
    assert!(!ok);
    assert!(
        stderr.contains('^') && stderr.to_lowercase().contains("json"),
        "{stderr}"
    );
}

#[test]
fn as_curl_masks_the_token_unless_revealed() {
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_demo("get me; as curl; as curl --reveal");
    assert!(ok, "{stderr}");
    let token = oktash_demo::DEFAULT_TOKEN;
    let masked = stdout.split("curl").nth(1).unwrap();
    assert!(!masked.contains(token), "{masked}");
    assert!(masked.contains("Authorization: SSWS ••••"), "{masked}");
    assert!(stdout.split("curl").nth(2).unwrap().contains(token));
}

#[test]
fn writes_to_a_file_and_pipes_to_a_program() {
    let home = Home::new();
    let (ok, stdout, stderr) =
        home.run_demo("ls users limit=2 > users.json; ls users limit=2 | wc -c");
    assert!(ok, "{stderr}");
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(home.path().join("users.json")).unwrap())
            .unwrap();
    assert_eq!(saved.as_array().unwrap().len(), 2);
    let bytes: usize = stdout
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("wc printed {stdout}"));
    assert!(bytes > 100);
}

#[test]
fn environment_variables_pick_the_org_and_env_add_saves_0600() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let (ok, stdout, stderr) = home.run_on(&demo, &[], "get me; env");
    assert!(ok, "{stderr}");
    assert!(stdout.contains("OKTA_CLIENT_*"), "{stdout}");
    assert!(!stdout.contains(&demo.token));

    let add = format!(
        "env add local {} token={}; use local; get me",
        demo.url, demo.token
    );
    let out = home.command().args(["-c", &add]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = home.config_dir().join("environments.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let out = home
        .command()
        .args(["-c", "use local; get me; env"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        listed.contains("local") && !listed.contains(&demo.token),
        "{listed}"
    );
}

#[test]
fn unreachable_hosts_and_other_origins_are_refused_clearly() {
    let home = Home::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let out = home
        .command()
        .env("OKTA_CLIENT_ORGURL", format!("http://127.0.0.1:{port}"))
        .env("OKTA_CLIENT_TOKEN", "00secret-token-value-xyz")
        .args(["-c", "get me"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("connection refused") || stderr.contains("cannot connect"),
        "{stderr}"
    );
    assert!(!stderr.contains("00secret-token-value-xyz"));

    let (ok, _, stderr) = home.run_demo("get https://example.com/api/v1/users/me");
    assert!(!ok);
    assert!(stderr.contains("refusing to send the token"), "{stderr}");
}

#[test]
fn plain_http_and_admin_urls_get_hints() {
    let home = Home::new();
    let (ok, _, stderr) = home.run_demo("env add bad https://acme-admin.okta.com token=x");
    assert!(!ok);
    assert!(stderr.contains("acme.okta.com"), "{stderr}");
    let (ok, _, stderr) = home.run_demo("env add bad http://acme.okta.com token=x");
    assert!(!ok);
    assert!(stderr.contains("plain http"), "{stderr}");
}

#[test]
fn source_runs_a_script_and_record_keeps_later_commands_masked() {
    let home = Home::new();
    std::fs::write(home.path().join("lib.oktash"), "set who = me\nget $who\n").unwrap();
    let out = home
        .assert()
        .arg("--demo")
        .write_stdin("record rec.oktash\nsource lib.oktash\necho $last.profile.login\nenv add other https://acme.okta.com token=00RecordedSecret999\n")
        .output()
        .unwrap();
    let (ok, stdout, stderr) = (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("admin@example.com"), "{stdout}");
    let recorded = std::fs::read_to_string(home.path().join("rec.oktash")).unwrap();
    assert!(recorded.contains("source lib.oktash"), "{recorded}");
    assert!(
        !recorded.contains("get $who"),
        "sourced lines are not recorded: {recorded}"
    );
    assert!(!recorded.contains("00RecordedSecret999"), "{recorded}");
    assert!(recorded.contains("token=••••"), "{recorded}");
    let (ok, _, stderr) = home.run_demo("source missing.oktash");
    assert!(!ok);
    assert!(stderr.contains("cannot read missing.oktash"), "{stderr}");
}

#[test]
fn an_imported_environment_keeps_its_variables_across_sessions_and_keep_going_runs_on() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/data/okta/postman");
    let setup = format!(
        "import {fixtures}/example.oktapreview.com.environment; env add example.oktapreview.com {} token={}",
        demo.url, demo.token
    );
    let out = home.command().args(["-c", &setup]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A new process: the saved environment still holds the Postman variables (`{{email-suffix}}`).
    let script = format!(
        "import {fixtures}/users.json\nset password = 'Correct-Horse-9-Battery'\nrun \"Create User with Password\" --yes\nget users/nobody\necho $1.profile.login\n"
    );
    let out = home
        .assert()
        .args(["-e", "example.oktapreview.com", "--keep-going"])
        .write_stdin(script)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "one line failed: {stderr}");
    assert!(stderr.contains("stdin:4: failed, going on"), "{stderr}");
    assert!(stderr.contains("1 command failed"), "{stderr}");
    assert!(
        stdout.contains("\"isaac@example.com\""),
        "the line after the failure ran: {stdout}\n{stderr}"
    );
}

#[test]
fn run_folder_runs_every_request_under_it_and_sums_up() {
    let home = Home::new();
    let users = concat!(env!("CARGO_MANIFEST_DIR"), "/data/okta/postman/users.json");
    let (ok, stdout, stderr) =
        home.run_demo(&format!("import {users}; run \"List Users/\"; history"));
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("ran 10 requests of List Users/: 10 succeeded"),
        "the summary is a notice, on stderr: {stderr}"
    );
    let _ = stdout;
    assert!(
        stderr.contains("#10 GET /api/v1/users?filter=status%20eq%20%22LOCKED_OUT%22"),
        "{stderr}"
    );

    // Several writes ask first; with --yes they run, and the failures are summed up at the end.
    let (ok, _, stderr) = home.run_demo(&format!("import {users}; run \"Lifecycle Operations/\""));
    assert!(!ok);
    assert!(stderr.contains("9 of them writes: add --yes"), "{stderr}");
    let (ok, _, stderr) = home.run_demo(
        &format!("import {users}; ls users search='status eq \"STAGED\"' limit=1; set userId = $last[0].id; run \"Lifecycle Operations/\" --yes"),
    );
    assert!(
        !ok,
        "some lifecycle steps do not fit the user's status: {stderr}"
    );
    assert!(
        stderr.contains("ran 9 requests of Lifecycle Operations/"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Lifecycle Operations/Activate User") || stderr.contains("failed:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("#10 DELETE"),
        "the run went on to the last request: {stderr}"
    );
}

/// A reader of stderr that goes away (`2> >(head -1)`) costs the notices, not the commands: no
/// panic, every command runs and stdout is whole.
#[test]
fn a_closed_stderr_pipe_loses_only_the_notices() {
    let home = Home::new();
    let mut child = home
        .command()
        .args([
            "--demo",
            "-c",
            "ls users limit=2; echo one; ls groups limit=1; echo two",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let docs = documents(&stdout);
    assert_eq!(docs.len(), 4, "{stdout}");
    assert_eq!(docs[3], "two");
}
