//! The JSON views: users, credentials, groups, apps and their assignments, and System Log
//! events, as Okta renders them. Every handler module renders through here, so none needs another.

use serde_json::{json, Map, Value};

use super::clock::iso;
use super::lifecycle::LifecycleOp;
use super::store::{Actor, App, Group, LogEvent, Store, User, USER_TYPE_ID};
use super::{Ctx, Reply};

fn link(href: String) -> Value {
    json!({ "href": href })
}

fn post_link(href: String) -> Value {
    json!({ "href": href, "method": "POST" })
}

/// A user as Okta renders it. Collections carry only the `self` link; a single user also carries
/// the lifecycle operations valid for its status.
pub(super) fn render_user(u: &User, base: &str, all_links: bool) -> Value {
    let date = |t: Option<i64>| t.map(|t| Value::String(iso(t))).unwrap_or(Value::Null);
    let self_href = format!("{base}/api/v1/users/{}", u.id);
    let mut links = Map::new();
    // A user whose lifecycle change is under way is offered no other until it is done.
    if all_links && u.transitioning_to.is_none() {
        for (name, op) in LifecycleOp::offered(u.status) {
            links.insert(
                name.into(),
                post_link(format!("{self_href}/lifecycle/{op}")),
            );
        }
    }
    links.insert("self".into(), link(self_href));
    let credentials = render_credentials(u);
    let mut user = json!({
        "id": u.id,
        "status": u.status.as_str(),
        "created": iso(u.created),
        "activated": date(u.activated),
        "statusChanged": date(u.status_changed),
        "lastLogin": date(u.last_login),
        "lastUpdated": iso(u.last_updated),
        "passwordChanged": date(u.password_changed),
        "type": { "id": USER_TYPE_ID },
        "profile": u.profile_json(),
        "credentials": credentials,
        "_links": links,
    });
    // Okta sends it "only if the user's state is transitioning" (the spec's User).
    if let Some(to) = u.transitioning_to {
        user["transitioningToStatus"] = Value::from(to.as_str());
    }
    user
}

/// A user's `credentials` as Okta shows them: which exist, never their values.
pub(super) fn render_credentials(u: &User) -> Value {
    let mut credentials = Map::new();
    if u.has_password {
        credentials.insert("password".into(), json!({}));
    }
    if let Some(q) = &u.recovery_question {
        credentials.insert("recovery_question".into(), json!({ "question": q }));
    }
    credentials.insert("provider".into(), json!({"type": "OKTA", "name": "OKTA"}));
    Value::Object(credentials)
}

/// A group; `stats` (users, apps) when `expand=stats` asks for them.
pub(super) fn render_group(g: &Group, base: &str, stats: Option<(usize, usize)>) -> Value {
    let href = format!("{base}/api/v1/groups/{}", g.id);
    let mut v = json!({
        "id": g.id,
        "created": iso(g.created),
        "lastUpdated": iso(g.last_updated),
        "lastMembershipUpdated": iso(g.last_membership_updated),
        "objectClass": ["okta:user_group"],
        "type": g.kind.as_str(),
        "profile": { "name": g.name },
        "_links": {
            "logo": [
                {"name": "medium", "href": format!("{base}/assets/img/logos/groups/okta-medium.png"), "type": "image/png"},
                {"name": "large", "href": format!("{base}/assets/img/logos/groups/okta-large.png"), "type": "image/png"}
            ],
            "users": {"href": format!("{href}/users")},
            "apps": {"href": format!("{href}/apps")},
            "self": {"href": href},
        }
    });
    // The spec's GroupProfile has no null description: leave it out when there is none.
    if let Some(d) = &g.description {
        v["profile"]["description"] = d.clone().into();
    }
    if let Some((users, apps)) = stats {
        v["_embedded"] = json!({"stats": {"usersCount": users, "appsCount": apps, "groupPushMappingsCount": 0, "hasAdminPrivlege": false}});
    }
    v
}

/// An app: the body it was created with, plus what the server owns and the one lifecycle link
/// its status allows.
pub(super) fn render_app(a: &App, base: &str) -> Value {
    let href = format!("{base}/api/v1/apps/{}", a.id);
    let mut m = Map::new();
    m.insert("id".into(), (*a.id).into());
    m.insert("name".into(), a.name.clone().into());
    m.insert("label".into(), a.label.clone().into());
    m.insert(
        "status".into(),
        (if a.active { "ACTIVE" } else { "INACTIVE" }).into(),
    );
    m.insert("lastUpdated".into(), iso(a.last_updated).into());
    m.insert("created".into(), iso(a.created).into());
    for (k, v) in &a.body {
        m.insert(k.clone(), v.clone());
    }
    m.insert("signOnMode".into(), a.sign_on_mode.clone().into());
    let lifecycle = if a.active {
        LifecycleOp::Deactivate
    } else {
        LifecycleOp::Activate
    }
    .path();
    m.insert(
        "_links".into(),
        json!({
            "appLinks": [{"name": "login", "href": format!("{base}/home/{}/{}/login", a.name, a.id), "type": "text/html"}],
            "users": {"href": format!("{href}/users")},
            "groups": {"href": format!("{href}/groups")},
            "self": {"href": href.clone()},
            lifecycle: {"href": format!("{href}/lifecycle/{lifecycle}")},
        }),
    );
    Value::Object(m)
}

