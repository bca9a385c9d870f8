//! OAuth 2.0 for Okta, as the org authorization server does it: `POST /oauth2/v1/token` with the
//! `client_credentials` grant and `private_key_jwt` client authentication, optionally bound to a
//! DPoP key, and the access tokens it issued checked on API requests.
//!
//! Errors here are OAuth's `{"error", "error_description"}`, not Okta's E0000 envelope: that is
//! what Okta's token endpoint answers. Access tokens are opaque random strings kept in memory with
//! their scopes, expiry and DPoP key thumbprint; they are never logged.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::{header, HeaderMap};
use base64::Engine;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{json, Value};

use crate::clock::CLOCK_SKEW_SECS;
use crate::dpop::{self, ProofError};
use crate::service_app::{AppKey, ServiceApp, DEMO_CLIENT_ID, DEMO_KEY_ID, GRANTED_SCOPES};

pub const TOKEN_PATH: &str = "/oauth2/v1/token";
pub const AUTHORIZE_PATH: &str = "/oauth2/v1/authorize";
/// Okta refuses client assertions that live longer than an hour.
const MAX_ASSERTION_LIFETIME_SECS: i64 = 3600;
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A token endpoint refusal.
#[derive(Debug)]
pub struct OAuthError {
    pub status: u16,
    pub error: &'static str,
    pub description: String,
    /// Sent as `dpop-nonce` with `use_dpop_nonce`.
    pub dpop_nonce: Option<String>,
}

impl OAuthError {
    fn new(status: u16, error: &'static str, description: impl Into<String>) -> OAuthError {
        OAuthError {
            status,
            error,
            description: description.into(),
            dpop_nonce: None,
        }
    }

    fn invalid_client(description: impl Into<String>) -> OAuthError {
        OAuthError::new(401, "invalid_client", description)
    }

    fn invalid_request(description: impl Into<String>) -> OAuthError {
        OAuthError::new(400, "invalid_request", description)
    }

    fn invalid_scope(description: impl Into<String>) -> OAuthError {
        OAuthError::new(400, "invalid_scope", description)
    }

    fn invalid_dpop_proof(description: impl Into<String>) -> OAuthError {
        OAuthError::new(400, "invalid_dpop_proof", description)
    }

    pub fn too_large() -> OAuthError {
        OAuthError::invalid_request("The token request body is too large.")
    }

    fn server_error(description: impl Into<String>) -> OAuthError {
        OAuthError::new(500, "server_error", description)
    }

    pub fn body(&self) -> Value {
        json!({ "error": self.error, "error_description": self.description })
    }
}

/// An API request refused for its access token: 401 (`invalid_token`, a bad DPoP proof) or 403
/// (`insufficient_scope`), with the `WWW-Authenticate` header that says why.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    pub www_authenticate: String,
}

/// How the token was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Bearer,
    DPoP,
}

impl Scheme {
    fn name(self) -> &'static str {
        match self {
            Scheme::Bearer => "Bearer",
            Scheme::DPoP => "DPoP",
        }
    }

    fn challenge(self, error: &str, description: &str) -> String {
        let algs = match self {
            Scheme::DPoP => ", algs=\"ES256 RS256\"",
            Scheme::Bearer => "",
        };
        format!(
            "{} error=\"{error}\", error_description=\"{description}\"{algs}",
            self.name()
        )
    }
}

/// An access token the demo issued.
struct Issued {
    scopes: Vec<String>,
    /// Epoch seconds.
    expires_at: i64,
    /// The JWK thumbprint of the DPoP key the token is bound to.
    dpop_thumbprint: Option<String>,
}

/// Single-use ids (`jti`) seen, each remembered until its JWT could no longer be accepted anyway.
#[derive(Default)]
struct UsedIds(Mutex<HashMap<String, i64>>);

