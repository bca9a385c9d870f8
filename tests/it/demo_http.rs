//! The demo org as an HTTP server: authentication, headers, the error envelope for bad requests,
//! rate limits, injected faults, and `oktash demo serve`.

use std::collections::HashSet;

use crate::common::org::*;
use oktash_demo::DemoOptions;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn tokens_ssws_bearer_missing_wrong_and_read_only() {
    let org = Org::default().await;
    let url = org.url("/api/v1/users/me");
    for auth in [None, Some("SSWS wrong"), Some("Basic abc"), Some("SSWS")] {
        let mut req = org.http.get(&url);
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
        assert!(res.headers().get("x-okta-request-id").is_some());
        let body: Value = res.json().await.unwrap();
        assert_error(StatusCode::UNAUTHORIZED, &body, 401, "E0000011");
        assert_eq!(body["errorSummary"], "Invalid token provided");
    }
    let res = org
        .http
        .get(&url)
        .bearer_auth(&org.demo.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let ro = format!("SSWS {}", org.demo.readonly_token);
    let res = org
        .http
        .get(&url)
        .header("Authorization", &ro)
        .send()
        .await
        .unwrap();
    let me: Value = res.json().await.unwrap();
    assert_eq!(
        me["status"], "ACTIVE",
        "the read-only token's owner is a real active user"
    );
    assert_eq!(me["profile"]["login"], "auditor@example.com");
    let res = org
        .http
        .get(org.url("/api/v1/groups"))
        .header("Authorization", &ro)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    for (method, path) in [
        (Method::POST, "/api/v1/groups"),
        (Method::DELETE, "/api/v1/users/me"),
        (Method::POST, "/api/v1/users/me/lifecycle/suspend"),
    ] {
        let res = org
            .http
            .request(method, org.url(path))
            .header("Authorization", &ro)
            .json(&json!({"profile": {"name": "x"}}))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_error(status, &body, 403, "E0000006");
    }
}

#[tokio::test]
async fn every_response_carries_okta_headers() {
    let org = Org::default().await;
    let mut ids = HashSet::new();
    for (method, path, want_type) in [
        (
            Method::GET,
            "/api/v1/users?limit=1",
            "application/json;charset=UTF-8",
        ),
        (
            Method::GET,
            "/api/v1/groups",
            "application/json;charset=UTF-8",
        ),
        (Method::GET, "/api/v1/nope", "application/json"),
        (Method::PATCH, "/api/v1/users", "application/json"),
    ] {
        let (status, headers, _) = org.call(method, path, None).await;
        assert_eq!(headers["content-type"], want_type, "{path} {status}");
        let rid = headers["x-okta-request-id"].to_str().unwrap().to_string();
        assert!(!rid.is_empty());
        ids.insert(rid);
        assert!(httpdate::parse_http_date(headers["date"].to_str().unwrap()).is_ok());
        let limit: u64 = headers["x-rate-limit-limit"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let remaining: u64 = headers["x-rate-limit-remaining"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let reset: u64 = headers["x-rate-limit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(remaining < limit);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(
            reset >= now && reset <= now + 61,
            "reset is epoch seconds within a minute"
        );
    }
    assert_eq!(ids.len(), 4, "request ids are unique");
}

#[tokio::test]
async fn bad_requests_get_the_error_envelope_and_never_break_the_server() {
    let org = Org::default().await;
    let (status, _, body) = org.get("/api/v1/nothing/here").await;
    assert_error(status, &body, 404, "E0000007");
    let (status, _, body) = org.get("/not/api").await;
    assert_error(status, &body, 404, "E0000007");
    let (status, _, body) = org.call(Method::PATCH, "/api/v1/users", None).await;
    assert_error(status, &body, 405, "E0000022");
    let (status, _, body) = org.call(Method::DELETE, "/api/v1/logs", None).await;
    assert_error(status, &body, 405, "E0000022");
    let (status, _, body) = org.get("/api/v1/users?after=notacursor").await;
    assert_error(status, &body, 400, "E0000001");
    let (status, _, body) = org.get("/api/v1/users?limit=abc").await;
    assert_error(status, &body, 400, "E0000001");
    let (status, _, body) = org.get("/api/v1/users?limit=-5").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = org.get("/api/v1/users/%FF%FE").await;
    assert_error(status, &body, 404, "E0000007");
    let long = "a".repeat(5000);
    let (status, _, body) = org
        .get(&format!(
            "/api/v1/users?search=profile.firstName+eq+%22{long}%22"
        ))
        .await;
    assert_error(status, &body, 400, "E0000031");
    let deep = format!(
        "{}status+eq+%22ACTIVE%22{}",
        "(".repeat(200),
        ")".repeat(200)
    );
    let (status, _, body) = org.get(&format!("/api/v1/users?search={deep}")).await;
    assert_error(status, &body, 400, "E0000031");

    let auth = format!("SSWS {}", org.demo.token);
    for (path, raw) in [
        ("/api/v1/users", "not json"),
        ("/api/v1/users", "[1,2,3]"),
        ("/api/v1/users", ""),
        ("/api/v1/users", "{\"profile\": \"string\"}"),
        ("/api/v1/users/me", "{\"profile\": 5}"),
        ("/api/v1/groups", "{\"profile\": {\"name\": 7}}"),
        ("/api/v1/apps", "{\"label\": \"x\"}"),
        ("/api/v1/users", "\u{0}\u{1}\u{2}"),
    ] {
        let res = org
            .http
            .post(org.url(path))
            .header("Authorization", &auth)
            .header("Content-Type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {raw:?}: {body}");
        assert!(
            body["errorCode"] == "E0000003" || body["errorCode"] == "E0000001",
            "{body}"
        );
    }
    let big = "x".repeat(3 << 20);
    let res = org
        .http
        .post(org.url("/api/v1/users"))
        .header("Authorization", &auth)
        .body(big)
        .send()
        .await;
    if let Ok(res) = res {
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    }
    let (status, _, _) = org.get("/api/v1/users/me").await;
    assert_eq!(status, StatusCode::OK, "the server still answers");
}

#[tokio::test]
async fn a_spent_bucket_answers_429_until_its_reset() {
    let org = Org::start(DemoOptions {
        rate_limit: 3,
        ..DemoOptions::default()
    })
    .await;
    for left in [2, 1, 0] {
        let (status, headers, _) = org.get("/api/v1/users/me").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["x-rate-limit-remaining"], left.to_string().as_str());
        assert_eq!(headers["x-rate-limit-limit"], "3");
    }
    let (status, headers, body) = org.get("/api/v1/users/me").await;
    assert_error(status, &body, 429, "E0000047");
    assert_eq!(headers["x-rate-limit-remaining"], "0");
    let reset: i64 = headers["x-rate-limit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let date = httpdate::parse_http_date(headers["date"].to_str().unwrap()).unwrap();
    let date = date
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let wait = reset - date;
    assert!((1..=61).contains(&wait), "Reset − Date is the wait: {wait}");
    // Another bucket is not spent.
    let (status, _, _) = org.get("/api/v1/groups").await;
    assert_eq!(status, StatusCode::OK);
}

async fn outcome(http: &reqwest::Client, url: &str, token: &str) -> String {
    match http
        .get(url)
        .header("Authorization", format!("SSWS {token}"))
        .send()
        .await
    {
        Ok(res) => {
            let status = res.status().as_u16();
            match res.text().await {
                Ok(text) => {
                    let code = serde_json::from_str::<Value>(&text)
                        .ok()
                        .and_then(|v| v["errorCode"].as_str().map(str::to_string));
                    format!("{status} {}", code.unwrap_or_default())
                }
                Err(e) if e.is_timeout() => "slow".into(),
                Err(_) => "dropped".into(),
            }
        }
        Err(e) if e.is_timeout() => "slow".into(),
        Err(_) => "dropped".into(),
    }
}

#[tokio::test]
async fn faults_are_real_failures_reproducible_for_a_seed() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut runs = Vec::new();
    for _ in 0..2 {
        let demo = oktash_demo::start(DemoOptions {
            faults: 0.4,
            seed: 5,
            users: 20,
            ..DemoOptions::default()
        })
        .await
        .unwrap();
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_millis(1200))
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        let url = format!("{}/api/v1/users/me", demo.base_url);
        let mut seen = Vec::new();
        for _ in 0..24 {
            seen.push(outcome(&http, &url, &demo.token).await);
        }
        runs.push(seen);
    }
    assert_eq!(runs[0], runs[1], "the same seed fails the same requests");
    let kinds: HashSet<&str> = runs[0].iter().map(String::as_str).collect();
    assert!(kinds.contains("200 "), "{kinds:?}");
    assert!(kinds.contains("500 E0000009"), "{kinds:?}");
    assert!(kinds.len() >= 3, "several kinds of failure: {kinds:?}");
}

#[tokio::test]
async fn serve_prints_url_and_tokens_then_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    let data = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_oktash"))
        .env("OKTASH_DATA_DIR", data.path())
        .args([
            "demo",
            "serve",
            "--port",
            "0",
            "--users",
            "50",
            "--token",
            "customToken123",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("oktash runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let token = lines.next().unwrap().unwrap();
    let ro = lines.next().unwrap().unwrap();
    let base = first
        .strip_prefix("Okta demo org listening on ")
        .expect("first line names the URL")
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    assert_eq!(token, "token: customToken123");
    assert!(ro.starts_with("read-only token: "));

    let _ = rustls::crypto::ring::default_provider().install_default();
    let res = reqwest::Client::new()
        .get(format!("{base}/api/v1/users/me"))
        .header("Authorization", "SSWS customToken123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "clean exit: {status}");
            break;
        }
        assert!(started.elapsed().as_secs() < 10, "stops promptly");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
