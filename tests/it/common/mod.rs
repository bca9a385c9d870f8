//! Shared by the black-box tests: the real binary, isolated from the user's files, and the demo
//! org as a separate process when a test needs its URL.
#![allow(dead_code)]

pub mod org;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_oktash");

/// A home of its own for one test: config and data directories that start empty.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_dir(&self) -> PathBuf {
        self.path().join("config")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.path().join("data")
    }

    /// The binary with this home and no OKTA_* variables from the outside.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env("HOME", self.path())
            .env("OKTASH_CONFIG_DIR", self.config_dir())
            .env("OKTASH_DATA_DIR", self.data_dir())
            .env("NO_COLOR", "1")
            .env_remove("OKTA_CLIENT_ORGURL")
            .env_remove("OKTA_CLIENT_TOKEN")
            .env_remove("OKTA_CLIENT_AUTHORIZATIONMODE")
            .env_remove("OKTA_CLIENT_CLIENTID")
            .env_remove("OKTA_CLIENT_SCOPES")
            .env_remove("OKTA_CLIENT_PRIVATEKEY")
            .env_remove("OKTA_CLIENT_PRIVATEKEYID")
            .env_remove("OKTASH_SPEC_INDEX")
            .current_dir(self.path());
        cmd
    }

    /// The binary with these arguments, through pipes: success, stdout, stderr.
    pub fn run(&self, args: &[&str]) -> (bool, String, String) {
        outcome(self.command().args(args).output().expect("run oktash"))
    }

    /// The binary pointed at a demo org process: its environment `okta-client` comes from
    /// OKTA_CLIENT_*.
    pub fn command_on(&self, demo: &DemoProcess) -> Command {
        let mut cmd = self.command();
        cmd.env("OKTA_CLIENT_ORGURL", &demo.url)
            .env("OKTA_CLIENT_TOKEN", &demo.token);
        cmd
    }

    /// `oktash ARGS -c COMMANDS` against a demo org process (as environment `okta-client`),
    /// through pipes.
    pub fn run_on(
        &self,
        demo: &DemoProcess,
        args: &[&str],
        commands: &str,
    ) -> (bool, String, String) {
        let out = self
            .command_on(demo)
            .args(args)
            .args(["-c", commands])
            .output()
            .expect("run oktash");
        outcome(out)
    }

    /// `oktash --demo -c COMMANDS`, through pipes.
    pub fn run_demo(&self, commands: &str) -> (bool, String, String) {
        self.run(&["--demo", "-c", commands])
    }

    /// The binary in a pseudo-terminal with these arguments (TERM=xterm, a 20 s expect
    /// timeout).
    #[cfg(unix)]
    pub fn pty(&self, args: &[&str]) -> expectrl::Session {
        let mut cmd = self.command();
        cmd.args(args);
        pty_of(cmd)
    }

    /// `oktash --demo` in a pseudo-terminal, at its first prompt.
    #[cfg(unix)]
    pub fn pty_demo(&self) -> expectrl::Session {
        let mut session = self.pty(&["--demo"]);
        session
            .expect("demo")
            .expect("the prompt names the environment");
        session
    }

    pub fn assert(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.command())
    }
}

/// A command (the binary, from [`Home::command`]) in a pseudo-terminal: TERM=xterm, a 20 s
/// expect timeout.
#[cfg(unix)]
pub fn pty_of(mut cmd: Command) -> expectrl::Session {
    cmd.env("TERM", "xterm");
    let mut session = expectrl::Session::spawn(cmd).expect("spawn oktash in a pty");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
    session
}

/// A new 2048-bit RSA key as PKCS#8 PEM.
pub fn new_service_key() -> String {
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
    let key = rsa::PrivateKey::new(&mut rng, 2048).expect("an RSA key");
    key.to_pkcs8_pem(LineEnding::LF).expect("PEM").to_string()
}

/// One RSA key for every demo org a test starts.
pub fn shared_service_key() -> &'static str {
    static PEM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PEM.get_or_init(new_service_key)
}

/// `oktash demo serve` in the background; killed on drop.
pub struct DemoProcess {
    child: Child,
    pub url: String,
    pub token: String,
    pub readonly_token: String,
    /// The service app: `client id: …` and `client key: PATH (key id KID)`.
    pub client_id: String,
    pub client_key: PathBuf,
    pub key_id: String,
    /// Its data directory (where the default client key goes), not the user's.
    _data: tempfile::TempDir,
}

impl DemoProcess {
    pub fn start(extra: &[&str]) -> DemoProcess {
        let data = tempfile::tempdir().expect("temp dir");
        // The service app's key, where demo serve looks by default: made once for the test
        // binary, as an RSA key takes a fraction of a second of CPU to make.
        let key = data.path().join("demo-service-app.pem");
        std::fs::write(&key, shared_service_key()).expect("write the demo key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let mut child = Command::new(BIN)
            .args(["demo", "serve", "--port", "0"])
            .args(extra)
            .env("OKTASH_DATA_DIR", data.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start demo serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let (mut url, mut token, mut readonly) = (None, None, None);
        let (mut client_id, mut client_key) = (None, None);
        while url.is_none()
            || token.is_none()
            || readonly.is_none()
            || client_id.is_none()
            || client_key.is_none()
        {
            let line = lines
                .next()
                .expect("demo serve printed its URL, tokens and service app")
                .expect("line");
            if let Some(u) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                url.get_or_insert(u.to_string());
            }
            if let Some(t) = line.strip_prefix("read-only token:") {
                readonly = Some(t.trim().to_string());
            } else if let Some(t) = line.strip_prefix("token:") {
                token = Some(t.trim().to_string());
            } else if let Some(id) = line.strip_prefix("client id:") {
                client_id = Some(id.trim().to_string());
            } else if let Some(rest) = line.strip_prefix("client key:") {
                let (path, kid) = rest
                    .trim()
                    .strip_suffix(')')
                    .and_then(|r| r.rsplit_once(" (key id "))
                    .expect("client key: PATH (key id KID)");
                client_key = Some((PathBuf::from(path), kid.to_string()));
            }
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let (client_key, key_id) = client_key.unwrap();
        DemoProcess {
            child,
            url: url.unwrap(),
            token: token.unwrap(),
            readonly_token: readonly.unwrap(),
            client_id: client_id.unwrap(),
            client_key,
            key_id,
            _data: data,
        }
    }
}

impl DemoProcess {
    /// Stops the server as Ctrl-C would (SIGTERM) and waits for it to exit.
    #[cfg(unix)]
    pub fn terminate(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let status = self.child.wait().expect("wait for demo serve");
        assert!(status.success(), "demo serve stopped cleanly: {status}");
    }
}

impl Drop for DemoProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every id-looking word (`00u…`) in a text, in order.
pub fn okta_ids(text: &str, prefix: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.starts_with(prefix) && w.len() == 20)
        .map(str::to_string)
        .collect()
}

/// A finished run: whether it succeeded, its stdout and its stderr.
pub fn outcome(out: std::process::Output) -> (bool, String, String) {
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Stdout off a terminal is a stream of JSON documents, one per printed value; all of them.
pub fn documents(stdout: &str) -> Vec<serde_json::Value> {
    serde_json::Deserializer::from_str(stdout)
        .into_iter::<serde_json::Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("stdout is not JSON documents ({e}):\n{stdout}"))
}
