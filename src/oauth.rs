//! OAuth 2.0 for Okta's service apps, the signing and reading half: the `private_key_jwt` client
//! assertion, DPoP proofs (RFC 9449), and what the org authorization server's token endpoint
//! answers. `http` does the asking; nothing here touches the network.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, EllipticCurve, EllipticCurveKeyParameters,
    EllipticCurveKeyType, Jwk,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use sha2::Digest;

use crate::auth::{KeySource, Secret, ServiceApp};

/// The org authorization server's token endpoint: only it mints tokens with `okta.*` scopes.
pub const TOKEN_PATH: &str = "/oauth2/v1/token";

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long a client assertion is good for: Okta refuses one that expires over an hour ahead.
const ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

/// A service app's private key, ready to sign. Read from its source for each token request.
pub struct AppKey {
    key: EncodingKey,
    /// A JWK file's own `kid`, used when `key-id=` is not given.
    kid: Option<String>,
}

/// Why a key could not be used; the message says what to give instead.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(String);

impl AppKey {
    pub fn load(source: &KeySource) -> Result<AppKey, KeyError> {
        let text = source.read().map_err(KeyError)?;
        let text = text.expose().trim();
        let unusable = |why: &str| {
            KeyError(format!(
                "the key {} {why}: give the service app's RSA private key as PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY) or as a JWK",
                source.describe()
            ))
        };
        let key = if text.starts_with('{') {
            let jwk: Value =
                serde_json::from_str(text).map_err(|_| unusable("is not valid JSON"))?;
            let kid = jwk.get("kid").and_then(Value::as_str).map(String::from);
            AppKey {
                key: rsa_key_from_jwk(&jwk).ok_or_else(|| unusable("is not an RSA private JWK"))?,
                kid,
            }
        } else if text.contains("-----BEGIN") {
            if text.contains("BEGIN PUBLIC KEY") || text.contains("BEGIN RSA PUBLIC KEY") {
                return Err(unusable("is a public key; the private one signs"));
            }
            AppKey {
                key: EncodingKey::from_rsa_pem(text.as_bytes())
                    .map_err(|_| unusable("is not an RSA private key"))?,
                kid: None,
            }
        } else {
            return Err(unusable("is neither PEM nor JSON"));
        };
        Ok(key)
    }
}

/// An RSA private JWK (`n`, `e`, `d`, `p`, `q`) as a signing key.
fn rsa_key_from_jwk(jwk: &Value) -> Option<EncodingKey> {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::BoxedUint;
    if jwk.get("kty")?.as_str()? != "RSA" {
        return None;
    }
    let number = |name: &str| -> Option<BoxedUint> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwk.get(name)?.as_str()?.trim_end_matches('='))
            .ok()?;
        Some(BoxedUint::from_be_slice_vartime(&bytes))
    };
    let key = rsa::PrivateKey::from_components(
        number("n")?,
        number("e")?,
        number("d")?,
        vec![number("p")?, number("q")?],
    )
    .ok()?;
    let der = key.to_pkcs1_der().ok()?;
    Some(EncodingKey::from_rsa_der(der.as_bytes()))
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A unique token id (`jti`): 128 random bits.
fn fresh_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system's random source is available");
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The body of a `client_credentials` token request, its `client_assertion` signed by the app's
/// key for this org's token endpoint.
pub fn token_request_form(
    app: &ServiceApp,
    key: &AppKey,
    token_url: &str,
) -> Result<String, KeyError> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = app.key_id.clone().or_else(|| key.kid.clone());
    let iat = now_secs();
    let claims = json!({
        "iss": app.client_id,
        "sub": app.client_id,
        "aud": token_url,
        "iat": iat,
        "exp": iat + ASSERTION_LIFETIME.as_secs(),
        "jti": fresh_id(),
    });
    let assertion = jsonwebtoken::encode(&header, &claims, &key.key).map_err(|e| {
        KeyError(format!(
            "cannot sign with the key {}: {e}",
            app.key.describe()
        ))
    })?;
    Ok(url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("scope", &app.scopes.join(" "))
        .append_pair("client_assertion_type", ASSERTION_TYPE)
        .append_pair("client_assertion", &assertion)
        .finish())
}

