//! Encryption at rest (SQLCipher): what a copied disk shows, what opens the
//! file, the migration of plain databases of every earlier schema version,
//! erasure under encryption, backups and their restore.

#[path = "common/at_rest.rs"]
mod at_rest;
mod common;

use std::path::{Path, PathBuf};

use at_rest::{assert_absent, contains, decrypted_rows, files_of};
use common::{at, id, new_session, QS};
use panelist_core::report;
use panelist_core::secrets::{self, Encryption, Unlock};
use panelist_core::session_file::SessionFile;
use panelist_core::storage::cipher::{self, FileState};
use panelist_core::storage::{DbKey, MIGRATION_SQL, SCHEMA_VERSION};
use panelist_core::{SessionId, Store};

const PASS: &str = "correct horse battery staple";
const NOTE: &str = "UNIQUE-NOTE-7f3a9c2e quietly brilliant on consensus";

/// Readable by its owner only (issue 22, "Permissions"): 0600.
fn assert_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is {mode:o}", path.display());
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn with_session(store: &mut Store, candidate: &str, note: &str) -> SessionId {
    let sid: SessionId = id(1);
    store
        .create_session(
            &new_session(candidate, "Grace Hopper", &QS),
            sid,
            id(2),
            at(0),
        )
        .unwrap();
    store.set_notes(sid, QS[0], note, at(60)).unwrap();
    sid
}

#[test]
fn a_passphrase_database_shows_no_note_on_disk_and_opens_only_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("panelist.db");
    let mut opened = secrets::open(&db, &Unlock::with_passphrase(PASS)).unwrap();
    assert_eq!(opened.encryption, Encryption::Passphrase);
    assert!(opened.store.encrypted());
    with_session(&mut opened.store, "Ada Lovelace", NOTE);
    // While it is open (the -wal holds the latest writes) and after.
    assert_absent(&db, "UNIQUE-NOTE-7f3a9c2e");
    assert_absent(&db, "Ada Lovelace");
    drop(opened);
    assert_absent(&db, "UNIQUE-NOTE-7f3a9c2e");
    assert_eq!(cipher::file_state(&db), FileState::Encrypted);

    // Plain SQLite cannot read it.
    let plain = rusqlite::Connection::open(&db).unwrap();
    let err = plain
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert!(err.to_string().contains("not a database"), "{err}");
    // SQLCipher with the passphrase, as the `sqlcipher` shell does it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = '{PASS}';"))
        .unwrap();
    let note: String = conn
        .query_row("SELECT notes FROM entry WHERE notes != ''", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(note, NOTE);
    drop(conn);

    // A wrong passphrase, or none, is refused with one line.
    let wrong = secrets::open(&db, &Unlock::with_passphrase("nope"))
        .err()
        .unwrap();
    assert!(wrong.to_string().contains("does not open"), "{wrong}");
    assert!(!wrong.to_string().contains('\n'));
    let none = secrets::open(&db, &Unlock::default()).err().unwrap();
    assert!(none.to_string().contains("PANELIST_PASSPHRASE"), "{none}");
    assert!(secrets::needs_passphrase(&db, &Unlock::default()));
    // And it opens again with the passphrase.
    let again = secrets::open(&db, &Unlock::with_passphrase(PASS)).unwrap();
    assert!(again.store.integrity_check().is_ok());
}

#[test]
fn a_raw_key_opens_with_the_sqlcipher_raw_key_pragma() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("panelist.db");
    let key = DbKey::random().unwrap();
    let hex = key.raw_hex().unwrap();
    let mut store = Store::open_with_key(&db, Some(&key)).unwrap();
    with_session(&mut store, "Ada Lovelace", NOTE);
    drop(store);
    assert_absent(&db, "UNIQUE-NOTE-7f3a9c2e");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";"))
        .unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM session", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    assert!(Store::open_with_key(&db, Some(&DbKey::random().unwrap())).is_err());
}

