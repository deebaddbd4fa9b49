//! The signing seed in the OS keyring: where a keyring answers, the seed
//! leaves the database (`meta.signing_key` then holds the marker
//! `keyring`) and is read from the keyring at each open (`crate::secrets`
//! decides; this file only moves it). A backup carries the seed itself, in
//! the backup's own (encrypted) `meta`, so a restore on another machine
//! keeps the installation's identity; the next open moves it out again.

use rusqlite::{params, OptionalExtension};

use super::{Store, IDENTITY_KEY, SETTING, SET_SETTING};
use crate::error::Result;

/// What `meta.signing_key` holds when the seed is in the keyring.
pub(super) const IN_KEYRING: &str = "keyring";
pub(super) const NO_KEYRING: &str = "this installation's signing key is kept in the OS keyring, which does not answer; unlock the keyring and try again";
const SEED_INTO_BACKUP: &str = "UPDATE copy.meta SET value = ?1 WHERE key = ?2";

impl Store {
    /// The seed as the database holds it: `Some(hex)` while it is in the
    /// database, `None` once it has moved to the keyring.
    pub(crate) fn seed_in_database(&self) -> Result<Option<String>> {
        let seed: Option<String> = self
            .conn
            .query_row(SETTING, [IDENTITY_KEY], |r| r.get(0))
            .optional()?;
        Ok(seed.filter(|s| s != IN_KEYRING))
    }

    /// The seed kept in the keyring, for this connection's signatures.
    pub(crate) fn use_seed_from_keyring(&mut self, seed: String) {
        self.seed_from_keyring = Some(seed);
    }

    /// Once the keyring holds the seed: the database keeps only the marker
    /// (the old value overwritten, `secure_delete`, and checkpointed).
    pub(crate) fn seed_moved_to_keyring(&mut self, seed: String) -> Result<()> {
        self.write(|tx| {
            tx.execute(SET_SETTING, params![IDENTITY_KEY, IN_KEYRING])?;
            Ok(())
        })?;
        self.seed_from_keyring = Some(seed);
        self.checkpoint()
    }

    /// In a backup being written (attached as `copy`): the seed itself.
    pub(super) fn seed_into_backup(&self, conn: &rusqlite::Connection) -> Result<()> {
        if let Some(seed) = &self.seed_from_keyring {
            conn.execute(SEED_INTO_BACKUP, params![seed, IDENTITY_KEY])?;
        }
        Ok(())
    }
}
