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
