//! Issue 5's acceptance: Okta's Users collection and environment, imported as they are published,
//! pointed at the demo org, and every request of the collection run in order through the real
//! binary.
//!
//! What a user does: `oktash demo serve` stands in for their org; they import `users.json` and
//! `example.oktapreview.com.environment`, and `env add example.oktapreview.com URL token=…`
//! points the imported environment at the org while keeping its variables (`email-suffix`,
//! `appName`, …). Each request then runs in a session of its own, fed through a pipe, which first
//! sets the variables that request needs from the org's own data (`get LOGIN; set userId =
//! $last.id`). One session per request because a script stops at its first failed command, and a
//! run of a whole collection must go on past a request that fails.
//!
//! The created users carry distinct `email-suffix` values on the `run` line (every Create User
//! request of the collection uses the login `isaac@{{email-suffix}}`), and each lifecycle or
//! credential request runs on a user whose status allows it, as one would against a real org.

use std::io::Write;
use std::process::Stdio;

use crate::common::{DemoProcess, Home};
use serde_json::Value;

const ENV: &str = "example.oktapreview.com";
const PASSWORD: &str = "Okta-Demo-2024";

fn fixture(name: &str) -> String {
    format!("{}/data/okta/postman/{name}", env!("CARGO_MANIFEST_DIR"))
}

