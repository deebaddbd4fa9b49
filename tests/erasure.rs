//! Erasure, through the `panelist` binary: a candidate erased on request
//! leaves no trace in the database file, its write-ahead log or shared
//! memory file (byte search), and the audit log keeps only a tombstone.
//! Also: outputs never replace the database or follow a link, and a closed
//! stderr or stdout does not turn a committed change into a failure.

mod common;
#[path = "../server/tests/common/pg.rs"]
mod pg;

use std::path::Path;
use std::process::Stdio;

use common::{ok, run as panelist, Cli};
use panelist_core::Store;

fn interview(db: &Path, candidate: &str, interviewer: &str, note: &str) -> String {
    let id = ok(
        db,
        &[
            "session",
            "start",
            "--candidate",
            candidate,
            "--interviewer",
            interviewer,
            "--role",
            "Backend",
            "--questions",
            "rest-api-design,sql-vs-nosql",
        ],
    )
    .trim()
    .to_string();
    ok(db, &["session", "score", &id, "rest-api-design", "3"]);
    ok(db, &["session", "note", &id, "rest-api-design", note]);
    id
}

/// Every file of the database, read whole.
fn db_bytes(db: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{}{suffix}", db.display());
        if let Ok(b) = std::fs::read(&p) {
            out.extend(b);
        }
    }
    out
}

fn contains_ci(hay: &[u8], needle: &str) -> bool {
    let hay = String::from_utf8_lossy(hay).to_lowercase();
    hay.contains(&needle.to_lowercase())
}

