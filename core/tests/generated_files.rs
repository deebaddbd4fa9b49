//! Generated adversarial files: session files and bank files made from the
//! valid fixtures in `core/tests/data` and mutated (numbers from the whole
//! i64 range and its edges, strings with control characters or far over a
//! limit, blank strings, removed and duplicated fields, reordered look-fors,
//! non-v7 ids, leap seconds, any number of levels).
//!
//! Properties:
//! - importing never panics: the file is accepted or refused with an error;
//! - a refused file leaves the database file (and its log) byte-identical;
//! - for an accepted file, the Markdown, HTML and CSV reports are at most a
//!   linear function of the file's size;
//! - a bank file that is accepted makes sessions that another installation
//!   imports, and so does any sequence of session edits (what one door
//!   accepts, every door accepts);
//! - the statistics take any i64 level values without a panic.
//!
//! Which generator produces each case of issue 18 ("Panics and blow-ups",
//! "Rules in several places") and issue 17's unenforced rules:
//! - rubric level −9223372036854775808 (import exit 101): `number()` →
//!   `Just(i64::MIN)`, applied by `SessionEdit::Number` to a level value, and
//!   by `SessionEdit::Levels`;
//! - bank levels i64::MIN and i64::MAX (compare/report panic, 128 GB):
//!   `bank_levels()` (values from `number()`), then `accepted_bank_travels`
//!   runs compare and every report on what was accepted;
//! - levels ±1,000,000 (247 MB report): `number()` → `Just(±1_000_000)`;
//! - 30 levels: `bank_levels()` and `SessionEdit::Levels` draw 0 to 40 levels;
//! - 300-character and multi-line labels: `nasty_text()` → lengths around
//!   every limit (300 among them) and `Just("two\nlines")`, on labels;
//! - control characters in competency names: `nasty_text()` → the control
//!   class, applied by `BankEdit::Text` to `competencies[i].name`;
//! - 2 MB prompts: `nasty_text()` → length 2 MiB, on `prompt`;
//! - a leap second: `timestamp()` draws seconds 0 to 60 and `…:49:60Z`;
//! - look-fors out of order (`[1,0]`): `SessionEdit::Hits` (any order);
//! - a v4 id: `uuid_text()` draws every version nibble;
//! - blank red flags: `nasty_text()` → `"   "`, on `red_flags[0]`;
//! - a submission whose `new_value` is not the recommendation:
//!   `SessionEdit::Text` on `audit/0/new_value` with `recommendation()`;
//! - `retention --days 100000000`: `retention_values()` in
//!   `retention_never_panics`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use panelist_core::committee::{self, ReportFormat};
use panelist_core::session::{PanelSession, Session};
use panelist_core::session_file::SessionFile;
use panelist_core::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};

const SESSIONS: [&str; 5] = [
    include_str!("data/v1/alan.session.json"),
    include_str!("data/v1/barbara.session.json"),
    include_str!("data/v1/wip.session.json"),
    include_str!("data/v1/draft.session.json"),
    include_str!("data/v1/own.session.json"),
];
const BANK: &str = include_str!("data/v1/bank.json");

/// Report bytes allowed per input byte, and a constant for the fixed parts
/// (styles, headings). Before the ranges, a 7 kB file made a 247 MB report.
const PER_BYTE: usize = 40;
const FIXED: usize = 200_000;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------
// Generators

/// Any i64, weighted towards the documented range's edges and the values of
/// issue 18.
fn number() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => -2i64..=12,
        1 => Just(i64::MIN),
        1 => Just(i64::MAX),
        1 => Just(-1_000_000i64),
        1 => Just(1_000_000i64),
        1 => Just(u32::MAX as i64),
        1 => Just(86_401i64),
        1 => Just(1_000_000_001i64),
        2 => any::<i64>(),
    ]
}

/// Strings that break a rule: blank, control characters, line breaks, and
/// lengths on both sides of every limit (up to 2 MiB).
fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z][A-Za-z ]{0,15}",
        1 => Just(String::new()),
        1 => Just("   ".to_string()),
        1 => Just("two\nlines".to_string()),
        2 => "[A-Za-z]{0,6}[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}][A-Za-z]{0,6}",
        1 => "\\PC{1,20}",
        2 => prop::sample::select(vec![
            99usize, 100, 101, 199, 200, 201, 300, 9_999, 10_000, 10_001, 2 * 1024 * 1024,
        ])
        .prop_map(|n| "x".repeat(n)),
    ]
}

