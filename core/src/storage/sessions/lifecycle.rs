//! The end of an interview: the wrap-up (summary, red flags,
//! recommendation), submission, which locks the session, and amendments of
//! a submitted session's scores with a reason in the audit log.

use super::*;

impl Store {
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
}
