//! A throwaway PostgreSQL cluster per test, through scripts/pg-throwaway.sh
//! (the one place that decides initdb flags, socket and port, roles and
//! teardown): in a temporary folder under /tmp, stopped when the guard
//! drops, also when the test panics, and removed with the folder.
//!
//! Plain std + tempfile, so any test crate can include it by path: the
//! server's tests (through `pg.rs`, which adds the in-process server), the
//! CLI's sync tests and the E2E team test (`#[path = ".../cluster.rs"]`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// scripts/pg-throwaway.sh, found above the crate being tested.
fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|d| d.join("scripts/pg-throwaway.sh"))
        .find(|p| p.exists())
        .expect("scripts/pg-throwaway.sh above the crate")
}

pub struct PgCluster {
    dir: tempfile::TempDir,
}

impl PgCluster {
    pub fn start() -> PgCluster {
        let dir = tempfile::Builder::new()
            .prefix("panelist-pg-")
            .tempdir_in("/tmp")
            .expect("temp dir");
        let cluster = PgCluster { dir };
        cluster.script(&["start"]);
        cluster
    }

    /// A cluster with `ssl = on`, also listening on TCP 127.0.0.1 at
    /// [`PgCluster::tcp_port`], its certificate for `localhost` signed by a
    /// throwaway CA ([`PgCluster::ca_file`]).
    pub fn start_ssl() -> PgCluster {
        let dir = tempfile::Builder::new()
            .prefix("panelist-pg-")
            .tempdir_in("/tmp")
            .expect("temp dir");
        let cluster = PgCluster { dir };
        // A free port: the kernel's pick, released for PostgreSQL.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        cluster.script(&["start-ssl", &port.to_string()]);
        cluster
    }

    /// The TCP port of a cluster made with [`PgCluster::start_ssl`].
    pub fn tcp_port(&self) -> u16 {
        std::fs::read_to_string(self.dir.path().join("port"))
            .expect("started with start_ssl")
            .trim()
            .parse()
            .unwrap()
    }

    /// The CA that signed the certificate of a [`PgCluster::start_ssl`] cluster.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("tls/ca.crt")
    }

    /// Another throwaway CA (one that signed nothing here), made in `dir`.
    pub fn other_ca(&self, dir: &Path) -> PathBuf {
        PathBuf::from(self.script_in(&["ca"], dir).trim().to_string())
    }

    fn script_in(&self, args: &[&str], dir: &Path) -> String {
        let out = Command::new("bash")
            .arg(script())
            .arg(args[0])
            .arg(dir)
            .args(&args[1..])
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "pg-throwaway.sh {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `pg-throwaway.sh CMD DIR ARGS...`; returns its stdout.
    fn script(&self, args: &[&str]) -> String {
        self.script_in(args, self.dir.path())
    }

    /// The folder of the cluster's socket (and a place for test files).
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A libpq-style connection string for `user` on database `db`.
    pub fn url(&self, user: &str, db: &str) -> String {
        self.script(&["url", user, db]).trim().to_string()
    }

    /// Runs SQL as the superuser; rows unaligned, without headers.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        self.script(&["psql", db, sql])
    }

    /// Starts SQL as the superuser in the background (e.g. a transaction
    /// that holds a lock); `wait` for it.
    pub fn psql_background(&self, db: &str, sql: &str) -> Background {
        let child = Command::new("bash")
            .arg(script())
            .arg("psql")
            .arg(self.dir.path())
            .args([db, sql])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("bash runs");
        Background(child)
    }

    /// The deployment the server expects: an owner role that owns database
    /// `panelist` and ran the migrations (`migrate`, given the owner's URL),
    /// and a login role `panelist_web` that is only a member of
    /// `panelist_app`. Returns (owner URL, server URL).
    pub fn provision_with(&self, migrate: impl FnOnce(&str)) -> (String, String) {
        let owner = self.script(&["owner"]).trim().to_string();
        migrate(&owner);
        let web = self.script(&["web"]).trim().to_string();
        (owner, web)
    }

    /// Every row the server keeps, read as the superuser (who bypasses
    /// row-level security): for checking that a refused request changed
    /// nothing. (The change-number sequence is left out: PostgreSQL
    /// sequences are not transactional, so a rolled-back insert leaves a gap,
    /// which is harmless.)
    pub fn dump(&self) -> String {
        self.psql(
            "panelist",
            "SELECT 'users', id, name, role, encode(token_sha256, 'hex'), revoked_at FROM users ORDER BY id;
             SELECT 'sessions', id, author_id, candidate_key, status, revision, content_hash, seq, md5(document) FROM sessions ORDER BY id;
             SELECT 'unseals', user_id, candidate_key, seq FROM unseals ORDER BY 2, 3;",
        )
    }

    /// Backs the cluster up into folder `out` (roles and database
    /// `panelist`: `pg-throwaway.sh dump`, the drill of docs/sync-protocol.md).
    pub fn backup(&self, out: &Path) {
        self.script(&["dump", out.to_str().unwrap()]);
    }

    /// Restores a [`PgCluster::backup`] into this new, empty cluster.
    pub fn restore(&self, from: &Path) {
        self.script(&["restore", from.to_str().unwrap()]);
    }

    /// Stops the cluster now (the guard would also do it at the end).
    pub fn stop(&self) {
        self.script(&["stop"]);
    }

    /// Restarts the cluster (fast shutdown: open connections are cut), with
    /// the options it was started with.
    pub fn restart(&self) {
        self.script(&["restart"]);
    }
}

/// A background psql ([`PgCluster::psql_background`]).
pub struct Background(std::process::Child);

impl Background {
    pub fn wait(mut self) {
        let status = self.0.wait().unwrap();
        assert!(status.success(), "background psql: {status}");
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // Not `stop()`: a failing script must not panic during a panic.
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .arg(self.dir.path())
            .output();
    }
}
