//! Sessions through the real storage: lifecycle, snapshots, amendments, the
//! session file, and schema versioning.

mod common;

use common::*;
use panelist_core::report::session_markdown;
use panelist_core::session::{Recommendation, Scale, SessionFilter, Status, WrapUp};
use panelist_core::session_file::SessionFile;
use panelist_core::Store;

#[test]
fn a_session_goes_from_draft_to_in_progress_to_submitted() {
    let mut store = Store::open_in_memory().unwrap();
    let sid = id(1);
    let s = store
        .create_session(
            &new_session("Ada Lovelace", "Grace Hopper", &QS),
            sid,
            id(2),
            at(0),
        )
        .unwrap();
    assert_eq!(s.status, Status::Draft);
    assert_eq!(s.started_at, None);
    assert_eq!(s.entries.len(), 3);
    assert_eq!(s.scale(), Some(Scale { min: 1, max: 4 }));
    let mut wide = s.clone();
    wide.entries[1].question.rubric.levels[0].value = 0;
    wide.entries[2]
        .question
        .rubric
        .levels
        .last_mut()
        .unwrap()
        .value = 7;
    assert_eq!(wide.scale(), Some(Scale { min: 0, max: 7 }));
    assert_eq!(s.entries[1].question.id, QS[1]);
    assert_eq!(s.entries[0].competency_name, "APIs and web");

    // The first recorded action starts the interview.
    store.set_score(sid, QS[0], Some(2), at(30)).unwrap();
    store.set_score(sid, QS[0], Some(4), at(40)).unwrap();
    store
        .set_notes(sid, QS[0], "line 1\nline 2", at(41))
        .unwrap();
    store.set_look_for(sid, QS[0], 2, true, at(42)).unwrap();
    store.set_look_for(sid, QS[0], 0, true, at(43)).unwrap();
    store.set_look_for(sid, QS[0], 2, false, at(44)).unwrap();
    store.set_follow_up(sid, QS[0], 1, true, at(45)).unwrap();
    store.add_time(sid, QS[0], 300, at(46)).unwrap();
    store.add_time(sid, QS[0], 20, at(47)).unwrap();
    store.set_skipped(sid, QS[2], true, at(48)).unwrap();
    store.set_score(sid, QS[1], Some(1), at(49)).unwrap();
    store
        .set_wrap_up(
            sid,
            &WrapUp {
                summary: "Strong on APIs.".into(),
                red_flags: vec!["  ".into(), "Vague on indexes".into()],
                recommendation: Some(Recommendation::Yes),
            },
            at(50),
        )
        .unwrap();
    let s = store.session(sid).unwrap();
    assert_eq!(s.status, Status::InProgress);
    assert_eq!(s.started_at, Some(at(30)));
    assert_eq!(s.revision, 12);
    let e = &s.entries[0];
    assert_eq!((e.score, e.skipped), (Some(4), false));
    assert_eq!(e.notes, "line 1\nline 2");
    assert_eq!(e.look_fors_hit, vec![0]);
    assert_eq!(e.follow_ups_asked, vec![1]);
    assert_eq!(e.seconds_spent, 320);
    assert_eq!(e.level().unwrap().label, "Excellent");
    assert_eq!((s.entries[2].score, s.entries[2].skipped), (None, true));
    assert_eq!(s.red_flags, vec!["Vague on indexes".to_string()]);

    let averages = s.competency_averages();
    assert_eq!(averages.len(), 3);
    assert_eq!(
        (averages[0].name.as_str(), averages[0].average),
        ("APIs and web", Some(4.0))
    );
    assert_eq!(averages[1].average, Some(1.0));
    assert_eq!((averages[2].scored, averages[2].average), (0, None));

    let s = store
        .submit(sid, Recommendation::StrongYes, None, id(3), at(3000))
        .unwrap();
    assert_eq!(s.status, Status::Submitted);
    assert_eq!(s.finished_at, Some(at(3000)));
    assert_eq!(
        s.summary, "Strong on APIs.",
        "finish without --summary keeps the wrap-up"
    );
    assert_eq!(s.recommendation, Some(Recommendation::StrongYes));
    assert_eq!(s.duration_seconds(), Some(3000 - 30));
    assert_eq!(s.audit.len(), 1);
    assert_eq!(s.audit[0].action, "submit");
}

