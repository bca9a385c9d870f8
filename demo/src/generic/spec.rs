//! The demo's view of Okta's spec (`data/okta/demo-spec.json`, built by `spec_build`), parsed
//! once, on the first request the hand-made handlers do not serve: `--demo` starts without it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use std::time::Duration;

use axum::http::Method;
use serde_json::{Map, Value};

use crate::template::{Segment, Template};

const DEMO_SPEC: &str = include_str!("../../../data/okta/demo-spec.json");

pub struct QueryParam {
    pub name: String,
    pub required: bool,
    pub allowed: Vec<String>,
}

pub struct Operation {
    pub id: String,
    pub method: Method,
    /// The template as the spec writes it.
    pub path: String,
    pub template: Template,
    /// The template with its param names dropped ([`shape`]).
    pub shape: String,
    /// The first 2xx the spec declares.
    pub status: u16,
    pub response: Option<Value>,
    /// The spec's examples of the success response.
    pub examples: Vec<Value>,
    pub body: Option<Value>,
    pub body_required: bool,
    pub query: Vec<QueryParam>,
    /// The error statuses the spec declares (`400`, `404` …).
    pub errors: Vec<u16>,
    /// The media type of a success that is no JSON (`text/xml`), whose examples are texts.
    pub media: Option<String>,
    /// A DELETE the spec allows only once the object is deactivated.
    pub deletes_only_inactive: bool,
    /// A list wrapped in an object (`{"domains": [...]}`): the array's property.
    pub wrapper: Option<String>,
}

impl Operation {
    /// A list: the response is an array, or an object around one.
    pub fn lists(&self) -> bool {
        self.wrapper.is_some()
            || self
                .response
                .as_ref()
                .is_some_and(|r| r.get("type").and_then(Value::as_str) == Some("array"))
    }

    /// The schema of a listed object.
    pub fn listed_schema(&self, spec: &Spec) -> Option<Value> {
        let response = self.response.as_ref()?;
        match &self.wrapper {
            Some(prop) => spec
                .resolve(response)
                .pointer(&format!("/properties/{prop}"))
                .map(|p| spec.resolve(p))
                .and_then(|p| p.get("items"))
                .cloned(),
            None => response.get("items").cloned(),
        }
    }
}

/// The one array property of a GET's object response, which makes it a wrapped list.
fn wrapper_of(schemas: &Map<String, Value>, op: &Operation) -> Option<String> {
    if op.method != Method::GET {
        return None;
    }
    let resolve = |s: &Value| {
        let mut s = s.clone();
        for _ in 0..8 {
            match s
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|n| schemas.get(n))
            {
                Some(target) => s = target.clone(),
                None => break,
            }
        }
        s
    };
    let response = resolve(op.response.as_ref()?);
    if response.get("type").and_then(Value::as_str) == Some("array") {
        return None;
    }
    let props = response.get("properties")?.as_object()?;
    // An array of objects, not of values (a configuration's `supportedFlows` is no list).
    let mut arrays = props.iter().filter(|(_, p)| {
        let p = resolve(p);
        p.get("type").and_then(Value::as_str) == Some("array")
            && p.get("items").map(&resolve).is_some_and(|items| {
                items.get("type").and_then(Value::as_str) == Some("object")
                    || items.get("properties").is_some()
                    || items.get("allOf").is_some()
            })
    });
    match (arrays.next(), arrays.next()) {
        (Some((name, _)), None) => Some(name.clone()),
        _ => None,
    }
}

pub struct Spec {
    pub operations: Vec<Operation>,
    pub schemas: Map<String, Value>,
    /// Templates (params written `{}`) of collections: a list, or a create with items below.
    collections: HashSet<String>,
    /// The strings the spec's examples give each property name (`issuerMode`: `ORG_URL`), in
    /// the spec's order, for values made up where a schema says no more than "a string".
    seen: HashMap<String, Vec<String>>,
    /// How long parsing took.
    pub load_time: Duration,
}

/// The demo spec, parsed on first use.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| parse(DEMO_SPEC))
}

/// A template's shape with its param names dropped: `/api/v1/users/{}/factors`.
pub fn shape(template: &Template) -> String {
    let mut s = String::new();
    for seg in template.segments() {
        s.push('/');
        match seg {
            Segment::Literal(l) => s.push_str(l),
            Segment::Param => s.push_str("{}"),
        }
    }
    s
}

