//! Candidates, sessions, per-question entries, scores, recommendations and the
//! amendment audit log. Rules that do not need the database live here; the
//! storage module enforces them inside its transactions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::bank::{Competency, Question};
use crate::error::{Error, Result};
use crate::ids::{AuditId, CandidateId, SessionId};
use crate::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    InProgress,
    Submitted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InProgress => "in_progress",
            Status::Submitted => "submitted",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "draft" => Ok(Status::Draft),
            "in_progress" => Ok(Status::InProgress),
            "submitted" => Ok(Status::Submitted),
            other => Err(Error::invalid(format!("unknown session status {other:?}"))),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::InProgress => "In progress",
            Status::Submitted => "Submitted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Recommendation {
    #[serde(rename = "strong-no")]
    StrongNo,
    #[serde(rename = "no")]
    No,
    #[serde(rename = "none")]
    NoDecision,
    #[serde(rename = "yes")]
    Yes,
    #[serde(rename = "strong-yes")]
    StrongYes,
}

impl Recommendation {
    pub const ALL: [Recommendation; 5] = [
        Recommendation::StrongNo,
        Recommendation::No,
        Recommendation::NoDecision,
        Recommendation::Yes,
        Recommendation::StrongYes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::StrongNo => "strong-no",
            Recommendation::No => "no",
            Recommendation::NoDecision => "none",
            Recommendation::Yes => "yes",
            Recommendation::StrongYes => "strong-yes",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Recommendation::StrongNo => "Strong no",
            Recommendation::No => "No",
            Recommendation::NoDecision => "No decision",
            Recommendation::Yes => "Yes",
            Recommendation::StrongYes => "Strong yes",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown recommendation {s:?} (use strong-no, no, none, yes or strong-yes)"
                ))
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    pub id: CandidateId,
    pub name: String,
}

/// One question of a session, with the snapshot of the question and rubric
/// exactly as they were when the session was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub question: Question,
    /// The competency as it was named when the session was created.
    pub competency_name: String,
    /// The level given, if any.
    #[ts(type = "number | null")]
    pub score: Option<i64>,
    /// Deliberately not asked or not scored.
    pub skipped: bool,
    /// Indices into `question.look_fors` that the answer covered.
    pub look_fors_hit: Vec<u32>,
    /// Indices into `question.follow_ups` that were asked.
    pub follow_ups_asked: Vec<u32>,
    pub notes: String,
    #[ts(type = "number")]
    pub seconds_spent: u64,
}

impl Entry {
    pub fn new(question: Question, competency_name: String) -> Self {
        Entry {
            question,
            competency_name,
            score: None,
            skipped: false,
            look_fors_hit: Vec::new(),
            follow_ups_asked: Vec::new(),
            notes: String::new(),
            seconds_spent: 0,
        }
    }

    /// The scored level with its label and anchor.
    pub fn level(&self) -> Option<&crate::bank::Level> {
        self.score.and_then(|v| self.question.rubric.level(v))
    }
}

/// What an audit event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum AuditAction {
    /// The interviewer submitted the session (new value: the recommendation).
    #[serde(rename = "submit")]
    Submit,
    /// A score changed after submission (old and new level, and a reason).
    #[serde(rename = "amend-score")]
    AmendScore,
}

impl AuditAction {
    pub const ALL: [AuditAction; 2] = [AuditAction::Submit, AuditAction::AmendScore];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Submit => "submit",
            AuditAction::AmendScore => "amend-score",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| Error::invalid(format!("unknown audit action {s:?}")))
    }
}

impl PartialEq<&str> for AuditAction {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// An append-only record of a change to a submitted session (and of the
/// submission itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    pub id: AuditId,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    pub question_id: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub id: SessionId,
    pub candidate: Candidate,
    pub interviewer: String,
    pub role: String,
    /// Name of the kit the questions came from, if any.
    pub kit: Option<String>,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Bumped by every change; a higher revision of the same session is newer.
    #[ts(type = "number")]
    pub revision: u64,
    pub entries: Vec<Entry>,
    pub summary: String,
    pub red_flags: Vec<String>,
    pub recommendation: Option<Recommendation>,
    pub audit: Vec<AuditEvent>,
}

