//! Sessions: creating them, the per-action writes of a live interview,
//! submission and amendments, the paged session list, and loading sessions
//! for panels in a few queries (never one query per session).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::rows::{opt_ts, to_json, ts, Json, Ts};
use super::Store;
use crate::bank::Question;
use crate::error::{Error, Result};
use crate::ids::{AuditId, CandidateId, SessionId};
use crate::panel::Rating;
use crate::seal::Seal;
use crate::session::{
    check_reason, competency_name, AuditAction, AuditEvent, Candidate, Entry, NewSession,
    PanelSession, Recommendation, Session, SessionCursor, SessionDetails, SessionFilter,
    SessionPage, SessionSummary, Status, WrapUp,
};
use crate::text;

mod candidates;
mod entries;
mod lifecycle;
mod list;
mod load;
pub(crate) use candidates::*;
use load::load_visible_one;
pub(crate) use load::*;

// -- SQL -------------------------------------------------------------------

const CANDIDATE_BY_KEY: &str =
    "SELECT id, name FROM candidate WHERE name_key = ?1 ORDER BY rowid LIMIT 1";
const CANDIDATE_BY_ID: &str = "SELECT name, name_key FROM candidate WHERE id = ?1";
const INSERT_CANDIDATE: &str = "
    INSERT INTO candidate (id, name, name_key, look_key, look_key_confusable)
    VALUES (?1, ?2, ?3, ?4, ?5)";

const INSERT_NEW_SESSION: &str = "
    INSERT INTO session (id, candidate_id, interviewer, role, kit_name, status, created_at, updated_at,
                         kit_modified)
    VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?6, ?7)";
const SET_ENTRY_REVISION: &str = "
    UPDATE entry SET revision = (SELECT revision FROM question WHERE id = ?2)
    WHERE session_id = ?1 AND question_id = ?2";
const ENTRY_REVISIONS: &str =
    "SELECT question_id, revision FROM entry WHERE session_id = ?1 ORDER BY position";
const SESSION_KIT_MODIFIED: &str = "SELECT kit_modified FROM session WHERE id = ?1";

pub(crate) const INSERT_IMPORTED_SESSION: &str = "
    INSERT INTO session (id, candidate_id, interviewer, role, kit_name, status, created_at, started_at,
                         finished_at, updated_at, revision, summary, red_flags, recommendation, imported)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1)";

pub(crate) const REPLACE_IMPORTED_SESSION: &str = "
    UPDATE session
    SET interviewer = ?2, role = ?3, kit_name = ?4, status = ?5, created_at = ?6, started_at = ?7,
        finished_at = ?8, updated_at = ?9, revision = ?10, summary = ?11, red_flags = ?12,
        recommendation = ?13
    WHERE id = ?1";

const INSERT_SNAPSHOT: &str =
    "INSERT INTO snapshot (hash, doc) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING";
const SNAPSHOT_BY_HASH: &str = "SELECT id FROM snapshot WHERE hash = ?1";

const INSERT_ENTRY: &str = "
    INSERT INTO entry (session_id, position, question_id, competency_name, snapshot_id, score, skipped,
                       look_fors_hit, follow_ups_asked, notes, seconds_spent)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
pub(crate) const DELETE_ENTRIES: &str = "DELETE FROM entry WHERE session_id = ?1";

const INSERT_AUDIT: &str = "
    INSERT INTO audit (id, session_id, at, actor, action, question_id, old_value, new_value, reason)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

const INSERT_WORD: &str =
    "INSERT INTO search_word (word, session_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
const DELETE_WORDS: &str = "DELETE FROM search_word WHERE word = ?1 AND session_id = ?2";

const SESSION_HEAD: &str = "SELECT interviewer, status, imported FROM session WHERE id = ?1";
const START_IF_DRAFT: &str = "
    UPDATE session SET status = 'in_progress', started_at = COALESCE(started_at, ?2)
    WHERE id = ?1 AND status = 'draft'";
const SESSION_DETAILS: &str = "
    SELECT c.name, s.interviewer, s.role FROM session s JOIN candidate c ON c.id = s.candidate_id
    WHERE s.id = ?1";
const SET_DETAILS: &str =
    "UPDATE session SET candidate_id = ?2, interviewer = ?3, role = ?4 WHERE id = ?1";
const BUMP: &str = "UPDATE session SET revision = revision + 1, updated_at = ?2 WHERE id = ?1";

