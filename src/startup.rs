//! The environments a shell starts with: saved ones, `~/.okta/okta.yaml`, then `OKTA_CLIENT_*`
//! (which becomes the active one when set).

use crate::config;
use crate::eval::Shell;

pub fn load_environments(shell: &mut Shell) {
    if let Some(path) = &shell.config_path {
        match config::load_environments(path) {
            Ok(envs) => envs.into_iter().for_each(|e| {
                shell.session.upsert_env(e);
            }),
            Err(message) => crate::note!("note: {message}"),
        }
    }
    match config::from_okta_yaml() {
        Ok(Some(env)) => {
            shell.session.upsert_env(env);
        }
        Ok(None) => {}
        Err(message) => crate::note!("note: {message}"),
    }
    if let Some(env) = config::from_process_env() {
        let index = shell.session.upsert_env(env);
        shell.session.active = Some(index);
    }
    if shell.session.active.is_none() && shell.session.environments.len() == 1 {
        shell.session.active = Some(0);
    }
}

/// Quotes a word for the command language (single quotes keep everything).
pub fn quote_word(word: &str) -> String {
    if word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', ""))
    }
}
