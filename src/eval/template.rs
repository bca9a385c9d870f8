//! JSON literals with `$ref` values (`post $u {"profile": {"title": $t}}`), filled in.

use serde_json::{Map, Value};

use crate::lang::{Expr, JsonTemplate, Step};

use super::{fail, Failure, Shell};

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

    /// The bodies of a write whose template spreads a list: a reference with `[*]`
    /// (`post users $people[*]`, `{"profile": $people[*].profile}`) gives one body per element,
    /// the i-th holding the i-th element wherever a `[*]` reference stands. `None` when nothing
    /// spreads (one body, as [`Shell::eval_template`] makes it).
    pub(super) fn spread_bodies(
        &self,
        template: &JsonTemplate,
    ) -> Result<Option<Vec<Value>>, Failure> {
        let mut spreads = Vec::new();
        collect_spreads(template, &mut spreads);
        if spreads.is_empty() {
            return Ok(None);
        }
        let mut lists: Vec<(&Expr, Vec<Value>)> = Vec::new();
        for expr in spreads {
            match self.eval_expr(expr)? {
                Value::Array(items) => lists.push((expr, items)),
                other => {
                    return fail(format!(
                        "a [*] in a body spreads a list, and this one is {}",
                        super::values::type_name(&other)
                    ))
                }
            }
        }
        let n = lists[0].1.len();
        if lists.iter().any(|(_, items)| items.len() != n) {
            let lengths: Vec<String> = lists.iter().map(|(_, l)| l.len().to_string()).collect();
            return fail(format!(
                "the [*] lists of a body must be as long as each other (they have {} elements)",
                lengths.join(", ")
            ));
        }
        (0..n)
            .map(|i| self.fill_spread(template, &lists, i))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The template with element `i` of each spread list in its place.
    fn fill_spread(
        &self,
        template: &JsonTemplate,
        lists: &[(&Expr, Vec<Value>)],
        i: usize,
    ) -> Result<Value, Failure> {
        Ok(match template {
            JsonTemplate::Ref(expr) => match lists.iter().find(|(e, _)| std::ptr::eq(*e, expr)) {
                Some((_, items)) => items[i].clone(),
                None => self.eval_expr(expr)?,
            },
            JsonTemplate::Literal(v) => v.clone(),
            JsonTemplate::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.fill_spread(item, lists, i))
                    .collect::<Result<_, _>>()?,
            ),
            JsonTemplate::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for (key, member) in members {
                    map.insert(key.clone(), self.fill_spread(member, lists, i)?);
                }
                Value::Object(map)
            }
        })
    }
}

/// Every reference of a template that holds a `[*]` step.
fn collect_spreads<'a>(template: &'a JsonTemplate, out: &mut Vec<&'a Expr>) {
    match template {
        JsonTemplate::Ref(expr) if expr.steps.contains(&Step::All) => out.push(expr),
        JsonTemplate::Ref(_) | JsonTemplate::Literal(_) => {}
        JsonTemplate::Array(items) => items.iter().for_each(|item| collect_spreads(item, out)),
        JsonTemplate::Object(members) => members
            .iter()
            .for_each(|(_, member)| collect_spreads(member, out)),
    }
}
