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
    /// revision conflict) this revision of an own session. Accepted, it
    /// makes a kept older copy of the server's moot.
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
            if conflict.is_none() {
                tx.prepare_cached(FORGET_OLDER_SERVER_COPY)?
                    .execute(params![id, revision as i64])?;
            }
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

/// The server's copy of an own session that differs from the one here
/// (migration 0013), kept until the conflict is resolved.
const KEEP_SERVER_COPY: &str = "
    INSERT INTO sync_conflict (session_id, revision, content_hash, vouched, file, at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6)
    ON CONFLICT (session_id) DO UPDATE SET
        revision = excluded.revision, content_hash = excluded.content_hash,
        vouched = excluded.vouched, file = excluded.file, at = excluded.at
    WHERE excluded.revision >= sync_conflict.revision";
/// The server took this machine's copy at `?2`: an older kept copy of the
/// server's is no longer in the way.
const FORGET_OLDER_SERVER_COPY: &str =
    "DELETE FROM sync_conflict WHERE session_id = ?1 AND revision <= ?2";
const SERVER_COPY: &str =
    "SELECT revision, content_hash, vouched, file FROM sync_conflict WHERE session_id = ?1";
const PUSH_CONFLICT: &str =
    "SELECT p.conflict FROM sync_push p JOIN session s ON s.id = p.session_id
     WHERE p.session_id = ?1 AND p.revision = s.revision AND p.conflict IS NOT NULL";
/// Own sessions in conflict with the team server: refused at their current
/// revision (409), or with a differing copy of the server's kept here.
const CONFLICTS: &str = "
    SELECT s.id, c.name, s.interviewer, s.revision,
           CASE WHEN p.revision = s.revision THEN p.conflict END AS refused,
           k.revision AS server_revision
    FROM session s
    JOIN candidate c ON c.id = s.candidate_id
    LEFT JOIN sync_push p ON p.session_id = s.id
    LEFT JOIN sync_conflict k ON k.session_id = s.id
    WHERE s.imported = 0
      AND ((p.revision = s.revision AND p.conflict IS NOT NULL) OR k.session_id IS NOT NULL)
    ORDER BY s.id";
const OWN_AGAIN: &str =
    "UPDATE session SET imported = 0, signed_by = NULL, signature = NULL WHERE id = ?1";
const DROP_ORIGINAL: &str = "DELETE FROM signed_original WHERE session_id = ?1";
const RECORD_RESOLUTION: &str = "
    INSERT INTO sync_resolution
        (id, session_id, at, local_revision, local_hash, server_revision, server_hash, kept_as)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// One of this machine's own sessions in conflict with the team server's
/// copy: both are kept until the user resolves it
/// (docs/sync-protocol.md, "Conflicts: who owns a session").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SyncConflict {
    pub id: SessionId,
    pub candidate: String,
    pub interviewer: String,
    /// The revision here.
    #[ts(type = "number")]
    pub local_revision: u64,
    /// The revision of the server's copy, once it has reached this machine
    /// (the copy "take the server's copy" puts here); `null` until then.
    #[ts(type = "number | null")]
    pub server_revision: Option<u64>,
    /// What happened, in one line.
    pub reason: String,
}

impl SyncConflict {
    /// The command that resolves it, for the CLI.
    pub fn fix(&self) -> String {
        format!("panelist sync resolve {} --take-server", self.id)
    }

    /// The one line `panelist sync` prints, with the fix.
    pub fn line(&self) -> String {
        let server = self
            .server_revision
            .map_or(String::new(), |r| format!(", revision {r} on the server"));
        let fix = match self.server_revision {
            Some(_) => format!(
                "to take the server's copy (this one is erased): {}",
                self.fix()
            ),
            None => "the server's copy has not reached this machine yet: run `panelist sync --from-start`, then resolve it".into(),
        };
        format!(
            "{} — {} (session {}, revision {} here{server}): {}; both are kept until you resolve it; {fix}",
            self.candidate, self.interviewer, self.id, self.local_revision, self.reason
        )
    }
}

/// A pulled copy of an own session that differs from the one here.
pub struct ServerCopy<'a> {
    pub id: SessionId,
    pub revision: u64,
    pub content_hash: &'a str,
    /// The page listed its signing key under its interviewer.
    pub vouched: bool,
    pub file: &'a str,
}

/// What "take the server's copy" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Resolved {
    pub id: SessionId,
    pub candidate: String,
    /// The revision erased here and the one taken.
    #[ts(type = "number")]
    pub replaced_revision: u64,
    #[ts(type = "number")]
    pub revision: u64,
    /// Signed by this installation's key: still this machine's own session
    /// (amendable here); otherwise another installation owns it and it is
    /// read-only here.
    pub own: bool,
    /// What was done, in one sentence for the CLI and the app.
    pub sentence: String,
}