struct Session {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// One oktash session in environment ENV with `script` piped to stdin.
fn session(home: &Home, script: &str) -> Session {
    let mut child = home
        .command()
        .args(["-e", ENV])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start oktash");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write the script");
    let out = child.wait_with_output().expect("oktash ran");
    Session {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every request name of `ls requests`, as `Folder/Name`, in the collection's order.
fn request_names(tree: &str) -> Vec<String> {
    let mut folder = String::new();
    let mut names = Vec::new();
    for line in tree.lines().skip(1) {
        let indent = line.len() - line.trim_start().len();
        let text = line.trim();
        if let Some(f) = text.strip_suffix('/') {
            folder = f.to_string();
            continue;
        }
        let Some((_method, name)) = text.split_once(char::is_whitespace) else {
            continue;
        };
        let name = name.trim();
        if indent <= 2 {
            folder.clear();
            names.push(name.to_string());
        } else {
            names.push(format!("{folder}/{name}"));
        }
    }
    names
}

/// The login a Create User request makes when run with `email-suffix=SUFFIX`.
fn login(suffix: &str) -> String {
    format!("isaac@{suffix}.example.com")
}

/// The commands that set `userId` to the user with this login, looked up in the org.
fn user_by_login(suffix: &str) -> String {
    format!("get {}\nset userId = $last.id\n", login(suffix))
}

/// What the run of one request showed: its history line and, when it failed, the error.
struct Sent {
    name: String,
    status: u16,
    line: String,
    error: Option<String>,
}

#[test]
fn runs_every_request_of_the_users_collection_against_the_demo_org() {
    let started = std::time::Instant::now();
    let demo = DemoProcess::start(&["--users", "300", "--seed", "5"]);
    let home = Home::new();
    let users = fixture("users.json");

    // Import both files and point the imported environment at the org.
    let mut setup = home
        .assert()
        .write_stdin(format!(
            "import {users} {}\nenv add {ENV} {} token={}\n",
            fixture("example.oktapreview.com.environment"),
            demo.url,
            demo.token
        ))
        .output()
        .expect("setup ran");
    assert!(
        setup.status.success(),
        "{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    // Import notices go to stderr: stdout is for JSON.
    let setup_out = String::from_utf8_lossy(&std::mem::take(&mut setup.stderr)).into_owned();
    assert!(
        setup_out.contains("42 requests") && setup_out.contains("with 20 variables"),
        "{setup_out}"
    );

    // The names come from the shell itself, so a request the plan below misses fails the test.
    let tree = session(&home, &format!("import {users}\nls requests\n"));
    assert!(tree.ok, "{}", tree.stderr);
    // On a pipe the tree is one JSON string.
    let tree_text: String = serde_json::from_str(&tree.stdout).expect("a JSON string");
    let start = tree_text.find("Users (Okta API)").expect("the tree");
    let listed = request_names(&tree_text[start..]);
    assert_eq!(listed.len(), 42, "{tree_text}");

    // A LOCKED_OUT user of the org for Unlock, and an OKTA_GROUP for Create User in Group.
    let found = session(
        &home,
        "ls users filter='status eq \"LOCKED_OUT\"' limit=1\n",
    );
    assert!(found.ok, "{}", found.stderr);
    let json = &found.stdout[found.stdout.find('[').expect("a list")..];
    let locked: Value = serde_json::from_str(json).expect("a JSON list");
    let locked_login = locked[0]["profile"]["login"]
        .as_str()
        .expect("the seeded org has a LOCKED_OUT user")
        .to_string();
    let locked_user = format!("get {locked_login}\nset userId = $last.id\n");
    let group = "ls groups search='type eq \"OKTA_GROUP\"' limit=1\nset groupId = $last[0].id\n";

    // For each request: the commands that set its variables, and `k=v` for the run line.
    let create = |suffix: &str| (String::new(), format!("email-suffix={suffix}.example.com"));
    let on = |prelude: String| (prelude, String::new());
    let plan: Vec<(&str, (String, String))> = vec![
        (
            "Create User/Create User with Password & Recovery Question",
            create("staged-pw-rq"),
        ),
        (
            "Create User/Create Activated User with Password & Recovery Question",
            create("active-pw-rq"),
        ),
        (
            "Create User/Create User without Credentials",
            create("staged"),
        ),
        (
            "Create User/Create Activated User without Credentials",
            create("provisioned"),
        ),
        ("Create User/Create User with Password", create("staged-pw")),
        (
            "Create User/Create Activated User with Password",
            create("active-pw"),
        ),
        (
            "Create User/Create User with Recovery Question",
            create("staged-rq"),
        ),
        (
            "Create User/Create Activated User with Recovery Question",
            create("provisioned-rq"),
        ),
        (
            "Create User/Create User in Group",
            (group.to_string(), create("in-group").1),
        ),
        (
            "Create User/Create User with Non-Default User Type",
            create("other-type"),
        ),
        // The active user with a password and Annie Oakley as its recovery answer.
        (
            "Credential Operations/Set Password",
            on(user_by_login("active-pw-rq")),
        ),
        (
            "Credential Operations/Change Password",
            on(user_by_login("active-pw-rq")),
        ),
        (
            "Credential Operations/Set Recovery Credential",
            on(user_by_login("active-pw-rq")),
        ),
        // Change Password just replaced that user's {{password}}: use one whose it still is.
        (
            "Credential Operations/Change Recovery Question",
            on(user_by_login("active-pw")),
        ),
        (
            "Credential Operations/Forgot Password (Validate Security Answer)",
            on(user_by_login("active-pw-rq")),
        ),
        (
            "Credential Operations/Forgot Password (One Time Code)",
            on(user_by_login("active-pw-rq")),
        ),
        // A fresh STAGED user through activate, deactivate and the final delete.
        (
            "Lifecycle Operations/Activate User",
            on(user_by_login("staged-pw")),
        ),
        (
            "Lifecycle Operations/Deactivate User",
            on(user_by_login("staged-pw")),
        ),
        // Unlock needs a LOCKED_OUT user; the password operations then go on with it.
        ("Lifecycle Operations/Unlock User", on(locked_user.clone())),
        (
            "Lifecycle Operations/Expire Password",
            on(locked_user.clone()),
        ),
        (
            "Lifecycle Operations/Reset Password",
            on(locked_user.clone()),
        ),
        (
            "Lifecycle Operations/Set Temp Password",
            on(locked_user.clone()),
        ),
        (
            "Lifecycle Operations/Suspend User",
            on(user_by_login("active-pw")),
        ),
        (
            "Lifecycle Operations/Unsuspend User",
            on(user_by_login("active-pw")),
        ),
        (
            "Lifecycle Operations/Delete User",
            on(user_by_login("staged-pw")),
        ),
        ("List Users/List Users", on(String::new())),
        ("List Users/List Users with Search", on(String::new())),
        (
            "List Users/List Users Updated after Timestamp",
            on(String::new()),
        ),
        ("List Users/List Active Users", on(String::new())),
        ("List Users/List Provisioned Users", on(String::new())),
        ("List Users/List Staged Users", on(String::new())),
        ("List Users/List Recovery Users", on(String::new())),
        ("List Users/List Deprovisioned Users", on(String::new())),
        ("List Users/List Password Expired Users", on(String::new())),
        ("List Users/List Locked Users", on(String::new())),
        ("Reset Factors", on(user_by_login("active-pw-rq"))),
        ("Get User", on(user_by_login("active-pw-rq"))),
        ("Get Current User", on(String::new())),
        ("Get Assigned App Links", on(user_by_login("in-group"))),
        ("Get Groups for User", on(user_by_login("in-group"))),
        ("Find User", on(String::new())),
        ("Clear User Sessions", on(user_by_login("active-pw-rq"))),
    ];
    let planned: Vec<&str> = plan.iter().map(|(name, _)| *name).collect();
    assert_eq!(planned, listed, "the plan runs every request, in order");

    let mut sent = Vec::new();
    for (name, (prelude, params)) in &plan {
        let script = format!(
            "import {users}\nset password = \"{PASSWORD}\"\n{prelude}run \"{name}\" --yes {params}\n"
        );
        let s = session(&home, &script);
        let after_run = s
            .stderr
            .split(&format!("run {name}\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("{name} was not run:\n{}", s.stderr));
        // `#N METHOD URL STATUS …`: no line means oktash refused to send it.
        let line = after_run
            .lines()
            .next()
            .filter(|l| l.starts_with('#'))
            .unwrap_or_else(|| panic!("{name} was not sent:\n{}", s.stderr))
            .to_string();
        assert!(
            !line.contains("{{"),
            "{name}: unresolved variable in {line}"
        );
        let status: u16 = line
            .split_whitespace()
            .nth(3)
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("{name}: no status in {line}"));
        let error = s
            .stderr
            .lines()
            .find(|l| l.starts_with("error:"))
            .map(str::to_string);
        assert_eq!(s.ok, status < 400, "{name}: exit status vs {line}");
        sent.push(Sent {
            name: name.to_string(),
            status,
            line,
            error,
        });
        drop(s.stdout);
    }

    let ok = sent
        .iter()
        .filter(|s| (200..300).contains(&s.status))
        .count();
    println!("{ok} of {} requests answered 2xx", sent.len());
    for s in sent.iter().filter(|s| !(200..300).contains(&s.status)) {
        println!(
            "  {}: {}\n    {}",
            s.name,
            s.line,
            s.error.as_deref().unwrap_or("")
        );
    }
    println!("in {:.1} s", started.elapsed().as_secs_f64());
    assert_eq!(sent.len(), 42);
    assert!(ok * 10 >= sent.len() * 9, "at least 90% answered 2xx");

    // The PUTs of Okta's collection send credentials without a profile: the spec's replaceUser
    // "replaces a user's profile, credentials, or both", so they set the credentials and keep
    // the profile.
    let failed: Vec<&str> = sent
        .iter()
        .filter(|s| !(200..300).contains(&s.status))
        .map(|s| s.name.as_str())
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    // The org was changed as the requests said: the lifecycle user is gone, the others moved on.
    let after = session(
        &home,
        &format!(
            "get {}\necho $last.status\nget {locked_login}\necho $last.status\nget {}\n",
            login("active-pw"),
            login("staged-pw")
        ),
    );
    let echoed: Vec<&str> = after
        .stdout
        .lines()
        .filter(|l| l.starts_with('"'))
        .collect();
    assert_eq!(
        echoed,
        ["\"ACTIVE\"", "\"PASSWORD_EXPIRED\""],
        "{}",
        after.stdout
    );
    assert!(
        after.stderr.contains("404  E0000007"),
        "deleted: {}",
        after.stderr
    );

    for s in sent.iter().filter(|s| s.status >= 400) {
        let error = s.error.as_deref().unwrap_or_default();
        assert!(
            s.status == 400 && error.contains("E0000001") && error.contains("profile"),
            "{}: {error}",
            s.name
        );
    }
}
