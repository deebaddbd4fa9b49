//! Kits: the problems found in use, reproduced, plus the kit lifecycle
//! (create, rename, reorder, delete own kits; built-in kits read-only but
//! duplicable).

mod common;

use common::{at, id};
use panelist_core::bank::Kit;
use panelist_core::panel::{self, SortBy};
use panelist_core::session::{NewSession, Recommendation};
use panelist_core::{SessionId, Store};

fn kit_rows(store: &Store, kit_id: &str) -> Vec<String> {
    store.kit(kit_id).map(|k| k.questions).unwrap_or_default()
}

/// Found: "Save as kit" with a built-in kit's name silently replaced it
/// (7 questions became 1).
#[test]
fn saving_a_kit_under_a_built_in_kits_name_is_refused() {
    let mut store = Store::open_in_memory().unwrap();
    let before = kit_rows(&store, "backend-fundamentals");
    assert_eq!(before.len(), 7);
    // What the app did: the id derived from the name, saved by id.
    let err = store
        .save_kit(&Kit {
            id: "backend-fundamentals".into(),
            name: "Backend fundamentals".into(),
            description: String::new(),
            questions: vec!["rest-api-design".into()],
        })
        .unwrap_err();
    assert_eq!(err.code(), "locked", "{err}");
    assert_eq!(kit_rows(&store, "backend-fundamentals"), before);
}

/// Found: a second kit with the same name is allowed.
#[test]
fn a_second_kit_with_the_same_name_is_refused() {
    let mut store = Store::open_in_memory().unwrap();
    let kits_before = store.kits().unwrap().len();
    let err = store
        .save_kit(&Kit {
            id: "my-security".into(),
            name: "security".into(),
            description: String::new(),
            questions: vec!["rest-api-design".into()],
        })
        .unwrap_err();
    assert_eq!(err.code(), "conflict", "{err}");
    assert_eq!(store.kits().unwrap().len(), kits_before);
}

/// Found: reordering a kit's questions silently dropped the interview from
/// that kit's Candidates comparison. The session keeps the kit, marked as
/// modified, and is compared on it.
#[test]
fn a_reordered_kit_interview_is_still_compared_on_that_kit() {
    let mut store = Store::open_in_memory().unwrap();
    let kit = store.kit("backend-fundamentals").unwrap();
    let mut reordered = kit.questions.clone();
    reordered.swap(0, 1);
    let mut sessions = Vec::new();
    for (n, (who, questions)) in [("Ada", kit.questions.clone()), ("Bob", reordered)]
        .into_iter()
        .enumerate()
    {
        let sid: SessionId = id(10 + n as u128);
        store
            .create_and_start_session(
                &NewSession {
                    candidate: who.into(),
                    interviewer: "Grace".into(),
                    role: String::new(),
                    kit: Some(kit.name.clone()),
                    question_ids: questions.clone(),
                },
                sid,
                id(20 + n as u128),
                at(0),
            )
            .unwrap();
        store
            .set_score(sid, &questions[0], Some(3), at(10))
            .unwrap();
        store
            .submit(
                sid,
                Recommendation::Yes,
                Some("ok"),
                id(30 + n as u128),
                at(30),
            )
            .unwrap();
        sessions.push(sid);
    }
    assert!(!store.session_kit_modified(sessions[0]).unwrap());
    assert!(store.session_kit_modified(sessions[1]).unwrap());
    let cmp = panel::compare_candidates(
        &kit.name,
        &store.kit_sessions(&kit.name).unwrap(),
        &SortBy::Name,
    );
    let names: Vec<&str> = cmp.rows.iter().map(|r| r.candidate.as_str()).collect();
    assert_eq!(names, ["Ada", "Bob"]);
    // In the list, too.
    let page = store.session_page(&Default::default(), None, 10).unwrap();
    let bob = page.rows.iter().find(|r| r.candidate == "Bob").unwrap();
    assert_eq!(bob.kit.as_deref(), Some(kit.name.as_str()));
}

#[test]
fn save_as_kit_asks_before_replacing_an_own_kit_and_refuses_built_ins() {
    let mut store = Store::open_in_memory().unwrap();
    let one = vec!["rest-api-design".to_string()];
    let two = vec!["sql-vs-nosql".to_string(), "rest-api-design".to_string()];
    let kit = store
        .save_kit_as("Screening", "", &one, false, "screening")
        .unwrap();
    assert_eq!(kit.id, "screening");
    let err = store
        .save_kit_as("screening", "", &two, false, "screening")
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(kit_rows(&store, "screening"), one);
    store
        .save_kit_as("Screening", "", &two, true, "screening")
        .unwrap();
    assert_eq!(kit_rows(&store, "screening"), two);
    let err = store
        .save_kit_as("System design", "", &one, true, "system-design")
        .unwrap_err();
    assert_eq!(err.code(), "locked");
    assert_eq!(kit_rows(&store, "system-design").len(), 2);
    // A new name whose id is taken gets a free id.
    let k = store
        .save_kit_as("Screening!", "", &one, false, "screening")
        .unwrap();
    assert_eq!(k.id, "screening-2");
}

