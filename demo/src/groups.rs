//! `/api/v1/groups`: list (`q`, `search`, `filter`, paging), get, create, replace, delete, and
//! members (paginated; add and remove, only in `OKTA_GROUP` groups).

use axum::http::Method;
use serde_json::{Map, Value};

use super::clock::now_ms;
use super::errors::ApiError;
use super::find::{self, group_not_found};
use super::query::{lookup, Expr, Op};
use super::store::{remove_sorted, Group, GroupType, Kind, Store};
use super::views::{render_app, render_group, render_user};
use super::{method_not_allowed, paging, Answer, Ctx, Org, Reply};

pub(super) fn route(org: &Org, ctx: &Ctx, segs: &[&str]) -> Answer {
    let get = ctx.method == Method::GET || ctx.method == Method::HEAD;
    let m = &ctx.method;
    match segs {
        [] if get => list(org, ctx),
        [] if m == Method::POST => create(org, ctx),
        [] => Err(method_not_allowed()),
        [id] if get => fetch(org, ctx, id),
        [id] if m == Method::PUT => replace(org, ctx, id),
        [id] if m == Method::DELETE => delete(org, ctx, id),
        [_] => Err(method_not_allowed()),
        [id, "users"] if get => members(org, ctx, id),
        [_, "users"] => Err(method_not_allowed()),
        [id, "users", user] if m == Method::PUT => membership(org, ctx, id, user, true),
        [id, "users", user] if m == Method::DELETE => membership(org, ctx, id, user, false),
        [_, "users", _] => Err(method_not_allowed()),
        [id, "apps"] if get => group_apps(org, ctx, id),
        [_, "apps"] => Err(method_not_allowed()),
        _ => Err(ApiError::not_found(&ctx.path, "Path")),
    }
}

fn stats(store: &Store, pos: u32) -> (usize, usize) {
    let users = store.group(pos).map_or(0, |g| g.members.len());
    let apps = store
        .apps
        .iter()
        .flatten()
        .filter(|a| a.groups.binary_search(&pos).is_ok())
        .count();
    (users, apps)
}

/// Groups' `search`: any property but `_embedded`, `_links` and `objectClass`; `co` only on the
/// name and description.
fn search_allows(attr: &str, op: Op) -> bool {
    let excluded = ["_embedded", "_links", "objectClass"]
        .iter()
        .any(|p| attr == *p || attr.starts_with(&format!("{p}.")));
    match op {
        Op::Co => matches!(attr, "profile.name" | "profile.description"),
        Op::Ne => false,
        _ => !excluded,
    }
}

fn filter_allows(attr: &str, op: Op) -> bool {
    match attr {
        "id" | "type" => op == Op::Eq,
        "lastUpdated" | "lastMembershipUpdated" => op == Op::Eq || op.is_ordering(),
        _ => false,
    }
}

fn list(org: &Org, ctx: &Ctx) -> Answer {
    let store = org.read();
    let expand_stats = ctx.param("expand") == Some("stats");
    let render =
        |pos: u32, g: &Group| render_group(g, &ctx.base, expand_stats.then(|| stats(&store, pos)));
    let live = store
        .groups
        .iter()
        .enumerate()
        .filter_map(|(p, g)| g.as_ref().map(|g| (p as u32, g)));
    if let Some(q) = ctx.param("q") {
        let limit = ctx.limit(300, 10000)?;
        let q = q.to_lowercase();
        let hits: Vec<Value> = live
            .filter(|(_, g)| g.name.to_lowercase().starts_with(&q))
            .take(limit)
            .map(|(p, g)| render(p, g))
            .collect();
        return Ok(Reply::page(Value::Array(hits), ctx.page_links(limit, None)));
    }
    let limit = ctx.limit(10000, 10000)?;
    let mut items: Vec<(u32, &Group, Value)> = live.map(|(p, g)| (p, g, render(p, g))).collect();
    if let Some(search) = ctx.param("search") {
        let expr = Expr::parse(search).ok_or_else(ApiError::bad_search)?;
        if !expr.allowed(&search_allows, true) {
            return Err(ApiError::bad_search());
        }
        items.retain(|(_, _, v)| expr.matches(&|a| lookup(v, a), true));
        if let Some(sort_by) = ctx.param("sortBy").filter(|s| !s.is_empty()) {
            sort_values(&mut items, sort_by, ctx.param("sortOrder"))?;
        }
    } else if let Some(filter) = ctx.param("filter") {
        let expr = Expr::parse(filter).ok_or_else(ApiError::bad_search)?;
        if !expr.allowed(&filter_allows, false) {
            return Err(ApiError::bad_search());
        }
        items.retain(|(_, _, v)| expr.matches(&|a| lookup(v, a), false));
    }
    let start = paging::start(ctx, &items, |(_, g, _)| &*g.id)?;
    paging::reply(
        ctx,
        limit,
        paging::take(&items[start..], limit),
        |(_, g, _)| g.id.to_string(),
        |(_, _, v)| v.clone(),
    )
}

