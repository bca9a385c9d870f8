//! DPoP proofs (RFC 9449): the checks one proof JWT must pass, on the token request and on every
//! API request made with a DPoP-bound token. Replay of a proof's `jti` is the caller's to track,
//! since it spans requests.

use base64::Engine;
use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::clock::CLOCK_SKEW_SECS;

/// What the request says a proof must match.
pub struct Expected<'a> {
    /// `htm`: the request's method.
    pub method: &'a str,
    /// `htu`: the request's URL without query or fragment.
    pub url: &'a str,
    /// The access token the proof must be bound to through `ath` (API requests only).
    pub access_token: Option<&'a str>,
    /// The server nonce the proof must carry (token requests only).
    pub nonce: Option<&'a str>,
}

/// A proof that passed every check but `jti` replay.
#[derive(Debug)]
pub struct Proof {
    /// RFC 7638 SHA-256 thumbprint of the proof's public key, base64url.
    pub thumbprint: String,
    pub jti: String,
    /// Until when the `jti` must be remembered: after that the `iat` check refuses the proof.
    pub replay_until: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ProofError {
    /// The proof is wrong; the text says how.
    Invalid(String),
    /// The proof is fine but lacks the server's current nonce.
    NeedsNonce,
}

fn invalid(why: impl Into<String>) -> ProofError {
    ProofError::Invalid(why.into())
}

/// JWK members that only a private (or symmetric) key has.
const PRIVATE_JWK_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Checks `proof` against `expected` at epoch second `now`.
pub fn verify(proof: &str, expected: &Expected, now: i64) -> Result<Proof, ProofError> {
    let header = raw_header(proof).ok_or_else(|| invalid("The DPoP proof is not a JWT."))?;
    if header["typ"].as_str() != Some("dpop+jwt") {
        return Err(invalid("The DPoP proof 'typ' header must be 'dpop+jwt'."));
    }
    let alg = match header["alg"].as_str() {
        Some("ES256") => Algorithm::ES256,
        Some("RS256") => Algorithm::RS256,
        other => {
            return Err(invalid(format!(
                "The DPoP proof 'alg' {} is not supported (use ES256 or RS256).",
                other.unwrap_or("(none)")
            )))
        }
    };
    let jwk_value = header
        .get("jwk")
        .filter(|j| j.is_object())
        .ok_or_else(|| invalid("The DPoP proof header has no 'jwk' public key."))?;
    if PRIVATE_JWK_MEMBERS
        .iter()
        .any(|m| jwk_value.get(m).is_some())
    {
        return Err(invalid(
            "The DPoP proof 'jwk' contains private key material; send the public key only.",
        ));
    }
    let jwk: Jwk = serde_json::from_value(jwk_value.clone())
        .map_err(|_| invalid("The DPoP proof 'jwk' is not a valid public key."))?;
    let key = DecodingKey::from_jwk(&jwk)
        .map_err(|_| invalid("The DPoP proof 'jwk' is not a valid public key."))?;
    let claims = signed_claims(proof, &key, alg)?;

    if claims["htm"].as_str() != Some(expected.method) {
        return Err(invalid(format!(
            "The DPoP proof 'htm' must be '{}'.",
            expected.method
        )));
    }
    let htu = claims["htu"].as_str().unwrap_or("");
    let htu = htu.split(['?', '#']).next().unwrap_or("");
    if htu != expected.url {
        return Err(invalid(format!(
            "The DPoP proof 'htu' must be '{}'.",
            expected.url
        )));
    }
    let iat = claims["iat"]
        .as_i64()
        .ok_or_else(|| invalid("The DPoP proof has no 'iat'."))?;
    if iat > now + CLOCK_SKEW_SECS {
        return Err(invalid(format!(
            "The DPoP proof 'iat' is {} s in the future (more than the {CLOCK_SKEW_SECS} s of \
             clock skew allowed).",
            iat - now
        )));
    }
    if iat < now - CLOCK_SKEW_SECS {
        return Err(invalid(format!(
            "The DPoP proof is stale: its 'iat' is {} s old (at most {CLOCK_SKEW_SECS} s).",
            now - iat
        )));
    }
    let jti = claims["jti"]
        .as_str()
        .filter(|j| !j.is_empty())
        .ok_or_else(|| invalid("The DPoP proof has no 'jti'."))?;
    if let Some(token) = expected.access_token {
        if claims["ath"].as_str() != Some(access_token_hash(token).as_str()) {
            return Err(invalid(
                "The DPoP proof 'ath' does not match the access token (base64url SHA-256).",
            ));
        }
    }
    if let Some(nonce) = expected.nonce {
        if claims["nonce"].as_str() != Some(nonce) {
            return Err(ProofError::NeedsNonce);
        }
    }
    let thumbprint = jwk
        .thumbprint(ThumbprintHash::SHA256)
        .map_err(|_| invalid("The DPoP proof 'jwk' is not a valid public key."))?;
    Ok(Proof {
        thumbprint,
        jti: jti.to_string(),
        replay_until: iat + CLOCK_SKEW_SECS,
    })
}

/// The JOSE header as JSON, members the JWT crate would drop (private JWK parts) included.
fn raw_header(jwt: &str) -> Option<Value> {
    let first = jwt.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(first)
        .ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
}

/// The claims once the signature verifies; no time claims are checked here (DPoP has no `exp`).
fn signed_claims(jwt: &str, key: &DecodingKey, alg: Algorithm) -> Result<Value, ProofError> {
    let mut validation = Validation::new(alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(jwt, key, &validation)
        .map(|data| data.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                invalid("The DPoP proof signature does not verify with its 'jwk'.")
            }
            _ => invalid("The DPoP proof could not be verified with its 'jwk'."),
        })
}

