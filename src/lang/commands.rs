//! The command table: every command's name(s), usage line, one-line summary, help text, an
//! example, and what it accepts after its name. The parser, `lang::COMMAND_NAMES`, `help` and
//! command-name completion all read it, so that `help` cannot drift from the parser.

use std::sync::LazyLock;

/// A flag as the parser knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flag {
    All,
    Max,
    Yes,
    Json,
    Reveal,
    Protected,
    Force,
    Dpop,
    Data,
    Bail,
    Report,
}

/// Every flag as written. Order matters for suggestions only.
pub(crate) const FLAGS: &[(&str, Flag)] = &[
    ("--all", Flag::All),
    ("--max", Flag::Max),
    ("--yes", Flag::Yes),
    ("-y", Flag::Yes),
    ("--json", Flag::Json),
    ("--reveal", Flag::Reveal),
    ("--protected", Flag::Protected),
    ("--force", Flag::Force),
    ("--dpop", Flag::Dpop),
    ("--data", Flag::Data),
    ("--bail", Flag::Bail),
    ("--report", Flag::Report),
];

/// The commands that take a flag, for "`--json` is a flag of `show`".
pub(crate) fn flag_owner(f: Flag) -> &'static str {
    match f {
        Flag::All | Flag::Max => "`ls`",
        Flag::Yes => "writes (post, put, patch, delete), `follow` and `run`",
        Flag::Json => "`show`",
        Flag::Reveal => "`as curl`",
        Flag::Protected | Flag::Dpop => "`env add`",
        Flag::Force => "writes (post, put, patch, delete)",
        Flag::Data | Flag::Bail | Flag::Report => "`run`",
    }
}

/// One command (or a subcommand such as `env add`) of the table.
pub struct CommandDef {
    /// As typed: `ls`, or a subcommand's words (`env add`).
    pub name: &'static str,
    /// Other words for the same command (`quit`).
    pub aliases: &'static [&'static str],
    /// Other `help` topics that show its help (`help curl`).
    pub topics: &'static [&'static str],
    /// The usage line, also quoted by parse errors.
    pub usage: &'static str,
    /// One line for the `help` summary; empty for a subcommand (its parent's usage shows it).
    pub summary: &'static str,
    /// What `help NAME` shows under the usage line.
    pub help: &'static str,
    /// A line that parses as this command (a test checks it).
    pub example: &'static str,
    /// JSON literals allowed, and what to call them in errors ("body", "value").
    pub(crate) json: Option<&'static str>,
    /// `k=v` words are parameters (otherwise they are plain words).
    pub(crate) params: bool,
    pub(crate) flags: &'static [Flag],
    /// `#N` is a word (an entry number) rather than a comment.
    pub(crate) hash_numbers: bool,
}

impl CommandDef {
    /// The text of `help NAME`: the usage line, then the help.
    pub fn help_text(&self) -> String {
        if self.help.is_empty() {
            self.usage.to_string()
        } else {
            format!("{}\n{}", self.usage, self.help)
        }
    }

    /// A subcommand (`env add`) is reached through its parent's word.
    pub fn is_subcommand(&self) -> bool {
        self.name.contains(' ')
    }
}

const fn def(name: &'static str, usage: &'static str, summary: &'static str) -> CommandDef {
    CommandDef {
        name,
        aliases: &[],
        topics: &[],
        usage,
        summary,
        help: "",
        example: name,
        json: None,
        params: false,
        flags: &[],
        hash_numbers: false,
    }
}

const ENV_HELP: &str =
    "  env lists environments (tokens masked); token=env:VAR reads $VAR at each use;
  env rm NAME removes one; use NAME switches to it.";
