//! SQLite storage. This module is the only place in Panelist that contains SQL.
//!
//! Every connection runs in WAL mode with `synchronous=FULL`, foreign keys on
//! and a busy timeout; every write is one IMMEDIATE transaction per user
//! action, so an acknowledged write survives a crash or a kill.

//!
//! The module is split by concern: `migrate` (the embedded, append-only
//! schema migrations), `rows` (row ↔ value conversions), `bank` (questions,
//! competencies, kits), `sessions` (the live interview's writes, the paged
//! list, batched loads for panels) and `import` (other interviewers' session
//! files). SQL lives in constants at the top of each file.

mod bank;
pub mod cipher;
mod erase;
mod identity;
mod import;
mod instance;
mod migrate;
mod plans;
mod rows;
mod sessions;
mod sync;

pub use sync::{OutboxItem, Refused, Resolved, ServerCopy, SetAside, SyncConflict};

pub use cipher::DbKey;
pub use erase::Erasure;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

pub use bank::{BankImportReport, BankPhase, BankProgress};
pub use import::{BatchFile, FileImport};
pub use instance::instance_id;
pub use migrate::MIGRATION_SQL;
pub use plans::{NewPlan, PlanImportResult};

const SETTING: &str = "SELECT value FROM meta WHERE key = ?1";
const IDENTITY_KEY: &str = "signing_key";
const SET_SETTING: &str = "
    INSERT INTO meta (key, value) VALUES (?1, ?2)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// How long a connection waits for another to let go of the database.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATION_SQL.len();

/// Identifier shared with the desktop app, so both use one data directory.
pub const APP_IDENTIFIER: &str = "dev.panelist.app";

/// The default database file: `<OS data dir>/dev.panelist.app/panelist.db`.
pub fn default_db_path() -> Result<PathBuf> {
    let dirs = directories::BaseDirs::new()
        .ok_or_else(|| Error::Io("cannot find the home directory for the data folder".into()))?;
    Ok(dirs.data_dir().join(APP_IDENTIFIER).join("panelist.db"))
}

/// Resolves the database path: an explicit path, then `PANELIST_DB`, then the
/// OS data directory.
pub fn resolve_db_path(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    match std::env::var_os("PANELIST_DB") {
        Some(p) if !p.is_empty() => Ok(PathBuf::from(p)),
        _ => default_db_path(),
    }
}

/// Sets `path`'s permission bits exactly (not through the umask).
fn private(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::symlink_metadata(path)
            .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
        if meta.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                .map_err(|e| Error::io(format!("cannot make {} private", path.display()), e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Creates an empty database file readable only by its owner, unless one is
/// there. SQLite gives the -wal and -shm it creates the database's mode.
fn create_private(path: &Path) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => private(path, 0o600),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::io(format!("cannot create {}", path.display()), e)),
    }
}

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// The SQLCipher key the file was opened with (None: plain SQLite).
    key: Option<DbKey>,
    /// A passphrase's derived key, for further connections (`cipher::Reopen`).
    derived: Option<cipher::Derived>,
    /// The signing seed, when it is kept in the OS keyring (`identity.rs`).
    seed_from_keyring: Option<String>,
}

