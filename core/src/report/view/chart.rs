//! The committee report's chart: its geometry, computed here so the HTML
//! template holds only markup. Groups of bars per competency (one per
//! interviewer), then the Overall group (each interviewer's overall score and
//! the panel's), on the rubrics' own scale.

use super::WORDS;
use crate::panel::Comparison;
use crate::report::model::ScoreScale;

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

const PALETTE: [&str; 8] = [
    "#2f6fdf", "#e07b39", "#2e9e6a", "#a347c2", "#c9a227", "#d2455e", "#3aa6b9", "#6b6f7a",
];

/// Most ticks on the chart's axis: one per level of the widest scale a
/// rubric may have (`crate::validate`).
pub(super) const MAX_TICKS: i128 =
    (crate::validate::LEVEL_MAX - crate::validate::LEVEL_MIN) as i128;

/// The axis ticks from `min` to `max`: one per level when the scale is within
/// the documented range, otherwise only its two ends, so the chart's size
/// never depends on level values (a database written by an older version may
/// hold any i64).
pub(super) fn ticks(min: i64, max: i64, left: f64, plot_w: f64) -> Vec<Tick> {
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
pub(super) fn along(width: f64, v: f64, min: i64, max: i64) -> f64 {
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
pub(super) fn bar_width(width: f64, v: f64, lo: i64, hi: i64) -> f64 {
    along(width, v, lo, hi).max(FLOOR_MARK)
}

/// The smallest bar drawn, in SVG units.
pub(super) const FLOOR_MARK: f64 = 4.0;

/// The panel's bar in the chart's Overall group.
const PANEL_FILL: &str = "#1d2430";
const PANEL_WHO: &str = "Panel";

/// The chart runs along the rubric's own scale (`scale.min` at the left
/// edge, `scale.max` at the right), one tick per level: a group of bars per
/// competency (one per interviewer), then the Overall group (each
/// interviewer's overall score and the panel's).
pub(super) fn chart(c: &Comparison, scale: ScoreScale) -> ChartView {
    let cols: Vec<usize> = (0..c.columns.len())
        .filter(|i| !c.columns[*i].sealed)
        .collect();
    let ScoreScale { min, max } = scale;
    let bar = 14.0;
    let gap = 18.0;
    let left = 190.0;
    let top = 10.0;
    let width = 720.0;
    // Room on the right for the value written after the longest bar.
    let plot_w = width - left - 44.0;
    let bar_of = |k: usize, y0: f64, v: f64, fill: &'static str, who: String| {
        let w = bar_width(plot_w, v, min, max);
        let y = y0 + k as f64 * bar;
        Bar {
            y: format!("{y:.1}"),
            width: format!("{w:.1}"),
            label_x: format!("{:.1}", left + w + 4.0),
            label_y: format!("{:.1}", y + bar - 4.0),
            fill,
            who,
            value: format!("{v:.2}"),
        }
    };
    // (name, bars as (slot, value, fill, who)) per group.
    type Slot = (f64, &'static str, String);
    let mut rows: Vec<(String, Vec<Option<Slot>>)> = c
        .competencies
        .iter()
        .map(|row| {
            let bars = cols
                .iter()
                .map(|col| {
                    let v = row.averages[*col]?;
                    Some((
                        v,
                        PALETTE[*col % PALETTE.len()],
                        c.columns[*col].interviewer.clone(),
                    ))
                })
                .collect();
            (row.name.clone(), bars)
        })
        .collect();
    let mut overall: Vec<Option<Slot>> = cols
        .iter()
        .map(|col| {
            let v = c.overall.averages[*col]?;
            Some((
                v,
                PALETTE[*col % PALETTE.len()],
                c.columns[*col].interviewer.clone(),
            ))
        })
        .collect();
    overall.push(
        c.overall
            .stats
            .mean
            .map(|v| (v, PANEL_FILL, PANEL_WHO.to_string())),
    );
    rows.push((WORDS.overall.to_string(), overall));
    let mut y0 = top;
    let groups: Vec<Group> = rows
        .into_iter()
        .map(|(name, slots)| {
            let n = slots.len().max(1) as f64;
            let start = y0 + gap / 2.0;
            y0 += bar * n + gap;
            Group {
                name,
                label_y: format!("{:.1}", start + bar * n / 2.0 + 4.0),
                bars: slots
                    .into_iter()
                    .enumerate()
                    .filter_map(|(k, slot)| {
                        let (v, fill, who) = slot?;
                        Some(bar_of(k, start, v, fill, who))
                    })
                    .collect(),
            }
        })
        .collect();
    let plot_h = y0 - top;
    let mut legend_items: Vec<(&'static str, String)> = cols
        .iter()
        .map(|col| {
            (
                PALETTE[*col % PALETTE.len()],
                c.columns[*col].interviewer.clone(),
            )
        })
        .collect();
    legend_items.push((PANEL_FILL, PANEL_WHO.to_string()));
    let legend_h = 22.0 * ((legend_items.len() as f64) / 4.0).ceil().max(1.0);
    let total_h = top + plot_h + 30.0 + legend_h;
    let ticks = ticks(min, max, left, plot_w);
    let ly = top + plot_h + 30.0;
    let legend = legend_items
        .into_iter()
        .enumerate()
        .map(|(k, (fill, who))| {
            let x = left + (k % 4) as f64 * 130.0;
            let y = ly + (k / 4) as f64 * 22.0;
            LegendItem {
                x: format!("{x:.1}"),
                y: format!("{y:.1}"),
                text_x: format!("{:.1}", x + 16.0),
                text_y: format!("{:.1}", y + 10.0),
                fill,
                who,
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
            "Average score ({min}–{max}) per competency, one bar per interviewer, its value written after it; a score at the floor ({min}) is the short mark at the left. Last, the Overall group: each interviewer's overall score, then the panel's (the mean of the interviewers')."
        ),
    }
}
