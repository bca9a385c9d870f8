//! OAuth 2.0 service apps in the shell: how they are given (`env add`, `~/.okta/okta.yaml`,
//! `OKTA_CLIENT_*`), kept (where the key is, never the key) and shown (kind, client id, scopes).

use std::sync::OnceLock;

use crate::common::{documents, Home};

/// One RSA key for every test here (generating one takes a fraction of a second).
fn service_key_pem() -> &'static str {
    static PEM: OnceLock<String> = OnceLock::new();
    PEM.get_or_init(|| {
        use rsa::pkcs8::{EncodePrivateKey, LineEnding};
        let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
        let key = rsa::PrivateKey::new(&mut rng, 2048).expect("an RSA key");
        key.to_pkcs8_pem(LineEnding::LF).expect("PEM").to_string()
    })
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
    assert_eq!(
        row["auth"],
        "OAuth+DPoP 0oa1b2c3d4e5f6g7h8i9 (okta.users.read okta.users.manage; no token yet)"
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
    assert_eq!(
        env_row(&stdout, "okta.yaml")["auth"],
        "OAuth 0oayaml0000000000001 (okta.users.read okta.groups.read; no token yet)"
    );
    assert_eq!(
        env_row(&stdout, "okta-client")["auth"],
        "OAuth 0oavars0000000000001 (okta.users.read okta.logs.read; no token yet)"
    );
    assert!(!stdout.contains(key_body()) && !stderr.contains(key_body()));
}
