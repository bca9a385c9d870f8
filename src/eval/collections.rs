//! Postman: `import` of collections and environments, `collections`, `ls requests`, and `run`
//! turning a collection's request into an HTTP request.

use std::path::Path;

use url::Url;

use crate::auth::{Auth, AuthScheme, Secret, TokenSource};

use super::rows;
use crate::http::{Request, RequestBody};
use crate::lang::{Method, Param, Word};
use crate::postman;
use crate::session::{EnvOrigin, Environment};

use super::{fail, plural, Failure, Outcome, Refusal, Shell};

impl Shell {
    pub(super) fn import(&mut self, files: &[Word]) -> Result<Outcome, Failure> {
        // Every file is read and checked before anything is added: all or nothing.
        let mut loaded = Vec::new();
        for file in files {
            let path = self.word_text(file, "the file to import")?;
            let started = std::time::Instant::now();
            let imported = postman::import_file(Path::new(&path))
                .map_err(|e| Failure::Message(e.to_string()))?;
            loaded.push((path, imported, started.elapsed()));
        }
        let mut lines = Vec::new();
        for (path, imported, took) in loaded {
            match imported {
                postman::Imported::Collection(c) => {
                    let scripts = if c.skipped_scripts > 0 {
                        format!(", {} not run", plural(c.skipped_scripts, "script"))
                    } else {
                        String::new()
                    };
                    lines.push(format!(
                        "collection {} ({}, {} requests{scripts}) from {path} in {:.1} ms",
                        c.name,
                        c.format,
                        c.request_count(),
                        took.as_secs_f64() * 1000.0
                    ));
                    for warning in &c.warnings {
                        lines.push(format!("  note: {warning}"));
                    }
                    match self
                        .session
                        .collections
                        .iter()
                        .position(|old| old.name == c.name)
                    {
                        Some(i) => self.session.collections[i] = c,
                        None => self.session.collections.push(c),
                    }
                }
                postman::Imported::Environment(e) => lines.push(self.import_environment(e, &path)),
            }
        }
        Ok(Outcome::Text(lines.join("\n")))
    }

    /// A Postman environment becomes an oktash one: `url` the org, `apikey` an SSWS token, the
    /// rest its `{{variables}}`.
    fn import_environment(&mut self, env: postman::Environment, path: &str) -> String {
        let name = environment_name(&env.name, path);
        let placeholder = env.url_is_placeholder();
        let url = env.url.clone().unwrap_or_default();
        let auth = env.apikey.as_ref().map(|key| {
            Auth::token(
                AuthScheme::Ssws,
                TokenSource::Literal(Secret::new(key.clone())),
            )
        });
        let count = env.variables.len();
        let environment = Environment {
            name: name.clone(),
            url: if placeholder {
                url.clone()
            } else {
                url.trim_end_matches('/').to_string()
            },
            auth,
            origin: EnvOrigin::Postman(path.to_string()),
            protected: false,
            variables: env.variables,
        };
        self.session.upsert_env(environment);
        let mut line = format!(
            "environment {name} with {count} variables from {path}; `use {name}` to switch to it"
        );
        if placeholder {
            line.push_str(&format!(
                "\n  note: its url is Okta's placeholder ({url}); `env add {name} https://YOUR-ORG.okta.com token=…` points it at your org and keeps its variables"
            ));
        } else if env.apikey.is_none() {
            line.push_str(&format!(
                "\n  note: its apikey is empty; `env add {name} {url} token=…` sets one"
            ));
        }
        line
    }

