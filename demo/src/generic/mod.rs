//! The spec-driven, stateful engine behind the hand-made handlers: every operation of Okta's
//! spec that [`crate::operations`] does not give to a hand-made handler is answered here, from
//! the demo spec (`data/okta/demo-spec.json`) alone.
//!
//! An operation is read by the shape of its path template and the spec around it:
//! - a *collection* is a template ending in a literal that lists (GET returns an array) or
//!   creates objects addressed below it (`…/scopes` with `…/scopes/{scopeId}`): GET lists with
//!   `limit`/`after` paging, POST creates;
//! - an *item* is `{param}` below a collection: GET, PUT (full), POST/PATCH (partial), DELETE;
//! - a *lifecycle* operation is `…/{id}/lifecycle/activate|deactivate` or `…/{id}/activate`:
//!   it sets the item's `status`;
//! - a *singleton* is any other path with a GET (`/api/v1/org`, a brand's theme settings): one
//!   object that accepts updates;
//! - anything else is an *action*: answered with the spec's example or a value made from the
//!   schema, with the status the spec declares, and no state.
//!
//! State is kept per concrete path (`/api/v1/authorizationServers/aus…/scopes`), seeded on first
//! touch, deterministically from the org's seed and the path, from the spec's examples where it
//! has them (ids rewritten unique with the examples' prefix, links at the demo's origin) and from
//! the schema otherwise. It lives as long as the server, `demo reset` clears it, and it is
//! bounded: at most [`MAX_OBJECTS`] objects a collection, [`MAX_ALL_OBJECTS`] in all, and
//! [`MAX_PLACES`] paths at once.

mod fake;
mod spec;
mod validate;

use std::collections::{BTreeMap, HashMap, VecDeque};

use axum::http::Method;
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::{json, Map, Value};

use crate::errors::ApiError;
use crate::operations::{self, Owner};
use crate::template::{self, Segment, Template};
use crate::{clock, method_not_allowed, paging, Answer, Ctx, Org, Reply};
pub(crate) use fake::okta_id;
use fake::{merge, Faker};
pub use spec::{spec, Operation, Spec};

/// The most objects one generic collection holds unless `--max-objects` says otherwise; a
/// create beyond answers 400 E0000001.
pub const MAX_OBJECTS: usize = 500;
/// The most collections and singletons kept at once; the first seeded is dropped beyond.
pub const MAX_PLACES: usize = 2000;
/// The most objects all generic collections hold together; a create beyond answers 400 E0000001
/// (seeding alone stays far below: a handful of objects per path).
pub const MAX_ALL_OBJECTS: usize = 20_000;
/// At most this many objects are seeded into a collection (more only to cover a required filter's
/// every value, as `type` of policies).
const SEED_OBJECTS: usize = 6;
/// Query parameters that shape a list rather than filter it by a property of the same name.
const LIST_PARAMS: [&str; 9] = [
    "limit",
    "after",
    "q",
    "expand",
    "sortBy",
    "sortOrder",
    "search",
    "filter",
    "activate",
];

/// The generic engine's objects.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct State {
    collections: HashMap<String, Vec<Value>>,
    singletons: HashMap<String, Value>,
    /// Paths in the order they were seeded, to drop the oldest beyond [`MAX_PLACES`].
    order: VecDeque<String>,
    /// Objects created so far: the ids of new objects are drawn from it.
    created: u64,
}

impl State {
    fn remember(&mut self, path: &str) {
        self.order.push_back(path.to_string());
        while self.order.len() > MAX_PLACES {
            if let Some(old) = self.order.pop_front() {
                self.collections.remove(&old);
                self.singletons.remove(&old);
            }
        }
    }
}

/// What an operation does, read from its template and the spec around it.
enum Kind {
    Collection,
    /// The item's position in the path (its `{param}`).
    Item(usize),
    Lifecycle {
        item: usize,
        activate: bool,
    },
    Singleton,
    Action,
}

fn kind_of(spec: &Spec, op: &Operation) -> Kind {
    let segs = op.template.segments();
    let n = segs.len();
    let shape_of = |len: usize| spec::shape(&Template::from_segments(&segs[..len]));
    let item_at = |pos: usize| {
        pos > 0
            && matches!(segs.get(pos), Some(Segment::Param))
            && spec.is_collection(&shape_of(pos))
    };
    if let Some(Segment::Literal(last)) = segs.last() {
        let activate = match last.as_str() {
            "activate" => Some(true),
            "deactivate" => Some(false),
            _ => None,
        };
        if let (Some(activate), true) = (activate, op.method == Method::POST) {
            let before = if n >= 2 && segs[n - 2] == Segment::Literal("lifecycle".into()) {
                n - 2
            } else {
                n - 1
            };
            if before >= 1 && item_at(before - 1) {
                return Kind::Lifecycle {
                    item: before - 1,
                    activate,
                };
            }
        }
    }
    if n >= 1 && item_at(n - 1) {
        // An object of a hand-made collection (an app's group assignment) that the hand-made
        // handlers do not serve with this method: answered from the spec, without state.
        let parent: Vec<&str> = op.path.split('/').collect();
        let parent = parent[..parent.len() - 1].join("/");
        if operations::owner_of_operation("GET", &parent) == Owner::Hand {
            return Kind::Action;
        }
        return Kind::Item(n - 1);
    }
    if spec.is_collection(&op.shape) {
        return Kind::Collection;
    }
    let has_get = spec
        .at(&op.shape)
        .any(|o| o.method == Method::GET && o.response.is_some());
    if has_get {
        Kind::Singleton
    } else {
        Kind::Action
    }
}

/// Answers `ctx` from the spec: Okta's 404 for a path the spec does not have, 405 for a method
/// it does not list there.
pub(crate) fn answer(org: &Org, ctx: &Ctx) -> Answer {
    let spec = spec();
    let method = if ctx.method == Method::HEAD {
        Method::GET
    } else {
        ctx.method.clone()
    };
    let decoded: Vec<String> = template::split(&ctx.path)
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let request: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let best = template::best(&spec.operations, |op| &op.template, &request)
        .ok_or_else(|| ApiError::not_found(&ctx.path, "Path"))?;
    let op = spec
        .at(&best.shape)
        .find(|op| op.method == method)
        .ok_or_else(method_not_allowed)?;
    // Parents first, as Okta; and before the engine's lock: the hand-made store is never read
    // while it is held.
    hand_parents_exist(org, ctx, op, &request)?;
    check_query(op, ctx)?;
    let body = read_body(spec, op, ctx)?;

    let links_hand_object = names_hand_object(org, ctx, op, &request);
    let mut state = org.generic();
    let engine = Engine {
        spec,
        seed: org.seed,
        max_objects: org.max_objects,
        ctx,
        request: &request,
        links_hand_object,
    };
    engine.parents_exist(&mut state, op)?;
    if let Some(media) = &op.media {
        return Ok(engine.document(op, media));
    }
    match kind_of(spec, op) {
        Kind::Collection => engine.collection(&mut state, op, body),
        Kind::Item(pos) => engine.item(&mut state, op, pos, body),
        Kind::Lifecycle { item, activate } => engine.lifecycle(&mut state, op, item, activate),
        Kind::Singleton => engine.singleton(&mut state, op, body),
        Kind::Action => Ok(engine.action(op)),
    }
}