/// `ath`: base64url(SHA-256(access token)).
pub fn access_token_hash(token: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_follows_rfc_7638() {
        // RFC 7638 §3.1's example key and thumbprint.
        let jwk: Jwk = serde_json::from_value(serde_json::json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        }))
        .unwrap();
        assert_eq!(
            jwk.thumbprint(ThumbprintHash::SHA256).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn ath_is_base64url_sha256() {
        // RFC 9449 §7.1's example.
        assert_eq!(
            access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
        );
    }

    #[test]
    fn junk_proofs_are_refused_without_panic() {
        let expected = Expected {
            method: "POST",
            url: "http://127.0.0.1/oauth2/v1/token",
            access_token: None,
            nonce: None,
        };
        for junk in ["", ".", "..", "a.b.c", "eyJ9.e30.", "\u{0}\u{ff}.x"] {
            assert!(matches!(
                verify(junk, &expected, 0),
                Err(ProofError::Invalid(_))
            ));
        }
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"a","y":"b","d":"c"}}"#);
        let err = verify(&format!("{header}.e30.c2ln"), &expected, 0).unwrap_err();
        assert!(matches!(err, ProofError::Invalid(why) if why.contains("private key")));

        // Public keys that are no keys at all, and keys of the other family than `alg`.
        let odd_keys = [
            ("RS256", r#"{"kty":"RSA","n":"AQ","e":"AQAB"}"#),
            ("RS256", r#"{"kty":"RSA","n":"","e":""}"#),
            ("RS256", r#"{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}"#),
            ("ES256", r#"{"kty":"EC","crv":"P-256","x":"","y":""}"#),
            ("ES256", r#"{"kty":"EC","crv":"P-384","x":"AQ","y":"AQ"}"#),
            ("ES256", r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#),
            ("ES256", r#"{"kty":"OKP","crv":"Ed25519","x":"AQ"}"#),
            ("ES256", r#"{"kty":"nope"}"#),
        ];
        for (alg, jwk) in odd_keys {
            let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(format!(r#"{{"typ":"dpop+jwt","alg":"{alg}","jwk":{jwk}}}"#));
            let proof = format!("{header}.eyJodG0iOiJQT1NUIn0.c2lnbmF0dXJl");
            assert!(
                matches!(verify(&proof, &expected, 0), Err(ProofError::Invalid(_))),
                "{alg} {jwk}"
            );
        }
    }
}
