//! Interview plans in storage: one candidate id from the plan to every
//! session, states, attaching, importing a plan file, erasure.

mod common;

use common::{at, id};
use panelist_core::import::{CandidateClash, ImportOptions};
use panelist_core::plan::{Member, MemberState, PlanFile};
use panelist_core::session::{NewSession, Recommendation};
use panelist_core::storage::NewPlan;
use panelist_core::{CandidateId, ErrorCode, PlanId, SessionId, Store};

fn opts() -> ImportOptions {
    ImportOptions {
        clash: CandidateClash::Ask,
        new_candidate_id: CandidateId::nil(),
        accept_new_key: false,
    }
}

fn member(name: &str, kit: &str, focus: &[&str], due: Option<i64>) -> Member {
    Member {
        interviewer: name.into(),
        round: 1,
        kit: Some(kit.into()),
        questions: vec![],
        focus: focus.iter().map(|s| s.to_string()).collect(),
        at: Some(at(3600)),
        due: due.map(at),
    }
}

/// A coordinator's plan of Ada with two interviewers.
fn coordinator() -> (Store, PlanId) {
    let mut store = Store::open_in_memory().unwrap();
    let pid: PlanId = id(100);
    let plan = NewPlan {
        candidate: "Ada Lovelace".into(),
        role: "Backend engineer".into(),
        coordinator: Some("Carol Coordinator".into()),
    };
    store.create_plan(&plan, pid, id(101), at(0)).unwrap();
    store
        .add_plan_member(
            pid,
            &member(
                "Alan Turing",
                "system-design",
                &["architecture"],
                Some(7200),
            ),
            at(10),
        )
        .unwrap();
    store
        .add_plan_member(
            pid,
            &member(
                "Barbara Liskov",
                "experience-behaviour",
                &["collaboration", "architecture"],
                None,
            ),
            at(20),
        )
        .unwrap();
    (store, pid)
}

#[test]
fn a_plan_made_here_shows_coverage_and_states() {
    let (mut store, pid) = coordinator();
    let v = store.plan_view(pid, at(30)).unwrap();
    assert_eq!(v.plan.candidate.id, id::<CandidateId>(101));
    assert_eq!(v.members.len(), 2);
    assert!(v.members.iter().all(|m| m.state == MemberState::NotStarted));
    let row = |c: &str| v.coverage.rows.iter().find(|r| r.competency == c).unwrap();
    assert!(row("architecture").overlap);
    assert_eq!(
        row("engineering").gap,
        Some(panelist_core::plan::Gap::Unfocused)
    );
    // Past Alan's due time, with nothing submitted.
    let late = store.plan_view(pid, at(7201)).unwrap();
    assert_eq!(late.members[0].state, MemberState::Overdue);
    assert_eq!(late.members[1].state, MemberState::NotStarted);

    // A second interviewer of the same name (another spelling) is refused.
    let err = store
        .add_plan_member(
            pid,
            &member("ALAN  TURING", "system-design", &[], None),
            at(40),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Invalid);
    assert!(
        err.to_string().contains("plan.members[2].interviewer"),
        "{err}"
    );
    let err = store
        .add_plan_member(
            pid,
            &member("Edsger", "system-design", &[], Some(0)),
            at(40),
        )
        .unwrap_err();
    assert!(err.to_string().contains("plan.members[2].due"), "{err}");
    assert_eq!(store.plan(pid).unwrap().members.len(), 2);

    // Starting from the plan: the plan's candidate, role and kit.
    let sid: SessionId = id(200);
    let s = store
        .start_from_plan(pid, "alan turing", sid, at(3600))
        .unwrap();
    assert_eq!(s.candidate.id, id::<CandidateId>(101));
    assert_eq!(s.kit.as_deref(), Some("System design"));
    assert_eq!(s.role, "Backend engineer");
    let err = store
        .start_from_plan(pid, "Alan Turing", id(201), at(3601))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(
        store.plan_view(pid, at(3700)).unwrap().members[0].state,
        MemberState::InProgress
    );
    store
        .submit(sid, Recommendation::Yes, None, id(300), at(5400))
        .unwrap();
    let v = store.plan_view(pid, at(9000)).unwrap();
    assert_eq!(v.members[0].state, MemberState::Submitted);
    assert_eq!(v.members[0].seconds_to_submit, Some(1800));
}

