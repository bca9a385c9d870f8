//! `/api/v1/users`: list and search, get (by id, login, shortname or `me`), create, partial and
//! full update, lifecycle operations, two-step delete, and a user's groups.

use axum::http::Method;
use serde_json::{json, Map, Value};

use std::time::Duration;

use super::clock::now_ms;
use super::credentials::{self, read_credentials, remember};
use super::errors::ApiError;
use super::find::{self, user_not_found};
use super::group_rules::{self, Rules};
use super::lifecycle::LifecycleOp;
use super::query::{Expr, Op};
use super::store::{remove_sorted, Kind, Profile, Status, Store, Transition, User, USER_TYPE_ID};
use super::views::{render_group, render_user};
use super::{method_not_allowed, paging, Answer, Ctx, Org, Reply};

pub(super) fn route(org: &Org, ctx: &Ctx, segs: &[&str]) -> Answer {
    let get = ctx.method == Method::GET || ctx.method == Method::HEAD;
    match segs {
        [] if get => list(org, ctx),
        [] if ctx.method == Method::POST => create(org, ctx),
        [] => Err(method_not_allowed()),
        [id] if get => fetch(org, ctx, id),
        [id] if ctx.method == Method::POST => update(org, ctx, id, true),
        [id] if ctx.method == Method::PUT => update(org, ctx, id, false),
        [id] if ctx.method == Method::DELETE => delete(org, ctx, id),
        [_] => Err(method_not_allowed()),
        [id, "groups"] if get => user_groups(org, ctx, id),
        [_, "groups"] => Err(method_not_allowed()),
        [id, "appLinks"] if get => credentials::app_links(org, ctx, id),
        [_, "appLinks"] => Err(method_not_allowed()),
        [id, "sessions"] if ctx.method == Method::DELETE => {
            credentials::clear_sessions(org, ctx, id)
        }
        [_, "sessions"] => Err(method_not_allowed()),
        [id, "credentials", op] if ctx.method == Method::POST => {
            credentials::route(org, ctx, id, op)
        }
        [_, "credentials", _] => Err(method_not_allowed()),
        [id, "lifecycle", op] => match LifecycleOp::from_path(op) {
            Some(op) if ctx.method == Method::POST => lifecycle(org, ctx, id, op),
            Some(_) => Err(method_not_allowed()),
            None => Err(ApiError::not_found(&ctx.path, "Path")),
        },
        _ => Err(ApiError::not_found(&ctx.path, "Path")),
    }
}

/// Position-ordered paging: users after the cursor's position that pass `keep`.
fn page_by_position<'a>(
    store: &'a Store,
    ctx: &Ctx,
    limit: usize,
    keep: &dyn Fn(&User) -> bool,
) -> Result<(Vec<&'a User>, bool), ApiError> {
    let start = paging::after(ctx, |a| store.user_ids.get(a))?.map_or(0, |&p| p as usize + 1);
    let users = store.users[start.min(store.users.len())..].iter().flatten();
    Ok(paging::take(users.filter(|u| keep(u)), limit))
}

