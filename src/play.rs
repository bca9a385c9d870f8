//! Play mode: a script presented one step at a time in the REPL, for a live demo
//! (`oktash --play FILE`, `play FILE`). The REPL keeps its one editor (history, completion,
//! highlighting); this module knows where the playback is, what a line the presenter entered
//! means for it, and how a step is typed onto the prompt.
//!
//! Typing without a second editor: the prompt and a growing prefix of the step are written to
//! the terminal, each character already in the colour the REPL's highlighting gives the whole
//! step, and then rustyline's `readline_with_initial` takes the whole step as its line. Its
//! first redraw clears the prompt's row and writes the same text into the same cells, so nothing
//! moves or blinks. For that the cursor must be back where rustyline believes it is, at the
//! start of the prompt's row: the rows a long step wraps onto are counted as rustyline counts
//! them ([`Cursor`]).

use std::io::{self, Write};
use std::time::Duration;

use crate::eval::{mask_secrets, ScriptFile};
use crate::lang::{self, ScriptPart};

/// How fast a step is typed onto the prompt, in characters per second; 0 puts it there at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypingSpeed {
    pub chars_per_second: u32,
}

impl TypingSpeed {
    /// A brisk typist's pace: a short command takes about a second, and the room can read along.
    pub const DEFAULT: TypingSpeed = TypingSpeed {
        chars_per_second: 25,
    };

    /// The pause after each character; `None` when there is no typing to show.
    fn pause(self) -> Option<Duration> {
        (self.chars_per_second > 0).then(|| Duration::from_secs(1) / self.chars_per_second)
    }
}

/// A script being presented, and where it is.
pub struct Playback {
    name: String,
    steps: Vec<Step>,
    /// Narration after the last command, shown when the script ends.
    epilogue: Vec<String>,
    /// The index of the next step.
    next: usize,
    /// The next step is put on the prompt; false while the presenter runs commands of their own,
    /// until they enter an empty line.
    offering: bool,
    /// The next step's narration was shown.
    narrated: bool,
}

struct Step {
    /// The comment lines just before the command.
    narration: Vec<String>,
    command: String,
    /// What the prompt shows: the command with its secrets masked, as the history file keeps
    /// it (a password in a script is not put on a projector). Entered unchanged, the command
    /// runs; edited, the line runs as entered, mask and all, as a line recalled from the history
    /// would.
    shown: String,
}

/// What a line the presenter entered is, for the playback.
#[derive(Debug, PartialEq, Eq)]
pub enum Turn {
    /// The step, as offered or edited: `line` runs as step `number` (1-based).
    Step { number: usize, line: String },
    /// A command of the presenter's own: it runs, and the step waits.
    Own,
    /// Nothing to run: the step comes back onto the prompt.
    Resume,
}

