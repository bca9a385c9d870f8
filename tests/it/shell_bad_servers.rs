//! Servers that do not answer like Okta: an HTML page, garbage, a dropped connection. Each gets
//! one clear line, and an interactive session carries on.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::Home;

/// A server on loopback that answers every connection with `reply` (or closes at once).
fn serve(reply: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            if let Some(reply) = reply {
                let _ = stream.write_all(reply.as_bytes());
            }
        }
    });
    url
}

fn run_against(url: &str, commands: &str) -> (bool, String) {
    let home = Home::new();
    let out = home
        .command()
        .env("OKTA_CLIENT_ORGURL", url)
        .env("OKTA_CLIENT_TOKEN", "00topsecret-token-0000000000")
        .args(["-c", commands])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("00topsecret"),
        "the token leaked: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.success(), stderr)
}

#[test]
fn an_html_page_is_named_with_its_likely_cause() {
    let url = serve(Some(
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 45\r\nConnection: close\r\n\r\n<!DOCTYPE html><html><body>nope</body></html>",
    ));
    let (ok, stderr) = run_against(&url, "get me");
    assert!(!ok);
    assert!(
        stderr.contains("HTML page") && stderr.contains("org URL"),
        "{stderr}"
    );
}

#[test]
fn a_dropped_connection_is_one_line_after_retries() {
    let url = serve(None);
    let (ok, stderr) = run_against(&url, "get me");
    assert!(!ok);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
}

#[test]
fn a_tls_failure_says_what_to_check() {
    // A plain-HTTP server reached over https: the handshake fails.
    let url = serve(Some(
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ))
    .replace("http://", "https://");
    let (ok, stderr) = run_against(&url, "get me");
    assert!(!ok);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("TLS"), "{line}");
}

// ---- servers that misbehave over time: endless or trickling bodies, looping `next` links ----

/// What a test server saw: every request head, in order.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn heads(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// A server on loopback that hands each request (its head, e.g. `GET /path HTTP/1.1…`) and the
/// connection to `answer`, each connection on a thread of its own.
fn serve_with(answer: impl Fn(&str, &mut TcpStream) + Send + Sync + 'static) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Seen::default();
    let answer = Arc::new(answer);
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (answer, log) = (answer.clone(), log.clone());
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                log.0.lock().unwrap().push(head.clone());
                answer(&head, &mut stream);
            });
        }
    });
    (url, seen)
}

/// The request path of a request head.
fn path_of(head: &str) -> &str {
    head.split_whitespace().nth(1).unwrap_or("")
}

fn json_reply(stream: &mut TcpStream, status: &str, extra: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// The shell against `url` with `args`, killed (and the test failed) after 60 s.
fn run_with(home: &Home, url: &str, args: &[&str]) -> Run {
    let mut child = home
        .command()
        .env("OKTA_CLIENT_ORGURL", url)
        .env("OKTA_CLIENT_TOKEN", "00topsecret-token-0000000000")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after 60 s: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run {
        ok: status.success(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        took: started.elapsed(),
    };
    assert!(
        !run.stderr.contains("00topsecret"),
        "the token leaked: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

#[test]
fn an_endless_body_stops_at_the_cap_and_is_not_retried() {
    let (url, seen) = serve_with(|_, stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[",
        );
        let chunk = "1,".repeat(8192);
        while stream.write_all(chunk.as_bytes()).is_ok() {}
    });
    let home = Home::new();
    let run = run_with(&home, &url, &["--max-body-mb", "1", "-c", "get me"]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("1 MB body cap") && run.stderr.contains("--max-body-mb"),
        "{}",
        run.stderr
    );
    assert_eq!(
        seen.heads().len(),
        1,
        "a cap failure is not retried: {}",
        run.stderr
    );
}

#[test]
fn a_declared_body_over_the_cap_is_refused_before_reading() {
    let (url, seen) = serve_with(|_, stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\nConnection: close\r\n\r\n[",
        );
        std::thread::sleep(Duration::from_secs(30));
    });
    let home = Home::new();
    let run = run_with(&home, &url, &["--max-body-mb", "2", "-c", "get me"]);
    assert!(!run.ok);
    assert!(run.stderr.contains("2 MB body cap"), "{}", run.stderr);
    assert!(run.took < Duration::from_secs(20), "{:?}", run.took);
    assert_eq!(seen.heads().len(), 1);
}

#[test]
fn a_trickling_body_fails_within_one_deadline_for_all_attempts() {
    let (url, seen) = serve_with(|_, stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n",
        );
        // One byte every 300 ms: never a read timeout, never a whole body.
        while stream.write_all(b" ").is_ok() {
            std::thread::sleep(Duration::from_millis(300));
        }
    });
    let home = Home::new();
    let run = run_with(&home, &url, &["--timeout", "2", "-c", "get me"]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("within 2 s") && run.stderr.contains("--timeout"),
        "{}",
        run.stderr
    );
    // One deadline for the request, retries included (it was 4 × the timeout).
    assert!(
        run.took < Duration::from_secs(6),
        "took {:?}: {}",
        run.took,
        run.stderr
    );
    assert_eq!(seen.heads().len(), 1, "{}", run.stderr);
}

