//! The interactive shell in a pseudo-terminal: prompt, completion, Ctrl-C, the history file.
#![cfg(unix)]

use std::time::Duration;

use crate::common::Home;
use expectrl::{ControlCode, Regex, Session};

#[test]
fn completes_a_command_and_an_id() {
    let home = Home::new();
    let mut sh = home.pty_demo();
    sh.send("hist").unwrap();
    sh.send("\t").unwrap();
    sh.send("\r").unwrap();
    sh.expect("history").unwrap();
    sh.send_line("ls users limit=1").unwrap();
    let found = sh.expect(Regex("00u[A-Za-z0-9]{17}")).unwrap();
    let id = String::from_utf8_lossy(found.get(0).unwrap()).into_owned();
    sh.expect("1 user").unwrap();
    sh.send(format!("get {}", &id[..10])).unwrap();
    sh.send("\t").unwrap();
    sh.send("\r").unwrap();
    sh.expect(format!("#2 GET /api/v1/users/{id}").as_str())
        .expect("the completed id was fetched");
    sh.send_line("exit").unwrap();
}

#[test]
fn ctrl_c_cancels_the_line_and_keeps_the_session() {
    let home = Home::new();
    let mut sh = home.pty_demo();
    sh.send_line("set keep = 42").unwrap();
    sh.send_line("ls groups limit=1").unwrap();
    sh.expect("#1 GET").unwrap();
    // The prompt after a request shows the rate-limit budget: wait for it before typing.
    sh.expect("]> ").unwrap();
    sh.send("echo this line is abandoned").unwrap();
    sh.send(ControlCode::EndOfText).unwrap();
    // A fresh prompt: the line was dropped, the shell is still here.
    sh.expect("]> ").unwrap();
    sh.send_line("echo $keep").unwrap();
    sh.expect("42").unwrap();
    sh.send_line("history").unwrap();
    sh.expect("#1 GET /api/v1/groups?limit=1").unwrap();
    // Ctrl-D only once the editor is back at the prompt (before it, the terminal's own line
    // editing reads it, and under load the shell may still be printing).
    sh.expect("]> ").unwrap();
    sh.send(ControlCode::EndOfTransmission).unwrap();
    sh.expect(expectrl::Eof).expect("Ctrl-D exits");
}

/// `clear`, as in any shell: the screen is emptied, the session is not.
#[test]
fn clear_empties_the_screen_and_keeps_the_session() {
    let home = Home::new();
    let mut sh = home.pty_demo();
    sh.send_line("ls groups limit=1").unwrap();
    sh.expect("#1 GET").unwrap();
    sh.expect("]> ").unwrap();
    sh.send_line("clear").unwrap();
    sh.expect("\x1b[2J").expect("the screen is cleared");
    sh.expect("]> ").unwrap();
    sh.send_line("history").unwrap();
    sh.expect("#1 GET /api/v1/groups?limit=1").unwrap();
    sh.expect("]> ").unwrap();
    sh.send(ControlCode::EndOfTransmission).unwrap();
    sh.expect(expectrl::Eof).expect("Ctrl-D exits");
}

