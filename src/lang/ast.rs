//! The typed AST of the command language. `lang::parse_line` produces it, `eval` consumes it.
//!
//! Words keep the difference between text and references: `users/$last[0].id/groups` is one
//! [`Word`] of three parts, so that `eval` can fan out when a reference yields a list.

use serde::Serialize;

/// One input line: commands separated by `;`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub commands: Vec<Pipeline>,
}

/// One command with where its output goes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pipeline {
    pub command: Command,
    pub output: Output,
}

/// Where a command's result goes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Output {
    /// The terminal (rendered) or stdout (plain JSON when not a terminal).
    Screen,
    /// `| shell-command`: the JSON is written to the command's stdin. The text is kept verbatim.
    Pipe(String),
    /// `> FILE`: the JSON is written to FILE.
    File(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Command {
    /// `env` lists environments.
    EnvList,
    /// `env add NAME URL [token=…|bearer=…] [--protected]`
    EnvAdd {
        name: String,
        url: Word,
        auth: Option<AuthArg>,
        protected: bool,
    },
    /// `env rm NAME`
    EnvRemove { name: String },
    /// `use NAME` or `use env NAME`
    Use { name: String },
    /// `import FILE…`
    Import { files: Vec<Word> },
    /// `collections`
    Collections,
    /// `demo reset`
    DemoReset,
    /// `option [NAME [VALUE]]`: show or change a session option.
    SessionOption {
        name: Option<String>,
        value: Option<String>,
    },
    /// `ls RESOURCE [k=v…] [--all] [--max N]`
    Ls {
        resource: Word,
        params: Vec<Param>,
        all: bool,
        max: Option<u64>,
    },
    /// `get TARGET [k=v…]`
    Get { target: Word, params: Vec<Param> },
    /// `follow REL [FROM] [k=v…] [--yes]`: the params are added to the link's query.
    Follow {
        rel: String,
        from: Option<Word>,
        params: Vec<Param>,
        yes: bool,
    },
    /// `post|put|patch|delete PATH [BODY] [k=v…] [--yes]`
    Write {
        method: Method,
        target: Word,
        body: Option<Body>,
        params: Vec<Param>,
        yes: bool,
        /// Send even when the body breaks the spec's schema.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        force: bool,
    },
    /// `run REQUEST [k=v…] [--yes]`
    Run {
        request: Word,
        params: Vec<Param>,
        yes: bool,
        /// `--data FILE`: one iteration per row.
        data: Option<Word>,
        /// `--bail`: stop at the first failure.
        bail: bool,
        /// `--report junit FILE`.
        junit: Option<Word>,
    },
    /// `set NAME = VALUE`, or `set NAME.field[N]… = VALUE` to change a part of a variable.
    Set {
        name: String,
        /// Steps into the variable (`.field`, `[N]`); empty sets the whole variable.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        path: Vec<Step>,
        value: Value,
    },
    /// `unset NAME`
    Unset { name: String },
    /// `echo VALUE…`
    Echo { values: Vec<Value> },
    /// `vars`
    Vars,
    /// `history`
    History,
    /// `show [N] [--json]`
    Show { entry: Option<u64>, json: bool },
    /// `as curl [N] [--reveal]`
    AsCurl { entry: Option<u64>, reveal: bool },
    /// `source FILE`
    Source { file: Word },
    /// `play FILE`: a script presented one step at a time.
    Play { file: Word },
    /// `record FILE` (or `record off`)
    Record { file: Option<Word> },
    /// `help [TOPIC]`
    Help { topic: Option<String> },
    /// `clear` / `cls`
    Clear,
    /// `exit` / `quit`
    Exit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// How `env add` was given its credential.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum AuthArg {
    /// `token=…` (SSWS). The value may be `env:VAR`.
    Ssws(Word),
    /// `bearer=…` (OAuth access token). The value may be `env:VAR`.
    Bearer(Word),
    /// `client-id=… key=@FILE|env:VAR [key-id=…] scopes='…' [--dpop]`: an OAuth 2.0 service
    /// app whose tokens the shell mints.
    ServiceApp {
        client_id: Word,
        key: Word,
        key_id: Option<Word>,
        scopes: Word,
        dpop: bool,
    },
}

/// `k=v` on `ls`, `get`, a write or `run`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    pub key: String,
    pub value: Word,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Body {
    /// A JSON literal typed on the line (`{"profile": {…}}`).
    Json(serde_json::Value),
    /// A JSON literal with `$ref` values (`{"profile": {"title": $t}}`).
    Template(JsonTemplate),
    /// `@file`
    File(Word),
    /// `$ref`
    Ref(Expr),
}

/// The right-hand side of `set`, or an argument of `echo`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Value {
    Json(serde_json::Value),
    /// A JSON literal with `$ref` values.
    Template(JsonTemplate),
    Word(Word),
    /// `@FILE` (in `set`): a JSON file's value, or a CSV / JSON Lines file's rows as objects.
    File(Word),
}

/// A JSON literal with references in value positions: `{"a": $last[0].id, "b": [$t]}`.
/// Evaluating it puts each reference's value in its place; a reference to a list inserts that
/// list as one JSON value. Parts without references stay [`JsonTemplate::Literal`], so a literal
/// with no reference at all is a plain `Literal` (the parser then gives `Body::Json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum JsonTemplate {
    Literal(serde_json::Value),
    Ref(Expr),
    Array(Vec<JsonTemplate>),
    /// Members in the order written; a repeated key keeps its last value, as in serde_json.
    Object(Vec<(String, JsonTemplate)>),
}

/// A shell word: text, references, or both (`users/$last.id/groups`).
/// A word made of one reference alone keeps that reference's JSON value (object, list, …).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Word {
    pub parts: Vec<WordPart>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum WordPart {
    Text(String),
    Ref(Expr),
}

impl Word {
    pub fn text(s: impl Into<String>) -> Word {
        Word {
            parts: vec![WordPart::Text(s.into())],
        }
    }

    pub fn reference(expr: Expr) -> Word {
        Word {
            parts: vec![WordPart::Ref(expr)],
        }
    }

    /// The word's text when it holds no reference.
    pub fn as_text(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                WordPart::Text(t) => out.push_str(t),
                WordPart::Ref(_) => return None,
            }
        }
        Some(out)
    }

    /// The reference when the word is exactly one reference.
    pub fn as_ref_only(&self) -> Option<&Expr> {
        match self.parts.as_slice() {
            [WordPart::Ref(e)] => Some(e),
            _ => None,
        }
    }
}

/// `$last`, `$3`, `$name`, with steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expr {
    pub root: Root,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Root {
    /// `$last`: the body of the newest history entry.
    Last,
    /// `$N`: the body of history entry N.
    Entry(u64),
    /// `$name`: a session variable.
    Var(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Step {
    /// `.field` (maps over an array) or `["odd key"]`.
    Field(String),
    /// `[N]`; negative counts from the end.
    Index(i64),
    /// `[*]`: every element (of an array) or every value (of an object).
    All,
}
