//! The interactive shell: rustyline with a prompt naming the environment, completion of
//! commands, resources, `$` references, variables and the ids seen in recent responses, and a
//! persistent command history (0600, tokens masked). Play mode (`crate::play`) runs in the same
//! loop, with the same editor.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
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
use crate::eval::{mask_secrets, Failure, Flow, ScriptFile, Shell};
use crate::play::{self, Playback, Turn, TypingSpeed};
use crate::{config, lang};

#[derive(Helper)]
struct ShellHelper {
    candidates: Rc<RefCell<Candidates>>,
    /// The rest of an earlier line that starts like this one, shown dimmed; → accepts it.
    hinter: HistoryHinter,
    /// Hints are dimmed and the line highlighted as it is typed, when output has colour
    /// (`render::Style`: a terminal, and no `NO_COLOR`).
    color: bool,
    /// `--big` or `option big on`, for a room: hints and comments are not dimmed. Set before
    /// each line is read, as the option may change between lines.
    big: Cell<bool>,
    /// The play step offered on this line: while the line is that step, no history hint is
    /// shown after it (the room would read the hint as part of the step).
    offered: RefCell<Option<String>>,
    /// The line was empty at some moment of this readline. When a play step was offered, that
    /// is how a command the presenter typed over it is told from an edit of the step.
    emptied: Cell<bool>,
}

impl Hinter for ShellHelper {
    type Hint = String;

    /// Also notes an empty line: rustyline asks for a hint after every change of the line.
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        if line.is_empty() {
            self.emptied.set(true);
        }
        if self.offered.borrow().as_deref() == Some(line) {
            return None;
        }
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
        crate::highlight::highlight(line, &known_var, self.big.get())
    }

    /// Every keystroke may change what a word is (`l` → `ls` → `lsx`), so redraw on each.
    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            let sgr = if self.big.get() { "36" } else { "2" };
            Cow::Owned(format!("\x1b[{sgr}m{hint}\x1b[0m"))
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

/// Runs the interactive loop until `exit` or Ctrl-D; with `play`, presents that script first
/// (`crate::play`), typing its steps at `speed`.
pub fn run(shell: &mut Shell, play: Option<ScriptFile>, speed: TypingSpeed) -> anyhow::Result<()> {
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .max_history_size(10_000)?
        .completion_type(CompletionType::List)
        .build();
    let candidates = Rc::new(RefCell::new(Candidates::default()));
    let mut editor: Editor<ShellHelper, FileHistory> = Editor::with_config(config)?;
    let color = crate::render::Style::detect().color;
    editor.set_helper(Some(ShellHelper {
        candidates: candidates.clone(),
        hinter: HistoryHinter::new(),
        color,
        big: Cell::new(shell.big()),
        offered: RefCell::new(None),
        emptied: Cell::new(false),
    }));
    let history_path = prepare_history(&mut editor);
    shell.interactive = true;
    crate::note!("{}", greeting(shell));
    let mut playback = play.and_then(|script| start_playback(shell, script));
    loop {
        refresh(shell, &candidates);
        if let Some(helper) = editor.helper() {
            helper.big.set(shell.big());
        }
        let mut prompt = shell.prompt();
        if let Some(playback) = &playback {
            prompt.insert_str(0, &playback.prompt_tag());
        }
        let offered = match &mut playback {
            Some(playback) => {
                play::narrate(playback.take_narration(), color);
                playback.offered().map(str::to_string)
            }
            None => None,
        };
        let read = read_line(&mut editor, shell, &prompt, offered.as_deref(), speed);
        let line = match read {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                playback.take().iter().for_each(stop_playback);
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        };
        let turn = playback.as_mut().map(|playback| {
            let cleared = editor.helper().is_some_and(|h| h.emptied.get());
            playback.answer(&line, offered.is_some(), cleared)
        });
        let line = match &turn {
            Some(Turn::Resume) => continue,
            Some(Turn::Step { line, .. }) => line.clone(),
            _ => line,
        };
        if !line.trim().is_empty() {
            let _ = editor.add_history_entry(mask_secrets(&line));
            if let Some(path) = &history_path {
                // Saved after every line, so nothing typed is lost on a crash.
                let _ = editor.append_history(path);
                let _ = config::restrict(path);
            }
        }
        let failure = match shell.run_line(&line) {
            Ok(Flow::Exit) => break,
            Ok(Flow::Continue) => None,
            Err(failure) => {
                failure.report();
                Some(failure)
            }
        };
        if let Some(Turn::Step { number, .. }) = turn {
            after_step(&mut playback, number, failure, color);
        }
        if let Some(script) = shell.take_pending_play() {
            playback = start_playback(shell, script).or(playback);
        }
    }
    Ok(())
}