#[test]
fn the_history_file_is_private_and_holds_no_token() {
    let home = Home::new();
    let mut sh = home.pty_demo();
    sh.send_line("env add other http://127.0.0.1:9 token=00SuperSecretToken1234567890")
        .unwrap();
    sh.expect("environment other added").unwrap();
    sh.send_line("ls users limit=1").unwrap();
    sh.expect("#1 GET").unwrap();
    // Passwords, answers and client secrets in JSON and in k=v words; mistyped token words.
    for line in [
        r#"post users {"profile":{"login":"pw@example.com","email":"pw@example.com","firstName":"P","lastName":"W"},"credentials":{"password":{"value":"Hunter2SuperSecret"},"recovery_question":{"question":"Pet?","answer":"RexSuperSecret"}}}"#,
        r#"set app = {"client_secret":"ClientSuperSecret"}"#,
        "echo password=PlainSuperSecret TOKEN=UpperSuperSecret 'token=QuotedSuperSecret'",
        "set token = SpacedSuperSecret",
    ] {
        sh.send_line(line).unwrap();
    }
    sh.send_line("echo end-of-secrets").unwrap();
    sh.expect("end-of-secrets\r\n").unwrap();
    sh.send_line("exit").unwrap();
    sh.expect(expectrl::Eof).unwrap();
    let path = home.data_dir().join("history");
    let text = std::fs::read_to_string(&path).expect("history file written");
    assert!(text.contains("ls users limit=1"), "{text}");
    assert!(text.contains("token=••••"), "{text}");
    assert!(text.contains(r#""password":{"value":"••••"}"#), "{text}");
    assert!(text.contains("set token = ••••"), "{text}");
    assert!(!text.contains("SuperSecret"), "{text}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn ctrl_c_cancels_a_request_in_flight() {
    // A server that accepts and never answers: only Ctrl-C ends the request.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let home = Home::new();
    let mut cmd = home.command();
    cmd.env("OKTA_CLIENT_ORGURL", &url)
        .env("OKTA_CLIENT_TOKEN", "00hanging-token-0000000000")
        .env("TERM", "xterm");
    let mut sh = Session::spawn(cmd).unwrap();
    sh.set_expect_timeout(Some(Duration::from_secs(20)));
    sh.expect("okta-client> ").unwrap();
    sh.send_line("set kept = 7").unwrap();
    sh.expect("okta-client> ").unwrap();
    sh.send_line("get me").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    sh.send(ControlCode::EndOfText).unwrap();
    sh.expect("interrupted")
        .expect("the request was cancelled at once");
    sh.expect("okta-client> ").unwrap();
    sh.send_line("echo $kept").unwrap();
    sh.expect("7").unwrap();
    sh.send_line("exit").unwrap();
    sh.expect(expectrl::Eof).unwrap();
}

#[test]
fn completes_a_request_name_with_spaces_quoted() {
    let home = Home::new();
    let mut sh = home.pty_demo();
    let users = concat!(env!("CARGO_MANIFEST_DIR"), "/data/okta/postman/users.json");
    sh.send_line(format!("import {users}")).unwrap();
    sh.expect("42 requests").unwrap();
    sh.send("run Get Us").unwrap();
    sh.send("\t").unwrap();
    sh.send(" userId=me\r").unwrap();
    sh.expect("#1 GET /api/v1/users/me")
        .expect("the completed name ran");
    sh.send_line("exit").unwrap();
}

#[test]
fn a_recalled_masked_token_is_refused_and_an_empty_token_answer_cancels() {
    let home = Home::new();
    let mut sh = home.pty_demo();
    sh.send_line("env add other http://127.0.0.1:9 token=00SuperSecretToken1234567890")
        .unwrap();
    sh.expect("environment other added").unwrap();
    // Up recalls the line as the history keeps it, `token=••••`; Enter sends it.
    sh.send("\x1b[A").unwrap();
    sh.send("\r").unwrap();
    sh.expect("token=•••• is a mask from the history").unwrap();
    sh.send_line("env").unwrap();
    sh.expect(Regex("other +http://127.0.0.1:9 +SSWS ••••7890"))
        .unwrap();

    sh.send_line("env add blank http://127.0.0.1:9").unwrap();
    sh.expect("API token for blank (input hidden): ").unwrap();
    sh.send_line("").unwrap();
    sh.expect("a token is needed; API token for blank").unwrap();
    sh.send_line("").unwrap();
    sh.expect("no token entered: environment blank not added")
        .unwrap();
    sh.send_line("use blank").unwrap();
    sh.expect("no environment named blank").unwrap();
    sh.send_line("exit").unwrap();
    sh.expect(expectrl::Eof).unwrap();
}

#[test]
fn a_read_fan_out_over_a_hundred_targets_asks_first() {
    let home = Home::new();
    let mut sh = home.pty_demo();
    sh.send_line("ls users limit=200").unwrap();
    sh.expect("#1 GET").unwrap();
    sh.send_line("get $last.id").unwrap();
    sh.expect("GET on 200 targets (first: /api/v1/users/")
        .unwrap();
    sh.expect("Proceed? [y/N] ").unwrap();
    sh.send_line("n").unwrap();
    sh.expect("not sent").unwrap();
    sh.send_line("history").unwrap();
    sh.expect("#1 GET").unwrap();
    sh.send_line("exit").unwrap();
    let rest = sh.expect(expectrl::Eof).unwrap();
    assert!(
        !String::from_utf8_lossy(rest.before()).contains("#2 GET"),
        "nothing was sent"
    );
}

/// Enter inside an unclosed `{`, `[` or quote goes on with the same command on the next line, so
/// a JSON body can be typed over several lines or pasted without bracketed paste.
#[test]
fn an_open_json_body_continues_on_the_next_line() {
    let home = Home::new();
    let mut sh = home.pty_demo();
    sh.expect("> ").unwrap();
    sh.send_line(r#"set x = {"a": [1,"#).unwrap();
    sh.send_line("41.5], \"t\": \"two words\"").unwrap();
    sh.send_line("}").unwrap();
    sh.send_line("echo $x.a").unwrap();
    sh.expect("1 41.5").expect("the three lines made one value");
    // A paste: every line arrives at once.
    sh.send("set y = [\r  \"p\",\r  \"q\"\r]\r").unwrap();
    sh.send_line("echo $y").unwrap();
    sh.expect("p q").expect("the pasted list");
    sh.send_line("exit").unwrap();
    sh.expect(expectrl::Eof).unwrap();
}

/// `--big`, for a room: the table keeps who and what state, four spaces apart, no ids; the
/// history line drops `/api/v1/`.
#[test]
fn big_tables_keep_the_columns_a_room_reads() {
    let home = Home::new();
    let mut sh = home.pty(&["--demo", "--big"]);
    sh.send_line("ls users limit=2").unwrap();
    sh.expect("#1 GET users?limit=2  200  2 users").unwrap();
    let table = sh.expect("2 users · more").unwrap();
    let table = String::from_utf8_lossy(table.before()).into_owned();
    assert!(
        table.contains("STATUS    LOGIN") && table.contains("ACTIVE    admin@example.com"),
        "{table}"
    );
    assert!(!table.contains("ID "), "no id column: {table}");
    assert!(!table.contains("00u"), "no ids: {table}");
    // An empty list says what it did not find, not `[]`.
    sh.send_line("ls groups q=nothing-like-this").unwrap();
    sh.expect("#2 GET groups?q=nothing-like-this  200  0 groups")
        .unwrap();
    sh.expect("no groups\r\n").unwrap();
    // Ctrl-D only once the editor is back at the prompt (under load it may not be yet).
    sh.expect("]> ").unwrap();
    sh.send(ControlCode::EndOfTransmission).unwrap();
    sh.expect(expectrl::Eof).unwrap();
}