#[test]
fn own_kits_rename_reorder_and_delete_built_ins_only_duplicate() {
    let mut store = Store::open_in_memory().unwrap();
    let qs = vec!["rest-api-design".to_string(), "sql-vs-nosql".to_string()];
    store.save_kit_as("Mine", "", &qs, false, "mine").unwrap();
    store.rename_kit("mine", "Phone screen").unwrap();
    assert_eq!(store.kit("mine").unwrap().name, "Phone screen");
    let err = store.rename_kit("mine", "System design").unwrap_err();
    assert_eq!(err.code(), "conflict");
    store
        .set_kit_questions("mine", &[qs[1].clone(), qs[0].clone()])
        .unwrap();
    assert_eq!(kit_rows(&store, "mine"), [qs[1].clone(), qs[0].clone()]);
    store.delete_kit("mine").unwrap();
    assert_eq!(store.kit("mine").unwrap_err().code(), "not_found");

    let builtin = store.kit("system-design").unwrap();
    for err in [
        store.rename_kit("system-design", "Other").unwrap_err(),
        store.set_kit_questions("system-design", &qs).unwrap_err(),
        store.delete_kit("system-design").unwrap_err(),
    ] {
        assert_eq!(err.code(), "locked", "{err}");
    }
    assert_eq!(store.kit("system-design").unwrap(), builtin);
    let copy = store
        .duplicate_kit(
            "system-design",
            "System design (ours)",
            "system-design-ours",
        )
        .unwrap();
    assert_eq!(copy.questions, builtin.questions);
    store.set_kit_questions(&copy.id, &qs).unwrap();
    let kits = store.bank_kits().unwrap();
    assert!(kits
        .iter()
        .any(|k| k.kit.id == "system-design" && k.builtin));
    assert!(kits.iter().any(|k| k.kit.id == copy.id && !k.builtin));
}

/// Found: renaming a kit dropped its earlier interviews from its comparison
/// (sessions keep the kit name they were made with).
#[test]
fn a_renamed_kit_still_compares_the_interviews_made_under_its_former_names() {
    let mut store = Store::open_in_memory().unwrap();
    let qs = vec!["rest-api-design".to_string(), "sql-vs-nosql".to_string()];
    store
        .save_kit_as("Team core", "", &qs, false, "team-core")
        .unwrap();
    let sid: SessionId = id(40);
    store
        .create_and_start_session(
            &NewSession {
                candidate: "Ada".into(),
                interviewer: "Grace".into(),
                role: String::new(),
                kit: Some("Team core".into()),
                question_ids: qs.clone(),
            },
            sid,
            id(41),
            at(0),
        )
        .unwrap();
    store.set_score(sid, &qs[0], Some(3), at(10)).unwrap();
    store
        .submit(sid, Recommendation::Yes, Some("ok"), id(42), at(30))
        .unwrap();
    let compared = |store: &Store, name: &str| -> Vec<String> {
        let cmp =
            panel::compare_candidates(name, &store.kit_sessions(name).unwrap(), &SortBy::Name);
        cmp.rows.into_iter().map(|r| r.candidate).collect()
    };
    assert_eq!(compared(&store, "Team core"), ["Ada"]);

    store.rename_kit("team-core", "Team core v2").unwrap();
    assert_eq!(compared(&store, "Team core v2"), ["Ada"]);
    // Calibration by kit counts it under the new name too.
    let cal = panel::calibration_of(&store.ratings().unwrap(), Some("Team core v2"));
    assert_eq!(cal.sessions, 1);
    // The former name cannot go to another kit (its interviews compare here).
    let err = store
        .save_kit_as("team core", "", &qs, false, "other")
        .unwrap_err();
    assert_eq!(err.code(), "conflict", "{err}");
    assert!(err.to_string().contains("former name"), "{err}");
    // Renamed back: still there, and the name is current again.
    store.rename_kit("team-core", "Team core").unwrap();
    assert_eq!(compared(&store, "Team core"), ["Ada"]);
    store.rename_kit("team-core", "Phone screen").unwrap();
    assert_eq!(compared(&store, "Phone screen"), ["Ada"]);

    // A bank file that renames the kit: the same.
    let mut file = store.export_bank().unwrap();
    let k = file.kits.iter_mut().find(|k| k.id == "team-core").unwrap();
    k.name = "Core loop".into();
    store.import_bank(&file).unwrap();
    assert_eq!(store.kit("team-core").unwrap().name, "Core loop");
    assert_eq!(compared(&store, "Core loop"), ["Ada"]);
    // Deleted: the former names go with it.
    store.delete_kit("team-core").unwrap();
    store
        .save_kit_as("Team core", "", &qs, false, "again")
        .unwrap();
}