impl UsedIds {
    /// `true` the first time `id` is seen; remembers it until epoch second `until`.
    fn first_use(&self, id: &str, until: i64, now: i64) -> bool {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        seen.retain(|_, until| *until >= now);
        if seen.contains_key(id) {
            return false;
        }
        seen.insert(id.to_string(), until);
        true
    }
}

/// The org authorization server.
pub struct OAuth {
    pub app: ServiceApp,
    token_ttl_secs: i64,
    require_dpop: bool,
    /// The `dpop-nonce`: one per server life (Okta rotates daily and accepts old ones for days).
    nonce: String,
    issued: Mutex<HashMap<String, Issued>>,
    assertion_ids: UsedIds,
    proof_ids: UsedIds,
}

/// What one token request brings.
pub struct TokenRequest<'a> {
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// `http://host:port`, as the client addressed us.
    pub base: &'a str,
    /// Epoch seconds.
    pub now: i64,
}

impl OAuth {
    pub fn new(app: ServiceApp, token_ttl_secs: u64, require_dpop: bool) -> OAuth {
        OAuth {
            app,
            token_ttl_secs: i64::try_from(token_ttl_secs).unwrap_or(i64::MAX / 4),
            require_dpop,
            nonce: random_text(24).unwrap_or_else(|| "demo-oktash-dpop-nonce".into()),
            issued: Mutex::new(HashMap::new()),
            assertion_ids: UsedIds::default(),
            proof_ids: UsedIds::default(),
        }
    }

    /// `POST /oauth2/v1/token`: the response body of a granted token, or why not.
    pub async fn token(&self, req: &TokenRequest<'_>) -> Result<Value, OAuthError> {
        let form = form_fields(req)?;
        match form.get("grant_type").map(String::as_str) {
            Some("client_credentials") => {}
            None | Some("") => {
                return Err(OAuthError::invalid_request(
                    "The 'grant_type' parameter is required.",
                ))
            }
            Some(other) => {
                return Err(OAuthError::new(
                    400,
                    "unsupported_grant_type",
                    format!("The authorization grant type '{other}' is not supported by the authorization server: use client_credentials."),
                ))
            }
        }
        if form.contains_key("client_secret") {
            return Err(OAuthError::invalid_client(
                "Client authentication with a client_secret is not allowed for Okta API scopes: \
                 use private_key_jwt (a signed client_assertion).",
            ));
        }
        if form.get("client_assertion_type").map(String::as_str) != Some(JWT_BEARER) {
            return Err(OAuthError::invalid_client(format!(
                "The 'client_assertion_type' must be '{JWT_BEARER}' (private_key_jwt)."
            )));
        }
        let assertion = form
            .get("client_assertion")
            .filter(|a| !a.is_empty())
            .ok_or_else(|| {
                OAuthError::invalid_client("The 'client_assertion' parameter is required.")
            })?;
        if let Some(id) = form.get("client_id") {
            if id != DEMO_CLIENT_ID {
                return Err(OAuthError::invalid_client(
                    "Invalid value for 'client_id' parameter.",
                ));
            }
        }
        let key =
            self.app.key().await.map_err(|e| {
                OAuthError::server_error(format!("The app's key is unavailable: {e}"))
            })?;
        let assertion = verify_assertion(assertion, &key, req)?;
        let proof = self.token_request_proof(req)?;
        let scopes = granted_scopes(form.get("scope").map(String::as_str))?;

        // Ids are used up only by a request that gets its token, so a client may resend the
        // same assertion with a new proof after `use_dpop_nonce`.
        if let Some(p) = &proof {
            if !self.proof_ids.first_use(&p.jti, p.replay_until, req.now) {
                return Err(OAuthError::invalid_dpop_proof(
                    "The DPoP proof 'jti' has already been used.",
                ));
            }
        }
        if !self
            .assertion_ids
            .first_use(&assertion.jti, assertion.exp, req.now)
        {
            return Err(OAuthError::invalid_client(
                "The client_assertion token has already been used ('jti' replayed).",
            ));
        }
        let access_token = random_text(32)
            .ok_or_else(|| OAuthError::server_error("No randomness for an access token."))?;
        let token_type = if proof.is_some() { "DPoP" } else { "Bearer" };
        let scope = scopes.join(" ");
        let mut issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        issued.retain(|_, t| t.expires_at > req.now);
        issued.insert(
            access_token.clone(),
            Issued {
                scopes,
                expires_at: req.now.saturating_add(self.token_ttl_secs),
                dpop_thumbprint: proof.map(|p| p.thumbprint),
            },
        );
        Ok(json!({
            "token_type": token_type,
            "expires_in": self.token_ttl_secs,
            "access_token": access_token,
            "scope": scope,
        }))
    }

