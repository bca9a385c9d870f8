//! JSON literals with `$ref` values (`post $u {"profile": {"title": $t}}`), filled in.

use serde_json::{Map, Value};

use crate::lang::JsonTemplate;

use super::{Failure, Shell};

impl Shell {
    /// The template's JSON with every reference replaced by its value; a reference to a list
    /// puts that list in its place as one JSON value (`{"ids": $last.id}`).
    pub(super) fn eval_template(&self, template: &JsonTemplate) -> Result<Value, Failure> {
        Ok(match template {
            JsonTemplate::Literal(v) => v.clone(),
            JsonTemplate::Ref(expr) => self.eval_expr(expr)?,
            JsonTemplate::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.eval_template(item))
                    .collect::<Result<_, _>>()?,
            ),
            JsonTemplate::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for (key, member) in members {
                    map.insert(key.clone(), self.eval_template(member)?);
                }
                Value::Object(map)
            }
        })
    }
}
