//! `/api/v1/groups/rules`, by hand: a rule assigns the users its Okta Expression Language
//! condition matches to its groups while it is ACTIVE. Created INACTIVE; activation (204)
//! assigns the matching users and takes back those it had assigned that no longer match (as the
//! recorded org does); while ACTIVE it keeps up as users are created, activated or changed
//! (`reevaluate`); a user taken out of its group by hand joins its exclusions; a rule is
//! changed or deleted (202) only while INACTIVE. STAGED and DEPROVISIONED users are left alone.
//!
//! The expression subset: `user.ATTR` (a profile property, or `status`), string literals,
//! `==`, `!=`, `&&`/`AND`, `||`/`OR`, `!`, parentheses, `true`/`false`,
//! `String.stringContains(a, b)`, `String.startsWith(a, b)`, `String.endsWith(a, b)` and
//! `isMemberOfAnyGroup("00g…", …)`. Anything else is 400 E0000001 on the expression.

use axum::http::Method;
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::{json, Value};

use super::clock::{iso, now_ms};
use super::errors::ApiError;
use super::generic::okta_id;
use super::store::{Status, Store, User};
use super::{method_not_allowed, paging, Answer, Ctx, Org, Reply};

/// The rules of the org, kept beside the store (and cleared with it by `demo reset`).
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct Rules {
    rules: Vec<Rule>,
    made: u64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Rule {
    id: String,
    name: String,
    active: bool,
    expression: String,
    groups: Vec<String>,
    exclude: Vec<String>,
    created: i64,
    last_updated: i64,
    /// Users this rule assigned (positions), so that a later activation can take them back.
    assigned: Vec<u32>,
}

const FIELD: &str = "conditions.expression.value";

pub(super) fn route(org: &Org, ctx: &Ctx, segs: &[&str]) -> Answer {
    let get = ctx.method == Method::GET || ctx.method == Method::HEAD;
    let mut rules = org.group_rules();
    match segs {
        [] if get => list(&rules, ctx),
        [] if ctx.method == Method::POST => create(org, &mut rules, ctx),
        [id] if get => find(&rules, ctx, id).map(|r| Reply::ok(render(r))),
        [id] if ctx.method == Method::PUT => replace(org, &mut rules, ctx, id),
        [id] if ctx.method == Method::DELETE => delete(org, &mut rules, ctx, id),
        [id, "lifecycle", op] if ctx.method == Method::POST => match *op {
            "activate" => activate(org, &mut rules, ctx, id),
            "deactivate" => {
                let at = position(&rules, ctx, id)?;
                rules.rules[at].active = false;
                rules.rules[at].last_updated = now_ms();
                Ok(Reply::NoContent)
            }
            _ => Err(ApiError::not_found(&ctx.path, "Path")),
        },
        _ => Err(method_not_allowed()),
    }
}

fn list(rules: &Rules, ctx: &Ctx) -> Answer {
    let limit = ctx.limit(50, 200)?;
    let search = ctx.param("search").map(str::to_lowercase);
    let kept: Vec<&Rule> = rules
        .rules
        .iter()
        .filter(|r| {
            search
                .as_ref()
                .is_none_or(|s| r.name.to_lowercase().contains(s))
        })
        .collect();
    let start = paging::start(ctx, &kept, |r| &r.id)?;
    paging::reply(
        ctx,
        limit,
        paging::take(kept[start..].iter().copied(), limit),
        |r| r.id.clone(),
        |r| render(r),
    )
}

fn position(rules: &Rules, ctx: &Ctx, id: &str) -> Result<usize, ApiError> {
    let _ = ctx;
    rules
        .rules
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| ApiError::not_found(id, "GroupRule"))
}

fn find<'a>(rules: &'a Rules, ctx: &Ctx, id: &str) -> Result<&'a Rule, ApiError> {
    position(rules, ctx, id).map(|at| &rules.rules[at])
}

