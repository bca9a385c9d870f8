//! A user's credentials: the `credentials` object of a create or update body (parsed here for
//! `users`), the credential operations (`/users/{id}/credentials/…`), app links and sessions:
//! what Okta's Users collection calls besides the lifecycle.
//!
//! Okta checks a current password or a recovery answer before it changes credentials; the demo
//! does the same against what it was given (`Store::secrets`). Seeded users have credentials the
//! demo never saw, so those checks fail for them, as they would for a wrong guess.

use serde_json::{json, Map, Value};

use super::clock::now_ms;
use super::errors::ApiError;
use super::find::{self, user_not_found};
use super::store::{Status, Store, User};
use super::views::render_credentials;
use super::{Answer, Ctx, Org, Reply};

/// `POST /users/{id}/credentials/{op}`.
pub(super) fn route(org: &Org, ctx: &Ctx, key: &str, op: &str) -> Answer {
    match op {
        "change_password" => change_password(org, ctx, key),
        "change_recovery_question" => change_recovery_question(org, ctx, key),
        "forgot_password" => forgot_password(org, ctx, key),
        "forgot_password_recovery_question" => answer_and_reset(org, ctx, key),
        _ => Err(ApiError::not_found(&ctx.path, "Path")),
    }
}

fn credentials_failed(cause: &str) -> ApiError {
    ApiError::new("E0000014", "").cause(cause)
}

fn wrong_password(field: &str) -> ApiError {
    credentials_failed(&format!(
        "{field}: The credentials provided were incorrect."
    ))
}

/// Okta's default password policy: at least 8 characters, a lowercase letter, an uppercase
/// letter, a number, and no part of the username.
fn check_policy(password: &str, login: &str) -> Result<(), ApiError> {
    let local = login.split('@').next().unwrap_or_default().to_lowercase();
    let ok = password.chars().count() >= 8
        && password.chars().any(char::is_lowercase)
        && password.chars().any(char::is_uppercase)
        && password.chars().any(|c| c.is_ascii_digit())
        && (local.len() < 4 || !password.to_lowercase().contains(&local));
    if ok {
        Ok(())
    } else {
        Err(credentials_failed(
            "password: Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.",
        ))
    }
}

/// `{"field": {"value": "…"}}` → the value.
fn value_of<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    body.get(field)
        .and_then(|v| v.get("value"))
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::validation(field, "The field cannot be left blank"))
}

fn user_at<'a>(store: &'a Store, pos: u32, key: &str) -> Result<&'a User, ApiError> {
    store.user(pos).ok_or_else(|| user_not_found(key))
}

fn known_password(store: &Store, pos: u32) -> Option<&str> {
    store.secrets.get(&pos).and_then(|s| s.password.as_deref())
}

/// Sets a new password the user (or an answer) vouched for, and logs it.
fn set_password(store: &mut Store, ctx: &Ctx, pos: u32, password: &str, event: &'static str) {
    let now = now_ms();
    store.secrets.entry(pos).or_default().password = Some(password.to_string());
    if let Some(u) = store.user_mut(pos) {
        u.has_password = true;
        u.password_changed = Some(now);
        if u.status == Status::Recovery {
            u.set_status(Status::Active, now);
        } else {
            u.touch(now);
        }
    }
    record_self(store, ctx, pos, event, "Update password for user");
}

/// Logs what a user did to their own account: they are both the actor and the target.
fn record_self(store: &mut Store, ctx: &Ctx, pos: u32, event: &'static str, display: &str) {
    let me = store.actor_user(pos);
    store.record(event, display, me.clone(), vec![me], &ctx.request_id);
}

/// Changes a password after checking the current one. STAGED, ACTIVE, PASSWORD_EXPIRED or
/// RECOVERY users with a password only; RECOVERY becomes ACTIVE.
fn change_password(org: &Org, ctx: &Ctx, key: &str) -> Answer {
    ctx.flag("strict", false)?;
    let body = ctx.json_object()?;
    let old = value_of(&body, "oldPassword")?;
    let new = value_of(&body, "newPassword")?;
    let mut store = org.write();
    let pos = find::user(&store, ctx, key)?;
    let u = user_at(&store, pos, key)?;
    let allowed = matches!(
        u.status,
        Status::Staged | Status::Active | Status::PasswordExpired | Status::Recovery
    );
    if !allowed || !u.has_password {
        return Err(ApiError::wrong_status());
    }
    let login = u.login.to_string();
    if known_password(&store, pos) != Some(old) {
        return Err(wrong_password("oldPassword"));
    }
    if old == new {
        return Err(credentials_failed(
            "password: Password cannot be your current password",
        ));
    }
    check_policy(new, &login)?;
    set_password(&mut store, ctx, pos, new, "user.account.update_password");
    let u = user_at(&store, pos, key)?;
    Ok(Reply::ok(render_credentials(u)))
}

