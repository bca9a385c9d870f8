//! `/api/v1/apps`: list (`q`, `filter` including `user.id` and `group.id`, paging), get, create,
//! replace, activate, deactivate, delete (only when inactive), app users and app groups.

use axum::http::Method;
use serde_json::{json, Map, Value};

use super::clock::now_ms;
use super::errors::ApiError;
use super::find::{self, app_not_found};
use super::lifecycle::LifecycleOp;
use super::query::{lookup, Expr, Op};
use super::store::{insert_sorted, remove_sorted, App, Group, Kind, Status, Store};
use super::views::{render_app, render_app_user, render_assignment};
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
        [id, "lifecycle", op] => match LifecycleOp::from_path(op) {
            Some(op @ (LifecycleOp::Activate | LifecycleOp::Deactivate)) if m == Method::POST => {
                lifecycle(org, ctx, id, op == LifecycleOp::Activate)
            }
            Some(LifecycleOp::Activate | LifecycleOp::Deactivate) => Err(method_not_allowed()),
            _ => Err(ApiError::not_found(&ctx.path, "Path")),
        },
        [id, "users"] if get => app_users(org, ctx, id),
        [id, "users"] if m == Method::POST => assign_user(org, ctx, id, None),
        [_, "users"] => Err(method_not_allowed()),
        [id, "users", user] if get => app_user(org, ctx, id, user),
        [id, "users", user] if m == Method::POST => assign_user(org, ctx, id, Some(user)),
        [id, "users", user] if m == Method::DELETE => unassign_user(org, ctx, id, user),
        [_, "users", _] => Err(method_not_allowed()),
        [id, "groups"] if get => app_groups(org, ctx, id),
        [_, "groups"] => Err(method_not_allowed()),
        [id, "groups", group] if get => app_group(org, ctx, id, group),
        [id, "groups", group] if m == Method::PUT => assign_group(org, ctx, id, group),
        [id, "groups", group] if m == Method::DELETE => unassign_group(org, ctx, id, group),
        [_, "groups", _] => Err(method_not_allowed()),
        _ => Err(ApiError::not_found(&ctx.path, "Path")),
    }
}

/// Whether a user is assigned to an app, directly or through one of its groups.
fn assigned(store: &Store, app: &App, user: u32) -> bool {
    app.users.binary_search(&user).is_ok()
        || app.groups.iter().any(|&g| {
            store
                .group(g)
                .is_some_and(|g| g.members.binary_search(&user).is_ok())
        })
}

fn filter_allows(attr: &str, op: Op) -> bool {
    op == Op::Eq
        && matches!(
            attr,
            "id" | "status"
                | "name"
                | "user.id"
                | "group.id"
                | "credentials.signing.kid"
                | "settings.slo.enabled"
        )
}

fn list(org: &Org, ctx: &Ctx) -> Answer {
    let store = org.read();
    let limit = ctx.limit(20, 200)?;
    let mut items: Vec<(u32, &App, Value)> = store
        .apps
        .iter()
        .enumerate()
        .filter_map(|(p, a)| a.as_ref().map(|a| (p as u32, a, render_app(a, &ctx.base))))
        .collect();
    if let Some(q) = ctx.param("q") {
        let q = q.to_lowercase();
        items.retain(|(_, a, _)| {
            a.name.to_lowercase().starts_with(&q) || a.label.to_lowercase().starts_with(&q)
        });
    }
    if let Some(filter) = ctx.param("filter") {
        let expr = Expr::parse(filter).ok_or_else(ApiError::bad_search)?;
        if !expr.allowed(&filter_allows, false) {
            return Err(ApiError::bad_search());
        }
        let user_lits = expr.literals("user.id");
        let group_lits = expr.literals("group.id");
        items.retain(|(_, a, v)| {
            // `user.id` and `group.id` are assignments, computed only for the ids asked about.
            let users: Vec<Value> = user_lits
                .iter()
                .filter(|id| {
                    store
                        .user_ids
                        .get(id.as_str())
                        .is_some_and(|&u| store.user(u).is_some() && assigned(&store, a, u))
                })
                .map(|id| Value::String(id.clone()))
                .collect();
            let groups: Vec<Value> = group_lits
                .iter()
                .filter(|id| {
                    store
                        .find_group(id)
                        .is_some_and(|g| a.groups.binary_search(&g).is_ok())
                })
                .map(|id| Value::String(id.clone()))
                .collect();
            expr.matches(
                &|attr| match attr {
                    "user.id" => Some(Value::Array(users.clone())),
                    "group.id" => Some(Value::Array(groups.clone())),
                    _ => lookup(v, attr),
                },
                false,
            )
        });
    }
    let start = paging::start(ctx, &items, |(_, app, _)| &*app.id)?;
    paging::reply(
        ctx,
        limit,
        paging::take(&items[start..], limit),
        |(_, app, _)| app.id.to_string(),
        |(_, _, v)| v.clone(),
    )
}

