//! The org's model: users, groups, apps and System Log events, how to find them and how they
//! change. `seed` fills it; `people` is what a generated person is.
//!
//! Users are kept compactly (a seeded profile is a handful of indexes into name tables, and is
//! rendered to JSON on demand) so that 100,000 of them seed quickly and stay small. Deleted
//! objects leave a `None` slot behind, so positions (and the cursors built from them) stay valid.

use std::borrow::Cow;
use std::collections::HashMap;

use rand::rngs::SmallRng;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::clock::{iso, now_ms};
use super::people::SeededProfile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Staged,
    Provisioned,
    Active,
    Recovery,
    PasswordExpired,
    LockedOut,
    Suspended,
    Deprovisioned,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Staged => "STAGED",
            Status::Provisioned => "PROVISIONED",
            Status::Active => "ACTIVE",
            Status::Recovery => "RECOVERY",
            Status::PasswordExpired => "PASSWORD_EXPIRED",
            Status::LockedOut => "LOCKED_OUT",
            Status::Suspended => "SUSPENDED",
            Status::Deprovisioned => "DEPROVISIONED",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Profile {
    Seeded(SeededProfile),
    Custom(Box<Map<String, Value>>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: Box<str>,
    /// Kept apart from the profile for lookups; equal to `profile.login`.
    pub login: Box<str>,
    pub status: Status,
    pub created: i64,
    pub activated: Option<i64>,
    pub status_changed: Option<i64>,
    pub last_login: Option<i64>,
    pub last_updated: i64,
    pub password_changed: Option<i64>,
    pub has_password: bool,
    pub recovery_question: Option<Box<str>>,
    /// Bumped on every change; feeds the ETag.
    pub version: u32,
    pub profile: Profile,
    /// The status an activation or deactivation under way will leave the user in
    /// (`demo serve --transition-ms`); Okta shows it as `transitioningToStatus` meanwhile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transitioning_to: Option<Status>,
}

impl User {
    pub fn profile_json(&self) -> Map<String, Value> {
        match &self.profile {
            Profile::Custom(map) => (**map).clone(),
            Profile::Seeded(p) => p.to_json(&self.login),
        }
    }

    /// One profile property, without rendering the whole profile.
    pub fn profile_attr(&self, name: &str) -> Option<Value> {
        match &self.profile {
            Profile::Custom(map) => map.get(name).cloned(),
            Profile::Seeded(p) => p.attr(name, &self.login),
        }
    }

    /// An attribute as Okta's filter and search name it (`status`, `profile.lastName`, `type.id`).
    pub fn attr(&self, name: &str) -> Option<Value> {
        let date = |v: Option<i64>| Some(v.map(|t| iso(t).into()).unwrap_or(Value::Null));
        match name {
            "id" => Some((*self.id).into()),
            "status" => Some(self.status.as_str().into()),
            "created" => date(Some(self.created)),
            "activated" => date(self.activated),
            "statusChanged" => date(self.status_changed),
            "lastLogin" => date(self.last_login),
            "lastUpdated" => date(Some(self.last_updated)),
            "passwordChanged" => date(self.password_changed),
            "type.id" => Some(USER_TYPE_ID.into()),
            _ => self.profile_attr(name.strip_prefix("profile.")?),
        }
    }

    pub fn etag(&self) -> String {
        format!("W/\"{:x}{:08x}\"", self.last_updated, self.version)
    }

    pub fn touch(&mut self, now: i64) {
        self.last_updated = now;
        self.version += 1;
    }

    pub fn set_status(&mut self, status: Status, now: i64) {
        self.status = status;
        self.status_changed = Some(now);
        self.touch(now);
    }

    pub fn display_name(&self) -> String {
        let first = self.profile_attr("firstName");
        let last = self.profile_attr("lastName");
        let name = [first, last]
            .iter()
            .filter_map(|v| v.as_ref().and_then(Value::as_str).map(str::to_string))
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            self.login.to_string()
        } else {
            name
        }
    }
}

pub const USER_TYPE_ID: &str = "oty1demoDefaultType0";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupType {
    BuiltIn,
    Okta,
    App,
}