impl Session {
    pub fn entry(&self, question_id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.question.id == question_id)
    }

    /// Wall-clock length of the interview, if it has started.
    pub fn duration_seconds(&self) -> Option<i64> {
        let start = self.started_at?;
        let end = self.finished_at.unwrap_or(self.updated_at);
        Some((end - start).num_seconds().max(0))
    }

    /// The interview clock: the time the interview was actually running,
    /// the sum of the time recorded on its questions. The app records time
    /// only while a question is on screen and the interview is not paused,
    /// so time with the app closed or paused never counts.
    pub fn interview_seconds(&self) -> u64 {
        self.entries
            .iter()
            .fold(0u64, |total, e| total.saturating_add(e.seconds_spent))
    }

    /// Total time budget of the session's questions.
    pub fn budget_minutes(&self) -> u32 {
        // Checked: an imported snapshot's minutes are bounded, but the sum
        // must not overflow whatever it holds.
        self.entries
            .iter()
            .fold(0u32, |total, e| total.saturating_add(e.question.minutes))
    }

    /// The rubric scale of the session's questions: the lowest and highest
    /// level value (`None` for a session without levels).
    pub fn scale(&self) -> Option<Scale> {
        Scale::of(self.entries.iter().map(|e| &e.question))
    }

    /// Average score per competency, in order of first appearance.
    pub fn competency_averages(&self) -> Vec<CompetencyAverage> {
        let mut out: Vec<CompetencyAverage> = Vec::new();
        for e in &self.entries {
            let idx = match out
                .iter()
                .position(|c| c.competency == e.question.competency)
            {
                Some(i) => i,
                None => {
                    out.push(CompetencyAverage {
                        competency: e.question.competency.clone(),
                        name: e.competency_name.clone(),
                        questions: 0,
                        scored: 0,
                        average: None,
                    });
                    out.len() - 1
                }
            };
            let c = &mut out[idx];
            c.questions += 1;
            if let Some(v) = e.score {
                let total = c.average.unwrap_or(0.0) * c.scored as f64 + v as f64;
                c.scored += 1;
                c.average = Some(total / c.scored as f64);
            }
        }
        out
    }
}

/// A rubric scale: the lowest and highest level value, for charts and axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Scale {
    #[ts(type = "number")]
    pub min: i64,
    #[ts(type = "number")]
    pub max: i64,
}

impl Scale {
    /// The span of every level of these questions' rubrics.
    pub fn of<'a>(questions: impl IntoIterator<Item = &'a Question>) -> Option<Scale> {
        questions
            .into_iter()
            .flat_map(|q| q.rubric.levels.iter().map(|l| l.value))
            .fold(None, |acc: Option<Scale>, v| {
                Some(match acc {
                    None => Scale { min: v, max: v },
                    Some(s) => Scale {
                        min: s.min.min(v),
                        max: s.max.max(v),
                    },
                })
            })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CompetencyAverage {
    pub competency: String,
    pub name: String,
    pub questions: usize,
    pub scored: usize,
    pub average: Option<f64>,
}

/// A row of the session list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SessionSummary {
    pub id: SessionId,
    pub candidate: String,
    pub interviewer: String,
    /// `""` for a sealed session.
    pub role: String,
    pub kit: Option<String>,
    /// None for a sealed session (`crate::seal::blank_summary`).
    pub status: Option<Status>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// None for a sealed session.
    pub questions: Option<u32>,
    /// None for a sealed session.
    pub scored: Option<u32>,
    pub recommendation: Option<Recommendation>,
    pub imported: bool,
    /// A colleague's session withheld until the local interviewer submits
    /// (`crate::seal`): only who, when and that it is sealed are given.
    pub sealed: bool,
}

/// The people and role of a session, editable until it is submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct SessionDetails {
    pub candidate: String,
    pub interviewer: String,
    pub role: String,
}

impl SessionDetails {
    pub fn check(&self) -> Result<()> {
        check_people(&self.candidate, &self.interviewer, &self.role)
    }
}

/// The names and role of a session, as session import checks them
/// ([`crate::validate`]); errors start with the field.
fn check_people(candidate: &str, interviewer: &str, role: &str) -> Result<()> {
    if candidate.trim().is_empty() {
        return Err(Error::invalid(
            "candidate: a session needs a candidate name",
        ));
    }
    if interviewer.trim().is_empty() {
        return Err(Error::invalid(
            "interviewer: a session needs an interviewer name",
        ));
    }
    field("candidate", validate::person_name(candidate.trim()))?;
    field("interviewer", validate::person_name(interviewer.trim()))?;
    field("role", validate::line(role.trim(), validate::NAME_CHARS))
}

/// A check from [`crate::validate`], its message after the field name.
pub(crate) fn field(name: &str, c: validate::Check) -> Result<()> {
    c.map_err(|m| Error::invalid(format!("{name}: {m}")))
}

