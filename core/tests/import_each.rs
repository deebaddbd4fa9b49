//! Import a person understands (issue 21, What 3; issue 19, What 3 in the
//! app): a batch imports file by file — the good files import, a bad one is
//! refused in one plain sentence naming it and changes nothing —, a plan
//! file in the batch imports as a plan, and a colleague's changed key is
//! shown with both fingerprints and can be accepted for that one file.

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use panelist_core::import::{CandidateClash, ImportOptions};
use panelist_core::session::NewSession;
use panelist_core::storage::{BatchFile, FileImport, NewPlan};
use panelist_core::{CandidateId, PlanId, SessionId, Store};

fn at(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + chrono::Duration::seconds(s)
}

fn opts() -> ImportOptions {
    ImportOptions {
        clash: CandidateClash::Ask,
        new_candidate_id: CandidateId::new(Uuid::now_v7()),
        accept_new_key: false,
    }
}

/// `interviewer`'s session of `candidate`, made in `store`, as a signed file.
fn session_json(store: &mut Store, candidate: &str, interviewer: &str) -> Vec<u8> {
    let id = SessionId::new(Uuid::now_v7());
    store
        .create_and_start_session(
            &NewSession {
                candidate: candidate.into(),
                interviewer: interviewer.into(),
                role: String::new(),
                kit: None,
                question_ids: vec!["rest-api-design".into()],
            },
            id,
            CandidateId::new(Uuid::now_v7()),
            at(0),
        )
        .unwrap();
    store
        .set_score(id, "rest-api-design", Some(3), at(5))
        .unwrap();
    store.session_file(id).unwrap().to_json().into_bytes()
}

fn file(name: &str, bytes: &[u8]) -> BatchFile {
    BatchFile {
        name: name.into(),
        bytes: Ok(bytes.to_vec()),
    }
}

fn sessions_here(store: &Store) -> usize {
    store.sessions(&Default::default()).unwrap().len()
}

