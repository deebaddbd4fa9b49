//! Issue 18 through the real `panelist` binary: sealed means silent in
//! `import` and `session list`, forwarding a colleague's file, erasure that
//! fails (non-zero) rather than claim success with bytes left, an output
//! path that is a FIFO refused at once, and private database files.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ok, run as panelist, Cli};

fn start(db: &Path, candidate: &str, interviewer: &str) -> String {
    ok(
        db,
        &[
            "session",
            "start",
            "--candidate",
            candidate,
            "--interviewer",
            interviewer,
            "--questions",
            "rest-api-design,sql-vs-nosql",
        ],
    )
    .trim()
    .to_string()
}

fn export(db: &Path, id: &str, to: &Path) {
    ok(
        db,
        &["export", id, "--format", "json", "-o", to.to_str().unwrap()],
    );
}

#[test]
fn import_and_list_say_nothing_of_a_sealed_colleagues_session() {
    let dir = tempfile::tempdir().unwrap();
    let (wei, me) = (dir.path().join("wei.db"), dir.path().join("me.db"));
    let wid = start(&wei, "Ada Lovelace", "Wei Chen");
    ok(&wei, &["session", "score", &wid, "rest-api-design", "2"]);
    let first = dir.path().join("first.json");
    export(&wei, &wid, &first);
    ok(&wei, &["session", "score", &wid, "rest-api-design", "4"]);
    ok(
        &wei,
        &["session", "finish", &wid, "--recommendation", "strong-no"],
    );
    let second = dir.path().join("second.json");
    export(&wei, &wid, &second);

    let mine = start(&me, "Ada Lovelace", "Me");
    ok(&me, &["session", "score", &mine, "rest-api-design", "3"]);
    let out = ok(&me, &["import", first.to_str().unwrap()]);
    assert!(out.contains("added (sealed)"), "{out}");
    let out = ok(&me, &["import", second.to_str().unwrap()]);
    assert!(out.contains("updated (sealed)"), "{out}");
    for leak in ["Strong no", "score", "submitted", "→"] {
        assert!(!out.contains(leak), "{leak} in {out}");
    }

    let list = ok(&me, &["session", "list"]);
    let theirs = list
        .lines()
        .find(|l| l.contains("Wei Chen"))
        .unwrap_or_else(|| panic!("{list}"));
    assert!(theirs.contains("sealed"), "{theirs}");
    assert!(!theirs.contains("/2"), "a sealed scored count: {theirs}");
    assert!(!theirs.contains("submitted"), "{theirs}");
    let json = ok(&me, &["session", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["interviewer"] == "Wei Chen")
        .unwrap();
    assert!(row["scored"].is_null() && row["status"].is_null(), "{row}");
    // Mine is listed in full.
    assert!(list.contains("1/2"), "{list}");

    // Once I submit, the update is told in full.
    ok(
        &me,
        &["session", "finish", &mine, "--recommendation", "yes"],
    );
    let list = ok(&me, &["session", "list"]);
    let theirs = list.lines().find(|l| l.contains("Wei Chen")).unwrap();
    assert!(theirs.contains("1/2"), "{theirs}");
}

#[test]
fn a_colleagues_file_filed_under_my_candidate_forwards_to_a_third_machine() {
    let dir = tempfile::tempdir().unwrap();
    let (grace, me, third) = (
        dir.path().join("grace.db"),
        dir.path().join("me.db"),
        dir.path().join("third.db"),
    );
    let gid = start(&grace, "Ada Lovelace", "Grace Hopper");
    ok(&grace, &["session", "score", &gid, "rest-api-design", "3"]);
    ok(
        &grace,
        &["session", "finish", &gid, "--recommendation", "yes"],
    );
    let original = dir.path().join("grace.json");
    export(&grace, &gid, &original);
    let mine = start(&me, "ada  LOVELACE", "Me");
    ok(&me, &["session", "finish", &mine, "--recommendation", "no"]);
    let out = ok(&me, &["import", original.to_str().unwrap()]);
    assert!(out.contains("local candidate"), "{out}");
    let forwarded = dir.path().join("forwarded.json");
    export(&me, &gid, &forwarded);
    assert_eq!(
        std::fs::read(&forwarded).unwrap(),
        std::fs::read(&original).unwrap()
    );
    let out = ok(&third, &["import", forwarded.to_str().unwrap()]);
    assert!(out.contains("added"), "{out}");
}

#[test]
fn erase_with_a_reader_open_exits_non_zero_and_finishes_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let id = start(&db, "Zbigniew Quetzal", "Dana");
    ok(
        &db,
        &[
            "session",
            "note",
            &id,
            "rest-api-design",
            "Xylophone-unique-note-4711",
        ],
    );
    let reader = rusqlite::Connection::open(&db).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM entry", [], |r| r.get(0))
        .unwrap();
    let o = panelist(&db, &["candidate", "erase", "Zbigniew Quetzal", "--yes"]);
    let err = o.stderr.clone();
    assert!(!o.status.success(), "claimed success: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("open"), "{err}");
    drop(reader);
    ok(&db, &["session", "list"]);
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(b) = std::fs::read(format!("{}{suffix}", db.display())) {
            bytes.extend(b);
        }
    }
    let has = |n: &str| bytes.windows(n.len()).any(|w| w == n.as_bytes());
    assert!(!has("Xylophone-unique-note-4711"));
    assert!(!has("Zbigniew"));
}

