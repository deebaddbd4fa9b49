//! `panelist bank show/history/retire` and `panelist kit create/rename/
//! reorder/delete/duplicate`, as real processes on a real database file
//! (checked with SQLite afterwards).

mod common;

use std::path::PathBuf;

use common::{Cli, Out};

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

    fn run(&self, args: &[&str]) -> Out {
        Cli::db(&self.db).home(self.dir.path()).args(args).run()
    }

    fn ok(&self, args: &[&str]) -> String {
        Cli::db(&self.db).home(self.dir.path()).args(args).ok()
    }

    /// Refused with exit `code`, one line on stderr containing `needle`,
    /// and the database unchanged.
    fn refused(&self, args: &[&str], code: i32, needle: &str) {
        let before = self.dump();
        let o = self.run(args);
        let err = o.stderr;
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err:?}");
        assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
        assert_eq!(self.dump(), before, "{args:?} changed the database");
    }

    fn dump(&self) -> Vec<String> {
        let c = rusqlite::Connection::open(&self.db).unwrap();
        let mut out = Vec::new();
        for t in ["question", "question_revision", "kit", "kit_question"] {
            let mut stmt = c.prepare(&format!("SELECT * FROM {t}")).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap();
            for row in rows {
                out.push(format!("{t}: {}", row.unwrap()));
            }
        }
        out
    }

    fn sql(&self, q: &str) -> String {
        rusqlite::Connection::open(&self.db)
            .unwrap()
            .query_row(q, [], |r| r.get::<_, String>(0))
            .unwrap()
    }
}

#[test]
fn show_history_and_revisions_through_an_import() {
    let env = Env::new();
    let shown = env.ok(&["bank", "show", "rest-api-design"]);
    assert!(
        shown.starts_with("rest-api-design · revision 1\n"),
        "{shown}"
    );
    for part in [
        "rubric:\n  1 Poor: ",
        "  4 Excellent: ",
        "look-fors:\n  1. ",
        "follow-ups:\n",
        "kits:\n",
    ] {
        assert!(shown.contains(part), "{part:?} missing in {shown}");
    }

    // Edit the question through a bank file: a new revision.
    let file = env.dir.path().join("bank.json");
    let f = file.to_str().unwrap();
    env.ok(&["bank", "export", f]);
    let mut bank: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let q = bank["questions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|q| q["id"] == "rest-api-design")
        .unwrap();
    q["prompt"] = "Design a REST API for a library.".into();
    q["minutes"] = 12.into();
    q["look_fors"]
        .as_array_mut()
        .unwrap()
        .push("Pagination".into());
    std::fs::write(&file, serde_json::to_vec(&bank).unwrap()).unwrap();
    let out = env.ok(&["bank", "import", f]);
    assert!(
        out.contains("0 questions added, 1 updated (new revisions)"),
        "{out}"
    );
    assert_eq!(
        env.sql("SELECT group_concat(revision) FROM question_revision WHERE question_id = 'rest-api-design'"),
        "1,2"
    );

    let now = env.ok(&["bank", "show", "rest-api-design"]);
    assert!(now.starts_with("rest-api-design · revision 2\nDesign a REST API for a library.\n"));
    let old = env.ok(&["bank", "show", "rest-api-design", "--revision", "1"]);
    assert!(
        old.starts_with("rest-api-design · revision 1 (current: 2)\n"),
        "{old}"
    );
    assert_eq!(
        old,
        shown.replacen("revision 1", "revision 1 (current: 2)", 1)
    );

    let history = env.ok(&["bank", "history", "rest-api-design"]);
    assert!(history.contains("revision 2 ("), "{history}");
    assert!(history.contains("  prompt:\n    - "), "{history}");
    assert!(
        history.contains("    + Design a REST API for a library.\n"),
        "{history}"
    );
    assert!(history.contains("  minutes:\n    - "), "{history}");
    assert!(history.contains(" added:\n    + Pagination\n"), "{history}");
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["bank", "history", "rest-api-design", "--json"])).unwrap();
    assert_eq!(json[1]["changes"][0]["field"], "prompt");

    env.refused(
        &["bank", "show", "rest-api-design", "--revision", "3"],
        3,
        "no revision 3",
    );
    env.refused(&["bank", "history", "nope"], 3, "no question");

    // A broken file changes nothing, even the questions before the error.
    q_edit(&mut bank, "sql-vs-nosql", |q| {
        q["prompt"] = "Changed?".into()
    });
    q_edit(&mut bank, "rest-api-design", |q| {
        q["levels"][0]["anchor"] = "".into()
    });
    std::fs::write(&file, serde_json::to_vec(&bank).unwrap()).unwrap();
    env.refused(
        &["bank", "import", f],
        1,
        ".levels[0].anchor: must not be empty",
    );
}

