//! Credentials: the token itself ([`Secret`], never shown), where it comes from
//! ([`TokenSource`]), how it is sent ([`AuthScheme`]), and OAuth 2.0 service apps
//! ([`ServiceApp`]) whose tokens are minted as needed (`oauth` signs, `http` asks and attaches).
//! `session` and `config` keep them.

use std::fmt;

/// A credential. `Debug` and `Display` never show it; `masked()` shows its last four characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that needs it: the Authorization header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `••••k2Qa`: enough to tell tokens apart, never enough to use one.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let tail: String = if chars.len() >= 12 {
            chars[chars.len() - 4..].iter().collect()
        } else {
            String::new()
        };
        format!("••••{tail}")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

/// Where a token comes from: typed in (kept in memory and the 0600 config file), or read from
/// an environment variable at each use (never written anywhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    Literal(Secret),
    EnvVar(String),
}

impl TokenSource {
    /// `env:VAR` names a variable; anything else is the token itself.
    pub fn parse(text: &str) -> TokenSource {
        match text.strip_prefix("env:") {
            Some(var) if !var.is_empty() => TokenSource::EnvVar(var.to_string()),
            _ => TokenSource::Literal(Secret::new(text)),
        }
    }

    pub fn resolve(&self) -> Result<Secret, TokenUnset> {
        match self {
            TokenSource::Literal(s) => Ok(s.clone()),
            TokenSource::EnvVar(var) => std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .map(Secret::new)
                .ok_or_else(|| TokenUnset(var.clone())),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            TokenSource::Literal(s) => s.masked(),
            TokenSource::EnvVar(var) => format!("env:{var}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    Ssws,
    Bearer,
}

impl AuthScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthScheme::Ssws => "SSWS",
            AuthScheme::Bearer => "Bearer",
        }
    }
}

/// How an environment proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// A token sent as it is: an SSWS API token, or a Bearer token pasted from elsewhere.
    Token {
        scheme: AuthScheme,
        token: TokenSource,
    },
    /// An OAuth 2.0 service app: access tokens are minted with a private_key_jwt assertion,
    /// kept in memory only and renewed before they run out.
    ServiceApp(ServiceApp),
}

impl Auth {
    pub fn token(scheme: AuthScheme, token: TokenSource) -> Auth {
        Auth::Token { scheme, token }
    }

    /// `SSWS`, `Bearer`, `OAuth` or `OAuth+DPoP`.
    pub fn kind(&self) -> &'static str {
        match self {
            Auth::Token { scheme, .. } => scheme.as_str(),
            Auth::ServiceApp(app) if app.dpop => "OAuth+DPoP",
            Auth::ServiceApp(_) => "OAuth",
        }
    }

    /// What `env` shows: the kind and something to tell credentials apart, never the secret.
    pub fn describe(&self) -> String {
        match self {
            Auth::Token { scheme, token } => format!("{} {}", scheme.as_str(), token.describe()),
            Auth::ServiceApp(app) => format!("{} {}", self.kind(), app.client_id),
        }
    }
}

/// An Okta API Services app: its client id, the private key whose public half is registered
/// with it, and the scopes to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceApp {
    pub client_id: String,
    pub key: KeySource,
    /// The `kid` of the registered key (Okta shows it next to the key); sent in the assertion's
    /// header so that an app with several keys knows which one to check.
    pub key_id: Option<String>,
    pub scopes: Vec<String>,
    /// Ask for DPoP-bound tokens from the start (otherwise switched on when the org asks).
    pub dpop: bool,
}

/// Where a service app's private key is: a file (PEM or JWK), an environment variable holding
/// the PEM, or the PEM itself (from `~/.okta/okta.yaml`). Read at each token request, so that
/// the key is in memory only while an assertion is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    File(std::path::PathBuf),
    EnvVar(String),
    Pem(Secret),
}

impl KeySource {
    /// `@FILE` or `env:VAR`; the file's path is made absolute so that a saved environment works
    /// from any directory.
    pub fn parse(text: &str) -> Result<KeySource, String> {
        if let Some(var) = text.strip_prefix("env:").filter(|v| !v.is_empty()) {
            return Ok(KeySource::EnvVar(var.to_string()));
        }
        let Some(path) = text.strip_prefix('@').filter(|p| !p.is_empty()) else {
            return Err(
                "key= takes @FILE (a PEM or JWK file) or env:VAR (a variable holding the PEM)"
                    .into(),
            );
        };
        let path = std::path::Path::new(path);
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        if !path.is_file() {
            return Err(format!("key=@{}: no such file", path.display()));
        }
        Ok(KeySource::File(path))
    }

    /// The key's text: PEM or JWK JSON.
    pub fn read(&self) -> Result<Secret, String> {
        match self {
            KeySource::File(path) => std::fs::read_to_string(path)
                .map(Secret::new)
                .map_err(|e| format!("cannot read the key {}: {e}", path.display())),
            KeySource::EnvVar(var) => std::env::var(var)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(Secret::new)
                .ok_or_else(|| format!("the key variable {var} is not set")),
            KeySource::Pem(pem) => Ok(pem.clone()),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            KeySource::File(path) => format!("@{}", path.display()),
            KeySource::EnvVar(var) => format!("env:{var}"),
            KeySource::Pem(_) => "(PEM in okta.yaml)".into(),
        }
    }
}

/// An `env:VAR` token whose variable is not set when a request needs it.
#[derive(Debug, thiserror::Error)]
#[error("the token variable {0} is not set")]
pub struct TokenUnset(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("00abcdefghijklmnopk2Qa");
        assert_eq!(format!("{s:?}"), "Secret(redacted)");
        assert_eq!(s.masked(), "••••k2Qa");
        assert_eq!(Secret::new("short").masked(), "••••");
    }
}