impl Store {
    /// Opens (creating if needed) the database file at `path`, runs pending
    /// migrations and seeds the built-in bank on first open.
    ///
    /// Private files: a data folder Panelist creates is 0700; the database,
    /// its -wal and -shm are 0600 (made so at creation whatever the umask,
    /// and tightened on open when an earlier build left them looser).
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with_key(path, None)
    }

    /// Opens the database at `path` encrypted with `key` (a new file is
    /// created encrypted); `None` opens a plain file. Which key to use is
    /// `crate::secrets`'s decision; a key that does not open the file is
    /// refused with one line.
    pub fn open_with_key(path: &Path, key: Option<&DbKey>) -> Result<Store> {
        Self::open_keyed(path, key, None)
    }

    /// [`Store::open_with_key`], reusing `known`, a passphrase's key already
    /// derived for this file (`cipher::open_keyed`).
    pub(super) fn open_keyed(
        path: &Path,
        key: Option<&DbKey>,
        known: Option<&cipher::Derived>,
    ) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::io(format!("cannot create folder {}", dir.display()), e))?;
                private(dir, 0o700)?;
            }
        }
        cipher::recover(path)?;
        create_private(path)?;
        let Some((conn, derived)) = cipher::open_keyed(path, key, known)? else {
            return Err(cipher::wrong_key(path, key.is_some()));
        };
        let mut store = Self::init(conn, Some(path.to_path_buf()), key.cloned())?;
        store.derived = derived;
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                private(&p, 0o600)?;
            }
        }
        Ok(store)
    }

    /// An in-memory database that went through the same migrations and seeding.
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?, None, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>, key: Option<DbKey>) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        if path.is_some() {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::Invalid(format!(
                    "could not switch the database to WAL mode (got {mode})"
                )));
            }
        }
        // secure_delete: deleted and replaced text is overwritten with zeros
        // instead of lingering in free pages (erasure relies on it).
        conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
        )?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION as i64 {
            let where_ = path
                .as_ref()
                .map(|p| format!(" {}", p.display()))
                .unwrap_or_default();
            return Err(Error::SchemaTooNew(format!(
                "the database{where_} was written by a newer Panelist (schema version {version}; this build knows up to {SCHEMA_VERSION}). Upgrade Panelist to open it."
            )));
        }
        migrate::migrations().to_latest(&mut conn)?;
        let mut store = Store {
            conn,
            path,
            key,
            derived: None,
            seed_from_keyring: None,
        };
        store.seed_builtin_bank()?;
        store.ensure_identity()?;
        store.finish_pending_scrub()?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether the file is encrypted (SQLCipher) rather than plain SQLite.
    pub fn encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// What opens a second connection to the same file with the same key
    /// (kept apart so the second open need not hold this store).
    pub fn reopener(&self) -> Result<cipher::Reopen> {
        match &self.path {
            Some(p) => Ok(cipher::Reopen {
                path: p.clone(),
                key: self.key.clone(),
                derived: std::sync::Arc::new(std::sync::Mutex::new(self.derived.clone())),
            }),
            None => Err(Error::Invalid(
                "an in-memory database cannot be opened twice".into(),
            )),
        }
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it lands, or none.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Copies the write-ahead log into the database file and truncates it.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// `PRAGMA integrity_check`; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<()> {
        let rows: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(Error::Invalid(format!(
                "integrity check failed: {}",
                rows.join("; ")
            )))
        }
    }

    /// Every row of every table as text, in a stable order: for checking that
    /// a refused operation changed nothing.
    pub fn dump(&self) -> Result<String> {
        let tables: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = String::new();
        for t in tables {
            out.push_str(&format!("== {t}\n"));
            let columns: i64 =
                self.conn
                    .query_row("SELECT count(*) FROM pragma_table_info(?1)", [&t], |r| {
                        r.get(0)
                    })?;
            let order = if columns > 1 { "1, 2" } else { "1" };
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY {order}"))?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let cells: Vec<String> = (0..n)
                    .map(|i| r.get_ref(i).map(|v| format!("{v:?}")))
                    .collect::<rusqlite::Result<_>>()?;
                out.push_str(&cells.join(" | "));
                out.push('\n');
            }
        }
        Ok(out)
    }

    // -- the installation's signing key ------------------------------------------

    fn ensure_identity(&mut self) -> Result<()> {
        let have: Option<String> = self
            .conn
            .query_row(SETTING, [IDENTITY_KEY], |r| r.get(0))
            .optional()?;
        if have.is_none() {
            let id = crate::session_file::Identity::generate()?;
            self.write(|tx| {
                tx.execute(SET_SETTING, params![IDENTITY_KEY, id.seed_hex()])?;
                Ok(())
            })?;
        }
        Ok(())
    }

    /// The key this installation signs its session files with. It lives in
    /// the database, never in an exported file.
    pub fn identity(&self) -> Result<crate::session_file::Identity> {
        let seed: String = self.conn.query_row(SETTING, [IDENTITY_KEY], |r| r.get(0))?;
        if seed == identity::IN_KEYRING {
            return self
                .seed_from_keyring
                .as_deref()
                .ok_or_else(|| Error::Invalid(identity::NO_KEYRING.into()))
                .and_then(crate::session_file::Identity::from_seed_hex);
        }
        crate::session_file::Identity::from_seed_hex(&seed)
    }

    // -- settings -----------------------------------------------------------

    /// A remembered preference (e.g. the interviewer's name), if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(SETTING, [format!("setting.{key}")], |r| r.get(0))
            .optional()?)
    }

    /// Remembers a preference.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(SET_SETTING, params![format!("setting.{key}"), value])?;
            Ok(())
        })
    }
}
