//! The reports' view models. The hiring-committee report is one struct tree,
//! built once from a [`CommitteeReport`], that both the Markdown and the HTML
//! templates (`core/templates/committee.md`, `core/templates/committee.html`)
//! read. A session's summary, the candidate comparison and the calibration
//! figures are built the same way for their Markdown templates.
//! Every word the two formats share comes from [`WORDS`]; the templates only
//! add each format's markup.
//!
//! Templates are rendered with Askama, chosen because its templates are
//! compiled with the crate: a misspelt field or a missing variable is a
//! build error, not a broken report at run time, and rendering needs no
//! template files at run time. Every value is escaped for its format by the
//! escapers in [`super::escape`] (selected by file extension in
//! `core/templates/askama.toml`); only the report's own style sheet is
//! inserted unescaped.

use askama::Template;

use super::model::{CommitteeReport, ScoreScale};
use crate::panel::{
    Calibration, CandidateComparison, Cell, Comparison, PanelColumn, DISAGREEMENT_LEVELS,
};
use crate::session::{AuditAction, Session};

/// The wording the Markdown and HTML reports share.
pub struct Words {
    pub title: &'static str,
    pub recommendations: &'static str,
    pub interviewer: &'static str,
    pub role: &'static str,
    pub status: &'static str,
    pub recommendation: &'static str,
    pub competencies: &'static str,
    pub competency: &'static str,
    pub question_matrix: &'static str,
    pub question: &'static str,
    pub mean: &'static str,
    pub sd: &'static str,
    pub spread: &'static str,
    pub flag: &'static str,
    pub sealed: &'static str,
    pub debrief: &'static str,
    pub no_debrief: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub reason: &'static str,
    pub scorecards: &'static str,
    pub imported: &'static str,
    pub card_sealed: &'static str,
    pub red_flag: &'static str,
    pub not_covered_by_anyone: &'static str,
    pub chart_label: &'static str,
    pub overall: &'static str,
    pub plan: &'static str,
    pub round: &'static str,
    pub kit: &'static str,
    pub focus: &'static str,
    pub when: &'static str,
    pub due: &'static str,
    pub state: &'static str,
    pub coverage: &'static str,
    pub gap: &'static str,
}

pub const WORDS: Words = Words {
    title: "Hiring committee report",
    recommendations: "Recommendations",
    interviewer: "Interviewer",
    role: "Role",
    status: "Status",
    recommendation: "Recommendation",
    competencies: "Competencies",
    competency: "Competency",
    question_matrix: "Question matrix",
    question: "Question",
    mean: "Mean",
    sd: "SD",
    spread: "Spread",
    flag: "Flag",
    sealed: "Sealed",
    debrief: "Debrief changes",
    no_debrief: "No scores were changed after submission.",
    before: "Before",
    after: "After",
    reason: "Reason",
    scorecards: "Scorecards and evidence",
    imported: "(imported)",
    card_sealed: "Sealed until the local interviewer submits.",
    red_flag: "Red flag",
    not_covered_by_anyone: "Not covered by anyone",
    chart_label: "Average score per competency and interviewer",
    overall: "Overall",
    plan: "Interview plan",
    round: "Round",
    kit: "Kit",
    focus: "Focus",
    when: "When",
    due: "Feedback due",
    state: "State",
    coverage: "Coverage",
    gap: "Gap or overlap",
};

const DISAGREE: &str = "⚑ disagree";
const NOT_COVERED: &str = "not covered";
const NOT_GIVEN: &str = "not given";
const SEALED_VALUE: &str = "sealed";
const UNSCORED: &str = "unscored";

pub struct ColumnView {
    pub interviewer: String,
    pub role: String,
    pub imported: bool,
    pub status: &'static str,
    /// The recommendation, or "sealed" / "not given".
    pub recommendation: &'static str,
}

/// One row of the competency table or the question matrix.
pub struct RowView {
    /// The competency's name or the question's prompt.
    pub label: String,
    /// One cell per column, as shown.
    pub values: Vec<String>,
    pub mean: String,
    pub sd: String,
    pub spread: String,
    /// Scores differ by [`DISAGREEMENT_LEVELS`] or more.
    pub flagged: bool,
    /// The flag column's text ("" when there is nothing to say).
    pub flag: &'static str,
}

