//! Deciding what importing another interviewer's session file does.
//!
//! Pure functions: given the stored copy of a session (if any) and the one in
//! the file, [`plan`] says whether to add it, leave it, replace it (and what
//! changed), keep the newer stored copy, or refuse it. Storage carries the
//! plan out in one transaction; nothing here touches the database.

use std::collections::BTreeSet;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::SessionId;
use crate::session::{PanelSession, Recommendation, Session};
use crate::session_file::SessionFile;

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

/// Rules an imported session must meet beyond its hash.
pub fn check_importable(s: &Session) -> Result<()> {
    let what = |m: String| Error::invalid(format!("session file for {}: {m}", s.id));
    if s.candidate.name.trim().is_empty() {
        return Err(what("the candidate has no name".into()));
    }
    if s.interviewer.trim().is_empty() {
        return Err(what("the interviewer has no name".into()));
    }
    if s.entries.is_empty() {
        return Err(what("the session has no questions".into()));
    }
    let mut ids = BTreeSet::new();
    for (i, e) in s.entries.iter().enumerate() {
        let q = &e.question;
        if !ids.insert(q.id.as_str()) {
            return Err(what(format!(
                "entries[{i}]: question {:?} appears twice",
                q.id
            )));
        }
        if let Some(v) = e.score {
            q.rubric
                .check(&q.id, v)
                .map_err(|err| what(format!("entries[{i}]: {err}")))?;
        }
        if e.look_fors_hit
            .iter()
            .any(|j| *j as usize >= q.look_fors.len())
        {
            return Err(what(format!(
                "entries[{i}]: a ticked look-for is out of range"
            )));
        }
        if e.follow_ups_asked
            .iter()
            .any(|j| *j as usize >= q.follow_ups.len())
        {
            return Err(what(format!(
                "entries[{i}]: an asked follow-up is out of range"
            )));
        }
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
    Ok(Plan::Replace {
        changes: describe_changes(old, incoming),
        new_audit_from: old.audit.len(),
    })
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
mod tests {
    use chrono::{TimeZone, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::bank::builtin_bank;
    use crate::session::{AuditAction, AuditEvent, Candidate, Entry, Status};

    fn session(revision: u64) -> Session {
        let bank = builtin_bank().unwrap();
        let t = Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap();
        Session {
            id: SessionId::from(Uuid::from_u128(1)),
            candidate: Candidate {
                id: Uuid::from_u128(2).into(),
                name: "Ada Lovelace".into(),
            },
            interviewer: "Alan Turing".into(),
            role: String::new(),
            kit: None,
            status: Status::Submitted,
            created_at: t,
            started_at: Some(t),
            finished_at: Some(t),
            updated_at: t,
            revision,
            entries: bank.questions[..2]
                .iter()
                .map(|q| Entry::new(q.clone(), "Competency".into()))
                .collect(),
            summary: String::new(),
            red_flags: Vec::new(),
            recommendation: None,
            audit: Vec::new(),
        }
    }

    fn stored(s: &Session, imported: bool) -> PanelSession {
        PanelSession {
            session: s.clone(),
            imported,
        }
    }

    fn amendment(n: u128, reason: &str) -> AuditEvent {
        AuditEvent {
            id: Uuid::from_u128(n).into(),
            at: Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap(),
            actor: "Alan Turing".into(),
            action: AuditAction::AmendScore,
            question_id: Some("q".into()),
            old_value: Some("2".into()),
            new_value: Some("3".into()),
            reason: Some(reason.into()),
        }
    }

    #[test]
    fn a_new_session_is_added() {
        assert_eq!(plan(None, &session(3)).unwrap(), Plan::Add);
    }

    #[test]
    fn the_same_content_is_unchanged_even_if_linked_to_another_local_candidate() {
        let s = session(3);
        let mut local = s.clone();
        local.candidate.id = Uuid::from_u128(99).into();
        assert_eq!(
            plan(Some(&stored(&local, true)), &s).unwrap(),
            Plan::Unchanged
        );
    }

    #[test]
    fn a_newer_revision_replaces_and_says_what_changed() {
        let old = session(3);
        let mut new = session(5);
        new.entries[0].score = Some(3);
        new.entries[1].notes = "more".into();
        new.recommendation = Some(Recommendation::Yes);
        new.audit.push(amendment(7, "debrief"));
        let q0 = new.entries[0].question.id.clone();
        let q1 = new.entries[1].question.id.clone();
        assert_eq!(
            plan(Some(&stored(&old, true)), &new).unwrap(),
            Plan::Replace {
                changes: vec![
                    "recommendation none given → Yes".to_string(),
                    format!("{q0}: score unscored → 3"),
                    format!("{q1}: notes changed"),
                    "1 new audit event(s)".to_string(),
                ],
                new_audit_from: 0,
            }
        );
    }

    #[test]
    fn an_older_revision_keeps_the_stored_copy() {
        let mut old = session(5);
        old.summary = "newer".into();
        assert_eq!(
            plan(Some(&stored(&old, true)), &session(3)).unwrap(),
            Plan::KeepStored { stored_revision: 5 }
        );
    }

    #[test]
    fn diverged_copies_are_refused() {
        let mut old = session(5);
        old.summary = "one edit".into();
        let mut same_rev = session(5);
        same_rev.summary = "another edit".into();
        let err = plan(Some(&stored(&old, true)), &same_rev).unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(err.to_string().contains("diverged"), "{err}");

        let mut old = session(5);
        old.audit.push(amendment(7, "first"));
        let mut rewritten = session(9);
        rewritten.audit.push(amendment(8, "rewritten"));
        let err = plan(Some(&stored(&old, true)), &rewritten).unwrap_err();
        assert!(err.to_string().contains("diverged"), "{err}");
    }

    #[test]
    fn an_own_session_is_never_replaced_by_a_file() {
        let old = session(3);
        let mut new = session(4);
        new.summary = "edited elsewhere".into();
        let err = plan(Some(&stored(&old, false)), &new).unwrap_err();
        assert!(err.to_string().contains("own session"), "{err}");
    }
}
