//! Loading sessions for panels and reads: every session of a scope in three
//! queries (heads, entries, audit), never one query per session, and the
//! sealing rule applied on every load (`crate::seal`).

use super::*;

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

pub(super) fn load_visible_one(conn: &Connection, id: SessionId) -> Result<PanelSession> {
    load_visible(conn, Scope::One(id))?
        .pop()
        .ok_or_else(|| Error::NotFound(format!("no session with id {id}")))
}
