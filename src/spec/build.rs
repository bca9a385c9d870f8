//! Builds the spec index from Okta's OpenAPI YAML. Run by `examples/spec_index.rs`, which writes
//! `data/okta/spec-index.json`, and by the test that fails when that file is stale; the shell
//! itself only reads the finished index.

use std::collections::{BTreeMap, BTreeSet};

use oktash_demo::spec_build::{resolve, RawOperation};
use serde_json::{Map, Value};

use super::{Field, Index, Operation, Param, Schema};

/// Where a one-line description is cut.
const DESCRIPTION_CHARS: usize = 160;

/// The index of an OpenAPI document given as YAML text.
pub fn build_index(yaml: &str) -> Result<Index, String> {
    let docs = yaml_rust2::YamlLoader::load_from_str(yaml).map_err(|e| e.to_string())?;
    let doc = docs.first().map(yaml_to_json).ok_or("the YAML is empty")?;
    Ok(index_of(&doc))
}

/// One YAML-to-JSON converter for the shell and the demo org (which builds its own view of the
/// spec with it); it lives in the demo crate because the shell depends on the demo, never the
/// reverse.
pub use oktash_demo::spec_build::yaml_to_json;

fn index_of(doc: &Value) -> Index {
    let mut schemas = BTreeMap::new();
    if let Some(components) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in components {
            schemas.insert(name.clone(), schema_of(doc, schema));
        }
    }
    let operations = oktash_demo::spec_build::operations(doc)
        .into_iter()
        .map(|raw| operation_of(doc, &raw, &mut schemas))
        .collect();
    let empty = Map::new();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let id_prefixes = id_prefixes(doc, paths);
    Index {
        id_prefixes,
        version: doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        operations,
        schemas,
    }
}

/// The prefixes of Okta ids, from the examples of `GET /api/v1/COLLECTION/{id}`: an example's
/// `id` that looks like an Okta id (20 letters and digits, a prefix of three lower-case letters
/// or digits) names its collection's prefix. A prefix seen in two collections' examples (`0oa`
/// in apps, identity providers and log streams) says nothing and is left out.
fn id_prefixes(doc: &Value, paths: &Map<String, Value>) -> BTreeMap<String, String> {
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, item) in paths {
        let Some(rest) = path.strip_prefix("/api/v1/") else {
            continue;
        };
        let Some((collection, last)) = rest.rsplit_once('/') else {
            continue;
        };
        if collection.contains('{') || !(last.starts_with('{') && last.ends_with('}')) {
            continue;
        }
        let Some(responses) = item.pointer("/get/responses").and_then(Value::as_object) else {
            continue;
        };
        let examples = responses
            .iter()
            .filter(|(code, _)| code.starts_with('2'))
            .filter_map(|(_, r)| resolve(doc, r).pointer("/content/application~1json"))
            .flat_map(|content| {
                let named = content
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|e| e.values())
                    .filter_map(|e| resolve(doc, e).get("value"));
                named.chain(content.get("example"))
            });
        for example in examples {
            let Some(id) = example.get("id").and_then(Value::as_str) else {
                continue;
            };
            let looks_like_okta = id.len() == 20 && id.chars().all(|c| c.is_ascii_alphanumeric());
            let prefix = &id[..id.len().min(3)];
            let lower = prefix
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            if looks_like_okta && lower {
                seen.entry(prefix.to_string())
                    .or_default()
                    .insert(collection.to_string());
            }
        }
    }
    seen.into_iter()
        .filter(|(_, collections)| collections.len() == 1)
        .filter_map(|(prefix, collections)| Some((prefix, collections.into_iter().next()?)))
        .collect()
}

fn operation_of(
    doc: &Value,
    raw: &RawOperation,
    schemas: &mut BTreeMap<String, Schema>,
) -> Operation {
    let (path, method, op) = (raw.path, raw.method, raw.op);
    let id = text(op, "operationId");
    let params: Vec<Param> = raw
        .parameters(doc)
        .into_iter()
        .filter(|p| matches!(text(p, "in").as_str(), "path" | "query"))
        .map(|p| param_of(doc, p))
        .collect();

    let body_schema = op
        .get("requestBody")
        .map(|b| resolve(doc, b))
        .and_then(|b| json_schema(b).map(|s| (b, s)));
    let (body, body_required) = match body_schema {
        Some((body, schema)) => {
            let name = match reference(schema) {
                Some(name) => name,
                None => {
                    let name = format!("{id}:body");
                    schemas.insert(name.clone(), schema_of(doc, schema));
                    name
                }
            };
            let required = body.get("required").and_then(Value::as_bool) == Some(true);
            (Some(name), required)
        }
        None => (None, false),
    };

    let success = ["200", "201"]
        .iter()
        .find_map(|code| op.pointer(&format!("/responses/{code}")))
        .map(|r| resolve(doc, r))
        .and_then(json_schema);
    let (returns, returns_list) = match success {
        Some(schema) if schema.get("type").and_then(Value::as_str) == Some("array") => {
            (schema.get("items").and_then(reference), true)
        }
        Some(schema) => (reference(schema), false),
        None => (None, false),
    };

    let scopes = op
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|req| req.get("oauth2").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();

    Operation {
        id,
        method: method.to_uppercase(),
        path: path.to_string(),
        summary: text(op, "summary"),
        tag: op
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        params,
        body,
        body_required,
        returns,
        returns_list,
        scopes,
    }
}

