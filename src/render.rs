//! Output people read: colored JSON, tables of users/groups/apps/events, history lines.
//! When stdout is not a terminal (or `NO_COLOR` is set) JSON is plain.
//!
//! Everything shown to a person passes through [`escape_controls`] first: API data is not
//! trusted to hold terminal escapes. Tables fit the terminal's width (a cell is cut with `…`, a
//! low-value column dropped, nothing wraps) and a long list shows a screenful (see [`screen`]).

use std::borrow::Cow;
use std::time::Duration;

use comfy_table::{presets, ContentArrangement, Row, Table};
use serde::Serialize;
use serde_json::Value;

use crate::http::Body;
use crate::okta::Kind;
use crate::session::Entry;

/// How output should look: decided once, from the terminal and `NO_COLOR`.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// stdout is a terminal: tables for lists, pretty JSON.
    pub terminal: bool,
    pub color: bool,
    /// `--big`, for a room: wider tables of fewer columns, nothing dimmed, short history lines.
    pub big: bool,
}

impl Style {
    pub fn detect() -> Style {
        use std::io::IsTerminal;
        let terminal = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            terminal,
            color: terminal && !no_color,
            big: false,
        }
    }
}

/// Control characters of `text` (escape sequences, bell, carriage return …) written out as
/// `\u{1b}` and the like, so that data from an API cannot clear or retitle the terminal.
/// Newlines are kept: they are how text is laid out.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\n' => "\n".to_string(),
                c if c.is_control() => c.escape_unicode().to_string(),
                c => c.to_string(),
            })
            .collect(),
    )
}

/// The terminal's size as (columns, rows): `COLUMNS` and `LINES` when set (tests set them, and a
/// person may), else what the terminal reports, else 80×24.
pub fn screen() -> (usize, usize) {
    let from_env = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| *n > 0)
    };
    let (rows, columns) = console::Term::stdout()
        .size_checked()
        .map_or((24, 80), |(r, c)| (r as usize, c as usize));
    (
        from_env("COLUMNS").unwrap_or(columns).max(20),
        from_env("LINES").unwrap_or(rows).max(5),
    )
}

/// How many rows of a list fit on one screen, leaving room for the history line, the header,
/// the footer and the next prompt.
pub fn rows_per_screen() -> usize {
    screen().1.saturating_sub(5).max(3)
}

