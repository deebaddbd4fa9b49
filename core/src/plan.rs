//! Interview plans: one candidate's panel as one object. A coordinator
//! plans who interviews the candidate, on which kit or questions, with which
//! focus competencies, when, and when their feedback is due
//! (docs/plan-format.md).
//!
//! Pure data and rules: the plan, its validation (field paths, the limits of
//! `crate::validate`), the coverage view (`coverage`) and each member's
//! state (`member_state`, with the time passed in). Storage keeps plans
//! (`storage/plans.rs`); the signed plan file is `plan/file.rs`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::{PlanId, SessionId};
use crate::session::{Candidate, Status};
use crate::validate;

mod coverage;
mod debrief;
pub mod file;

pub use coverage::{coverage, BankNames, Coverage, CoverageCell, CoverageRow, Gap};
pub use debrief::{PlanDebrief, PlannedInterviewer};
pub use file::{parse_document, Document, PlanFile};

/// A candidate's interview plan. Field order is the plan file's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub id: PlanId,
    /// The candidate, with the one id their sessions carry everywhere.
    pub candidate: Candidate,
    /// The role interviewed for; `""` if none.
    pub role: String,
    /// Who planned it; signs the plan file and is pinned by this name.
    pub coordinator: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub members: Vec<Member>,
}

/// One interviewer of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub interviewer: String,
    /// The round the interview is in, from 1.
    pub round: u32,
    /// The kit's name when the questions came from a kit.
    pub kit: Option<String>,
    /// The question ids, in interview order.
    pub questions: Vec<String>,
    /// Competency ids this interviewer focuses on.
    pub focus: Vec<String>,
    /// When the interview is.
    pub at: Option<DateTime<Utc>>,
    /// When the feedback is due.
    pub due: Option<DateTime<Utc>>,
}

impl Plan {
    /// The member with this name (by the identity key, `text::name_key`).
    pub fn member(&self, name: &str) -> Option<(usize, &Member)> {
        let key = crate::text::name_key(name);
        self.members
            .iter()
            .enumerate()
            .find(|(_, m)| crate::text::name_key(&m.interviewer) == key)
    }

    /// How many rounds the plan has (the highest member round; 0 when it has
    /// no members yet).
    pub fn rounds(&self) -> u32 {
        self.members.iter().map(|m| m.round).max().unwrap_or(0)
    }
}

/// What the bank holds, for checking a plan's references.
pub trait BankRefs {
    fn has_question(&self, id: &str) -> bool;
    fn has_competency(&self, id: &str) -> bool;
}

/// The error for one field of a plan, with the plan's door in front
/// (`plan file at plan.members[0].due: …`, `plan add: …`).
struct At<'a>(&'a str);

impl At<'_> {
    fn err(&self, path: &str, m: impl std::fmt::Display) -> Error {
        Error::invalid(format!("{} at {path}: {m}", self.0))
    }

    fn check(&self, path: &str, c: validate::Check) -> Result<()> {
        c.map_err(|m| self.err(path, m))
    }
}

/// Every rule a plan meets, wherever it comes from (`plan create`/`add`,
/// a plan file): the ranges of `crate::validate`, person names, times in
/// range and in order, no interviewer twice (by identity key), questions
/// and focus competencies that this bank has. `door` starts the error
/// (e.g. "plan file"), paths are the plan file's (`plan.members[1].due`).
pub fn check_plan(door: &str, p: &Plan, bank: &dyn BankRefs) -> Result<()> {
    let at = At(door);
    at.check("plan.id", validate::id_v7(&p.id.0))?;
    at.check("plan.candidate.id", validate::id_v7(&p.candidate.id.0))?;
    at.check(
        "plan.candidate.name",
        validate::person_name(&p.candidate.name),
    )?;
    at.check("plan.role", validate::line(&p.role, validate::NAME_CHARS))?;
    if let Some(c) = &p.coordinator {
        at.check("plan.coordinator", validate::person_name(c))?;
    }
    at.check("plan.created_at", validate::timestamp(&p.created_at))?;
    at.check("plan.updated_at", validate::timestamp(&p.updated_at))?;
    at.check(
        "plan.updated_at",
        validate::not_before(&p.updated_at, &p.created_at, "created_at"),
    )?;
    at.check("plan.members", validate::plan_members(p.members.len()))?;
    for (i, m) in p.members.iter().enumerate() {
        check_member(&at, &format!("plan.members[{i}]"), m, bank)?;
    }
    if let Some((i, first)) =
        validate::first_repeated_name(p.members.iter().map(|m| m.interviewer.as_str()))
    {
        return Err(at.err(
            &format!("plan.members[{i}].interviewer"),
            format!("{:?} is already members[{first}]", p.members[i].interviewer),
        ));
    }
    Ok(())
}

