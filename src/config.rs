//! Where oktash keeps things on disk, and the environments found at start-up: the saved ones
//! (a 0600 file in the config directory) and `OKTA_CLIENT_ORGURL` / `OKTA_CLIENT_TOKEN`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::auth::{Auth, AuthScheme, KeySource, Secret, ServiceApp, TokenSource};
use crate::session::{EnvOrigin, Environment};

/// `$OKTASH_CONFIG_DIR` or the platform's config directory, plus `oktash/`.
pub fn config_dir() -> Option<PathBuf> {
    std::env::var_os("OKTASH_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("oktash")))
}

/// `$OKTASH_DATA_DIR` or the platform's data directory, plus `oktash/`.
pub fn data_dir() -> Option<PathBuf> {
    std::env::var_os("OKTASH_DATA_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join("oktash")))
}

pub fn environments_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("environments.json"))
}

pub fn history_path() -> Option<PathBuf> {
    data_dir().map(|d| d.join("history"))
}

/// Creates (or truncates) a file readable by its owner only, creating its directory.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    restrict(path)?;
    Ok(file)
}

/// Creates a directory and its missing parents readable by their owner only (0700): the mode
/// is given at creation, so a permissive umask (000) does not open them to others.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Opens a file for appending, creating it readable by its owner only (0600).
pub fn append_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    // A file that was there before (or a device such as /dev/stdout) may not be ours to change.
    let _ = restrict(path);
    Ok(file)
}

/// Makes an existing file 0600 (a file made by an older version, or by another program).
pub fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    let _ = path;
    Ok(())
}

