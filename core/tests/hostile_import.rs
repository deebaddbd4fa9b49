//! Imported session files are validated as strictly as bank files: each
//! case below breaks one invariant of a session made here, recomputes the
//! hash (as an attacker would), and must be refused with the field path and
//! the database unchanged. Afterwards every read path still works.

use panelist_core::import::owner_could_not;
use panelist_core::session::SessionFilter;
use panelist_core::session_file::SessionFile;
use panelist_core::{panel, Store};
use serde_json::{json, Value};

const ALAN: &str = include_str!("data/v1/alan.session.json");
const WIP: &str = include_str!("data/v1/wip.session.json");
const DRAFT: &str = include_str!("data/v1/draft.session.json");

/// The session document of a fixture, as JSON to edit.
fn doc(file: &str) -> Value {
    let v: Value = serde_json::from_str(file).unwrap();
    v["session"].clone()
}

/// A session file holding `session`, with its hash recomputed.
fn rehash(session: Value) -> Result<SessionFile, String> {
    let session = serde_json::from_value(session).map_err(|e| e.to_string())?;
    Ok(SessionFile::new(session))
}

fn refused(store: &mut Store, session: Value, needles: &[&str]) {
    let before = store.dump().unwrap();
    let msg = match rehash(session.clone()) {
        // Some breakages cannot even be represented (an unknown audit
        // action, say): the parser refuses them with the path.
        Err(_) => {
            let file = json!({"format": "panelist-session", "version": 1,
                              "session": session, "content_hash": "sha256:00"});
            SessionFile::parse(file.to_string().as_bytes())
                .expect_err("unparseable")
                .to_string()
        }
        Ok(file) => {
            // Through the bytes, as a real import reads them.
            let bytes = file.to_json();
            match SessionFile::parse(bytes.as_bytes()) {
                Err(e) => e.to_string(),
                Ok(f) => store
                    .import_sessions(&[f])
                    .expect_err("the file should have been refused")
                    .to_string(),
            }
        }
    };
    for n in needles {
        assert!(msg.contains(n), "error {msg:?} should mention {n:?}");
    }
    assert!(!msg.contains('\n'), "one line: {msg:?}");
    assert_eq!(store.dump().unwrap(), before, "database changed: {msg}");
}

fn edit(base: &str, f: impl FnOnce(&mut Value)) -> Value {
    let mut d = doc(base);
    f(&mut d);
    d
}

#[test]
fn valid_fixtures_import_so_the_cases_below_fail_for_their_own_reason() {
    let mut store = Store::open_in_memory().unwrap();
    for f in [ALAN, WIP, DRAFT] {
        let file = rehash(doc(f)).unwrap();
        store.import_sessions(&[file]).unwrap();
    }
}

