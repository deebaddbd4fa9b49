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
    PanelSession, Recommendation, Session, SessionDetails, SessionFilter, SessionPage,
    SessionSummary, Status, WrapUp,
};
use crate::text;

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

/// The session list; `{filter}` is replaced by fixed conditions with bound
/// parameters.
const PAGE: &str = "
    SELECT s.id, c.name AS candidate, s.interviewer, s.role, s.kit_name, s.status, s.created_at,
           s.started_at, s.finished_at,
           (SELECT count(*) FROM entry e WHERE e.session_id = s.id) AS questions,
           (SELECT count(e.score) FROM entry e WHERE e.session_id = s.id) AS scored,
           CASE WHEN {sealed} THEN NULL ELSE s.recommendation END AS recommendation, s.imported,
           {sealed} AS sealed
    FROM session s JOIN candidate c ON c.id = s.candidate_id
    WHERE {filter}
    ORDER BY s.created_at DESC, s.id DESC
    LIMIT ? OFFSET ?";
const PAGE_TOTAL: &str = "
    SELECT count(*) FROM session s JOIN candidate c ON c.id = s.candidate_id WHERE {filter}";

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

/// The local candidate with this name (compared by `text::name_key`), or a
/// new one with `id`.
pub(crate) fn candidate_for(tx: &Transaction, name: &str, id: CandidateId) -> Result<CandidateId> {
    let key = text::name_key(name);
    if let Some((existing, _)) = candidate_by_key(tx, &key)? {
        return Ok(existing);
    }
    let [look, look_confusable] = text::look_keys(name);
    tx.execute(
        INSERT_CANDIDATE,
        params![id, name, key, look, look_confusable],
    )?;
    Ok(id)
}

