//! The debrief by plan (issue 19, What 6) and the overall score (issue 21,
//! What 1): the committee report of a candidate with an interview plan
//! follows it — rounds, each planned interviewer's state, focus, coverage —
//! and says who has not submitted yet, in every format; an anonymised packet
//! names none of the plan's people (members who have not submitted and the
//! coordinator included); sealing still holds; and every report gives each
//! interviewer's overall score and the panel's.

mod common;

use common::{at, id, QS};
use panelist_core::committee::{self, ReportFormat};
use panelist_core::plan::{Member, MemberState, PlanFile};
use panelist_core::session::Recommendation;
use panelist_core::session_file::SessionFile;
use panelist_core::storage::NewPlan;
use panelist_core::text::words;
use panelist_core::{PlanId, Store};

const FORMATS: [ReportFormat; 4] = [
    ReportFormat::Md,
    ReportFormat::Html,
    ReportFormat::Csv,
    ReportFormat::Json,
];

fn member(who: &str, round: u32, qs: &[&str], focus: &[&str], due: Option<i64>) -> Member {
    Member {
        interviewer: who.into(),
        round,
        kit: None,
        questions: qs.iter().map(|q| q.to_string()).collect(),
        focus: focus.iter().map(|f| f.to_string()).collect(),
        at: None,
        due: due.map(at),
    }
}

/// Ada Lovelace's plan, coordinated by Hope Mirrlees: Will Turner (round 1,
/// here), Bea Brown (round 2, due at(1_000)) and Grace Hopper (round 2, no
/// due time). Will interviews and submits here.
fn planned_store() -> (Store, PlanId) {
    let mut store = Store::open_in_memory().unwrap();
    let pid: PlanId = id(100);
    store
        .create_plan(
            &NewPlan {
                candidate: "Ada Lovelace".into(),
                role: "Backend engineer".into(),
                coordinator: Some("Hope Mirrlees".into()),
            },
            pid,
            id(101),
            at(0),
        )
        .unwrap();
    for m in [
        member("Will Turner", 1, &QS[..2], &["apis-web"], Some(500)),
        member("Bea Brown", 2, &QS[1..], &["data"], Some(1_000)),
        member("Grace Hopper", 2, &QS[2..], &["apis-web"], None),
    ] {
        store.add_plan_member(pid, &m, at(1)).unwrap();
    }
    let s = store
        .start_from_plan(pid, "Will Turner", id(200), at(10))
        .unwrap();
    store.set_score(s.id, QS[0], Some(3), at(20)).unwrap();
    store.set_score(s.id, QS[1], Some(2), at(21)).unwrap();
    store
        .set_notes(s.id, QS[0], "Asked Bea and Hope about it.", at(22))
        .unwrap();
    store
        .submit(s.id, Recommendation::Yes, None, id(201), at(30))
        .unwrap();
    (store, pid)
}

fn report(store: &Store, redact: bool, format: ReportFormat) -> String {
    let sessions = store.candidate_sessions("Ada Lovelace").unwrap();
    let plan = store.candidate_plan("ada lovelace", at(10_000)).unwrap();
    assert!(
        plan.is_some(),
        "the plan is found by the name's identity key"
    );
    let built = committee::build_planned("Ada Lovelace", &sessions, plan.as_ref(), redact, false);
    committee::render(&built, format)
}