#[test]
fn amendments_are_recorded_in_an_append_only_audit_log() {
    let (mut store, sid) = store_with_session();
    store
        .submit(sid, Recommendation::No, None, id(10), at(100))
        .unwrap();
    let s = store
        .amend_score(
            sid,
            QS[0],
            2,
            "Debrief: the caching answer was second-hand",
            id(11),
            at(200),
        )
        .unwrap();
    store
        .amend_score(sid, QS[1], 3, "Scored after debrief", id(12), at(300))
        .unwrap();
    assert_eq!(s.entry(QS[0]).unwrap().score, Some(2));
    let s = store.session(sid).unwrap();
    let a = &s.audit[1];
    assert_eq!(a.action, "amend-score");
    assert_eq!(a.actor, "Grace Hopper");
    assert_eq!(a.at, at(200));
    assert_eq!(a.question_id.as_deref(), Some(QS[0]));
    assert_eq!(
        (a.old_value.as_deref(), a.new_value.as_deref()),
        (Some("3"), Some("2"))
    );
    assert_eq!(
        a.reason.as_deref(),
        Some("Debrief: the caching answer was second-hand")
    );
    assert_eq!(
        s.audit[2].old_value, None,
        "an unscored question amends from nothing"
    );
    let md = session_markdown(&s);
    assert!(md.contains("## Amendments"));
    assert!(
        md.contains("| 3 → 2 | Debrief: the caching answer was second-hand |"),
        "{md}"
    );
}

#[test]
fn editing_the_bank_leaves_a_past_session_export_byte_identical() {
    let (mut store, sid) = store_with_session();
    store
        .submit(sid, Recommendation::Yes, Some("ok"), id(10), at(100))
        .unwrap();
    let md_before = session_markdown(&store.session(sid).unwrap());
    let json_before = SessionFile::new(store.session(sid).unwrap()).to_json();

    // Rewrite the question, its rubric and its competency's name in the bank.
    let mut bank = store.export_bank().unwrap();
    let q = bank.questions.iter_mut().find(|q| q.id == QS[0]).unwrap();
    q.prompt = "A completely different prompt?".into();
    q.look_fors = vec!["new".into(), "look-fors".into()];
    q.levels[2].anchor = "A rewritten anchor".into();
    q.minutes = 29;
    bank.competencies[0].name = "Renamed competency".into();
    store
        .import_bank_bytes(&serde_json::to_vec(&bank).unwrap())
        .unwrap();
    assert_eq!(
        store.question(QS[0]).unwrap().prompt,
        "A completely different prompt?"
    );

    let md_after = session_markdown(&store.session(sid).unwrap());
    let json_after = SessionFile::new(store.session(sid).unwrap()).to_json();
    assert_eq!(md_after, md_before);
    assert_eq!(json_after, json_before);
    // A new session uses the edited question.
    let s2 = store
        .create_session(
            &new_session("Someone Else", "Grace Hopper", &QS),
            id(20),
            id(21),
            at(500),
        )
        .unwrap();
    assert_eq!(s2.entries[0].question.minutes, 29);
    assert_eq!(s2.entries[0].competency_name, "Renamed competency");
}

