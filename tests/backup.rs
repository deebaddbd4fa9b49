//! The backup and restore drill (docs/sync-protocol.md, "Backup and
//! restore"), end to end: interviewers push sessions with the real
//! `panelist` binary; the team server's database is backed up (pg_dumpall
//! --roles-only and pg_dump -Fc, through scripts/pg-throwaway.sh dump),
//! restored into a new PostgreSQL cluster (psql and pg_restore), and a
//! server on the new cluster takes over the old one's address. The clients
//! keep syncing without being told anything: nothing is lost (every row of
//! the old cluster is in the new one, byte for byte) and nothing is
//! duplicated (each session id once on the server and in a reader's
//! database, also after `sync --from-start`).

mod common;
#[path = "../server/tests/common/pg.rs"]
mod pg;

use std::collections::BTreeSet;
use std::path::Path;

use common::{ok, Cli};
use pg::*;

fn ok_with_token(db: &Path, token: &str, args: &[&str]) -> String {
    Cli::db(db).args(args).env("PANELIST_TOKEN", token).ok()
}

/// A submitted session of `interviewer` for `candidate`; returns its id.
fn interview(db: &Path, interviewer: &str, candidate: &str) -> String {
    let id = ok(
        db,
        &[
            "session",
            "start",
            "--candidate",
            candidate,
            "--interviewer",
            interviewer,
            "--kit",
            "experience-behaviour",
        ],
    )
    .trim()
    .to_string();
    ok(db, &["session", "score", &id, "team-collaboration", "3"]);
    ok(db, &["session", "finish", &id, "--recommendation", "yes"]);
    id
}

/// The session ids in a local database.
fn local_ids(db: &Path) -> Vec<String> {
    let list: serde_json::Value =
        serde_json::from_str(&ok(db, &["session", "list", "--json"])).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// The session ids on the server, read as the superuser.
fn server_ids(pg: &PgCluster) -> Vec<String> {
    pg.psql("panelist", "SELECT id FROM sessions ORDER BY id")
        .lines()
        .map(str::to_string)
        .collect()
}

fn set(ids: &[String]) -> BTreeSet<String> {
    let set: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "an id appears twice: {ids:?}");
    set
}

#[test]
fn a_restored_backup_loses_and_duplicates_nothing_and_clients_keep_syncing() {
    let old = PgCluster::start();
    let (owner, web) = old.provision();
    let server = start_server_at(&web, "127.0.0.1:0");
    let base = server.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let (ann, ben, lee) = (
        dir.path().join("ann.db"),
        dir.path().join("ben.db"),
        dir.path().join("lee.db"),
    );
    let mut tokens = Vec::new();
    for (db, name, role) in [
        (&ann, "Ann Archer", "interviewer"),
        (&ben, "Ben Baker", "interviewer"),
        (&lee, "Lee Lead", "lead"),
    ] {
        let token = add_user_direct(&owner, name, role);
        ok_with_token(db, &token, &["remote", "set", &base]);
        tokens.push(token);
    }

    // The lead coordinates both candidates' panels (since server schema 5 a
    // colleague's session is read through its candidate's plan).
    for candidate in ["Ada Lovelace", "Alan Turing", "Grace Hopper"] {
        plan_panel_as(
            &base,
            &tokens[2],
            "Lee Lead",
            candidate,
            &["Ann Archer", "Ben Baker"],
        );
    }
    // Before the backup: two sessions each, pushed; the lead pulls them.
    let mut written = Vec::new();
    for (db, name) in [(&ann, "Ann Archer"), (&ben, "Ben Baker")] {
        for candidate in ["Ada Lovelace", "Alan Turing"] {
            written.push(interview(db, name, candidate));
        }
        let out = ok(db, &["sync"]);
        assert!(out.contains("pushed 2 (already there 0)"), "{out}");
    }
    ok(&lee, &["sync"]);
    assert_eq!(set(&local_ids(&lee)), set(&written));

    // The backup, then the old cluster and its server are gone.
    let backup = dir.path().join("backup");
    old.backup(&backup);
    let before = old.dump();
    let before_ids = set(&server_ids(&old));
    assert_eq!(before_ids, set(&written));
    let addr = server.addr();
    server.stop();
    old.stop();
    drop(old);

    // A new cluster from the backup; a server on it at the same address.
    let new = PgCluster::start();
    new.restore(&backup);
    assert_eq!(new.dump(), before, "the restore differs from the backup");
    let web_new = new.url("panelist_web", "panelist");
    let server = start_server_at(&web_new, &addr);
    assert_eq!(server.url, base);

    // The clients keep syncing with the tokens and cursors they had.
    let out = ok(&lee, &["sync"]);
    assert!(out.contains("pulled 0 new"), "{out}");
    for (db, name) in [(&ann, "Ann Archer"), (&ben, "Ben Baker")] {
        let out = ok(db, &["sync"]);
        assert!(out.contains("pushed 0 (already there 0)"), "{out}");
        written.push(interview(db, name, "Grace Hopper"));
        let out = ok(db, &["sync"]);
        assert!(out.contains("pushed 1 (already there 0)"), "{out}");
    }
    let out = ok(&lee, &["sync"]);
    assert!(out.contains("pulled 2 new"), "{out}");

    // Nothing lost, nothing twice: the server, the lead's database, and the
    // lead's database again after pulling everything from the start.
    let after_ids = set(&server_ids(&new));
    assert!(after_ids.is_superset(&before_ids));
    assert_eq!(after_ids, set(&written));
    assert_eq!(set(&local_ids(&lee)), set(&written));
    ok(&lee, &["sync", "--from-start"]);
    let lee_ids = local_ids(&lee);
    assert_eq!(lee_ids.len(), written.len(), "{lee_ids:?}");
    assert_eq!(set(&lee_ids), set(&written));
    // Each interviewer, having submitted for every candidate, ends with the
    // whole panel once, theirs and the colleague's.
    for db in [&ann, &ben] {
        ok(db, &["sync"]);
        assert_eq!(set(&local_ids(db)), set(&written));
    }
    eprintln!(
        "backup drill: {} sessions before the backup, {} after, {} on the lead's machine",
        before_ids.len(),
        after_ids.len(),
        lee_ids.len()
    );
    let _ = tokens;
}
