use chrono::{Duration, TimeZone};
use uuid::Uuid;

use super::*;
use crate::ids::CandidateId;
use crate::session_file::Identity;

struct Bank;

impl BankRefs for Bank {
    fn has_question(&self, id: &str) -> bool {
        ["q1", "q2", "q3"].contains(&id)
    }
    fn has_competency(&self, id: &str) -> bool {
        ["design", "teamwork", "ops"].contains(&id)
    }
}

impl BankNames for Bank {
    fn competency_of(&self, q: &str) -> Option<String> {
        match q {
            "q1" | "q2" => Some("design".into()),
            "q3" => Some("teamwork".into()),
            _ => None,
        }
    }
    fn competency_name(&self, c: &str) -> String {
        c.to_uppercase()
    }
}

fn t(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap()
}

fn member(name: &str, questions: &[&str], focus: &[&str]) -> Member {
    Member {
        interviewer: name.into(),
        round: 1,
        kit: None,
        questions: questions.iter().map(|s| s.to_string()).collect(),
        focus: focus.iter().map(|s| s.to_string()).collect(),
        at: Some(t(9)),
        due: Some(t(17)),
    }
}

fn plan() -> Plan {
    Plan {
        id: PlanId(Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001)),
        candidate: Candidate {
            id: CandidateId(Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0002)),
            name: "Ada Lovelace".into(),
        },
        role: "Engineer".into(),
        coordinator: Some("Grace".into()),
        created_at: t(8),
        updated_at: t(8),
        members: vec![
            member("Alan", &["q1", "q3"], &["design", "ops"]),
            member("Barbara", &["q2"], &["design"]),
        ],
    }
}

#[test]
fn a_good_plan_passes_and_each_bad_field_is_named() {
    check_plan("plan file", &plan(), &Bank).unwrap();
    type Breaker = fn(&mut Plan);
    let cases: [(Breaker, &str); 10] = [
        (
            |p| p.candidate.name = "\u{200b} 42".into(),
            "plan.candidate.name",
        ),
        (
            |p| p.members[1].interviewer = "ALAN".into(),
            "plan.members[1].interviewer",
        ),
        (|p| p.members[0].due = Some(t(8)), "plan.members[0].due"),
        (
            |p| p.members[0].questions.push("nope".into()),
            "plan.members[0].questions[2]",
        ),
        (
            |p| p.members[0].questions.push("q1".into()),
            "plan.members[0].questions[2]",
        ),
        (
            |p| p.members[1].focus = vec!["Design".into()],
            "plan.members[1].focus[0]",
        ),
        (|p| p.members[1].round = 0, "plan.members[1].round"),
        (
            |p| p.members[1].questions.clear(),
            "plan.members[1].questions",
        ),
        (|p| p.updated_at = t(7), "plan.updated_at"),
        (|p| p.role = "a\nb".into(), "plan.role"),
    ];
    for (break_it, path) in cases {
        let mut p = plan();
        break_it(&mut p);
        let err = check_plan("plan file", &p, &Bank).unwrap_err().to_string();
        assert!(err.starts_with(&format!("plan file at {path}: ")), "{err}");
    }
}

#[test]
fn coverage_marks_focus_gaps_and_overlaps() {
    let c = coverage(&plan(), &Bank);
    assert_eq!(c.interviewers, ["Alan", "Barbara"]);
    let row = |id: &str| c.rows.iter().find(|r| r.competency == id).unwrap();
    let design = row("design");
    assert_eq!(design.cells[0].questions, 1);
    assert!(design.cells[0].focus && design.cells[1].focus);
    assert!(design.overlap);
    assert_eq!(design.gap, None);
    assert_eq!(row("teamwork").gap, Some(Gap::Unfocused));
    assert_eq!(row("ops").gap, Some(Gap::Unasked));
    assert_eq!(row("ops").name, "OPS");
    let order: Vec<_> = c.rows.iter().map(|r| r.competency.as_str()).collect();
    assert_eq!(order, ["design", "teamwork", "ops"]);
}