fn parse(text: &str) -> Spec {
    let began = std::time::Instant::now();
    let mut doc: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let schemas = match doc.get_mut("schemas").map(Value::take) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let mut operations: Vec<Operation> = match doc.get_mut("operations").map(Value::take) {
        Some(Value::Array(ops)) => ops.into_iter().filter_map(operation).collect(),
        _ => Vec::new(),
    };
    for op in &mut operations {
        // A list behind a name (`CustomTelephonyProviderCredentialsResponse` is an array):
        // read as the array it is, so that it lists.
        let named_array = op
            .response
            .as_ref()
            .and_then(|r| r.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|name| schemas.get(name))
            .filter(|s| s.get("type").and_then(Value::as_str) == Some("array"))
            .cloned();
        if named_array.is_some() {
            op.response = named_array;
        }
        op.wrapper = wrapper_of(&schemas, op);
    }
    let mut collections = HashSet::new();
    let shapes: HashSet<&str> = operations.iter().map(|o| o.shape.as_str()).collect();
    for op in &operations {
        let s = op.shape.clone();
        let lists = op.method == Method::GET && op.lists();
        let creates_below =
            op.method == Method::POST && shapes.contains(format!("{s}/{{}}").as_str());
        let ends_literal = matches!(op.template.segments().last(), Some(Segment::Literal(_)));
        if ends_literal && (lists || creates_below) {
            collections.insert(s);
        }
    }
    let mut seen = HashMap::new();
    for example in operations.iter().flat_map(|op| &op.examples) {
        collect_strings(example, None, &mut seen);
    }
    Spec {
        operations,
        schemas,
        collections,
        seen,
        load_time: began.elapsed(),
    }
}

/// Okta's examples write YAML's null with a stray comma (`client_uri: null,`): a string that
/// means null.
pub fn is_null_typo(s: &str) -> bool {
    s == "null,"
}

/// Every string in `value` under the name of the property that holds it (an array's strings
/// count for the array's name), once each. Ids are left out: they name objects of the examples.
fn collect_strings(value: &Value, name: Option<&str>, seen: &mut HashMap<String, Vec<String>>) {
    match value {
        Value::String(s) => {
            let Some(name) = name else { return };
            let okta_id = s.len() == 20 && s.bytes().all(|b| b.is_ascii_alphanumeric());
            // A placeholder past the org's origin (`…/oauth2/{authorizationServerId}`) would be
            // shown as it is: only the origin is put right, at the demo's.
            let placeholder = s
                .trim_start_matches("https://{yourOktaDomain}")
                .contains('{');
            // Nor may a value point into some other org (`https://testorgone.okta.com`).
            let other_org = s.contains(".okta.com") || s.contains(".oktapreview.com");
            if okta_id || placeholder || other_org || s.is_empty() || is_null_typo(s) {
                return;
            }
            let values = seen.entry(name.to_string()).or_default();
            if !values.contains(s) {
                values.push(s.clone());
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, name, seen)),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| collect_strings(v, Some(k), seen)),
        _ => {}
    }
}

fn operation(mut raw: Value) -> Option<Operation> {
    let text = |raw: &Value, key: &str| raw.get(key).and_then(Value::as_str).map(str::to_string);
    let path = text(&raw, "path")?;
    let method = Method::from_bytes(text(&raw, "method")?.as_bytes()).ok()?;
    let examples = match raw.get_mut("examples").map(Value::take) {
        Some(Value::Array(e)) => e,
        _ => Vec::new(),
    };
    let query = raw
        .get("query")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|q| {
            Some(QueryParam {
                name: q.get("name")?.as_str()?.to_string(),
                required: q.get("required").and_then(Value::as_bool) == Some(true),
                allowed: q
                    .get("enum")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            })
        })
        .collect();
    let template = Template::parse(&path);
    Some(Operation {
        id: text(&raw, "id").unwrap_or_default(),
        shape: shape(&template),
        template,
        path,
        method,
        status: raw.get("status").and_then(Value::as_u64).unwrap_or(200) as u16,
        response: raw.get_mut("response").map(Value::take),
        examples,
        body: raw.get_mut("body").map(Value::take),
        body_required: raw.get("body_required").and_then(Value::as_bool) == Some(true),
        deletes_only_inactive: raw.get("deletes_only_inactive").and_then(Value::as_bool)
            == Some(true),
        query,
        media: text(&raw, "media"),
        errors: raw
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_u64().and_then(|c| u16::try_from(c).ok()))
            .collect(),
        wrapper: None,
    })
}

impl Spec {
    /// A schema by name.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.schemas.get(name)
    }

    /// `schema` with its `$ref`s followed (a few, never looping).
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..8 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(name) => match self.schema(name) {
                    Some(s) => schema = s,
                    None => return schema,
                },
                None => return schema,
            }
        }
        schema
    }

    /// The name a schema goes by (its `$ref`, or an array's items' one), for error messages.
    pub fn name_of(&self, schema: Option<&Value>) -> Option<String> {
        let schema = schema?;
        let schema = schema.get("items").unwrap_or(schema);
        schema
            .get("$ref")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// The strings the spec's examples give a property of this name, when they are a small
    /// vocabulary (`issuerMode`: `ORG_URL`, `CUSTOM_URL`). A name given many different strings
    /// (`name`, `description`, `type`) is free text, or means something else in each schema:
    /// none of its examples speak for the others.
    pub fn seen(&self, name: &str) -> &[String] {
        const VOCABULARY: usize = 12;
        match self.seen.get(name) {
            Some(values) if values.len() <= VOCABULARY => values,
            _ => &[],
        }
    }

    pub fn is_collection(&self, shape: &str) -> bool {
        self.collections.contains(shape)
    }

    /// The operations at a template shape.
    pub fn at<'a>(&'a self, shape: &'a str) -> impl Iterator<Item = &'a Operation> + 'a {
        self.operations.iter().filter(move |op| op.shape == shape)
    }
}
