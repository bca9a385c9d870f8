//! Environments: `env`, `env add`, `env rm`, `use`, and saving them to the config file.

use std::io::Write;

use crate::auth::{Auth, AuthScheme, KeySource, ServiceApp, TokenSource};
use crate::config;
use crate::lang::{self, AuthArg, Word};
use crate::okta;
use crate::render;
use crate::session::{EnvOrigin, Environment};

use super::{fail, Failure, Outcome, Shell};

impl Shell {
    pub(super) fn active_env(&self) -> Result<&Environment, Failure> {
        self.session.active_env().ok_or_else(|| {
            Failure::Message(
                "no environment is active: `env add NAME URL token=…` then `use NAME`, set OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN, or start with --demo".into(),
            )
        })
    }

    /// `env`: a table on a terminal, a JSON array elsewhere; tokens masked in both.
    pub(super) fn env_list(&self) -> Outcome {
        if self.session.environments.is_empty() {
            return Outcome::Text(
                "no environments yet: `env add NAME URL token=…`, or start with --demo".into(),
            );
        }
        let rows: Vec<[String; 7]> = self
            .session
            .environments
            .iter()
            .enumerate()
            .map(|(i, env)| {
                let (auth, scopes) = match &env.auth {
                    Some(a) => self.describe_auth(env, a),
                    None => ("none".into(), String::new()),
                };
                [
                    if Some(i) == self.session.active {
                        "*"
                    } else {
                        ""
                    }
                    .to_string(),
                    env.name.clone(),
                    env.url.clone(),
                    auth,
                    env.origin.to_string(),
                    if env.protected { "yes" } else { "" }.to_string(),
                    scopes,
                ]
            })
            .collect();
        let json = rows
            .iter()
            .zip(&self.session.environments)
            .map(
                |([active, name, url, auth, from, protected, scopes], environment)| {
                    let mut env = serde_json::json!({
                        "name": name, "url": url, "auth": auth, "from": from,
                        "active": !active.is_empty(), "protected": !protected.is_empty(),
                    });
                    if !scopes.is_empty() {
                        env["scopes"] = scopes.split(' ').collect();
                    }
                    if let Some(Auth::ServiceApp(app)) = &environment.auth {
                        env["client_id"] = app.client_id.clone().into();
                    }
                    env
                },
            )
            .collect();
        // SCOPES last: the column a narrow terminal drops first.
        let header = ["", "NAME", "URL", "AUTH", "FROM", "PROTECTED", "SCOPES"].map(String::from);
        Outcome::Listing {
            text: render::grid(
                header.to_vec(),
                rows.into_iter().map(Vec::from).collect(),
                self.style,
            ),
            json: serde_json::Value::Array(json),
        }
    }

    /// The AUTH and SCOPES columns: the kind and something to tell credentials apart; for a
    /// service app, when its current token runs out, and the scopes it holds (or asks for).
    fn describe_auth(&self, env: &Environment, auth: &Auth) -> (String, String) {
        let Auth::ServiceApp(app) = auth else {
            return (auth.describe(), String::new());
        };
        let status = url::Url::parse(&env.url)
            .ok()
            .and_then(|base| self.client.token_status(&base, app));
        match status {
            Some(s) => {
                let kind = match s.token_type {
                    crate::oauth::TokenType::Dpop => "OAuth+DPoP",
                    crate::oauth::TokenType::Bearer => auth.kind(),
                };
                let expiry = if s.expires_in.is_zero() {
                    "token expired".to_string()
                } else {
                    format!("token {} left", render::duration_words(s.expires_in))
                };
                (
                    format!("{kind} {}, {expiry}", short_client_id(&app.client_id)),
                    s.scopes.join(" "),
                )
            }
            None => (
                format!("{}, no token yet", auth.describe()),
                app.scopes.join(" "),
            ),
        }
    }