#[test]
fn a_client_error_is_not_retried() {
    let (url, seen) = serve_with(|_, stream| {
        json_reply(
            stream,
            "414 URI Too Long",
            "",
            r#"{"errorCode":"E0000001","errorSummary":"URI too long"}"#,
        );
    });
    let home = Home::new();
    let run = run_with(&home, &url, &["-c", "get users/x"]);
    assert!(!run.ok);
    assert_eq!(seen.heads().len(), 1, "{}", run.stderr);
    // A URL over HTTP's 64 KB cannot be sent: said once, not tried again.
    let long = "a".repeat(70_000);
    let run = run_with(&home, &url, &["-c", &format!("get users/{long}")]);
    assert!(!run.ok);
    assert_eq!(seen.heads().len(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains("retrying"), "{}", run.stderr);
    assert!(run.stderr.contains("64 KB"), "{}", run.stderr);
    assert!(run.stderr.len() < 1_000, "{}", run.stderr.len());
}

/// A page of one user whose `next` is the URL `next_of` gives for this request's path.
fn looping_server(next_of: fn(&str) -> String) -> (String, Seen) {
    let (url, seen) = serve_with(move |head, stream| {
        let path = path_of(head);
        let next = next_of(path);
        let link = format!("Link: <{next}>; rel=\"next\"\r\n");
        let body = format!(
            r#"[{{"id":"00u{:0>17}","profile":{{"login":"x@example.com"}}}}]"#,
            path.len()
        );
        json_reply(stream, "200 OK", &link, &body);
    });
    (url, seen)
}

#[test]
fn a_next_link_to_itself_stops_with_a_clear_error() {
    let (url, seen) = looping_server(|path| path.to_string());
    let home = Home::new();
    let run = run_with(&home, &url, &["-c", "ls users --all"]);
    assert!(!run.ok);
    assert!(run.stderr.contains("already read"), "{}", run.stderr);
    assert_eq!(seen.heads().len(), 1);
}

#[test]
fn two_alternating_next_links_stop_with_a_clear_error() {
    let (url, seen) = looping_server(|path| {
        if path.contains("after=b") {
            "/api/v1/users?after=a".into()
        } else {
            "/api/v1/users?after=b".into()
        }
    });
    let home = Home::new();
    let run = run_with(&home, &url, &["-c", "ls users --all > out.json"]);
    assert!(!run.ok);
    assert!(run.stderr.contains("already read"), "{}", run.stderr);
    assert!(seen.heads().len() <= 3, "{}", seen.heads().len());
    // What came back is kept, as valid JSON, and said to be partial.
    let text = std::fs::read_to_string(home.path().join("out.json")).unwrap();
    let items: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(items.as_array().unwrap().len(), 3);
    assert!(run.stderr.contains("partial: 3 users"), "{}", run.stderr);
}

#[test]
fn a_fresh_cursor_forever_stops_at_the_memory_budget() {
    // Every page is 64 KB and names a new cursor: only memory can stop it.
    let (url, _seen) = serve_with(|head, stream| {
        let n: u64 = path_of(head)
            .rsplit('=')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let link = format!("Link: </api/v1/users?after={}>; rel=\"next\"\r\n", n + 1);
        let pad = "x".repeat(64 * 1024);
        let body = format!(r#"[{{"id":"00u{n:0>17}","pad":"{pad}"}}]"#);
        json_reply(stream, "200 OK", &link, &body);
    });
    let home = Home::new();
    let run = run_with(&home, &url, &["--keep-mb", "2", "-c", "ls users --all"]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("2 MB") && run.stderr.contains("> FILE"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("partial:"), "{}", run.stderr);
}

#[test]
fn an_upper_case_scheme_in_next_is_another_origin_and_gets_no_token() {
    let (other, other_seen) = serve_with(|_, stream| json_reply(stream, "200 OK", "", "[]"));
    let other_upper = other.replace("http://", "HTTP://");
    let (url, seen) = serve_with(move |_, stream| {
        let link = format!("Link: <{other_upper}/api/v1/users?after=x>; rel=\"next\"\r\n");
        json_reply(
            stream,
            "200 OK",
            &link,
            r#"[{"id":"00u00000000000000001"}]"#,
        );
    });
    let home = Home::new();
    let run = run_with(&home, &url, &["-c", "ls users --all"]);
    assert!(!run.ok, "{}", run.stderr);
    assert!(
        run.stderr.contains("refusing to send the token"),
        "{}",
        run.stderr
    );
    let heads = seen.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(other_seen
        .heads()
        .iter()
        .all(|h| !h.contains("00topsecret")));
}

#[test]
fn a_200_html_page_fails_and_is_kept() {
    let (url, _) = serve_with(|_, stream| {
        let body = "<!DOCTYPE html><html><head></head><body>Sign in</body></html>";
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    let home = Home::new();
    let run = run_with(&home, &url, &["-c", "get me"]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("not JSON") && run.stderr.contains("not the org's API"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("kept as #1"), "{}", run.stderr);
}

#[test]
fn a_200_answer_that_is_not_json_fails_and_is_kept() {
    let (url, _) = serve_with(|_, stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{not json",
        );
    });
    let home = Home::new();
    std::fs::write(home.path().join("s.oktash"), "get me\nhistory\n").unwrap();
    let run = run_with(&home, &url, &["-k", "s.oktash"]);
    assert!(!run.ok);
    assert!(run.stderr.contains("is not JSON"), "{}", run.stderr);
    // The entry stays in the history.
    assert!(
        run.stdout.contains("\"entry\": 1") && run.stdout.contains("/api/v1/users/me"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_failed_export_leaves_valid_json_and_says_it_is_partial() {
    let (url, _) = serve_with(|head, stream| {
        if path_of(head).contains("after=") {
            json_reply(
                stream,
                "400 Bad Request",
                "",
                r#"{"errorCode":"E0000031","errorSummary":"Invalid search criteria."}"#,
            );
        } else {
            let link = "Link: </api/v1/users?after=2>; rel=\"next\"\r\n";
            json_reply(
                stream,
                "200 OK",
                link,
                r#"[{"id":"00u00000000000000001"},{"id":"00u00000000000000002"}]"#,
            );
        }
    });
    let home = Home::new();
    let run = run_with(&home, &url, &["-c", "ls users --all > out.json"]);
    assert!(!run.ok);
    assert!(run.stderr.contains("partial: 2 users"), "{}", run.stderr);
    let text = std::fs::read_to_string(home.path().join("out.json")).unwrap();
    let items: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(items.as_array().unwrap().len(), 2);
}
