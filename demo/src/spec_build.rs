//! Builds the demo org's view of Okta's OpenAPI spec (`data/okta/demo-spec.json`) from the YAML:
//! per operation what the generic engine answers with and checks (success status, response and
//! request schemas, required query parameters, the spec's own examples resolved), and the
//! schemas with only what generating and validating values needs. Run by
//! `cargo run --release -p oktash-demo --example demo_spec`, and by the test that fails when the
//! file is stale; the demo org itself only reads the finished JSON, lazily.
//!
//! The YAML-to-JSON conversion lives here, not in the shell, because the shell depends on the
//! demo crate and never the reverse: both use this one.

use serde_json::{Map, Value};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
const REF_PREFIX: &str = "#/components/schemas/";
/// What a schema keeps: enough to generate a valid value and to validate a request body.
const SCHEMA_KEYS: [&str; 22] = [
    "type",
    "properties",
    "required",
    "enum",
    "format",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "discriminator",
    "additionalProperties",
    "readOnly",
    "default",
    "example",
    "minimum",
    "maximum",
    "minItems",
    "minLength",
    "maxLength",
    "pattern",
    "nullable",
    "$ref",
];

/// A YAML document as JSON; aliases and unreadable scalars become null (the spec has neither).
pub fn yaml_to_json(yaml: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match yaml {
        Yaml::Real(text) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Hash(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Yaml::String(s) | Yaml::Real(s) => s.clone(),
                        Yaml::Integer(i) => i.to_string(),
                        Yaml::Boolean(b) => b.to_string(),
                        _ => String::new(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => Value::Null,
    }
}

/// The demo spec of an OpenAPI document given as YAML text, as the JSON text to store.
pub fn build_demo_spec(yaml: &str) -> Result<String, String> {
    let docs = yaml_rust2::YamlLoader::load_from_str(yaml).map_err(|e| e.to_string())?;
    let doc = docs.first().map(yaml_to_json).ok_or("the YAML is empty")?;
    Ok(to_text(&demo_spec_of(&doc)))
}

/// An operation of an OpenAPI document as it is written there.
pub struct RawOperation<'a> {
    pub path: &'a str,
    /// Lower case, as the document keys it: `get`.
    pub method: &'static str,
    pub op: &'a Value,
    /// The parameters its path item gives every operation.
    shared: Option<&'a Vec<Value>>,
}

impl<'a> RawOperation<'a> {
    /// Its parameters, `$ref`s followed: the path item's, then its own, an own one replacing
    /// the path item's of the same name and place.
    pub fn parameters(&self, doc: &'a Value) -> Vec<&'a Value> {
        let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
        let own = self.op.get("parameters").and_then(Value::as_array);
        let mut params: Vec<&Value> = Vec::new();
        for raw in self
            .shared
            .into_iter()
            .flatten()
            .chain(own.into_iter().flatten())
        {
            let raw = resolve(doc, raw);
            params.retain(|p| key(p) != key(raw));
            params.push(raw);
        }
        params
    }
}

/// Every operation of an OpenAPI document, path by path; the shell's spec index reads them too.
pub fn operations(doc: &Value) -> Vec<RawOperation<'_>> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    paths
        .iter()
        .flat_map(|(path, item)| {
            let shared = item.get("parameters").and_then(Value::as_array);
            METHODS.into_iter().filter_map(move |method| {
                Some(RawOperation {
                    path,
                    method,
                    op: item.get(method)?,
                    shared,
                })
            })
        })
        .collect()
}

fn demo_spec_of(doc: &Value) -> Value {
    let operations: Vec<Value> = operations(doc)
        .into_iter()
        .map(|raw| operation_of(doc, &raw))
        .collect();
    let mut schemas = Map::new();
    if let Some(all) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in all {
            schemas.insert(name.clone(), trim_schema(schema));
        }
    }
    let mut out = Map::new();
    out.insert(
        "version".into(),
        doc.pointer("/info/version").cloned().unwrap_or(Value::Null),
    );
    out.insert("operations".into(), Value::Array(operations));
    out.insert("schemas".into(), Value::Object(schemas));
    Value::Object(out)
}

