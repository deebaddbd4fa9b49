//! Deciding what importing another interviewer's session file does.
//!
//! Pure functions: given the stored copy of a session (if any) and the one in
//! the file, [`plan`] says whether to add it, leave it, replace it (and what
//! changed), keep the newer stored copy, or refuse it. Storage carries the
//! plan out in one transaction; nothing here touches the database.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::{CandidateId, SessionId};
use crate::session::{AuditAction, PanelSession, Recommendation, Session, Status};
use crate::session_file::SessionFile;
use crate::validate;

mod refusal;
pub use refusal::{KeyChange, Refusal, Stage, CLASH_MARK};

/// What importing one session file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A session this database did not have.
    Added,
    /// The same session with the same content: nothing to do.
    Unchanged,
    /// A newer revision replaced the stored one; what changed.
    Replaced { changes: Vec<String> },
    /// The file is an older revision than the stored one, which is kept.
    KeptNewer {
        #[ts(type = "number")]
        stored_revision: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportResult {
    pub session_id: SessionId,
    pub candidate: String,
    pub interviewer: String,
    pub outcome: ImportOutcome,
    /// How the file's candidate was matched to a local one, when that was
    /// not simply the same id and name.
    pub candidate_note: Option<String>,
    /// Fingerprint of the key that signed the file; None for an unsigned
    /// (version 1) file.
    pub signed_by: Option<String>,
    /// What happened to the signer's key: pinned on first sight, or replaced
    /// by the user's choice.
    pub key_note: Option<String>,
    /// A colleague's session sealed here (`crate::seal`): the report names
    /// no change.
    pub sealed: bool,
}

impl ImportResult {
    /// What the import did, in words, for every door (CLI, sync, app):
    /// "added", "updated: …", and for a sealed session only "added (sealed)"
    /// or "updated (sealed)".
    pub fn what(&self) -> String {
        match (&self.outcome, self.sealed) {
            (ImportOutcome::Added, false) => "added".into(),
            (ImportOutcome::Added, true) => "added (sealed)".into(),
            (ImportOutcome::Replaced { .. }, true) => "updated (sealed)".into(),
            (ImportOutcome::Replaced { changes }, false) if changes.is_empty() => "updated".into(),
            (ImportOutcome::Replaced { changes }, false) => {
                format!("updated: {}", changes.join("; "))
            }
            (ImportOutcome::Unchanged, _) => "unchanged (already imported)".into(),
            (ImportOutcome::KeptNewer { stored_revision }, _) => {
                format!("older than the stored revision {stored_revision}; kept the stored one")
            }
        }
    }
}

/// What to do when a file's candidate id belongs to a local candidate with a
/// different name. Never decided silently: without a choice the import is
/// refused with both names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CandidateClash {
    /// Refuse and ask the user.
    #[default]
    Ask,
    /// The id wins: file the session under the local candidate with that id.
    Merge,
    /// Different people: file it under a separate candidate.
    KeepApart,
}

/// Choices for one import.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    pub clash: CandidateClash,
    /// The id of a candidate created to keep a clashing one apart.
    pub new_candidate_id: CandidateId,
    /// Accept a signer's new key in place of the pinned one (a colleague's
    /// new installation, confirmed with them).
    pub accept_new_key: bool,
}

/// What storage must do for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Add,
    Unchanged,
    /// Replace the stored copy; the audit events from `new_audit_from` on are
    /// new (the earlier ones are the stored log, unchanged).
    Replace {
        changes: Vec<String>,
        new_audit_from: usize,
    },
    KeepStored {
        stored_revision: u64,
    },
}

impl Plan {
    pub fn outcome(&self) -> ImportOutcome {
        match self {
            Plan::Add => ImportOutcome::Added,
            Plan::Unchanged => ImportOutcome::Unchanged,
            Plan::Replace { changes, .. } => ImportOutcome::Replaced {
                changes: changes.clone(),
            },
            Plan::KeepStored { stored_revision } => ImportOutcome::KeptNewer {
                stored_revision: *stored_revision,
            },
        }
    }
}

/// Files of one import that hold the same session must hold the same content.
pub fn check_batch(files: &[SessionFile]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for f in files {
        if !seen.insert(f.session.id)
            && files
                .iter()
                .filter(|g| g.session.id == f.session.id)
                .any(|g| g.content_hash != f.content_hash)
        {
            return Err(Error::Conflict(format!(
                "two of the files hold different versions of session {}; import them one at a time",
                f.session.id
            )));
        }
    }
    Ok(())
}

