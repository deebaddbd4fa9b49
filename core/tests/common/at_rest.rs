//! What a database leaves on disk, for the encryption and erasure tests of
//! the core and of the CLI (`tests/encryption.rs` includes it by path):
//! its files, a byte search of them, and every value read through the key.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The database file and its -wal and -shm, those that exist.
pub fn files_of(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .filter(|p| p.exists())
        .collect()
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// No byte of the database, its -wal or -shm holds `needle` (and there is
/// a database file to search).
pub fn assert_absent(db: &Path, needle: &str) {
    let files = files_of(db);
    assert!(!files.is_empty(), "no file at {}", db.display());
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !contains(&bytes, needle.as_bytes()),
            "{} holds {needle:?}",
            f.display()
        );
    }
}

/// Every value of every row of `db`, read with SQLCipher's passphrase
/// `key` (text and blobs as they are, other values as their debug text),
/// and the number of free pages (which could hold deleted text).
pub fn decrypted_rows(db: &Path, key: &str) -> (Vec<u8>, i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.pragma_update(None, "key", key).unwrap();
    let free: i64 = conn
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    let mut out = Vec::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        out.extend_from_slice(t)
                    }
                    other => out.extend_from_slice(format!("{other:?}").as_bytes()),
                }
                out.push(b'\n');
            }
        }
    }
    (out, free)
}
