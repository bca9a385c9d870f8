//! Parser throughput: builds 100,000 varied lines deterministically, parses them, prints
//! lines per second. `cargo run --release --example parse_bench` (or scripts/bench-parser.sh).

use std::hint::black_box;
use std::time::Instant;

use oktash::lang::parse_line;

const LINES: usize = 100_000;
const PASSES: usize = 7;

/// A small deterministic generator (SplitMix64), so every run parses the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn id(&mut self, prefix: &str) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let mut s = String::from(prefix);
        for _ in 0..17 {
            s.push(ALPHABET[(self.next() % ALPHABET.len() as u64) as usize] as char);
        }
        s
    }
}

fn line(rng: &mut Rng) -> String {
    let user = rng.id("00u");
    let group = rng.id("00g");
    let n = rng.next() % 50;
    let name = rng.pick(&["alice", "bob", "carol", "dave", "erin"]);
    let dept = rng.pick(&["Engineering", "Sales", "Support", "Finance"]);
    let resource = rng.pick(&["users", "groups", "apps", "logs", "groups/00g1/users"]);
    match rng.next() % 24 {
        0 => format!("ls {resource}"),
        1 => format!("ls users search='profile.department eq \"{dept}\"' limit=200 --all"),
        2 => format!("ls {resource} --max {n} filter=\"status eq \\\"ACTIVE\\\"\""),
        3 => format!("get users/{user}"),
        4 => format!("get {name}@example.com expand=blocks"),
        5 => format!("get users/$last[{n}].id/groups"),
        6 => "get $last._links.self.href".to_string(),
        7 => format!(
            "post /api/v1/users {{\"profile\": {{\"firstName\": \"{name}\", \"login\": \"{name}@example.com\"}}}} activate=false"
        ),
        8 => format!("post groups/{group}/users/$last[*].id --yes"),
        9 => format!("put users/{user} @user-{n}.json -y"),
        10 => format!("patch groups/{group} $body"),
        11 => format!("delete users/{user} sendEmail=false --yes"),
        12 => format!("set id = $last[{n}].id; echo $id"),
        13 => format!("set g = {{\"name\": \"{dept}\", \"members\": [1, 2, 3]}}"),
        14 => format!("echo \"Hello ${{who}}.\" {n} true $last[\"odd key\"]"),
        15 => "ls users | jq -r '.[].profile.login'".to_string(),
        16 => format!("ls users > users-{n}.json # saved"),
        17 => format!("show #{n} --json; as curl {n} --reveal"),
        18 => format!("run \"Get User\" userId={user} --yes"),
        19 => "follow next $last; history".to_string(),
        20 => format!("env add {name} https://{name}.okta.com token=env:OKTA_TOKEN --protected"),
        21 => format!("use env {name}; vars"),
        22 => format!("lst users # typo {n}"),
        _ => format!("post users {{\"profile\": {n}"),
    }
}

fn main() {
    let mut rng = Rng(0x0C7A_5E11);
    let lines: Vec<String> = (0..LINES).map(|_| line(&mut rng)).collect();
    let bytes: usize = lines.iter().map(String::len).sum();

    let (mut ok, mut err) = (0usize, 0usize);
    for l in &lines {
        match parse_line(l) {
            Ok(_) => ok += 1,
            Err(_) => err += 1,
        }
    }

    let mut rates = Vec::with_capacity(PASSES);
    for _ in 0..PASSES {
        let start = Instant::now();
        for l in &lines {
            let _ = black_box(parse_line(black_box(l)));
        }
        rates.push(LINES as f64 / start.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[PASSES / 2];
    println!(
        "parsed {LINES} lines ({ok} ok, {err} errors, {:.1} MB), median of {PASSES} passes: {:.0} lines/s ({:.0} MB/s)",
        bytes as f64 / 1e6,
        median,
        median * bytes as f64 / LINES as f64 / 1e6
    );
}