    pub(super) fn env_add(
        &mut self,
        name: String,
        url: &Word,
        auth: Option<AuthArg>,
        protected: bool,
    ) -> Result<Outcome, Failure> {
        let url_text = self.word_text(url, "the org URL")?;
        let base = okta::check_org_url(&url_text)?;
        let token = |scheme, token: String| Auth::token(scheme, TokenSource::parse(&token));
        let auth = match auth {
            Some(AuthArg::Ssws(w)) => Some(token(AuthScheme::Ssws, self.typed_token(&w)?)),
            Some(AuthArg::Bearer(w)) => Some(token(AuthScheme::Bearer, self.typed_token(&w)?)),
            Some(AuthArg::ServiceApp {
                client_id,
                key,
                key_id,
                scopes,
                dpop,
            }) => Some(self.service_app(&client_id, &key, key_id.as_ref(), &scopes, dpop)?),
            None if self.interactive => Some(token(AuthScheme::Ssws, prompt_token(&name)?)),
            None => None,
        };
        let env = Environment {
            name: name.clone(),
            url: base.as_str().trim_end_matches('/').to_string(),
            auth,
            origin: EnvOrigin::Config,
            protected,
            // Re-adding an imported Postman environment points it at an org and keeps its variables.
            variables: self
                .session
                .find_env(&name)
                .map(|i| self.session.environments[i].variables.clone())
                .unwrap_or_default(),
        };
        self.session.upsert_env(env);
        self.save_environments()?;
        Ok(Outcome::Text(format!(
            "environment {name} added; `use {name}` to switch to it"
        )))
    }

    /// A service app from `client-id=… key=… [key-id=…] scopes=…`. The key is read and checked
    /// now, so that a wrong file is found at `env add` rather than at the first request; only
    /// where it is gets kept.
    fn service_app(
        &self,
        client_id: &Word,
        key: &Word,
        key_id: Option<&Word>,
        scopes: &Word,
        dpop: bool,
    ) -> Result<Auth, Failure> {
        let client_id = self.word_text(client_id, "client-id")?.trim().to_string();
        if client_id.is_empty() || client_id.contains(char::is_whitespace) {
            return fail("client-id= is the service app's client id, e.g. 0oa1b2c3d4e5f6g7h8i9");
        }
        let key = KeySource::parse(self.word_text(key, "key")?.trim()).map_err(Failure::Message)?;
        crate::oauth::AppKey::load(&key).map_err(|e| Failure::Message(e.to_string()))?;
        let key_id = match key_id {
            Some(w) => {
                Some(self.word_text(w, "key-id")?.trim().to_string()).filter(|k| !k.is_empty())
            }
            None => None,
        };
        let scopes = config::split_scopes(&self.word_text(scopes, "scopes")?);
        if scopes.is_empty() {
            return fail("scopes= is empty: give the Okta API scopes granted to the app, e.g. scopes='okta.users.read'");
        }
        Ok(Auth::ServiceApp(ServiceApp {
            client_id,
            key,
            key_id,
            scopes,
            dpop,
        }))
    }

    /// The token of a `token=` / `bearer=` word. A mask is refused: a line recalled from the
    /// history carries `token=••••`, and storing the mask would make every request a 401.
    fn typed_token(&self, word: &Word) -> Result<String, Failure> {
        let token = self.word_text(word, "the token")?;
        if token.contains('•') {
            return fail("token=•••• is a mask from the history: type the token, or token=env:VAR");
        }
        if token.trim().is_empty() {
            return fail("the token is empty: give token=…, bearer=…, or token=env:VAR");
        }
        Ok(token)
    }

    pub(super) fn env_remove(&mut self, name: &str) -> Result<Outcome, Failure> {
        let Some(index) = self.session.find_env(name) else {
            return fail(self.unknown_env(name));
        };
        self.session.environments.remove(index);
        self.session.active = match self.session.active {
            Some(a) if a == index => None,
            Some(a) if a > index => Some(a - 1),
            other => other,
        };
        self.save_environments()?;
        Ok(Outcome::Text(format!("environment {name} removed")))
    }

