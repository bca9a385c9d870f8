//! Evaluation: turns a parsed command into values and requests, stores what came back, and
//! hands it to `render`. Every failure becomes a [`Failure`] that the caller prints; none of them
//! touches the session's history, variables or environments.
//!
//! Where things live: this file holds the [`Shell`], its line loop and the dispatch of each
//! command; the submodules below each own one family of commands or one concern.

use std::fmt;
use std::fs::File;
use std::path::PathBuf;

use serde_json::Value;

use crate::auth::{Auth, AuthScheme, Secret, TokenSource};
use crate::config;
use crate::http;
use crate::interrupt::Interrupt;
use crate::lang::{self, Command, Output};
use crate::okta;
use crate::render::{self, Style};
use crate::session::{EnvOrigin, Environment, Session};

mod assign;
mod checks;
mod collections;
mod envs;
mod help;
mod history;
mod mask;
mod options;
mod output;
mod paging;
mod requests;
mod rows;
mod scripts;
mod spec_help;
mod targets;
mod template;
mod values;

pub use help::help;
pub use mask::{mask_secrets, mask_secrets_in_place};
pub use output::describe_failure;
pub use scripts::{read_script, ScriptFile};

/// Why a command failed. Callers tell the kinds apart by variant; [`Failure::report`] words
/// each for a person.
#[derive(Debug)]
pub enum Failure {
    /// A plain one-line message.
    Message(String),
    /// A line that does not parse: shown again (secrets masked) with a caret under the column.
    Parse {
        masked_line: String,
        error: lang::ParseError,
    },
    /// Okta (or the server) answered with an error status; the answer is already shown with
    /// its history entry, and only the exit status is left to set.
    OktaError { entry: u64 },
    /// No answer: the network, TLS, a timeout, the body cap.
    Transport(http::HttpError),
    /// Not sent, for safety.
    Refused(Refusal),
    /// Ctrl-C.
    Interrupted,
    /// stdout was closed by its reader (`| head -1`): nothing more can be shown, and nothing
    /// needs saying.
    OutputClosed,
    /// A failure at a line of a script: `-c:2: …`.
    At { at: String, failure: Box<Failure> },
}

/// Why a request was not sent.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The token would go to another origin (`http` refuses before sending).
    #[error(transparent)]
    Token(http::HttpError),
    /// Plain http to a host other than loopback.
    #[error(transparent)]
    OrgUrl(okta::OrgUrlError),
    /// A write that was not confirmed.
    #[error("not sent")]
    NotConfirmed,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Message(m) => f.write_str(m),
            Failure::Parse { masked_line, error } => f.write_str(&error.render(masked_line)),
            Failure::OktaError { .. } => f.write_str("the request failed"),
            Failure::Transport(e) => e.fmt(f),
            Failure::Refused(r) => r.fmt(f),
            Failure::Interrupted => f.write_str("interrupted"),
            Failure::OutputClosed => f.write_str("the output was closed"),
            Failure::At { at, failure } => match **failure {
                // A parse error carries its line and caret: keep them aligned below the location.
                Failure::Parse { .. } => write!(f, "{at}:\n{failure}"),
                _ => write!(f, "{at}: {failure}"),
            },
        }
    }
}

impl Failure {
    /// Prints the failure on stderr. A message may quote API data: its control characters are
    /// escaped (a parse error keeps the line breaks of its caret layout).
    pub fn report(&self) {
        match self {
            Failure::OktaError { .. } | Failure::OutputClosed => {}
            Failure::Interrupted => crate::note!("interrupted; everything so far is kept"),
            Failure::Parse { .. } => crate::note!("{self}"),
            Failure::At { at, failure } if matches!(**failure, Failure::Parse { .. }) => {
                crate::note!("{at}:\n{failure}")
            }
            other => crate::note!("error: {}", render::escape_controls(&other.to_string())),
        }
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Failure {
        Failure::Message(s)
    }
}

impl From<http::HttpError> for Failure {
    fn from(e: http::HttpError) -> Failure {
        match e {
            http::HttpError::TokenToOtherOrigin { .. } => Failure::Refused(Refusal::Token(e)),
            e => Failure::Transport(e),
        }
    }
}

impl From<okta::OrgUrlError> for Failure {
    fn from(e: okta::OrgUrlError) -> Failure {
        match e {
            okta::OrgUrlError::PlainHttp(_) => Failure::Refused(Refusal::OrgUrl(e)),
            e => Failure::Message(e.to_string()),
        }
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure::Message(message.into()))
}

/// What the shell should do after a line.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit,
}