#[cfg(unix)]
#[test]
fn a_fifo_as_output_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let id = start(&db, "Out Put", "Dana");
    let fifo = dir.path().join("out.md");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let mut child = Cli::db(&db)
        .args(&[
            "export",
            &id,
            "--format",
            "md",
            "-o",
            fifo.to_str().unwrap(),
        ])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the CLI hangs on a FIFO given to --output");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let o = child.wait_with_output().unwrap();
    assert!(!status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(fifo.to_str().unwrap()), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
}

#[cfg(unix)]
#[test]
fn the_database_and_its_logs_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new-folder").join("p.db");
    let id = start(&db, "Ada", "Me");
    ok(&db, &["session", "score", &id, "rest-api-design", "3"]);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    for suffix in ["", "-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
    }
}

#[path = "../server/tests/common/pg.rs"]
mod pg;

#[test]
fn sync_says_only_updated_sealed_of_a_colleagues_session_sealed_here() {
    // Issue 18: `sync` printed what changed in a sealed colleague's session.
    let pgc = pg::PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = pg::start_server(&web);
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for (db, name) in [(&a, "Ann Archer"), (&b, "Ben Baker")] {
        let token = pg::add_user_direct(&owner, name, "interviewer");
        // The token through the environment, never the command line.
        Cli::db(db)
            .args(&["remote", "set", &base])
            .env("PANELIST_TOKEN", &token)
            .ok();
    }
    // Ada's interview plan lists both (server schema 5).
    pg::plan_panel(
        &base,
        &owner,
        "Lee Lead",
        "Ada Lovelace",
        &["Ann Archer", "Ben Baker"],
    );
    let ida = start(&a, "Ada Lovelace", "Ann Archer");
    ok(&a, &["session", "finish", &ida, "--recommendation", "yes"]);
    ok(&a, &["sync"]);
    let idb = start(&b, "Ada Lovelace", "Ben Baker");
    ok(&b, &["session", "score", &idb, "rest-api-design", "2"]);
    ok(&b, &["session", "finish", &idb, "--recommendation", "no"]);
    ok(&b, &["sync"]);
    let out = ok(&a, &["sync"]);
    assert!(out.contains("Ben Baker — added"), "{out}");

    // Ann starts a second interview of Ada: Ben's session is sealed here.
    start(&a, "Ada Lovelace", "Ann Archer");
    ok(
        &b,
        &[
            "session",
            "amend",
            &idb,
            "rest-api-design",
            "4",
            "--reason",
            "debrief",
        ],
    );
    ok(&b, &["sync"]);
    let out = ok(&a, &["sync"]);
    assert!(out.contains("Ben Baker — updated (sealed)"), "{out}");
    for leak in ["score", "→", "audit", "debrief"] {
        assert!(!out.contains(leak), "{leak} in {out}");
    }
}