fn fetch(org: &Org, ctx: &Ctx, id: &str) -> Answer {
    let store = org.read();
    let pos = find::app(&store, id)?;
    let a = store.app(pos).ok_or_else(|| app_not_found(id))?;
    Ok(Reply::ok(render_app(a, &ctx.base)))
}

const SIGN_ON_MODES: &[&str] = &[
    "AUTO_LOGIN",
    "BASIC_AUTH",
    "BOOKMARK",
    "BROWSER_PLUGIN",
    "OPENID_CONNECT",
    "SAML_1_1",
    "SAML_2_0",
    "SECURE_PASSWORD_STORE",
    "WS_FEDERATION",
];

/// Read-only properties a client may echo back; they are the server's to set.
const READ_ONLY: &[&str] = &[
    "id",
    "name",
    "label",
    "status",
    "created",
    "lastUpdated",
    "signOnMode",
    "_links",
    "_embedded",
    "orn",
];

/// Checks an app body: a label, a known `signOnMode`, and a bookmark's URL.
/// Sign-on modes of custom apps whose `name` Okta generates (a unique key; the spec's
/// `SamlApplication` and `AutoLoginApplication` have it read-only).
const GENERATED_NAMES: &[&str] = &["SAML_2_0", "AUTO_LOGIN"];

/// An app's body: its name (`None`: Okta makes one, see [`GENERATED_NAMES`]), label, sign-on
/// mode and the rest.
type AppBody = (Option<String>, String, String, Map<String, Value>);

fn read_app(ctx: &Ctx) -> Result<AppBody, ApiError> {
    let body = ctx.json_object()?;
    let label = match body.get("label") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => {
            return Err(ApiError::validation(
                "label",
                "The field cannot be left blank",
            ))
        }
    };
    let mode = match body.get("signOnMode").and_then(Value::as_str) {
        Some(m) if SIGN_ON_MODES.contains(&m) => m.to_string(),
        Some(_) => return Err(ApiError::validation("signOnMode", "Invalid sign on mode")),
        None => {
            return Err(ApiError::validation(
                "signOnMode",
                "The field cannot be left blank",
            ))
        }
    };
    let name = match (mode.as_str(), body.get("name").and_then(Value::as_str)) {
        ("BOOKMARK", None | Some("bookmark")) => Some("bookmark".to_string()),
        ("BOOKMARK", Some(_)) => {
            return Err(ApiError::validation(
                "name",
                "A BOOKMARK app must be named bookmark",
            ))
        }
        (_, Some(n)) if !n.trim().is_empty() => Some(n.to_string()),
        (mode, _) if GENERATED_NAMES.contains(&mode) => None,
        _ => {
            return Err(ApiError::validation(
                "name",
                "The field cannot be left blank",
            ))
        }
    };
    if mode == "BOOKMARK"
        && lookup(&Value::Object(body.clone()), "settings.app.url")
            .and_then(|v| v.as_str().map(str::to_string))
            .is_none_or(|u| u.trim().is_empty())
    {
        return Err(ApiError::validation(
            "settings.app.url",
            "The field cannot be left blank",
        ));
    }
    let mut rest = super::store::bookmark_body("");
    if mode != "BOOKMARK" {
        rest.remove("settings");
    }
    for (k, v) in body {
        if !READ_ONLY.contains(&k.as_str()) {
            rest.insert(k, v);
        }
    }
    Ok((name, label, mode, rest))
}