#[test]
fn without_a_key_the_database_stays_plain_and_keeps_opening() {
    // The test runs have PANELIST_KEYRING=off (.cargo/config.toml): no
    // keyring answers, no passphrase is set.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("panelist.db");
    let opened = secrets::open(&db, &Unlock::default()).unwrap();
    assert_eq!(opened.encryption, Encryption::Plain);
    assert!(!opened.store.encrypted());
    drop(opened);
    assert_eq!(cipher::file_state(&db), FileState::Plain);
    let again = secrets::open(&db, &Unlock::default()).unwrap();
    assert_eq!(again.notice, None, "the plain notice is given once at most");
    assert!(!secrets::needs_passphrase(&db, &Unlock::default()));
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1")
}

/// A plain database of every earlier schema version (the version-1 fixture
/// brought to version k by the landed migrations, as that Panelist left
/// it) is encrypted when a passphrase is given: every session exports
/// byte-identical, and no plain file is left.
#[test]
fn plain_databases_of_every_earlier_version_migrate_to_encrypted_byte_identical() {
    assert!(SCHEMA_VERSION == MIGRATION_SQL.len() && SCHEMA_VERSION > 1);
    for version in 1..SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("panelist.db");
        std::fs::copy(fixture_dir().join("panelist-v1.db"), &db).unwrap();
        cipher::migrate_plain_to(&db, version).unwrap();
        assert_eq!(cipher::file_state(&db), FileState::Plain);

        let opened = secrets::open(&db, &Unlock::with_passphrase(PASS)).unwrap();
        assert!(opened.migrated, "v{version}: encrypted on open");
        assert_eq!(opened.encryption, Encryption::Passphrase);
        let store = opened.store;
        store.integrity_check().unwrap();
        for (name, n) in [
            ("own", 100u128),
            ("wip", 110),
            ("draft", 120),
            ("alan", 200),
            ("barbara", 300),
        ] {
            let sid: SessionId = SessionId::from(uuid::Uuid::from_u128(
                0x0190_0000_0000_7000_8000_0000_0000_0000 | n,
            ));
            let session = store.session(sid).unwrap();
            let json = std::fs::read_to_string(fixture_dir().join(format!("{name}.session.json")))
                .unwrap();
            assert_eq!(
                SessionFile::new(session.clone()).to_json(),
                json,
                "v{version} {name}: session file"
            );
            let md = std::fs::read_to_string(fixture_dir().join(format!("{name}.md"))).unwrap();
            assert_eq!(
                report::session_markdown(&session),
                md,
                "v{version} {name}: Markdown"
            );
        }
        drop(store);
        assert_eq!(cipher::file_state(&db), FileState::Encrypted);
        assert_absent(&db, "Lovelace");
        for f in files_of(&db) {
            assert_private(&f);
        }
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "panelist.db" && n != "panelist.db-wal" && n != "panelist.db-shm")
            .collect();
        assert!(
            left.is_empty(),
            "v{version}: files left beside the database: {left:?}"
        );
    }
}

#[test]
fn an_interrupted_encryption_is_finished_or_forgotten_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("panelist.db");
    let mut store = Store::open(&db).unwrap();
    with_session(&mut store, "Ada Lovelace", NOTE);
    drop(store);
    // A crash after the copy began: the half copy goes, the plain file stays.
    std::fs::write(dir.path().join("panelist.db.encrypting"), b"half").unwrap();
    // A crash after the encrypted copy replaced it: the kept plain file goes.
    let key = DbKey::Passphrase(PASS.into());
    cipher::encrypt_in_place(&db, &key).unwrap();
    std::fs::write(dir.path().join("panelist.db.plain-old"), NOTE).unwrap();
    let opened = secrets::open(&db, &Unlock::with_passphrase(PASS)).unwrap();
    assert!(!dir.path().join("panelist.db.plain-old").exists());
    assert!(!dir.path().join("panelist.db.encrypting").exists());
    assert_eq!(opened.store.session(id(1)).unwrap().entries[0].notes, NOTE);
}