impl GroupType {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupType::BuiltIn => "BUILT_IN",
            GroupType::Okta => "OKTA_GROUP",
            GroupType::App => "APP_GROUP",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub id: Box<str>,
    pub kind: GroupType,
    pub name: String,
    pub description: Option<String>,
    pub created: i64,
    pub last_updated: i64,
    pub last_membership_updated: i64,
    /// User positions, sorted.
    pub members: Vec<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct App {
    pub id: Box<str>,
    pub name: String,
    pub label: String,
    pub active: bool,
    pub sign_on_mode: String,
    pub created: i64,
    pub last_updated: i64,
    /// `settings`, `credentials`, `visibility`, `accessibility`, `profile` … as given.
    pub body: Map<String, Value>,
    /// Directly assigned user positions, sorted.
    pub users: Vec<u32>,
    /// Assigned group positions, sorted.
    pub groups: Vec<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub kind: Cow<'static, str>,
    pub alternate_id: String,
    pub display_name: String,
}

/// How an event recorded through the API ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Success,
    /// Refused by policy (a limit), with Okta's reason.
    Deny(String),
}

impl Outcome {
    fn severity(&self) -> &'static str {
        match self {
            Outcome::Success => "INFO",
            Outcome::Deny(_) => "WARN",
        }
    }

    fn result(&self) -> &'static str {
        match self {
            Outcome::Success => "SUCCESS",
            Outcome::Deny(_) => "DENY",
        }
    }

    fn reason(&self) -> Option<String> {
        match self {
            Outcome::Success => None,
            Outcome::Deny(why) => Some(why.clone()),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEvent {
    pub uuid: String,
    pub published: i64,
    /// Position + 1; with `published` it orders events and makes cursors.
    pub seq: u64,
    pub event_type: Cow<'static, str>,
    pub display_message: String,
    pub severity: Cow<'static, str>,
    pub outcome: Cow<'static, str>,
    pub reason: Option<String>,
    pub actor: Actor,
    pub targets: Vec<Actor>,
    pub request_id: String,
    pub ip: String,
}

/// Everything but `rng` is kept by `demo serve --state` (see `state.rs`).
#[derive(Serialize, Deserialize)]
pub struct Store {
    pub users: Vec<Option<User>>,
    /// Every id ever issued, including deleted users' (cursors may point at them).
    pub user_ids: HashMap<Box<str>, u32>,
    /// Lower-cased logins of live users.
    pub logins: HashMap<String, u32>,
    pub groups: Vec<Option<Group>>,
    pub group_ids: HashMap<Box<str>, u32>,
    pub apps: Vec<Option<App>>,
    pub app_ids: HashMap<Box<str>, u32>,
    pub logs: Vec<LogEvent>,
    #[serde(skip, default = "unseeded")]
    pub rng: SmallRng,
    pub admin: u32,
    pub readonly_admin: u32,
    pub everyone: u32,
    /// Passwords and recovery answers the demo was given, by user position, so that
    /// `change_password` and the recovery flows can check them as Okta does. Seeded users have
    /// none: their credentials exist but are unknown, so checks against them fail. Never rendered.
    pub secrets: HashMap<u32, Secrets>,
    /// Lifecycle changes under way, each with the user and when it is done.
    #[serde(default)]
    pub transitions: Vec<Transition>,
}

/// An activation or deactivation under way (`demo serve --transition-ms`): the user's
/// `transitioning_to` becomes its status at `due` (epoch ms).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Transition {
    pub user: u32,
    pub due: i64,
}

/// What a user's credentials hold that Okta never returns.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Secrets {
    pub password: Option<String>,
    pub answer: Option<String>,
}

/// A placeholder stream for a store read back from a state file, which reseeds it at once.
fn unseeded() -> SmallRng {
    use rand::SeedableRng;
    SmallRng::seed_from_u64(0)
}

const ID_CHARS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

pub fn random_id(rng: &mut SmallRng, prefix: &str) -> Box<str> {
    let mut s = String::with_capacity(20);
    s.push_str(prefix);
    while s.len() < 20 {
        s.push(ID_CHARS[rng.random_range(0..ID_CHARS.len())] as char);
    }
    s.into_boxed_str()
}

pub fn random_token(rng: &mut SmallRng, len: usize) -> String {
    (0..len)
        .map(|_| ID_CHARS[rng.random_range(0..ID_CHARS.len())] as char)
        .collect()
}

