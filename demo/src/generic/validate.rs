//! A request body held to the operation's request schema: required properties (not the
//! read-only ones, which the server writes), types, enums, and a discriminator's subtype. The
//! first violation is the answer's `errorCauses`, named by its field (`settings.app.url`).

use serde_json::Value;

use super::spec::Spec;

/// Deeper than this the body is not looked into (the spec has recursive schemas).
const MAX_DEPTH: usize = 24;

/// Whether `value` is of the JSON schema `type` `kind` (an unknown kind fits anything).
pub fn is_of_type(value: &Value, kind: &str) -> bool {
    match kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        _ => true,
    }
}

/// The first violation: the field and why.
pub fn check(spec: &Spec, schema: &Value, body: &Value) -> Result<(), (String, String)> {
    walk(spec, schema, body, "", 0, false)
}

fn walk(
    spec: &Spec,
    schema: &Value,
    value: &Value,
    field: &str,
    depth: usize,
    in_all_of: bool,
) -> Result<(), (String, String)> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
        return match spec.schema(name) {
            Some(target) => walk(spec, target, value, field, depth + 1, in_all_of),
            None => Ok(()),
        };
    }
    if value.is_null() {
        // Okta reads an explicit null as absent; `required` is checked by the parent.
        return Ok(());
    }
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        if !is_of_type(value, kind) {
            return Err((name_of(field), format!("must be of type {kind}")));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.is_empty() && !allowed.contains(value) {
            let list: Vec<String> = allowed
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            return Err((
                name_of(field),
                format!("must be one of {}", list.join(", ")),
            ));
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            walk(spec, part, value, field, depth + 1, true)?;
        }
    }
    // A subtype chosen by its discriminator value is checked as that subtype.
    if !in_all_of {
        if let Some(d) = schema.get("discriminator") {
            let prop = d.get("propertyName").and_then(Value::as_str).unwrap_or("");
            let chosen = value
                .get(prop)
                .and_then(Value::as_str)
                .and_then(|v| {
                    d.pointer(&format!(
                        "/mapping/{}",
                        v.replace('~', "~0").replace('/', "~1")
                    ))
                })
                .and_then(Value::as_str);
            if let Some(target) = chosen {
                if let Some(sub) = spec.schema(target) {
                    return walk(spec, sub, value, field, depth + 1, false);
                }
            }
        }
    }
    if let Some(obj) = value.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let read_only = props
                .and_then(|p| p.get(required))
                .map(|p| spec.resolve(p))
                .and_then(|p| p.get("readOnly"))
                .and_then(Value::as_bool)
                == Some(true);
            if !read_only && obj.get(required).is_none_or(Value::is_null) {
                return Err((
                    join(field, required),
                    "The field cannot be left blank".into(),
                ));
            }
        }
        for (name, prop) in props.into_iter().flatten() {
            if let Some(v) = obj.get(name) {
                walk(spec, prop, v, &join(field, name), depth + 1, false)?;
            }
        }
    }
    if let (Some(items), Some(values)) = (schema.get("items"), value.as_array()) {
        for (i, v) in values.iter().enumerate() {
            walk(
                spec,
                items,
                v,
                &format!("{}[{i}]", name_of(field)),
                depth + 1,
                false,
            )?;
        }
    }
    Ok(())
}

fn join(field: &str, name: &str) -> String {
    if field.is_empty() {
        name.to_string()
    } else {
        format!("{field}.{name}")
    }
}

fn name_of(field: &str) -> String {
    if field.is_empty() {
        "body".into()
    } else {
        field.to_string()
    }
}
