//! The demo org speaks OAuth 2.0 for Okta: `oktash demo serve` over loopback, a service app's
//! `private_key_jwt` assertions signed with the key file it printed, the token endpoint's answers,
//! scopes from the spec on API calls, expiry, and DPoP-bound tokens with their proofs.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::DemoProcess;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const READ_SCOPES: &str = "okta.users.read okta.groups.read";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn unique(label: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{label}-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// A client of the demo's service app, as the shell (or any SDK) would be.
struct Client {
    demo: DemoProcess,
    http: reqwest::Client,
    key: EncodingKey,
}

impl Client {
    fn start(extra: &[&str]) -> Client {
        let demo = DemoProcess::start(extra);
        let pem = std::fs::read(&demo.client_key).expect("the printed key file");
        let _ = rustls::crypto::ring::default_provider().install_default();
        Client {
            key: EncodingKey::from_rsa_pem(&pem).expect("an RSA PEM"),
            http: reqwest::Client::new(),
            demo,
        }
    }

    fn token_url(&self) -> String {
        format!("{}/oauth2/v1/token", self.demo.url)
    }

    /// A client assertion; `edit` changes its claims before signing.
    fn assertion_with(&self, key: &EncodingKey, edit: impl FnOnce(&mut Value)) -> String {
        let mut claims = json!({
            "iss": self.demo.client_id,
            "sub": self.demo.client_id,
            "aud": self.token_url(),
            "iat": now(),
            "exp": now() + 300,
            "jti": unique("jti"),
        });
        edit(&mut claims);
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.demo.key_id.clone());
        jsonwebtoken::encode(&header, &claims, key).unwrap()
    }

    fn assertion(&self) -> String {
        self.assertion_with(&self.key, |_| {})
    }

    /// Posts the token form; the status, headers and JSON body.
    async fn token_request(
        &self,
        form: &[(&str, &str)],
        dpop: Option<&str>,
    ) -> (StatusCode, HeaderMap, Value) {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut req = self
            .http
            .post(self.token_url())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(p) = dpop {
            req = req.header("DPoP", p);
        }
        let res = req.send().await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        (status, headers, res.json().await.unwrap())
    }

    async fn token_with(&self, assertion: &str, scope: &str) -> (StatusCode, HeaderMap, Value) {
        self.token_request(
            &[
                ("grant_type", "client_credentials"),
                ("scope", scope),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", assertion),
            ],
            None,
        )
        .await
    }

    /// A Bearer access token with `scope`.
    async fn bearer(&self, scope: &str) -> String {
        let (status, _, body) = self.token_with(&self.assertion(), scope).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        body["access_token"].as_str().unwrap().to_string()
    }

    fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.demo.url))
    }
}

