//! The command language: tokens, AST, the nom parser, and parse errors with a column and a
//! suggestion. See `grammar/oktash.ebnf`; `grammar/cases/` is the test corpus.
//!
//! Two layers: `lexer` reads one word, reference or JSON literal at a time (nom, over the
//! remaining `&str`), and `parser` walks the line command by command, asking the lexer for
//! what the current command accepts. Parsing is on demand rather than tokenise-first because
//! what a `{` or `#` means depends on the command (`post users {…}`, `show #3`).

pub mod ast;
pub mod commands;
mod lexer;
mod parser;
pub mod script;
mod template;

pub use ast::*;

pub use commands::{CommandDef, COMMANDS, COMMAND_NAMES};
pub use lexer::{spans, Span, SpanKind};
pub use script::ScriptPart;

/// The candidate `word` most likely stands for: the same word in another case; else one at
/// Damerau-Levenshtein distance 1; else the only candidate that `word` is a prefix of
/// (`hist` → `history`); else one at distance 2. A distance must stay below the word's length,
/// so `x` does not become `ls`.
pub fn suggest(word: &str, candidates: &[&str]) -> Option<String> {
    if word.is_empty() {
        return None;
    }
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(c.to_string());
    }
    let len = word.chars().count();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        // The distance is at least the difference in length: skip the quadratic work.
        if len.abs_diff(c.chars().count()) > 2 || multiset_bound(word, c) > 2 {
            continue;
        }
        let d = strsim::damerau_levenshtein(word, c);
        if d <= 2 && d < len && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    if let Some((1, c)) = best {
        return Some(c.to_string());
    }
    let mut prefixed = candidates.iter().filter(|c| c.starts_with(word));
    if let (Some(c), None) = (prefixed.next(), prefixed.next()) {
        return Some(c.to_string());
    }
    best.map(|(_, c)| c.to_string())
}

/// A lower bound of the Damerau-Levenshtein distance that needs no allocation (strsim's
/// allocates a map per call, which dominated the cost of a typo line): each edit changes at
/// most one character on each side of the two strings' character counts, a transposition none.
fn multiset_bound(a: &str, b: &str) -> usize {
    if !a.is_ascii() || !b.is_ascii() {
        return 0;
    }
    let mut counts = [0i32; 128];
    for c in a.bytes() {
        counts[usize::from(c)] += 1;
    }
    for c in b.bytes() {
        counts[usize::from(c)] -= 1;
    }
    let (mut more, mut fewer) = (0i32, 0i32);
    for n in counts {
        if n > 0 {
            more += n;
        } else {
            fewer -= n;
        }
    }
    more.max(fewer) as usize
}

/// A line that does not parse: where (a 0-based character column) and what to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub column: usize,
    pub suggestion: Option<String>,
    /// The line ended inside a JSON literal or a quote: more input could complete it (the REPL
    /// then reads another line, and a script joins its next line).
    pub unfinished: bool,
}

impl ParseError {
    /// The error as the shell prints it: the line, a caret under the column, the message.
    pub fn render(&self, line: &str) -> String {
        // A command joined over several lines: the caret goes under the line it points into,
        // and the lines after that one are left out.
        let before: String = line.chars().take(self.column).collect();
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        let shown = match line[line_start..].find('\n') {
            Some(end) => &line[..line_start + end],
            None => line,
        };
        // Keep tabs under tabs so the caret lines up in a terminal.
        let pad: String = before[line_start..]
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let mut out = format!("{shown}\n{pad}^\nerror: {}", self.message);
        if let Some(s) = &self.suggestion {
            out.push_str(&format!(" (did you mean `{s}`?)"));
        }
        out
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: {}", self.column + 1, self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean `{s}`?)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Parses one input line (commands separated by `;`). An empty or comment-only line gives
/// an empty [`Line`].
pub fn parse_line(input: &str) -> Result<Line, ParseError> {
    parser::Parser::new(input).line()
}

/// True when `input` stops inside an unclosed `{`, `[` or quote, so that the next line belongs
/// to the same command (a pasted multi-line JSON body).
pub fn is_unfinished(input: &str) -> bool {
    // Only an open bracket or quote can leave a line unfinished: most lines need no parse.
    input.contains(['{', '[', '"', '\'']) && matches!(parse_line(input), Err(e) if e.unfinished)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggest_prefers_close_then_prefix() {
        assert_eq!(suggest("lst", &COMMAND_NAMES).as_deref(), Some("ls"));
        assert_eq!(suggest("LS", &COMMAND_NAMES).as_deref(), Some("ls"));
        assert_eq!(suggest("gte", &COMMAND_NAMES).as_deref(), Some("get"));
        assert_eq!(suggest("hist", &COMMAND_NAMES).as_deref(), Some("history"));
        assert_eq!(
            suggest("colections", &COMMAND_NAMES).as_deref(),
            Some("collections")
        );
        assert_eq!(suggest("x", &COMMAND_NAMES), None);
        assert_eq!(suggest("", &COMMAND_NAMES), None);
        assert_eq!(suggest("zzzzzzzz", &COMMAND_NAMES), None);
    }

    #[test]
    fn every_command_name_is_a_command() {
        for name in COMMAND_NAMES.iter() {
            if let Err(e) = parse_line(name) {
                assert!(
                    !e.message.starts_with("unknown command"),
                    "{name}: {}",
                    e.message
                );
            }
        }
    }

    #[test]
    fn render_puts_the_caret_under_its_line_of_a_joined_command() {
        let line = "post users {\n  \"a\": x,\n  \"b\": 2}";
        let e = parse_line(line).unwrap_err();
        assert_eq!(
            e.render(line),
            "post users {\n  \"a\": x,\n       ^\nerror: bad JSON body: expected value"
        );
    }

    #[test]
    fn render_puts_the_caret_under_the_column() {
        let line = "\tlst users";
        let e = parse_line(line).unwrap_err();
        assert_eq!(
            e.render(line),
            "\tlst users\n\t^\nerror: unknown command `lst` (did you mean `ls`?)"
        );
    }
}
