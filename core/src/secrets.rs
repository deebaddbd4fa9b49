//! Where this installation's secrets live, and how the database is opened
//! with its key: one policy for the desktop app and the CLI alike.
//!
//! The database key, in order:
//! 1. a passphrase the user set (`PANELIST_PASSPHRASE` for the CLI, a
//!    prompt on a terminal, the app's start dialog), handed to SQLCipher as
//!    its passphrase, so the `sqlcipher` shell opens the file with
//!    `PRAGMA key = '…'`;
//! 2. else a random 32-byte key kept in the OS keyring (the Secret Service on
//!    Linux), one entry per database file, made on first use where a keyring
//!    answers;
//! 3. else none: the database stays plain SQLite, and [`Opened::notice`]
//!    says so once (the CLI prints it, the Settings screen shows
//!    [`Encryption::Plain`]).
//!
//! Never a key file beside the database. A plain database is encrypted in
//! place as soon as a key is available (`storage::cipher::encrypt_in_place`:
//! copy, verify, replace, overwrite and remove the plain files).
//!
//! `PANELIST_KEYRING=off` keeps Panelist away from the OS keyring (the test
//! and development runs set it in `.cargo/config.toml`, so they never touch
//! the user's real keyring); `secret-service` (the default where the
//! `keyring` feature is built) uses it. The team token ([`crate::team_token`])
//! follows the same switch.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::storage::cipher::{self, FileState};
use crate::storage::{instance_id, DbKey};
use crate::{Error, Result, Store};

/// The passphrase for the database (CLI; the app asks at start).
pub const PASSPHRASE_ENV: &str = "PANELIST_PASSPHRASE";
/// `off` or `secret-service`: whether the OS keyring is used at all.
pub const KEYRING_ENV: &str = "PANELIST_KEYRING";
/// The keyring service name every Panelist entry is filed under.
#[cfg_attr(not(feature = "keyring"), allow(dead_code))]
pub(crate) const KEYRING_SERVICE: &str = "dev.panelist.app";
/// The setting that records the plain-database notice was given.
const PLAIN_NOTICE_SETTING: &str = "encryption.plain_noticed";

/// How the open database is protected at rest (the Settings screen).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Encryption {
    /// Encrypted with a random key kept in the OS keyring.
    Keyring,
    /// Encrypted with the user's passphrase.
    Passphrase,
    /// Plain SQLite: no keyring answered and no passphrase was set.
    Plain,
}

/// Whether Panelist may use the OS keyring (`PANELIST_KEYRING`).
pub fn keyring_enabled() -> bool {
    cfg!(feature = "keyring")
        && !matches!(
            std::env::var(KEYRING_ENV).as_deref().map(str::trim),
            Ok("off") | Ok("0") | Ok("none") | Ok("false")
        )
}

/// One entry in the OS keyring, or nothing where none is built or enabled.
pub(crate) struct KeyringEntry {
    #[cfg(feature = "keyring")]
    entry: Option<keyring::Entry>,
}

/// What a keyring read found.
#[cfg_attr(not(feature = "keyring"), allow(dead_code))]
pub(crate) enum Kept {
    Found(String),
    /// The keyring answered and holds no such entry.
    Absent,
    /// No keyring answered (none running, locked, turned off).
    NoKeyring,
}

impl KeyringEntry {
    pub(crate) fn new(user: &str) -> KeyringEntry {
        #[cfg(feature = "keyring")]
        {
            let entry = keyring_enabled()
                .then(|| keyring::Entry::new(KEYRING_SERVICE, user).ok())
                .flatten();
            KeyringEntry { entry }
        }
        #[cfg(not(feature = "keyring"))]
        {
            let _ = user;
            KeyringEntry {}
        }
    }

    pub(crate) fn get(&self) -> Kept {
        #[cfg(feature = "keyring")]
        if let Some(e) = &self.entry {
            return match e.get_password() {
                Ok(v) => Kept::Found(v),
                Err(keyring::Error::NoEntry) => Kept::Absent,
                Err(_) => Kept::NoKeyring,
            };
        }
        Kept::NoKeyring
    }

    /// Removes the entry; true when none is left (removed, absent, or no
    /// keyring at all).
    pub(crate) fn delete(&self) -> bool {
        #[cfg(feature = "keyring")]
        if let Some(e) = &self.entry {
            return matches!(e.delete_credential(), Ok(()) | Err(keyring::Error::NoEntry));
        }
        true
    }

