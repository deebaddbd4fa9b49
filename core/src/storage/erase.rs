//! Erasure and retention: removing a candidate or a session down to the
//! bytes. Rows go in one transaction (the audit log's rows too, which only
//! erasure may delete; a tombstone without personal data stays), then the
//! freed space is overwritten (`secure_delete`), the file rebuilt (`VACUUM`)
//! and the write-ahead log checkpointed and truncated, so that no copy of the
//! text remains in the .db, -wal or -shm files.
//!
//! Erasure never claims success with bytes left: the truncating checkpoint's
//! result is checked and retried briefly; when another connection still
//! reads the database, the erasure fails with one line naming who holds it
//! open. The work left (rebuild, checkpoint) is recorded in the same
//! transaction as the deletion (`meta.pending_scrub`) and finished the next
//! time the database is opened.

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
/// The sessions a tombstone covers: created at or before its time.
const SESSIONS_OF_CANDIDATE_UNTIL: &str =
    "SELECT id FROM session WHERE candidate_id = ?1 AND created_at <= ?2";
const LOCAL_SALT: &str = "SELECT value FROM meta WHERE key = 'erasure_salt'";
/// The register of erased candidates (migration 0012): a salted hash of the
/// identity key, never the name; the latest erasure time wins.
const REMEMBER_ERASED: &str = "
    INSERT INTO erased_candidate (salt, key_hash, erased_at) VALUES (?1, ?2, ?3)
    ON CONFLICT (salt, key_hash) DO UPDATE SET
        erased_at = max(erased_at, excluded.erased_at)";
const ERASURE_SALTS: &str = "SELECT DISTINCT salt FROM erased_candidate";
const ERASED_AT: &str = "SELECT erased_at FROM erased_candidate WHERE salt = ?1 AND key_hash = ?2";
const ALL_CANDIDATES: &str = "SELECT id, name FROM candidate";
const SET_ASIDE_KEYS: &str = "SELECT DISTINCT candidate FROM sync_set_aside";
const DELETE_SET_ASIDE_NAMED: &str = "DELETE FROM sync_set_aside WHERE candidate = ?1";
const SESSION_CANDIDATE: &str = "SELECT candidate_id FROM session WHERE id = ?1";
const MARK_ERASING: &str = "INSERT INTO erasing (session_id) VALUES (?1)";
const DELETE_AUDIT: &str = "DELETE FROM audit WHERE session_id = ?1";
const DELETE_WORDS: &str = "DELETE FROM search_word WHERE session_id = ?1";
const DELETE_ENTRIES: &str = "DELETE FROM entry WHERE session_id = ?1";
const DELETE_SESSION: &str = "DELETE FROM session WHERE id = ?1";
/// Pulled sessions of the candidate that this database refused (sync).
const DELETE_SET_ASIDE: &str = "DELETE FROM sync_set_aside WHERE candidate_key = ?1";
const DELETE_ORIGINAL: &str = "DELETE FROM signed_original WHERE session_id = ?1";
const MARK_PENDING_SCRUB: &str =
    "INSERT OR REPLACE INTO meta (key, value) VALUES ('pending_scrub', '1')";
const PENDING_SCRUB: &str = "SELECT count(*) FROM meta WHERE key = 'pending_scrub'";
const CLEAR_PENDING_SCRUB: &str = "DELETE FROM meta WHERE key = 'pending_scrub'";
/// How long the erasure waits for other connections to let go of the log.
const SCRUB_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);
const UNMARK_ERASING: &str = "DELETE FROM erasing";
/// A candidate goes with their last session, unless a plan still names them.
const DELETE_CANDIDATE_IF_EMPTY: &str = "
    DELETE FROM candidate
    WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM session WHERE candidate_id = ?1)
      AND NOT EXISTS (SELECT 1 FROM plan WHERE candidate_id = ?1)";
/// Erasing a candidate erases their plans (members go with them), and no
/// session is left naming one.
const UNLINK_PLANS_OF_CANDIDATE: &str = "
    UPDATE session SET plan_id = NULL
    WHERE plan_id IN (SELECT id FROM plan WHERE candidate_id = ?1)";
const DELETE_PLANS_OF_CANDIDATE: &str = "DELETE FROM plan WHERE candidate_id = ?1";
const DELETE_UNUSED_SNAPSHOTS: &str = "
    DELETE FROM snapshot WHERE id NOT IN (SELECT snapshot_id FROM entry)";
const INSERT_TOMBSTONE: &str =
    "INSERT INTO tombstone (id, at, what, sessions) VALUES (?1, ?2, ?3, ?4)";
const EXPIRED_CANDIDATES: &str = "
    SELECT c.name FROM candidate c JOIN session s ON s.candidate_id = c.id
    GROUP BY c.id HAVING max(s.updated_at) < ?1";

/// What an erasure removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Erasure {
    pub candidates: u32,
    pub sessions: u32,
}

