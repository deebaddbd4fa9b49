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
mod tests {
    use super::*;

    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 5e-4,
            "expected {expected:.3}, got {actual}"
        );
    }

    /// Builds a matrix from rows of `values[unit][rater]`, naming raters
    /// R0.. and units U0...
    fn matrix(rows: &[&[Option<f64>]]) -> RatingMatrix {
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
        RatingMatrix {
            raters: (0..width).map(|r| format!("R{r}")).collect(),
            units: (0..rows.len()).map(|u| format!("U{u}")).collect(),
            values: rows.iter().map(|r| r.to_vec()).collect(),
        }
    }

    fn complete(rows: &[&[f64]]) -> RatingMatrix {
        let rows: Vec<Vec<Option<f64>>> = rows
            .iter()
            .map(|r| r.iter().copied().map(Some).collect())
            .collect();
        let refs: Vec<&[Option<f64>]> = rows.iter().map(|r| r.as_slice()).collect();
        matrix(&refs)
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability",
    /// Annenberg School for Communication Departmental Papers (ASC) 43,
    /// section C: 4 observers (A-D) x 12 units, values 1-5, missing data
    /// ("." = not coded):
    ///
    /// ```text
    /// unit  1 2 3 4 5 6 7 8 9 10 11 12
    /// A     1 2 3 3 2 1 4 1 2  .  .  .
    /// B     1 2 3 3 2 2 4 1 2  5  .  3
    /// C     . 3 3 3 2 3 4 2 2  5  1  .
    /// D     1 2 3 3 2 4 4 1 2  5  1  .
    /// ```
    ///
    /// Unit 12 has a single value and is not pairable.
    fn krippendorff_2011() -> RatingMatrix {
        let table = [
            ("A", "1 2 3 3 2 1 4 1 2 . . ."),
            ("B", "1 2 3 3 2 2 4 1 2 5 . 3"),
            ("C", ". 3 3 3 2 3 4 2 2 5 1 ."),
            ("D", "1 2 3 3 2 4 4 1 2 5 1 ."),
        ];
        let rows: Vec<(&str, Vec<&str>)> = table
            .iter()
            .map(|(observer, values)| (*observer, values.split(' ').collect()))
            .collect();
        let mut triples = Vec::new();
        for unit in 0..12 {
            for (observer, values) in &rows {
                if let Ok(v) = values[unit].parse::<f64>() {
                    triples.push((format!("u{}", unit + 1), observer.to_string(), v));
                }
            }
        }
        RatingMatrix::from_triples(triples)
    }

    #[test]
    fn krippendorff_2011_nominal() {
        // Krippendorff (2011), section C, nominal alpha = 0.743
        // (the Python `krippendorff` package gives 0.7434).
        let m = krippendorff_2011();
        assert_close(krippendorff_alpha(&m, Metric::Nominal).unwrap(), 0.743);
    }

    #[test]
    fn krippendorff_2011_interval() {
        // Krippendorff (2011), section C, interval alpha = 0.849
        // (the Python `krippendorff` package gives 0.8491).
        let m = krippendorff_2011();
        assert_close(krippendorff_alpha(&m, Metric::Interval).unwrap(), 0.849);
    }

    #[test]
    fn krippendorff_2011_ordinal() {
        // Krippendorff (2011), section C, ordinal alpha = 0.815
        // (the Python `krippendorff` package gives 0.8154).
        let m = krippendorff_2011();
        assert_close(krippendorff_alpha(&m, Metric::Ordinal).unwrap(), 0.815);
    }

    #[test]
    fn from_triples_orders_by_first_appearance() {
        let m = krippendorff_2011();
        // Triples are fed unit by unit; C did not code unit 1, so D is seen
        // before C.
        assert_eq!(m.raters, ["A", "B", "D", "C"]);
        let units: Vec<String> = (1..=12).map(|u| format!("u{u}")).collect();
        assert_eq!(m.units, units);
        assert_eq!(m.values[0], [Some(1.0), Some(1.0), Some(1.0), None]);
        assert_eq!(m.values[11], [None, Some(3.0), None, None]);

        let m = RatingMatrix::from_triples([
            ("q2".to_string(), "bob".to_string(), 3.0),
            ("q1".to_string(), "amy".to_string(), 4.0),
            ("q2".to_string(), "bob".to_string(), 5.0),
            ("q1".to_string(), "cal".to_string(), f64::NAN),
        ]);
        assert_eq!(m.units, ["q2", "q1"]);
        assert_eq!(m.raters, ["bob", "amy", "cal"]);
        assert_eq!(
            m.values,
            [vec![Some(5.0), None, None], vec![None, Some(4.0), None]]
        );
    }

    #[test]
    fn alpha_perfect_agreement_is_one() {
        let m = complete(&[&[1.0, 1.0], &[2.0, 2.0], &[4.0, 4.0]]);
        for metric in [Metric::Nominal, Metric::Interval, Metric::Ordinal] {
            assert_close(krippendorff_alpha(&m, metric).unwrap(), 1.0);
        }
    }

    /// Shrout, P. E. & Fleiss, J. L. (1979), "Intraclass correlations: uses
    /// in assessing rater reliability", Psychological Bulletin 86(2),
    /// 420-428, Table 2: 6 targets x 4 judges.
    fn shrout_fleiss_table2() -> [[f64; 4]; 6] {
        [
            [9.0, 2.0, 5.0, 8.0],
            [6.0, 1.0, 3.0, 2.0],
            [8.0, 4.0, 6.0, 8.0],
            [7.0, 1.0, 2.0, 6.0],
            [10.0, 5.0, 6.0, 9.0],
            [6.0, 2.0, 4.0, 7.0],
        ]
    }

    #[test]
    fn icc_shrout_fleiss_1979_table2() {
        // Shrout & Fleiss (1979), Table 2 data; the paper prints
        // ICC(1,1) = .17, ICC(2,1) = .29, ICC(3,1) = .71. To 3 decimals,
        // computed from the data and cross-checked with pingouin
        // `intraclass_corr` (ICC1 0.165742, ICC2 0.289764, ICC3 0.714841):
        // 0.166, 0.290, 0.715.
        let data = shrout_fleiss_table2();
        let rows: Vec<&[f64]> = data.iter().map(|r| r.as_slice()).collect();
        let result = icc(&complete(&rows)).unwrap();
        assert_close(result.icc1_1, 0.166);
        assert_close(result.icc2_1, 0.290);
        assert_close(result.icc3_1, 0.715);
        assert_eq!((result.units, result.raters), (6, 4));
    }

    #[test]
    fn icc_ignores_incomplete_units() {
        // Shrout & Fleiss (1979), Table 2, plus two units with a missing
        // rating: they are skipped, so the result is unchanged.
        let data = shrout_fleiss_table2();
        let mut rows: Vec<Vec<Option<f64>>> = data
            .iter()
            .map(|r| r.iter().copied().map(Some).collect())
            .collect();
        rows.insert(2, vec![Some(1.0), None, Some(10.0), Some(3.0)]);
        rows.push(vec![Some(10.0), Some(1.0), Some(1.0)]); // short row
        let refs: Vec<&[Option<f64>]> = rows.iter().map(|r| r.as_slice()).collect();
        let result = icc(&matrix(&refs)).unwrap();
        assert_close(result.icc1_1, 0.166);
        assert_close(result.icc2_1, 0.290);
        assert_close(result.icc3_1, 0.715);
        assert_eq!((result.units, result.raters), (6, 4));
    }

    #[test]
    fn icc_undefined_cases() {
        // One complete unit only.
        assert_eq!(icc(&complete(&[&[1.0, 2.0]])), None);
        // Raters differ by a constant and units are identical: BMS = EMS =
        // 0, so ICC(3,1) is 0/0.
        assert_eq!(icc(&complete(&[&[1.0, 3.0], &[1.0, 3.0]])), None);
    }

    /// Hand-computed leniency example. Raters A, B, C, D; units:
    ///
    /// ```text
    /// u1: A=4 B=2 C=3  mean 3  deviations A +1, B -1, C 0
    /// u2: A=5 B=3      mean 4  deviations A +1, B -1
    /// u3: A=3     C=3  mean 3  deviations A 0,       C 0
    /// u4: B=1          one rating: dropped
    /// u5: D=4          one rating: dropped
    /// ```
    ///
    /// Mean deviations: A = (1 + 1 + 0) / 3 = 2/3 (3 units),
    /// B = (-1 - 1) / 2 = -1 (2 units), C = (0 + 0) / 2 = 0 (2 units),
    /// D = none (0 units).
    /// Their mean: (2/3 - 1 + 0) / 3 = -1/9. Centred: A 7/9, B -8/9, C 1/9.
    /// Sample variance: (49 + 64 + 1) / 81 / 2 = 19/27, SD = 0.838870.
    /// z: A = 0.777778 / 0.838870 = 0.927173, B = -0.888889 / 0.838870 =
    /// -1.059626, C = 0.111111 / 0.838870 = 0.132453.
    #[test]
    fn leniency_hand_computed() {
        let t = |u: &str, r: &str, v: f64| (u.to_string(), r.to_string(), v);
        let m = RatingMatrix::from_triples([
            t("u1", "A", 4.0),
            t("u1", "B", 2.0),
            t("u1", "C", 3.0),
            t("u2", "A", 5.0),
            t("u2", "B", 3.0),
            t("u3", "A", 3.0),
            t("u3", "C", 3.0),
            t("u4", "B", 1.0),
            t("u5", "D", 4.0),
        ]);
        let l = leniency(&m);
        let names: Vec<&str> = l.iter().map(|x| x.rater.as_str()).collect();
        assert_eq!(names, ["A", "B", "C", "D"]);
        assert_eq!(l.iter().map(|x| x.units).collect::<Vec<_>>(), [3, 2, 2, 0]);
        assert_close(l[0].mean_deviation.unwrap(), 0.667);
        assert_close(l[1].mean_deviation.unwrap(), -1.0);
        assert_close(l[2].mean_deviation.unwrap(), 0.0);
        assert_eq!(l[3].mean_deviation, None);
        assert_close(l[0].z.unwrap(), 0.927);
        assert_close(l[1].z.unwrap(), -1.060);
        assert_close(l[2].z.unwrap(), 0.132);
        assert_eq!(l[3].z, None);
    }

    #[test]
    fn all_ratings_equal() {
        let m = complete(&[&[3.0, 3.0, 3.0], &[3.0, 3.0, 3.0], &[3.0, 3.0, 3.0]]);
        for metric in [Metric::Nominal, Metric::Interval, Metric::Ordinal] {
            assert_eq!(krippendorff_alpha(&m, metric), None);
        }
        assert_eq!(icc(&m), None);
        for l in leniency(&m) {
            assert_eq!(l.mean_deviation, Some(0.0));
            assert_eq!(l.units, 3);
            assert_eq!(l.z, None);
        }
        // Non-integer equal ratings: zero up to rounding is still zero.
        let m = complete(&[&[0.1, 0.1, 0.1], &[0.1, 0.1, 0.1]]);
        assert_eq!(icc(&m), None);
        assert!(leniency(&m).iter().all(|l| l.z.is_none()));
    }

    #[test]
    fn single_rater() {
        let m = complete(&[&[1.0], &[2.0], &[3.0]]);
        for metric in [Metric::Nominal, Metric::Interval, Metric::Ordinal] {
            assert_eq!(krippendorff_alpha(&m, metric), None);
        }
        assert_eq!(icc(&m), None);
        assert_eq!(
            leniency(&m),
            [Leniency {
                rater: "R0".into(),
                mean_deviation: None,
                units: 0,
                z: None
            }]
        );
    }

    #[test]
    fn units_with_one_rating() {
        let n = None;
        let m = matrix(&[&[Some(1.0), n, n], &[n, Some(4.0), n], &[n, n, Some(2.0)]]);
        for metric in [Metric::Nominal, Metric::Interval, Metric::Ordinal] {
            assert_eq!(krippendorff_alpha(&m, metric), None);
        }
        assert_eq!(icc(&m), None);
        assert!(leniency(&m)
            .iter()
            .all(|l| l.mean_deviation.is_none() && l.units == 0 && l.z.is_none()));
    }

    #[test]
    fn two_raters_with_equal_leniency() {
        // Two raters each above the other once: both mean deviations are 0.
        let m = complete(&[&[2.0, 4.0], &[4.0, 2.0]]);
        let l = leniency(&m);
        assert_eq!(l[0].mean_deviation, Some(0.0));
        assert_eq!(l[1].mean_deviation, Some(0.0));
        assert_eq!((l[0].z, l[1].z), (None, None));
    }

    #[test]
    fn empty_matrix() {
        let m = RatingMatrix::default();
        for metric in [Metric::Nominal, Metric::Interval, Metric::Ordinal] {
            assert_eq!(krippendorff_alpha(&m, metric), None);
        }
        assert_eq!(icc(&m), None);
        assert!(leniency(&m).is_empty());
        assert_eq!(RatingMatrix::from_triples(Vec::new()), m);

        // Raters and units but no ratings, and ragged/oversized rows.
        let m = RatingMatrix {
            raters: vec!["A".into(), "B".into()],
            units: vec!["u1".into(), "u2".into()],
            values: vec![vec![None, None, Some(3.0)]],
        };
        assert_eq!(krippendorff_alpha(&m, Metric::Ordinal), None);
        assert_eq!(icc(&m), None);
        assert_eq!(leniency(&m).len(), 2);
    }

    #[test]
    fn non_finite_ratings_are_missing() {
        let m = matrix(&[
            &[Some(1.0), Some(f64::NAN)],
            &[Some(2.0), Some(2.0)],
            &[Some(3.0), Some(f64::INFINITY)],
        ]);
        // Only unit 2 (2, 2) is pairable: no disagreement expected.
        assert_eq!(krippendorff_alpha(&m, Metric::Interval), None);
        assert_eq!(icc(&m), None);
        let l = leniency(&m);
        assert_eq!(l[0].units, 1);
        assert_eq!(l[1].units, 1);
    }

    #[test]
    fn helpers() {
        assert_eq!(mean(&[]), None);
        assert_eq!(sd(&[]), None);
        assert_eq!(spread(&[]), None);
        assert_eq!(mean(&[1.0, f64::NAN]), None);
        assert_eq!(sd(&[f64::INFINITY]), None);
        assert_eq!(spread(&[1.0, f64::NAN]), None);

        assert_eq!(mean(&[4.0]), Some(4.0));
        assert_eq!(sd(&[4.0]), Some(0.0));
        assert_eq!(spread(&[4.0]), Some(0.0));

        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population variance 32/8 = 4, SD 2.
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&xs), Some(5.0));
        assert_eq!(sd(&xs), Some(2.0));
        assert_eq!(spread(&xs), Some(7.0));
        assert_eq!(spread(&[3.0, -1.0, 2.0]), Some(4.0));
    }
}
