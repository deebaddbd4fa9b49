//! A throwaway OS keyring for tests and benchmarks: a private D-Bus session
//! bus (`dbus-daemon --session --fork`) with an unlocked gnome-keyring
//! answering as the Secret Service on it, in a temp home of its own. The
//! app reaches it through the environment tauri-driver hands down to
//! WebKitWebDriver and the app ([`ThrowawayKeyring::envs`]: the bus address
//! and `PANELIST_KEYRING=secret-service`), so the user's real keyring is
//! never touched. Both daemons are stopped (SIGTERM, by pid) when dropped.

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

/// The keyring service every Panelist entry is filed under.
pub const SERVICE: &str = "dev.panelist.app";

pub struct ThrowawayKeyring {
    home: tempfile::TempDir,
    /// The bus's address (`DBUS_SESSION_BUS_ADDRESS`).
    pub address: String,
    dbus_pid: i32,
    keyring_pid: Option<i32>,
}

/// Whether `bin` is on PATH.
fn have(bin: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {bin}"))
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

impl ThrowawayKeyring {
    /// The programs it needs, when one is missing (scripts/setup-debian.sh
    /// installs them): callers skip, saying so.
    pub fn missing() -> Option<&'static str> {
        [
            "dbus-daemon",
            "dbus-send",
            "gnome-keyring-daemon",
            "secret-tool",
        ]
        .into_iter()
        .find(|b| !have(b))
    }

    /// Starts the bus, then the keyring unlocked on it, and waits until the
    /// keyring owns the Secret Service name.
    pub fn start() -> Result<ThrowawayKeyring> {
        let home = tempfile::Builder::new()
            .prefix("panelist-keyring-")
            .tempdir()?;
        let run = home.path().join("run");
        std::fs::create_dir_all(&run)?;
        std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--nosyslog"])
            .args(["--print-address=1", "--print-pid=1"])
            .envs(Self::home_envs(home.path()))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot start dbus-daemon: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let (Some(address), Some(pid)) = (lines.next(), lines.next()) else {
            return Err(format!(
                "dbus-daemon printed no address and pid: {text:?} {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        };
        let mut ring = ThrowawayKeyring {
            address: address.to_string(),
            dbus_pid: pid.parse()?,
            keyring_pid: None,
            home,
        };
        // A fresh login keyring, unlocked with a password from stdin.
        let mut child = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .envs(ring.daemon_envs())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start gnome-keyring-daemon: {e}"))?;
        child
            .stdin
            .take()
            .ok_or("no stdin for gnome-keyring-daemon")?
            .write_all(b"throwaway\n")?;
        child.wait()?;
        // Asked before the unlocked daemon owns the name, D-Bus would start
        // a second, locked one.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(pid) = ring.owner_pid("org.freedesktop.secrets") {
                ring.keyring_pid = Some(pid);
                return Ok(ring);
            }
            if Instant::now() > deadline {
                return Err(
                    "gnome-keyring did not take the Secret Service name within 20 s".into(),
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn home_envs(home: &Path) -> Vec<(&'static str, OsString)> {
        vec![
            ("HOME", home.into()),
            ("XDG_DATA_HOME", home.join("data").into()),
            ("XDG_RUNTIME_DIR", home.join("run").into()),
        ]
    }

    fn daemon_envs(&self) -> Vec<(&'static str, OsString)> {
        let mut v = Self::home_envs(self.home.path());
        v.push(("DBUS_SESSION_BUS_ADDRESS", self.address.clone().into()));
        v
    }

    /// What the app (through tauri-driver) and the CLI need to use this
    /// keyring: the bus, and the keyring switched on (the test runs have it
    /// off, see .cargo/config.toml).
    pub fn envs(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone().into()),
            ("PANELIST_KEYRING", "secret-service".into()),
        ]
    }

    /// The pid of the connection owning `name` on the bus, if any.
    fn owner_pid(&self, name: &str) -> Option<i32> {
        let out = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.GetConnectionUnixProcessID",
            ])
            .arg(format!("string:{name}"))
            .envs(self.daemon_envs())
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .last()?
            .parse()
            .ok()
    }

    /// Every Panelist entry in the keyring: (its `username` attribute, the
    /// secret), from `secret-tool search`.
    pub fn entries(&self) -> Result<Vec<(String, String)>> {
        let out = Command::new("secret-tool")
            .args(["search", "--all", "service", SERVICE])
            .envs(self.daemon_envs())
            .output()?;
        // secret-tool prints the attributes on stderr, the secret on stdout
        // (one block per item, in the same order).
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let users: Vec<String> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("attribute.username = "))
            .map(str::to_string)
            .collect();
        let secrets: Vec<String> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("secret = "))
            .map(str::to_string)
            .collect();
        Ok(users.into_iter().zip(secrets).collect())
    }
}

impl Drop for ThrowawayKeyring {
    fn drop(&mut self) {
        for pid in self.keyring_pid.into_iter().chain([self.dbus_pid]) {
            // SAFETY: kill(2) on the daemons this helper started.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
    }
}
