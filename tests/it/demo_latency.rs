//! The demo org at a distance (issue 12): `demo serve --latency MS[,JITTER]` answers late but
//! concurrently, and `--concurrency N` gives the request beyond N in flight Okta's concurrency
//! 429 and a System Log event. The real binary, over loopback HTTP.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{outcome, DemoProcess, Home};

const VIOLATION: &str = "core.concurrency.org.limit.violation";

/// One answer and how long it took to come.
struct Timed {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
    took: Duration,
}

async fn timed_get(http: &reqwest::Client, demo: &DemoProcess, path: &str) -> Timed {
    get_at(
        http.clone(),
        format!("{}{path}", demo.url),
        demo.token.clone(),
    )
    .await
}

async fn get_at(http: reqwest::Client, url: String, token: String) -> Timed {
    let began = Instant::now();
    let res = http
        .get(url)
        .header("Authorization", format!("SSWS {token}"))
        .header("Accept", "application/json")
        .send()
        .await
        .expect("answered");
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.json().await.expect("a JSON body");
    Timed {
        status,
        headers,
        body,
        took: began.elapsed(),
    }
}

/// `n` GETs of the signed-in admin, all sent at once.
async fn burst(http: &reqwest::Client, demo: &DemoProcess, n: usize) -> Vec<Timed> {
    let url = format!("{}/api/v1/users/me", demo.url);
    let mut in_flight = tokio::task::JoinSet::new();
    for _ in 0..n {
        in_flight.spawn(get_at(http.clone(), url.clone(), demo.token.clone()));
    }
    in_flight.join_all().await
}

/// The System Log's concurrency violations, through the log's own filter.
async fn violations(http: &reqwest::Client, demo: &DemoProcess) -> Vec<Value> {
    let filter = format!("eventType eq \"{VIOLATION}\"");
    let path = format!(
        "/api/v1/logs?filter={}",
        url::form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
    );
    let logs = timed_get(http, demo, &path).await;
    assert_eq!(logs.status, StatusCode::OK, "{}", logs.body);
    logs.body.as_array().expect("a list of events").clone()
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn epoch_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn latency_delays_each_answer_but_not_the_others() {
    let demo = DemoProcess::start(&["--latency", "100"]);
    let http = client();

    let one = timed_get(&http, &demo, "/api/v1/users/me").await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.took >= Duration::from_millis(100), "{:?}", one.took);

    // Served one after another, 50 answers would take 5 s; at once, a little over 0.1 s (the
    // bound leaves room for a loaded machine).
    let began = Instant::now();
    let answers = burst(&http, &demo, 50).await;
    let wall = began.elapsed();
    assert!(answers.iter().all(|a| a.status == StatusCode::OK));
    assert!(answers.iter().all(|a| a.took >= Duration::from_millis(100)));
    assert!(
        wall < Duration::from_millis(2500),
        "50 answers took {wall:?}"
    );
}

#[tokio::test]
async fn jitter_adds_up_to_its_bound() {
    let demo = DemoProcess::start(&["--latency", "50,100", "--seed", "3"]);
    let http = client();
    let answers = burst(&http, &demo, 30).await;
    assert!(answers.iter().all(|a| a.status == StatusCode::OK));
    assert!(answers.iter().all(|a| a.took >= Duration::from_millis(50)));
    let slowest = answers.iter().map(|a| a.took).max().unwrap();
    assert!(
        slowest >= Duration::from_millis(100),
        "no jitter: {slowest:?}"
    );
}

#[tokio::test]
async fn the_request_beyond_the_limit_gets_the_concurrency_429() {
    let demo = DemoProcess::start(&[
        "--concurrency",
        "5",
        "--latency",
        "1000",
        "--rate-limit",
        "1000",
    ]);
    let http = client();
    let before = epoch_secs();
    let answers = burst(&http, &demo, 20).await;

    let (ok, refused): (Vec<_>, Vec<_>) = answers
        .into_iter()
        .partition(|a| a.status == StatusCode::OK);
    assert!(ok.len() >= 5, "the first five are admitted: {}", ok.len());
    assert!(!refused.is_empty(), "20 at once over a limit of 5");
    for r in &refused {
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.body["errorCode"], "E0000047", "{}", r.body);
        assert_eq!(
            r.body["errorSummary"],
            "API call exceeded rate limit due to too many requests."
        );
        assert!(r.body["errorId"].is_string());
        assert_eq!(r.headers["x-rate-limit-limit"], "0");
        assert_eq!(r.headers["x-rate-limit-remaining"], "0");
        let reset: i64 = r.headers["x-rate-limit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((before + 1..=epoch_secs() + 1).contains(&reset), "{reset}");
        // Turned away at once, not after the latency (the bound leaves room for a loaded machine).
        assert!(r.took < Duration::from_millis(700), "{:?}", r.took);
    }

    // Only the admitted requests were charged to the per-minute bucket.
    let after = timed_get(&http, &demo, "/api/v1/users/me").await;
    assert_eq!(after.status, StatusCode::OK);
    let remaining = 1000 - ok.len() - 1;
    assert_eq!(
        after.headers["x-rate-limit-remaining"],
        remaining.to_string().as_str()
    );

    let events = violations(&http, &demo).await;
    // At most one a second: the burst is not a flood.
    assert!((1..=2).contains(&events.len()), "{events:?}");
    for e in &events {
        assert_eq!(e["eventType"], VIOLATION);
        assert_eq!(e["severity"], "WARN");
        assert_eq!(e["outcome"]["result"], "DENY");
        assert!(e["published"].is_string() && e["uuid"].is_string(), "{e}");
    }
}

#[tokio::test]
async fn requests_one_after_another_are_never_over_the_limit() {
    let demo = DemoProcess::start(&["--concurrency", "1", "--latency", "20"]);
    let http = client();
    for _ in 0..20 {
        let a = timed_get(&http, &demo, "/api/v1/users/me").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    }
    assert_eq!(violations(&http, &demo).await, Vec::<Value>::new());
}

#[test]
fn bad_latency_and_concurrency_are_clear_flag_errors() {
    let home = Home::new();
    for (flag, value, says) in [
        (
            "--latency",
            "abc",
            "the latency must be a whole number of milliseconds",
        ),
        (
            "--latency",
            "10,",
            "the jitter must be a whole number of milliseconds",
        ),
        (
            "--latency",
            "1.5",
            "the latency must be a whole number of milliseconds",
        ),
        ("--concurrency", "0", "--concurrency"),
        ("--concurrency", "many", "--concurrency"),
    ] {
        let (ok, stdout, stderr) = outcome(
            home.command()
                .args(["demo", "serve", flag, value])
                .output()
                .unwrap(),
        );
        assert!(!ok, "{flag} {value}");
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.contains(says), "{flag} {value}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// `oktash --demo --latency MS`: the in-process demo org is far away too.
#[test]
fn the_shell_s_own_demo_org_takes_a_latency() {
    let home = Home::new();
    let (ok, _, err) = home.run(&["--demo", "--latency", "150", "-c", "ls users limit=1"]);
    assert!(ok, "{err}");
    let ms: f64 = err
        .lines()
        .find(|l| l.starts_with("#1 GET"))
        .and_then(|l| l.rsplit("  ").next())
        .and_then(|t| t.strip_suffix(" ms"))
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("a history line with its time: {err}"));
    assert!(ms >= 150.0, "answered after {ms} ms: {err}");
    let (ok, _, err) = home.run(&["--latency", "150", "-c", "echo 1"]);
    assert!(!ok, "--latency is for the demo org: {err}");
}
