//! A script's text as the shell reads it: its commands, each with the number of its first line
//! (a command may go on over several lines while a JSON literal or a quote is open), and the
//! comment lines between them, which play mode shows as narration. `source`, `oktash FILE` and
//! `play` all read scripts through [`parts`], so they agree on where a command ends.

use std::borrow::Cow;

use super::is_unfinished;

/// A command joined over several lines stops growing at this many lines or bytes (a body that
/// large belongs in a file, `@body.json`). Each line added re-parses the command so far, so the
/// bounds also keep a never-closed `{` in a long script from costing quadratic time.
const MAX_JOINED_LINES: usize = 2000;
const MAX_JOINED_BYTES: usize = 256 * 1024;

/// One piece of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptPart<'a> {
    /// A line that is only a comment, `#` and all, without surrounding white space.
    Narration(&'a str),
    /// A command (or several, with `;`), and the 1-based number of its first line.
    Command { line: usize, text: Cow<'a, str> },
}

/// The parts of a script, in order; blank lines are left out.
pub fn parts(text: &str) -> ScriptParts<'_> {
    ScriptParts {
        lines: text.lines().enumerate(),
    }
}

pub struct ScriptParts<'a> {
    lines: std::iter::Enumerate<std::str::Lines<'a>>,
}

impl<'a> Iterator for ScriptParts<'a> {
    type Item = ScriptPart<'a>;

    fn next(&mut self) -> Option<ScriptPart<'a>> {
        loop {
            let (index, first) = self.lines.next()?;
            let trimmed = first.trim();
            if trimmed.is_empty() {
                continue;
            }
            if trimmed.starts_with('#') {
                return Some(ScriptPart::Narration(trimmed));
            }
            let mut text = Cow::Borrowed(first);
            let mut joined_lines = 1;
            while joined_lines < MAX_JOINED_LINES
                && text.len() < MAX_JOINED_BYTES
                && is_unfinished(&text)
            {
                let Some((_, more)) = self.lines.next() else {
                    break;
                };
                joined_lines += 1;
                let joined = text.to_mut();
                joined.push('\n');
                joined.push_str(more);
            }
            return Some(ScriptPart::Command {
                line: index + 1,
                text,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(line: usize, text: &str) -> ScriptPart<'_> {
        ScriptPart::Command {
            line,
            text: Cow::Borrowed(text),
        }
    }

    #[test]
    fn comments_are_narration_and_blank_lines_are_skipped() {
        let text = "# Listing users\n\nls users limit=3  # three\n  # then one\nget $last[0].id\n";
        assert_eq!(
            parts(text).collect::<Vec<_>>(),
            vec![
                ScriptPart::Narration("# Listing users"),
                command(3, "ls users limit=3  # three"),
                ScriptPart::Narration("# then one"),
                command(5, "get $last[0].id"),
            ]
        );
    }

    #[test]
    fn an_open_json_literal_goes_on_over_the_next_lines() {
        let text = "post users {\n  \"profile\": {\n  \"a\": 1\n  }}\necho done";
        let got: Vec<_> = parts(text).collect();
        assert_eq!(
            got,
            vec![
                command(1, "post users {\n  \"profile\": {\n  \"a\": 1\n  }}"),
                command(5, "echo done"),
            ]
        );
    }

    #[test]
    fn a_never_closed_literal_ends_with_the_script() {
        let got: Vec<_> = parts("echo {\n1,\n").collect();
        assert_eq!(got, vec![command(1, "echo {\n1,")]);
    }
}
