//! Play mode away from a terminal: `--play FILE` (and `play FILE` in a script) runs the script
//! and prints each command after the environment's name, and each narration line, before the
//! output, so that a recorded demo is checked in CI: the `history/` sessions, played, give their
//! transcripts. A file that is no script stops `--play` with one line and exit status 2.

use std::path::Path;

use crate::common::Home;
use crate::history_transcripts::normalise;

fn history(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("history")
        .join(name)
}

#[test]
fn a_played_history_session_prints_each_command_before_its_transcript() {
    let home = Home::new();
    let script = history("users-tour.oktash");
    let out = home
        .command()
        .args(["--demo", "--play"])
        .arg(&script)
        .output()
        .unwrap();
    let stdout = normalise(&String::from_utf8_lossy(&out.stdout));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&script).unwrap();
    let commands: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let narration: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    let shown: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("demo> "))
        .collect();
    assert_eq!(shown, commands, "each command, in order, after the prompt");
    let shown_narration: Vec<&str> = stdout.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(shown_narration, narration);
    // What is left is the session's transcript, as `oktash --demo FILE` prints it.
    let output: String = stdout
        .lines()
        .filter(|l| !l.starts_with("demo> ") && !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let expected = std::fs::read_to_string(script.with_extension("out")).unwrap();
    assert_eq!(output, expected);
    // Each command comes before its output: the first listing's first id after the first line.
    let first_command = stdout.find("demo> ls users limit=3").unwrap();
    let first_output = stdout.find("\"id\"").unwrap();
    assert!(first_command < first_output);
}

#[test]
fn a_played_command_shows_no_secret() {
    let home = Home::new();
    let out = home
        .command()
        .args(["--demo", "--play"])
        .arg(history("offboarding.oktash"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.contains("demo> post users {"), "{stdout}");
    assert!(
        stdout.contains(r#""password": {"value": "••••"}"#),
        "{stdout}"
    );
    assert!(!stdout.contains("Tr1cky-Passw0rd!"), "{stdout}");
}

#[test]
fn play_in_a_script_prints_the_transcript_and_a_missing_file_is_one_line() {
    let home = Home::new();
    std::fs::write(
        home.path().join("two.oktash"),
        "# Two steps\necho 1\n\necho {\n  \"a\": 2\n}\n",
    )
    .unwrap();
    let (ok, stdout, _) = home.run_demo("play two.oktash");
    assert!(ok);
    assert_eq!(
        stdout,
        "# Two steps\ndemo> echo 1\n1\ndemo> echo {\n  \"a\": 2\n}\n{\n  \"a\": 2\n}\n"
    );
    let (ok, stdout, stderr) = home.run_demo("play nope.oktash");
    assert!(!ok);
    assert!(stdout.is_empty());
    assert_eq!(
        stderr.trim(),
        "error: -c:1: cannot read nope.oktash: no such file"
    );
}

#[test]
fn a_file_that_is_no_script_stops_play_with_one_line_and_status_2() {
    let home = Home::new();
    std::fs::create_dir(home.path().join("folder")).unwrap();
    std::fs::write(
        home.path().join("image.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .unwrap();
    std::fs::write(home.path().join("escape.oktash"), "echo \x1b]0;owned\x07\n").unwrap();
    std::fs::write(home.path().join("notes.oktash"), "\u{feff}# only words\r\n").unwrap();
    let mut files = vec![
        ("missing.oktash", "no such file"),
        ("folder", "it is a directory, not a script"),
        ("image.png", "binary data, not a script of commands"),
        ("escape.oktash", "binary data, not a script of commands"),
    ];
    if cfg!(unix) {
        // Endless: refused after the cap, not read whole.
        files.push(("/dev/zero", "larger than 16 MB, not a script of commands"));
    }
    for (file, why) in files {
        let out = home
            .command()
            .args(["--demo", "--play", file])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert_eq!(
            stderr,
            format!("oktash: --play: cannot read {file}: {why}\n"),
            "{file}"
        );
        assert!(out.stdout.is_empty());
    }
    // Only narration: nothing runs, nothing fails.
    let (ok, stdout, _) = home.run(&["--demo", "--play", "notes.oktash"]);
    assert!(ok);
    assert_eq!(stdout, "# only words\n");
}