/// RFC 3339 timestamps: ordinary ones, leap seconds (second 60), years out
/// of range, other offsets.
fn timestamp() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0u32..24, 0u32..60, 0u32..=60)
            .prop_map(|(h, m, s)| format!("2026-03-02T{h:02}:{m:02}:{s:02}Z")),
        1 => Just("2026-03-02T14:49:60Z".to_string()),
        1 => Just("1999-12-31T23:59:59Z".to_string()),
        1 => Just("2201-01-01T00:00:00Z".to_string()),
        1 => Just("+10000-01-01T00:00:00Z".to_string()),
        1 => Just("2026-03-02T15:00:00.5+01:00".to_string()),
    ]
}

/// UUIDs of every version and variant, and the nil id.
fn uuid_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (any::<u128>(), 0u128..16).prop_map(|(r, v)| {
            let u = (r & !(0xF << 76)) | (v << 76);
            uuid::Uuid::from_u128(u).to_string()
        }),
        1 => Just(uuid::Uuid::nil().to_string()),
    ]
}

fn recommendation() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "strong-no",
        "no",
        "none",
        "yes",
        "strong-yes",
        "maybe",
    ])
    .prop_map(str::to_string)
}

/// A fresh UUIDv7 for the session, so accepted files add sessions rather
/// than meet the stored copy.
fn v7() -> impl Strategy<Value = String> {
    any::<u128>().prop_map(|r| {
        let u = (r & !(0xF << 76) & !(0x3 << 62)) | (0x7 << 76) | (0x2 << 62);
        uuid::Uuid::from_u128(u).to_string()
    })
}