/// Limits on what an imported session may hold: the ranges of
/// [`crate::validate`], which every other door uses too, so a session made
/// here always imports elsewhere.
pub mod limits {
    pub use crate::validate::{
        AUDIT_EVENTS, ENTRIES, FIRST_YEAR, LAST_YEAR, LEVELS_MAX as LEVELS, LIST_ITEMS,
        MINUTES_MAX as MINUTES, NAME_CHARS, REVISION, SECONDS_SPENT, TEXT_CHARS,
    };
}

/// The error for one field of an imported session.
struct At<'a>(&'a Session);

impl At<'_> {
    fn err(&self, path: &str, m: impl std::fmt::Display) -> Error {
        Error::invalid(format!("session file for {} at {path}: {m}", self.0.id))
    }

    /// A check from [`crate::validate`] at `path`.
    fn check(&self, path: &str, c: validate::Check) -> Result<()> {
        c.map_err(|m| self.err(path, m))
    }
}

/// Rules an imported session must meet beyond its hash: every invariant a
/// session made here satisfies, with the ranges of [`crate::validate`]. The
/// error names the field path.
pub fn check_importable(s: &Session) -> Result<()> {
    let at = At(s);
    check_people(&at, s)?;
    check_times(&at, s)?;
    check_status(&at, s)?;
    check_entries(&at, s)?;
    check_audit(&at, s)
}

/// Ids, names, revision and the wrap-up.
fn check_people(at: &At, s: &Session) -> Result<()> {
    at.check("id", validate::id_v7(&s.id.0))?;
    at.check("candidate.id", validate::id_v7(&s.candidate.id.0))?;
    at.check("candidate.name", validate::person_name(&s.candidate.name))?;
    at.check("interviewer", validate::person_name(&s.interviewer))?;
    at.check("role", validate::line(&s.role, validate::NAME_CHARS))?;
    if let Some(k) = &s.kit {
        at.check("kit", validate::name(k))?;
    }
    at.check("revision", validate::revision(s.revision))?;
    at.check("summary", validate::text(&s.summary, validate::TEXT_CHARS))?;
    at.check("red_flags", validate::list_len(s.red_flags.len()))?;
    for (i, f) in s.red_flags.iter().enumerate() {
        let path = format!("red_flags[{i}]");
        // Written trimmed, blank ones dropped.
        at.check(&path, validate::required_text(f, validate::TEXT_CHARS))?;
        if f.trim() != f {
            return Err(at.err(&path, "red flags are written trimmed"));
        }
    }
    Ok(())
}

/// Each stamp sane, and in the order a session lives.
fn check_times(at: &At, s: &Session) -> Result<()> {
    at.check("created_at", validate::timestamp(&s.created_at))?;
    at.check("updated_at", validate::timestamp(&s.updated_at))?;
    if let Some(t) = &s.started_at {
        at.check("started_at", validate::timestamp(t))?;
        if *t < s.created_at {
            return Err(at.err("started_at", "is before created_at"));
        }
    }
    if let Some(t) = &s.finished_at {
        at.check("finished_at", validate::timestamp(t))?;
        match s.started_at {
            Some(st) if *t >= st => {}
            Some(_) => return Err(at.err("finished_at", "is before started_at")),
            None => return Err(at.err("finished_at", "is set but started_at is not")),
        }
    }
    let latest = [Some(s.created_at), s.started_at, s.finished_at]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(s.created_at);
    if s.updated_at < latest {
        return Err(at.err("updated_at", "is before the session's other times"));
    }
    Ok(())
}

/// Status and what it implies.
fn check_status(at: &At, s: &Session) -> Result<()> {
    match s.status {
        Status::Draft => {
            if s.started_at.is_some() || s.finished_at.is_some() {
                return Err(at.err("status", "a draft has no start or finish time"));
            }
        }
        Status::InProgress => {
            if s.started_at.is_none() {
                return Err(at.err("started_at", "an interview in progress has a start time"));
            }
            if s.finished_at.is_some() {
                return Err(at.err("finished_at", "an interview in progress has no finish time"));
            }
        }
        Status::Submitted => {
            if s.finished_at.is_none() {
                return Err(at.err("finished_at", "a submitted session has a finish time"));
            }
            if s.recommendation.is_none() {
                return Err(at.err("recommendation", "a submitted session has a recommendation"));
            }
        }
    }
    Ok(())
}

