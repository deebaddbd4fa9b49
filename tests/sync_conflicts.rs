//! Conflicts resolvable (issue 20): the real `panelist` binary, a real team
//! server and PostgreSQL. One interviewer's session on two installations
//! (a second machine set up from a backup of the first) and on one machine
//! after restoring an older backup: `panelist sync` lists each conflict
//! with its id and the fix, `panelist sync resolve ID --take-server`
//! replaces the local copy with the server's through the erasure path (the
//! replaced copy's own text gone from the .db and -wal), and afterwards
//! every installation syncs cleanly with nothing lost that the owner wrote.
//! A third installation with its own key receives the session read-only.

mod common;
#[path = "../server/tests/common/pg.rs"]
mod pg;

use std::path::{Path, PathBuf};

use common::{Cli, Out};
use pg::*;

fn run(db: &Path, args: &[&str]) -> Out {
    Cli::db(db).args(args).env_remove("PANELIST_TOKEN").run()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "panelist {args:?}: {}{}",
        out.stdout,
        out.stderr
    );
    out.stdout
}

fn set_remote(db: &Path, base: &str, token: &str) {
    let out = Cli::db(db)
        .args(&["remote", "set", base])
        .env("PANELIST_TOKEN", token)
        .run();
    assert!(out.status.success(), "{}", out.stderr);
}

/// A submitted interview; returns its id.
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

fn amend(db: &Path, id: &str, level: &str, reason: &str) -> Out {
    run(
        db,
        &[
            "session",
            "amend",
            id,
            "team-collaboration",
            level,
            "--reason",
            reason,
        ],
    )
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

/// Each installation in a folder of its own (its token file beside it).
fn machine(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("panelist.db")
}

#[test]
fn two_installations_of_one_user_resolve_a_conflict_by_taking_the_servers_copy() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let root = tempfile::tempdir().unwrap();
    let (desk, laptop, third) = (
        machine(root.path(), "desk"),
        machine(root.path(), "laptop"),
        machine(root.path(), "third"),
    );
    let ann = add_user_direct(&owner, "Ann Archer", "interviewer");

    set_remote(&desk, &base, &ann);
    let id = interview(&desk, "Ann Archer", "Cand One");
    assert!(ok(&desk, &["sync"]).contains("pushed Cand One"));

    // The laptop is set up from a backup of the desk (the same key: a
    // backup carries it), then both amend the same session.
    let backup = root.path().join("desk.backup");
    ok(&desk, &["backup", "--output", backup.to_str().unwrap()]);
    ok(&laptop, &["restore", backup.to_str().unwrap()]);
    set_remote(&laptop, &base, &ann);

    let out = amend(&desk, &id, "4", "OWNER-AMENDMENT-7f3a");
    assert!(out.status.success(), "{}", out.stderr);
    assert!(ok(&desk, &["sync"]).contains("pushed Cand One"));
    let out = amend(&laptop, &id, "2", "STALE-COPY-9c1e");
    assert!(out.status.success(), "{}", out.stderr);

    // The laptop's push is refused (409): listed with the id and the fix.
    let out = run(&laptop, &["sync"]);
    assert!(!out.status.success(), "a conflict exits non-zero");
    let fix = format!("panelist sync resolve {id} --take-server");
    assert!(
        out.stdout
            .contains(&format!("conflict Cand One — Ann Archer (session {id}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(&fix), "{}", out.stdout);
    let status = ok(&laptop, &["remote", "status"]);
    assert!(
        status.contains("in conflict with the server's copy: 1"),
        "{status}"
    );

    // Mistakes are one line and change nothing.
    let before = file_bytes(&laptop);
    for args in [
        vec!["sync", "resolve", id.as_str()],
        vec!["sync", "resolve", "not-a-session", "--take-server"],
    ] {
        let out = run(&laptop, &args);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    }
    assert!(
        file_bytes(&laptop) == before,
        "a refused resolve changed the database"
    );

    // Take the server's copy: the laptop's own edit is gone to the byte.
    let out = ok(&laptop, &["sync", "resolve", &id, "--take-server"]);
    assert!(out.contains("took the server's copy"), "{out}");
    let bytes = file_bytes(&laptop);
    assert!(
        !contains(&bytes, "STALE-COPY-9c1e"),
        "the replaced copy's text remains"
    );
    assert!(
        contains(&bytes, "OWNER-AMENDMENT-7f3a"),
        "the owner's amendment is missing"
    );

    // Both sync cleanly; nothing waits, nothing conflicts.
    for db in [&laptop, &desk] {
        let out = ok(db, &["sync"]);
        assert!(!out.contains("conflict"), "{out}");
        let status = ok(db, &["remote", "status"]);
        assert!(status.contains("waiting to be pushed: 0"), "{status}");
        assert!(!status.contains("in conflict"), "{status}");
    }
    let show = ok(&laptop, &["session", "show", &id, "--json"]);
    assert!(show.contains("OWNER-AMENDMENT-7f3a"), "{show}");

    // A third installation with a key of its own receives the session
    // read-only: its owner is the installation whose key signs it.
    set_remote(&third, &base, &ann);
    let out = ok(&third, &["sync"]);
    assert!(out.contains("pulled Cand One"), "{out}");
    let out = amend(&third, &id, "1", "NOT-MINE");
    assert!(!out.status.success(), "a received session was amended");
    assert!(!ok(&third, &["sync"]).contains("conflict"));
}

#[test]
fn after_restoring_an_older_backup_the_servers_newer_copy_is_taken_back() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let root = tempfile::tempdir().unwrap();
    let db = machine(root.path(), "desk");
    let ann = add_user_direct(&owner, "Ann Archer", "interviewer");
    set_remote(&db, &base, &ann);

    let id = interview(&db, "Ann Archer", "Cand Two");
    ok(&db, &["sync"]);
    let backup = root.path().join("older.backup");
    ok(&db, &["backup", "--output", backup.to_str().unwrap()]);
    assert!(amend(&db, &id, "4", "WRITTEN-AFTER-BACKUP-51d0")
        .status
        .success());
    assert!(ok(&db, &["sync"]).contains("pushed Cand Two"));

    // The older backup comes back: the server holds a newer revision.
    ok(&db, &["restore", backup.to_str().unwrap()]);
    let out = run(&db, &["sync"]);
    assert!(!out.status.success(), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!("session {id}")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("panelist sync resolve {id} --take-server")),
        "{}",
        out.stdout
    );
    // An edit made on the restored copy conflicts too.
    assert!(amend(&db, &id, "1", "ONLY-ON-THE-RESTORED-COPY")
        .status
        .success());
    assert!(!run(&db, &["sync"]).status.success());

    let out = ok(&db, &["sync", "resolve", &id, "--take-server"]);
    assert!(
        out.contains("still this installation's own session"),
        "{out}"
    );
    let bytes = file_bytes(&db);
    assert!(!contains(&bytes, "ONLY-ON-THE-RESTORED-COPY"));
    assert!(contains(&bytes, "WRITTEN-AFTER-BACKUP-51d0"));
    assert!(!ok(&db, &["sync"]).contains("conflict"));

    // Still this machine's own session (its key signed it): amended and
    // pushed as before.
    let out = amend(&db, &id, "3", "after the debrief");
    assert!(out.status.success(), "{}", out.stderr);
    assert!(ok(&db, &["sync"]).contains("pushed Cand Two"));
}