pub struct DebriefView {
    pub interviewer: String,
    pub prompt: String,
    pub before: String,
    pub after: String,
    pub reason: String,
}

pub struct ItemView {
    pub prompt: String,
    pub level: String,
    pub notes: String,
}

pub struct CardView {
    pub interviewer: String,
    pub imported: bool,
    pub sealed: bool,
    pub recommendation: &'static str,
    pub summary: String,
    pub red_flags: Vec<String>,
    pub items: Vec<ItemView>,
}

pub struct CommitteeView {
    pub w: &'static Words,
    pub candidate: String,
    pub intro: String,
    pub sealed_notice: Option<String>,
    pub columns: Vec<ColumnView>,
    pub competencies: Vec<RowView>,
    /// The overall score of each interviewer; its mean is the panel's.
    pub overall: RowView,
    /// How the overall score is computed, in one line.
    pub overall_line: String,
    /// The candidate's interview plan, when they have one.
    pub plan: Option<PlanSectionView>,
    pub questions: Vec<RowView>,
    pub flagged_line: String,
    /// Ids of the questions nobody covered.
    pub uncovered: Vec<String>,
    pub debrief: Vec<DebriefView>,
    pub cards: Vec<CardView>,
    pub chart: ChartView,
    pub css: &'static str,
    /// The base64 SHA-256 of `css`, for the page's Content-Security-Policy.
    pub css_hash: String,
}

/// A value to two decimals, or "–" when there is none.
fn fmt_opt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into())
}

/// SD or spread to two decimals, or "—" (as the app shows them) when there
/// are fewer than two scores: not 0.00, which would read as agreement.
fn fmt_agreement(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into())
}

fn level_or_unscored(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| UNSCORED.into())
}

/// A cell of the question matrix as shown.
pub fn level_text(cell: &Option<Cell>, sealed: bool) -> String {
    match cell {
        _ if sealed => SEALED_VALUE.into(),
        None => "not asked".into(),
        Some(c) => match (c.level, &c.label) {
            (Some(v), Some(l)) => {
                let mut s = format!("{v} {l}");
                if let Some(d) = &c.debrief {
                    s = format!("{s} (was {})", level_or_unscored(d.before));
                }
                s
            }
            _ if c.skipped => "skipped".into(),
            _ => UNSCORED.into(),
        },
    }
}

/// A column's recommendation as shown.
fn recommendation_text(col: &PanelColumn) -> &'static str {
    if col.sealed {
        SEALED_VALUE
    } else {
        col.recommendation.map(|r| r.label()).unwrap_or(NOT_GIVEN)
    }
}

/// The report's opening line.
fn intro(r: &CommitteeReport) -> String {
    let c = &r.comparison;
    format!(
        "{} session(s), {} imported from other interviewers.{}",
        c.columns.len(),
        c.columns.iter().filter(|x| x.imported).count(),
        if r.redacted {
            " Redacted packet: ".to_string() + crate::redact::WARNING
        } else {
            String::new()
        }
    )
}

/// How the overall score is computed, as the report says it.
fn overall_line(r: &CommitteeReport) -> String {
    let ScoreScale { min, max } = r.scale;
    let levels = if r.mixed_scales {
        format!("Levels are averaged as given: the rubrics here span different ranges within {min}–{max} and are not rescaled.")
    } else {
        format!("Levels are averaged as given on the {min}–{max} scale.")
    };
    format!(
        "Overall: the mean of the levels each interviewer gave, every scored question counting once (skipped and unscored ones left out); the panel's overall ({}) is the mean of the interviewers'. {levels}",
        fmt_opt(r.comparison.overall.stats.mean)
    )
}

