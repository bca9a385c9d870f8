//! Seeding: the generated org a `--seed` gives, the same every time — the two token owners and
//! `--users` generated people, the Everyone, department and other groups, bookmark apps assigned
//! to some of them, and three days of recent System Log events.

use std::collections::HashMap;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value};

use super::clock::now_ms;
use super::people::{SeededProfile, CITIES, DEPARTMENTS, FIRST_NAMES, LAST_NAMES, TITLES};
use super::store::{
    bookmark_body, random_token, uuid, App, Group, GroupType, Kind, LogEvent, Profile, Status,
    Store, User,
};

/// 2023-01-01T00:00:00Z: seeded objects are created after it.
const SEED_EPOCH: i64 = 1_672_531_200_000;
const DAY: i64 = 86_400_000;

impl Store {
    /// Seeds `users` users (at least the two token owners), groups, apps and recent events.
    pub fn seed(users: usize, seed: u64) -> Store {
        let mut rng = SmallRng::seed_from_u64(seed);
        let n = users.max(2);
        let mut store = Store {
            users: Vec::with_capacity(n),
            user_ids: HashMap::with_capacity(n),
            logins: HashMap::with_capacity(n),
            groups: Vec::new(),
            group_ids: HashMap::new(),
            apps: Vec::new(),
            app_ids: HashMap::new(),
            logs: Vec::new(),
            rng: SmallRng::seed_from_u64(0),
            admin: 0,
            readonly_admin: 1,
            everyone: 0,
            secrets: HashMap::new(),
            transitions: Vec::new(),
        };
        let mut pair_counts: HashMap<(u16, u16), u32> = HashMap::new();
        for i in 0..n {
            let (profile, login, status) = if i < 2 {
                let login = if i == 0 {
                    "admin@example.com"
                } else {
                    "auditor@example.com"
                };
                let mut m = Map::new();
                m.insert(
                    "firstName".into(),
                    (if i == 0 { "Demo" } else { "Read-Only" }).into(),
                );
                m.insert(
                    "lastName".into(),
                    (if i == 0 { "Admin" } else { "Auditor" }).into(),
                );
                m.insert("mobilePhone".into(), Value::Null);
                m.insert("secondEmail".into(), Value::Null);
                m.insert("login".into(), login.into());
                m.insert("email".into(), login.into());
                m.insert(
                    "title".into(),
                    (if i == 0 {
                        "Okta Administrator"
                    } else {
                        "Security Auditor"
                    })
                    .into(),
                );
                m.insert("department".into(), "Operations".into());
                (
                    Profile::Custom(Box::new(m)),
                    login.to_string(),
                    Status::Active,
                )
            } else {
                let first = rng.random_range(0..FIRST_NAMES.len()) as u16;
                let last = rng.random_range(0..LAST_NAMES.len()) as u16;
                let dept = rng.random_range(0..DEPARTMENTS.len()) as u8;
                let title = rng.random_range(0..TITLES[dept as usize].len()) as u8;
                let city = rng.random_range(0..CITIES.len()) as u8;
                let count = pair_counts.entry((first, last)).or_insert(0);
                *count += 1;
                let base = format!(
                    "{}.{}",
                    FIRST_NAMES[first as usize].to_lowercase(),
                    LAST_NAMES[last as usize].to_lowercase()
                );
                let login = if *count == 1 {
                    format!("{base}@example.com")
                } else {
                    format!("{base}{count}@example.com")
                };
                let roll = rng.random_range(0..100);
                let status = match roll {
                    0..=69 => Status::Active,
                    70..=74 => Status::Staged,
                    75..=80 => Status::Provisioned,
                    81..=84 => Status::Suspended,
                    85..=88 => Status::LockedOut,
                    89..=92 => Status::PasswordExpired,
                    93..=94 => Status::Recovery,
                    _ => Status::Deprovisioned,
                };
                let p = SeededProfile {
                    first,
                    last,
                    dept,
                    title,
                    city,
                    number: i as u32 + 1000,
                };
                (Profile::Seeded(p), login, status)
            };
            let created = SEED_EPOCH + rng.random_range(0..700 * DAY);
            let activated = match status {
                Status::Staged | Status::Provisioned => None,
                _ => Some(created + rng.random_range(0..DAY)),
            };
            let status_changed = match status {
                Status::Staged => None,
                _ => Some(activated.unwrap_or(created) + rng.random_range(0..30 * DAY)),
            };
            let has_password = !matches!(status, Status::Staged | Status::Provisioned);
            let last_login = match status {
                Status::Active | Status::LockedOut | Status::PasswordExpired | Status::Recovery => {
                    Some(status_changed.unwrap_or(created) + rng.random_range(0..60 * DAY))
                }
                _ => None,
            };
            let last_updated = [Some(created), status_changed, last_login]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(created);
            let id = store.fresh_id(&mut rng, "00u", Kind::User);
            store.user_ids.insert(id.clone(), i as u32);
            store.logins.insert(login.to_lowercase(), i as u32);
            store.users.push(Some(User {
                id,
                login: login.into_boxed_str(),
                status,
                created,
                activated,
                status_changed,
                last_login,
                last_updated,
                password_changed: has_password.then_some(activated.unwrap_or(created)),
                has_password,
                recovery_question: has_password
                    .then(|| "What is the name of your first pet?".into()),
                version: 0,
                profile,
                transitioning_to: None,
            }));
        }
        store.seed_groups(&mut rng);
        store.seed_apps(&mut rng);
        store.seed_logs(&mut rng);
        // Objects created later draw from their own stream, so they do not depend on traffic
        // that happened to come first for the seeded data.
        store.rng = SmallRng::seed_from_u64(seed ^ 0x5eed_0fda_7a00_0001);
        store
    }