impl Store {
    /// Erases a candidate (matched by name, Unicode form, case and spacing
    /// ignored) with every session, entry, note, search word and audit row,
    /// and their interview plans.
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
            remember_erased(tx, &local_salt(tx)?, name, now)?;
            tx.execute(DELETE_SET_ASIDE, [&key])?;
            tx.execute(UNLINK_PLANS_OF_CANDIDATE, [&cid])?;
            tx.execute(DELETE_PLANS_OF_CANDIDATE, [&cid])?;
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

    /// Carries out a team server's tombstone: the candidate it names (by
    /// salted hash) loses every session created at or before the erasure,
    /// with their plans, set-aside files and audit rows, down to the bytes as
    /// [`Store::erase_candidate`]; the erasure is remembered, so no older
    /// session of theirs is imported again. Returns what was erased here
    /// (nothing when this database never held the candidate).
    pub fn apply_erasure(
        &mut self,
        e: &crate::wire::ErasedCandidate,
        tombstone: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<Erasure> {
        let hashed = |name: &str| crate::wire::erasure_hash(&e.salt, name) == e.candidate;
        let out = self.write(|tx| {
            remember_hash(tx, &e.salt, &e.candidate, e.erased_at)?;
            let named: Vec<(String, String)> = tx
                .prepare(ALL_CANDIDATES)?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut erased = Erasure {
                candidates: 0,
                sessions: 0,
            };
            for (cid, name) in named.iter().filter(|(_, n)| hashed(n)) {
                let sessions: Vec<String> = tx
                    .prepare(SESSIONS_OF_CANDIDATE_UNTIL)?
                    .query_map(params![cid, ts(e.erased_at)], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for s in &sessions {
                    delete_session_rows(tx, s)?;
                }
                tx.execute(UNLINK_PLANS_OF_CANDIDATE, [cid])?;
                tx.execute(DELETE_PLANS_OF_CANDIDATE, [cid])?;
                erased.candidates += tx.execute(DELETE_CANDIDATE_IF_EMPTY, [cid])? as u32;
                erased.sessions += sessions.len() as u32;
                // Erased here too: remembered under this database's salt.
                remember_erased(tx, &local_salt(tx)?, name, e.erased_at)?;
            }
            let aside: Vec<String> = tx
                .prepare(SET_ASIDE_KEYS)?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut dropped = 0;
            for name in aside.iter().filter(|n| hashed(n)) {
                dropped += tx.execute(DELETE_SET_ASIDE_NAMED, [name])?;
            }
            if erased.sessions > 0 || erased.candidates > 0 || dropped > 0 {
                finish(tx, tombstone, now, "candidate", erased.sessions as usize)?;
            }
            Ok(erased)
        })?;
        if out.sessions > 0 || out.candidates > 0 || self.pending_scrub()? {
            self.scrub()?;
        }
        Ok(out)
    }

    /// When the candidate named `name` was last erased here or by the team
    /// server, if ever (matched by the identity key, through each salt the
    /// register holds).
    pub fn erased_at(&self, name: &str) -> Result<Option<DateTime<Utc>>> {
        erased_at(&self.conn, name)
    }

    fn pending_scrub(&self) -> Result<bool> {
        let n: i64 = self.conn.query_row(PENDING_SCRUB, [], |r| r.get(0))?;
        Ok(n > 0)
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

    /// Overwrites freed space: rebuilds the file and truncates the log. Fails
    /// (the rows are gone, the bytes not yet) when another connection keeps
    /// the log from being truncated; the pending mark stays, and the next
    /// open finishes the work.
    pub(super) fn scrub(&mut self) -> Result<()> {
        let Some(path) = self.path.clone() else {
            self.conn.execute(CLEAR_PENDING_SCRUB, [])?;
            return Ok(());
        };
        self.conn.execute_batch("VACUUM")?;
        let deadline = std::time::Instant::now() + SCRUB_PATIENCE;
        // Short waits inside each try, then back to the usual timeout.
        self.conn
            .busy_timeout(std::time::Duration::from_millis(200))?;
        let truncated = loop {
            let (busy, log, done) = self.checkpoint_result()?;
            if busy == 0 && log == done {
                break true;
            }
            if std::time::Instant::now() >= deadline {
                break false;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        self.conn.busy_timeout(super::BUSY_TIMEOUT)?;
        if !truncated {
            return Err(Error::Locked(format!(
                "erased from the records, but the bytes stay in {} and its -wal while {} holds the database open; close it, and Panelist finishes the removal the next time it opens the database",
                path.display(),
                holders(&path)
            )));
        }
        self.conn.execute(CLEAR_PENDING_SCRUB, [])?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)`: (busy, log frames, frames
    /// checkpointed).
    fn checkpoint_result(&self) -> Result<(i64, i64, i64)> {
        Ok(self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?)
    }

    /// Finishes an erasure's byte removal that another connection kept from
    /// completing (called on open). Still blocked: left for the next open.
    pub(crate) fn finish_pending_scrub(&mut self) -> Result<()> {
        let pending: i64 = self.conn.query_row(PENDING_SCRUB, [], |r| r.get(0))?;
        if pending > 0 {
            match self.scrub() {
                Ok(()) | Err(Error::Locked(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// Who else has the database open, for the error message: the processes
/// with the file, its log or shared memory open (Linux: /proc), else "another
/// connection".
fn holders(db: &std::path::Path) -> String {
    let mut found = Vec::new();
    #[cfg(target_os = "linux")]
    {
        let canon = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
        let names: Vec<std::path::PathBuf> = ["", "-wal", "-shm"]
            .iter()
            .map(|s| std::path::PathBuf::from(format!("{}{s}", canon.display())))
            .collect();
        let me = std::process::id();
        if let Ok(procs) = std::fs::read_dir("/proc") {
            for p in procs.flatten() {
                let Some(pid) = p.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                    continue;
                };
                let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
                    continue;
                };
                let holds = fds
                    .flatten()
                    .filter_map(|fd| std::fs::read_link(fd.path()).ok())
                    .any(|target| names.contains(&target));
                if holds {
                    let comm = std::fs::read_to_string(p.path().join("comm")).unwrap_or_default();
                    if pid == me {
                        continue;
                    }
                    found.push(format!("{} (pid {pid})", comm.trim()));
                }
            }
        }
    }
    if found.is_empty() {
        "another connection".into()
    } else {
        found.join(", ")
    }
}

pub(super) fn delete_session_rows(tx: &Transaction, id: &str) -> Result<()> {
    tx.execute(MARK_ERASING, [id])?;
    tx.execute(DELETE_AUDIT, [id])?;
    tx.execute(DELETE_ORIGINAL, [id])?;
    tx.execute(DELETE_WORDS, [id])?;
    tx.execute(DELETE_ENTRIES, [id])?;
    tx.execute(DELETE_SESSION, [id])?;
    Ok(())
}

/// This database's own erasure salt (migration 0012).
fn local_salt(tx: &Transaction) -> Result<String> {
    Ok(tx.query_row(LOCAL_SALT, [], |r| r.get(0))?)
}

fn remember_erased(tx: &Transaction, salt: &str, name: &str, at: DateTime<Utc>) -> Result<()> {
    remember_hash(tx, salt, &crate::wire::erasure_hash(salt, name), at)
}

fn remember_hash(tx: &Transaction, salt: &str, hash: &str, at: DateTime<Utc>) -> Result<()> {
    tx.execute(REMEMBER_ERASED, params![salt, hash, ts(at)])?;
    Ok(())
}

/// When `name` was last erased, by any salt in the register.
pub(crate) fn erased_at(conn: &rusqlite::Connection, name: &str) -> Result<Option<DateTime<Utc>>> {
    let salts: Vec<String> = conn
        .prepare_cached(ERASURE_SALTS)?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut latest = None;
    for salt in salts {
        let hash = crate::wire::erasure_hash(&salt, name);
        let at: Option<super::rows::Ts> = conn
            .prepare_cached(ERASED_AT)?
            .query_row(params![salt, hash], |r| r.get(0))
            .optional()?;
        if let Some(at) = at {
            latest = latest.max(Some(at.0));
        }
    }
    Ok(latest)
}

/// Refuses a session of a candidate erased here at or after the session's
/// creation: an erased candidate never comes back (import, sync).
pub(crate) fn check_not_erased(
    conn: &rusqlite::Connection,
    s: &crate::session::Session,
) -> Result<()> {
    check_name_not_erased(
        conn,
        &s.candidate.name,
        s.created_at,
        &format!("session {}", s.id),
    )
}

/// The same for anything else naming a candidate (a plan file): `what`
/// made at `created` for the candidate `name`.
pub(crate) fn check_name_not_erased(
    conn: &rusqlite::Connection,
    name: &str,
    created: DateTime<Utc>,
    what: &str,
) -> Result<()> {
    match erased_at(conn, name)? {
        Some(at) if created <= at => Err(Error::Conflict(format!(
            "{what}: its candidate was erased here on {}, after it was created; an erased candidate's records are not imported again",
            at.format("%Y-%m-%d %H:%M UTC")
        ))),
        _ => Ok(()),
    }
}

pub(super) fn finish(
    tx: &Transaction,
    tombstone: uuid::Uuid,
    now: DateTime<Utc>,
    what: &str,
    sessions: usize,
) -> Result<()> {
    tx.execute(UNMARK_ERASING, [])?;
    tx.execute(MARK_PENDING_SCRUB, [])?;
    tx.execute(DELETE_UNUSED_SNAPSHOTS, [])?;
    tx.execute(
        INSERT_TOMBSTONE,
        params![tombstone.to_string(), ts(now), what, sessions as i64],
    )?;
    Ok(())
}