const ENTRY_EXISTS: &str =
    "SELECT EXISTS(SELECT 1 FROM entry WHERE session_id = ?1 AND question_id = ?2)";
const ENTRY_SNAPSHOT: &str = "
    SELECT sn.doc FROM entry e JOIN snapshot sn ON sn.id = e.snapshot_id
    WHERE e.session_id = ?1 AND e.question_id = ?2";
const ENTRY_SCORE: &str = "SELECT score FROM entry WHERE session_id = ?1 AND question_id = ?2";
const SET_SCORE: &str =
    "UPDATE entry SET score = ?3, skipped = 0 WHERE session_id = ?1 AND question_id = ?2";
const SET_SKIPPED: &str = "
    UPDATE entry SET skipped = ?3, score = CASE WHEN ?3 THEN NULL ELSE score END
    WHERE session_id = ?1 AND question_id = ?2";
const SET_NOTES: &str = "UPDATE entry SET notes = ?3 WHERE session_id = ?1 AND question_id = ?2";
const LOOK_FORS: &str =
    "SELECT look_fors_hit FROM entry WHERE session_id = ?1 AND question_id = ?2";
const SET_LOOK_FORS: &str =
    "UPDATE entry SET look_fors_hit = ?3 WHERE session_id = ?1 AND question_id = ?2";
const FOLLOW_UPS: &str =
    "SELECT follow_ups_asked FROM entry WHERE session_id = ?1 AND question_id = ?2";
const SET_FOLLOW_UPS: &str =
    "UPDATE entry SET follow_ups_asked = ?3 WHERE session_id = ?1 AND question_id = ?2";
const ADD_TIME: &str = "
    UPDATE entry SET seconds_spent = MIN(seconds_spent + ?3, ?4) WHERE session_id = ?1 AND question_id = ?2";
const SET_WRAP_UP: &str =
    "UPDATE session SET summary = ?2, red_flags = ?3, recommendation = ?4 WHERE id = ?1";
const SUBMIT: &str = "
    UPDATE session SET status = 'submitted', finished_at = ?2, recommendation = ?3,
                       summary = COALESCE(?4, summary)
    WHERE id = ?1";

const SIGNED_ORIGINAL: &str = "SELECT file FROM signed_original WHERE session_id = ?1";
const SESSION_SIGNATURE: &str = "SELECT signed_by, signature FROM session WHERE id = ?1";
const SESSION_EXISTS: &str = "SELECT count(*) FROM session WHERE id = ?1";
const SESSION_ID_PREFIX: &str = "SELECT id FROM session WHERE id LIKE ?1 || '%' LIMIT 2";

/// Session heads of a scope; `{scope}` is replaced by a fixed condition.
const HEADS: &str = "
    SELECT s.id, c.id AS candidate_id, c.name AS candidate_name, s.interviewer, s.role, s.kit_name,
           s.status, s.created_at, s.started_at, s.finished_at, s.updated_at, s.revision, s.summary,
           s.red_flags, s.recommendation, s.imported
    FROM session s JOIN candidate c ON c.id = s.candidate_id
    WHERE {scope}
    ORDER BY s.created_at, s.id";
const ENTRIES: &str = "
    SELECT e.session_id, e.competency_name, e.snapshot_id, sn.doc, e.score, e.skipped,
           e.look_fors_hit, e.follow_ups_asked, e.notes, e.seconds_spent
    FROM session s JOIN candidate c ON c.id = s.candidate_id
         JOIN entry e ON e.session_id = s.id
         JOIN snapshot sn ON sn.id = e.snapshot_id
    WHERE {scope}
    ORDER BY e.session_id, e.position";
const AUDIT: &str = "
    SELECT a.session_id, a.id, a.at, a.actor, a.action, a.question_id, a.old_value, a.new_value,
           a.reason
    FROM session s JOIN candidate c ON c.id = s.candidate_id
         JOIN audit a ON a.session_id = s.id
    WHERE {scope}
    ORDER BY a.session_id, a.at, a.id";

