//! Identity of names from the Unicode standard (issue 18, What 1): the key
//! of candidates, interviewers, signers and kits is NFKC_Casefold, which
//! drops every Default_Ignorable_Code_Point and folds "ẞ" to "ss"; a
//! person's name keeps at least one letter. Each test reproduces a case the
//! issue found with the real CLI.

mod common;

use common::*;
use panelist_core::import::{CandidateClash, ImportOptions};
use panelist_core::session::{Recommendation, SessionDetails, WrapUp};
use panelist_core::text::name_key;
use panelist_core::{CandidateId, Error, SessionId, Store};

/// A colleague's installation: its own store (its own signing key) with one
/// submitted session for `candidate` by `interviewer`, scored "Strong no"
/// with notes; the session file it exports.
fn colleagues_file(
    candidate: &str,
    interviewer: &str,
    n: u128,
) -> panelist_core::session_file::SessionFile {
    let mut theirs = Store::open_in_memory().unwrap();
    let sid: SessionId = id(n);
    theirs
        .create_and_start_session(
            &new_session(candidate, interviewer, &QS[..2]),
            sid,
            id(n + 1),
            at(0),
        )
        .unwrap();
    theirs.set_score(sid, QS[0], Some(4), at(10)).unwrap();
    theirs.set_score(sid, QS[1], Some(1), at(11)).unwrap();
    theirs
        .set_notes(sid, QS[0], "Talked over everyone.", at(12))
        .unwrap();
    theirs
        .set_wrap_up(
            sid,
            &WrapUp {
                summary: "Not for this team.".into(),
                red_flags: vec![],
                recommendation: Some(Recommendation::StrongNo),
            },
            at(13),
        )
        .unwrap();
    theirs
        .submit(sid, Recommendation::StrongNo, None, id(n + 2), at(14))
        .unwrap();
    theirs.session_file(sid).unwrap()
}

#[test]
fn the_key_is_nfkc_casefold_with_every_default_ignorable_dropped() {
    let k = name_key("Grace Hopper");
    // Each of these the previous key kept as a different name.
    for variant in [
        "Grace Hopper\u{E0020}",          // TAG SPACE (U+E0000–E007F)
        "Grace Hopper\u{E0100}",          // VARIATION SELECTOR-17
        "Grace Hopper\u{E01EF}",          // VARIATION SELECTOR-256
        "Grace\u{180B} Hopper",           // MONGOLIAN FREE VARIATION SELECTOR ONE
        "Grace\u{180D} Hopper",           // … THREE
        "Gr\u{17B4}ace Hopper",           // KHMER VOWEL INHERENT AQ
        "Gr\u{17B5}ace Hopper",           // KHMER VOWEL INHERENT AA
        "Grace \u{FFF9}Hopper\u{FFFB}",   // INTERLINEAR ANNOTATION marks
        "Grace Hop\u{1D173}per\u{1D17A}", // MUSICAL SYMBOL BEGIN/END …
        "Gr\u{AD}ace Hopper",             // SOFT HYPHEN
        "G\u{200B}race\u{2060} Hopper",   // ZERO WIDTH SPACE, WORD JOINER
        "GRACE  HOPPER",
        "ｇｒａｃｅ ｈｏｐｐｅｒ", // fullwidth forms
    ] {
        assert_eq!(name_key(variant), k, "{variant:?}");
    }
    // Full case folding: capital sharp s is "ss", like "ß".
    assert_eq!(name_key("JÜRGEN GROẞ"), name_key("Jürgen Groß"));
    assert_eq!(name_key("Jürgen Groß"), "jürgen gross");
    assert_eq!(name_key("ΟΔΥΣΣΕΥΣ"), name_key("Οδυσσευς"));
    // Accents stay: different letters, possibly different people.
    assert_ne!(name_key("José"), name_key("Jose"));
}

