//! Scripts and recordings: `source`, `play` away from a terminal, running a script's lines,
//! `record`.

use std::io::{Read, Write};

use crate::lang::{self, ScriptPart, Word};
use crate::render;

use super::mask::mask_secrets;
use super::output::print_line;
use super::{fail, plural, Failure, Flow, Outcome, Shell};

/// The largest script read: far more commands than any session runs (a body that large belongs
/// in a file, `@body.json`).
const MAX_SCRIPT_BYTES: u64 = 16 << 20;

/// A script read from a file, for `play`, `--play` and `source`.
#[derive(Debug, Clone)]
pub struct ScriptFile {
    /// As the person named it.
    pub name: String,
    pub text: String,
}

/// Reads a script, or says in one line why `path` holds none: missing, a directory, unreadable,
/// or not text (bytes that are not UTF-8, or control characters other than tab and line ends,
/// which would otherwise reach the terminal when `play` shows the script's lines). A byte-order
/// mark is dropped.
pub fn read_script(path: &str) -> Result<ScriptFile, String> {
    use std::io::ErrorKind;
    let cannot = |why: &dyn std::fmt::Display| format!("cannot read {path}: {why}");
    let bytes = match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => return Err(cannot(&"it is a directory, not a script")),
        // Read up to one byte past the cap: `/dev/zero` or a huge log is refused, not read whole.
        Ok(_) => std::fs::File::open(path).and_then(|file| {
            let mut bytes = Vec::new();
            file.take(MAX_SCRIPT_BYTES + 1).read_to_end(&mut bytes)?;
            Ok(bytes)
        }),
        Err(e) => Err(e),
    }
    .map_err(|e| match e.kind() {
        ErrorKind::NotFound => cannot(&"no such file"),
        ErrorKind::PermissionDenied => cannot(&"permission denied"),
        _ => cannot(&e),
    })?;
    if bytes.len() as u64 > MAX_SCRIPT_BYTES {
        return Err(cannot(&format!(
            "larger than {} MB, not a script of commands",
            MAX_SCRIPT_BYTES >> 20
        )));
    }
    let not_text = || cannot(&"binary data, not a script of commands");
    let text = String::from_utf8(bytes).map_err(|_| not_text())?;
    // Windows line ends are line ends; a lone carriage return would move the cursor.
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .replace("\r\n", "\n");
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n'))
    {
        return Err(not_text());
    }
    Ok(ScriptFile {
        name: path.to_string(),
        text,
    })
}

impl Shell {
    pub(super) fn source(&mut self, file: &Word) -> Result<Outcome, Failure> {
        let path = self.word_text(file, "the script path")?;
        if self.source_depth >= 8 {
            return fail(format!(
                "source {path}: scripts nest too deeply (a script sourcing itself?)"
            ));
        }
        let script = read_script(&path)?;
        self.source_depth += 1;
        let result = self.run_script(&script.text, &path);
        self.source_depth -= 1;
        // `exit` in a sourced script ends that script, not the session.
        result.map(|_| Outcome::Nothing)
    }

    /// `play FILE`: at the interactive prompt the REPL presents it step by step (it takes it
    /// with [`Shell::take_pending_play`] once this line has run); anywhere else (a script,
    /// `-c`) it runs as [`Shell::play_script`] runs it.
    pub(super) fn play(&mut self, file: &Word) -> Result<Outcome, Failure> {
        let path = self.word_text(file, "the script path")?;
        let script = read_script(&path)?;
        if self.interactive && self.source_depth == 0 {
            self.pending_play = Some(script);
            return Ok(Outcome::Nothing);
        }
        if self.source_depth >= 8 {
            return fail(format!(
                "play {path}: scripts nest too deeply (a script playing itself?)"
            ));
        }
        self.source_depth += 1;
        let result = self.play_script(&script.text, &path);
        self.source_depth -= 1;
        result.map(|_| Outcome::Nothing)
    }

    /// The script `play` asked the REPL to present, once.
    pub fn take_pending_play(&mut self) -> Option<ScriptFile> {
        self.pending_play.take()
    }

    /// `--play` or `play` away from a terminal: the script runs as [`Shell::run_script`] runs
    /// it, and stdout reads as a transcript of the demo, so that a recorded demo can be checked
    /// in CI: each narration line (a comment line) as it is, and each command after the
    /// environment's name as a prompt (`demo> ls users`, secrets masked) before its output.
    pub fn play_script(&mut self, text: &str, name: &str) -> Result<Flow, Failure> {
        self.run_script_with(text, name, true)
    }