/// The ids a session is created with: UUIDv7s, as the session format says.
pub fn check_new_ids(session_id: SessionId, candidate_id: CandidateId) -> Result<()> {
    field("session id", validate::id_v7(&session_id.0))?;
    field("candidate id", validate::id_v7(&candidate_id.0))
}

/// What it takes to create a session. Ids and time are given by the caller.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewSession {
    pub candidate: String,
    pub interviewer: String,
    pub role: String,
    pub kit: Option<String>,
    pub question_ids: Vec<String>,
}

impl NewSession {
    pub fn check(&self) -> Result<()> {
        check_people(&self.candidate, &self.interviewer, &self.role)?;
        if let Some(kit) = &self.kit {
            field("kit", validate::name(kit))?;
        }
        if self.question_ids.is_empty() {
            return Err(Error::invalid("a session needs at least one question"));
        }
        field(
            "question_ids",
            validate::entry_count(self.question_ids.len()),
        )?;
        let mut seen = std::collections::BTreeSet::new();
        for q in &self.question_ids {
            if !seen.insert(q) {
                return Err(Error::invalid(format!("question {q:?} is listed twice")));
            }
        }
        Ok(())
    }
}

/// Filter for listing sessions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct SessionFilter {
    /// Words that must each begin a word of the candidate's name, the
    /// interviewer or the role (accents and case ignored).
    pub text: Option<String>,
    /// Candidate name (Unicode form, case and spacing ignored).
    pub candidate: Option<String>,
    /// Exact interviewer name (case-insensitive).
    #[ts(optional)]
    pub interviewer: Option<String>,
    /// Exact role (case-insensitive).
    #[ts(optional)]
    pub role: Option<String>,
    /// Only sessions with this status.
    #[ts(optional)]
    pub status: Option<Status>,
    /// Created at or after this instant.
    #[ts(optional)]
    pub from: Option<DateTime<Utc>>,
    /// Created before this instant.
    #[ts(optional)]
    pub to: Option<DateTime<Utc>>,
}

/// Where a page of the session list starts: just after this session in the
/// list's order (newest first: `created_at`, then `id`, both descending).
/// Paging by the sort key costs the same at any depth (keyset paging).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct SessionCursor {
    pub created_at: DateTime<Utc>,
    pub id: SessionId,
}

/// One page of the session list, newest first, and how many sessions match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SessionPage {
    pub rows: Vec<SessionSummary>,
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub limit: u64,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<SessionCursor>,
}

/// A session with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PanelSession {
    pub session: Session,
    /// True when it came from another interviewer's session file.
    pub imported: bool,
    /// Withheld by the sealing rule (`crate::seal`): everything judged or
    /// written has been blanked.
    pub sealed: bool,
}

/// The wrap-up fields, saved while the interview is open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WrapUp {
    pub summary: String,
    pub red_flags: Vec<String>,
    pub recommendation: Option<Recommendation>,
}

/// Looks up a competency's display name, falling back to its id.
pub fn competency_name(competencies: &[Competency], id: &str) -> String {
    competencies
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// Checks that an amendment has a reason.
pub fn check_reason(reason: &str) -> Result<&str> {
    let r = reason.trim();
    if r.is_empty() {
        Err(Error::invalid("an amendment needs a reason"))
    } else {
        field("reason", validate::text(r, validate::TEXT_CHARS))?;
        Ok(r)
    }
}

/// The id of a new audit event: a UUIDv7.
pub fn check_audit_id(id: AuditId) -> Result<()> {
    field("audit id", validate::id_v7(&id.0))
}

/// Checks an interviewer's note on one question.
pub fn check_notes(question_id: &str, notes: &str) -> Result<()> {
    field(
        &format!("notes of {question_id:?}"),
        validate::text(notes, validate::TEXT_CHARS),
    )
}

/// Checks time added to a question (the total is kept within
/// [`validate::SECONDS_SPENT`] by storage).
pub fn check_seconds(seconds: u64) -> Result<()> {
    field("seconds", validate::seconds_spent(seconds))
}

/// Checks a summary given at wrap-up or submission.
pub fn check_summary(summary: &str) -> Result<()> {
    field("summary", validate::text(summary, validate::TEXT_CHARS))
}

impl WrapUp {
    /// The wrap-up's limits: the summary, and the red flags (which are
    /// stored trimmed, blank ones dropped).
    pub fn check(&self) -> Result<()> {
        check_summary(&self.summary)?;
        field("red_flags", validate::list_len(self.red_flags.len()))?;
        for (i, f) in self.red_flags.iter().enumerate() {
            field(
                &format!("red_flags[{i}]"),
                validate::text(f, validate::TEXT_CHARS),
            )?;
        }
        Ok(())
    }
}
