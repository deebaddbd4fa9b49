//! Snapshot tests of every export and report the product writes: the
//! per-session Markdown and session file (JSON), the bulk score CSV, the
//! hiring-committee report in all four formats (plain, redacted and sealed),
//! the candidate comparison and the calibration summary.
//!
//! The input is built through the core's own API with fixed ids and clocks,
//! and holds hostile text (markup, Markdown and CSV metacharacters, quotes,
//! bidi controls, non-ASCII) so that the escaping of each format is pinned.
//! A changed snapshot is a changed product: review it with `cargo insta
//! review` (or read the `.snap.new` file) before accepting it.

mod common;

use common::{at, id};
use panelist_core::committee::{self, ReportFormat};
use panelist_core::panel::{self, SortBy};
use panelist_core::session::{NewSession, PanelSession, Recommendation, WrapUp};
use panelist_core::session_file::SessionFile;
use panelist_core::{report, SessionId, Store};

/// The candidate's name: markup, an ampersand, quotes and non-ASCII.
const CANDIDATE: &str = "Zoë \"Z\" O'Brien <script>alert(1)</script> & Co";
/// The local interviewer: Markdown table and emphasis characters.
const OWN: &str = "Grace *Hopper* | [lead](x)";
/// A colleague whose session is imported.
const COLLEAGUE: &str = "Łukasz <b>Nowak</b>";
const SECOND_COLLEAGUE: &str = "Ana & \"Bo\"";

const HOSTILE_NOTE: &str = "Said <script>alert(1)</script> & \"quoted\" 'single'.\n\
# not a heading\n\
*not bold* _not italic_ `code` [link](http://x) ![img](y) ~~x~~ | pipe\n\
=SUM(A1) at the start of a line\n\
Bidi \u{202E}reversed\u{202C} text.";

fn new(candidate: &str, interviewer: &str, kit: Option<&str>, qs: &[&str]) -> NewSession {
    NewSession {
        candidate: candidate.into(),
        interviewer: interviewer.into(),
        role: "Backend <engineer> & \"SRE\"".into(),
        kit: kit.map(str::to_string),
        question_ids: qs.iter().map(|s| s.to_string()).collect(),
    }
}

/// Snapshots compare text with line endings and trailing whitespace
/// normalised, so carriage returns are made visible and the end of the
/// output is marked: the snapshot then pins the exact bytes.
fn exact(text: &str) -> String {
    format!("{}<<end of output>>", text.replace('\r', "\\r"))
}

macro_rules! snap {
    ($name:expr, $text:expr) => {
        insta::assert_snapshot!($name, exact(&$text))
    };
}

const QS: [&str; 3] = ["rest-api-design", "sql-vs-nosql", "team-collaboration"];

/// One session scored `scores` (None = skipped), wrapped up and submitted.
#[allow(clippy::too_many_arguments)]
fn scored_session(
    store: &mut Store,
    n: u128,
    candidate: &str,
    interviewer: &str,
    kit: Option<&str>,
    qs: &[&str],
    scores: &[Option<i64>],
    rec: Recommendation,
) -> SessionId {
    let sid: SessionId = id(n);
    let t = (n as i64) * 10_000;
    store
        .create_session(&new(candidate, interviewer, kit, qs), sid, id(n + 1), at(t))
        .unwrap();
    store.start_session(sid, at(t + 10)).unwrap();
    for (i, (q, score)) in qs.iter().zip(scores).enumerate() {
        let now = at(t + 100 + i as i64 * 100);
        match score {
            Some(v) => store.set_score(sid, q, Some(*v), now).unwrap(),
            None => store.set_skipped(sid, q, true, now).unwrap(),
        }
        store.add_time(sid, q, 300 + 61 * i as u64, now).unwrap();
    }
    store
        .set_notes(
            sid,
            qs[0],
            &format!("{interviewer}: {HOSTILE_NOTE}\nAbout {CANDIDATE}, with {OWN}."),
            at(t + 500),
        )
        .unwrap();
    store
        .set_look_for(sid, qs[0], 0, true, at(t + 501))
        .unwrap();
    store
        .set_follow_up(sid, qs[0], 0, true, at(t + 502))
        .unwrap();
    store
        .set_wrap_up(
            sid,
            &WrapUp {
                summary: format!(
                    "Strong <em>systems</em> thinking & clear \"trade-offs\".\nSecond line: {CANDIDATE} | **bold?**"
                ),
                red_flags: vec![
                    "Dismissive of <testing> & reviews".into(),
                    "+1 formula-looking flag".into(),
                ],
                recommendation: Some(rec),
            },
            at(t + 600),
        )
        .unwrap();
    store
        .submit(sid, rec, None, id(n + 2), at(t + 700))
        .unwrap();
    sid
}

