//! Bad input gets a clear error naming what is wrong, and changes nothing:
//! every case compares the whole database before and after.

mod common;

use common::*;
use panelist_core::session::{Recommendation, WrapUp};
use panelist_core::{Error, Store};

/// Runs `op`, expects an error whose message contains every `needle`, and
/// checks that the database is exactly as before.
fn refused<T: std::fmt::Debug>(
    store: &mut Store,
    op: impl FnOnce(&mut Store) -> Result<T, Error>,
    needles: &[&str],
) -> Error {
    let before = store.dump().unwrap();
    let err = op(store).expect_err("the operation should have been refused");
    let msg = err.to_string();
    for n in needles {
        assert!(msg.contains(n), "error {msg:?} should mention {n:?}");
    }
    assert!(!msg.contains('\n'), "one line: {msg:?}");
    assert_eq!(
        store.dump().unwrap(),
        before,
        "database changed after: {msg}"
    );
    err
}

fn bank_json(question_patch: &str) -> String {
    format!(
        r#"{{"format":"panelist-bank","version":1,
  "competencies":[{{"id":"testing","name":"Testing"}}],
  "questions":[
    {{"id":"good-one","prompt":"What is a test double?","competency":"testing","seniority":"junior",
      "kind":"concept","minutes":5,"look_fors":["a","b"],"follow_ups":["c"],
      "levels":[{{"value":1,"anchor":"x"}},{{"value":2,"anchor":"y"}},{{"value":3,"anchor":"z"}}]}},
    {question_patch}
  ]}}"#
    )
}

const GOOD_Q: &str = r#"{"id":"second","prompt":"Why mock?","competency":"testing","seniority":"mid",
      "kind":"concept","minutes":5,"look_fors":["a","b"],"follow_ups":["c"],
      "levels":[{"value":1,"anchor":"x"},{"value":4,"anchor":"y"}]}"#;

#[test]
fn a_valid_file_imports_so_the_cases_below_fail_for_their_own_reason() {
    let (mut store, _) = store_with_session();
    let r = store
        .import_bank_bytes(bank_json(GOOD_Q).as_bytes())
        .unwrap();
    assert_eq!(r.questions_added, 2);
    assert_eq!(
        store.question("second").unwrap().rubric.levels[1].label,
        "Excellent"
    );
}