/// Why: "a colleague's file for "JÜRGEN GROẞ" is not my candidate "Jürgen
/// Groß", so my open session does not seal her report". The same with a
/// TAG character or a variation selector at the end of the name.
#[test]
fn a_colleagues_session_under_a_variant_of_my_candidate_is_sealed() {
    for (n, variant) in [
        "JÜRGEN GROẞ",
        "Jürgen Groß\u{E0020}",
        "Jürgen Groß\u{E0100}",
        "Jürgen\u{180B} Groß",
    ]
    .into_iter()
    .enumerate()
    {
        let mut mine = Store::open_in_memory().unwrap();
        let own: SessionId = id(1);
        mine.create_and_start_session(
            &new_session("Jürgen Groß", "Ada Lovelace", &QS[..2]),
            own,
            id(2),
            at(0),
        )
        .unwrap();
        let base = 100 + 10 * n as u128;
        let file = colleagues_file(variant, "Barbara Liskov", base);
        mine.import_sessions(&[file]).unwrap();
        let theirs: SessionId = id(base);
        let p = mine.panel_session(theirs).unwrap();
        assert_eq!(
            p.session.candidate.id,
            mine.session(own).unwrap().candidate.id,
            "{variant:?} is filed under my candidate"
        );
        assert!(p.sealed, "{variant:?}: sealed while my session is open");
        assert_eq!(p.session.recommendation, None);
        assert!(p.session.entries.iter().all(|e| e.notes.is_empty()));
        for asked in ["Jürgen Groß", variant] {
            let all = mine.candidate_sessions(asked).unwrap();
            assert_eq!(all.len(), 2, "{asked:?}");
            assert!(
                all.iter().filter(|p| p.imported).all(|p| p.sealed),
                "{asked:?}"
            );
        }
    }
}

/// Why: with "Grace Hopper" pinned, a file from "Grace Hopper" + U+E0020
/// (or VS-17, U+180B, U+17B4), signed by another key or unsigned, was
/// accepted as a first sight.
#[test]
fn a_variant_of_a_pinned_interviewer_name_meets_the_pinned_key() {
    let mut mine = Store::open_in_memory().unwrap();
    let first = mine
        .import_sessions(&[colleagues_file("Ada Lovelace", "Grace Hopper", 100)])
        .unwrap();
    assert!(first[0].key_note.as_deref().unwrap().contains("pinned"));
    for (n, variant) in [
        "Grace Hopper\u{E0020}",
        "Grace Hopper\u{E0100}",
        "Grace\u{180B} Hopper",
        "Gr\u{17B4}ace Hopper",
        "GRACE HOPPER",
    ]
    .into_iter()
    .enumerate()
    {
        let file = colleagues_file("Alan Turing", variant, 200 + 10 * n as u128);
        let before = mine.dump().unwrap();
        let err = mine
            .import_sessions(std::slice::from_ref(&file))
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{variant:?}: {err}");
        assert!(err.to_string().contains("pinned"), "{variant:?}: {err}");
        let unsigned = panelist_core::session_file::SessionFile::unsigned_v1(file.session);
        let err = mine.import_sessions(&[unsigned]).unwrap_err();
        assert!(err.to_string().contains("unsigned"), "{variant:?}: {err}");
        assert_eq!(mine.dump().unwrap(), before, "{variant:?}: nothing changed");
    }
}

/// Why: "a candidate name made only of TAG characters … accepted".
#[test]
fn a_person_name_needs_a_letter_at_every_door() {
    let tags = "\u{E0041}\u{E0042}\u{E0043}";
    for bad in [tags, "\u{200B}\u{2060}", "  ", "1234", "--", "\u{FE0F}"] {
        let mut store = Store::open_in_memory().unwrap();
        let before = store.dump().unwrap();
        let err = store
            .create_session(&new_session(bad, "Grace Hopper", &QS), id(1), id(2), at(0))
            .unwrap_err();
        assert!(err.to_string().contains("candidate"), "{bad:?}: {err}");
        let err = store
            .create_session(&new_session("Ada", bad, &QS), id(1), id(2), at(0))
            .unwrap_err();
        assert!(err.to_string().contains("interviewer"), "{bad:?}: {err}");
        assert_eq!(store.dump().unwrap(), before);

        let (mut store, sid) = store_with_session();
        let err = store
            .edit_details(
                sid,
                &SessionDetails {
                    candidate: bad.into(),
                    interviewer: "Grace Hopper".into(),
                    role: "Backend".into(),
                },
                id(9),
                at(100),
            )
            .unwrap_err();
        assert!(err.to_string().starts_with("candidate"), "{bad:?}: {err}");

        // A session file naming such a candidate is refused at import.
        let mut file = colleagues_file("Placeholder", "Barbara Liskov", 300);
        file.session.candidate.name = bad.into();
        let file = panelist_core::session_file::SessionFile::new(file.session);
        let mut mine = Store::open_in_memory().unwrap();
        let before = mine.dump().unwrap();
        let err = mine.import_sessions(&[file]).unwrap_err();
        assert!(err.to_string().contains("candidate.name"), "{bad:?}: {err}");
        assert_eq!(mine.dump().unwrap(), before);
    }
    // Letters of any script count.
    let mut store = Store::open_in_memory().unwrap();
    for (n, good) in ["李", "Ωμέγα", "O'Brien 3rd", "Ada\u{E0020}"]
        .into_iter()
        .enumerate()
    {
        store
            .create_session(
                &new_session(good, "Grace Hopper", &QS),
                id(10 + n as u128),
                id(20 + n as u128),
                at(0),
            )
            .unwrap();
    }
}