fn assert_oauth_error(got: &(StatusCode, HeaderMap, Value), status: u16, error: &str) {
    let (s, headers, body) = got;
    assert_eq!(s.as_u16(), status, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(headers.get("x-okta-request-id").is_some());
    assert!(headers.get("x-rate-limit-remaining").is_some());
}

#[tokio::test]
async fn read_scopes_list_users_and_are_refused_a_create_naming_the_scope() {
    let c = Client::start(&["--users", "20"]);
    let token = c.bearer(READ_SCOPES).await;
    let res = c
        .api(reqwest::Method::GET, "/api/v1/users?limit=5")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let users: Value = res.json().await.unwrap();
    assert_eq!(users.as_array().unwrap().len(), 5);

    let new_user = json!({"profile": {"firstName": "Oa", "lastName": "Uth",
        "email": "oa.uth@example.com", "login": "oa.uth@example.com"}});
    let res = c
        .api(reqwest::Method::POST, "/api/v1/users")
        .bearer_auth(&token)
        .json(&new_user)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let challenge = res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        challenge,
        format!(
            "Bearer authorization_uri=\"{}/oauth2/v1/authorize\", realm=\"IdP\", \
             scope=\"okta.users.manage\", error=\"insufficient_scope\", error_description=\"The \
             access token provided does not contain the required scopes.\", \
             resource=\"/api/v1/users\"",
            c.demo.url
        )
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errorCode"], "E0000006");

    let manage = c.bearer("okta.users.manage").await;
    let res = c
        .api(reqwest::Method::POST, "/api/v1/users")
        .bearer_auth(&manage)
        .json(&new_user)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "manage scope creates");
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["profile"]["login"], "oa.uth@example.com");

    // The SSWS token still works beside OAuth, with no scope check.
    let res = c
        .api(reqwest::Method::GET, "/api/v1/logs")
        .header("Authorization", format!("SSWS {}", c.demo.token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn tokens_expire_after_their_ttl() {
    let c = Client::start(&["--users", "5", "--token-ttl", "2"]);
    let (status, _, body) = c.token_with(&c.assertion(), READ_SCOPES).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["expires_in"], 2);
    assert_eq!(body["scope"], READ_SCOPES);
    let token = body["access_token"].as_str().unwrap().to_string();
    let get = || {
        c.api(reqwest::Method::GET, "/api/v1/users")
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(get().await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let res = get().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\", error_description=\"The access token is expired.\""
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errorCode"], "E0000011");
    assert_eq!(body["errorSummary"], "Invalid token provided");
}

#[tokio::test]
async fn the_token_endpoint_refuses_as_okta_does() {
    let c = Client::start(&["--users", "5"]);
    let got = c
        .token_with(&c.assertion(), "okta.users.read okta.roles.manage")
        .await;
    assert_oauth_error(&got, 400, "invalid_scope");
    assert!(got.2["error_description"]
        .as_str()
        .unwrap()
        .contains("okta.roles.manage"));
    assert!(!got.2["error_description"]
        .as_str()
        .unwrap()
        .contains("okta.users.read"));

    let wrong_client = c.assertion_with(&c.key, |claims| {
        claims["iss"] = json!("0oaNotRegistered00000");
        claims["sub"] = json!("0oaNotRegistered00000");
    });
    assert_oauth_error(
        &c.token_with(&wrong_client, READ_SCOPES).await,
        401,
        "invalid_client",
    );

    let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
    let other = rsa::PrivateKey::new(&mut rng, 2048).unwrap();
    let other_pem = {
        use rsa::pkcs8::{EncodePrivateKey, LineEnding};
        other.to_pkcs8_pem(LineEnding::LF).unwrap()
    };
    let other = EncodingKey::from_rsa_pem(other_pem.as_bytes()).unwrap();
    let got = c
        .token_with(&c.assertion_with(&other, |_| {}), READ_SCOPES)
        .await;
    assert_oauth_error(&got, 401, "invalid_client");
    assert!(got.2["error_description"]
        .as_str()
        .unwrap()
        .contains("signature"));

    let wrong_aud = c.assertion_with(&c.key, |claims| {
        claims["aud"] = json!(format!("{}/oauth2/default/v1/token", c.demo.url));
    });
    let got = c.token_with(&wrong_aud, READ_SCOPES).await;
    assert_oauth_error(&got, 401, "invalid_client");
    assert!(got.2["error_description"].as_str().unwrap().contains("aud"));

    let future = c.assertion_with(&c.key, |claims| {
        claims["iat"] = json!(now() + 900);
    });
    let got = c.token_with(&future, READ_SCOPES).await;
    assert_oauth_error(&got, 401, "invalid_client");
    assert!(got.2["error_description"]
        .as_str()
        .unwrap()
        .contains("clock skew"));

    let once = c.assertion();
    assert_eq!(c.token_with(&once, READ_SCOPES).await.0, StatusCode::OK);
    let got = c.token_with(&once, READ_SCOPES).await;
    assert_oauth_error(&got, 401, "invalid_client");
    assert!(got.2["error_description"].as_str().unwrap().contains("jti"));

    let got = c
        .token_request(
            &[
                ("grant_type", "client_credentials"),
                ("scope", READ_SCOPES),
                ("client_id", &c.demo.client_id),
                ("client_secret", "hunter2"),
            ],
            None,
        )
        .await;
    assert_oauth_error(&got, 401, "invalid_client");
    let got = c
        .token_request(&[("grant_type", "password"), ("scope", READ_SCOPES)], None)
        .await;
    assert_oauth_error(&got, 400, "unsupported_grant_type");
}

/// A DPoP key pair (ES256) and the proofs it signs.
struct DpopKey {
    key: EncodingKey,
    jwk: Jwk,
}

impl DpopKey {
    fn new() -> DpopKey {
        use p256::elliptic_curve::Generate;
        use p256::pkcs8::{EncodePrivateKey, LineEnding};
        let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
        let secret = p256::SecretKey::generate_from_rng(&mut rng);
        let pem = secret.to_pkcs8_pem(LineEnding::LF).unwrap();
        let key = EncodingKey::from_ec_pem(pem.as_bytes()).unwrap();
        let jwk = Jwk::from_encoding_key(&key, Algorithm::ES256).unwrap();
        DpopKey { key, jwk }
    }

    fn proof(&self, method: &str, url: &str, extra: Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("dpop+jwt".into());
        header.jwk = Some(self.jwk.clone());
        let mut claims = json!({ "htm": method, "htu": url, "iat": now(), "jti": unique("proof") });
        for (k, v) in extra.as_object().unwrap() {
            claims[k] = v.clone();
        }
        jsonwebtoken::encode(&header, &claims, &self.key).unwrap()
    }
}

fn ath(token: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(token))
}

#[tokio::test]
async fn dpop_nonce_dance_then_bound_tokens_need_fresh_proofs() {
    let c = Client::start(&["--users", "5", "--dpop"]);
    let form = |assertion: &str| {
        vec![
            ("grant_type", "client_credentials".to_string()),
            ("scope", READ_SCOPES.to_string()),
            ("client_assertion_type", JWT_BEARER.to_string()),
            ("client_assertion", assertion.to_string()),
        ]
    };
    let post = |assertion: String, proof: Option<String>| {
        let c = &c;
        let form = form(&assertion);
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.token_request(&form, proof.as_deref()).await
        }
    };
    let got = post(c.assertion(), None).await;
    assert_oauth_error(&got, 400, "invalid_dpop_proof");

    let dpop = DpopKey::new();
    let token_url = c.token_url();
    let got = post(
        c.assertion(),
        Some(dpop.proof("POST", &token_url, json!({}))),
    )
    .await;
    assert_oauth_error(&got, 400, "use_dpop_nonce");
    let nonce = got.1["dpop-nonce"].to_str().unwrap().to_string();
    assert!(!nonce.is_empty());

    let wrong_htm = dpop.proof("GET", &token_url, json!({ "nonce": nonce }));
    let got = post(c.assertion(), Some(wrong_htm)).await;
    assert_oauth_error(&got, 400, "invalid_dpop_proof");
    assert!(got.2["error_description"].as_str().unwrap().contains("htm"));

    let proof = dpop.proof("POST", &token_url, json!({ "nonce": nonce }));
    let (status, _, body) = post(c.assertion(), Some(proof)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    let token = body["access_token"].as_str().unwrap().to_string();

    let users_url = format!("{}/api/v1/users", c.demo.url);
    let call = |proof: String| {
        c.http
            .get(format!("{users_url}?limit=2"))
            .header("Authorization", format!("DPoP {token}"))
            .header("DPoP", proof)
            .send()
    };
    let fresh = dpop.proof("GET", &users_url, json!({ "ath": ath(&token) }));
    let res = call(fresh.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let res = call(fresh).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "a replayed proof");
    let challenge = res.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.starts_with("DPoP error=\"invalid_dpop_proof\""));
    assert!(challenge.contains("jti"), "{challenge}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errorCode"], "E0000011");

    let wrong_ath = dpop.proof("GET", &users_url, json!({ "ath": ath("another token") }));
    let res = call(wrong_ath).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "a wrong ath");
    assert!(res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("ath"));

    let other_key = DpopKey::new().proof("GET", &users_url, json!({ "ath": ath(&token) }));
    let res = call(other_key).await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "another key's proof"
    );

    let res = c
        .http
        .get(&users_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "Bearer use of DPoP");
    assert!(res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("DPoP error=\"invalid_token\""));

    // A read-scoped DPoP token is refused a write with the DPoP scheme in the challenge.
    let res = c
        .http
        .post(format!("{}/api/v1/groups", c.demo.url))
        .header("Authorization", format!("DPoP {token}"))
        .header(
            "DPoP",
            dpop.proof(
                "POST",
                &format!("{}/api/v1/groups", c.demo.url),
                json!({ "ath": ath(&token) }),
            ),
        )
        .json(&json!({"profile": {"name": "x"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let challenge = res.headers()["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.starts_with("DPoP authorization_uri="),
        "{challenge}"
    );
    assert!(
        challenge.contains("scope=\"okta.groups.manage\""),
        "{challenge}"
    );
}

#[tokio::test]
async fn a_proof_binds_the_token_even_when_dpop_is_not_required() {
    let c = Client::start(&["--users", "5"]);
    let dpop = DpopKey::new();
    let token_url = c.token_url();
    let assertion = c.assertion();
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", READ_SCOPES),
        ("client_assertion_type", JWT_BEARER),
        ("client_assertion", assertion.as_str()),
    ];
    let got = c
        .token_request(&form, Some(&dpop.proof("POST", &token_url, json!({}))))
        .await;
    assert_oauth_error(&got, 400, "use_dpop_nonce");
    let nonce = got.1["dpop-nonce"].to_str().unwrap().to_string();
    // The same assertion again: only a granted request uses up its jti.
    let (status, _, body) = c
        .token_request(
            &form,
            Some(&dpop.proof("POST", &token_url, json!({ "nonce": nonce }))),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "DPoP");
}

#[test]
fn the_client_key_file_is_reused_and_a_new_one_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys/app.pem");
    let path_arg = path.to_str().unwrap();
    let first = DemoProcess::start(&["--users", "1", "--client-key", path_arg]);
    assert_eq!(first.client_key, path);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("-----BEGIN PRIVATE KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
    drop(first);
    let second = DemoProcess::start(&["--users", "1", "--client-key", path_arg]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written, "reused");
    assert_eq!(second.client_id, "0oademoOktashSvc0k2Q");
    assert_eq!(second.client_id.len(), 20);

    // The default lives in the data directory; a key others can read is refused.
    let default = DemoProcess::start(&["--users", "1"]);
    assert!(default.client_key.ends_with("demo-service-app.pem"));
    assert!(default.client_key.is_absolute());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = std::process::Command::new(crate::common::BIN)
            .args(["demo", "serve", "--port", "0", "--client-key", path_arg])
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("chmod 600"));
    }
}

#[tokio::test]
async fn in_process_the_key_is_made_on_first_use_and_signs_for_a_token() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let demo = oktash_demo::start(oktash_demo::DemoOptions {
        users: 3,
        ..oktash_demo::DemoOptions::default()
    })
    .await
    .unwrap();
    assert_eq!(demo.client_key_path, None);
    let pem = demo.client_key_pem().await.unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(demo.client_key_pem().await.unwrap(), pem, "made once");
    let key = EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
    let aud = format!("{}/oauth2/v1/token", demo.base_url);
    let claims = json!({ "iss": demo.client_id, "sub": demo.client_id, "aud": aud,
        "exp": now() + 60, "jti": unique("in-process") });
    let assertion = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).unwrap();
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "client_credentials"),
            ("scope", "okta.logs.read"),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", &assertion),
        ])
        .finish();
    let res = reqwest::Client::new()
        .post(&aud)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let grant: Value = res.json().await.unwrap();
    assert_eq!(grant["scope"], "okta.logs.read");
    assert_eq!(grant["expires_in"], 3600);
}
