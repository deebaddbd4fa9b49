//! Encryption at rest with SQLCipher: keying a connection, encrypting a plain
//! database in place (copy, verify, replace, then overwrite and remove the
//! plain files), and encrypted backups and their restore. Which key, and
//! where it is kept, is decided in `crate::secrets`; this module only applies
//! a key it is given.
//!
//! A key is handed to SQLCipher as `PRAGMA key`: a passphrase as its text
//! (so the `sqlcipher` shell opens the file with `PRAGMA key = '…'`), a
//! random key as SQLCipher's raw-key form `x'<64 hex digits>'` (no key
//! derivation). A connection without a key reads and writes plain SQLite.
//!
//! A passphrase costs SQLCipher's key derivation (PBKDF2-HMAC-SHA512,
//! 256,000 iterations: a large part of a second of CPU) on every
//! connection keyed with it. Opening an existing passphrase database pays it
//! once, here ([`Derived`]): the key SQLCipher would derive from the
//! passphrase and the file's salt is derived in this module and handed to
//! SQLCipher in its raw-key form, and the same key is reused by every later
//! connection to that file ([`Reopen`]: the background sync's, each minute).
//! The derived key is kept only in memory and zeroed when dropped; the file
//! stays keyed with the passphrase (the `sqlcipher` shell still opens it with
//! `PRAGMA key = '…'`).
//!
//! Removing the plain files overwrites their bytes with zeros, syncs, then
//! unlinks them. On a journaling or copy-on-write file system, or an SSD that
//! remaps blocks, older copies of those blocks may survive below the file
//! system; encryption from the first open is the real protection.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};
use zeroize::{Zeroize, Zeroizing};

use super::{Store, SCHEMA_VERSION};
use crate::error::{Error, Result};

mod derive;
pub use derive::key_derivations;
pub(crate) use derive::Derived;
use derive::{count_derivation, SALT_LEN};

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const USER_VERSION: &str = "PRAGMA user_version";
const TABLES: &str = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name";
const ATTACH: &str = "ATTACH DATABASE ?1 AS copy KEY ?2";
const EXPORT: &str = "SELECT sqlcipher_export('copy')";
const DETACH: &str = "DETACH DATABASE copy";
const PROBE: &str = "SELECT count(*) FROM sqlite_schema";
/// Suffix of the encrypted copy being made (removed if found at open).
const ENCRYPTING: &str = ".encrypting";
/// Suffix of the plain file kept (hard-linked) until it has been overwritten.
const PLAIN_OLD: &str = ".plain-old";

/// A database key: a passphrase the user chose, or 32 random bytes. Zeroed
/// in memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub enum DbKey {
    Passphrase(String),
    Raw([u8; 32]),
}

impl Drop for DbKey {
    fn drop(&mut self) {
        match self {
            DbKey::Passphrase(p) => p.zeroize(),
            DbKey::Raw(k) => k.zeroize(),
        }
    }
}

/// The salt of the encrypted file at `path` (None: missing, empty or plain).
fn file_salt(path: &Path) -> Option<[u8; SALT_LEN]> {
    if file_state(path) != FileState::Encrypted {
        return None;
    }
    let mut salt = [0u8; SALT_LEN];
    std::fs::File::open(path).ok()?.read_exact(&mut salt).ok()?;
    Some(salt)
}

/// Opens a connection to `path` keyed with `key`, paying a passphrase's
/// derivation at most once per file: for an existing encrypted file the key
/// is derived here from its salt (or `known`'s, when derived for that same
/// salt) and given to SQLCipher raw; a new file is keyed with the
/// passphrase itself (SQLCipher makes its salt). `None` when the key does
/// not open it; else the connection and the derived key, if any.
pub(super) fn open_keyed(
    path: &Path,
    key: Option<&DbKey>,
    known: Option<&Derived>,
) -> Result<Option<(Connection, Option<Derived>)>> {
    if let Some(DbKey::Passphrase(p)) = key {
        // The file itself is read with `std::fs` only when no key has been
        // derived for it yet in this process (its first connection). Never
        // while SQLite may have it open here: closing any descriptor of a
        // file drops every POSIX lock this process holds on it, SQLite's
        // included, and its other connections then lose writes. A key
        // derived for the file before is tried as is; after a re-key or a
        // restore it no longer opens the file, and SQLCipher's own
        // derivation below decides.
        let derived = match known {
            Some(d) => Some(d.clone()),
            None => file_salt(path).and_then(|salt| Derived::new(p, salt)),
        };
        if let Some(derived) = derived {
            let conn = Connection::open(path)?;
            if apply_material(&conn, Some(&derived.material()))? {
                return Ok(Some((conn, Some(derived))));
            }
        }
        // Not SQLCipher 4's derivation (a file Panelist did not make) or a
        // wrong passphrase: SQLCipher's own derivation decides.
    }
    let conn = Connection::open(path)?;
    Ok(apply_key(&conn, key)?.then_some((conn, None)))
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DbKey::Passphrase(_) => "DbKey::Passphrase(..)",
            DbKey::Raw(_) => "DbKey::Raw(..)",
        })
    }
}

