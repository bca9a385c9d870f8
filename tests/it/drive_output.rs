//! What people read and where environments come from: tables with footers on a terminal,
//! NO_COLOR, `show N --json`, pipes and files; `env` with every source, `env rm`, the hidden
//! token prompt, URL checks.

use crate::common::{DemoProcess, Home};

#[cfg(unix)]
mod terminal {
    use super::*;
    use expectrl::{Regex, Session};

    /// An SGR colour sequence (the prompt's own escapes are other sequences).
    /// Foreground colours in the output only: what the line editor draws while a line is typed
    /// (between bracketed paste on, `ESC[?2004h`, and off, `ESC[?2004l`) — the dimmed history
    /// hint, the highlighted line — is not colour in the output.
    fn colored(text: &str) -> bool {
        let editing = regex::Regex::new(r"(?s)\x1b\[\?2004h.*?(\x1b\[\?2004l|$)").unwrap();
        let output = editing.replace_all(text, "");
        regex::Regex::new("\x1b\\[(?:[0-9]+;)*(?:3[0-8]|9[0-7])(?:;[0-9]+)*m")
            .unwrap()
            .is_match(&output)
    }

    fn spawn(home: &Home, color: bool) -> Session {
        let mut cmd = home.command();
        cmd.arg("--demo");
        if color {
            cmd.env_remove("NO_COLOR");
        }
        let mut sh = crate::common::pty_of(cmd);
        sh.expect("demo").unwrap();
        sh
    }

    /// Sends a line and returns what it printed up to `marker` (an `echo` after it).
    fn output_of(sh: &mut Session, line: &str, n: usize) -> String {
        sh.send_line(line).unwrap();
        sh.send_line(format!("echo @@{n}")).unwrap();
        let found = sh.expect(Regex(format!("\\n@@{n}\\r").as_str())).unwrap();
        String::from_utf8_lossy(found.before()).into_owned()
    }

    #[test]
    fn lists_render_as_tables_with_footers() {
        let home = Home::new();
        let mut sh = spawn(&home, false);
        let users = output_of(&mut sh, "ls users", 1);
        for column in ["ID", "STATUS", "LOGIN", "NAME"] {
            assert!(users.contains(column), "{users}");
        }
        // A screenful of the 200, and how to see them all.
        let footer = regex::Regex::new(
            r"(\d+) of 200 users shown \(all: show 1 --json \| less\) · more: follow next",
        )
        .unwrap();
        let shown: usize = footer.captures(&users).unwrap_or_else(|| panic!("{users}"))[1]
            .parse()
            .unwrap();
        // Ids are never cut nor wrapped, even on a narrow (80-column) terminal.
        assert_eq!(
            crate::common::okta_ids(&users, "00u").len(),
            shown,
            "{users}"
        );
        let next = output_of(&mut sh, "follow next", 2);
        assert!(next.contains("#2 GET /api/v1/users?after="), "{next}");
        assert!(!next.contains("more: follow next"), "the last page: {next}");
        let groups = output_of(&mut sh, "ls groups", 3);
        assert!(
            groups.contains("TYPE") && groups.contains("Everyone") && groups.contains(" groups"),
            "{groups}"
        );
        let apps = output_of(&mut sh, "ls apps limit=2", 4);
        assert!(
            apps.contains("LABEL") && apps.contains("2 apps · more: follow next"),
            "{apps}"
        );
        let logs = output_of(&mut sh, "ls logs limit=3", 5);
        assert!(
            logs.contains("EVENT TYPE") && logs.contains("3 events"),
            "{logs}"
        );
        assert!(!colored(&users), "NO_COLOR: {users}");
        // One object: JSON, plain under NO_COLOR.
        let me = output_of(&mut sh, "get me", 6);
        assert!(me.contains("\"login\": \"admin@example.com\""), "{me}");
        assert!(!colored(&me), "{me}");
        sh.send_line("exit").unwrap();
        sh.expect(expectrl::Eof).unwrap();
    }

    #[test]
    fn colour_unless_no_color_and_plain_json_on_request() {
        let home = Home::new();
        let mut sh = spawn(&home, true);
        let me = output_of(&mut sh, "get me", 1);
        assert!(colored(&me), "colored JSON on a terminal: {me:?}");
        output_of(&mut sh, "ls users limit=3", 2);
        let json = output_of(&mut sh, "show 2 --json", 3);
        let start = json.find("\r\n[\r\n").expect("a JSON list") + 2;
        let end = json.rfind("\r\n]\r\n").unwrap() + 2;
        assert!(!colored(&json), "plain JSON: {json:?}");
        let list: serde_json::Value =
            serde_json::from_str(&json[start..=end].replace("\r\n", "\n")).expect("valid JSON");
        assert_eq!(list.as_array().unwrap().len(), 3);
        // `| jq` gets plain JSON; `> file` writes it.
        let ids = output_of(&mut sh, "ls users limit=3 | jq -r '.[].id'", 4);
        assert_eq!(crate::common::okta_ids(&ids, "00u").len(), 3, "{ids}");
        assert!(!colored(&ids), "{ids:?}");
        output_of(&mut sh, "get me > me.json", 5);
        let text = std::fs::read_to_string(home.path().join("me.json")).unwrap();
        let me: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(me["profile"]["login"], "admin@example.com");
        sh.send_line("exit").unwrap();
        sh.expect(expectrl::Eof).unwrap();
    }

