//! The command language: tokens, AST, the nom parser, and parse errors with a column and a
//! suggestion. See `grammar/oktash.ebnf`.

pub mod ast;
mod lexer;
mod parser;

pub use ast::*;

/// Every command word, for tab completion and "did you mean" (`as` is `as curl`).
pub const COMMAND_NAMES: &[&str] = &[
    "env",
    "use",
    "import",
    "collections",
    "ls",
    "get",
    "follow",
    "post",
    "put",
    "patch",
    "delete",
    "run",
    "set",
    "unset",
    "echo",
    "vars",
    "history",
    "show",
    "as",
    "source",
    "record",
    "help",
    "exit",
    "quit",
];

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
        if len.abs_diff(c.chars().count()) > 2 {
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

/// A line that does not parse: where (a 0-based character column) and what to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub column: usize,
    pub suggestion: Option<String>,
}

impl ParseError {
    /// The error as the shell prints it: the line, a caret under the column, the message.
    pub fn render(&self, line: &str) -> String {
        let mut out = format!(
            "{line}\n{}^\nerror: {}",
            " ".repeat(self.column),
            self.message
        );
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
