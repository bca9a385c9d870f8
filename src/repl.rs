//! The interactive shell: rustyline with a prompt naming the environment, completion of
//! commands, resources, `$` references, variables and the ids seen in recent responses, and a
//! persistent command history (0600, tokens masked).

use std::borrow::Cow;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::history::{FileHistory, History as _};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Context, Editor, Helper};
use serde_json::Value;

use crate::complete::{self, Candidates};
use crate::eval::{mask_secrets, Flow, Shell};
use crate::{config, lang};

#[derive(Helper)]
struct ShellHelper {
    candidates: Rc<RefCell<Candidates>>,
    /// The rest of an earlier line that starts like this one, shown dimmed; → accepts it.
    hinter: HistoryHinter,
    /// Hints are dimmed and the line highlighted as it is typed, when output has colour
    /// (`render::Style`: a terminal, and no `NO_COLOR`).
    color: bool,
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

impl Validator for ShellHelper {
    /// Enter inside an unclosed `{`, `[` or quote starts a new line of the same command, so a
    /// multi-line JSON body can be typed or pasted (without bracketed paste too).
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if lang::is_unfinished(ctx.input()) {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl Highlighter for ShellHelper {
    /// The line as typed, coloured from the lexer's spans (`crate::highlight`); a `$name` is
    /// told known or unknown from the same snapshot of the session completion uses.
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color {
            return Cow::Borrowed(line);
        }
        let candidates = self.candidates.borrow();
        let known_var = |name: &str| candidates.variables.iter().any(|v| v == name);
        crate::highlight::highlight(line, &known_var)
    }

    /// Every keystroke may change what a word is (`l` → `ls` → `lsx`), so redraw on each.
    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(complete::complete(line, pos, &self.candidates.borrow()))
    }
}

fn refresh(shell: &Shell, candidates: &RefCell<Candidates>) {
    let mut data = candidates.borrow_mut();
    let session = &shell.session;
    data.variables = session.variables.keys().cloned().collect();
    data.entries = session.history.iter().map(|e| e.number).collect();
    data.environments = session
        .environments
        .iter()
        .map(|e| e.name.clone())
        .collect();
    data.requests = shell.request_names();
    // Ids of the newest responses first, a bounded number of them.
    let mut ids = Vec::new();
    for entry in session.history.iter().rev().take(20) {
        // Each item offers its id and its login.
        let wanted = MAX_COMPLETION_IDS.saturating_sub(ids.len()).div_ceil(2);
        if let Some(body) = entry.body.sample(wanted) {
            collect_ids(&body, &mut ids, 0);
        }
    }
    data.ids = ids;
    // Fields of the variables and of the newest response, for `$name.<Tab>`.
    let mut fields = Vec::new();
    for (name, value) in &session.variables {
        complete::collect_fields(&format!("${name}"), value, &mut fields);
    }
    let last = session.history.iter().next_back();
    if let Some(body) = last.and_then(|e| e.body.sample(1)) {
        complete::collect_fields("$last", &body, &mut fields);
    }
    data.fields = fields;
    // What `follow` can take now: the last response's links, in its body and its headers.
    let mut links = Vec::new();
    if let Some(entry) = last {
        if let Some(Value::Object(map)) = entry
            .body
            .sample(0)
            .as_deref()
            .and_then(|b| b.get("_links"))
        {
            links.extend(map.keys().cloned());
        }
        let headers = crate::http::parse_links(entry.header_values("link"));
        links.extend(headers.into_iter().map(|(rel, _)| rel));
    }
    data.links = links;
}

/// At most this many ids are offered: the prompt is refreshed before every line, and a listing
/// of 100,000 users must not make it slow.
const MAX_COMPLETION_IDS: usize = 2000;

fn collect_ids(value: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 3 || out.len() >= MAX_COMPLETION_IDS {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                if out.len() >= MAX_COMPLETION_IDS {
                    break;
                }
                collect_ids(item, out, depth + 1);
            }
        }
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("id") {
                out.push(id.clone());
            }
            if let Some(Value::String(login)) = map.get("profile").and_then(|p| p.get("login")) {
                out.push(login.clone());
            }
        }
        _ => {}
    }
}

/// Runs the interactive loop until `exit` or Ctrl-D.
pub fn run(shell: &mut Shell) -> anyhow::Result<()> {
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .max_history_size(10_000)?
        .completion_type(CompletionType::List)
        .build();
    let candidates = Rc::new(RefCell::new(Candidates::default()));
    let mut editor: Editor<ShellHelper, FileHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(ShellHelper {
        candidates: candidates.clone(),
        hinter: HistoryHinter::new(),
        color: crate::render::Style::detect().color,
    }));
    let history_path = prepare_history(&mut editor);
    shell.interactive = true;
    eprintln!("{}", greeting(shell));
    loop {
        refresh(shell, &candidates);
        match editor.readline(&shell.prompt()) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(mask_secrets(&line));
                    if let Some(path) = &history_path {
                        // Saved after every line, so nothing typed is lost on a crash.
                        let _ = editor.append_history(path);
                        let _ = config::restrict(path);
                    }
                }
                match shell.run_line(&line) {
                    Ok(Flow::Exit) => break,
                    Ok(Flow::Continue) => {}
                    Err(failure) => failure.report(),
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// The first lines a person sees: where they are and what to type first.
fn greeting(shell: &Shell) -> String {
    let version = env!("CARGO_PKG_VERSION");
    match shell.session.active_env() {
        Some(env) if env.origin == crate::session::EnvOrigin::Demo => format!(
            "oktash {version} on the built-in demo org ({}).\n\
             Try: ls users q=ann · get $last[0].id · follow next · help\n\
             Tab completes, Ctrl-D exits.",
            env.url
        ),
        Some(env) => format!(
            "oktash {version} · environment {} ({}).\n\
             `help` lists commands, Tab completes, Ctrl-D exits.",
            env.name, env.url
        ),
        None => format!(
            "oktash {version} · no environment yet: `env add NAME https://YOUR-ORG.okta.com`\n\
             (asks for the token), or start with --demo.  `help` lists commands."
        ),
    }
}

/// Loads the command history, creating its file 0600 first so it is never world-readable.
fn prepare_history(editor: &mut Editor<ShellHelper, FileHistory>) -> Option<PathBuf> {
    let path = config::history_path()?;
    if !path.exists() {
        if let Err(e) = config::create_private(&path) {
            eprintln!(
                "note: command history is not kept ({}: {e})",
                path.display()
            );
            return None;
        }
    }
    let _ = config::restrict(&path);
    if editor.load_history(&path).is_err() {
        eprintln!(
            "note: could not read the command history at {}",
            path.display()
        );
    }
    let _ = editor.history().len();
    Some(path)
}
