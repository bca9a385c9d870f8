//! Issue 8 through pipes and `-c`: the history's memory budget (item 3), secrets in recordings
//! and on stderr (5, 26), variable names with `-` (12), empty and multiplied lists (17, 18), the
//! environment made from `OKTA_CLIENT_*` (25). The pseudo-terminal parts (the history file, a
//! recalled masked token, an empty token answer) are in shell_pty.rs.

use crate::common::{DemoProcess, Home};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(home: &Home, args: &[&str], stdin: &str) -> Run {
    let out = home
        .assert()
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("oktash ran");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_history_budget_counts_memory_and_sums_up_what_it_dropped() {
    let home = Home::new();
    // Two small entries, then a page of 200 users: some 130 KB of JSON text, but over 1 MB once
    // parsed. Counting the text kept all three within 1 MB.
    let r = run(
        &home,
        &[
            "--demo",
            "--keep-mb",
            "1",
            "-c",
            "ls users limit=1; ls users limit=1; ls users limit=200; history; echo $1",
        ],
        "",
    );
    let notices: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("history: dropped"))
        .collect();
    assert_eq!(
        notices.len(),
        1,
        "one notice sums up the drops: {}",
        r.stderr
    );
    assert!(
        notices[0].starts_with("history: dropped #1..#2 (2 entries)")
            && notices[0].contains("within 1000 entries / 1.0 MB")
            && notices[0].contains("#3 alone holds"),
        "{}",
        notices[0]
    );
    assert!(
        r.stderr
            .contains("$1: no history entry #1 (history holds #3)"),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, Some(1));

    // `--keep N` bounds the number of entries.
    let r = run(
        &home,
        &[
            "--demo",
            "--keep",
            "2",
            "-c",
            "echo 1; ls users limit=1; ls users limit=1; ls users limit=1; echo $2",
        ],
        "",
    );
    assert!(r.stderr.contains("history: dropped #1,"), "{}", r.stderr);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn secret_fields_and_parameters_are_masked_in_recordings_and_errors() {
    let home = Home::new();
    let script = [
        "record rec.oktash",
        r#"set body = {"profile":{"login":"pw@example.com"},"credentials":{"password":{"value":"Hunter2Secret"},"recovery_question":{"question":"Pet?","answer":"RexSecretAnswer"}}}"#,
        r#"set app = {"credentials":{"oauthClient":{"client_secret":"ClientSecretValue"}}}"#,
        "echo password=PlainSecretPass client_assertion=AssertionSecret apikey=ApiKeySecret",
        "set token = SpacedTokenSecret",
        "echo done",
    ]
    .join("\n");
    let r = run(&home, &["--demo"], &format!("{script}\n"));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let recorded = std::fs::read_to_string(home.path().join("rec.oktash")).unwrap();
    assert!(recorded.contains("echo done"), "{recorded}");
    assert!(recorded.contains(r#""value":"••••""#), "{recorded}");
    assert!(recorded.contains(r#""question":"Pet?""#), "{recorded}");
    assert_no_secret(&recorded);

    // Mistyped token words: shown under a parse error, never in the clear.
    for line in [
        "env add p http://127.0.0.1:9 TOKEN=00MistypedSecret1",
        "env add p http://127.0.0.1:9 token = 00SpacedSecret2",
        "env add p http://127.0.0.1:9 'token=00QuotedSecret3'",
        r#"env add p http://127.0.0.1:9 "token=00QuotedSecret4""#,
    ] {
        let r = run(&home, &["-c", line], "");
        assert_eq!(r.code, Some(1), "{line}: {}", r.stderr);
        assert!(!r.stderr.contains("Secret"), "{line}: {}", r.stderr);
        assert!(r.stderr.contains("•"), "{line}: {}", r.stderr);
    }
}

/// No value ending in `Secret…` (the test's secrets) is anywhere in `text`.
fn assert_no_secret(text: &str) {
    for secret in [
        "Hunter2Secret",
        "RexSecretAnswer",
        "ClientSecretValue",
        "PlainSecretPass",
        "AssertionSecret",
        "ApiKeySecret",
        "SpacedTokenSecret",
    ] {
        assert!(!text.contains(secret), "{secret} in: {text}");
    }
}

#[test]
fn variables_with_a_dash_are_set_and_read_in_braces() {
    let home = Home::new();
    let r = run(
        &home,
        &[
            "-c",
            "set email-suffix = example.com; echo ann@${email-suffix}; unset email-suffix; echo ${email-suffix}",
        ],
        "",
    );
    assert_eq!(r.stdout.trim(), "\"ann@example.com\"", "{}", r.stderr);
    assert!(
        r.stderr.contains("${email-suffix}: no such variable"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_empty_list_target_is_an_error_not_a_crash() {
    let home = Home::new();
    let r = run(&home, &["--demo", "-c", "set e = []; ls $e"], "");
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("the target is an empty list"),
        "{}",
        r.stderr
    );

    // In a session that goes on: the failure leaves it running.
    let r = run(
        &home,
        &["--demo", "-k"],
        "ls groups q=nosuchgroup\nls groups/$last.id/users\nls $last.id\necho alive\n",
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        r.stderr.contains("the target is an empty list"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("alive"), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
}

#[test]
fn lists_do_not_multiply_and_large_read_fan_outs_ask_first() {
    let home = Home::new();
    let r = run(
        &home,
        &[
            "-c",
            r#"set a = ["0","1","2","3","4","5","6","7","8","9"]; echo $a$a$a$a$a$a$a$a$a"#,
        ],
        "",
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("$a and $a are both lists; a word takes one (pick an item: $a[0])"),
        "{}",
        r.stderr
    );
    // One list in a word still fans out.
    let r = run(&home, &["-c", r#"set a = ["x","y"]; echo u/$a"#], "");
    assert_eq!(
        r.stdout.split_whitespace().collect::<String>(),
        r#"["u/x","u/y"]"#
    );

    let demo = DemoProcess::start(&["--users", "300"]);
    let (ok, _, stderr) = home.run_on(&demo, &[], "ls users limit=200; get $last.id");
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("GET on 200 targets") && stderr.contains("needs confirmation above 100"),
        "{stderr}"
    );
    assert!(!stderr.contains("#2 GET"), "nothing was sent: {stderr}");

    let (ok, _, stderr) = home.run_on(&demo, &["--yes"], "ls users limit=200; get $last.id");
    assert!(ok, "{stderr}");
    assert!(stderr.contains("#2 GET"), "{stderr}");
    // A fan-out at the threshold goes without asking.
    let (ok, _, stderr) = home.run_on(&demo, &[], "ls users limit=100; get $last.id");
    assert!(ok, "{stderr}");
}

#[test]
fn the_environment_from_okta_client_variables_can_be_used_by_name() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let (ok, _, stderr) = home.run_on(&demo, &[], "env; use okta-client; get me");
    assert!(ok, "{stderr}");
    assert!(stderr.contains("#1 GET /api/v1/users/me  200"), "{stderr}");
}
