//! End to end: three interviewers' machines (three database files, the real
//! `panelist` binary) and one team server (real PostgreSQL, real HTTP).
//! A and B submit and sync; C, who has not submitted, syncs and receives
//! nothing of theirs (not a byte in C's database or its WAL); C submits,
//! syncs, and `panelist compare` shows the whole panel.

#[path = "../server/tests/common/pg.rs"]
mod pg;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pg::*;

const CANDIDATE: &str = "Ada Lovelace";

fn panelist(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_panelist"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = panelist(db, args);
    assert!(
        out.status.success(),
        "panelist {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Starts a session, scores and notes two questions; returns its id.
fn interview(db: &Path, interviewer: &str, secret: &str, level: &str) -> String {
    let id = ok(
        db,
        &[
            "session",
            "start",
            "--candidate",
            CANDIDATE,
            "--interviewer",
            interviewer,
            "--kit",
            "experience-behaviour",
        ],
    )
    .trim()
    .to_string();
    for q in ["team-collaboration", "conflict-resolution"] {
        ok(db, &["session", "score", &id, q, level]);
        ok(
            db,
            &["session", "note", &id, q, &format!("{secret} on {q}")],
        );
    }
    id
}

fn finish(db: &Path, id: &str) {
    ok(db, &["session", "finish", id, "--recommendation", "yes"]);
}

/// The database file and its write-ahead log, as bytes.
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let mut wal = PathBuf::from(db);
    wal.set_file_name(format!("{}-wal", db.file_name().unwrap().to_str().unwrap()));
    if let Ok(w) = std::fs::read(&wal) {
        bytes.extend(w);
    }
    bytes
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn three_machines_sync_through_the_server_and_stay_sealed_until_submit() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.db"),
        dir.path().join("b.db"),
        dir.path().join("c.db"),
    );
    for (db, name) in [(&a, "Ann Archer"), (&b, "Ben Baker"), (&c, "Cat Cole")] {
        let token = add_user_direct(&owner, name, "interviewer");
        ok(db, &["remote", "set", &base, "--token", &token]);
    }
    let status = ok(&c, &["remote", "status"]);
    assert!(
        status.contains("signed in as: Cat Cole (interviewer)"),
        "{status}"
    );

    let ida = interview(&a, "Ann Archer", "ANN-SECRET-NOTE", "3");
    finish(&a, &ida);
    let idb = interview(&b, "Ben Baker", "BEN-SECRET-NOTE", "2");
    finish(&b, &idb);
    let idc = interview(&c, "Cat Cole", "CAT-OWN-NOTE", "4");

    let out = ok(&a, &["sync"]);
    assert!(
        out.contains("pushed 1 (already there 0), pulled 0 new"),
        "{out}"
    );
    let out = ok(&b, &["sync"]);
    assert!(
        out.contains("pushed 1 (already there 0), pulled 1 new"),
        "{out}"
    );
    assert!(
        out.contains("pulled Ada Lovelace — Ann Archer — added"),
        "{out}"
    );

    // C has not submitted: nothing pushed, nothing pulled, not a byte.
    let out = ok(&c, &["sync"]);
    assert!(
        out.contains("pushed 0 (already there 0), pulled 0 new"),
        "{out}"
    );
    let bytes = file_bytes(&c);
    assert!(
        contains(&bytes, "CAT-OWN-NOTE"),
        "the search sees C's own notes"
    );
    assert!(!contains(&bytes, "ANN-SECRET-NOTE"), "A's notes reached C");
    assert!(!contains(&bytes, "BEN-SECRET-NOTE"), "B's notes reached C");
    assert!(!contains(&bytes, "Ann Archer") && !contains(&bytes, "Ben Baker"));

    // Syncing again moves nothing: the outbox is empty, nothing is sent.
    let out = ok(&b, &["sync"]);
    assert!(
        out.contains("pushed 0 (already there 0), pulled 0 new"),
        "{out}"
    );
    let status = ok(&b, &["remote", "status"]);
    assert!(status.contains("waiting to be pushed: 0"), "{status}");

    // C submits and syncs: both colleagues' older sessions arrive.
    finish(&c, &idc);
    let out = ok(&c, &["sync"]);
    assert!(
        out.contains("pushed 1 (already there 0), pulled 2 new"),
        "{out}"
    );
    let bytes = file_bytes(&c);
    assert!(contains(&bytes, "ANN-SECRET-NOTE") && contains(&bytes, "BEN-SECRET-NOTE"));

    let cmp: serde_json::Value = serde_json::from_str(&ok(
        &c,
        &["compare", "--candidate", CANDIDATE, "--format", "json"],
    ))
    .unwrap();
    assert_eq!(cmp["sealed"], false, "{cmp}");
    let mut names: Vec<&str> = cmp["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["interviewer"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Ann Archer", "Ben Baker", "Cat Cole"]);
    let levels: Vec<i64> = cmp["questions"][0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["level"].as_i64().unwrap())
        .collect();
    assert_eq!(levels.len(), 3);
    assert_eq!(levels.iter().sum::<i64>(), 3 + 2 + 4);

    // Pulling everything again from the start changes nothing.
    let out = ok(&c, &["sync", "--from-start"]);
    assert!(
        out.contains("pulled 0 new and 0 updated (already here 2)"),
        "{out}"
    );
    assert_eq!(
        ok(&c, &["session", "list", "--json"])
            .matches("\"id\"")
            .count(),
        3
    );

    // A and B get C's session on their next sync.
    let out = ok(&a, &["sync"]);
    assert!(out.contains("pulled 2 new"), "{out}");

    // A wrong token: sync fails, saying so, and the database is untouched.
    ok(&a, &["remote", "set", &base, "--token", "pnl_not-a-token"]);
    let before = file_bytes(&a);
    let out = panelist(&a, &["sync"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("401 unauthorized"), "{err}");
    assert!(
        file_bytes(&a) == before,
        "a refused sync changed the database"
    );
    // A server that is not there: a clear transport error.
    ok(&a, &["remote", "set", "http://127.0.0.1:9", "--token", "x"]);
    let out = panelist(&a, &["sync"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach the team server"));
}

#[test]
fn sync_over_https_trusts_the_given_ca_only() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed_cert(dir.path());
    let base = start_server_with(&web, Some((cert.clone(), key)));
    assert!(base.starts_with("https://"), "{base}");
    let token = add_user_direct(&owner, "Ann Archer", "interviewer");
    let db = dir.path().join("a.db");
    let id = interview(&db, "Ann Archer", "ANN-NOTE", "3");
    finish(&db, &id);

    // Without the CA, the self-signed certificate is refused.
    ok(&db, &["remote", "set", &base, "--token", &token]);
    let out = panelist(&db, &["sync"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach the team server"), "{err}");

    // A file that is not a certificate is refused when set.
    let out = panelist(
        &db,
        &[
            "remote",
            "set",
            &base,
            "--token",
            &token,
            "--ca-cert",
            db.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());

    ok(
        &db,
        &[
            "remote",
            "set",
            &base,
            "--token",
            &token,
            "--ca-cert",
            cert.to_str().unwrap(),
        ],
    );
    assert!(ok(&db, &["remote", "status"]).contains("Ann Archer (interviewer)"));
    let out = ok(&db, &["sync"]);
    assert!(out.contains("pushed 1 (already there 0)"), "{out}");
}
