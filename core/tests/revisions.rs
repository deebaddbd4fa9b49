//! Question revisions: editing appends a revision, sessions keep the one
//! they used, retirement hides without losing, history says what changed,
//! and bank imports make revisions all or nothing. Checked in the tables.

mod common;

use common::{at, id, new_session};
use panelist_core::bank::{LevelDoc, QuestionDoc};
use panelist_core::{SessionId, Store};

/// A store on a file, so the tests can read the tables themselves.
struct Db {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

fn open() -> (Store, Db) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("panelist.db");
    (Store::open(&path).unwrap(), Db { _dir: dir, path })
}

fn count(db: &Db, sql: &str) -> i64 {
    rusqlite::Connection::open(&db.path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn edited(store: &Store, id: &str) -> QuestionDoc {
    let mut doc = QuestionDoc::of(&store.question(id).unwrap());
    doc.prompt = format!("{} (edited)", doc.prompt);
    doc.look_fors.push("Mentions idempotency keys".into());
    doc.levels[3].anchor = "A new level 4 anchor.".into();
    doc
}

#[test]
fn editing_appends_a_revision_and_the_old_one_stays_readable() {
    let (mut store, db) = open();
    let first = store.question("rest-api-design").unwrap();
    assert_eq!(store.bank_question("rest-api-design").unwrap().revision, 1);
    let saved = store
        .save_question(&edited(&store, "rest-api-design"), false, at(5))
        .unwrap();
    assert_eq!(saved.revision, 2);
    assert!(saved.question.prompt.ends_with("(edited)"));
    assert_eq!(
        store
            .question_revision("rest-api-design", 1)
            .unwrap()
            .question,
        first
    );
    let revs = store.question_revisions("rest-api-design").unwrap();
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[1].created_at, "2026-03-02T14:00:05.000Z");
    // Saving the same thing again makes no revision.
    let again = QuestionDoc::of(&saved.question);
    assert_eq!(
        store.save_question(&again, false, at(6)).unwrap().revision,
        2
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM question_revision WHERE question_id = 'rest-api-design'"
        ),
        2
    );
    assert_eq!(
        store
            .question_revision("rest-api-design", 3)
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn history_lists_field_level_changes() {
    let (mut store, _db) = open();
    let mut doc = edited(&store, "rest-api-design");
    doc.minutes += 2;
    doc.competency = "data".into();
    store.save_question(&doc, false, at(5)).unwrap();
    let history = store.question_history("rest-api-design").unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[0].changes.is_empty());
    let fields: Vec<&str> = history[1]
        .changes
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    let n = store
        .question_revision("rest-api-design", 1)
        .unwrap()
        .question
        .look_fors
        .len();
    let look_for = format!("look_fors[{n}]");
    assert_eq!(
        fields,
        [
            "prompt",
            "competency",
            "minutes",
            "levels[4].anchor",
            &look_for
        ]
    );
    let added = history[1].changes.last().unwrap();
    assert_eq!(added.before, None);
    assert_eq!(added.after.as_deref(), Some("Mentions idempotency keys"));
}

#[test]
fn a_session_keeps_the_revision_it_used() {
    let (mut store, _db) = open();
    let old: SessionId = id(1);
    store
        .create_session(
            &new_session("Ada", "Grace", &["rest-api-design"]),
            old,
            id(2),
            at(0),
        )
        .unwrap();
    let first_prompt = store.question("rest-api-design").unwrap().prompt;
    store
        .save_question(&edited(&store, "rest-api-design"), false, at(5))
        .unwrap();
    let new: SessionId = id(3);
    store
        .create_session(
            &new_session("Bob", "Grace", &["rest-api-design"]),
            new,
            id(4),
            at(6),
        )
        .unwrap();
    assert_eq!(
        store.session(old).unwrap().entries[0].question.prompt,
        first_prompt
    );
    assert_eq!(
        store.entry_revisions(old).unwrap(),
        [("rest-api-design".to_string(), Some(1))]
    );
    assert_eq!(
        store.entry_revisions(new).unwrap(),
        [("rest-api-design".to_string(), Some(2))]
    );
    assert!(store.session(new).unwrap().entries[0]
        .question
        .prompt
        .ends_with("(edited)"));
}

#[test]
fn retired_questions_leave_pickers_and_stay_readable() {
    let (mut store, db) = open();
    let sid: SessionId = id(1);
    store
        .create_session(
            &new_session("Ada", "Grace", &["sql-vs-nosql"]),
            sid,
            id(2),
            at(0),
        )
        .unwrap();
    let total = store.questions().unwrap().len();
    store.set_question_retired("sql-vs-nosql", true).unwrap();
    assert_eq!(store.questions().unwrap().len(), total - 1);
    assert!(!store
        .questions()
        .unwrap()
        .iter()
        .any(|q| q.id == "sql-vs-nosql"));
    let q = store.bank_question("sql-vs-nosql").unwrap();
    assert!(q.retired);
    assert_eq!(store.session(sid).unwrap().entries[0].question, q.question);
    assert_eq!(
        count(
            &db,
            "SELECT retired FROM question WHERE id = 'sql-vs-nosql'"
        ),
        1
    );
    // Exported as version 2, and the file imports back.
    let file = store.export_bank().unwrap();
    assert_eq!(file.version, 2);
    assert!(file
        .questions
        .iter()
        .any(|q| q.id == "sql-vs-nosql" && q.retired));
    let mut fresh = Store::open_in_memory().unwrap();
    let json = serde_json::to_vec(&file).unwrap();
    fresh.import_bank_bytes(&json).unwrap();
    assert!(fresh.bank_question("sql-vs-nosql").unwrap().retired);
    store.set_question_retired("sql-vs-nosql", false).unwrap();
    assert_eq!(store.questions().unwrap().len(), total);
    // Without retired questions the export is still version 1.
    assert_eq!(store.export_bank().unwrap().version, 1);
}

#[test]
fn authoring_is_checked_like_a_bank_file_with_field_paths_and_saves_nothing_wrong() {
    let (mut store, db) = open();
    let before = count(&db, "SELECT count(*) FROM question_revision");
    let mut doc = QuestionDoc::of(&store.question("rest-api-design").unwrap());
    doc.id = "my-question".into();
    doc.levels[1].anchor = "  ".into();
    let err = store.save_question(&doc, true, at(1)).unwrap_err();
    assert_eq!(err.to_string(), "levels[1].anchor: must not be empty");
    assert_eq!(
        panelist_core::bank::field_of(&err.to_string()),
        Some("levels[1].anchor")
    );

    let mut doc = QuestionDoc::of(&store.question("rest-api-design").unwrap());
    let err = store.save_question(&doc, true, at(1)).unwrap_err();
    assert_eq!(
        panelist_core::bank::field_of(&err.to_string()),
        Some("id"),
        "{err}"
    );

    doc.id = "my-question".into();
    doc.levels.push(LevelDoc {
        value: 7,
        label: Some("Heroic".into()),
        anchor: "Off the scale.".into(),
    });
    let err = store.save_question(&doc, true, at(1)).unwrap_err();
    assert_eq!(
        panelist_core::bank::field_of(&err.to_string()),
        Some("levels[4].value")
    );

    doc.levels.pop();
    doc.competency = "nope".into();
    let err = store.save_question(&doc, true, at(1)).unwrap_err();
    assert_eq!(
        panelist_core::bank::field_of(&err.to_string()),
        Some("competency")
    );

    assert_eq!(count(&db, "SELECT count(*) FROM question_revision"), before);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM question WHERE id = 'my-question'"
        ),
        0
    );
    doc.competency = "apis-web".into();
    let saved = store.save_question(&doc, true, at(1)).unwrap();
    assert_eq!(saved.revision, 1);
}

