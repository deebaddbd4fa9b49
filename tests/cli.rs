//! The `panelist` binary, end to end: real processes, a real database file,
//! real exported files.

mod common;

use std::path::{Path, PathBuf};

use common::{Cli, Out};
use panelist_core::session::Status;
use panelist_core::Store;

struct Env {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("panelist.db");
        Env { dir, db }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cli(&self, args: &[&str]) -> Cli {
        Cli::db(&self.db).args(args)
    }

    fn run(&self, args: &[&str]) -> Out {
        self.cli(args).run()
    }

    fn ok(&self, args: &[&str]) -> String {
        self.cli(args).ok()
    }

    fn with_stdin(&self, args: &[&str], input: &str) -> Out {
        self.cli(args).stdin(input).run()
    }

    /// Refused: non-zero exit, exactly one line on stderr mentioning `needle`,
    /// nothing on stdout, and the database file's contents unchanged.
    fn refused(&self, args: &[&str], needle: &str) {
        let before = dump(&self.db);
        let o = self.run(args);
        let err = o.stderr;
        assert!(!o.status.success(), "{args:?} should fail");
        assert_eq!(
            err.lines().count(),
            1,
            "{args:?}: one line on stderr, got {err:?}"
        );
        assert!(err.starts_with("panelist: "), "{err:?}");
        assert!(
            err.contains(needle),
            "{args:?}: {err:?} should mention {needle:?}"
        );
        assert!(o.stdout.is_empty());
        assert_eq!(dump(&self.db), before, "{args:?} changed the database");
    }
}

fn dump(db: &Path) -> String {
    Store::open(db).unwrap().dump().unwrap()
}

fn start(env: &Env) -> String {
    let out = env.ok(&[
        "session",
        "start",
        "--candidate",
        "Ada Lovelace",
        "--interviewer",
        "Grace Hopper",
        "--role",
        "Backend",
        "--kit",
        "backend-fundamentals",
    ]);
    assert_eq!(out.lines().count(), 1, "only the id on stdout: {out:?}");
    let id = out.trim().to_string();
    let uuid = uuid::Uuid::parse_str(&id).unwrap();
    assert_eq!(uuid.get_version_num(), 7, "session ids are UUIDv7");
    id
}

#[test]
fn an_interview_from_start_to_export() {
    let env = Env::new();
    let sid = start(&env);
    env.ok(&["session", "score", &sid, "rest-api-design", "3"]);
    env.ok(&["session", "score", &sid, "sql-vs-nosql", "2"]);
    env.ok(&["session", "score", &sid, "rest-api-design", "4"]);
    env.ok(&[
        "session",
        "note",
        &sid,
        "rest-api-design",
        "Knew idempotency keys.",
    ]);
    let o = env.with_stdin(
        &["session", "note", &sid, "sql-vs-nosql", "-"],
        "From stdin,\nover two lines <b>bold</b>\n",
    );
    assert!(o.status.success());
    env.ok(&[
        "session",
        "finish",
        &sid,
        "--recommendation",
        "strong-yes",
        "--summary",
        "Hire.",
    ]);
    env.ok(&[
        "session",
        "amend",
        &sid,
        "sql-vs-nosql",
        "3",
        "--reason",
        "Debrief: clarified sharding",
    ]);

    // The database file holds what was recorded.
    let store = Store::open(&env.db).unwrap();
    let s = store.session(sid.parse().unwrap()).unwrap();
    assert_eq!(s.status, Status::Submitted);
    assert_eq!(s.kit.as_deref(), Some("Backend fundamentals"));
    assert_eq!(s.entry("rest-api-design").unwrap().score, Some(4));
    assert_eq!(
        s.entry("rest-api-design").unwrap().notes,
        "Knew idempotency keys."
    );
    assert_eq!(
        s.entry("sql-vs-nosql").unwrap().notes,
        "From stdin,\nover two lines <b>bold</b>\n"
    );
    assert_eq!(s.entry("sql-vs-nosql").unwrap().score, Some(3));
    assert_eq!(s.audit.len(), 2);
    drop(store);

    // Markdown export to a file.
    let md_path = env.path("ada.md");
    env.ok(&[
        "export",
        &sid,
        "--format",
        "md",
        "--output",
        md_path.to_str().unwrap(),
    ]);
    let md = std::fs::read_to_string(&md_path).unwrap();
    assert!(md.starts_with("# Interview summary: Ada Lovelace\n"));
    assert!(md.contains("- **Interviewer:** Grace Hopper"));
    assert!(md.contains("- **Recommendation:** Strong yes"));
    assert!(md.contains("**Score: 4 / 4 — Excellent.**"));
    assert!(
        md.contains("> over two lines \\<b\\>bold\\</b\\>"),
        "user text is escaped"
    );
    assert!(md.contains("| 2 → 3 | Debrief: clarified sharding |"));
    assert!(md.contains("| APIs and web | 2 | 1 | 4.00 |"));
    // stdout export is the same document.
    assert_eq!(env.ok(&["export", &sid, "--format", "md"]), md);

    // JSON export is a verifiable session file.
    let json_path = env.path("ada.json");
    env.ok(&[
        "export",
        &sid,
        "--format",
        "json",
        "-o",
        json_path.to_str().unwrap(),
    ]);
    let file = panelist_core::session_file::SessionFile::parse(&std::fs::read(&json_path).unwrap())
        .unwrap();
    assert_eq!(file.session.id.to_string(), sid);

    // Listing and showing.
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["session", "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["status"], "submitted");
    assert_eq!(list[0]["scored"], 2);
    assert!(env
        .ok(&["session", "list", "--candidate", "ada lovelace"])
        .contains("Ada Lovelace — Grace Hopper (Backend)"));
    assert_eq!(env.ok(&["session", "list", "--candidate", "Nobody"]), "");
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["session", "show", &sid[..13], "--json"])).unwrap();
    assert_eq!(shown["recommendation"], "strong-yes");
}

