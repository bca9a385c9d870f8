//! Runs the cases of `grammar/cases/*.txt` through `oktash::lang::parse_line`.
//!
//! A case file is a list of blocks:
//!
//! ```text
//! // a comment
//! > INPUT LINE
//! {"commands": [...]}          expected AST as JSON (serde output of `Line`), one or more lines
//!
//! > ANOTHER LINE
//! ! expected error message
//! ^ 12                         expected 0-based column
//! ? ls                         expected suggestion (absent: there must be none)
//! ```
//!
//! `UPDATE_CORPUS=1 cargo test --test grammar_corpus` rewrites every expectation from what the
//! parser does now (review the diff!); a block with only `> INPUT` is filled in the same way.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use oktash::lang::{parse_line, Line, ParseError};
use serde_json::Value;

enum Expected {
    Ast(Value),
    Error {
        message: String,
        column: Option<usize>,
        suggestion: Option<String>,
    },
    Missing,
}

struct Case {
    line_no: usize,
    input: String,
    expected: Expected,
}

/// A file as comments and cases, in order, so it can be written back.
enum Item {
    Comment(String),
    Case(Case),
}

fn parse_file(path: &Path, text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let input = if line == ">" {
            Some("")
        } else {
            line.strip_prefix("> ")
        };
        if let Some(input) = input {
            let line_no = i + 1;
            i += 1;
            let mut body = Vec::new();
            while i < lines.len()
                && !lines[i].starts_with("> ")
                && lines[i] != ">"
                && !lines[i].starts_with("//")
                && !lines[i].trim().is_empty()
            {
                body.push(lines[i]);
                i += 1;
            }
            let expected = expected_of(path, line_no, &body);
            items.push(Item::Case(Case {
                line_no,
                input: input.to_string(),
                expected,
            }));
        } else {
            if line.starts_with("//") {
                items.push(Item::Comment(line.to_string()));
            } else if !line.trim().is_empty() {
                panic!(
                    "{}:{}: expected `> INPUT`, `// comment` or a blank line, got {line:?}",
                    path.display(),
                    i + 1
                );
            }
            i += 1;
        }
    }
    items
}

fn expected_of(path: &Path, line_no: usize, body: &[&str]) -> Expected {
    if body.is_empty() {
        return Expected::Missing;
    }
    if body[0].starts_with("! ") {
        let mut message = String::new();
        let mut column = None;
        let mut suggestion = None;
        for l in body {
            if let Some(m) = l.strip_prefix("! ") {
                message = m.to_string();
            } else if let Some(c) = l.strip_prefix("^ ") {
                column =
                    Some(c.trim().parse().unwrap_or_else(|_| {
                        panic!("{}:{line_no}: bad column {c:?}", path.display())
                    }));
            } else if let Some(s) = l.strip_prefix("? ") {
                suggestion = Some(s.to_string());
            } else {
                panic!("{}:{line_no}: unexpected line {l:?}", path.display());
            }
        }
        return Expected::Error {
            message,
            column,
            suggestion,
        };
    }
    let json = body.join("\n");
    match serde_json::from_str(&json) {
        Ok(v) => Expected::Ast(v),
        Err(e) => panic!(
            "{}:{line_no}: expected AST is not JSON: {e}",
            path.display()
        ),
    }
}

fn actual_json(line: &Line) -> Value {
    serde_json::to_value(line).expect("Line serializes")
}

fn render_expected(result: &Result<Line, ParseError>) -> String {
    match result {
        Ok(line) => serde_json::to_string(&actual_json(line)).expect("json"),
        Err(e) => {
            let mut out = format!("! {}\n^ {}", e.message, e.column);
            if let Some(s) = &e.suggestion {
                out.push_str(&format!("\n? {s}"));
            }
            out
        }
    }
}

/// None when the case passes, else what went wrong.
fn check(case: &Case, result: &Result<Line, ParseError>) -> Option<String> {
    match (&case.expected, result) {
        (Expected::Missing, _) => Some("no expectation written (run with UPDATE_CORPUS=1)".into()),
        (Expected::Ast(want), Ok(line)) => {
            let got = actual_json(line);
            (got != *want).then(|| {
                format!(
                    "AST differs\n  expected: {}\n  actual:   {}",
                    serde_json::to_string(want).unwrap_or_default(),
                    serde_json::to_string(&got).unwrap_or_default()
                )
            })
        }
        (Expected::Ast(want), Err(e)) => Some(format!(
            "expected a parse, got an error\n  expected: {}\n  actual:   {e}\n{}",
            serde_json::to_string(want).unwrap_or_default(),
            e.render(&case.input)
        )),
        (Expected::Error { .. }, Ok(line)) => Some(format!(
            "expected an error, got a parse\n  actual: {}",
            serde_json::to_string(&actual_json(line)).unwrap_or_default()
        )),
        (
            Expected::Error {
                message,
                column,
                suggestion,
            },
            Err(e),
        ) => {
            let mut diffs = String::new();
            if *message != e.message {
                let _ = write!(
                    diffs,
                    "\n  message expected: {message}\n  message actual:   {}",
                    e.message
                );
            }
            if column.is_some_and(|c| c != e.column) {
                let _ = write!(
                    diffs,
                    "\n  column expected: {}\n  column actual:   {}",
                    column.unwrap_or_default(),
                    e.column
                );
            }
            if *suggestion != e.suggestion {
                let _ = write!(
                    diffs,
                    "\n  suggestion expected: {suggestion:?}\n  suggestion actual:   {:?}",
                    e.suggestion
                );
            }
            (!diffs.is_empty()).then(|| format!("error differs{diffs}\n{}", e.render(&case.input)))
        }
    }
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

fn write_back(path: &Path, items: &[Item]) {
    let mut out = String::new();
    for item in items {
        match item {
            Item::Comment(c) => {
                out.push_str(c);
                out.push('\n');
            }
            Item::Case(case) => {
                if case.input.is_empty() {
                    out.push_str(">\n");
                } else {
                    let _ = writeln!(out, "> {}", case.input);
                }
                out.push_str(&render_expected(&parse_line(&case.input)));
                out.push_str("\n\n");
            }
        }
    }
    std::fs::write(path, out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn grammar_corpus() {
    let update = std::env::var_os("UPDATE_CORPUS").is_some_and(|v| v == "1");
    let mut total = 0;
    let mut failures = Vec::new();
    for path in case_files() {
        let text = std::fs::read_to_string(&path).expect("read case file");
        let items = parse_file(&path, &text);
        for item in &items {
            let Item::Case(case) = item else { continue };
            total += 1;
            let result = parse_line(&case.input);
            if let Some(why) = check(case, &result) {
                failures.push(format!(
                    "{}:{}: > {}\n{why}",
                    path.display(),
                    case.line_no,
                    case.input
                ));
            }
        }
        if update {
            write_back(&path, &items);
        }
    }
    assert!(
        total >= 80,
        "the corpus has {total} cases; at least 80 expected"
    );
    if !update && !failures.is_empty() {
        panic!(
            "{} of {total} grammar cases failed:\n\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    }
    eprintln!("{total} grammar cases passed");
}