fn list(org: &Org, ctx: &Ctx) -> Answer {
    let store = org.read();
    let base = &ctx.base;
    if let Some(q) = ctx.param("q") {
        // `q` is a simple prefix match that never pages.
        let limit = ctx.limit(10, 200)?;
        let q = q.to_lowercase();
        let hits: Vec<Value> = store
            .users
            .iter()
            .flatten()
            .filter(|u| u.status != Status::Deprovisioned)
            .filter(|u| {
                ["firstName", "lastName", "email", "login"].iter().any(|f| {
                    u.profile_attr(f)
                        .and_then(|v| v.as_str().map(|s| s.to_lowercase().starts_with(&q)))
                        .unwrap_or(false)
                })
            })
            .take(limit)
            .map(|u| render_user(u, base, false))
            .collect();
        return Ok(Reply::page(Value::Array(hits), ctx.page_links(limit, None)));
    }
    let limit = ctx.limit(200, 200)?;
    let (page, more): (Vec<&User>, bool) = if let Some(search) = ctx.param("search") {
        let expr = Expr::parse(search).ok_or_else(ApiError::bad_search)?;
        if !expr.allowed(&search_allows, true) {
            return Err(ApiError::bad_search());
        }
        let keep = |u: &User| expr.matches(&|a| u.attr(a), true);
        match ctx.param("sortBy").filter(|s| !s.is_empty()) {
            None => page_by_position(&store, ctx, limit, &keep)?,
            Some(sort_by) => {
                let desc = match ctx
                    .param("sortOrder")
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    None | Some("") | Some("asc") | Some("ascending") => false,
                    Some("desc") | Some("descending") => true,
                    Some(_) => {
                        return Err(ApiError::validation("sortOrder", "must be asc or desc"))
                    }
                };
                let mut all: Vec<(String, &User)> = store
                    .users
                    .iter()
                    .flatten()
                    .filter(|u| keep(u))
                    .map(|u| (sort_key(u.attr(sort_by)), u))
                    .collect();
                all.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
                if desc {
                    all.reverse();
                }
                let start = paging::start(ctx, &all, |(_, u)| &*u.id)?;
                paging::take(all[start..].iter().map(|&(_, u)| u), limit)
            }
        }
    } else if let Some(filter) = ctx.param("filter") {
        let expr = Expr::parse(filter).ok_or_else(ApiError::bad_search)?;
        if !expr.allowed(&filter_allows, false) {
            return Err(ApiError::bad_search());
        }
        page_by_position(&store, ctx, limit, &|u| expr.matches(&|a| u.attr(a), false))?
    } else {
        page_by_position(&store, ctx, limit, &|u| u.status != Status::Deprovisioned)?
    };
    paging::reply(
        ctx,
        limit,
        (page, more),
        |u| u.id.to_string(),
        |u| render_user(u, base, false),
    )
}

/// Strings sort as text, case-insensitively; missing values sort last.
fn sort_key(v: Option<Value>) -> String {
    match v {
        None | Some(Value::Null) => "\u{10FFFF}".into(),
        Some(Value::String(s)) => s.to_lowercase(),
        Some(Value::Number(n)) => format!("{:>24}", n.to_string()),
        Some(other) => other.to_string(),
    }
}

/// Users' `search`: top-level dates, id, status, `type.id` and any profile property; `eq`, `sw`,
/// ordering and `pr`, with `co` only on the four name properties. `ne` is not supported (the spec
/// says to use `lt … or gt …` instead).
fn search_allows(attr: &str, op: Op) -> bool {
    let top = matches!(
        attr,
        "id" | "status"
            | "created"
            | "activated"
            | "statusChanged"
            | "lastUpdated"
            | "lastLogin"
            | "passwordChanged"
            | "type.id"
    );
    let profile = attr.strip_prefix("profile.").is_some_and(|p| !p.is_empty());
    match op {
        Op::Ne | Op::Ew => false,
        Op::Co => matches!(
            attr,
            "profile.firstName" | "profile.lastName" | "profile.email" | "profile.login"
        ),
        _ => top || profile,
    }
}

/// Users' `filter`: seven properties, `eq` only, plus ordering on `lastUpdated`.
fn filter_allows(attr: &str, op: Op) -> bool {
    match attr {
        "lastUpdated" => op == Op::Eq || op.is_ordering(),
        "status" | "id" | "profile.login" | "profile.email" | "profile.firstName"
        | "profile.lastName" => op == Op::Eq,
        _ => false,
    }
}

/// A user with its `ETag`, as a fetch or an update answers.
fn with_etag(u: &User, base: &str) -> Reply {
    Reply::Json {
        status: 200,
        body: render_user(u, base, true),
        links: Vec::new(),
        etag: Some(u.etag()),
    }
}

fn fetch(org: &Org, ctx: &Ctx, key: &str) -> Answer {
    let store = org.read();
    let pos = find::user(&store, ctx, key)?;
    let u = store.user(pos).ok_or_else(|| user_not_found(key))?;
    Ok(with_etag(u, &ctx.base))
}