    fn save_environments(&self) -> Result<(), Failure> {
        if let Some(path) = &self.config_path {
            config::save_environments(path, &self.session.environments).map_err(|e| {
                Failure::Message(format!(
                    "cannot save environments to {}: {e}",
                    path.display()
                ))
            })?;
        }
        Ok(())
    }

    fn unknown_env(&self, name: &str) -> String {
        let names = self.session.env_names();
        let mut msg = format!("no environment named {name}");
        if let Some(s) = lang::suggest(name, &names) {
            msg.push_str(&format!("; did you mean {s}?"));
        }
        if names.is_empty() {
            msg.push_str(" (none defined: `env add NAME URL token=…`)");
        } else {
            msg.push_str(&format!(" (known: {})", names.join(", ")));
        }
        msg
    }

    /// `demo reset`: the demo org back at its seed. Only an org on loopback is a demo org; a
    /// real Okta org is never asked.
    /// The active org is on loopback: oktash's demo org (`--demo` or `demo serve`), as far as
    /// the shell can tell.
    pub(super) fn on_demo_org(&self) -> bool {
        self.base_url()
            .is_ok_and(|base| crate::urls::is_loopback(&base))
    }

    pub(super) fn demo_reset(&mut self) -> Result<Outcome, Failure> {
        let base = self.base_url()?;
        if !self.on_demo_org() {
            return fail(format!(
                "demo reset is for the demo org; {} is not one (start with --demo, or `use` the environment of oktash demo serve)",
                self.active_env()?.name
            ));
        }
        let url = base
            .join(oktash_demo::RESET_PATH.trim_start_matches('/'))
            .map_err(|e| Failure::Message(e.to_string()))?;
        let response = self.fetch(&crate::http::Request::new(reqwest::Method::POST, url, None))?;
        let answer = response.body.value();
        if response.status != 200 {
            return fail(format!(
                "the org answered {} to {}: is it oktash's demo org?",
                response.status,
                oktash_demo::RESET_PATH
            ));
        }
        let number = |key: &str| {
            answer
                .get(key)
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0)
        };
        Ok(Outcome::Text(format!(
            "demo org reset: {} users from seed {} ({} ms)",
            number("users"),
            number("seed"),
            number("ms")
        )))
    }

    pub(super) fn use_env(&mut self, name: &str) -> Result<Outcome, Failure> {
        let index = self
            .session
            .find_env(name)
            .ok_or_else(|| Failure::Message(self.unknown_env(name)))?;
        self.session.active = Some(index);
        self.session.rate_limit = None;
        let env = &self.session.environments[index];
        Ok(Outcome::Text(format!("using {} ({})", env.name, env.url)))
    }
}

/// Asks for an environment's token without echo. An empty answer asks once more; a second one
/// cancels, so that a stray Enter never makes an environment without auth.
fn prompt_token(name: &str) -> Result<String, Failure> {
    let token = read_secret(&format!("API token for {name} (input hidden): "))?;
    if !token.is_empty() {
        return Ok(token);
    }
    let token = read_secret(&format!(
        "a token is needed; API token for {name} (input hidden, empty cancels): "
    ))?;
    if token.is_empty() {
        return fail(format!("no token entered: environment {name} not added"));
    }
    Ok(token)
}

/// Reads a secret without echo.
pub(super) fn read_secret(question: &str) -> Result<String, Failure> {
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "{question}");
    let _ = stderr.flush();
    let token = rpassword::read_password()
        .map_err(|e| Failure::Message(format!("cannot read the token: {e}")))?;
    crate::note!();
    Ok(token.trim().to_string())
}

/// A client id as the AUTH column tells apps apart, the way a token shows its last characters:
/// `0oa…0k2Q`; `env --json` gives the whole id as `client_id`.
fn short_client_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 10 {
        return id.to_string();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}
