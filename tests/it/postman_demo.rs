//! Okta's users.json Postman collection against the demo org, through scripts/postman-demo.sh
//! and the real binary: with the variables a person would set, at least 95% of its requests
//! answer 2xx, and none is left unsent.

use std::process::Command;

use crate::common::{outcome, Home, BIN};

/// The `= all folders` row of one collection: sent, 2xx, not sent.
fn totals(table: &str, collection: &str) -> Option<(u32, u32, u32)> {
    let line = table
        .lines()
        .find(|l| l.starts_with(collection) && l.contains("= all folders"))?;
    let numbers: Vec<u32> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    match numbers[..] {
        [sent, ok, unsent, ..] => Some((sent, ok, unsent)),
        _ => None,
    }
}

#[test]
fn users_json_answers_at_least_95_percent_2xx_against_the_demo() {
    let home = Home::new();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg(format!("{root}/scripts/postman-demo.sh"))
        .arg("users.json")
        .env("OKTASH", BIN)
        .env("HOME", home.path())
        .env("OKTASH_CONFIG_DIR", home.config_dir())
        .env("OKTASH_DATA_DIR", home.data_dir())
        .env("NO_COLOR", "1")
        .env_remove("OKTA_CLIENT_ORGURL")
        .env_remove("OKTA_CLIENT_TOKEN")
        .output()
        .expect("run the script");
    let (ok, table, stderr) = outcome(out);
    assert!(ok, "{stderr}\n{table}");
    let (sent, answered, unsent) =
        totals(&table, "users.json").unwrap_or_else(|| panic!("no totals row:\n{table}"));
    assert_eq!((sent, unsent), (42, 0), "every request sent:\n{table}");
    assert!(
        answered * 100 >= sent * 95,
        "{answered}/{sent} 2xx:\n{table}"
    );
    // The folders are rows of their own, in the collection's order.
    let folders: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("users.json") && !l.contains("= all"))
        .map(|l| l[38..].split("  ").next().unwrap_or_default().trim())
        .collect();
    assert_eq!(
        folders,
        [
            "Create User",
            "Credential Operations",
            "Lifecycle Operations",
            "List Users",
            "(top level)"
        ],
        "{table}"
    );
}