    pub(super) fn collections(&self) -> Result<Outcome, Failure> {
        if self.session.collections.is_empty() {
            return Ok(Outcome::Text(
                "no collections yet: `import FILE` loads a Postman collection".into(),
            ));
        }
        let rows: Vec<Vec<String>> = self
            .session
            .collections
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.format.to_string(),
                    c.request_count().to_string(),
                    c.skipped_scripts.to_string(),
                    c.source.clone(),
                ]
            })
            .collect();
        let json = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "name": r[0], "format": r[1], "requests": r[2].parse::<u64>().unwrap_or(0),
                    "scripts_skipped": r[3].parse::<u64>().unwrap_or(0), "file": r[4],
                })
            })
            .collect();
        let header = ["NAME", "FORMAT", "REQUESTS", "SCRIPTS SKIPPED", "FILE"].map(String::from);
        Ok(Outcome::Listing {
            text: crate::render::grid(header.to_vec(), rows, self.style),
            json: serde_json::Value::Array(json),
        })
    }

    /// `ls requests` and `ls requests/NAME`: the folder trees of the imported collections.
    pub(super) fn request_tree(&self, filter: Option<&str>) -> Result<Outcome, Failure> {
        let chosen: Vec<&postman::Collection> = self
            .session
            .collections
            .iter()
            .filter(|c| filter.is_none_or(|f| c.name.to_lowercase().starts_with(&f.to_lowercase())))
            .collect();
        if chosen.is_empty() {
            let names: Vec<&str> = self
                .session
                .collections
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            return fail(match filter {
                Some(f) if !names.is_empty() => {
                    format!("no collection named {f} (loaded: {})", names.join(", "))
                }
                _ => "no collections yet: `import FILE` loads a Postman collection".to_string(),
            });
        }
        let tree = chosen
            .iter()
            .map(|c| c.tree())
            .collect::<Vec<_>>()
            .join("\n");
        Ok(Outcome::Listing {
            text: crate::render::escape_controls(&tree).into_owned(),
            json: serde_json::Value::String(tree),
        })
    }

    /// Request names of the imported collections, for completion.
    pub fn request_names(&self) -> Vec<String> {
        postman::request_names(&self.session.collections)
    }

    pub(super) fn run_request(
        &mut self,
        request: &Word,
        params: &[Param],
        options: RunOptions<'_>,
    ) -> Result<Outcome, Failure> {
        let query = self.word_text(request, "the request name")?;
        let env = self.active_env()?;
        if env.url.contains('{') {
            return fail(format!(
                "environment {} has no usable org URL ({}); `env add {} https://YOUR-ORG.okta.com token=…` sets it",
                env.name, env.url, env.name
            ));
        }
        let mut line_vars = Vec::new();
        for p in params {
            line_vars.push((
                p.key.clone(),
                self.word_text(&p.value, &format!("the value of {}", p.key))?,
            ));
        }
        let collections = &self.session.collections;
        let chosen = match postman::find_group(collections, &query) {
            Some(group) => group.map_err(Failure::Message)?,
            None => {
                let (collection, def) = postman::find_request(collections, &query)
                    .map_err(|e| Failure::Message(e.to_string()))?;
                let at = |c: &postman::Collection| std::ptr::eq(c, collection);
                let c = collections.iter().position(at).expect("found in these");
                let r = collections[c]
                    .requests()
                    .iter()
                    .position(|d| std::ptr::eq(d, def))
                    .expect("found in this collection");
                if options.data.is_none() && options.junit.is_none() {
                    return self.run_one(c, r, &line_vars, options.yes);
                }
                vec![(c, r)]
            }
        };
        let rows = match options.data {
            Some(file) => {
                let path = self.word_text(file, "the --data FILE")?;
                rows::load(Path::new(&path)).map_err(Failure::Message)?
            }
            None => vec![Vec::new()],
        };
        self.run_many(&query, &chosen, &rows, &line_vars, &options)
    }

    /// One request, its answer shown as any other.
    fn run_one(
        &mut self,
        c: usize,
        r: usize,
        line_vars: &[(String, String)],
        yes: bool,
    ) -> Result<Outcome, Failure> {
        let collection = &self.session.collections[c];
        let def = &collection.requests()[r];
        let name = def.full_name();
        let request = self.prepare_run(collection, def, line_vars)?;
        if let Some(method) = write_method(&request) {
            self.confirm_write(method, std::slice::from_ref(&request.url), yes)?;
        }
        crate::note!("run {name}");
        let response = self.fetch(&request)?;
        Ok(Outcome::Entry(self.store(&request, response)))
    }

    /// Several requests in order (a folder, a collection), once per data row, as Postman's
    /// runner does. A request that fails (or lacks a variable) is reported and the run goes on
    /// unless --bail; the command fails at the end if any did, and the report has them all.
    fn run_many(
        &mut self,
        label: &str,
        chosen: &[(usize, usize)],
        rows: &[rows::Row],
        line_vars: &[(String, String)],
        options: &RunOptions<'_>,
    ) -> Result<Outcome, Failure> {
        let writes = chosen
            .iter()
            .filter(|(c, r)| {
                !self.session.collections[*c].requests()[*r]
                    .method
                    .eq_ignore_ascii_case("GET")
            })
            .count()
            * rows.len();
        let sends = chosen.len() * rows.len();
        let iterations = if rows.len() > 1 {
            format!(" × {} data rows", rows.len())
        } else {
            String::new()
        };
        // As for any write: asked first in a protected environment, and when there are several.
        let env = self.active_env()?;
        if (writes > 1 || (writes == 1 && env.protected)) && !(options.yes || self.assume_yes) {
            let place = if env.protected {
                format!(" in protected environment {}", env.name)
            } else {
                String::new()
            };
            let what = format!(
                "run {}{iterations}: {}, {writes} of them writes{place}",
                label.trim_end_matches(':'),
                plural(sends, "request")
            );
            if !self.interactive {
                return fail(format!("{what}: add --yes"));
            }
            let answer = super::requests::ask(&format!("{what}. Proceed? [y/N] "))?;
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                return Err(Failure::Refused(Refusal::NotConfirmed));
            }
        }
        let report_path = match options.junit {
            Some(file) => Some(self.word_text(file, "the report FILE")?),
            None => None,
        };
        let began = std::time::Instant::now();
        let mut cases: Vec<Case> = Vec::new();
        let mut stopped = None;
        'rows: for (iteration, row) in rows.iter().enumerate() {
            // The run line's k=v outrank the row's columns.
            let mut vars: Vec<(String, String)> = row
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect();
            vars.extend_from_slice(line_vars);
            for &(c, r) in chosen {
                let collection = &self.session.collections[c];
                let def = &collection.requests()[r];
                let name = def.full_name();
                let started = std::time::Instant::now();
                // Not sent (a missing variable, a bad URL) or no answer: the others still run.
                let sent = self
                    .prepare_run(collection, def, &vars)
                    .map_err(|failure| (failure, "not sent"))
                    .and_then(|request| {
                        crate::note!("run {name}");
                        let response = self
                            .fetch(&request)
                            .map_err(|failure| (failure, "no answer"))?;
                        Ok((request, response))
                    });
                let (request, response) = match sent {
                    Ok(sent) => sent,
                    Err((failure @ (Failure::Interrupted | Failure::OutputClosed), _)) => {
                        stopped = Some(failure);
                        break 'rows;
                    }
                    Err((failure, kind)) => {
                        let why = failure.to_string();
                        failure.report();
                        cases.push(Case::failed(iteration, name, None, started, why, kind));
                        if options.bail {
                            break 'rows;
                        }
                        continue;
                    }
                };
                let number = self.store(&request, response);
                let entry = self.entry(Some(number))?;
                crate::note!("{}", crate::render::entry_line(entry, self.style));
                if entry.status >= 400 {
                    let why = self.failure_line(entry);
                    crate::note!("error: {why}");
                    let status = entry.status;
                    cases.push(Case::failed(
                        iteration,
                        name,
                        Some(number),
                        started,
                        why,
                        &status.to_string(),
                    ));
                    if options.bail {
                        break 'rows;
                    }
                } else {
                    cases.push(Case {
                        iteration,
                        name,
                        entry: Some(number),
                        seconds: started.elapsed().as_secs_f64(),
                        failure: None,
                    });
                }
            }
        }
        let failed: Vec<&Case> = cases.iter().filter(|c| c.failure.is_some()).collect();
        let mut summary = format!(
            "ran {} of {}{iterations}: {} succeeded",
            plural(cases.len(), "request"),
            label.trim_end_matches(':'),
            cases.len() - failed.len()
        );
        if cases.len() < sends {
            summary.push_str(&format!(", {} not run", sends - cases.len()));
        }
        if let Some(path) = &report_path {
            let xml = junit_report(label, &cases, rows.len() > 1, began.elapsed().as_secs_f64());
            std::fs::write(path, xml)
                .map_err(|e| Failure::Message(format!("cannot write the report {path}: {e}")))?;
            summary.push_str(&format!("; report in {path}"));
        }
        if let Some(failure) = stopped {
            crate::note!("{summary}");
            return Err(failure);
        }
        if failed.is_empty() {
            return Ok(Outcome::Text(summary));
        }
        let names: Vec<String> = failed.iter().map(|c| c.describe(rows.len() > 1)).collect();
        fail(format!(
            "{summary}; {} failed: {}",
            failed.len(),
            super::requests::first_ten(&names)
        ))
    }

    /// A collection's request with every variable resolved, ready to send. Strongest first:
    /// the run line, session variables, the environment's variables (then the collection's).
    fn prepare_run(
        &self,
        collection: &postman::Collection,
        def: &postman::RequestDef,
        line_vars: &[(String, String)],
    ) -> Result<Request, Failure> {
        let env = self.active_env()?;
        let session_vars = &self.session.variables;
        let lookup = |name: &str| -> Option<String> {
            line_vars
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .or_else(|| {
                    session_vars.get(name).map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string())
                    })
                })
                .or_else(|| {
                    env.variables
                        .iter()
                        .rev()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone())
                })
        };
        let name = def.full_name();
        let prepared = postman::prepare(def, collection, &lookup, &env.url)
            .map_err(|e| Failure::Message(format!("run {name}: {e}")))?;
        prepared_to_request(prepared).map_err(|e| Failure::Message(format!("run {name}: {e}")))
    }
}

