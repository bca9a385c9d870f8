//! The command level: a cursor over the line that reads a command word, then that command's
//! arguments (words, `k=v` params, flags, JSON literals) with the lexer, then `| …` or `> FILE`.
//!
//! Each command is described by its entry of the command table (`commands`: what it accepts) so that argument collection and
//! its errors are written once; the per-command functions only check arity and build the AST.

use super::ast::*;
use super::lexer::{self, LexError, LexedWord};
use super::{suggest, ParseError, COMMAND_NAMES};

type PResult<T> = Result<T, ParseError>;

use super::commands::{
    flag_owner, CommandDef as Spec, Flag, AS, AS_CURL, CLEAR, COLLECTIONS, DELETE, DEMO,
    DEMO_RESET, ECHO, ENV, ENV_ADD, ENV_RM, EXIT, FLAGS, FOLLOW, GET, HELP, HISTORY, IMPORT, LS,
    OPTION, PATCH, PLAY, POST, PUT, RECORD, RUN, SET, SHOW, SOURCE, UNSET, USE, VARS,
};

enum ArgKind<'a> {
    Word(LexedWord<'a>),
    Json(JsonTemplate),
}

/// A positional argument and where it was written (byte offsets).
struct Arg<'a> {
    at: usize,
    end: usize,
    kind: ArgKind<'a>,
}

#[derive(Default)]
struct Flags {
    all: bool,
    max: Option<u64>,
    yes: bool,
    json: bool,
    reveal: bool,
    protected: bool,
    force: bool,
    dpop: bool,
    data: Option<Word>,
    bail: bool,
    junit: Option<Word>,
}

struct Collected<'a> {
    args: Vec<Arg<'a>>,
    /// With the byte offset of each `k=`.
    params: Vec<(usize, Param)>,
    flags: Flags,
    /// The end of the last token read (where a missing argument would go).
    end: usize,
}