/// Each `{id}` below a hand-made collection (a user's factors, a group's owners, an app's
/// tokens) names one of its objects, as Okta's 404 says otherwise: the hand-made store is asked.
fn hand_parents_exist(
    org: &Org,
    ctx: &Ctx,
    op: &Operation,
    request: &[&str],
) -> Result<(), ApiError> {
    let segs = op.template.segments();
    let names: Vec<&str> = op.path.split('/').skip(1).collect();
    for (pos, key) in request.iter().enumerate().take(segs.len()) {
        // An id of the collection's objects (`{appId}`, `{userIdOrLogin}`), not another word
        // in its place (the `{appName}` of an app's OAuth callback).
        let names_an_id = names
            .get(pos)
            .is_some_and(|n| n.to_ascii_lowercase().contains("id"));
        if pos == 0 || segs[pos] != Segment::Param || !names_an_id {
            continue;
        }
        let collection = spec::shape(&Template::from_segments(&segs[..pos]));
        find_hand_made(org, ctx, &collection, key).unwrap_or(Ok(()))?;
    }
    Ok(())
}

/// Looks up `key` in the hand-made store when `collection` is one of its own (`/api/v1/users`,
/// `/api/v1/groups`, `/api/v1/apps`): Okta's 404 when it holds no such object. None for any
/// other collection.
fn find_hand_made(
    org: &Org,
    ctx: &Ctx,
    collection: &str,
    key: &str,
) -> Option<Result<(), ApiError>> {
    let store = org.read();
    Some(match collection {
        "/api/v1/users" => crate::find::user(&store, ctx, key).map(drop),
        "/api/v1/groups" => crate::find::group(&store, key).map(drop),
        "/api/v1/apps" => crate::find::app(&store, key).map(drop),
        _ => return None,
    })
}

/// Whether the path ends in a parameter that names a user, group or app (`{userId}`) and the
/// hand-made store holds one by that id.
fn names_hand_object(org: &Org, ctx: &Ctx, op: &Operation, request: &[&str]) -> bool {
    let segs = op.template.segments();
    let Some(name) = op.path.rsplit('/').next() else {
        return false;
    };
    if segs.last() != Some(&Segment::Param) || request.len() != segs.len() {
        return false;
    }
    let collection = match name.trim_matches(['{', '}']).to_ascii_lowercase().as_str() {
        "userid" => "/api/v1/users",
        "groupid" => "/api/v1/groups",
        "appid" => "/api/v1/apps",
        _ => return false,
    };
    let key = request[request.len() - 1];
    find_hand_made(org, ctx, collection, key).is_some_and(|found| found.is_ok())
}

