//! OAuth 2.0 service apps in the shell: how they are given (`env add`, `~/.okta/okta.yaml`,
//! `OKTA_CLIENT_*`), kept (where the key is, never the key) and shown (kind, client id, scopes).

use std::sync::OnceLock;

use crate::common::{documents, DemoProcess, Home};

/// An RSA key that is not the demo org's registered one (generating one takes a fraction of a
/// second, so once for every test here).
fn service_key_pem() -> &'static str {
    static PEM: OnceLock<String> = OnceLock::new();
    PEM.get_or_init(crate::common::new_service_key)
}

/// The body of the PEM (between its armour lines): what must never be shown.
fn key_body() -> &'static str {
    service_key_pem().lines().nth(1).expect("a PEM body line")
}

fn env_row(stdout: &str, name: &str) -> serde_json::Value {
    documents(stdout)
        .last()
        .and_then(|envs| envs.as_array()?.iter().find(|e| e["name"] == name).cloned())
        .unwrap_or_else(|| panic!("no environment {name} in {stdout}"))
}

#[test]
fn env_add_keeps_where_the_key_is_never_the_key_and_env_shows_the_app() {
    let home = Home::new();
    let key = home.path().join("service.pem");
    std::fs::write(&key, service_key_pem()).unwrap();
    let (ok, out, err) = home.run(&[
        "-c",
        "env add svc https://acme.okta.com client-id=0oa1b2c3d4e5f6g7h8i9 key=@service.pem key-id=kid-7 scopes='okta.users.read okta.users.manage' --dpop\nenv",
    ]);
    assert!(ok, "{err}");
    let row = env_row(&out, "svc");
    assert_eq!(row["auth"], "OAuth+DPoP 0oa1b2c3d4e5f6g7h8i9, no token yet");
    assert_eq!(
        row["scopes"],
        serde_json::json!(["okta.users.read", "okta.users.manage"])
    );
    let saved = std::fs::read_to_string(home.config_dir().join("environments.json")).unwrap();
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let auth = &saved[0]["auth"];
    assert_eq!(auth["scheme"], "OAuth");
    // The path is kept absolute, so that the environment works from any directory.
    assert_eq!(auth["key"]["file"], key.to_str().unwrap());
    assert_eq!(auth["keyId"], "kid-7");
    assert_eq!(auth["dpop"], true);

    // A later session reads it back as it was.
    let (ok, out, _) = home.run(&["-c", "env"]);
    assert!(ok);
    assert_eq!(env_row(&out, "svc")["auth"], row["auth"]);
    for text in [&out, &err] {
        assert!(!text.contains(key_body()));
    }
}

#[test]
fn a_key_that_cannot_sign_is_refused_at_env_add_with_what_to_give() {
    let home = Home::new();
    std::fs::write(
        home.path().join("public.pem"),
        "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----\n",
    )
    .unwrap();
    std::fs::write(
        home.path().join("junk.pem"),
        "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWp1bms=\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    for (key, says) in [
        ("@public.pem", "is a public key; the private one signs"),
        ("@junk.pem", "is not an RSA private key"),
        ("@missing.pem", "no such file"),
        ("service.pem", "key= takes @FILE"),
        ("env:NO_SUCH_VAR", "the key variable NO_SUCH_VAR is not set"),
    ] {
        let line = format!(
            "env add svc https://acme.okta.com client-id=0oa1 key={key} scopes=okta.users.read"
        );
        let (ok, _, err) = home.run(&["-c", &line]);
        assert!(!ok && err.contains(says), "{key}: {err}");
        assert!(
            !err.contains("c2VjcmV0LWp1bms"),
            "the key's text was shown: {err}"
        );
    }
    assert!(!home.config_dir().join("environments.json").exists());
}

