//! Unit tests of the import checks and the import planner.

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
        sealed: false,
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
    // Before submission, the owner may change answers and the wrap-up.
    let in_progress = |r| Session {
        status: Status::InProgress,
        finished_at: None,
        ..session(r)
    };
    let old = in_progress(3);
    let mut new = in_progress(5);
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
