//! Okta's SCIM-like filter and search expressions: `profile.department eq "Engineering" and
//! (created lt "2014-01-01T00:00:00.000Z" or status eq "ACTIVE")`.
//!
//! Each endpoint allows a different subset of attributes and operators, so parsing is separate
//! from the policy check ([`Expr::allowed`]) and from evaluation ([`Expr::matches`]).

use std::cmp::Ordering;

use serde_json::Value;

use super::clock::parse_iso;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Sw,
    Ew,
    Co,
    Pr,
}

impl Op {
    fn parse(word: &str) -> Option<Op> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "sw" => Op::Sw,
            "ew" => Op::Ew,
            "co" => Op::Co,
            "pr" => Op::Pr,
            _ => return None,
        })
    }

    pub fn is_ordering(self) -> bool {
        matches!(self, Op::Gt | Op::Ge | Op::Lt | Op::Le)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Cmp { attr: String, op: Op, value: Lit },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Open,
    Close,
}

/// Longer inputs are refused, as Okta refuses "overly complex or long" queries.
const MAX_LEN: usize = 4096;
const MAX_DEPTH: usize = 32;

fn tokenize(input: &str) -> Option<Vec<Tok>> {
    let mut toks = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                toks.push(Tok::Open);
            }
            ')' => {
                chars.next();
                toks.push(Tok::Close);
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => s.push(chars.next()?),
                        c => s.push(c),
                    }
                }
                toks.push(Tok::Str(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' || c == '"' {
                        break;
                    }
                    w.push(c);
                    chars.next();
                }
                toks.push(Tok::Word(w));
            }
        }
    }
    Some(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn or(&mut self) -> Option<Expr> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Some(left)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let out = if self.peek_word("not") {
            self.pos += 1;
            Some(Expr::Not(Box::new(self.unary()?)))
        } else if self.toks.get(self.pos) == Some(&Tok::Open) {
            self.pos += 1;
            let e = self.or()?;
            if self.toks.get(self.pos) != Some(&Tok::Close) {
                return None;
            }
            self.pos += 1;
            Some(e)
        } else {
            self.comparison()
        };
        self.depth -= 1;
        out
    }

    fn comparison(&mut self) -> Option<Expr> {
        let attr = match self.toks.get(self.pos)? {
            Tok::Word(w) if valid_attr(w) => w.clone(),
            _ => return None,
        };
        let op = match self.toks.get(self.pos + 1)? {
            Tok::Word(w) => Op::parse(w)?,
            _ => return None,
        };
        self.pos += 2;
        if op == Op::Pr {
            return Some(Expr::Cmp {
                attr,
                op,
                value: Lit::Null,
            });
        }
        let value = match self.toks.get(self.pos)? {
            Tok::Str(s) => Lit::Str(s.clone()),
            Tok::Word(w) if w == "true" => Lit::Bool(true),
            Tok::Word(w) if w == "false" => Lit::Bool(false),
            Tok::Word(w) if w == "null" => Lit::Null,
            Tok::Word(w) => Lit::Num(w.parse().ok().filter(|n: &f64| n.is_finite())?),
            _ => return None,
        };
        self.pos += 1;
        Some(Expr::Cmp { attr, op, value })
    }
}

fn valid_attr(w: &str) -> bool {
    !w.is_empty()
        && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '$' | ':' | '-'))
}

impl Expr {
    /// None when the text is not a well-formed expression.
    pub fn parse(input: &str) -> Option<Expr> {
        if input.len() > MAX_LEN {
            return None;
        }
        let toks = tokenize(input)?;
        let mut p = Parser {
            toks,
            pos: 0,
            depth: 0,
        };
        let e = p.or()?;
        (p.pos == p.toks.len()).then_some(e)
    }