    fn seed_groups(&mut self, rng: &mut SmallRng) {
        let all: Vec<u32> = (0..self.users.len() as u32).collect();
        let created = SEED_EPOCH - 30 * DAY;
        self.everyone = self.push_group(
            rng,
            GroupType::BuiltIn,
            "Everyone",
            Some("All users in your organization"),
            created,
            all.clone(),
        );
        for (d, dept) in DEPARTMENTS.iter().enumerate() {
            let members = all
                .iter()
                .copied()
                .filter(|&i| matches!(&self.users[i as usize], Some(User { profile: Profile::Seeded(p), .. }) if p.dept as usize == d))
                .collect();
            let desc = format!("Everyone in {dept}");
            self.push_group(
                rng,
                GroupType::Okta,
                dept,
                Some(&desc),
                created + d as i64 * DAY,
                members,
            );
        }
        let pick = |rng: &mut SmallRng, pct: u32| -> Vec<u32> {
            all.iter()
                .copied()
                .filter(|_| rng.random_range(0..100) < pct)
                .collect()
        };
        let vpn = pick(rng, 30);
        self.push_group(
            rng,
            GroupType::Okta,
            "VPN Users",
            Some("Users allowed on the corporate VPN"),
            created + 20 * DAY,
            vpn,
        );
        let remote = pick(rng, 15);
        self.push_group(
            rng,
            GroupType::Okta,
            "Remote Workers",
            Some("Fully remote employees"),
            created + 21 * DAY,
            remote,
        );
        let contractors = pick(rng, 5);
        self.push_group(
            rng,
            GroupType::Okta,
            "Contractors",
            None,
            created + 22 * DAY,
            contractors,
        );
        self.push_group(
            rng,
            GroupType::Okta,
            "Okta Administrators",
            Some("Admins of this org"),
            created + 23 * DAY,
            vec![0, 1],
        );
        let workday = pick(rng, 10);
        self.push_group(
            rng,
            GroupType::App,
            "Workday Users",
            Some("Imported from Workday"),
            created + 24 * DAY,
            workday,
        );
    }

    fn push_group(
        &mut self,
        rng: &mut SmallRng,
        kind: GroupType,
        name: &str,
        description: Option<&str>,
        created: i64,
        members: Vec<u32>,
    ) -> u32 {
        let id = self.fresh_id(rng, "00g", Kind::Group);
        let pos = self.groups.len() as u32;
        self.group_ids.insert(id.clone(), pos);
        self.groups.push(Some(Group {
            id,
            kind,
            name: name.into(),
            description: description.map(str::to_string),
            created,
            last_updated: created,
            last_membership_updated: created + DAY,
            members,
        }));
        pos
    }

