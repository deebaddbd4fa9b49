//! Migrations: landed files never change, and a database written by an
//! earlier schema migrates with every session exporting exactly as before.

use sha2::{Digest, Sha256};

use panelist_core::session_file::SessionFile;
use panelist_core::storage::{MIGRATION_SQL, SCHEMA_VERSION};
use panelist_core::{report, SessionId, Store};

/// The SHA-256 of every landed migration. A new migration appends a line; a
/// landed line never changes.
const PINNED: &[(&str, &str)] = &[
    (
        "0001_initial.sql",
        "be611c3de103cafa6e88747582d229cf462f6133018662f1bf18c22662a501f5",
    ),
    (
        "0002_snapshots_and_search.sql",
        "da4b18e0b3e9ce51dfb3c19df4bccfb67cbffdf80fc0ffb1fe4ca10c63c9af9d",
    ),
    (
        "0003_drop_inline_snapshots.sql",
        "745e29af4fc0b3548460dab544ca143d9fd6dfa7309c3872c446725a1d9474bf",
    ),
    (
        "0004_identity_erasure_signing.sql",
        "1fef0e74fe6de5556243865b4a442a9ee45bd4e1976f661bd76cc16ac8f74f0d",
    ),
    (
        "0005_bank_revisions_and_kits.sql",
        "c45816981c2e234908808f490968130a9b6745dc4cbce4a956b76c049867d458",
    ),
    (
        "0006_sync_outbox.sql",
        "33db7bcaf5104112c68153a0a12a7b29669e238fc9205a3180c4a9b582590ecc",
    ),
    (
        "0007_kit_former_names.sql",
        "ce8350f8bbca2341b90061241d39ac1b87a1cb0b6c88950c746278674241a6b8",
    ),
    (
        "0008_identity_nfkc_casefold.sql",
        "9d95df43a81563c731d24a312017b18747694565b9c667b2352db4c363b82eb5",
    ),
    (
        "0009_signed_originals.sql",
        "b6da5ce1e89575dfe16542845554be1a672f579071d858ec01e240ab3036bf25",
    ),
    (
        "0010_sync_set_aside.sql",
        "e05a3bad83dc25059952b8dd45033ae9c8a7d23b93b3b0735be0513049767f52",
    ),
    (
        "0011_interview_plans.sql",
        "6c0989942fdd3663eeb24d55fb0130ab0303f40130daaf721246e5bfc31e5219",
    ),
    (
        "0012_erased_candidates.sql",
        "4d2542c1b143bda267a1609b54a79838a68e28eb11e33c38bfff4806ce2d9590",
    ),
    (
        "0013_sync_conflicts.sql",
        "e1bafbe0999092575818494cf0761a20b2428db52596b105ed3d2a176b7e2092",
    ),
];

#[test]
fn landed_migrations_are_unchanged_and_append_only() {
    assert!(
        MIGRATION_SQL.len() >= PINNED.len(),
        "a landed migration was removed"
    );
    for (i, (name, hash)) in PINNED.iter().enumerate() {
        let (got_name, sql) = MIGRATION_SQL[i];
        assert_eq!(
            got_name,
            *name,
            "migration {} was renamed or reordered",
            i + 1
        );
        let got = format!("{:x}", Sha256::digest(sql.as_bytes()));
        assert_eq!(
            &got, hash,
            "{name} changed after it landed; add a new migration instead"
        );
    }
    assert_eq!(
        MIGRATION_SQL.len(),
        PINNED.len(),
        "a new migration needs its hash pinned here"
    );
    // Every file in the folder is embedded, in order.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/storage/migrations");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let embedded: Vec<&str> = MIGRATION_SQL.iter().map(|(n, _)| *n).collect();
    assert_eq!(files, embedded);
    assert_eq!(SCHEMA_VERSION, MIGRATION_SQL.len());
}

fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1")
}

#[test]
fn a_version_1_database_migrates_and_exports_byte_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("panelist.db");
    std::fs::copy(fixture_dir().join("panelist-v1.db"), &db).unwrap();
    let store = Store::open(&db).unwrap();
    store.integrity_check().unwrap();
    let ids: [(&str, u128); 5] = [
        ("own", 100),
        ("wip", 110),
        ("draft", 120),
        ("alan", 200),
        ("barbara", 300),
    ];
    for (name, n) in ids {
        let id = SessionId::from(uuid::Uuid::from_u128(
            0x0190_0000_0000_7000_8000_0000_0000_0000 | n,
        ));
        let session = store.session(id).unwrap();
        let json =
            std::fs::read_to_string(fixture_dir().join(format!("{name}.session.json"))).unwrap();
        assert_eq!(
            SessionFile::new(session.clone()).to_json(),
            json,
            "{name}: the session file changed in migration"
        );
        let md = std::fs::read_to_string(fixture_dir().join(format!("{name}.md"))).unwrap();
        assert_eq!(
            report::session_markdown(&session),
            md,
            "{name}: the Markdown export changed in migration"
        );
    }
    // The bank edit made after the sessions is in the bank, not in them.
    assert!(store
        .question("rest-api-design")
        .unwrap()
        .prompt
        .ends_with("(edited after the sessions)"));
    // Search works on migrated sessions.
    let found = store
        .sessions(&panelist_core::session::SessionFilter {
            text: Some("lovel".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.len(), 3, "Ada Lovelace's own and imported sessions");
    drop(store);
    // Opening again is a no-op: the migration ran once.
    let again = Store::open(&db).unwrap();
    again.integrity_check().unwrap();
}

#[test]
fn snapshots_are_stored_once() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("panelist.db");
    std::fs::copy(fixture_dir().join("panelist-v1.db"), &db).unwrap();
    let store = Store::open(&db).unwrap();
    let dump = store.dump().unwrap();
    let snapshots = dump
        .split("== snapshot\n")
        .nth(1)
        .unwrap()
        .split("\n== ")
        .next()
        .unwrap()
        .lines()
        .count();
    // 5 sessions with 15 entries between them, over 4 distinct questions
    // (rest-api-design in its original form only: it was edited after).
    assert_eq!(snapshots, 4, "{dump}");
}
