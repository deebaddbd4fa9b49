//! Sealing at the IPC boundary: with the local interviewer's own interview
//! of a candidate not yet submitted, no IPC read command lets a colleague's
//! notes, scores, summary, amendment reasons or recommendation out. Each
//! command is exercised through the same function its handler calls (the
//! handlers only add `spawn_blocking` and a save dialog), and the serialized
//! result — what would cross IPC — is searched. The read commands are those
//! declared `read` in `ipc.in` (every command is declared `read`, `write` or
//! `status` there): a new read command fails here until it is exercised.

use chrono::{DateTime, TimeZone, Utc};
use panelist_core::committee::ReportFormat;
use panelist_core::import::CandidateClash;
use panelist_core::report;
use panelist_core::session::{NewSession, Recommendation, SessionFilter};
use panelist_core::{AuditId, CandidateId, SessionId, Store};
use serde::Serialize;
use uuid::Uuid;

use crate::commands::{BankView, SessionView};
use crate::error::IpcError;
use crate::{ipc, panel};

const CANDIDATE: &str = "Lin Wei";
const SECRETS: [&str; 4] = [
    "SECRET-NOTE-Ravi",
    "SECRET-SUMMARY-Ravi",
    "SECRET-REASON-Ravi",
    "strong-no",
];

fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 14, 0, 0).unwrap() + chrono::Duration::seconds(secs)
}

fn new(interviewer: &str) -> NewSession {
    NewSession {
        candidate: CANDIDATE.into(),
        interviewer: interviewer.into(),
        role: "Backend engineer".into(),
        kit: Some("Backend fundamentals".into()),
        question_ids: vec![
            "rest-api-design".into(),
            "sql-vs-nosql".into(),
            "caching-fundamentals".into(),
        ],
    }
}

/// Ravi's submitted, amended session of Lin Wei, as the file he would send.
fn colleague_file(dir: &std::path::Path) -> std::path::PathBuf {
    let mut b = Store::open_in_memory().unwrap();
    let id = SessionId::new(Uuid::now_v7());
    b.create_and_start_session(
        &new("Ravi Kumar"),
        id,
        CandidateId::new(Uuid::now_v7()),
        at(0),
    )
    .unwrap();
    b.set_score(id, "rest-api-design", Some(1), at(10)).unwrap();
    b.set_notes(id, "rest-api-design", SECRETS[0], at(11))
        .unwrap();
    b.submit(
        id,
        Recommendation::StrongNo,
        Some(SECRETS[1]),
        AuditId::new(Uuid::now_v7()),
        at(20),
    )
    .unwrap();
    b.amend_score(
        id,
        "rest-api-design",
        2,
        SECRETS[2],
        AuditId::new(Uuid::now_v7()),
        at(30),
    )
    .unwrap();
    let path = dir.join("ravi.panelist.json");
    std::fs::write(&path, b.session_file(id).unwrap().to_json()).unwrap();
    path
}

fn json<T: Serialize>(r: &Result<T, panelist_core::Error>) -> String {
    match r {
        Ok(v) => serde_json::to_string(v).unwrap(),
        Err(e) => serde_json::to_string(&IpcError::new(
            crate::error::ErrorCode::Internal,
            format!("{}: {e}", e.code()),
        ))
        .unwrap(),
    }
}

