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