fn q_edit(bank: &mut serde_json::Value, id: &str, f: impl FnOnce(&mut serde_json::Value)) {
    let q = bank["questions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|q| q["id"] == id)
        .unwrap();
    f(q)
}

#[test]
fn retiring_hides_from_the_list_and_keeps_the_question_readable() {
    let env = Env::new();
    let n = env.ok(&["bank", "list"]).lines().count();
    env.ok(&["bank", "retire", "cap-theorem"]);
    assert_eq!(
        env.sql("SELECT CAST(retired AS TEXT) FROM question WHERE id = 'cap-theorem'"),
        "1"
    );
    let list = env.ok(&["bank", "list"]);
    assert_eq!(list.lines().count(), n - 1);
    assert!(!list.contains("cap-theorem"));
    let shown = env.ok(&["bank", "show", "cap-theorem"]);
    assert!(
        shown.starts_with("cap-theorem · revision 1 · retired\n"),
        "{shown}"
    );
    env.ok(&["bank", "retire", "cap-theorem", "--undo"]);
    assert_eq!(env.ok(&["bank", "list"]).lines().count(), n);
}

#[test]
fn kits_create_rename_reorder_duplicate_delete_and_built_ins_refuse() {
    let env = Env::new();
    let id = env.ok(&[
        "kit",
        "create",
        "Phone screen",
        "--questions",
        "rest-api-design,sql-vs-nosql",
    ]);
    assert_eq!(id, "phone-screen\n");
    env.refused(
        &[
            "kit",
            "create",
            "phone SCREEN",
            "--questions",
            "cap-theorem",
        ],
        4,
        "already exists",
    );
    env.refused(
        &[
            "kit",
            "create",
            "Backend fundamentals",
            "--questions",
            "cap-theorem",
        ],
        4,
        "built-in kit",
    );
    env.ok(&[
        "kit",
        "reorder",
        "phone-screen",
        "--questions",
        "sql-vs-nosql,rest-api-design",
    ]);
    assert_eq!(
        env.sql("SELECT group_concat(question_id) FROM (SELECT question_id FROM kit_question WHERE kit_id = 'phone-screen' ORDER BY position)"),
        "sql-vs-nosql,rest-api-design"
    );
    env.ok(&["kit", "rename", "Phone screen", "First call"]);
    assert_eq!(
        env.sql("SELECT name FROM kit WHERE id = 'phone-screen'"),
        "First call"
    );
    for args in [
        &["kit", "rename", "backend-fundamentals", "Mine"][..],
        &[
            "kit",
            "reorder",
            "backend-fundamentals",
            "--questions",
            "cap-theorem",
        ][..],
        &["kit", "delete", "Backend fundamentals"][..],
    ] {
        env.refused(args, 4, "built in");
    }
    let copy = env.ok(&["kit", "duplicate", "backend-fundamentals", "Backend (ours)"]);
    assert_eq!(copy, "backend-ours\n");
    assert_eq!(
        env.sql("SELECT CAST(count(*) AS TEXT) FROM kit_question WHERE kit_id = 'backend-ours'"),
        "7"
    );
    env.ok(&["kit", "delete", "phone-screen"]);
    assert_eq!(
        env.sql("SELECT CAST(count(*) AS TEXT) FROM kit WHERE id = 'phone-screen'"),
        "0"
    );
}