    /// The DPoP proof of a token request, checked: `None` when there is none and none is needed.
    fn token_request_proof(
        &self,
        req: &TokenRequest<'_>,
    ) -> Result<Option<dpop::Proof>, OAuthError> {
        let proof =
            match single_dpop_header(req.headers) {
                Ok(Some(p)) => p,
                Ok(None) if self.require_dpop => return Err(OAuthError::invalid_dpop_proof(
                    "The DPoP proof JWT header is missing: this client requires DPoP-bound tokens.",
                )),
                Ok(None) => return Ok(None),
                Err(why) => return Err(OAuthError::invalid_dpop_proof(why)),
            };
        let url = format!("{}{TOKEN_PATH}", req.base);
        let expected = dpop::Expected {
            method: "POST",
            url: &url,
            access_token: None,
            nonce: Some(&self.nonce),
        };
        match dpop::verify(proof, &expected, req.now) {
            Ok(p) => Ok(Some(p)),
            Err(ProofError::NeedsNonce) => Err(OAuthError {
                dpop_nonce: Some(self.nonce.clone()),
                ..OAuthError::new(
                    400,
                    "use_dpop_nonce",
                    "Authorization server requires nonce in DPoP proof.",
                )
            }),
            Err(ProofError::Invalid(why)) => Err(OAuthError::invalid_dpop_proof(why)),
        }
    }

    /// Checks an issued access token on an API request: its scopes, or why it is refused.
    pub fn authorize(
        &self,
        scheme: Scheme,
        token: &str,
        headers: &HeaderMap,
        method: &str,
        url: &str,
        now: i64,
    ) -> Result<Vec<String>, Refusal> {
        let invalid_token = |scheme: Scheme, why: &str| Refusal {
            status: 401,
            www_authenticate: scheme.challenge("invalid_token", why),
        };
        let (scopes, bound_to) = {
            let issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
            match issued.get(token) {
                None => return Err(invalid_token(scheme, "The access token is invalid.")),
                Some(t) if t.expires_at <= now => {
                    return Err(invalid_token(scheme, "The access token is expired."))
                }
                Some(t) => (t.scopes.clone(), t.dpop_thumbprint.clone()),
            }
        };
        let Some(bound_to) = bound_to else {
            return match scheme {
                Scheme::Bearer => Ok(scopes),
                Scheme::DPoP => Err(invalid_token(
                    scheme,
                    "The access token is not DPoP-bound: send it as a Bearer token.",
                )),
            };
        };
        if scheme == Scheme::Bearer {
            return Err(invalid_token(
                Scheme::DPoP,
                "The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof.",
            ));
        }
        let invalid_proof = |why: &str| Refusal {
            status: 401,
            www_authenticate: Scheme::DPoP.challenge("invalid_dpop_proof", why),
        };
        let proof = match single_dpop_header(headers) {
            Ok(Some(p)) => p,
            Ok(None) => return Err(invalid_proof("The DPoP proof JWT header is missing.")),
            Err(why) => return Err(invalid_proof(why)),
        };
        let expected = dpop::Expected {
            method,
            url,
            access_token: Some(token),
            nonce: None,
        };
        let proof = match dpop::verify(proof, &expected, now) {
            Ok(p) => p,
            Err(ProofError::Invalid(why)) => return Err(invalid_proof(&why)),
            Err(ProofError::NeedsNonce) => {
                return Err(invalid_proof("The DPoP proof lacks the nonce."))
            }
        };
        if proof.thumbprint != bound_to {
            return Err(invalid_proof(
                "The DPoP proof is signed by a key other than the one the token is bound to.",
            ));
        }
        if !self
            .proof_ids
            .first_use(&proof.jti, proof.replay_until, now)
        {
            return Err(invalid_proof("The DPoP proof 'jti' has already been used."));
        }
        Ok(scopes)
    }
}

