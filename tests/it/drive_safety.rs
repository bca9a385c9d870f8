//! Safety over real HTTP: the token never goes to another origin (checked on that origin's
//! side), writes in a protected environment and multi-target writes are confirmed, and after a
//! scripted session no output or file holds the token.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::common::{DemoProcess, Home};

/// A loopback server answering every request with `reply(port_of_other)`; keeps what it received.
struct Recorder {
    url: String,
    received: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn start(reply: impl Fn(&str) -> String + Send + 'static) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                log.lock().unwrap().push(head);
                let _ = stream.write_all(reply(&path).as_bytes());
            }
        });
        Recorder { url, received }
    }

    fn requests(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

fn http_json(extra_headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n{body}",
        body.len()
    )
}

const TOKEN: &str = "00SecretTokenForOriginTests0123456789";

#[test]
fn the_token_never_reaches_another_origin() {
    let other = Recorder::start(|_| http_json("", "[]"));
    let other_url = other.url.clone();
    let org = Recorder::start(move |path| {
        let item = format!(
            r#"[{{"id":"00u1aaaaaaaaaaaaaaaa","status":"ACTIVE","profile":{{"login":"a@example.com"}},"_links":{{"self":{{"href":"{other_url}/api/v1/users/00u1aaaaaaaaaaaaaaaa"}},"suspend":{{"href":"{other_url}/api/v1/users/00u1aaaaaaaaaaaaaaaa/lifecycle/suspend","hints":{{"allow":["POST"]}}}}}}}}]"#
        );
        let _ = path;
        http_json(
            &format!("Link: <{other_url}/api/v1/users?after=x>; rel=\"next\"\r\n"),
            &item,
        )
    });
    let home = Home::new();
    let run = |commands: &str| {
        let out = home
            .command()
            .env("OKTA_CLIENT_ORGURL", &org.url)
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .args(["-c", commands])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(!stderr.contains(TOKEN) && !stdout.contains(TOKEN));
        (out.status.success(), stderr)
    };
    // A `next` link to another origin while paging: refused, what came is kept.
    let (ok, stderr) = run("ls users --all");
    assert!(!ok);
    assert!(stderr.contains("refusing to send the token"), "{stderr}");
    assert!(
        stderr.contains("partial: 1 user fetched so far"),
        "{stderr}"
    );
    // `follow next`, an absolute URL, an object's self link, a lifecycle link.
    for command in [
        "ls users; follow next".to_string(),
        format!("get {}/api/v1/users/me", other.url),
        "ls users; get $last[0]".to_string(),
        "ls users; follow suspend $last[0]".to_string(),
    ] {
        let (ok, stderr) = run(&command);
        assert!(!ok, "{command}");
        assert!(
            stderr.contains("refusing to send the token"),
            "{command}: {stderr}"
        );
    }
    assert!(!org.requests().is_empty());
    assert!(
        org.requests()
            .iter()
            .all(|r| r.contains(&format!("SSWS {TOKEN}"))),
        "the org itself gets the token"
    );
    for request in other.requests() {
        assert!(
            !request.to_ascii_lowercase().contains("authorization") && !request.contains(TOKEN),
            "the other origin got credentials: {request}"
        );
    }
}

