//! Unit tests of the bank model, the bank file format and authoring.

use super::*;

#[test]
fn line_col_counts_from_one() {
    assert_eq!(line_col(b"ab\ncd", 4), (2, 2));
    assert_eq!(line_col(b"abc", 0), (1, 1));
}

#[test]
fn depth_ignores_brackets_inside_strings() {
    assert!(check_depth(r#"{"a":"[[[[[[\"[[[\\\\"}"#, 2).is_ok());
    assert!(check_depth("[[[]]]", 2).unwrap_err().contains("column 3"));
    assert!(check_depth("[[]]", 2).is_ok());
}

#[test]
fn budgets_add_the_picked_questions_minutes() {
    let bank = builtin_bank().unwrap();
    let qs = &bank.questions;
    let ids: Vec<String> = qs.iter().take(3).map(|q| q.id.clone()).collect();
    let want: u32 = qs.iter().take(3).map(|q| q.minutes).sum();
    assert!(want > 0);
    assert_eq!(budget_minutes(qs, &ids).unwrap(), want);
    assert_eq!(budget_minutes(qs, &[]).unwrap(), 0);
    let e = budget_minutes(qs, &[ids[0].clone(), "gone".into()]).unwrap_err();
    assert_eq!(e.code(), "not_found");
}

#[test]
fn slugs() {
    assert!(is_slug("rest-api-design"));
    assert!(!is_slug("Rest"));
    assert!(!is_slug("-x"));
    assert!(!is_slug(""));
}