/// A colleague's session, made on their own machine and imported here as a
/// session file.
#[allow(clippy::too_many_arguments)]
fn import_colleague(
    store: &mut Store,
    n: u128,
    candidate: &str,
    interviewer: &str,
    kit: Option<&str>,
    qs: &[&str],
    scores: &[Option<i64>],
    rec: Recommendation,
    bank: Option<&[u8]>,
) {
    let mut theirs = Store::open_in_memory().unwrap();
    if let Some(bank) = bank {
        theirs.import_bank_bytes(bank).unwrap();
    }
    let sid = scored_session(&mut theirs, n, candidate, interviewer, kit, qs, scores, rec);
    let file = SessionFile::new(theirs.session(sid).unwrap());
    store.import_sessions(&[file]).unwrap();
}

/// The main fixture: the local interviewer's submitted and amended session
/// and two imported colleagues' sessions, with a disagreement.
fn panel_store() -> (Store, SessionId) {
    let mut store = Store::open_in_memory().unwrap();
    let own = scored_session(
        &mut store,
        100,
        CANDIDATE,
        OWN,
        None,
        &QS,
        &[Some(4), Some(2), None],
        Recommendation::Yes,
    );
    store
        .amend_score(
            own,
            "sql-vs-nosql",
            3,
            "Debrief: <b>re-read</b> the notes & \"agreed\" | = fine",
            id(190),
            at(1_000_000),
        )
        .unwrap();
    import_colleague(
        &mut store,
        200,
        CANDIDATE,
        COLLEAGUE,
        None,
        &QS,
        &[Some(1), Some(3), Some(2)],
        Recommendation::No,
        None,
    );
    import_colleague(
        &mut store,
        300,
        CANDIDATE,
        SECOND_COLLEAGUE,
        None,
        &QS[..2],
        &[Some(2), Some(3)],
        Recommendation::StrongYes,
        None,
    );
    (store, own)
}

fn committee_report(sessions: &[PanelSession], redact: bool, format: ReportFormat) -> String {
    committee::render(
        &committee::build(CANDIDATE, sessions, redact, false),
        format,
    )
}

#[test]
fn session_exports() {
    let (store, own) = panel_store();
    let s = store.session(own).unwrap();
    snap!("session_markdown", report::session_markdown(&s));
    snap!("session_file_json", SessionFile::new(s).to_json());
    snap!(
        "sessions_csv",
        committee::sessions_csv(&store.all_sessions().unwrap())
    );
}