impl Store {
    /// Keeps the server's copy of an own session that differs from the one
    /// here (a newer one replaces an older one kept).
    pub fn keep_server_copy(&mut self, c: &ServerCopy, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached(KEEP_SERVER_COPY)?.execute(params![
                c.id,
                i64::try_from(c.revision).unwrap_or(i64::MAX),
                c.content_hash,
                c.vouched,
                c.file,
                ts(now)
            ])?;
            Ok(())
        })
    }

    /// Forgets a kept copy of the server's (the server's copy is this one).
    pub fn forget_server_copy(&mut self, id: SessionId) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached(FORGET_OLDER_SERVER_COPY)?
                .execute(params![id, i64::MAX])?;
            Ok(())
        })
    }

    /// The server's message when it refused this session's current revision
    /// with a conflict (409).
    pub fn push_conflict(&self, id: SessionId) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(PUSH_CONFLICT)?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// Own sessions in conflict with the team server, by id.
    pub fn sync_conflicts(&self) -> Result<Vec<SyncConflict>> {
        let mut stmt = self.conn.prepare_cached(CONFLICTS)?;
        let rows = stmt.query_map([], |r| {
            let local: i64 = r.get(3)?;
            let refused: Option<String> = r.get(4)?;
            let server: Option<i64> = r.get(5)?;
            let reason = match (&refused, server) {
                (Some(m), _) => format!("the server refused this revision: {m}"),
                (None, Some(s)) if s > local => format!(
                    "the server holds a newer revision ({s}), written elsewhere (another copy of this database, or before a backup was restored)"
                ),
                (None, _) => "the server holds other content for this revision, written elsewhere (another copy of this database)".to_string(),
            };
            Ok(SyncConflict {
                id: r.get(0)?,
                candidate: r.get(1)?,
                interviewer: r.get(2)?,
                local_revision: u64::try_from(local).unwrap_or_default(),
                server_revision: server.and_then(|s| u64::try_from(s).ok()),
                reason,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// "Take the server's copy": the local copy of an own session in
    /// conflict is erased through the erasure path (its rows, audit rows
    /// included, then the bytes: `VACUUM` and a truncated log) and the
    /// server's copy imported in its place, in one transaction, with a
    /// record in `sync_resolution`. When the server's copy is signed by this
    /// installation's key it stays this machine's own session (and counts
    /// as pushed); otherwise it is read-only here, like a colleague's.
    /// Anything wrong (no such session, no conflict, the server's copy not
    /// here yet or refused by the import checks) changes nothing.
    pub fn take_server_copy(
        &mut self,
        id: SessionId,
        resolution: uuid::Uuid,
        tombstone: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<Resolved> {
        use crate::error::Error;
        use crate::import::{CandidateClash, ImportOptions};
        use crate::session_file::{PublicKey, SessionFile};
        let own_key = self.identity()?.key();
        if !self.is_own_session(id)? {
            return Err(match self.find_session_id(&id.to_string()) {
                Ok(_) => Error::invalid(format!(
                    "session {id} is not this machine's own session: it has no conflict to resolve"
                )),
                Err(e) => e,
            });
        }
        let kept: Option<(i64, String, bool, String)> = self
            .conn
            .prepare_cached(SERVER_COPY)?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let Some((server_revision, server_hash, vouched, text)) = kept else {
            let refused = self.push_conflict(id)?;
            return Err(Error::invalid(match refused {
                Some(_) => format!(
                    "session {id}: the server's copy has not reached this machine yet; run `panelist sync --from-start`, then resolve it again"
                ),
                None => format!(
                    "session {id} is not in conflict with the team server: nothing to resolve"
                ),
            }));
        };
        let file = SessionFile::parse(text.as_bytes())
            .map_err(|e| Error::invalid(format!("the server's copy of session {id}: {e}")))?;
        crate::import::check_importable(&file.session)
            .map_err(|e| Error::invalid(format!("the server's copy of session {id}: {e}")))?;
        let own = file
            .signature
            .as_ref()
            .and_then(|s| PublicKey::parse(&s.public_key))
            .is_some_and(|k| k.bytes() == own_key.bytes());
        let local = self.session_file(id)?;
        let opts = ImportOptions {
            clash: CandidateClash::Ask,
            new_candidate_id: crate::ids::CandidateId::nil(),
            accept_new_key: own || vouched,
        };
        let candidate = file.session.candidate.name.clone();
        self.write(|tx| {
            super::erase::delete_session_rows(tx, &id.to_string())?;
            super::import::import_sessions_in(tx, std::slice::from_ref(&file), &opts, &own_key)?;
            if own {
                tx.execute(OWN_AGAIN, [id])?;
                tx.execute(DROP_ORIGINAL, [id])?;
                tx.prepare_cached(RECORD_PUSH)?.execute(params![
                    id,
                    server_revision,
                    server_hash,
                    ts(now),
                    None::<String>
                ])?;
            }
            tx.execute(
                RECORD_RESOLUTION,
                params![
                    resolution.to_string(),
                    id,
                    ts(now),
                    local.session.revision as i64,
                    local.content_hash,
                    server_revision,
                    server_hash,
                    if own { "own" } else { "read_only" }
                ],
            )?;
            super::erase::finish(tx, tombstone, now, "session", 1)?;
            Ok(())
        })?;
        self.scrub()?;
        let revision = u64::try_from(server_revision).unwrap_or_default();
        let replaced = local.session.revision;
        Ok(Resolved {
            sentence: format!(
                "took the server's copy of {candidate} (session {id}, revision {revision}); this machine's revision {replaced} is erased{}",
                if own {
                    "; it is still this installation's own session"
                } else {
                    "; another installation owns it, so it is read-only here"
                }
            ),
            id,
            candidate,
            replaced_revision: replaced,
            revision,
            own,
        })
    }
}