/// Candidates of own sessions that are not submitted: their colleagues'
/// sessions are sealed (`crate::seal`).
/// The candidates sealed now: those of the local interviewer's sessions that
/// are not submitted, and every candidate whose name looks or reads like one
/// of theirs (`text::look_keys`: "Soren" for "Søren", Cyrillic look-alike
/// letters). Sealing a look-alike errs on the safe side.
macro_rules! sealed_candidates {
    () => {
        "SELECT c.id FROM session o
         JOIN candidate m ON m.id = o.candidate_id
         JOIN candidate c ON c.look_key = m.look_key
         WHERE o.imported = 0 AND o.status != 'submitted'
         UNION
         SELECT c.id FROM session o
         JOIN candidate m ON m.id = o.candidate_id
         JOIN candidate c ON c.look_key_confusable = m.look_key_confusable
         WHERE o.imported = 0 AND o.status != 'submitted'
         UNION
         SELECT candidate_id FROM session WHERE imported = 0 AND status != 'submitted'"
    };
}
const OPEN_OWN_CANDIDATES: &str = sealed_candidates!();

/// Whether the session `s` is sealed, as an SQL expression.
const SEALED: &str = concat!(
    "(s.imported = 1 AND s.candidate_id IN (",
    sealed_candidates!(),
    "))"
);

/// Every entry's score with its session's rater, candidate, kit and state;
/// sealed sessions are left out. The kit is its current name when the
/// session was made under a former one.
const RATINGS: &str = "
    SELECT s.id, c.name AS candidate, s.interviewer,
           COALESCE((SELECT k.name FROM kit_former_name f JOIN kit k ON k.id = f.kit_id
                     WHERE f.name = s.kit_name), s.kit_name) AS kit_name,
           s.status, s.imported,
           e.question_id, e.score
    FROM session s JOIN candidate c ON c.id = s.candidate_id
         JOIN entry e ON e.session_id = s.id
    WHERE NOT {sealed}
    ORDER BY s.created_at, s.id, e.position";

/// A session of the kit named ?1: made under its name or one of its former
/// names (a renamed kit keeps its interviews).
const KIT_OR_FORMER_NAME: &str = "(s.kit_name = ?1 OR s.kit_name IN (
        SELECT f.name FROM kit_former_name f JOIN kit k ON k.id = f.kit_id WHERE k.name = ?1))";

/// How many sessions are sealed (left out of calibration), optionally of one
/// kit.
const SEALED_COUNT: &str = "
    SELECT count(*) FROM session s WHERE {sealed} AND (?1 IS NULL OR {kit})";

// -- helpers shared with import and migration ---------------------------------

/// The SHA-256 of a snapshot's canonical JSON: its address.
pub(crate) fn snapshot_hash(doc: &str) -> [u8; 32] {
    Sha256::digest(doc.as_bytes()).into()
}

/// Stores a question snapshot once and returns its row id.
pub(crate) fn intern_snapshot(tx: &Transaction, q: &Question) -> Result<i64> {
    let doc = to_json(q);
    let hash = snapshot_hash(&doc).to_vec();
    tx.prepare_cached(INSERT_SNAPSHOT)?
        .execute(params![hash, doc])?;
    Ok(tx
        .prepare_cached(SNAPSHOT_BY_HASH)?
        .query_row([hash], |r| r.get(0))?)
}

/// Adds the folded words of `texts` to the search index for a session.
pub(crate) fn insert_search_words(tx: &Transaction, session: &str, texts: &[&str]) -> Result<()> {
    let mut stmt = tx.prepare_cached(INSERT_WORD)?;
    for w in texts.iter().flat_map(|t| text::words(t)) {
        stmt.execute(params![w, session])?;
    }
    Ok(())
}

/// Removes the words of `texts` from a session's search index.
pub(crate) fn delete_search_words(tx: &Transaction, session: &str, texts: &[&str]) -> Result<()> {
    let mut stmt = tx.prepare_cached(DELETE_WORDS)?;
    for w in texts.iter().flat_map(|t| text::words(t)) {
        stmt.execute(params![w, session])?;
    }
    Ok(())
}

pub(crate) fn insert_entries(tx: &Transaction, s: &Session) -> Result<()> {
    let mut stmt = tx.prepare_cached(INSERT_ENTRY)?;
    for (i, e) in s.entries.iter().enumerate() {
        let snapshot = intern_snapshot(tx, &e.question)?;
        stmt.execute(params![
            s.id,
            i as i64,
            e.question.id,
            e.competency_name,
            snapshot,
            e.score,
            e.skipped,
            to_json(&e.look_fors_hit),
            to_json(&e.follow_ups_asked),
            e.notes,
            e.seconds_spent as i64
        ])?;
    }
    Ok(())
}

