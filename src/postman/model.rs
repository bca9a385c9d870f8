//! What an import produces: collections of request templates, and environments.

use std::fmt;

/// The result of importing one file: told apart by content, not by file name.
#[derive(Debug, Clone)]
pub enum Imported {
    Collection(Collection),
    Environment(Environment),
}

/// The Postman collection format a file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    V1,
    V2_0,
    V2_1,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::V1 => "v1",
            Format::V2_0 => "v2.0",
            Format::V2_1 => "v2.1",
        })
    }
}

/// A folder or a request, as the collection nests them (for `ls requests`).
#[derive(Debug, Clone)]
pub enum Node {
    Folder {
        name: String,
        children: Vec<Node>,
    },
    /// An index into [`Collection::requests`].
    Request(usize),
}

/// An imported collection: its requests flattened in the order Postman shows them.
#[derive(Debug, Clone)]
pub struct Collection {
    pub name: String,
    pub format: Format,
    /// Where it came from (a file path, or whatever `import_str` was given).
    pub source: String,
    /// Collection variables, the weakest source of `{{name}}` values. Disabled ones are dropped.
    pub variables: Vec<(String, String)>,
    /// Non-empty pre-request and test scripts (collection, folders and requests), never run.
    pub skipped_scripts: usize,
    /// Things the import changed or could not honour, one sentence each (e.g. renamed duplicates).
    pub warnings: Vec<String>,
    pub(crate) requests: Vec<RequestDef>,
    pub(crate) nodes: Vec<Node>,
}

impl Collection {
    /// Every request, depth first, in the collection's own order.
    pub fn requests(&self) -> &[RequestDef] {
        &self.requests
    }

    pub fn request_count(&self) -> usize {
        self.requests.len()
    }

    /// The folder tree as Postman nests it.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The value of a collection variable (the last definition wins, as in Postman).
    pub fn variable(&self, name: &str) -> Option<&str> {
        self.variables
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Folders and requests, two spaces per level, requests as `METHOD  name`.
    pub fn tree_lines(&self) -> Vec<String> {
        fn walk(c: &Collection, nodes: &[Node], depth: usize, out: &mut Vec<String>) {
            let pad = "  ".repeat(depth);
            for node in nodes {
                match node {
                    Node::Folder { name, children } => {
                        out.push(format!("{pad}{name}/"));
                        walk(c, children, depth + 1, out);
                    }
                    Node::Request(i) => {
                        let r = &c.requests[*i];
                        out.push(format!("{pad}{:<7} {}", r.method, r.name));
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(self, &self.nodes, 0, &mut out);
        out
    }

    /// [`Collection::tree_lines`] joined with newlines, headed by the collection's name.
    pub fn tree(&self) -> String {
        let mut s = format!(
            "{} ({}, {} requests)\n",
            self.name,
            self.format,
            self.request_count()
        );
        for line in self.tree_lines() {
            s.push_str("  ");
            s.push_str(&line);
            s.push('\n');
        }
        s
    }
}

/// One request template, with `{{variables}}` still in place.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestDef {
    /// Folder names from the top of the collection down to this request.
    pub folder: Vec<String>,
    pub name: String,
    /// Upper case; `GET` when the file does not say.
    pub method: String,
    /// The raw URL template, e.g. `{{url}}/api/v1/users?filter=status eq "ACTIVE"`.
    pub url: String,
    /// Postman path variables (`/:team_name/`) with their default values.
    pub path_variables: Vec<(String, String)>,
    /// Enabled headers only, in file order.
    pub headers: Vec<(String, String)>,
    pub body: BodyDef,
    /// The effective Postman `auth` block (inherited from folders and the collection).
    pub auth: Option<AuthDef>,
}

impl RequestDef {
    /// `folder/…/name`: how `run` and completion name the request.
    pub fn full_name(&self) -> String {
        let mut s = String::new();
        for f in &self.folder {
            s.push_str(f);
            s.push('/');
        }
        s.push_str(&self.name);
        s
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum BodyDef {
    None,
    /// Raw text; `content_type` comes from Postman's language option (`json` → application/json).
    Raw {
        text: String,
        content_type: Option<String>,
    },
    UrlEncoded(Vec<(String, String)>),
    FormData(Vec<FormPart>),
    /// Postman's binary `file` mode: the body is a file's bytes (`None`: no file chosen).
    File(Option<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormPart {
    pub key: String,
    pub value: FormValue,
    /// An explicit part content type, when the file gives one.
    pub content_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FormValue {
    Text(String),
    /// File paths as Postman stores them; empty when the export chose no file.
    File(Vec<String>),
}

/// A Postman `auth` block: its type (`bearer`, `basic`, `apikey`, …) and parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthDef {
    pub kind: String,
    pub params: Vec<(String, String)>,
}

/// An imported Postman environment.
///
/// `url` and `apikey` are taken out of `variables`: they become the oktash environment's org URL
/// and SSWS token, and keeping the token out of the variables keeps it out of `vars` listings and
/// out of any template that is not the auth header oktash builds itself.
#[derive(Clone)]
pub struct Environment {
    pub name: String,
    pub source: String,
    /// The org URL as written (may be Okta's placeholder `https://{yourOktaDomain}`).
    pub url: Option<String>,
    /// The API token; `None` when absent or empty (Okta's published file leaves it empty).
    pub apikey: Option<String>,
    /// Every other enabled variable, in file order.
    pub variables: Vec<(String, String)>,
}

impl Environment {
    /// True when `url` is missing or still Okta's `{yourOktaDomain}` placeholder.
    pub fn url_is_placeholder(&self) -> bool {
        match &self.url {
            None => true,
            Some(u) => u.contains('{') || u.contains('}') || u.trim().is_empty(),
        }
    }
}

// The token must never reach a log or a panic message.
impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field("name", &self.name)
            .field("source", &self.source)
            .field("url", &self.url)
            .field("apikey", &self.apikey.as_ref().map(|_| "(redacted)"))
            .field("variables", &self.variables)
            .finish()
    }
}
