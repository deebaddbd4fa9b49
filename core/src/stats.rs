//! Reliability statistics for interview calibration.
//!
//! A [`RatingMatrix`] holds the scores that raters (interviewers) gave to
//! units (candidate–question pairs), with missing ratings allowed. From it
//! this module computes Krippendorff's alpha ([`krippendorff_alpha`]), the
//! Shrout & Fleiss intraclass correlations ([`icc`]) and each rater's
//! leniency relative to their co-raters ([`leniency`]), plus the small
//! descriptive helpers [`mean`], [`sd`] and [`spread`].
//!
//! Everything here is a pure function: no I/O, no storage, no clock. Every
//! statistic returns `None` when it is undefined for the data given (too few
//! ratings, no variance) instead of panicking or producing NaN. Non-finite
//! ratings (NaN, ±∞) in a matrix are treated as missing.

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

/// Ratings of units by raters: `values[unit][rater]`, `None` where the rater
/// did not rate the unit.
///
/// Rows shorter than `raters` are allowed (the missing tail counts as not
/// rated); entries beyond `raters.len()` are ignored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RatingMatrix {
    pub raters: Vec<String>,
    pub units: Vec<String>,
    pub values: Vec<Vec<Option<f64>>>,
}

impl RatingMatrix {
    /// Builds a matrix from `(unit, rater, value)` triples.
    ///
    /// Units and raters are ordered by first appearance. If the same
    /// `(unit, rater)` pair occurs more than once, the last value wins.
    /// Non-finite values are not stored (the unit and rater are still
    /// registered).
    pub fn from_triples(triples: impl IntoIterator<Item = (String, String, f64)>) -> Self {
        let mut m = RatingMatrix::default();
        let mut unit_index: HashMap<String, usize> = HashMap::new();
        let mut rater_index: HashMap<String, usize> = HashMap::new();
        for (unit, rater, value) in triples {
            let u = *unit_index.entry(unit).or_insert_with_key(|key| {
                m.units.push(key.clone());
                m.values.push(Vec::new());
                m.units.len() - 1
            });
            let r = *rater_index.entry(rater).or_insert_with_key(|key| {
                m.raters.push(key.clone());
                m.raters.len() - 1
            });
            let row = &mut m.values[u];
            if row.len() <= r {
                row.resize(r + 1, None);
            }
            row[r] = value.is_finite().then_some(value);
        }
        let width = m.raters.len();
        for row in &mut m.values {
            row.resize(width, None);
        }
        m
    }

    /// The finite rating of `unit` by `rater`, if any.
    fn get(&self, unit: usize, rater: usize) -> Option<f64> {
        if rater >= self.raters.len() {
            return None;
        }
        self.values
            .get(unit)
            .and_then(|row| row.get(rater))
            .copied()
            .flatten()
            .filter(|v| v.is_finite())
    }

    /// The finite ratings of `unit`, in rater order, with the rater index.
    fn unit_ratings(&self, unit: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        (0..self.raters.len()).filter_map(move |r| self.get(unit, r).map(|v| (r, v)))
    }
}

/// Level of measurement for [`krippendorff_alpha`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Metric {
    /// Any two different values disagree equally.
    Nominal,
    /// Squared difference of the values.
    Interval,
    /// Rank-based distance using the marginal frequencies of the values.
    Ordinal,
}

