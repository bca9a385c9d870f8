//! The org's data: users, groups, apps and System Log events, seeded deterministically.
//!
//! Users are kept compactly (a seeded profile is a handful of indexes into name tables, and is
//! rendered to JSON on demand) so that 100,000 of them seed quickly and stay small. Deleted
//! objects leave a `None` slot behind, so positions (and the cursors built from them) stay valid.

use std::collections::HashMap;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use super::clock::{iso, now_ms};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

pub const FIRST_NAMES: &[&str] = &[
    "Ann",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Isabel",
    "Jamal",
    "Keiko",
    "Liam",
    "Maria",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Rosa",
    "Samuel",
    "Tara",
    "Umar",
    "Vera",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiko",
    "Bruno",
    "Chloe",
    "Diego",
    "Emma",
    "Felix",
    "Gita",
    "Hannah",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Marco",
    "Nadia",
    "Oscar",
    "Paula",
    "Rahul",
    "Sofia",
    "Tomas",
    "Uma",
    "Victor",
    "Wanda",
    "Yara",
    "Zane",
    "Amara",
    "Boris",
    "Camille",
    "Dmitri",
    "Esther",
    "Fatima",
    "Gustavo",
    "Helga",
    "Ines",
    "Jonas",
    "Kwame",
    "Lucia",
    "Mateo",
    "Nora",
    "Omar",
    "Pilar",
    "Ravi",
    "Sara",
    "Theo",
    "Ursula",
    "Valentina",
    "Will",
    "Xavier",
    "Yasmin",
    "Zara",
    "Alice",
    "Bob",
    "Chen",
    "Dana",
    "Eli",
];

pub const LAST_NAMES: &[&str] = &[
    "Lee",
    "Smith",
    "Garcia",
    "Nguyen",
    "Okafor",
    "Kowalski",
    "Tanaka",
    "Muller",
    "Rossi",
    "Haddad",
    "Johansson",
    "Silva",
    "Patel",
    "Kim",
    "Brown",
    "Dubois",
    "Novak",
    "Ivanova",
    "Mensah",
    "Chen",
    "Fischer",
    "Lopez",
    "Wong",
    "Ahmed",
    "Murphy",
    "Jensen",
    "Costa",
    "Sato",
    "Kaur",
    "Moreau",
    "Andersen",
    "Popescu",
    "Yilmaz",
    "Hughes",
    "Santos",
    "Ito",
    "Khan",
    "Berg",
    "Reyes",
    "Weber",
    "Park",
    "Nakamura",
    "Olsen",
    "Ferrari",
    "Cohen",
    "Adeyemi",
    "Larsen",
    "Schmidt",
    "Gomez",
    "Walsh",
    "Takahashi",
    "Ali",
    "Martin",
    "Becker",
    "Romero",
    "Sharma",
    "Lindqvist",
    "Diaz",
    "Obi",
    "Horvat",
];

pub const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Support",
    "Human Resources",
    "Legal",
    "Operations",
    "Product",
    "Design",
];

const TITLES: &[&[&str]] = &[
    &[
        "Software Engineer",
        "Senior Software Engineer",
        "Staff Engineer",
        "Engineering Manager",
        "Site Reliability Engineer",
    ],
    &[
        "Account Executive",
        "Sales Engineer",
        "Sales Manager",
        "Business Development Rep",
    ],
    &[
        "Marketing Manager",
        "Content Strategist",
        "Growth Analyst",
        "Brand Designer",
    ],
    &[
        "Financial Analyst",
        "Controller",
        "Accountant",
        "Payroll Specialist",
    ],
    &[
        "Support Engineer",
        "Customer Success Manager",
        "Support Lead",
    ],
    &[
        "HR Business Partner",
        "Recruiter",
        "People Operations Specialist",
    ],
    &["Counsel", "Paralegal", "Compliance Officer"],
    &[
        "Operations Manager",
        "IT Administrator",
        "Facilities Coordinator",
    ],
    &[
        "Product Manager",
        "Product Analyst",
        "Technical Program Manager",
    ],
    &["Product Designer", "UX Researcher", "Design Lead"],
];

const CITIES: &[&str] = &[
    "San Francisco",
    "New York",
    "Austin",
    "Chicago",
    "Seattle",
    "Toronto",
    "London",
    "Berlin",
    "Paris",
    "Amsterdam",
    "Sydney",
    "Tokyo",
    "Singapore",
    "Dublin",
    "Madrid",
    "Warsaw",
];

/// A seeded profile: indexes into the tables above, rendered on demand.
#[derive(Debug, Clone)]
pub struct SeededProfile {
    pub first: u16,
    pub last: u16,
    pub dept: u8,
    pub title: u8,
    pub city: u8,
    pub number: u32,
}

#[derive(Debug, Clone)]
pub enum Profile {
    Seeded(SeededProfile),
    Custom(Box<Map<String, Value>>),
}

#[derive(Debug, Clone)]
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
}

