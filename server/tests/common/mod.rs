//! Test harness: the PostgreSQL cluster and in-process server (`pg.rs`),
//! the `panelist-server` binary, real session files made with the core, and
//! HTTP helpers.
#![allow(dead_code)]

mod pg;
pub use pg::*;

use std::process::Command;

use chrono::{TimeZone, Utc};
use panelist_core::session::{NewSession, Recommendation};
use panelist_core::session_file::SessionFile;
use panelist_core::Store;
use uuid::Uuid;

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

pub fn put(base: &str, path: &str, token: Option<&str>, body: &[u8]) -> Reply {
    let mut req = ureq::put(&format!("{base}{path}")).set("Content-Type", "application/json");
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

// -- interview plans ----------------------------------------------------------------

/// A plan for `candidate` with `members` on the first kit, made and signed on
/// a fresh machine of `coordinator`, pushed with the coordinator's `token`
/// (a lead's or admin's); asserts it was stored. Since server schema 5 a
/// colleague's session is read only through its candidate's plan.
pub fn push_plan(
    base: &str,
    token: &str,
    coordinator: &str,
    candidate: &str,
    members: &[&str],
) -> panelist_core::plan::PlanFile {
    let t = Utc.with_ymd_and_hms(2026, 11, 19, 9, 0, 0).unwrap();
    let (store, plan) = planned(coordinator, candidate, "Backend engineer", members, t);
    let file = store.plan_file(plan.id).unwrap();
    let r = post(base, "/v1/plans", Some(token), file.to_json().as_bytes());
    assert_eq!(r.status, 201, "{}", r.body);
    file
}

// -- session files ----------------------------------------------------------------

/// A real interview on `store`: two questions of the first kit, a score and
/// a note on the first, submitted (or left in progress) at `t`.
pub fn interview_on(
    store: &mut Store,
    interviewer: &str,
    candidate: &str,
    note: &str,
    submit: bool,
    t: chrono::DateTime<Utc>,
) -> panelist_core::ids::SessionId {
    let kit = store.kits().unwrap().into_iter().next().unwrap();
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
    s.id
}

/// A real session made with the core (see `interview_on`), as its file.
pub fn session_file(interviewer: &str, candidate: &str, note: &str, submit: bool) -> SessionFile {
    let mut store = Store::open_in_memory().unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let id = interview_on(&mut store, interviewer, candidate, note, submit, t);
    SessionFile::new(store.session(id).unwrap())
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
            .stderr(std::process::Stdio::piped())
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

impl ServeProcess {
    /// Stops the server (SIGTERM, so it shuts down gracefully) and returns
    /// what it wrote on stderr.
    pub fn stop(mut self) -> String {
        use std::io::Read;
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "serve exits cleanly on SIGTERM: {status}");
        let mut log = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut log)
            .unwrap();
        log
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Posts `size` bytes over a raw socket, reading the reply while still
/// sending: a server that refuses an oversize body answers before reading
/// it all and then closes, which a client that writes everything first
/// sees as a reset instead of the answer.
pub fn post_oversize(base: &str, token: &str, size: usize) -> Reply {
    use std::io::{Read, Write};
    let addr = base.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let head = format!(
        "POST /v1/sessions HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    );
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(head.as_bytes());
        let chunk = vec![b' '; 64 * 1024];
        let mut sent = 0;
        while sent < size {
            let n = chunk.len().min(size - sent);
            if writer.write_all(&chunk[..n]).is_err() {
                return;
            }
            sent += n;
        }
    });
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(_) if !raw.is_empty() => break,
            Err(e) => panic!("no reply to the oversize request: {e}"),
        }
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .unwrap_or(0);
            if raw.len() >= end + 4 + len {
                break;
            }
        }
    }
    let _ = sender.join();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP reply");
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    assert!(
        head.to_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    let body: serde_json::Value = serde_json::from_str(body).expect("JSON body");
    Reply {
        status,
        pretty: body.to_string(),
        body,
    }
}