#[test]
fn one_bad_file_in_a_batch_refuses_that_file_and_imports_the_rest() {
    let mut ravi = Store::open_in_memory().unwrap();
    let mut mei = Store::open_in_memory().unwrap();
    let good1 = session_json(&mut ravi, "Ada Lovelace", "Ravi Kumar");
    let good2 = session_json(&mut mei, "ada lovelace", "Mei Chen");
    let mut here = Store::open_in_memory().unwrap();
    let results = here
        .import_each(
            &[
                file("ravi.json", &good1),
                file("hello.json", br#"{"hello": 1}"#),
                file("mei.json", &good2),
            ],
            &opts(),
        )
        .unwrap();
    assert_eq!(results.len(), 3);
    assert!(matches!(results[0], FileImport::Session(_)), "{results:?}");
    assert!(matches!(results[2], FileImport::Session(_)), "{results:?}");
    let FileImport::Refused(r) = &results[1] else {
        panic!("the bad file was not refused: {results:?}")
    };
    // One plain sentence naming the file; the parser's path only in the
    // details.
    assert_eq!(
        r.line,
        "hello.json is not a Panelist session or plan file, or it is damaged."
    );
    assert!(r.detail.contains("hello"), "{}", r.detail);
    assert_eq!(sessions_here(&here), 2);
}

#[test]
fn a_changed_key_is_refused_with_both_fingerprints_and_accepted_for_that_file() {
    let mut old = Store::open_in_memory().unwrap();
    let mut new = Store::open_in_memory().unwrap();
    let first = session_json(&mut old, "Ada Lovelace", "Mei Chen");
    let second = session_json(&mut new, "Ada Lovelace", "Mei Chen");
    let mut here = Store::open_in_memory().unwrap();
    here.import_each(&[file("first.json", &first)], &opts())
        .unwrap();
    let results = here
        .import_each(&[file("second.json", &second)], &opts())
        .unwrap();
    let FileImport::Refused(r) = &results[0] else {
        panic!("a changed key was not refused: {results:?}")
    };
    let k = r
        .key_change
        .as_ref()
        .expect("the refusal names the key change");
    assert_eq!(k.who, "Mei Chen");
    assert_eq!(k.pinned, old.identity().unwrap().key().fingerprint());
    assert_eq!(k.new, new.identity().unwrap().key().fingerprint());
    assert_ne!(k.pinned, k.new);
    // The whole sentence, fix included (it used to be cut off in the app).
    assert!(r.line.ends_with("before accepting it."), "{}", r.line);
    assert_eq!(sessions_here(&here), 1);

    // The person confirms another fingerprint than the file's: refused.
    let wrong = here
        .import_accepting_key(&file("second.json", &second), &k.pinned, &opts())
        .unwrap();
    assert!(matches!(wrong, FileImport::Refused(_)), "{wrong:?}");
    assert_eq!(sessions_here(&here), 1);
    // The one confirmed: imported, and the new key is pinned.
    let ok = here
        .import_accepting_key(&file("second.json", &second), &k.new, &opts())
        .unwrap();
    let FileImport::Session(s) = ok else {
        panic!("not imported: {ok:?}")
    };
    assert!(s.key_note.as_deref().unwrap_or("").contains("accepted"));
    assert_eq!(sessions_here(&here), 2);
    let third = session_json(&mut new, "Ada Lovelace", "Mei Chen");
    let again = here
        .import_each(&[file("third.json", &third)], &opts())
        .unwrap();
    assert!(matches!(again[0], FileImport::Session(_)), "{again:?}");
}

#[test]
fn a_plan_file_in_a_batch_imports_as_a_plan_before_the_sessions() {
    let mut coord = Store::open_in_memory().unwrap();
    let pid = PlanId::new(Uuid::now_v7());
    coord
        .create_plan(
            &NewPlan {
                candidate: "Ada Lovelace".into(),
                role: "Backend engineer".into(),
                coordinator: Some("Carol Coordinator".into()),
            },
            pid,
            CandidateId::new(Uuid::now_v7()),
            at(0),
        )
        .unwrap();
    let plan = coord.plan_file(pid).unwrap().to_json().into_bytes();
    let mut ravi = Store::open_in_memory().unwrap();
    let session = session_json(&mut ravi, "Ada Lovelace", "Ravi Kumar");
    let mut here = Store::open_in_memory().unwrap();
    // The plan comes after the session in the batch; results keep the order.
    let results = here
        .import_each(
            &[
                file("ravi.json", &session),
                file("ada.plan.json", &plan),
                BatchFile {
                    name: "gone.json".into(),
                    bytes: Err(panelist_core::Error::Io("no such file".into())),
                },
            ],
            &opts(),
        )
        .unwrap();
    assert!(matches!(results[0], FileImport::Session(_)), "{results:?}");
    let FileImport::Plan(p) = &results[1] else {
        panic!("the plan file was not imported as a plan: {results:?}")
    };
    assert_eq!(p.plan_id, pid);
    assert_eq!(p.what, "added");
    let FileImport::Refused(r) = &results[2] else {
        panic!("{results:?}")
    };
    assert_eq!(r.line, "gone.json could not be read.");
    assert_eq!(here.plans(None, at(10)).unwrap().len(), 1);
    assert_eq!(sessions_here(&here), 1);
}

mod any_bad_file {
    use super::*;
    use proptest::prelude::*;

    /// The good file of every case, made once.
    fn good() -> &'static [u8] {
        static GOOD: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        GOOD.get_or_init(|| {
            let mut ravi = Store::open_in_memory().unwrap();
            session_json(&mut ravi, "Ada Lovelace", "Ravi Kumar")
        })
    }

    /// A bad file: arbitrary bytes, or the good file cut short, or with one
    /// byte changed (damage, tampering, a wrong field).
    fn bad() -> impl Strategy<Value = Vec<u8>> {
        let len = good().len();
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            (0..len).prop_map(|n| good()[..n].to_vec()),
            (0..len, any::<u8>()).prop_filter_map("a byte that changes", |(i, b)| {
                let mut v = good().to_vec();
                (v[i] != b).then(|| {
                    v[i] = b;
                    v
                })
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever the bad file holds, the good one beside it imports and
        /// the bad one is refused in one line that names it.
        #[test]
        fn never_stops_the_good_file(bytes in bad()) {
            let mut here = Store::open_in_memory().unwrap();
            let results = here
                .import_each(&[file("bad file.json", &bytes), file("ravi.json", good())], &opts())
                .unwrap();
            prop_assert!(matches!(results[1], FileImport::Session(_)), "{:?}", results);
            match &results[0] {
                FileImport::Refused(r) => {
                    prop_assert!(r.line.starts_with("bad file.json "), "{}", r.line);
                    prop_assert!(!r.line.contains('\n'), "{}", r.line);
                    prop_assert_eq!(sessions_here(&here), 1);
                }
                // A changed byte that leaves a valid file (whitespace) is
                // that file, imported.
                FileImport::Session(_) => prop_assert_eq!(sessions_here(&here), 1),
                other => prop_assert!(false, "{:?}", other),
            }
        }
    }
}