    #[test]
    fn env_add_without_a_token_asks_without_echo() {
        let demo = DemoProcess::start(&[]);
        let home = Home::new();
        let mut sh = home.pty(&[]);
        sh.expect("no env").unwrap();
        sh.send_line(format!("env add p {}", demo.url)).unwrap();
        sh.expect("API token for p (input hidden): ").unwrap();
        sh.send_line(&demo.token).unwrap();
        let found = sh.expect("environment p added").unwrap();
        let shown = String::from_utf8_lossy(found.before()).into_owned();
        assert!(
            !shown.contains(&demo.token),
            "the token was echoed: {shown}"
        );
        sh.send_line("use p").unwrap();
        sh.send_line("get me").unwrap();
        sh.expect("#1 GET /api/v1/users/me  200").unwrap();
        sh.send_line("exit").unwrap();
        sh.expect(expectrl::Eof).unwrap();
    }
}

#[test]
fn env_lists_every_source_masked_and_env_rm_forgets() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    std::fs::create_dir_all(home.path().join(".okta")).unwrap();
    std::fs::write(
        home.path().join(".okta/okta.yaml"),
        format!(
            "okta:\n  client:\n    orgUrl: {}\n    token: {}\n",
            demo.url, demo.readonly_token
        ),
    )
    .unwrap();
    let add = format!(
        "env add prod {} token={} --protected; env add bear {} bearer=eyJhbGciOiJSUzI1NiJ9.payload.sig",
        demo.url, demo.token, demo.url
    );
    let out = home.command().args(["-c", &add]).output().unwrap();
    assert!(out.status.success());
    let out = home
        .command_on(&demo)
        .args(["--demo", "-c", "env"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success());
    assert!(!listed.contains(&demo.token) && !listed.contains(&demo.readonly_token));
    // On a pipe, `env` is a JSON array of environments.
    let envs: serde_json::Value = serde_json::from_str(&listed).expect("JSON");
    let row = |name: &str| -> serde_json::Value {
        envs.as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("no row for {name}: {listed}"))
            .clone()
    };
    let prod = row("prod");
    assert!(
        prod["url"] == demo.url.as_str()
            && prod["auth"].as_str().unwrap().starts_with("SSWS ••••")
            && prod["from"] == "config"
            && prod["protected"] == true,
        "{prod}"
    );
    let text = |v: serde_json::Value, key: &str| v[key].as_str().unwrap().to_string();
    assert!(
        text(row("bear"), "auth").contains("Bearer ••••"),
        "{listed}"
    );
    assert!(
        text(row("okta.yaml"), "from").contains("~/.okta/okta.yaml"),
        "{listed}"
    );
    assert!(
        text(row("okta-client"), "from").contains("OKTA_CLIENT_*"),
        "{listed}"
    );
    assert!(
        text(row("okta-client"), "auth").contains("env:OKTA_CLIENT_TOKEN"),
        "{listed}"
    );
    assert!(text(row("demo"), "from").contains("--demo"), "{listed}");
    assert_eq!(row("demo")["active"], true, "the active one");

    let out = home
        .command()
        .args(["-c", "env rm prod; env"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = home.command().args(["-c", "env"]).output().unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        !listed.contains("prod") && listed.contains("bear"),
        "{listed}"
    );
    let out = home.command().args(["-c", "env rm prod"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no environment named prod"));
}

#[test]
fn org_urls_are_checked_with_hints() {
    let home = Home::new();
    let run = |line: &str| {
        let out = home.command().args(["-c", line]).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stderr) = run("env add a https://dev-123-admin.okta.com token=x");
    assert!(!ok);
    assert!(
        stderr.contains("-admin") && stderr.contains("dev-123.okta.com"),
        "{stderr}"
    );
    let (ok, stderr) = run("env add b http://dev-123.okta.com token=x");
    assert!(!ok);
    assert!(stderr.contains("plain http"), "{stderr}");
    let (ok, stderr) = run("env add c http://10.1.2.3 token=x");
    assert!(!ok, "only loopback may be plain http: {stderr}");
    for loopback in [
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "http://[::1]:8080",
    ] {
        let (ok, stderr) = run(&format!("env add l {loopback} token=x"));
        assert!(ok, "{loopback}: {stderr}");
    }
    let (ok, _) = run("env add d https://dev-123.okta.com token=x");
    assert!(ok);
}
