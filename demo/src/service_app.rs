//! The demo org's registered API Services app: a client id, granted scopes and an RSA key pair
//! whose public half verifies `private_key_jwt` client assertions.
//!
//! A 2048-bit key takes ~100 ms of CPU to generate, so it is made off the async threads and only
//! when needed: at start in the background when it is to be written to a file (a presenter's key,
//! stable across runs), and on first use when it lives in memory only, so that SSWS sessions pay
//! nothing for it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jsonwebtoken::DecodingKey;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::PrivateKey as RsaPrivateKey;
use tokio::sync::OnceCell;

/// The app's client id (Okta's are `0oa` + 17 characters).
pub const DEMO_CLIENT_ID: &str = "0oademoOktashSvc0k2Q";
/// The `kid` of the app's registered key; an assertion may name it in its header.
pub const DEMO_KEY_ID: &str = "demo-oktash-service-app-key-1";
/// The Okta API scopes granted to the app.
pub const GRANTED_SCOPES: &[&str] = &[
    "okta.users.read",
    "okta.users.manage",
    "okta.groups.read",
    "okta.groups.manage",
    "okta.apps.read",
    "okta.apps.manage",
    "okta.logs.read",
];

const RSA_BITS: usize = 2048;

/// The app's key pair, ready to verify assertions.
pub struct AppKey {
    /// PKCS#8 PEM of the private key (what a client signs with; never logged).
    private_pem: String,
    pub verifier: DecodingKey,
}

/// Where the key comes from, and the key once it is there.
pub struct ServiceApp {
    pub path: Option<PathBuf>,
    key: OnceCell<Result<Arc<AppKey>, String>>,
}

impl ServiceApp {
    /// An existing key file is read now, so that a bad one fails `start()` with a clear error;
    /// a missing one (or none) is made later by [`ServiceApp::key`].
    pub fn new(path: Option<PathBuf>) -> anyhow::Result<ServiceApp> {
        let key = OnceCell::new();
        if let Some(p) = &path {
            if p.exists() {
                let loaded = read_key_file(p)?;
                let _ = key.set(Ok(Arc::new(loaded)));
            }
        }
        Ok(ServiceApp { path, key })
    }

    /// The key, reading, generating or writing it on first call (off the async threads).
    pub async fn key(&self) -> Result<Arc<AppKey>, String> {
        self.key
            .get_or_init(|| async {
                let path = self.path.clone();
                match tokio::task::spawn_blocking(move || load_or_create(path.as_deref())).await {
                    Ok(Ok(k)) => Ok(Arc::new(k)),
                    Ok(Err(e)) => Err(format!("{e:#}")),
                    Err(e) => Err(format!("generating the service app key failed: {e}")),
                }
            })
            .await
            .clone()
    }

    /// The private key as PKCS#8 PEM.
    pub async fn private_key_pem(&self) -> anyhow::Result<String> {
        self.key()
            .await
            .map(|k| k.private_pem.clone())
            .map_err(anyhow::Error::msg)
    }
}

fn load_or_create(path: Option<&Path>) -> anyhow::Result<AppKey> {
    match path {
        Some(p) if p.exists() => read_key_file(p),
        Some(p) => {
            let key = generate()?;
            match write_new_key_file(p, &key.private_pem)? {
                Written::Ours => Ok(key),
                // Another process wrote it first: use theirs, so the file is the one truth.
                Written::AlreadyThere => read_key_file(p),
            }
        }
        None => generate(),
    }
}

fn generate() -> anyhow::Result<AppKey> {
    let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
    let key = RsaPrivateKey::new(&mut rng, RSA_BITS)?;
    app_key(&key)
}

fn app_key(key: &RsaPrivateKey) -> anyhow::Result<AppKey> {
    let private_pem = key.to_pkcs8_pem(LineEnding::LF)?.to_string();
    let public_pem = key.to_public_key().to_public_key_pem(LineEnding::LF)?;
    let verifier = DecodingKey::from_rsa_pem(public_pem.as_bytes())?;
    Ok(AppKey {
        private_pem,
        verifier,
    })
}

/// Reads a PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) PEM file.
fn read_key_file(path: &Path) -> anyhow::Result<AppKey> {
    let shown = path.display();
    refuse_if_readable_by_others(path)?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read the service app key {shown}: {e}"))?;
    let key = if text.contains("-----BEGIN PRIVATE KEY-----") {
        RsaPrivateKey::from_pkcs8_pem(&text)
            .map_err(|e| anyhow::anyhow!("{shown}: not an RSA private key in PKCS#8 PEM ({e})"))?
    } else if text.contains("-----BEGIN RSA PRIVATE KEY-----") {
        RsaPrivateKey::from_pkcs1_pem(&text)
            .map_err(|e| anyhow::anyhow!("{shown}: not an RSA private key in PKCS#1 PEM ({e})"))?
    } else {
        anyhow::bail!(
            "{shown}: not an RSA private key (expected PEM with BEGIN PRIVATE KEY or \
             BEGIN RSA PRIVATE KEY)"
        )
    };
    app_key(&key)
}

/// A private key others can read is refused, as ssh does, rather than silently used.
fn refuse_if_readable_by_others(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                anyhow::bail!(
                    "the service app key {} can be read by others (mode {mode:04o}); \
                     run chmod 600 on it",
                    path.display()
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

enum Written {
    Ours,
    AlreadyThere,
}

/// Writes a new key file, 0600 from its first byte: a temporary file in the same directory, then
/// linked into place, so that no reader ever sees half a key and a file another process put there
/// meanwhile is kept rather than overwritten.
fn write_new_key_file(path: &Path, pem: &str) -> anyhow::Result<Written> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "key.pem".into());
    let tmp = dir.join(format!(
        ".{file_name}.{}.{}.tmp",
        std::process::id(),
        getrandom::u64().unwrap_or(0)
    ));
    let result = (|| -> std::io::Result<Written> {
        let mut f = private_file_options().open(&tmp)?;
        f.write_all(pem.as_bytes())?;
        f.sync_all()?;
        drop(f);
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(Written::Ours),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(Written::AlreadyThere),
            // A file system without hard links: a rename is still atomic.
            Err(_) => std::fs::rename(&tmp, path).map(|()| Written::Ours),
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    result.map_err(|e| anyhow::anyhow!("cannot write the service app key {shown}: {e}"))
}

fn private_file_options() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_key_files_get_a_clear_error() {
        let dir = std::env::temp_dir().join(format!("oktash-demo-key-{}", std::process::id()));
        create_private_dir(&dir).unwrap();
        let p = dir.join("bad.pem");
        let _ = std::fs::remove_file(&p);
        let mut f = private_file_options().open(&p).unwrap();
        f.write_all(b"-----BEGIN CERTIFICATE-----\nxx\n").unwrap();
        let err = ServiceApp::new(Some(p.clone())).err().unwrap().to_string();
        assert!(err.contains("BEGIN PRIVATE KEY"), "{err}");
        std::fs::write(&p, "-----BEGIN PRIVATE KEY-----\nnot base64\n").unwrap();
        let err = ServiceApp::new(Some(p.clone())).err().unwrap().to_string();
        assert!(err.contains("PKCS#8"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