const VALUE_HELP: &str =
    "  VALUE: a $ref with steps ($last[0].id, $3.profile.login, $users[*]), a JSON
  literal (with $refs as values: {\"a\": $last[0].id}), or a word.
  A .field step on a list maps over it: $last.id is every id.
  set NAME.field[N] = VALUE changes one place: set u.profile.title = \"Boss\".
  set NAME = @FILE loads a .json file's value, or the rows of a .csv (header
  row; profile.login nests) or .jsonl file as a list of objects.";
const WRITE_HELP: &str =
    "  BODY: a JSON literal, @file.json, or a $ref. A JSON literal may hold $refs
  as values: post $u {\"profile\": {\"title\": $t}}. An open { or [ at the end of
  a line goes on on the next.
  A $ref with [*] in the body spreads it: one write per element, in order
  (post users?activate=false {\"profile\": $people[*].profile} after
  set people = @people.csv), to the one TARGET or one TARGET per body.
  POST /users/ID is a partial update, PUT a full one.
  DELETE of an active user only deactivates it (ACTIVE → DEPROVISIONED);
  delete again to remove it.
  The body is checked against Okta's schema first; --force sends it anyway.";
const RUN_HELP: &str = "  WHAT: a REQUEST, a FOLDER/ or a COLLECTION: (its name and a colon).
  REQUEST: its exact name, Folder/Name, Collection:Name, or a unique prefix
  (case ignored); an unknown or ambiguous name lists the closest candidates.
  Quote names with spaces. run FOLDER/ runs every request under a folder, in
  order, and run COLLECTION: a whole collection (as Postman's runner);
  failures are reported, the run goes on (--bail stops at the first) and
  sums up. --data FILE (.csv with a header row, .json list of objects,
  .jsonl) runs it once per row, the row's columns as {{variables}}.
  --report junit FILE writes a JUnit XML report for CI.
  {{variables}}, strongest first: k=v on the run line, the --data row,
  session variables (set NAME = …), the active environment's variables, the
  collection's variables. {{url}}, {{baseUrl}} and {{yourOktaDomain}} are
  the active environment's org; {{$guid}}, {{$timestamp}}, {{$randomInt}}…
  are generated.
  A variable nothing defines stops the request before it is sent.
  The collection's own Authorization (SSWS {{apikey}}, auth blocks) is
  replaced by the environment's token;
  pre-request and test scripts are not run.";
const SHOW_HELP: &str = "  history: one line per response kept. show [N]: one response, headers and
  body (a screenful on a terminal); show N --json: the body alone, whole
  (show 3 --json | less).";

pub const ENV: CommandDef = CommandDef {
    help: ENV_HELP,
    ..def(
        "env",
        "env | env add NAME URL [token=…|bearer=…|client-id=… key=…] | env rm NAME",
        "environments",
    )
};
pub const ENV_ADD: CommandDef = CommandDef {
    params: true,
    flags: &[Flag::Protected, Flag::Dpop],
    help: "  A missing token is read at a prompt, without echo.
  An OAuth 2.0 service app (API Services app, private_key_jwt):
    env add NAME URL client-id=0oa… key=@service.pem [key-id=KID]
        scopes='okta.users.read okta.users.manage' [--dpop]
  key= is @FILE (PEM or JWK) or env:VAR (holding the PEM). Access tokens are
  minted at the first request, kept in memory only and renewed before they
  expire; --dpop binds them to a key of this session (also switched on when
  the org asks for DPoP).",
    example: "env add acme https://acme.okta.com token=env:OKTA_TOKEN",
    ..def(
        "env add",
        "env add NAME URL [token=…|bearer=…|client-id=… key=…] [--dpop] [--protected]",
        "",
    )
};
pub const ENV_RM: CommandDef = CommandDef {
    example: "env rm acme",
    ..def("env rm", "env rm NAME", "")
};
pub const USE: CommandDef = CommandDef {
    help: ENV_HELP,
    example: "use demo",
    ..def("use", "use NAME", "switch environment")
};
pub const IMPORT: CommandDef = CommandDef {
    help: "  a Postman collection (v1, v2.0, v2.1) or environment, told apart by content",
    example: "import okta.postman_collection.json",
    ..def(
        "import",
        "import FILE…",
        "Postman collections, environments",
    )
};
pub const COLLECTIONS: CommandDef = CommandDef {
    topics: &["requests"],
    help: "  what is imported; ls requests [/NAME] shows folder trees",
    ..def("collections", "collections", "what is imported")
};
pub const LS: CommandDef = CommandDef {
    params: true,
    flags: &[Flag::All, Flag::Max],
    help: "  GET a collection: users, groups, apps, logs, groups/ID/users …
  An id at the head of a path is routed by its prefix: ls $u.id/groups.
  k=v become query parameters, URL-encoded:
    ls users search='profile.department eq \"Engineering\"'
  --all follows `next` links to the end (--max N stops after N items).
  A terminal shows a screenful of rows; `show N --json | less` shows all.",
    example: "ls users q=ann --max 10",
    ..def(
        "ls",
        "ls RESOURCE [k=v…] [--all] [--max N]",
        "list: users, groups, apps, logs …",
    )
};
pub const GET: CommandDef = CommandDef {
    params: true,
    help: "  TARGET: a path (/api/v1/users/me), a URL of this org, an id (00u… users,
  00g… groups, 0oa… apps), a login (ann@example.com), me, a resource path
  (users/ID), or a $ref (an object is fetched at its _links.self.href; a list
  fans out: get $last.id).
  A fan-out keeps up to 8 requests in flight (option parallel N, or oktash
  --parallel N; 1 to 75: Okta allows an org 75 at once and its rate limits
  apply to all); the answers are kept in order in one entry, and the items
  that failed are named at the end.",
    example: "get $last[0].id",
    ..def(
        "get",
        "get TARGET [k=v…]",
        "one object: path, id, login, $ref",
    )
};
pub const FOLLOW: CommandDef = CommandDef {
    params: true,
    flags: &[Flag::Yes],
    help: "  next and self come from the `link` headers of the last response (or of
  FROM: $N); any other name from the object's _links (deactivate,
  resetPassword …).
  The method is the one Okta's spec has at the link's path (GET where it
  reads, POST for lifecycle links), confirmed as writes are (--yes where
  protected).
  k=v go into the link's query: follow resetPassword $u sendEmail=false,
  follow next limit=50. A list item carries only `self`: `get` it first.
  After a lifecycle link or a delete the shell says what changed
  (ada@example.com: ACTIVE → SUSPENDED). Piped, stdout keeps Okta's JSON
  ({} for a lifecycle call, nothing for 204) and that line goes to stderr.",
    example: "follow next limit=50",
    ..def(
        "follow",
        "follow REL [FROM] [k=v…] [--yes]",
        "next, self, or a _links name",
    )
};
const fn write_def(name: &'static str, usage: &'static str, summary: &'static str) -> CommandDef {
    CommandDef {
        json: Some("body"),
        params: true,
        flags: &[Flag::Yes, Flag::Force],
        help: WRITE_HELP,
        ..def(name, usage, summary)
    }
}
pub const POST: CommandDef = CommandDef {
    example: "post users {\"profile\": {\"login\": \"a@example.com\"}} activate=false",
    ..write_def(
        "post",
        "post TARGET [BODY] [k=v…] [--yes] [--force]",
        "create, or update in part",
    )
};
pub const PUT: CommandDef = CommandDef {
    example: "put $u @user.json",
    ..write_def(
        "put",
        "put TARGET [BODY] [k=v…] [--yes] [--force]",
        "replace",
    )
};
pub const PATCH: CommandDef = CommandDef {
    example: "patch $u {\"profile\": {\"title\": \"Boss\"}}",
    ..write_def(
        "patch",
        "patch TARGET [BODY] [k=v…] [--yes] [--force]",
        "update in part",
    )
};
pub const DELETE: CommandDef = CommandDef {
    example: "delete $u --yes",
    ..write_def(
        "delete",
        "delete TARGET [BODY] [k=v…] [--yes] [--force]",
        "delete (an active user: deactivate)",
    )
};
pub const RUN: CommandDef = CommandDef {
    params: true,
    flags: &[Flag::Yes, Flag::Data, Flag::Bail, Flag::Report],
    help: RUN_HELP,
    example: "run \"Users/List Users\" limit=5",
    ..def(
        "run",
        "run WHAT [k=v…] [--data FILE] [--bail] [--report junit FILE] [--yes]",
        "requests of an imported collection",
    )
};
pub const SET: CommandDef = CommandDef {
    json: Some("value"),
    help: VALUE_HELP,
    example: "set u = $last[0]",
    ..def(
        "set",
        "set NAME = VALUE",
        "$last, $N, $name, .field [N] [*]",
    )
};
pub const UNSET: CommandDef = CommandDef {
    help: VALUE_HELP,
    example: "unset u",
    ..def("unset", "unset NAME", "forget a variable")
};
pub const ECHO: CommandDef = CommandDef {
    json: Some("value"),
    help: VALUE_HELP,
    example: "echo $last.id",
    ..def("echo", "echo VALUE…", "print values")
};
pub const VARS: CommandDef = CommandDef {
    help: VALUE_HELP,
    ..def("vars", "vars", "the variables")
};
pub const HISTORY: CommandDef = CommandDef {
    help: SHOW_HELP,
    ..def("history", "history", "what came back, one line each")
};
pub const SHOW: CommandDef = CommandDef {
    flags: &[Flag::Json],
    hash_numbers: true,
    help: SHOW_HELP,
    example: "show #3 --json",
    ..def("show", "show [N] [--json]", "one response")
};
pub const AS: CommandDef = CommandDef {
    topics: &["curl"],
    help: "  the request of entry N as a curl command; the token is masked unless
  --reveal",
    example: "as curl 2",
    ..def("as", "as curl [N] [--reveal]", "a request as curl")
};
pub const AS_CURL: CommandDef = CommandDef {
    flags: &[Flag::Reveal],
    hash_numbers: true,
    example: "as curl #2 --reveal",
    ..def("as curl", "as curl [N] [--reveal]", "")
};
pub const SOURCE: CommandDef = CommandDef {
    help: "  run a script of commands",
    example: "source setup.oktash",
    ..def("source", "source FILE", "run a script")
};
pub const PLAY: CommandDef = CommandDef {
    help: "  present a script one step at a time, for a live demo: each command is
  typed onto the prompt (oktash --speed CPS, 0: at once) and runs on Enter;
  its # comment lines are shown as narration between the steps.
  Edit the offered line before Enter, or clear it and type your own command:
  it runs and the step waits; Enter on an empty line brings the step back.
  The prompt shows the step, (3/7). Ctrl-C stops the playback and keeps the
  session. Away from a terminal the script runs, each command printed first.
  (oktash --play FILE starts a session this way.)",
    example: "play demo.oktash",
    ..def("play", "play FILE", "present a script step by step")
};
pub const RECORD: CommandDef = CommandDef {
    help: "  append every later command to FILE (record off stops)",
    example: "record session.oktash",
    ..def("record", "record FILE | record off", "record commands")
};
pub const HELP: CommandDef = CommandDef {
    example: "help ls users",
    help: "  CMD: a command; or Okta's API: help users, help ls users, help GET PATH,
  help search WORD",
    ..def("help", "help [TOPIC]", "this; help CMD; help users …")
};
pub const DEMO: CommandDef = CommandDef {
    help: "  demo reset puts the demo org back as it was seeded (same seed, same ids):
  what a demo created, changed or deleted is gone, so it can be given again.
  Only on the demo org (an environment on loopback: --demo, or demo serve).",
    example: "demo reset",
    ..def("demo", "demo reset", "the demo org: reset to its seed")
};
pub const DEMO_RESET: CommandDef = CommandDef {
    example: "demo reset",
    ..def("demo reset", "demo reset", "")
};
/// The HTTP method a request command sends (`ls` and `get` read), `None` for any other word.
pub fn http_method(command: &str) -> Option<&'static str> {
    Some(match command {
        "ls" | "get" => "GET",
        "post" => "POST",
        "put" => "PUT",
        "patch" => "PATCH",
        "delete" => "DELETE",
        _ => return None,
    })
}