/// Sorts rendered objects by one attribute (ties by id), as `sortBy`/`sortOrder` ask.
pub(super) fn sort_values<T>(
    items: &mut [(u32, T, Value)],
    sort_by: &str,
    order: Option<&str>,
) -> Result<(), ApiError> {
    let desc = match order.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("asc") | Some("ascending") => false,
        Some("desc") | Some("descending") => true,
        Some(_) => return Err(ApiError::validation("sortOrder", "must be asc or desc")),
    };
    let key = |v: &Value| match lookup(v, sort_by) {
        Some(Value::String(s)) => s.to_lowercase(),
        None | Some(Value::Null) => "\u{10FFFF}".into(),
        Some(other) => other.to_string(),
    };
    items.sort_by(|a, b| {
        key(&a.2)
            .cmp(&key(&b.2))
            .then_with(|| a.2["id"].as_str().cmp(&b.2["id"].as_str()))
    });
    if desc {
        items.reverse();
    }
    Ok(())
}

fn fetch(org: &Org, ctx: &Ctx, id: &str) -> Answer {
    let store = org.read();
    let pos = find::group(&store, id)?;
    let g = store.group(pos).ok_or_else(|| group_not_found(id))?;
    let expand_stats = ctx.param("expand") == Some("stats");
    Ok(Reply::ok(render_group(
        g,
        &ctx.base,
        expand_stats.then(|| stats(&store, pos)),
    )))
}

/// The `profile` of a create or replace body: a name is required.
fn read_profile(ctx: &Ctx) -> Result<(String, Option<String>), ApiError> {
    let body = ctx.json_object()?;
    let profile: Map<String, Value> = match body.get("profile") {
        Some(Value::Object(p)) => p.clone(),
        _ => {
            return Err(ApiError::validation(
                "profile",
                "The field cannot be left blank",
            ))
        }
    };
    let name = match profile.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => {
            return Err(ApiError::validation(
                "name",
                "The field cannot be left blank",
            ))
        }
    };
    if name.chars().count() > 255 {
        return Err(ApiError::validation(
            "name",
            "The field cannot exceed 255 characters",
        ));
    }
    let description = match profile.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ApiError::validation("description", "must be a string")),
    };
    Ok((name, description))
}

fn name_taken(store: &Store, name: &str, except: Option<u32>) -> bool {
    store.groups.iter().enumerate().any(|(p, g)| {
        g.as_ref()
            .is_some_and(|g| g.kind == GroupType::Okta && g.name.eq_ignore_ascii_case(name))
            && Some(p as u32) != except
    })
}

fn duplicate_name() -> ApiError {
    ApiError::validation(
        "name",
        "An object with this field already exists in the current organization",
    )
}

fn create(org: &Org, ctx: &Ctx) -> Answer {
    let (name, description) = read_profile(ctx)?;
    let mut store = org.write();
    if name_taken(&store, &name, None) {
        return Err(duplicate_name());
    }
    let now = now_ms();
    let id = store.new_id("00g", Kind::Group);
    let pos = store.groups.len() as u32;
    store.group_ids.insert(id.clone(), pos);
    store.groups.push(Some(Group {
        id,
        kind: GroupType::Okta,
        name,
        description,
        created: now,
        last_updated: now,
        last_membership_updated: now,
        members: Vec::new(),
    }));
    let target = store.actor_group(pos);
    store.record_admin(
        "group.lifecycle.create",
        "Create okta user group",
        vec![target],
        &ctx.request_id,
    );
    let g = store.group(pos).ok_or_else(|| group_not_found(""))?;
    Ok(Reply::ok(render_group(g, &ctx.base, None)))
}

