//! A stable name for one database file (the team token's key, the desktop
//! app's single-instance D-Bus name).

use std::path::Path;

use super::APP_IDENTIFIER;

/// A name for one database file, stable across runs and builds, usable as a
/// D-Bus name: the app's identifier plus a hash of the file's full path.
pub fn instance_id(db: &Path) -> String {
    let path = match (db.parent(), db.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
        .map(|d| d.join(name))
        .unwrap_or_else(|_| db.to_path_buf()),
        _ => db.to_path_buf(),
    };
    // FNV-1a: stable across builds and Rust versions.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.as_os_str().as_encoded_bytes() {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{APP_IDENTIFIER}.db_{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_id_is_per_database_and_a_valid_bus_name() {
        let a = instance_id(Path::new("/tmp/a/panelist.db"));
        let b = instance_id(Path::new("/tmp/b/panelist.db"));
        assert_ne!(a, b);
        assert_eq!(a, instance_id(Path::new("/tmp/a/panelist.db")));
        assert!(a.starts_with("dev.panelist.app.db_"));
        assert!(a.split('.').all(|part| !part.is_empty()
            && !part.starts_with(|c: char| c.is_ascii_digit())
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')));
    }
}