fn user_status(home: &Home, demo: &DemoProcess, id: &str) -> String {
    let out = home
        .command_on(demo)
        .args(["-c", &format!("get {id} | jq -r .status")])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn third_user(home: &Home, demo: &DemoProcess) -> String {
    let out = home
        .command_on(demo)
        .args(["-c", "ls users limit=3 | jq -r '.[2].id'"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Saves the demo process as environment `prod`, protected.
fn add_protected_prod(home: &Home, demo: &DemoProcess) {
    let add = format!("env add prod {} token={} --protected", demo.url, demo.token);
    assert!(home
        .command()
        .args(["-c", &add])
        .status()
        .unwrap()
        .success());
}

/// `env add prod … --protected`: scripts need `--yes` (on the command or for the whole run).
#[test]
fn protected_writes_need_yes_when_not_interactive() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let id = third_user(&home, &demo);
    assert_eq!(user_status(&home, &demo, &id), "ACTIVE");
    add_protected_prod(&home, &demo);
    let run = |args: &[&str]| {
        let out = home.command().args(args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let suspend = format!("post users/{id}/lifecycle/suspend");
    let (ok, stderr) = run(&["-e", "prod", "-c", &suspend]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!("POST /api/v1/users/{id}/lifecycle/suspend"))
            && stderr.contains("protected environment prod")
            && stderr.contains("--yes"),
        "{stderr}"
    );
    assert_eq!(user_status(&home, &demo, &id), "ACTIVE", "nothing was sent");

    let (ok, stderr) = run(&["-e", "prod", "-c", &format!("{suspend} --yes")]);
    assert!(ok, "{stderr}");
    assert_eq!(user_status(&home, &demo, &id), "SUSPENDED");

    let unsuspend = format!("post users/{id}/lifecycle/unsuspend");
    let (ok, stderr) = run(&["--yes", "-e", "prod", "-c", &unsuspend]);
    assert!(ok, "{stderr}");
    assert_eq!(user_status(&home, &demo, &id), "ACTIVE");

    // Lifecycle links count as writes too.
    let (ok, stderr) = run(&["-e", "prod", "-c", &format!("get {id}; follow suspend")]);
    assert!(!ok);
    assert!(stderr.contains("needs confirmation"), "{stderr}");
    assert_eq!(user_status(&home, &demo, &id), "ACTIVE");
}

#[test]
fn a_write_over_several_targets_needs_yes_when_not_interactive() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let (ok, _, stderr) = home.run_on(
        &demo,
        &[],
        "ls users limit=4; post users/$last.id/lifecycle/suspend",
    );
    assert!(!ok);
    assert!(stderr.contains("POST on 4 targets"), "{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
}

#[cfg(unix)]
mod pty {
    use super::*;

    #[test]
    fn a_protected_write_asks_and_n_sends_nothing() {
        let demo = DemoProcess::start(&[]);
        let home = Home::new();
        let id = third_user(&home, &demo);
        add_protected_prod(&home, &demo);
        let mut sh = home.pty(&["-e", "prod"]);
        sh.expect("prod").unwrap();
        sh.send_line(format!("post users/{id}/lifecycle/suspend"))
            .unwrap();
        sh.expect(format!("POST /api/v1/users/{id}/lifecycle/suspend").as_str())
            .unwrap();
        sh.expect("protected environment prod").unwrap();
        sh.expect("[y/N]").unwrap();
        sh.send_line("n").unwrap();
        sh.expect("not sent").unwrap();
        assert_eq!(user_status(&home, &demo, &id), "ACTIVE");

        sh.send_line(format!("post users/{id}/lifecycle/suspend"))
            .unwrap();
        sh.expect("[y/N]").unwrap();
        sh.send_line("y").unwrap();
        sh.expect(format!("POST /api/v1/users/{id}/lifecycle/suspend  200").as_str())
            .unwrap();
        assert_eq!(user_status(&home, &demo, &id), "SUSPENDED");
        sh.send_line("exit").unwrap();
        sh.expect(expectrl::Eof).unwrap();
    }

    #[test]
    fn a_fan_out_write_asks_first() {
        let demo = DemoProcess::start(&[]);
        let home = Home::new();
        let mut sh = home.pty(&["--demo"]);
        sh.expect("demo").unwrap();
        sh.send_line("ls users limit=3").unwrap();
        sh.expect("3 users").unwrap();
        sh.send_line("post users/$last.id/lifecycle/suspend")
            .unwrap();
        sh.expect("POST on 3 targets").unwrap();
        sh.expect("[y/N]").unwrap();
        sh.send_line("").unwrap();
        sh.expect("not sent").unwrap();
        sh.send_line("history").unwrap();
        sh.expect("#1 GET").unwrap();
        sh.send_line("echo done").unwrap();
        let found = sh.expect("done").unwrap();
        let before = String::from_utf8_lossy(found.before()).into_owned();
        assert!(!before.contains("#2 POST"), "nothing was sent: {before}");
        sh.send_line("exit").unwrap();
        sh.expect(expectrl::Eof).unwrap();
        drop(demo);
    }

    /// A scripted session that touches every path a token could leak through; then every output
    /// and file is scanned for it.
    #[test]
    fn no_output_or_file_holds_the_token_after_a_session() {
        let demo = DemoProcess::start(&[]);
        let home = Home::new();
        let token = demo.token.clone();
        let url = demo.url.clone();
        let good = [
            format!("env add t {url} token={token}"),
            "use t".to_string(),
            "record session.oktash".to_string(),
            "ls users limit=2".to_string(),
            "as curl 1".to_string(),
            "show 1".to_string(),
            "show 1 --json".to_string(),
            "history".to_string(),
            "vars".to_string(),
            "env".to_string(),
            format!("env add v {url} token=env:OKTASH_TEST_TOKEN"),
            "use v".to_string(),
            "get me".to_string(),
            "as curl".to_string(),
            "record off".to_string(),
        ];
        let failing = [
            "get nobody@example.com".to_string(),
            "get http://example.com/api/v1/users/me".to_string(),
            // A parse error (an unclosed quote would now go on to the next line instead).
            format!("env add t2 {url} token={token} $"),
            format!("env add t3 https://acme-admin.okta.com token={token}"),
            format!("env add t4 http://acme.okta.com token={token}"),
            format!("env ad t5 {url} token={token}"),
        ];

        // Interactively, in a pseudo-terminal: this writes the history file and the recording.
        let mut sh = home.pty(&[]);
        for (i, line) in good.iter().chain(failing.iter()).enumerate() {
            sh.send_line(line).unwrap();
            sh.send_line(format!("echo @@{i}")).unwrap();
            sh.expect(expectrl::Regex(format!("\n@@{i}\r").as_str()))
                .unwrap_or_else(|e| panic!("after `{line}`: {e}"));
        }
        sh.send_line("exit").unwrap();
        sh.expect(expectrl::Eof).unwrap();

        // Stdout and stderr apart, without the terminal's echo of what was typed: the same
        // lines as a script (the good ones) and one by one (those that fail).
        let check = |out: std::process::Output, what: &str| {
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stdout.contains(&token), "{what}: stdout: {stdout}");
            assert!(!stderr.contains(&token), "{what}: stderr: {stderr}");
            if !out.status.success() {
                eprintln!("{what}: {stderr}");
            }
            out.status.success()
        };
        std::fs::write(home.path().join("s.oktash"), good.join("\n")).unwrap();
        let out = home
            .command()
            .env("OKTASH_TEST_TOKEN", &token)
            .arg("s.oktash")
            .output()
            .unwrap();
        assert!(check(out, "the script"));
        for line in &failing {
            let out = home
                .command()
                .args(["-e", "t", "-c", line])
                .output()
                .unwrap();
            assert!(!check(out, line), "{line} fails");
        }

        let mut files = Vec::new();
        for dir in [
            home.config_dir(),
            home.data_dir(),
            home.path().to_path_buf(),
        ] {
            files.extend(walk(&dir));
        }
        assert!(files.iter().any(|f| f.ends_with("history")));
        assert!(files.iter().any(|f| f.ends_with("session.oktash")));
        for file in files {
            if file
                .file_name()
                .is_some_and(|n| n == "environments.json" || n == "s.oktash")
            {
                continue;
            }
            let mut bytes = Vec::new();
            std::fs::File::open(&file)
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(&token),
                "{} holds the token:\n{text}",
                file.display()
            );
        }
        // environments.json may hold a typed-in token (0600), but never one given as env:VAR.
        let saved = std::fs::read_to_string(home.config_dir().join("environments.json")).unwrap();
        let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
        let v = saved
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "v")
            .expect("v saved");
        assert_eq!(v["auth"]["tokenEnv"], "OKTASH_TEST_TOKEN");
        assert!(!v.to_string().contains(&token));
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return out;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path != dir {
                    out.extend(walk(&path));
                }
            } else {
                out.push(path);
            }
        }
        out
    }
}