/// Reads a line at `prompt`: an empty one, or the `offered` play step, typed onto the prompt at
/// `speed` and then handed to the editor as its line. Ctrl-C while the step is typed reads as
/// Ctrl-C at the prompt.
fn read_line(
    editor: &mut Editor<ShellHelper, FileHistory>,
    shell: &Shell,
    prompt: &str,
    offered: Option<&str>,
    speed: TypingSpeed,
) -> rustyline::Result<String> {
    if let Some(helper) = editor.helper() {
        *helper.offered.borrow_mut() = offered.map(str::to_string);
    }
    let Some(step) = offered else {
        return editor.readline(prompt);
    };
    // A Ctrl-C that ended an earlier command must not stop this step.
    shell.interrupt().clear();
    let painted = match editor.helper() {
        Some(helper) => helper.highlight(step, step.len()).into_owned(),
        None => step.to_string(),
    };
    let interrupted = || shell.interrupt().is_raised();
    let _quiet = play::QuietInput::hold();
    // A terminal that cannot be written to shows no typing; the step is still offered.
    if !play::type_step(prompt, &painted, speed, &interrupted).unwrap_or(true) {
        return Err(ReadlineError::Interrupted);
    }
    if let Some(helper) = editor.helper() {
        helper.emptied.set(false);
    }
    editor.readline_with_initial(prompt, (step, ""))
}

/// After step `number` ran: a failure is said with what to do next (Ctrl-C stops the playback
/// instead); after the last step, the script's closing narration and its end, once.
fn after_step(
    playback: &mut Option<Playback>,
    number: usize,
    failure: Option<Failure>,
    color: bool,
) {
    match (failure, &*playback) {
        (Some(Failure::Interrupted), _) => playback.take().iter().for_each(stop_playback),
        (Some(_), Some(going)) if !going.finished() => crate::note!(
            "step {number} of {} failed; Enter for the next step, Ctrl-C to stop",
            going.step_count()
        ),
        _ => {}
    }
    if let Some(done) = playback.take_if(|p| p.finished()) {
        play::narrate(done.epilogue(), color);
        crate::note!(
            "end of {}: {} played; the session goes on (Ctrl-D exits)",
            done.name(),
            plural_steps(done.step_count())
        );
    }
}

/// A script to present: its playback on a terminal; away from one (stdout piped), it runs at
/// once as a transcript (`Shell::play_script`), and there is nothing to present.
fn start_playback(shell: &mut Shell, script: ScriptFile) -> Option<Playback> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        if let Err(failure) = shell.play_script(&script.text, &script.name) {
            failure.report();
        }
        return None;
    }
    match Playback::new(script) {
        Ok(playback) => {
            crate::note!(
                "playing {}: {}. Enter runs each, Ctrl-C stops.",
                playback.name(),
                plural_steps(playback.step_count())
            );
            Some(playback)
        }
        Err(message) => {
            crate::note!("error: {message}");
            None
        }
    }
}

fn stop_playback(stopped: &Playback) {
    crate::note!(
        "playback of {} stopped at step {} of {}; the session goes on",
        stopped.name(),
        stopped.step_number(),
        stopped.step_count()
    );
}

fn plural_steps(count: usize) -> String {
    if count == 1 {
        "1 step".to_string()
    } else {
        format!("{count} steps")
    }
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
            crate::note!(
                "note: command history is not kept ({}: {e})",
                path.display()
            );
            return None;
        }
    }
    let _ = config::restrict(&path);
    if editor.load_history(&path).is_err() {
        crate::note!(
            "note: could not read the command history at {}",
            path.display()
        );
    }
    let _ = editor.history().len();
    Some(path)
}