fn user_groups(org: &Org, ctx: &Ctx, key: &str) -> Answer {
    let store = org.read();
    let pos = find::user(&store, ctx, key)?;
    let groups: Vec<Value> = store
        .groups_of(pos)
        .into_iter()
        .filter_map(|g| store.group(g))
        .map(|g| render_group(g, &ctx.base, None))
        .collect();
    Ok(Reply::ok(Value::Array(groups)))
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// Checks a full profile against Okta's default user schema; the error lists every problem.
fn validate_profile(profile: &Map<String, Value>) -> Result<(), ApiError> {
    let mut causes: Vec<(String, String)> = Vec::new();
    let text = |k: &str| profile.get(k).and_then(Value::as_str);
    for field in ["login", "email", "firstName", "lastName"] {
        match profile.get(field) {
            None | Some(Value::Null) => {
                causes.push((field.into(), "The field cannot be left blank".into()))
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                causes.push((field.into(), "The field cannot be left blank".into()))
            }
            Some(Value::String(_)) => {}
            Some(_) => causes.push((field.into(), "The field must be a string".into())),
        }
    }
    if let Some(login) = text("login").filter(|s| !s.trim().is_empty()) {
        if !is_email(login) {
            causes.push((
                "login".into(),
                "Username must be in the form of an email address".into(),
            ));
        } else if !(5..=100).contains(&login.chars().count()) {
            causes.push((
                "login".into(),
                "The field must be between 5 and 100 characters".into(),
            ));
        }
    }
    if let Some(email) = text("email").filter(|s| !s.trim().is_empty()) {
        if !is_email(email) || !(5..=100).contains(&email.chars().count()) {
            causes.push(("email".into(), "Does not match required pattern".into()));
        }
    }
    for field in ["firstName", "lastName"] {
        if text(field).is_some_and(|s| s.chars().count() > 50) {
            causes.push((field.into(), "The field cannot exceed 50 characters".into()));
        }
    }
    if let Some((first, _)) = causes.first() {
        let mut e = ApiError::new("E0000001", first);
        for (f, why) in &causes {
            e = e.cause(format!("{f}: {why}"));
        }
        return Err(e);
    }
    Ok(())
}

fn login_taken(store: &Store, login: &str, except: Option<u32>) -> bool {
    store
        .logins
        .get(&login.to_lowercase())
        .is_some_and(|&p| Some(p) != except)
}

fn duplicate_login() -> ApiError {
    ApiError::validation(
        "login",
        "An object with this field already exists in the current organization",
    )
}

fn create(org: &Org, ctx: &Ctx) -> Answer {
    let body = ctx.json_object()?;
    let activate = ctx.flag("activate", true)?;
    let provider = ctx.flag("provider", false)?;
    let expire_now = match ctx.param("nextLogin") {
        None | Some("") => false,
        Some("changePassword") => true,
        Some(_) => return Err(ApiError::validation("nextLogin", "must be changePassword")),
    };
    let profile = match body.get("profile") {
        Some(Value::Object(p)) => p.clone(),
        _ => {
            return Err(ApiError::validation(
                "profile",
                "The field cannot be left blank",
            ))
        }
    };
    validate_profile(&profile)?;
    let creds = read_credentials(&body)?;
    let has_password = creds.as_ref().is_some_and(|c| c.password);
    if expire_now && !activate {
        let msg = "Could not create user. To create a user and expire their password immediately, `activate` must be true.";
        return Err(ApiError::new("E0000125", "").cause(msg));
    }
    if expire_now && !has_password {
        let msg = "Could not create user. To create a user and expire their password immediately, a password must be specified.";
        return Err(ApiError::new("E0000124", "").cause(msg));
    }
    let group_ids: Vec<String> = match body.get("groupIds") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ids)) => ids
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| ApiError::validation("groupIds", "must be a list of group ids"))?,
        Some(_) => {
            return Err(ApiError::validation(
                "groupIds",
                "must be a list of group ids",
            ))
        }
    };
    if group_ids.len() > 20 {
        return Err(ApiError::new("E0000093", "").cause("The number of group targets is too large"));
    }
    if let Some(t) = body.get("type").and_then(|t| t.get("id")) {
        if t.as_str() != Some(USER_TYPE_ID) {
            return Err(ApiError::validation("type", "Invalid user type"));
        }
    }

    // The rules before the store, the order every handler takes both in.
    let mut rules = org.group_rules();
    let mut store = org.write();
    let login = profile["login"].as_str().unwrap_or_default().to_string();
    if login_taken(&store, &login, None) {
        return Err(duplicate_login());
    }
    let mut groups = Vec::new();
    for gid in &group_ids {
        let g = store
            .find_group(gid)
            .filter(|&g| {
                store
                    .group(g)
                    .is_some_and(|g| g.kind == super::store::GroupType::Okta)
            })
            .ok_or_else(|| {
                ApiError::validation(
                    "groupIds",
                    &format!("Group not found or not an OKTA_GROUP: {gid}"),
                )
            })?;
        groups.push(g);
    }
    let now = now_ms();
    let status = if !activate {
        Status::Staged
    } else if expire_now {
        Status::PasswordExpired
    } else if has_password || provider {
        Status::Active
    } else {
        Status::Provisioned
    };
    // With `--transition-ms`, the activation is under way when Okta answers: the user is STAGED
    // and shows where it is going.
    let (status, transitioning_to) = if activate && !org.transition.is_zero() {
        (Status::Staged, Some(status))
    } else {
        (status, None)
    };
    let id = store.new_id("00u", Kind::User);
    let pos = store.users.len() as u32;
    let user = User {
        id: id.clone(),
        login: login.clone().into_boxed_str(),
        status,
        created: now,
        activated: (status != Status::Staged && status != Status::Provisioned).then_some(now),
        status_changed: (status != Status::Staged).then_some(now),
        last_login: None,
        last_updated: now,
        password_changed: has_password.then_some(now),
        has_password,
        recovery_question: creds
            .as_ref()
            .and_then(|c| c.question.clone())
            .map(String::into_boxed_str),
        version: 0,
        profile: Profile::Custom(Box::new(profile)),
        transitioning_to: None,
    };
    store.users.push(Some(user));
    if let Some(to) = transitioning_to {
        begin_transition(&mut store, pos, to, now, org.transition);
    }
    if let Some(c) = creds {
        remember(&mut store, pos, &c);
    }
    store.user_ids.insert(id, pos);
    store.logins.insert(login.to_lowercase(), pos);
    let everyone = store.everyone;
    store.add_member(everyone, pos, now);
    let target = store.actor_user(pos);
    store.record_admin(
        "user.lifecycle.create",
        "Create Okta user",
        vec![target.clone()],
        &ctx.request_id,
    );
    if status != Status::Staged || transitioning_to.is_some() {
        let (event, message) = LifecycleOp::Activate.rule().event;
        store.record_admin(event, message, vec![target.clone()], &ctx.request_id);
    }
    for g in groups {
        if store.add_member(g, pos, now) {
            let group = store.actor_group(g);
            store.record_admin(
                "group.user_membership.add",
                "Add user to group membership",
                vec![target.clone(), group],
                &ctx.request_id,
            );
        }
    }
    apply_rules(&mut rules, &mut store, pos, now, &ctx.request_id);
    let u = store.user(pos).ok_or_else(|| user_not_found(&login))?;
    Ok(Reply::ok(render_user(u, &ctx.base, true)))
}