#[test]
fn an_erased_candidate_leaves_no_bytes_behind() {
    let dir = tempfile::tempdir().unwrap();
    let (a, d) = (dir.path().join("a.db"), dir.path().join("d.db"));
    // A colleague's session of Zbigniew, imported (the colleague, Alice, is
    // not erased: her signing key stays pinned).
    let ida = interview(&a, "Zbigniew Quetzal", "Alice", "Quokka-note from Alice");
    ok(
        &a,
        &[
            "session",
            "finish",
            &ida,
            "--recommendation",
            "yes",
            "--summary",
            "Marmoset summary",
        ],
    );
    ok(
        &a,
        &[
            "session",
            "amend",
            &ida,
            "rest-api-design",
            "2",
            "--reason",
            "Wombat reason",
        ],
    );
    let file = dir.path().join("alice.json");
    ok(
        &a,
        &[
            "export",
            &ida,
            "--format",
            "json",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    let idd = interview(&d, "Zbigniew Quetzal", "Dana", "Pangolin-note typed first");
    // A replaced note must not linger either.
    ok(
        &d,
        &["session", "note", &idd, "rest-api-design", "Pangolin2"],
    );
    ok(&d, &["import", file.to_str().unwrap()]);
    // Someone else stays.
    interview(&d, "Ottilie Keep", "Dana", "Narwhal note stays");
    assert!(contains_ci(&db_bytes(&d), "Quetzal"));

    // Without --yes nothing happens, and the message says what would go.
    let o = panelist(&d, &["candidate", "erase", "zbigniew quetzal"]);
    assert!(!o.status.success());
    let err = o.stderr.as_str();
    assert!(
        err.contains("2 session(s)") && err.contains("--yes"),
        "{err}"
    );

    ok(&d, &["candidate", "erase", "ZBIGNIEW  QUETZAL", "--yes"]);
    let bytes = db_bytes(&d);
    for secret in [
        "Zbigniew", "Quetzal", "Quokka", "Marmoset", "Wombat", "Pangolin",
    ] {
        assert!(
            !contains_ci(&bytes, secret),
            "{secret} is still in the database files"
        );
    }
    assert!(contains_ci(&bytes, "Narwhal"), "other candidates stay");
    let store = Store::open(&d).unwrap();
    let dump = store.dump().unwrap();
    assert!(dump.contains("== tombstone\n"), "{dump}");
    let tomb = dump.split("== tombstone\n").nth(1).unwrap();
    let tomb = tomb.split("== ").next().unwrap();
    // One row: id, time, what ("candidate" as bytes), and 2 sessions.
    let candidate_bytes = format!("{:?}", "candidate".as_bytes());
    assert_eq!(tomb.lines().count(), 1, "{tomb}");
    assert!(
        tomb.contains(&candidate_bytes[1..candidate_bytes.len() - 1])
            && tomb.contains("Integer(2)"),
        "{tomb}"
    );
    let audit = dump
        .split("== audit\n")
        .nth(1)
        .unwrap()
        .split("== ")
        .next()
        .unwrap();
    assert!(
        audit.trim().is_empty(),
        "audit keeps only the tombstone: {audit}"
    );
    store.integrity_check().unwrap();
}

#[test]
fn a_deleted_session_is_gone_and_retention_erases_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let id = interview(&db, "Ilse Draft", "Dana", "Draft-only note");
    let o = panelist(&db, &["session", "delete", &id]);
    assert!(!o.status.success(), "needs --yes");
    ok(&db, &["session", "delete", &id, "--yes"]);
    assert!(!contains_ci(&db_bytes(&db), "Draft-only"));
    assert!(!contains_ci(&db_bytes(&db), "Ilse"));
    let list = ok(&db, &["session", "list"]);
    assert!(list.trim().is_empty(), "{list}");

    interview(&db, "Recent Person", "Dana", "recent");
    // A 1-day period erases nothing made just now.
    let out = ok(&db, &["retention", "--days", "1", "--apply"]);
    assert!(out.contains("1 days"), "{out}");
    assert!(ok(&db, &["session", "list"]).contains("Recent Person"));
    let o = panelist(&db, &["retention", "--days", "0"]);
    assert!(!o.status.success());
}

#[test]
fn outputs_never_replace_the_database_or_follow_links() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let id = interview(&db, "Out Put", "Dana", "note");
    let before = std::fs::read(&db).unwrap();
    for target in [db.clone(), dir.path().join("p.db-wal")] {
        let o = panelist(
            &db,
            &[
                "export",
                &id,
                "--format",
                "md",
                "-o",
                target.to_str().unwrap(),
            ],
        );
        assert!(!o.status.success());
        let err = o.stderr.as_str();
        assert!(err.contains("database"), "{err}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
    Store::open(&db).unwrap().integrity_check().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep").unwrap();
        let link = dir.path().join("report.md");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let o = panelist(
            &db,
            &[
                "report",
                "--candidate",
                "Out Put",
                "--format",
                "md",
                "-o",
                link.to_str().unwrap(),
            ],
        );
        assert!(!o.status.success());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        let out = dir.path().join("ok.md");
        ok(
            &db,
            &["export", &id, "--format", "md", "-o", out.to_str().unwrap()],
        );
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn a_closed_stderr_or_stdout_does_not_fail_a_committed_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let id = interview(&db, "Pipe Closed", "Dana", "n");
    let status = Cli::db(&db)
        .args(&["session", "finish", &id, "--recommendation", "yes"])
        .command()
        .stderr(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    // stderr closed outright (not /dev/null): the status line cannot be written.
    let id2 = interview(&db, "Pipe Closed", "Erin", "n");
    let mut child = Cli::db(&db)
        .args(&["session", "finish", &id2, "--recommendation", "no"])
        .command()
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert!(child.wait().unwrap().success());
    let list = ok(&db, &["session", "list", "--json"]);
    assert_eq!(list.matches("\"submitted\"").count(), 2, "{list}");
}

/// `panelist` with the team token in `PANELIST_TOKEN`.
fn ok_with_token(db: &Path, token: &str, args: &[&str]) -> String {
    Cli::db(db).args(args).env("PANELIST_TOKEN", token).ok()
}

fn finish(db: &Path, id: &str) {
    ok(db, &["session", "finish", id, "--recommendation", "yes"]);
}

/// Issue 20, "Erasure stops at the client": a candidate erased here, then
/// `sync --from-start`, used to come back with both sessions. An erasure
/// here is remembered (a salted hash of the identity key, never the name):
/// the server's older sessions of that candidate are dropped at the door,
/// and a new interview of the same name afterwards still syncs.
#[test]
fn a_candidate_erased_here_does_not_come_back_from_the_server() {
    use pg::*;
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for (db, name) in [(&a, "Ann Archer"), (&b, "Ben Baker")] {
        let token = add_user_direct(&owner, name, "interviewer");
        ok_with_token(db, &token, &["remote", "set", &base]);
    }
    // The candidate's panel: members read each other's sessions after
    // submitting their own (server schema 5).
    plan_panel(
        &base,
        &owner,
        "Pia Planner",
        "Zbigniew Quetzal",
        &["Ann Archer", "Ben Baker"],
    );
    let ida = interview(&a, "Zbigniew Quetzal", "Ann Archer", "Quokka-note from Ann");
    finish(&a, &ida);
    ok(&a, &["sync"]);
    let idb = interview(
        &b,
        "Zbigniew Quetzal",
        "Ben Baker",
        "Pangolin-note from Ben",
    );
    finish(&b, &idb);
    let out = ok(&b, &["sync"]);
    assert!(out.contains("pulled 1 new"), "{out}");

    ok(&b, &["candidate", "erase", "ZBIGNIEW QUETZAL", "--yes"]);
    let out = ok(&b, &["sync", "--from-start"]);
    assert!(out.contains("pulled 0 new"), "{out}");
    let bytes = db_bytes(&b);
    for secret in ["Zbigniew", "Quetzal", "Quokka", "Pangolin"] {
        assert!(
            !contains_ci(&bytes, secret),
            "{secret} came back from the server: {out}"
        );
    }
    let list = ok(&b, &["session", "list"]);
    assert!(list.trim().is_empty(), "{list}");
    // Nothing is set aside either (no copy of the candidate's file kept).
    assert!(!out.contains("set aside"), "{out}");

    // A new interview of the same name, after the erasure, is a new one.
    let idb2 = interview(&b, "Zbigniew Quetzal", "Ben Baker", "Second-round note");
    finish(&b, &idb2);
    let out = ok(&b, &["sync"]);
    assert!(out.contains("pushed 1"), "{out}");
    let list = ok(&b, &["session", "list"]);
    assert_eq!(list.matches("Zbigniew Quetzal").count(), 1, "{list}");
}

/// An erasure here is remembered: the candidate's session file, imported
/// again, is refused naming the session (and leaves no byte); a new
/// interview of the same name afterwards is a new one.
#[test]
fn an_erased_candidate_is_not_imported_again_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, d) = (dir.path().join("a.db"), dir.path().join("d.db"));
    let ida = interview(&a, "Zbigniew Quetzal", "Alice", "Quokka-note from Alice");
    finish(&a, &ida);
    let file = dir.path().join("alice.json");
    let f = file.to_str().unwrap();
    ok(&a, &["export", &ida, "--format", "json", "-o", f]);
    ok(&d, &["import", f]);
    ok(&d, &["candidate", "erase", "zbigniew quetzal", "--yes"]);
    let o = panelist(&d, &["import", f]);
    assert!(!o.status.success());
    assert!(
        o.stderr.contains(&ida) && o.stderr.contains("erased"),
        "{}",
        o.stderr
    );
    let bytes = db_bytes(&d);
    assert!(!contains_ci(&bytes, "Quetzal") && !contains_ci(&bytes, "Quokka"));
    interview(&d, "Zbigniew Quetzal", "Dana", "a new round");
    assert!(ok(&d, &["session", "list"]).contains("Zbigniew Quetzal"));
}

/// `candidate erase --on-server`: an admin erases on the team server too,
/// and a colleague's next sync erases the candidate there, down to the
/// bytes; an interviewer's token may not.
#[test]
fn an_admin_erases_on_the_server_and_every_colleague_follows() {
    use pg::*;
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let ann = add_user_direct(&owner, "Ann Archer", "admin");
    let ben = add_user_direct(&owner, "Ben Baker", "interviewer");
    ok_with_token(&a, &ann, &["remote", "set", &base]);
    ok_with_token(&b, &ben, &["remote", "set", &base]);
    plan_panel(
        &base,
        &owner,
        "Pia Planner",
        "Zbigniew Quetzal",
        &["Ann Archer", "Ben Baker"],
    );
    let ida = interview(&a, "Zbigniew Quetzal", "Ann Archer", "Quokka-note from Ann");
    finish(&a, &ida);
    ok(&a, &["sync"]);
    let idb = interview(
        &b,
        "Zbigniew Quetzal",
        "Ben Baker",
        "Pangolin-note from Ben",
    );
    finish(&b, &idb);
    ok(&b, &["sync"]);

    let o = panelist(
        &b,
        &[
            "candidate",
            "erase",
            "Zbigniew Quetzal",
            "--yes",
            "--on-server",
        ],
    );
    assert!(!o.status.success());
    assert!(o.stderr.contains("403 forbidden"), "{}", o.stderr);
    assert!(contains_ci(&db_bytes(&b), "Quetzal"), "nothing erased");

    let o = panelist(
        &a,
        &["candidate", "erase", "Zbigniew Quetzal", "--on-server"],
    );
    assert!(
        !o.status.success() && o.stderr.contains("--yes"),
        "{}",
        o.stderr
    );
    let o = Cli::db(&a)
        .args(&[
            "candidate",
            "erase",
            "zbigniew QUETZAL",
            "--yes",
            "--on-server",
        ])
        .run();
    assert!(o.status.success(), "{}", o.stderr);
    assert!(o.stderr.contains("2 session(s) there"), "{}", o.stderr);
    assert!(!contains_ci(&db_bytes(&a), "Quetzal"));

    let out = ok(&b, &["sync"]);
    assert!(
        out.contains("as the team server erased them: 1 candidate(s), 2 session(s)"),
        "{out}"
    );
    let bytes = db_bytes(&b);
    for secret in ["Zbigniew", "Quetzal", "Quokka", "Pangolin"] {
        assert!(
            !contains_ci(&bytes, secret),
            "{secret} left on Ben's machine"
        );
    }
    let out = ok(&b, &["sync", "--from-start"]);
    assert!(out.contains("pulled 0 new"), "{out}");
}

/// Nor does an erased candidate come back through an interview plan's file.
#[test]
fn an_erased_candidate_does_not_come_back_through_a_plan_file() {
    let dir = tempfile::tempdir().unwrap();
    let (c, d) = (dir.path().join("c.db"), dir.path().join("d.db"));
    let pid = ok(
        &c,
        &[
            "plan",
            "create",
            "--candidate",
            "Zbigniew Quetzal",
            "--role",
            "Backend engineer",
            "--coordinator",
            "Carol Coordinator",
        ],
    )
    .trim()
    .to_string();
    let file = dir.path().join("plan.json");
    let f = file.to_str().unwrap();
    ok(&c, &["plan", "export", &pid, "--output", f]);
    interview(&d, "Zbigniew Quetzal", "Dana", "Quokka-note from Dana");
    ok(&d, &["import", f]);
    ok(&d, &["candidate", "erase", "zbigniew quetzal", "--yes"]);
    assert!(!contains_ci(&db_bytes(&d), "Quetzal"));
    let o = panelist(&d, &["import", f]);
    assert!(!o.status.success());
    assert!(
        o.stderr.contains(&pid) && o.stderr.contains("erased"),
        "{}",
        o.stderr
    );
    assert!(!contains_ci(&db_bytes(&d), "Quetzal"));
}