#[test]
fn malformed_bank_files_are_refused_with_the_field_path() {
    let cases: Vec<(String, Vec<&str>)> = vec![
        // wrong type
        (
            bank_json(&GOOD_Q.replace(r#""minutes":5"#, r#""minutes":"five""#)),
            vec!["questions[1].minutes", "invalid type"],
        ),
        // missing field
        (
            bank_json(&GOOD_Q.replace(r#""prompt":"Why mock?","#, "")),
            vec!["questions[1]", "missing field `prompt`"],
        ),
        // unknown competency
        (
            bank_json(&GOOD_Q.replace(r#""competency":"testing""#, r#""competency":"astrology""#)),
            vec![
                "questions[1].competency",
                "unknown competency \"astrology\"",
            ],
        ),
        // duplicate id
        (
            bank_json(&GOOD_Q.replace(r#""id":"second""#, r#""id":"good-one""#)),
            vec![
                "questions[1].id",
                "duplicate question id \"good-one\"",
                "questions[0]",
            ],
        ),
        // wrong enum value
        (
            bank_json(&GOOD_Q.replace(r#""kind":"concept""#, r#""kind":"riddle""#)),
            vec!["questions[1].kind", "unknown variant `riddle`"],
        ),
        // unknown field (typo)
        (
            bank_json(&GOOD_Q.replace(r#""minutes":5"#, r#""minutes":5,"lookfors":[]"#)),
            vec!["questions[1]", "unknown field `lookfors`"],
        ),
        // level off the scale
        (
            bank_json(
                &GOOD_Q.replace(r#"{"value":4,"anchor":"y"}"#, r#"{"value":9,"anchor":"y"}"#),
            ),
            vec!["questions[1].levels[1].value", "not on the scale"],
        ),
        // empty anchor
        (
            bank_json(&GOOD_Q.replace(r#""anchor":"y""#, r#""anchor":"  ""#)),
            vec!["questions[1].levels[1].anchor", "empty"],
        ),
        // bad id
        (
            bank_json(&GOOD_Q.replace(r#""id":"second""#, r#""id":"Second Q""#)),
            vec!["questions[1].id", "not a valid id"],
        ),
        // trailing garbage
        (
            format!("{} x", bank_json(GOOD_Q)),
            vec!["trailing characters"],
        ),
        // wrong format and version
        (
            bank_json(GOOD_Q).replace("panelist-bank", "other-app"),
            vec!["format", "other-app"],
        ),
        (
            bank_json(GOOD_Q).replace(r#""version":1"#, r#""version":7"#),
            vec!["version", "7"],
        ),
        // kit naming a question that does not exist
        (
            bank_json(GOOD_Q).replace(
                "\n  ]}",
                "\n  ],\"kits\":[{\"id\":\"k\",\"name\":\"K\",\"questions\":[\"nope\"]}]}",
            ),
            vec!["kits[0].questions[0]", "unknown question \"nope\""],
        ),
        // not JSON at all
        (
            "questions: []".to_string(),
            vec!["expected value", "line 1"],
        ),
    ];
    let (mut store, _) = store_with_session();
    for (text, needles) in cases {
        refused(
            &mut store,
            |s| s.import_bank_bytes(text.as_bytes()),
            &needles,
        );
    }
}

#[test]
fn invalid_utf8_is_refused_with_its_position() {
    let (mut store, _) = store_with_session();
    let mut bytes = bank_json(GOOD_Q).into_bytes();
    let pos = bytes.windows(3).position(|w| w == b"Why").unwrap();
    bytes[pos] = 0xFF;
    refused(
        &mut store,
        |s| s.import_bank_bytes(&bytes),
        &["not valid UTF-8", "line 7, column 30"],
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let (mut store, _) = store_with_session();
    let filler = "a".repeat(panelist_core::bank::MAX_BANK_BYTES);
    let text = bank_json(&GOOD_Q.replace("Why mock?", &filler));
    assert!(text.len() > panelist_core::bank::MAX_BANK_BYTES);
    refused(
        &mut store,
        |s| s.import_bank_bytes(text.as_bytes()),
        &["bytes", "limit"],
    );
}

#[test]
fn json_nested_10000_deep_is_refused() {
    let (mut store, _) = store_with_session();
    let text = format!(
        r#"{{"format":"panelist-bank","version":1,"questions":[{}{}]}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    refused(
        &mut store,
        |s| s.import_bank_bytes(text.as_bytes()),
        &["nests deeper than 32 levels", "line 1, column 82"],
    );
}

#[test]
fn unknown_session_and_question_ids_are_refused() {
    let (mut store, sid) = store_with_session();
    let ghost: panelist_core::SessionId = id(999);
    refused(
        &mut store,
        |s| s.set_score(ghost, QS[0], Some(2), at(100)),
        &["no session", &ghost.to_string()],
    );
    refused(
        &mut store,
        |s| s.set_notes(ghost, QS[0], "x", at(100)),
        &["no session"],
    );
    refused(&mut store, |s| s.session(ghost), &["no session"]);
    refused(
        &mut store,
        |s| s.find_session_id("not-an-id"),
        &["no session", "not-an-id"],
    );
    refused(
        &mut store,
        |s| s.set_score(sid, "cap-theorem", Some(2), at(100)),
        &["has no question \"cap-theorem\""],
    );
    refused(
        &mut store,
        |s| s.set_notes(sid, "made-up", "x", at(100)),
        &["has no question \"made-up\""],
    );
    refused(
        &mut store,
        |s| s.set_look_for(sid, QS[0], 99, true, at(100)),
        &["no look-for number 100"],
    );
    refused(
        &mut store,
        |s| {
            s.create_session(
                &new_session("B", "C", &["rest-api-design", "nope"]),
                id(50),
                id(51),
                at(100),
            )
        },
        &["no question with id \"nope\""],
    );
    refused(&mut store, |s| s.kit("no-such-kit"), &["no kit"]);
}

#[test]
fn a_level_off_the_scale_is_refused() {
    let (mut store, sid) = store_with_session();
    for level in [0, 5, -1, 100] {
        refused(
            &mut store,
            |s| s.set_score(sid, QS[1], Some(level), at(100)),
            &[&format!("level {level} is not on the scale"), "1, 2, 3, 4"],
        );
    }
}

#[test]
fn a_submitted_session_changes_only_through_amend_with_a_reason() {
    let (mut store, sid) = store_with_session();
    store
        .submit(sid, Recommendation::Yes, Some("Good"), id(10), at(200))
        .unwrap();
    let locked = &["submitted and locked", "amend"];
    refused(
        &mut store,
        |s| s.set_score(sid, QS[0], Some(4), at(300)),
        locked,
    );
    refused(
        &mut store,
        |s| s.set_score(sid, QS[1], None, at(300)),
        locked,
    );
    refused(
        &mut store,
        |s| s.set_notes(sid, QS[0], "rewritten", at(300)),
        locked,
    );
    refused(
        &mut store,
        |s| s.set_look_for(sid, QS[0], 0, true, at(300)),
        locked,
    );
    refused(
        &mut store,
        |s| s.set_follow_up(sid, QS[0], 0, true, at(300)),
        locked,
    );
    refused(
        &mut store,
        |s| s.set_skipped(sid, QS[2], true, at(300)),
        locked,
    );
    refused(&mut store, |s| s.add_time(sid, QS[0], 30, at(300)), locked);
    refused(
        &mut store,
        |s| s.set_wrap_up(sid, &WrapUp::default(), at(300)),
        locked,
    );
    refused(
        &mut store,
        |s| s.submit(sid, Recommendation::No, None, id(11), at(300)),
        locked,
    );
    // Amendments need a reason, a level on the scale, and a real change.
    refused(
        &mut store,
        |s| s.amend_score(sid, QS[0], 4, "", id(12), at(300)),
        &["needs a reason"],
    );
    refused(
        &mut store,
        |s| s.amend_score(sid, QS[0], 4, "   ", id(12), at(300)),
        &["needs a reason"],
    );
    refused(
        &mut store,
        |s| s.amend_score(sid, QS[0], 6, "debrief", id(12), at(300)),
        &["not on the scale"],
    );
    refused(
        &mut store,
        |s| s.amend_score(sid, QS[0], 3, "debrief", id(12), at(300)),
        &["already has level 3"],
    );
    let err = refused(
        &mut store,
        |s| s.amend_score(id(999), QS[0], 3, "debrief", id(12), at(300)),
        &["no session"],
    );
    assert_eq!(err.code(), "not_found");
}

#[test]
fn amending_an_open_session_is_refused() {
    let (mut store, sid) = store_with_session();
    refused(
        &mut store,
        |s| s.amend_score(sid, QS[0], 4, "why not", id(12), at(300)),
        &["not submitted yet"],
    );
}

#[test]
fn a_session_needs_names_and_distinct_questions() {
    let (mut store, _) = store_with_session();
    refused(
        &mut store,
        |s| s.create_session(&new_session(" ", "C", &QS), id(50), id(51), at(0)),
        &["candidate name"],
    );
    refused(
        &mut store,
        |s| s.create_session(&new_session("B", "", &QS), id(50), id(51), at(0)),
        &["interviewer name"],
    );
    refused(
        &mut store,
        |s| s.create_session(&new_session("B", "C", &[]), id(50), id(51), at(0)),
        &["at least one question"],
    );
    refused(
        &mut store,
        |s| {
            s.create_session(
                &new_session("B", "C", &[QS[0], QS[0]]),
                id(50),
                id(51),
                at(0),
            )
        },
        &["listed twice"],
    );
    // A session id that already exists is refused by the database itself.
    refused(
        &mut store,
        |s| s.create_session(&new_session("B", "C", &QS), id(1), id(51), at(0)),
        &["UNIQUE"],
    );
}

/// A question whose levels are all given with labels (so any value defines
/// its own point), with `value` set per level.
fn question_with_levels(values: &[i64], label: &str) -> String {
    let levels: Vec<String> = values
        .iter()
        .map(|v| {
            format!(
                r#"{{"value":{v},"label":{},"anchor":"a{v}"}}"#,
                serde_json::json!(label)
            )
        })
        .collect();
    format!(
        r#"{{"id":"second","prompt":"Why mock?","competency":"testing","seniority":"mid",
      "kind":"concept","minutes":5,"look_fors":["a","b"],"follow_ups":["c"],
      "levels":[{}]}}"#,
        levels.join(",")
    )
}

/// The bank refuses what a colleague's import would refuse: levels outside
/// the documented range, too many levels, long or multi-line labels, control
/// characters in names, huge prompts.
#[test]
fn bank_files_are_held_to_the_session_file_ranges() {
    let thirty: Vec<i64> = (1..=30).collect();
    let huge_prompt = GOOD_Q.replace("Why mock?", &"p".repeat(2 * 1024 * 1024));
    let cases: Vec<(String, Vec<&str>)> = vec![
        // i64::MIN and i64::MAX: accepted before, then compare and report
        // panicked (subtract overflow) or allocated 128 GB.
        (
            bank_json(&question_with_levels(&[i64::MIN, i64::MAX], "Edge")),
            vec!["questions[1].levels[0].value"],
        ),
        // ±1,000,000: a 7 kB session file became a 247 MB HTML report.
        (
            bank_json(&question_with_levels(&[-1_000_000, 1_000_000], "Edge")),
            vec!["questions[1].levels[0].value"],
        ),
        (
            bank_json(&question_with_levels(&thirty, "Level")),
            vec!["questions[1].levels", "30"],
        ),
        (
            bank_json(&question_with_levels(&[1, 2], &"x".repeat(300))),
            vec!["questions[1].levels[0].label"],
        ),
        (
            bank_json(&question_with_levels(&[1, 2], "two\nlines")),
            vec!["questions[1].levels[0].label"],
        ),
        (
            bank_json(GOOD_Q).replace(r#""name":"Testing""#, r#""name":"Test\u001b[31ming""#),
            vec!["competencies[0].name", "control"],
        ),
        (bank_json(&huge_prompt), vec!["questions[1].prompt"]),
        (
            bank_json(&GOOD_Q.replace(
                r#""look_fors":["a","b"]"#,
                &format!(r#""look_fors":{}"#, serde_json::json!(vec!["a"; 101])),
            )),
            vec!["questions[1].look_fors", "100"],
        ),
    ];
    let (mut store, _) = store_with_session();
    for (text, needles) in cases {
        refused(
            &mut store,
            |s| s.import_bank_bytes(text.as_bytes()),
            &needles,
        );
    }
}

/// Whatever the bank accepts at the edge of its ranges, a session made of it
/// exports and imports on another installation.
#[test]
fn a_session_from_an_edge_bank_question_imports_elsewhere() {
    let edge: Vec<i64> = (1..=10).collect();
    let (mut store, _) = store_with_session();
    store
        .import_bank_bytes(bank_json(&question_with_levels(&edge, &"L".repeat(100))).as_bytes())
        .unwrap();
    let sid = id(70);
    store
        .create_session(
            &new_session(&"N".repeat(200), "Grace Hopper", &["second"]),
            sid,
            id(71),
            at(0),
        )
        .unwrap();
    store.set_score(sid, "second", Some(10), at(1)).unwrap();
    store.add_time(sid, "second", 80_000, at(2)).unwrap();
    store.add_time(sid, "second", 80_000, at(3)).unwrap();
    let file = store.session_file(sid).unwrap();
    let mut other = panelist_core::Store::open_in_memory().unwrap();
    other.import_sessions(&[file]).unwrap();
}

/// Session doors hold the same ranges as session import.
#[test]
fn session_edits_are_held_to_the_import_ranges() {
    let (mut store, sid) = store_with_session();
    refused(
        &mut store,
        |s| {
            s.create_session(
                &new_session(&"N".repeat(300), "C", &QS),
                id(50),
                id(51),
                at(0),
            )
        },
        &["candidate"],
    );
    refused(
        &mut store,
        |s| s.create_session(&new_session("Bo\u{7}b", "C", &QS), id(50), id(51), at(0)),
        &["candidate", "control"],
    );
    refused(
        &mut store,
        |s| {
            let mut n = new_session("B", "C", &QS);
            n.kit = Some("Kit\nname".into());
            s.create_session(&n, id(50), id(51), at(0))
        },
        &["kit", "control"],
    );
    // Ids are UUIDv7s, as the session format says.
    refused(
        &mut store,
        |s| {
            let v4 = uuid::Uuid::from_u128(0x0190_0000_0000_4000_8000_0000_0000_0050);
            s.create_session(&new_session("B", "C", &QS), v4.into(), id(51), at(0))
        },
        &["UUIDv7"],
    );
    refused(
        &mut store,
        |s| s.add_time(sid, QS[0], u64::MAX, at(100)),
        &["seconds"],
    );
    refused(
        &mut store,
        |s| {
            let wrap = WrapUp {
                summary: String::new(),
                red_flags: vec!["x".into(); 101],
                recommendation: None,
            };
            s.set_wrap_up(sid, &wrap, at(100))
        },
        &["red_flags"],
    );
}

/// Retention days are 1 to 36,500 at the door; a value stored by an older
/// version is an error naming the setting, not a panic.
#[test]
fn retention_days_are_bounded_and_a_stored_wild_value_is_an_error() {
    let (mut store, _) = store_with_session();
    for d in [0, 36_501, 100_000_000, u32::MAX] {
        refused(
            &mut store,
            |s| s.set_retention_days(Some(d)),
            &["retention", "36500"],
        );
    }
    store.set_retention_days(Some(36_500)).unwrap();
    assert_eq!(store.retention_days().unwrap(), Some(36_500));
    store.apply_retention(at(0), uuid::Uuid::now_v7).unwrap();
    // What an older version stored.
    store.set_setting("retention_days", "100000000").unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.apply_retention(at(0), uuid::Uuid::now_v7)
    }));
    let err = r.expect("no panic").expect_err("an out-of-range setting");
    assert!(err.to_string().contains("retention_days"), "{err}");
}
