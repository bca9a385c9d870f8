//! Evaluation: turns a parsed command into values and requests, stores what came back, and
//! hands it to `render`. Every failure becomes a [`Failure`] that the caller prints; none of them
//! touches the session's history, variables or environments.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use url::Url;

use crate::config;
use crate::http::{self, Request, RequestBody};
use crate::lang::{
    self, AuthArg, Body as BodyArg, Command, Expr, Method, Output, Param, Root, Step,
    Value as ValueArg, Word, WordPart,
};
use crate::okta::{self, Kind};
use crate::postman;
use crate::render::{self, Style};
use crate::session::{Auth, AuthScheme, Body, Entry, EnvOrigin, Environment, Session, TokenSource};

/// Why a command failed, already worded for a person.
#[derive(Debug)]
pub enum Failure {
    /// Print this message.
    Message(String),
    /// Already printed (an Okta error response); only the exit status is left to set.
    Reported,
    /// Ctrl-C.
    Interrupted,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Message(m) => f.write_str(m),
            Failure::Reported => f.write_str("the request failed"),
            Failure::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl Failure {
    /// Prints the failure on stderr (a parse error already carries its line and caret).
    pub fn report(&self) {
        match self {
            Failure::Reported => {}
            Failure::Interrupted => eprintln!("interrupted; everything so far is kept"),
            Failure::Message(m) if m.contains('\n') => eprintln!("{m}"),
            Failure::Message(m) => eprintln!("error: {m}"),
        }
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Failure {
        Failure::Message(s)
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
    /// Text for a person (lists, help).
    Text(String),
    /// A value (`echo`, `show --json`).
    Value(Value),
    /// A history entry to show (a response).
    Entry(u64),
    /// Already written to the command's output (a streamed export).
    Written,
}

/// Where a paging run puts its items.
enum Sink {
    Memory(Vec<Value>),
    /// One JSON array, written item by item.
    File {
        file: std::io::BufWriter<File>,
        path: String,
        first: bool,
    },
}

impl Sink {
    fn stream_to(path: &str) -> Result<Sink, Failure> {
        let mut file = std::io::BufWriter::new(
            File::create(path)
                .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?,
        );
        file.write_all(b"[")
            .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?;
        Ok(Sink::File {
            file,
            path: path.to_string(),
            first: true,
        })
    }

    fn push(&mut self, item: Value) -> Result<(), Failure> {
        match self {
            Sink::Memory(items) => items.push(item),
            Sink::File { file, path, first } => {
                let sep: &[u8] = if *first { b"\n" } else { b",\n" };
                *first = false;
                file.write_all(sep)
                    .and_then(|_| {
                        serde_json::to_writer(&mut *file, &item).map_err(std::io::Error::from)
                    })
                    .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?;
            }
        }
        Ok(())
    }
}

pub struct Shell {
    pub session: Session,
    client: http::Client,
    runtime: tokio::runtime::Runtime,
    style: Style,
    /// A person is at a terminal: confirmations may be asked.
    pub interactive: bool,
    /// `--yes` on the command line: confirm every write.
    pub assume_yes: bool,
    /// `--keep-going`: a script goes on after a failed line (and fails at its end).
    pub keep_going: bool,
    recording: Option<File>,
    source_depth: usize,
    /// Where saved environments live (None: nothing is saved).
    pub config_path: Option<PathBuf>,
    demo: Option<crate::demo::RunningDemo>,
}

impl Shell {
    pub fn new(session: Session, runtime: tokio::runtime::Runtime) -> anyhow::Result<Shell> {
        let style = Style::detect();
        let mut client = http::Client::default();
        client.notices = std::io::stderr().is_terminal();
        Ok(Shell {
            session,
            client,
            runtime,
            style,
            interactive: false,
            assume_yes: false,
            keep_going: false,
            recording: None,
            source_depth: 0,
            config_path: config::environments_path(),
            demo: None,
        })
    }

    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.runtime
    }

    /// Starts the built-in demo org and makes it the active environment `demo`.
    pub fn start_demo(&mut self, options: crate::demo::DemoOptions) -> anyhow::Result<()> {
        let demo = self.runtime.block_on(crate::demo::start(options))?;
        let env = Environment {
            name: "demo".into(),
            url: demo.base_url.trim_end_matches('/').to_string(),
            auth: Some(Auth {
                scheme: AuthScheme::Ssws,
                token: TokenSource::Literal(crate::session::Secret::new(demo.token.clone())),
            }),
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
        // The line is shown again under a parse error: its secrets are masked, one `•` per
        // character so that the caret stays under its column.
        let parsed = lang::parse_line(line)
            .map_err(|e| Failure::Message(e.render(&mask_secrets_in_place(line))))?;
        // Lines a person typed are recorded, not the lines of the scripts they source.
        if !parsed.commands.is_empty() && self.source_depth == 0 {
            self.record(line);
        }
        for pipeline in parsed.commands {
            let outcome = self.run_command(pipeline.command, &pipeline.output)?;
            match outcome {
                Some(outcome) => self.emit(outcome, &pipeline.output)?,
                None => return Ok(Flow::Exit),
            }
        }
        Ok(Flow::Continue)
    }

    fn record(&mut self, line: &str) {
        if let Some(file) = &mut self.recording {
            let _ = writeln!(file, "{}", mask_secrets(line));
        }
    }

    /// Runs one command; `None` means exit.
    fn run_command(
        &mut self,
        command: Command,
        output: &Output,
    ) -> Result<Option<Outcome>, Failure> {
        let outcome = match command {
            Command::Exit => return Ok(None),
            Command::EnvList => Outcome::Text(self.env_list()),
            Command::EnvAdd {
                name,
                url,
                auth,
                protected,
            } => self.env_add(name, &url, auth, protected)?,
            Command::EnvRemove { name } => self.env_remove(&name)?,
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
            Command::Follow { rel, from } => self.follow(&rel, from.as_ref())?,
            Command::Write {
                method,
                target,
                body,
                params,
                yes,
            } => self.write(method, &target, body.as_ref(), &params, yes)?,
            Command::Run {
                request,
                params,
                yes,
            } => self.run_request(&request, &params, yes)?,
            Command::Set { name, value } => {
                let value = self.eval_value(&value)?;
                self.session.variables.insert(name, value);
                Outcome::Nothing
            }
            Command::Unset { name } => match self.session.variables.remove(&name) {
                Some(_) => Outcome::Nothing,
                None => return fail(self.unknown_variable(&name)),
            },
            Command::Echo { values } => self.echo(&values)?,
            Command::Vars => Outcome::Text(self.vars()),
            Command::History => Outcome::Text(
                self.session
                    .history
                    .iter()
                    .map(render::entry_line)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Command::Show { entry, json } => self.show(entry, json)?,
            Command::AsCurl { entry, reveal } => Outcome::Text(self.as_curl(entry, reveal)?),
            Command::Source { file } => self.source(&file)?,
            Command::Record { file } => self.start_recording(file.as_ref())?,
            Command::Help { topic } => Outcome::Text(help(topic.as_deref())?),
        };
        Ok(Some(outcome))
    }

    // ----- output -----

    fn emit(&mut self, outcome: Outcome, output: &Output) -> Result<(), Failure> {
        if let Outcome::Entry(n) = outcome {
            // A failed response is reported on the terminal, never piped on or saved as data.
            if self.entry(Some(n))?.status >= 400 {
                return self.show_outcome(outcome);
            }
        }
        match output {
            _ if matches!(outcome, Outcome::Written) => Ok(()),
            Output::Screen => self.show_outcome(outcome),
            Output::Pipe(command) => {
                let text = self.outcome_text(&outcome)?;
                pipe_to(command, &text)
            }
            Output::File(path) => {
                let text = self.outcome_text(&outcome)?;
                std::fs::write(path, text + "\n")
                    .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?;
                Ok(())
            }
        }
    }

    /// What goes to a pipe or file: JSON for values and responses, text as is.
    fn outcome_text(&self, outcome: &Outcome) -> Result<String, Failure> {
        Ok(match outcome {
            Outcome::Nothing | Outcome::Written => String::new(),
            Outcome::Text(t) => t.clone(),
            Outcome::Value(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
            Outcome::Entry(n) => {
                let entry = self.entry(Some(*n))?;
                eprintln!("{}", render::entry_line(entry));
                serde_json::to_string_pretty(&entry.body.value()).unwrap_or_default()
            }
        })
    }

    fn show_outcome(&mut self, outcome: Outcome) -> Result<(), Failure> {
        match outcome {
            Outcome::Nothing | Outcome::Written => {}
            Outcome::Text(t) if t.is_empty() => {}
            Outcome::Text(t) => println!("{t}"),
            Outcome::Value(v) => println!("{}", render::json(&v, self.style)),
            Outcome::Entry(n) => {
                let entry = self.entry(Some(n))?;
                eprintln!("{}", render::entry_line(entry));
                if entry.status >= 400 {
                    eprintln!("error: {}", describe_failure(entry));
                    return Err(Failure::Reported);
                }
                match &entry.body {
                    Body::Empty => {}
                    Body::Text(t) => println!("{t}"),
                    Body::Json(Value::Array(items)) if self.style.terminal => {
                        let kind = Kind::of_path(&entry.url);
                        match render::table(items, kind, self.style) {
                            Some(table) => {
                                println!("{table}");
                                let more = if http::parse_links(entry.header_values("link"))
                                    .iter()
                                    .any(|(rel, _)| rel == "next")
                                {
                                    " · more: follow next"
                                } else if is_q_search(&entry.url) {
                                    " · a q= search is not paged by Okta: use search= for more"
                                } else {
                                    ""
                                };
                                println!("{}{more}", kind.count(items.len()));
                            }
                            None => println!("{}", render::json(&entry.body.value(), self.style)),
                        }
                    }
                    Body::Json(v) => println!("{}", render::json(v, self.style)),
                }
            }
        }
        Ok(())
    }

    // ----- expressions -----

    pub fn eval_expr(&self, expr: &Expr) -> Result<Value, Failure> {
        let (mut value, mut shown) = match &expr.root {
            Root::Last => match self.session.history.last() {
                Some(e) => (e.body.value(), "$last".to_string()),
                None => {
                    return fail("$last: no response yet; send a request first (e.g. `ls users`)")
                }
            },
            Root::Entry(n) => match self.session.history.get(*n) {
                Some(e) => (e.body.value(), format!("${n}")),
                None => {
                    return fail(format!(
                        "${n}: no history entry #{n} (history holds {})",
                        self.session.history.range_text()
                    ))
                }
            },
            Root::Var(name) => match self.session.variables.get(name) {
                Some(v) => (v.clone(), format!("${name}")),
                None => return fail(self.unknown_variable(name)),
            },
        };
        for step in &expr.steps {
            value = apply_step(value, step, &shown)?;
            shown.push_str(&step_text(step));
        }
        Ok(value)
    }

    fn unknown_variable(&self, name: &str) -> String {
        let names: Vec<&str> = self.session.variables.keys().map(String::as_str).collect();
        let mut msg = format!("${name}: no such variable");
        if names.is_empty() {
            msg.push_str(" (none set yet; `set NAME = VALUE`; $last and $N name responses)");
        } else {
            if let Some(s) = lang::suggest(name, &names) {
                msg.push_str(&format!("; did you mean ${s}?"));
            }
            msg.push_str(&format!(
                " (defined: {})",
                names
                    .iter()
                    .map(|n| format!("${n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        msg
    }

    /// A word's value: a lone reference keeps its JSON; text with references becomes a string,
    /// or a list of strings when a reference is a list (the caller fans out over it).
    pub fn eval_word(&self, word: &Word) -> Result<Value, Failure> {
        if let Some(expr) = word.as_ref_only() {
            return self.eval_expr(expr);
        }
        let mut variants: Vec<String> = vec![String::new()];
        for part in &word.parts {
            match part {
                WordPart::Text(t) => variants.iter_mut().for_each(|v| v.push_str(t)),
                WordPart::Ref(expr) => {
                    let value = self.eval_expr(expr)?;
                    let pieces: Vec<String> = match &value {
                        Value::Array(items) => items
                            .iter()
                            .map(|v| scalar_text(v, expr))
                            .collect::<Result<_, _>>()?,
                        other => vec![scalar_text(other, expr)?],
                    };
                    variants = variants
                        .iter()
                        .flat_map(|prefix| pieces.iter().map(move |p| format!("{prefix}{p}")))
                        .collect();
                }
            }
        }
        let list = word.parts.iter().any(
            |p| matches!(p, WordPart::Ref(e) if matches!(self.eval_expr(e), Ok(Value::Array(_)))),
        );
        if list {
            Ok(Value::Array(
                variants.into_iter().map(Value::String).collect(),
            ))
        } else {
            Ok(Value::String(variants.pop().unwrap_or_default()))
        }
    }

    fn word_text(&self, word: &Word, what: &str) -> Result<String, Failure> {
        match self.eval_word(word)? {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => fail(format!("{what} must be text, not {}", type_name(&other))),
        }
    }

    fn eval_value(&self, value: &ValueArg) -> Result<Value, Failure> {
        match value {
            ValueArg::Json(v) => Ok(v.clone()),
            ValueArg::Word(w) => self.eval_word(w),
        }
    }

    /// One value as it is; several as a list. On a terminal a string prints as bare text.
    fn echo(&self, values: &[ValueArg]) -> Result<Outcome, Failure> {
        let mut values: Vec<Value> = values
            .iter()
            .map(|v| self.eval_value(v))
            .collect::<Result<_, _>>()?;
        let value = if values.len() == 1 {
            values.pop().unwrap_or(Value::Null)
        } else {
            Value::Array(values)
        };
        if self.style.terminal {
            match &value {
                Value::String(s) => return Ok(Outcome::Text(s.clone())),
                Value::Array(items)
                    if items.len() > 1
                        && items.iter().all(|v| !v.is_object() && !v.is_array())
                        && values_are_words(items) =>
                {
                    let words: Vec<String> = items
                        .iter()
                        .map(|v| {
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string())
                        })
                        .collect();
                    return Ok(Outcome::Text(words.join(" ")));
                }
                _ => {}
            }
        }
        Ok(Outcome::Value(value))
    }

    fn vars(&self) -> String {
        self.session
            .variables
            .iter()
            .map(|(k, v)| {
                let text = v.to_string();
                let short: String = text.chars().take(70).collect();
                let more = if short.len() < text.len() { "…" } else { "" };
                format!("${k} = {short}{more}")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    // ----- environments -----

    fn active_env(&self) -> Result<&Environment, Failure> {
        self.session.active_env().ok_or_else(|| {
            Failure::Message(
                "no environment is active: `env add NAME URL token=…` then `use NAME`, set OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN, or start with --demo".into(),
            )
        })
    }

    fn env_list(&self) -> String {
        if self.session.environments.is_empty() {
            return "no environments yet: `env add NAME URL token=…`, or start with --demo".into();
        }
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::NOTHING);
        table.set_header(["", "NAME", "URL", "AUTH", "FROM", "PROTECTED"]);
        for (i, env) in self.session.environments.iter().enumerate() {
            let auth = match &env.auth {
                Some(a) => format!("{} {}", a.scheme.as_str(), a.token.describe()),
                None => "none".into(),
            };
            table.add_row([
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
            ]);
        }
        table.to_string()
    }

    fn env_add(
        &mut self,
        name: String,
        url: &Word,
        auth: Option<AuthArg>,
        protected: bool,
    ) -> Result<Outcome, Failure> {
        let url_text = self.word_text(url, "the org URL")?;
        let base = okta::check_org_url(&url_text)?;
        let auth = match auth {
            Some(AuthArg::Ssws(w)) => Some((AuthScheme::Ssws, self.word_text(&w, "the token")?)),
            Some(AuthArg::Bearer(w)) => {
                Some((AuthScheme::Bearer, self.word_text(&w, "the token")?))
            }
            None if self.interactive => Some((
                AuthScheme::Ssws,
                read_secret(&format!("API token for {name} (input hidden): "))?,
            )),
            None => None,
        };
        let env = Environment {
            name: name.clone(),
            url: base.as_str().trim_end_matches('/').to_string(),
            auth: auth
                .filter(|(_, t)| !t.is_empty())
                .map(|(scheme, token)| Auth {
                    scheme,
                    token: TokenSource::parse(&token),
                }),
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

    fn env_remove(&mut self, name: &str) -> Result<Outcome, Failure> {
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

    fn use_env(&mut self, name: &str) -> Result<Outcome, Failure> {
        let index = self
            .session
            .find_env(name)
            .ok_or_else(|| Failure::Message(self.unknown_env(name)))?;
        self.session.active = Some(index);
        self.session.rate_limit = None;
        let env = &self.session.environments[index];
        Ok(Outcome::Text(format!("using {} ({})", env.name, env.url)))
    }

    // ----- requests -----

    fn base_url(&self) -> Result<Url, Failure> {
        let env = self.active_env()?;
        Url::parse(&format!("{}/", env.url)).map_err(|e| {
            Failure::Message(format!(
                "environment {}: bad URL {}: {e}",
                env.name, env.url
            ))
        })
    }

    /// A text target: path, URL, id (by prefix), login, `me`, or a resource path.
    fn url_for_text(&self, text: &str) -> Result<Url, Failure> {
        let text = text.trim();
        if text.is_empty() {
            return fail("empty target");
        }
        let base = self.base_url()?;
        if text.starts_with("http://") || text.starts_with("https://") {
            return Url::parse(text).map_err(|e| Failure::Message(format!("bad URL {text}: {e}")));
        }
        if text.starts_with('/') {
            return base
                .join(text)
                .map_err(|e| Failure::Message(format!("bad path {text}: {e}")));
        }
        let path = if let Some(resource) = okta::resource_for_id(text) {
            format!("api/v1/{resource}/{text}")
        } else if text.contains('@') && !text.contains('/') {
            format!(
                "api/v1/users/{}",
                percent_encoding::utf8_percent_encode(text, PATH_SEGMENT)
            )
        } else if text == "me" {
            "api/v1/users/me".to_string()
        } else {
            format!("api/v1/{}", text.trim_start_matches("api/v1/"))
        };
        base.join(&path)
            .map_err(|e| Failure::Message(format!("bad target {text}: {e}")))
    }

    /// A value target: an object by its `_links.self.href` (or its id), else its text.
    fn url_for_value(&self, value: &Value) -> Result<Url, Failure> {
        match value {
            Value::String(s) => self.url_for_text(s),
            Value::Number(n) => self.url_for_text(&n.to_string()),
            Value::Object(map) => {
                if let Some(href) = value.pointer("/_links/self/href").and_then(Value::as_str) {
                    return self.url_for_text(href);
                }
                match map.get("id").and_then(Value::as_str) {
                    Some(id) => self.url_for_text(id),
                    None => {
                        fail("this object has neither _links.self.href nor an id to fetch it by")
                    }
                }
            }
            other => fail(format!(
                "cannot fetch {}: give a path, URL, id, login or object",
                type_name(other)
            )),
        }
    }

    /// Evaluates a target word to one URL, or one per element when it is a list (fan-out).
    fn targets(&self, word: &Word) -> Result<Vec<Url>, Failure> {
        match self.eval_word(word)? {
            Value::Array(items) if items.is_empty() => {
                fail("the target is an empty list: nothing to do")
            }
            Value::Array(items) => items.iter().map(|v| self.url_for_value(v)).collect(),
            value => Ok(vec![self.url_for_value(&value)?]),
        }
    }

    fn with_params(&self, mut url: Url, params: &[Param]) -> Result<Url, Failure> {
        if params.is_empty() {
            return Ok(url);
        }
        let mut query = url.query().map(str::to_string).unwrap_or_default();
        for param in params {
            let value = self.word_text(&param.value, &format!("the value of {}", param.key))?;
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(
                &percent_encoding::utf8_percent_encode(&param.key, QUERY_COMPONENT).to_string(),
            );
            query.push('=');
            query.push_str(
                &percent_encoding::utf8_percent_encode(&value, QUERY_COMPONENT).to_string(),
            );
        }
        url.set_query(Some(&query));
        Ok(url)
    }

    /// Sends one request and stores the response as a new history entry.
    fn send(
        &mut self,
        method: reqwest::Method,
        url: Url,
        body: Option<RequestBody>,
    ) -> Result<u64, Failure> {
        let request = Request {
            method,
            url,
            body,
            headers: Vec::new(),
        };
        let response = self.fetch(&request)?;
        Ok(self.store(&request, response))
    }

    /// Sends without storing; Ctrl-C cancels.
    fn fetch(&mut self, request: &Request) -> Result<http::Response, Failure> {
        let env = self
            .session
            .active_env()
            .ok_or_else(|| Failure::Message("no environment is active".into()))?;
        let base =
            Url::parse(&format!("{}/", env.url)).map_err(|e| Failure::Message(e.to_string()))?;
        let auth = env.auth.clone();
        let target = http::Target {
            base: &base,
            auth: auth.as_ref(),
        };
        let client = &mut self.client;
        let result = self.runtime.block_on(async {
            tokio::select! {
                r = client.send(&target, request) => Some(r),
                _ = tokio::signal::ctrl_c() => None,
            }
        });
        match result {
            None => Err(Failure::Interrupted),
            Some(Ok(response)) => {
                if let Some(rate) = response.rate_limit() {
                    self.session.rate_limit = Some(rate);
                }
                Ok(response)
            }
            Some(Err(e)) => fail(e.to_string()),
        }
    }

    fn store(&mut self, request: &Request, response: http::Response) -> u64 {
        let entry = Entry {
            number: 0,
            method: request.method.to_string(),
            url: request.url.to_string(),
            status: response.status,
            headers: response.headers,
            body: response.body,
            elapsed: response.elapsed,
            request_body: request.body.as_ref().map(RequestBody::text),
            size: response.size,
        };
        self.push_entry(entry)
    }

    fn push_entry(&mut self, entry: Entry) -> u64 {
        let (number, notices) = self.session.history.push(entry);
        for notice in notices {
            eprintln!("{notice}");
        }
        number
    }

    /// Runs a request per target; a single target is a plain entry, several are collected into
    /// one entry whose body is the list of bodies.
    fn fan_out(
        &mut self,
        method: reqwest::Method,
        urls: Vec<Url>,
        body: Option<RequestBody>,
    ) -> Result<Outcome, Failure> {
        if urls.len() == 1 {
            let url = urls.into_iter().next().expect("one url");
            return Ok(Outcome::Entry(self.send(method, url, body)?));
        }
        let progress = self.progress(urls.len() as u64, &format!("{method} ×{}", urls.len()));
        let mut bodies = Vec::with_capacity(urls.len());
        let mut worst = 200;
        let mut elapsed = Duration::ZERO;
        let mut size = 0;
        // The entry is named after the first target.
        let label = format!("{} (+{} more)", urls[0], urls.len() - 1);
        for url in urls {
            let request = Request {
                method: method.clone(),
                url,
                body: body.clone(),
                headers: Vec::new(),
            };
            let response = match self.fetch(&request) {
                Ok(r) => r,
                Err(e) => {
                    progress.finish_and_clear();
                    if !bodies.is_empty() {
                        let body = Value::Array(bodies);
                        let n =
                            self.push_gathered(&method, label, worst, vec![], body, elapsed, size);
                        eprintln!(
                            "kept the {} results so far as #{n}",
                            self.session
                                .history
                                .get(n)
                                .map(|e| e.body.value().as_array().map_or(0, Vec::len))
                                .unwrap_or(0)
                        );
                    }
                    return Err(e);
                }
            };
            if response.status >= 400 && worst < 400 {
                worst = response.status;
            }
            elapsed += response.elapsed;
            size += response.size;
            bodies.push(response.body.value());
            progress.inc(1);
        }
        progress.finish_and_clear();
        let body = Value::Array(bodies);
        let n = self.push_gathered(&method, label, worst, vec![], body, elapsed, size);
        Ok(Outcome::Entry(n))
    }

    /// Records a run of requests (a fan-out or a paging run) as one entry with a JSON body.
    // Each argument is one field of the entry; a struct for them would only rename `Entry`.
    #[allow(clippy::too_many_arguments)]
    fn push_gathered(
        &mut self,
        method: &reqwest::Method,
        url: String,
        status: u16,
        headers: Vec<(String, String)>,
        body: Value,
        elapsed: Duration,
        size: usize,
    ) -> u64 {
        self.push_entry(Entry {
            number: 0,
            method: method.to_string(),
            url,
            status,
            headers,
            body: Body::Json(body),
            elapsed,
            request_body: None,
            size,
        })
    }

    fn progress(&self, len: u64, label: &str) -> indicatif::ProgressBar {
        if !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label.to_string());
        bar
    }

    fn ls(
        &mut self,
        resource: &Word,
        params: &[Param],
        all: bool,
        max: Option<u64>,
        output: &Output,
    ) -> Result<Outcome, Failure> {
        let words = match self.eval_word(resource)? {
            Value::Array(items) => items,
            v => vec![v],
        };
        if let [Value::String(text)] = words.as_slice() {
            if text == "requests" || text.starts_with("requests/") {
                return self.request_tree(text.strip_prefix("requests/"));
            }
        }
        let mut urls = Vec::new();
        for value in &words {
            let text = match value {
                Value::String(s) => s.clone(),
                other => {
                    return fail(format!(
                        "`ls` takes a resource name or path, not {}",
                        type_name(other)
                    ))
                }
            };
            let url = if text.starts_with('/') || text.starts_with("http") {
                self.url_for_text(&text)?
            } else {
                self.base_url()?
                    .join(&format!("api/v1/{}", text.trim_start_matches("api/v1/")))
                    .map_err(|e| Failure::Message(e.to_string()))?
            };
            urls.push(self.with_params(url, params)?);
        }
        if params.iter().any(|p| p.key == "q") && (all || max.is_some()) {
            eprintln!("note: Okta does not page `q=` searches; only the first page exists");
        }
        if all || max.is_some() {
            if urls.len() != 1 {
                return fail("`--all` pages through one listing at a time");
            }
            let url = urls.pop().expect("one url");
            return self.page_all(url, max, output);
        }
        self.fan_out(reqwest::Method::GET, urls, None)
    }

    /// Follows `next` from `url` to the end (or `max` items). Pages are collected into one
    /// entry, or, when the output is a file, streamed into it as one JSON array so that memory
    /// does not grow with the listing.
    fn page_all(
        &mut self,
        url: Url,
        max: Option<u64>,
        output: &Output,
    ) -> Result<Outcome, Failure> {
        let logs = Kind::of_path(url.path()) == Kind::Logs;
        let progress = if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_message("paging");
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let mut sink = match output {
            Output::File(path) => Sink::stream_to(path)?,
            _ => Sink::Memory(Vec::new()),
        };
        let mut next = Some(url.clone());
        let mut last_headers = Vec::new();
        let mut elapsed = Duration::ZERO;
        let mut size = 0;
        let mut pages = 0;
        let mut count: u64 = 0;
        while let Some(page_url) = next.take() {
            let request = Request {
                method: reqwest::Method::GET,
                url: page_url,
                body: None,
                headers: Vec::new(),
            };
            let response = match self.fetch(&request) {
                Ok(r) => r,
                Err(e) => {
                    progress.finish_and_clear();
                    if count > 0 {
                        let n =
                            self.finish_pages(&url, sink, count, last_headers, elapsed, size)?;
                        eprintln!("kept the {count} items fetched so far as #{n}");
                    }
                    return Err(e);
                }
            };
            pages += 1;
            elapsed += response.elapsed;
            size += response.size;
            if response.status >= 400 {
                progress.finish_and_clear();
                if count > 0 {
                    self.finish_pages(&url, sink, count, last_headers, elapsed, size)?;
                }
                return Ok(Outcome::Entry(self.store(&request, response)));
            }
            let links = http::parse_links(
                response
                    .headers
                    .iter()
                    .filter(|(k, _)| k.eq_ignore_ascii_case("link"))
                    .map(|(_, v)| v.as_str()),
            );
            let page: Vec<Value> = match response.body {
                Body::Json(Value::Array(a)) => a,
                _ => {
                    progress.finish_and_clear();
                    return fail(format!(
                        "page {pages} of {} was not a JSON list",
                        url.path()
                    ));
                }
            };
            last_headers = response.headers;
            let empty = page.is_empty();
            let room = max.map_or(u64::MAX, |m| m.saturating_sub(count));
            for item in page
                .into_iter()
                .take(usize::try_from(room).unwrap_or(usize::MAX))
            {
                sink.push(item)?;
                count += 1;
            }
            progress.set_message(format!("{count} items, {pages} pages"));
            progress.tick();
            if max.is_some_and(|m| count >= m) {
                break;
            }
            if logs && empty {
                break; // System Log polling: `next` never ends; an empty page means caught up.
            }
            if let Some((_, href)) = links.into_iter().find(|(rel, _)| rel == "next") {
                next = Some(self.url_for_text(&href)?);
            }
        }
        progress.finish_and_clear();
        let streamed = matches!(sink, Sink::File { .. });
        let n = self.finish_pages(&url, sink, count, last_headers, elapsed, size)?;
        if streamed {
            let entry = self.entry(Some(n))?;
            eprintln!("{}", render::entry_line(entry));
            return Ok(Outcome::Written);
        }
        Ok(Outcome::Entry(n))
    }

    /// Closes a paging run: the entry holds the items, or for a file a summary of what was written.
    fn finish_pages(
        &mut self,
        url: &Url,
        sink: Sink,
        count: u64,
        headers: Vec<(String, String)>,
        elapsed: Duration,
        size: usize,
    ) -> Result<u64, Failure> {
        let body = match sink {
            Sink::Memory(items) => Value::Array(items),
            Sink::File { mut file, path, .. } => {
                file.write_all(b"\n]\n")
                    .and_then(|_| file.flush())
                    .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?;
                serde_json::json!({"written": count, "file": path})
            }
        };
        let (get, url) = (reqwest::Method::GET, url.to_string());
        Ok(self.push_gathered(&get, url, 200, headers, body, elapsed, size))
    }

    fn get(&mut self, target: &Word, params: &[Param]) -> Result<Outcome, Failure> {
        let urls = self
            .targets(target)?
            .into_iter()
            .map(|u| self.with_params(u, params))
            .collect::<Result<Vec<_>, _>>()?;
        self.fan_out(reqwest::Method::GET, urls, None)
    }

    fn follow(&mut self, rel: &str, from: Option<&Word>) -> Result<Outcome, Failure> {
        // The source: a history entry (its link headers and body) or any value with _links.
        let (links, body): (Vec<(String, String)>, Value) = match from {
            None => {
                let entry = self.session.history.last().ok_or_else(|| {
                    Failure::Message("nothing to follow yet: send a request first".into())
                })?;
                (
                    http::parse_links(entry.header_values("link")),
                    entry.body.value(),
                )
            }
            Some(word) => match word.as_ref_only() {
                Some(Expr {
                    root: Root::Entry(n),
                    steps,
                }) if steps.is_empty() => {
                    let entry = self.entry(Some(*n))?;
                    (
                        http::parse_links(entry.header_values("link")),
                        entry.body.value(),
                    )
                }
                Some(Expr {
                    root: Root::Last,
                    steps,
                }) if steps.is_empty() => {
                    let entry = self.entry(None)?;
                    (
                        http::parse_links(entry.header_values("link")),
                        entry.body.value(),
                    )
                }
                _ => (Vec::new(), self.eval_word(word)?),
            },
        };
        if let Some((_, href)) = links.iter().find(|(r, _)| r == rel) {
            let url = self.url_for_text(href)?;
            return Ok(Outcome::Entry(self.send(
                reqwest::Method::GET,
                url,
                None,
            )?));
        }
        let link = body.pointer(&format!(
            "/_links/{}",
            rel.replace('~', "~0").replace('/', "~1")
        ));
        let Some(link) = link else {
            let mut names: Vec<String> = links.iter().map(|(r, _)| r.clone()).collect();
            if let Some(map) = body.get("_links").and_then(Value::as_object) {
                names.extend(map.keys().cloned());
            }
            if body.is_array() && rel == "next" {
                return fail("no `next` link: this is the last page");
            }
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let hint = lang::suggest(rel, &refs)
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default();
            return fail(if names.is_empty() {
                format!("no link `{rel}` here: the response has no links")
            } else {
                format!("no link `{rel}` here{hint} (links: {})", names.join(", "))
            });
        };
        let link = match link {
            Value::Array(list) => list.first().cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        let href = link
            .get("href")
            .and_then(Value::as_str)
            .ok_or_else(|| Failure::Message(format!("link `{rel}` has no href")))?;
        let declared = link
            .pointer("/hints/allow/0")
            .or_else(|| link.get("method"))
            .and_then(Value::as_str)
            .map(str::to_ascii_uppercase);
        let method = match declared.as_deref() {
            Some("POST") => Method::Post,
            Some("PUT") => Method::Put,
            Some("DELETE") => Method::Delete,
            Some("PATCH") => Method::Patch,
            Some(_) => Method::Get,
            None if matches!(
                rel,
                "self" | "next" | "users" | "apps" | "groups" | "logo" | "type" | "schema"
            ) =>
            {
                Method::Get
            }
            None => Method::Post,
        };
        let url = self.url_for_text(href)?;
        if method != Method::Get {
            self.confirm_write(method, std::slice::from_ref(&url), false)?;
        }
        Ok(Outcome::Entry(self.send(
            reqwest_method(method),
            url,
            None,
        )?))
    }

    fn write(
        &mut self,
        method: Method,
        target: &Word,
        body: Option<&BodyArg>,
        params: &[Param],
        yes: bool,
    ) -> Result<Outcome, Failure> {
        let urls = self
            .targets(target)?
            .into_iter()
            .map(|u| self.with_params(u, params))
            .collect::<Result<Vec<_>, _>>()?;
        let body = match body {
            None => None,
            Some(BodyArg::Json(v)) => Some(RequestBody::json(v)),
            Some(BodyArg::Ref(e)) => Some(RequestBody::json(&self.eval_expr(e)?)),
            Some(BodyArg::File(w)) => {
                let path = self.word_text(w, "the body file")?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| Failure::Message(format!("cannot read body file {path}: {e}")))?;
                let value: Value = serde_json::from_str(&text)
                    .map_err(|e| Failure::Message(format!("{path} is not valid JSON: {e}")))?;
                Some(RequestBody::json(&value))
            }
        };
        self.confirm_write(method, &urls, yes)?;
        self.fan_out(reqwest_method(method), urls, body)
    }

    /// Asks before a write in a protected environment and before any write to several targets.
    fn confirm_write(&mut self, method: Method, urls: &[Url], yes: bool) -> Result<(), Failure> {
        let env = self.active_env()?;
        let protected = env.protected;
        if !(protected || urls.len() > 1) || yes || self.assume_yes {
            return Ok(());
        }
        let what = if urls.len() == 1 {
            format!("{} {}", method.as_str(), path_and_query(&urls[0]))
        } else {
            format!(
                "{} on {} targets (first: {})",
                method.as_str(),
                urls.len(),
                path_and_query(&urls[0])
            )
        };
        let place = if protected {
            format!(" in protected environment {} ({})", env.name, env.url)
        } else {
            String::new()
        };
        if !self.interactive {
            return fail(format!("{what}{place} needs confirmation: add --yes"));
        }
        let answer = ask(&format!("{what}{place}. Proceed? [y/N] "))?;
        if matches!(answer.trim(), "y" | "Y" | "yes") {
            Ok(())
        } else {
            fail("not sent")
        }
    }

    // ----- history -----

    fn entry(&self, number: Option<u64>) -> Result<&Entry, Failure> {
        match number {
            None => {
                self.session.history.last().ok_or_else(|| {
                    Failure::Message("history is empty: send a request first".into())
                })
            }
            Some(n) => self.session.history.get(n).ok_or_else(|| {
                Failure::Message(format!(
                    "no history entry #{n} (history holds {})",
                    self.session.history.range_text()
                ))
            }),
        }
    }

    fn show(&self, number: Option<u64>, json: bool) -> Result<Outcome, Failure> {
        let entry = self.entry(number)?;
        if json {
            // Plain even on a terminal, so that it can be copied as it is.
            return Ok(Outcome::Text(
                serde_json::to_string_pretty(&entry.body.value()).unwrap_or_default(),
            ));
        }
        let mut out = format!(
            "#{} {} {}\n{} in {:?}\n",
            entry.number, entry.method, entry.url, entry.status, entry.elapsed
        );
        for (k, v) in &entry.headers {
            out.push_str(&format!("{k}: {v}\n"));
        }
        out.push('\n');
        out.push_str(&match &entry.body {
            Body::Empty => "(no content)".to_string(),
            Body::Text(t) => t.clone(),
            Body::Json(v) => render::json(v, self.style),
        });
        Ok(Outcome::Text(out))
    }

    fn as_curl(&self, number: Option<u64>, reveal: bool) -> Result<String, Failure> {
        let entry = self.entry(number)?;
        if entry.url.contains(" (+") {
            return fail(format!(
                "#{} collects several requests; `as curl` shows one request at a time",
                entry.number
            ));
        }
        let env = self.active_env()?;
        let mut parts = vec!["curl".to_string()];
        if entry.method != "GET" {
            parts.push(format!("-X {}", entry.method));
        }
        parts.push(shell_quote(&entry.url));
        parts.push("-H 'Accept: application/json'".into());
        parts.push("-H 'Content-Type: application/json'".into());
        if let Some(auth) = &env.auth {
            let token = if reveal {
                auth.token
                    .resolve()
                    .map(|s| s.expose().to_string())
                    .unwrap_or_else(|e| format!("<{e}>"))
            } else {
                match &auth.token {
                    TokenSource::EnvVar(var) => format!("${var}"),
                    TokenSource::Literal(s) => s.masked(),
                }
            };
            let header = format!("Authorization: {} {token}", auth.scheme.as_str());
            parts.push(match &auth.token {
                TokenSource::EnvVar(_) if !reveal => format!("-H \"{header}\""),
                _ => format!("-H {}", shell_quote(&header)),
            });
        }
        match &entry.request_body {
            Some(body) => parts.push(format!("--data {}", shell_quote(body))),
            None if matches!(entry.method.as_str(), "POST" | "PUT" | "PATCH") => {
                parts.push("-H 'Content-Length: 0'".into())
            }
            None => {}
        }
        Ok(parts.join(" \\\n  "))
    }

    // ----- scripts -----

    fn source(&mut self, file: &Word) -> Result<Outcome, Failure> {
        let path = self.word_text(file, "the script path")?;
        if self.source_depth >= 8 {
            return fail(format!(
                "source {path}: scripts nest too deeply (a script sourcing itself?)"
            ));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Message(format!("cannot read {path}: {e}")))?;
        self.source_depth += 1;
        let result = self.run_script(&text, &path);
        self.source_depth -= 1;
        // `exit` in a sourced script ends that script, not the session.
        result.map(|_| Outcome::Nothing)
    }

    /// Runs a script's lines in order, stopping at the first failure and naming its line.
    pub fn run_script(&mut self, text: &str, name: &str) -> Result<Flow, Failure> {
        let mut failed = 0;
        for (index, line) in text.lines().enumerate() {
            let at = format!("{name}:{}", index + 1);
            // The message, and whether the error itself was already shown (an Okta response).
            let (message, shown) = match self.run_line(line) {
                Ok(Flow::Exit) => break,
                Ok(Flow::Continue) => continue,
                Err(Failure::Interrupted) => return Err(Failure::Interrupted),
                Err(Failure::Reported) => (format!("{at}: stopped at this line"), true),
                // A parse error carries its line and caret: keep them aligned below the location.
                Err(Failure::Message(m)) if m.contains('\n') => (format!("{at}:\n{m}"), false),
                Err(Failure::Message(m)) => (format!("{at}: {m}"), false),
            };
            // `--keep-going` runs the rest of a top-level script and fails at its end.
            if !(self.keep_going && self.source_depth == 0) {
                return fail(message);
            }
            if shown {
                eprintln!("{at}: failed, going on");
            } else {
                Failure::Message(message).report();
            }
            failed += 1;
        }
        if failed > 0 {
            return fail(format!("{name}: {} failed", plural(failed, "line")));
        }
        Ok(Flow::Continue)
    }

    fn start_recording(&mut self, file: Option<&Word>) -> Result<Outcome, Failure> {
        let Some(file) = file else {
            self.recording = None;
            return Ok(Outcome::Text("recording stopped".into()));
        };
        let path = self.word_text(file, "the recording path")?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Failure::Message(format!("cannot record to {path}: {e}")))?;
        self.recording = Some(file);
        Ok(Outcome::Text(format!(
            "recording every later command to {path}"
        )))
    }

    // ----- Postman collections and environments -----

    fn import(&mut self, files: &[Word]) -> Result<Outcome, Failure> {
        // Every file is read and checked before anything is added: all or nothing.
        let mut loaded = Vec::new();
        for file in files {
            let path = self.word_text(file, "the file to import")?;
            let started = std::time::Instant::now();
            let imported = postman::import_file(Path::new(&path))
                .map_err(|e| Failure::Message(e.to_string()))?;
            loaded.push((path, imported, started.elapsed()));
        }
        let mut lines = Vec::new();
        for (path, imported, took) in loaded {
            match imported {
                postman::Imported::Collection(c) => {
                    let scripts = if c.skipped_scripts > 0 {
                        format!(", {} not run", plural(c.skipped_scripts, "script"))
                    } else {
                        String::new()
                    };
                    lines.push(format!(
                        "collection {} ({}, {} requests{scripts}) from {path} in {:.1} ms",
                        c.name,
                        c.format,
                        c.request_count(),
                        took.as_secs_f64() * 1000.0
                    ));
                    for warning in &c.warnings {
                        lines.push(format!("  note: {warning}"));
                    }
                    match self
                        .session
                        .collections
                        .iter()
                        .position(|old| old.name == c.name)
                    {
                        Some(i) => self.session.collections[i] = c,
                        None => self.session.collections.push(c),
                    }
                }
                postman::Imported::Environment(e) => lines.push(self.import_environment(e, &path)),
            }
        }
        Ok(Outcome::Text(lines.join("\n")))
    }

    /// A Postman environment becomes an oktash one: `url` the org, `apikey` an SSWS token, the
    /// rest its `{{variables}}`.
    fn import_environment(&mut self, env: postman::Environment, path: &str) -> String {
        let name = environment_name(&env.name, path);
        let placeholder = env.url_is_placeholder();
        let url = env.url.clone().unwrap_or_default();
        let auth = env.apikey.as_ref().map(|key| Auth {
            scheme: AuthScheme::Ssws,
            token: TokenSource::Literal(crate::session::Secret::new(key.clone())),
        });
        let count = env.variables.len();
        let environment = Environment {
            name: name.clone(),
            url: if placeholder {
                url.clone()
            } else {
                url.trim_end_matches('/').to_string()
            },
            auth,
            origin: EnvOrigin::Postman(path.to_string()),
            protected: false,
            variables: env.variables,
        };
        self.session.upsert_env(environment);
        let mut line = format!(
            "environment {name} with {count} variables from {path}; `use {name}` to switch to it"
        );
        if placeholder {
            line.push_str(&format!(
                "\n  note: its url is Okta's placeholder ({url}); `env add {name} https://YOUR-ORG.okta.com token=…` points it at your org and keeps its variables"
            ));
        } else if env.apikey.is_none() {
            line.push_str(&format!(
                "\n  note: its apikey is empty; `env add {name} {url} token=…` sets one"
            ));
        }
        line
    }

    fn collections(&self) -> Result<Outcome, Failure> {
        if self.session.collections.is_empty() {
            return Ok(Outcome::Text(
                "no collections yet: `import FILE` loads a Postman collection".into(),
            ));
        }
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::NOTHING);
        table.set_header(["NAME", "FORMAT", "REQUESTS", "SCRIPTS SKIPPED", "FILE"]);
        for c in &self.session.collections {
            table.add_row([
                c.name.clone(),
                c.format.to_string(),
                c.request_count().to_string(),
                c.skipped_scripts.to_string(),
                c.source.clone(),
            ]);
        }
        Ok(Outcome::Text(table.to_string()))
    }

    /// `ls requests` and `ls requests/NAME`: the folder trees of the imported collections.
    fn request_tree(&self, filter: Option<&str>) -> Result<Outcome, Failure> {
        let chosen: Vec<&postman::Collection> = self
            .session
            .collections
            .iter()
            .filter(|c| filter.is_none_or(|f| c.name.to_lowercase().starts_with(&f.to_lowercase())))
            .collect();
        if chosen.is_empty() {
            let names: Vec<&str> = self
                .session
                .collections
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            return fail(match filter {
                Some(f) if !names.is_empty() => {
                    format!("no collection named {f} (loaded: {})", names.join(", "))
                }
                _ => "no collections yet: `import FILE` loads a Postman collection".to_string(),
            });
        }
        Ok(Outcome::Text(
            chosen
                .iter()
                .map(|c| c.tree())
                .collect::<Vec<_>>()
                .join("\n"),
        ))
    }

    /// Request names of the imported collections, for completion.
    pub fn request_names(&self) -> Vec<String> {
        postman::request_names(&self.session.collections)
    }

    fn run_request(
        &mut self,
        request: &Word,
        params: &[Param],
        yes: bool,
    ) -> Result<Outcome, Failure> {
        let query = self.word_text(request, "the request name")?;
        let env = self.active_env()?;
        if env.url.contains('{') {
            return fail(format!(
                "environment {} has no usable org URL ({}); `env add {} https://YOUR-ORG.okta.com token=…` sets it",
                env.name, env.url, env.name
            ));
        }
        let org_url = env.url.clone();
        let env_vars = env.variables.clone();
        let mut line_vars = Vec::new();
        for p in params {
            line_vars.push((
                p.key.clone(),
                self.word_text(&p.value, &format!("the value of {}", p.key))?,
            ));
        }
        let (collection, def) = postman::find_request(&self.session.collections, &query)
            .map_err(|e| Failure::Message(e.to_string()))?;
        // Strongest first: the run line, session variables, the environment's variables.
        let session_vars = &self.session.variables;
        let lookup = |name: &str| -> Option<String> {
            line_vars
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .or_else(|| {
                    session_vars.get(name).map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string())
                    })
                })
                .or_else(|| {
                    env_vars
                        .iter()
                        .rev()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone())
                })
        };
        let prepared = postman::prepare(def, collection, &lookup, &org_url)
            .map_err(|e| Failure::Message(format!("run {}: {e}", def.full_name())))?;
        let name = def.full_name();
        let request = prepared_to_request(prepared)
            .map_err(|e| Failure::Message(format!("run {name}: {e}")))?;
        if request.method != reqwest::Method::GET {
            let method = match request.method.as_str() {
                "POST" => Method::Post,
                "PUT" => Method::Put,
                "PATCH" => Method::Patch,
                _ => Method::Delete,
            };
            self.confirm_write(method, std::slice::from_ref(&request.url), yes)?;
        }
        eprintln!("run {name}");
        let response = self.fetch(&request)?;
        Ok(Outcome::Entry(self.store(&request, response)))
    }
}

/// A name usable with `use`: the environment's own, or the file's when that is a placeholder.
fn environment_name(name: &str, path: &str) -> String {
    let clean = |text: &str| -> String {
        let mapped: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        mapped.trim_matches('-').to_string()
    };
    if !name.contains('{') {
        let n = clean(name);
        if !n.is_empty() {
            return n;
        }
    }
    let stem = Path::new(path)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or("postman");
    let stem = stem
        .trim_end_matches(".json")
        .trim_end_matches(".environment")
        .trim_end_matches(".postman_environment");
    let n = clean(stem);
    if n.is_empty() {
        "postman".into()
    } else {
        n
    }
}

fn prepared_to_request(prepared: postman::PreparedRequest) -> Result<Request, String> {
    let method = reqwest::Method::from_bytes(prepared.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("unknown method {}", prepared.method))?;
    let url = Url::parse(&prepared.url).map_err(|e| format!("bad URL {}: {e}", prepared.url))?;
    let body = match prepared.body {
        None => None,
        Some(postman::PreparedBody::Raw { content_type, text }) => Some(RequestBody {
            content_type,
            bytes: text.into_bytes(),
        }),
        Some(postman::PreparedBody::Form(pairs)) => {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                form.append_pair(k, v);
            }
            Some(RequestBody {
                content_type: "application/x-www-form-urlencoded".into(),
                bytes: form.finish().into_bytes(),
            })
        }
        Some(postman::PreparedBody::File(path)) => Some(RequestBody {
            content_type: "application/octet-stream".into(),
            bytes: std::fs::read(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        }),
        Some(postman::PreparedBody::Multipart(parts)) => Some(multipart(&parts)?),
    };
    Ok(Request {
        method,
        url,
        body,
        headers: prepared.headers,
    })
}

/// A multipart/form-data body as bytes. Built here rather than with reqwest's `multipart`
/// because a body must be kept (for retries and `as curl`), and reqwest's form is consumed.
fn multipart(parts: &[postman::MultipartPart]) -> Result<RequestBody, String> {
    // Unique enough: a boundary only has to be absent from the parts.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let boundary = format!("oktash-boundary-{nanos:x}");
    let mut bytes = Vec::new();
    for part in parts {
        bytes.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let name = part.name.replace('"', "%22");
        match &part.value {
            postman::PartValue::Text(text) => {
                bytes.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                bytes.extend_from_slice(text.as_bytes());
            }
            postman::PartValue::File { path, content_type } => {
                let file_name = path
                    .file_name()
                    .and_then(|f| f.to_str())
                    .unwrap_or("file")
                    .replace('"', "%22");
                let data = std::fs::read(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                bytes.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {}\r\n\r\n",
                        content_type.as_deref().unwrap_or("application/octet-stream")
                    )
                    .as_bytes(),
                );
                bytes.extend_from_slice(&data);
            }
        }
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(RequestBody {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        bytes,
    })
}

impl Drop for Shell {
    fn drop(&mut self) {
        if let Some(demo) = &mut self.demo {
            demo.stop();
        }
    }
}

/// Characters encoded in a query component: everything but the unreserved set, so that Okta's
/// `search` and `filter` expressions arrive intact.
const QUERY_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'@');

fn reqwest_method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

fn apply_step(value: Value, step: &Step, shown: &str) -> Result<Value, Failure> {
    match (step, value) {
        (Step::Field(name), Value::Object(mut map)) => match map.remove(name) {
            Some(v) => Ok(v),
            None => {
                let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                let hint = lang::suggest(name, &keys)
                    .map(|s| format!("; did you mean .{s}?"))
                    .unwrap_or_default();
                fail(format!(
                    "{shown} has no field `{name}`{hint} (fields: {})",
                    keys.join(", ")
                ))
            }
        },
        (Step::Field(name), Value::Array(items)) => {
            // `.field` on a list maps over it: `$last.id` is every id.
            if items.is_empty() {
                return Ok(Value::Array(items));
            }
            let found = items.iter().any(|i| i.get(name).is_some());
            if !found {
                let keys: Vec<String> = items
                    .iter()
                    .find_map(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                return fail(format!(
                    "{shown} is a list of {} whose items have no field `{name}` (fields: {})",
                    items.len(),
                    keys.join(", ")
                ));
            }
            Ok(Value::Array(
                items
                    .into_iter()
                    .map(|mut i| i.get_mut(name).map(Value::take).unwrap_or(Value::Null))
                    .collect(),
            ))
        }
        (Step::Field(name), other) => fail(format!(
            "{shown} is {}, which has no field `{name}`",
            type_name(&other)
        )),
        (Step::Index(i), Value::Array(mut items)) => {
            let len = items.len() as i64;
            let index = if *i < 0 { len + i } else { *i };
            if index < 0 || index >= len {
                return fail(format!(
                    "{shown}[{i}]: out of range, {shown} has {len} items"
                ));
            }
            Ok(items.swap_remove(index as usize))
        }
        (Step::Index(i), other) => fail(format!(
            "{shown}[{i}]: {shown} is {}, not a list",
            type_name(&other)
        )),
        (Step::All, Value::Array(items)) => Ok(Value::Array(items)),
        (Step::All, Value::Object(map)) => {
            Ok(Value::Array(map.into_iter().map(|(_, v)| v).collect()))
        }
        (Step::All, other) => fail(format!(
            "{shown}[*]: {shown} is {}, not a list or object",
            type_name(&other)
        )),
    }
}

fn step_text(step: &Step) -> String {
    match step {
        Step::Field(f)
            if f.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-') =>
        {
            format!(".{f}")
        }
        Step::Field(f) => format!("[{}]", Value::String(f.clone())),
        Step::Index(i) => format!("[{i}]"),
        Step::All => "[*]".into(),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A value put into text: strings as they are, numbers and booleans written out.
fn scalar_text(value: &Value, expr: &Expr) -> Result<String, Failure> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => {
            let mut shown = match &expr.root {
                Root::Last => "$last".to_string(),
                Root::Entry(n) => format!("${n}"),
                Root::Var(v) => format!("${v}"),
            };
            for s in &expr.steps {
                shown.push_str(&step_text(s));
            }
            fail(format!(
                "{shown} is {} and cannot go into text; pick a field such as {shown}.id",
                type_name(other)
            ))
        }
    }
}

/// Why a response failed, as one line: Okta's envelope, or a hint for HTML and other bodies.
pub fn describe_failure(entry: &Entry) -> String {
    let request_id = entry.header("x-okta-request-id");
    match &entry.body {
        Body::Json(v) => okta::error_line(entry.status, v, request_id).unwrap_or_else(|| format!("{} {}", entry.status, v)),
        Body::Text(t) if render::looks_like_html(t) => format!(
            "{} with an HTML page, not Okta JSON: the org URL is probably wrong (an Admin Console `-admin` URL, a custom login page or a proxy)",
            entry.status
        ),
        Body::Text(t) => format!("{}: {}", entry.status, t.chars().take(200).collect::<String>().trim()),
        Body::Empty => format!("{} with no body", entry.status),
    }
}

/// A `q=` listing: Okta answers it with one page and no `next`.
fn is_q_search(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| u.query_pairs().any(|(k, _)| k == "q"))
}

/// Short scalars that read well on one line.
fn values_are_words(items: &[Value]) -> bool {
    items.len() <= 8
        && items.iter().all(|v| {
            v.as_str()
                .is_none_or(|s| s.len() < 60 && !s.contains(char::is_whitespace))
        })
}

/// `1 script`, `3 scripts`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Writes `text` to a shell command's stdin and waits for it.
fn pipe_to(command: &str, text: &str) -> Result<(), Failure> {
    use std::process::{Command as Process, Stdio};
    let mut child = Process::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::Message(format!("cannot run `{command}`: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that stops reading early (head) is not an error.
        let _ = stdin.write_all(text.as_bytes());
        let _ = stdin.write_all(b"\n");
    }
    let status = child
        .wait()
        .map_err(|e| Failure::Message(format!("`{command}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        fail(format!("`{command}` exited with {status}"))
    }
}

/// Masks the values of `token=` and `bearer=` words, for the history and recordings.
pub fn mask_secrets(line: &str) -> String {
    mask_with(line, |_| "••••".to_string())
}

/// Masks secrets character for character, keeping every later column where it was.
pub fn mask_secrets_in_place(line: &str) -> String {
    mask_with(line, |value| "•".repeat(value.chars().count()))
}

fn mask_with(line: &str, mask: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(pos) = find_secret_key(rest) {
        let (head, tail) = rest.split_at(pos.1);
        out.push_str(head);
        let end = secret_end(tail);
        let value = &tail[..end];
        if value
            .trim_matches(|c| c == '\'' || c == '"')
            .starts_with("env:")
        {
            out.push_str(value);
        } else {
            out.push_str(&mask(value));
        }
        rest = &tail[end..];
        let _ = pos.0;
    }
    out.push_str(rest);
    out
}

/// Finds the next `token=` / `bearer=` at a word start: (start of key, start of value).
fn find_secret_key(text: &str) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for key in ["token=", "bearer=", "apikey="] {
        let mut from = 0;
        while let Some(i) = text[from..].find(key) {
            let at = from + i;
            let word_start =
                at == 0 || text[..at].ends_with(|c: char| c.is_whitespace() || c == '-');
            if word_start {
                if best.is_none_or(|b| at < b.0) {
                    best = Some((at, at + key.len()));
                }
                break;
            }
            from = at + key.len();
        }
    }
    best
}

fn secret_end(text: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c.is_whitespace() || c == ';' => return i,
            None => {}
        }
    }
    text.len()
}

/// Reads a line from the terminal for a confirmation.
fn ask(question: &str) -> Result<String, Failure> {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::Message(format!("cannot read the answer: {e}")))?;
    Ok(answer)
}

/// Reads a secret without echo.
fn read_secret(question: &str) -> Result<String, Failure> {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let token = rpassword::read_password()
        .map_err(|e| Failure::Message(format!("cannot read the token: {e}")))?;
    eprintln!();
    Ok(token.trim().to_string())
}

pub fn help(topic: Option<&str>) -> Result<String, Failure> {
    let text = match topic {
        None => HELP,
        Some("ls") => "ls RESOURCE [k=v…] [--all] [--max N]\n  GET a collection: users, groups, apps, logs, groups/ID/users, users/ID/groups …\n  k=v become query parameters, URL-encoded: ls users search='profile.department eq \"Engineering\"'\n  --all follows `next` links to the end (--max N stops after N items).",
        Some("get") => "get TARGET [k=v…]\n  TARGET: a path (/api/v1/users/me), a URL of this org, an id (00u… users, 00g… groups, 0oa… apps),\n  a login (ann@example.com), me, a resource path (users/ID), or a $ref (an object is fetched at its\n  _links.self.href; a list fans out: get $last.id).",
        Some("follow") => "follow REL [FROM]\n  next and self come from the `link` headers of the last response (or FROM: $N);\n  any other name from the object's _links (deactivate, resetPassword …). Lifecycle links are POSTs.",
        Some("post" | "put" | "patch" | "delete") => "post|put|patch|delete TARGET [BODY] [k=v…] [--yes]\n  BODY: a JSON literal, @file.json, or a $ref. POST /users/ID is a partial update, PUT a full one.\n  DELETE of an active user only deactivates it; delete again to remove it.",
        Some("set" | "echo" | "vars") => "set NAME = VALUE   echo VALUE…   vars   unset NAME\n  VALUE: a $ref with steps ($last[0].id, $3.profile.login, $users[*]), a JSON literal, or a word.\n  A .field step on a list maps over it: $last.id is every id.",
        Some("history" | "show") => "history          one line per response kept\nshow [N] [--json] one response in full (headers and body); --json prints the body alone",
        Some("env" | "use") => "env                                  list environments (tokens masked)\nenv add NAME URL [token=…|bearer=…] [--protected]   token=env:VAR reads $VAR at each use\nenv rm NAME    use NAME",
        Some("run" | "import" | "collections" | "requests") => "\
import FILE…          a Postman collection (v1, v2.0, v2.1) or environment, told apart by content
collections           what is imported; ls requests [/NAME] shows the folder trees
run REQUEST [k=v…]    send one request of an imported collection
  REQUEST: its exact name, Folder/Name, Collection:Name, or a unique prefix (case ignored);
  an unknown or ambiguous name lists the closest candidates. Quote names with spaces.
  {{variables}}, strongest first: k=v on the run line, session variables (set NAME = …), the
  active environment's variables, the collection's variables. {{url}}, {{baseUrl}} and
  {{yourOktaDomain}} are the active environment's org; {{$guid}}, {{$timestamp}}, {{$randomInt}}…
  are generated. A variable nothing defines stops the request before it is sent.
  The collection's own Authorization (SSWS {{apikey}}, auth blocks) is replaced by the
  environment's token; pre-request and test scripts are not run.",
        Some("as" | "curl") => "as curl [N] [--reveal]   the request of entry N as a curl command; the token is masked unless --reveal",
        Some("source" | "record") => "source FILE   run a script of commands\nrecord FILE   append every later command to FILE (record off stops)",
        Some(other) => return fail(format!("no help for `{other}`; try `help`")),
    };
    Ok(text.to_string())
}

const HELP: &str = "\
env | env add NAME URL [token=…] | env rm NAME | use NAME   environments
import FILE… | collections | run REQUEST [k=v…]              Postman collections
ls RESOURCE [k=v…] [--all] [--max N]                        list (users, groups, apps, logs …)
get TARGET [k=v…]                                           one object: path, id, login, $ref
follow REL [FROM]                                           next, self, or a _links name
post|put|patch|delete TARGET [BODY] [k=v…]                  writes (BODY: JSON, @file, $ref)
set NAME = VALUE | echo VALUE | vars | unset NAME           values: $last, $N, $name, .field [N] [*]
history | show [N] [--json] | as curl [N] [--reveal]        what came back
source FILE | record FILE | help [CMD] | exit
CMD | shell-command      CMD > file      CMD; CMD      # comment";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_lines() {
        assert_eq!(
            mask_secrets("env add prod https://a.okta.com token=00abc"),
            "env add prod https://a.okta.com token=••••"
        );
        assert_eq!(
            mask_secrets("env add p u token='a b'; ls"),
            "env add p u token=••••; ls"
        );
        assert_eq!(
            mask_secrets("env add p u token=env:OKTA"),
            "env add p u token=env:OKTA"
        );
        assert_eq!(mask_secrets("ls users mytoken=1"), "ls users mytoken=1");
        assert_eq!(
            mask_secrets_in_place("env add p u token=abc 'x"),
            "env add p u token=••• 'x"
        );
    }
}
