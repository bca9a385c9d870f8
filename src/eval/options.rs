//! `option`: the session's settings, the same ones the start-up flags give (`--parallel`,
//! `--big`, `--timeout`, `--max-body-mb`), shown and changed while the session runs.

use serde_json::{json, Map, Value};

use super::{fail, Failure, Outcome, Shell};
use crate::lang::commands::SESSION_OPTIONS as OPTIONS;
use crate::lang::suggest;

impl Shell {
    /// `option`, `option NAME` or `option NAME VALUE`.
    pub(super) fn session_option(
        &mut self,
        name: Option<&str>,
        value: Option<&str>,
    ) -> Result<Outcome, Failure> {
        let Some(name) = name else {
            return Ok(self.options_listing(OPTIONS));
        };
        let Some(&(name, about)) = OPTIONS.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = OPTIONS.iter().map(|(n, _)| *n).collect();
            let hint = suggest(name, &names)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return fail(format!(
                "unknown option `{name}`{hint} (options: {})",
                names.join(", ")
            ));
        };
        let Some(value) = value else {
            return Ok(self.options_listing(&[(name, about)]));
        };
        let before = self.option_value(name);
        match name {
            "parallel" => self.parallel = number(name, value, 1, 75)? as usize,
            "big" => self.set_big(switch(value)?),
            "timeout" => {
                let secs = number(name, value, 1, u64::MAX)?;
                self.set_timeout(std::time::Duration::from_secs(secs));
            }
            "max-body-mb" => self.set_max_body_mb(number(name, value, 1, u64::MAX)?),
            _ => return fail(format!("option `{name}` cannot be changed")),
        }
        Ok(Outcome::Text(format!(
            "{name}: {} → {}",
            shown(&before),
            shown(&self.option_value(name))
        )))
    }

    fn option_value(&self, name: &str) -> Value {
        match name {
            "parallel" => json!(self.parallel),
            "big" => json!(self.big()),
            "timeout" => json!(self.client.timeout.as_secs()),
            "max-body-mb" => json!(self.client.max_body_mb),
            _ => Value::Null,
        }
    }

    /// The options as `NAME  VALUE  what it does` lines, or as one JSON object of their values.
    fn options_listing(&self, options: &[(&str, &str)]) -> Outcome {
        let width = options.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        let values: Vec<(String, &str, &str)> = options
            .iter()
            .map(|(n, about)| (shown(&self.option_value(n)), *n, *about))
            .collect();
        let value_width = values.iter().map(|(v, ..)| v.len()).max().unwrap_or(0);
        let text = values
            .iter()
            .map(|(value, name, about)| format!("{name:width$}  {value:value_width$}  {about}"))
            .collect::<Vec<_>>()
            .join("\n");
        let json: Map<String, Value> = options
            .iter()
            .map(|(n, _)| (n.to_string(), self.option_value(n)))
            .collect();
        Outcome::Listing {
            text,
            json: Value::Object(json),
        }
    }
}

/// An option's value as a person reads it: `on`/`off` for a switch.
fn shown(value: &Value) -> String {
    match value {
        Value::Bool(true) => "on".into(),
        Value::Bool(false) => "off".into(),
        other => other.to_string(),
    }
}

fn number(name: &str, value: &str, min: u64, max: u64) -> Result<u64, Failure> {
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ if max == u64::MAX => fail(format!(
            "{name} is a whole number from {min} up, not `{value}`"
        )),
        _ => fail(format!(
            "{name} is a whole number from {min} to {max}, not `{value}`"
        )),
    }
}

fn switch(value: &str) -> Result<bool, Failure> {
    match value.to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" => Ok(true),
        "off" | "false" | "no" | "0" => Ok(false),
        _ => fail(format!("big is on or off, not `{value}`")),
    }
}
