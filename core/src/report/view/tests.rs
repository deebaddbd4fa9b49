//! Unit tests of the report view model (chart geometry, tables).

use super::*;

#[test]
fn any_scale_gives_a_bounded_axis_without_overflow() {
    for (min, max) in [
        (i64::MIN, i64::MAX),
        (-1_000_000, 1_000_000),
        (0, 0),
        (5, 1),
        (1, 4),
    ] {
        let t = ticks(min, max, 190.0, 510.0);
        assert!(
            t.len() <= MAX_TICKS as usize + 1,
            "{min}..{max}: {}",
            t.len()
        );
        for x in &t {
            let x: f64 = x.x.parse().unwrap();
            assert!((190.0..=700.0).contains(&x), "{min}..{max}: {x}");
        }
    }
    assert_eq!(ticks(1, 4, 0.0, 3.0).len(), 4);
    assert_eq!(along(100.0, f64::NAN, 0, 4), 0.0);
    assert_eq!(along(100.0, 9.0, 0, 4), 100.0);
}

/// Why (issue: charts): the axis starts at the scale's floor, so a score of 1
/// on 1–4 drew a bar of width 0, which reads as "not scored". Every score
/// is now at least a visible mark, and the bars keep their order.
#[test]
fn a_score_at_the_floor_is_a_visible_mark() {
    for (lo, hi) in [(1, 4), (0, 10), (1, 5), (0, 1)] {
        let floor = bar_width(476.0, lo as f64, lo, hi);
        assert!(floor >= FLOOR_MARK, "{lo}..{hi}: {floor}");
        let mut last = floor;
        for v in lo..=hi {
            let w = bar_width(476.0, v as f64, lo, hi);
            assert!(w >= last, "{lo}..{hi}: {v} -> {w} after {last}");
            last = w;
        }
        assert_eq!(bar_width(476.0, hi as f64, lo, hi), 476.0);
    }
}