/// A rule's name, expression, groups and excluded users from a body, checked.
fn read(org: &Org, ctx: &Ctx) -> Result<(String, String, Vec<String>, Vec<String>), ApiError> {
    let body = ctx.json_object()?;
    let body = Value::Object(body);
    let name = body["name"]
        .as_str()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::validation("name", "The field cannot be left blank"))?
        .to_string();
    let expression = body
        .pointer("/conditions/expression/value")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::validation(FIELD, "The field cannot be left blank"))?
        .to_string();
    Expr::parse(&expression)
        .ok_or_else(|| ApiError::validation(FIELD, "Invalid property in expression"))?;
    let strings = |pointer: &str| -> Vec<String> {
        body.pointer(pointer)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let groups = strings("/actions/assignUserToGroups/groupIds");
    if groups.is_empty() {
        return Err(ApiError::validation(
            "actions.assignUserToGroups.groupIds",
            "The field cannot be left blank",
        ));
    }
    let store = org.read();
    if let Some(bad) = groups.iter().find(|g| store.find_group(g).is_none()) {
        return Err(ApiError::validation(
            "actions.assignUserToGroups.groupIds",
            &format!("Group {bad} does not exist"),
        ));
    }
    Ok((
        name,
        expression,
        groups,
        strings("/conditions/people/users/exclude"),
    ))
}