/// The options of `option`: each one's name (its start-up flag without `--`) and what it does.
pub const SESSION_OPTIONS: &[(&str, &str)] = &[
    (
        "parallel",
        "requests of a fan-out in flight at once (1 to 75)",
    ),
    (
        "big",
        "for a room: fewer, wider columns; short history lines",
    ),
    ("timeout", "seconds one request may take, retries included"),
    (
        "max-body-mb",
        "megabytes of one response body read into memory",
    ),
];
pub const OPTION: CommandDef = CommandDef {
    aliases: &["options"],
    help: "  option lists the session's options and their values; option NAME VALUE
  changes one for the rest of the session (the start-up flag of the same name
  sets it at start):
    parallel N      requests of a fan-out in flight at once (8; 1 to 75)
    big on|off      for a room: fewer, wider columns; short history lines
    timeout SECS    one request, retries included (120)
    max-body-mb MB  one response body read into memory (64)",
    example: "option parallel 16",
    ..def(
        "option",
        "option [NAME [VALUE]]",
        "session options: parallel, big …",
    )
};
pub const CLEAR: CommandDef = CommandDef {
    aliases: &["cls"],
    help: "  clear empties the terminal's screen (Ctrl-L does it while typing); the\n  session, its history and variables stay.",
    ..def("clear", "clear", "empty the screen")
};
pub const EXIT: CommandDef = CommandDef {
    aliases: &["quit"],
    ..def("exit", "exit", "leave")
};

