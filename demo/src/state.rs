//! `demo serve --state FILE`: the org kept across restarts, for a demo prepared the day before.
//!
//! The file is the whole org as JSON: the store, the generic engine's objects, the group rules. It is written atomically (a private temporary file beside
//! it, synced, then renamed over it), 0600, a moment after each change and once more on shutdown,
//! so a crash loses at most the last half second and never leaves half a file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::generic::State as Generic;
use super::group_rules::Rules;
use super::store::Store;
use super::Org;

/// What the file says it is, so that another JSON file is never taken for an org.
const FORMAT: &str = "oktash demo state 1";
/// How long after a change the file is written (changes in between are written together).
const SAVE_AFTER: Duration = Duration::from_millis(500);

/// The parts are written one at a time, each under its own lock: holding two at once could
/// deadlock with a request that takes them in the other order.
#[derive(Serialize)]
struct Saving<'a> {
    format: &'a str,
    seed: u64,
    users: usize,
    store: Box<RawValue>,
    generic: Box<RawValue>,
    group_rules: Box<RawValue>,
}

#[derive(Deserialize)]
struct Saved {
    format: String,
    seed: u64,
    users: usize,
    store: Store,
    #[serde(default)]
    generic: Generic,
    #[serde(default)]
    group_rules: Rules,
}

/// An org as it starts: read back from a state file, or seeded; with the seed and size
/// `demo reset` goes back to.
pub struct Restored {
    pub store: Store,
    pub generic: Generic,
    pub group_rules: Rules,
    pub seed: u64,
    pub users: usize,
    /// Read from the file (else seeded, and the file is yet to be written).
    pub from_file: bool,
}

/// The org in `path`, or `None` when there is no file yet. A file that is not a demo state is an
/// error: it may be the demo someone prepared, so it is never overwritten.
pub fn load(path: &Path) -> anyhow::Result<Option<Restored>> {
    let text = match std::fs::read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let not_state = || {
        format!(
            "{} is not a demo org's state (move it away, or give --state another file)",
            path.display()
        )
    };
    let saved: Saved = serde_json::from_slice(&text).with_context(not_state)?;
    if saved.format != FORMAT {
        anyhow::bail!("{}: it says {:?}", not_state(), saved.format);
    }
    let mut store = saved.store;
    // Where the stream was is not kept; a new one, different from the seed's, is as good:
    // every new id is checked against the ids already issued.
    store.rng = SmallRng::seed_from_u64(saved.seed ^ (store.logs.len() as u64).rotate_left(32));
    Ok(Some(Restored {
        store,
        generic: saved.generic,
        group_rules: saved.group_rules,
        seed: saved.seed,
        users: saved.users,
        from_file: true,
    }))
}

/// Writes the org to `path` atomically and privately.
pub fn save(path: &Path, org: &Org) -> anyhow::Result<()> {
    // Not `org.generic()`: that counts as a change, and saving would never be done.
    // One lock at a time: a handler takes the rules before the store, so holding the store
    // while waiting for the rules could deadlock with it.
    let store = serde_json::value::to_raw_value(&*org.read())?;
    let generic =
        serde_json::value::to_raw_value(&*org.generic.lock().unwrap_or_else(|e| e.into_inner()))?;
    let group_rules = serde_json::value::to_raw_value(
        &*org.group_rules.lock().unwrap_or_else(|e| e.into_inner()),
    )?;
    let bytes = serde_json::to_vec(&Saving {
        format: FORMAT,
        seed: org.seed,
        users: org.users,
        store,
        generic,
        group_rules,
    })?;
    let temporary = temporary_beside(path);
    let _ = std::fs::remove_file(&temporary);
    let written = (|| {
        let mut file = private_new_file(&temporary)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.with_context(|| format!("cannot write the demo org's state to {}", path.display()))
}

/// Saves the org a moment after every change, for as long as the server runs.
pub fn keep(org: Arc<Org>, path: PathBuf) {
    tokio::spawn(async move {
        // Not yet written: the first round writes the file, so it is there from the start.
        let mut saved = u64::MAX;
        loop {
            let changes = org.changes.load(Ordering::Acquire);
            if changes != saved {
                let (org, path) = (org.clone(), path.clone());
                match tokio::task::spawn_blocking(move || save(&path, &org)).await {
                    Ok(Ok(())) => saved = changes,
                    Ok(Err(e)) => eprintln!("{e:#}"),
                    Err(_) => {}
                }
            }
            tokio::time::sleep(SAVE_AFTER).await;
        }
    });
}

fn temporary_beside(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

fn private_new_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}