#[test]
fn the_session_file_round_trips_and_detects_tampering() {
    let (mut store, sid) = store_with_session();
    store
        .submit(sid, Recommendation::Yes, Some("ok"), id(10), at(100))
        .unwrap();
    let session = store.session(sid).unwrap();
    let text = SessionFile::new(session.clone()).to_json();
    let parsed = SessionFile::parse(text.as_bytes()).unwrap();
    assert_eq!(parsed.session, session);
    assert!(parsed.content_hash.starts_with("sha256:"));

    let tampered = text.replacen("\"score\": 3", "\"score\": 4", 1);
    assert_ne!(tampered, text);
    let err = SessionFile::parse(tampered.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("content hash does not match"), "{err}");

    let err = SessionFile::parse(text.replace("panelist-session", "x").as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("format"), "{err}");
    let err = SessionFile::parse(b"{\"format\": 1}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("session file at format"), "{err}");
}

#[test]
fn candidates_are_shared_by_name_and_sessions_filter() {
    let (mut store, _) = store_with_session();
    let s2 = store
        .create_session(
            &new_session("ada lovelace", "Linus", &QS[..1]),
            id(5),
            id(6),
            at(10),
        )
        .unwrap();
    assert_eq!(
        s2.candidate.id,
        id(2),
        "same candidate, matched without case"
    );
    store
        .create_session(
            &new_session("Alan Turing", "Linus", &QS[..1]),
            id(7),
            id(8),
            at(20),
        )
        .unwrap();
    let all = store.sessions(&SessionFilter::default()).unwrap();
    assert_eq!(
        all.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![id(7), id(5), id(1)],
        "newest first"
    );
    let ada = store
        .sessions(&SessionFilter {
            candidate: Some("ADA LOVELACE".into()),
            text: None,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ada.len(), 2);
    let linus = store
        .sessions(&SessionFilter {
            candidate: None,
            text: Some("linu".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(linus.len(), 2);
    let pct = store
        .sessions(&SessionFilter {
            candidate: None,
            text: Some("%".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(pct.is_empty(), "LIKE wildcards in the search are literal");
    // Status filter: exactly the sessions with that status.
    for status in [Status::Draft, Status::InProgress, Status::Submitted] {
        let got = store
            .sessions(&SessionFilter {
                status: Some(status),
                ..Default::default()
            })
            .unwrap();
        let want: Vec<_> = all
            .iter()
            .filter(|s| s.status == Some(status))
            .map(|s| s.id)
            .collect();
        assert_eq!(
            got.iter().map(|s| s.id).collect::<Vec<_>>(),
            want,
            "{status:?}"
        );
    }
    assert_eq!(all[2].scored, Some(1));
    assert_eq!(all[2].questions, Some(3));
    // Prefix lookup.
    let prefix = &id::<panelist_core::SessionId>(7).to_string()[..8];
    assert!(store.find_session_id(prefix).is_err(), "ambiguous prefix");
    assert_eq!(
        store
            .find_session_id(&id::<panelist_core::SessionId>(7).to_string().to_uppercase())
            .unwrap(),
        id(7)
    );
}

#[test]
fn settings_are_remembered() {
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(store.setting("interviewer").unwrap(), None);
    store.set_setting("interviewer", "Grace").unwrap();
    store.set_setting("interviewer", "Grace Hopper").unwrap();
    assert_eq!(
        store.setting("interviewer").unwrap().as_deref(),
        Some("Grace Hopper")
    );
}

#[test]
fn a_database_from_a_newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    drop(Store::open(&path).unwrap());
    {
        let conn = rusqlite_free::open(&path);
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("refused").to_string();
    assert!(
        err.contains("newer Panelist") && err.contains("99"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_database_uses_wal_and_the_seeded_bank_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/dir/p.db");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .create_session(&new_session("A", "B", &QS), id(1), id(2), at(0))
            .unwrap();
        store.set_notes(id(1), QS[0], "kept", at(1)).unwrap();
        store.integrity_check().unwrap();
    }
    let conn = rusqlite_free::open(&path);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let notes: String = conn
        .query_row(
            "SELECT notes FROM entry WHERE question_id = ?1",
            [QS[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(notes, "kept");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM question", [], |r| r.get(0))
        .unwrap();
    let builtin = panelist_core::bank::builtin_bank().unwrap().questions.len();
    assert_eq!(n as usize, builtin);
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.questions().unwrap().len(),
        builtin,
        "no second seeding"
    );
}

/// Raw access to a database file for checks from outside the core.
mod rusqlite_free {
    pub fn open(path: &std::path::Path) -> rusqlite::Connection {
        rusqlite::Connection::open(path).unwrap()
    }
}

#[test]
fn a_session_file_with_an_unknown_nested_field_is_refused() {
    let (store, sid) = store_with_session();
    let file = SessionFile::new(store.session(sid).unwrap());
    let mut v: serde_json::Value = serde_json::from_str(&file.to_json()).unwrap();
    v["session"]["entries"][0]["smuggled"] = "x".into();
    let err = SessionFile::parse(v.to_string().as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("session.entries[0]") && err.contains("unknown field `smuggled`"),
        "{err}"
    );
}

#[test]
fn comparisons_carry_the_rubric_scale() {
    use panelist_core::panel::{compare, compare_candidates, SortBy};
    use panelist_core::session::PanelSession;
    let (store, sid) = store_with_session();
    let mut s = store.session(sid).unwrap();
    s.entries[0].question.rubric.levels[0].value = 0;
    let own = |session| {
        vec![PanelSession {
            session,
            imported: false,
            sealed: false,
        }]
    };
    let c = compare("Ada Lovelace", &own(s.clone()), false);
    assert_eq!(c.scale, Some(Scale { min: 0, max: 4 }));
    s.kit = Some("Kit".into());
    let p = own(s);
    let cc = compare_candidates("Kit", &p, &SortBy::Overall);
    assert_eq!(cc.scale, Some(Scale { min: 0, max: 4 }));
    assert_eq!(
        compare_candidates("Other", &[], &SortBy::Overall).scale,
        None
    );
}

#[test]
fn details_change_until_submit_and_a_draft_stays_a_draft() {
    use panelist_core::session::SessionDetails;
    let mut store = Store::open_in_memory().unwrap();
    let sid = id(1);
    store
        .create_session(
            &new_session("Ada Lovelace", "Grace Hopper", &QS),
            sid,
            id(2),
            at(0),
        )
        .unwrap();
    let details = |c: &str, i: &str, r: &str| SessionDetails {
        candidate: c.into(),
        interviewer: i.into(),
        role: r.into(),
    };
    // Bad input names the field and changes nothing.
    let before = store.session(sid).unwrap();
    let err = store
        .edit_details(sid, &details("  ", "Grace", "x"), id(3), at(5))
        .unwrap_err();
    assert!(err.to_string().contains("candidate"), "{err}");
    let err = store
        .edit_details(sid, &details("Ada", "", "x"), id(3), at(5))
        .unwrap_err();
    assert!(err.to_string().contains("interviewer"), "{err}");
    assert_eq!(store.session(sid).unwrap(), before);

    let s = store
        .edit_details(
            sid,
            &details(" Linus Torvalds ", "Barbara Liskov", "Kernel engineer"),
            id(3),
            at(10),
        )
        .unwrap();
    assert_eq!(s.status, Status::Draft, "editing does not start a draft");
    assert_eq!(s.started_at, None);
    assert_eq!(s.candidate.name, "Linus Torvalds");
    assert_eq!(s.candidate.id, id(3));
    assert_eq!(s.interviewer, "Barbara Liskov");
    assert_eq!(s.role, "Kernel engineer");
    assert!(s.revision > before.revision);
    // The search index follows: old words gone, new words found.
    let find = |store: &Store, t: &str| {
        store
            .sessions(&SessionFilter {
                text: Some(t.into()),
                ..Default::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(find(&store, "lovelace"), 0);
    assert_eq!(find(&store, "linus"), 1);
    assert_eq!(find(&store, "kernel"), 1);
    // An existing candidate's name links to that candidate.
    store
        .create_session(
            &new_session("Ada Lovelace", "Grace Hopper", &QS),
            id(5),
            id(6),
            at(20),
        )
        .unwrap();
    let s = store
        .edit_details(
            sid,
            &details("ADA  lovelace", "Barbara Liskov", ""),
            id(7),
            at(30),
        )
        .unwrap();
    assert_eq!(s.candidate.id, id(2), "the earlier Ada is the same person");

    // Submitted: refused, nothing changes.
    store.set_score(sid, QS[0], Some(3), at(40)).unwrap();
    store
        .submit(sid, Recommendation::Yes, None, id(9), at(50))
        .unwrap();
    let before = store.session(sid).unwrap();
    let err = store
        .edit_details(
            sid,
            &details("Someone Else", "Barbara Liskov", ""),
            id(8),
            at(60),
        )
        .unwrap_err();
    assert_eq!(err.code(), "locked");
    assert_eq!(store.session(sid).unwrap(), before);
}

#[test]
fn the_interview_clock_is_the_time_recorded_on_questions() {
    let (mut store, sid) = store_with_session();
    assert_eq!(store.session(sid).unwrap().interview_seconds(), 0);
    store.add_time(sid, QS[0], 5, at(100)).unwrap();
    store.add_time(sid, QS[1], 7, at(10_000)).unwrap();
    let s = store.session(sid).unwrap();
    // Wall time since creation is ~10,000 s; the clock is what ran.
    assert_eq!(s.interview_seconds(), 12);
}