    fn seed_apps(&mut self, rng: &mut SmallRng) {
        let group = |store: &Store, name: &str| {
            store
                .groups
                .iter()
                .position(|g| g.as_ref().is_some_and(|g| g.name == name))
                .map(|p| p as u32)
        };
        let apps: [(&str, &str, bool, &[&str], u32); 8] = [
            (
                "Company Wiki",
                "https://wiki.example.com",
                true,
                &["Everyone"],
                0,
            ),
            (
                "HR Handbook",
                "https://handbook.example.com",
                true,
                &["Everyone"],
                0,
            ),
            (
                "Engineering Docs",
                "https://docs.eng.example.com",
                true,
                &["Engineering", "Product"],
                0,
            ),
            (
                "Sales Dashboard",
                "https://dash.sales.example.com",
                true,
                &["Sales"],
                3,
            ),
            (
                "Expense Reports",
                "https://expenses.example.com",
                true,
                &[],
                20,
            ),
            (
                "Status Page",
                "https://status.example.com",
                true,
                &["Support", "Operations"],
                2,
            ),
            (
                "VPN Portal",
                "https://vpn.example.com",
                true,
                &["VPN Users"],
                0,
            ),
            (
                "Legacy Intranet",
                "https://intranet.example.com",
                false,
                &[],
                1,
            ),
        ];
        for (k, (label, url, active, groups, pct)) in apps.into_iter().enumerate() {
            let created = SEED_EPOCH + k as i64 * 3 * DAY;
            let groups: Vec<u32> = {
                let mut g: Vec<u32> = groups.iter().filter_map(|n| group(self, n)).collect();
                g.sort_unstable();
                g
            };
            // Direct assignments are capped so that large orgs still seed quickly.
            let users: Vec<u32> = (2..self.users.len() as u32)
                .filter(|_| rng.random_range(0..100) < pct)
                .take(2000)
                .collect();
            let id = self.fresh_id(rng, "0oa", Kind::App);
            self.app_ids.insert(id.clone(), self.apps.len() as u32);
            self.apps.push(Some(App {
                id,
                name: "bookmark".into(),
                label: label.into(),
                active,
                sign_on_mode: "BOOKMARK".into(),
                created,
                last_updated: created,
                body: bookmark_body(url),
                users,
                groups,
            }));
        }
    }

    fn seed_logs(&mut self, rng: &mut SmallRng) {
        let now = now_ms();
        let count = (self.users.len() * 2).clamp(50, 1000);
        let start = now - 3 * DAY;
        let mut times: Vec<i64> = (0..count)
            .map(|_| start + rng.random_range(0..3 * DAY - 60_000))
            .collect();
        times.sort_unstable();
        let admin = self.actor_user(self.admin);
        for t in times {
            let pos = rng.random_range(0..self.users.len()) as u32;
            let user = self.actor_user(pos);
            let ip = format!("203.0.113.{}", rng.random_range(1..255));
            let (event_type, display, outcome, reason, actor, targets) =
                match rng.random_range(0..10) {
                    0..=5 => (
                        "user.session.start",
                        "User login to Okta",
                        "SUCCESS",
                        None,
                        user.clone(),
                        vec![],
                    ),
                    6 => (
                        "user.session.start",
                        "User login to Okta",
                        "FAILURE",
                        Some("INVALID_CREDENTIALS"),
                        user.clone(),
                        vec![],
                    ),
                    7 => {
                        let app = rng.random_range(0..self.apps.len());
                        let target = self.actor_app(app as u32);
                        (
                            "user.authentication.sso",
                            "User single sign on to app",
                            "SUCCESS",
                            None,
                            user.clone(),
                            vec![target],
                        )
                    }
                    8 => (
                        "user.session.end",
                        "User logout from Okta",
                        "SUCCESS",
                        None,
                        user.clone(),
                        vec![],
                    ),
                    _ => (
                        "user.account.update_profile",
                        "Update user profile for Okta",
                        "SUCCESS",
                        None,
                        admin.clone(),
                        vec![user.clone()],
                    ),
                };
            let seq = self.logs.len() as u64 + 1;
            self.logs.push(LogEvent {
                uuid: uuid(rng),
                published: t,
                seq,
                event_type: event_type.into(),
                display_message: display.into(),
                severity: if outcome == "FAILURE" { "WARN" } else { "INFO" }.into(),
                outcome: outcome.into(),
                reason: reason.map(str::to_string),
                actor,
                targets,
                request_id: random_token(rng, 27),
                ip,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_is_deterministic() {
        let a = Store::seed(50, 7);
        let b = Store::seed(50, 7);
        let ids = |s: &Store| {
            s.users
                .iter()
                .flatten()
                .map(|u| (u.id.clone(), u.login.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&Store::seed(50, 8)));
        assert!(a
            .users
            .iter()
            .flatten()
            .all(|u| u.id.len() == 20 && u.id.starts_with("00u")));
        assert!(a
            .groups
            .iter()
            .flatten()
            .all(|g| g.id.len() == 20 && g.id.starts_with("00g")));
        assert!(a
            .apps
            .iter()
            .flatten()
            .all(|g| g.id.len() == 20 && g.id.starts_with("0oa")));
    }
}