/// The unique key Okta gives a custom app: the org, the label's letters and digits, a number
/// (`demo_expensesportal_1`).
fn generated_name(store: &Store, label: &str) -> String {
    let slug: String = label
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let taken = |name: &str| store.apps.iter().flatten().any(|a| a.name == name);
    (1..)
        .map(|n| format!("demo_{slug}_{n}"))
        .find(|name| !taken(name))
        .unwrap_or_default()
}

/// The token endpoint authentication methods that need a client secret.
const SECRET_METHODS: [&str; 3] = [
    "client_secret_basic",
    "client_secret_post",
    "client_secret_jwt",
];

/// An OAuth client's `credentials.oauthClient` as Okta completes it (the spec's
/// ApplicationCredentialsOAuthClient): `client_id` is the app's id unless one was given, and a
/// client whose method (by default `client_secret_basic`) needs a secret and sent none gets one
/// made. The made secret is returned, not kept: Okta shows it only in the answer that made it.
fn complete_oauth_client(
    body: &mut Map<String, Value>,
    id: &str,
    store: &mut Store,
) -> Option<String> {
    let credentials = body
        .entry("credentials")
        .or_insert_with(|| json!({}))
        .as_object_mut()?;
    let client = credentials
        .entry("oauthClient")
        .or_insert_with(|| json!({}))
        .as_object_mut()?;
    client.entry("client_id").or_insert_with(|| Value::from(id));
    let method = client
        .entry("token_endpoint_auth_method")
        .or_insert_with(|| Value::from("client_secret_basic"))
        .as_str()
        .unwrap_or_default()
        .to_string();
    (SECRET_METHODS.contains(&method.as_str()) && !client.contains_key("client_secret"))
        .then(|| store.token(40))
}

fn create(org: &Org, ctx: &Ctx) -> Answer {
    let activate = ctx.flag("activate", true)?;
    let (name, label, mode, mut body) = read_app(ctx)?;
    let mut store = org.write();
    let name = name.unwrap_or_else(|| generated_name(&store, &label));
    let now = now_ms();
    let id = store.new_id("0oa", Kind::App);
    let made_secret = if mode == "OPENID_CONNECT" {
        complete_oauth_client(&mut body, &id, &mut store)
    } else {
        None
    };
    let pos = store.apps.len() as u32;
    store.app_ids.insert(id.clone(), pos);
    store.apps.push(Some(App {
        id,
        name,
        label,
        active: activate,
        sign_on_mode: mode,
        created: now,
        last_updated: now,
        body,
        users: Vec::new(),
        groups: Vec::new(),
    }));
    let target = store.actor_app(pos);
    store.record_admin(
        "application.lifecycle.create",
        "Add application",
        vec![target.clone()],
        &ctx.request_id,
    );
    if activate {
        store.record_admin(
            "application.lifecycle.activate",
            "Activate application",
            vec![target],
            &ctx.request_id,
        );
    }
    let a = store.app(pos).ok_or_else(|| app_not_found(""))?;
    let mut answer = render_app(a, &ctx.base);
    if let (Some(secret), Some(client)) =
        (made_secret, answer.pointer_mut("/credentials/oauthClient"))
    {
        client["client_secret"] = Value::from(secret);
    }
    Ok(Reply::ok(answer))
}

fn replace(org: &Org, ctx: &Ctx, id: &str) -> Answer {
    let (name, label, mode, body) = read_app(ctx)?;
    let mut store = org.write();
    let pos = find::app(&store, id)?;
    // A generated name need not be sent back.
    if store.app(pos).is_some_and(|a| {
        a.sign_on_mode != mode || name.as_ref().is_some_and(|name| *name != a.name)
    }) {
        return Err(ApiError::validation(
            "signOnMode",
            "The sign on mode and name of an app cannot be changed",
        ));
    }
    let now = now_ms();
    if let Some(a) = store.app_mut(pos) {
        a.label = label;
        a.body = body;
        a.last_updated = now;
    }
    let target = store.actor_app(pos);
    store.record_admin(
        "application.lifecycle.update",
        "Update application",
        vec![target],
        &ctx.request_id,
    );
    let a = store.app(pos).ok_or_else(|| app_not_found(id))?;
    Ok(Reply::ok(render_app(a, &ctx.base)))
}