#[test]
fn errors_are_one_line_and_change_nothing() {
    let env = Env::new();
    let sid = start(&env);
    env.ok(&["session", "score", &sid, "rest-api-design", "3"]);
    let ghost = "0190ffff-0000-7000-8000-000000000000";
    env.refused(
        &["session", "score", ghost, "rest-api-design", "3"],
        "no session",
    );
    env.refused(
        &["session", "score", &sid, "no-such-question", "3"],
        "has no question \"no-such-question\"",
    );
    env.refused(
        &["session", "score", &sid, "rest-api-design", "5"],
        "level 5 is not on the scale",
    );
    env.refused(
        &["session", "score", &sid, "rest-api-design", "0"],
        "not on the scale",
    );
    env.refused(
        &[
            "session",
            "amend",
            &sid,
            "rest-api-design",
            "4",
            "--reason",
            "x",
        ],
        "not submitted yet",
    );
    env.refused(
        &[
            "session",
            "start",
            "--candidate",
            "B",
            "--interviewer",
            "C",
            "--questions",
            "rest-api-design,nope",
        ],
        "no question with id \"nope\"",
    );
    env.refused(
        &[
            "session",
            "start",
            "--candidate",
            "B",
            "--interviewer",
            "C",
            "--kit",
            "nope",
        ],
        "no kit",
    );
    env.ok(&["session", "finish", &sid, "--recommendation", "no"]);
    env.refused(
        &["session", "score", &sid, "rest-api-design", "4"],
        "submitted and locked",
    );
    env.refused(
        &["session", "note", &sid, "rest-api-design", "changed"],
        "submitted and locked",
    );
    env.refused(
        &["session", "finish", &sid, "--recommendation", "yes"],
        "submitted and locked",
    );
    env.refused(
        &[
            "session",
            "amend",
            &sid,
            "rest-api-design",
            "4",
            "--reason",
            "",
        ],
        "needs a reason",
    );
    env.refused(
        &[
            "session",
            "amend",
            &sid,
            "rest-api-design",
            "4",
            "--reason",
            "  ",
        ],
        "needs a reason",
    );

    let bad = env.path("bad.json");
    std::fs::write(
        &bad,
        r#"{"format":"panelist-bank","version":1,"questions":[{"id":"x"}]}"#,
    )
    .unwrap();
    env.refused(
        &["bank", "import", bad.to_str().unwrap()],
        "at questions[0]: missing field `prompt`",
    );
    env.refused(
        &["bank", "import", env.path("missing.json").to_str().unwrap()],
        "cannot read",
    );
    let nowhere = env.path("no/such/dir/out.md");
    env.refused(
        &[
            "export",
            &sid,
            "--format",
            "md",
            "--output",
            nowhere.to_str().unwrap(),
        ],
        "cannot write",
    );
    assert!(!nowhere.exists());
}

#[test]
fn usage_errors_exit_non_zero() {
    let env = Env::new();
    let o = env.run(&["session", "start", "--candidate", "A", "--interviewer", "B"]);
    assert!(!o.status.success(), "needs --kit or --questions");
    let o = env.run(&["session", "finish", "x", "--recommendation", "maybe"]);
    assert!(!o.status.success());
}

