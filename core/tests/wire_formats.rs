//! Wire formats are pinned: files written by earlier versions keep parsing,
//! verifying and meaning the same thing. The fixtures under `data/v1/` were
//! written by schema/format version 1 and must never be regenerated.

use panelist_core::bank;
use panelist_core::session::Status;
use panelist_core::session_file::SessionFile;
use panelist_core::Store;

const SESSION_FILES: [&str; 5] = ["own", "wip", "draft", "alan", "barbara"];

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/v1/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn version_1_session_files_parse_verify_and_round_trip() {
    for name in SESSION_FILES {
        let bytes = fixture(&format!("{name}.session.json"));
        let file = SessionFile::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(file.version, 1, "{name}");
        // Written again, the file is byte-identical: no field was lost or renamed.
        assert_eq!(
            file.to_json().as_bytes(),
            bytes.as_slice(),
            "{name} does not round-trip"
        );
    }
    let own = SessionFile::parse(&fixture("own.session.json")).unwrap();
    assert_eq!(own.session.status, Status::Submitted);
    assert_eq!(own.session.audit.len(), 2);
    assert_eq!(own.session.audit[1].action, "amend-score");
    assert_eq!(own.session.entries[0].look_fors_hit, vec![1, 2]);
}

#[test]
fn a_version_1_session_file_with_one_changed_value_is_refused() {
    let text = String::from_utf8(fixture("alan.session.json")).unwrap();
    let tampered = text.replacen("\"score\": 2", "\"score\": 4", 1);
    assert_ne!(tampered, text);
    let err = SessionFile::parse(tampered.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("hash"), "{err}");
}

#[test]
fn version_1_session_files_import_into_a_new_database() {
    let mut store = Store::open_in_memory().unwrap();
    let files: Vec<SessionFile> = ["alan", "barbara"]
        .iter()
        .map(|n| SessionFile::parse(&fixture(&format!("{n}.session.json"))).unwrap())
        .collect();
    store.import_sessions(&files).unwrap();
    for f in &files {
        let back = store.session(f.session.id).unwrap();
        assert_eq!(
            SessionFile::new(back).to_json(),
            f.to_json(),
            "an imported session exports exactly as it came in"
        );
    }
}

#[test]
fn the_version_1_bank_file_parses_validates_and_imports() {
    let bytes = fixture("bank.json");
    let file = bank::parse_bank(&bytes).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let report = store.import_bank(&file).unwrap();
    assert_eq!(report.questions_added, 2);
    assert_eq!(report.kits, 1);
    let q = store.question("css-layout").unwrap();
    let labels: Vec<(i64, String)> = q
        .rubric
        .levels
        .iter()
        .map(|l| (l.value, l.label.clone()))
        .collect();
    assert_eq!(
        labels,
        vec![
            (0, "None".to_string()),
            (1, "Some".to_string()),
            (2, "Solid".to_string()),
            (3, "Outstanding".to_string())
        ]
    );
    let kit = store.kit("frontend-screen").unwrap();
    assert_eq!(
        kit.questions,
        vec!["css-layout", "slow-page-story", "rest-api-design"]
    );
}

const V2_ALAN: &str = include_str!("data/v2/alan.session.json");

#[test]
fn a_version_2_session_file_parses_verifies_and_round_trips() {
    let file = SessionFile::parse(V2_ALAN.as_bytes()).unwrap();
    assert_eq!(file.version, 2);
    let sig = file.signature.as_ref().unwrap();
    assert!(sig.public_key.starts_with("ed25519:"));
    assert_eq!(file.to_json(), V2_ALAN);
}

