//! The PDF writer never panics and keeps every mark on the page, whatever
//! the names and notes hold.

use proptest::prelude::*;

use super::layout::{Op, MARGIN, PAGE_H, PAGE_W};
use super::*;
use crate::report::model::ScoreScale;
use crate::session::{NewSession, Recommendation, WrapUp};
use crate::Store;

/// Every text run, rectangle and line lies inside the page (a hair of
/// rounding allowed), and text inside the margins.
fn assert_on_page(pages: &[Vec<Op>]) {
    const EPS: f32 = 0.01;
    for (n, ops) in pages.iter().enumerate() {
        for op in ops {
            let ok = match op {
                Op::Text { x, y, run, .. } => {
                    *x >= MARGIN - EPS
                        && x + run.width <= PAGE_W - MARGIN + EPS
                        && *y > MARGIN - EPS
                        && *y <= PAGE_H - MARGIN + EPS
                }
                Op::Rect { x, y, w, h, .. } => {
                    *x >= MARGIN - EPS
                        && x + w <= PAGE_W - MARGIN + EPS
                        && *y >= MARGIN - EPS
                        && y + h <= PAGE_H - MARGIN + EPS
                }
                Op::Line { x1, y1, x2, y2, .. } => {
                    [*x1, *x2]
                        .iter()
                        .all(|x| (MARGIN - EPS..=PAGE_W - MARGIN + EPS).contains(x))
                        && [*y1, *y2]
                            .iter()
                            .all(|y| (MARGIN - EPS..=PAGE_H - MARGIN + EPS).contains(y))
                }
            };
            assert!(ok, "page {}: {op:?} leaves the page", n + 1);
        }
    }
}

fn session(candidate: &str, interviewer: &str) -> NewSession {
    NewSession {
        candidate: candidate.into(),
        interviewer: interviewer.into(),
        role: "Backend engineer".into(),
        kit: None,
        question_ids: QS.iter().map(|s| s.to_string()).collect(),
    }
}

const QS: [&str; 3] = ["rest-api-design", "sql-vs-nosql", "team-collaboration"];

fn at(secs: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_770_000_000 + secs, 0).expect("a valid time")
}

fn id<T: From<uuid::Uuid>>(n: u128) -> T {
    T::from(uuid::Uuid::from_u128(
        0x0190_0000_0000_7000_8000_0000_0000_0000 | n,
    ))
}

/// A submitted panel of `interviewers` for `candidate`, each with `note` on
/// every question and in the summary and a red flag.
fn report(candidate: &str, interviewers: &[&str], note: &str) -> CommitteeReport {
    let mut store = Store::open_in_memory().expect("an in-memory store");
    for (k, who) in interviewers.iter().enumerate() {
        let n = 10 * (k as u128 + 1);
        let sid: crate::SessionId = id(n);
        let t = k as i64 * 10_000;
        store
            .create_session(&session(candidate, who), sid, id(1), at(t))
            .expect("a session");
        store.start_session(sid, at(t + 1)).expect("started");
        for (i, q) in QS.iter().enumerate() {
            let level = Some(1 + ((k + i) % 4) as i64);
            store.set_score(sid, q, level, at(t + 2)).expect("scored");
            store.set_notes(sid, q, note, at(t + 3)).expect("notes");
        }
        let wrap = WrapUp {
            summary: note.into(),
            red_flags: vec![note.into()],
            recommendation: Some(Recommendation::Yes),
        };
        store.set_wrap_up(sid, &wrap, at(t + 4)).expect("wrap-up");
        store
            .submit(sid, Recommendation::Yes, None, id(n + 1), at(t + 5))
            .expect("submitted");
    }
    let sessions = store.candidate_sessions(candidate).expect("sessions");
    // What `committee::build` makes, unredacted (the report layer does not
    // call up into `committee`).
    CommitteeReport {
        candidate: candidate.into(),
        redacted: false,
        replaced: Vec::new(),
        comparison: crate::panel::compare(candidate, &sessions, false),
        debrief: Vec::new(),
        scale: ScoreScale::of(&sessions),
        mixed_scales: false,
    }
}