#[test]
fn erasure_under_encryption_leaves_no_plaintext_behind_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("panelist.db");
    let mut store = secrets::open(&db, &Unlock::with_passphrase(PASS))
        .unwrap()
        .store;
    with_session(&mut store, "Ada Lovelace", NOTE);
    store.checkpoint().unwrap();
    let (before, _) = decrypted_rows(&db, PASS);
    assert!(
        contains(&before, b"UNIQUE-NOTE-7f3a9c2e"),
        "the test can fail"
    );
    let gone = store
        .erase_candidate("ada lovelace", uuid::Uuid::from_u128(9), at(100))
        .unwrap();
    assert_eq!(gone.sessions, 1);
    // Opened with the key, the database holds neither name nor note, and
    // no free page that could (the erasure rebuilt the file); the files
    // themselves never held either.
    let (after, free) = decrypted_rows(&db, PASS);
    assert!(!contains(&after, b"UNIQUE-NOTE-7f3a9c2e"));
    assert!(!contains(&after, b"Ada Lovelace"));
    assert_eq!(free, 0, "free pages after the erasure");
    assert_absent(&db, "UNIQUE-NOTE-7f3a9c2e");
    drop(store);
}

#[test]
fn a_backup_restores_elsewhere_with_the_passphrase_and_is_refused_with_another() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a/panelist.db");
    let mut store = secrets::open(&db, &Unlock::with_passphrase(PASS))
        .unwrap()
        .store;
    with_session(&mut store, "Ada Lovelace", NOTE);
    let backup = dir.path().join("panelist.backup");
    store.backup_to(&backup).unwrap();
    let dump = store.dump().unwrap();
    drop(store);
    assert!(!contains(&std::fs::read(&backup).unwrap(), b"UNIQUE-NOTE"));
    assert_eq!(cipher::file_state(&backup), FileState::Encrypted);
    assert_private(&backup);

    // Another machine's data folder, with a database of its own.
    let other = dir.path().join("b/panelist.db");
    let mut theirs = secrets::open(&other, &Unlock::with_passphrase(PASS))
        .unwrap()
        .store;
    with_session(&mut theirs, "Alan Turing", "their own note");
    let theirs_before = theirs.dump().unwrap();
    drop(theirs);
    let refused = secrets::restore(&other, &backup, &Unlock::with_passphrase("wrong"))
        .err()
        .unwrap()
        .to_string();
    assert!(refused.starts_with("cannot restore"), "{refused}");
    assert!(refused.contains("passphrase"), "{refused}");
    assert!(!refused.contains('\n'));
    let unchanged = secrets::open(&other, &Unlock::with_passphrase(PASS))
        .unwrap()
        .store;
    assert_eq!(
        unchanged.dump().unwrap(),
        theirs_before,
        "a refused restore changes nothing"
    );
    drop(unchanged);

    let restored = secrets::restore(&other, &backup, &Unlock::with_passphrase(PASS)).unwrap();
    assert_eq!(restored.store.dump().unwrap(), dump);
    assert_eq!(restored.encryption, Encryption::Passphrase);
    drop(restored);
    assert_absent(&other, "UNIQUE-NOTE-7f3a9c2e");
    assert_eq!(cipher::file_state(&other), FileState::Encrypted);
}

#[cfg(unix)]
#[test]
fn a_backup_to_a_fifo_or_a_database_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("panelist.db");
    let store = secrets::open(&db, &Unlock::with_passphrase(PASS))
        .unwrap()
        .store;
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc_mkfifo(c.as_ptr(), 0o600) }, 0);
    let err = store.backup_to(&fifo).unwrap_err().to_string();
    assert!(err.contains("not a regular file"), "{err}");
    let plain = dir.path().join("plain.db");
    drop(Store::open(&plain).unwrap());
    let err = store.backup_to(&plain).unwrap_err().to_string();
    assert!(err.contains("is a database"), "{err}");
}

#[cfg(unix)]
extern "C" {
    #[link_name = "mkfifo"]
    fn libc_mkfifo(path: *const std::os::raw::c_char, mode: u32) -> i32;
}

