//! Scripts and recordings: `source`, running a script's lines, `record`.

use std::io::Write;

use crate::lang::Word;

use super::mask::mask_secrets;
use super::{fail, plural, Failure, Flow, Outcome, Shell};

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