fn param_of(doc: &Value, raw: &Value) -> Param {
    let schema = raw
        .get("schema")
        .map(|s| resolve(doc, s))
        .unwrap_or(&Value::Null);
    let items = schema.get("items").map(|s| resolve(doc, s));
    let enum_values = enum_of(schema)
        .or_else(|| items.and_then(enum_of))
        .unwrap_or_default();
    let kind = match (text(schema, "type").as_str(), items) {
        ("array", Some(items)) => format!("array of {}", text(items, "type")),
        ("", _) => "string".to_string(),
        (kind, _) => kind.to_string(),
    };
    Param {
        name: text(raw, "name"),
        place: text(raw, "in"),
        kind,
        enum_values,
        default: schema.get("default").cloned(),
        required: raw.get("required").and_then(Value::as_bool) == Some(true),
        description: first_sentence(&text(raw, "description")),
    }
}

fn schema_of(doc: &Value, schema: &Value) -> Schema {
    let mut out = Schema {
        kind: text(schema, "type"),
        ..Schema::default()
    };
    add_object_parts(doc, schema, &mut out);
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match reference(part) {
            Some(name) => out.all_of.push(name),
            None => add_object_parts(doc, part, &mut out),
        }
    }
    for key in ["oneOf", "anyOf"] {
        for part in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            // An inline alternative cannot be named; the checks give up on any oneOf anyway.
            out.one_of
                .push(reference(part).unwrap_or_else(|| "(inline)".to_string()));
        }
    }
    out.enum_values = enum_of(schema).unwrap_or_default();
    out
}

fn add_object_parts(doc: &Value, schema: &Value, out: &mut Schema) {
    if out.kind.is_empty() {
        out.kind = text(schema, "type");
    }
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !out.required.iter().any(|r| r == name) {
            out.required.push(name.to_string());
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            out.properties.insert(name.clone(), field_of(doc, prop));
        }
    }
    match schema.get("additionalProperties") {
        None | Some(Value::Bool(false)) => {}
        Some(_) => out.additional = true,
    }
}

fn field_of(doc: &Value, prop: &Value) -> Field {
    // `allOf: [$ref]` is how the spec attaches a description or readOnly to a reference.
    let target = prop
        .pointer("/allOf/0")
        .filter(|_| prop.get("allOf").and_then(Value::as_array).map(Vec::len) == Some(1))
        .unwrap_or(prop);
    let items = target.get("items");
    let referenced = reference(target).map(|name| (name, false));
    let item_ref = items.and_then(reference).map(|name| (name, true));
    let resolved = resolve(doc, target);
    let kind = match (text(resolved, "type").as_str(), &referenced) {
        ("", Some(_)) => "object".to_string(),
        ("", None) => String::new(),
        (kind, _) => kind.to_string(),
    };
    Field {
        kind,
        schema: referenced.or(item_ref.clone()).map(|(name, _)| name),
        items: items
            .map(|i| text(resolve(doc, i), "type"))
            .unwrap_or_default(),
        enum_values: enum_of(resolved)
            .or_else(|| items.map(|i| resolve(doc, i)).and_then(enum_of))
            .unwrap_or_default(),
        read_only: prop.get("readOnly").and_then(Value::as_bool) == Some(true)
            || resolved.get("readOnly").and_then(Value::as_bool) == Some(true),
    }
}

/// The JSON schema of a request body or response.
fn json_schema(holder: &Value) -> Option<&Value> {
    let content = holder.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.values().next())?
        .get("schema")
}

/// The component name a schema refers to (`#/components/schemas/User` → `User`).
fn reference(schema: &Value) -> Option<String> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_string)
}

fn enum_of(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array()?;
    Some(
        values
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
    )
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The first sentence of a Markdown description, links reduced to their text, one line.
fn first_sentence(markdown: &str) -> String {
    let first_paragraph = markdown.split("\n\n").next().unwrap_or_default();
    let mut plain = String::new();
    let mut rest = first_paragraph;
    // `[text](url)` → `text`.
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else {
            break;
        };
        plain.push_str(&rest[..open]);
        plain.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    plain.push_str(rest);
    let plain = strip_tags(&plain);
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = match plain.find(". ") {
        Some(end) => &plain[..=end],
        None => plain.as_str(),
    };
    if sentence.chars().count() > DESCRIPTION_CHARS {
        let cut: String = sentence.chars().take(DESCRIPTION_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        sentence.to_string()
    }
}

/// Text without its HTML tags (`<x-lifecycle class="ea"></x-lifecycle>` marks early access).
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentence_drops_links_and_the_rest() {
        assert_eq!(
            first_sentence("<x-lifecycle class=\"ea\"></x-lifecycle> Sends an [email](https://x/y) to the user. Then more.\n\nNext"),
            "Sends an email to the user."
        );
    }

    #[test]
    fn a_small_spec_indexes_parameters_bodies_and_scopes() {
        let yaml = r#"
openapi: 3.0.3
info: {version: "1"}
paths:
  /api/v1/things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    post:
      operationId: updateThing
      summary: Update a thing
      tags: [Thing]
      security: [{apiToken: []}, {oauth2: [okta.things.manage]}]
      parameters:
        - {name: mode, in: query, schema: {type: string, enum: [fast, slow], default: fast}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '200':
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}
components:
  schemas:
    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string}
        kind: {type: string, enum: [A, B]}
"#;
        let index = build_index(yaml).unwrap();
        let op = &index.operations[0];
        assert_eq!(
            (op.method.as_str(), op.path.as_str()),
            ("POST", "/api/v1/things/{id}")
        );
        assert_eq!(op.params.len(), 2);
        assert_eq!(op.params[1].enum_values, ["fast", "slow"]);
        assert_eq!(op.body.as_deref(), Some("Thing"));
        assert!(op.body_required && op.returns_list);
        assert_eq!(op.scopes, ["okta.things.manage"]);
        assert_eq!(index.schemas["Thing"].required, ["name"]);
        assert_eq!(
            index.schemas["Thing"].properties["kind"].enum_values,
            ["A", "B"]
        );
    }
}