#[test]
fn a_forged_version_2_file_is_refused() {
    use panelist_core::session_file::{content_hash, Identity};
    // Edit a score and recompute the hash: the signature no longer matches.
    let mut file = SessionFile::parse(V2_ALAN.as_bytes()).unwrap();
    file.session.entries[0].score = Some(4);
    file.content_hash = content_hash(&file.session);
    let err = SessionFile::parse(file.to_json().as_bytes()).unwrap_err();
    assert!(err.to_string().contains("signature"), "{err}");
    // Drop the signature: a version 2 file must be signed.
    let mut unsigned: serde_json::Value = serde_json::from_str(V2_ALAN).unwrap();
    unsigned.as_object_mut().unwrap().remove("signature");
    let err = SessionFile::parse(unsigned.to_string().as_bytes()).unwrap_err();
    assert!(err.to_string().contains("signature"), "{err}");

    // Re-signed by someone else's key, claiming to be Alan: refused once
    // Alan's key is pinned, and so is an unsigned (version 1) copy.
    let mut store = Store::open_in_memory().unwrap();
    let genuine = SessionFile::parse(V2_ALAN.as_bytes()).unwrap();
    let r = store
        .import_sessions(std::slice::from_ref(&genuine))
        .unwrap();
    assert!(
        r[0].key_note.as_deref().unwrap().contains("pinned"),
        "{r:?}"
    );
    let before = store.dump().unwrap();
    let mut edited = genuine.session.clone();
    edited.revision += 1;
    let mallory = SessionFile::signed(edited.clone(), &Identity::from_seed([9; 32]));
    let err = store
        .import_sessions(std::slice::from_ref(&mallory))
        .unwrap_err();
    assert!(err.to_string().contains("pinned for Alan Turing"), "{err}");
    let downgrade = SessionFile::unsigned_v1(edited);
    let err = store.import_sessions(&[downgrade]).unwrap_err();
    assert!(err.to_string().contains("unsigned"), "{err}");
    assert_eq!(store.dump().unwrap(), before, "refusals change nothing");
    // The user can accept a new key, and is told so.
    let opts = panelist_core::import::ImportOptions {
        clash: Default::default(),
        new_candidate_id: panelist_core::CandidateId::nil(),
        accept_new_key: true,
    };
    let r = store.import_sessions_with(&[mallory], &opts).unwrap();
    assert!(
        r[0].key_note.as_deref().unwrap().contains("accepted"),
        "{r:?}"
    );
}

#[test]
fn an_own_session_exports_signed_and_a_colleagues_goes_on_as_it_came() {
    let mut store = Store::open_in_memory().unwrap();
    let genuine = SessionFile::parse(V2_ALAN.as_bytes()).unwrap();
    store
        .import_sessions(std::slice::from_ref(&genuine))
        .unwrap();
    let again = store.session_file(genuine.session.id).unwrap();
    assert_eq!(again.to_json(), V2_ALAN);
    let v1 = SessionFile::parse(&fixture("barbara.session.json")).unwrap();
    store.import_sessions(std::slice::from_ref(&v1)).unwrap();
    assert_eq!(
        store.session_file(v1.session.id).unwrap().to_json(),
        v1.to_json()
    );
}

const PLAN_V1: &str = include_str!("data/plan-v1/ada.plan.json");

/// The plan file of docs/plan-format.md: it keeps parsing, verifying,
/// meaning the same and writing the same bytes, and imports into a new
/// installation (built-in bank) with its candidate id.
#[test]
fn the_version_1_plan_file_parses_verifies_round_trips_and_imports() {
    use panelist_core::import::{CandidateClash, ImportOptions};
    use panelist_core::plan::{parse_document, Document, PlanFile};
    let file = PlanFile::parse(PLAN_V1.as_bytes()).unwrap();
    assert_eq!(file.to_json(), PLAN_V1, "written again byte for byte");
    assert_eq!(
        file.content_hash,
        "sha256:395abe1e8c866ab948e52db968aea573c0549216f5c8da4f73cfb62ef8c300f4"
    );
    assert!(matches!(
        parse_document(PLAN_V1.as_bytes()).unwrap(),
        Document::Plan(_)
    ));
    let p = &file.plan;
    assert_eq!(p.members.len(), 2);
    assert_eq!(p.members[0].kit.as_deref(), Some("System design"));
    assert_eq!(p.members[1].round, 2);
    assert_eq!(p.members[1].due, None);
    // One changed value breaks it.
    let edited = PLAN_V1.replacen("\"round\": 2", "\"round\": 3", 1);
    assert!(PlanFile::parse(edited.as_bytes()).is_err());

    let mut store = Store::open_in_memory().unwrap();
    let opts = ImportOptions {
        clash: CandidateClash::Ask,
        new_candidate_id: panelist_core::CandidateId::nil(),
        accept_new_key: false,
    };
    let (plans, _) = store
        .import_documents(std::slice::from_ref(&file), &[], &opts)
        .unwrap();
    assert_eq!(plans[0].what, "added");
    assert_eq!(store.plan(p.id).unwrap().candidate.id, p.candidate.id);
    assert_eq!(store.plan_file(p.id).unwrap().to_json(), PLAN_V1);
}