fn update(org: &Org, ctx: &Ctx, key: &str, partial: bool) -> Answer {
    let body = ctx.json_object()?;
    let creds = read_credentials(&body)?;
    let mut rules = org.group_rules();
    let mut store = org.write();
    let pos = find::user(&store, ctx, key)?;
    let u = store.user(pos).ok_or_else(|| user_not_found(key))?;
    if let Some(tag) = ctx.headers.get("if-match").and_then(|v| v.to_str().ok()) {
        if tag.trim() != "*" && tag.trim() != u.etag() {
            return Err(ApiError::new("E0000231", ""));
        }
    }
    if u.status == Status::Deprovisioned {
        return Err(ApiError::wrong_status());
    }
    let new_profile = match (body.get("profile"), partial) {
        (Some(Value::Object(p)), true) => {
            let mut merged = u.profile_json();
            for (k, v) in p {
                merged.insert(k.clone(), v.clone());
            }
            Some(merged)
        }
        (Some(Value::Object(p)), false) => Some(p.clone()),
        (None, true) | (Some(Value::Null), true) => None,
        // A PUT "replaces a user's profile, credentials, or both" (the spec's replaceUser):
        // credentials alone leave the profile as it is (the collections' "Set Password").
        (None, false) | (Some(Value::Null), false) if creds.is_some() => None,
        (None, false) | (Some(Value::Null), false) => {
            return Err(ApiError::validation(
                "profile",
                "The field cannot be left blank",
            ))
        }
        (Some(_), _) => return Err(ApiError::validation("profile", "must be an object")),
    };
    if let Some(p) = &new_profile {
        validate_profile(p)?;
        let login = p["login"].as_str().unwrap_or_default();
        if login_taken(&store, login, Some(pos)) {
            return Err(duplicate_login());
        }
    }
    let now = now_ms();
    let old_login = u.login.to_lowercase();
    let profile_changed = new_profile.is_some();
    let password_changed = creds.as_ref().is_some_and(|c| c.password);
    if let Some(p) = new_profile {
        let login = p["login"].as_str().unwrap_or_default().to_string();
        store.logins.remove(&old_login);
        store.logins.insert(login.to_lowercase(), pos);
        if let Some(u) = store.user_mut(pos) {
            u.login = login.into_boxed_str();
            u.profile = Profile::Custom(Box::new(p));
        }
    }
    if let Some(c) = &creds {
        remember(&mut store, pos, c);
    }
    if let Some(u) = store.user_mut(pos) {
        if let Some(c) = creds {
            if c.password {
                u.has_password = true;
                u.password_changed = Some(now);
            }
            if let Some(q) = c.question {
                u.recovery_question = Some(q.into_boxed_str());
            }
        }
        u.touch(now);
    }
    let target = store.actor_user(pos);
    if profile_changed || !password_changed {
        store.record_admin(
            "user.account.update_profile",
            "Update user profile for Okta",
            vec![target.clone()],
            &ctx.request_id,
        );
    }
    if password_changed {
        store.record_admin(
            "user.account.update_password",
            "Update password for user",
            vec![target],
            &ctx.request_id,
        );
    }
    if profile_changed {
        apply_rules(&mut rules, &mut store, pos, now, &ctx.request_id);
    }
    let u = store.user(pos).ok_or_else(|| user_not_found(key))?;
    Ok(with_etag(u, &ctx.base))
}