/// The scorecards: each column's recommendation, summary, red flags and
/// scored questions with their notes (nothing of a sealed column).
fn cards(c: &Comparison) -> Vec<CardView> {
    c.columns
        .iter()
        .enumerate()
        .map(|(i, col)| CardView {
            interviewer: col.interviewer.clone(),
            imported: col.imported,
            sealed: col.sealed,
            recommendation: col.recommendation.map(|r| r.label()).unwrap_or(NOT_GIVEN),
            summary: col.summary.clone(),
            red_flags: col.red_flags.clone(),
            items: if col.sealed {
                Vec::new()
            } else {
                c.questions
                    .iter()
                    .filter_map(|q| {
                        let cell = q.cells[i].as_ref()?;
                        Some(ItemView {
                            prompt: q.prompt.clone(),
                            level: level_text(&q.cells[i], false),
                            notes: cell.notes.clone(),
                        })
                    })
                    .collect()
            },
        })
        .collect()
}

impl CommitteeView {
    pub fn new(r: &CommitteeReport) -> Self {
        let c = &r.comparison;
        let sealed_col = |i: usize| c.columns[i].sealed;
        // One value per interviewer as shown: sealed, or to two decimals.
        let shown = |averages: &[Option<f64>]| -> Vec<String> {
            averages
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    if sealed_col(i) {
                        SEALED_VALUE.into()
                    } else {
                        fmt_opt(*a)
                    }
                })
                .collect()
        };
        let row = |label: &str,
                   values: Vec<String>,
                   stats: &crate::panel::Spread,
                   uncovered: bool| RowView {
            label: label.to_string(),
            values,
            mean: fmt_opt(stats.mean),
            sd: fmt_agreement(stats.sd),
            spread: fmt_agreement(stats.spread),
            flagged: stats.flagged,
            flag: if stats.flagged {
                DISAGREE
            } else if uncovered {
                NOT_COVERED
            } else {
                ""
            },
        };
        let competencies = c
            .competencies
            .iter()
            .map(|x| row(&x.name, shown(&x.averages), &x.stats, false))
            .collect();
        let overall = row(
            WORDS.overall,
            shown(&c.overall.averages),
            &c.overall.stats,
            false,
        );
        let questions = c
            .questions
            .iter()
            .map(|q| {
                let values = q
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(i, cell)| level_text(cell, sealed_col(i)))
                    .collect();
                row(&q.prompt, values, &q.stats, q.uncovered)
            })
            .collect();
        let cards = cards(c);
        CommitteeView {
            w: &WORDS,
            candidate: r.candidate.clone(),
            intro: intro(r),
            sealed_notice: c.sealed.then(|| {
                format!(
                    "{} other session(s) stay hidden until the local interviewer submits their own.",
                    c.sealed_sessions
                )
            }),
            columns: c
                .columns
                .iter()
                .map(|col| ColumnView {
                    interviewer: col.interviewer.clone(),
                    role: col.role.clone(),
                    imported: col.imported,
                    status: col.status.label(),
                    recommendation: recommendation_text(col),
                })
                .collect(),
            competencies,
            overall,
            overall_line: overall_line(r),
            plan: c.plan.as_ref().map(PlanSectionView::new),
            questions,
            flagged_line: format!(
                "Flagged: {} question(s) where scores differ by {DISAGREEMENT_LEVELS} or more levels.",
                c.questions.iter().filter(|q| q.stats.flagged).count()
            ),
            uncovered: c
                .questions
                .iter()
                .filter(|q| q.uncovered)
                .map(|q| q.prompt.clone())
                .collect(),
            debrief: r
                .debrief
                .iter()
                .map(|d| DebriefView {
                    interviewer: d.interviewer.clone(),
                    prompt: d.prompt.clone(),
                    before: level_or_unscored(d.before),
                    after: level_or_unscored(d.after),
                    reason: d.reason.clone(),
                })
                .collect(),
            cards,
            chart: chart(c, r.scale),
            css: super::html::CSS,
            css_hash: super::html::css_hash(),
        }
    }
}

/// The Markdown report.
#[derive(Template)]
#[template(path = "committee.md", config = "templates/askama.toml")]
pub struct CommitteeMarkdown<'a> {
    pub v: &'a CommitteeView,
}