/// Krippendorff's alpha, computed from the coincidence matrix
/// (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").
///
/// Units with fewer than 2 ratings are not pairable and are dropped. The
/// values present in pairable units form the categories; for
/// [`Metric::Ordinal`] the distance between categories `c <= k` is
/// `(sum_{g=c}^{k} n_g - (n_c + n_k) / 2)^2`, with `n_g` the marginal
/// frequency of category `g` in the coincidence matrix.
///
/// Returns `None` when alpha is undefined: fewer than 2 pairable values, or
/// no disagreement expected (every pairable value is the same).
pub fn krippendorff_alpha(m: &RatingMatrix, metric: Metric) -> Option<f64> {
    // Pairable units: their finite ratings, when there are at least 2.
    let units: Vec<Vec<f64>> = (0..m.units.len())
        .map(|u| m.unit_ratings(u).map(|(_, v)| v).collect::<Vec<_>>())
        .filter(|vs| vs.len() >= 2)
        .collect();

    // Categories: the distinct pairable values, ascending.
    let mut categories: Vec<f64> = units.iter().flatten().copied().collect();
    categories.sort_by(f64::total_cmp);
    categories.dedup();
    let q = categories.len();
    let index = |v: f64| {
        categories
            .binary_search_by(|c| c.total_cmp(&v))
            .expect("every pairable value is a category")
    };

    // Coincidence matrix: o[c][k] = sum over units of
    // n_uc * (n_uk - [c == k]) / (m_u - 1).
    let mut o = vec![vec![0.0_f64; q]; q];
    for vs in &units {
        let mut counts = vec![0.0_f64; q];
        for &v in vs {
            counts[index(v)] += 1.0;
        }
        let weight = 1.0 / (vs.len() as f64 - 1.0);
        for c in 0..q {
            if counts[c] == 0.0 {
                continue;
            }
            for k in 0..q {
                let pairs = counts[c] * (counts[k] - if c == k { 1.0 } else { 0.0 });
                o[c][k] += pairs * weight;
            }
        }
    }
    let marginals: Vec<f64> = o.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = marginals.iter().sum();
    if n < 2.0 {
        return None;
    }

    let delta = |c: usize, k: usize| -> f64 {
        match metric {
            Metric::Nominal => {
                if c == k {
                    0.0
                } else {
                    1.0
                }
            }
            Metric::Interval => (categories[c] - categories[k]).powi(2),
            Metric::Ordinal => {
                let (lo, hi) = if c <= k { (c, k) } else { (k, c) };
                let between: f64 = marginals[lo..=hi].iter().sum();
                (between - (marginals[lo] + marginals[hi]) / 2.0).powi(2)
            }
        }
    };

    let mut observed = 0.0;
    let mut expected = 0.0;
    for c in 0..q {
        for k in 0..q {
            let d = delta(c, k);
            observed += o[c][k] * d;
            expected += marginals[c] * marginals[k] * d;
        }
    }
    if expected <= 0.0 || !expected.is_finite() {
        return None;
    }
    // alpha = 1 - D_o / D_e with D_o = observed / n and
    // D_e = expected / (n (n - 1)).
    let alpha = 1.0 - (n - 1.0) * observed / expected;
    alpha.is_finite().then_some(alpha)
}

/// Shrout & Fleiss (1979) single-rater intraclass correlations.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Icc {
    /// ICC(1,1): one-way random effects, each unit rated by a different set
    /// of raters.
    pub icc1_1: f64,
    /// ICC(2,1): two-way random effects, absolute agreement.
    pub icc2_1: f64,
    /// ICC(3,1): two-way mixed effects, consistency.
    pub icc3_1: f64,
    /// Number of complete units used.
    pub units: usize,
    /// Number of raters.
    pub raters: usize,
}

/// Shrout & Fleiss (1979) intraclass correlations ICC(1,1), ICC(2,1) and
/// ICC(3,1), from the two-way ANOVA mean squares:
///
/// - ICC(1,1) = (BMS - WMS) / (BMS + (k-1) WMS)
/// - ICC(2,1) = (BMS - EMS) / (BMS + (k-1) EMS + k (JMS - EMS) / n)
/// - ICC(3,1) = (BMS - EMS) / (BMS + (k-1) EMS)
///
/// with `n` units (targets), `k` raters (judges), BMS the between-units,
/// WMS the within-units, JMS the between-raters and EMS the residual mean
/// square.
///
/// Only units rated by every rater in the matrix are used (the formulas need
/// a complete design); units with any missing rating are ignored. Returns
/// `None` if fewer than 2 such units or fewer than 2 raters remain, or if a
/// coefficient is undefined because its denominator is zero (e.g. all
/// ratings equal).
pub fn icc(m: &RatingMatrix) -> Option<Icc> {
    let k = m.raters.len();
    if k < 2 {
        return None;
    }
    let rows: Vec<Vec<f64>> = (0..m.units.len())
        .filter_map(|u| (0..k).map(|r| m.get(u, r)).collect::<Option<Vec<f64>>>())
        .collect();
    let n = rows.len();
    if n < 2 {
        return None;
    }
    let (nf, kf) = (n as f64, k as f64);

    let grand = rows.iter().flatten().sum::<f64>() / (nf * kf);
    let row_means: Vec<f64> = rows.iter().map(|r| r.iter().sum::<f64>() / kf).collect();
    let col_means: Vec<f64> = (0..k)
        .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / nf)
        .collect();

    let bss = kf * row_means.iter().map(|x| (x - grand).powi(2)).sum::<f64>();
    let jss = nf * col_means.iter().map(|x| (x - grand).powi(2)).sum::<f64>();
    let mut wss = 0.0;
    let mut ess = 0.0;
    for (row, row_mean) in rows.iter().zip(&row_means) {
        for (x, col_mean) in row.iter().zip(&col_means) {
            wss += (x - row_mean).powi(2);
            ess += (x - row_mean - col_mean + grand).powi(2);
        }
    }

    let bms = bss / (nf - 1.0);
    let wms = wss / (nf * (kf - 1.0));
    let jms = jss / (kf - 1.0);
    let ems = ess / ((nf - 1.0) * (kf - 1.0));

    // Mean squares are in squared rating units; treat denominators that are
    // zero up to rounding as zero.
    let scale = rows.iter().flatten().fold(0.0_f64, |a, x| a.max(x.abs()));
    let tolerance = 1e-12 * scale.max(1.0).powi(2);
    let ratio = |num: f64, den: f64| (den > tolerance).then(|| num / den);

    Some(Icc {
        icc1_1: ratio(bms - wms, bms + (kf - 1.0) * wms)?,
        icc2_1: ratio(bms - ems, bms + (kf - 1.0) * ems + kf * (jms - ems) / nf)?,
        icc3_1: ratio(bms - ems, bms + (kf - 1.0) * ems)?,
        units: n,
        raters: k,
    })
}