    /// Stores `value`; false when no keyring took it.
    pub(crate) fn set(&self, value: &str) -> bool {
        #[cfg(feature = "keyring")]
        if let Some(e) = &self.entry {
            return e.set_password(value).is_ok();
        }
        let _ = value;
        false
    }
}

/// What opening needs to know: the user's passphrase, if any.
#[derive(Clone, Default)]
pub struct Unlock {
    passphrase: Option<String>,
}

impl std::fmt::Debug for Unlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unlock")
            .field("passphrase", &self.passphrase.as_ref().map(|_| ".."))
            .finish()
    }
}

impl Unlock {
    /// The passphrase from `PANELIST_PASSPHRASE`, if set and not empty.
    pub fn from_env() -> Unlock {
        Unlock {
            passphrase: std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty()),
        }
    }

    /// With this passphrase (a prompt's or the app's dialog's answer).
    pub fn with_passphrase(passphrase: impl Into<String>) -> Unlock {
        let p = passphrase.into();
        Unlock {
            passphrase: (!p.is_empty()).then_some(p),
        }
    }

    pub fn has_passphrase(&self) -> bool {
        self.passphrase.is_some()
    }
}

/// An opened database and how it is protected.
pub struct Opened {
    pub store: Store,
    pub encryption: Encryption,
    /// The plain database was encrypted during this open.
    pub migrated: bool,
    /// A line to show once: the database is plain (first time only).
    pub notice: Option<String>,
}

/// Whether opening `path` needs a passphrase nobody gave: the file is
/// encrypted, no passphrase is set and the keyring holds no key for it.
/// The CLI asks on a terminal when this is true; the app shows its dialog.
pub fn needs_passphrase(path: &Path, unlock: &Unlock) -> bool {
    !unlock.has_passphrase()
        && cipher::file_state(path) == FileState::Encrypted
        && !matches!(
            keyring_key(path, false),
            Ok(Some(key)) if cipher::opens_with(path, &key).unwrap_or(false)
        )
}