/// A user as an app assignment: `scope` USER when direct, GROUP (with the group linked) when not.
pub(super) fn render_app_user(store: &Store, a: &App, user: u32, base: &str) -> Value {
    let Some(u) = store.user(user) else {
        return Value::Null;
    };
    let direct = a.users.binary_search(&user).is_ok();
    let since = a.created.max(u.created);
    let mut links = json!({
        "app": {"href": format!("{base}/api/v1/apps/{}", a.id)},
        "user": {"href": format!("{base}/api/v1/users/{}", u.id)},
    });
    if !direct {
        if let Some(g) = a
            .groups
            .iter()
            .filter_map(|&g| store.group(g))
            .find(|g| g.members.binary_search(&user).is_ok())
        {
            links["group"] =
                json!({"href": format!("{base}/api/v1/groups/{}", g.id), "name": g.name});
        }
    }
    json!({
        "id": u.id,
        "created": iso(since),
        "lastUpdated": iso(since.max(a.last_updated)),
        "scope": if direct { "USER" } else { "GROUP" },
        "status": "ACTIVE",
        "statusChanged": iso(since),
        "passwordChanged": null,
        "syncState": "DISABLED",
        "credentials": {"userName": u.login},
        "profile": {},
        "_links": links,
    })
}

/// A group assignment of an app; its priority is its place among the app's groups.
pub(super) fn render_assignment(store: &Store, a: &App, group: u32, base: &str) -> Value {
    let gid = store
        .group(group)
        .map(|g| g.id.to_string())
        .unwrap_or_default();
    let priority = a.groups.iter().position(|&g| g == group).unwrap_or(0);
    json!({
        "id": gid,
        "lastUpdated": iso(a.last_updated),
        "priority": priority,
        "profile": {},
        "_links": {
            "app": {"href": format!("{base}/api/v1/apps/{}", a.id)},
            "group": {"href": format!("{base}/api/v1/groups/{gid}")},
            "self": {"href": format!("{base}/api/v1/apps/{}/groups/{gid}", a.id)},
        }
    })
}

/// An actor or a target of a System Log event.
fn render_actor(a: &Actor) -> Value {
    json!({"id": a.id, "type": a.kind, "alternateId": a.alternate_id, "displayName": a.display_name})
}

pub(super) fn render_event(e: &LogEvent) -> Value {
    let mut outcome = json!({"result": e.outcome});
    if let Some(r) = &e.reason {
        outcome["reason"] = r.clone().into();
    }
    json!({
        "actor": render_actor(&e.actor),
        "client": {
            "userAgent": {"rawUserAgent": "oktash-demo", "os": "Unknown", "browser": "UNKNOWN"},
            "zone": "null",
            "device": "Computer",
            "ipAddress": e.ip,
        },
        "authenticationContext": {"authenticationStep": 0, "externalSessionId": "trs-demo"},
        "displayMessage": e.display_message,
        "eventType": e.event_type,
        "outcome": outcome,
        "published": iso(e.published),
        "securityContext": {},
        "severity": e.severity,
        "debugContext": {"debugData": {"requestId": e.request_id}},
        "transaction": {"type": "WEB", "id": e.request_id, "detail": {}},
        "uuid": e.uuid,
        "version": "0",
        "request": {"ipChain": [{"ip": e.ip, "version": "V4"}]},
        "target": e.targets.iter().map(render_actor).collect::<Vec<_>>(),
    })
}

/// The parts of users a GET of `/api/v1/users` or `/api/v1/users/{id}` asks Okta to leave out,
/// as `Content-Type: application/json; okta-response=omitCredentials,omitCredentialsLinks,
/// omitTransitioningToStatus` (the spec's OktaResponse; the value may be quoted).
pub(super) fn omit_as_asked(ctx: &Ctx, mut reply: Reply) -> Reply {
    let users_get = ctx.method == axum::http::Method::GET
        && (ctx.path == "/api/v1/users" || ctx.path.starts_with("/api/v1/users/"))
        && ctx.path.matches('/').count() <= 4;
    let asked: Vec<&str> = ctx
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .filter(|_| users_get)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once("okta-response="))
        .map(|(_, list)| {
            let list = list.split(';').next().unwrap_or_default().trim_matches('"');
            list.split(',').map(str::trim).collect()
        })
        .unwrap_or_default();
    let Reply::Json { body, .. } = &mut reply else {
        return reply;
    };
    if asked.is_empty() {
        return reply;
    }
    let omit = |user: &mut Value| {
        let Some(user) = user.as_object_mut() else {
            return;
        };
        if asked.contains(&"omitCredentials") {
            user.remove("credentials");
        }
        if asked.contains(&"omitTransitioningToStatus") {
            user.remove("transitioningToStatus");
        }
        if asked.contains(&"omitCredentialsLinks") {
            if let Some(links) = user.get_mut("_links").and_then(Value::as_object_mut) {
                for name in CREDENTIALS_LINKS {
                    links.remove(name);
                }
            }
        }
    };
    match body {
        Value::Array(users) => users.iter_mut().for_each(omit),
        user => omit(user),
    }
    reply
}

/// The links `omitCredentialsLinks` leaves out: "Update password, Change recovery question,
/// Start forgot password flow, Reset password, Reset factors, Unlock".
const CREDENTIALS_LINKS: [&str; 6] = [
    "changePassword",
    "changeRecoveryQuestion",
    "forgotPassword",
    "resetPassword",
    "resetFactors",
    "unlock",
];