/// How much a rater scores above (positive) or below (negative) their
/// co-raters.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Leniency {
    pub rater: String,
    /// Mean of (this rater's rating - the unit's mean rating) over the units
    /// this rater rated that have at least 2 ratings; `None` if there are
    /// none.
    pub mean_deviation: Option<f64>,
    /// Number of units behind `mean_deviation`.
    pub units: usize,
    /// `mean_deviation` standardised against the other raters' (see
    /// [`leniency`]); `None` when undefined.
    pub z: Option<f64>,
}

/// Rater leniency, one entry per rater in matrix order.
///
/// For each rater, `mean_deviation` is the mean of (their rating - the
/// unit's mean rating) over units with at least 2 ratings; the unit mean
/// includes the rater's own rating. `z` is (mean_deviation - mean of the
/// raters' mean deviations) / sample SD of those mean deviations, over the
/// raters that have one; it is `None` if fewer than 2 raters have a mean
/// deviation or their SD is zero.
pub fn leniency(m: &RatingMatrix) -> Vec<Leniency> {
    let k = m.raters.len();
    let mut sums = vec![0.0_f64; k];
    let mut counts = vec![0_usize; k];
    let mut scale = 0.0_f64;
    for u in 0..m.units.len() {
        let ratings: Vec<(usize, f64)> = m.unit_ratings(u).collect();
        if ratings.len() < 2 {
            continue;
        }
        let unit_mean = ratings.iter().map(|&(_, v)| v).sum::<f64>() / ratings.len() as f64;
        for &(r, v) in &ratings {
            sums[r] += v - unit_mean;
            counts[r] += 1;
            scale = scale.max(v.abs());
        }
    }
    let deviations: Vec<Option<f64>> = sums
        .iter()
        .zip(&counts)
        .map(|(&s, &c)| (c > 0).then(|| s / c as f64))
        .collect();

    let present: Vec<f64> = deviations.iter().flatten().copied().collect();
    let standardise: Option<(f64, f64)> = if present.len() >= 2 {
        let centre = present.iter().sum::<f64>() / present.len() as f64;
        let var = present.iter().map(|d| (d - centre).powi(2)).sum::<f64>()
            / (present.len() as f64 - 1.0);
        let sd = var.sqrt();
        // An SD that is zero up to rounding means every rater is equally
        // lenient: z is undefined.
        (sd > 1e-12 * scale.max(1.0)).then_some((centre, sd))
    } else {
        None
    };

    m.raters
        .iter()
        .zip(deviations.iter().zip(&counts))
        .map(|(rater, (&deviation, &units))| Leniency {
            rater: rater.clone(),
            mean_deviation: deviation,
            units,
            z: deviation
                .zip(standardise)
                .map(|(d, (centre, sd))| (d - centre) / sd),
        })
        .collect()
}

/// An interviewer's overall score (and, over those, the panel's): the mean
/// of the levels given, every scored question counting once; skipped and
/// unscored questions are left out. Levels are averaged as given, on the
/// scale their rubrics share; rubrics on different scales (a 0–3 bank beside
/// the default 1–4) are not rescaled, as the competency averages and the
/// candidate comparison's overall are not, and the report says so. `None`
/// without any score.
pub fn overall(levels: impl IntoIterator<Item = i64>) -> Option<f64> {
    let v: Vec<f64> = levels.into_iter().map(|l| l as f64).collect();
    mean(&v)
}

/// Arithmetic mean; `None` if `xs` is empty or holds a non-finite value.
pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() || xs.iter().any(|x| !x.is_finite()) {
        return None;
    }
    Some(xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Population standard deviation (divides by `n`, not `n - 1`): a panel's
/// scores are described as they are, not used to estimate a wider
/// population, and a single score has SD 0 rather than undefined. `None` if
/// `xs` is empty or holds a non-finite value.
pub fn sd(xs: &[f64]) -> Option<f64> {
    let centre = mean(xs)?;
    let var = xs.iter().map(|x| (x - centre).powi(2)).sum::<f64>() / xs.len() as f64;
    Some(var.sqrt())
}

/// Range, `max - min`; `None` if `xs` is empty or holds a non-finite value.
pub fn spread(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() || xs.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
    Some(max - min)
}

#[cfg(test)]
mod tests;
