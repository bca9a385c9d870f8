//! Targets: a path, URL, id, login or object turned into the URL of a request, with its query.

use serde_json::Value;
use url::Url;

use crate::lang::{Param, Word};
use crate::okta;

use super::values::type_name;
use super::{fail, Failure, Shell};

impl Shell {
    pub(super) fn base_url(&self) -> Result<Url, Failure> {
        let env = self.active_env()?;
        Url::parse(&format!("{}/", env.url)).map_err(|e| {
            Failure::Message(format!(
                "environment {}: bad URL {}: {e}",
                env.name, env.url
            ))
        })
    }

    /// Where requests go and how they prove who asks: the active environment's base URL and
    /// credential.
    pub(super) fn org(&self) -> Result<(Url, Option<crate::auth::Auth>), Failure> {
        Ok((self.base_url()?, self.active_env()?.auth.clone()))
    }

    /// A text target: path, URL, id (by prefix), login, `me`, or a resource path.
    pub(super) fn url_for_text(&self, text: &str) -> Result<Url, Failure> {
        let text = text.trim();
        if text.is_empty() {
            return fail("empty target");
        }
        let base = self.base_url()?;
        if let Some(url) = crate::urls::absolute_url(text) {
            return url.map_err(|e| Failure::Message(format!("bad URL {text}: {e}")));
        }
        if text.starts_with('/') {
            return base
                .join(text)
                .map_err(|e| Failure::Message(format!("bad path {text}: {e}")));
        }
        let path = if text.contains('@') && !text.contains('/') {
            format!(
                "api/v1/users/{}",
                percent_encoding::utf8_percent_encode(text, PATH_SEGMENT)
            )
        } else if text == "me" {
            "api/v1/users/me".to_string()
        } else {
            format!(
                "api/v1/{}",
                okta::route_id_path(text.trim_start_matches("api/v1/"))
            )
        };
        base.join(&path)
            .map_err(|e| Failure::Message(format!("bad target {text}: {e}")))
    }

    /// A value target: an object by its `_links.self.href` (or its id), else its text.
    fn url_for_value(&self, value: &Value) -> Result<Url, Failure> {
        match value {
            Value::String(s) => self.url_for_text(s),
            Value::Number(n) => self.url_for_text(&n.to_string()),
            Value::Object(map) => {
                if let Some(href) = value.pointer("/_links/self/href").and_then(Value::as_str) {
                    return self.url_for_text(href);
                }
                match map.get("id").and_then(Value::as_str) {
                    Some(id) => self.url_for_text(id),
                    None => {
                        fail("this object has neither _links.self.href nor an id to fetch it by")
                    }
                }
            }
            other => fail(format!(
                "cannot fetch {}: give a path, URL, id, login or object",
                type_name(other)
            )),
        }
    }

    /// Evaluates a target word to one URL, or one per element when it is a list (fan-out).
    pub(super) fn targets(&self, word: &Word) -> Result<Vec<Url>, Failure> {
        match self.eval_word(word)? {
            Value::Array(items) if items.is_empty() => {
                fail("the target is an empty list: nothing to do")
            }
            Value::Array(items) => items.iter().map(|v| self.url_for_value(v)).collect(),
            value => Ok(vec![self.url_for_value(&value)?]),
        }
    }

    /// Adds `k=v` params to a URL's query. A key the URL already has is replaced, so that
    /// `follow next limit=50` changes the link's `limit` rather than sending it twice.
    pub(super) fn with_params(&self, mut url: Url, params: &[Param]) -> Result<Url, Failure> {
        if params.is_empty() {
            return Ok(url);
        }
        let given = |piece: &str| {
            url::form_urlencoded::parse(piece.as_bytes())
                .next()
                .is_some_and(|(key, _)| params.iter().any(|p| p.key == key))
        };
        // The URL's own pieces are kept as written (a `next` cursor must go back verbatim).
        let mut query = url
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|piece| !piece.is_empty() && !given(piece))
            .collect::<Vec<_>>()
            .join("&");
        for param in params {
            let value = self.word_text(&param.value, &format!("the value of {}", param.key))?;
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(
                &percent_encoding::utf8_percent_encode(&param.key, QUERY_COMPONENT).to_string(),
            );
            query.push('=');
            query.push_str(
                &percent_encoding::utf8_percent_encode(&value, QUERY_COMPONENT).to_string(),
            );
        }
        url.set_query(Some(&query));
        Ok(url)
    }
}

/// Characters encoded in a query component: everything but the unreserved set, so that Okta's
/// `search` and `filter` expressions arrive intact.
pub(super) const QUERY_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
pub(super) const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'@');