#[test]
fn an_ad_hoc_session_is_attached_later_only_for_a_member_of_the_candidate() {
    let (mut store, pid) = coordinator();
    let new = |cand: &str, who: &str| NewSession {
        candidate: cand.into(),
        interviewer: who.into(),
        role: String::new(),
        kit: None,
        question_ids: vec!["team-collaboration".into()],
    };
    let other: SessionId = id(210);
    store
        .create_and_start_session(
            &new("Someone Else", "Barbara Liskov"),
            other,
            id(211),
            at(50),
        )
        .unwrap();
    assert!(store.attach_session(pid, other).is_err());
    let mine: SessionId = id(212);
    store
        .create_and_start_session(
            &new("ADA LOVELACE", "Barbara Liskov"),
            mine,
            id(213),
            at(60),
        )
        .unwrap();
    store.attach_session(pid, mine).unwrap();
    let v = store.plan_view(pid, at(70)).unwrap();
    assert_eq!(v.members[1].session.as_ref().unwrap().id, mine);
}

#[test]
fn an_imported_plan_gives_the_candidate_its_id_and_sessions_come_back_to_one_candidate() {
    let (coord, pid) = coordinator();
    let file = coord.plan_file(pid).unwrap();
    let text = file.to_json();
    let parsed = PlanFile::parse(text.as_bytes()).unwrap();

    let mut alan = Store::open_in_memory().unwrap();
    let (plans, _) = alan
        .import_documents(std::slice::from_ref(&parsed), &[], &opts())
        .unwrap();
    assert_eq!(plans[0].what, "added");
    assert!(plans[0].key_note.as_deref().unwrap().contains("pinned"));
    let sid: SessionId = id(400);
    let s = alan
        .start_from_plan(pid, "Alan Turing", sid, at(3600))
        .unwrap();
    assert_eq!(s.candidate.id, id::<CandidateId>(101));
    alan.submit(sid, Recommendation::Yes, None, id(401), at(4000))
        .unwrap();
    // Imported plans are read-only; the file forwards unchanged.
    assert_eq!(
        alan.add_plan_member(pid, &member("X Y", "system-design", &[], None), at(1))
            .unwrap_err()
            .code(),
        ErrorCode::Locked
    );
    assert_eq!(alan.plan_file(pid).unwrap().to_json(), text);
    // Importing it again changes nothing.
    let (again, _) = alan.import_documents(&[parsed], &[], &opts()).unwrap();
    assert_eq!(again[0].what, "unchanged (already imported)");

    let session_file = alan.session_file(sid).unwrap();
    let mut coord = coord;
    let (_, results) = coord
        .import_documents(&[], &[session_file], &opts())
        .unwrap();
    assert_eq!(results[0].candidate_note, None);
    let v = coord.plan_view(pid, at(5000)).unwrap();
    assert_eq!(v.members[0].state, MemberState::Submitted);
    assert_eq!(v.members[0].session.as_ref().unwrap().id, sid);
}