/// The self-contained, print-ready HTML report.
#[derive(Template)]
#[template(path = "committee.html", config = "templates/askama.toml")]
pub struct CommitteeHtml<'a> {
    pub v: &'a CommitteeView,
}

mod chart;
mod plan;
mod session;
pub use chart::*;
pub use plan::*;
pub use session::*;

// ---------------------------------------------------------------------------
// Candidates who sat one kit (`core/templates/candidates.md`).

pub struct CandidatesView {
    pub kit: String,
    /// Competency names, in column order.
    pub competencies: Vec<String>,
    pub rows: Vec<CandidateLine>,
    pub sealed_candidates: usize,
}

pub struct CandidateLine {
    pub candidate: String,
    pub sessions: usize,
    /// One average per competency column.
    pub values: Vec<String>,
    pub overall: String,
    pub recommendations: Vec<RecommendationView>,
}

pub struct RecommendationView {
    pub interviewer: String,
    pub recommendation: &'static str,
}

impl CandidatesView {
    pub fn new(c: &CandidateComparison) -> Self {
        CandidatesView {
            kit: c.kit.clone(),
            competencies: c.competencies.iter().map(|(_, n)| n.clone()).collect(),
            rows: c
                .rows
                .iter()
                .map(|r| CandidateLine {
                    candidate: r.candidate.clone(),
                    sessions: r.sessions,
                    values: c
                        .competencies
                        .iter()
                        .map(|(id, _)| fmt_opt(r.competencies.get(id).copied()))
                        .collect(),
                    overall: fmt_opt(r.overall),
                    recommendations: r
                        .recommendations
                        .iter()
                        .map(|(who, rec)| RecommendationView {
                            interviewer: who.clone(),
                            recommendation: rec.map(|r| r.label()).unwrap_or(NOT_GIVEN),
                        })
                        .collect(),
                })
                .collect(),
            sealed_candidates: c.sealed_candidates,
        }
    }
}

#[derive(Template)]
#[template(path = "candidates.md", config = "templates/askama.toml")]
pub struct CandidatesMarkdown<'a> {
    pub v: &'a CandidatesView,
}

// ---------------------------------------------------------------------------
// Calibration figures (`core/templates/calibration.md`).

pub struct CalibrationView {
    pub kit: Option<String>,
    pub sessions: usize,
    pub units: usize,
    pub ratings: usize,
    pub raters: usize,
    pub alpha_interval: String,
    pub alpha_ordinal: String,
    pub icc1: String,
    pub icc2: String,
    pub icc3: String,
    pub icc_reported: bool,
    pub complete_units: usize,
    pub leniency: Vec<LeniencyLine>,
}

pub struct LeniencyLine {
    pub rater: String,
    pub units: usize,
    pub mean_deviation: String,
    pub z: String,
}

impl CalibrationView {
    pub fn new(c: &Calibration) -> Self {
        let f3 = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_else(|| "n/a".into());
        let icc = c.icc.as_ref();
        CalibrationView {
            kit: c.kit.clone(),
            sessions: c.sessions,
            units: c.units,
            ratings: c.ratings,
            raters: c.raters.len(),
            alpha_interval: f3(c.alpha_interval),
            alpha_ordinal: f3(c.alpha_ordinal),
            icc1: f3(icc.map(|i| i.icc1_1)),
            icc2: f3(icc.map(|i| i.icc2_1)),
            icc3: f3(icc.map(|i| i.icc3_1)),
            icc_reported: icc.is_some(),
            complete_units: c.complete_units,
            leniency: c
                .leniency
                .iter()
                .map(|l| LeniencyLine {
                    rater: l.rater.clone(),
                    units: l.units,
                    mean_deviation: l
                        .mean_deviation
                        .map(|v| format!("{v:+.3}"))
                        .unwrap_or_else(|| "n/a".into()),
                    z: l.z
                        .map(|v| format!("{v:+.2}"))
                        .unwrap_or_else(|| "n/a".into()),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "calibration.md", config = "templates/askama.toml")]
pub struct CalibrationMarkdown<'a> {
    pub v: &'a CalibrationView,
}

#[cfg(test)]
mod tests;