/// Every command and subcommand, in the order `help` lists them.
pub const COMMANDS: &[&CommandDef] = &[
    &ENV,
    &ENV_ADD,
    &ENV_RM,
    &USE,
    &IMPORT,
    &COLLECTIONS,
    &LS,
    &GET,
    &FOLLOW,
    &POST,
    &PUT,
    &PATCH,
    &DELETE,
    &RUN,
    &SET,
    &UNSET,
    &ECHO,
    &VARS,
    &HISTORY,
    &SHOW,
    &AS,
    &AS_CURL,
    &DEMO,
    &DEMO_RESET,
    &SOURCE,
    &PLAY,
    &RECORD,
    &OPTION,
    &HELP,
    &CLEAR,
    &EXIT,
];

/// Every command word (`as` is `as curl`), for tab completion and "did you mean".
pub static COMMAND_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    COMMANDS
        .iter()
        .filter(|c| !c.is_subcommand())
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()))
        .collect()
});

/// The command `help TOPIC` is about: by name, alias or subcommand words.
pub fn command(topic: &str) -> Option<&'static CommandDef> {
    COMMANDS
        .iter()
        .find(|c| c.name == topic || c.aliases.contains(&topic) || c.topics.contains(&topic))
        .copied()
}

/// The `help` summary: each command's usage and summary, then what is not a command.
pub fn summary() -> String {
    const WIDTH: usize = 44;
    let mut out = String::new();
    for c in COMMANDS.iter().filter(|c| !c.is_subcommand()) {
        let usage_len = c.usage.chars().count();
        // A long usage gets the summary on the next line, under the column when it fits.
        let pad = if usage_len < WIDTH {
            WIDTH - usage_len
        } else if WIDTH + c.summary.chars().count() <= 80 {
            out.push_str(&format!("{}\n", c.usage));
            WIDTH
        } else {
            out.push_str(&format!("{}\n", c.usage));
            4
        };
        let head = if usage_len < WIDTH { c.usage } else { "" };
        out.push_str(&format!("{head}{}{}\n", " ".repeat(pad), c.summary));
    }
    out.push_str("CMD | shell-command      CMD > file      CMD; CMD      # comment");
    out
}
