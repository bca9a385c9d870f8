//! Paging: `ls --all` / `--max` following `next` links, into memory or streamed to a file.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use serde_json::value::RawValue;
use serde_json::Value;
use url::Url;

use crate::http::{self, Request};
use crate::lang::Output;
use crate::okta::Kind;
use crate::render;
use crate::session::Body;

use super::{fail, Failure, Outcome, Shell};

/// Where a paging run puts its items.
pub(super) enum Sink {
    /// Each item as its compact text: a parsed item holds several times its text, and a
    /// 100,000-user listing gathered as `Value`s would be half a gigabyte.
    Memory {
        items: Vec<Box<RawValue>>,
        /// What the items hold, for [`History::make_room`](crate::session::History::make_room).
        bytes: usize,
    },
    /// One JSON array, written item by item.
    File {
        file: std::io::BufWriter<File>,
        path: String,
        first: bool,
    },
}

impl Sink {
    fn stream_to(path: &str) -> Result<Sink, Failure> {
        let mut file = std::io::BufWriter::new(
            File::create(path)
                .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?,
        );
        file.write_all(b"[")
            .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?;
        Ok(Sink::File {
            file,
            path: path.to_string(),
            first: true,
        })
    }

    fn push(&mut self, item: Value) -> Result<(), Failure> {
        match self {
            Sink::Memory { items, bytes } => {
                let raw = serde_json::value::to_raw_value(&item)
                    .map_err(|e| Failure::Message(format!("cannot keep an item: {e}")))?;
                *bytes += raw.get().len() + size_of::<Box<RawValue>>();
                items.push(raw);
            }
            Sink::File { file, path, first } => {
                let sep: &[u8] = if *first { b"\n" } else { b",\n" };
                *first = false;
                file.write_all(sep)
                    .and_then(|_| {
                        serde_json::to_writer(&mut *file, &item).map_err(std::io::Error::from)
                    })
                    .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?;
            }
        }
        Ok(())
    }
}

impl Shell {
    /// Follows `next` from `url` to the end (or `max` items). Pages are collected into one
    /// entry, or, when the output is a file, streamed into it as one JSON array so that memory
    /// does not grow with the listing.
    pub(super) fn page_all(
        &mut self,
        url: Url,
        max: Option<u64>,
        output: &Output,
    ) -> Result<Outcome, Failure> {
        let logs = Kind::of_path(url.path()) == Kind::Logs;
        let progress = if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_message("paging");
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let mut sink = match output {
            Output::File(path) => Sink::stream_to(path)?,
            _ => Sink::Memory {
                items: Vec::new(),
                bytes: 0,
            },
        };
        let mut next = Some(url.clone());
        let mut last_headers = Vec::new();
        let mut elapsed = Duration::ZERO;
        let mut size = 0;
        let mut pages = 0;
        let mut count: u64 = 0;
        while let Some(page_url) = next.take() {
            let request = Request {
                method: reqwest::Method::GET,
                url: page_url,
                body: None,
                headers: Vec::new(),
            };
            let response = match self.fetch(&request) {
                Ok(r) => r,
                Err(e) => {
                    progress.finish_and_clear();
                    if count > 0 {
                        let n =
                            self.finish_pages(&url, sink, count, last_headers, elapsed, size)?;
                        eprintln!("kept the {count} items fetched so far as #{n}");
                    }
                    return Err(e);
                }
            };
            pages += 1;
            elapsed += response.elapsed;
            size += response.size;
            if response.status >= 400 {
                progress.finish_and_clear();
                if count > 0 {
                    self.finish_pages(&url, sink, count, last_headers, elapsed, size)?;
                }
                return Ok(Outcome::Entry(self.store(&request, response)));
            }
            let links = http::parse_links(
                response
                    .headers
                    .iter()
                    .filter(|(k, _)| k.eq_ignore_ascii_case("link"))
                    .map(|(_, v)| v.as_str()),
            );
            let page: Vec<Value> = match response.body {
                Body::Json(Value::Array(a)) => a,
                _ => {
                    progress.finish_and_clear();
                    return fail(format!(
                        "page {pages} of {} was not a JSON list",
                        url.path()
                    ));
                }
            };
            last_headers = response.headers;
            let empty = page.is_empty();
            let room = max.map_or(u64::MAX, |m| m.saturating_sub(count));
            for item in page
                .into_iter()
                .take(usize::try_from(room).unwrap_or(usize::MAX))
            {
                sink.push(item)?;
                count += 1;
            }
            if let Sink::Memory { bytes, .. } = &sink {
                self.session.history.make_room(*bytes);
            }
            progress.set_message(format!("{count} items, {pages} pages"));
            progress.tick();
            if max.is_some_and(|m| count >= m) {
                break;
            }
            if logs && empty {
                break; // System Log polling: `next` never ends; an empty page means caught up.
            }
            if let Some((_, href)) = links.into_iter().find(|(rel, _)| rel == "next") {
                next = Some(self.url_for_text(&href)?);
            }
        }
        progress.finish_and_clear();
        let streamed = matches!(sink, Sink::File { .. });
        let n = self.finish_pages(&url, sink, count, last_headers, elapsed, size)?;
        if streamed {
            let entry = self.entry(Some(n))?;
            eprintln!("{}", render::entry_line(entry));
            return Ok(Outcome::Written);
        }
        Ok(Outcome::Entry(n))
    }

    /// Closes a paging run: the entry holds the items, or for a file a summary of what was written.
    fn finish_pages(
        &mut self,
        url: &Url,
        sink: Sink,
        count: u64,
        headers: Vec<(String, String)>,
        elapsed: Duration,
        size: usize,
    ) -> Result<u64, Failure> {
        let body = match sink {
            Sink::Memory { items, .. } => Body::from_raw_items(items),
            Sink::File { mut file, path, .. } => {
                file.write_all(b"\n]\n")
                    .and_then(|_| file.flush())
                    .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?;
                Body::Json(serde_json::json!({"written": count, "file": path}))
            }
        };
        let (get, url) = (reqwest::Method::GET, url.to_string());
        Ok(self.push_gathered(&get, url, 200, headers, body, elapsed, size))
    }
}