/// Replaces the recovery question after checking the password. STAGED, ACTIVE or RECOVERY
/// users with a password only.
fn change_recovery_question(org: &Org, ctx: &Ctx, key: &str) -> Answer {
    let body = ctx.json_object()?;
    let password = value_of(&body, "password")?;
    let creds = read_credentials(&json_credentials(&body))?;
    let Some(creds) = creds.filter(|c| c.question.is_some()) else {
        return Err(ApiError::validation(
            "recovery_question",
            "The field cannot be left blank",
        ));
    };
    let mut store = org.write();
    let pos = find::user(&store, ctx, key)?;
    let u = user_at(&store, pos, key)?;
    let allowed = matches!(u.status, Status::Staged | Status::Active | Status::Recovery);
    if !allowed || !u.has_password {
        return Err(ApiError::wrong_status());
    }
    if known_password(&store, pos) != Some(password) {
        return Err(wrong_password("password"));
    }
    remember(&mut store, pos, &creds);
    let now = now_ms();
    if let Some(u) = store.user_mut(pos) {
        u.recovery_question = creds.question.map(String::into_boxed_str);
        u.touch(now);
    }
    record_self(
        &mut store,
        ctx,
        pos,
        "user.account.update_profile",
        "Update recovery question for user",
    );
    let u = user_at(&store, pos, key)?;
    Ok(Reply::ok(render_credentials(u)))
}

/// The body's `recovery_question` as a `credentials` object, for `read_credentials`.
fn json_credentials(body: &Map<String, Value>) -> Map<String, Value> {
    let mut creds = Map::new();
    if let Some(q) = body.get("recovery_question") {
        creds.insert("recovery_question".into(), q.clone());
    }
    let mut outer = Map::new();
    outer.insert("credentials".into(), Value::Object(creds));
    outer
}

/// What `credentials` in a create or update body asks for.
pub(super) struct Creds {
    pub password: bool,
    /// The password's value when given in clear (not a hash or hook).
    pub password_value: Option<String>,
    pub question: Option<String>,
    pub answer: Option<String>,
}

pub(super) fn read_credentials(body: &Map<String, Value>) -> Result<Option<Creds>, ApiError> {
    let Some(c) = body.get("credentials") else {
        return Ok(None);
    };
    let c = match c {
        Value::Null => return Ok(None),
        Value::Object(c) => c,
        _ => return Err(ApiError::validation("credentials", "must be an object")),
    };
    let mut password_value = None;
    let password = match c.get("password") {
        None | Some(Value::Null) => false,
        Some(Value::Object(p)) => match p.get("value") {
            Some(Value::String(v)) if v.is_empty() => {
                return Err(ApiError::validation(
                    "password",
                    "Password requirements were not met",
                ))
            }
            Some(Value::String(v)) => {
                password_value = Some(v.clone());
                true
            }
            None => p.contains_key("hash") || p.contains_key("hook"),
            Some(_) => return Err(ApiError::validation("password", "must be a string")),
        },
        Some(_) => return Err(ApiError::validation("password", "must be an object")),
    };
    let mut answer_value = None;
    let question = match c.get("recovery_question") {
        None | Some(Value::Null) => None,
        Some(Value::Object(q)) => match (
            q.get("question").and_then(Value::as_str),
            q.get("answer").and_then(Value::as_str),
        ) {
            (Some(question), Some(answer))
                if !question.is_empty() && answer.chars().count() >= 4 =>
            {
                answer_value = Some(answer.to_string());
                Some(question.to_string())
            }
            (Some(_), Some(_)) => {
                return Err(ApiError::validation(
                    "recovery_question",
                    "The security question answer must be at least 4 characters in length",
                ))
            }
            _ => {
                return Err(ApiError::validation(
                    "recovery_question",
                    "The field cannot be left blank",
                ))
            }
        },
        Some(_) => {
            return Err(ApiError::validation(
                "recovery_question",
                "must be an object",
            ))
        }
    };
    Ok(Some(Creds {
        password,
        password_value,
        question,
        answer: answer_value,
    }))
}

/// Keeps what credentials were given in clear, for the checks of the credential operations. A
/// password set as a hash or hook is unknown to the demo, as it would be to check by value.
pub(super) fn remember(store: &mut Store, pos: u32, c: &Creds) {
    let secrets = store.secrets.entry(pos).or_default();
    if c.password {
        secrets.password = c.password_value.clone();
    }
    if c.question.is_some() {
        secrets.answer = c.answer.clone();
    }
}