#[test]
fn invalid_sessions_are_refused_with_the_field_path() {
    let mut store = Store::open_in_memory().unwrap();
    type Case = (&'static str, fn(&mut Value), &'static [&'static str]);
    let cases: Vec<Case> = vec![
        (
            ALAN,
            |d| d["created_at"] = json!("+10000-01-01T00:00:00Z"),
            &["created_at"],
        ),
        (
            ALAN,
            |d| d["created_at"] = json!("-0001-01-01T00:00:00Z"),
            &["created_at"],
        ),
        (
            ALAN,
            |d| d["updated_at"] = json!("1970-01-01T00:00:00Z"),
            &["updated_at"],
        ),
        (ALAN, |d| d["finished_at"] = Value::Null, &["finished_at"]),
        (
            ALAN,
            |d| d["recommendation"] = Value::Null,
            &["recommendation"],
        ),
        (
            ALAN,
            |d| d["finished_at"] = json!("2001-01-01T00:00:00Z"),
            &["finished_at"],
        ),
        (ALAN, |d| d["started_at"] = Value::Null, &["finished_at"]),
        (
            WIP,
            |d| d["finished_at"] = d["started_at"].clone(),
            &["finished_at"],
        ),
        (
            DRAFT,
            |d| d["started_at"] = d["created_at"].clone(),
            &["status"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["skipped"] = json!(true),
            &["entries[0].skipped"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["score"] = json!(9),
            &["entries[0].score"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["question"]["rubric"]["levels"] = json!([]),
            &["entries[0].question.rubric.levels"],
        ),
        (
            ALAN,
            |d| {
                let l = d["entries"][0]["question"]["rubric"]["levels"][0].clone();
                d["entries"][0]["question"]["rubric"]["levels"][1] = l;
            },
            &["entries[0].question.rubric.levels[1].value"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["look_fors_hit"] = json!([99]),
            &["entries[0].look_fors_hit[0]"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["look_fors_hit"] = json!([0, 0]),
            &["entries[0].look_fors_hit[1]"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["follow_ups_asked"] = json!([4000000000u64]),
            &["entries[0].follow_ups_asked[0]"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["question"]["minutes"] = json!(4294967295u64),
            &["entries[0].question.minutes"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["seconds_spent"] = json!(u64::MAX),
            &["entries[0].seconds_spent"],
        ),
        (
            ALAN,
            |d| d["entries"][1]["question"]["id"] = d["entries"][0]["question"]["id"].clone(),
            &["entries[1].question.id"],
        ),
        (ALAN, |d| d["entries"] = json!([]), &["entries"]),
        (
            ALAN,
            |d| d["candidate"]["name"] = json!(""),
            &["candidate.name"],
        ),
        (
            ALAN,
            |d| d["candidate"]["name"] = json!("\u{0}\u{0}"),
            &["candidate.name"],
        ),
        (
            ALAN,
            |d| d["candidate"]["name"] = json!("\u{200b} \u{a0}"),
            &["candidate.name"],
        ),
        (ALAN, |d| d["interviewer"] = json!("   "), &["interviewer"]),
        (
            ALAN,
            |d| d["candidate"]["name"] = json!("x".repeat(5000)),
            &["candidate.name"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["notes"] = json!("a\u{0}b"),
            &["entries[0].notes"],
        ),
        (ALAN, |d| d["revision"] = json!(u64::MAX), &["revision"]),
        (
            ALAN,
            |d| d["audit"][0]["action"] = json!("delete-everything"),
            &["audit[0].action"],
        ),
        (
            ALAN,
            |d| d["audit"][1]["reason"] = json!(" "),
            &["audit[1].reason"],
        ),
        (
            ALAN,
            |d| d["audit"][1]["actor"] = json!("Mallory"),
            &["audit[1].actor"],
        ),
        (
            ALAN,
            |d| d["audit"][1]["question_id"] = json!("no-such-question"),
            &["audit[1].question_id"],
        ),
        (
            ALAN,
            |d| d["audit"][1]["new_value"] = json!("99"),
            &["audit[1].new_value"],
        ),
        (
            ALAN,
            |d| d["audit"][1]["id"] = d["audit"][0]["id"].clone(),
            &["audit[1].id"],
        ),
        (ALAN, |d| d["audit"] = json!([]), &["audit"]),
        (WIP, |d| d["audit"] = doc(ALAN)["audit"].clone(), &["audit"]),
        (
            ALAN,
            |d| d["id"] = json!("00000000-0000-0000-0000-000000000000"),
            &["id"],
        ),
    ];
    for (base, f, needles) in cases {
        refused(&mut store, edit(base, f), needles);
    }
}

#[test]
fn a_refused_file_leaves_every_read_path_working() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .import_sessions(&[rehash(doc(ALAN)).unwrap()])
        .unwrap();
    refused(
        &mut store,
        edit(WIP, |d| d["updated_at"] = json!("+10000-01-01T00:00:00Z")),
        &["updated_at"],
    );
    assert_eq!(store.sessions(&SessionFilter::default()).unwrap().len(), 1);
    let all = store.all_sessions().unwrap();
    panel::calibration(&all, None);
    panel::compare(
        "Ada Lovelace",
        &store.candidate_sessions("Ada Lovelace").unwrap(),
        false,
    );
    panel::calibration_of(&store.ratings().unwrap(), None);
}

#[test]
fn a_newer_revision_may_only_do_what_its_owner_could() {
    let base: panelist_core::session::Session = serde_json::from_value(doc(ALAN)).unwrap();
    let newer = |f: fn(&mut Value)| {
        let mut d = doc(ALAN);
        f(&mut d);
        d["revision"] = json!(d["revision"].as_u64().unwrap() + 1);
        serde_json::from_value::<panelist_core::session::Session>(d).unwrap()
    };
    assert!(owner_could_not(&base, &newer(|_| {})).is_empty());
    for (f, needle) in [
        (
            (|d: &mut Value| d["entries"].as_array_mut().unwrap().truncate(1)) as fn(&mut Value),
            "questions",
        ),
        (|d| d["interviewer"] = json!("Someone Else"), "interviewer"),
        (
            |d| d["entries"][2]["score"] = json!(1),
            "without an amendment",
        ),
        (
            |d| d["entries"][0]["notes"] = json!("rewritten"),
            "after submission",
        ),
        (
            |d| d["recommendation"] = json!("strong-no"),
            "recommendation",
        ),
        (|d| d["status"] = json!("in_progress"), "went back"),
    ] {
        let problems = owner_could_not(&base, &newer(f)).join("; ");
        assert!(
            problems.contains(needle),
            "{problems:?} should mention {needle:?}"
        );
    }
    // Through import: the stored copy stays.
    let mut store = Store::open_in_memory().unwrap();
    store
        .import_sessions(&[rehash(doc(ALAN)).unwrap()])
        .unwrap();
    refused(
        &mut store,
        {
            let mut d = doc(ALAN);
            d["entries"][2]["score"] = json!(1);
            d["revision"] = json!(99);
            d
        },
        &["diverged", "without an amendment"],
    );
}

#[test]
fn candidate_identity_the_id_wins_and_a_clash_is_the_users_decision() {
    use panelist_core::import::{CandidateClash, ImportOptions};
    use panelist_core::CandidateId;
    let mut store = Store::open_in_memory().unwrap();
    store
        .import_sessions(&[rehash(doc(ALAN)).unwrap()])
        .unwrap();
    // Same person typed in another Unicode form and case, another id: one
    // candidate, and the result says how it was matched.
    let mut other = doc(WIP);
    other["candidate"]["name"] = json!("ADA\u{a0}LOVELACE\u{200b}");
    let r = store
        .import_sessions(&[rehash(other).unwrap()])
        .unwrap()
        .remove(0);
    assert!(
        r.candidate_note.as_deref().unwrap().contains("same name"),
        "{r:?}"
    );
    assert_eq!(store.candidate_sessions("ada lovelace").unwrap().len(), 2);

    // Alan's candidate id under another name: refused until the user decides.
    let mut clash = doc(DRAFT);
    clash["candidate"]["id"] = doc(ALAN)["candidate"]["id"].clone();
    clash["candidate"]["name"] = json!("Charles Babbage");
    refused(
        &mut store,
        clash.clone(),
        &["candidate id", "Charles Babbage", "Ada Lovelace"],
    );
    let apart = ImportOptions {
        clash: CandidateClash::KeepApart,
        new_candidate_id: "01900000-0000-7000-8000-00000000beef"
            .parse::<CandidateId>()
            .unwrap(),
        accept_new_key: false,
    };
    let r = store
        .import_sessions_with(&[rehash(clash.clone()).unwrap()], &apart)
        .unwrap()
        .remove(0);
    assert!(r.candidate_note.unwrap().contains("kept apart"));
    assert_eq!(
        store.candidate_sessions("Charles Babbage").unwrap().len(),
        1
    );
    assert_eq!(store.candidate_sessions("Ada Lovelace").unwrap().len(), 2);
}

/// Numbers and shapes beyond the documented ranges (`panelist_core::validate`)
/// are refused at the door with the field path, never a panic.
#[test]
fn numbers_and_shapes_out_of_range_are_refused_without_a_panic() {
    let mut store = Store::open_in_memory().unwrap();
    type Case = (&'static str, fn(&mut Value), &'static [&'static str]);
    let cases: Vec<Case> = vec![
        // A rubric level of i64::MIN: once "attempt to negate with overflow".
        (
            ALAN,
            |d| d["entries"][0]["question"]["rubric"]["levels"][0]["value"] = json!(i64::MIN),
            &["entries[0].question.rubric.levels[0].value"],
        ),
        (
            ALAN,
            |d| {
                let l = &mut d["entries"][0]["question"]["rubric"]["levels"];
                l[0]["value"] = json!(-1_000_000);
                let n = l.as_array().unwrap().len();
                l[n - 1]["value"] = json!(1_000_000);
                d["entries"][0]["score"] = Value::Null;
            },
            &["entries[0].question.rubric.levels[0].value"],
        ),
        (
            ALAN,
            |d| {
                let l = &mut d["entries"][0]["question"]["rubric"]["levels"];
                let n = l.as_array().unwrap().len();
                l[n - 1]["value"] = json!(i64::MAX);
                d["entries"][0]["score"] = Value::Null;
            },
            &["entries[0].question.rubric.levels[3].value"],
        ),
        (
            ALAN,
            |d| {
                let l = d["entries"][0]["question"]["rubric"]["levels"][0].clone();
                let levels: Vec<Value> = (0..11)
                    .map(|v| {
                        let mut x = l.clone();
                        x["value"] = json!(v);
                        x
                    })
                    .collect();
                d["entries"][0]["question"]["rubric"]["levels"] = json!(levels);
            },
            &["entries[0].question.rubric.levels", "11"],
        ),
        (
            ALAN,
            |d| {
                d["entries"][0]["question"]["rubric"]["levels"][0]["label"] = json!("x".repeat(300))
            },
            &["entries[0].question.rubric.levels[0].label"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["question"]["prompt"] = json!("p".repeat(2_000_000)),
            &["entries[0].question.prompt"],
        ),
        (
            ALAN,
            |d| d["entries"][0]["competency_name"] = json!("APIs\u{1b}[31m"),
            &["entries[0].competency_name"],
        ),
        // A leap second.
        (
            ALAN,
            |d| d["updated_at"] = json!("2026-03-02T14:49:60Z"),
            &["updated_at", "leap"],
        ),
        // Look-fors ascending, as the format says.
        (
            ALAN,
            |d| d["entries"][0]["look_fors_hit"] = json!([1, 0]),
            &["entries[0].look_fors_hit[1]", "ascending"],
        ),
        // Ids are UUIDv7s.
        (
            ALAN,
            |d| d["id"] = json!("01900000-0000-4000-8000-0000000000c8"),
            &["id", "UUIDv7"],
        ),
        (
            ALAN,
            |d| d["candidate"]["id"] = json!("01900000-0000-4000-8000-000000000065"),
            &["candidate.id", "UUIDv7"],
        ),
        (
            ALAN,
            |d| d["audit"][0]["id"] = json!("01900000-0000-4000-8000-0000000000ca"),
            &["audit[0].id", "UUIDv7"],
        ),
        // Red flags are trimmed with blank ones dropped.
        (
            ALAN,
            |d| d["red_flags"] = json!(["late", "  "]),
            &["red_flags[1]"],
        ),
        // The submission records the session's recommendation.
        (
            ALAN,
            |d| d["audit"][0]["new_value"] = json!("strong-yes"),
            &["audit[0].new_value", "recommendation"],
        ),
    ];
    let mut failed = Vec::new();
    for (base, f, needles) in cases {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            refused(&mut store, edit(base, f), needles)
        }));
        if r.is_err() {
            failed.push(needles);
        }
    }
    assert!(failed.is_empty(), "not refused cleanly: {failed:?}");
}

/// What a Panelist can write, another Panelist reads: a session made from
/// questions at the edge of every range exports and imports elsewhere.
#[test]
fn a_session_at_the_edge_of_every_range_travels() {
    let mut d = doc(ALAN);
    let level = d["entries"][0]["question"]["rubric"]["levels"][0].clone();
    let levels: Vec<Value> = (0..10)
        .map(|v| {
            let mut x = level.clone();
            x["value"] = json!(v + 1);
            x["label"] = json!("L".repeat(100));
            x
        })
        .collect();
    d["entries"][0]["question"]["rubric"]["levels"] = json!(levels);
    d["entries"][0]["score"] = Value::Null;
    d["entries"][0]["question"]["prompt"] = json!("p".repeat(10_000));
    d["entries"][0]["seconds_spent"] = json!(86_400);
    let mut store = Store::open_in_memory().unwrap();
    store.import_sessions(&[rehash(d).unwrap()]).unwrap();
}
