//! Servers that do not answer like Okta: an HTML page, garbage, a dropped connection. Each gets
//! one clear line, and an interactive session carries on.

use std::io::{Read, Write};
use std::net::TcpListener;

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
fn garbage_is_kept_as_text() {
    let url = serve(Some(
        "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{not json",
    ));
    let (ok, stderr) = run_against(&url, "get me; echo $last");
    assert!(ok, "{stderr}");
    assert!(stderr.contains("text, 9 bytes"), "{stderr}");
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