fn create(org: &Org, rules: &mut Rules, ctx: &Ctx) -> Answer {
    let (name, expression, groups, exclude) = read(org, ctx)?;
    rules.made += 1;
    let mut rng =
        SmallRng::seed_from_u64(org.seed ^ rules.made.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let now = now_ms();
    let rule = Rule {
        id: okta_id("0pr", &mut rng),
        name,
        active: false,
        expression,
        groups,
        exclude,
        created: now,
        last_updated: now,
        assigned: Vec::new(),
    };
    let body = render(&rule);
    rules.rules.push(rule);
    Ok(Reply::ok(body))
}

fn replace(org: &Org, rules: &mut Rules, ctx: &Ctx, id: &str) -> Answer {
    let at = position(rules, ctx, id)?;
    if rules.rules[at].active {
        return Err(ApiError::validation(
            "status",
            "Cannot update an active rule",
        ));
    }
    let (name, expression, groups, exclude) = read(org, ctx)?;
    let rule = &mut rules.rules[at];
    (rule.name, rule.expression, rule.groups, rule.exclude) = (name, expression, groups, exclude);
    rule.last_updated = now_ms();
    Ok(Reply::ok(render(rule)))
}

fn delete(org: &Org, rules: &mut Rules, ctx: &Ctx, id: &str) -> Answer {
    let at = position(rules, ctx, id)?;
    if rules.rules[at].active {
        return Err(ApiError::validation(
            "status",
            "Cannot delete an active rule",
        ));
    }
    let rule = rules.rules.remove(at);
    // `removeUsers=true` takes back the memberships the rule gave.
    if ctx.flag("removeUsers", false)? {
        let mut store = org.write();
        let now = now_ms();
        let groups: Vec<u32> = rule
            .groups
            .iter()
            .filter_map(|g| store.find_group(g))
            .collect();
        for g in groups {
            for &u in &rule.assigned {
                store.remove_member(g, u, now);
            }
        }
    }
    Ok(Reply::Json {
        status: 202,
        body: json!({}),
        links: Vec::new(),
        etag: None,
    })
}

/// Assigns the matching users to the rule's groups, and takes back the ones it had assigned
/// that no longer match.
fn activate(org: &Org, rules: &mut Rules, ctx: &Ctx, id: &str) -> Answer {
    let at = position(rules, ctx, id)?;
    let rule = &mut rules.rules[at];
    let expr = Expr::parse(&rule.expression)
        .ok_or_else(|| ApiError::validation(FIELD, "Invalid property in expression"))?;
    let mut store = org.write();
    let groups = rule.group_positions(&store);
    let matching: Vec<u32> = (0..store.users.len() as u32)
        .filter(|&pos| rule.matches(&expr, &store, pos))
        .collect();
    let now = now_ms();
    for &g in &groups {
        for &u in rule
            .assigned
            .iter()
            .filter(|u| matching.binary_search(u).is_err())
        {
            store.remove_member(g, u, now);
        }
        for &u in &matching {
            store.add_member(g, u, now);
        }
    }
    rule.assigned = matching;
    rule.active = true;
    rule.last_updated = now;
    Ok(Reply::NoContent)
}

/// A membership a rule gave or took back, for the System Log.
pub(super) struct Change {
    pub group: u32,
    pub added: bool,
}

/// Okta evaluates its active rules again when a user is created, activated or its profile
/// changes: the user joins the groups of each active rule it now matches, and leaves those of a
/// rule that had assigned it and no longer matches (a membership given by hand stays).
pub(super) fn reevaluate(rules: &mut Rules, store: &mut Store, pos: u32, now: i64) -> Vec<Change> {
    let mut changes = Vec::new();
    for rule in rules.rules.iter_mut().filter(|r| r.active) {
        let Some(expr) = Expr::parse(&rule.expression) else {
            continue;
        };
        let matches = rule.matches(&expr, store, pos);
        let at = rule.assigned.binary_search(&pos);
        match (matches, at) {
            (true, Err(at)) => rule.assigned.insert(at, pos),
            (false, Ok(at)) => {
                rule.assigned.remove(at);
            }
            _ => {}
        }
        for g in rule.group_positions(store) {
            let changed = if matches {
                store.add_member(g, pos, now)
            } else if at.is_ok() {
                store.remove_member(g, pos, now)
            } else {
                false
            };
            if changed {
                changes.push(Change {
                    group: g,
                    added: matches,
                });
            }
        }
    }
    changes
}

/// A member taken out of a group by hand: a rule that had put the user there keeps it out from
/// now on, as Okta adds such a user to the rule's exclusions (or the next profile change would
/// put the user back).
pub(super) fn removed_by_hand(rules: &mut Rules, store: &Store, group: u32, user: u32, now: i64) {
    let Some(id) = store.user(user).map(|u| u.id.to_string()) else {
        return;
    };
    for rule in &mut rules.rules {
        let Ok(at) = rule.assigned.binary_search(&user) else {
            continue;
        };
        if rule.group_positions(store).contains(&group) {
            rule.assigned.remove(at);
            if !rule.exclude.contains(&id) {
                rule.exclude.push(id.clone());
            }
            rule.last_updated = now;
        }
    }
}

impl Rule {
    fn group_positions(&self, store: &Store) -> Vec<u32> {
        self.groups
            .iter()
            .filter_map(|g| store.find_group(g))
            .collect()
    }

    /// Whether the rule takes this user: neither STAGED nor deactivated (Okta's help: rules
    /// move no user who is pending or inactive; activation is when a staged user's turn
    /// comes), not excluded, and the expression holds.
    fn matches(&self, expr: &Expr, store: &Store, pos: u32) -> bool {
        store.user(pos).is_some_and(|u| {
            !matches!(u.status, Status::Staged | Status::Deprovisioned)
                && !self.exclude.iter().any(|x| **x == *u.id)
                && expr.eval(store, pos, u)
        })
    }
}

fn render(rule: &Rule) -> Value {
    json!({
        "type": "group_rule",
        "id": rule.id,
        "status": if rule.active { "ACTIVE" } else { "INACTIVE" },
        "name": rule.name,
        "created": iso(rule.created),
        "lastUpdated": iso(rule.last_updated),
        "conditions": {
            "people": {"users": {"exclude": rule.exclude}, "groups": {"exclude": []}},
            "expression": {"value": rule.expression, "type": "urn:okta:expression:1.0"},
        },
        "actions": {"assignUserToGroups": {"groupIds": rule.groups}},
    })
}

/// An expression of Okta's Expression Language, the subset rules use.
#[derive(Debug, PartialEq)]
enum Expr {
    Bool(bool),
    Text(String),
    Attr(String),
    Not(Box<Expr>),
    Eq(Box<Expr>, Box<Expr>, bool),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

const FUNCTIONS: [&str; 4] = [
    "String.stringContains",
    "String.startsWith",
    "String.endsWith",
    "isMemberOfAnyGroup",
];

impl Expr {
    fn parse(text: &str) -> Option<Expr> {
        let tokens = tokens(text)?;
        let mut p = Parser { tokens, at: 0 };
        let e = p.or()?;
        (p.at == p.tokens.len()).then_some(e)
    }

    fn value(&self, store: &Store, pos: u32, user: &User) -> Value {
        match self {
            Expr::Text(s) => Value::from(s.as_str()),
            Expr::Attr(a) => {
                let name = if a == "status" {
                    a.clone()
                } else {
                    format!("profile.{a}")
                };
                user.attr(&name).unwrap_or(Value::Null)
            }
            other => Value::Bool(other.eval(store, pos, user)),
        }
    }

    fn eval(&self, store: &Store, pos: u32, user: &User) -> bool {
        let text = |e: &Expr| match e.value(store, pos, user) {
            Value::String(s) => s,
            Value::Null => String::new(),
            v => v.to_string(),
        };
        match self {
            Expr::Bool(b) => *b,
            Expr::Not(e) => !e.eval(store, pos, user),
            Expr::And(a, b) => a.eval(store, pos, user) && b.eval(store, pos, user),
            Expr::Or(a, b) => a.eval(store, pos, user) || b.eval(store, pos, user),
            Expr::Eq(a, b, equal) => {
                (a.value(store, pos, user) == b.value(store, pos, user)) == *equal
            }
            Expr::Call(f, args) => match (f.as_str(), args.as_slice()) {
                ("String.stringContains", [a, b]) => text(a).contains(&text(b)),
                ("String.startsWith", [a, b]) => text(a).starts_with(&text(b)),
                ("String.endsWith", [a, b]) => text(a).ends_with(&text(b)),
                ("isMemberOfAnyGroup", ids) => store.groups_of(pos).iter().any(|&g| {
                    store
                        .group(g)
                        .is_some_and(|g| ids.iter().any(|id| text(id) == *g.id))
                }),
                _ => false,
            },
            Expr::Text(_) | Expr::Attr(_) => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Sym(&'static str),
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                s.push(chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return None;
            }
            i += 1;
            out.push(Token::Text(s));
        } else if c.is_alphanumeric() || c == '_' || c == '.' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let sym = ["==", "!=", "&&", "||"]
                .into_iter()
                .find(|s| *s == two)
                .or_else(|| ["(", ")", ",", "!"].into_iter().find(|s| s.starts_with(c)))?;
            i += sym.len();
            out.push(Token::Sym(sym));
        }
    }
    Some(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, sym: &str) -> bool {
        let hit = match self.peek() {
            Some(Token::Sym(s)) => *s == sym,
            Some(Token::Word(w)) => w.eq_ignore_ascii_case(sym),
            _ => false,
        };
        self.at += usize::from(hit);
        hit
    }

    fn or(&mut self) -> Option<Expr> {
        let mut e = self.and()?;
        while self.eat("||") || self.eat("OR") {
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Some(e)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut e = self.eq()?;
        while self.eat("&&") || self.eat("AND") {
            e = Expr::And(Box::new(e), Box::new(self.eq()?));
        }
        Some(e)
    }

    fn eq(&mut self) -> Option<Expr> {
        let left = self.unary()?;
        for (sym, equal) in [("==", true), ("!=", false)] {
            if self.eat(sym) {
                return Some(Expr::Eq(Box::new(left), Box::new(self.unary()?), equal));
            }
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Expr> {
        if self.eat("!") {
            return Some(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("(") {
            let e = self.or()?;
            return self.eat(")").then_some(e);
        }
        let token = self.peek()?.clone();
        self.at += 1;
        match token {
            Token::Text(s) => Some(Expr::Text(s)),
            Token::Word(w) if w == "true" || w == "false" => Some(Expr::Bool(w == "true")),
            Token::Word(w) if FUNCTIONS.contains(&w.as_str()) => {
                if !self.eat("(") {
                    return None;
                }
                let mut args = Vec::new();
                if !self.eat(")") {
                    loop {
                        args.push(self.or()?);
                        if self.eat(")") {
                            break;
                        }
                        if !self.eat(",") {
                            return None;
                        }
                    }
                }
                Some(Expr::Call(w, args))
            }
            Token::Word(w) => {
                let attr = w.strip_prefix("user.")?;
                (!attr.is_empty()).then(|| Expr::Attr(attr.to_string()))
            }
            Token::Sym(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expression_subset_parses_and_bad_ones_do_not() {
        assert!(Expr::parse(r#"user.department=="Engineering""#).is_some());
        assert!(Expr::parse(
            r#"String.stringContains(user.email, "@example.com") && (user.title != "CEO" || isMemberOfAnyGroup("00g1"))"#
        )
        .is_some());
        assert!(Expr::parse("user.lastName==").is_none());
        assert!(Expr::parse(r#"user.x == "unclosed"#).is_none());
        assert!(Expr::parse("group.name == 'x'").is_none());
        assert!(Expr::parse("Nope.fn(user.x)").is_none());
    }
}