#[test]
fn the_report_follows_the_plan_and_says_who_has_not_submitted() {
    let (store, _) = planned_store();
    let md = report(&store, false, ReportFormat::Md);
    assert!(md.contains("## Interview plan"), "{md}");
    assert!(
        md.contains("Role: Backend engineer · coordinated by Hope Mirrlees · 2 rounds · 1 of 3 interviewers submitted."),
        "{md}"
    );
    assert!(
        md.contains("**Waiting for: Bea Brown (round 2, overdue, due 2 Mar 2026 14:16 UTC), Grace Hopper (round 2, not started).**"),
        "{md}"
    );
    // Members by round, each with their state; the coverage with focus.
    assert!(
        md.contains(
            "| 1 | Will Turner | — | APIs and web | — | 2 Mar 2026 14:08 UTC | submitted |"
        ),
        "{md}"
    );
    assert!(md.contains("| 2 | Bea Brown |"), "{md}");
    assert!(
        md.contains("| Competency | Will Turner | Bea Brown | Grace Hopper | Gap or overlap |"),
        "{md}"
    );
    assert!(
        md.contains("| APIs and web | 1 (focus) | — | 0 (focus) | several focus on it |"),
        "{md}"
    );

    let html = report(&store, false, ReportFormat::Html);
    assert!(html.contains("<h2>Interview plan</h2>"), "{html}");
    assert!(
        html.contains("<strong>Waiting for: Bea Brown (round 2, overdue, due 2 Mar 2026 14:16 UTC), Grace Hopper (round 2, not started).</strong>"),
        "{html}"
    );

    let csv = report(&store, false, ReportFormat::Csv);
    assert!(
        csv.contains("Ada Lovelace,Bea Brown,,,,,\"Waiting for feedback: round 2, overdue, due 2 Mar 2026 14:16 UTC\",,,overdue\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("Ada Lovelace,Grace Hopper,,,,,\"Waiting for feedback: round 2, not started\",,,not started\r\n"),
        "{csv}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&report(&store, false, ReportFormat::Json)).unwrap();
    let plan = &json["comparison"]["plan"];
    assert_eq!(plan["coordinator"], "Hope Mirrlees");
    assert_eq!(plan["rounds"], 2);
    assert_eq!(plan["submitted"], 1);
    let states: Vec<(&str, &str)> = plan["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["interviewer"].as_str().unwrap(),
                m["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("Will Turner", "submitted"),
            ("Bea Brown", "overdue"),
            ("Grace Hopper", "not_started")
        ]
    );
    assert_eq!(plan["coverage"]["rows"][0]["cells"][0]["focus"], true);
}

#[test]
fn a_report_without_a_plan_is_the_same_as_before() {
    let (store, _) = planned_store();
    let sessions = store.candidate_sessions("Ada Lovelace").unwrap();
    for format in FORMATS {
        let plain = committee::render(
            &committee::build("Ada Lovelace", &sessions, false, false),
            format,
        );
        let none = committee::render(
            &committee::build_planned("Ada Lovelace", &sessions, None, false, false),
            format,
        );
        assert_eq!(plain, none);
        assert!(!plain.contains("Interview plan") && !plain.contains("Waiting for"));
        assert!(
            !plain.contains("\"plan\""),
            "no plan key in the JSON: {format:?}"
        );
    }
    // A candidate with no plan has none.
    assert!(store
        .candidate_plan("Somebody Else", at(0))
        .unwrap()
        .is_none());
}

/// An anonymised packet with a plan names none of the plan's people: the
/// interviewer who submitted, those who have not (they have no session
/// here, so no column) and the coordinator (who interviews nobody).
#[test]
fn an_anonymised_report_with_a_plan_names_none_of_its_people() {
    let (store, _) = planned_store();
    let sessions = store.candidate_sessions("Ada Lovelace").unwrap();
    let plan = store.candidate_plan("Ada Lovelace", at(10_000)).unwrap();
    let built = committee::build_planned("Ada Lovelace", &sessions, plan.as_ref(), true, false);
    let listed: Vec<(&str, &str)> = built
        .replaced
        .iter()
        .map(|r| (r.name.as_str(), r.pseudonym.as_str()))
        .collect();
    for who in [
        ("Will Turner", "Interviewer A"),
        ("Bea Brown", "Interviewer B"),
        ("Grace Hopper", "Interviewer C"),
        ("Hope Mirrlees", "Coordinator"),
    ] {
        assert!(listed.contains(&who), "{who:?} not in {listed:?}");
    }
    for format in FORMATS {
        let out = committee::render(&built, format);
        let found = words(&out);
        for name in [
            "ada", "lovelace", "will", "turner", "bea", "brown", "grace", "hopper", "hope",
            "mirrlees",
        ] {
            assert!(
                !found.iter().any(|w| w == name),
                "{format:?} says {name:?}:\n{out}"
            );
        }
        assert!(
            out.contains("Interviewer B") && out.contains("Interviewer C"),
            "{format:?}:\n{out}"
        );
    }
    let md = committee::render(&built, ReportFormat::Md);
    assert!(md.contains("coordinated by Coordinator"), "{md}");
    assert!(
        md.contains("Waiting for: Interviewer B (round 2, overdue"),
        "{md}"
    );
}

/// Sealing still applies: with my own interview in the plan open, a
/// colleague's submitted session shows as "submitted" in the plan, but none
/// of its scores, notes or recommendation are anywhere in the report.
#[test]
fn the_plan_section_never_unseals_a_colleague() {
    let mut store = Store::open_in_memory().unwrap();
    let pid: PlanId = id(300);
    store
        .create_plan(
            &NewPlan {
                candidate: "Ada Lovelace".into(),
                role: String::new(),
                coordinator: None,
            },
            pid,
            id(301),
            at(0),
        )
        .unwrap();
    store
        .add_plan_member(pid, &member("Will Turner", 1, &QS[..1], &[], None), at(1))
        .unwrap();
    store
        .add_plan_member(pid, &member("Bea Brown", 1, &QS[..1], &[], None), at(1))
        .unwrap();
    let mine = store
        .start_from_plan(pid, "Will Turner", id(310), at(5))
        .unwrap();
    store.set_score(mine.id, QS[0], Some(2), at(6)).unwrap();

    // Bea interviews from the plan file on her machine and submits.
    let mut theirs = Store::open_in_memory().unwrap();
    let file: PlanFile = store.plan_file(pid).unwrap();
    theirs
        .import_documents(
            &[file],
            &[],
            &panelist_core::import::ImportOptions {
                clash: panelist_core::import::CandidateClash::Ask,
                new_candidate_id: panelist_core::CandidateId::nil(),
                accept_new_key: false,
            },
        )
        .unwrap();
    let s = theirs
        .start_from_plan(pid, "Bea Brown", id(320), at(7))
        .unwrap();
    theirs.set_score(s.id, QS[0], Some(4), at(8)).unwrap();
    theirs
        .set_notes(s.id, QS[0], "SEALEDNOTE strong answer", at(9))
        .unwrap();
    theirs
        .submit(s.id, Recommendation::StrongYes, None, id(321), at(10))
        .unwrap();
    store
        .import_sessions(&[SessionFile::new(theirs.session(s.id).unwrap())])
        .unwrap();

    let view = store.plan_view(pid, at(100)).unwrap();
    assert_eq!(
        view.members.iter().map(|m| m.state).collect::<Vec<_>>(),
        [MemberState::InProgress, MemberState::Submitted]
    );
    let sessions = store.candidate_sessions("Ada Lovelace").unwrap();
    let built = committee::build_planned("Ada Lovelace", &sessions, Some(&view), false, false);
    for format in FORMATS {
        let out = committee::render(&built, format);
        assert!(!out.contains("SEALEDNOTE"), "{format:?}:\n{out}");
        assert!(
            !out.contains("Strong yes") && !out.contains("strong-yes"),
            "{format:?}:\n{out}"
        );
        assert!(
            !out.contains("4.00"),
            "a sealed score in {format:?}:\n{out}"
        );
        // Her state is there (the CSV lists only who the panel waits for).
        let who = if format == ReportFormat::Csv {
            "Will Turner,,,,,\"Waiting for feedback: round 1, in progress\""
        } else {
            "Bea Brown"
        };
        assert!(out.contains(who), "{format:?}:\n{out}");
    }
    let md = committee::render(&built, ReportFormat::Md);
    assert!(
        md.contains("Waiting for: Will Turner (round 1, in progress)."),
        "{md}"
    );
    assert!(
        md.contains("| 1 | Bea Brown | — | — | — | — | submitted |"),
        "{md}"
    );
}

/// Each interviewer's overall score (the mean of the levels they gave) and
/// the panel's (the mean of those), in every format.
#[test]
fn every_format_gives_the_overall_scores() {
    let (mut store, pid) = planned_store();
    // Bea interviews too (2 and 4: overall 3.00); Will gave 3 and 2 (2.50).
    let s = store
        .start_from_plan(pid, "Bea Brown", id(400), at(40))
        .unwrap();
    store.set_score(s.id, QS[1], Some(2), at(41)).unwrap();
    store.set_score(s.id, QS[2], Some(4), at(42)).unwrap();
    store
        .submit(s.id, Recommendation::No, None, id(401), at(43))
        .unwrap();
    let md = report(&store, false, ReportFormat::Md);
    assert!(
        md.contains("| **Overall** | **2.50** | **3.00** | **2.75** | 0.25 | 0.50 |  |"),
        "{md}"
    );
    assert!(md.contains("the panel's overall (2.75) is the mean of the interviewers'. Levels are averaged as given on the 1–4 scale."), "{md}");
    let html = report(&store, false, ReportFormat::Html);
    assert!(
        html.contains(r#"<tr class="overall"><th scope="row">Overall</th><td class="num">2.50</td><td class="num">3.00</td><td class="num">2.75</td><td class="num">0.25</td><td class="num">0.50</td><td></td></tr>"#),
        "{html}"
    );
    let csv = report(&store, false, ReportFormat::Csv);
    assert!(
        csv.contains("Ada Lovelace,Will Turner,(overall),,2.50,Overall score,,,,submitted\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "Ada Lovelace,(panel),(overall),,2.75,Overall score (mean of the interviewers),,,,\r\n"
        ),
        "{csv}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&report(&store, false, ReportFormat::Json)).unwrap();
    assert_eq!(
        json["comparison"]["overall"]["averages"],
        serde_json::json!([2.5, 3.0])
    );
    assert_eq!(json["comparison"]["overall"]["stats"]["mean"], 2.75);
}

/// The PDF is one more format of the same report: the plan section, who has
/// not submitted, the overall row; and anonymised, none of the plan's people.
#[test]
fn the_pdf_follows_the_plan_too_and_names_nobody_when_anonymised() {
    let (store, _) = planned_store();
    let sessions = store.candidate_sessions("Ada Lovelace").unwrap();
    let plan = store.candidate_plan("Ada Lovelace", at(10_000)).unwrap();
    let built = committee::build_planned("Ada Lovelace", &sessions, plan.as_ref(), false, false);
    // The drawn text without white space: a line break takes the space.
    let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = bare(&panelist_core::report::pdf::committee_pdf_text(&built));
    for part in [
        "Interview plan",
        "Waiting for: Bea Brown (round 2, overdue, due 2 Mar 2026 14:16 UTC), Grace Hopper (round 2, not started).",
        "Gap or overlap",
        "several focus on it",
        "Overall",
    ] {
        assert!(text.contains(&bare(part)), "the PDF lacks {part:?}:\n{text}");
    }
    let redacted = committee::build_planned("Ada Lovelace", &sessions, plan.as_ref(), true, false);
    let text = bare(&panelist_core::report::pdf::committee_pdf_text(&redacted)).to_lowercase();
    for name in ["lovelace", "turner", "brown", "hopper", "mirrlees"] {
        assert!(
            !text.contains(name),
            "the anonymised PDF says {name:?}:\n{text}"
        );
    }
    assert!(text.contains("waitingfor:interviewerb"), "{text}");
}