    /// Whether every comparison passes `allow(attr, op)` (and `not` appears only if allowed).
    pub fn allowed(&self, allow: &dyn Fn(&str, Op) -> bool, allow_not: bool) -> bool {
        match self {
            Expr::Cmp { attr, op, .. } => allow(attr, *op),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.allowed(allow, allow_not) && b.allowed(allow, allow_not)
            }
            Expr::Not(a) => allow_not && a.allowed(allow, allow_not),
        }
    }

    /// Evaluates against an object whose attributes `get` looks up by dotted name.
    /// `fold_case` makes string comparisons case-insensitive (search), as Okta's search is.
    pub fn matches(&self, get: &dyn Fn(&str) -> Option<Value>, fold_case: bool) -> bool {
        match self {
            Expr::And(a, b) => a.matches(get, fold_case) && b.matches(get, fold_case),
            Expr::Or(a, b) => a.matches(get, fold_case) || b.matches(get, fold_case),
            Expr::Not(a) => !a.matches(get, fold_case),
            Expr::Cmp { attr, op, value } => {
                let actual = get(attr).unwrap_or(Value::Null);
                match op {
                    Op::Pr => !is_empty(&actual),
                    Op::Ne => !compare_any(&actual, Op::Eq, value, fold_case),
                    _ => compare_any(&actual, *op, value, fold_case),
                }
            }
        }
    }

    /// The string literals compared with `attr` (for attributes computed per query, such as an
    /// app's `user.id`).
    pub fn literals(&self, attr: &str) -> Vec<String> {
        match self {
            Expr::Cmp {
                attr: a,
                value: Lit::Str(s),
                ..
            } if a == attr => vec![s.clone()],
            Expr::Cmp { .. } => Vec::new(),
            Expr::And(a, b) | Expr::Or(a, b) => {
                let mut v = a.literals(attr);
                v.extend(b.literals(attr));
                v
            }
            Expr::Not(a) => a.literals(attr),
        }
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn compare_any(actual: &Value, op: Op, lit: &Lit, fold_case: bool) -> bool {
    match actual {
        // SCIM: a multi-valued attribute matches when any element does.
        Value::Array(items) => items.iter().any(|v| compare(v, op, lit, fold_case)),
        v => compare(v, op, lit, fold_case),
    }
}

fn compare(actual: &Value, op: Op, lit: &Lit, fold_case: bool) -> bool {
    match (actual, lit) {
        (Value::Null, Lit::Null) => op == Op::Eq,
        (_, Lit::Null) | (Value::Null, _) => false,
        (Value::Bool(a), Lit::Bool(b)) => op == Op::Eq && a == b,
        (Value::Number(a), Lit::Num(b)) => a
            .as_f64()
            .and_then(|a| a.partial_cmp(b))
            .is_some_and(|o| ordering_ok(o, op)),
        (Value::String(a), Lit::Num(b)) => a
            .parse::<f64>()
            .ok()
            .and_then(|a| a.partial_cmp(b))
            .is_some_and(|o| ordering_ok(o, op)),
        (Value::String(a), Lit::Str(b)) => {
            if op == Op::Eq || op.is_ordering() {
                if let (Some(x), Some(y)) = (date_like(a), date_like(b)) {
                    return ordering_ok(x.cmp(&y), op);
                }
            }
            let (a, b) = if fold_case {
                (a.to_lowercase(), b.to_lowercase())
            } else {
                (a.clone(), b.clone())
            };
            match op {
                Op::Sw => a.starts_with(&b),
                Op::Ew => a.ends_with(&b),
                Op::Co => a.contains(&b),
                _ => ordering_ok(a.cmp(&b), op),
            }
        }
        (Value::Bool(a), Lit::Str(b)) => {
            op == Op::Eq && b.eq_ignore_ascii_case(if *a { "true" } else { "false" })
        }
        (Value::Number(a), Lit::Str(b)) => op == Op::Eq && a.to_string() == *b,
        _ => false,
    }
}

fn date_like(s: &str) -> Option<i64> {
    if s.len() >= 10 && s.as_bytes()[4] == b'-' {
        parse_iso(s)
    } else {
        None
    }
}

fn ordering_ok(o: Ordering, op: Op) -> bool {
    match op {
        Op::Eq => o == Ordering::Equal,
        Op::Ne => o != Ordering::Equal,
        Op::Gt => o == Ordering::Greater,
        Op::Ge => o != Ordering::Less,
        Op::Lt => o == Ordering::Less,
        Op::Le => o != Ordering::Greater,
        _ => false,
    }
}

/// Looks up a dotted attribute (`profile.department`) in a JSON object. A step through an array
/// collects the attribute from every element (`target.id` in the System Log).
pub fn lookup(v: &Value, path: &str) -> Option<Value> {
    let mut cur = v.clone();
    for part in path.split('.') {
        cur = match cur {
            Value::Object(mut m) => m.remove(part)?,
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .filter_map(|i| match i {
                        Value::Object(mut m) => m.remove(part),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(expr: &str, v: &Value, fold: bool) -> bool {
        Expr::parse(expr)
            .expect("parses")
            .matches(&|a| lookup(v, a), fold)
    }

    #[test]
    fn parses_and_evaluates() {
        let u = json!({"status": "ACTIVE", "created": "2013-01-01T00:00:00.000Z",
            "profile": {"department": "Engineering", "firstName": "Ann", "tags": ["a", "b"]}});
        assert!(eval(
            r#"profile.department eq "Engineering" and (created lt "2014-01-01T00:00:00.000Z" or status eq "STAGED")"#,
            &u,
            false
        ));
        assert!(eval(r#"status EQ "active""#, &u, true));
        assert!(!eval(r#"status eq "active""#, &u, false));
        assert!(eval(r#"profile.firstName sw "an""#, &u, true));
        assert!(eval(r#"profile.tags eq "b""#, &u, false));
        assert!(eval(r#"not (status eq "STAGED")"#, &u, false));
        assert!(eval(r#"profile.firstName pr"#, &u, false));
        assert!(!eval(r#"profile.middleName pr"#, &u, false));
        assert!(eval(r#"created gt "2012-12-31""#, &u, false));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "status",
            "status eq",
            "status eq \"x",
            "(status eq \"x\"",
            "status zz \"x\"",
            "a eq \"b\" c",
        ] {
            assert!(Expr::parse(bad).is_none(), "{bad}");
        }
        let deep = "(".repeat(100) + "a eq 1" + &")".repeat(100);
        assert!(Expr::parse(&deep).is_none());
    }
}