/// A version 4 UUID whose random bits come from `rng`: valid, and the same for the same seed.
/// (The bytes are one `u128` draw, as before, so the rest of the seeded stream is unchanged.)
pub fn uuid(rng: &mut SmallRng) -> String {
    let bytes = rng.random::<u128>().to_be_bytes();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

impl Store {
    /// An id no object of its kind has, drawn from `rng`.
    pub(super) fn fresh_id(&mut self, rng: &mut SmallRng, prefix: &str, kind: Kind) -> Box<str> {
        loop {
            let id = random_id(rng, prefix);
            let taken = match kind {
                Kind::User => self.user_ids.contains_key(&id),
                Kind::Group => self.group_ids.contains_key(&id),
                Kind::App => self.app_ids.contains_key(&id),
            };
            if !taken {
                return id;
            }
        }
    }

    /// A random token (activation, reset, temporary password) from the store's own stream.
    pub fn token(&mut self, len: usize) -> String {
        random_token(&mut self.rng, len)
    }

    /// A new id drawn from the store's own stream.
    pub fn new_id(&mut self, prefix: &str, kind: Kind) -> Box<str> {
        let mut rng = self.rng.clone();
        let id = self.fresh_id(&mut rng, prefix, kind);
        self.rng = rng;
        id
    }

    pub fn actor_user(&self, pos: u32) -> Actor {
        match self.users.get(pos as usize).and_then(Option::as_ref) {
            Some(u) => Actor {
                id: u.id.to_string(),
                kind: "User".into(),
                alternate_id: u.login.to_string(),
                display_name: u.display_name(),
            },
            None => Actor {
                id: "unknown".into(),
                kind: "User".into(),
                alternate_id: "unknown".into(),
                display_name: "unknown".into(),
            },
        }
    }

    pub fn actor_group(&self, pos: u32) -> Actor {
        let g = self.groups.get(pos as usize).and_then(Option::as_ref);
        Actor {
            id: g.map(|g| g.id.to_string()).unwrap_or_default(),
            kind: "UserGroup".into(),
            alternate_id: g.map(|g| g.name.clone()).unwrap_or_default(),
            display_name: g.map(|g| g.name.clone()).unwrap_or_default(),
        }
    }

    pub fn actor_app(&self, pos: u32) -> Actor {
        let a = self.apps.get(pos as usize).and_then(Option::as_ref);
        Actor {
            id: a.map(|a| a.id.to_string()).unwrap_or_default(),
            kind: "AppInstance".into(),
            alternate_id: a.map(|a| a.label.clone()).unwrap_or_default(),
            display_name: a.map(|a| a.label.clone()).unwrap_or_default(),
        }
    }

    /// Logs a write made through the API: the token's owner (the admin) is the actor.
    pub fn record_admin(
        &mut self,
        event_type: &'static str,
        display: &str,
        targets: Vec<Actor>,
        request_id: &str,
    ) {
        let actor = self.actor_user(self.admin);
        self.record(event_type, display, actor, targets, request_id);
    }

    /// Records a System Log event for a write; `published` never goes backwards.
    pub fn record(
        &mut self,
        event_type: &'static str,
        display: &str,
        actor: Actor,
        targets: Vec<Actor>,
        request_id: &str,
    ) {
        self.record_outcome(
            event_type,
            display,
            actor,
            targets,
            request_id,
            Outcome::Success,
        );
    }

    /// Records a System Log event with its outcome (a denial is a WARN with its reason).
    pub fn record_outcome(
        &mut self,
        event_type: &'static str,
        display: &str,
        actor: Actor,
        targets: Vec<Actor>,
        request_id: &str,
        outcome: Outcome,
    ) {
        let published = self
            .logs
            .last()
            .map_or(now_ms(), |l| l.published.max(now_ms()));
        let mut rng = self.rng.clone();
        let id = uuid(&mut rng);
        self.rng = rng;
        let seq = self.logs.len() as u64 + 1;
        self.logs.push(LogEvent {
            uuid: id,
            published,
            seq,
            event_type: event_type.into(),
            display_message: display.into(),
            severity: outcome.severity().into(),
            outcome: outcome.result().into(),
            reason: outcome.reason(),
            actor,
            targets,
            request_id: request_id.into(),
            ip: "127.0.0.1".into(),
        });
    }

    pub fn user(&self, pos: u32) -> Option<&User> {
        self.users.get(pos as usize).and_then(Option::as_ref)
    }

    pub fn user_mut(&mut self, pos: u32) -> Option<&mut User> {
        self.users.get_mut(pos as usize).and_then(Option::as_mut)
    }

    pub fn group(&self, pos: u32) -> Option<&Group> {
        self.groups.get(pos as usize).and_then(Option::as_ref)
    }

    pub fn group_mut(&mut self, pos: u32) -> Option<&mut Group> {
        self.groups.get_mut(pos as usize).and_then(Option::as_mut)
    }

    pub fn app(&self, pos: u32) -> Option<&App> {
        self.apps.get(pos as usize).and_then(Option::as_ref)
    }

    pub fn app_mut(&mut self, pos: u32) -> Option<&mut App> {
        self.apps.get_mut(pos as usize).and_then(Option::as_mut)
    }

    /// A live user by id, login, or unambiguous login shortname (the part before `@`).
    pub fn find_user(&self, key: &str) -> Option<u32> {
        if let Some(&p) = self.user_ids.get(key) {
            return self.user(p).is_some().then_some(p);
        }
        let lower = key.to_lowercase();
        if let Some(&p) = self.logins.get(&lower) {
            return Some(p);
        }
        if lower.contains('@') || lower.is_empty() {
            return None;
        }
        let mut found = None;
        for (login, &p) in &self.logins {
            if login.split('@').next() == Some(lower.as_str()) {
                if found.is_some() {
                    return None;
                }
                found = Some(p);
            }
        }
        found
    }

    pub fn find_group(&self, id: &str) -> Option<u32> {
        self.group_ids
            .get(id)
            .copied()
            .filter(|&p| self.group(p).is_some())
    }

    pub fn find_app(&self, id: &str) -> Option<u32> {
        self.app_ids
            .get(id)
            .copied()
            .filter(|&p| self.app(p).is_some())
    }

    /// Groups a user belongs to, in group order.
    pub fn groups_of(&self, user: u32) -> Vec<u32> {
        (0..self.groups.len() as u32)
            .filter(|&g| {
                self.group(g)
                    .is_some_and(|g| g.members.binary_search(&user).is_ok())
            })
            .collect()
    }

    /// Adds a member; false when it already was one.
    pub fn add_member(&mut self, group: u32, user: u32, now: i64) -> bool {
        let Some(g) = self.group_mut(group) else {
            return false;
        };
        let added = insert_sorted(&mut g.members, user);
        if added {
            g.last_membership_updated = now;
        }
        added
    }

    pub fn remove_member(&mut self, group: u32, user: u32, now: i64) -> bool {
        let Some(g) = self.group_mut(group) else {
            return false;
        };
        let removed = remove_sorted(&mut g.members, user);
        if removed {
            g.last_membership_updated = now;
        }
        removed
    }
}

/// Adds `x` to a sorted list of positions; false when it was there already.
pub fn insert_sorted(list: &mut Vec<u32>, x: u32) -> bool {
    match list.binary_search(&x) {
        Ok(_) => false,
        Err(at) => {
            list.insert(at, x);
            true
        }
    }
}

/// Removes `x` from a sorted list of positions; false when it was not there.
pub fn remove_sorted(list: &mut Vec<u32>, x: u32) -> bool {
    match list.binary_search(&x) {
        Ok(at) => {
            list.remove(at);
            true
        }
        Err(_) => false,
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    User,
    Group,
    App,
}

pub fn bookmark_body(url: &str) -> Map<String, Value> {
    let v = json!({
        "accessibility": {"selfService": false},
        "visibility": {"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}, "appLinks": {"login": true}},
        "features": [],
        "credentials": {"userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"}, "signing": {}},
        "settings": {"app": {"requestIntegration": false, "url": url}},
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_uuids_are_version_4_and_reproducible() {
        let mut a = Store::seed(20, 3);
        a.record_admin("user.session.clear", "Clear user session", vec![], "r1");
        for e in &a.logs {
            let u = uuid::Uuid::parse_str(&e.uuid).expect(&e.uuid);
            assert_eq!(u.get_version_num(), 4, "{}", e.uuid);
            assert_eq!(u.get_variant(), uuid::Variant::RFC4122, "{}", e.uuid);
        }
        let mut b = Store::seed(20, 3);
        b.record_admin("user.session.clear", "Clear user session", vec![], "r1");
        let uuids = |s: &Store| s.logs.iter().map(|e| e.uuid.clone()).collect::<Vec<_>>();
        assert_eq!(uuids(&a), uuids(&b));
    }
}