/// JSON for a person (pretty, colored when allowed) or a program (plain, one document).
pub fn json<T: Serialize>(value: &T, style: Style) -> String {
    if style.color {
        if let Ok(text) = colored_json::to_colored_json(value, colored_json::ColorMode::On) {
            return text;
        }
    }
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Writes a value as [`json`] formats it, without building the text first: a large history
/// body goes out one item at a time.
pub fn write_json<T: Serialize>(
    out: &mut impl std::io::Write,
    value: &T,
    style: Style,
) -> serde_json::Result<()> {
    if style.color {
        colored_json::write_colored_json_with_mode(value, out, colored_json::ColorMode::On)
    } else {
        serde_json::to_writer_pretty(out, value)
    }
}

/// The first `max_lines` lines of a value as [`json`] formats it, and how many lines the whole
/// text has: what a screenful needs, without holding the whole text of a large body.
pub fn json_head<T: Serialize>(value: &T, style: Style, max_lines: usize) -> (String, usize) {
    /// Keeps bytes up to the `max`-th newline and counts the newlines after it.
    struct Head {
        kept: Vec<u8>,
        newlines: usize,
        max: usize,
    }
    impl std::io::Write for Head {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            for &b in buf {
                if self.newlines < self.max {
                    self.kept.push(b);
                }
                if b == b'\n' {
                    self.newlines += 1;
                }
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut head = Head {
        kept: Vec::new(),
        newlines: 0,
        max: max_lines,
    };
    let _ = write_json(&mut head, value, style);
    if head.kept.last() == Some(&b'\n') {
        head.kept.pop();
    }
    (
        String::from_utf8_lossy(&head.kept).into_owned(),
        head.newlines + 1,
    )
}

/// The one-line summary of a history entry:
/// `#3 GET /api/v1/users?limit=2  200  2 users  4 ms`; `--big` keeps it short:
/// `#3 GET users?limit=2  200  2 users  4 ms`.
pub fn entry_line(entry: &Entry, style: Style) -> String {
    let url = display_url(&entry.url);
    let url = if style.big {
        short_url(url)
    } else {
        url.to_string()
    };
    let line = format!(
        "#{} {} {}  {}  {}  {}",
        entry.number,
        entry.method,
        url,
        entry.status,
        body_summary(&entry.body, &entry.url),
        duration(entry.elapsed)
    );
    escape_controls(&line).into_owned()
}

/// A URL as the history shows it: the path and query, without the org's origin.
pub fn display_url(url: &str) -> &str {
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or(url, |i| &rest[i..]),
        None => url,
    }
}

/// Where a URL's query is cut in a short history line.
const SHORT_QUERY_CHARS: usize = 24;

/// A path as a `--big` history line shows it: without `/api/v1/`, its query cut short.
fn short_url(url: &str) -> String {
    let url = url.strip_prefix("/api/v1/").unwrap_or(url);
    match url.split_once('?') {
        Some((path, query)) if query.chars().count() > SHORT_QUERY_CHARS => {
            let kept: String = query.chars().take(SHORT_QUERY_CHARS - 1).collect();
            format!("{path}?{kept}…")
        }
        _ => url.to_string(),
    }
}

/// How long a request took, in the one format every line uses: `0.6 ms`, `42 ms`.
pub fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// A time to come, in the largest whole unit that says it: `42 s`, `58 min`, `2 h`.
pub fn duration_words(d: Duration) -> String {
    match d.as_secs() {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s => format!("{} h", s / 3600),
    }
}

/// One line for what a body holds; `url` is where it came from, which names what a list holds.
pub fn body_summary(body: &Body, url: &str) -> String {
    let kind = Kind::of_path(url);
    match body {
        Body::Empty => "no content".into(),
        Body::Text(t) if looks_like_html(t) => format!("HTML page, {} bytes", t.len()),
        Body::Text(t) => format!("text, {} bytes", t.len()),
        Body::Json(Value::Array(items)) => list_kind(kind, items).count(items.len(), url),
        // A `--all > FILE` export keeps a summary, not the items.
        Body::Json(Value::Object(map))
            if map.len() == 2 && map.contains_key("written") && map.contains_key("file") =>
        {
            format!(
                "{} written to {}",
                kind.count(map["written"].as_u64().unwrap_or(0) as usize, url),
                map["file"].as_str().unwrap_or("?")
            )
        }
        Body::Json(Value::Object(map)) if wrapped_list(map, url).is_some() => {
            let list = wrapped_list(map, url).expect("matched above");
            list.kind.count(list.items.len(), &list.named_by)
        }
        Body::Json(Value::Object(map)) if map.contains_key("errorCode") => map
            .get("errorCode")
            .and_then(Value::as_str)
            .unwrap_or("error")
            .to_string(),
        Body::Json(Value::Object(map)) => match map.get("id").and_then(Value::as_str) {
            Some(id) => id.to_string(),
            None if map.is_empty() => "{}".into(),
            None => "object".into(),
        },
        Body::Json(other) => other.to_string(),
        Body::Compact(c) => match c.list_len() {
            Some(len) => list_kind(kind, &c.first_items(1)).count(len, url),
            None => format!("JSON, {} bytes", c.text_len()),
        },
    }
}

/// A list Okta wraps in an object (`{"roles": [...], "_links": {"next": …}}`,
/// `{"domains": [...]}`).
pub struct WrappedList<'a> {
    pub items: &'a [Value],
    /// What it holds, by its property alone: the assignees at `…/iam/assignees/users` are no
    /// users.
    pub kind: Kind,
    /// The path that names it in a count: its property when that reads as a plural (`/roles`),
    /// else `url` (`{"value": [...]}`).
    pub named_by: String,
}

/// The list inside an object that came from `url`: the one property that holds objects, beside
/// nothing but links.
pub fn wrapped_list<'a>(
    map: &'a serde_json::Map<String, Value>,
    url: &str,
) -> Option<WrappedList<'a>> {
    let mut lists = map.iter().filter(|(k, _)| !k.starts_with('_'));
    let (name, Value::Array(items)) = lists.next()? else {
        return None;
    };
    if lists.next().is_some() || !items.iter().all(Value::is_object) {
        return None;
    }
    let by_name = format!("/{name}");
    let named_by = if Kind::Other.noun(&by_name) == "items" {
        url.to_string()
    } else {
        by_name.clone()
    };
    Some(WrappedList {
        items,
        kind: list_kind(Kind::of_path(&by_name), items),
        named_by,
    })
}

pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(100)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<head")
}

/// A column: its header and how to get its cell from an object.
type Column = (&'static str, fn(&Value) -> String);

/// What a list holds: what its path says, else what its first item looks like (a fan-out's
/// entry has no single path).
pub fn list_kind(by_path: Kind, items: &[Value]) -> Kind {
    match (by_path, items.first()) {
        (Kind::Other, Some(first)) => guess_kind(first),
        _ => by_path,
    }
}

/// A table for a list of Okta objects, or `None` when the list is not made of objects.
pub fn table(items: &[Value], kind: Kind, style: Style) -> Option<String> {
    if items.is_empty() || !items.iter().all(Value::is_object) {
        return None;
    }
    let kind = list_kind(kind, items);
    let columns: Vec<Column> = match kind {
        Kind::Users => vec![
            ("ID", |v| text(v, &["id"])),
            ("STATUS", |v| text(v, &["status"])),
            ("LOGIN", |v| text(v, &["profile", "login"])),
            ("NAME", |v| {
                format!(
                    "{} {}",
                    text(v, &["profile", "firstName"]),
                    text(v, &["profile", "lastName"])
                )
                .trim()
                .to_string()
            }),
            ("LAST LOGIN", |v| date(&text(v, &["lastLogin"]))),
        ],
        Kind::Groups => vec![
            ("ID", |v| text(v, &["id"])),
            ("TYPE", |v| text(v, &["type"])),
            ("NAME", |v| text(v, &["profile", "name"])),
            ("DESCRIPTION", |v| text(v, &["profile", "description"])),
        ],
        Kind::Apps => vec![
            ("ID", |v| text(v, &["id"])),
            ("STATUS", |v| text(v, &["status"])),
            ("LABEL", |v| text(v, &["label"])),
            ("NAME", |v| text(v, &["name"])),
            ("SIGN-ON", |v| text(v, &["signOnMode"])),
        ],
        // An app's assignments: the user's id, how it was assigned, its app username.
        Kind::AppUsers => vec![
            ("ID", |v| text(v, &["id"])),
            ("SCOPE", |v| text(v, &["scope"])),
            ("STATUS", |v| text(v, &["status"])),
            ("USERNAME", |v| text(v, &["credentials", "userName"])),
            ("SYNC", |v| text(v, &["syncState"])),
        ],
        Kind::AppGroups => vec![
            ("ID", |v| text(v, &["id"])),
            ("PRIORITY", |v| text(v, &["priority"])),
        ],
        Kind::Logs => vec![
            ("PUBLISHED", |v| date(&text(v, &["published"]))),
            ("EVENT TYPE", |v| text(v, &["eventType"])),
            ("ACTOR", |v| text(v, &["actor", "alternateId"])),
            ("OUTCOME", |v| text(v, &["outcome", "result"])),
            ("TARGET", |v| {
                v.get("target")
                    .and_then(Value::as_array)
                    .and_then(|t| t.first())
                    .map(|t| text(t, &["alternateId"]))
                    .unwrap_or_default()
            }),
        ],
        Kind::Other => return generic_table(items, style),
    };
    let big_ones = columns
        .iter()
        .filter(|(name, _)| BIG_COLUMNS.contains(name))
        .count();
    let columns: Vec<Column> = if style.big && big_ones >= 2 {
        columns
            .into_iter()
            .filter(|(name, _)| BIG_COLUMNS.contains(name))
            .collect()
    } else {
        columns
    };
    let header: Vec<String> = columns.iter().map(|(name, _)| name.to_string()).collect();
    let rows = items
        .iter()
        .map(|item| columns.iter().map(|(_, cell)| cell(item)).collect())
        .collect();
    Some(grid(header, rows, style))
}

/// The columns a `--big` table keeps: what the room reads (who, what state, what happened),
/// not ids (`echo $last.id` has them). A list with fewer than two of them keeps all its columns.
const BIG_COLUMNS: &[&str] = &[
    "STATUS",
    "LOGIN",
    "NAME",
    "DESCRIPTION",
    "LABEL",
    "SIGN-ON",
    "SCOPE",
    "USERNAME",
    "PRIORITY",
    "PUBLISHED",
    "EVENT TYPE",
    "ACTOR",
    "OUTCOME",
];

/// Columns that are never dropped to fit a narrow terminal (nor cut): what a row is.
const KEY_COLUMNS: &[&str] = &["ID", "STATUS", "PUBLISHED"];

/// Columns that are never cut (copied or scanned whole: ids, states, times), though a narrow
/// terminal may drop them.
const WHOLE_COLUMNS: &[&str] = &[
    "ID",
    "STATUS",
    "PUBLISHED",
    "OUTCOME",
    "LAST LOGIN",
    "SCOPE",
    "SYNC",
    "PRIORITY",
];

/// The narrowest a cut column may get before the rightmost cut column is dropped instead.
const MIN_CUT_WIDTH: usize = 14;

/// A table of text cells. On a terminal it fits the width of the screen: whole columns keep
/// their width, the others are cut with `…` from the right (the rightmost first, down to
/// [`MIN_CUT_WIDTH`], then the next); when every column at its least is still too wide, the
/// rightmost column that is not a key column is dropped (columns are listed by importance).
/// Every cell is one line, its control characters escaped.
pub fn grid(mut header: Vec<String>, mut rows: Vec<Vec<String>>, style: Style) -> String {
    // A generic table's header is made of the API's keys: escaped as the cells are.
    for cell in header.iter_mut().chain(rows.iter_mut().flatten()) {
        if let Cow::Owned(escaped) = escape_controls(cell) {
            *cell = escaped;
        }
        if cell.contains('\n') {
            *cell = cell.replace('\n', "\\n");
        }
    }
    for row in rows.iter_mut() {
        row.resize(header.len(), String::new());
    }
    // Spaces on each side of a cell: two columns apart, four in a `--big` table.
    let pad: u16 = if style.big { 2 } else { 1 };
    if style.terminal {
        fit(&mut header, &mut rows, pad, screen().0);
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_content_arrangement(ContentArrangement::Disabled);
    let mut header_row = Row::from(header.clone());
    header_row.max_height(1);
    table.set_header(header_row);
    for row in rows {
        let mut row = Row::from(row);
        row.max_height(1);
        table.add_row(row);
    }
    for i in 0..header.len() {
        if let Some(column) = table.column_mut(i) {
            column.set_padding((pad, pad));
        }
    }
    table
        .lines()
        .map(|line| line.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fits a table's cells into `width` columns, each cell padded by `pad` on both sides (see
/// [`grid`]): drops the least important columns that cannot fit, then cuts from the right.
fn fit(header: &mut Vec<String>, rows: &mut [Vec<String>], pad: u16, width: usize) {
    let padding = 2 * pad as usize;
    // What each column takes whole, and the least it may be cut to: a whole column keeps its
    // content, another goes down to MIN_CUT_WIDTH; a header is never cut (`PROTEC…`).
    let mut wholes: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| console::measure_text_width(&r[i]))
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut leasts: Vec<usize> = header
        .iter()
        .zip(&wholes)
        .map(|(name, &whole)| {
            if WHOLE_COLUMNS.contains(&name.as_str()) {
                whole
            } else {
                whole.min(MIN_CUT_WIDTH.max(name.len()))
            }
        })
        .collect();
    // Too narrow even with every column cut to its least: drop the rightmost column that is
    // not a key column (columns are listed by importance).
    while header.len() > 2 && leasts.iter().map(|w| w + padding).sum::<usize>() > width {
        let Some(drop) = (0..header.len())
            .rev()
            .find(|&i| !KEY_COLUMNS.contains(&header[i].as_str()))
        else {
            break;
        };
        header.remove(drop);
        wholes.remove(drop);
        leasts.remove(drop);
        for row in rows.iter_mut() {
            row.remove(drop);
        }
    }
    // Then cut from the right: the least important column gives up its width first, down
    // to its least, before the one to its left is cut at all.
    let mut excess = (wholes.iter().map(|w| w + padding).sum::<usize>()).saturating_sub(width);
    let mut widths = wholes.clone();
    for i in (0..header.len()).rev() {
        let cut = excess.min(wholes[i] - leasts[i]);
        widths[i] -= cut;
        excess -= cut;
    }
    for row in rows.iter_mut() {
        for (cell, &width) in row.iter_mut().zip(&widths) {
            if console::measure_text_width(cell) > width {
                // `token 59…`, not `token 59 …`: the mark stands where the text goes on.
                let kept = console::truncate_str(cell, width.saturating_sub(1), "");
                *cell = format!("{}…", kept.trim_end());
            }
        }
    }
}

/// Which columns a list the shell has no table for shows first: what names an item (its id, a
/// key's `kid`, a name), its status and its type; the rest in the order Okta writes them.
fn column_rank(key: &str) -> u8 {
    match key {
        "id" => 0,
        "kid" | "name" | "label" | "displayName" | "alias" => 1,
        "status" => 2,
        "type" => 3,
        _ => 4,
    }
}

/// Columns for objects of unknown kind: the first few scalar fields by [`column_rank`]; times in
/// the one format of every table.
fn generic_table(items: &[Value], style: Style) -> Option<String> {
    let first = items[0].as_object()?;
    let mut keys: Vec<&String> = first
        .keys()
        .filter(|k| {
            first[k.as_str()].is_string()
                || first[k.as_str()].is_number()
                || first[k.as_str()].is_boolean()
        })
        .collect();
    keys.sort_by_key(|k| column_rank(k));
    keys.truncate(if style.big { 3 } else { 5 });
    if keys.is_empty() {
        return None;
    }
    let header = keys
        .iter()
        .map(|k| {
            if *k == "id" {
                "ID".into()
            } else {
                k.to_uppercase()
            }
        })
        .collect();
    let rows = items
        .iter()
        .map(|item| {
            keys.iter()
                .map(|k| match item.get(k.as_str()) {
                    Some(Value::String(s)) => date(s),
                    Some(Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                })
                .collect()
        })
        .collect();
    Some(grid(header, rows, style))
}

fn guess_kind(item: &Value) -> Kind {
    let id = item.get("id").and_then(Value::as_str).unwrap_or("");
    if item.get("eventType").is_some() {
        Kind::Logs
    } else if item.get("scope").is_some() && item.get("syncState").is_some() {
        Kind::AppUsers
    } else if id.starts_with("00g") && item.get("priority").is_some() {
        Kind::AppGroups
    } else if id.starts_with("00u") && item.get("profile").is_some()
        || item.pointer("/profile/login").is_some()
    {
        // (A user's id alone, as an admin role's assignee, is no user to show as one.)
        Kind::Users
    } else if id.starts_with("00g") {
        Kind::Groups
    } else if id.starts_with("0oa") && item.get("signOnMode").is_some() {
        Kind::Apps
    } else {
        Kind::Other
    }
}

fn text(value: &Value, path: &[&str]) -> String {
    let mut v = value;
    for key in path {
        match v.get(key) {
            Some(next) => v = next,
            None => return String::new(),
        }
    }
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        // An empty object or list says nothing in a cell (an IdP user's profile values, which
        // Okta's spec types as objects).
        Value::Object(map) if map.is_empty() => String::new(),
        Value::Array(items) if items.is_empty() => String::new(),
        other => other.to_string(),
    }
}

/// `2024-05-01T10:20:30.000Z` → `2024-05-01 10:20` (UTC, as Okta sends it); other text as is.
fn date(text: &str) -> String {
    let b = text.as_bytes();
    let is_timestamp = b.len() >= 17
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && text.is_char_boundary(16)
        && text[..16]
            .chars()
            .all(|c| c.is_ascii_digit() || "-T:".contains(c));
    if is_timestamp {
        format!("{} {}", &text[..10], &text[11..16])
    } else {
        text.to_string()
    }
}

/// Where the HTTP client's waits and retries are told: a live countdown line on a terminal,
/// else one plain line per wait or retry so that a script's log says why it paused.
pub struct Notices {
    /// The countdown line of the wait in progress (on a terminal).
    line: std::sync::Mutex<Option<indicatif::ProgressBar>>,
    terminal: bool,
}

impl Notices {
    pub fn on_stderr() -> Notices {
        use std::io::IsTerminal;
        Notices {
            line: std::sync::Mutex::new(None),
            terminal: std::io::stderr().is_terminal(),
        }
    }
}

impl crate::http::Notices for Notices {
    fn retrying(&self, why: &str, attempt: u32, of: u32) {
        crate::note!("retrying ({why}), attempt {attempt} of {of}");
    }

    fn wait_started(&self, why: &str, total: Duration) {
        if self.terminal {
            if let Ok(mut line) = self.line.lock() {
                *line = Some(status_line(indicatif::ProgressBar::new_spinner()));
            }
        } else {
            crate::note!(
                "{why}: waiting {}s for the window to reset",
                total.as_secs_f64().ceil() as u64
            );
        }
    }

    fn wait_left(&self, why: &str, left: Duration) {
        if let Ok(line) = self.line.lock() {
            if let Some(bar) = line.as_ref() {
                bar.set_message(format!(
                    "{why}: waiting {}s for the window to reset (Ctrl-C cancels)",
                    left.as_secs() + 1
                ));
                bar.tick();
            }
        }
    }

    fn wait_ended(&self) {
        if let Ok(mut line) = self.line.lock() {
            if let Some(bar) = line.take() {
                bar.finish_and_clear();
            }
        }
    }
}

/// Every progress and wait line of the process, drawn together on stderr (a rate-limit wait
/// during a paging run is a second line under the paging one, not a fight over one line).
/// stderr is said to be a few columns narrower than it is: indicatif pads its lines to the full
/// width and leaves the cursor in the last column, where the `^C` the terminal echoes on Ctrl-C
/// would wrap onto a new line, and clearing would then leave the progress line on the screen.
fn status_line(bar: indicatif::ProgressBar) -> indicatif::ProgressBar {
    static LINES: std::sync::OnceLock<indicatif::MultiProgress> = std::sync::OnceLock::new();
    LINES
        .get_or_init(|| {
            indicatif::MultiProgress::with_draw_target(indicatif::ProgressDrawTarget::term_like(
                Box::new(ShortOfTheEdge(console::Term::stderr())),
            ))
        })
        .add(bar)
}

#[derive(Debug)]
struct ShortOfTheEdge(console::Term);

impl indicatif::TermLike for ShortOfTheEdge {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(3).max(10)
    }
    fn height(&self) -> u16 {
        self.0.size().0
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write_str(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }
    fn flush(&self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// The one progress line of a paging run, on a terminal's stderr (hidden elsewhere).
pub fn spinner(message: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = status_line(indicatif::ProgressBar::new_spinner());
    bar.set_message(message.to_string());
    bar
}

/// The one progress line of a run over `len` items, on a terminal's stderr (hidden elsewhere).
pub fn progress_bar(len: u64, label: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = status_line(indicatif::ProgressBar::new(len));
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fitted(header: &[&str], row: &[&str], width: usize) -> (Vec<String>, Vec<String>) {
        let mut header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let mut rows = vec![row.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
        fit(&mut header, &mut rows, 1, width);
        (header, rows.remove(0))
    }

    #[test]
    fn a_table_is_cut_from_the_right_and_drops_columns_only_when_cutting_is_not_enough() {
        let header = ["NAME", "AUTH", "SCOPES"];
        let row = [
            "svc",
            "OAuth 0oa…0k2Q, token 59 min left",
            "okta.users.read okta.groups.read",
        ];
        // Room for all: nothing changes.
        assert_eq!(fitted(&header, &row, 200).1, row);
        // 6 + 35 + 34 = 75 columns whole: at 60 the last column gives up 15 and is cut alone.
        let (_, cells) = fitted(&header, &row, 60);
        assert_eq!(cells[..2], row[..2]);
        assert_eq!(cells[2], "okta.users.read…");
        // At 50 SCOPES is at its least (14) and AUTH gives up the other 7.
        let (_, cells) = fitted(&header, &row, 50);
        assert_eq!(console::measure_text_width(&cells[2]), 14);
        assert_eq!(cells[1], "OAuth 0oa…0k2Q, token 59…");
        // Below what every column at its least needs, the last column goes.
        let (names, cells) = fitted(&header, &row, 30);
        assert_eq!(names, ["NAME", "AUTH"]);
        assert_eq!(cells.len(), 2);
        // A whole column is never cut.
        let (_, cells) = fitted(
            &["ID", "NAME"],
            &["00u1a2b3c4d5e6f7g8h9", "a very long name indeed"],
            40,
        );
        assert_eq!(cells[0], "00u1a2b3c4d5e6f7g8h9");
    }
    use serde_json::json;

    #[test]
    fn users_table_has_the_usual_columns() {
        let users = vec![
            json!({"id":"00u1","status":"ACTIVE","lastLogin":"2024-05-01T10:20:30.000Z",
            "profile":{"login":"ann@example.com","firstName":"Ann","lastName":"Lee"}}),
        ];
        let style = Style {
            terminal: false,
            color: false,
            big: false,
        };
        let out = table(&users, Kind::Users, style).unwrap();
        assert!(out.contains("LOGIN"), "{out}");
        assert!(out.contains("Ann Lee"), "{out}");
        assert!(out.contains("2024-05-01 10:20"), "{out}");
        // An IdP user's profile values, which Okta's spec types as objects, read as nothing.
        let idp_users = vec![json!({"id":"00u2","profile":{"firstName":{},"lastName":[]}})];
        let out = table(&idp_users, Kind::Users, style).unwrap();
        assert!(!out.contains("{}") && !out.contains("[]"), "{out}");
    }

    #[test]
    fn control_characters_are_written_out_and_newlines_kept() {
        assert_eq!(
            escape_controls("\u{1b}[2J\u{1b}]0;PWNED\u{7}ok\nnext\r"),
            "\\u{1b}[2J\\u{1b}]0;PWNED\\u{7}ok\nnext\\u{d}"
        );
        assert!(matches!(escape_controls("plain · text"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("\u{9b}31m"),
            "\\u{9b}31m",
            "C1 controls too"
        );
    }

    #[test]
    fn times_have_one_format_and_other_text_is_left_alone() {
        assert_eq!(date("2024-09-08T15:40:12.345Z"), "2024-09-08 15:40");
        assert_eq!(date("2024-09-08T15:40:12Z"), "2024-09-08 15:40");
        assert_eq!(date("ann@example.com and more"), "ann@example.com and more");
        assert_eq!(date("2024-09-08"), "2024-09-08");
        assert_eq!(date("ééééééééééééééééééé"), "ééééééééééééééééééé");
    }

    #[test]
    fn a_short_url_drops_the_api_prefix_and_cuts_a_long_query() {
        assert_eq!(short_url("/api/v1/users?limit=2"), "users?limit=2");
        assert_eq!(
            short_url("/api/v1/users?search=profile.department%20eq%20%22Sales%22"),
            "users?search=profile.departme…"
        );
        assert_eq!(short_url("/oauth2/v1/clients"), "/oauth2/v1/clients");
        assert_eq!(short_url("/api/v1/users?q=é"), "users?q=é");
    }

    #[test]
    fn a_list_okta_wraps_in_an_object_is_counted_by_its_property() {
        let summary = |body: Value, url: &str| body_summary(&Body::Json(body), url);
        let roles = serde_json::json!({
            "roles": [{"id": "cr0a"}, {"id": "cr0b"}],
            "_links": {"next": {"href": "https://o/api/v1/iam/roles?after=cr0b"}}
        });
        assert_eq!(summary(roles, "https://o/api/v1/iam/roles"), "2 roles");
        // `value` names nothing: the path does; its users are ids, not users to show as such.
        let assignees = serde_json::json!({"value": [{"id": "00u1", "orn": "orn:x"}]});
        let url = "https://o/api/v1/iam/assignees/users";
        assert_eq!(summary(assignees.clone(), url), "1 user");
        let items = assignees["value"].as_array().unwrap();
        assert_eq!(list_kind(Kind::Other, items), Kind::Other);
        // Two lists, or a list of values, are an object like any other.
        let two = serde_json::json!({"a": [{"id": 1}], "b": [{"id": 2}]});
        assert_eq!(summary(two, url), "object");
        let values = serde_json::json!({"supportedFlows": ["SIGN_IN"]});
        assert_eq!(summary(values, url), "object");
    }

    #[test]
    fn a_list_with_no_table_of_its_own_shows_what_names_its_items_first() {
        let keys = serde_json::json!([{
            "created": "2016-01-03T18:15:47.000Z",
            "e": "AQAB",
            "n": "mkC6yAJVvFwUlmM9gKjb2d",
            "use": "sig",
            "status": "ACTIVE",
            "kid": "SIMcCQNY3uwXoW3y0vf6VxiNb7n9"
        }]);
        let style = Style {
            terminal: false,
            color: false,
            big: false,
        };
        let table = table(keys.as_array().unwrap(), Kind::Other, style).unwrap();
        let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(header, ["KID", "STATUS", "CREATED", "E", "N"], "{table}");
    }
}