/// Questions: a valid snapshot each, and answers that fit it.
fn check_entries(at: &At, s: &Session) -> Result<()> {
    if s.entries.is_empty() {
        return Err(at.err("entries", "the session has no questions"));
    }
    at.check("entries", validate::entry_count(s.entries.len()))?;
    let mut ids = BTreeSet::new();
    for (i, e) in s.entries.iter().enumerate() {
        let path = |f: &str| format!("entries[{i}].{f}");
        check_snapshot(at, &path("question"), &e.question)?;
        if !ids.insert(e.question.id.as_str()) {
            return Err(at.err(
                &path("question.id"),
                format!("question {:?} appears twice", e.question.id),
            ));
        }
        check_answer(at, &path, e)?;
    }
    Ok(())
}

/// A question snapshot: the bank file's rules for a question (as
/// `bank::check_snapshot` states them), at `path`.
fn check_snapshot(at: &At, path: &str, q: &crate::bank::Question) -> Result<()> {
    crate::bank::check_snapshot(q).map_err(|(field, m)| at.err(&format!("{path}.{field}"), m))
}

/// What the interviewer recorded for one question.
fn check_answer(at: &At, path: &dyn Fn(&str) -> String, e: &crate::session::Entry) -> Result<()> {
    at.check(&path("competency_name"), validate::name(&e.competency_name))?;
    let q = &e.question;
    if let Some(v) = e.score {
        q.rubric
            .check(&q.id, v)
            .map_err(|err| at.err(&path("score"), err))?;
        if e.skipped {
            return Err(at.err(
                &path("skipped"),
                "a question cannot be both scored and skipped",
            ));
        }
    }
    for (field, hits, len) in [
        ("look_fors_hit", &e.look_fors_hit, q.look_fors.len()),
        ("follow_ups_asked", &e.follow_ups_asked, q.follow_ups.len()),
    ] {
        validate::ascending_indices(hits, len)
            .map_err(|(j, m)| at.err(&path(&format!("{field}[{j}]")), m))?;
    }
    at.check(
        &path("notes"),
        validate::text(&e.notes, validate::TEXT_CHARS),
    )?;
    at.check(
        &path("seconds_spent"),
        validate::seconds_spent(e.seconds_spent),
    )
}

/// The audit log: a submission when submitted, amendments after it.
fn check_audit(at: &At, s: &Session) -> Result<()> {
    if s.audit.len() > validate::AUDIT_EVENTS {
        return Err(at.err(
            "audit",
            format!("more than {} events", validate::AUDIT_EVENTS),
        ));
    }
    let mut audit_ids = BTreeSet::new();
    let mut submitted = false;
    for (i, a) in s.audit.iter().enumerate() {
        let path = |f: &str| format!("audit[{i}].{f}");
        at.check(&path("id"), validate::id_v7(&a.id.0))?;
        if !audit_ids.insert(a.id) {
            return Err(at.err(&path("id"), "appears twice"));
        }
        at.check(&path("at"), validate::timestamp(&a.at))?;
        if a.at < s.created_at || a.at > s.updated_at {
            return Err(at.err(&path("at"), "is outside the session's lifetime"));
        }
        if a.actor != s.interviewer {
            return Err(at.err(
                &path("actor"),
                format!("{:?} is not the session's interviewer", a.actor),
            ));
        }
        for (f, v) in [
            ("old_value", &a.old_value),
            ("new_value", &a.new_value),
            ("reason", &a.reason),
            ("question_id", &a.question_id),
        ] {
            if let Some(v) = v {
                at.check(&path(f), validate::text(v, validate::TEXT_CHARS))?;
            }
        }
        match a.action {
            AuditAction::Submit => {
                if submitted {
                    return Err(at.err(&path("action"), "a session is submitted once"));
                }
                submitted = true;
                // The submission records the session's recommendation (it
                // cannot change after submission).
                let rec = a.new_value.as_deref().map(Recommendation::parse);
                match rec {
                    Some(Ok(r)) if Some(r) == s.recommendation => {}
                    _ => {
                        return Err(at.err(
                            &path("new_value"),
                            "a submission records the session's recommendation",
                        ))
                    }
                }
            }
            AuditAction::AmendScore => check_amendment(at, &path, s, a, submitted)?,
        }
    }
    if submitted != (s.status == Status::Submitted) {
        return Err(at.err(
            "audit",
            "a submitted session, and only a submitted one, records its submission",
        ));
    }
    Ok(())
}