fn operation_of(doc: &Value, raw_op: &RawOperation) -> Value {
    let (path, method, op) = (raw_op.path, raw_op.method, raw_op.op);
    let mut out = Map::new();
    out.insert(
        "id".into(),
        op.get("operationId").cloned().unwrap_or_default(),
    );
    out.insert("method".into(), Value::from(method.to_ascii_uppercase()));
    out.insert("path".into(), Value::from(path));

    let mut query: Vec<Value> = Vec::new();
    for raw in raw_op.parameters(doc) {
        if raw.get("in").and_then(Value::as_str) != Some("query") {
            continue;
        }
        let Some(name) = raw.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mut param = Map::new();
        param.insert("name".into(), Value::from(name));
        if raw.get("required").and_then(Value::as_bool) == Some(true) {
            param.insert("required".into(), Value::Bool(true));
        }
        let schema = raw.get("schema").map(|s| resolve(doc, s));
        if let Some(values) = schema.and_then(|s| s.get("enum")) {
            param.insert("enum".into(), values.clone());
        }
        query.push(Value::Object(param));
    }
    if !query.is_empty() {
        out.insert("query".into(), Value::Array(query));
    }

    if let Some(body) = op.get("requestBody").map(|b| resolve(doc, b)) {
        if let Some(media) = json_media(body) {
            if let Some(schema) = media.get("schema") {
                out.insert("body".into(), trim_schema(schema));
            }
            let examples = examples_of(doc, media);
            if !examples.is_empty() {
                out.insert("body_examples".into(), Value::Array(examples));
            }
        }
        if body.get("required").and_then(Value::as_bool) == Some(true) {
            out.insert("body_required".into(), Value::Bool(true));
        }
    }

    if method.eq_ignore_ascii_case("delete") && deletes_only_inactive(op) {
        out.insert("deletes_only_inactive".into(), Value::Bool(true));
    }

    // The first 2xx the spec declares is what the engine answers.
    let responses = op.get("responses").and_then(Value::as_object);
    // The errors it declares: the engine answers a conflict only where the spec has one.
    let errors: Vec<Value> = responses
        .into_iter()
        .flat_map(|r| r.keys())
        .filter_map(|c| c.parse::<u16>().ok())
        .filter(|c| *c >= 400)
        .map(Value::from)
        .collect();
    if !errors.is_empty() {
        out.insert("errors".into(), Value::Array(errors));
    }
    let success = responses.and_then(|r| {
        let mut codes: Vec<&String> = r.keys().filter(|c| c.starts_with('2')).collect();
        codes.sort();
        codes.first().map(|c| ((*c).clone(), resolve(doc, &r[*c])))
    });
    match success {
        Some((code, response)) => {
            out.insert(
                "status".into(),
                Value::from(code.parse::<u16>().unwrap_or(200)),
            );
            if let Some(media) = json_media(response) {
                if let Some(schema) = media.get("schema") {
                    out.insert("response".into(), trim_schema(schema));
                }
                let examples = examples_of(doc, media);
                if !examples.is_empty() {
                    out.insert("examples".into(), Value::Array(examples));
                }
            } else if let Some((kind, media)) = other_media(response) {
                // A document that is no JSON (SAML metadata in XML): its type and the spec's
                // own texts, which the engine answers as they are.
                out.insert("media".into(), Value::from(kind));
                let texts: Vec<Value> = examples_of(doc, media)
                    .into_iter()
                    .filter(Value::is_string)
                    .collect();
                if !texts.is_empty() {
                    out.insert("examples".into(), Value::Array(texts));
                }
            }
        }
        None => {
            out.insert("status".into(), Value::from(200));
        }
    }
    Value::Object(out)
}

/// The JSON media type of a request body or response (`application/json` first, else any JSON).
/// Whether a DELETE's description says the object must be deactivated first: a sentence that
/// names the inactive state and a condition ("You can only delete an inactive key", "must be in
/// an `INACTIVE` state", "Before you delete a provider, ensure that it is deactivated", "a
/// device … if it has a status of `DEACTIVATED`").
fn deletes_only_inactive(op: &Value) -> bool {
    let description = op
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    description.split(". ").any(|sentence| {
        let inactive = sentence.contains("inactive") || sentence.contains("deactivated");
        let condition = [
            "only",
            "must",
            "ensure",
            "if it has a status",
            "deletes an inactive",
        ]
        .iter()
        .any(|w| sentence.contains(w));
        inactive && condition
    })
}

fn json_media(holder: &Value) -> Option<&Value> {
    let content = holder.get("content")?.as_object()?;
    content.get("application/json").or_else(|| {
        content
            .iter()
            .find(|(t, _)| t.contains("json"))
            .map(|(_, v)| v)
    })
}

/// The one media type of a response that has no JSON one (`text/xml`).
fn other_media(holder: &Value) -> Option<(&str, &Value)> {
    let content = holder.get("content")?.as_object()?;
    let mut types = content.iter();
    match (types.next(), types.next()) {
        (Some((kind, media)), None) => Some((kind.as_str(), media)),
        _ => None,
    }
}