impl User {
    pub fn profile_json(&self) -> Map<String, Value> {
        match &self.profile {
            Profile::Custom(map) => (**map).clone(),
            Profile::Seeded(p) => {
                let first = FIRST_NAMES[p.first as usize];
                let last = LAST_NAMES[p.last as usize];
                let dept = p.dept as usize;
                let mut m = Map::new();
                m.insert("firstName".into(), first.into());
                m.insert("lastName".into(), last.into());
                m.insert(
                    "mobilePhone".into(),
                    format!(
                        "+1-555-{:03}-{:04}",
                        p.number % 1000,
                        (p.number * 7919) % 10000
                    )
                    .into(),
                );
                m.insert("secondEmail".into(), Value::Null);
                m.insert("login".into(), (*self.login).into());
                m.insert("email".into(), (*self.login).into());
                m.insert("displayName".into(), format!("{first} {last}").into());
                m.insert("department".into(), DEPARTMENTS[dept].into());
                m.insert("title".into(), TITLES[dept][p.title as usize].into());
                m.insert("city".into(), CITIES[p.city as usize].into());
                m.insert("employeeNumber".into(), format!("{:06}", p.number).into());
                m.insert("organization".into(), "Example Corp".into());
                m
            }
        }
    }

    /// One profile property, without rendering the whole profile.
    pub fn profile_attr(&self, name: &str) -> Option<Value> {
        match &self.profile {
            Profile::Custom(map) => map.get(name).cloned(),
            Profile::Seeded(p) => Some(match name {
                "firstName" => FIRST_NAMES[p.first as usize].into(),
                "lastName" => LAST_NAMES[p.last as usize].into(),
                "login" | "email" => (*self.login).into(),
                "department" => DEPARTMENTS[p.dept as usize].into(),
                "title" => TITLES[p.dept as usize][p.title as usize].into(),
                "city" => CITIES[p.city as usize].into(),
                _ => return self.profile_json().remove(name),
            }),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

#[derive(Debug, Clone)]
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

#[derive(Debug, Clone)]
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

#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub kind: &'static str,
    pub alternate_id: String,
    pub display_name: String,
}

#[derive(Debug, Clone)]
pub struct LogEvent {
    pub uuid: String,
    pub published: i64,
    /// Position + 1; with `published` it orders events and makes cursors.
    pub seq: u64,
    pub event_type: &'static str,
    pub display_message: String,
    pub severity: &'static str,
    pub outcome: &'static str,
    pub reason: Option<String>,
    pub actor: Actor,
    pub targets: Vec<Actor>,
    pub request_id: String,
    pub ip: String,
}

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
    pub rng: SmallRng,
    pub admin: u32,
    pub readonly_admin: u32,
    pub everyone: u32,
    /// Passwords and recovery answers the demo was given, by user position, so that
    /// `change_password` and the recovery flows can check them as Okta does. Seeded users have
    /// none: their credentials exist but are unknown, so checks against them fail. Never rendered.
    pub secrets: HashMap<u32, Secrets>,
}

/// What a user's credentials hold that Okta never returns.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub password: Option<String>,
    pub answer: Option<String>,
}

const ID_CHARS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// 2023-01-01T00:00:00Z: seeded objects are created after it.
const SEED_EPOCH: i64 = 1_672_531_200_000;
const DAY: i64 = 86_400_000;

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

    fn fresh_id(&mut self, rng: &mut SmallRng, prefix: &str, kind: Kind) -> Box<str> {
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
                event_type,
                display_message: display.into(),
                severity: if outcome == "FAILURE" { "WARN" } else { "INFO" },
                outcome,
                reason: reason.map(str::to_string),
                actor,
                targets,
                request_id: random_token(rng, 27),
                ip,
            });
        }
    }

    pub fn actor_user(&self, pos: u32) -> Actor {
        match self.users.get(pos as usize).and_then(Option::as_ref) {
            Some(u) => Actor {
                id: u.id.to_string(),
                kind: "User",
                alternate_id: u.login.to_string(),
                display_name: u.display_name(),
            },
            None => Actor {
                id: "unknown".into(),
                kind: "User",
                alternate_id: "unknown".into(),
                display_name: "unknown".into(),
            },
        }
    }

    pub fn actor_group(&self, pos: u32) -> Actor {
        let g = self.groups.get(pos as usize).and_then(Option::as_ref);
        Actor {
            id: g.map(|g| g.id.to_string()).unwrap_or_default(),
            kind: "UserGroup",
            alternate_id: g.map(|g| g.name.clone()).unwrap_or_default(),
            display_name: g.map(|g| g.name.clone()).unwrap_or_default(),
        }
    }

    pub fn actor_app(&self, pos: u32) -> Actor {
        let a = self.apps.get(pos as usize).and_then(Option::as_ref);
        Actor {
            id: a.map(|a| a.id.to_string()).unwrap_or_default(),
            kind: "AppInstance",
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
            event_type,
            display_message: display.into(),
            severity: "INFO",
            outcome: "SUCCESS",
            reason: None,
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

    pub fn app(&self, pos: u32) -> Option<&App> {
        self.apps.get(pos as usize).and_then(Option::as_ref)
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
        let Some(g) = self.groups.get_mut(group as usize).and_then(Option::as_mut) else {
            return false;
        };
        match g.members.binary_search(&user) {
            Ok(_) => false,
            Err(at) => {
                g.members.insert(at, user);
                g.last_membership_updated = now;
                true
            }
        }
    }

    pub fn remove_member(&mut self, group: u32, user: u32, now: i64) -> bool {
        let Some(g) = self.groups.get_mut(group as usize).and_then(Option::as_mut) else {
            return false;
        };
        match g.members.binary_search(&user) {
            Ok(at) => {
                g.members.remove(at);
                g.last_membership_updated = now;
                true
            }
            Err(_) => false,
        }
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
