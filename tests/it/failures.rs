//! How failures are told apart and shown: by their kind, never by their text. A message that
//! quotes data holding a line break is still one error with its prefix and location, and only a
//! parse error is laid out over several lines (its line and caret).

use crate::common::Home;

#[test]
fn a_message_quoting_a_line_break_is_still_an_error_with_its_location() {
    let home = Home::new();
    // A quoted word may span lines; the failure quotes it back.
    let (ok, _, stderr) = home.run(&["-c", "use \"no\nsuch\""]);
    assert!(!ok);
    assert!(
        stderr.starts_with("error: -c:1: no environment named no"),
        "{stderr}"
    );
}

#[test]
fn a_parse_error_keeps_its_caret_under_the_location() {
    let home = Home::new();
    let (ok, _, stderr) = home.run(&["-c", "lst users"]);
    assert!(!ok);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.first(), Some(&"-c:1:"), "{stderr}");
    assert!(lines.iter().any(|l| l.trim() == "^"), "{stderr}");
    assert!(stderr.contains("did you mean `ls`"), "{stderr}");
}

#[test]
fn a_host_that_does_not_resolve_is_named() {
    let home = Home::new();
    let out = home
        .command()
        .env("OKTA_CLIENT_ORGURL", "https://no-such-org.invalid")
        .env("OKTA_CLIENT_TOKEN", "00secret-token-value-xyz")
        .args(["-c", "get me"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("cannot resolve no-such-org.invalid"),
        "{stderr}"
    );
    assert!(!stderr.contains("00secret"), "{stderr}");
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let home = Home::new();
    let (ok, _, stderr) = home.run(&[
        "-c",
        "env add x http://acme.okta.com token=00abcdefghijklmnop",
    ]);
    assert!(!ok);
    assert!(
        stderr.starts_with("error: -c:1: plain http is refused except to loopback"),
        "{stderr}"
    );
}