/// The active group rules evaluated again for this user, each membership they give or take back
/// logged as Okta logs a rule's.
fn apply_rules(rules: &mut Rules, store: &mut Store, pos: u32, now: i64, request_id: &str) {
    for change in group_rules::reevaluate(rules, store, pos, now) {
        let (event, message) = if change.added {
            ("group.user_membership.add", "Add user to group membership")
        } else {
            (
                "group.user_membership.remove",
                "Remove user from group membership",
            )
        };
        let targets = vec![store.actor_user(pos), store.actor_group(change.group)];
        store.record_admin(event, message, targets, request_id);
    }
}

/// Okta's two-step delete: the first DELETE of a user that is not DEPROVISIONED deactivates it;
/// the next one removes it.
fn delete(org: &Org, ctx: &Ctx, key: &str) -> Answer {
    let mut store = org.write();
    let pos = find::user(&store, ctx, key)?;
    if pos == store.admin || pos == store.readonly_admin {
        // The token owners stay, or the org would lock itself out.
        return Err(ApiError::forbidden());
    }
    let status = store
        .user(pos)
        .map(|u| u.status)
        .ok_or_else(|| user_not_found(key))?;
    let now = now_ms();
    let target = store.actor_user(pos);
    if status != Status::Deprovisioned {
        deactivate(&mut store, pos, now);
        let (event, message) = LifecycleOp::Deactivate.rule().event;
        store.record_admin(event, message, vec![target], &ctx.request_id);
        return Ok(Reply::NoContent);
    }
    if let Some(u) = store.users.get_mut(pos as usize).and_then(Option::take) {
        store.logins.remove(&u.login.to_lowercase());
    }
    store.secrets.remove(&pos);
    for g in store.groups.iter_mut().flatten() {
        if remove_sorted(&mut g.members, pos) {
            g.last_membership_updated = now;
        }
    }
    for a in store.apps.iter_mut().flatten() {
        remove_sorted(&mut a.users, pos);
    }
    store.record_admin(
        "user.lifecycle.delete.initiated",
        "Delete Okta user",
        vec![target],
        &ctx.request_id,
    );
    Ok(Reply::NoContent)
}