impl DbKey {
    /// What `PRAGMA key` gets: the passphrase, or `x'HEX'` for a raw key.
    fn material(&self) -> Zeroizing<String> {
        match self {
            DbKey::Passphrase(p) => Zeroizing::new(p.clone()),
            DbKey::Raw(k) => raw_material(k),
        }
    }

    /// A raw key in the text form it is kept in (64 lower-case hex digits).
    pub fn raw_hex(&self) -> Option<String> {
        match self {
            DbKey::Raw(k) => Some(hex(k)),
            DbKey::Passphrase(_) => None,
        }
    }

    /// A raw key from its kept text form, if it is one.
    pub fn from_raw_hex(text: &str) -> Option<DbKey> {
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut k = [0u8; 32];
        for (i, byte) in k.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(DbKey::Raw(k))
    }

    /// A new random key.
    pub fn random() -> Result<DbKey> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k)
            .map_err(|e| Error::Io(format!("no randomness for a database key: {e}")))?;
        Ok(DbKey::Raw(k))
    }
}

/// SQLCipher's raw-key form `x'<hex>'` of `key`, in a string zeroed when
/// dropped (made at its final size, so no copy is left behind).
pub(super) fn raw_material(key: &[u8]) -> Zeroizing<String> {
    use std::fmt::Write as _;
    let mut s = Zeroizing::new(String::with_capacity(3 + 2 * key.len()));
    s.push_str("x'");
    for b in key {
        let _ = write!(s, "{b:02x}");
    }
    s.push('\'');
    s
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A database's path and key, to open more connections to it: a
/// passphrase's key is derived at most once for all of them (shared by the
/// clones, see [`Derived`]).
#[derive(Clone)]
pub struct Reopen {
    pub(super) path: PathBuf,
    pub(super) key: Option<DbKey>,
    pub(super) derived: Arc<Mutex<Option<Derived>>>,
}

impl Reopen {
    pub fn open(&self) -> Result<Store> {
        let known = self
            .derived
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let store = Store::open_keyed(&self.path, self.key.as_ref(), known.as_ref())?;
        if let Some(d) = &store.derived {
            *self.derived.lock().unwrap_or_else(|p| p.into_inner()) = Some(d.clone());
        }
        Ok(store)
    }
}

/// What a database file holds, judged by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// No file, or an empty one.
    Missing,
    /// Plain SQLite.
    Plain,
    /// Anything else: SQLCipher (or not a database at all).
    Encrypted,
}

