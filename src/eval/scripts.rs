//! Scripts and recordings: `source`, running a script's lines, `record`.

use std::io::Write;

use std::borrow::Cow;

use crate::lang::{self, Word};

use super::mask::mask_secrets;
use super::{fail, plural, Failure, Flow, Outcome, Shell};

/// A command joined over several lines stops growing at this many lines or bytes (a body that
/// large belongs in a file, `@body.json`). Each line added re-parses the command so far, so the
/// bounds also keep a never-closed `{` in a long script from costing quadratic time.
const MAX_JOINED_LINES: usize = 2000;
const MAX_JOINED_BYTES: usize = 256 * 1024;

impl Shell {
    pub(super) fn source(&mut self, file: &Word) -> Result<Outcome, Failure> {
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

    /// Runs a script's lines in order, stopping at the first failure and naming its line. With
    /// `--keep-going` (a top-level script) every failed command is reported and the rest of the
    /// script, and of the same line, still runs; the script then fails at its end.
    /// A line that ends inside a JSON literal or a quote goes on on the next lines, as in the
    /// REPL, so a pasted multi-line body works in a script too; it is named by its first line.
    pub fn run_script(&mut self, text: &str, name: &str) -> Result<Flow, Failure> {
        let keep_going = self.keep_going && self.source_depth == 0;
        let mut failed = 0;
        let mut lines = text.lines().enumerate();
        while let Some((index, first)) = lines.next() {
            let mut line = Cow::Borrowed(first);
            let mut joined_lines = 1;
            while joined_lines < MAX_JOINED_LINES
                && line.len() < MAX_JOINED_BYTES
                && lang::is_unfinished(&line)
            {
                let Some((_, more)) = lines.next() else { break };
                joined_lines += 1;
                let joined = line.to_mut();
                joined.push('\n');
                joined.push_str(more);
            }
            let line = line.as_ref();
            let at = format!("{name}:{}", index + 1);
            let mut go_on = |failure: Failure| match failure {
                Failure::Interrupted | Failure::OutputClosed => Err(failure),
                failure if keep_going => {
                    report_going_on(&at, failure);
                    failed += 1;
                    Ok(())
                }
                failure => Err(failure),
            };
            match self.run_line_with(line, &mut go_on) {
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
        Failure::OktaError { .. } => eprintln!("{at}: failed, going on"),
        failure => located(at, failure).report(),
    }
}