#[derive(Debug, Clone)]
enum SessionEdit {
    /// A number at a JSON pointer (`{e}`: the entry).
    Number(&'static str, i64),
    Text(&'static str, String),
    Time(&'static str, String),
    Id(&'static str, String),
    Remove(&'static str),
    /// The first entry again at the end.
    DuplicateEntry,
    /// An entry's rubric replaced by levels of these values.
    Levels(Vec<i64>),
    /// Look-fors (or follow-ups) hit, in any order.
    Hits(&'static str, Vec<u32>),
    /// A field written twice in the JSON text.
    DuplicateField,
}

fn session_edit() -> impl Strategy<Value = SessionEdit> {
    let numbers = prop::sample::select(vec![
        "/entries/{e}/question/rubric/levels/0/value",
        "/entries/{e}/question/rubric/levels/1/value",
        "/entries/{e}/question/rubric/levels/3/value",
        "/entries/{e}/score",
        "/entries/{e}/question/minutes",
        "/entries/{e}/seconds_spent",
        "/entries/{e}/look_fors_hit/0",
        "/revision",
    ]);
    let texts = prop::sample::select(vec![
        "/candidate/name",
        "/interviewer",
        "/role",
        "/kit",
        "/summary",
        "/red_flags/0",
        "/entries/{e}/notes",
        "/entries/{e}/competency_name",
        "/entries/{e}/question/prompt",
        "/entries/{e}/question/competency",
        "/entries/{e}/question/look_fors/0",
        "/entries/{e}/question/rubric/levels/0/label",
        "/entries/{e}/question/rubric/levels/1/anchor",
        "/audit/0/reason",
        "/audit/1/reason",
    ]);
    let times = prop::sample::select(vec![
        "/created_at",
        "/started_at",
        "/finished_at",
        "/updated_at",
        "/audit/0/at",
    ]);
    let ids = prop::sample::select(vec!["/id", "/candidate/id", "/audit/0/id", "/audit/1/id"]);
    let removable = prop::sample::select(vec![
        "/summary",
        "/entries/{e}/score",
        "/entries/{e}/question/rubric",
        "/audit/0",
        "/candidate/id",
    ]);
    prop_oneof![
        4 => (numbers, number()).prop_map(|(p, n)| SessionEdit::Number(p, n)),
        3 => (texts, nasty_text()).prop_map(|(p, s)| SessionEdit::Text(p, s)),
        1 => recommendation().prop_map(|r| SessionEdit::Text("/audit/0/new_value", r)),
        2 => (times, timestamp()).prop_map(|(p, t)| SessionEdit::Time(p, t)),
        2 => (ids, uuid_text()).prop_map(|(p, u)| SessionEdit::Id(p, u)),
        1 => removable.prop_map(SessionEdit::Remove),
        1 => Just(SessionEdit::DuplicateEntry),
        2 => prop::collection::vec(number(), 0..=40).prop_map(SessionEdit::Levels),
        2 => (
            prop::sample::select(vec!["look_fors_hit", "follow_ups_asked"]),
            prop::collection::vec(0u32..8, 0..5)
        )
            .prop_map(|(f, v)| SessionEdit::Hits(f, v)),
        1 => Just(SessionEdit::DuplicateField),
    ]
}

/// A session file's bytes: a fixture with a fresh id, then the edits, the
/// hash recomputed as an attacker would (when the session still has a shape).
fn session_file() -> impl Strategy<Value = Vec<u8>> {
    (
        0..SESSIONS.len(),
        v7(),
        0usize..4,
        prop::collection::vec(session_edit(), 0..4),
    )
        .prop_map(|(base, id, e, edits)| {
            let mut doc: Value = serde_json::from_str(SESSIONS[base]).unwrap();
            let mut s = doc["session"].take();
            s["id"] = json!(id);
            let mut duplicate_field = false;
            for edit in &edits {
                duplicate_field |= apply_session_edit(&mut s, e, edit);
            }
            let text = match serde_json::from_value::<Session>(s.clone()) {
                Ok(session) => SessionFile::new(session).to_json(),
                Err(_) => json!({"format": "panelist-session", "version": 1,
                                 "session": s, "content_hash": "sha256:00"})
                .to_string(),
            };
            if duplicate_field {
                text.replacen("\"revision\":", "\"revision\": 1, \"revision\":", 1)
                    .into_bytes()
            } else {
                text.into_bytes()
            }
        })
}

fn set(doc: &mut Value, pointer: &str, v: Value) {
    if let Some(slot) = doc.pointer_mut(pointer) {
        *slot = v;
    }
}

fn remove(doc: &mut Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    match doc.pointer_mut(parent) {
        Some(Value::Object(o)) => {
            o.remove(key);
        }
        Some(Value::Array(a)) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < a.len() {
                    a.remove(i);
                }
            }
        }
        _ => {}
    }
}

/// Applies one edit; true when the JSON text must repeat a field.
fn apply_session_edit(s: &mut Value, e: usize, edit: &SessionEdit) -> bool {
    let at = |p: &str| p.replace("{e}", &e.to_string());
    match edit {
        SessionEdit::Number(p, n) => set(s, &at(p), json!(n)),
        SessionEdit::Text(p, t) => set(s, &at(p), json!(t)),
        SessionEdit::Time(p, t) => set(s, &at(p), json!(t)),
        SessionEdit::Id(p, u) => set(s, &at(p), json!(u)),
        SessionEdit::Remove(p) => remove(s, &at(p)),
        SessionEdit::DuplicateEntry => {
            if let Some(first) = s["entries"].get(0).cloned() {
                if let Some(a) = s["entries"].as_array_mut() {
                    a.push(first);
                }
            }
        }
        SessionEdit::Levels(values) => {
            let levels: Vec<Value> = values
                .iter()
                .map(|v| json!({"value": v, "label": format!("L{v}"), "anchor": "a"}))
                .collect();
            set(s, &at("/entries/{e}/question/rubric/levels"), json!(levels));
        }
        SessionEdit::Hits(f, v) => set(s, &at(&format!("/entries/{{e}}/{f}")), json!(v)),
        SessionEdit::DuplicateField => return true,
    }
    false
}

#[derive(Debug, Clone)]
enum BankEdit {
    Number(&'static str, i64),
    Text(&'static str, String),
    Remove(&'static str),
    /// A question's levels replaced by these values (each with a label).
    Levels(Vec<i64>),
    /// The scale replaced by these values.
    Scale(Vec<i64>),
    /// A list replaced by `n` copies of an item.
    LongList(&'static str, usize),
    DuplicateQuestion,
    Version(i64),
}

fn bank_levels() -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(number(), 0..=40)
}

fn bank_edit() -> impl Strategy<Value = BankEdit> {
    let numbers = prop::sample::select(vec![
        "/questions/0/levels/0/value",
        "/questions/0/levels/2/value",
        "/questions/1/minutes",
        "/scale/0/value",
    ]);
    let texts = prop::sample::select(vec![
        "/competencies/0/name",
        "/competencies/0/description",
        "/competencies/0/id",
        "/questions/0/prompt",
        "/questions/0/id",
        "/questions/0/look_fors/0",
        "/questions/0/follow_ups/0",
        "/questions/0/levels/0/label",
        "/questions/0/levels/1/anchor",
        "/scale/1/label",
        "/kits/0/name",
        "/kits/0/description",
    ]);
    let removable = prop::sample::select(vec![
        "/scale",
        "/competencies/0",
        "/questions/0/levels/0",
        "/kits/0/questions/0",
    ]);
    prop_oneof![
        3 => (numbers, number()).prop_map(|(p, n)| BankEdit::Number(p, n)),
        4 => (texts, nasty_text()).prop_map(|(p, s)| BankEdit::Text(p, s)),
        1 => removable.prop_map(BankEdit::Remove),
        3 => bank_levels().prop_map(BankEdit::Levels),
        1 => bank_levels().prop_map(BankEdit::Scale),
        1 => (
            prop::sample::select(vec!["look_fors", "follow_ups", "sources"]),
            // 6/7 and 9/10: the live screen's keys for follow-ups and look-fors.
            prop::sample::select(vec![6usize, 7, 9, 10, 99, 100, 101, 1000])
        )
            .prop_map(|(f, n)| BankEdit::LongList(f, n)),
        1 => Just(BankEdit::DuplicateQuestion),
        1 => (-1i64..4).prop_map(BankEdit::Version),
    ]
}

fn bank_file() -> impl Strategy<Value = (Vec<u8>, bool)> {
    (prop::collection::vec(bank_edit(), 0..4), any::<bool>()).prop_map(|(edits, retire)| {
        let mut b: Value = serde_json::from_str(BANK).unwrap();
        for edit in &edits {
            match edit {
                BankEdit::Number(p, n) => set(&mut b, p, json!(n)),
                BankEdit::Text(p, t) => set(&mut b, p, json!(t)),
                BankEdit::Remove(p) => remove(&mut b, p),
                BankEdit::Levels(values) => {
                    let levels: Vec<Value> = values
                        .iter()
                        .map(|v| json!({"value": v, "label": format!("L{v}"), "anchor": "a"}))
                        .collect();
                    set(&mut b, "/questions/0/levels", json!(levels));
                }
                BankEdit::Scale(values) => {
                    let scale: Vec<Value> = values
                        .iter()
                        .map(|v| json!({"value": v, "label": format!("S{v}")}))
                        .collect();
                    b["scale"] = json!(scale);
                }
                BankEdit::LongList(f, n) => set(
                    &mut b,
                    &format!("/questions/0/{f}"),
                    json!(vec!["item"; *n]),
                ),
                BankEdit::DuplicateQuestion => {
                    let q = b["questions"][0].clone();
                    if let Some(a) = b["questions"].as_array_mut() {
                        a.push(q);
                    }
                }
                BankEdit::Version(v) => b["version"] = json!(v),
            }
        }
        // `retired` in whatever version the file has (version 1 refuses it).
        if retire {
            if let Some(q) = b.pointer_mut("/questions/1") {
                q["retired"] = json!(true);
            }
        }
        (b.to_string().into_bytes(), retire)
    })
}

// ---------------------------------------------------------------------------
// Harness

/// The database file and its log, byte for byte.
fn db_bytes(path: &Path) -> (Vec<u8>, Vec<u8>) {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    (
        std::fs::read(path).unwrap(),
        std::fs::read(PathBuf::from(wal)).unwrap_or_default(),
    )
}

fn temp_store() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("panelist.db");
    let store = Store::open(&path).unwrap();
    (dir, path, store)
}

/// Every report of an accepted session, each at most linear in `input`.
fn reports_are_linear(session: &Session, input: usize) -> Result<(), TestCaseError> {
    let bound = FIXED + PER_BYTE * input;
    let ps = PanelSession {
        session: session.clone(),
        imported: true,
        sealed: false,
    };
    let sessions = [ps];
    let report = committee::build(&session.candidate.name, &sessions, false, true);
    let outputs = [
        (
            "session markdown",
            panelist_core::report::session_markdown(session),
        ),
        ("committee md", committee::render(&report, ReportFormat::Md)),
        (
            "committee html",
            committee::render(&report, ReportFormat::Html),
        ),
        (
            "committee csv",
            committee::render(&report, ReportFormat::Csv),
        ),
        ("sessions csv", committee::sessions_csv(&sessions)),
    ];
    for (what, out) in outputs {
        prop_assert!(
            out.len() <= bound,
            "{what}: {} bytes from a {input}-byte file",
            out.len()
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Properties

#[test]
fn generated_session_files_import_or_are_refused_cleanly() {
    let (_dir, path, store) = temp_store();
    let store = RefCell::new(store);
    let counts = RefCell::new((0u32, 0u32));
    let mut runner = TestRunner::new(config(384));
    runner
        .run(&session_file(), |bytes| {
            let mut store = store.borrow_mut();
            let before = db_bytes(&path);
            let outcome = SessionFile::parse(&bytes)
                .and_then(|f| store.import_sessions(std::slice::from_ref(&f)).map(|_| f));
            match outcome {
                Ok(f) => {
                    counts.borrow_mut().0 += 1;
                    reports_are_linear(&f.session, bytes.len())?
                }
                Err(e) => {
                    counts.borrow_mut().1 += 1;
                    let msg = e.to_string();
                    prop_assert!(!msg.contains('\n'), "one line: {msg:?}");
                    prop_assert!(db_bytes(&path) == before, "database changed: {msg}");
                }
            }
            Ok(())
        })
        .unwrap();
    both_kinds("session files", counts.into_inner());
}

/// The generators make both kinds of file, or a property tests nothing.
fn both_kinds(what: &str, (accepted, refused): (u32, u32)) {
    eprintln!("{what}: {accepted} accepted, {refused} refused");
    assert!(
        accepted > 0 && refused > 0,
        "{what}: {accepted} accepted, {refused} refused"
    );
}

#[test]
fn generated_bank_files_import_or_are_refused_cleanly() {
    let (_dir, path, store) = temp_store();
    let store = RefCell::new(store);
    let counts = RefCell::new((0u32, 0u32));
    let mut runner = TestRunner::new(config(256));
    runner
        .run(&bank_file(), |(bytes, _)| {
            let mut store = store.borrow_mut();
            let before = db_bytes(&path);
            match store.import_bank_bytes(&bytes) {
                Ok(_) => counts.borrow_mut().0 += 1,
                Err(e) => {
                    counts.borrow_mut().1 += 1;
                    let msg = e.to_string();
                    prop_assert!(!msg.contains('\n'), "one line: {msg:?}");
                    prop_assert!(db_bytes(&path) == before, "database changed: {msg}");
                }
            }
            Ok(())
        })
        .unwrap();
    both_kinds("bank files", counts.into_inner());
}

/// What this installation's bank accepts makes sessions that another
/// installation imports, and compare and every report stay linear.
#[test]
fn accepted_bank_travels() {
    let mut runner = TestRunner::new(config(96));
    runner
        .run(&bank_file(), |(bytes, _)| {
            let mut store = Store::open_in_memory().unwrap();
            let Ok(report) = store.import_bank_bytes(&bytes) else {
                return Ok(());
            };
            let _ = report;
            let file: Value = serde_json::from_slice(&bytes).unwrap();
            let Some(qid) = file["questions"][0]["id"].as_str() else {
                return Ok(());
            };
            let q = store.question(qid).unwrap();
            let new = panelist_core::session::NewSession {
                candidate: "Ada Lovelace".into(),
                interviewer: "Grace Hopper".into(),
                role: String::new(),
                kit: None,
                question_ids: vec![qid.to_string()],
            };
            let t = chrono::DateTime::parse_from_rfc3339("2026-03-02T14:00:00Z")
                .unwrap()
                .to_utc();
            let sid = uuid::Uuid::now_v7().into();
            store
                .create_and_start_session(&new, sid, uuid::Uuid::now_v7().into(), t)
                .unwrap();
            let top = q.rubric.levels.last().unwrap().value;
            store.set_score(sid, qid, Some(top), t).unwrap();
            store
                .set_notes(sid, qid, &q.prompt, t + chrono::Duration::seconds(1))
                .unwrap();
            let exported = store.session_file(sid).unwrap();
            let text = exported.to_json();
            let mut other = Store::open_in_memory().unwrap();
            let parsed = SessionFile::parse(text.as_bytes());
            prop_assert!(parsed.is_ok(), "{:?}", parsed.err());
            let imported = other.import_sessions(&[parsed.unwrap()]);
            prop_assert!(imported.is_ok(), "{:?}", imported.err());
            panelist_core::panel::compare(
                "Ada Lovelace",
                &store.candidate_sessions("Ada Lovelace").unwrap(),
                true,
            );
            reports_are_linear(&store.session(sid).unwrap(), text.len())
        })
        .unwrap();
}

/// Retention values from the whole range: the setter refuses what is out of
/// range, and a stored value of any kind never makes `apply` panic.
#[test]
fn retention_never_panics() {
    fn retention_values() -> impl Strategy<Value = (u32, String)> {
        (
            prop_oneof![
                Just(100_000_000u32),
                Just(0),
                Just(36_501),
                any::<u32>(),
                1u32..=36_500
            ],
            prop_oneof![
                any::<i64>().prop_map(|v| v.to_string()),
                Just("100000000".to_string()),
                Just(u64::MAX.to_string()),
                "\\PC{0,8}",
            ],
        )
    }
    let (_dir, _path, store) = temp_store();
    let store = RefCell::new(store);
    let mut runner = TestRunner::new(config(128));
    runner
        .run(&retention_values(), |(days, stored)| {
            let mut store = store.borrow_mut();
            let now = chrono::DateTime::parse_from_rfc3339("2026-03-02T14:00:00Z")
                .unwrap()
                .to_utc();
            let ok = store.set_retention_days(Some(days)).is_ok();
            prop_assert_eq!(ok, (1..=36_500).contains(&days));
            store.set_setting("retention_days", &stored).unwrap();
            let _ = store.apply_retention(now, uuid::Uuid::now_v7);
            let _ = store.retention_days();
            Ok(())
        })
        .unwrap();
}

/// The statistics take any level values a database may hold (an older
/// version accepted any i64) without a panic, and give finite figures or
/// none.
#[test]
fn statistics_never_panic_on_any_level_values() {
    use panelist_core::stats::{self, Metric, RatingMatrix};
    let ratings = prop::collection::vec((0u8..6, 0u8..4, number()), 0..40);
    let mut runner = TestRunner::new(config(256));
    runner
        .run(&ratings, |triples| {
            let values: Vec<f64> = triples.iter().map(|t| t.2 as f64).collect();
            for x in [
                stats::mean(&values),
                stats::sd(&values),
                stats::spread(&values),
            ]
            .into_iter()
            .flatten()
            {
                prop_assert!(!x.is_nan(), "{x}");
            }
            let m = RatingMatrix::from_triples(
                triples
                    .iter()
                    .map(|(u, r, v)| (format!("u{u}"), format!("r{r}"), *v as f64)),
            );
            for metric in [Metric::Nominal, Metric::Interval, Metric::Ordinal] {
                let _ = stats::krippendorff_alpha(&m, metric);
            }
            let _ = stats::icc(&m);
            let _ = stats::leniency(&m);
            Ok(())
        })
        .unwrap();
}

#[derive(Debug, Clone)]
enum SessionOp {
    Score(usize, i64),
    Notes(usize, String),
    Time(usize, u64),
    LookFor(usize, u32, bool),
    WrapUp(String, Vec<String>, Option<&'static str>),
    Submit(&'static str, Option<String>),
    Amend(usize, i64, String),
    Details(String, String, String),
}

fn rec_str() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["strong-no", "no", "none", "yes", "strong-yes"])
}

fn session_op() -> impl Strategy<Value = SessionOp> {
    let seconds = prop_oneof![
        Just(0u64),
        Just(86_400),
        Just(86_401),
        Just(u64::MAX),
        any::<u64>(),
        0u64..4000
    ];
    prop_oneof![
        3 => (0usize..3, number()).prop_map(|(q, v)| SessionOp::Score(q, v)),
        2 => (0usize..3, nasty_text()).prop_map(|(q, t)| SessionOp::Notes(q, t)),
        2 => (0usize..3, seconds).prop_map(|(q, s)| SessionOp::Time(q, s)),
        1 => (0usize..3, 0u32..8, any::<bool>()).prop_map(|(q, i, on)| SessionOp::LookFor(q, i, on)),
        2 => (
            nasty_text(),
            prop::collection::vec(nasty_text(), 0..3),
            prop::option::of(rec_str())
        )
            .prop_map(|(s, f, r)| SessionOp::WrapUp(s, f, r)),
        1 => (rec_str(), prop::option::of(nasty_text())).prop_map(|(r, s)| SessionOp::Submit(r, s)),
        1 => (0usize..3, number(), nasty_text()).prop_map(|(q, v, r)| SessionOp::Amend(q, v, r)),
        1 => (nasty_text(), nasty_text(), nasty_text())
            .prop_map(|(c, i, r)| SessionOp::Details(c, i, r)),
    ]
}

/// Whatever the session doors let through (scores, notes, time, ticks,
/// wrap-up, submission, amendments, details from the generators above), the
/// exported file imports on another installation: what one door accepts,
/// every door accepts.
#[test]
fn whatever_the_session_doors_accept_travels() {
    use panelist_core::session::{NewSession, Recommendation, SessionDetails, WrapUp};
    const QS: [&str; 3] = ["rest-api-design", "sql-vs-nosql", "team-collaboration"];
    let mut runner = TestRunner::new(config(64));
    runner
        .run(&prop::collection::vec(session_op(), 1..12), |ops| {
            let mut store = Store::open_in_memory().unwrap();
            let t0 = chrono::DateTime::parse_from_rfc3339("2026-03-02T14:00:00Z")
                .unwrap()
                .to_utc();
            let new = NewSession {
                candidate: "Ada Lovelace".into(),
                interviewer: "Grace Hopper".into(),
                role: "Backend engineer".into(),
                kit: None,
                question_ids: QS.iter().map(|s| s.to_string()).collect(),
            };
            let sid = uuid::Uuid::now_v7().into();
            store
                .create_and_start_session(&new, sid, uuid::Uuid::now_v7().into(), t0)
                .unwrap();
            for (i, op) in ops.iter().enumerate() {
                let now = t0 + chrono::Duration::seconds(i as i64 + 1);
                let audit = uuid::Uuid::now_v7().into();
                let _ = match op {
                    SessionOp::Score(q, v) => store.set_score(sid, QS[*q], Some(*v), now),
                    SessionOp::Notes(q, t) => store.set_notes(sid, QS[*q], t, now),
                    SessionOp::Time(q, s) => store.add_time(sid, QS[*q], *s, now),
                    SessionOp::LookFor(q, j, on) => store.set_look_for(sid, QS[*q], *j, *on, now),
                    SessionOp::WrapUp(summary, red_flags, rec) => {
                        let wrap = WrapUp {
                            summary: summary.clone(),
                            red_flags: red_flags.clone(),
                            recommendation: rec.map(|r| Recommendation::parse(r).unwrap()),
                        };
                        store.set_wrap_up(sid, &wrap, now)
                    }
                    SessionOp::Submit(rec, summary) => store
                        .submit(
                            sid,
                            Recommendation::parse(rec).unwrap(),
                            summary.as_deref(),
                            audit,
                            now,
                        )
                        .map(|_| ()),
                    SessionOp::Amend(q, v, reason) => store
                        .amend_score(sid, QS[*q], *v, reason, audit, now)
                        .map(|_| ()),
                    SessionOp::Details(candidate, interviewer, role) => {
                        let d = SessionDetails {
                            candidate: candidate.clone(),
                            interviewer: interviewer.clone(),
                            role: role.clone(),
                        };
                        store
                            .edit_details(sid, &d, uuid::Uuid::now_v7().into(), now)
                            .map(|_| ())
                    }
                };
            }
            let text = store.session_file(sid).unwrap().to_json();
            let parsed = SessionFile::parse(text.as_bytes());
            prop_assert!(parsed.is_ok(), "{:?}", parsed.err());
            let mut other = Store::open_in_memory().unwrap();
            let imported = other.import_sessions(&[parsed.unwrap()]);
            prop_assert!(imported.is_ok(), "{:?}", imported.err());
            reports_are_linear(&store.session(sid).unwrap(), text.len())
        })
        .unwrap();
}