#[test]
fn a_bank_import_makes_revisions_for_changed_questions_all_or_nothing() {
    let (mut store, db) = open();
    let mut file = store.export_bank().unwrap();
    let revisions = count(&db, "SELECT count(*) FROM question_revision");
    file.questions[0].prompt.push_str(" (revised)");
    let r = store.import_bank(&file).unwrap();
    assert_eq!(r.questions_updated, 1);
    assert_eq!(r.questions_added, 0);
    assert_eq!(r.questions_unchanged, file.questions.len() - 1);
    assert_eq!(r.kits, 0, "built-in kits, unchanged, are left alone");
    assert_eq!(
        count(&db, "SELECT count(*) FROM question_revision"),
        revisions + 1
    );
    let id = file.questions[0].id.clone();
    assert_eq!(store.bank_question(&id).unwrap().revision, 2);

    // A second change plus an error later in the file: nothing lands.
    file.questions[0].prompt.push_str(" again");
    file.questions[1].levels[0].anchor.clear();
    let err = store.import_bank(&file).unwrap_err();
    assert!(
        err.to_string().contains("questions[1].levels[0].anchor"),
        "{err}"
    );
    assert_eq!(store.bank_question(&id).unwrap().revision, 2);

    // A file that changes a built-in kit is refused as a whole.
    file.questions[1].levels[0].anchor = "Fixed.".into();
    let kit = file
        .kits
        .iter_mut()
        .find(|k| k.id == "system-design")
        .unwrap();
    kit.questions.reverse();
    let err = store.import_bank(&file).unwrap_err();
    assert_eq!(err.code(), "locked", "{err}");
    assert!(err.to_string().contains("kits["), "{err}");
    assert_eq!(store.bank_question(&id).unwrap().revision, 2);
    assert_eq!(
        count(&db, "SELECT count(*) FROM question_revision"),
        revisions + 1
    );
}