pub(crate) fn insert_audit(tx: &Transaction, e: &AuditEvent, session: SessionId) -> Result<()> {
    tx.prepare_cached(INSERT_AUDIT)?.execute(params![
        e.id,
        session,
        ts(e.at),
        e.actor,
        e.action,
        e.question_id,
        e.old_value,
        e.new_value,
        e.reason
    ])?;
    Ok(())
}

// -- the Store's session API ------------------------------------------------------

struct Head {
    interviewer: String,
    status: Status,
    imported: bool,
}

fn session_head(tx: &Transaction, id: SessionId) -> Result<Head> {
    tx.prepare_cached(SESSION_HEAD)?
        .query_row([id], |r| {
            Ok(Head {
                interviewer: r.get("interviewer")?,
                status: r.get("status")?,
                imported: r.get("imported")?,
            })
        })
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no session with id {id}")))
}

/// Checks that the session may change (exists, not submitted, not imported),
/// starts it if it was a draft, and bumps its revision.
fn open_for_change(tx: &Transaction, id: SessionId, now: DateTime<Utc>) -> Result<Head> {
    let head = changeable_head(
        tx,
        id,
        "is submitted and locked; a score can only change through an amendment with a reason",
    )?;
    tx.prepare_cached(START_IF_DRAFT)?
        .execute(params![id, ts(now)])?;
    bump(tx, id, now)?;
    Ok(head)
}

/// The session's head if it may change here: it exists, is not imported and
/// not submitted (`when_submitted` finishes the refusal's sentence).
fn changeable_head(tx: &Transaction, id: SessionId, when_submitted: &str) -> Result<Head> {
    let head = session_head(tx, id)?;
    if head.imported {
        return Err(Error::Locked(format!(
            "session {id} was imported from another machine and is read-only here"
        )));
    }
    if head.status == Status::Submitted {
        return Err(Error::Locked(format!("session {id} {when_submitted}")));
    }
    Ok(head)
}

fn bump(tx: &Transaction, id: SessionId, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(BUMP)?.execute(params![id, ts(now)])?;
    Ok(())
}

fn check_entry(tx: &Transaction, id: SessionId, question_id: &str) -> Result<()> {
    let exists: bool = tx
        .prepare_cached(ENTRY_EXISTS)?
        .query_row(params![id, question_id], |r| r.get(0))?;
    if exists {
        Ok(())
    } else {
        Err(Error::NotFound(format!(
            "session {id} has no question {question_id:?}"
        )))
    }
}

fn entry_question(tx: &Transaction, id: SessionId, question_id: &str) -> Result<Question> {
    let doc: Option<Json<Question>> = tx
        .prepare_cached(ENTRY_SNAPSHOT)?
        .query_row(params![id, question_id], |r| r.get(0))
        .optional()?;
    doc.map(|d| d.0)
        .ok_or_else(|| Error::NotFound(format!("session {id} has no question {question_id:?}")))
}

impl Store {
    /// Creates a session in the draft state with a snapshot of each question.
    /// `candidate_id` is used only when the candidate is new.
    pub fn create_session(
        &mut self,
        new: &NewSession,
        session_id: SessionId,
        candidate_id: CandidateId,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        self.create(new, session_id, candidate_id, now, false, None)
    }

    /// Creates a session and starts it, in one transaction: either the
    /// interview exists and runs, or nothing was written.
    pub fn create_and_start_session(
        &mut self,
        new: &NewSession,
        session_id: SessionId,
        candidate_id: CandidateId,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        self.create(new, session_id, candidate_id, now, true, None)
    }

    /// Creates and starts a session of a plan's member, in one transaction
    /// with the check that the member has no session in the plan yet.
    pub(crate) fn create_in_plan(
        &mut self,
        new: &NewSession,
        session_id: SessionId,
        candidate_id: CandidateId,
        now: DateTime<Utc>,
        plan: crate::ids::PlanId,
    ) -> Result<Session> {
        self.create(new, session_id, candidate_id, now, true, Some(plan))
    }

