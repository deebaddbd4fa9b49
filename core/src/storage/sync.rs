//! The team server's outbox: which of this machine's own submitted sessions
//! still wait to be pushed, and the revision the server last accepted (or
//! refused with a revision conflict). Used by `crate::sync`, shared by the
//! CLI's `panelist sync` and the desktop app's background sync.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::rows::ts;
use super::Store;
use crate::error::Result;
use crate::ids::SessionId;

/// Own submitted sessions with no push row at their current revision, or
/// refused at their current revision (a conflict the user must resolve).
const OUTBOX: &str = "
    SELECT s.id, c.name, s.interviewer, s.revision,
           CASE WHEN p.revision = s.revision THEN p.conflict END AS conflict
    FROM session s
    JOIN candidate c ON c.id = s.candidate_id
    LEFT JOIN sync_push p ON p.session_id = s.id
    WHERE s.imported = 0 AND s.status = 'submitted'
      AND (p.session_id IS NULL OR p.revision < s.revision
           OR (p.revision = s.revision AND p.conflict IS NOT NULL))
    ORDER BY s.id";

const IS_OWN: &str = "SELECT imported = 0 FROM session WHERE id = ?1";

/// Plans made here (not imported from a coordinator's file), oldest first.
const OWN_PLANS: &str =
    "SELECT id, coordinator FROM plan WHERE imported = 0 ORDER BY created_at, id";

const RECORD_PUSH: &str = "
    INSERT INTO sync_push (session_id, revision, content_hash, at, conflict)
    VALUES (?1, ?2, ?3, ?4, ?5)
    ON CONFLICT (session_id) DO UPDATE SET
        revision = excluded.revision, content_hash = excluded.content_hash,
        at = excluded.at, conflict = excluded.conflict";

/// One of this machine's own submitted sessions that the team server does not
/// hold at its current revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OutboxItem {
    pub id: SessionId,
    pub candidate: String,
    pub interviewer: String,
    #[ts(type = "number")]
    pub revision: u64,
    /// The server refused this revision with a 409 revision conflict (its
    /// message); the local session and the server's copy are both kept, and
    /// the session is not pushed again until it changes.
    pub conflict: Option<String>,
}

impl Store {
    /// What waits to be pushed to the team server, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxItem>> {
        let mut stmt = self.conn.prepare_cached(OUTBOX)?;
        let rows = stmt.query_map([], |r| {
            Ok(OutboxItem {
                id: r.get(0)?,
                candidate: r.get(1)?,
                interviewer: r.get(2)?,
                revision: r.get::<_, i64>(3)? as u64,
                conflict: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The plans made here, with their coordinator: what `sync` pushes for
    /// a lead or admin (the server takes the ones they coordinate).
    pub fn own_plans(&self) -> Result<Vec<(crate::ids::PlanId, Option<String>)>> {
        let mut stmt = self.conn.prepare_cached(OWN_PLANS)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether this session exists here as one of this machine's own (not
    /// imported from a colleague).
    pub fn is_own_session(&self, id: SessionId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(IS_OWN)?
            .query_row([id], |r| r.get::<_, bool>(0))
            .optional()?
            .unwrap_or(false))
    }

    /// Records that the server accepted (or, with `conflict`, refused with a
    /// revision conflict) this revision of an own session.
    pub fn record_push(
        &mut self,
        id: SessionId,
        revision: u64,
        content_hash: &str,
        now: DateTime<Utc>,
        conflict: Option<&str>,
    ) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached(RECORD_PUSH)?.execute(params![
                id,
                revision as i64,
                content_hash,
                ts(now),
                conflict
            ])?;
            Ok(())
        })
    }
}

const SET_ASIDE: &str = "
    INSERT INTO sync_set_aside
        (session_id, revision, candidate, candidate_key, interviewer, reason, file, at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
    ON CONFLICT (session_id) DO UPDATE SET
        revision = excluded.revision, candidate = excluded.candidate,
        candidate_key = excluded.candidate_key, interviewer = excluded.interviewer,
        reason = excluded.reason, file = excluded.file, at = excluded.at";

const CLEAR_SET_ASIDE: &str = "DELETE FROM sync_set_aside WHERE session_id = ?1";

const SET_ASIDE_LIST: &str = "
    SELECT session_id, candidate, interviewer, revision, reason, at
    FROM sync_set_aside ORDER BY at, session_id";

/// A session pulled from the team server that this database refused to
/// import: kept aside with the reason, listed by `panelist sync` and the
/// Team screen, tried again when a newer revision arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SetAside {
    /// The session's id as the file gave it.
    pub id: String,
    pub candidate: String,
    pub interviewer: String,
    #[ts(type = "number")]
    pub revision: u64,
    /// Why the import refused it (one line).
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// What is set aside: the pulled file's text and what it says about itself.
pub struct Refused<'a> {
    pub id: &'a str,
    pub revision: u64,
    pub candidate: &'a str,
    pub interviewer: &'a str,
    pub reason: &'a str,
    pub file: &'a str,
}

impl Store {
    /// Keeps a refused pulled session aside (replacing an older refusal of
    /// the same session).
    pub fn set_aside(&mut self, r: &Refused, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached(SET_ASIDE)?.execute(params![
                r.id,
                i64::try_from(r.revision).unwrap_or(i64::MAX),
                r.candidate,
                crate::text::name_key(r.candidate),
                r.interviewer,
                r.reason,
                r.file,
                ts(now)
            ])?;
            Ok(())
        })
    }

    /// Forgets a set-aside session (a later revision was imported).
    pub fn clear_set_aside(&mut self, id: &str) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached(CLEAR_SET_ASIDE)?.execute([id])?;
            Ok(())
        })
    }

    /// Every session set aside, oldest first.
    pub fn set_aside_sessions(&self) -> Result<Vec<SetAside>> {
        let mut stmt = self.conn.prepare_cached(SET_ASIDE_LIST)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, super::rows::Ts>(5)?.0,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, candidate, interviewer, revision, reason, at) = row?;
            out.push(SetAside {
                id,
                candidate,
                interviewer,
                revision: u64::try_from(revision).unwrap_or_default(),
                reason,
                at,
            });
        }
        Ok(out)
    }
}
