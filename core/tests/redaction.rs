//! Anonymised packets name nobody: every person name and each of its words,
//! in any case or Unicode form, in every field (role, question prompts,
//! competency names, notes, summaries, red flags, reasons), in all four
//! formats; ordinary words that happen to be names stay as written.

mod common;

use common::*;
use panelist_core::committee::{self, ReportFormat};
use panelist_core::session::{NewSession, Recommendation};
use panelist_core::text::fold;
use panelist_core::Store;

const BANK: &str = r#"{"format":"panelist-bank","version":1,
  "competencies":[{"id":"lovelace-eng","name":"Lovelace Engineering"}],
  "questions":[{"id":"ada-q","prompt":"Ask ADA about Turner's design review.","competency":"lovelace-eng",
    "seniority":"mid","kind":"experience","minutes":5,"look_fors":["names a trade-off"],"follow_ups":["why?"],
    "levels":[{"value":1,"anchor":"vague"},{"value":2,"anchor":"some"},{"value":3,"anchor":"clear"},{"value":4,"anchor":"deep"}]}]}"#;

#[test]
fn a_redacted_packet_names_nobody_in_any_format() {
    let mut store = Store::open_in_memory().unwrap();
    store.import_bank_bytes(BANK.as_bytes()).unwrap();
    let sid = id(1);
    store
        .create_and_start_session(
            &NewSession {
                candidate: "Ada Lovelace".into(),
                interviewer: "Will Turner".into(),
                role: "Backend for Ada's team".into(),
                kit: None,
                question_ids: vec!["ada-q".into(), "rest-api-design".into()],
            },
            sid,
            id(2),
            at(0),
        )
        .unwrap();
    store.set_score(sid, "ada-q", Some(3), at(10)).unwrap();
    store
        .set_notes(
            sid,
            "ada-q",
            "ada was clear; LOVELACE knew it; Lovelace's point. She will do well. Will asked twice. A\u{301}da?",
            at(11),
        )
        .unwrap();
    store
        .set_wrap_up(
            sid,
            &panelist_core::session::WrapUp {
                summary: "Ada: strong. turner agrees.".into(),
                red_flags: vec!["Lovelace interrupted Will".into()],
                recommendation: Some(Recommendation::Yes),
            },
            at(12),
        )
        .unwrap();
    store
        .submit(sid, Recommendation::Yes, None, id(3), at(13))
        .unwrap();
    store
        .amend_score(sid, "ada-q", 4, "Turner misheard Ada", id(4), at(14))
        .unwrap();
    let sessions = store.candidate_sessions("Ada Lovelace").unwrap();
    let report = committee::build("Ada Lovelace", &sessions, true, false);
    let listed: Vec<&str> = report.replaced.iter().map(|r| r.name.as_str()).collect();
    assert!(
        listed.contains(&"Ada Lovelace") || listed.contains(&"Ada"),
        "{listed:?}"
    );
    for format in [
        ReportFormat::Md,
        ReportFormat::Html,
        ReportFormat::Csv,
        ReportFormat::Json,
    ] {
        let out = committee::render(&report, format);
        let words = panelist_core::text::words(&out);
        for name in ["ada", "lovelace", "turner"] {
            assert!(
                !words.iter().any(|w| w == name),
                "{format:?} still says {name:?}:\n{out}"
            );
        }
        assert!(
            fold(&out).contains("she will do well"),
            "{format:?}: an everyday \"will\" stays:\n{out}"
        );
        assert!(
            out.contains("can still identify")
                || format == ReportFormat::Csv
                || format == ReportFormat::Json
        );
    }
}
