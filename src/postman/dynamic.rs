//! Postman's dynamic variables (`{{$guid}}`, `{{$timestamp}}`, `{{$randomEmail}}`, …).
//!
//! Each occurrence gets a fresh value, as in Postman. Fake people and places use small fixed
//! word lists; e-mail and URL domains are the reserved `example.*` ones, so a demo never writes
//! a real address.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const FIRST: &[&str] = &[
    "Ann", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal", "Kira",
    "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor",
    "Wen", "Yara", "Zoe",
];
const LAST: &[&str] = &[
    "Lee", "Garcia", "Okafor", "Nguyen", "Smith", "Kowalski", "Haddad", "Tanaka", "Silva",
    "Johnson", "Moreau", "Schmidt", "Patel", "Rossi", "Andersen", "Kim", "Diaz", "Brown", "Novak",
    "Clarke",
];
const WORDS: &[&str] = &[
    "alpha", "harbor", "maple", "quartz", "signal", "ember", "falcon", "meadow", "orbit", "pixel",
    "river", "summit", "tundra", "velvet", "willow", "zephyr", "cobalt", "lantern",
];
const CITIES: &[&str] = &[
    "Lisbon", "Nairobi", "Osaka", "Denver", "Lyon", "Pune", "Toronto", "Bergen", "Cusco",
];
const COUNTRIES: &[(&str, &str)] = &[
    ("Portugal", "PT"),
    ("Kenya", "KE"),
    ("Japan", "JP"),
    ("United States", "US"),
    ("France", "FR"),
    ("India", "IN"),
    ("Canada", "CA"),
    ("Norway", "NO"),
    ("Peru", "PE"),
];
const COMPANIES: &[&str] = &["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"];
const JOBS: &[&str] = &[
    "Engineer",
    "Designer",
    "Analyst",
    "Manager",
    "Architect",
    "Consultant",
];
const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Sales",
    "Finance",
    "Marketing",
    "Support",
    "Legal",
];
const COLORS: &[&str] = &[
    "red", "green", "blue", "orange", "purple", "teal", "gold", "gray",
];
const DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];
const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A generator seeded from the clock and a counter: rand's OS-seeded generators are not among
/// the crate features we build with, and these values need variety, not secrecy.
pub(crate) fn rng() -> SmallRng {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    SmallRng::seed_from_u64(nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn pick<'a>(rng: &mut SmallRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

fn alnum(rng: &mut SmallRng, n: usize) -> String {
    (0..n)
        .map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char)
        .collect()
}

/// A random (version 4) UUID from our rng, so that a seeded run is reproducible.
fn uuid(rng: &mut SmallRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `2024-05-01T12:34:56.789Z`, as JavaScript's `toISOString` writes it.
pub(crate) fn iso_timestamp(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// The value of a dynamic variable (`name` includes the `$`), or `None` if Postman has no such
/// variable or oktash does not provide it.
pub fn generate(name: &str, rng: &mut SmallRng) -> Option<String> {
    const DAY_MS: i64 = 86_400_000;
    let first = |rng: &mut SmallRng| pick(rng, FIRST).to_string();
    let last = |rng: &mut SmallRng| pick(rng, LAST).to_string();
    let user = |rng: &mut SmallRng| {
        format!(
            "{}.{}{}",
            pick(rng, FIRST),
            pick(rng, LAST),
            rng.random_range(1..100)
        )
    };
    Some(match name {
        "$guid" | "$randomUUID" => uuid(rng),
        "$timestamp" => (now_millis() / 1000).to_string(),
        "$isoTimestamp" => iso_timestamp(now_millis()),
        "$randomInt" => rng.random_range(0..=1000).to_string(),
        "$randomBoolean" => rng.random_bool(0.5).to_string(),
        "$randomAlphaNumeric" => alnum(rng, 1),
        "$randomPassword" => alnum(rng, 15),
        "$randomFirstName" => first(rng),
        "$randomLastName" => last(rng),
        "$randomFullName" => format!("{} {}", first(rng), last(rng)),
        "$randomNamePrefix" => pick(rng, &["Mr.", "Ms.", "Mx.", "Dr."]).to_string(),
        "$randomNameSuffix" => pick(rng, &["Jr.", "Sr.", "II", "III"]).to_string(),
        "$randomUserName" => user(rng),
        "$randomEmail" | "$randomExampleEmail" => {
            format!("{}@{}", user(rng).to_lowercase(), pick(rng, DOMAINS))
        }
        "$randomPhoneNumber" => format!(
            "{:03}-{:03}-{:04}",
            rng.random_range(200..1000),
            rng.random_range(200..1000),
            rng.random_range(0..10_000)
        ),
        "$randomPhoneNumberExt" => format!(
            "{}-{:03}-{:03}-{:04}",
            rng.random_range(1..100),
            rng.random_range(200..1000),
            rng.random_range(200..1000),
            rng.random_range(0..10_000)
        ),
        "$randomCity" => pick(rng, CITIES).to_string(),
        "$randomCountry" => COUNTRIES[rng.random_range(0..COUNTRIES.len())]
            .0
            .to_string(),
        "$randomCountryCode" => COUNTRIES[rng.random_range(0..COUNTRIES.len())]
            .1
            .to_string(),
        "$randomStreetName" => format!("{} Street", capitalize(pick(rng, WORDS))),
        "$randomStreetAddress" => format!(
            "{} {} Street",
            rng.random_range(1..2000),
            capitalize(pick(rng, WORDS))
        ),
        "$randomCompanyName" => format!(
            "{} {}",
            pick(rng, COMPANIES),
            pick(rng, &["Inc", "LLC", "Group"])
        ),
        "$randomJobTitle" => pick(rng, JOBS).to_string(),
        "$randomDepartment" => pick(rng, DEPARTMENTS).to_string(),
        "$randomWord" | "$randomLoremWord" | "$randomNoun" | "$randomDomainWord" => {
            pick(rng, WORDS).to_string()
        }
        "$randomWords" | "$randomLoremWords" => {
            let n = rng.random_range(2..5);
            (0..n)
                .map(|_| pick(rng, WORDS))
                .collect::<Vec<_>>()
                .join(" ")
        }
        "$randomLoremSentence" => {
            let n = rng.random_range(4..9);
            let words: Vec<&str> = (0..n).map(|_| pick(rng, WORDS)).collect();
            format!("{}.", capitalize(&words.join(" ")))
        }
        "$randomColor" => pick(rng, COLORS).to_string(),
        "$randomHexColor" => format!("#{:06x}", rng.random_range(0..0x100_0000)),
        "$randomIP" => format!(
            "{}.{}.{}.{}",
            rng.random_range(1..255),
            rng.random_range(0..256),
            rng.random_range(0..256),
            rng.random_range(1..255)
        ),
        "$randomIPV6" => (0..8)
            .map(|_| format!("{:x}", rng.random_range(0..0x10000)))
            .collect::<Vec<_>>()
            .join(":"),
        "$randomMACAddress" => (0..6)
            .map(|_| format!("{:02x}", rng.random_range(0..256)))
            .collect::<Vec<_>>()
            .join(":"),
        "$randomDomainSuffix" => pick(rng, &["com", "net", "org"]).to_string(),
        "$randomDomainName" => pick(rng, DOMAINS).to_string(),
        "$randomUrl" => format!("https://{}/{}", pick(rng, DOMAINS), pick(rng, WORDS)),
        "$randomLocale" => pick(rng, &["en", "fr", "de", "ja", "pt", "es"]).to_string(),
        "$randomDatePast" => iso_timestamp(now_millis() - rng.random_range(1..365) * DAY_MS),
        "$randomDateRecent" => iso_timestamp(now_millis() - rng.random_range(1..3) * DAY_MS),
        "$randomDateFuture" => iso_timestamp(now_millis() + rng.random_range(1..365) * DAY_MS),
        "$randomPrice" => format!(
            "{}.{:02}",
            rng.random_range(1..1000),
            rng.random_range(0..100)
        ),
        "$randomBankAccount" => format!("{:08}", rng.random_range(0..100_000_000)),
        "$randomCurrencyCode" => pick(rng, &["USD", "EUR", "JPY", "GBP", "INR"]).to_string(),
        "$randomSemver" => format!(
            "{}.{}.{}",
            rng.random_range(0..10),
            rng.random_range(0..20),
            rng.random_range(0..50)
        ),
        "$randomFileName" => format!("{}.txt", pick(rng, WORDS)),
        _ => return None,
    })
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamp_matches_known_dates() {
        assert_eq!(iso_timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_timestamp(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(iso_timestamp(1_700_000_000_000), "2023-11-14T22:13:20.000Z");
    }

    #[test]
    fn uuids_are_version_4() {
        let mut r = rng();
        let u = uuid(&mut r);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(u, uuid(&mut r));
    }
}