/// Why: a kit named "Backend␣␣fundamentals" was accepted beside the
/// built-in "Backend fundamentals".
#[test]
fn a_kit_name_is_unique_by_identity_key() {
    let mut store = Store::open_in_memory().unwrap();
    let builtin = store
        .kits()
        .unwrap()
        .into_iter()
        .find(|k| k.name == "Backend fundamentals")
        .expect("the built-in kit");
    let questions = vec![QS[0].to_string()];
    for variant in [
        "Backend  fundamentals",
        "backend fundamentals",
        "Backend\u{200B} fundamentals",
        "Backend fundamentals\u{E0020}",
        "BACKEND\u{A0}FUNDAMENTALS",
    ] {
        let before = store.dump().unwrap();
        let err = store
            .save_kit_as(variant, "", &questions, false, "mine")
            .unwrap_err();
        assert!(
            matches!(err, Error::Locked(_) | Error::Conflict(_)),
            "{variant:?}: {err}"
        );
        let err = store
            .duplicate_kit(&builtin.id, variant, "copy")
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{variant:?}: {err}");
        assert_eq!(store.dump().unwrap(), before, "{variant:?}");
        // The same name in another form finds the kit.
        assert_eq!(store.kit(variant).unwrap().id, builtin.id, "{variant:?}");
    }
    // A bank file's kit under a variant of the name: refused as a whole.
    let bank = r#"{"format":"panelist-bank","version":1,"questions":[],
      "kits":[{"id":"mine","name":"Backend\u200b  Fundamentals","questions":["rest-api-design"]}]}"#;
    let before = store.dump().unwrap();
    let err = store.import_bank_bytes(bank.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("kits[0].name"), "{err}");
    assert_eq!(store.dump().unwrap(), before);
    let own = store
        .duplicate_kit(&builtin.id, "Backend, my way", "mine")
        .unwrap();
    let err = store
        .rename_kit(&own.id, "Backend \u{180B}fundamentals")
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    // A name of invisible characters only is no name.
    let err = store.rename_kit(&own.id, "\u{E0041}\u{200B}").unwrap_err();
    assert!(err.to_string().contains("needs a name"), "{err}");
}

/// Keeping a clashing candidate apart still works with the new key: the
/// file's candidate and mine are told apart only by id, never by a variant.
#[test]
fn importing_a_variant_with_a_clashing_id_asks_as_before() {
    let mut mine = Store::open_in_memory().unwrap();
    mine.create_session(
        &new_session("Jürgen Groß", "Ada Lovelace", &QS[..2]),
        id(1),
        id(2),
        at(0),
    )
    .unwrap();
    let mut file = colleagues_file("JÜRGEN GROẞ", "Barbara Liskov", 100);
    // Same candidate id as mine, name a variant of mine: the same person.
    file.session.candidate.id = id::<CandidateId>(2);
    let file = panelist_core::session_file::SessionFile::new(file.session);
    let r = mine
        .import_sessions_with(
            &[file],
            &ImportOptions {
                clash: CandidateClash::Ask,
                new_candidate_id: CandidateId::nil(),
                accept_new_key: false,
            },
        )
        .unwrap();
    assert_eq!(r[0].candidate_note, None, "no clash: one name");
}