/// Deactivation deprovisions the user from its directly assigned apps, as Okta's does.
fn activate(rules: &mut Rules, store: &mut Store, pos: u32, to: Status, now: i64, rid: &str) {
    if let Some(u) = store.user_mut(pos) {
        u.set_status(to, now);
        u.activated = Some(now);
    }
    apply_rules(rules, store, pos, now, rid);
}

/// An activation or deactivation that takes `takes` (`--transition-ms`), as Okta's do: the user
/// keeps its status and shows where it is going until [`settle_transitions`] finds it done.
fn begin_transition(store: &mut Store, pos: u32, to: Status, now: i64, takes: Duration) {
    if let Some(u) = store.user_mut(pos) {
        u.transitioning_to = Some(to);
        u.touch(now);
    }
    let due = now.saturating_add(i64::try_from(takes.as_millis()).unwrap_or(i64::MAX));
    store.transitions.push(Transition { user: pos, due });
}

/// Finishes the activations and deactivations whose time has come, before a request is
/// answered, so every answer sees them done: the group rules run for an activated user then.
pub(super) fn settle_transitions(org: &Org, now: i64, rid: &str) {
    if org.transition.is_zero() || !org.read().transitions.iter().any(|t| t.due <= now) {
        return;
    }
    // The rules before the store, the order every handler takes both in.
    let mut rules = org.group_rules();
    let mut store = org.write();
    let (done, pending): (Vec<Transition>, Vec<Transition>) =
        store.transitions.drain(..).partition(|t| t.due <= now);
    store.transitions = pending;
    for Transition { user: pos, .. } in done {
        match store.user_mut(pos).and_then(|u| u.transitioning_to.take()) {
            Some(Status::Deprovisioned) => deactivate(&mut store, pos, now),
            Some(to) => activate(&mut rules, &mut store, pos, to, now, rid),
            None => {}
        }
    }
}

fn deactivate(store: &mut Store, pos: u32, now: i64) {
    if let Some(u) = store.user_mut(pos) {
        u.set_status(Status::Deprovisioned, now);
        // A deactivation ends whatever was under way.
        u.transitioning_to = None;
    }
    for a in store.apps.iter_mut().flatten() {
        remove_sorted(&mut a.users, pos);
    }
}

/// What a lifecycle call's query asks; checked before the user's status, as Okta does.
struct LifecycleParams {
    send_email: bool,
    temp_password: bool,
}

fn lifecycle_params(ctx: &Ctx, op: LifecycleOp) -> Result<LifecycleParams, ApiError> {
    let mut params = LifecycleParams {
        send_email: true,
        temp_password: false,
    };
    match op {
        LifecycleOp::Activate => params.send_email = ctx.flag("sendEmail", true)?,
        LifecycleOp::Reactivate => params.send_email = ctx.flag("sendEmail", false)?,
        LifecycleOp::Deactivate => {
            ctx.flag("sendEmail", false)?;
        }
        LifecycleOp::ResetPassword => {
            params.send_email = match ctx.param("sendEmail") {
                None | Some("") => {
                    return Err(
                        ApiError::new("E0000028", "").cause("sendEmail: The parameter is required")
                    )
                }
                Some(_) => ctx.flag("sendEmail", true)?,
            };
            ctx.flag("revokeSessions", false)?;
        }
        LifecycleOp::ExpirePassword => params.temp_password = ctx.flag("tempPassword", false)?,
        LifecycleOp::ExpirePasswordWithTempPassword => params.temp_password = true,
        LifecycleOp::Suspend
        | LifecycleOp::Unsuspend
        | LifecycleOp::Unlock
        | LifecycleOp::ResetFactors => {}
    }
    Ok(params)
}

