//! Test harness: a throwaway PostgreSQL 15 cluster per test (initdb in a
//! temporary folder, its own unix socket there, no TCP), stopped and removed
//! when the guard drops, also when the test panics. Plus helpers to make
//! real session files with the core and to talk HTTP.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use panelist_core::session::{NewSession, Recommendation};
use panelist_core::session_file::SessionFile;
use panelist_core::Store;
use uuid::Uuid;

pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

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
    let path = format!("{PG_BIN}/{program}");
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", &path]);
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

    /// Runs SQL as the superuser.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(format!("{PG_BIN}/psql"))
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
        let out = Command::new(env!("CARGO_BIN_EXE_panelist-server"))
            .args(["--database-url", &owner, "migrate"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "migrate: {}",
            String::from_utf8_lossy(&out.stderr)
        );
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

impl Drop for PgCluster {
    fn drop(&mut self) {
        let mut ctl = pg_command("pg_ctl");
        ctl.arg("-D")
            .arg(&self.data)
            .args(["-w", "-s", "-m", "immediate", "stop"]);
        let _ = ctl.output();
    }
}

/// Runs `panelist-server` with a database URL; returns (success, stdout, stderr).
pub fn server_cli(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_panelist-server"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Adds a user through the real CLI and returns the token it printed.
pub fn add_user(owner_url: &str, name: &str, role: &str) -> String {
    let (ok, out, err) = server_cli(owner_url, &["user", "add", name, "--role", role]);
    assert!(ok, "user add {name}: {err}");
    let token = out.trim().to_string();
    assert!(
        token.starts_with("pnl_") && token.len() == 4 + 64,
        "{token}"
    );
    token
}

/// The server running in this process on a loopback port; stops with the
/// test process.
pub fn start_server(server_url: &str) -> String {
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
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, panelist_server::http::router(pool))
                .await
                .unwrap();
        });
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("server started");
    format!("http://{addr}")
}

// -- HTTP -----------------------------------------------------------------------

pub struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
    /// The body as sent, pretty-printed with its field order kept.
    pub pretty: String,
}

fn reply(r: Result<ureq::Response, ureq::Error>) -> Reply {
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = resp.status();
    assert_eq!(
        resp.content_type(),
        "application/json",
        "every reply is JSON (status {status})"
    );
    let text = resp.into_string().expect("a body");
    let body: serde_json::Value = serde_json::from_str(&text).expect("JSON body");
    let mut pretty = Vec::new();
    serde_transcode::transcode(
        &mut serde_json::Deserializer::from_str(&text),
        &mut serde_json::Serializer::pretty(&mut pretty),
    )
    .unwrap();
    pretty.push(b'\n');
    let pretty = String::from_utf8(pretty).unwrap();
    if status >= 400 {
        assert!(
            body["code"].is_string() && body["message"].is_string(),
            "error body has code and message: {body}"
        );
    }
    Reply {
        status,
        body,
        pretty,
    }
}

pub fn post(base: &str, path: &str, token: Option<&str>, body: &[u8]) -> Reply {
    let mut req = ureq::post(&format!("{base}{path}")).set("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    reply(req.send_bytes(body))
}

pub fn get(base: &str, path: &str, token: Option<&str>) -> Reply {
    let mut req = ureq::get(&format!("{base}{path}"));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    reply(req.call())
}

/// Pulls every change after `cursor`, following pages; returns the sessions
/// as (interviewer, candidate, notes of the first entry) and the new cursor.
pub fn pull_all(base: &str, token: &str, cursor: &str) -> (Vec<SessionFile>, String) {
    let mut cursor = cursor.to_string();
    let mut out = Vec::new();
    loop {
        let r = get(
            base,
            &format!("/v1/changes?after={cursor}&limit=2"),
            Some(token),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        for s in r.body["sessions"].as_array().unwrap() {
            let bytes = serde_json::to_vec(s).unwrap();
            out.push(SessionFile::parse(&bytes).expect("pulled files verify"));
        }
        cursor = r.body["cursor"].as_str().unwrap().to_string();
        if !r.body["more"].as_bool().unwrap() {
            return (out, cursor);
        }
    }
}

// -- session files ----------------------------------------------------------------

/// A real session made with the core: two questions, a score and a note on
/// the first, submitted (or left in progress).
pub fn session_file(interviewer: &str, candidate: &str, note: &str, submit: bool) -> SessionFile {
    let mut store = Store::open_in_memory().unwrap();
    let kit = store.kits().unwrap().into_iter().next().unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let new = NewSession {
        candidate: candidate.into(),
        interviewer: interviewer.into(),
        role: "Backend engineer".into(),
        kit: Some(kit.name.clone()),
        question_ids: kit.questions[..2].to_vec(),
    };
    let s = store
        .create_session(&new, Uuid::now_v7().into(), Uuid::now_v7().into(), t)
        .unwrap();
    let q = s.entries[0].question.id.clone();
    store.start_session(s.id, t).unwrap();
    store.set_score(s.id, &q, Some(3), t).unwrap();
    store.set_notes(s.id, &q, note, t).unwrap();
    if submit {
        store
            .submit(
                s.id,
                Recommendation::Yes,
                Some("summary"),
                Uuid::now_v7().into(),
                t,
            )
            .unwrap();
    }
    SessionFile::new(store.session(s.id).unwrap())
}

pub fn bytes(f: &SessionFile) -> Vec<u8> {
    f.to_json().into_bytes()
}

/// A session in progress on its own in-memory machine, to be continued.
pub struct Machine {
    pub store: Store,
    pub id: panelist_core::ids::SessionId,
}

impl Machine {
    pub fn new(interviewer: &str, candidate: &str, note: &str) -> Machine {
        let mut store = Store::open_in_memory().unwrap();
        let kit = store.kits().unwrap().into_iter().next().unwrap();
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
        let new = NewSession {
            candidate: candidate.into(),
            interviewer: interviewer.into(),
            role: "Backend engineer".into(),
            kit: Some(kit.name.clone()),
            question_ids: kit.questions[..2].to_vec(),
        };
        let s = store
            .create_session(&new, Uuid::now_v7().into(), Uuid::now_v7().into(), t)
            .unwrap();
        let q = s.entries[0].question.id.clone();
        store.start_session(s.id, t).unwrap();
        store.set_score(s.id, &q, Some(2), t).unwrap();
        store.set_notes(s.id, &q, note, t).unwrap();
        Machine { store, id: s.id }
    }

    pub fn file(&self) -> SessionFile {
        SessionFile::new(self.store.session(self.id).unwrap())
    }

    pub fn submit(&mut self) {
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
        self.store
            .submit(self.id, Recommendation::No, None, Uuid::now_v7().into(), t)
            .unwrap();
    }
}

/// `panelist-server serve` as a child process; killed when dropped.
pub struct ServeProcess {
    pub child: std::process::Child,
    pub url: String,
}

impl ServeProcess {
    /// Starts `serve` with `args` and waits for its "listening on URL" line.
    pub fn start(db_url: &str, args: &[&str]) -> ServeProcess {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_panelist-server"))
            .arg("--database-url")
            .arg(db_url)
            .arg("serve")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("serve printed {line:?}"))
            .replace("0.0.0.0", "127.0.0.1");
        ServeProcess { child, url }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
