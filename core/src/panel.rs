//! Panels: bringing several interviewers' sessions of one candidate together.
//!
//! Pure functions over sessions already loaded from storage: the question ×
//! interviewer matrix with spreads and disagreement flags, competency
//! averages, debrief changes, sealing, candidate comparison and the input to
//! calibration. Nothing here reads the database or the clock.

use std::collections::{BTreeMap, BTreeSet};

use crate::ids::SessionId;
use serde::Serialize;
use ts_rs::TS;

use crate::plan::PlanDebrief;
use crate::session::PanelSession;
use crate::session::{Recommendation, Scale, Session, Status};
use crate::stats::{self, RatingMatrix};

/// Rows whose scores differ by this many levels or more are flagged.
pub const DISAGREEMENT_LEVELS: f64 = 2.0;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PanelColumn {
    pub session_id: SessionId,
    pub interviewer: String,
    pub role: String,
    pub imported: bool,
    pub status: Status,
    /// None while sealed or when not given.
    pub recommendation: Option<Recommendation>,
    /// Scores, notes and recommendation are hidden until the local
    /// interviewer's own session is submitted.
    pub sealed: bool,
    pub summary: String,
    pub red_flags: Vec<String>,
}

/// A score changed after submission, in the debrief.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Debrief {
    #[ts(type = "number | null")]
    pub before: Option<i64>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Cell {
    #[ts(type = "number | null")]
    pub level: Option<i64>,
    pub label: Option<String>,
    pub skipped: bool,
    pub notes: String,
    pub debrief: Option<Debrief>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Spread {
    pub n: usize,
    pub mean: Option<f64>,
    /// Population standard deviation of the scores in the row; `None` with
    /// fewer than two scores (one score says nothing about agreement, and
    /// 0.00 would read as perfect agreement).
    pub sd: Option<f64>,
    /// Highest minus lowest score; `None` with fewer than two scores.
    pub spread: Option<f64>,
    /// Scores differ by at least two levels.
    pub flagged: bool,
}

impl Spread {
    fn of(values: &[f64]) -> Spread {
        let agreement = values.len() >= 2;
        let spread = stats::spread(values).filter(|_| agreement);
        Spread {
            n: values.len(),
            mean: stats::mean(values),
            sd: stats::sd(values).filter(|_| agreement),
            spread,
            flagged: spread.is_some_and(|s| s >= DISAGREEMENT_LEVELS),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct QuestionRow {
    pub question_id: String,
    pub prompt: String,
    pub competency: String,
    pub competency_name: String,
    /// One per column; None when that session did not include the question
    /// or is sealed.
    pub cells: Vec<Option<Cell>>,
    pub stats: Spread,
    /// Nobody (among visible sessions) scored it.
    pub uncovered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CompetencyRow {
    pub competency: String,
    pub name: String,
    /// Each column's average for this competency.
    pub averages: Vec<Option<f64>>,
    pub stats: Spread,
}

/// The overall score of each column and of the panel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OverallRow {
    /// Each column's overall score (`stats::overall`: the mean of the levels
    /// its session gave, every scored question once); None while sealed or
    /// without a score.
    pub averages: Vec<Option<f64>>,
    /// Across the columns' overall scores: the panel's overall score is
    /// `stats.mean` (each interviewer counting once), with the SD and
    /// spread between interviewers (`None` with fewer than two).
    pub stats: Spread,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Comparison {
    pub candidate: String,
    /// True while the local interviewer's own session is not submitted.
    pub sealed: bool,
    /// How many other interviewers' sessions have arrived but are hidden.
    pub sealed_sessions: usize,
    pub columns: Vec<PanelColumn>,
    pub questions: Vec<QuestionRow>,
    pub competencies: Vec<CompetencyRow>,
    /// The rubric scale of the compared questions (lowest..highest level).
    pub scale: Option<Scale>,
    /// Each interviewer's overall score and the panel's.
    pub overall: OverallRow,
    /// The candidate's interview plan, when they have one: set by the caller
    /// that read it (`compare` never does), left out of the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub plan: Option<PlanDebrief>,
}

/// Whether the others' sessions must stay hidden: some session of the
/// local interviewer (not imported) for this candidate is not submitted.
pub fn is_sealed(sessions: &[PanelSession]) -> bool {
    sessions
        .iter()
        .any(|p| !p.imported && p.session.status != Status::Submitted)
}

fn debrief(s: &Session, question_id: &str) -> Option<Debrief> {
    let amendments: Vec<_> = s
        .audit
        .iter()
        .filter(|a| {
            a.action == crate::session::AuditAction::AmendScore
                && a.question_id.as_deref() == Some(question_id)
        })
        .collect();
    let first = amendments.first()?;
    Some(Debrief {
        before: first.old_value.as_deref().and_then(|v| v.parse().ok()),
        reasons: amendments.iter().filter_map(|a| a.reason.clone()).collect(),
    })
}

/// Builds the comparison of one candidate's sessions. Sessions storage
/// sealed (`crate::seal`) stay hidden whatever `unseal` says; `unseal` only
/// lifts the hiding this function would add itself for sessions given
/// unsealed (tests and sessions built outside storage).
pub fn compare(candidate: &str, sessions: &[PanelSession], unseal: bool) -> Comparison {
    let sealed = sessions.iter().any(|p| p.sealed) || (!unseal && is_sealed(sessions));
    let hidden = |p: &PanelSession| p.sealed || (sealed && !unseal && p.imported);
    let columns: Vec<PanelColumn> = sessions
        .iter()
        .map(|p| {
            let h = hidden(p);
            PanelColumn {
                session_id: p.session.id,
                interviewer: p.session.interviewer.clone(),
                role: p.session.role.clone(),
                imported: p.imported,
                status: p.session.status,
                recommendation: if h { None } else { p.session.recommendation },
                sealed: h,
                summary: if h {
                    String::new()
                } else {
                    p.session.summary.clone()
                },
                red_flags: if h {
                    Vec::new()
                } else {
                    p.session.red_flags.clone()
                },
            }
        })
        .collect();

    // Questions in order of first appearance across sessions.
    let mut questions: Vec<QuestionRow> = Vec::new();
    for p in sessions {
        for e in &p.session.entries {
            if !questions.iter().any(|r| r.question_id == e.question.id) {
                questions.push(QuestionRow {
                    question_id: e.question.id.clone(),
                    prompt: e.question.prompt.clone(),
                    competency: e.question.competency.clone(),
                    competency_name: e.competency_name.clone(),
                    cells: Vec::new(),
                    stats: Spread::of(&[]),
                    uncovered: true,
                });
            }
        }
    }
    for row in &mut questions {
        row.cells = sessions
            .iter()
            .map(|p| {
                if hidden(p) {
                    return None;
                }
                let e = p.session.entry(&row.question_id)?;
                Some(Cell {
                    level: e.score,
                    label: e.level().map(|l| l.label.clone()),
                    skipped: e.skipped,
                    notes: e.notes.clone(),
                    debrief: debrief(&p.session, &row.question_id),
                })
            })
            .collect();
        let values: Vec<f64> = row
            .cells
            .iter()
            .flatten()
            .filter_map(|c| c.level)
            .map(|v| v as f64)
            .collect();
        row.uncovered = values.is_empty();
        row.stats = Spread::of(&values);
    }

    // Competencies in order of first appearance.
    let mut competencies: Vec<CompetencyRow> = Vec::new();
    for q in &questions {
        if !competencies.iter().any(|c| c.competency == q.competency) {
            competencies.push(CompetencyRow {
                competency: q.competency.clone(),
                name: q.competency_name.clone(),
                averages: Vec::new(),
                stats: Spread::of(&[]),
            });
        }
    }
    for c in &mut competencies {
        c.averages = (0..sessions.len())
            .map(|col| {
                let v: Vec<f64> = questions
                    .iter()
                    .filter(|q| q.competency == c.competency)
                    .filter_map(|q| q.cells[col].as_ref().and_then(|cell| cell.level))
                    .map(|v| v as f64)
                    .collect();
                stats::mean(&v)
            })
            .collect();
        let v: Vec<f64> = c.averages.iter().flatten().copied().collect();
        c.stats = Spread::of(&v);
    }

    let overall: Vec<Option<f64>> = (0..sessions.len())
        .map(|col| {
            stats::overall(
                questions
                    .iter()
                    .filter_map(|q| q.cells[col].as_ref().and_then(|cell| cell.level)),
            )
        })
        .collect();
    let overall = OverallRow {
        stats: Spread::of(&overall.iter().flatten().copied().collect::<Vec<_>>()),
        averages: overall,
    };

    Comparison {
        candidate: candidate.to_string(),
        sealed,
        sealed_sessions: sessions.iter().filter(|p| hidden(p)).count(),
        columns,
        questions,
        competencies,
        scale: Scale::of(
            sessions
                .iter()
                .flat_map(|p| p.session.entries.iter().map(|e| &e.question)),
        ),
        overall,
        plan: None,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CandidateRow {
    pub candidate: String,
    pub sessions: usize,
    /// Competency id → average of every visible score in that competency.
    pub competencies: BTreeMap<String, f64>,
    pub overall: Option<f64>,
    /// (interviewer, recommendation) per submitted session.
    pub recommendations: Vec<(String, Option<Recommendation>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CandidateComparison {
    pub kit: String,
    /// (competency id, name) in order of first appearance.
    pub competencies: Vec<(String, String)>,
    pub rows: Vec<CandidateRow>,
    /// Candidates left out because the local interviewer's session is not
    /// submitted yet.
    pub sealed_candidates: usize,
    /// The rubric scale of the kit's questions (lowest..highest level).
    pub scale: Option<Scale>,
}

/// How to order candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortBy {
    Overall,
    Name,
    Competency(String),
}

/// Candidates who sat the same kit, side by side: `sessions` are the kit's
/// (`Store::kit_sessions`, which includes those made under the kit's former
/// names), `kit` its name as shown. Only submitted sessions count; sealed
/// candidates' others' sessions are left out.
pub fn compare_candidates(
    kit: &str,
    sessions: &[PanelSession],
    sort: &SortBy,
) -> CandidateComparison {
    let mut by_candidate: BTreeMap<String, Vec<&PanelSession>> = BTreeMap::new();
    for p in sessions {
        by_candidate
            .entry(p.session.candidate.name.clone())
            .or_default()
            .push(p);
    }
    let mut competencies: Vec<(String, String)> = Vec::new();
    let mut rows = Vec::new();
    let mut sealed_candidates = 0;
    for (name, list) in by_candidate {
        let owned: Vec<PanelSession> = list.iter().map(|p| (*p).clone()).collect();
        let sealed = is_sealed(&owned);
        if sealed {
            sealed_candidates += 1;
        }
        let visible: Vec<&Session> = list
            .iter()
            .filter(|p| {
                p.session.status == Status::Submitted && !p.sealed && !(sealed && p.imported)
            })
            .map(|p| &p.session)
            .collect();
        if visible.is_empty() {
            continue;
        }
        let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
        let mut all = Vec::new();
        for s in &visible {
            for e in &s.entries {
                if !competencies
                    .iter()
                    .any(|(id, _)| *id == e.question.competency)
                {
                    competencies.push((e.question.competency.clone(), e.competency_name.clone()));
                }
                if let Some(v) = e.score {
                    let c = sums.entry(e.question.competency.clone()).or_default();
                    c.0 += v as f64;
                    c.1 += 1;
                    all.push(v as f64);
                }
            }
        }
        rows.push(CandidateRow {
            candidate: name,
            sessions: visible.len(),
            competencies: sums
                .into_iter()
                .map(|(k, (t, n))| (k, t / n as f64))
                .collect(),
            overall: stats::mean(&all),
            recommendations: visible
                .iter()
                .map(|s| (s.interviewer.clone(), s.recommendation))
                .collect(),
        });
    }
    let key = |r: &CandidateRow| -> f64 {
        match sort {
            SortBy::Overall => r.overall.unwrap_or(f64::NEG_INFINITY),
            SortBy::Competency(c) => r.competencies.get(c).copied().unwrap_or(f64::NEG_INFINITY),
            SortBy::Name => 0.0,
        }
    };
    rows.sort_by(|a, b| {
        key(b)
            .total_cmp(&key(a))
            .then_with(|| a.candidate.to_lowercase().cmp(&b.candidate.to_lowercase()))
    });
    CandidateComparison {
        kit: kit.to_string(),
        competencies,
        rows,
        sealed_candidates,
        scale: Scale::of(
            sessions
                .iter()
                .flat_map(|p| p.session.entries.iter().map(|e| &e.question)),
        ),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Calibration {
    pub kit: Option<String>,
    pub sessions: usize,
    pub units: usize,
    pub raters: Vec<String>,
    pub ratings: usize,
    pub alpha_interval: Option<f64>,
    pub alpha_ordinal: Option<f64>,
    /// Over the units rated by every interviewer of the set.
    pub icc: Option<stats::Icc>,
    pub complete_units: usize,
    pub leniency: Vec<stats::Leniency>,
}

/// One entry of a session, as calibration needs it: who rated which
/// candidate's question, and the score. Storage loads these in one query.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub session_id: SessionId,
    pub candidate: String,
    pub interviewer: String,
    pub kit: Option<String>,
    pub status: Status,
    pub imported: bool,
    pub question_id: String,
    pub score: Option<i64>,
}

/// The ratings of loaded sessions.
pub fn ratings_of(sessions: &[PanelSession]) -> Vec<Rating> {
    sessions
        .iter()
        .flat_map(|p| {
            let s = &p.session;
            s.entries.iter().map(move |e| Rating {
                session_id: s.id,
                candidate: s.candidate.name.clone(),
                interviewer: s.interviewer.clone(),
                kit: s.kit.clone(),
                status: s.status,
                imported: p.imported,
                question_id: e.question.id.clone(),
                score: e.score,
            })
        })
        .collect()
}

/// The rating matrix of submitted sessions: units are (candidate, question),
/// raters are interviewers, values are scores. Sealed candidates' others'
/// sessions are left out (the rule of [`is_sealed`], over ratings).
pub fn rating_matrix(ratings: &[Rating], kit: Option<&str>) -> (RatingMatrix, usize) {
    let sealed: BTreeSet<&str> = ratings
        .iter()
        .filter(|r| !r.imported && r.status != Status::Submitted)
        .map(|r| r.candidate.as_str())
        .collect();
    let mut triples = Vec::new();
    let mut used = BTreeSet::new();
    for r in ratings {
        if r.status != Status::Submitted || kit.is_some_and(|k| r.kit.as_deref() != Some(k)) {
            continue;
        }
        if r.imported && sealed.contains(r.candidate.as_str()) {
            continue;
        }
        used.insert(r.session_id);
        if let Some(v) = r.score {
            triples.push((
                format!("{} / {}", r.candidate, r.question_id),
                r.interviewer.clone(),
                v as f64,
            ));
        }
    }
    (RatingMatrix::from_triples(triples), used.len())
}

/// Reliability and leniency across every submitted session (or one kit's).
pub fn calibration(sessions: &[PanelSession], kit: Option<&str>) -> Calibration {
    calibration_of(&ratings_of(sessions), kit)
}

/// [`calibration`] over ratings loaded without their sessions.
pub fn calibration_of(ratings: &[Rating], kit: Option<&str>) -> Calibration {
    let (m, used) = rating_matrix(ratings, kit);
    let icc = stats::icc(&m);
    let complete_units = m
        .values
        .iter()
        .filter(|row| row.iter().all(Option::is_some))
        .count();
    Calibration {
        kit: kit.map(str::to_string),
        sessions: used,
        units: m.units.len(),
        raters: m.raters.clone(),
        ratings: m.values.iter().flatten().flatten().count(),
        alpha_interval: stats::krippendorff_alpha(&m, stats::Metric::Interval),
        alpha_ordinal: stats::krippendorff_alpha(&m, stats::Metric::Ordinal),
        icc,
        complete_units,
        leniency: stats::leniency(&m),
    }
}
