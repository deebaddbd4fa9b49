//! Where a team server token is kept, for the CLI and the desktop app alike:
//! in the OS keyring (the Secret Service on Linux) where one answers, else
//! in a file only this user can read (0600) in the app's config folder.
//! Never in the database, which is copied, backed up and handed around more
//! freely than a credential should be. One token per database file: both
//! the keyring entry and the file are named after the database's path
//! ([`instance_id`]), so `panelist --db X remote set` and the app opened on
//! X share it.
//!
//! The keyring needs the `keyring` feature (the CLI and the app turn it on);
//! without it, or with `PANELIST_TOKEN_STORE=file`, the file is used.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

pub use crate::storage::instance_id;
use crate::storage::APP_IDENTIFIER;
use crate::{Error, Result, Store};

/// Where `panelist remote set` kept the token before it moved to the
/// keyring or a 0600 file (a database setting); read once to move it out.
pub const TOKEN_KEY: &str = "remote.token";

/// Replaces the OS config folder for the token file (tests, scripts).
pub const CONFIG_DIR_ENV: &str = "PANELIST_CONFIG_DIR";
/// `file` keeps the token in the file even where a keyring exists (tests).
pub const TOKEN_STORE_ENV: &str = "PANELIST_TOKEN_STORE";
#[cfg(feature = "keyring")]
const KEYRING_SERVICE: &str = "dev.panelist.app";

/// Where the token is kept.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TokenStore {
    /// The OS keyring (the Secret Service on Linux).
    Keyring,
    /// A file only this user can read (mode 0600) in the app's config folder.
    File,
}

/// The token of one database's team server.
#[derive(Debug, Clone)]
pub struct TeamToken {
    file: PathBuf,
    #[cfg_attr(not(feature = "keyring"), allow(dead_code))]
    keyring_user: String,
    /// Try the keyring first (off with `PANELIST_TOKEN_STORE=file`).
    #[cfg_attr(not(feature = "keyring"), allow(dead_code))]
    keyring: bool,
}

impl TeamToken {
    /// The token of the database at `db`.
    pub fn for_database(db: &Path) -> TeamToken {
        let dir = std::env::var_os(CONFIG_DIR_ENV)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| directories::BaseDirs::new().map(|d| d.config_dir().join(APP_IDENTIFIER)))
            .unwrap_or_else(|| PathBuf::from("."));
        let mut t = TeamToken::file_in(&dir, db);
        t.keyring = std::env::var(TOKEN_STORE_ENV).as_deref() != Ok("file")
            && crate::secrets::keyring_enabled();
        t
    }

    /// The token of the database at `db`, kept only in a file in `dir`.
    pub fn file_in(dir: &Path, db: &Path) -> TeamToken {
        let id = instance_id(db);
        TeamToken {
            file: dir.join(format!("team-token-{id}")),
            keyring_user: format!("team-token:{id}"),
            keyring: false,
        }
    }

    /// The token of the database `store` has open (an in-memory database has
    /// no file to name its token after).
    pub fn for_store(store: &Store) -> Result<TeamToken> {
        store
            .path()
            .map(TeamToken::for_database)
            .ok_or_else(|| Error::Invalid("an in-memory database has no team token".into()))
    }

    /// The token file (used when no keyring answers).
    pub fn file(&self) -> &Path {
        &self.file
    }

    #[cfg(feature = "keyring")]
    fn entry(&self) -> Option<keyring::Entry> {
        if !self.keyring {
            return None;
        }
        keyring::Entry::new(KEYRING_SERVICE, &self.keyring_user).ok()
    }

    /// Stores the token: in the keyring if one answers (and then removes any
    /// token file), else in the file. Blocking (a D-Bus call).
    pub fn save(&self, token: &str) -> Result<TokenStore> {
        #[cfg(feature = "keyring")]
        if let Some(e) = self.entry() {
            // No keyring answering: the file below (the caller says where).
            if e.set_password(token).is_ok() {
                let _ = std::fs::remove_file(&self.file);
                return Ok(TokenStore::Keyring);
            }
        }
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Io(format!("{}: {e}", dir.display())))?;
        }
        crate::files::write_atomic(&self.file, token.as_bytes())?;
        Ok(TokenStore::File)
    }

    /// The token and where it was found, if there is one. Blocking.
    pub fn load(&self) -> Option<(String, TokenStore)> {
        #[cfg(feature = "keyring")]
        if let Some(e) = self.entry() {
            if let Ok(t) = e.get_password() {
                return Some((t, TokenStore::Keyring));
            }
        }
        std::fs::read_to_string(&self.file)
            .ok()
            .map(|t| (t.trim().to_string(), TokenStore::File))
            .filter(|(t, _)| !t.is_empty())
    }

    /// Where a new token would go. Blocking.
    pub fn probe(&self) -> TokenStore {
        #[cfg(feature = "keyring")]
        if let Some(e) = self.entry() {
            if matches!(e.get_password(), Ok(_) | Err(keyring::Error::NoEntry)) {
                return TokenStore::Keyring;
            }
        }
        TokenStore::File
    }

    /// Moves a token that an earlier `panelist remote set` kept in the
    /// database's settings out of the database, into this store.
    pub fn adopt_from_settings(&self, store: &mut Store) -> Result<()> {
        if let Some(old) = store.setting(TOKEN_KEY)?.filter(|t| !t.trim().is_empty()) {
            self.save(old.trim())?;
            store.set_setting(TOKEN_KEY, "")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_file_is_private_replaced_whole_and_per_database() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("cfg");
        let a = TeamToken::file_in(&cfg, &dir.path().join("a.db"));
        assert_eq!(a.load(), None);
        assert_eq!(a.probe(), TokenStore::File);
        assert_eq!(a.save("pnl_one").unwrap(), TokenStore::File);
        assert_eq!(a.save("pnl_two").unwrap(), TokenStore::File);
        assert_eq!(std::fs::read_to_string(a.file()).unwrap(), "pnl_two");
        assert_eq!(a.load(), Some(("pnl_two".into(), TokenStore::File)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(a.file()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let b = TeamToken::file_in(&cfg, &dir.path().join("b.db"));
        assert_eq!(b.load(), None, "another database's token");
    }

    #[test]
    fn a_token_kept_in_the_settings_moves_out_of_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("p.db");
        let mut store = Store::open(&db).unwrap();
        store.set_setting(TOKEN_KEY, "pnl_old-token").unwrap();
        let t = TeamToken::file_in(&dir.path().join("cfg"), &db);
        t.adopt_from_settings(&mut store).unwrap();
        assert_eq!(t.load(), Some(("pnl_old-token".into(), TokenStore::File)));
        assert_eq!(store.setting(TOKEN_KEY).unwrap().as_deref(), Some(""));
        // Once moved, a second call changes nothing.
        t.adopt_from_settings(&mut store).unwrap();
        assert_eq!(t.load(), Some(("pnl_old-token".into(), TokenStore::File)));
    }
}
