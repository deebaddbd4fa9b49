use super::*;

const PASS: &str = "a passphrase for the test";

/// Connections opened through a store's `Reopen` (the app's background
/// sync, each minute) reuse the passphrase's key derived when the store
/// was opened: N opens, no derivation. The file stays keyed with the
/// passphrase itself (a plain `PRAGMA key` with it reads the writes).
#[test]
fn reopened_connections_pay_no_key_derivation() {
    const OPENS: u64 = 5;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    let key = DbKey::Passphrase(PASS.into());
    drop(Store::open_with_key(&path, Some(&key)).unwrap());
    let before = key_derivations();
    let mut store = Store::open_with_key(&path, Some(&key)).unwrap();
    assert_eq!(key_derivations() - before, 1, "opening derives once");
    let reopen = store.reopener().unwrap();
    store.set_setting("probe", "written raw").unwrap();
    let before = key_derivations();
    for _ in 0..OPENS {
        let again = reopen.clone().open().unwrap();
        assert_eq!(
            again.setting("probe").unwrap().as_deref(),
            Some("written raw")
        );
    }
    assert_eq!(
        key_derivations() - before,
        0,
        "key derivations over {OPENS} reopened connections"
    );
    drop(store);
    let plain_key = Connection::open(&path).unwrap();
    plain_key.pragma_update(None, "key", PASS).unwrap();
    let v: String = plain_key
        .query_row(
            "SELECT value FROM meta WHERE key = 'setting.probe'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(v, "written raw");
}

/// A wrong passphrase is still refused, and a file re-keyed since (a new
/// salt) is opened with a key derived anew, not the stale one.
#[test]
fn a_derived_key_is_bound_to_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    let key = DbKey::Passphrase(PASS.into());
    drop(Store::open_with_key(&path, Some(&key)).unwrap());
    let wrong = DbKey::Passphrase("not it".into());
    assert!(Store::open_with_key(&path, Some(&wrong)).is_err());
    let store = Store::open_with_key(&path, Some(&key)).unwrap();
    let reopen = store.reopener().unwrap();
    // Another file, same passphrase, at the same path: another salt.
    drop(store);
    std::fs::remove_file(&path).unwrap();
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&path, s));
    }
    drop(Store::open_with_key(&path, Some(&key)).unwrap());
    let before = key_derivations();
    assert!(reopen.open().is_ok());
    assert_eq!(
        key_derivations() - before,
        1,
        "derived anew for the new salt"
    );
}