fn replace(org: &Org, ctx: &Ctx, id: &str) -> Answer {
    let (name, description) = read_profile(ctx)?;
    let mut store = org.write();
    let pos = find::group(&store, id)?;
    if store.group(pos).is_some_and(|g| g.kind != GroupType::Okta) {
        return Err(ApiError::forbidden());
    }
    if name_taken(&store, &name, Some(pos)) {
        return Err(duplicate_name());
    }
    let now = now_ms();
    if let Some(g) = store.group_mut(pos) {
        g.name = name;
        g.description = description;
        g.last_updated = now;
    }
    let target = store.actor_group(pos);
    store.record_admin(
        "group.profile.update",
        "Update group profile",
        vec![target],
        &ctx.request_id,
    );
    let g = store.group(pos).ok_or_else(|| group_not_found(id))?;
    Ok(Reply::ok(render_group(g, &ctx.base, None)))
}

fn delete(org: &Org, ctx: &Ctx, id: &str) -> Answer {
    let mut store = org.write();
    let pos = find::group(&store, id)?;
    if store.group(pos).is_some_and(|g| g.kind != GroupType::Okta) {
        return Err(ApiError::forbidden());
    }
    let target = store.actor_group(pos);
    store.groups[pos as usize] = None;
    for a in store.apps.iter_mut().flatten() {
        remove_sorted(&mut a.groups, pos);
    }
    store.record_admin(
        "group.lifecycle.delete",
        "Delete okta user group",
        vec![target],
        &ctx.request_id,
    );
    Ok(Reply::NoContent)
}

fn members(org: &Org, ctx: &Ctx, id: &str) -> Answer {
    let store = org.read();
    let pos = find::group(&store, id)?;
    let g = store.group(pos).ok_or_else(|| group_not_found(id))?;
    let limit = ctx.limit(1000, 10000)?;
    let start = paging::after(ctx, |a| store.user_ids.get(a))?.map_or(0, |user| {
        match g.members.binary_search(user) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    });
    let users = g.members[start..].iter().filter_map(|&p| store.user(p));
    paging::reply(
        ctx,
        limit,
        paging::take(users, limit),
        |u| u.id.to_string(),
        |u| render_user(u, &ctx.base, false),
    )
}

fn membership(org: &Org, ctx: &Ctx, id: &str, user: &str, add: bool) -> Answer {
    // The rules before the store, the order every handler takes both in.
    let mut rules = org.group_rules();
    let mut store = org.write();
    let pos = find::group(&store, id)?;
    let upos = find::user_by_id(&store, user)?;
    if store.group(pos).is_some_and(|g| g.kind != GroupType::Okta) {
        return Err(ApiError::forbidden());
    }
    let now = now_ms();
    let changed = if add {
        store.add_member(pos, upos, now)
    } else {
        store.remove_member(pos, upos, now)
    };
    if changed && !add {
        super::group_rules::removed_by_hand(&mut rules, &store, pos, upos, now);
    }
    if changed {
        let targets = vec![store.actor_user(upos), store.actor_group(pos)];
        let (event, msg) = if add {
            ("group.user_membership.add", "Add user to group membership")
        } else {
            (
                "group.user_membership.remove",
                "Remove user from group membership",
            )
        };
        store.record_admin(event, msg, targets, &ctx.request_id);
    }
    Ok(Reply::NoContent)
}

fn group_apps(org: &Org, ctx: &Ctx, id: &str) -> Answer {
    let store = org.read();
    let pos = find::group(&store, id)?;
    let limit = ctx.limit(20, 200)?;
    let apps: Vec<Value> = store
        .apps
        .iter()
        .flatten()
        .filter(|a| a.groups.binary_search(&pos).is_ok())
        .take(limit)
        .map(|a| render_app(a, &ctx.base))
        .collect();
    Ok(Reply::page(Value::Array(apps), ctx.page_links(limit, None)))
}
