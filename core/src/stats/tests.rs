//! Known-answer tests of the agreement statistics (published examples).

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