#[test]
fn member_states_follow_the_session_and_the_clock() {
    let m = member("Alan", &["q1"], &[]);
    let open = MemberSession {
        id: SessionId(Uuid::from_u128(3)),
        status: Status::InProgress,
        started_at: Some(t(9)),
        finished_at: None,
    };
    let done = MemberSession {
        status: Status::Submitted,
        finished_at: Some(t(11)),
        ..open.clone()
    };
    assert_eq!(
        member_state(&m, None, t(10)),
        (MemberState::NotStarted, None)
    );
    assert_eq!(
        member_state(&m, Some(&open), t(10)),
        (MemberState::InProgress, None)
    );
    assert_eq!(member_state(&m, None, t(18)), (MemberState::Overdue, None));
    assert_eq!(
        member_state(&m, Some(&open), t(18)),
        (MemberState::Overdue, None)
    );
    // Exactly at the due time it is not overdue yet.
    assert_eq!(member_state(&m, None, t(17)).0, MemberState::NotStarted);
    assert_eq!(
        member_state(&m, Some(&done), t(20)),
        (MemberState::Submitted, Some(2 * 3600))
    );
    let unplanned = Member { at: None, ..m };
    let late = MemberSession {
        started_at: Some(t(10) + Duration::minutes(30)),
        ..done
    };
    assert_eq!(member_state(&unplanned, Some(&late), t(20)).1, Some(1800));
}

#[test]
fn a_signed_plan_file_round_trips_and_any_edit_breaks_it() {
    let id = Identity::from_seed([7; 32]);
    let file = PlanFile::signed(plan(), &id);
    let text = file.to_json();
    let back = PlanFile::parse(text.as_bytes()).unwrap();
    assert_eq!(back, file);
    assert!(matches!(
        parse_document(text.as_bytes()).unwrap(),
        Document::Plan(_)
    ));
    let edited = text.replace("Engineer", "Engineers");
    let err = PlanFile::parse(edited.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("content hash does not match"), "{err}");
    // The same hash signed as a session is no plan signature.
    let mut forged = file.clone();
    let as_session = id.sign_hash("panelist-session-file/2\n", &file.content_hash);
    forged.signature = as_session;
    let err = PlanFile::parse(forged.to_json().as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("plan file at signature:"), "{err}");
}

fn mine(candidate: &str, state: MemberState, at: Option<u32>, due: Option<u32>) -> PlanSummary {
    let mut m = member("Grace", &["q1"], &[]);
    m.at = at.map(t);
    m.due = due.map(t);
    PlanSummary {
        id: PlanId::new(Uuid::now_v7()),
        candidate: candidate.into(),
        role: String::new(),
        coordinator: None,
        created_at: t(0),
        members: 1,
        submitted: 0,
        overdue: 0,
        mine: Some(MemberView {
            member: m,
            state,
            session: None,
            seconds_to_submit: None,
        }),
    }
}

#[test]
fn my_interviews_are_today_then_upcoming_then_overdue() {
    // "Today" ends at 12:00 here (the shell passes the end of its local day).
    let plans = vec![
        mine("Late", MemberState::Overdue, Some(1), Some(4)),
        mine("Later", MemberState::NotStarted, Some(20), None),
        mine("Unscheduled", MemberState::NotStarted, None, None),
        mine("Soon", MemberState::NotStarted, Some(13), None),
        mine("Afternoon", MemberState::InProgress, Some(11), Some(22)),
        mine("Morning", MemberState::NotStarted, Some(9), Some(21)),
        mine("Done", MemberState::Submitted, Some(8), None),
        mine("Older overdue", MemberState::Overdue, None, Some(2)),
    ];
    let groups = my_interviews(plans, t(12));
    let got: Vec<(MyGroup, Vec<&str>)> = groups
        .iter()
        .map(|g| {
            (
                g.group,
                g.plans.iter().map(|p| p.candidate.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (MyGroup::Today, vec!["Morning", "Afternoon"]),
            (MyGroup::Upcoming, vec!["Soon", "Later", "Unscheduled"]),
            (MyGroup::Overdue, vec!["Older overdue", "Late"]),
        ]
    );
    // Empty groups are left out; plans without `mine` are not mine.
    let mut other = mine("Other", MemberState::Overdue, None, Some(2));
    other.mine = None;
    assert!(my_interviews(vec![other], t(12)).is_empty());
}