#[test]
fn okta_yaml_and_okta_client_variables_in_private_key_mode_are_service_apps() {
    let home = Home::new();
    std::fs::create_dir_all(home.path().join(".okta")).unwrap();
    let indented: String = service_key_pem()
        .lines()
        .map(|l| format!("      {l}\n"))
        .collect();
    std::fs::write(
        home.path().join(".okta/okta.yaml"),
        format!(
            "okta:\n  client:\n    orgUrl: https://yaml.okta.com\n    authorizationMode: PrivateKey\n    clientId: 0oayaml0000000000001\n    scopes:\n      - okta.users.read\n      - okta.groups.read\n    privateKeyId: kid-yaml\n    privateKey: |\n{indented}"
        ),
    )
    .unwrap();
    let out = home
        .command()
        .env("OKTA_CLIENT_ORGURL", "https://vars.okta.com")
        .env("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey")
        .env("OKTA_CLIENT_CLIENTID", "0oavars0000000000001")
        .env("OKTA_CLIENT_SCOPES", "okta.users.read,okta.logs.read")
        .env("OKTA_CLIENT_PRIVATEKEY", service_key_pem())
        .args(["-c", "env"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    let yaml = env_row(&stdout, "okta.yaml");
    assert_eq!(yaml["auth"], "OAuth 0oayaml0000000000001, no token yet");
    assert_eq!(
        yaml["scopes"],
        serde_json::json!(["okta.users.read", "okta.groups.read"])
    );
    let vars = env_row(&stdout, "okta-client");
    assert_eq!(vars["auth"], "OAuth 0oavars0000000000001, no token yet");
    assert_eq!(
        vars["scopes"],
        serde_json::json!(["okta.users.read", "okta.logs.read"])
    );
    assert!(!stdout.contains(key_body()) && !stderr.contains(key_body()));
}

/// A service app environment for `demo`'s registered app, with these scopes and flags.
fn add_app(demo: &DemoProcess, name: &str, scopes: &str, flags: &str) -> String {
    format!(
        "env add {name} {} client-id={} key=@{} key-id={} scopes='{scopes}' {flags}",
        demo.url,
        demo.client_id,
        demo.client_key.display(),
        demo.key_id
    )
}

const NEW_USER: &str = r#"post users?activate=false {"profile": {"firstName": "Oa", "lastName": "Uth", "email": "oauth@example.com", "login": "oauth@example.com"}}"#;

#[test]
fn read_scopes_list_users_and_a_write_is_refused_naming_the_scope_then_manage_scopes_write() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let script = format!(
        "{}\n{}\nuse ro\nls users limit=2\n{NEW_USER}\nuse rw\n{NEW_USER}\nenv\nhistory\nas curl --reveal\n",
        add_app(&demo, "ro", "okta.users.read", ""),
        add_app(&demo, "rw", "okta.users.read okta.users.manage", ""),
    );
    let (ok, out, err) = home.run(&["-k", "-c", &script]);
    assert!(!ok, "the refused write fails the run");
    assert!(
        err.contains("#1 GET /api/v1/users?limit=2  200  2 users"),
        "{err}"
    );
    assert!(
        err.contains("#2 POST /api/v1/users?activate=false  403  E0000006"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "— POST /api/v1/users needs the scope okta.users.manage; the token holds okta.users.read: grant it to the app {}",
            demo.client_id
        )),
        "{err}"
    );
    assert!(
        err.contains("#3 POST /api/v1/users?activate=false  200  00u"),
        "{err}"
    );
    let docs = documents(&out);
    let envs = docs
        .iter()
        .find(|d| d.is_array() && d[0].get("auth").is_some())
        .unwrap();
    let rw = envs
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "rw")
        .unwrap();
    // The AUTH cell tells apps apart by the ends of the client id; the JSON has it whole.
    let auth = rw["auth"].as_str().unwrap();
    let short_id = format!(
        "{}…{}",
        &demo.client_id[..3],
        &demo.client_id[demo.client_id.len() - 4..]
    );
    assert!(
        auth == format!("OAuth {short_id}, token 59 min left")
            || auth == format!("OAuth {short_id}, token 60 min left"),
        "{auth}"
    );
    assert_eq!(rw["client_id"], demo.client_id.as_str());
    assert_eq!(
        rw["scopes"],
        serde_json::json!(["okta.users.read", "okta.users.manage"])
    );

    // The access token appears only where it was asked for (`as curl --reveal`): never in the
    // other output, the history file, or the saved environments; the key never anywhere.
    let revealed = docs.last().unwrap().as_str().unwrap();
    let token = revealed
        .split("Authorization: Bearer ")
        .nth(1)
        .and_then(|t| t.split('\'').next())
        .expect("the revealed token");
    assert!(token.len() >= 32, "{revealed}");
    let before_reveal: String = docs[..docs.len() - 1]
        .iter()
        .map(|d| d.to_string())
        .collect();
    let history = std::fs::read_to_string(home.data_dir().join("history")).unwrap_or_default();
    let saved = std::fs::read_to_string(home.config_dir().join("environments.json")).unwrap();
    let key = std::fs::read_to_string(&demo.client_key).unwrap();
    let key_line = key.lines().nth(2).unwrap();
    for (what, text) in [
        ("stdout", &before_reveal),
        ("stderr", &err),
        ("history", &history),
        ("config", &saved),
    ] {
        assert!(!text.contains(token), "the access token is in {what}");
        assert!(!text.contains(key_line), "the private key is in {what}");
    }
}

