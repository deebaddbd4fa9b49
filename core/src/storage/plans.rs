//! Interview plans (`crate::plan`): creating them, adding interviewers,
//! starting and attaching sessions, reading them with each member's state,
//! and importing signed plan files. Every action is one IMMEDIATE
//! transaction; every rule is checked (`plan::check_plan`) before it.
//!
//! **One candidate id.** A plan made here uses the local candidate of its
//! name (by `text::name_key`) or a new one with the given id. An imported
//! plan's candidate id is used as is: the local candidate with that id (its
//! name must have the same key, else the import is refused), or, when none
//! has it, the local candidate of that name, or else a new candidate created
//! with the plan's id. So on a fresh machine the plan's candidate id becomes
//! the local one and every session started from the plan carries it; where
//! a local candidate of that name already had another id, the plan is filed
//! under it (the import says so) and a collector still files every session
//! under one candidate by name. Forwarded sessions and plans are their signed
//! originals, so they verify anywhere.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;

mod import;

use super::rows::{opt_ts, to_json, ts, Json, Ts};
use super::sessions::{candidate_by_id, candidate_for};
use super::Store;
use crate::error::{Error, Result};
use crate::ids::{CandidateId, PlanId, SessionId};
use crate::plan::{
    self, check_plan, BankNames, BankRefs, Member, MemberSession, Plan, PlanFile, PlanSummary,
    PlanView,
};
use crate::session::{Candidate, NewSession, Session};
use crate::text;

const PLAN: &str = "
    SELECT p.id, p.file_candidate_id, c.name AS candidate_name, p.candidate_id, p.role,
           p.coordinator, p.created_at, p.updated_at, p.imported, p.signed_original
    FROM plan p JOIN candidate c ON c.id = p.candidate_id
    WHERE p.id = ?1";
const MEMBERS: &str = "
    SELECT interviewer, round, kit_name, questions, focus, at, due
    FROM plan_member WHERE plan_id = ?1 ORDER BY position";
const INSERT_PLAN: &str = "
    INSERT INTO plan (id, candidate_id, file_candidate_id, role, coordinator, created_at, updated_at,
                      imported, signed_original)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const TOUCH_PLAN: &str = "UPDATE plan SET updated_at = ?2 WHERE id = ?1";
const INSERT_MEMBER: &str = "
    INSERT INTO plan_member (plan_id, position, interviewer, interviewer_key, round, kit_name,
                             questions, focus, at, due)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
const PLAN_IDS: &str = "SELECT id FROM plan ORDER BY created_at DESC, id DESC";
const PLAN_ID_PREFIX: &str = "SELECT id FROM plan WHERE id LIKE ?1 || '%' LIMIT 2";
const PLAN_SESSIONS: &str = "
    SELECT id, interviewer, status, started_at, finished_at FROM session
    WHERE plan_id = ?1 AND candidate_id = (SELECT candidate_id FROM plan WHERE id = ?1)
    ORDER BY created_at, id";
const SESSION_PLAN_HEAD: &str =
    "SELECT candidate_id, interviewer, plan_id, imported FROM session WHERE id = ?1";
const SET_SESSION_PLAN: &str = "UPDATE session SET plan_id = ?2 WHERE id = ?1";
/// The newest plan of the candidate with this identity key.
const CANDIDATE_PLAN: &str = "
    SELECT p.id FROM plan p JOIN candidate c ON c.id = p.candidate_id
    WHERE c.name_key = ?1
    ORDER BY p.created_at DESC, p.id DESC LIMIT 1";
/// Plans of a candidate with a member of this key, newest first.
const PLANS_WITH_MEMBER: &str = "
    SELECT p.id FROM plan p JOIN plan_member m ON m.plan_id = p.id
    WHERE p.candidate_id = ?1 AND m.interviewer_key = ?2
    ORDER BY p.created_at DESC, p.id DESC";