impl Playback {
    /// The steps of a script: one per command, with the comment lines before it as narration.
    pub fn new(script: ScriptFile) -> Result<Playback, String> {
        let mut steps = Vec::new();
        let mut narration = Vec::new();
        for part in lang::script::parts(&script.text) {
            match part {
                ScriptPart::Narration(line) => narration.push(line.to_string()),
                ScriptPart::Command { text, .. } => steps.push(Step {
                    narration: std::mem::take(&mut narration),
                    shown: mask_secrets(&text),
                    command: text.into_owned(),
                }),
            }
        }
        if steps.is_empty() {
            return Err(format!("{}: no commands to play", script.name));
        }
        Ok(Playback {
            name: script.name,
            steps,
            epilogue: narration,
            next: 0,
            offering: true,
            narrated: false,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn step_count(&self) -> usize {
        self.steps.len()
    }

    /// The command to put on the prompt now, if a step is offered.
    pub fn offered(&self) -> Option<&str> {
        let step = self.steps.get(self.next)?;
        self.offering.then_some(step.shown.as_str())
    }

    /// The narration of the offered step, the first time it is offered.
    pub fn take_narration(&mut self) -> &[String] {
        if self.narrated || !self.offering {
            return &[];
        }
        self.narrated = true;
        self.steps
            .get(self.next)
            .map_or(&[][..], |s| s.narration.as_slice())
    }

    /// The 1-based number of the step offered next.
    pub fn step_number(&self) -> usize {
        (self.next + 1).min(self.step_count())
    }

    /// Where the playback is, before the prompt: `(3/7) `, the step offered next.
    pub fn prompt_tag(&self) -> String {
        format!("({}/{}) ", self.step_number(), self.step_count())
    }

    /// What `line` is. `offered` says the step was on the prompt for it, and `cleared` that the
    /// presenter emptied the line at some point before Enter: a line typed over a cleared step
    /// is their own command, an edited step is still the step.
    pub fn answer(&mut self, line: &str, offered: bool, cleared: bool) -> Turn {
        let empty = line.trim().is_empty();
        match self.steps.get(self.next) {
            Some(step) if offered && (line == step.shown || !cleared) => {
                let line = if line == step.shown {
                    step.command.clone()
                } else {
                    line.to_string()
                };
                self.next += 1;
                self.narrated = false;
                Turn::Step {
                    number: self.next,
                    line,
                }
            }
            Some(_) if empty => {
                self.offering = true;
                Turn::Resume
            }
            _ => {
                self.offering = false;
                Turn::Own
            }
        }
    }

    /// Every step has been run.
    pub fn finished(&self) -> bool {
        self.next >= self.step_count()
    }

    /// The narration after the last command.
    pub fn epilogue(&self) -> &[String] {
        &self.epilogue
    }
}

/// Narration lines as they are written in the script (`# …`), in italic cyan when there is
/// colour: told apart from commands and output, and not dimmed, so the back of the room can read
/// them.
pub fn narrate(lines: &[String], color: bool) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        if color {
            let _ = writeln!(out, "\x1b[3;36m{line}\x1b[0m");
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
}

/// Types `painted` (a step's command with the REPL's highlighting escapes) after `prompt` at
/// `speed`, then puts the cursor back at the start of the prompt's row for rustyline to draw the
/// same line over it. Returns false when `interrupted` says Ctrl-C was pressed on the way: the
/// line so far is left as it is and a new line started. The caller holds a [`QuietInput`] from
/// before until the editor has read the line.
pub fn type_step(
    prompt: &str,
    painted: &str,
    speed: TypingSpeed,
    interrupted: &dyn Fn() -> bool,
) -> io::Result<bool> {
    let Some(pause) = speed.pause() else {
        return Ok(true);
    };
    let mut out = io::stdout().lock();
    let mut cursor = Cursor::new(terminal_columns());
    out.write_all(prompt.as_bytes())?;
    prompt.chars().for_each(|c| cursor.advance(c));
    cursor.settle();
    out.flush()?;
    let mut rest = painted;
    while let Some(c) = rest.chars().next() {
        // A colour escape is written with the character after it: it takes no room.
        if let Some(escape) = rest
            .strip_prefix("\x1b[")
            .and_then(|after| after.find('m'))
            .map(|m| &rest[..m + 3])
        {
            out.write_all(escape.as_bytes())?;
            rest = &rest[escape.len()..];
            continue;
        }
        write!(out, "{c}")?;
        out.flush()?;
        rest = &rest[c.len_utf8()..];
        cursor.advance(c);
        if interrupted() {
            out.write_all(b"\x1b[0m\r\n")?;
            out.flush()?;
            return Ok(false);
        }
        std::thread::sleep(pause);
    }
    // A line that ends on the last column leaves the terminal's cursor on that row (it wraps
    // only when the next character comes), where rustyline counts the next row.
    let rows_up = if cursor.settle() {
        cursor.row - 1
    } else {
        cursor.row
    };
    if rows_up > 0 {
        write!(out, "\x1b[{rows_up}A")?;
    }
    out.write_all(b"\r")?;
    out.flush()?;
    Ok(true)
}

/// The columns of the terminal on stdout (80 when it cannot say).
fn terminal_columns() -> usize {
    let (_, cols) = console::Term::stdout().size();
    usize::from(cols).max(1)
}

/// Where text written from the start of a row leaves the cursor, counted as rustyline's
/// `calculate_position` counts it: a character that does not fit goes to the next row, a tab to
/// the next multiple of 8, `\n` starts a row.
struct Cursor {
    row: usize,
    col: usize,
    cols: usize,
}

impl Cursor {
    fn new(cols: usize) -> Cursor {
        Cursor {
            row: 0,
            col: 0,
            cols,
        }
    }

    fn advance(&mut self, c: char) {
        if c == '\n' {
            self.row += 1;
            self.col = 0;
            return;
        }
        let width = if c == '\t' {
            8 - self.col % 8
        } else {
            unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
        };
        self.col += width;
        if self.col > self.cols {
            self.row += 1;
            self.col = width;
        }
    }

    /// Text that ends on the last column puts the cursor at the start of the next row; returns
    /// whether it did.
    fn settle(&mut self) -> bool {
        if self.col == self.cols {
            self.row += 1;
            self.col = 0;
            return true;
        }
        false
    }
}

/// While a step is typed, keys pressed are not echoed (they would break the line being drawn) nor
/// edited by the terminal's line discipline (its Ctrl-U would swallow them): they wait, as
/// pressed, for rustyline to read once the step is on its prompt. Ctrl-C still raises SIGINT.
/// Held until the editor has read the line, so that no moment in between is back in the
/// terminal's own line editing (rustyline puts back the mode it found, this one); the terminal
/// is put back as it was on drop.
pub struct QuietInput {
    #[cfg(unix)]
    saved: Option<nix::sys::termios::Termios>,
}

impl QuietInput {
    pub fn hold() -> QuietInput {
        #[cfg(unix)]
        {
            use nix::sys::termios::{tcgetattr, tcsetattr, LocalFlags, SetArg};
            let stdin = io::stdin();
            let saved = tcgetattr(&stdin).ok();
            if let Some(saved) = &saved {
                let mut quiet = saved.clone();
                quiet
                    .local_flags
                    .remove(LocalFlags::ECHO | LocalFlags::ICANON);
                let _ = tcsetattr(&stdin, SetArg::TCSANOW, &quiet);
            }
            QuietInput { saved }
        }
        #[cfg(not(unix))]
        QuietInput {}
    }
}

impl Drop for QuietInput {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = &self.saved {
            let _ = nix::sys::termios::tcsetattr(
                io::stdin(),
                nix::sys::termios::SetArg::TCSANOW,
                saved,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playback(text: &str) -> Playback {
        Playback::new(ScriptFile {
            name: "demo.oktash".into(),
            text: text.into(),
        })
        .unwrap()
    }

    #[test]
    fn steps_carry_the_narration_before_them() {
        let mut p = playback("# Users\nls users\n\n# One of them\nget $last[0].id\n# the end\n");
        assert_eq!(p.step_count(), 2);
        assert_eq!(p.prompt_tag(), "(1/2) ");
        assert_eq!(p.take_narration(), ["# Users".to_string()]);
        assert!(p.take_narration().is_empty(), "shown once");
        assert_eq!(p.offered(), Some("ls users"));
        assert_eq!(p.epilogue(), ["# the end".to_string()]);
    }

    #[test]
    fn an_edited_step_is_the_step_and_a_cleared_one_waits() {
        let mut p = playback("ls users\nls groups\n");
        assert_eq!(
            p.answer("ls users limit=2", true, false),
            Turn::Step {
                number: 1,
                line: "ls users limit=2".into()
            }
        );
        // Cleared and typed over: the presenter's own; the step waits off the prompt.
        assert_eq!(p.answer("vars", true, true), Turn::Own);
        assert_eq!(p.offered(), None);
        assert_eq!(p.answer("history", false, false), Turn::Own);
        // Enter on an empty line brings it back.
        assert_eq!(p.answer("", false, false), Turn::Resume);
        assert_eq!(p.offered(), Some("ls groups"));
        // Cleared and entered empty: offered again.
        assert_eq!(p.answer("", true, true), Turn::Resume);
        assert_eq!(p.offered(), Some("ls groups"));
        // Cleared and typed again as it was: the step.
        assert_eq!(
            p.answer("ls groups", true, true),
            Turn::Step {
                number: 2,
                line: "ls groups".into()
            }
        );
        assert!(p.finished());
        assert_eq!(p.offered(), None);
    }

    #[test]
    fn a_secret_is_masked_on_the_prompt_and_sent_when_the_step_is_not_edited() {
        let mut p = playback("set token = SuperSecret1\n");
        assert_eq!(p.offered(), Some("set token = ••••"));
        assert_eq!(
            p.answer("set token = ••••", true, false),
            Turn::Step {
                number: 1,
                line: "set token = SuperSecret1".into()
            }
        );
    }

    #[test]
    fn a_script_without_commands_is_refused() {
        let empty = Playback::new(ScriptFile {
            name: "notes.oktash".into(),
            text: "# only words\n\n".into(),
        });
        assert_eq!(
            empty.err().as_deref(),
            Some("notes.oktash: no commands to play")
        );
    }

    #[test]
    fn the_cursor_wraps_as_rustyline_counts() {
        let mut c = Cursor::new(10);
        "demo> ls u".chars().for_each(|ch| c.advance(ch));
        assert_eq!((c.row, c.col), (0, 10));
        assert!(c.settle(), "on the last column: the next row");
        assert_eq!((c.row, c.col), (1, 0));
        let mut c = Cursor::new(10);
        "demo> ls users".chars().for_each(|ch| c.advance(ch));
        assert_eq!((c.row, c.col), (1, 4));
        assert!(!c.settle());
        // A wide character that does not fit goes to the next row whole.
        let mut c = Cursor::new(10);
        "123456789界".chars().for_each(|ch| c.advance(ch));
        assert_eq!((c.row, c.col), (1, 2));
        let mut c = Cursor::new(10);
        "a\tb\nxy".chars().for_each(|ch| c.advance(ch));
        assert_eq!((c.row, c.col), (1, 2));
    }
}