/// What the file at `path` holds.
pub fn file_state(path: &Path) -> FileState {
    let Ok(mut f) = std::fs::File::open(path) else {
        return FileState::Missing;
    };
    let mut head = [0u8; 16];
    let mut got = 0;
    while got < head.len() {
        match f.read(&mut head[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    match got {
        0 => FileState::Missing,
        16 if &head == SQLITE_MAGIC => FileState::Plain,
        _ => FileState::Encrypted,
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Keys `conn` and checks that the key opens it (`Ok(false)`: it does not).
pub(crate) fn apply_key(conn: &Connection, key: Option<&DbKey>) -> Result<bool> {
    // SQLCipher logs a failed key to stderr by default; a wrong key is
    // reported once, as an error, by the caller.
    // The level is set after the key: keying a first connection activates
    // SQLCipher, which then sets its default level.
    if matches!(key, Some(DbKey::Passphrase(_))) {
        // SQLCipher derives the key from it at the probe below.
        count_derivation();
    }
    apply_material(
        conn,
        key.map(DbKey::material).as_deref().map(String::as_str),
    )
}

/// Keys `conn` with `PRAGMA key`'s text `material` (none: plain) and checks
/// that it opens it.
fn apply_material(conn: &Connection, material: Option<&str>) -> Result<bool> {
    if let Some(m) = material {
        conn.pragma_update(None, "key", m)?;
    }
    conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
    match conn.query_row(PROBE, [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// The one-line refusal when no key given opens `path`.
pub(crate) fn wrong_key(path: &Path, had_key: bool) -> Error {
    Error::Invalid(if had_key {
        format!(
            "{} does not open with this passphrase or key (a wrong passphrase, another machine's keyring, or not a Panelist database)",
            path.display()
        )
    } else {
        format!(
            "{} is encrypted and no key is available: set PANELIST_PASSPHRASE (or unlock the keyring that holds its key)",
            path.display()
        )
    })
}

/// Whether `key` opens the existing database at `path` (the keyring's key,
/// checked before the app decides it needs no passphrase).
pub fn opens_with(path: &Path, key: &DbKey) -> Result<bool> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    apply_key(&conn, Some(key))
}

/// Opens `path` read-only with the first of `keys` that opens it (`None`
/// for a plain file).
fn open_with_any(path: &Path, keys: &[DbKey]) -> Result<(Connection, Option<DbKey>)> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if file_state(path) != FileState::Encrypted {
        let conn = Connection::open_with_flags(path, flags)?;
        if apply_key(&conn, None)? {
            return Ok((conn, None));
        }
    }
    for key in keys {
        let conn = Connection::open_with_flags(path, flags)?;
        if apply_key(&conn, Some(key))? {
            return Ok((conn, Some(key.clone())));
        }
    }
    Err(wrong_key(path, !keys.is_empty()))
}

/// Row counts of every table: what a copy must match.
fn counts(conn: &Connection, schema: &str) -> Result<Vec<(String, i64)>> {
    let tables: Vec<String> = conn
        .prepare(&TABLES.replace("sqlite_schema", &format!("{schema}.sqlite_schema")))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    tables
        .into_iter()
        .map(|t| {
            let n = conn.query_row(&format!("SELECT count(*) FROM {schema}.\"{t}\""), [], |r| {
                r.get(0)
            })?;
            Ok((t, n))
        })
        .collect()
}

/// Copies the database `conn` has open into a new file `to` keyed with `key`
/// (plain without), with its schema version, and checks the copy: it opens
/// with that key, passes the integrity check and has the same rows.
fn export(
    conn: &Connection,
    to: &Path,
    key: Option<&DbKey>,
    finish: impl FnOnce(&Connection) -> Result<()>,
) -> Result<()> {
    create_private_new(to)?;
    let result = (|| {
        let version: i64 = conn.query_row(USER_VERSION, [], |r| r.get(0))?;
        let material = key.map(DbKey::material).unwrap_or_default();
        conn.execute(
            ATTACH,
            rusqlite::params![to.to_string_lossy(), material.as_str()],
        )?;
        let copied = conn
            .query_row(EXPORT, [], |_| Ok(()))
            .and_then(|()| conn.pragma_update(Some("copy"), "user_version", version))
            .map_err(Error::from)
            .and_then(|()| finish(conn));
        conn.execute(DETACH, [])?;
        copied?;
        // Verify with a fresh connection, as a later open will see it.
        let copy = Connection::open(to)?;
        if !apply_key(&copy, key)? {
            return Err(Error::Invalid(format!(
                "the copy {} does not open with its key",
                to.display()
            )));
        }
        let check: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        let copied_version: i64 = copy.query_row(USER_VERSION, [], |r| r.get(0))?;
        if check != "ok"
            || copied_version != version
            || counts(&copy, "main")? != counts(conn, "main")?
        {
            return Err(Error::Invalid(format!(
                "the copy {} does not match the database (integrity: {check})",
                to.display()
            )));
        }
        drop(copy);
        std::fs::File::open(to)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(format!("cannot sync {}", to.display()), e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(to);
    }
    result
}

/// A new empty file readable only by its owner (SQLite then writes into it).
fn create_private_new(path: &Path) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
        .map(drop)
        .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))
}

/// Overwrites a file's bytes with zeros, syncs, then removes it.
pub(crate) fn scrub_file(path: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e)),
    };
    if meta.is_file() {
        let io = |e| Error::io(format!("cannot overwrite {}", path.display()), e);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(io)?;
        let zeros = vec![0u8; 64 * 1024];
        let mut left = meta.len();
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n]).map_err(io)?;
            left -= n as u64;
        }
        f.sync_all().map_err(io)?;
    }
    std::fs::remove_file(path)
        .map_err(|e| Error::io(format!("cannot remove {}", path.display()), e))
}

fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Finishes or forgets an encryption a crash interrupted: a half-made copy
/// is removed (the plain file is still the database); a plain file kept
/// after the encrypted copy took its place is overwritten and removed.
pub(crate) fn recover(path: &Path) -> Result<()> {
    let copy = with_suffix(path, ENCRYPTING);
    if copy.exists() {
        std::fs::remove_file(&copy)
            .map_err(|e| Error::io(format!("cannot remove {}", copy.display()), e))?;
    }
    let old = with_suffix(path, PLAIN_OLD);
    if old.exists() && file_state(path) == FileState::Encrypted {
        scrub_file(&old)?;
    }
    Ok(())
}

/// Makes sure no other connection has the database open, and empties its
/// log: leaving WAL mode needs every other connection gone (it checkpoints
/// and removes the -wal and -shm). Another program that has it open (the
/// app, another command) makes this fail with one line, changing nothing.
fn sole_user(conn: &Connection, path: &Path) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(1))?;
    let in_use = || {
        Error::Invalid(format!(
            "{} is in use by another program (the app, or another panelist command); close it and try again",
            path.display()
        ))
    };
    match conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
        r.get::<_, String>(0)
    }) {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => Ok(()),
        Ok(_) => Err(in_use()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) =>
        {
            Err(in_use())
        }
        Err(e) => Err(e.into()),
    }
}

/// Encrypts the plain database at `path` with `key`: a verified encrypted
/// copy takes its place, then the plain file, its -wal and -shm are
/// overwritten and removed. The plain file stays the database until the
/// copy is complete and checked.
pub fn encrypt_in_place(path: &Path, key: &DbKey) -> Result<()> {
    recover(path)?;
    let copy = with_suffix(path, ENCRYPTING);
    let old = with_suffix(path, PLAIN_OLD);
    {
        let conn = Connection::open(path)?;
        sole_user(&conn, path)?;
        export(&conn, &copy, Some(key), |_| Ok(()))?;
    }
    // The plain connection is closed: its log is empty (checkpointed).
    for suffix in ["-wal", "-shm", "-journal"] {
        scrub_file(&with_suffix(path, suffix))?;
    }
    if old.exists() {
        scrub_file(&old)?;
    }
    std::fs::hard_link(path, &old)
        .map_err(|e| Error::io(format!("cannot link {}", old.display()), e))?;
    std::fs::rename(&copy, path)
        .map_err(|e| Error::io(format!("cannot replace {}", path.display()), e))?;
    sync_dir(path);
    scrub_file(&old)
}

impl Store {
    /// Writes a backup of the whole database to `out`, encrypted with this
    /// database's key (plain when the database is plain). The target is
    /// checked like every output (a FIFO, device, folder, link or database
    /// is refused); the backup is made beside it, verified, then renamed.
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        if let Some(why) = crate::files::refuse_target(out) {
            return Err(Error::Invalid(why));
        }
        let name = out
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::Invalid(format!("{} is not a file path", out.display())))?;
        let tmp = out.with_file_name(format!(".{name}.{}.backup", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        export(&self.conn, &tmp, self.key.as_ref(), |c| {
            self.seed_into_backup(c)
        })?;
        std::fs::rename(&tmp, out).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(format!("cannot write {}", out.display()), e)
        })?;
        sync_dir(out);
        Ok(())
    }
}

impl Store {
    /// Re-keys this database with `new` and opens it again with it: a plain
    /// database is encrypted in place (`encrypt_in_place`), an encrypted one
    /// is re-keyed by SQLCipher (`PRAGMA rekey`, in one transaction: a crash
    /// leaves the old key). The store's connection is closed first; another
    /// program that has the file open makes this fail with one line,
    /// changing nothing (the caller opens it again with the old key).
    pub fn rekey(self, new: &DbKey) -> Result<Store> {
        let path = self
            .path
            .clone()
            .ok_or_else(|| Error::Invalid("an in-memory database has no key".into()))?;
        let old = self.key.clone();
        drop(self);
        match &old {
            None => encrypt_in_place(&path, new)?,
            Some(old) => {
                let conn = Connection::open(&path)?;
                if !apply_key(&conn, Some(old))? {
                    return Err(wrong_key(&path, true));
                }
                sole_user(&conn, &path)?;
                conn.pragma_update(None, "rekey", new.material().as_str())?;
                drop(conn);
                let check = Connection::open(&path)?;
                if !apply_key(&check, Some(new))? {
                    return Err(Error::Invalid(format!(
                        "{} does not open with its new key after re-keying",
                        path.display()
                    )));
                }
            }
        }
        Store::open_with_key(&path, Some(new))
    }
}

