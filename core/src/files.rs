//! Writing export files safely: a temporary file beside the target, created
//! exclusively (it never follows a planted link), readable only by its owner
//! (0600), synced, then renamed over the target. A failed write (a full disk,
//! a missing folder) leaves no half-written file and no stray temporary. A
//! target that is a database (Panelist's or any SQLite file, or its log) or a
//! symbolic link is refused: an export never replaces data. So is anything
//! but a regular file (a FIFO, a device, a socket, a folder), at once: the
//! target is looked at without following links (`lstat`) and only ever
//! opened with `O_NONBLOCK | O_NOFOLLOW`, so even a FIFO swapped in after the
//! look cannot make the write wait for a reader.

use std::io::{Read, Write};
use std::path::Path;

use crate::error::{Error, Result};

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// Opens an existing target for a look at its first bytes without ever
/// blocking (a FIFO) or following a link, and only if it is a regular file.
fn open_regular(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let f = opts.open(path)?;
    Ok(f.metadata()?.file_type().is_file().then_some(f))
}

/// Why `path` must not be written over, if it must not.
pub(crate) fn refuse_target(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        return Some(format!(
            "{} is a symbolic link; give the path of a regular file",
            path.display()
        ));
    }
    if meta.is_dir() {
        return Some(format!("{} is a folder", path.display()));
    }
    if !meta.file_type().is_file() {
        return Some(format!(
            "{} is not a regular file (a pipe, device or socket); give the path of a regular file or a new one",
            path.display()
        ));
    }
    let is_sqlite = |p: &Path| {
        let mut head = [0u8; 16];
        match open_regular(p) {
            Ok(Some(mut f)) => f.read_exact(&mut head).is_ok() && head == SQLITE_MAGIC,
            _ => false,
        }
    };
    match open_regular(path) {
        Ok(Some(_)) => {}
        Ok(None) => {
            return Some(format!(
                "{} is not a regular file (a pipe, device or socket); give the path of a regular file or a new one",
                path.display()
            ))
        }
        Err(e) => return Some(format!("cannot check {}: {e}", path.display())),
    }
    if is_sqlite(path) {
        return Some(format!(
            "{} is a database; choose another file to write to",
            path.display()
        ));
    }
    let name = path.file_name()?.to_str()?;
    for suffix in ["-wal", "-shm", "-journal"] {
        if let Some(base) = name.strip_suffix(suffix) {
            if is_sqlite(&path.with_file_name(base)) {
                return Some(format!(
                    "{} belongs to a database; choose another file to write to",
                    path.display()
                ));
            }
        }
    }
    None
}

pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    if let Some(why) = refuse_target(path) {
        return Err(Error::Invalid(why));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Invalid(format!("{} is not a file path", path.display())))?;
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = dir.join(format!(".{name}.{}.{nonce}.tmp", std::process::id()));
    let mut created = false;
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        created = true;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        if created {
            let _ = std::fs::remove_file(&tmp);
        }
        Error::io(format!("cannot write {}", path.display()), e)
    })
}

/// Reads a whole file, naming it in the error.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(format!("cannot read {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_databases_their_logs_and_links_and_writes_0600() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("p.db");
        let mut bytes = SQLITE_MAGIC.to_vec();
        bytes.extend_from_slice(&[7; 100]);
        std::fs::write(&db, &bytes).unwrap();
        std::fs::write(dir.path().join("p.db-wal"), b"log").unwrap();
        for target in [db.clone(), dir.path().join("p.db-wal")] {
            let err = write_atomic(&target, b"report").unwrap_err().to_string();
            assert!(err.contains("database"), "{err}");
        }
        assert_eq!(std::fs::read(&db).unwrap(), bytes);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let link = dir.path().join("link.md");
            std::os::unix::fs::symlink(dir.path().join("elsewhere"), &link).unwrap();
            let err = write_atomic(&link, b"x").unwrap_err().to_string();
            assert!(err.contains("symbolic link"), "{err}");
            assert!(!dir.path().join("elsewhere").exists());
            let out = dir.path().join("report.md");
            write_atomic(&out, b"ok").unwrap();
            let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_fifo_a_device_a_socket_and_a_folder_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let sock = dir.path().join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        for target in [fifo.as_path(), Path::new("/dev/null"), sock.as_path()] {
            let t = std::time::Instant::now();
            let err = write_atomic(target, b"x").unwrap_err().to_string();
            assert!(err.contains("not a regular file"), "{err}");
            assert!(t.elapsed() < std::time::Duration::from_secs(5));
        }
        let err = write_atomic(dir.path(), b"x").unwrap_err().to_string();
        assert!(err.contains("folder"), "{err}");
        // A regular file and a new path are fine.
        write_atomic(&dir.path().join("new.md"), b"a").unwrap();
        write_atomic(&dir.path().join("new.md"), b"b").unwrap();
        assert_eq!(std::fs::read(dir.path().join("new.md")).unwrap(), b"b");
    }
}