/// Lays out and writes the report; returns its pages.
fn pages_of(r: &CommitteeReport) -> Vec<Vec<Op>> {
    let pages = layout_report(&CommitteeView::new(r));
    assert_on_page(&pages);
    let pdf = emit(&pages, &r.candidate).expect("a PDF");
    assert!(pdf.starts_with(b"%PDF-"));
    pages
}

/// The hostile cases of the issue, each through the whole report: a very
/// long word, right-to-left text (alone and mixed), emoji, control
/// characters and bidi overrides, and a 10,000-character note.
#[test]
fn hostile_names_and_notes_stay_on_the_page() {
    let long_word = "Unbreakable".repeat(300);
    let note_10k: String = "Said a lot about caching and queues. "
        .chars()
        .cycle()
        .take(10_000)
        .collect();
    let cases = [
        ("Ada Lovelace", long_word.as_str()),
        ("דנה כהן", "שלום, this is mixed עברית and English text."),
        ("مريم الحسن", "ملاحظات المقابلة"),
        ("Zoë 😀 Ng", "Great 👍🏽 answer 👨‍👩‍👧 family emoji"),
        (
            "Ctrl Person",
            "bell\u{7} esc\u{1b} bidi \u{202E}reversed\u{202C} tab\tend",
        ),
        ("Note Writer", note_10k.as_str()),
        ("王小明", "中文笔记"),
    ];
    for (who, note) in cases {
        let r = report(who, &[who, "Björk Guðmundsdóttir", "Дмитрий"], note);
        let pages = pages_of(&r);
        assert!(pages.len() >= 3, "{who}: {} pages", pages.len());
    }
}

/// A name the font cannot show is written as code points, not dropped.
#[test]
fn characters_without_a_glyph_are_written_as_code_points() {
    let r = report("王小明", &["Grace Hopper"], "fine");
    let pages = pages_of(&r);
    let all: String = pages
        .iter()
        .flatten()
        .filter_map(|op| match op {
            Op::Text { run, .. } => Some(run.text.as_str()),
            _ => None,
        })
        .collect();
    assert!(all.contains("[U+738B][U+5C0F][U+660E]"), "{all}");
}

/// A panel wider than one table's columns is split into several tables;
/// the same report always gives the same bytes.
#[test]
fn a_wide_panel_keeps_its_columns_readable() {
    let names: Vec<String> = (0..12).map(|i| format!("Interviewer number {i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let r = report("Ada Lovelace", &refs, "ok");
    pages_of(&r);
    assert_eq!(committee_pdf(&r).unwrap(), committee_pdf(&r).unwrap());
}

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Very long words.
        "[a-zA-Z]{200,1500}",
        // Right-to-left text, alone and mixed with Latin.
        "[\u{05D0}-\u{05EA}\u{0627}-\u{064A} a-z]{1,300}",
        // Emoji and other characters DejaVu lacks (CJK, Indic).
        "[\u{1F600}-\u{1F64F}\u{4E00}-\u{4E20}\u{0900}-\u{0950}\u{200D} ]{1,200}",
        // Control characters, bidi overrides, line breaks and tabs.
        "[\u{0}-\u{1F}\u{7F}-\u{9F}\u{202A}-\u{202E}\u{2066}-\u{2069}a ]{1,200}",
        // Anything at all.
        any::<String>(),
        // Long notes with many lines.
        "([a-z]{1,12}[ \n]){200,800}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Paragraphs, headings and tables of any text never panic and never
    /// leave the page.
    #[test]
    fn any_text_wraps_within_the_page(a in hostile_text(), b in hostile_text()) {
        let mut p = layout::Pages::default();
        p.heading(1, &a);
        p.paragraph(&b, Style::BODY);
        p.paragraph(&a, Style { boxed: true, ..Style::BODY });
        p.paragraph(&b, Style { indent: 10.0, rule: true, ..Style::BODY });
        p.table(&Table {
            header: vec![a.clone(), b.clone(), "Mean".into()],
            rows: vec![Row { cells: vec![b.clone(), a.clone(), "2.50".into()], flagged: true }],
            numeric: vec![false, false, true],
        });
        assert_on_page(&p.pages);
        prop_assert!(emit(&p.pages, &a).is_ok());
    }
}