/// What a command produced, before it is sent to the screen, a pipe or a file.
enum Outcome {
    Nothing,
    /// Text for a person (a notice, a short answer): stdout on a terminal, stderr otherwise.
    Text(String),
    /// What a text-only command shows (`env`, `vars`, `history`, `show`, `help`, `as curl`):
    /// `text` on a terminal (already escaped and laid out), `json` everywhere else.
    Listing {
        text: String,
        json: Value,
    },
    /// A value (`echo`).
    Value(Value),
    /// A history entry to show (a response).
    Entry(u64),
    /// The whole body of a history entry as JSON (`show N --json`), formatted as it is written:
    /// a large body is never copied whole.
    Body(u64),
    /// Already written to the command's output (a streamed export).
    Written,
}

/// Requests of a fan-out in flight at once, unless `--parallel` says otherwise: a fraction of
/// the 75 Okta allows an org, since other clients of the org share them.
pub const DEFAULT_PARALLEL: usize = 8;

pub struct Shell {
    pub session: Session,
    client: http::Client,
    /// Ctrl-C for the command that runs: every request, wait and loop of it stops on it.
    interrupt: Interrupt,
    runtime: tokio::runtime::Runtime,
    style: Style,
    /// A person is at a terminal: confirmations may be asked.
    pub interactive: bool,
    /// `--yes` on the command line: confirm every write.
    pub assume_yes: bool,
    /// `--keep-going`: a script goes on after a failed line (and fails at its end).
    pub keep_going: bool,
    /// `--parallel N`: how many requests of a fan-out are in flight at once.
    pub parallel: usize,
    recording: Option<File>,
    source_depth: usize,
    /// A script `play` asked the REPL to present (see [`Shell::take_pending_play`]).
    pending_play: Option<ScriptFile>,
    /// Where saved environments live (None: nothing is saved).
    pub config_path: Option<PathBuf>,
    demo: Option<oktash_demo::RunningDemo>,
}

impl Shell {
    pub fn new(session: Session, runtime: tokio::runtime::Runtime) -> Shell {
        let style = Style::detect();
        let mut client = http::Client::default();
        client.notices = Box::new(render::Notices::on_stderr());
        let interrupt = Interrupt::install(&runtime);
        Shell {
            session,
            client,
            interrupt,
            runtime,
            style,
            interactive: false,
            assume_yes: false,
            keep_going: false,
            parallel: DEFAULT_PARALLEL,
            recording: None,
            source_depth: 0,
            pending_play: None,
            config_path: config::environments_path(),
            demo: None,
        }
    }

    /// The longest one request may take, every attempt together.
    pub fn set_timeout(&mut self, timeout: std::time::Duration) {
        self.client.timeout = timeout;
    }

    /// `--big`: output for a room (see [`Style::big`]).
    pub fn set_big(&mut self, on: bool) {
        self.style.big = on;
    }

    /// Whether output is for a room (`--big`).
    pub fn big(&self) -> bool {
        self.style.big
    }

    /// The most megabytes of one response body read into memory.
    pub fn set_max_body_mb(&mut self, megabytes: u64) {
        self.client.max_body_mb = megabytes;
    }

    /// Fails with [`Failure::Interrupted`] once Ctrl-C was pressed during this command; loops
    /// call it between their steps.
    fn check_interrupt(&self) -> Result<(), Failure> {
        if self.interrupt.is_raised() {
            Err(Failure::Interrupted)
        } else {
            Ok(())
        }
    }