/// One score amendment, after the submission, with a reason and a level on
/// the question's scale.
fn check_amendment(
    at: &At,
    path: &dyn Fn(&str) -> String,
    s: &Session,
    a: &crate::session::AuditEvent,
    submitted: bool,
) -> Result<()> {
    if !submitted {
        return Err(at.err(&path("action"), "an amendment comes after the submission"));
    }
    let Some(e) = a.question_id.as_deref().and_then(|q| s.entry(q)) else {
        return Err(at.err(&path("question_id"), "is not a question of this session"));
    };
    if a.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(at.err(&path("reason"), "an amendment needs a reason"));
    }
    let level = a.new_value.as_deref().and_then(|v| v.parse::<i64>().ok());
    if level.is_none_or(|v| e.question.rubric.level(v).is_none()) {
        return Err(at.err(&path("new_value"), "is not a level on the question's scale"));
    }
    Ok(())
}

/// Decides what importing `incoming` does, given the stored copy of the same
/// session id, if there is one.
pub fn plan(stored: Option<&PanelSession>, incoming: &Session) -> Result<Plan> {
    let Some(stored) = stored else {
        return Ok(Plan::Add);
    };
    let old = &stored.session;
    // The candidate may be linked to a local record of the same name; that
    // link is not part of the session's content.
    let same_candidate = Session {
        candidate: old.candidate.clone(),
        ..incoming.clone()
    };
    if *old == same_candidate {
        return Ok(Plan::Unchanged);
    }
    if !stored.imported {
        return Err(Error::Conflict(format!(
            "session {} is {}'s own session on this machine and differs from the file; it cannot be replaced by an import",
            incoming.id, old.interviewer
        )));
    }
    if incoming.revision < old.revision {
        return Ok(Plan::KeepStored {
            stored_revision: old.revision,
        });
    }
    let audit_prefix = old.audit.len() <= incoming.audit.len()
        && old.audit.iter().zip(&incoming.audit).all(|(a, b)| a == b);
    if incoming.revision == old.revision || !audit_prefix {
        return Err(Error::Conflict(format!(
            "session {} ({} on {}) has diverged: the stored copy (revision {}) and the file (revision {}) hold different edits; ask {} for a fresh export",
            incoming.id,
            incoming.interviewer,
            incoming.candidate.name,
            old.revision,
            incoming.revision,
            incoming.interviewer
        )));
    }
    // The stored copy's candidate is the local record it was filed under
    // (matched by name or chosen by the user), not the file's.
    let not_allowed = owner_could_not(
        &Session {
            candidate: incoming.candidate.clone(),
            ..old.clone()
        },
        incoming,
    );
    if !not_allowed.is_empty() {
        return Err(Error::Conflict(format!(
            "session {} ({} on {}) has diverged: revision {} makes changes its interviewer cannot make here ({}); ask {} for a fresh export",
            incoming.id,
            incoming.interviewer,
            incoming.candidate.name,
            incoming.revision,
            not_allowed.join("; "),
            incoming.interviewer
        )));
    }
    Ok(Plan::Replace {
        changes: describe_changes(old, incoming),
        new_audit_from: old.audit.len(),
    })
}