    fn create(
        &mut self,
        new: &NewSession,
        session_id: SessionId,
        candidate_id: CandidateId,
        now: DateTime<Utc>,
        start: bool,
        plan: Option<crate::ids::PlanId>,
    ) -> Result<Session> {
        new.check()?;
        crate::session::check_new_ids(session_id, candidate_id)?;
        // Retired competencies keep their names for the questions that use them.
        let competencies: Vec<_> = self
            .bank_competencies()?
            .into_iter()
            .map(|c| c.competency)
            .collect();
        let questions: Vec<Question> = new
            .question_ids
            .iter()
            .map(|id| self.question(id))
            .collect::<Result<_>>()?;
        // A session keeps the kit it came from even when its questions were
        // reordered, added or removed; it is then marked as modified.
        let kit_modified = match &new.kit {
            Some(name) => match self.kit(name) {
                Ok(kit) => kit.questions != new.question_ids,
                Err(Error::NotFound(_)) => false,
                Err(e) => return Err(e),
            },
            None => false,
        };
        self.write(|tx| {
            let name = new.candidate.trim();
            let cid = candidate_for(tx, name, candidate_id)?;
            let interviewer = new.interviewer.trim();
            let role = new.role.trim();
            if let Some(plan) = plan {
                super::plans::claim(tx, plan, interviewer)?;
            }
            tx.execute(
                INSERT_NEW_SESSION,
                params![
                    session_id,
                    cid,
                    interviewer,
                    role,
                    new.kit,
                    ts(now),
                    kit_modified
                ],
            )?;
            let mut stmt = tx.prepare_cached(INSERT_ENTRY)?;
            for (i, q) in questions.iter().enumerate() {
                let snapshot = intern_snapshot(tx, q)?;
                let competency = competency_name(&competencies, &q.competency);
                stmt.execute(params![
                    session_id,
                    i as i64,
                    q.id,
                    competency,
                    snapshot,
                    None::<i64>,
                    false,
                    "[]",
                    "[]",
                    "",
                    0
                ])?;
                tx.prepare_cached(SET_ENTRY_REVISION)?
                    .execute(params![session_id, q.id])?;
            }
            insert_search_words(tx, &session_id.to_string(), &[name, interviewer, role])?;
            if let Some(plan) = plan {
                super::plans::set_session_plan(tx, session_id, plan)?;
            }
            if start {
                open_for_change(tx, session_id, now)?;
            }
            Ok(())
        })?;
        self.session(session_id)
    }