/// Saves the environments the user added (not those from the demo, env vars or imports).
pub fn save_environments(path: &Path, environments: &[Environment]) -> std::io::Result<()> {
    let saved: Vec<Value> = environments
        .iter()
        .filter(|e| e.origin == EnvOrigin::Config)
        .map(|e| {
            let auth = e.auth.as_ref().map(|a| match a {
                Auth::Token { scheme, token } => {
                    let (key, value) = match token {
                        TokenSource::Literal(s) => ("token", s.expose().to_string()),
                        TokenSource::EnvVar(v) => ("tokenEnv", v.clone()),
                    };
                    json!({"scheme": scheme.as_str(), key: value})
                }
                // Where the key is, never the key: `env add` takes only @FILE and env:VAR.
                Auth::ServiceApp(app) => {
                    let key = match &app.key {
                        KeySource::File(path) => json!({"file": path}),
                        KeySource::EnvVar(var) => json!({"env": var}),
                        KeySource::Pem(_) => Value::Null,
                    };
                    json!({"scheme": "OAuth", "clientId": app.client_id, "key": key,
                        "keyId": app.key_id, "scopes": app.scopes, "dpop": app.dpop})
                }
            });
            let variables: serde_json::Map<String, Value> = e.variables.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
            json!({"name": e.name, "url": e.url, "auth": auth, "protected": e.protected, "variables": variables})
        })
        .collect();
    let text = serde_json::to_string_pretty(&saved).unwrap_or_else(|_| "[]".into());
    let mut file = create_private(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")
}

/// Why saved environments could not be read; the shell notes it and starts without them.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is damaged ({source}); its environments were not loaded", .path.display())]
    Damaged {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{} is not a list of environments", .path.display())]
    NotAList { path: PathBuf },
    #[error("{} is not valid YAML: {source}", .path.display())]
    NotYaml {
        path: PathBuf,
        source: yaml_rust2::ScanError,
    },
}

/// Reads saved environments; a damaged file is reported and skipped, never fatal.
pub fn load_environments(path: &Path) -> Result<Vec<Environment>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(ConfigError::Unreadable {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let value: Value = serde_json::from_str(&text).map_err(|source| ConfigError::Damaged {
        path: path.to_path_buf(),
        source,
    })?;
    let list = value.as_array().ok_or_else(|| ConfigError::NotAList {
        path: path.to_path_buf(),
    })?;
    let mut out = Vec::new();
    for item in list {
        let (Some(name), Some(url)) = (
            item.get("name").and_then(Value::as_str),
            item.get("url").and_then(Value::as_str),
        ) else {
            continue;
        };
        let auth = item.get("auth").filter(|a| a.is_object()).and_then(|a| {
            let scheme = match a.get("scheme").and_then(Value::as_str) {
                Some("Bearer") => AuthScheme::Bearer,
                Some("OAuth") => return saved_service_app(a),
                _ => AuthScheme::Ssws,
            };
            let token = match (
                a.get("token").and_then(Value::as_str),
                a.get("tokenEnv").and_then(Value::as_str),
            ) {
                (Some(t), _) => TokenSource::Literal(Secret::new(t)),
                (None, Some(v)) => TokenSource::EnvVar(v.to_string()),
                _ => return None,
            };
            Some(Auth::token(scheme, token))
        });
        out.push(Environment {
            name: name.to_string(),
            url: url.trim_end_matches('/').to_string(),
            auth,
            origin: EnvOrigin::Config,
            protected: item
                .get("protected")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            // `{{variables}}` of an imported Postman environment that `env add` pointed at an org.
            variables: item
                .get("variables")
                .and_then(Value::as_object)
                .map(|vars| {
                    vars.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

fn saved_service_app(auth: &Value) -> Option<Auth> {
    let key = &auth["key"];
    let key = match (key["file"].as_str(), key["env"].as_str()) {
        (Some(path), _) => KeySource::File(PathBuf::from(path)),
        (None, Some(var)) => KeySource::EnvVar(var.to_string()),
        _ => return None,
    };
    Some(Auth::ServiceApp(ServiceApp {
        client_id: auth["clientId"].as_str()?.to_string(),
        key,
        key_id: auth["keyId"].as_str().map(String::from),
        scopes: auth["scopes"]
            .as_array()?
            .iter()
            .filter_map(|s| Some(s.as_str()?.to_string()))
            .collect(),
        dpop: auth["dpop"].as_bool().unwrap_or(false),
    }))
}

/// Scopes as Okta's SDKs take them: space- or comma-separated.
pub fn split_scopes(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The SDKs' `privateKey`: the key itself (PEM or JWK, kept where it is given) or a file path.
fn sdk_private_key(text: &str, key_itself: impl FnOnce() -> KeySource) -> KeySource {
    if text.contains("-----BEGIN") || text.trim_start().starts_with('{') {
        key_itself()
    } else {
        KeySource::File(PathBuf::from(text))
    }
}

/// The SDKs' `PrivateKey` authorization mode: a service app, its key given as PEM text or as a
/// file path. `None` when the mode is another or the client id is missing.
fn sdk_service_app(
    mode: Option<&str>,
    client_id: Option<&str>,
    scopes: Vec<String>,
    private_key: Option<KeySource>,
    key_id: Option<&str>,
) -> Option<Auth> {
    if !mode?.eq_ignore_ascii_case("PrivateKey") {
        return None;
    }
    Some(Auth::ServiceApp(ServiceApp {
        client_id: client_id.filter(|c| !c.is_empty())?.to_string(),
        key: private_key?,
        key_id: key_id.filter(|k| !k.is_empty()).map(String::from),
        scopes,
        dpop: false,
    }))
}

/// The name of the environment made from `OKTA_CLIENT_*`: not `env`, which `use env` reads as
/// the keyword.
pub const ENV_VARS_NAME: &str = "okta-client";

/// `OKTA_CLIENT_ORGURL` + `OKTA_CLIENT_TOKEN`, or the `PrivateKey` mode's
/// `OKTA_CLIENT_AUTHORIZATIONMODE`, `_CLIENTID`, `_SCOPES`, `_PRIVATEKEY` (PEM or a path) and
/// `_PRIVATEKEYID` (the Okta SDKs' convention), as environment `okta-client`.
/// A token or PEM stays in its variable: read at each use and never written anywhere.
pub fn from_process_env() -> Option<Environment> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let url = var("OKTA_CLIENT_ORGURL")?;
    let private_key = var("OKTA_CLIENT_PRIVATEKEY")
        .map(|key| sdk_private_key(&key, || KeySource::EnvVar("OKTA_CLIENT_PRIVATEKEY".into())));
    let auth = sdk_service_app(
        var("OKTA_CLIENT_AUTHORIZATIONMODE").as_deref(),
        var("OKTA_CLIENT_CLIENTID").as_deref(),
        split_scopes(&var("OKTA_CLIENT_SCOPES").unwrap_or_default()),
        private_key,
        var("OKTA_CLIENT_PRIVATEKEYID").as_deref(),
    )
    .or_else(|| {
        var("OKTA_CLIENT_TOKEN").map(|_| {
            Auth::token(
                AuthScheme::Ssws,
                TokenSource::EnvVar("OKTA_CLIENT_TOKEN".into()),
            )
        })
    });
    Some(Environment {
        name: ENV_VARS_NAME.into(),
        url: url.trim_end_matches('/').to_string(),
        auth,
        origin: EnvOrigin::EnvVars,
        protected: false,
        variables: Vec::new(),
    })
}

/// `~/.okta/okta.yaml` (`okta.client.orgUrl` with `token`, or `authorizationMode: PrivateKey`
/// with `clientId`, `scopes`, `privateKey` (PEM or a path) and `privateKeyId`), as Okta's SDKs
/// read it, as environment `okta.yaml`. A damaged file is reported, never fatal.
pub fn from_okta_yaml() -> Result<Option<Environment>, ConfigError> {
    let Some(home) = dirs::home_dir() else {
        return Ok(None);
    };
    let path = home.join(".okta").join("okta.yaml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(ConfigError::Unreadable { path, source }),
    };
    let docs = yaml_rust2::YamlLoader::load_from_str(&text)
        .map_err(|source| ConfigError::NotYaml { path, source })?;
    let Some(doc) = docs.first() else {
        return Ok(None);
    };
    let client = &doc["okta"]["client"];
    let Some(url) = client["orgUrl"].as_str().filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let scopes = match &client["scopes"] {
        yaml_rust2::Yaml::Array(list) => list
            .iter()
            .filter_map(|s| s.as_str())
            .map(String::from)
            .collect(),
        other => split_scopes(other.as_str().unwrap_or_default()),
    };
    let private_key = client["privateKey"]
        .as_str()
        .filter(|k| !k.trim().is_empty())
        .map(|key| sdk_private_key(key, || KeySource::Pem(Secret::new(key))));
    let auth = sdk_service_app(
        client["authorizationMode"].as_str(),
        client["clientId"].as_str(),
        scopes,
        private_key,
        client["privateKeyId"].as_str(),
    )
    .or_else(|| {
        client["token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .map(|t| Auth::token(AuthScheme::Ssws, TokenSource::Literal(Secret::new(t))))
    });
    Ok(Some(Environment {
        name: "okta.yaml".into(),
        url: url.trim_end_matches('/').to_string(),
        auth,
        origin: EnvOrigin::OktaYaml,
        protected: false,
        variables: Vec::new(),
    }))
}