/// What a newer revision changes that its owner could not have changed with
/// Panelist: before submission, anything about the answers but not who, whom
/// or which questions; after it, only scores, each by an amendment with a
/// reason.
pub fn owner_could_not(old: &Session, new: &Session) -> Vec<String> {
    let mut out = Vec::new();
    if crate::text::name_key(&old.candidate.name) != crate::text::name_key(&new.candidate.name)
        || old.candidate.id != new.candidate.id
    {
        out.push("the candidate changed".into());
    }
    if old.interviewer != new.interviewer {
        out.push(format!(
            "the interviewer changed from {:?} to {:?}",
            old.interviewer, new.interviewer
        ));
    }
    if old.created_at != new.created_at {
        out.push("the creation time changed".into());
    }
    if old.kit != new.kit {
        out.push("the kit changed".into());
    }
    let questions = |s: &Session| -> Vec<crate::bank::Question> {
        s.entries.iter().map(|e| e.question.clone()).collect()
    };
    if questions(old) != questions(new) {
        out.push("the questions or their rubrics changed".into());
    }
    let rank = |st: Status| match st {
        Status::Draft => 0,
        Status::InProgress => 1,
        Status::Submitted => 2,
    };
    if rank(new.status) < rank(old.status) {
        out.push(format!(
            "the status went back from {} to {}",
            old.status.as_str(),
            new.status.as_str()
        ));
    }
    if old.started_at.is_some() && old.started_at != new.started_at {
        out.push("the start time changed".into());
    }
    if old.status != Status::Submitted {
        return out;
    }
    // Submitted: only amendments.
    if old.finished_at != new.finished_at {
        out.push("the finish time of a submitted session changed".into());
    }
    if old.recommendation != new.recommendation {
        out.push("the recommendation of a submitted session changed".into());
    }
    if old.summary != new.summary || old.red_flags != new.red_flags {
        out.push("the summary or red flags of a submitted session changed".into());
    }
    if old.role != new.role {
        out.push("the role of a submitted session changed".into());
    }
    let amended: Vec<&crate::session::AuditEvent> = new
        .audit
        .iter()
        .skip(old.audit.len())
        .filter(|a| a.action == AuditAction::AmendScore)
        .collect();
    if new.audit.len() > old.audit.len()
        && new.audit[old.audit.len()..]
            .iter()
            .any(|a| a.action != AuditAction::AmendScore)
    {
        out.push("a submitted session was submitted again".into());
    }
    for (o, n) in old.entries.iter().zip(&new.entries) {
        let q = &n.question.id;
        if (
            o.skipped,
            &o.look_fors_hit,
            &o.follow_ups_asked,
            &o.notes,
            o.seconds_spent,
        ) != (
            n.skipped,
            &n.look_fors_hit,
            &n.follow_ups_asked,
            &n.notes,
            n.seconds_spent,
        ) {
            out.push(format!(
                "{q}: notes, ticks or time changed after submission"
            ));
        }
        if o.score != n.score {
            let last = amended
                .iter()
                .rev()
                .find(|a| a.question_id.as_deref() == Some(q.as_str()));
            let explained = last.is_some_and(|a| {
                a.new_value.as_deref() == n.score.map(|v| v.to_string()).as_deref()
            });
            if !explained {
                out.push(format!(
                    "{q}: the score changed after submission without an amendment"
                ));
            }
        }
    }
    out
}

/// Human-readable differences between two revisions of one session.
pub fn describe_changes(old: &Session, new: &Session) -> Vec<String> {
    let mut out = Vec::new();
    if old.status != new.status {
        out.push(format!(
            "status {} → {}",
            old.status.as_str(),
            new.status.as_str()
        ));
    }
    if old.recommendation != new.recommendation {
        let r = |r: Option<Recommendation>| r.map(|r| r.label()).unwrap_or("none given");
        out.push(format!(
            "recommendation {} → {}",
            r(old.recommendation),
            r(new.recommendation)
        ));
    }
    if old.summary != new.summary {
        out.push("summary changed".into());
    }
    if old.red_flags != new.red_flags {
        out.push("red flags changed".into());
    }
    for e in &new.entries {
        let q = &e.question.id;
        let before = old.entry(q);
        let score = |x: Option<i64>| {
            x.map(|v| v.to_string())
                .unwrap_or_else(|| "unscored".into())
        };
        match before {
            None => out.push(format!("{q}: question added")),
            Some(b) => {
                if b.score != e.score {
                    out.push(format!(
                        "{q}: score {} → {}",
                        score(b.score),
                        score(e.score)
                    ));
                }
                if b.notes != e.notes {
                    out.push(format!("{q}: notes changed"));
                }
                if b.look_fors_hit != e.look_fors_hit || b.follow_ups_asked != e.follow_ups_asked {
                    out.push(format!("{q}: look-fors or follow-ups changed"));
                }
            }
        }
    }
    let added = new.audit.len().saturating_sub(old.audit.len());
    if added > 0 {
        out.push(format!("{added} new audit event(s)"));
    }
    if out.is_empty() {
        out.push(format!("revision {} → {}", old.revision, new.revision));
    }
    out
}

#[cfg(test)]
mod tests;