/// What it takes to create a plan. Ids and time are given by the caller.
#[derive(Debug, Clone, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct NewPlan {
    pub candidate: String,
    pub role: String,
    pub coordinator: Option<String>,
}

/// What importing one plan file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PlanImportResult {
    pub plan_id: PlanId,
    pub candidate: String,
    pub coordinator: Option<String>,
    /// "added", "updated", "unchanged (already imported)", …
    pub what: String,
    pub candidate_note: Option<String>,
    pub signed_by: String,
    pub key_note: Option<String>,
}

/// The bank's questions and competencies, read once per action.
struct BankIndex {
    questions: HashMap<String, String>,
    competencies: HashMap<String, String>,
}

impl BankIndex {
    fn of(store: &Store) -> Result<BankIndex> {
        Ok(BankIndex {
            questions: store
                .bank_questions()?
                .into_iter()
                .map(|q| (q.question.id, q.question.competency))
                .collect(),
            competencies: store
                .bank_competencies()?
                .into_iter()
                .map(|c| (c.competency.id, c.competency.name))
                .collect(),
        })
    }
}

impl BankRefs for BankIndex {
    fn has_question(&self, id: &str) -> bool {
        self.questions.contains_key(id)
    }
    fn has_competency(&self, id: &str) -> bool {
        self.competencies.contains_key(id)
    }
}

impl BankNames for BankIndex {
    fn competency_of(&self, question: &str) -> Option<String> {
        self.questions.get(question).cloned()
    }
    fn competency_name(&self, competency: &str) -> String {
        self.competencies
            .get(competency)
            .cloned()
            .unwrap_or_else(|| competency.to_string())
    }
}

/// A stored plan: the plan, whether it was imported, its local candidate,
/// and the file it arrived in.
struct Stored {
    plan: Plan,
    imported: bool,
    local_candidate: CandidateId,
    original: Option<String>,
}

