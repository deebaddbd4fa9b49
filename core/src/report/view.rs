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

pub struct Tick {
    pub x: String,
    pub label: i64,
}

pub struct Bar {
    pub y: String,
    pub width: String,
    /// Where the bar's value is written, just after its end.
    pub label_x: String,
    pub label_y: String,
    pub fill: &'static str,
    pub who: String,
    pub value: String,
}

pub struct Group {
    pub name: String,
    pub label_y: String,
    pub bars: Vec<Bar>,
}

pub struct LegendItem {
    pub x: String,
    pub y: String,
    pub text_x: String,
    pub text_y: String,
    pub fill: &'static str,
    pub who: String,
}

/// The competency chart's geometry, computed here so the template holds
/// only markup.
pub struct ChartView {
    pub width: String,
    pub height: String,
    pub left: String,
    pub top: String,
    pub axis_y: String,
    pub tick_label_y: String,
    pub group_label_x: String,
    pub bar_height: String,
    pub ticks: Vec<Tick>,
    pub groups: Vec<Group>,
    pub legend: Vec<LegendItem>,
    pub caption: String,
}

pub struct CommitteeView {
    pub w: &'static Words,
    pub candidate: String,
    pub intro: String,
    pub sealed_notice: Option<String>,
    pub columns: Vec<ColumnView>,
    pub competencies: Vec<RowView>,
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

const PALETTE: [&str; 8] = [
    "#2f6fdf", "#e07b39", "#2e9e6a", "#a347c2", "#c9a227", "#d2455e", "#3aa6b9", "#6b6f7a",
];

/// Most ticks on the chart's axis: one per level of the widest scale a
/// rubric may have (`crate::validate`).
const MAX_TICKS: i128 = (crate::validate::LEVEL_MAX - crate::validate::LEVEL_MIN) as i128;

/// The axis ticks from `min` to `max`: one per level when the scale is within
/// the documented range, otherwise only its two ends, so the chart's size
/// never depends on level values (a database written by an older version may
/// hold any i64).
fn ticks(min: i64, max: i64, left: f64, plot_w: f64) -> Vec<Tick> {
    let steps = i128::from(max) - i128::from(min);
    let values: Vec<i64> = if (1..=MAX_TICKS).contains(&steps) {
        (min..=max).collect()
    } else {
        vec![min, max]
    };
    values
        .into_iter()
        .map(|v| Tick {
            x: format!("{:.1}", left + along(plot_w, v as f64, min, max)),
            label: v,
        })
        .collect()
}

/// How far along an axis `width` long `v` sits between `min` and `max`
/// (in f64: no integer subtraction that can overflow; never outside it).
fn along(width: f64, v: f64, min: i64, max: i64) -> f64 {
    let (lo, hi) = (min as f64, max as f64);
    let span = hi - lo;
    if span > 0.0 && v.is_finite() {
        width * (v.clamp(lo, hi) - lo) / span
    } else {
        0.0
    }
}

/// The width of a bar for `v`: its place on the scale, but never less than
/// [`FLOOR_MARK`], so a score at the scale's floor (a 1 on 1–4) is a visible
/// mark rather than nothing, which would read as "not scored".
fn bar_width(width: f64, v: f64, lo: i64, hi: i64) -> f64 {
    along(width, v, lo, hi).max(FLOOR_MARK)
}

/// The smallest bar drawn, in SVG units.
const FLOOR_MARK: f64 = 4.0;

/// The chart runs along the rubric's own scale (`scale.min` at the left
/// edge, `scale.max` at the right), one tick per level.
fn chart(c: &Comparison, scale: ScoreScale) -> ChartView {
    let cols: Vec<usize> = (0..c.columns.len())
        .filter(|i| !c.columns[*i].sealed)
        .collect();
    let ScoreScale { min, max } = scale;
    let groups = c.competencies.len().max(1);
    let bar = 14.0;
    let gap = 18.0;
    let group_w = bar * cols.len().max(1) as f64 + gap;
    let left = 190.0;
    let top = 10.0;
    let height_per = group_w;
    let plot_h = height_per * groups as f64;
    let width = 720.0;
    // Room on the right for the value written after the longest bar.
    let plot_w = width - left - 44.0;
    let legend_h = 22.0 * ((cols.len() as f64) / 4.0).ceil().max(1.0);
    let total_h = top + plot_h + 30.0 + legend_h;
    let ticks = ticks(min, max, left, plot_w);
    let groups = c
        .competencies
        .iter()
        .enumerate()
        .map(|(g, row)| {
            let y0 = top + g as f64 * height_per + gap / 2.0;
            Group {
                name: row.name.clone(),
                label_y: format!("{:.1}", y0 + bar * cols.len() as f64 / 2.0 + 4.0),
                bars: cols
                    .iter()
                    .enumerate()
                    .filter_map(|(k, col)| {
                        let v = row.averages[*col]?;
                        let w = bar_width(plot_w, v, min, max);
                        let y = y0 + k as f64 * bar;
                        Some(Bar {
                            y: format!("{y:.1}"),
                            width: format!("{w:.1}"),
                            label_x: format!("{:.1}", left + w + 4.0),
                            label_y: format!("{:.1}", y + bar - 4.0),
                            fill: PALETTE[*col % PALETTE.len()],
                            who: c.columns[*col].interviewer.clone(),
                            value: format!("{v:.2}"),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    let ly = top + plot_h + 30.0;
    let legend = cols
        .iter()
        .enumerate()
        .map(|(k, col)| {
            let x = left + (k % 4) as f64 * 130.0;
            let y = ly + (k / 4) as f64 * 22.0;
            LegendItem {
                x: format!("{x:.1}"),
                y: format!("{y:.1}"),
                text_x: format!("{:.1}", x + 16.0),
                text_y: format!("{:.1}", y + 10.0),
                fill: PALETTE[*col % PALETTE.len()],
                who: c.columns[*col].interviewer.clone(),
            }
        })
        .collect();
    ChartView {
        width: width.to_string(),
        height: total_h.to_string(),
        left: left.to_string(),
        top: top.to_string(),
        axis_y: format!("{:.1}", top + plot_h),
        tick_label_y: format!("{:.1}", top + plot_h + 14.0),
        group_label_x: format!("{:.1}", left - 6.0),
        bar_height: format!("{:.1}", bar - 2.0),
        ticks,
        groups,
        legend,
        caption: format!(
            "Average score ({min}–{max}) per competency, one bar per interviewer, its value written after it; a score at the floor ({min}) is the short mark at the left."
        ),
    }
}

impl CommitteeView {
    pub fn new(r: &CommitteeReport) -> Self {
        let c = &r.comparison;
        let sealed_col = |i: usize| c.columns[i].sealed;
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
            .map(|x| {
                let values = x
                    .averages
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        if sealed_col(i) {
                            SEALED_VALUE.into()
                        } else {
                            fmt_opt(*a)
                        }
                    })
                    .collect();
                row(&x.name, values, &x.stats, false)
            })
            .collect();
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
        let cards = c
            .columns
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
            .collect();
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

mod session;
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
