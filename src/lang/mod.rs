//! The command language: tokens, AST, the nom parser, and parse errors with a column and a
//! suggestion. See `grammar/oktash.ebnf`.

pub mod ast;

pub use ast::*;

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
    let _ = input;
    Err(ParseError {
        message: "parser not written yet".into(),
        column: 0,
        suggestion: None,
    })
}

/// Every command word, for completion (placeholder until the parser lands).
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
];

/// The closest candidate (placeholder until the parser lands).
pub fn suggest(word: &str, candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .filter(|c| strsim::damerau_levenshtein(word, c) <= 2)
        .min_by_key(|c| strsim::damerau_levenshtein(word, c))
        .map(|c| c.to_string())
}