#[test]
fn bank_list_export_and_import() {
    let env = Env::new();
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["bank", "list", "--json"])).unwrap();
    let builtin = panelist_core::bank::builtin_bank().unwrap().questions.len();
    assert_eq!(list.as_array().unwrap().len(), builtin);
    assert!(env
        .ok(&["bank", "list"])
        .ends_with(&format!("{builtin} questions\n")));
    let kits: serde_json::Value =
        serde_json::from_str(&env.ok(&["kit", "list", "--json"])).unwrap();
    assert_eq!(kits[0]["id"], "backend-fundamentals");
    assert_eq!(kits[0]["minutes"], 44);

    let exported = env.path("bank.json");
    env.ok(&["bank", "export", exported.to_str().unwrap()]);
    let mut bank: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&exported).unwrap()).unwrap();
    bank["questions"][0]["prompt"] = "Edited prompt?".into();
    bank["questions"][0]["id"] = "my-own-question".into();
    std::fs::write(&exported, serde_json::to_vec(&bank).unwrap()).unwrap();
    let out = env.ok(&["bank", "import", exported.to_str().unwrap()]);
    assert!(
        out.contains(&format!(
            "1 questions added, 0 updated (new revisions), {} unchanged",
            builtin - 1
        )),
        "{out}"
    );
    let list = env.ok(&["bank", "list"]);
    assert!(
        list.contains("my-own-question") && list.ends_with(&format!("{} questions\n", builtin + 1))
    );
}

#[test]
fn the_database_path_comes_from_db_then_panelist_db() {
    let env = Env::new();
    let other = env.path("from-env.db");
    let o = Cli::without_db(env.dir.path())
        .args(&[
            "session",
            "start",
            "--candidate",
            "E",
            "--interviewer",
            "F",
            "--questions",
            "cap-theorem",
        ])
        .env("PANELIST_DB", &other)
        .run();
    assert!(o.status.success());
    assert_eq!(
        Store::open(&other)
            .unwrap()
            .sessions(&Default::default())
            .unwrap()
            .len(),
        1
    );
    // --db wins over PANELIST_DB.
    let o = env
        .cli(&["session", "list"])
        .env("PANELIST_DB", &other)
        .run();
    assert!(o.status.success() && o.stdout.is_empty());
    // Neither: the OS data directory.
    let o = Cli::without_db(env.dir.path()).args(&["kit", "list"]).run();
    assert!(o.status.success());
    assert!(env.dir.path().join("dev.panelist.app/panelist.db").exists());
}

/// `session start` is one transaction: when another process holds the write
/// lock past the busy timeout, the start fails with one clear line and leaves
/// no draft (nor a remembered interviewer) behind.
#[test]
fn session_start_under_a_held_write_lock_leaves_no_draft() {
    let env = Env::new();
    env.ok(&["bank", "list"]); // creates and migrates the database
    let before = dump(&env.db);

    let holder = rusqlite::Connection::open(&env.db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let o = env.run(&[
        "session",
        "start",
        "--candidate",
        "Ada Lovelace",
        "--interviewer",
        "Grace Hopper",
        "--role",
        "Backend",
        "--kit",
        "backend-fundamentals",
    ]);
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);

    let err = o.stderr;
    assert!(
        !o.status.success(),
        "start must fail while the lock is held"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.contains("locked") || err.contains("busy"), "{err:?}");
    assert!(o.stdout.is_empty(), "no id printed");
    assert_eq!(
        dump(&env.db),
        before,
        "a failed start left something behind"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&env.ok(&["session", "list", "--json"])).unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(0), "no draft listed");

    // Once the lock is gone the same command works.
    start(&env);
}

/// The start step failing after the session rows were written (here a
/// trigger refuses the status change) must take the new draft with it: the
/// interview either exists and runs, or nothing was written.
#[test]
fn session_start_failing_half_way_leaves_no_draft() {
    let env = Env::new();
    env.ok(&["bank", "list"]);
    {
        let c = rusqlite::Connection::open(&env.db).unwrap();
        c.execute_batch(
            "CREATE TRIGGER refuse_start BEFORE UPDATE OF status ON session
             WHEN NEW.status = 'in_progress'
             BEGIN SELECT RAISE(ABORT, 'start refused'); END;",
        )
        .unwrap();
    }
    let before = dump(&env.db);
    let o = env.run(&[
        "session",
        "start",
        "--candidate",
        "Ada Lovelace",
        "--interviewer",
        "Grace Hopper",
        "--role",
        "Backend",
        "--kit",
        "backend-fundamentals",
    ]);
    assert!(!o.status.success(), "the start was refused");
    assert_eq!(dump(&env.db), before, "a half-done start left a draft");
}
