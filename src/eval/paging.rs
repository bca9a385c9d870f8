//! Paging: `ls --all` / `--max` following `next` links, into memory or streamed to a file.

use std::collections::HashSet;
use std::fs::File;
use std::io::Write;
use std::time::Duration;

use serde_json::value::RawValue;
use url::Url;

use crate::http::{self, Request};
use crate::http::{Body, CompactJson};
use crate::lang::Output;
use crate::okta::Kind;
use crate::render;

use super::{plural, Failure, Outcome, Shell};

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

    /// Keeps one item, as the text it came as.
    fn push(&mut self, item: Box<RawValue>) -> Result<(), Failure> {
        match self {
            Sink::Memory { items, bytes } => {
                *bytes += item.get().len() + size_of::<Box<RawValue>>();
                items.push(item);
            }
            Sink::File { file, path, first } => {
                let sep: &[u8] = if *first { b"\n" } else { b",\n" };
                *first = false;
                file.write_all(sep)
                    .and_then(|_| file.write_all(item.get().as_bytes()))
                    .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?;
            }
        }
        Ok(())
    }
}

/// Where a paging run stands; what is kept when it stops early.
struct Run {
    sink: Sink,
    count: u64,
    pages: u64,
    last_headers: http::Headers,
    elapsed: Duration,
    size: usize,
}

/// Why a paging run stopped before its end.
enum Stop {
    /// Ctrl-C, a transport failure, a loop, a page that is not a list, the memory budget.
    Failed(Failure),
    /// Okta answered an error: the entry that holds it.
    ErrorEntry(u64),
}

impl From<Failure> for Stop {
    fn from(failure: Failure) -> Stop {
        Stop::Failed(failure)
    }
}

impl Shell {
    /// Follows `next` from `url` to the end (or `max` items). Pages are collected into one
    /// entry, or, when the output is a file, streamed into it as one JSON array so that memory
    /// does not grow with the listing. A run that stops early keeps what came: the file is
    /// closed as valid JSON and `partial: N items` is said.
    pub(super) fn page_all(
        &mut self,
        url: Url,
        max: Option<u64>,
        output: &Output,
    ) -> Result<Outcome, Failure> {
        let sink = match output {
            Output::File(path) => Sink::stream_to(path)?,
            _ => Sink::Memory {
                items: Vec::new(),
                bytes: 0,
            },
        };
        let mut run = Run {
            sink,
            count: 0,
            pages: 0,
            last_headers: http::Headers::default(),
            elapsed: Duration::ZERO,
            size: 0,
        };
        let progress = render::spinner("paging");
        let began = std::time::Instant::now();
        let result = self.follow_pages(&url, max, &mut run, &progress);
        // The run's wall time, writing included: the pages overlapped with keeping them.
        run.elapsed = began.elapsed();
        progress.finish_and_clear();
        let streamed = match &run.sink {
            Sink::File { path, .. } => Some(path.clone()),
            Sink::Memory { .. } => None,
        };
        let (count, pages) = (run.count, run.pages);
        match result {
            Ok(()) => {
                let n = self.finish_pages(&url, run)?;
                if streamed.is_some() {
                    let entry = self.entry(Some(n))?;
                    crate::note!("{}", render::entry_line(entry, self.style));
                    return Ok(Outcome::Written);
                }
                Ok(Outcome::Entry(n))
            }
            Err(stop) => {
                if streamed.is_some() || count > 0 {
                    let n = self.finish_pages(&url, run)?;
                    let fetched = Kind::of_path(url.path()).count(count as usize, url.path());
                    match &streamed {
                        Some(path) => crate::note!(
                            "partial: {fetched} from {} written to {path} (kept as #{n})",
                            plural(pages as usize, "page")
                        ),
                        None => crate::note!("partial: {fetched} fetched so far, kept as #{n}"),
                    }
                }
                match stop {
                    Stop::Failed(failure) => Err(failure),
                    Stop::ErrorEntry(n) => Ok(Outcome::Entry(n)),
                }
            }
        }
    }

