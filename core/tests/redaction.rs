//! Anonymised packets name nobody: every person name and each of its words,
//! in any case or Unicode form, in every field (role, question prompts,
//! competency names, notes, summaries, red flags, reasons), in all four
//! formats; an ordinary word that is the name of someone in the packet is
//! replaced too (over-redacting rather than leaking).

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
        // "will" too: an everyday word that is a name in the packet is
        // replaced (redaction errs toward over-redacting; issue 18).
        for name in ["ada", "lovelace", "turner", "will"] {
            assert!(
                !words.iter().any(|w| w == name),
                "{format:?} still says {name:?}:\n{out}"
            );
        }
        assert!(
            fold(&out).contains("she interviewer a do well"),
            "{format:?}: \"will\" is Will Turner's name here:\n{out}"
        );
        assert!(
            out.contains("can still identify")
                || format == ReportFormat::Csv
                || format == ReportFormat::Json
        );
    }
}

/// The people of the leak cases below, with their pseudonyms.
fn leak_people() -> Vec<(String, String)> {
    [
        ("Will Turner", "Interviewer A"),
        ("Hope Mirrlees", "Interviewer B"),
        ("Grace Hopper", "Interviewer C"),
        ("Łukasz Żółć", "Candidate 1F"),
        ("Søren Kierkegaard", "Interviewer D"),
        ("Đorđe Balašević", "Interviewer E"),
        ("Anna Straße", "Interviewer F"),
        ("Νίκος Παπαδόπουλος", "Interviewer G"),
        ("Işıl Yılmaz", "Interviewer H"),
        ("Ada Lovelace", "Interviewer I"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

/// Why (issue 18): "Redaction, 94 of 312 leaked" — each shape of leak it
/// lists, as text and the redacted text expected.
#[test]
fn the_leaks_found_are_redacted() {
    use panelist_core::redact::Redactor;
    let mut r = Redactor::new(&leak_people());
    for (text, want) in [
        // Lower-case names that are common words.
        ("ask will about it", "ask Interviewer A about it"),
        ("hope said no", "Interviewer B said no"),
        ("mail grace@corp.com", "mail Interviewer C@corp.com"),
        // ASCII spellings of ł, ż, ó, ć, ø, đ.
        ("lukasz.zolc@corp.com", "Candidate 1F@corp.com"),
        ("Soren led", "Interviewer D led"),
        ("Dorde agreed", "Interviewer E agreed"),
        ("Dorde Balasevic", "Interviewer E"),
        // Case folding: German, Greek capitals, Turkish dotted/dotless i.
        ("STRASSE agreed", "Interviewer F agreed"),
        ("ΝΙΚΟΣ ΠΑΠΑΔΟΠΟΥΛΟΣ said", "Interviewer G said"),
        ("IŞIL YILMAZ said", "Interviewer H said"),
        ("isil yilmaz said", "Interviewer H said"),
        // Invisible characters inside a name.
        ("Love\u{ad}lace said", "Interviewer I said"),
        ("G\u{200b}race said", "Interviewer C said"),
        ("Gr\u{E0020}ace said", "Interviewer C said"),
        // A digit glued to a name.
        ("ada1@x.com", "Interviewer I1@x.com"),
        // Confusables: Cyrillic а and с for Latin a and c.
        ("Gr\u{430}\u{441}e said", "Interviewer C said"),
        // Word boundaries still hold, and pseudonyms stay.
        ("Adamant Willow", "Adamant Willow"),
        ("Interviewer A", "Interviewer A"),
    ] {
        assert_eq!(r.apply(text), want, "{text:?}");
    }
}

fn amended_session(amendments: usize) -> Vec<panelist_core::session::PanelSession> {
    use panelist_core::session::{AuditAction, AuditEvent};
    let (mut store, sid) = store_with_session();
    store
        .submit(sid, Recommendation::Yes, None, id(3), at(100))
        .unwrap();
    let mut sessions = store.candidate_sessions("Ada Lovelace").unwrap();
    let s = &mut sessions[0].session;
    for i in 0..amendments {
        s.audit.push(AuditEvent {
            id: id(1_000 + i as u128),
            at: at(200 + i as i64),
            actor: "Grace Hopper".into(),
            action: AuditAction::AmendScore,
            question_id: Some(QS[0].into()),
            old_value: Some("3".into()),
            new_value: Some("4".into()),
            reason: Some(format!(
                "Round {i}: grace re-read Ada's answer; lovelace was right"
            )),
        });
    }
    sessions
}

/// The cost of one redacted report with `amendments` amendments: the least
/// of `runs` runs, in seconds.
fn redacted_report_cost(amendments: usize, runs: usize) -> f64 {
    let sessions = amended_session(amendments);
    (0..runs)
        .map(|_| {
            let t = std::time::Instant::now();
            let report = committee::build("Ada Lovelace", &sessions, true, false);
            let out = committee::render(&report, ReportFormat::Md);
            assert!(!panelist_core::text::words(&out).contains(&"grace".to_string()));
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Why (issue 18): "`--redact` is quadratic in amendments: 1,000 take
/// 2.5 s, 10,000 no answer after 120 s". Ten times the amendments must
/// cost about ten times as much, not a hundred: the ratio is bounded by 30,
/// far from both, so timing noise cannot flip it.
#[test]
fn redaction_is_linear_in_amendments() {
    let small = redacted_report_cost(1_000, 3);
    let large = redacted_report_cost(10_000, 1);
    let ratio = large / small.max(1e-6);
    eprintln!("redacted report: 1,000 amendments {small:.3} s, 10,000 {large:.3} s (×{ratio:.1})");
    assert!(
        ratio < 30.0,
        "1,000 amendments: {small:.3} s, 10,000: {large:.3} s (×{ratio:.1})"
    );
}

/// Every text field of the packet is redacted, with the variants above.
#[test]
fn every_field_is_redacted_with_variants() {
    let mut store = Store::open_in_memory().unwrap();
    store.import_bank_bytes(BANK.as_bytes()).unwrap();
    let sid = id(1);
    store
        .create_and_start_session(
            &NewSession {
                candidate: "Łukasz Żółć".into(),
                interviewer: "Grace Hopper".into(),
                role: "Team of lukasz".into(),
                kit: None,
                question_ids: vec!["ada-q".into()],
            },
            sid,
            id(2),
            at(0),
        )
        .unwrap();
    store
        .set_notes(sid, "ada-q", "LUKASZ ZOLC; see lukasz.zolc@corp.com", at(1))
        .unwrap();
    store
        .set_wrap_up(
            sid,
            &panelist_core::session::WrapUp {
                summary: "G\u{200b}race thinks Żółć is strong".into(),
                red_flags: vec!["grace1 noted hopper's doubt".into()],
                recommendation: Some(Recommendation::Yes),
            },
            at(2),
        )
        .unwrap();
    store
        .submit(sid, Recommendation::Yes, None, id(3), at(3))
        .unwrap();
    store
        .amend_score(sid, "ada-q", 4, "zolc re-explained to HOPPER", id(4), at(4))
        .unwrap();
    let sessions = store.candidate_sessions("Łukasz Żółć").unwrap();
    let report = committee::build("Łukasz Żółć", &sessions, true, false);
    for format in [
        ReportFormat::Md,
        ReportFormat::Html,
        ReportFormat::Csv,
        ReportFormat::Json,
    ] {
        let out = committee::render(&report, format);
        let words = panelist_core::text::words(&out);
        for name in ["lukasz", "łukasz", "zolc", "żółć", "grace", "hopper"] {
            assert!(
                !words.iter().any(|w| w == name),
                "{format:?} still says {name:?}:\n{out}"
            );
        }
        assert!(!out.contains('\u{200b}'), "{format:?}");
    }
}