/// An activation link, unless Okta e-mails it.
fn activation_body(ctx: &Ctx, store: &mut Store, send_email: bool) -> Value {
    if send_email {
        return json!({});
    }
    let token = store.token(20);
    json!({
        "activationUrl": format!("{}/welcome/{token}", ctx.base),
        "activationToken": token,
    })
}

/// `POST /users/{id}/lifecycle/{op}`: the query, then the status (the table's), then the change.
fn lifecycle(org: &Org, ctx: &Ctx, key: &str, op: LifecycleOp) -> Answer {
    let mut rules = org.group_rules();
    let mut store = org.write();
    let pos = find::user(&store, ctx, key)?;
    let (status, has_password, transitioning) = store
        .user(pos)
        .map(|u| (u.status, u.has_password, u.transitioning_to.is_some()))
        .ok_or_else(|| user_not_found(key))?;
    let params = lifecycle_params(ctx, op)?;
    let rule = op.rule();
    // A user whose activation or deactivation is under way takes no other change until it is
    // done.
    if !op.allowed_from(status) || transitioning {
        return Err(op.refusal());
    }
    if rule.spares_token_owners && (pos == store.admin || pos == store.readonly_admin) {
        return Err(ApiError::forbidden());
    }
    let now = now_ms();
    let set = |store: &mut Store, s: Status| {
        if let Some(u) = store.user_mut(pos) {
            u.set_status(s, now);
        }
    };
    let asynchronous = !org.transition.is_zero();
    let body = match op {
        LifecycleOp::Activate => {
            let to = if has_password {
                Status::Active
            } else {
                Status::Provisioned
            };
            if asynchronous {
                begin_transition(&mut store, pos, to, now, org.transition);
            } else {
                activate(&mut rules, &mut store, pos, to, now, &ctx.request_id);
            }
            activation_body(ctx, &mut store, params.send_email)
        }
        LifecycleOp::Reactivate => {
            if let Some(u) = store.user_mut(pos) {
                u.touch(now);
            }
            activation_body(ctx, &mut store, params.send_email)
        }
        LifecycleOp::Deactivate => {
            if asynchronous {
                begin_transition(&mut store, pos, Status::Deprovisioned, now, org.transition);
            } else {
                deactivate(&mut store, pos, now);
            }
            json!({})
        }
        LifecycleOp::Suspend => {
            set(&mut store, Status::Suspended);
            json!({})
        }
        LifecycleOp::Unsuspend => {
            set(&mut store, Status::Active);
            json!({})
        }
        LifecycleOp::Unlock => {
            if status == Status::LockedOut {
                set(&mut store, Status::Active);
            }
            json!({})
        }
        LifecycleOp::ResetPassword => {
            if status != Status::Suspended {
                set(&mut store, Status::Recovery);
            }
            if params.send_email {
                json!({})
            } else {
                let token = store.token(20);
                json!({ "resetPasswordUrl": format!("{}/reset_password/{token}", ctx.base) })
            }
        }
        LifecycleOp::ExpirePassword | LifecycleOp::ExpirePasswordWithTempPassword => {
            set(&mut store, Status::PasswordExpired);
            if let Some(u) = store.user_mut(pos) {
                u.has_password = true;
            }
            if params.temp_password {
                json!({ "tempPassword": store.token(8) })
            } else {
                store
                    .user(pos)
                    .map(|u| render_user(u, &ctx.base, true))
                    .unwrap_or_default()
            }
        }
        // Factors are not modelled: every enrolment returns to unenrolled, which for the demo
        // changes nothing but the log. The status stays as it was.
        LifecycleOp::ResetFactors => json!({}),
    };
    let target = store.actor_user(pos);
    let (event, message) = rule.event;
    store.record_admin(event, message, vec![target], &ctx.request_id);
    Ok(Reply::ok(body))
}