/// How `run` goes: its flags.
pub(super) struct RunOptions<'a> {
    pub yes: bool,
    pub bail: bool,
    pub data: Option<&'a Word>,
    pub junit: Option<&'a Word>,
}

/// One request of a run, for the summary and the report.
struct Case {
    /// The data row (0 without --data).
    iteration: usize,
    name: String,
    entry: Option<u64>,
    seconds: f64,
    /// What went wrong, and its short kind (`404`, `not sent`, `no answer`).
    failure: Option<(String, String)>,
}

impl Case {
    fn failed(
        iteration: usize,
        name: String,
        entry: Option<u64>,
        started: std::time::Instant,
        why: String,
        kind: &str,
    ) -> Case {
        Case {
            iteration,
            name,
            entry,
            seconds: started.elapsed().as_secs_f64(),
            failure: Some((why, kind.to_string())),
        }
    }

    /// `Users/Get User (#4 404)`, with its data row when there are several.
    fn describe(&self, rows: bool) -> String {
        let kind = self.failure.as_ref().map(|(_, k)| k.as_str()).unwrap_or("");
        let row = if rows {
            format!("row {}: ", self.iteration + 1)
        } else {
            String::new()
        };
        match self.entry {
            Some(n) => format!("{row}{} (#{n} {kind})", self.name),
            None => format!("{row}{} ({kind})", self.name),
        }
    }
}