fn lifecycle(org: &Org, ctx: &Ctx, id: &str, activate: bool) -> Answer {
    let mut store = org.write();
    let pos = find::app(&store, id)?;
    let now = now_ms();
    let mut changed = false;
    if let Some(a) = store.app_mut(pos) {
        changed = a.active != activate;
        a.active = activate;
        if changed {
            a.last_updated = now;
        }
    }
    if changed {
        let target = store.actor_app(pos);
        let (event, msg) = if activate {
            ("application.lifecycle.activate", "Activate application")
        } else {
            ("application.lifecycle.deactivate", "Deactivate application")
        };
        store.record_admin(event, msg, vec![target], &ctx.request_id);
    }
    Ok(Reply::ok(json!({})))
}

/// Okta deletes only inactive apps.
fn delete(org: &Org, ctx: &Ctx, id: &str) -> Answer {
    let mut store = org.write();
    let pos = find::app(&store, id)?;
    if store.app(pos).is_some_and(|a| a.active) {
        return Err(ApiError::new("E0000056", ""));
    }
    let target = store.actor_app(pos);
    store.apps[pos as usize] = None;
    store.record_admin(
        "application.lifecycle.delete",
        "Delete application",
        vec![target],
        &ctx.request_id,
    );
    Ok(Reply::NoContent)
}

fn app_users(org: &Org, ctx: &Ctx, id: &str) -> Answer {
    let store = org.read();
    let pos = find::app(&store, id)?;
    let a = store.app(pos).ok_or_else(|| app_not_found(id))?;
    let limit = ctx.limit(50, 500)?;
    let start = paging::after(ctx, |c| store.user_ids.get(c))?.map_or(0, |&p| p as usize + 1);
    let users = (start..store.users.len()).filter_map(|p| {
        let p = p as u32;
        let u = store.user(p)?;
        assigned(&store, a, p).then_some((p, u))
    });
    paging::reply(
        ctx,
        limit,
        paging::take(users, limit),
        |(_, u)| u.id.to_string(),
        |&(p, _)| render_app_user(&store, a, p, &ctx.base),
    )
}

fn app_user(org: &Org, ctx: &Ctx, id: &str, user: &str) -> Answer {
    let store = org.read();
    let pos = find::app(&store, id)?;
    let a = store.app(pos).ok_or_else(|| app_not_found(id))?;
    let u = find::user_by_id(&store, user).map_err(|_| ApiError::not_found(user, "AppUser"))?;
    if !assigned(&store, a, u) {
        return Err(ApiError::not_found(user, "AppUser"));
    }
    Ok(Reply::ok(render_app_user(&store, a, u, &ctx.base)))
}

/// `POST /apps/{id}/users` (the body names the user) or `POST /apps/{id}/users/{userId}`.
fn assign_user(org: &Org, ctx: &Ctx, id: &str, user: Option<&str>) -> Answer {
    let body = ctx.json_object_or_empty()?;
    let user_id = match user {
        Some(u) => u.to_string(),
        None => match body.get("id").and_then(Value::as_str) {
            Some(u) => u.to_string(),
            None => return Err(ApiError::validation("id", "The field cannot be left blank")),
        },
    };
    let mut store = org.write();
    let pos = find::app(&store, id)?;
    let upos = find::user_by_id(&store, &user_id)?;
    if store
        .user(upos)
        .is_some_and(|u| u.status == Status::Deprovisioned)
    {
        return Err(ApiError::new("E0000117", ""));
    }
    let mut added = false;
    if let Some(a) = store.app_mut(pos) {
        if user.is_some() && a.users.binary_search(&upos).is_err() {
            return Err(ApiError::not_found(&user_id, "AppUser"));
        }
        added = insert_sorted(&mut a.users, upos);
    }
    if added {
        let targets = vec![store.actor_user(upos), store.actor_app(pos)];
        store.record_admin(
            "application.user_membership.add",
            "Add user to application membership",
            targets,
            &ctx.request_id,
        );
    }
    let a = store.app(pos).ok_or_else(|| app_not_found(id))?;
    Ok(Reply::ok(render_app_user(&store, a, upos, &ctx.base)))
}