#[test]
fn a_token_that_runs_out_mid_session_is_renewed_unnoticed() {
    use std::io::Write;
    let demo = DemoProcess::start(&["--token-ttl", "2"]);
    let home = Home::new();
    let (ok, _, err) = home.run(&["-c", &add_app(&demo, "svc", "okta.users.read", "")]);
    assert!(ok, "{err}");
    let mut child = home
        .command()
        .args(["-e", "svc"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for _ in 0..3 {
        writeln!(stdin, "ls users limit=1").unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2500));
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(err.matches("200  1 user").count(), 3, "{err}");
    // The port in "using svc (http://127.0.0.1:PORT)" may hold "401"; a status stands between
    // two spaces.
    assert!(!err.contains(" 401 ") && !err.contains("error"), "{err}");
}

#[test]
fn dpop_as_asked_or_when_the_org_wants_it() {
    let demo = DemoProcess::start(&["--dpop"]);
    let home = Home::new();
    let script = format!(
        "{}\n{}\nuse asked\nls users limit=1\nenv\nuse found\nls users limit=1\nas curl\nenv",
        add_app(&demo, "asked", "okta.users.read", "--dpop"),
        add_app(&demo, "found", "okta.users.read", ""),
    );
    let (ok, out, err) = home.run(&["-c", &script]);
    assert!(ok, "{err}");
    assert_eq!(
        err.matches("GET /api/v1/users?limit=1  200").count(),
        2,
        "{err}"
    );
    let docs = documents(&out);
    let auth_of = |doc: &serde_json::Value, name: &str| {
        doc.as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap()["auth"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        auth_of(&docs[1], "asked").starts_with("OAuth+DPoP "),
        "{}",
        docs[1]
    );
    // Not asked for, but the org wanted it: the token is DPoP-bound, and env says so.
    assert!(
        auth_of(&docs[4], "found").starts_with("OAuth+DPoP "),
        "{}",
        docs[4]
    );
    let curl = docs[3].as_str().unwrap();
    assert!(
        curl.contains("-H 'Authorization: DPoP ••••") && curl.contains("single-use"),
        "{curl}"
    );
}

#[test]
fn a_wrong_key_a_wrong_client_and_an_ungranted_scope_each_say_what_to_fix() {
    let demo = DemoProcess::start(&[]);
    let home = Home::new();
    let other = home.path().join("other.pem");
    std::fs::write(&other, service_key_pem()).unwrap();
    let add = |name: &str, client: &str, key: &std::path::Path, scopes: &str| {
        format!(
            "env add {name} {} client-id={client} key=@{} scopes='{scopes}'",
            demo.url,
            key.display()
        )
    };
    let script = [
        add("wrongkey", &demo.client_id, &other, "okta.users.read"),
        add(
            "wrongclient",
            "0oa0000000000nobody",
            &demo.client_key,
            "okta.users.read",
        ),
        add(
            "ungranted",
            &demo.client_id,
            &demo.client_key,
            "okta.users.read okta.policies.read",
        ),
        "use wrongkey; ls users".into(),
        "use wrongclient; ls users".into(),
        "use ungranted; ls users".into(),
        "echo still-here".into(),
    ]
    .join("\n");
    let (ok, out, err) = home.run(&["-k", "-c", &script]);
    assert!(!ok);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 4, "three refusals and the summary: {err}");
    assert!(
        lines[0].contains("invalid_client") && lines[0].contains("the key is the one registered"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("invalid_client")
            && lines[1].contains("check client-id=0oa0000000000nobody"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("invalid_scope") && lines[2].contains("okta.policies.read"),
        "{}",
        lines[2]
    );
    assert!(
        !err.contains("/api/v1/users"),
        "no request went out without a token: {err}"
    );
    assert_eq!(documents(&out).last().unwrap(), "still-here");
}
