//! Erasure and retention: removing a candidate or a session down to the
//! bytes. Rows go in one transaction (the audit log's rows too, which only
//! erasure may delete; a tombstone without personal data stays), then the
//! freed space is overwritten (`secure_delete`), the file rebuilt (`VACUUM`)
//! and the write-ahead log checkpointed and truncated, so that no copy of the
//! text remains in the .db, -wal or -shm files.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;

use super::rows::ts;
use super::sessions::candidate_by_key;
use super::Store;
use crate::error::{Error, Result};
use crate::ids::SessionId;
use crate::text;

const SESSIONS_OF_CANDIDATE: &str = "SELECT id FROM session WHERE candidate_id = ?1";
const SESSION_CANDIDATE: &str = "SELECT candidate_id FROM session WHERE id = ?1";
const MARK_ERASING: &str = "INSERT INTO erasing (session_id) VALUES (?1)";
const DELETE_AUDIT: &str = "DELETE FROM audit WHERE session_id = ?1";
const DELETE_WORDS: &str = "DELETE FROM search_word WHERE session_id = ?1";
const DELETE_ENTRIES: &str = "DELETE FROM entry WHERE session_id = ?1";
const DELETE_SESSION: &str = "DELETE FROM session WHERE id = ?1";
const UNMARK_ERASING: &str = "DELETE FROM erasing";
const DELETE_CANDIDATE_IF_EMPTY: &str = "
    DELETE FROM candidate
    WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM session WHERE candidate_id = ?1)";
const DELETE_UNUSED_SNAPSHOTS: &str = "
    DELETE FROM snapshot WHERE id NOT IN (SELECT snapshot_id FROM entry)";
const INSERT_TOMBSTONE: &str =
    "INSERT INTO tombstone (id, at, what, sessions) VALUES (?1, ?2, ?3, ?4)";
const EXPIRED_CANDIDATES: &str = "
    SELECT c.name FROM candidate c JOIN session s ON s.candidate_id = c.id
    GROUP BY c.id HAVING max(s.updated_at) < ?1";

/// What an erasure removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Erasure {
    pub candidates: u32,
    pub sessions: u32,
}

impl Store {
    /// Erases a candidate (matched by name, Unicode form, case and spacing
    /// ignored) with every session, entry, note, search word and audit row.
    pub fn erase_candidate(
        &mut self,
        name: &str,
        tombstone: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<Erasure> {
        let key = text::name_key(name);
        let out = self.write(|tx| {
            let Some((cid, _)) = candidate_by_key(tx, &key)? else {
                return Err(Error::NotFound(format!("no candidate named {name:?}")));
            };
            let sessions: Vec<String> = tx
                .prepare(SESSIONS_OF_CANDIDATE)?
                .query_map([&cid], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for s in &sessions {
                delete_session_rows(tx, s)?;
            }
            tx.execute(DELETE_CANDIDATE_IF_EMPTY, [&cid])?;
            finish(tx, tombstone, now, "candidate", sessions.len())?;
            Ok(Erasure {
                candidates: 1,
                sessions: sessions.len() as u32,
            })
        })?;
        self.scrub()?;
        Ok(out)
    }

    /// Deletes one session (own or imported, in any state) with its entries,
    /// notes, search words and audit rows; its candidate goes too when no
    /// session is left.
    pub fn delete_session(
        &mut self,
        id: SessionId,
        tombstone: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<Erasure> {
        let out = self.write(|tx| {
            let cid: Option<String> = tx
                .query_row(SESSION_CANDIDATE, [id], |r| r.get(0))
                .optional()?;
            let Some(cid) = cid else {
                return Err(Error::NotFound(format!("no session with id {id}")));
            };
            delete_session_rows(tx, &id.to_string())?;
            let candidates = tx.execute(DELETE_CANDIDATE_IF_EMPTY, [&cid])? as u32;
            finish(tx, tombstone, now, "session", 1)?;
            Ok(Erasure {
                candidates,
                sessions: 1,
            })
        })?;
        self.scrub()?;
        Ok(out)
    }

    /// The retention period in days, if one is set. A stored value outside
    /// the range (written by an older version, or by hand) is an error
    /// naming the setting, never used.
    pub fn retention_days(&self) -> Result<Option<u32>> {
        let Some(v) = self.setting("retention_days")? else {
            return Ok(None);
        };
        if v.is_empty() {
            return Ok(None);
        }
        let bad = |m: String| {
            Error::invalid(format!(
                "setting retention_days: {m}; set it again with `panelist retention --days N` or `--off`"
            ))
        };
        let days: i128 = v.parse().map_err(|_| {
            bad(format!(
                "{:?} is not a number of days",
                v.chars().take(40).collect::<String>()
            ))
        })?;
        crate::validate::retention_days(days).map(Some).map_err(bad)
    }

    /// Sets (Some) or clears (None) the retention period, 1 to 36,500 days.
    pub fn set_retention_days(&mut self, days: Option<u32>) -> Result<()> {
        match days {
            Some(d) => {
                let d = crate::validate::retention_days(i128::from(d))
                    .map_err(|m| Error::invalid(format!("retention period: {m}")))?;
                self.set_setting("retention_days", &d.to_string())
            }
            None => self.set_setting("retention_days", ""),
        }
    }

    /// Erases every candidate whose last session changed more than the
    /// retention period before `now`. Nothing happens without a period.
    /// `ids` gives each erasure's tombstone id.
    pub fn apply_retention(
        &mut self,
        now: DateTime<Utc>,
        mut ids: impl FnMut() -> uuid::Uuid,
    ) -> Result<Erasure> {
        let mut total = Erasure {
            candidates: 0,
            sessions: 0,
        };
        let Some(days) = self.retention_days()? else {
            return Ok(total);
        };
        // Checked: no stored value or clock can make the date overflow.
        let cutoff = Duration::try_days(i64::from(days))
            .and_then(|d| now.checked_sub_signed(d))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "setting retention_days: {days} days before {now} is not a date"
                ))
            })?;
        let names: Vec<String> = self
            .conn
            .prepare(EXPIRED_CANDIDATES)?
            .query_map([ts(cutoff)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for n in names {
            let e = self.erase_candidate(&n, ids(), now)?;
            total.candidates += e.candidates;
            total.sessions += e.sessions;
        }
        Ok(total)
    }

    /// Overwrites freed space: rebuilds the file and truncates the log.
    fn scrub(&mut self) -> Result<()> {
        if self.path.is_some() {
            self.conn.execute_batch("VACUUM")?;
            self.checkpoint()?;
        }
        Ok(())
    }
}

fn delete_session_rows(tx: &Transaction, id: &str) -> Result<()> {
    tx.execute(MARK_ERASING, [id])?;
    tx.execute(DELETE_AUDIT, [id])?;
    tx.execute(DELETE_WORDS, [id])?;
    tx.execute(DELETE_ENTRIES, [id])?;
    tx.execute(DELETE_SESSION, [id])?;
    Ok(())
}

fn finish(
    tx: &Transaction,
    tombstone: uuid::Uuid,
    now: DateTime<Utc>,
    what: &str,
    sessions: usize,
) -> Result<()> {
    tx.execute(UNMARK_ERASING, [])?;
    tx.execute(DELETE_UNUSED_SNAPSHOTS, [])?;
    tx.execute(
        INSERT_TOMBSTONE,
        params![tombstone.to_string(), ts(now), what, sessions as i64],
    )?;
    Ok(())
}