/// The values of a media type's `example` and `examples` (references resolved).
fn examples_of(doc: &Value, media: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(example) = media.get("example") {
        out.push(example.clone());
    }
    for example in media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
    {
        if let Some(value) = resolve(doc, example).get("value") {
            out.push(value.clone());
        }
    }
    out
}

/// A schema with only [`SCHEMA_KEYS`], its references shortened to the schema's name.
fn trim_schema(schema: &Value) -> Value {
    let Some(map) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        if !SCHEMA_KEYS.contains(&key.as_str()) {
            continue;
        }
        let value = match key.as_str() {
            "$ref" => Value::from(
                value
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches(REF_PREFIX),
            ),
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, prop)| (name.clone(), trim_schema(prop)))
                    .collect(),
            ),
            "items" | "additionalProperties" => trim_schema(value),
            "allOf" | "oneOf" | "anyOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(trim_schema)
                    .collect(),
            ),
            "discriminator" => {
                let mut d = Map::new();
                if let Some(name) = value.get("propertyName") {
                    d.insert("propertyName".into(), name.clone());
                }
                if let Some(mapping) = value.get("mapping").and_then(Value::as_object) {
                    let mapping = mapping
                        .iter()
                        .map(|(k, v)| {
                            let target = v
                                .as_str()
                                .unwrap_or_default()
                                .trim_start_matches(REF_PREFIX);
                            (k.clone(), Value::from(target))
                        })
                        .collect();
                    d.insert("mapping".into(), Value::Object(mapping));
                }
                Value::Object(d)
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}

/// A `$ref`'s target within the document, or the value itself.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut value = value;
    // References to references: follow a few, never loop.
    for _ in 0..4 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with("#/") => match doc.pointer(&r[1..]) {
                Some(target) => value = target,
                None => return value,
            },
            _ => return value,
        }
    }
    value
}

/// One operation per line and one schema per line: compact, yet a change reads as a small diff.
fn to_text(spec: &Value) -> String {
    let mut text = String::from("{\"version\": ");
    text.push_str(&spec["version"].to_string());
    text.push_str(",\n\"operations\": [\n");
    let ops = spec["operations"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (i, op) in ops.iter().enumerate() {
        text.push_str(&op.to_string());
        text.push_str(if i + 1 < ops.len() { ",\n" } else { "\n" });
    }
    text.push_str("],\n\"schemas\": {\n");
    let empty = Map::new();
    let schemas = spec["schemas"].as_object().unwrap_or(&empty);
    for (i, (name, schema)) in schemas.iter().enumerate() {
        text.push_str(&Value::from(name.as_str()).to_string());
        text.push(':');
        text.push_str(&schema.to_string());
        text.push_str(if i + 1 < schemas.len() { ",\n" } else { "\n" });
    }
    text.push_str("}}\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r##"
openapi: 3.0.3
info: {version: "1.0"}
paths:
  /api/v1/things:
    get:
      operationId: listThings
      parameters:
        - name: type
          in: query
          required: true
          schema: {$ref: '#/components/schemas/ThingType'}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}
              examples:
                one: {$ref: '#/components/examples/things'}
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
components:
  examples:
    things: {value: [{id: thg1, name: One}]}
  schemas:
    ThingType: {type: string, enum: [A, B]}
    Thing:
      type: object
      description: dropped
      required: [name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string, example: Widget}
"##;

    #[test]
    fn operations_keep_statuses_schemas_examples_and_required_query() {
        let spec: Value = serde_json::from_str(&build_demo_spec(SMALL).unwrap()).unwrap();
        let list = &spec["operations"][0];
        assert_eq!(list["id"], "listThings");
        assert_eq!(list["status"], 200);
        assert_eq!(list["response"]["items"]["$ref"], "Thing");
        assert_eq!(list["examples"][0][0]["name"], "One");
        assert_eq!(list["query"][0]["required"], true);
        assert_eq!(list["query"][0]["enum"][1], "B");
        let create = &spec["operations"][1];
        assert_eq!(create["status"], 201);
        assert_eq!(create["body"]["$ref"], "Thing");
        assert_eq!(create["body_required"], true);
        let thing = &spec["schemas"]["Thing"];
        assert_eq!(thing["required"][0], "name");
        assert_eq!(thing["properties"]["id"]["readOnly"], true);
        assert!(thing.get("description").is_none());
    }
}