/// The session's DPoP key: an ephemeral P-256 pair, made at the first DPoP request and never
/// written anywhere; each proof carries its public half.
pub struct DpopKey {
    key: EncodingKey,
    public: Jwk,
}

impl DpopKey {
    pub fn generate() -> DpopKey {
        use p256::elliptic_curve::sec1::ToSec1Point;
        use p256::elliptic_curve::Generate;
        use p256::pkcs8::EncodePrivateKey;
        let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
        let secret = p256::ecdsa::SigningKey::generate_from_rng(&mut rng);
        let der = secret
            .to_pkcs8_der()
            .expect("a fresh P-256 key encodes as PKCS#8");
        let point = p256::PublicKey::from(secret.verifying_key()).to_sec1_point(false);
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let public = Jwk {
            common: CommonParameters::default(),
            algorithm: AlgorithmParameters::EllipticCurve(EllipticCurveKeyParameters {
                key_type: EllipticCurveKeyType::EC,
                curve: EllipticCurve::P256,
                x: b64(point.x().expect("an uncompressed point has x")),
                y: b64(point.y().expect("an uncompressed point has y")),
            }),
        };
        DpopKey {
            key: EncodingKey::from_ec_der(der.as_bytes()),
            public,
        }
    }

    /// A single-use proof for one request: its method, its URL without query or fragment, the
    /// server's nonce if it gave one, and for a resource request the hash of the access token.
    pub fn proof(
        &self,
        method: &str,
        url: &url::Url,
        nonce: Option<&str>,
        access_token: Option<&Secret>,
    ) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("dpop+jwt".into());
        header.jwk = Some(self.public.clone());
        let mut htu = url.clone();
        htu.set_query(None);
        htu.set_fragment(None);
        let mut claims = json!({
            "jti": fresh_id(),
            "htm": method,
            "htu": htu.as_str(),
            "iat": now_secs(),
        });
        if let Some(nonce) = nonce {
            claims["nonce"] = json!(nonce);
        }
        if let Some(token) = access_token {
            let hash = sha2::Sha256::digest(token.expose().as_bytes());
            claims["ath"] = json!(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash));
        }
        jsonwebtoken::encode(&header, &claims, &self.key)
            .expect("an in-memory P-256 key always signs")
    }
}

/// How an access token is presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    Bearer,
    /// Bound to the session's DPoP key: each request carries a fresh proof.
    Dpop,
}

impl TokenType {
    pub fn scheme(self) -> &'static str {
        match self {
            TokenType::Bearer => "Bearer",
            TokenType::Dpop => "DPoP",
        }
    }
}

/// What the token endpoint granted.
#[derive(Debug, Clone)]
pub struct Grant {
    pub access_token: Secret,
    pub token_type: TokenType,
    pub expires_in: Duration,
    /// The scopes granted (Okta echoes them; the asked-for ones when it does not).
    pub scopes: Vec<String>,
}

/// The token endpoint's refusal, in OAuth's words (`invalid_client`, `invalid_scope`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub error: String,
    pub description: String,
}

impl Refusal {
    /// The org wants DPoP: its nonce is in the `dpop-nonce` header, or it wants a proof at all.
    pub fn wants_dpop(&self) -> bool {
        matches!(self.error.as_str(), "use_dpop_nonce" | "invalid_dpop_proof")
    }