    /// The bank revision each entry's question was asked in, in entry order
    /// (`None`: asked before revisions were kept, or imported from a file
    /// whose snapshot matches no revision here).
    pub fn entry_revisions(&self, id: SessionId) -> Result<Vec<(String, Option<u32>)>> {
        load_visible_one(&self.conn, id)?;
        let rows = self
            .conn
            .prepare_cached(ENTRY_REVISIONS)?
            .query_map([id], |r| {
                Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.map(|v| v as u32)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Whether the session's questions differ from its kit's (reordered,
    /// added or removed when it was created).
    /// (Not sealed: the kit and the questions asked stay visible under the
    /// seal, so this reads the one column, not the whole session again.)
    pub fn session_kit_modified(&self, id: SessionId) -> Result<bool> {
        self.conn
            .query_row(SESSION_KIT_MODIFIED, [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no session with id {id}")))
    }

    /// A session as the sealing rule lets it be seen.
    pub fn session(&self, id: SessionId) -> Result<Session> {
        Ok(load_visible_one(&self.conn, id)?.session)
    }

    /// A session with its origin and whether it is sealed.
    pub fn panel_session(&self, id: SessionId) -> Result<PanelSession> {
        load_visible_one(&self.conn, id)
    }

    /// The session file of a session, for export. A sealed colleague's
    /// session cannot be exported (its content is withheld).
    pub fn session_file(&self, id: SessionId) -> Result<crate::session_file::SessionFile> {
        let p = load_visible_one(&self.conn, id)?;
        if p.sealed {
            return Err(Error::Sealed(format!(
                "session {id} ({}'s interview of {}) is sealed until you submit your own session for {}",
                p.session.interviewer, p.session.candidate.name, p.session.candidate.name
            )));
        }
        use crate::session_file::{SessionFile, Signature};
        if !p.imported {
            return Ok(SessionFile::signed(p.session, &self.identity()?));
        }
        // A colleague's session goes on as it arrived: the signed original
        // kept at import, unchanged (it verifies anywhere, whatever local
        // candidate it was filed under here).
        let original: Option<String> = self
            .conn
            .query_row(SIGNED_ORIGINAL, [id], |r| r.get(0))
            .optional()?;
        if let Some(text) = original {
            return SessionFile::parse(text.as_bytes());
        }
        // Imported before originals were kept: rebuilt with its signature,
        // or unsigned if it came unsigned.
        let sig: (Option<String>, Option<String>) =
            self.conn
                .query_row(SESSION_SIGNATURE, [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(match sig {
            (Some(public_key), Some(value)) => {
                SessionFile::with_signature(p.session, Signature { public_key, value })
            }
            _ => SessionFile::unsigned_v1(p.session),
        })
    }

    /// Finds a session by full id or by a unique prefix of its id.
    pub fn find_session_id(&self, text: &str) -> Result<SessionId> {
        let t = text.trim().to_ascii_lowercase();
        if let Ok(id) = t.parse::<SessionId>() {
            let n: i64 = self.conn.query_row(SESSION_EXISTS, [id], |r| r.get(0))?;
            return if n == 1 {
                Ok(id)
            } else {
                Err(Error::NotFound(format!("no session with id {text:?}")))
            };
        }
        if t.len() < 4 || !t.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(Error::NotFound(format!("no session with id {text:?}")));
        }
        let ids: Vec<SessionId> = self
            .conn
            .prepare(SESSION_ID_PREFIX)?
            .query_map([&t], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::NotFound(format!("no session with id {text:?}"))),
            _ => Err(Error::invalid(format!(
                "session id prefix {text:?} is ambiguous; give more characters"
            ))),
        }
    }

    /// Changes a session's candidate, interviewer and role. Allowed until the
    /// session is submitted (a draft stays a draft); refused for submitted
    /// and imported sessions. A new candidate name links the session to the
    /// candidate of that name (compared by `text::name_key`), or to a new
    /// candidate with `candidate_id`.
    pub fn edit_details(
        &mut self,
        id: SessionId,
        details: &SessionDetails,
        candidate_id: CandidateId,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        details.check()?;
        self.write(|tx| {
            changeable_head(
                tx,
                id,
                "is submitted: its candidate, interviewer and role can no longer change",
            )?;
            let (old_name, old_interviewer, old_role): (String, String, String) =
                tx.query_row(SESSION_DETAILS, [id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
            let sid = id.to_string();
            delete_search_words(tx, &sid, &[&old_name, &old_interviewer, &old_role])?;
            let name = details.candidate.trim();
            let interviewer = details.interviewer.trim();
            let role = details.role.trim();
            let cid = candidate_for(tx, name, candidate_id)?;
            tx.execute(SET_DETAILS, params![id, cid, interviewer, role])?;
            insert_search_words(tx, &sid, &[name, interviewer, role])?;
            bump(tx, id, now)
        })?;
        self.session(id)
    }

    /// Moves a draft session to in progress (no-op if already started).
    pub fn start_session(&mut self, id: SessionId, now: DateTime<Utc>) -> Result<Session> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            Ok(())
        })?;
        self.session(id)
    }

    /// Every session of a candidate (matched by name, case-insensitive),
    /// own and imported, oldest first.
    pub fn candidate_sessions(&self, candidate: &str) -> Result<Vec<PanelSession>> {
        let out = load_visible(&self.conn, Scope::Candidate(candidate))?;
        if out.is_empty() {
            return Err(Error::NotFound(format!(
                "no sessions for candidate {candidate:?}"
            )));
        }
        Ok(out)
    }

    /// Every session taken from a kit (by the kit's name), oldest first.
    pub fn kit_sessions(&self, kit_name: &str) -> Result<Vec<PanelSession>> {
        load_visible(&self.conn, Scope::Kit(kit_name))
    }

    /// Every entry's score, for calibration, in one query (oldest session
    /// first).
    pub fn ratings(&self) -> Result<Vec<Rating>> {
        let mut stmt = self
            .conn
            .prepare_cached(&RATINGS.replace("{sealed}", SEALED))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Rating {
                    session_id: r.get("id")?,
                    candidate: r.get("candidate")?,
                    interviewer: r.get("interviewer")?,
                    kit: r.get("kit_name")?,
                    status: r.get("status")?,
                    imported: r.get("imported")?,
                    question_id: r.get("question_id")?,
                    score: r.get("score")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// How many colleagues' sessions are sealed (hidden until the local
    /// interviewer submits for that candidate), of `kit` (a kit name) or all.
    pub fn sealed_session_count(&self, kit: Option<&str>) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(
                &SEALED_COUNT
                    .replace("{sealed}", SEALED)
                    .replace("{kit}", KIT_OR_FORMER_NAME),
            )?
            .query_row([kit], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Every session, own and imported, oldest first.
    pub fn all_sessions(&self) -> Result<Vec<PanelSession>> {
        load_visible(&self.conn, Scope::All)
    }
}