/// The `WWW-Authenticate` challenge of a 403 for a token without the operation's scopes.
pub fn insufficient_scope(base: &str, path: &str, required: &[String], dpop: bool) -> Refusal {
    let scheme = if dpop { Scheme::DPoP } else { Scheme::Bearer };
    Refusal {
        status: 403,
        www_authenticate: format!(
            "{} authorization_uri=\"{base}{AUTHORIZE_PATH}\", realm=\"IdP\", scope=\"{}\", \
             error=\"insufficient_scope\", error_description=\"The access token provided does \
             not contain the required scopes.\", resource=\"{path}\"",
            scheme.name(),
            required.join(" ")
        ),
    }
}

fn form_fields(req: &TokenRequest<'_>) -> Result<HashMap<String, String>, OAuthError> {
    let content_type = req
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return Err(OAuthError::invalid_request(
            "The token request must be sent as application/x-www-form-urlencoded.",
        ));
    }
    let mut form = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(req.body) {
        if form.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(OAuthError::invalid_request(format!(
                "The '{k}' parameter is repeated."
            )));
        }
    }
    Ok(form)
}

/// The one `DPoP` header, if any (two are an error, RFC 9449 §4.3).
fn single_dpop_header(headers: &HeaderMap) -> Result<Option<&str>, &'static str> {
    let mut all = headers.get_all("dpop").iter();
    let Some(first) = all.next() else {
        return Ok(None);
    };
    if all.next().is_some() {
        return Err("More than one DPoP header was sent.");
    }
    first
        .to_str()
        .map(|s| Some(s.trim()))
        .map_err(|_| "The DPoP header is not a JWT.")
}

struct Assertion {
    jti: String,
    exp: i64,
}

