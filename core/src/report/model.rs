//! The hiring-committee report's data: what `crate::committee::build` makes
//! and every format renders (the view model in [`super::view`], CSV and JSON
//! in `crate::committee`). Here, below both, so the report layer never
//! depends on the committee module that uses it.

use serde::Serialize;
use ts_rs::TS;

use crate::panel::Comparison;
use crate::redact::Replacement;
use crate::session::PanelSession;

/// One debrief change, for the report's list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DebriefChange {
    pub interviewer: String,
    pub question_id: String,
    pub prompt: String,
    #[ts(type = "number | null")]
    pub before: Option<i64>,
    #[ts(type = "number | null")]
    pub after: Option<i64>,
    pub reason: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CommitteeReport {
    pub candidate: String,
    pub redacted: bool,
    /// What redaction replaced, for the person exporting: never part of the
    /// packet (it names the people the packet hides).
    #[serde(skip)]
    #[ts(skip)]
    pub replaced: Vec<Replacement>,
    pub comparison: Comparison,
    pub debrief: Vec<DebriefChange>,
    /// The scale the chart is drawn on, from the sessions' rubric snapshots.
    /// Not part of the JSON report (each cell already names its level).
    #[serde(skip)]
    #[ts(skip)]
    pub scale: ScoreScale,
    /// The sessions' rubrics span different ranges (the overall score's line
    /// says their levels are not rescaled).
    #[serde(skip)]
    #[ts(skip)]
    pub mixed_scales: bool,
}

/// The lowest and highest level of a set of rubrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoreScale {
    pub min: i64,
    pub max: i64,
}

/// Whether the rubric snapshots of these sessions span different ranges
/// (their lowest and highest levels differ).
pub fn mixed_scales(sessions: &[PanelSession]) -> bool {
    let mut spans = sessions
        .iter()
        .flat_map(|p| &p.session.entries)
        .filter_map(|e| {
            let v = e.question.rubric.levels.iter().map(|l| l.value);
            Some((v.clone().min()?, v.max()?))
        });
    let first = spans.next();
    spans.any(|s| Some(s) != first)
}

impl ScoreScale {
    /// The span of every rubric snapshot in the sessions (all of them, sealed
    /// or not: a rubric tells nothing about anyone's scores). Sessions with no
    /// questions at all fall back to the bank's default scale.
    pub fn of(sessions: &[PanelSession]) -> ScoreScale {
        let levels = sessions
            .iter()
            .flat_map(|p| &p.session.entries)
            .flat_map(|e| &e.question.rubric.levels)
            .map(|l| l.value);
        let (min, max) = levels
            .fold(None, |acc: Option<(i64, i64)>, v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            })
            .filter(|(lo, hi)| lo < hi)
            .unwrap_or_else(|| {
                let d = crate::bank::default_scale();
                (d[0].value, d[d.len() - 1].value)
            });
        ScoreScale { min, max }
    }
}