#[test]
fn committee_report_every_format() {
    let (store, _) = panel_store();
    let sessions = store.candidate_sessions(CANDIDATE).unwrap();
    assert_eq!(sessions.len(), 3);
    // The seeded bank's rubrics run 1..4: so does the chart (the local
    // interviewer's 4.00 fills the 486-unit plot). A bar at the bottom of the
    // scale used to have no length, which read as "not scored"; the
    // colleague's 1.00 is now a visible mark, with its value written after it.
    let html = committee_report(&sessions, false, ReportFormat::Html);
    assert!(html.contains("Average score (1–4) per competency"));
    assert!(html.contains(r##"width="486.0" height="12.0" fill="#2f6fdf"><title>Grace *Hopper* | [lead](x): 4.00</title>"##));
    assert!(html.contains(r##"width="4.0" height="12.0" fill="#e07b39"><title>Łukasz &lt;b&gt;Nowak&lt;/b&gt;: 1.00</title></rect><text x="198.0""##));
    assert!(html.contains(r##"class="bar-value">1.00</text>"##));
    // Issue 21: each interviewer's overall score (3 and 4 → 3.50; 1, 3, 2 →
    // 2.00; 2, 3 → 2.50) and the panel's (their mean, 2.67), tabled and
    // charted, with the one line that says how it is computed.
    assert!(html.contains(r#"<tr class="overall"><th scope="row">Overall</th><td class="num">3.50</td><td class="num">2.00</td><td class="num">2.50</td><td class="num">2.67</td><td class="num">0.62</td><td class="num">1.50</td><td></td></tr>"#));
    assert!(html.contains("<title>Panel: 2.67</title>"));
    assert!(html.contains(r##"fill="#2f6fdf"><title>Grace *Hopper* | [lead](x): 3.50</title>"##));
    assert!(html.contains("the panel&#39;s overall (2.67) is the mean of the interviewers&#39;. Levels are averaged as given on the 1–4 scale."));
    for (format, name) in [
        (ReportFormat::Md, "committee_md"),
        (ReportFormat::Html, "committee_html"),
        (ReportFormat::Csv, "committee_csv"),
        (ReportFormat::Json, "committee_json"),
    ] {
        snap!(name, committee_report(&sessions, false, format));
    }
}

#[test]
fn committee_report_redacted_every_format() {
    let (store, _) = panel_store();
    let sessions = store.candidate_sessions(CANDIDATE).unwrap();
    for (format, name) in [
        (ReportFormat::Md, "committee_redacted_md"),
        (ReportFormat::Html, "committee_redacted_html"),
        (ReportFormat::Csv, "committee_redacted_csv"),
        (ReportFormat::Json, "committee_redacted_json"),
    ] {
        let text = committee_report(&sessions, true, format);
        // Whatever else changes, no real name may leak into a redacted packet.
        for name in ["Zoë", "Hopper", "Nowak", "Ana &"] {
            assert!(!text.contains(name), "{name:?} leaked into {format:?}");
        }
        snap!(name, text);
    }
}

/// Before the local interviewer submits, colleagues' sessions stay sealed.
#[test]
fn committee_report_sealed() {
    let mut store = Store::open_in_memory().unwrap();
    let sid: SessionId = id(400);
    store
        .create_session(&new(CANDIDATE, OWN, None, &QS), sid, id(401), at(0))
        .unwrap();
    store.start_session(sid, at(10)).unwrap();
    store.set_score(sid, QS[0], Some(3), at(20)).unwrap();
    import_colleague(
        &mut store,
        500,
        CANDIDATE,
        COLLEAGUE,
        None,
        &QS,
        &[Some(1), Some(3), Some(2)],
        Recommendation::No,
        None,
    );
    let sessions = store.candidate_sessions(CANDIDATE).unwrap();
    for (format, name) in [
        (ReportFormat::Md, "committee_sealed_md"),
        (ReportFormat::Html, "committee_sealed_html"),
        (ReportFormat::Csv, "committee_sealed_csv"),
    ] {
        let text = committee_report(&sessions, false, format);
        assert!(!text.contains("Nowak: Said"), "sealed notes leaked");
        snap!(name, text);
    }
}

/// A bank on a 0–3 scale (the version-1 fixture's): the report follows the
/// rubric snapshot's scale, not a built-in one.
#[test]
fn committee_report_zero_to_three_scale() {
    let bank = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/v1/bank.json"
    ))
    .unwrap();
    let qs = ["css-layout", "slow-page-story"];
    let mut store = Store::open_in_memory().unwrap();
    store.import_bank_bytes(&bank).unwrap();
    scored_session(
        &mut store,
        600,
        CANDIDATE,
        OWN,
        Some("Frontend screen"),
        &qs,
        &[Some(3), Some(0)],
        Recommendation::StrongYes,
    );
    import_colleague(
        &mut store,
        700,
        CANDIDATE,
        COLLEAGUE,
        Some("Frontend screen"),
        &qs,
        &[Some(1), Some(3)],
        Recommendation::NoDecision,
        Some(&bank),
    );
    let sessions = store.candidate_sessions(CANDIDATE).unwrap();
    let html = committee_report(&sessions, false, ReportFormat::Html);
    // The chart's axis runs 0..3 with one tick per level, and a bar's length
    // is its share of that span: the colleague's 2.00 fills 2/3 of the
    // 486-unit plot, the local interviewer's 1.50 half of it.
    assert!(html.contains("Average score (0–3) per competency"));
    let ticks: Vec<&str> = html
        .split("text-anchor=\"middle\">")
        .skip(1)
        .map(|t| t.split('<').next().unwrap())
        .collect();
    assert_eq!(ticks, ["0", "1", "2", "3"]);
    assert!(html.contains(r##"width="324.0" height="12.0" fill="#e07b39"><title>Łukasz &lt;b&gt;Nowak&lt;/b&gt;: 2.00</title>"##));
    assert!(html.contains(r##"width="243.0" height="12.0" fill="#2f6fdf"><title>"##));
    snap!(
        "committee_scale_0_3_html",
        committee_report(&sessions, false, ReportFormat::Html)
    );
    snap!(
        "committee_scale_0_3_md",
        committee_report(&sessions, false, ReportFormat::Md)
    );

    // Two more candidates on the kit: one scored, one whose colleague's
    // session stays sealed because the local session is not submitted.
    scored_session(
        &mut store,
        800,
        "Ünal `Bot` [x] & <i>co</i>",
        OWN,
        Some("Frontend screen"),
        &qs,
        &[Some(0), Some(3)],
        Recommendation::No,
    );
    let sealed_own: SessionId = id(900);
    let sealed_candidate = "Sealed | Sam";
    store
        .create_session(
            &new(sealed_candidate, OWN, Some("Frontend screen"), &qs),
            sealed_own,
            id(901),
            at(9_000_000),
        )
        .unwrap();
    store.start_session(sealed_own, at(9_000_010)).unwrap();
    store
        .set_score(sealed_own, qs[0], Some(2), at(9_000_020))
        .unwrap();
    import_colleague(
        &mut store,
        1000,
        sealed_candidate,
        COLLEAGUE,
        Some("Frontend screen"),
        &qs,
        &[Some(3), Some(3)],
        Recommendation::Yes,
        Some(&bank),
    );
    let kit = store.kit("Frontend screen").unwrap();
    for (sort, name) in [
        (SortBy::Overall, "candidates_md"),
        (SortBy::Name, "candidates_by_name_md"),
    ] {
        let cmp =
            panel::compare_candidates(&kit.name, &store.kit_sessions(&kit.name).unwrap(), &sort);
        snap!(name, committee::candidates_markdown(&cmp));
    }
    let empty = panel::compare_candidates("Empty <kit>", &[], &SortBy::Overall);
    snap!(
        "candidates_empty_md",
        committee::candidates_markdown(&empty)
    );
    let cal = panel::calibration_of(&store.ratings().unwrap(), Some(&kit.name));
    snap!("calibration_kit_md", committee::calibration_markdown(&cal));
}

#[test]
fn calibration_summary() {
    let (store, _) = panel_store();
    let cal = panel::calibration_of(&store.ratings().unwrap(), None);
    snap!("calibration_md", committee::calibration_markdown(&cal));
    // No ratings at all: every statistic is "n/a" and the ICCs are left out.
    let none = panel::calibration_of(&[], None);
    snap!(
        "calibration_empty_md",
        committee::calibration_markdown(&none)
    );
}

/// Questions on different scales in one report (the version-1 kit mixes a
/// 0–3 bank with the seeded 1–4 questions): the chart spans them all.
#[test]
fn committee_chart_spans_mixed_scales() {
    let bank = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/v1/bank.json"
    ))
    .unwrap();
    let mut store = Store::open_in_memory().unwrap();
    store.import_bank_bytes(&bank).unwrap();
    scored_session(
        &mut store,
        1100,
        CANDIDATE,
        OWN,
        Some("Frontend screen"),
        &["css-layout", "rest-api-design"],
        &[Some(0), Some(4)],
        Recommendation::Yes,
    );
    let sessions = store.candidate_sessions(CANDIDATE).unwrap();
    let report = committee::build(CANDIDATE, &sessions, false, false);
    assert_eq!(report.scale, committee::ScoreScale { min: 0, max: 4 });
    let html = committee::render(&report, ReportFormat::Html);
    assert!(html.contains("Average score (0–4) per competency"));
    // The overall score averages levels as given, and says the rubrics'
    // ranges differ (0–3 beside 1–4) and are not rescaled.
    assert!(report.mixed_scales);
    assert!(html.contains("Levels are averaged as given: the rubrics here span different ranges within 0–4 and are not rescaled."));
    assert!(html
        .contains(r#"<tr class="overall"><th scope="row">Overall</th><td class="num">2.00</td>"#));
}

/// A candidate with an interview plan (issue 19, What 6): the report follows
/// it — the plan at a glance, who has not submitted yet, each planned
/// interviewer's round and state, the coverage — in every format.
#[test]
fn committee_report_with_a_plan() {
    use panelist_core::plan::Member;
    use panelist_core::storage::NewPlan;
    let mut store = Store::open_in_memory().unwrap();
    let pid: panelist_core::PlanId = id(2000);
    store
        .create_plan(
            &NewPlan {
                candidate: CANDIDATE.into(),
                role: "Backend <engineer> & \"SRE\"".into(),
                coordinator: Some(SECOND_COLLEAGUE.into()),
            },
            pid,
            id(2001),
            at(0),
        )
        .unwrap();
    for (who, round, due) in [(OWN, 1, 20_000), (COLLEAGUE, 2, 30_000)] {
        store
            .add_plan_member(
                pid,
                &Member {
                    interviewer: who.into(),
                    round,
                    kit: None,
                    questions: QS.iter().map(|q| q.to_string()).collect(),
                    focus: vec!["apis-web".into()],
                    at: Some(at(due - 5_000)),
                    due: Some(at(due)),
                },
                at(1),
            )
            .unwrap();
    }
    scored_session(
        &mut store,
        2100,
        CANDIDATE,
        OWN,
        None,
        &QS,
        &[Some(3), Some(2), Some(4)],
        Recommendation::Yes,
    );
    let sid: SessionId = id(2100);
    store.attach_session(pid, sid).unwrap();
    let sessions = store.candidate_sessions(CANDIDATE).unwrap();
    let plan = store.candidate_plan(CANDIDATE, at(100_000)).unwrap();
    for (format, name) in [
        (ReportFormat::Md, "committee_planned_md"),
        (ReportFormat::Html, "committee_planned_html"),
        (ReportFormat::Csv, "committee_planned_csv"),
        (ReportFormat::Json, "committee_planned_json"),
    ] {
        let text = committee::render(
            &committee::build_planned(CANDIDATE, &sessions, plan.as_ref(), false, false),
            format,
        );
        let says = if format == ReportFormat::Json {
            "\"state\": \"overdue\""
        } else {
            "Waiting for"
        };
        assert!(text.contains(says), "{format:?}:\n{text}");
        snap!(name, text);
    }
}