    /// Ctrl-C for what runs now; the REPL's play mode watches it while a step is typed out.
    pub fn interrupt(&self) -> &Interrupt {
        &self.interrupt
    }

    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.runtime
    }

    /// Starts the built-in demo org and makes it the active environment `demo`.
    pub fn start_demo(&mut self, options: oktash_demo::DemoOptions) -> Result<(), Failure> {
        let demo = self
            .runtime
            .block_on(oktash_demo::start(options))
            .map_err(|e| Failure::Message(format!("the demo org did not start: {e:#}")))?;
        let env = Environment {
            name: "demo".into(),
            url: demo.base_url.trim_end_matches('/').to_string(),
            auth: Some(Auth::token(
                AuthScheme::Ssws,
                TokenSource::Literal(Secret::new(demo.token.clone())),
            )),
            origin: EnvOrigin::Demo,
            protected: false,
            variables: Vec::new(),
        };
        let index = self.session.upsert_env(env);
        self.session.active = Some(index);
        self.demo = Some(demo);
        Ok(())
    }

    /// The prompt: environment and the last rate-limit budget.
    pub fn prompt(&self) -> String {
        let name = self
            .session
            .active_env()
            .map(|e| e.name.as_str())
            .unwrap_or("no env");
        match self.session.rate_limit {
            Some(r) => format!("{name} [{}/{}]> ", r.remaining, r.limit),
            None => format!("{name}> "),
        }
    }

    /// Parses and runs one line. Errors are returned for the caller to print; the session is
    /// left as it was before the failing command.
    pub fn run_line(&mut self, line: &str) -> Result<Flow, Failure> {
        // A person at the prompt starts afresh with each line; a script stays interrupted,
        // so that Ctrl-C ends the whole script.
        if self.interactive && self.source_depth == 0 {
            self.interrupt.clear();
        }
        self.run_line_with(line, &mut |failure| Err(failure))
    }

    /// Runs one line's commands in order. A command's failure goes to `on_failure`: its `Err`
    /// stops the line there, its `Ok` goes on with the next command (`--keep-going`).
    pub(super) fn run_line_with(
        &mut self,
        line: &str,
        on_failure: &mut dyn FnMut(Failure) -> Result<(), Failure>,
    ) -> Result<Flow, Failure> {
        // The line is shown again under a parse error: its secrets are masked, one `•` per
        // character so that the caret stays under its column.
        // Its message may quote a word that holds one (`'token=X'`).
        let parsed = lang::parse_line(line).map_err(|mut e| {
            e.message = mask_secrets(&e.message);
            Failure::Parse {
                masked_line: mask_secrets_in_place(line),
                error: e,
            }
        })?;
        // Lines a person typed are recorded, not the lines of the scripts they source.
        if !parsed.commands.is_empty() && self.source_depth == 0 {
            self.record(line);
        }
        for pipeline in parsed.commands {
            // Ctrl-C ends the line, `--keep-going` or not.
            self.check_interrupt()?;
            let result = match self.run_command(pipeline.command, &pipeline.output) {
                Ok(Some(outcome)) => self.emit(outcome, &pipeline.output),
                Ok(None) => return Ok(Flow::Exit),
                Err(failure) => Err(failure),
            };
            if let Err(failure) = result {
                on_failure(failure)?;
            }
        }
        Ok(Flow::Continue)
    }

    /// Runs one command; `None` means exit.
    fn run_command(
        &mut self,
        command: Command,
        output: &Output,
    ) -> Result<Option<Outcome>, Failure> {
        let outcome = match command {
            Command::Exit => return Ok(None),
            Command::Clear => self.clear_screen()?,
            Command::EnvList => self.env_list(),
            Command::EnvAdd {
                name,
                url,
                auth,
                protected,
            } => self.env_add(name, &url, auth, protected)?,
            Command::EnvRemove { name } => self.env_remove(&name)?,
            Command::DemoReset => self.demo_reset()?,
            Command::SessionOption { name, value } => {
                self.session_option(name.as_deref(), value.as_deref())?
            }
            Command::Use { name } => self.use_env(&name)?,
            Command::Import { files } => self.import(&files)?,
            Command::Collections => self.collections()?,
            Command::Ls {
                resource,
                params,
                all,
                max,
            } => self.ls(&resource, &params, all, max, output)?,
            Command::Get { target, params } => self.get(&target, &params)?,
            Command::Follow {
                rel,
                from,
                params,
                yes,
            } => self.follow(&rel, from.as_ref(), &params, yes, output)?,
            Command::Write {
                method,
                target,
                body,
                params,
                yes,
                force,
            } => self.write(
                method,
                &target,
                body.as_ref(),
                &params,
                requests::WriteFlags { yes, force },
                output,
            )?,
            Command::Run {
                request,
                params,
                yes,
                data,
                bail,
                junit,
            } => self.run_request(
                &request,
                &params,
                collections::RunOptions {
                    yes,
                    bail,
                    data: data.as_ref(),
                    junit: junit.as_ref(),
                },
            )?,
            Command::Set { name, path, value } => {
                let value = self.eval_value(&value)?;
                self.assign(name, &path, value)?;
                Outcome::Nothing
            }
            Command::Unset { name } => match self.session.variables.remove(&name) {
                Some(_) => Outcome::Nothing,
                None => return fail(self.unknown_variable(&name)),
            },
            Command::Echo { values } => self.echo(&values)?,
            Command::Vars => Outcome::Listing {
                text: render::escape_controls(&self.vars()).into_owned(),
                json: Value::Object(
                    self.session
                        .variables
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
            },
            Command::History => self.history_listing(),
            Command::Show { entry, json } => self.show(entry, json)?,
            Command::AsCurl { entry, reveal } => {
                let curl = self.as_curl(entry, reveal)?;
                Outcome::Listing {
                    text: render::escape_controls(&curl).into_owned(),
                    json: Value::String(curl),
                }
            }
            Command::Source { file } => self.source(&file)?,
            Command::Play { file } => self.play(&file)?,
            Command::Record { file } => self.start_recording(file.as_ref())?,
            Command::Help { topic } => {
                let text = help(topic.as_deref(), self.on_demo_org())?;
                Outcome::Listing {
                    json: Value::String(text.clone()),
                    text,
                }
            }
        };
        Ok(Some(outcome))
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        if let Some(demo) = &mut self.demo {
            demo.stop();
        }
    }
}

/// `1 script`, `3 scripts`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