#[test]
fn a_bank_import_reports_its_progress_up_to_the_last_question() {
    use panelist_core::storage::{BankPhase, BankProgress};
    let (mut store, _db) = open();
    let mut file = store.export_bank().unwrap();
    let template = file.questions[0].clone();
    for i in 0..600 {
        let mut q = template.clone();
        q.id = format!("bulk-{i:04}");
        q.prompt = format!("Bulk question {i}");
        file.questions.push(q);
    }
    let total = file.questions.len() as u64;
    let mut seen: Vec<BankProgress> = Vec::new();
    let r = store
        .import_bank_with_progress(&file, at(1), &mut |p| seen.push(p))
        .unwrap();
    assert_eq!(r.questions_added, 600);
    let phases: Vec<BankPhase> = seen.iter().map(|p| p.phase).collect();
    assert_eq!(phases[..2], [BankPhase::Checking, BankPhase::Checking]);
    assert!(phases[2..].iter().all(|p| *p == BankPhase::Saving));
    assert!(seen.iter().all(|p| p.total == total));
    let saving: Vec<u64> = seen[2..].iter().map(|p| p.done).collect();
    assert_eq!(saving.first(), Some(&0));
    assert_eq!(saving.last(), Some(&total));
    assert!(saving.windows(2).all(|w| w[0] <= w[1]), "{saving:?}");
    // Every 250 questions in between: a bar that moves.
    assert_eq!(saving.len() as u64, 2 + total / 250);

    // A refused file reports checking only, and saves nothing.
    file.questions[1].levels[0].anchor.clear();
    let mut seen: Vec<BankProgress> = Vec::new();
    store
        .import_bank_with_progress(&file, at(2), &mut |p| seen.push(p))
        .unwrap_err();
    assert!(
        seen.iter().all(|p| p.phase == BankPhase::Checking),
        "{seen:?}"
    );
}

#[test]
fn a_retired_competency_is_refused_for_new_questions_and_kept_by_its_own() {
    let (mut store, _db) = open();
    store.set_competency_retired("data", true).unwrap();
    assert!(!store.competencies().unwrap().iter().any(|c| c.id == "data"));
    let q = store.question("sql-vs-nosql").unwrap();
    assert_eq!(q.competency, "data");
    // Its own question can still be edited...
    let mut doc = QuestionDoc::of(&q);
    doc.minutes += 1;
    assert_eq!(store.save_question(&doc, false, at(1)).unwrap().revision, 2);
    // ...a new one cannot use it.
    doc.id = "new-data-question".into();
    let err = store.save_question(&doc, true, at(2)).unwrap_err();
    assert_eq!(
        panelist_core::bank::field_of(&err.to_string()),
        Some("competency")
    );
    // Sessions still show its name.
    let sid: SessionId = id(1);
    let s = store
        .create_session(
            &new_session("Ada", "Grace", &["sql-vs-nosql"]),
            sid,
            id(2),
            at(3),
        )
        .unwrap();
    assert_ne!(s.entries[0].competency_name, "data");
}

#[test]
fn revisions_are_append_only_in_the_database() {
    let (_store, db) = open();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let err = conn
        .execute("UPDATE question_revision SET doc = '{}'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = conn
        .execute("DELETE FROM question_revision", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}