/// Required query parameters present, enum ones with an allowed value.
fn check_query(op: &Operation, ctx: &Ctx) -> Result<(), ApiError> {
    for q in &op.query {
        match ctx.param(&q.name) {
            None | Some("") if q.required => {
                return Err(ApiError::validation(
                    &q.name,
                    "The field cannot be left blank",
                ))
            }
            Some(v)
                if !v.is_empty() && !q.allowed.is_empty() && !q.allowed.iter().any(|a| a == v) =>
            {
                return Err(ApiError::validation(
                    &q.name,
                    &format!("must be one of {}", q.allowed.join(", ")),
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// The body of a write, held to the request schema; `None` for reads and bodiless operations.
fn read_body(spec: &Spec, op: &Operation, ctx: &Ctx) -> Result<Option<Value>, ApiError> {
    let Some(schema) = &op.body else {
        return Ok(None);
    };
    if ctx.body.iter().all(u8::is_ascii_whitespace) {
        return if op.body_required {
            Err(ApiError::bad_body())
        } else {
            Ok(None)
        };
    }
    let body = ctx.json()?;
    validate::check(spec, schema, &body)
        .map_err(|(field, why)| ApiError::validation(&field, &why))?;
    Ok(Some(body))
}

struct Engine<'a> {
    spec: &'a Spec,
    seed: u64,
    /// The most objects one collection holds (`--max-objects`).
    max_objects: usize,
    ctx: &'a Ctx,
    request: &'a [&'a str],
    /// The item the path ends in is a user, group or app of the hand-made store (`{userId}` of
    /// `/idps/{idpId}/users/{userId}`): a PUT or POST there links it, as Okta's do.
    links_hand_object: bool,
}

impl Engine<'_> {
    fn path_to(&self, len: usize) -> String {
        let mut p = String::new();
        for s in &self.request[..len] {
            p.push('/');
            p.push_str(s);
        }
        p
    }

    fn rng(&self, path: &str, salt: u64) -> SmallRng {
        // FNV-1a: a stable hash, so a seed gives the same objects on every run.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in path.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        SmallRng::seed_from_u64(h ^ self.seed.rotate_left(17) ^ salt.wrapping_mul(0x9E37_79B9))
    }

    /// Each `{id}` above the operation's own object that names an object of a generic
    /// collection must name one that exists (hand-made parents, users and apps, are not checked).
    fn parents_exist(&self, state: &mut State, op: &Operation) -> Result<(), ApiError> {
        let segs = op.template.segments();
        let own = match kind_of(self.spec, op) {
            Kind::Item(pos) => Some(pos),
            Kind::Lifecycle { item, .. } => Some(item),
            _ => None,
        };
        for pos in 1..segs.len() {
            if segs[pos] != Segment::Param || Some(pos) == own {
                continue;
            }
            let shape = spec::shape(&Template::from_segments(&segs[..pos]));
            if !self.spec.is_collection(&shape) {
                continue;
            }
            let parent = self.path_to(pos);
            if operations::owner(&Method::GET, &parent) == Owner::Hand {
                continue;
            }
            let items = self.items(state, &parent, &shape);
            if find(items, self.request[pos]).is_none() {
                return Err(ApiError::not_found(self.request[pos], &self.noun(&shape)));
            }
        }
        Ok(())
    }

    /// The collection at `path`, seeded on first touch.
    fn items<'s>(&self, state: &'s mut State, path: &str, shape: &str) -> &'s mut Vec<Value> {
        if !state.collections.contains_key(path) {
            let parent_type = parent_type(state, path);
            let seeded = self.seed_collection(path, shape, parent_type.as_deref());
            state.remember(path);
            state.collections.insert(path.to_string(), seeded);
        }
        state
            .collections
            .get_mut(path)
            .expect("inserted above when missing")
    }

    /// The schema of a collection's objects: the list's items, else the item's GET, else what
    /// a create returns.
    fn item_schema(&self, shape: &str) -> Option<Value> {
        let item_shape = format!("{shape}/{{}}");
        let list = self
            .spec
            .at(shape)
            .find(|o| o.method == Method::GET && o.lists())
            .and_then(|o| o.listed_schema(self.spec));
        list.or_else(|| {
            self.spec
                .at(&item_shape)
                .find(|o| o.method == Method::GET)
                .and_then(|o| o.response.clone())
        })
        .or_else(|| {
            self.spec
                .at(shape)
                .find(|o| o.method == Method::POST)
                .and_then(|o| o.response.clone())
        })
    }

    /// The prefix of a collection's ids: the one its objects' ids have (`00p` of
    /// `00p1a2b3…`), else its kind's ([`id_prefix`]).
    fn prefix_of(&self, objects: &[Value], shape: &str) -> String {
        objects
            .iter()
            .find_map(|o| {
                ID_FIELDS
                    .iter()
                    .find_map(|f| o.get(*f).and_then(Value::as_str))
                    .filter(|id| looks_like_okta_id(id))
            })
            .map_or_else(|| id_prefix(&self.noun(shape)), |id| id[..3].to_string())
    }

    /// What a collection's objects are called in a 404: the schema's name.
    fn noun(&self, shape: &str) -> String {
        self.spec
            .name_of(self.item_schema(shape).as_ref())
            .unwrap_or_else(|| "Resource".into())
    }

    /// The objects a collection starts with: the spec's examples (those that fit the parent's
    /// `type`, see [`fit_parent_type`]), then objects made from the schema for each value of a
    /// required filter and up to three in all.
    fn seed_collection(&self, path: &str, shape: &str, parent_type: Option<&str>) -> Vec<Value> {
        let item_shape = format!("{shape}/{{}}");
        let list = self
            .spec
            .at(shape)
            .find(|o| o.method == Method::GET && o.lists());
        // The spec's examples: each list example's objects in turn, then single objects.
        let mut lists: Vec<Vec<Value>> = Vec::new();
        for op in list.iter() {
            for e in &op.examples {
                let items = match &op.wrapper {
                    Some(prop) => e.get(prop),
                    None => Some(e),
                };
                if let Some(Value::Array(items)) = items {
                    lists.push(items.iter().filter(|v| v.is_object()).cloned().collect());
                }
            }
        }
        let singles = self
            .spec
            .at(&item_shape)
            .filter(|o| o.method == Method::GET)
            .chain(self.spec.at(shape).filter(|o| o.method == Method::POST))
            .flat_map(|o| &o.examples)
            .filter(|v| v.is_object())
            .cloned();
        let mut examples: Vec<Value> = Vec::new();
        let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
        for i in 0..longest {
            for l in &lists {
                if let Some(v) = l.get(i) {
                    examples.push(v.clone());
                }
            }
        }
        examples.extend(singles);
        let mut objects: Vec<Value> = Vec::new();
        for e in examples {
            // The same object in a list and a single example; placeholder ids (`policyId`) are
            // shared by different objects, so only whole objects count as the same.
            if objects.contains(&e) {
                continue;
            }
            objects.push(e);
            if objects.len() >= SEED_OBJECTS {
                break;
            }
        }
        let schema = self.item_schema(shape);
        let made_for_parent = match parent_type {
            Some(parent) => self.fit_parent_type(&mut objects, schema.as_ref(), parent),
            None => None,
        };
        let prefix = self.prefix_of(&objects, shape);
        let mut rng = self.rng(path, 0);
        // Where the objects made from the schema begin, after the examples.
        let made_from = objects.len();
        if let Some(schema) = &schema {
            let mut faker = Faker::new(self.spec, self.rng(path, 1), &prefix);
            for object in &mut objects {
                faker.conform(schema, object);
            }
            // A filter the list requires (policies' `type`) finds objects for each of its values.
            for q in list.iter().flat_map(|o| &o.query).filter(|q| q.required) {
                for value in &q.allowed {
                    let present = objects
                        .iter()
                        .any(|o| o.get(&q.name).and_then(Value::as_str) == Some(value));
                    if !present {
                        let mut v = faker.value(schema, Some(value));
                        if let Some(obj) = v.as_object_mut() {
                            obj.insert(q.name.clone(), Value::from(value.as_str()));
                        }
                        objects.push(v);
                    }
                }
            }
            while objects.len() < 3 {
                let mut v = faker.value(schema, made_for_parent.as_deref());
                if let (Some(kind), Some(obj)) = (&made_for_parent, v.as_object_mut()) {
                    obj.insert("type".into(), Value::from(kind.as_str()));
                }
                objects.push(v);
            }
        }
        let mut out: Vec<Value> = Vec::new();
        // The examples' real ids: a list's object and the single example of it differ in a
        // field or two, and are one object.
        let mut example_ids: Vec<String> = Vec::new();
        for (at, mut object) in objects.into_iter().enumerate() {
            if !object.is_object() {
                continue;
            }
            let field = ID_FIELDS.into_iter().find(|f| object.get(*f).is_some());
            let old = field.and_then(|f| object[f].as_str()).map(str::to_string);
            if let (Some(field), Some(old)) = (field, old) {
                if looks_like_okta_id(&old) {
                    if example_ids.contains(&old) {
                        continue;
                    }
                    example_ids.push(old.clone());
                }
                let new = fresh_id(&old, &prefix, &mut rng);
                // A placeholder id (`policyId`) is written `{policyId}` in the example's links.
                replace_in_strings(&mut object, &format!("{{{old}}}"), &new);
                replace_in_strings(&mut object, &old, &new);
                if at >= made_from {
                    point_urls_at(&mut object, &new);
                }
                object[field] = Value::from(new);
            }
            let key = key_of(&object);
            if key.as_ref().is_some_and(|k| find(&out, k).is_some()) {
                continue;
            }
            self.link_self(&mut object, path, shape, schema.as_ref());
            out.push(object);
        }
        out
    }

    /// Objects below a typed parent are of its type, as Okta keeps them: a PASSWORD policy's
    /// rules are PASSWORD rules, an OKTA_SIGN_ON policy's SIGN_ON ones. Keeps the examples whose
    /// `type` fits `parent`, else none, and names the type (from the examples, else the schema's
    /// `type` enum or discriminator) that the objects made beside them take. Where no type fits
    /// (an authenticator's methods), the examples stay as they are.
    fn fit_parent_type(
        &self,
        objects: &mut Vec<Value>,
        schema: Option<&Value>,
        parent: &str,
    ) -> Option<String> {
        let type_of = |o: &Value| o.get("type").and_then(Value::as_str).map(str::to_string);
        if let Some(kind) = objects.iter().filter_map(type_of).find(|t| fits(t, parent)) {
            objects.retain(|o| type_of(o).as_deref() == Some(kind.as_str()));
            return Some(kind);
        }
        let schema = self.spec.resolve(schema?);
        let declared = self
            .properties(schema)
            .get("type")
            .and_then(|t| self.spec.resolve(t).get("enum"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .chain(
                schema
                    .pointer("/discriminator/mapping")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|m| m.keys().cloned()),
            )
            .collect::<Vec<_>>();
        let kind = declared.into_iter().find(|t| fits(t, parent))?;
        objects.clear();
        Some(kind)
    }

    /// `_links.self` at the object's own path, where its schema has links. The examples' other
    /// links are moved onto that path (their `{policyId}` placeholders and example ids become
    /// this object's and its parents'), and the object offers the lifecycle link its status calls
    /// for where the spec has one, as Okta's objects do (`deactivate` while ACTIVE).
    fn link_self(&self, object: &mut Value, collection: &str, shape: &str, schema: Option<&Value>) {
        let Some(key) = key_of(object) else { return };
        let has_links = object.get("_links").is_some()
            || schema.is_some_and(|s| self.properties(s).contains_key("_links"));
        if !has_links {
            return;
        }
        let href = format!("{collection}/{}", encode(&key));
        if !object.get("_links").is_some_and(Value::is_object) {
            object["_links"] = json!({});
        }
        let item_shape = format!("{shape}/{{}}");
        rebase_links(&mut object["_links"], &href, &item_shape);
        object["_links"]["self"] = json!({ "href": href });
        self.offer_lifecycle_link(object, &item_shape);
        self.offer_child_links(object, &item_shape);
    }

    /// Links to what the spec keeps one step under the object and can GET (a policy's `rules`
    /// and `mappings`, an authorization server's `scopes` and `claims`), as Okta's objects offer
    /// them, with the methods the spec has there: an object made from the schema, not from an
    /// example that has them already, can then be followed too. A link the object has is kept.
    fn offer_child_links(&self, object: &mut Value, item_shape: &str) {
        let Some(links) = object.get_mut("_links").and_then(Value::as_object_mut) else {
            return;
        };
        let Some(own) = self_href(links) else { return };
        let prefix = format!("{item_shape}/");
        let mut children: BTreeMap<&str, Vec<&Method>> = BTreeMap::new();
        for op in &self.spec.operations {
            match op.shape.strip_prefix(&prefix) {
                Some(child) if !child.contains(['/', '{']) => {
                    children.entry(child).or_default().push(&op.method)
                }
                _ => {}
            }
        }
        for (child, methods) in children {
            if !methods.contains(&&Method::GET) {
                continue;
            }
            let allow: Vec<&str> = [Method::GET, Method::POST, Method::PUT, Method::DELETE]
                .iter()
                .filter(|m| methods.contains(m))
                .map(Method::as_str)
                .collect();
            links.entry(child).or_insert_with(
                || json!({ "href": format!("{own}/{child}"), "hints": { "allow": allow } }),
            );
        }
    }

    /// The lifecycle link an object's status calls for, where the spec has the operation at
    /// `item_shape` (`…/{}/lifecycle/deactivate` or `…/{}/deactivate`): `deactivate` while
    /// ACTIVE or ENABLED, `activate` while inactive, the other one withdrawn, as Okta's objects
    /// offer them. Only an object with links, at its `self`.
    fn offer_lifecycle_link(&self, object: &mut Value, item_shape: &str) {
        let active = match object.get("status").and_then(Value::as_str) {
            Some("ACTIVE" | "ENABLED") => true,
            Some("INACTIVE" | "DEACTIVATED" | "DISABLED") => false,
            _ => return,
        };
        let (offered, withdrawn) = if active {
            ("deactivate", "activate")
        } else {
            ("activate", "deactivate")
        };
        let infix = ["/lifecycle/", "/"].into_iter().find(|infix| {
            let shape = format!("{item_shape}{infix}{offered}");
            let offers = self.spec.at(&shape).any(|o| o.method == Method::POST);
            offers
        });
        let Some(links) = object.get_mut("_links").and_then(Value::as_object_mut) else {
            return;
        };
        let (Some(infix), Some(own)) = (infix, self_href(links)) else {
            return;
        };
        links.remove(withdrawn);
        links.entry(offered).or_insert_with(|| {
            json!({
                "href": format!("{own}{infix}{offered}"),
                "hints": { "allow": ["POST"] },
            })
        });
    }

    /// A schema's properties, its `allOf` parts' included.
    fn properties(&self, schema: &Value) -> Map<String, Value> {
        let schema = self.spec.resolve(schema);
        let mut out = schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let part = self.spec.resolve(part);
            if let Some(p) = part.get("properties").and_then(Value::as_object) {
                out.extend(p.clone());
            }
        }
        out
    }

    fn collection(&self, state: &mut State, op: &Operation, body: Option<Value>) -> Answer {
        let path = self.path_to(self.request.len());
        match op.method {
            // A collection whose GET answers no list of objects (a group's member ids in an
            // object): what the spec says it answers.
            Method::GET if !op.lists() => Ok(self.action(op)),
            Method::GET => {
                let items = self.items(state, &path, &op.shape);
                let kept: Vec<&Value> = items.iter().filter(|o| self.passes(o)).collect();
                let limit = self.ctx.limit(20, 200)?;
                let start = paging::start(self.ctx, &kept, |o| key_str(o))?;
                let page = paging::take(kept[start..].iter().copied(), limit);
                let reply = paging::reply(
                    self.ctx,
                    limit,
                    page,
                    |o| key_of(o).unwrap_or_default(),
                    |o| self.render(o),
                )?;
                Ok(match (&op.wrapper, reply) {
                    // The page inside the object the spec wraps it in.
                    (
                        Some(prop),
                        Reply::Json {
                            status,
                            body,
                            links,
                            etag,
                        },
                    ) => {
                        let mut outer = self.example_or_made(op, &path);
                        if !outer.is_object() {
                            outer = json!({});
                        }
                        let mut outer = self.render(&outer);
                        outer[prop.as_str()] = body;
                        page_links_in_body(&mut outer, &links);
                        Reply::Json {
                            status,
                            body: outer,
                            links,
                            etag,
                        }
                    }
                    (_, reply) => reply,
                })
            }
            Method::POST => self.create(state, op, &path, body),
            Method::DELETE => {
                // Clearing a collection (revoking all grants or tokens).
                self.items(state, &path, &op.shape).clear();
                Ok(self.status_only(op))
            }
            _ => Ok(self.action(op)),
        }
    }

    /// Whether a listed object passes the query: `q` as a name prefix, and any other parameter
    /// that names one of its top-level properties as an equality filter.
    fn passes(&self, object: &Value) -> bool {
        self.ctx.query.iter().all(|(k, v)| {
            if k == "q" {
                let names = ["name", "label", "displayName"];
                let named: Vec<&str> = names
                    .iter()
                    .filter_map(|n| object.get(*n).and_then(Value::as_str))
                    .collect();
                let q = v.to_lowercase();
                return named.is_empty() || named.iter().any(|n| n.to_lowercase().starts_with(&q));
            }
            if LIST_PARAMS.contains(&k.as_str()) || v.is_empty() {
                return true;
            }
            match object.get(k) {
                Some(Value::String(s)) => s.eq_ignore_ascii_case(v),
                Some(Value::Bool(b)) => b.to_string() == *v,
                Some(Value::Number(n)) => n.to_string() == *v,
                _ => true,
            }
        })
    }

    fn create(&self, state: &mut State, op: &Operation, path: &str, body: Option<Value>) -> Answer {
        // The collection's objects, which is what a later GET answers, else what the create
        // returns.
        let schema = self.item_schema(&op.shape).or_else(|| op.response.clone());
        let fields = schema
            .as_ref()
            .map(|s| self.properties(s))
            .unwrap_or_default();
        let state_created = state.created;
        self.room_for_one(state, path, &op.shape)?;
        let items = self.items(state, path, &op.shape);
        let body = body.unwrap_or_else(|| json!({}));
        let prefix = self.prefix_of(items, &op.shape);
        let mut faker = Faker::new(self.spec, self.rng(path, 1000 + state_created), &prefix);
        let want = body
            .as_object()
            .and_then(|b| b.values().find_map(|v| v.as_str()).map(str::to_string));
        let scalars = schema.as_ref().is_some_and(|s| {
            let kind = self.spec.resolve(s).get("type").and_then(Value::as_str);
            matches!(kind, Some("string" | "integer" | "number" | "boolean"))
        });
        if scalars {
            // A list of ids (an app's allowed apps): the create adds the one the body names and
            // answers what the spec says a create answers.
            let id = want.unwrap_or_else(|| okta_id(&prefix, &mut faker.rng));
            if find_by_key(items, &id).is_none() {
                items.push(Value::from(id));
                state.created += 1;
            }
            return Ok(self.action(op));
        }
        let made = schema
            .as_ref()
            .map(|s| {
                faker.value(
                    s,
                    discriminator_value(self.spec, s, &body).or(want.as_deref()),
                )
            })
            .unwrap_or_else(|| json!({}));
        let kid_given = body.get("kid").is_some();
        let mut object = merge(made, body);
        if !object.is_object() {
            return Ok(self.status_only(op));
        }
        if object.get("id").is_some() || fields.contains_key("id") {
            // The server names the object, whatever the body said.
            object["id"] = Value::from(okta_id(&prefix, &mut faker.rng));
        } else if object.get("kid").is_some() && !kid_given {
            // A key's id the body did not give is the server's (not the schema's example).
            object["kid"] = Value::from(okta_id(&prefix, &mut faker.rng));
        }
        // An object with the same key: Okta's 400 where the spec declares one; where it does
        // not (a custom AAGUID), the create writes over the object it names.
        if let Some(at) = key_of(&object).and_then(|key| find_by_key(items, &key)) {
            if op.errors.contains(&400) {
                return Err(ApiError::validation(
                    "name",
                    "An object with this name already exists",
                ));
            }
            items.remove(at);
        }
        let now = clock::iso(clock::now_ms());
        for field in ["created", "lastUpdated"] {
            if object.get(field).is_some() || fields.contains_key(field) {
                object[field] = Value::from(now.clone());
            }
        }
        if let Some(status) = object.get("status").and_then(Value::as_str) {
            if status == "ACTIVE" || status == "INACTIVE" {
                let inactive = self.ctx.param("activate") == Some("false");
                object["status"] = Value::from(if inactive { "INACTIVE" } else { "ACTIVE" });
            }
        }
        if let Some(schema) = &schema {
            // What is stored is what the collection's schema allows, as a later GET answers it.
            faker.conform(schema, &mut object);
        }
        self.link_self(&mut object, path, &op.shape, schema.as_ref());
        items.push(object.clone());
        state.created += 1;
        let body = self.render(&object);
        // A create the spec answers with a list (associated servers) gets the one made.
        let listed = op
            .response
            .as_ref()
            .is_some_and(|r| r.get("type").and_then(Value::as_str) == Some("array"));
        Ok(self.json(op.status, if listed { json!([body]) } else { body }))
    }

    fn item(&self, state: &mut State, op: &Operation, pos: usize, body: Option<Value>) -> Answer {
        let collection = self.path_to(pos);
        let shape = spec::shape(&Template::from_segments(&op.template.segments()[..pos]));
        let id = self.request[pos];
        let noun = self.noun(&shape);
        let read_only = self
            .item_schema(&shape)
            .map(|s| self.read_only(&s))
            .unwrap_or_default();
        let writes = matches!(op.method, Method::PUT | Method::POST);
        if writes
            && self.links_hand_object
            && find(self.items(state, &collection, &shape), id).is_none()
        {
            return self.link_hand_object(state, op, &collection, &shape, id, body);
        }
        let items = self.items(state, &collection, &shape);
        let at = find(items, id).ok_or_else(|| ApiError::not_found(id, &noun))?;
        match op.method {
            Method::GET => Ok(self.json(op.status, self.render(&items[at]))),
            Method::DELETE => {
                // "You can only delete an inactive key": deactivate first, as the spec says.
                let status = items[at].get("status").and_then(Value::as_str);
                let inactive =
                    matches!(status, None | Some("INACTIVE" | "DEACTIVATED" | "DISABLED"));
                if op.deletes_only_inactive && !inactive {
                    return Err(if op.errors.contains(&403) {
                        ApiError::new("E0000107", "")
                    } else {
                        ApiError::validation("status", "Only an inactive object can be deleted")
                    });
                }
                items.remove(at);
                Ok(self.status_only(op))
            }
            Method::PUT | Method::POST | Method::PATCH => {
                let body = body.unwrap_or_else(|| json!({}));
                let old = items[at].clone();
                let mut new = if op.method == Method::PUT {
                    // A full update: what the server writes stays, the rest is the body.
                    let mut kept = Map::new();
                    for (k, v) in old.as_object().into_iter().flatten() {
                        // What the server writes, and the field the path names it by (a
                        // custom AAGUID's `aaguid`).
                        if read_only.contains(k)
                            || ["id", "created", "lastUpdated", "status", "_links"]
                                .contains(&k.as_str())
                            || v.as_str() == Some(id)
                        {
                            kept.insert(k.clone(), v.clone());
                        }
                    }
                    merge(Value::Object(kept), body)
                } else {
                    merge(old.clone(), body)
                };
                if !new.is_object() {
                    return Err(ApiError::bad_body());
                }
                new["id"] = old.get("id").cloned().unwrap_or(Value::Null);
                if new["id"].is_null() {
                    new.as_object_mut().map(|o| o.remove("id"));
                }
                if new.get("_links").is_none() {
                    if let Some(l) = old.get("_links") {
                        new["_links"] = l.clone();
                    }
                }
                if new.get("lastUpdated").is_some() {
                    new["lastUpdated"] = Value::from(clock::iso(clock::now_ms()));
                }
                items[at] = new.clone();
                Ok(self.json(op.status, self.render(&new)))
            }
            _ => Err(method_not_allowed()),
        }
    }

    /// Okta's 400 when the collection at `path` holds `--max-objects` objects, or all of them
    /// together [`MAX_ALL_OBJECTS`]: memory stays bounded whatever is created.
    fn room_for_one(&self, state: &mut State, path: &str, shape: &str) -> Result<(), ApiError> {
        let held: usize = state.collections.values().map(Vec::len).sum();
        if self.items(state, path, shape).len() >= self.max_objects || held >= MAX_ALL_OBJECTS {
            return Err(ApiError::validation(
                "collection",
                &format!(
                    "The demo org holds at most {} objects here",
                    self.max_objects
                ),
            ));
        }
        Ok(())
    }

    /// A user, group or app of the hand-made store linked below an engine object (an IdP's
    /// user): the link is made from the schema, the body laid over it, under the object's id.
    fn link_hand_object(
        &self,
        state: &mut State,
        op: &Operation,
        collection: &str,
        shape: &str,
        id: &str,
        body: Option<Value>,
    ) -> Answer {
        let schema = self.item_schema(shape);
        let rng = self.rng(collection, 2000 + state.created);
        let prefix: String = id.chars().take(3).collect();
        let mut faker = Faker::new(self.spec, rng, &prefix);
        let made = schema
            .as_ref()
            .map(|s| faker.value(s, None))
            .unwrap_or_else(|| json!({}));
        let mut object = merge(made, body.unwrap_or_else(|| json!({})));
        if !object.is_object() {
            return Err(ApiError::bad_body());
        }
        object["id"] = Value::from(id);
        self.link_self(&mut object, collection, shape, schema.as_ref());
        self.room_for_one(state, collection, shape)?;
        self.items(state, collection, shape).push(object.clone());
        state.created += 1;
        Ok(self.json(op.status, self.render(&object)))
    }

    fn lifecycle(&self, state: &mut State, op: &Operation, pos: usize, activate: bool) -> Answer {
        let collection = self.path_to(pos);
        let shape = spec::shape(&Template::from_segments(&op.template.segments()[..pos]));
        let id = self.request[pos];
        let noun = self.noun(&shape);
        let items = self.items(state, &collection, &shape);
        let at = find(items, id).ok_or_else(|| ApiError::not_found(id, &noun))?;
        let allowed = self.status_values(&shape);
        let object = &mut items[at];
        // The statuses the schema allows: ACTIVE/INACTIVE, ENABLED/DISABLED, ACTIVE/DEACTIVATED.
        let wanted: &[&str] = if activate {
            &["ACTIVE", "ENABLED"]
        } else {
            &["INACTIVE", "DEACTIVATED", "DISABLED"]
        };
        let status = wanted
            .iter()
            .find(|w| allowed.is_empty() || allowed.iter().any(|a| a == *w));
        if let Some(status) = status {
            object["status"] = Value::from(*status);
        }
        if object.get("lastUpdated").is_some() {
            object["lastUpdated"] = Value::from(clock::iso(clock::now_ms()));
        }
        self.offer_lifecycle_link(object, &format!("{shape}/{{}}"));
        let object = object.clone();
        let same_schema = self.spec.name_of(op.response.as_ref()) == Some(noun);
        if same_schema {
            Ok(self.json(op.status, self.render(&object)))
        } else {
            Ok(self.action(op))
        }
    }

    fn singleton(&self, state: &mut State, op: &Operation, body: Option<Value>) -> Answer {
        let path = self.path_to(self.request.len());
        if !state.singletons.contains_key(&path) {
            let get = self.spec.at(&op.shape).find(|o| o.method == Method::GET);
            let seeded = get
                .map(|g| self.example_or_made(g, &path))
                .unwrap_or(Value::Null);
            state.remember(&path);
            state.singletons.insert(path.clone(), seeded);
        }
        let current = state
            .singletons
            .get_mut(&path)
            .expect("inserted above when missing");
        match op.method {
            Method::GET => Ok(self.json(op.status, self.render(current))),
            Method::DELETE => {
                state.singletons.remove(&path);
                Ok(self.status_only(op))
            }
            _ => {
                let Some(body) = body else {
                    return Ok(self.action(op));
                };
                let mut new = if op.method == Method::PUT {
                    let read_only = op
                        .response
                        .as_ref()
                        .map(|s| self.read_only(s))
                        .unwrap_or_default();
                    let mut kept = Map::new();
                    for (k, v) in current.as_object().into_iter().flatten() {
                        if read_only.contains(k) || k == "_links" || k == "id" {
                            kept.insert(k.clone(), v.clone());
                        }
                    }
                    merge(Value::Object(kept), body)
                } else {
                    merge(current.clone(), body)
                };
                if new.get("lastUpdated").is_some() {
                    new["lastUpdated"] = Value::from(clock::iso(clock::now_ms()));
                }
                *current = new.clone();
                Ok(self.json(op.status, self.render(&new)))
            }
        }
    }

    /// A document that is no JSON: the spec's own text, its example org's URLs at the demo's.
    fn document(&self, op: &Operation, media: &str) -> Reply {
        let mut body = op
            .examples
            .first()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        for origin in EXAMPLE_ORIGINS {
            body = body.replace(origin, &self.ctx.base);
        }
        Reply::Text {
            status: op.status,
            media: media.to_string(),
            body,
        }
    }

    /// A stateless answer: the spec's example, else a value made from the schema.
    fn action(&self, op: &Operation) -> Reply {
        if op.status == 204 || op.response.is_none() && op.examples.is_empty() {
            return self.status_only(op);
        }
        let value = self.example_or_made(op, &self.path_to(self.request.len()));
        self.json(op.status, self.render(&value))
    }

    fn example_or_made(&self, op: &Operation, path: &str) -> Value {
        let Some(schema) = &op.response else {
            return op.examples.first().cloned().unwrap_or(Value::Null);
        };
        let prefix = id_prefix(&self.spec.name_of(Some(schema)).unwrap_or_default());
        let mut faker = Faker::new(self.spec, self.rng(path, 2), &prefix);
        match op.examples.first() {
            Some(e) => {
                let mut value = e.clone();
                faker.conform(schema, &mut value);
                value
            }
            None => faker.value(schema, None),
        }
    }

    /// The values a collection's objects' `status` may take (none: any).
    fn status_values(&self, shape: &str) -> Vec<String> {
        let Some(schema) = self.item_schema(shape) else {
            return Vec::new();
        };
        let Some(status) = self.properties(&schema).get("status").cloned() else {
            return Vec::new();
        };
        let mut status = self.spec.resolve(&status).clone();
        // `allOf: [{$ref: LifecycleStatus}]`, as the spec attaches a description.
        if let Some(first) = status.pointer("/allOf/0").cloned() {
            status = self.spec.resolve(&first).clone();
        }
        status
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// The names of a schema's read-only properties.
    fn read_only(&self, schema: &Value) -> Vec<String> {
        self.properties(schema)
            .into_iter()
            .filter(|(_, p)| {
                self.spec
                    .resolve(p)
                    .get("readOnly")
                    .and_then(Value::as_bool)
                    == Some(true)
            })
            .map(|(k, _)| k)
            .collect()
    }

    fn status_only(&self, op: &Operation) -> Reply {
        if op.status == 204 {
            Reply::NoContent
        } else {
            Reply::Empty(op.status)
        }
    }

    fn json(&self, status: u16, body: Value) -> Reply {
        Reply::Json {
            status,
            body,
            links: Vec::new(),
            etag: None,
        }
    }

    /// An object as sent: its links at the demo's origin.
    fn render(&self, value: &Value) -> Value {
        let mut v = value.clone();
        absolute_links(&mut v, &self.ctx.base);
        v
    }
}

/// The discriminator value the body picks, if the schema has one.
fn discriminator_value<'b>(spec: &Spec, schema: &Value, body: &'b Value) -> Option<&'b str> {
    let schema = spec.resolve(schema);
    let prop = schema.pointer("/discriminator/propertyName")?.as_str()?;
    body.get(prop)?.as_str()
}