/// Migration 8 recomputes every stored key. A database written before it
/// holds a candidate filed twice ("Jürgen Groß" and a colleague's "JÜRGEN
/// GROẞ", two keys then) and two pins for "Grace Hopper" (one with a TAG
/// character): after it, one candidate (the colleague's session sealed
/// under mine) and the pin seen first.
#[test]
fn migration_8_merges_what_the_new_key_makes_one() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("panelist.db");
    {
        let mut store = Store::open(&db).unwrap();
        store
            .create_and_start_session(
                &new_session("Jürgen Groß", "Ada Lovelace", &QS[..1]),
                id(1),
                id(2),
                at(0),
            )
            .unwrap();
        store
            .create_session(
                &new_session("Somebody Else", "Barbara Liskov", &QS[..1]),
                id(3),
                id(4),
                at(0),
            )
            .unwrap();
    }
    {
        // Back to schema 7, with what its key made of these rows (and
        // without the tables of migrations 9 to 12, which come after).
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(&format!(
            "DROP TABLE sync_resolution;
             DROP TABLE sync_conflict;
             DROP TABLE erased_candidate;
             DROP TABLE sync_set_aside;
             DROP INDEX session_plan;
             ALTER TABLE session DROP COLUMN plan_id;
             DROP TABLE plan_member;
             DROP TABLE plan;
             DROP TABLE signed_original;
             DROP INDEX candidate_by_look;
             DROP INDEX candidate_by_look_confusable;
             ALTER TABLE candidate DROP COLUMN look_key;
             ALTER TABLE candidate DROP COLUMN look_key_confusable;
             UPDATE candidate SET name = 'JÜRGEN GROẞ', name_key = 'jürgen groß' WHERE id = '{}';
             UPDATE session SET imported = 1, status = 'submitted' WHERE id = '{}';
             INSERT INTO signer (name_key, name, public_key, first_seen) VALUES
               ('grace hopper', 'Grace Hopper', 'aa', '2026-01-01T00:00:00Z'),
               ('grace hopper\u{E0020}', 'Grace Hopper\u{E0020}', 'bb', '2026-02-01T00:00:00Z'),
               ('alan turing', 'Alan Turing', 'cc', '2026-01-05T00:00:00Z');
             PRAGMA user_version = 7;",
            id::<CandidateId>(4),
            id::<SessionId>(3),
        ))
        .unwrap();
    }
    let store = Store::open(&db).unwrap();
    store.integrity_check().unwrap();
    let mine = store.session(id(1)).unwrap();
    let theirs = store.panel_session(id(3)).unwrap();
    assert_eq!(theirs.session.candidate.id, mine.candidate.id, "merged");
    assert_eq!(theirs.session.candidate.name, "Jürgen Groß");
    assert!(theirs.sealed, "sealed under my open session");
    assert_eq!(store.candidate_sessions("JÜRGEN GROẞ").unwrap().len(), 2);
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let pins: Vec<(String, String)> = conn
        .prepare("SELECT name_key, public_key FROM signer ORDER BY name_key")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        pins,
        vec![
            ("alan turing".to_string(), "cc".to_string()),
            ("grace hopper".to_string(), "aa".to_string()),
        ]
    );
    let candidates: i64 = conn
        .query_row("SELECT count(*) FROM candidate", [], |r| r.get(0))
        .unwrap();
    assert_eq!(candidates, 1);
}

/// Names that only look or read alike are different people, but not a way
/// around sealing or pinning: a colleague's session for "Soren Kierkegaard"
/// is sealed while mine for "Søren Kierkegaard" is open, and a first file
/// from "Grаce Hopper" (Cyrillic а) meets Grace Hopper's pinned key.
#[test]
fn look_alike_names_are_sealed_and_meet_the_pin() {
    let mut mine = Store::open_in_memory().unwrap();
    mine.create_and_start_session(
        &new_session("Søren Kierkegaard", "Ada Lovelace", &QS[..2]),
        id(1),
        id(2),
        at(0),
    )
    .unwrap();
    mine.import_sessions(&[colleagues_file("Ada Lovelace", "Grace Hopper", 100)])
        .unwrap();
    let file = colleagues_file("Soren Kierkegaard", "Barbara Liskov", 200);
    mine.import_sessions(&[file]).unwrap();
    let p = mine.panel_session(id(200)).unwrap();
    assert_ne!(
        p.session.candidate.name, "Søren Kierkegaard",
        "another candidate"
    );
    assert!(p.sealed, "but sealed while mine is open");
    for lookalike in [
        "Gr\u{430}ce Hopper",
        "GR\u{410}CE HOPPER",
        "Grace Ho\u{440}\u{440}er",
    ] {
        let err = mine
            .import_sessions(&[colleagues_file("Alan Turing", lookalike, 300)])
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{lookalike:?}: {err}");
    }
}
