//! What oktash writes that sits next to secrets is its owner's only, whatever the umask:
//! directories 0700, the environments file, the history and recordings 0600.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::{Home, BIN};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn files_and_directories_are_private_under_umask_000() {
    let home = Home::new();
    // Nested, so that parents are created too.
    let config = home.path().join("deep/er/config");
    let mut cmd = home.command();
    cmd.env("OKTASH_CONFIG_DIR", &config).args([
        "-c",
        "record rec.oktash; env add other http://127.0.0.1:9 token=00SecretToken000000000000; echo 1",
    ]);
    // The umask is set by a shell that then becomes oktash.
    let mut wrapped = std::process::Command::new("sh");
    wrapped
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(cmd.get_args())
        .current_dir(home.path());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(v) => wrapped.env(key, v),
            None => wrapped.env_remove(key),
        };
    }
    let out = wrapped.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for dir in [
        home.path().join("deep"),
        home.path().join("deep/er"),
        config.clone(),
    ] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    assert_eq!(mode(&config.join("environments.json")), 0o600);
    let recording = home.path().join("rec.oktash");
    assert_eq!(mode(&recording), 0o600);
}