fn looks_like_okta_id(id: &str) -> bool {
    id.len() == 20 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Okta's prefixes for kinds whose examples in the spec carry no real id (a template, a name).
const KNOWN_PREFIXES: &[(&str, &str)] = &[
    ("AuthorizationServer", "aus"),
    ("OAuth2Scope", "scp"),
    ("OAuth2Claim", "ocl"),
    ("AuthorizationServerPolicy", "00p"),
    ("AuthorizationServerPolicyRule", "0pr"),
    ("PolicyRule", "0pr"),
    // An OAuth client's id is its app's.
    ("OAuth2Client", "0oa"),
];

/// The prefix of made-up ids of a kind of object: Okta's own where it is known (`aus` for an
/// AuthorizationServer), else `00` and the kind's initial (`00p` for a Policy).
fn id_prefix(noun: &str) -> String {
    if let Some((_, prefix)) = KNOWN_PREFIXES.iter().find(|(kind, _)| *kind == noun) {
        return prefix.to_string();
    }
    let first = noun.chars().next().unwrap_or('x').to_ascii_lowercase();
    format!("00{first}")
}

/// An id for a seeded object: Okta-style ids keep their prefix, UUIDs stay UUIDs, placeholders
/// (`policyId`) become ids with the collection's prefix, names stay as they are.
fn fresh_id(old: &str, prefix: &str, rng: &mut SmallRng) -> String {
    if looks_like_okta_id(old) {
        return okta_id(&old[..3], rng);
    }
    let uuid_like = old.len() == 36 && old.bytes().filter(|&b| b == b'-').count() == 4;
    if uuid_like {
        let bytes: [u8; 16] = rand::Rng::random(rng);
        return uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string();
    }
    // `{policyId}`, `policyId`, and the examples' `your-key-id` / `your-kid`.
    let placeholder = old.contains('{')
        || old.starts_with("your")
        || old.bytes().all(|b| b.is_ascii_alphabetic())
            && (old.ends_with("Id") || old.ends_with("ID"));
    if placeholder {
        return okta_id(prefix, rng);
    }
    old.to_string()
}

/// What addresses an object in its collection, in order: its `id`, a key's `kid`, an OAuth
/// client's `client_id`, its `name`.
const KEYS: [&str; 4] = ["id", "kid", "client_id", "name"];

/// The fields of [`KEYS`] that hold an id the seeding makes fresh (`your-key-id` and
/// `{clientId}` in the examples become ids of their own).
const ID_FIELDS: [&str; 3] = ["id", "kid", "client_id"];

/// What addresses an object in its collection (see [`KEYS`]); an id in a list of ids is its own.
fn key_of(object: &Value) -> Option<String> {
    let key = key_str(object);
    (!key.is_empty()).then(|| key.to_string())
}

fn key_str(object: &Value) -> &str {
    if let Some(id) = object.as_str() {
        return id;
    }
    KEYS.iter()
        .find_map(|k| object.get(*k).and_then(Value::as_str))
        .unwrap_or("")
}

/// The `type` of the object a collection is below (`/api/v1/policies/{id}` of
/// `/api/v1/policies/{id}/rules`), where that object is held.
fn parent_type(state: &State, path: &str) -> Option<String> {
    let (item, _) = path.rsplit_once('/')?;
    let (collection, key) = item.rsplit_once('/')?;
    let items = state.collections.get(collection)?;
    let parent = &items[find(items, key)?];
    parent.get("type")?.as_str().map(str::to_string)
}

/// Whether a child's type is of its parent's kind: the same, or one names the other with a
/// prefix (`SIGN_ON` rules of an `OKTA_SIGN_ON` policy).
fn fits(child: &str, parent: &str) -> bool {
    child == parent
        || parent.ends_with(&format!("_{child}"))
        || child.ends_with(&format!("_{parent}"))
}

/// The object whose key (see [`KEYS`]) is `key`.
fn find_by_key(items: &[Value], key: &str) -> Option<usize> {
    items.iter().position(|o| key_str(o) == key)
}

/// The object a path segment names: by its key, else by another of its own fields (an org
/// contact by its `contactType`, a subscription by its `notificationType`), by a field of an
/// object it holds (a linked object by its `primary.name`), or by its own URL's last segment
/// (a log stream schema by the `…/logStream/aws_eventbridge` of its `$id`).
fn find(items: &[Value], key: &str) -> Option<usize> {
    let own = |o: &Value| {
        o.as_object()
            .is_some_and(|m| m.values().any(|v| v.as_str() == Some(key)))
    };
    let held = |o: &Value| o.as_object().is_some_and(|m| m.values().any(own));
    let tail = format!("/{key}");
    let url_ends = |o: &Value| {
        o.as_object().is_some_and(|m| {
            m.values()
                .filter_map(Value::as_str)
                .any(|s| s.contains("://") && s.ends_with(&tail))
        })
    };
    find_by_key(items, key)
        .or_else(|| items.iter().position(own))
        .or_else(|| items.iter().position(held))
        .or_else(|| items.iter().position(url_ends))
}

fn encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The href of an object's `_links.self`.
fn self_href(links: &Map<String, Value>) -> Option<String> {
    links
        .get("self")
        .and_then(|l| l.get("href"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// In an object made from the schema, a URL that names an id of its own kind names itself:
/// its `issuer` came from the examples' vocabulary (`…/oauth2/ausain6…`, the example's server)
/// and is made its own (`…/oauth2/` and its id). Links are left to [`rebase_links`].
fn point_urls_at(value: &mut Value, id: &str) {
    if !looks_like_okta_id(id) {
        return;
    }
    match value {
        Value::String(s) if s.contains("://") => {
            let other = s
                .split(['/', '?', '#', '='])
                .find(|seg| looks_like_okta_id(seg) && seg[..3] == id[..3] && *seg != id)
                .map(str::to_string);
            if let Some(other) = other {
                *s = s.replace(&other, id);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| point_urls_at(v, id)),
        Value::Object(map) => map
            .iter_mut()
            .filter(|(k, _)| *k != "_links")
            .for_each(|(_, v)| point_urls_at(v, id)),
        _ => {}
    }
}

/// Replaces `old` in every string of `value` (an example's id in its own links).
fn replace_in_strings(value: &mut Value, old: &str, new: &str) {
    if old.len() < 6 {
        return;
    }
    match value {
        Value::String(s) if s.contains(old) => *s = s.replace(old, new),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| replace_in_strings(v, old, new)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|v| replace_in_strings(v, old, new)),
        _ => {}
    }
}

/// Moves every `href` in `links` that points at this object, or below it, onto its own path
/// `self_path` (`/api/v1/policies/00p…`), whose shape is `item_shape` (`/api/v1/policies/{}`):
/// where the shape has a parameter, the href's segment (a `{policyId}` placeholder, an example's
/// id) becomes this path's; literal segments must agree, else the link points elsewhere and
/// stays.
fn rebase_links(links: &mut Value, self_path: &str, item_shape: &str) {
    match links {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(href) if k == "href" => {
                        if let Some(rebased) = rebased_href(href, self_path, item_shape) {
                            *href = rebased;
                        }
                    }
                    _ => rebase_links(v, self_path, item_shape),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rebase_links(v, self_path, item_shape)),
        _ => {}
    }
}

fn rebased_href(href: &str, self_path: &str, item_shape: &str) -> Option<String> {
    let at = href.find("/api/")?;
    let (origin, rest) = href.split_at(at);
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let (path, tail) = rest.split_at(end);
    let mut segments: Vec<String> = path.split('/').map(str::to_string).collect();
    let own: Vec<&str> = self_path.split('/').collect();
    let shape: Vec<&str> = item_shape.split('/').collect();
    if segments.len() < own.len() || own.len() != shape.len() {
        return None;
    }
    for (i, (&mine, &kind)) in own.iter().zip(&shape).enumerate() {
        let theirs = &segments[i];
        let fits = if kind == "{}" {
            theirs == mine
                || theirs.starts_with('{')
                || theirs.starts_with("%7B")
                || looks_like_okta_id(theirs)
        } else {
            theirs == mine
        };
        if !fits {
            return None;
        }
        segments[i] = mine.to_string();
    }
    Some(format!("{origin}{}{tail}", segments.join("/")))
}

/// The origins Okta's examples write for "your org", longest first.
const EXAMPLE_ORIGINS: [&str; 9] = [
    "https://{yourOktaDomain}.okta.com",
    "https://{yourSubdomain}.okta.com",
    "https://{yourOktaDomain}",
    "http://{yourOktaDomain}",
    "https://${yourOktaDomain}",
    "https://{ yourOktaDomain }",
    "https://{{yourOktaDomain}}",
    "https://your-subdomain.okta.com",
    "http://your-subdomain.okta.com",
];

/// Links and the examples' "your org" URLs (an issuer, a metadata URL) at the demo's origin.
fn absolute_links(value: &mut Value, base: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if k == "href" && s.starts_with('/') => {
                        *s = format!("{base}{s}");
                    }
                    // A link into some other Okta org of the examples' (`vantest.oktapreview.com
                    // /api/v1/…`) is a link into this one: followed, it must not leave the demo.
                    Value::String(s) if k == "href" && api_path_of(s).is_some() => {
                        let path = api_path_of(s).unwrap_or_default();
                        *s = format!("{base}{path}");
                    }
                    Value::String(s) => {
                        if let Some(origin) = EXAMPLE_ORIGINS.iter().find(|o| s.starts_with(*o)) {
                            *s = format!("{base}{}", &s[origin.len()..]);
                        }
                    }
                    _ => absolute_links(v, base),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| absolute_links(v, base)),
        _ => {}
    }
}

/// The path (and query) of an absolute URL into an Okta API: `/api/…` or `/oauth2/…`.
fn api_path_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let path = url.path();
    if !(path.starts_with("/api/") || path.starts_with("/oauth2/")) {
        return None;
    }
    Some(match url.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_string(),
    })
}