    /// One line: what the org said and what to fix.
    pub fn explain(&self, app: &ServiceApp) -> String {
        let said = if self.description.is_empty() {
            self.error.clone()
        } else {
            format!("{}: {}", self.error, self.description)
        };
        let lower = self.description.to_ascii_lowercase();
        let fix = match self.error.as_str() {
            _ if ["iat", "skew", "future", "not yet valid", "expired"]
                .iter()
                .any(|w| lower.contains(w)) =>
            {
                "check this machine's clock (the assertion's times are off)".to_string()
            }
            "invalid_client" => format!(
                "check client-id={} and that the key{} is the one registered with the app (public key, same kid)",
                app.client_id,
                app.key_id
                    .as_ref()
                    .map(|k| format!(" (key-id={k})"))
                    .unwrap_or_default()
            ),
            "invalid_scope" => format!(
                "grant the scopes to the app (Okta API Scopes tab) or ask for fewer: scopes='{}'",
                app.scopes.join(" ")
            ),
            "unauthorized_client" => {
                "the app may not use the client_credentials grant: it must be an API Services app"
                    .into()
            }
            "invalid_dpop_proof" => "the org refused the DPoP proof".into(),
            _ => String::new(),
        };
        if fix.is_empty() {
            format!("the org refused a token for {} ({said})", app.client_id)
        } else {
            format!(
                "the org refused a token for {} ({said}): {fix}",
                app.client_id
            )
        }
    }
}