fn load(tx: &rusqlite::Connection, id: PlanId) -> Result<Option<Stored>> {
    let head = tx
        .prepare_cached(PLAN)?
        .query_row([id], |r| {
            Ok((
                r.get::<_, PlanId>("id")?,
                r.get::<_, CandidateId>("file_candidate_id")?,
                r.get::<_, String>("candidate_name")?,
                r.get::<_, CandidateId>("candidate_id")?,
                r.get::<_, String>("role")?,
                r.get::<_, Option<String>>("coordinator")?,
                r.get::<_, Ts>("created_at")?,
                r.get::<_, Ts>("updated_at")?,
                r.get::<_, bool>("imported")?,
                r.get::<_, Option<String>>("signed_original")?,
            ))
        })
        .optional()?;
    let Some((id, cid, name, local, role, coordinator, created, updated, imported, original)) =
        head
    else {
        return Ok(None);
    };
    let members = tx
        .prepare_cached(MEMBERS)?
        .query_map([id], |r| {
            Ok(Member {
                interviewer: r.get("interviewer")?,
                round: r.get("round")?,
                kit: r.get("kit_name")?,
                questions: r.get::<_, Json<Vec<String>>>("questions")?.0,
                focus: r.get::<_, Json<Vec<String>>>("focus")?.0,
                at: opt_ts(r.get("at")?),
                due: opt_ts(r.get("due")?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut plan = Plan {
        id,
        candidate: Candidate { id: cid, name },
        role,
        coordinator,
        created_at: created.0,
        updated_at: updated.0,
        members,
    };
    // An imported plan reads as it arrived (the local candidate may spell
    // the name differently).
    if let Some(file) = original
        .as_deref()
        .and_then(|o| PlanFile::parse(o.as_bytes()).ok())
    {
        plan.candidate = file.plan.candidate;
    }
    Ok(Some(Stored {
        plan,
        imported,
        local_candidate: local,
        original,
    }))
}

fn not_found(id: PlanId) -> Error {
    Error::NotFound(format!("no plan with id {id}"))
}

fn insert_members(tx: &Transaction, id: PlanId, members: &[Member], from: usize) -> Result<()> {
    let mut stmt = tx.prepare_cached(INSERT_MEMBER)?;
    for (i, m) in members.iter().enumerate().skip(from) {
        stmt.execute(params![
            id,
            i as i64,
            m.interviewer,
            text::name_key(&m.interviewer),
            m.round,
            m.kit,
            to_json(&m.questions),
            to_json(&m.focus),
            m.at.map(ts),
            m.due.map(ts)
        ])?;
    }
    Ok(())
}

/// The sessions of a plan by member position (state only, never content).
fn member_sessions(tx: &rusqlite::Connection, p: &Plan) -> Result<Vec<Option<MemberSession>>> {
    let rows: Vec<(String, MemberSession)> = tx
        .prepare_cached(PLAN_SESSIONS)?
        .query_map([p.id], |r| {
            Ok((
                r.get::<_, String>("interviewer")?,
                MemberSession {
                    id: r.get("id")?,
                    status: r.get("status")?,
                    started_at: opt_ts(r.get("started_at")?),
                    finished_at: opt_ts(r.get("finished_at")?),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(p.members
        .iter()
        .map(|m| {
            let key = text::name_key(&m.interviewer);
            rows.iter()
                .find(|(who, _)| text::name_key(who) == key)
                .map(|(_, s)| s.clone())
        })
        .collect())
}

/// Checks that `interviewer` is a member of the plan with no session in it
/// yet, and returns the plan (for starting or attaching a session).
pub(crate) fn claim(tx: &Transaction, id: PlanId, interviewer: &str) -> Result<(Plan, usize)> {
    let stored = load(tx, id)?.ok_or_else(|| not_found(id))?;
    let p = stored.plan;
    let Some((i, m)) = p.member(interviewer) else {
        return Err(Error::NotFound(format!(
            "{interviewer:?} is not an interviewer of plan {id}"
        )));
    };
    if let Some(s) = &member_sessions(tx, &p)?[i] {
        return Err(Error::Conflict(format!(
            "{} already has session {} in plan {id}",
            m.interviewer, s.id
        )));
    }
    Ok((p, i))
}

/// Puts a session in a plan.
pub(crate) fn set_session_plan(tx: &Transaction, session: SessionId, id: PlanId) -> Result<()> {
    tx.execute(SET_SESSION_PLAN, params![session, id])?;
    Ok(())
}

/// An imported session of a member joins the newest plan of its candidate
/// where that member has no session yet (when it is in no plan already).
pub(crate) fn link_imported(
    tx: &Transaction,
    session: SessionId,
    candidate: CandidateId,
    interviewer: &str,
) -> Result<()> {
    let key = text::name_key(interviewer);
    let in_plan: Option<Option<PlanId>> = tx
        .query_row(SESSION_PLAN_HEAD, [session], |r| r.get("plan_id"))
        .optional()?;
    if !matches!(in_plan, Some(None)) {
        return Ok(());
    }
    let plans: Vec<PlanId> = tx
        .prepare_cached(PLANS_WITH_MEMBER)?
        .query_map(params![candidate, key], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in plans {
        if claim(tx, id, interviewer).is_ok() {
            return set_session_plan(tx, session, id);
        }
    }
    Ok(())
}

impl Store {
    /// Creates a plan without interviewers yet; its candidate is the local
    /// candidate of that name, or a new one with `candidate_id`.
    pub fn create_plan(
        &mut self,
        new: &NewPlan,
        id: PlanId,
        candidate_id: CandidateId,
        now: DateTime<Utc>,
    ) -> Result<Plan> {
        let mut p = Plan {
            id,
            candidate: Candidate {
                id: candidate_id,
                name: new.candidate.trim().to_string(),
            },
            role: new.role.trim().to_string(),
            coordinator: new
                .coordinator
                .as_ref()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
            created_at: now,
            updated_at: now,
            members: vec![],
        };
        check_plan("plan create", &p, &BankIndex::of(self)?)?;
        self.write(|tx| {
            let cid = candidate_for(tx, &p.candidate.name, candidate_id)?;
            let (name, _) = candidate_by_id(tx, cid)?.expect("the candidate was just found");
            p.candidate = Candidate { id: cid, name };
            tx.execute(
                INSERT_PLAN,
                params![
                    id,
                    cid,
                    cid,
                    p.role,
                    p.coordinator,
                    ts(now),
                    ts(now),
                    false,
                    None::<String>
                ],
            )?;
            Ok(())
        })?;
        Ok(p)
    }

    /// Adds an interviewer to a plan made here. `new.kit` may name a kit by
    /// its id or name (or a former name): the member keeps the kit's name and
    /// its questions; without a kit, `new.questions` are the questions.
    pub fn add_plan_member(
        &mut self,
        id: PlanId,
        new: &Member,
        now: DateTime<Utc>,
    ) -> Result<Plan> {
        let stored = load(&self.conn, id)?.ok_or_else(|| not_found(id))?;
        if stored.imported {
            return Err(Error::Locked(format!(
                "plan {id} was imported from its coordinator's file; only they change it"
            )));
        }
        let (kit, questions) = match &new.kit {
            Some(k) => {
                let kit = self.kit(k)?;
                (Some(kit.name), kit.questions)
            }
            None => (None, plan::trimmed_list(&new.questions)),
        };
        let mut p = stored.plan;
        p.members.push(Member {
            interviewer: new.interviewer.trim().to_string(),
            round: new.round,
            kit,
            questions,
            focus: plan::trimmed_list(&new.focus),
            at: new.at,
            due: new.due,
        });
        p.updated_at = now.max(p.created_at);
        check_plan("plan add", &p, &BankIndex::of(self)?)?;
        self.write(|tx| {
            insert_members(tx, id, &p.members, p.members.len() - 1)?;
            tx.execute(TOUCH_PLAN, params![id, ts(p.updated_at)])?;
            Ok(())
        })?;
        Ok(p)
    }

    /// A plan id from its text or a prefix of at least 4 characters.
    pub fn find_plan_id(&self, text: &str) -> Result<PlanId> {
        let t = text.trim().to_ascii_lowercase();
        let missing = || Error::NotFound(format!("no plan with id {text:?}"));
        if t.len() < 4 || !t.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(missing());
        }
        let ids: Vec<PlanId> = self
            .conn
            .prepare(PLAN_ID_PREFIX)?
            .query_map([&t], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [one] => Ok(*one),
            [] => Err(missing()),
            _ => Err(Error::invalid(format!(
                "plan id prefix {text:?} is ambiguous; give more characters"
            ))),
        }
    }

    pub fn plan(&self, id: PlanId) -> Result<Plan> {
        Ok(load(&self.conn, id)?.ok_or_else(|| not_found(id))?.plan)
    }

    /// A plan with each member's state at `now` and its coverage.
    pub fn plan_view(&self, id: PlanId, now: DateTime<Utc>) -> Result<PlanView> {
        let stored = load(&self.conn, id)?.ok_or_else(|| not_found(id))?;
        let sessions = member_sessions(&self.conn, &stored.plan)?;
        Ok(plan::view(
            stored.plan,
            stored.imported,
            &sessions,
            &BankIndex::of(self)?,
            now,
        ))
    }

    /// The candidate's plan (their newest, by the name's identity key) with
    /// each member's state at `now`, for the debrief; None without one.
    pub fn candidate_plan(&self, candidate: &str, now: DateTime<Utc>) -> Result<Option<PlanView>> {
        let id: Option<PlanId> = self
            .conn
            .prepare_cached(CANDIDATE_PLAN)?
            .query_row([text::name_key(candidate)], |r| r.get(0))
            .optional()?;
        id.map(|id| self.plan_view(id, now)).transpose()
    }

    /// Every plan, newest first; with `mine`, only those where that person
    /// is an interviewer, with their place in it: coming interviews by time
    /// (unscheduled last), then overdue ones, then submitted ones.
    pub fn plans(&self, mine: Option<&str>, now: DateTime<Utc>) -> Result<Vec<PlanSummary>> {
        let ids: Vec<PlanId> = self
            .conn
            .prepare(PLAN_IDS)?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for id in ids {
            let v = self.plan_view(id, now)?;
            let me = match mine {
                Some(name) => match v.plan.member(name) {
                    Some((i, _)) => Some(v.members[i].clone()),
                    None => continue,
                },
                None => None,
            };
            let count = |s: plan::MemberState| v.members.iter().filter(|m| m.state == s).count();
            out.push(PlanSummary {
                id,
                candidate: v.plan.candidate.name.clone(),
                role: v.plan.role.clone(),
                coordinator: v.plan.coordinator.clone(),
                created_at: v.plan.created_at,
                members: v.members.len() as u32,
                submitted: count(plan::MemberState::Submitted) as u32,
                overdue: count(plan::MemberState::Overdue) as u32,
                mine: me,
            });
        }
        // My interviews: the coming ones by time (unscheduled last), then
        // the overdue, then the submitted.
        out.sort_by_key(|p| {
            p.mine.as_ref().map(|m| {
                let group = match m.state {
                    plan::MemberState::NotStarted | plan::MemberState::InProgress => 0,
                    plan::MemberState::Overdue => 1,
                    plan::MemberState::Submitted => 2,
                };
                (group, m.member.at.is_none(), m.member.at)
            })
        });
        Ok(out)
    }

    /// The signed plan file: a plan made here signed with this
    /// installation's key; an imported one exactly as it arrived.
    pub fn plan_file(&self, id: PlanId) -> Result<PlanFile> {
        let stored = load(&self.conn, id)?.ok_or_else(|| not_found(id))?;
        match stored.original {
            Some(o) => PlanFile::parse(o.as_bytes()),
            None => Ok(PlanFile::signed(stored.plan, &self.identity()?)),
        }
    }

    /// Starts `interviewer`'s session of a plan: the plan's candidate, role,
    /// and the member's kit and questions.
    pub fn start_from_plan(
        &mut self,
        id: PlanId,
        interviewer: &str,
        session_id: SessionId,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let stored = load(&self.conn, id)?.ok_or_else(|| not_found(id))?;
        let Some((_, m)) = stored.plan.member(interviewer) else {
            return Err(Error::NotFound(format!(
                "{interviewer:?} is not an interviewer of plan {id}"
            )));
        };
        let new = NewSession {
            candidate: stored.plan.candidate.name.clone(),
            interviewer: m.interviewer.clone(),
            role: stored.plan.role.clone(),
            kit: m.kit.clone(),
            question_ids: m.questions.clone(),
        };
        self.create_in_plan(&new, session_id, stored.local_candidate, now, id)
    }

    /// Attaches a session made without the plan (own or imported) to it:
    /// same candidate, by a member who has no session in it yet.
    pub fn attach_session(&mut self, id: PlanId, session: SessionId) -> Result<()> {
        self.write(|tx| {
            let head: Option<(CandidateId, String, Option<PlanId>)> = tx
                .query_row(SESSION_PLAN_HEAD, [session], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let Some((cid, interviewer, in_plan)) = head else {
                return Err(Error::NotFound(format!("no session with id {session}")));
            };
            match in_plan {
                Some(p) if p == id => return Ok(()),
                Some(p) => {
                    return Err(Error::Conflict(format!(
                        "session {session} is already in plan {p}"
                    )))
                }
                None => {}
            }
            let stored = load(tx, id)?.ok_or_else(|| not_found(id))?;
            if stored.local_candidate != cid {
                return Err(Error::invalid(format!(
                    "session {session} is not an interview of {} (the plan's candidate)",
                    stored.plan.candidate.name
                )));
            }
            claim(tx, id, &interviewer)?;
            set_session_plan(tx, session, id)
        })
    }
}