#[test]
fn a_plain_database_another_program_has_open_is_not_replaced_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("panelist.db");
    let mut app = Store::open(&db).unwrap();
    with_session(&mut app, "Ada Lovelace", NOTE);
    // The app keeps its connection; a command arrives with a passphrase.
    let err = secrets::open(&db, &Unlock::with_passphrase(PASS))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("in use by another program"), "{err}");
    assert_eq!(cipher::file_state(&db), FileState::Plain);
    // The app's connection still works on the one database file.
    app.set_notes(id(1), QS[0], "after the refusal", at(70))
        .unwrap();
    drop(app);
    let opened = secrets::open(&db, &Unlock::with_passphrase(PASS)).unwrap();
    assert!(opened.migrated);
    assert_eq!(
        opened.store.session(id(1)).unwrap().entries[0].notes,
        "after the refusal"
    );
}

/// The app's start dialog: a passphrase database needs one, a wrong one is
/// told apart from the right one while the store is open elsewhere, and the
/// check changes nothing.
#[test]
fn the_start_dialog_tells_a_wrong_passphrase_from_the_right_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("panelist.db");
    let mut opened = secrets::open(&db, &Unlock::with_passphrase(PASS)).unwrap();
    with_session(&mut opened.store, "Ada Lovelace", NOTE);
    assert!(secrets::needs_passphrase(&db, &Unlock::default()));
    assert!(!secrets::needs_passphrase(
        &db,
        &Unlock::with_passphrase("x")
    ));
    drop(opened);
    let opens = |p: &str| {
        secrets::open_with_passphrase(&db, &Unlock::with_passphrase(p))
            .unwrap()
            .map(|o| o.store.session(id(1)).unwrap().entries[0].notes.clone())
    };
    assert_eq!(opens("wrong"), None);
    assert!(secrets::open_with_passphrase(&db, &Unlock::default())
        .unwrap()
        .is_none());
    assert_eq!(opens(PASS).as_deref(), Some(NOTE));
    let again = secrets::open(&db, &Unlock::with_passphrase(PASS)).unwrap();
    assert_eq!(again.encryption, Encryption::Passphrase);
}

/// Settings' "Set passphrase": a plain database is encrypted with it, an
/// encrypted one re-keyed; afterwards only the new passphrase opens it, the
/// content is whole, and the note is nowhere on disk.
#[test]
fn a_passphrase_set_later_encrypts_or_rekeys_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("panelist.db");
    let mut plain = secrets::open(&db, &Unlock::default()).unwrap();
    assert_eq!(plain.encryption, Encryption::Plain);
    with_session(&mut plain.store, "Ada Lovelace", NOTE);
    assert!(!files_of(&db).is_empty());
    let set = secrets::set_passphrase(plain.store, PASS).unwrap();
    assert_eq!(set.encryption, Encryption::Passphrase);
    drop(set);
    assert_absent(&db, "UNIQUE-NOTE-7f3a9c2e");
    assert!(secrets::needs_passphrase(&db, &Unlock::default()));
    assert!(
        secrets::open_with_passphrase(&db, &Unlock::with_passphrase(PASS))
            .unwrap()
            .is_some()
    );

    // Changed again: the old passphrase no longer opens it.
    let o = secrets::open(&db, &Unlock::with_passphrase(PASS)).unwrap();
    let changed = secrets::set_passphrase(o.store, "a newer passphrase").unwrap();
    let sid: SessionId = id(1);
    let kept = changed.store.session(sid).unwrap();
    assert_eq!(kept.candidate.name, "Ada Lovelace");
    assert_eq!(kept.entries[0].notes, NOTE);
    drop(changed);
    assert!(
        secrets::open_with_passphrase(&db, &Unlock::with_passphrase(PASS))
            .unwrap()
            .is_none()
    );
    let again = secrets::open(&db, &Unlock::with_passphrase("a newer passphrase")).unwrap();
    assert_eq!(again.encryption, Encryption::Passphrase);
    assert!(matches!(
        secrets::set_passphrase(again.store, ""),
        Err(panelist_core::Error::Invalid(_))
    ));
}