fn params(located: Vec<(usize, Param)>) -> Vec<Param> {
    located.into_iter().map(|(_, p)| p).collect()
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str) -> Self {
        Parser { src, pos: 0 }
    }

    pub fn line(&mut self) -> PResult<Line> {
        let mut commands = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None | Some('#') => break,
                Some(';') => self.pos += 1,
                Some(c @ ('|' | '>')) => {
                    return Err(self.err(self.pos, format!("`{c}` needs a command before it")))
                }
                Some(_) => {
                    let command = self.command()?;
                    let output = self.output()?;
                    commands.push(Pipeline { command, output });
                }
            }
        }
        Ok(Line { commands })
    }

    // ---- cursor ----

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn advance(&mut self, rest: &str) {
        self.pos = self.src.len() - rest.len();
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        let r = self.rest().trim_start();
        self.advance(r);
    }

    /// At `;`, `|`, `>`, a comment, or the end (after whitespace).
    fn at_end_of_command(&self) -> bool {
        matches!(self.peek(), None | Some(';' | '|' | '>' | '#'))
    }

    fn raw(&self, at: usize, end: usize) -> &'a str {
        &self.src[at..end]
    }

    // ---- errors ----

    fn column(&self, at: usize) -> usize {
        let mut at = at.min(self.src.len());
        while !self.src.is_char_boundary(at) {
            at -= 1;
        }
        self.src[..at].chars().count()
    }

    fn err(&self, at: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
            column: self.column(at),
            suggestion: None,
            unfinished: false,
        }
    }

    fn err_suggest(
        &self,
        at: usize,
        message: impl Into<String>,
        suggestion: Option<String>,
    ) -> ParseError {
        ParseError {
            suggestion,
            ..self.err(at, message)
        }
    }

    fn lex_err(&self, e: nom::Err<LexError<'_>>) -> ParseError {
        match e {
            nom::Err::Error(e) | nom::Err::Failure(e) => {
                let at = self.src.len().saturating_sub(e.at.len());
                ParseError {
                    unfinished: e.unfinished,
                    ..self.err(at, e.msg.unwrap_or_else(|| "unexpected input".into()))
                }
            }
            nom::Err::Incomplete(_) => self.err(self.src.len(), "unexpected end of line"),
        }
    }

    // ---- tokens ----

    /// One word at the cursor (not a flag, not JSON), with its start and end.
    fn word(&mut self, split_key: bool) -> PResult<(usize, LexedWord<'a>)> {
        let at = self.pos;
        let (rest, w) = lexer::word(self.rest(), split_key).map_err(|e| self.lex_err(e))?;
        self.advance(rest);
        Ok((at, w))
    }

    /// The next plain word if there is one (not a flag): for subcommands like `env add`.
    fn keyword(&mut self) -> PResult<Option<(usize, LexedWord<'a>)>> {
        self.skip_ws();
        if self.at_end_of_command() || lexer::looks_like_flag(self.rest()) {
            return Ok(None);
        }
        self.word(false).map(Some)
    }

    /// Reads the rest of a command's arguments.
    fn collect(&mut self, spec: &Spec) -> PResult<Collected<'a>> {
        let mut c = Collected {
            args: Vec::new(),
            params: Vec::new(),
            flags: Flags::default(),
            end: self.pos,
        };
        loop {
            self.skip_ws();
            let rest = self.rest();
            let at = self.pos;
            match rest.as_bytes().first() {
                None | Some(b';' | b'|' | b'>') => break,
                Some(b'#') => {
                    let number =
                        spec.hash_numbers && rest.as_bytes().get(1).is_some_and(u8::is_ascii_digit);
                    if !number {
                        break;
                    }
                }
                Some(b'{' | b'[') if spec.json.is_some() => {
                    let what = spec.json.unwrap_or("value");
                    let (r, value) =
                        lexer::json_literal(rest, what).map_err(|e| self.lex_err(e))?;
                    self.advance(r);
                    c.args.push(Arg {
                        at,
                        end: self.pos,
                        kind: ArgKind::Json(value),
                    });
                    c.end = self.pos;
                    continue;
                }
                _ => {}
            }
            if lexer::looks_like_flag(rest) {
                self.flag(spec, &mut c.flags)?;
                c.end = self.pos;
                continue;
            }
            let (at, w) = self.word(spec.params)?;
            c.end = self.pos;
            match w.key {
                Some(key) => c.params.push((
                    at,
                    Param {
                        key: key.to_string(),
                        value: w.word,
                    },
                )),
                None => c.args.push(Arg {
                    at,
                    end: self.pos,
                    kind: ArgKind::Word(w),
                }),
            }
        }
        Ok(c)
    }

    fn flag(&mut self, spec: &Spec, flags: &mut Flags) -> PResult<()> {
        let at = self.pos;
        let (rest, (name, value)) = lexer::flag(self.rest()).map_err(|e| self.lex_err(e))?;
        self.advance(rest);
        let Some(&(_, flag)) = FLAGS.iter().find(|(n, _)| *n == name) else {
            let own: Vec<&str> = FLAGS
                .iter()
                .filter(|(_, f)| spec.flags.contains(f))
                .map(|(n, _)| *n)
                .collect();
            let all: Vec<&str> = FLAGS.iter().map(|(n, _)| *n).collect();
            let suggestion = if name.trim_start_matches('-').is_empty() {
                None
            } else {
                suggest(name, &own).or_else(|| suggest(name, &all))
            };
            return Err(self.err_suggest(at, format!("unknown flag `{name}`"), suggestion));
        };
        if !spec.flags.contains(&flag) {
            let msg = if spec.flags.is_empty() {
                format!(
                    "`{}` takes no flags (`{name}` is a flag of {})",
                    spec.name,
                    flag_owner(flag)
                )
            } else {
                format!(
                    "`{name}` is not a flag of `{}` (usage: {})",
                    spec.name, spec.usage
                )
            };
            return Err(self.err(at, msg));
        }
        if !matches!(flag, Flag::Max | Flag::Data | Flag::Report) && value.is_some() {
            return Err(self.err(at, format!("`{name}` takes no value")));
        }
        match flag {
            Flag::All => flags.all = true,
            Flag::Yes => flags.yes = true,
            Flag::Json => flags.json = true,
            Flag::Reveal => flags.reveal = true,
            Flag::Protected => flags.protected = true,
            Flag::Dpop => flags.dpop = true,
            Flag::Force => flags.force = true,
            Flag::Bail => flags.bail = true,
            Flag::Data => {
                let needs = "`--data` needs a FILE: --data people.csv";
                flags.data = Some(self.flag_value(at, name, value, needs)?.1.word);
            }
            Flag::Report => {
                let needs = "`--report` needs a format and a FILE: --report junit results.xml";
                let (kind_at, kind) = self.flag_value(at, name, value, needs)?;
                if kind.word.as_text().as_deref() != Some("junit") {
                    return Err(self.err(
                        kind_at,
                        "the only report format is junit: --report junit FILE",
                    ));
                }
                flags.junit = Some(self.flag_value(at, name, None, needs)?.1.word);
            }
            Flag::Max => {
                let needs = "`--max` needs a number, e.g. --max 500";
                let (num_at, w) = self.flag_value(at, name, value, needs)?;
                let n = w
                    .word
                    .as_text()
                    .filter(|_| w.bare)
                    .and_then(|t| t.parse::<u64>().ok());
                match n {
                    Some(n) => flags.max = Some(n),
                    None => return Err(self.err(num_at, "`--max` needs a number, e.g. --max 500")),
                }
            }
        }
        Ok(())
    }

    /// A flag's value: given as `--flag=VALUE`, or the next word.
    fn flag_value(
        &mut self,
        at: usize,
        name: &str,
        value: Option<lexer::LexedWord<'a>>,
        needs: &str,
    ) -> PResult<(usize, lexer::LexedWord<'a>)> {
        if let Some(w) = value {
            return Ok((at + name.len() + 1, w));
        }
        self.skip_ws();
        if self.at_end_of_command() || lexer::looks_like_flag(self.rest()) {
            return Err(self.err(at, needs));
        }
        self.word(false)
    }

    // ---- argument checks ----

    /// Fails unless there are between `min` and `max` positional arguments.
    fn arity(
        &self,
        c: &Collected<'_>,
        spec: &Spec,
        min: usize,
        max: usize,
        missing: &str,
    ) -> PResult<()> {
        if c.args.len() < min {
            return Err(self.err(c.end, missing));
        }
        if let Some(extra) = c.args.get(max) {
            return Err(self.err(
                extra.at,
                format!(
                    "unexpected argument `{}` (usage: {})",
                    self.raw(extra.at, extra.end),
                    spec.usage
                ),
            ));
        }
        Ok(())
    }

    fn take_word(&self, arg: Arg<'_>, what: &str) -> PResult<Word> {
        match arg.kind {
            ArgKind::Word(w) => Ok(w.word),
            ArgKind::Json(_) => Err(self.err(arg.at, format!("expected {what}, not JSON"))),
        }
    }

    /// A word that must be plain text (a name, a keyword).
    fn plain(&self, arg: &Arg<'_>, what: &str) -> PResult<String> {
        match &arg.kind {
            ArgKind::Word(w) => w.word.as_text().ok_or_else(|| {
                self.err(
                    arg.at,
                    format!("{what} must be plain text, not a $reference"),
                )
            }),
            ArgKind::Json(_) => Err(self.err(arg.at, format!("expected {what}, not JSON"))),
        }
    }

    fn no_args(&mut self, spec: &Spec) -> PResult<()> {
        let c = self.collect(spec)?;
        self.arity(&c, spec, 0, 0, "")
    }

    // ---- commands ----

    fn command(&mut self) -> PResult<Command> {
        let at = self.pos;
        // Fast path: a plain lower-case word needs no allocation.
        let rest = self.rest();
        let plain_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        let name: std::borrow::Cow<'a, str> =
            if plain_len > 0 && lexer::at_word_end(&rest[plain_len..]) {
                self.pos += plain_len;
                rest[..plain_len].into()
            } else {
                let (_, w) = self.word(false)?;
                match w.word.as_text() {
                    Some(name) => name.into(),
                    None => {
                        let raw = self.raw(at, self.pos);
                        return Err(self.err_suggest(
                            at,
                            "a line starts with a command, not a $reference",
                            Some(format!("echo {raw}")),
                        ));
                    }
                }
            };
        Ok(match name.as_ref() {
            "env" => self.env()?,
            "use" => self.use_env()?,
            "import" => {
                let c = self.collect(&IMPORT)?;
                self.arity(
                    &c,
                    &IMPORT,
                    1,
                    usize::MAX,
                    "`import` needs a FILE: a Postman collection or environment",
                )?;
                let files = c
                    .args
                    .into_iter()
                    .map(|a| self.take_word(a, "a FILE"))
                    .collect::<PResult<_>>()?;
                Command::Import { files }
            }
            "collections" => {
                self.no_args(&COLLECTIONS)?;
                Command::Collections
            }
            "ls" => {
                let mut c = self.collect(&LS)?;
                self.arity(
                    &c,
                    &LS,
                    1,
                    1,
                    "`ls` needs a RESOURCE: users, groups, apps, logs, groups/ID/users …",
                )?;
                let resource = self.take_word(c.args.remove(0), "a RESOURCE")?;
                Command::Ls {
                    resource,
                    params: params(c.params),
                    all: c.flags.all,
                    max: c.flags.max,
                }
            }
            "get" => {
                let mut c = self.collect(&GET)?;
                self.arity(
                    &c,
                    &GET,
                    1,
                    1,
                    "`get` needs a TARGET: a path, URL, id, login or $ref",
                )?;
                let target = self.take_word(c.args.remove(0), "a TARGET")?;
                Command::Get {
                    target,
                    params: params(c.params),
                }
            }
            "follow" => {
                let c = self.collect(&FOLLOW)?;
                self.arity(
                    &c,
                    &FOLLOW,
                    1,
                    2,
                    "`follow` needs a REL: next, self, or a _links name",
                )?;
                let mut args = c.args.into_iter();
                let rel_arg = args.next().expect("arity checked");
                let rel = self.plain(&rel_arg, "the REL")?;
                let from = match args.next() {
                    Some(a) => Some(self.take_word(a, "FROM")?),
                    None => None,
                };
                Command::Follow {
                    rel,
                    from,
                    params: params(c.params),
                    yes: c.flags.yes,
                }
            }
            "post" => self.write(Method::Post, &POST)?,
            "put" => self.write(Method::Put, &PUT)?,
            "patch" => self.write(Method::Patch, &PATCH)?,
            "delete" => self.write(Method::Delete, &DELETE)?,
            "run" => {
                let mut c = self.collect(&RUN)?;
                self.arity(
                    &c,
                    &RUN,
                    1,
                    1,
                    "`run` needs a REQUEST: the name (or folder/name) of a collection request",
                )?;
                let request = self.take_word(c.args.remove(0), "a REQUEST")?;
                Command::Run {
                    request,
                    params: params(c.params),
                    yes: c.flags.yes,
                    data: c.flags.data,
                    bail: c.flags.bail,
                    junit: c.flags.junit,
                }
            }
            "set" => self.set()?,
            "unset" => {
                let c = self.collect(&UNSET)?;
                self.arity(&c, &UNSET, 1, 1, "`unset` needs a variable NAME")?;
                let name = self.plain(&c.args[0], "the NAME")?;
                Command::Unset { name }
            }
            "echo" => {
                let c = self.collect(&ECHO)?;
                let values = c.args.into_iter().map(value_of).collect();
                Command::Echo { values }
            }
            "vars" => {
                self.no_args(&VARS)?;
                Command::Vars
            }
            "history" => {
                self.no_args(&HISTORY)?;
                Command::History
            }
            "show" => {
                let c = self.collect(&SHOW)?;
                self.arity(&c, &SHOW, 0, 1, "")?;
                let entry = self.entry(c.args.first(), "show")?;
                Command::Show {
                    entry,
                    json: c.flags.json,
                }
            }
            "as" => self.as_curl()?,
            "demo" => self.demo()?,
            "source" => {
                let mut c = self.collect(&SOURCE)?;
                self.arity(&c, &SOURCE, 1, 1, "`source` needs a FILE of commands")?;
                let file = self.take_word(c.args.remove(0), "a FILE")?;
                Command::Source { file }
            }
            "play" => {
                let mut c = self.collect(&PLAY)?;
                self.arity(&c, &PLAY, 1, 1, "`play` needs a FILE of commands")?;
                let file = self.take_word(c.args.remove(0), "a FILE")?;
                Command::Play { file }
            }
            "record" => {
                let mut c = self.collect(&RECORD)?;
                self.arity(&c, &RECORD, 1, 1, "`record` needs a FILE, or `off`")?;
                let arg = c.args.remove(0);
                let off = matches!(&arg.kind, ArgKind::Word(w) if w.bare
                    && matches!(w.word.parts.as_slice(), [WordPart::Text(t)] if t == "off"));
                let file = if off {
                    None
                } else {
                    Some(self.take_word(arg, "a FILE")?)
                };
                Command::Record { file }
            }
            "help" => {
                let c = self.collect(&HELP)?;
                self.arity(&c, &HELP, 0, 2, "")?;
                let words = c
                    .args
                    .iter()
                    .map(|a| self.plain(a, "the TOPIC"))
                    .collect::<PResult<Vec<_>>>()?;
                let topic = (!words.is_empty()).then(|| words.join(" "));
                Command::Help { topic }
            }
            "option" | "options" => {
                let c = self.collect(&OPTION)?;
                self.arity(&c, &OPTION, 0, 2, "")?;
                let mut words = c
                    .args
                    .iter()
                    .map(|a| self.plain(a, "an option NAME or VALUE"))
                    .collect::<PResult<Vec<_>>>()?
                    .into_iter();
                Command::SessionOption {
                    name: words.next(),
                    value: words.next(),
                }
            }
            "clear" | "cls" => {
                self.no_args(&CLEAR)?;
                Command::Clear
            }
            "exit" | "quit" => {
                self.no_args(&EXIT)?;
                Command::Exit
            }
            _ => {
                return Err(self.err_suggest(
                    at,
                    format!("unknown command `{name}`"),
                    suggest(&name, &COMMAND_NAMES),
                ))
            }
        })
    }

    /// The credential of `env add`: one of `token=`, `bearer=`, or a service app's
    /// `client-id=` + `key=` + `scopes=` (+ `key-id=`, `--dpop`).
    fn env_credential(&self, params: Vec<(usize, Param)>, dpop: bool) -> PResult<Option<AuthArg>> {
        const KEYS: [&str; 6] = ["token", "bearer", "client-id", "key", "key-id", "scopes"];
        let end = self.pos;
        let mut token = None;
        let mut app: [Option<(usize, Word)>; 4] = Default::default();
        for (p_at, p) in params {
            let slot = match p.key.as_str() {
                "token" | "bearer" => {
                    if token.is_some() {
                        return Err(self.err(p_at, "give one credential: token=… or bearer=…"));
                    }
                    token = Some((p_at, p.key == "token", p.value));
                    continue;
                }
                "client-id" => 0,
                "key" => 1,
                "key-id" => 2,
                "scopes" => 3,
                other => {
                    return Err(self.err_suggest(
                        p_at,
                        format!("unknown parameter `{other}=` for `env add`: use token=…, bearer=…, or client-id=… key=… scopes=…"),
                        suggest(other, &KEYS),
                    ))
                }
            };
            if app[slot].is_some() {
                return Err(self.err(p_at, format!("`{}=` is given twice", p.key)));
            }
            app[slot] = Some((p_at, p.value));
        }
        let [client_id, key, key_id, scopes] = app;
        if let Some((p_at, ..)) = token {
            if let Some((at, _)) = client_id.as_ref().or(key.as_ref()) {
                return Err(self.err(
                    (*at).max(p_at),
                    "give one credential: a token, or a service app's client-id=… key=…",
                ));
            }
        }
        match (client_id, key, scopes) {
            (None, None, None) if key_id.is_none() => {
                if dpop {
                    return Err(self.err(
                        end,
                        "--dpop is for a service app: client-id=… key=… scopes=…",
                    ));
                }
                Ok(token.map(|(_, ssws, value)| {
                    if ssws {
                        AuthArg::Ssws(value)
                    } else {
                        AuthArg::Bearer(value)
                    }
                }))
            }
            (Some((_, client_id)), Some((_, key)), Some((_, scopes))) => {
                Ok(Some(AuthArg::ServiceApp {
                    client_id,
                    key,
                    key_id: key_id.map(|(_, w)| w),
                    scopes,
                    dpop,
                }))
            }
            (None, ..) => Err(self.err(
                end,
                "a service app needs its client-id=0oa… (with key=… and scopes=…)",
            )),
            (_, None, _) => Err(self.err(
                end,
                "a service app needs key=@FILE (its private key, PEM or JWK) or key=env:VAR",
            )),
            (_, _, None) => Err(self.err(
                end,
                "a service app needs scopes='okta.users.read …': the Okta API scopes granted to it",
            )),
        }
    }

    fn env(&mut self) -> PResult<Command> {
        let Some((at, sub)) = self.keyword()? else {
            self.no_args(&ENV)?;
            return Ok(Command::EnvList);
        };
        let sub_text = sub.word.as_text().unwrap_or_default();
        match sub_text.as_str() {
            "add" => {
                let c = self.collect(&ENV_ADD)?;
                let missing = match c.args.len() {
                    0 => "`env add` needs a NAME and a URL: env add NAME URL [token=…]",
                    _ => "`env add NAME` needs the org URL, e.g. https://example.okta.com",
                };
                self.arity(&c, &ENV_ADD, 2, 2, missing)?;
                let mut args = c.args.into_iter();
                let name_arg = args.next().expect("arity checked");
                let name = self.plain(&name_arg, "the environment NAME")?;
                let url = self.take_word(args.next().expect("arity checked"), "a URL")?;
                let auth = self.env_credential(c.params, c.flags.dpop)?;
                Ok(Command::EnvAdd {
                    name,
                    url,
                    auth,
                    protected: c.flags.protected,
                })
            }
            "rm" => {
                let c = self.collect(&ENV_RM)?;
                self.arity(
                    &c,
                    &ENV_RM,
                    1,
                    1,
                    "`env rm` needs the NAME of an environment",
                )?;
                let name = self.plain(&c.args[0], "the environment NAME")?;
                Ok(Command::EnvRemove { name })
            }
            _ => Err(self.err_suggest(
                at,
                format!(
                    "unknown `env` subcommand `{}` (usage: {})",
                    self.raw(at, self.pos),
                    ENV.usage
                ),
                suggest(&sub_text, &["add", "rm"]),
            )),
        }
    }

    fn use_env(&mut self) -> PResult<Command> {
        let c = self.collect(&USE)?;
        self.arity(&c, &USE, 1, 2, "`use` needs an environment NAME")?;
        let first_is_env = matches!(&c.args[0].kind, ArgKind::Word(w) if w.bare
            && matches!(w.word.parts.as_slice(), [WordPart::Text(t)] if t == "env"));
        let name_arg = match (c.args.len(), first_is_env) {
            (1, true) => return Err(self.err(c.end, "`use env` needs an environment NAME")),
            (1, false) => &c.args[0],
            (_, true) => &c.args[1],
            (_, false) => {
                let extra = &c.args[1];
                return Err(self.err(
                    extra.at,
                    format!(
                        "unexpected argument `{}` (usage: use NAME)",
                        self.raw(extra.at, extra.end)
                    ),
                ));
            }
        };
        let name = self.plain(name_arg, "the environment NAME")?;
        Ok(Command::Use { name })
    }

    fn write(&mut self, method: Method, spec: &Spec) -> PResult<Command> {
        let c = self.collect(spec)?;
        let missing = format!("`{}` needs a TARGET: a path or a $ref", spec.name);
        self.arity(&c, spec, 1, 2, &missing)?;
        let mut args = c.args.into_iter();
        let target_arg = args.next().expect("arity checked");
        if let ArgKind::Json(_) = target_arg.kind {
            return Err(self.err(
                target_arg.at,
                format!("`{}` needs a TARGET before the body", spec.name),
            ));
        }
        let target = self.take_word(target_arg, "a TARGET")?;
        let body = match args.next() {
            Some(a) => Some(self.body(a)?),
            None => None,
        };
        Ok(Command::Write {
            method,
            target,
            body,
            params: params(c.params),
            yes: c.flags.yes,
            force: c.flags.force,
        })
    }

    fn body(&self, arg: Arg<'_>) -> PResult<Body> {
        let raw = self.raw(arg.at, arg.end);
        let word = match arg.kind {
            ArgKind::Json(JsonTemplate::Literal(v)) => return Ok(Body::Json(v)),
            ArgKind::Json(t) => return Ok(Body::Template(t)),
            ArgKind::Word(w) => w.word,
        };
        if raw.starts_with('@') {
            return Ok(Body::File(self.file_word(arg.at, word)?));
        }
        if let Some(e) = word.as_ref_only() {
            return Ok(Body::Ref(e.clone()));
        }
        Err(self.err(
            arg.at,
            format!("a body is a JSON literal, @FILE or a $ref, not `{raw}`"),
        ))
    }

    /// The FILE of an `@FILE` word.
    fn file_word(&self, at: usize, word: Word) -> PResult<Word> {
        let mut parts = word.parts;
        if let Some(WordPart::Text(t)) = parts.first_mut() {
            t.remove(0);
            if t.is_empty() {
                parts.remove(0);
            }
        }
        if parts.is_empty() {
            return Err(self.err(at, "`@` needs a FILE name: @body.json"));
        }
        Ok(Word { parts })
    }

    fn set(&mut self) -> PResult<Command> {
        self.skip_ws();
        let at = self.pos;
        if self.at_end_of_command() {
            return Err(self.err(at, "`set` needs NAME = VALUE"));
        }
        let rest = self.rest();
        let ends_name = |r: &str| {
            r.chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || matches!(c, '=' | ';' | '|' | '>'))
        };
        // `set NAME.field[N] = VALUE` changes a part of the variable.
        let named = lexer::var_name(rest).and_then(|(r, name)| {
            let (r, path) = lexer::steps(r)?;
            Ok((r, name, path))
        });
        let (name, path, rest_after_path) = match named {
            Ok((r, name, path)) if ends_name(r) => (name, path, r),
            Err(nom::Err::Failure(e)) => return Err(self.lex_err(nom::Err::Failure(e))),
            _ => {
                let (_, w) = self.word(false)?;
                let shown = w
                    .word
                    .as_text()
                    .unwrap_or_else(|| self.raw(at, self.pos).into());
                let shown = shown.split('=').next().unwrap_or_default().to_string();
                return Err(self.err(
                    at,
                    format!(
                        "bad variable name `{shown}`: use letters, digits, _ and inner - (set NAME = VALUE)"
                    ),
                ));
            }
        };
        if path.contains(&Step::All) {
            return Err(self.err(
                at + name.len(),
                "`set` changes one place: use .field or [N] steps, not [*]",
            ));
        }
        self.advance(rest_after_path);
        if name == "last" {
            return Err(self.err(at, "`last` is reserved: $last is the newest response"));
        }
        self.skip_ws();
        if self.peek() != Some('=') {
            return Err(self.err(self.pos, "`set` needs `=` after the name: set NAME = VALUE"));
        }
        self.pos += 1;
        self.skip_ws();
        if self.at_end_of_command() {
            return Err(self.err(
                self.pos,
                "`set NAME =` needs a VALUE: a $ref, a JSON literal or a word",
            ));
        }
        let c = self.collect(&SET)?;
        if let Some(extra) = c.args.get(1) {
            return Err(self.err(
                extra.at,
                format!(
                    "unexpected argument `{}`: `set` takes one VALUE (quote it to keep spaces)",
                    self.raw(extra.at, extra.end)
                ),
            ));
        }
        let arg = c.args.into_iter().next().expect("checked");
        let value = match arg.kind {
            ArgKind::Word(w) if self.raw(arg.at, arg.end).starts_with('@') => {
                Value::File(self.file_word(arg.at, w.word)?)
            }
            _ => value_of(arg),
        };
        Ok(Command::Set {
            name: name.to_string(),
            path,
            value,
        })
    }

    fn demo(&mut self) -> PResult<Command> {
        let Some((at, w)) = self.keyword()? else {
            let end = self.pos;
            self.collect(&DEMO)?;
            return Err(self.err(end, "`demo` needs a subcommand: demo reset"));
        };
        let text = w.word.as_text().unwrap_or_default();
        if text != "reset" {
            return Err(self.err_suggest(
                at,
                format!(
                    "unknown `demo` subcommand `{}` (usage: {})",
                    self.raw(at, self.pos),
                    DEMO.usage
                ),
                suggest(&text, &["reset"]),
            ));
        }
        self.no_args(&DEMO_RESET)?;
        Ok(Command::DemoReset)
    }

    fn as_curl(&mut self) -> PResult<Command> {
        let Some((at, w)) = self.keyword()? else {
            let end = self.pos;
            self.collect(&AS)?;
            return Err(self.err(end, "`as` needs a format: as curl [N] [--reveal]"));
        };
        let text = w.word.as_text().unwrap_or_default();
        if text != "curl" {
            return Err(self.err_suggest(
                at,
                format!(
                    "unknown format `{}`: as curl [N] [--reveal]",
                    self.raw(at, self.pos)
                ),
                suggest(&text, &["curl"]),
            ));
        }
        let c = self.collect(&AS_CURL)?;
        self.arity(&c, &AS_CURL, 0, 1, "")?;
        let entry = self.entry(c.args.first(), "as curl")?;
        Ok(Command::AsCurl {
            entry,
            reveal: c.flags.reveal,
        })
    }

    /// A history entry number: `N`, `#N` or `$N` (`$last` is the newest, i.e. none given).
    fn entry(&self, arg: Option<&Arg<'_>>, cmd: &str) -> PResult<Option<u64>> {
        let Some(arg) = arg else { return Ok(None) };
        let bad = || {
            self.err(
                arg.at,
                format!("`{cmd}` takes a history number: N, #N or $N"),
            )
        };
        let ArgKind::Word(w) = &arg.kind else {
            return Err(bad());
        };
        if let Some(e) = w.word.as_ref_only() {
            return match (&e.root, e.steps.is_empty()) {
                (Root::Entry(n), true) => Ok(Some(*n)),
                (Root::Last, true) => Ok(None),
                _ => Err(bad()),
            };
        }
        let text = w.word.as_text().filter(|_| w.bare).ok_or_else(bad)?;
        let digits = text.strip_prefix('#').unwrap_or(&text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        digits.parse().map(Some).map_err(|_| bad())
    }

    // ---- output ----

    fn output(&mut self) -> PResult<Output> {
        self.skip_ws();
        match self.peek() {
            Some('|') => {
                let at = self.pos;
                let cmd = self.src[at + 1..].trim();
                if cmd.is_empty() {
                    return Err(self.err(at, "`|` needs a shell command after it, e.g. | jq ."));
                }
                self.pos = self.src.len();
                Ok(Output::Pipe(cmd.to_string()))
            }
            Some('>') => {
                let at = self.pos;
                self.pos += 1;
                if self.peek() == Some('>') {
                    return Err(self.err(self.pos, "`>>` (append) is not supported; use `> FILE`"));
                }
                self.skip_ws();
                if self.at_end_of_command() {
                    return Err(self.err(at, "`>` needs a FILE"));
                }
                let (file_at, w) = self.word(false)?;
                let Some(file) = w.word.as_text() else {
                    return Err(self.err(
                        file_at,
                        "the FILE after `>` must be plain text, not a $reference",
                    ));
                };
                self.skip_ws();
                match self.peek() {
                    None | Some(';' | '#') => Ok(Output::File(file)),
                    Some(c) => Err(self.err(
                        self.pos,
                        format!("only `;` or a comment may follow `> FILE`, not `{c}`"),
                    )),
                }
            }
            _ => Ok(Output::Screen),
        }
    }
}

/// An argument of `set` or `echo`: JSON when it is a literal or a bare JSON scalar.
fn value_of(arg: Arg<'_>) -> Value {
    match arg.kind {
        ArgKind::Json(JsonTemplate::Literal(v)) => Value::Json(v),
        ArgKind::Json(t) => Value::Template(t),
        ArgKind::Word(w) => {
            if w.bare {
                if let [WordPart::Text(t)] = w.word.parts.as_slice() {
                    if let Some(v) = json_scalar(t) {
                        return Value::Json(v);
                    }
                }
            }
            Value::Word(w.word)
        }
    }
}

fn json_scalar(t: &str) -> Option<serde_json::Value> {
    match t.as_bytes().first()? {
        b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => serde_json::from_str(t).ok(),
        _ => None,
    }
}