/// Every operation of the spec with its owner, in the spec's order: `(method, path, id, owner)`.
pub fn list() -> Vec<(String, String, String, Owner)> {
    spec()
        .operations
        .iter()
        .map(|op| {
            (
                op.method.to_string(),
                op.path.clone(),
                op.id.clone(),
                operations::owner_of_operation(op.method.as_str(), &op.path),
            )
        })
        .collect()
}

/// `demo serve --list-operations`: one line per operation (`hand` or `generic`, method, path,
/// operationId), then the counts.
pub fn listing() -> String {
    let ops = list();
    let width = ops.iter().map(|(_, p, _, _)| p.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (method, path, id, owner) in &ops {
        out.push_str(&format!(
            "{:<7}  {method:<6}  {path:<width$}  {id}\n",
            owner.as_str()
        ));
    }
    let hand = ops.iter().filter(|o| o.3 == Owner::Hand).count();
    out.push_str(&format!(
        "{} operations: {hand} hand, {} generic (demo spec loaded in {:.1} ms)\n",
        ops.len(),
        ops.len() - hand,
        spec().load_time.as_secs_f64() * 1000.0
    ));
    out
}

/// A wrapped page's `_links` (`{"roles": [...], "_links": {"next": …}}`, as Okta pages its IAM
/// lists) are this page's: `self`, and `next` only when another page follows, at the URL of the
/// `link` header's `next`, not the example's cursor.
fn page_links_in_body(outer: &mut Value, header_links: &[String]) {
    let Some(links) = outer.get_mut("_links").and_then(Value::as_object_mut) else {
        return;
    };
    links.remove("next");
    for link in header_links {
        let Some((url, rel)) = link.split_once("; rel=") else {
            continue;
        };
        let url = url.trim_start_matches('<').trim_end_matches('>');
        let rel = rel.trim_matches('"');
        if rel == "next" || rel == "self" {
            links.insert(rel.to_string(), json!({ "href": url }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_ids_take_okta_s_prefix_where_it_is_known() {
        assert_eq!(id_prefix("AuthorizationServer"), "aus");
        assert_eq!(id_prefix("Policy"), "00p");
    }

    #[test]
    fn links_into_another_org_s_api_come_home_and_others_stay() {
        let mut org = json!({"_links": {
            "contacts": {"href": "https://vantest.oktapreview.com/api/v1/org/contacts"},
            "next": {"href": "https://acme.okta.com/api/v1/zones?after=nzo1&limit=2"},
            "logo": {"href": "https://juniper.example.com/58"},
            "self": {"href": "/api/v1/org"}
        }});
        absolute_links(&mut org, "http://127.0.0.1:9");
        let links = &org["_links"];
        assert_eq!(
            links["contacts"]["href"],
            "http://127.0.0.1:9/api/v1/org/contacts"
        );
        assert_eq!(
            links["next"]["href"],
            "http://127.0.0.1:9/api/v1/zones?after=nzo1&limit=2"
        );
        assert_eq!(links["logo"]["href"], "https://juniper.example.com/58");
        assert_eq!(links["self"]["href"], "http://127.0.0.1:9/api/v1/org");
    }
}