/// Reads the token endpoint's answer: a grant, a refusal, or `None` when it is not OAuth at all
/// (an HTML page, a proxy).
pub fn read_token_answer(
    status: u16,
    body: &[u8],
    asked: &[String],
) -> Option<Result<Grant, Refusal>> {
    let value: Value = serde_json::from_slice(body).ok()?;
    if (200..300).contains(&status) {
        let access_token = value.get("access_token")?.as_str()?;
        let token_type = match value.get("token_type").and_then(Value::as_str) {
            Some(t) if t.eq_ignore_ascii_case("DPoP") => TokenType::Dpop,
            _ => TokenType::Bearer,
        };
        let expires_in = value
            .get("expires_in")
            .and_then(Value::as_u64)
            .unwrap_or(3600);
        let scopes = value
            .get("scope")
            .and_then(Value::as_str)
            .map(|s| s.split_whitespace().map(String::from).collect())
            .unwrap_or_else(|| asked.to_vec());
        return Some(Ok(Grant {
            access_token: Secret::new(access_token),
            token_type,
            expires_in: Duration::from_secs(expires_in),
            scopes,
        }));
    }
    let error = value.get("error")?.as_str()?.to_string();
    let description = value
        .get("error_description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Some(Err(Refusal {
        status,
        error,
        description,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};

    fn test_key() -> rsa::PrivateKey {
        let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
        rsa::PrivateKey::new(&mut rng, 2048).unwrap()
    }

    fn app(key: KeySource) -> ServiceApp {
        ServiceApp {
            client_id: "0oa1234567890abcdefg".into(),
            key,
            key_id: Some("kid-1".into()),
            scopes: vec!["okta.users.read".into(), "okta.users.manage".into()],
            dpop: false,
        }
    }

    #[test]
    fn an_assertion_is_signed_for_the_token_endpoint_and_verifies() {
        let key = test_key();
        let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap();
        let app = app(KeySource::Pem(Secret::new(pem.as_str())));
        let loaded = AppKey::load(&app.key).unwrap();
        let url = "https://acme.okta.com/oauth2/v1/token";
        let form = token_request_form(&app, &loaded, url).unwrap();
        let pairs: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(form.as_bytes())
                .into_owned()
                .collect();
        assert_eq!(pairs["grant_type"], "client_credentials");
        assert_eq!(pairs["scope"], "okta.users.read okta.users.manage");
        assert_eq!(pairs["client_assertion_type"], ASSERTION_TYPE);
        use rsa::pkcs8::EncodePublicKey;
        let public = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.set_audience(&[url]);
        let data = jsonwebtoken::decode::<Value>(
            &pairs["client_assertion"],
            &jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).unwrap(),
            &validation,
        )
        .unwrap();
        assert_eq!(data.header.kid.as_deref(), Some("kid-1"));
        assert_eq!(data.claims["iss"], "0oa1234567890abcdefg");
        assert_eq!(data.claims["sub"], "0oa1234567890abcdefg");
        let (iat, exp) = (
            data.claims["iat"].as_u64().unwrap(),
            data.claims["exp"].as_u64().unwrap(),
        );
        assert!(exp > iat && exp - iat <= 3600);
        // Two assertions never share a jti.
        let again = token_request_form(&app, &loaded, url).unwrap();
        assert_ne!(form, again);
    }

    #[test]
    fn keys_load_from_pkcs1_and_jwk_and_bad_ones_say_what_to_give() {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::traits::{PrivateKeyParts, PublicKeyParts};
        let key = test_key();
        let pkcs1 = key.to_pkcs1_pem(LineEnding::LF).unwrap();
        assert!(AppKey::load(&KeySource::Pem(Secret::new(pkcs1.as_str()))).is_ok());
        let b64 = |n: &rsa::BoxedUint| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(n.to_be_bytes())
        };
        let jwk = json!({"kty": "RSA", "kid": "from-jwk", "n": b64(key.n()), "e": b64(key.e()),
            "d": b64(key.d()), "p": b64(&key.primes()[0]), "q": b64(&key.primes()[1])});
        let loaded = AppKey::load(&KeySource::Pem(Secret::new(jwk.to_string()))).unwrap();
        assert_eq!(loaded.kid.as_deref(), Some("from-jwk"));
        let mut no_kid = app(KeySource::Pem(Secret::new(jwk.to_string())));
        no_kid.key_id = None;
        let form = token_request_form(&no_kid, &loaded, "https://x/oauth2/v1/token").unwrap();
        assert!(form.contains("client_assertion="));

        for (text, says) in [
            ("not a key", "neither PEM nor JSON"),
            ("{\"kty\":\"EC\"}", "not an RSA private JWK"),
            (
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
                "is a public key",
            ),
            (
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
                "not an RSA private key",
            ),
        ] {
            let e = AppKey::load(&KeySource::Pem(Secret::new(text)))
                .err()
                .unwrap()
                .to_string();
            assert!(e.contains(says), "{text}: {e}");
            assert!(!e.contains("AAAA"), "{e}");
        }
    }

    #[test]
    fn a_dpop_proof_carries_the_public_key_method_url_nonce_and_token_hash() {
        let key = DpopKey::generate();
        let url = url::Url::parse("https://acme.okta.com/api/v1/users?limit=2#x").unwrap();
        let token = Secret::new("an-access-token");
        let proof = key.proof("GET", &url, Some("n-1"), Some(&token));
        let header = jsonwebtoken::decode_header(&proof).unwrap();
        assert_eq!(header.typ.as_deref(), Some("dpop+jwt"));
        let jwk = header.jwk.unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::ES256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<Value>(
            &proof,
            &jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap(),
            &validation,
        )
        .unwrap()
        .claims;
        assert_eq!(claims["htm"], "GET");
        assert_eq!(claims["htu"], "https://acme.okta.com/api/v1/users");
        assert_eq!(claims["nonce"], "n-1");
        let hash = sha2::Sha256::digest(b"an-access-token");
        assert_eq!(
            claims["ath"],
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash)
        );
        assert_ne!(proof, key.proof("GET", &url, Some("n-1"), Some(&token)));
    }

    #[test]
    fn token_answers_read_as_grants_refusals_or_not_oauth() {
        let asked = vec!["okta.users.read".to_string()];
        let grant = read_token_answer(
            200,
            br#"{"token_type":"DPoP","expires_in":60,"access_token":"abc","scope":"okta.users.read okta.logs.read"}"#,
            &asked,
        )
        .unwrap()
        .unwrap();
        assert_eq!(grant.token_type, TokenType::Dpop);
        assert_eq!(grant.expires_in, Duration::from_secs(60));
        assert_eq!(grant.scopes.len(), 2);
        let refusal = read_token_answer(
            400,
            br#"{"error":"invalid_scope","error_description":"The following scopes are not allowed: okta.apps.manage"}"#,
            &asked,
        )
        .unwrap()
        .unwrap_err();
        let app = app(KeySource::EnvVar("K".into()));
        let line = refusal.explain(&app);
        assert!(
            line.contains("okta.apps.manage") && line.contains("scopes="),
            "{line}"
        );
        assert!(read_token_answer(200, b"<html>", &asked).is_none());
        let skew = Refusal {
            status: 401,
            error: "invalid_client".into(),
            description: "The client_assertion token has an iat in the future.".into(),
        };
        assert!(skew.explain(&app).contains("clock"));
    }
}
