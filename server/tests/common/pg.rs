//! A throwaway PostgreSQL 15 cluster per test (initdb in a temporary folder,
//! its own unix socket there, no TCP), stopped and removed when the guard
//! drops, also when the test panics; and the team server running in-process
//! on a loopback port. Shared by the server's tests and the CLI's sync test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Adds a user directly (as the owner) and returns the token.
pub fn add_user_direct(owner_url: &str, name: &str, role: &str) -> String {
    block_on(async {
        let client = panelist_server::db::connect(owner_url).await.unwrap();
        panelist_server::db::add_user(&client, name, role)
            .await
            .unwrap()
    })
}

/// The PostgreSQL programs: $PANELIST_PG_BIN, else the newest
/// /usr/lib/postgresql/N/bin (Debian's `postgresql` package; 15 on bookworm).
pub fn pg_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("PANELIST_PG_BIN") {
        return PathBuf::from(p);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (Debian package postgresql; scripts/setup-debian.sh)")
        .filter_map(|e| {
            let e = e.ok()?;
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("a PostgreSQL with initdb under /usr/lib/postgresql")
        .1
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs a PostgreSQL program as the `postgres` OS user when we are root
/// (initdb refuses root), as ourselves otherwise.
fn pg_command(program: &str) -> Command {
    let path = pg_bin().join(program);
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&path);
        c
    } else {
        Command::new(path)
    }
}

fn run(mut c: Command, what: &str) {
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub struct PgCluster {
    dir: tempfile::TempDir,
    data: PathBuf,
}

impl PgCluster {
    pub fn start() -> PgCluster {
        let dir = tempfile::Builder::new()
            .prefix("panelist-pg-")
            .tempdir_in("/tmp")
            .expect("temp dir");
        let data = dir.path().join("data");
        if is_root() {
            run(
                {
                    let mut c = Command::new("chown");
                    c.arg("postgres:postgres").arg(dir.path());
                    c
                },
                "chown",
            );
        }
        let mut initdb = pg_command("initdb");
        initdb.args(["-D"]).arg(&data).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "-N",
            "--no-instructions",
        ]);
        run(initdb, "initdb");
        let cluster = PgCluster { dir, data };
        let opts = format!(
            "-k {} -c listen_addresses='' -p 5432 -c fsync=off -c full_page_writes=off -c synchronous_commit=off",
            cluster.dir.path().display()
        );
        let mut ctl = pg_command("pg_ctl");
        ctl.arg("-D")
            .arg(&cluster.data)
            .args(["-w", "-s", "-l"])
            .arg(cluster.dir.path().join("log"))
            .args(["-o", &opts, "start"]);
        run(ctl, "pg_ctl start");
        cluster
    }

    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A libpq-style connection string for `user` on database `db`.
    pub fn url(&self, user: &str, db: &str) -> String {
        format!(
            "host={} port=5432 user={user} dbname={db}",
            self.dir.path().display()
        )
    }

    #[allow(dead_code)]
    /// Starts SQL as the superuser in the background (e.g. a transaction
    /// that holds a lock); `wait` for it.
    pub fn psql_background(&self, db: &str, sql: &str) -> Background {
        let child = Command::new(pg_bin().join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(self.dir.path())
            .args(["-p", "5432", "-U", "postgres", "-d", db, "-c", sql])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("psql runs");
        Background(child)
    }

    /// Runs SQL as the superuser.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(pg_bin().join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(self.dir.path())
            .args(["-p", "5432", "-U", "postgres", "-d", db, "-c", sql])
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The deployment the server expects: an owner role that owns database
    /// `panelist` and ran the migrations, and a login role `panelist_web`
    /// that is only a member of `panelist_app`. Returns (owner URL, server URL).
    pub fn provision(&self) -> (String, String) {
        self.psql("postgres", "CREATE ROLE panelist_owner LOGIN CREATEROLE");
        self.psql("postgres", "CREATE DATABASE panelist OWNER panelist_owner");
        let owner = self.url("panelist_owner", "panelist");
        block_on(async {
            let mut client = panelist_server::db::connect(&owner).await.unwrap();
            panelist_server::db::migrate(&mut client).await.unwrap()
        });
        self.psql(
            "postgres",
            "CREATE ROLE panelist_web LOGIN NOBYPASSRLS IN ROLE panelist_app;",
        );
        (owner, self.url("panelist_web", "panelist"))
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
}

impl PgCluster {
    /// Stops the cluster now (the guard would also do it at the end).
    pub fn stop(&self) {
        let mut ctl = pg_command("pg_ctl");
        ctl.arg("-D")
            .arg(&self.data)
            .args(["-w", "-s", "-m", "immediate", "stop"]);
        let _ = ctl.output();
    }
}

impl PgCluster {
    /// Restarts the cluster (fast shutdown: open connections are cut), with
    /// the options it was started with.
    pub fn restart(&self) {
        let mut ctl = pg_command("pg_ctl");
        ctl.arg("-D")
            .arg(&self.data)
            .args(["-w", "-s", "-m", "fast", "-l"])
            .arg(self.dir.path().join("log"))
            .arg("restart");
        run(ctl, "pg_ctl restart");
    }
}

#[allow(dead_code)]
/// A background psql (`PgCluster::psql_background`).
pub struct Background(std::process::Child);

#[allow(dead_code)]
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
        self.stop();
    }
}

/// The server running in this process on a loopback port (HTTP); stops
/// with the test process. Returns its base URL.
pub fn start_server(server_url: &str) -> String {
    start_server_with(server_url, None)
}

/// The same, over HTTPS with the given certificate and key when `tls` is set.
pub fn start_server_with(server_url: &str, tls: Option<(PathBuf, PathBuf)>) -> String {
    let (tx, rx) = mpsc::channel();
    let url = server_url.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let pool = panelist_server::db::pool(&url, 4).unwrap();
            {
                let client = pool.get().await.unwrap();
                panelist_server::db::check_server_role(&client)
                    .await
                    .unwrap();
            }
            let tls = match tls {
                Some((cert, key)) => Some(
                    panelist_server::serve::tls_config(&cert, &key)
                        .await
                        .unwrap(),
                ),
                None => None,
            };
            let scheme = if tls.is_some() { "https" } else { "http" };
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            tx.send(format!("{scheme}://{}", listener.local_addr().unwrap()))
                .unwrap();
            panelist_server::serve::serve(
                listener,
                tls,
                panelist_server::http::router(pool),
                std::future::pending(),
            )
            .await
            .unwrap();
        });
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("server started")
}

/// A self-signed certificate for 127.0.0.1 and localhost, made with the
/// openssl command in `dir`; returns (certificate, key) paths.
pub fn self_signed_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert, key)
}