/// Replaces the database at `db` with the backup `from`, which must open
/// with one of `keys` (or be plain). The restored database is keyed with
/// `key` (plain without). Refused with one line, changing nothing, when no
/// key opens the backup, when it is not a sound Panelist database, when it
/// was written by a newer Panelist, or when the database is in use.
pub fn restore(db: &Path, from: &Path, keys: &[DbKey], key: Option<&DbKey>) -> Result<()> {
    let meta = std::fs::metadata(from)
        .map_err(|e| Error::io(format!("cannot read {}", from.display()), e))?;
    if !meta.is_file() {
        return Err(Error::Invalid(format!(
            "{} is not a regular file; give the path of a backup file",
            from.display()
        )));
    }
    let refuse = |why: &str| Error::Invalid(format!("cannot restore {}: {why}", from.display()));
    let (backup, matched) = open_with_any(from, keys).map_err(|e| match e {
        Error::Invalid(_) => refuse(
            "it does not open with this passphrase or key (a wrong passphrase, or not a Panelist backup)",
        ),
        other => other,
    })?;
    let version: i64 = backup
        .query_row(USER_VERSION, [], |r| r.get(0))
        .map_err(|_| refuse("it is not a Panelist backup"))?;
    let has_sessions: i64 = backup
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'session'",
            [],
            |r| r.get(0),
        )
        .map_err(|_| refuse("it is not a Panelist backup"))?;
    if has_sessions == 0 || version < 1 {
        return Err(refuse("it is not a Panelist backup"));
    }
    if version > SCHEMA_VERSION as i64 {
        return Err(refuse(&format!(
            "it was written by a newer Panelist (schema version {version}; this build knows up to {SCHEMA_VERSION})"
        )));
    }
    let check: String = backup.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(refuse(&format!("it is damaged (integrity check: {check})")));
    }
    // The live database must not be in use: its log is emptied first.
    if file_state(db) != FileState::Missing {
        let live = [key, None].into_iter().find_map(|k| {
            let c = Connection::open(db).ok()?;
            apply_key(&c, k).ok()?.then_some(c)
        });
        if let Some(live) = live {
            sole_user(&live, db)?;
        }
    }
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("cannot create folder {}", dir.display()), e))?;
            super::private(dir, 0o700)?;
        }
    }
    let copy = with_suffix(db, ENCRYPTING);
    let _ = std::fs::remove_file(&copy);
    // The backup was opened read-only; the copy needs a connection that may
    // attach a new file for writing.
    drop(backup);
    let conn = Connection::open(from)?;
    if !apply_key(&conn, matched.as_ref())? {
        return Err(refuse("it does not open with this passphrase or key"));
    }
    export(&conn, &copy, key, |_| Ok(()))?;
    drop(conn);
    for suffix in ["-wal", "-shm", "-journal"] {
        scrub_file(&with_suffix(db, suffix))?;
    }
    let plain_before = file_state(db) == FileState::Plain;
    if plain_before {
        let old = with_suffix(db, PLAIN_OLD);
        let _ = scrub_file(&old);
        std::fs::hard_link(db, &old)
            .map_err(|e| Error::io(format!("cannot link {}", old.display()), e))?;
    }
    std::fs::rename(&copy, db)
        .map_err(|e| Error::io(format!("cannot replace {}", db.display()), e))?;
    sync_dir(db);
    if plain_before {
        scrub_file(&with_suffix(db, PLAIN_OLD))?;
    }
    Ok(())
}

/// Brings a plain database file to schema `version` (not the latest), as an
/// earlier Panelist left it: for migration tests.
#[doc(hidden)]
pub fn migrate_plain_to(path: &Path, version: usize) -> Result<()> {
    let mut conn = Connection::open(path)?;
    super::migrate::migrations().to_version(&mut conn, version)?;
    Ok(())
}

#[cfg(test)]
mod tests;