    /// Runs a script's lines in order, stopping at the first failure and naming its line. With
    /// `--keep-going` (a top-level script) every failed command is reported and the rest of the
    /// script, and of the same line, still runs; the script then fails at its end.
    /// A line that ends inside a JSON literal or a quote goes on on the next lines, as in the
    /// REPL, so a pasted multi-line body works in a script too; it is named by its first line.
    pub fn run_script(&mut self, text: &str, name: &str) -> Result<Flow, Failure> {
        self.run_script_with(text, name, false)
    }

    /// [`Shell::run_script`], printing the transcript of [`Shell::play_script`] when `transcript`.
    fn run_script_with(
        &mut self,
        text: &str,
        name: &str,
        transcript: bool,
    ) -> Result<Flow, Failure> {
        let keep_going = self.keep_going && self.source_depth == 0;
        let mut failed = 0;
        for part in lang::script::parts(text) {
            let (line_number, line) = match part {
                ScriptPart::Narration(narration) => {
                    if transcript {
                        print_line(narration)?;
                    }
                    continue;
                }
                ScriptPart::Command { line, text } => (line, text),
            };
            if transcript {
                let shown = mask_secrets(&line);
                print_line(&format!(
                    "{}{}",
                    self.transcript_prompt(),
                    render::escape_controls(&shown)
                ))?;
            }
            let at = format!("{name}:{line_number}");
            let mut go_on = |failure: Failure| match failure {
                Failure::Interrupted | Failure::OutputClosed => Err(failure),
                failure if keep_going => {
                    report_going_on(&at, failure);
                    failed += 1;
                    Ok(())
                }
                failure => Err(failure),
            };
            match self.run_line_with(&line, &mut go_on) {
                Ok(Flow::Exit) => break,
                Ok(Flow::Continue) => {}
                Err(failure @ (Failure::Interrupted | Failure::OutputClosed)) => {
                    return Err(failure)
                }
                // A line that does not parse.
                Err(failure) if keep_going => {
                    report_going_on(&at, failure);
                    failed += 1;
                }
                Err(failure) => return Err(located(&at, failure)),
            }
        }
        if failed > 0 {
            return fail(format!("{name}: {} failed", plural(failed, "command")));
        }
        Ok(Flow::Continue)
    }

    /// The prompt a transcript shows before a command: the environment's name alone (the
    /// rate-limit budget of the interactive prompt changes from run to run).
    fn transcript_prompt(&self) -> String {
        let name = self
            .session
            .active_env()
            .map_or("no env", |e| e.name.as_str());
        format!("{name}> ")
    }

    pub(super) fn start_recording(&mut self, file: Option<&Word>) -> Result<Outcome, Failure> {
        let Some(file) = file else {
            self.recording = None;
            return Ok(Outcome::Text("recording stopped".into()));
        };
        let path = self.word_text(file, "the recording path")?;
        // A recording holds every command typed: the owner's only, as the history file is.
        let file = crate::config::append_private(std::path::Path::new(&path))
            .map_err(|e| Failure::Message(format!("cannot record to {path}: {e}")))?;
        self.recording = Some(file);
        Ok(Outcome::Text(format!(
            "recording every later command to {path}"
        )))
    }

    pub(super) fn record(&mut self, line: &str) {
        if let Some(file) = &mut self.recording {
            let _ = writeln!(file, "{}", mask_secrets(line));
        }
    }
}

/// A failure named by its script line: `-c:2: no field …`.
fn located(at: &str, failure: Failure) -> Failure {
    match failure {
        // The error itself was already shown (an Okta response).
        Failure::OktaError { .. } => Failure::Message(format!("{at}: stopped at this line")),
        // Nothing to say, or said already.
        Failure::Interrupted | Failure::OutputClosed => failure,
        failure => Failure::At {
            at: at.to_string(),
            failure: Box::new(failure),
        },
    }
}

/// Under `--keep-going`: the failure, and that the script goes on.
fn report_going_on(at: &str, failure: Failure) {
    match failure {
        Failure::OktaError { .. } => crate::note!("{at}: failed, going on"),
        failure => located(at, failure).report(),
    }
}
