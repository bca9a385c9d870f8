//! `help`: the command summary and the help for each command, both from `lang`'s command
//! table; any other topic is a question about Okta's API, answered from the spec.

use crate::lang::commands;

use super::{fail, Failure};

/// `on_demo`: the active org is oktash's demo org, whose answers `help` can place (by hand, or
/// by the spec-driven engine).
pub fn help(topic: Option<&str>, on_demo: bool) -> Result<String, Failure> {
    match topic {
        None => Ok(format!(
            "{}\nhelp users | help ls users | help GET PATH | help search WORD   Okta's API",
            commands::summary()
        )),
        Some(topic) => match commands::command(topic) {
            Some(command) => Ok(command.help_text()),
            None => super::spec_help::help(topic, on_demo).or_else(fail),
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_help_of_get_names_the_default_parallel_fan_out() {
        let text = super::help(Some("get"), false).unwrap();
        let said = format!(
            "up to {} requests in flight",
            super::super::DEFAULT_PARALLEL
        );
        assert!(text.contains(&said), "{text}");
    }
}