fn check_member(at: &At, path: &str, m: &Member, bank: &dyn BankRefs) -> Result<()> {
    at.check(
        &format!("{path}.interviewer"),
        validate::person_name(&m.interviewer),
    )?;
    at.check(&format!("{path}.round"), validate::round(m.round))?;
    if let Some(k) = &m.kit {
        at.check(&format!("{path}.kit"), validate::name(k))?;
    }
    if m.questions.is_empty() {
        return Err(at.err(&format!("{path}.questions"), "needs at least one question"));
    }
    at.check(
        &format!("{path}.questions"),
        validate::entry_count(m.questions.len()),
    )?;
    for (j, q) in m.questions.iter().enumerate() {
        let p = format!("{path}.questions[{j}]");
        at.check(&p, validate::slug(q))?;
        if !bank.has_question(q) {
            return Err(at.err(&p, format!("no question {q:?} in this bank")));
        }
    }
    if let Some((j, first)) = validate::first_repeat(m.questions.iter()) {
        return Err(at.err(
            &format!("{path}.questions[{j}]"),
            format!("{:?} is already questions[{first}]", m.questions[j]),
        ));
    }
    at.check(
        &format!("{path}.focus"),
        validate::focus_count(m.focus.len()),
    )?;
    for (j, c) in m.focus.iter().enumerate() {
        let p = format!("{path}.focus[{j}]");
        at.check(&p, validate::slug(c))?;
        if !bank.has_competency(c) {
            return Err(at.err(&p, format!("no competency {c:?} in this bank")));
        }
    }
    if let Some((j, first)) = validate::first_repeat(m.focus.iter()) {
        return Err(at.err(
            &format!("{path}.focus[{j}]"),
            format!("{:?} is already focus[{first}]", m.focus[j]),
        ));
    }
    if let Some(t) = &m.at {
        at.check(&format!("{path}.at"), validate::timestamp(t))?;
    }
    if let Some(d) = &m.due {
        at.check(&format!("{path}.due"), validate::timestamp(d))?;
        if let Some(t) = &m.at {
            at.check(&format!("{path}.due"), validate::not_before(d, t, "at"))?;
        }
    }
    Ok(())
}

/// Where a member stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MemberState {
    /// No session yet.
    NotStarted,
    /// A session, not submitted, and not past its due time.
    InProgress,
    Submitted,
    /// Due time passed and not submitted (started or not).
    Overdue,
}

impl MemberState {
    pub fn label(self) -> &'static str {
        match self {
            MemberState::NotStarted => "not started",
            MemberState::InProgress => "in progress",
            MemberState::Submitted => "submitted",
            MemberState::Overdue => "overdue",
        }
    }
}

/// What a member's state is computed from: their session in the plan, if
/// any (its state only, never its content, so it is the same sealed or not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MemberSession {
    pub id: SessionId,
    pub status: Status,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A member's state at `now`, and the seconds they took to submit: from
/// the planned time (`at`), or from the session's start when none was
/// planned, to submission.
pub fn member_state(
    m: &Member,
    session: Option<&MemberSession>,
    now: DateTime<Utc>,
) -> (MemberState, Option<i64>) {
    if let Some(s) = session.filter(|s| s.status == Status::Submitted) {
        let from = m.at.or(s.started_at);
        let took = match (from, s.finished_at) {
            (Some(from), Some(done)) => Some((done - from).num_seconds().max(0)),
            _ => None,
        };
        return (MemberState::Submitted, took);
    }
    if m.due.is_some_and(|d| now > d) {
        return (MemberState::Overdue, None);
    }
    match session {
        Some(_) => (MemberState::InProgress, None),
        None => (MemberState::NotStarted, None),
    }
}