/// Opens the encrypted database at `path` with `unlock`'s passphrase alone
/// (the app's start dialog), paying its key derivation once: `None` when it
/// does not open it (a wrong passphrase: the dialog asks again), or when no
/// passphrase was given.
pub fn open_with_passphrase(path: &Path, unlock: &Unlock) -> Result<Option<Opened>> {
    let Some(p) = &unlock.passphrase else {
        return Ok(None);
    };
    cipher::recover(path)?;
    match Store::open_with_key(path, Some(&DbKey::Passphrase(p.clone()))) {
        Ok(store) => Ok(Some(opened(store, Encryption::Passphrase, false))),
        Err(Error::Invalid(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn db_key_entry(path: &Path) -> KeyringEntry {
    KeyringEntry::new(&format!("db-key:{}", instance_id(path)))
}

/// The keyring's key for `path`: the one kept, or (when `create`) a new one
/// stored there. None when no keyring answers.
fn keyring_key(path: &Path, create: bool) -> Result<Option<DbKey>> {
    let entry = db_key_entry(path);
    match entry.get() {
        Kept::Found(hex) => DbKey::from_raw_hex(&hex).map(Some).ok_or_else(|| {
            Error::Invalid(format!(
                "the keyring's key for {} is malformed (not 64 hex digits)",
                path.display()
            ))
        }),
        Kept::Absent if create => {
            let key = DbKey::random()?;
            let hex = key.raw_hex().expect("a random key is raw");
            if !entry.set(&hex) {
                return Ok(None);
            }
            // Read back: a keyring that accepted the write but does not
            // return it must not leave a database nobody can open.
            match entry.get() {
                Kept::Found(back) if back == hex => Ok(Some(key)),
                _ => Ok(None),
            }
        }
        Kept::Absent | Kept::NoKeyring => Ok(None),
    }
}

/// Opens (creating if needed) the database at `path` under the key policy
/// above; a plain database is encrypted first when a key is available.
pub fn open(path: &Path, unlock: &Unlock) -> Result<Opened> {
    cipher::recover(path)?;
    let state = cipher::file_state(path);
    let passphrase = unlock.passphrase.clone().map(DbKey::Passphrase);
    if state == FileState::Encrypted {
        // The passphrase first, then the keyring's key: whichever opens it.
        let mut tried = false;
        if let Some(key) = &passphrase {
            tried = true;
            match Store::open_with_key(path, Some(key)) {
                Ok(store) => return Ok(opened(store, Encryption::Passphrase, false)),
                Err(Error::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
        if let Some(key) = keyring_key(path, false)? {
            tried = true;
            match Store::open_with_key(path, Some(&key)) {
                Ok(store) => return Ok(opened(store, Encryption::Keyring, false)),
                Err(Error::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
        return Err(cipher::wrong_key(path, tried));
    }
    let (key, how) = match passphrase {
        Some(k) => (Some(k), Encryption::Passphrase),
        None => match keyring_key(path, true)? {
            Some(k) => (Some(k), Encryption::Keyring),
            None => (None, Encryption::Plain),
        },
    };
    let migrated = state == FileState::Plain && key.is_some();
    if let (true, Some(k)) = (migrated, &key) {
        cipher::encrypt_in_place(path, k)?;
    }
    let store = Store::open_with_key(path, key.as_ref())?;
    Ok(opened(store, how, migrated))
}

/// Sets a passphrase on the open database (Settings): a plain database is
/// encrypted with it, a keyring or passphrase one re-keyed
/// (`Store::rekey`). The keyring's key for the file, now useless, is
/// removed. Refused in one line when the passphrase is empty or the
/// database is in use by another program; the store is closed either way
/// (open it again with what opened it before on failure).
pub fn set_passphrase(store: Store, passphrase: &str) -> Result<Opened> {
    if passphrase.is_empty() {
        return Err(Error::Invalid("passphrase: enter a passphrase".into()));
    }
    let path = store
        .path()
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::Invalid("an in-memory database has no passphrase".into()))?;
    let store = store.rekey(&DbKey::Passphrase(passphrase.to_owned()))?;
    let _ = db_key_entry(&path).delete();
    Ok(opened(store, Encryption::Passphrase, false))
}

/// The signing seed in the keyring where one answers: a seed kept there is
/// used; a seed still in the database moves there (read back first); with
/// no keyring, it stays where it is.
fn seed_to_keyring(store: &mut Store) -> Result<()> {
    let Some(path) = store.path().map(Path::to_path_buf) else {
        return Ok(());
    };
    let entry = KeyringEntry::new(&format!("signing-seed:{}", instance_id(&path)));
    let in_db = store.seed_in_database()?;
    match (entry.get(), in_db) {
        // A seed in the database (a new installation, a restored backup)
        // is this database's identity: it replaces what the keyring holds.
        (Kept::Found(_) | Kept::Absent, Some(seed)) => {
            if entry.set(&seed) && matches!(entry.get(), Kept::Found(back) if back == seed) {
                store.seed_moved_to_keyring(seed)?;
            }
        }
        (Kept::Found(seed), None) => store.use_seed_from_keyring(seed),
        // Moved earlier, and the keyring does not answer now: signing says
        // so when it is needed.
        (Kept::Absent | Kept::NoKeyring, None) | (Kept::NoKeyring, Some(_)) => {}
    }
    Ok(())
}

fn opened(mut store: Store, encryption: Encryption, migrated: bool) -> Opened {
    // On failure the seed stays where it was; the database itself is fine.
    let _ = seed_to_keyring(&mut store);
    let mut notice = None;
    if encryption == Encryption::Plain
        && keyring_enabled()
        && store.setting(PLAIN_NOTICE_SETTING).ok().flatten().is_none()
        && store.set_setting(PLAIN_NOTICE_SETTING, "1").is_ok()
    {
        notice = Some(format!(
            "{} is not encrypted: no OS keyring answered and PANELIST_PASSPHRASE is not set",
            store
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ));
    }
    Opened {
        store,
        encryption,
        migrated,
        notice,
    }
}

/// The keys that may open a backup: the passphrase, then this database's
/// keyring key.
pub fn restore_keys(db: &Path, unlock: &Unlock) -> Result<Vec<DbKey>> {
    let mut keys: Vec<DbKey> = unlock
        .passphrase
        .clone()
        .map(DbKey::Passphrase)
        .into_iter()
        .collect();
    keys.extend(keyring_key(db, false)?);
    Ok(keys)
}

/// Replaces the database at `db` with the backup `from` (see
/// `storage::cipher::restore`), keyed under this policy, and opens it.
pub fn restore(db: &Path, from: &Path, unlock: &Unlock) -> Result<Opened> {
    let keys = restore_keys(db, unlock)?;
    let (key, how) = match unlock.passphrase.clone() {
        Some(p) => (Some(DbKey::Passphrase(p)), Encryption::Passphrase),
        None => match keyring_key(db, true)? {
            Some(k) => (Some(k), Encryption::Keyring),
            None => (None, Encryption::Plain),
        },
    };
    cipher::restore(db, from, &keys, key.as_ref())?;
    let store = Store::open_with_key(db, key.as_ref())?;
    Ok(opened(store, how, false))
}
