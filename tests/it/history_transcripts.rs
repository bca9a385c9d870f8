//! Every recorded session in `history/` replayed against the demo org: its stdout must match the
//! transcript beside it (`NAME.oktash` → `NAME.out`). `UPDATE_TRANSCRIPTS=1` rewrites them.
//! What differs from run to run is normalised first: the demo org's port, the timestamps of
//! objects created during the session, and the ids of requests and log events.

use std::path::Path;

#[test]
fn recorded_sessions_replay_as_transcribed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("history");
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "oktash"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 3, "history/ holds at least three sessions");
    let update = std::env::var_os("UPDATE_TRANSCRIPTS").is_some();
    let mut failures = Vec::new();
    for script in &scripts {
        let home = crate::common::Home::new();
        let out = home.command().arg("--demo").arg(script).output().unwrap();
        let stdout = normalise(&String::from_utf8_lossy(&out.stdout));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = script.file_name().unwrap().to_string_lossy().into_owned();
        if !out.status.success() {
            failures.push(format!("{name} failed:\n{stderr}"));
            continue;
        }
        let expected_path = script.with_extension("out");
        if update {
            std::fs::write(&expected_path, &stdout).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != stdout {
            let first = expected
                .lines()
                .zip(stdout.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(expected.lines().count().min(stdout.lines().count()));
            failures.push(format!(
                "{name}: transcript differs at line {}:\n  expected: {:?}\n  got:      {:?}\n(UPDATE_TRANSCRIPTS=1 rewrites transcripts)",
                first + 1,
                expected.lines().nth(first),
                stdout.lines().nth(first)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

pub(crate) fn normalise(text: &str) -> String {
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").unwrap();
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z").unwrap();
    let uuid =
        regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
    let text = port.replace_all(text, "127.0.0.1:PORT");
    let text = time.replace_all(&text, "TIME");
    uuid.replace_all(&text, "UUID").into_owned()
}
