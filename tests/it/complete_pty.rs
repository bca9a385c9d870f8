//! Completion in a pseudo-terminal, in each position where it knows something: a collection of
//! the spec, a sub-resource under an id, a query parameter, an enum value, a link name, a field
//! of a stored value, a file name. Each test completes a unique prefix with Tab and runs the
//! line, so the request (or output) shows what the completion wrote.
#![cfg(unix)]

use std::time::Duration;

use crate::common::Home;
use expectrl::{Regex, Session};

/// Types `typed`, presses Tab, types `then` and Enter.
fn complete_and_run(sh: &mut Session, typed: &str, then: &str) {
    sh.send(typed).unwrap();
    std::thread::sleep(Duration::from_millis(150));
    sh.send("\t").unwrap();
    std::thread::sleep(Duration::from_millis(150));
    sh.send(then).unwrap();
    sh.send("\r").unwrap();
}

#[test]
fn completes_collections_sub_resources_parameters_and_enums_from_the_spec() {
    let home = Home::new();
    let mut sh = home.pty_demo();
    complete_and_run(&mut sh, "ls authorizationSer", "");
    sh.expect("#1 GET /api/v1/authorizationServers").unwrap();
    complete_and_run(&mut sh, "ls users/me/appL", "");
    sh.expect("#2 GET /api/v1/users/me/appLinks").unwrap();
    complete_and_run(&mut sh, "ls users sortOr", "desc");
    sh.expect("#3 GET /api/v1/users?sortOrder=desc").unwrap();
    complete_and_run(&mut sh, "ls policies type=OKTA_S", "");
    sh.expect("#4 GET /api/v1/policies?type=OKTA_SIGN_ON")
        .unwrap();
    sh.send_line("exit").unwrap();
}

#[test]
fn completes_link_names_fields_and_files_from_the_session() {
    let home = Home::new();
    std::fs::write(home.path().join("people-to-import.json"), "[]").unwrap();
    let mut sh = home.pty_demo();
    sh.send_line("ls users limit=1").unwrap();
    sh.expect("#1 GET").unwrap();
    sh.expect("]> ").unwrap();
    complete_and_run(&mut sh, "follow ne", "");
    sh.expect(Regex(r"#2 GET /api/v1/users\?\S*after="))
        .unwrap();
    sh.expect("]> ").unwrap();
    sh.send_line("get me; set me = $last").unwrap();
    sh.expect("#3 GET /api/v1/users/me").unwrap();
    sh.expect("]> ").unwrap();
    sh.send("echo $me.prof").unwrap();
    std::thread::sleep(Duration::from_millis(150));
    sh.send("\t").unwrap();
    std::thread::sleep(Duration::from_millis(150));
    complete_and_run(&mut sh, ".tit", "");
    sh.expect("Okta Administrator")
        .expect("echo $me.profile.title");
    sh.expect("]> ").unwrap();
    complete_and_run(&mut sh, "import people-to", "");
    sh.expect("people-to-import.json").unwrap();
    sh.send_line("exit").unwrap();
}
