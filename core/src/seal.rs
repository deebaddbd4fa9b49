//! Sealed scoring: the one rule every read path applies.
//!
//! While the local interviewer has a session of a candidate that is not
//! submitted, every other interviewer's (imported) session of that candidate
//! — or of a candidate whose name looks or reads like it (`text::look_keys`,
//! erring on the safe side) — is sealed: its scores, skips, ticks, follow-ups, notes, time, summary, red
//! flags, recommendation and audit log are withheld. What stays visible is
//! who interviewed, for which role and kit, when, the status and the
//! questions asked (their snapshots).
//!
//! Storage applies [`Seal::apply`] to every session it hands out and leaves
//! sealed rows out of calibration, so the CLI, the app's IPC commands and the
//! reports all see the same thing. Sealed means silent everywhere else too:
//! a row of the session list keeps only who, when and that it is sealed
//! ([`blank_summary`]), and an import or sync report says only "added
//! (sealed)" or "updated (sealed)" ([`Seal::apply_to_import`]), never what
//! changed.
//! On a shared machine this hides data in the app and the CLI; the data is
//! still in the database file. Sealing where the data is not on the machine
//! at all before you submit comes with the team server.

use std::collections::BTreeSet;

use crate::ids::CandidateId;
use crate::import::{ImportOutcome, ImportResult};
use crate::session::{PanelSession, Session, SessionSummary};

/// The candidates whose colleagues' sessions are sealed right now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seal {
    candidates: BTreeSet<CandidateId>,
}

impl Seal {
    /// `open_own`: the candidates of the local interviewer's sessions that
    /// are not submitted.
    pub fn new(open_own: impl IntoIterator<Item = CandidateId>) -> Seal {
        Seal {
            candidates: open_own.into_iter().collect(),
        }
    }

    /// Whether a session with this origin and candidate is sealed.
    pub fn hides(&self, imported: bool, candidate: CandidateId) -> bool {
        imported && self.candidates.contains(&candidate)
    }

    /// Marks and blanks `p` if it is sealed.
    pub fn apply(&self, p: &mut PanelSession) {
        if self.hides(p.imported, p.session.candidate.id) {
            p.sealed = true;
            blank(&mut p.session);
        }
    }

    /// Marks an import's report about a colleague's session filed under
    /// `candidate` as sealed and drops what changed from it.
    pub fn apply_to_import(&self, candidate: CandidateId, r: &mut ImportResult) {
        if self.hides(true, candidate) {
            r.sealed = true;
            if let ImportOutcome::Replaced { changes } = &mut r.outcome {
                changes.clear();
            }
        }
    }

    /// Whether any candidate is sealed.
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }
}

/// Withholds everything a colleague judged or wrote.
pub fn blank(s: &mut Session) {
    for e in &mut s.entries {
        e.score = None;
        e.skipped = false;
        e.look_fors_hit.clear();
        e.follow_ups_asked.clear();
        e.notes.clear();
        e.seconds_spent = 0;
    }
    s.summary.clear();
    s.red_flags.clear();
    s.recommendation = None;
    s.audit.clear();
}

/// Withholds from a session-list row everything but who (candidate and
/// interviewer), when (created) and that it is sealed: no status, counts,
/// role, kit, times or recommendation.
pub fn blank_summary(row: &mut SessionSummary) {
    row.sealed = true;
    row.role.clear();
    row.kit = None;
    row.status = None;
    row.started_at = None;
    row.finished_at = None;
    row.questions = None;
    row.scored = None;
    row.recommendation = None;
}