fn unassign_user(org: &Org, ctx: &Ctx, id: &str, user: &str) -> Answer {
    let mut store = org.write();
    let pos = find::app(&store, id)?;
    let upos = find::user_by_id(&store, user).map_err(|_| ApiError::not_found(user, "AppUser"))?;
    let removed = store
        .app_mut(pos)
        .is_some_and(|a| remove_sorted(&mut a.users, upos));
    if !removed {
        return Err(ApiError::not_found(user, "AppUser"));
    }
    let targets = vec![store.actor_user(upos), store.actor_app(pos)];
    store.record_admin(
        "application.user_membership.remove",
        "Remove user from application membership",
        targets,
        &ctx.request_id,
    );
    Ok(Reply::NoContent)
}

fn app_groups(org: &Org, ctx: &Ctx, id: &str) -> Answer {
    let store = org.read();
    let pos = find::app(&store, id)?;
    let a = store.app(pos).ok_or_else(|| app_not_found(id))?;
    let limit = ctx.limit(20, 200)?;
    let groups: Vec<(u32, &Group)> = a
        .groups
        .iter()
        .filter_map(|&g| Some((g, store.group(g)?)))
        .collect();
    let start = paging::after(ctx, |c| store.group_ids.get(c))?.map_or(0, |g| {
        groups
            .iter()
            .position(|(x, _)| x > g)
            .unwrap_or(groups.len())
    });
    paging::reply(
        ctx,
        limit,
        paging::take(&groups[start..], limit),
        |(_, g)| g.id.to_string(),
        |&&(g, _)| render_assignment(&store, a, g, &ctx.base),
    )
}

fn app_group(org: &Org, ctx: &Ctx, id: &str, group: &str) -> Answer {
    let store = org.read();
    let pos = find::app(&store, id)?;
    let a = store.app(pos).ok_or_else(|| app_not_found(id))?;
    let g = find::group(&store, group)?;
    if a.groups.binary_search(&g).is_err() {
        return Err(ApiError::not_found(group, "ApplicationGroupAssignment"));
    }
    Ok(Reply::ok(render_assignment(&store, a, g, &ctx.base)))
}

fn assign_group(org: &Org, ctx: &Ctx, id: &str, group: &str) -> Answer {
    ctx.json_object_or_empty()?;
    let mut store = org.write();
    let pos = find::app(&store, id)?;
    let g = find::group(&store, group)?;
    let added = store
        .app_mut(pos)
        .is_some_and(|a| insert_sorted(&mut a.groups, g));
    if added {
        let targets = vec![store.actor_app(pos), store.actor_group(g)];
        store.record_admin(
            "group.application_assignment.add",
            "Add assigned application to group",
            targets,
            &ctx.request_id,
        );
    }
    let a = store.app(pos).ok_or_else(|| app_not_found(id))?;
    Ok(Reply::ok(render_assignment(&store, a, g, &ctx.base)))
}

fn unassign_group(org: &Org, ctx: &Ctx, id: &str, group: &str) -> Answer {
    let mut store = org.write();
    let pos = find::app(&store, id)?;
    let g = find::group(&store, group)?;
    let removed = store
        .app_mut(pos)
        .is_some_and(|a| remove_sorted(&mut a.groups, g));
    if !removed {
        return Err(ApiError::not_found(group, "ApplicationGroupAssignment"));
    }
    let targets = vec![store.actor_app(pos), store.actor_group(g)];
    store.record_admin(
        "group.application_assignment.remove",
        "Remove assigned application from group",
        targets,
        &ctx.request_id,
    );
    Ok(Reply::NoContent)
}