#[test]
fn a_plan_file_signed_by_another_key_for_a_pinned_coordinator_is_refused_and_changes_nothing() {
    let (coord, pid) = coordinator();
    let good = coord.plan_file(pid).unwrap();
    let mut alan = Store::open_in_memory().unwrap();
    alan.import_documents(std::slice::from_ref(&good), &[], &opts())
        .unwrap();
    let before = alan.dump().unwrap();
    let forger = panelist_core::session_file::Identity::from_seed([9; 32]);
    let mut plan = good.plan.clone();
    plan.updated_at = at(99);
    plan.members.pop();
    let forged = PlanFile::signed(plan, &forger);
    let err = alan.import_documents(&[forged], &[], &opts()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(
        err.to_string()
            .contains("the key pinned for Carol Coordinator"),
        "{err}"
    );
    assert_eq!(alan.dump().unwrap(), before);
}

#[test]
fn erasing_the_candidate_erases_the_plan_and_deleting_a_session_keeps_it() {
    let (mut store, pid) = coordinator();
    let sid: SessionId = id(500);
    store
        .start_from_plan(pid, "Alan Turing", sid, at(3600))
        .unwrap();
    store
        .delete_session(sid, uuid::Uuid::now_v7(), at(3700))
        .unwrap();
    assert_eq!(
        store.plan_view(pid, at(3800)).unwrap().members[0].state,
        MemberState::NotStarted
    );
    store
        .erase_candidate("Ada Lovelace", uuid::Uuid::now_v7(), at(3900))
        .unwrap();
    assert_eq!(store.plan(pid).unwrap_err().code(), ErrorCode::NotFound);
}

// -- hostile plans, generated -------------------------------------------------

use panelist_core::plan::{Plan, PlanFile as File};
use proptest::prelude::*;

const FIXTURE: &str = include_str!("data/plan-v1/ada.plan.json");

/// One way to break a plan, with the field path its refusal must name.
#[derive(Debug, Clone)]
enum Break {
    /// A person's name with no letter (invisible, spaces, digits, marks).
    NoLetter(usize, String),
    /// A role longer than the limit.
    LongRole(usize),
    /// An interview time outside the years 2000–2200.
    FarYear(i32),
    /// A due time before the interview.
    DueBefore(i64),
    /// A round outside 1..=20.
    Round(u32),
    /// A question id that is not an id, or that this bank lacks.
    Question(String),
    /// A focus competency this bank lacks.
    Focus(String),
    /// The first interviewer's name again, spelt another way.
    SameName(Vec<bool>, bool),
}

fn breaks() -> impl Strategy<Value = Break> {
    prop_oneof![
        (
            0usize..3,
            "[\u{200b}\u{2060}\u{feff}\u{ad} 0-9.\\-\u{301}]{0,8}"
        )
            .prop_map(|(w, s)| Break::NoLetter(w, s)),
        (201usize..600).prop_map(Break::LongRole),
        prop_oneof![1000i32..2000, 2201i32..9999].prop_map(Break::FarYear),
        (1i64..100_000).prop_map(Break::DueBefore),
        prop_oneof![Just(0u32), 21u32..u32::MAX].prop_map(Break::Round),
        prop_oneof!["[A-Z _.]{1,10}", "zz-[a-z]{3,8}", "-[a-z]{1,5}"].prop_map(Break::Question),
        "qq-[a-z]{1,8}".prop_map(Break::Focus),
        (proptest::collection::vec(any::<bool>(), 14), any::<bool>())
            .prop_map(|(caps, zw)| Break::SameName(caps, zw)),
    ]
}

/// Applies a break to the fixture's plan; returns the path it must name.
fn apply(p: &mut Plan, b: &Break) -> String {
    use chrono::Datelike;
    match b {
        Break::NoLetter(0, s) => {
            p.candidate.name = s.clone();
            "plan.candidate.name".into()
        }
        Break::NoLetter(1, s) => {
            p.coordinator = Some(s.clone());
            "plan.coordinator".into()
        }
        Break::NoLetter(_, s) => {
            p.members[1].interviewer = s.clone();
            "plan.members[1].interviewer".into()
        }
        Break::LongRole(n) => {
            p.role = "r".repeat(*n);
            "plan.role".into()
        }
        Break::FarYear(y) => {
            let t = p.members[1].at.unwrap();
            p.members[1].at = Some(t.with_year(*y).unwrap_or(t));
            "plan.members[1].at".into()
        }
        Break::DueBefore(s) => {
            p.members[0].due = p.members[0].at.map(|t| t - chrono::Duration::seconds(*s));
            "plan.members[0].due".into()
        }
        Break::Round(r) => {
            p.members[1].round = *r;
            "plan.members[1].round".into()
        }
        Break::Question(q) => {
            p.members[0].questions.push(q.clone());
            "plan.members[0].questions[2]".into()
        }
        Break::Focus(c) => {
            p.members[1].focus.insert(0, c.clone());
            "plan.members[1].focus[0]".into()
        }
        Break::SameName(caps, zw) => {
            let name: String = p.members[0]
                .interviewer
                .chars()
                .zip(caps.iter().cycle())
                .map(|(c, up)| {
                    if *up {
                        c.to_uppercase().to_string()
                    } else {
                        c.to_lowercase().to_string()
                    }
                })
                .collect();
            p.members[1].interviewer = if *zw {
                format!("\u{200b}{name} ")
            } else {
                name
            };
            "plan.members[1].interviewer".into()
        }
    }
}

thread_local! {
    static STORE: std::cell::RefCell<Store> = std::cell::RefCell::new(Store::open_in_memory().unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Every generated hostile plan (`breaks()`: names without a letter,
    /// over-long roles, far years, due before the interview, rounds out of
    /// range, questions and focus this bank lacks, an interviewer twice under
    /// another spelling), properly signed, parses as a file but is refused
    /// by the plan's rules with the broken field's path, and the database
    /// is unchanged.
    #[test]
    fn generated_hostile_plans_are_refused_with_their_path(b in breaks()) {
        let mut plan = File::parse(FIXTURE.as_bytes()).unwrap().plan;
        let path = apply(&mut plan, &b);
        let file = File::signed(plan, &panelist_core::session_file::Identity::from_seed([5; 32]));
        let file = File::parse(file.to_json().as_bytes()).unwrap();
        STORE.with(|s| {
            let mut store = s.borrow_mut();
            let before = store.dump().unwrap();
            let err = store
                .import_documents(std::slice::from_ref(&file), &[], &opts())
                .unwrap_err()
                .to_string();
            prop_assert!(
                err.starts_with(&format!("plan file for {} at {path}: ", file.plan.id)),
                "{:?}: {}", b, err
            );
            prop_assert!(!err.contains('\n'));
            prop_assert_eq!(store.dump().unwrap(), before);
            Ok(())
        })?;
    }
}