/// Checks a `private_key_jwt` client assertion as Okta does: client, signature, audience, times.
fn verify_assertion(
    jwt: &str,
    key: &AppKey,
    req: &TokenRequest<'_>,
) -> Result<Assertion, OAuthError> {
    let not_a_jwt = || OAuthError::invalid_client("The client_assertion is not a signed JWT.");
    let mut parts = jwt.split('.');
    let (Some(header), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(not_a_jwt());
    };
    let header = decode_segment(header).ok_or_else(not_a_jwt)?;
    let unverified = decode_segment(payload).ok_or_else(not_a_jwt)?;
    // The client is named before the signature is checked: its registration says which key.
    let (iss, sub) = (unverified["iss"].as_str(), unverified["sub"].as_str());
    if iss != Some(DEMO_CLIENT_ID) || sub != Some(DEMO_CLIENT_ID) {
        return Err(OAuthError::invalid_client(
            "The client_assertion 'iss' and 'sub' must both be the client id of a registered \
             client; this one is not registered.",
        ));
    }
    if header["alg"].as_str() != Some("RS256") {
        return Err(OAuthError::invalid_client(
            "The client_assertion must be signed with RS256.",
        ));
    }
    if let Some(kid) = header["kid"].as_str() {
        if kid != DEMO_KEY_ID {
            return Err(OAuthError::invalid_client(format!(
                "The client_assertion 'kid' names no key registered for the client (its key id \
                 is {DEMO_KEY_ID})."
            )));
        }
    }
    let mut validation = Validation::new(Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    let claims = jsonwebtoken::decode::<Value>(jwt, &key.verifier, &validation)
        .map_err(|_| {
            OAuthError::invalid_client(
                "The client_assertion signature is invalid: it does not verify with the public \
                 key registered for the client.",
            )
        })?
        .claims;

    let audience = format!("{}{TOKEN_PATH}", req.base);
    let aud_ok = match &claims["aud"] {
        Value::String(a) => *a == audience,
        Value::Array(list) => list.iter().any(|a| a.as_str() == Some(&audience)),
        _ => false,
    };
    if !aud_ok {
        return Err(OAuthError::invalid_client(format!(
            "The audience [aud] claim of the client_assertion must be '{audience}'."
        )));
    }
    let now = req.now;
    let exp = claims["exp"].as_i64().ok_or_else(|| {
        OAuthError::invalid_client("The client_assertion has no expiration ('exp').")
    })?;
    if exp <= now {
        return Err(OAuthError::invalid_client(
            "The client_assertion token is expired.",
        ));
    }
    if exp > now + MAX_ASSERTION_LIFETIME_SECS + CLOCK_SKEW_SECS {
        return Err(OAuthError::invalid_client(
            "The client_assertion token has an expiration too far in the future (at most one \
             hour from now).",
        ));
    }
    if let Some(iat) = claims["iat"].as_i64() {
        if iat > now + CLOCK_SKEW_SECS {
            return Err(OAuthError::invalid_client(format!(
                "The client_assertion 'iat' is {} s in the future: check the clock (clock skew \
                 of at most {CLOCK_SKEW_SECS} s is allowed).",
                iat - now
            )));
        }
    }
    let jti = claims["jti"]
        .as_str()
        .filter(|j| !j.is_empty())
        .ok_or_else(|| OAuthError::invalid_client("The client_assertion has no 'jti'."))?;
    Ok(Assertion {
        jti: jti.to_string(),
        exp,
    })
}

fn decode_segment(segment: &str) -> Option<Value> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
}

/// The requested scopes, each granted to the app, in the order asked (duplicates dropped).
fn granted_scopes(requested: Option<&str>) -> Result<Vec<String>, OAuthError> {
    let mut scopes: Vec<String> = Vec::new();
    for s in requested.unwrap_or("").split_whitespace() {
        if !scopes.iter().any(|have| have == s) {
            scopes.push(s.to_string());
        }
    }
    if scopes.is_empty() {
        return Err(OAuthError::invalid_scope(
            "The 'scope' parameter is required: ask for one or more of the scopes granted to \
             the client.",
        ));
    }
    let refused: Vec<&str> = scopes
        .iter()
        .map(String::as_str)
        .filter(|s| !GRANTED_SCOPES.contains(s))
        .collect();
    if !refused.is_empty() {
        return Err(OAuthError::invalid_scope(format!(
            "The following scopes are not allowed for this client: {}.",
            refused.join(" ")
        )));
    }
    Ok(scopes)
}

/// `bytes` random bytes as base64url text.
fn random_text(bytes: usize) -> Option<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).ok()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_outside_the_grant_are_named() {
        let err = granted_scopes(Some("okta.users.read okta.roles.manage okta.x")).unwrap_err();
        assert_eq!(err.error, "invalid_scope");
        assert!(err.description.contains("okta.roles.manage okta.x"));
        assert_eq!(
            granted_scopes(Some(" okta.users.read  okta.users.read ")).unwrap(),
            ["okta.users.read"]
        );
        assert_eq!(granted_scopes(None).unwrap_err().error, "invalid_scope");
    }

    #[test]
    fn ids_are_single_use_until_they_lapse() {
        let ids = UsedIds::default();
        assert!(ids.first_use("a", 10, 0));
        assert!(!ids.first_use("a", 10, 5));
        assert!(ids.first_use("a", 20, 11));
    }
}