/// The candidate whose name has this key, with its name as stored.
pub(crate) fn candidate_by_key(
    tx: &Transaction,
    key: &str,
) -> Result<Option<(CandidateId, String)>> {
    Ok(tx
        .query_row(CANDIDATE_BY_KEY, [key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The stored name and name key of a candidate id.
pub(crate) fn candidate_by_id(
    tx: &Transaction,
    id: CandidateId,
) -> Result<Option<(String, String)>> {
    Ok(tx
        .query_row(CANDIDATE_BY_ID, [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Inserts a new candidate.
pub(crate) fn insert_candidate(tx: &Transaction, id: CandidateId, name: &str) -> Result<()> {
    let [look, look_confusable] = text::look_keys(name);
    tx.execute(
        INSERT_CANDIDATE,
        params![id, name, text::name_key(name), look, look_confusable],
    )?;
    Ok(())
}

/// Which sessions a load covers.
#[derive(Clone, Copy)]
pub(crate) enum Scope<'a> {
    One(SessionId),
    Candidate(&'a str),
    Kit(&'a str),
    All,
}

impl Scope<'_> {
    fn condition(&self) -> &'static str {
        match self {
            Scope::One(_) => "s.id = ?1",
            Scope::Candidate(_) => "c.name_key = ?1",
            Scope::Kit(_) => KIT_OR_FORMER_NAME,
            Scope::All => "?1 IS NULL",
        }
    }

    fn param(&self) -> Option<String> {
        match self {
            Scope::One(id) => Some(id.to_string()),
            Scope::Candidate(name) => Some(text::name_key(name)),
            Scope::Kit(name) => Some(name.to_string()),
            Scope::All => None,
        }
    }
}

/// Loads every session of a scope, oldest first, in three queries.
pub(crate) fn load_sessions(conn: &Connection, scope: Scope) -> Result<Vec<PanelSession>> {
    let cond = scope.condition();
    let p = scope.param();
    let mut out: Vec<PanelSession> = Vec::new();
    let mut index: HashMap<SessionId, usize> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(&HEADS.replace("{scope}", cond))?;
        let mut rows = stmt.query([&p])?;
        while let Some(r) = rows.next()? {
            let id: SessionId = r.get("id")?;
            index.insert(id, out.len());
            out.push(PanelSession {
                imported: r.get("imported")?,
                sealed: false,
                session: Session {
                    id,
                    candidate: Candidate {
                        id: r.get("candidate_id")?,
                        name: r.get("candidate_name")?,
                    },
                    interviewer: r.get("interviewer")?,
                    role: r.get("role")?,
                    kit: r.get("kit_name")?,
                    status: r.get("status")?,
                    created_at: r.get::<_, Ts>("created_at")?.0,
                    started_at: opt_ts(r.get("started_at")?),
                    finished_at: opt_ts(r.get("finished_at")?),
                    updated_at: r.get::<_, Ts>("updated_at")?.0,
                    revision: r.get::<_, i64>("revision")? as u64,
                    entries: Vec::new(),
                    summary: r.get("summary")?,
                    red_flags: r.get::<_, Json<_>>("red_flags")?.0,
                    recommendation: r.get("recommendation")?,
                    audit: Vec::new(),
                },
            });
        }
    }
    if out.is_empty() {
        return Ok(out);
    }
    let mut snapshots: HashMap<i64, Question> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(&ENTRIES.replace("{scope}", cond))?;
        let mut rows = stmt.query([&p])?;
        while let Some(r) = rows.next()? {
            let sid: SessionId = r.get("session_id")?;
            let snapshot_id: i64 = r.get("snapshot_id")?;
            let question = match snapshots.get(&snapshot_id) {
                Some(q) => q.clone(),
                None => {
                    let q: Question = r.get::<_, Json<Question>>("doc")?.0;
                    snapshots.insert(snapshot_id, q.clone());
                    q
                }
            };
            let entry = Entry {
                question,
                competency_name: r.get("competency_name")?,
                score: r.get("score")?,
                skipped: r.get("skipped")?,
                look_fors_hit: r.get::<_, Json<_>>("look_fors_hit")?.0,
                follow_ups_asked: r.get::<_, Json<_>>("follow_ups_asked")?.0,
                notes: r.get("notes")?,
                seconds_spent: r.get::<_, i64>("seconds_spent")? as u64,
            };
            out[index[&sid]].session.entries.push(entry);
        }
    }
    {
        let mut stmt = conn.prepare_cached(&AUDIT.replace("{scope}", cond))?;
        let mut rows = stmt.query([&p])?;
        while let Some(r) = rows.next()? {
            let sid: SessionId = r.get("session_id")?;
            let event = AuditEvent {
                id: r.get("id")?,
                at: r.get::<_, Ts>("at")?.0,
                actor: r.get("actor")?,
                action: r.get("action")?,
                question_id: r.get("question_id")?,
                old_value: r.get("old_value")?,
                new_value: r.get("new_value")?,
                reason: r.get("reason")?,
            };
            out[index[&sid]].session.audit.push(event);
        }
    }
    Ok(out)
}

/// The sealing rule as it stands in this database: the candidates of own
/// sessions that are not submitted.
pub(crate) fn seal(conn: &Connection) -> Result<Seal> {
    let ids: Vec<CandidateId> = conn
        .prepare_cached(OPEN_OWN_CANDIDATES)?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Seal::new(ids))
}

/// [`load_sessions`] with the sealing rule applied: what every read path
/// hands out.
pub(crate) fn load_visible(conn: &Connection, scope: Scope) -> Result<Vec<PanelSession>> {
    let mut out = load_sessions(conn, scope)?;
    let seal = seal(conn)?;
    if !seal.is_empty() {
        for p in &mut out {
            seal.apply(p);
        }
    }
    Ok(out)
}

/// One session with its origin, if it exists (not sealed: for writes and
/// import planning only).
pub(crate) fn load_one(conn: &Connection, id: SessionId) -> Result<Option<PanelSession>> {
    Ok(load_sessions(conn, Scope::One(id))?.pop())
}

fn load_visible_one(conn: &Connection, id: SessionId) -> Result<PanelSession> {
    load_visible(conn, Scope::One(id))?
        .pop()
        .ok_or_else(|| Error::NotFound(format!("no session with id {id}")))
}

/// The WHERE conditions and parameters of a session filter.
fn filter_sql(filter: &SessionFilter) -> (String, Vec<String>) {
    let mut conds: Vec<&str> = Vec::new();
    let mut params: Vec<String> = Vec::new();
    let nonempty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    if let Some(c) = nonempty(&filter.candidate) {
        conds.push("c.name_key = ?");
        params.push(text::name_key(&c));
    }
    if let Some(i) = nonempty(&filter.interviewer) {
        conds.push("s.interviewer = ? COLLATE NOCASE");
        params.push(i);
    }
    if let Some(r) = nonempty(&filter.role) {
        conds.push("s.role = ? COLLATE NOCASE");
        params.push(r);
    }
    if let Some(status) = filter.status {
        conds.push("s.status = ?");
        params.push(status.as_str().to_string());
    }
    if let Some(from) = filter.from {
        conds.push("s.created_at >= ?");
        params.push(ts(from));
    }
    if let Some(to) = filter.to {
        conds.push("s.created_at < ?");
        params.push(ts(to));
    }
    if let Some(t) = filter.text.as_deref() {
        let words = text::words(t);
        if words.is_empty() && !t.trim().is_empty() {
            // Only punctuation: nothing can match it.
            conds.push("0");
        }
        for w in words {
            conds.push("s.id IN (SELECT session_id FROM search_word WHERE word >= ? AND word < ?)");
            params.push(w.clone());
            params.push(format!("{w}\u{10ffff}"));
        }
    }
    let sql = if conds.is_empty() {
        "1".to_string()
    } else {
        conds.join(" AND ")
    };
    (sql, params)
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

#[derive(Clone, Copy)]
enum ListField {
    LookFors,
    FollowUps,
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
        self.create(new, session_id, candidate_id, now, false)
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
        self.create(new, session_id, candidate_id, now, true)
    }

    fn create(
        &mut self,
        new: &NewSession,
        session_id: SessionId,
        candidate_id: CandidateId,
        now: DateTime<Utc>,
        start: bool,
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

    /// Every session matching the filter, newest first.
    pub fn sessions(&self, filter: &SessionFilter) -> Result<Vec<SessionSummary>> {
        Ok(self.session_page(filter, 0, u64::MAX)?.rows)
    }

    /// One page of the sessions matching the filter, newest first, with the
    /// number of matching sessions.
    pub fn session_page(
        &self,
        filter: &SessionFilter,
        offset: u64,
        limit: u64,
    ) -> Result<SessionPage> {
        let (cond, args) = filter_sql(filter);
        let total: i64 = self
            .conn
            .prepare_cached(&PAGE_TOTAL.replace("{filter}", &cond))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
        let lim = i64::try_from(limit).unwrap_or(i64::MAX);
        let off = i64::try_from(offset).unwrap_or(i64::MAX);
        let sql = PAGE.replace("{filter}", &cond).replace("{sealed}", SEALED);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut bound: Vec<&dyn rusqlite::ToSql> =
            args.iter().map(|a| a as &dyn rusqlite::ToSql).collect();
        bound.push(&lim);
        bound.push(&off);
        let mut rows: Vec<SessionSummary> = stmt
            .query_map(bound.as_slice(), |r| {
                Ok(SessionSummary {
                    id: r.get("id")?,
                    candidate: r.get("candidate")?,
                    interviewer: r.get("interviewer")?,
                    role: r.get("role")?,
                    kit: r.get("kit_name")?,
                    status: Some(r.get("status")?),
                    created_at: r.get::<_, Ts>("created_at")?.0,
                    started_at: opt_ts(r.get("started_at")?),
                    finished_at: opt_ts(r.get("finished_at")?),
                    questions: Some(r.get("questions")?),
                    scored: Some(r.get("scored")?),
                    recommendation: r.get("recommendation")?,
                    imported: r.get("imported")?,
                    sealed: r.get("sealed")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        for row in rows.iter_mut().filter(|r| r.sealed) {
            crate::seal::blank_summary(row);
        }
        Ok(SessionPage {
            rows,
            total: total as u64,
            offset,
            limit,
        })
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

    /// Sets (or with `None` clears) the score of one question. Clears `skipped`.
    pub fn set_score(
        &mut self,
        id: SessionId,
        question_id: &str,
        level: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            let q = entry_question(tx, id, question_id)?;
            if let Some(v) = level {
                q.rubric.check(question_id, v)?;
            }
            tx.prepare_cached(SET_SCORE)?
                .execute(params![id, question_id, level])?;
            Ok(())
        })
    }

    /// Marks a question skipped (clearing its score) or not skipped.
    pub fn set_skipped(
        &mut self,
        id: SessionId,
        question_id: &str,
        skipped: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            check_entry(tx, id, question_id)?;
            tx.prepare_cached(SET_SKIPPED)?
                .execute(params![id, question_id, skipped])?;
            Ok(())
        })
    }

    /// Replaces the notes of one question.
    pub fn set_notes(
        &mut self,
        id: SessionId,
        question_id: &str,
        notes: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        crate::session::check_notes(question_id, notes)?;
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            check_entry(tx, id, question_id)?;
            tx.prepare_cached(SET_NOTES)?
                .execute(params![id, question_id, notes])?;
            Ok(())
        })
    }

    /// Ticks or unticks a look-for (by index into the snapshot's list).
    pub fn set_look_for(
        &mut self,
        id: SessionId,
        question_id: &str,
        index: u32,
        on: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.toggle_list(id, question_id, index, on, now, ListField::LookFors)
    }

    /// Ticks or unticks a follow-up as asked.
    pub fn set_follow_up(
        &mut self,
        id: SessionId,
        question_id: &str,
        index: u32,
        on: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.toggle_list(id, question_id, index, on, now, ListField::FollowUps)
    }

    fn toggle_list(
        &mut self,
        id: SessionId,
        question_id: &str,
        index: u32,
        on: bool,
        now: DateTime<Utc>,
        field: ListField,
    ) -> Result<()> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            let q = entry_question(tx, id, question_id)?;
            let (len, read, write, what) = match field {
                ListField::LookFors => (q.look_fors.len(), LOOK_FORS, SET_LOOK_FORS, "look-for"),
                ListField::FollowUps => {
                    (q.follow_ups.len(), FOLLOW_UPS, SET_FOLLOW_UPS, "follow-up")
                }
            };
            if index as usize >= len {
                return Err(Error::invalid(format!(
                    "question {question_id:?} has {len} {what}s; there is no {what} number {}",
                    index + 1
                )));
            }
            let current: Json<Vec<u32>> = tx
                .prepare_cached(read)?
                .query_row(params![id, question_id], |r| r.get(0))?;
            let mut set: BTreeSet<u32> = current.0.into_iter().collect();
            if on {
                set.insert(index);
            } else {
                set.remove(&index);
            }
            let list: Vec<u32> = set.into_iter().collect();
            tx.prepare_cached(write)?
                .execute(params![id, question_id, to_json(&list)])?;
            Ok(())
        })
    }

    /// Adds time spent on a question.
    pub fn add_time(
        &mut self,
        id: SessionId,
        question_id: &str,
        seconds: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        crate::session::check_seconds(seconds)?;
        // The total stays within a day, the range every Panelist imports.
        let most = crate::validate::SECONDS_SPENT as i64;
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            check_entry(tx, id, question_id)?;
            tx.prepare_cached(ADD_TIME)?
                .execute(params![id, question_id, seconds as i64, most])?;
            Ok(())
        })
    }

    /// Saves summary, red flags and recommendation before submission.
    pub fn set_wrap_up(&mut self, id: SessionId, wrap: &WrapUp, now: DateTime<Utc>) -> Result<()> {
        wrap.check()?;
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            let flags: Vec<&str> = wrap
                .red_flags
                .iter()
                .map(|f| f.trim())
                .filter(|f| !f.is_empty())
                .collect();
            let rec = wrap.recommendation.map(Recommendation::as_str);
            tx.execute(SET_WRAP_UP, params![id, wrap.summary, to_json(&flags), rec])?;
            Ok(())
        })
    }

    /// Submits the session with its recommendation; it is locked afterwards.
    pub fn submit(
        &mut self,
        id: SessionId,
        recommendation: Recommendation,
        summary: Option<&str>,
        audit_id: AuditId,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        if let Some(summary) = summary {
            crate::session::check_summary(summary)?;
        }
        crate::session::check_audit_id(audit_id)?;
        self.write(|tx| {
            let s = open_for_change(tx, id, now)?;
            tx.execute(SUBMIT, params![id, ts(now), recommendation, summary])?;
            let event = AuditEvent {
                id: audit_id,
                at: now,
                actor: s.interviewer,
                action: AuditAction::Submit,
                question_id: None,
                old_value: None,
                new_value: Some(recommendation.as_str().into()),
                reason: None,
            };
            insert_audit(tx, &event, id)
        })?;
        self.session(id)
    }

    /// Changes the score of a submitted session, with a required reason, and
    /// records old and new values in the audit log.
    pub fn amend_score(
        &mut self,
        id: SessionId,
        question_id: &str,
        level: i64,
        reason: &str,
        audit_id: AuditId,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let reason = check_reason(reason)?.to_string();
        crate::session::check_audit_id(audit_id)?;
        self.write(|tx| {
            let s = session_head(tx, id)?;
            if s.status != Status::Submitted {
                return Err(Error::invalid(format!(
                    "session {id} is not submitted yet; change the score directly instead of amending it"
                )));
            }
            if s.imported {
                return Err(Error::Locked(format!(
                    "session {id} was imported from another machine and is read-only here"
                )));
            }
            let q = entry_question(tx, id, question_id)?;
            q.rubric.check(question_id, level)?;
            let old: Option<i64> = tx.query_row(ENTRY_SCORE, params![id, question_id], |r| r.get(0))?;
            if old == Some(level) {
                return Err(Error::invalid(format!(
                    "question {question_id:?} already has level {level}; nothing to amend"
                )));
            }
            tx.execute(SET_SCORE, params![id, question_id, level])?;
            bump(tx, id, now)?;
            let event = AuditEvent {
                id: audit_id,
                at: now,
                actor: s.interviewer,
                action: AuditAction::AmendScore,
                question_id: Some(question_id.into()),
                old_value: old.map(|v| v.to_string()),
                new_value: Some(level.to_string()),
                reason: Some(reason.clone()),
            };
            insert_audit(tx, &event, id)
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