/// One member with their state, for `plan show` and the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MemberView {
    pub member: Member,
    pub state: MemberState,
    pub session: Option<MemberSession>,
    /// Seconds from the interview (or the session's start) to submission.
    #[ts(type = "number | null")]
    pub seconds_to_submit: Option<i64>,
}

/// A plan with its members' states and its coverage at a given time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PlanView {
    pub plan: Plan,
    /// Made here (false) or imported from a plan file (true).
    pub imported: bool,
    pub rounds: u32,
    pub members: Vec<MemberView>,
    pub coverage: Coverage,
}

/// A plan in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PlanSummary {
    pub id: PlanId,
    pub candidate: String,
    pub role: String,
    pub coordinator: Option<String>,
    pub created_at: DateTime<Utc>,
    pub members: u32,
    pub submitted: u32,
    pub overdue: u32,
    /// With `--mine NAME`: that interviewer's place in the plan.
    pub mine: Option<MemberView>,
}

/// Where an interview of mine stands on Home's "My interviews".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MyGroup {
    /// Planned before the end of today (today, or earlier and not yet due).
    Today,
    /// Planned later, or not scheduled.
    Upcoming,
    /// Its feedback is overdue.
    Overdue,
}

/// One group of "My interviews".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MyGroupView {
    pub group: MyGroup,
    pub plans: Vec<PlanSummary>,
}

/// My interviews (plans listed with `mine`) in the order Home shows them:
/// today's by time, then upcoming ones by time (unscheduled last), then the
/// overdue ones by due time; submitted ones are done and left out, and so
/// are empty groups. `end_of_today` is the end of the user's local day,
/// passed in with the clock by the shell.
pub fn my_interviews(plans: Vec<PlanSummary>, end_of_today: DateTime<Utc>) -> Vec<MyGroupView> {
    let mut groups: Vec<MyGroupView> = [MyGroup::Today, MyGroup::Upcoming, MyGroup::Overdue]
        .into_iter()
        .map(|group| MyGroupView {
            group,
            plans: vec![],
        })
        .collect();
    for p in plans {
        let Some(m) = &p.mine else { continue };
        let group = match (m.state, m.member.at) {
            (MemberState::Submitted, _) => continue,
            (MemberState::Overdue, _) => 2,
            (_, Some(at)) if at < end_of_today => 0,
            _ => 1,
        };
        groups[group].plans.push(p);
    }
    let time = |p: &PlanSummary, due: bool| {
        let m = &p.mine.as_ref().expect("only mine are grouped").member;
        let t = if due { m.due } else { m.at };
        (t.is_none(), t)
    };
    for g in &mut groups {
        let due = g.group == MyGroup::Overdue;
        g.plans.sort_by_key(|p| time(p, due));
    }
    groups.retain(|g| !g.plans.is_empty());
    groups
}

/// Builds a plan's view from its members' sessions (by member position).
pub fn view(
    plan: Plan,
    imported: bool,
    sessions: &[Option<MemberSession>],
    bank: &dyn coverage::BankNames,
    now: DateTime<Utc>,
) -> PlanView {
    let members = plan
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let session = sessions.get(i).cloned().flatten();
            let (state, seconds_to_submit) = member_state(m, session.as_ref(), now);
            MemberView {
                member: m.clone(),
                state,
                session,
                seconds_to_submit,
            }
        })
        .collect();
    let coverage = coverage(&plan, bank);
    PlanView {
        rounds: plan.rounds(),
        plan,
        imported,
        members,
        coverage,
    }
}

/// A comma-separated list as typed: each item trimmed, blank ones dropped
/// (repeats stay, for `check_plan` to refuse with their position).
pub fn trimmed_list(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
