//! Credentials: the token itself ([`Secret`], never shown), where it comes from
//! ([`TokenSource`]) and how it is sent ([`AuthScheme`]). `http` attaches them; `session` and
//! `config` keep them. OAuth service apps and DPoP join here later.

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    pub scheme: AuthScheme,
    pub token: TokenSource,
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