#[test]
fn every_ipc_read_command_keeps_the_seal() {
    let reads: Vec<&str> = ipc::COMMANDS
        .iter()
        .filter(|c| c.kind == ipc::Kind::Read)
        .map(|c| c.name)
        .collect();
    assert!(reads.contains(&"get_session") && reads.contains(&"export_report"));

    let dir = std::env::temp_dir().join(format!("panelist-seal-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = colleague_file(&dir);
    let mut s = Store::open(&dir.join("panelist.db")).unwrap();
    // Your own interview of the same candidate, started, not submitted.
    let own = SessionId::new(Uuid::now_v7());
    s.create_and_start_session(
        &new("Grace Hopper"),
        own,
        CandidateId::new(Uuid::now_v7()),
        at(100),
    )
    .unwrap();
    s.set_score(own, "rest-api-design", Some(4), at(110))
        .unwrap();
    let imported = panel::import_files(&mut s, &[file], CandidateClash::Ask).unwrap();
    assert_eq!(imported.len(), 1);
    let theirs = imported[0].result.as_ref().unwrap().session_id;
    in_a_plan(&mut s, own, theirs);

    let outputs = every_read(&s, own, theirs);

    let covered: std::collections::BTreeSet<&str> =
        outputs.iter().map(|(n, _)| n.as_str()).collect();
    for n in &reads {
        assert!(
            covered.contains(n),
            "{n} is declared `read` in ipc.in but not exercised here"
        );
    }
    for (name, text) in &outputs {
        for secret in SECRETS {
            assert!(
                !text.contains(secret),
                "{name} lets {secret:?} out while your own interview is not submitted: {text}"
            );
        }
    }
    sealed_details_hold(&s);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Both sessions in one plan of the candidate, so the plan commands have
/// a colleague's session to (not) show.
fn in_a_plan(s: &mut Store, own: SessionId, theirs: SessionId) {
    let plan = s
        .create_plan(
            &panelist_core::storage::NewPlan {
                candidate: CANDIDATE.into(),
                role: "Backend engineer".into(),
                coordinator: Some("Grace Hopper".into()),
            },
            panelist_core::PlanId::new(Uuid::now_v7()),
            CandidateId::new(Uuid::now_v7()),
            at(50),
        )
        .unwrap();
    for who in ["Grace Hopper", "Ravi Kumar"] {
        let m = panelist_core::plan::Member {
            interviewer: who.into(),
            round: 1,
            kit: Some("Backend fundamentals".into()),
            questions: vec![],
            focus: vec![],
            at: None,
            due: Some(at(500)),
        };
        s.add_plan_member(plan.id, &m, at(60)).unwrap();
    }
    s.attach_session(plan.id, own).unwrap();
    // The imported one may have joined the plan on import already.
    let _ = s.attach_session(plan.id, theirs);
}

/// What every read command gives while your own interview is open: each
/// command's name with its output as text.
fn every_read(s: &Store, own: SessionId, theirs: SessionId) -> Vec<(String, String)> {
    let mut outputs: Vec<(String, String)> = Vec::new();
    let mut out = |name: &str, text: String| outputs.push((name.to_string(), text));

    // app_info reads one setting; list_sessions the session list.
    out("app_info", json(&s.setting("interviewer")));
    for filter in [
        SessionFilter::default(),
        SessionFilter {
            text: Some("wei".into()),
            ..SessionFilter::default()
        },
        SessionFilter {
            candidate: Some(CANDIDATE.into()),
            ..SessionFilter::default()
        },
    ] {
        out("list_sessions", json(&s.session_page(&filter, None, 500)));
    }
    out(
        "budget_minutes",
        json(&panelist_core::bank::budget_minutes(
            &s.questions().unwrap(),
            &["rest-api-design".to_string()],
        )),
    );
    out(
        "get_bank",
        json(&(|| {
            Ok(BankView {
                competencies: s.competencies()?,
                questions: s.questions()?,
                kits: s.kits()?,
            })
        })()),
    );
    out(
        "bank_catalog",
        json(&(|| {
            Ok((s.bank_competencies()?, s.bank_questions()?, s.bank_kits()?))
        })()),
    );
    out(
        "question_history",
        json(&(|| {
            Ok((
                s.question_revisions("rest-api-design")?,
                s.question_history("rest-api-design")?,
            ))
        })()),
    );
    out(
        "export_bank_file",
        json(&s.export_bank().map(|b| serde_json::to_string(&b).unwrap())),
    );
    for id in [own, theirs] {
        out("entry_revisions", json(&s.entry_revisions(id)));
        out(
            "get_session",
            json(&s.session(id).and_then(|x| SessionView::of(s, x))),
        );
        out(
            "export_session",
            json(&s.session_file(id).map(|f| f.to_json())),
        );
        out(
            "export_session",
            json(
                &s.session_file(id)
                    .map(|f| report::session_markdown(&f.session)),
            ),
        );
    }
    out("compare_candidate", json(&panel::compare_of(s, CANDIDATE)));
    for sort in ["overall", "name", "apis"] {
        out(
            "compare_candidates",
            json(&panel::compare_candidates_of(
                s,
                "backend-fundamentals",
                sort,
            )),
        );
    }
    out("calibration", json(&panel::calibration_view(s, None)));
    out(
        "calibration",
        json(&panel::calibration_view(
            s,
            Some("backend-fundamentals".into()),
        )),
    );
    for format in [
        ReportFormat::Html,
        ReportFormat::Md,
        ReportFormat::Csv,
        ReportFormat::Json,
    ] {
        for redact in [false, true] {
            let p = panel::report_preview_of(s, CANDIDATE, format, redact);
            out("report_preview", json(&p));
            // export_report writes exactly the preview's text.
            out("export_report", json(&p.map(|p| p.text)));
        }
    }
    for redact in [false, true] {
        let text = panel::report_pdf_text_of(s, CANDIDATE, redact);
        out("export_report_pdf", json(&text));
    }

    // Plans carry each member's session state, never its content.
    let now = at(1000);
    out("my_interviews", json(&s.plans(Some("Grace Hopper"), now)));
    out("team_problems", json(&crate::team::problems_of(s)));
    out("list_plans", json(&s.plans(None, now)));
    for p in s.plans(None, now).unwrap_or_default() {
        out("plan_view", json(&s.plan_view(p.id, now)));
    }

    outputs
}

/// The redaction list, calibration's sealed count and the comparison's
/// blank cells while your own interview is open.
fn sealed_details_hold(s: &Store) {
    // A redacted preview lists who is replaced, the candidate first.
    let p = panel::report_preview_of(s, CANDIDATE, ReportFormat::Md, true).unwrap();
    assert_eq!(p.replaced[0].name, CANDIDATE);
    assert!(
        p.replaced[0].pseudonym.starts_with("Candidate "),
        "{:?}",
        p.replaced
    );
    assert!(
        p.replaced
            .iter()
            .any(|r| r.name == "Grace Hopper" && r.pseudonym.starts_with("Interviewer ")),
        "{:?}",
        p.replaced
    );
    assert!(!p.text.contains(CANDIDATE) && !p.text.contains("Grace Hopper"));
    assert!(
        panel::report_preview_of(s, CANDIDATE, ReportFormat::Md, false)
            .unwrap()
            .replaced
            .is_empty()
    );
    // Calibration says the colleague's session was left out, sealed.
    let cal = panel::calibration_view(s, None).unwrap();
    assert_eq!(cal.sealed_sessions, 1);
    assert_eq!(
        panel::calibration_view(s, Some("backend-fundamentals".into()))
            .unwrap()
            .sealed_sessions,
        1
    );
    // The colleague's score (1, amended to 2) is nowhere in the comparison.
    let c = panel::compare_of(s, CANDIDATE).unwrap();
    assert!(c.sealed);
    for q in &c.questions {
        for (i, col) in c.columns.iter().enumerate() {
            if col.imported {
                assert!(col.sealed && col.recommendation.is_none());
                assert!(
                    q.cells[i].is_none(),
                    "a sealed cell is shown: {:?}",
                    q.cells[i]
                );
            }
        }
    }
}