    /// Reads page after page. The next page is asked for as soon as this one's `link` header
    /// is read, while this page's items are kept or written: the server works on one while the
    /// shell works on the other.
    fn follow_pages(
        &mut self,
        url: &Url,
        max: Option<u64>,
        run: &mut Run,
        progress: &indicatif::ProgressBar,
    ) -> Result<(), Stop> {
        let logs = Kind::of_path(url.path()) == Kind::Logs;
        // Items held in memory cost at least their text: past the history's budget they would
        // only push everything else out of it, so a listing to the screen stops there.
        let memory_budget = self.session.history.limits().max_bytes;
        // Every page URL fetched, hashed: a `next` seen before means the server loops.
        let mut seen = HashSet::from([hash_of(url.as_str())]);
        let page_request = |url: Url| Request {
            method: reqwest::Method::GET,
            url,
            body: None,
            headers: Vec::new(),
            // Items go to the file or the history as the text they came as: parsing each
            // into a `Value` only to write it out again would double the work.
            items_as_text: true,
        };
        let mut request = page_request(url.clone());
        self.check_interrupt()?;
        let mut response = self.fetch(&request)?;
        loop {
            run.pages += 1;
            run.size += response.size;
            if response.status >= 400 {
                return Err(Stop::ErrorEntry(self.store(&request, response)));
            }
            let links = http::parse_links(response.headers.get_all("link"));
            let page: Vec<Box<RawValue>> = match response.body {
                Body::Compact(CompactJson::List(items)) => items,
                other => {
                    let pages = run.pages;
                    let what = match &other {
                        Body::Text(t) if render::looks_like_html(t) => {
                            "an HTML page, not JSON: the URL is probably not the org's API"
                        }
                        Body::Text(_) => "not JSON",
                        _ => "not a JSON list",
                    };
                    return Err(Stop::Failed(Failure::Message(format!(
                        "page {pages} of {} was {what}",
                        url.path()
                    ))));
                }
            };
            run.last_headers = response.headers;
            let room = max.map_or(u64::MAX, |m| m.saturating_sub(run.count));
            let taken = usize::try_from(room).unwrap_or(usize::MAX).min(page.len());
            let done = max.is_some_and(|m| run.count + taken as u64 >= m)
                // System Log polling: `next` never ends; an empty page means caught up.
                || (logs && page.is_empty());
            // Why the run stops after this page, though the server has a next one.
            let mut stop = None;
            let next = match links.into_iter().find(|(rel, _)| rel == "next") {
                Some((_, href)) if !done => {
                    let next = self.url_for_text(&href)?;
                    if matches!(run.sink, Sink::Memory { .. }) && run.size > memory_budget {
                        stop = Some(format!(
                            "stopped: the listing passed the history's {} MB (--keep-mb); write it to a file with `> FILE`, or take part of it with --max N",
                            memory_budget / (1024 * 1024)
                        ));
                    } else if !seen.insert(hash_of(next.as_str())) {
                        stop = Some(format!(
                            "the server's `next` link goes back to a page already read ({}): stopped after {} pages",
                            render::display_url(next.as_str()),
                            run.pages
                        ));
                    }
                    stop.is_none().then(|| page_request(next))
                }
                _ => None,
            };
            self.check_interrupt()?;
            // The next page is on its way while this one is kept.
            let (fetched, kept) = match &next {
                Some(next) => {
                    let (fetched, kept) = self.fetch_while(next, || {
                        keep_items(&mut run.sink, page, taken, &mut run.count)
                    });
                    (Some(fetched), kept)
                }
                None => (None, keep_items(&mut run.sink, page, taken, &mut run.count)),
            };
            kept?;
            if let Sink::Memory { bytes, .. } = &run.sink {
                self.session.history.make_room(*bytes);
            }
            progress.set_message(format!("{} items, {} pages", run.count, run.pages));
            progress.tick();
            if let Some(why) = stop {
                return Err(Stop::Failed(Failure::Message(why)));
            }
            match (next, fetched) {
                (Some(next), Some(fetched)) => {
                    response = fetched?;
                    request = next;
                }
                _ => return Ok(()),
            }
        }
    }

    /// Closes a paging run: the entry holds the items, or for a file a summary of what was written.
    fn finish_pages(&mut self, url: &Url, run: Run) -> Result<u64, Failure> {
        let count = run.count;
        let body = match run.sink {
            Sink::Memory { items, .. } => Body::from_raw_items(items),
            Sink::File { mut file, path, .. } => {
                file.write_all(b"\n]\n")
                    .and_then(|_| file.flush())
                    .map_err(|e| Failure::Message(format!("cannot write {path}: {e}")))?;
                Body::Json(serde_json::json!({"written": count, "file": path}))
            }
        };
        let (get, url) = (reqwest::Method::GET, url.to_string());
        let gathered = http::Response {
            status: 200,
            headers: run.last_headers,
            body,
            elapsed: run.elapsed,
            size: run.size,
        };
        Ok(self.push_gathered(&get, url, gathered))
    }
}

/// Puts the first `taken` items of a page into the sink, counting them.
fn keep_items(
    sink: &mut Sink,
    page: Vec<Box<RawValue>>,
    taken: usize,
    count: &mut u64,
) -> Result<(), Failure> {
    for item in page.into_iter().take(taken) {
        sink.push(item)?;
        *count += 1;
    }
    Ok(())
}

fn hash_of(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}
