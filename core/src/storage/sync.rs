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
