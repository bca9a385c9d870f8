//! `set NAME = VALUE`, and `set NAME.field[N]… = VALUE` to change one place in a variable.

use serde_json::{Map, Value};

use crate::lang::Step;

use super::values::{step_text, type_name};
use super::{fail, Failure, Shell};

impl Shell {
    /// Sets a variable, or the place `path` names inside it. Missing object fields along the
    /// path are created (`set u.profile.nickName = "Al"`); an index must exist. On failure the
    /// variable is left as it was.
    pub(super) fn assign(
        &mut self,
        name: String,
        path: &[Step],
        value: Value,
    ) -> Result<(), Failure> {
        if path.is_empty() {
            self.session.variables.insert(name, value);
            return Ok(());
        }
        let Some(current) = self.session.variables.get(&name) else {
            return fail(self.unknown_variable(&name));
        };
        let mut root = current.clone();
        let mut place = &mut root;
        let mut shown = format!("${name}");
        for (k, step) in path.iter().enumerate() {
            let indexed_next = matches!(path.get(k + 1), Some(Step::Index(_)));
            place = match (step, place) {
                // A missing field becomes an object, unless a list index follows: which list
                // of what length would it be?
                (Step::Field(field), Value::Object(map))
                    if indexed_next && !map.contains_key(field) =>
                {
                    return fail(format!(
                        "cannot set {shown}.{field}[…]: {shown} has no field `{field}`"
                    ))
                }
                (Step::Field(field), Value::Object(map)) => map
                    .entry(field.clone())
                    .or_insert_with(|| Value::Object(Map::new())),
                (Step::Field(field), other) => {
                    return fail(format!(
                        "cannot set {shown}.{field}: {shown} is {}, not an object",
                        type_name(other)
                    ))
                }
                (Step::Index(i), Value::Array(items)) => {
                    let len = items.len();
                    let index = if *i < 0 { len as i64 + i } else { *i };
                    match usize::try_from(index).ok().filter(|&n| n < len) {
                        Some(n) => &mut items[n],
                        None => {
                            return fail(format!(
                                "cannot set {shown}[{i}]: out of range, {shown} has {len} items"
                            ))
                        }
                    }
                }
                (Step::Index(i), other) => {
                    return fail(format!(
                        "cannot set {shown}[{i}]: {shown} is {}, not a list",
                        type_name(other)
                    ))
                }
                (Step::All, _) => return fail("`set` changes one place, not [*]"),
            };
            shown.push_str(&step_text(step));
        }
        *place = value;
        self.session.variables.insert(name, root);
        Ok(())
    }
}