/// A JUnit XML report as CI systems read it: one test suite per data row, one test case per
/// request; a failed request is a `<failure>` with the error line.
fn junit_report(label: &str, cases: &[Case], by_row: bool, seconds: f64) -> String {
    use quick_xml::escape::escape;
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\" time=\"{seconds:.3}\">\n",
        escape(format!("oktash run {label}").as_str()),
        cases.len()
    );
    let suites = cases.iter().map(|c| c.iteration).max().map_or(0, |m| m + 1);
    for iteration in 0..suites {
        let in_suite: Vec<&Case> = cases.iter().filter(|c| c.iteration == iteration).collect();
        let suite = if by_row {
            format!("{label} (data row {})", iteration + 1)
        } else {
            label.to_string()
        };
        xml.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3}\">\n",
            escape(suite.as_str()),
            in_suite.len(),
            in_suite.iter().filter(|c| c.failure.is_some()).count(),
            in_suite.iter().map(|c| c.seconds).sum::<f64>()
        ));
        for case in in_suite {
            let (classname, name) = case.name.rsplit_once('/').unwrap_or((label, &case.name));
            xml.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                escape(classname),
                escape(name),
                case.seconds
            ));
            match &case.failure {
                None => xml.push_str("/>\n"),
                Some((why, kind)) => xml.push_str(&format!(
                    ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    escape(kind.as_str()),
                    escape(why.as_str()),
                    escape(why.as_str())
                )),
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// The write method of a request, when it is one (writes are confirmed in protected envs).
fn write_method(request: &Request) -> Option<Method> {
    match request.method.as_str() {
        "GET" | "HEAD" | "OPTIONS" => None,
        "POST" => Some(Method::Post),
        "PUT" => Some(Method::Put),
        "PATCH" => Some(Method::Patch),
        _ => Some(Method::Delete),
    }
}

/// A name usable with `use`: the environment's own, or the file's when that is a placeholder.
pub(super) fn environment_name(name: &str, path: &str) -> String {
    let clean = |text: &str| -> String {
        let mapped: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        mapped.trim_matches('-').to_string()
    };
    if !name.contains('{') {
        let n = clean(name);
        if !n.is_empty() {
            return n;
        }
    }
    let stem = Path::new(path)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or("postman");
    let stem = stem
        .trim_end_matches(".json")
        .trim_end_matches(".environment")
        .trim_end_matches(".postman_environment");
    let n = clean(stem);
    if n.is_empty() {
        "postman".into()
    } else {
        n
    }
}

pub(super) fn prepared_to_request(prepared: postman::PreparedRequest) -> Result<Request, String> {
    let method = reqwest::Method::from_bytes(prepared.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("unknown method {}", prepared.method))?;
    let url = Url::parse(&prepared.url).map_err(|e| format!("bad URL {}: {e}", prepared.url))?;
    let body = match prepared.body {
        None => None,
        Some(postman::PreparedBody::Raw { content_type, text }) => Some(RequestBody {
            content_type,
            bytes: text.into_bytes(),
        }),
        Some(postman::PreparedBody::Form(pairs)) => {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                form.append_pair(k, v);
            }
            Some(RequestBody {
                content_type: "application/x-www-form-urlencoded".into(),
                bytes: form.finish().into_bytes(),
            })
        }
        Some(postman::PreparedBody::File(path)) => Some(RequestBody {
            content_type: "application/octet-stream".into(),
            bytes: std::fs::read(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        }),
        Some(postman::PreparedBody::Multipart(parts)) => Some(multipart(&parts)?),
    };
    Ok(Request {
        method,
        url,
        body,
        headers: prepared.headers,
        items_as_text: false,
    })
}

/// A multipart/form-data body as bytes. Built here rather than with reqwest's `multipart`
/// because a body must be kept (for retries and `as curl`), and reqwest's form is consumed.
pub(super) fn multipart(parts: &[postman::MultipartPart]) -> Result<RequestBody, String> {
    // Unique enough: a boundary only has to be absent from the parts.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let boundary = format!("oktash-boundary-{nanos:x}");
    let mut bytes = Vec::new();
    for part in parts {
        bytes.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let name = part.name.replace('"', "%22");
        match &part.value {
            postman::PartValue::Text(text) => {
                bytes.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                bytes.extend_from_slice(text.as_bytes());
            }
            postman::PartValue::File { path, content_type } => {
                let file_name = path
                    .file_name()
                    .and_then(|f| f.to_str())
                    .unwrap_or("file")
                    .replace('"', "%22");
                let data = std::fs::read(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                bytes.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {}\r\n\r\n",
                        content_type.as_deref().unwrap_or("application/octet-stream")
                    )
                    .as_bytes(),
                );
                bytes.extend_from_slice(&data);
            }
        }
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(RequestBody {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        bytes,
    })
}
