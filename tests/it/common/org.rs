//! A demo org started in-process, with a plain reqwest client: for the tests of the demo org
//! itself over real HTTP (tests/demo_*.rs).

use oktash_demo::{DemoOptions, RunningDemo};
use reqwest::header::{HeaderMap, LINK};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct Org {
    pub demo: RunningDemo,
    pub http: reqwest::Client,
}

impl Org {
    pub async fn start(options: DemoOptions) -> Org {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let demo = oktash_demo::start(options).await.expect("demo org starts");
        Org {
            demo,
            http: reqwest::Client::new(),
        }
    }

    pub async fn default() -> Org {
        Org::start(DemoOptions::default()).await
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{}", self.demo.base_url, path)
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        let mut req = self
            .http
            .request(method, self.url(path))
            .header("Authorization", format!("SSWS {}", self.demo.token))
            .header("Accept", "application/json");
        if let Some(b) = body {
            req = req.json(&b);
        } else {
            req = req.header("Content-Length", "0");
        }
        let res = req.send().await.expect("request is answered");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        (status, headers, body)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, HeaderMap, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, HeaderMap, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn post_empty(&self, path: &str) -> (StatusCode, HeaderMap, Value) {
        self.call(Method::POST, path, None).await
    }

    /// DELETE answers 204, and the object is gone: a GET answers Okta's 404 E0000007.
    pub async fn delete_and_find_gone(&self, path: &str) {
        let (status, _, body) = self.call(Method::DELETE, path, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "DELETE {path}: {body}");
        let (status, _, body) = self.get(path).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "GET {path} after its DELETE: {body}"
        );
        assert_eq!(body["errorCode"], "E0000007", "{body}");
    }

    /// Follows `next` links from `path` to the end, returning every item and the page count.
    pub async fn all_pages(&self, path: &str) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut next = Some(path.to_string());
        let mut pages = 0;
        while let Some(p) = next.take() {
            let (status, headers, body) = self.get(&p).await;
            assert_eq!(status, StatusCode::OK, "{p}: {body}");
            items.extend(body.as_array().expect("a page is an array").iter().cloned());
            next = link(&headers, "next");
            pages += 1;
            assert!(pages < 1000, "paging does not end");
        }
        (items, pages)
    }
}

/// The URL of the `link` header with relation `rel`.
pub fn link(headers: &HeaderMap, rel: &str) -> Option<String> {
    headers.get_all(LINK).iter().find_map(|v| {
        let v = v.to_str().ok()?;
        let (url, params) = v.split_once(';')?;
        params.contains(&format!("rel=\"{rel}\"")).then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

pub fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|u| u["id"].as_str().expect("id").to_string())
        .collect()
}

pub fn assert_error(status: StatusCode, body: &Value, want_status: u16, code: &str) {
    assert_eq!(status.as_u16(), want_status, "{body}");
    assert_eq!(body["errorCode"], code, "{body}");
    assert_eq!(body["errorLink"], code);
    assert!(body["errorSummary"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(body["errorId"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(body["errorCauses"].is_array());
}