/// Only ACTIVE users with a recovery question can start a forgot-password flow.
fn check_recoverable(u: &User) -> Result<(), ApiError> {
    if u.status != Status::Active {
        return Err(ApiError::wrong_status());
    }
    if u.recovery_question.is_none() {
        return Err(ApiError::new("E0000017", "").cause("The user has no recovery question"));
    }
    Ok(())
}

/// Without a body: a one-time reset link (returned when `sendEmail=false`), the status
/// unchanged. With `{password, recovery_question: {answer}}` (the older form Okta's collection and
/// its 2017 recordings use): the same as `forgot_password_recovery_question`.
fn forgot_password(org: &Org, ctx: &Ctx, key: &str) -> Answer {
    let send_email = ctx.flag("sendEmail", true)?;
    let body = ctx.json_object_or_empty()?;
    if !body.is_empty() {
        return answer_and_reset(org, ctx, key);
    }
    let mut store = org.write();
    let pos = find::user(&store, ctx, key)?;
    check_recoverable(user_at(&store, pos, key)?)?;
    record_self(
        &mut store,
        ctx,
        pos,
        "user.account.reset_password",
        "Fire forgot password flow",
    );
    if send_email {
        return Ok(Reply::ok(json!({})));
    }
    let token = store.token(20);
    Ok(Reply::ok(json!({
        "resetPasswordUrl": format!("{}/signin/reset-password/{token}", ctx.base)
    })))
}

/// Sets a new password when the recovery answer matches.
fn answer_and_reset(org: &Org, ctx: &Ctx, key: &str) -> Answer {
    ctx.flag("sendEmail", true)?;
    let body = ctx.json_object()?;
    let password = value_of(&body, "password")?;
    let answer = body
        .get("recovery_question")
        .and_then(|q| q.get("answer"))
        .and_then(Value::as_str)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            ApiError::validation("recovery_question", "The field cannot be left blank")
        })?;
    let mut store = org.write();
    let pos = find::user(&store, ctx, key)?;
    let u = user_at(&store, pos, key)?;
    check_recoverable(u)?;
    let login = u.login.to_string();
    let known = store.secrets.get(&pos).and_then(|s| s.answer.as_deref());
    // Okta compares answers ignoring case.
    if known.is_none_or(|k| k.to_lowercase() != answer.to_lowercase()) {
        return Err(ApiError::new("E0000087", ""));
    }
    if known_password(&store, pos) == Some(password) {
        return Err(credentials_failed(
            "password: Password cannot be your current password",
        ));
    }
    check_policy(password, &login)?;
    set_password(
        &mut store,
        ctx,
        pos,
        password,
        "user.account.reset_password",
    );
    let u = user_at(&store, pos, key)?;
    Ok(Reply::ok(render_credentials(u)))
}

/// `GET /users/{id}/appLinks`: a link for every active app assigned to the user, directly or
/// through a group, in app order.
pub(super) fn app_links(org: &Org, ctx: &Ctx, key: &str) -> Answer {
    let store = org.read();
    let pos = find::user(&store, ctx, key)?;
    user_at(&store, pos, key)?;
    let groups = store.groups_of(pos);
    let mut links = Vec::new();
    for a in store.apps.iter().flatten().filter(|a| a.active) {
        let direct = a.users.binary_search(&pos).is_ok();
        if !direct && !groups.iter().any(|g| a.groups.binary_search(g).is_ok()) {
            continue;
        }
        // Stable ids derived from the app's: the demo keeps no assignment objects.
        let tail = a.id.get(3..).unwrap_or_default();
        links.push(json!({
            "id": format!("0lk{tail}"),
            "label": a.label,
            "linkUrl": format!("{}/home/{}/{}/{}", ctx.base, a.name, a.id, links.len()),
            "logoUrl": format!("{}/img/logos/{}.png", ctx.base, a.name),
            "appName": a.name,
            "appInstanceId": a.id,
            "appAssignmentId": format!("0ua{tail}"),
            "credentialsSetup": false,
            "hidden": false,
            "sortOrder": links.len(),
        }));
    }
    Ok(Reply::ok(Value::Array(links)))
}

/// `DELETE /users/{id}/sessions`: 204; the demo keeps no sessions, so only the log changes.
pub(super) fn clear_sessions(org: &Org, ctx: &Ctx, key: &str) -> Answer {
    ctx.flag("oauthTokens", false)?;
    ctx.flag("forgetDevices", true)?;
    let mut store = org.write();
    let pos = find::user(&store, ctx, key)?;
    user_at(&store, pos, key)?;
    let target = store.actor_user(pos);
    store.record_admin(
        "user.session.clear",
        "Clear user session",
        vec![target],
        &ctx.request_id,
    );
    Ok(Reply::NoContent)
}
