//! The one place the limits and shape rules of Panelist's data live.
//!
//! Every door calls these checks: creating and editing a session
//! (`session.rs` and the `Store` write methods), writing a question or a
//! competency by hand and importing a bank file (`bank.rs`), importing a
//! session file (`import.rs`, which the team server's push also runs), and the
//! retention setting. So whatever this installation can create, another
//! installation and the server accept, and what one door refuses, all refuse.
//!
//! The ranges are documented in docs/bank-format.md and
//! docs/session-format.md with the same numbers. Each check returns the
//! message without a field path; the door puts its own prefix and the path in
//! front (`bank file at questions[0].levels[1].value: ...`).

use chrono::{DateTime, Datelike, Timelike, Utc};
use uuid::Uuid;

/// Lowest and highest level value of a rubric (and of a bank file's scale).
pub const LEVEL_MIN: i64 = 0;
pub const LEVEL_MAX: i64 = 10;
/// Fewest and most levels on one rubric (or a bank file's scale).
pub const LEVELS_MIN: usize = 2;
pub const LEVELS_MAX: usize = 10;
/// Characters in a person's name, a role, a kit name or a competency name.
pub const NAME_CHARS: usize = 200;
/// Characters in a level's label.
pub const LABEL_CHARS: usize = 100;
/// Characters in a question id, a competency id or a kit id.
pub const ID_CHARS: usize = 80;
/// Characters in a question's prompt, an anchor, a look-for, a follow-up, a
/// source or a description.
pub const QUESTION_TEXT_CHARS: usize = 10_000;
/// Characters in a note, the summary, a red flag, a reason or an audit value.
pub const TEXT_CHARS: usize = 1_000_000;
/// Items in one list: look-fors, follow-ups, sources or red flags.
pub const LIST_ITEMS: usize = 100;
/// Look-fors of a question in the bank: the live screen gives each one a
/// key (the home row, Alt+A to Alt+L), so a question never has one without.
/// The UI's key list is checked against this number at compile time
/// (`ui/src/bindings/limits.ts`, generated below).
pub const LOOK_FORS_MAX: usize = 9;
/// Follow-ups of a question in the bank: one key each (Alt+Z X C V B M).
pub const FOLLOW_UPS_MAX: usize = 6;
/// Questions in one session or one kit.
pub const ENTRIES: usize = 500;
/// Audit events of one session.
pub const AUDIT_EVENTS: usize = 10_000;
/// Minutes budgeted for one question.
pub const MINUTES_MIN: u32 = 1;
pub const MINUTES_MAX: u32 = 180;
/// Seconds spent on one question: a day.
pub const SECONDS_SPENT: u64 = 86_400;
/// Revisions: far beyond a lifetime of edits, far below any overflow (and
/// exact in JavaScript).
pub const REVISION: u64 = 1_000_000_000;
/// The retention period, in days: one day to a hundred years.
pub const RETENTION_DAYS_MIN: u32 = 1;
pub const RETENTION_DAYS_MAX: u32 = 36_500;
/// Earliest and latest acceptable timestamps (years, UTC).
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2200;

/// Interviewers on one interview plan.
pub const PLAN_MEMBERS: usize = 50;
/// Rounds of one plan: each interviewer is in round 1 to this.
pub const PLAN_ROUNDS: u32 = 20;
/// Focus competencies of one interviewer in a plan.
pub const FOCUS_ITEMS: usize = 20;

/// A broken rule, as a message without the field path.
pub type Check = std::result::Result<(), String>;

/// A level value (a rubric level, a score, a scale point).
pub fn level_value(v: i64) -> Check {
    if (LEVEL_MIN..=LEVEL_MAX).contains(&v) {
        Ok(())
    } else {
        Err(format!("{v} is outside {LEVEL_MIN}..={LEVEL_MAX}"))
    }
}

/// How many levels a rubric (or a scale) has.
pub fn level_count(n: usize) -> Check {
    if (LEVELS_MIN..=LEVELS_MAX).contains(&n) {
        Ok(())
    } else {
        Err(format!(
            "needs {LEVELS_MIN} to {LEVELS_MAX} levels, found {n}"
        ))
    }
}

/// Level values strictly ascending: returns the index of the first that is
/// not above the one before it.
pub fn first_not_ascending(values: impl IntoIterator<Item = i64>) -> Option<usize> {
    let mut prev: Option<i64> = None;
    for (i, v) in values.into_iter().enumerate() {
        if prev.is_some_and(|p| v <= p) {
            return Some(i);
        }
        prev = Some(v);
    }
    None
}

fn chars_at_most(v: &str, max: usize) -> Check {
    // Counting stops at the limit: a huge string costs no more than a short one.
    if v.chars().nth(max).is_some() {
        Err(format!("longer than {max} characters"))
    } else {
        Ok(())
    }
}

/// One line of at most `max` characters, without control characters (no
/// line breaks, tabs, NUL, escape...). May be empty.
pub fn line(v: &str, max: usize) -> Check {
    chars_at_most(v, max)?;
    if v.chars().any(char::is_control) {
        return Err("holds a control character (it must be one line of text)".into());
    }
    Ok(())
}

/// Free text of at most `max` characters: line breaks and tabs allowed, no
/// NUL. May be empty.
pub fn text(v: &str, max: usize) -> Check {
    chars_at_most(v, max)?;
    if v.contains('\0') {
        return Err("holds a NUL character".into());
    }
    Ok(())
}

/// Not blank.
pub fn not_blank(v: &str) -> Check {
    if v.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(())
    }
}

/// A required line: not blank, one line, at most `max` characters.
pub fn required_line(v: &str, max: usize) -> Check {
    not_blank(v)?;
    line(v, max)
}

/// A required text: not blank, at most `max` characters, no NUL.
pub fn required_text(v: &str, max: usize) -> Check {
    not_blank(v)?;
    text(v, max)
}

/// A name (a person, a kit, a competency): something left after the
/// identity folding of `crate::text::name_key`, one line, at most
/// [`NAME_CHARS`].
pub fn name(v: &str) -> Check {
    line(v, NAME_CHARS)?;
    if crate::text::name_key(v).is_empty() {
        return Err("must not be empty".into());
    }
    Ok(())
}

/// A person's name (a candidate or an interviewer): a name that keeps at
/// least one letter once folded by the identity rule (`text::name_key`).
pub fn person_name(v: &str) -> Check {
    line(v, NAME_CHARS)?;
    match crate::text::person_name_problem(v) {
        Some(problem) => Err(problem.into()),
        None => Ok(()),
    }
}

/// A level's label.
pub fn label(v: &str) -> Check {
    required_line(v, LABEL_CHARS)
}

/// A question's prompt, an anchor, a look-for, a follow-up (required).
pub fn question_text(v: &str) -> Check {
    required_text(v, QUESTION_TEXT_CHARS)
}

/// The number of items in one list.
pub fn list_len(n: usize) -> Check {
    if n > LIST_ITEMS {
        Err(format!("more than {LIST_ITEMS} items"))
    } else {
        Ok(())
    }
}

/// The number of look-fors or follow-ups a question in the bank may have:
/// at most `max`, one live-screen key each.
pub fn checklist_len(n: usize, max: usize) -> Check {
    if n > max {
        Err(format!(
            "{n} items, at most {max} (one key each on the live screen)"
        ))
    } else {
        Ok(())
    }
}

/// The number of questions in a session or a kit.
pub fn entry_count(n: usize) -> Check {
    if n > ENTRIES {
        Err(format!("more than {ENTRIES} questions"))
    } else {
        Ok(())
    }
}

/// A question id, competency id or kit id: lowercase ASCII letters, digits
/// and inner dashes, at most [`ID_CHARS`].
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= ID_CHARS
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// As [`is_slug`], with the message.
pub fn slug(s: &str) -> Check {
    if is_slug(s) {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a valid id (lowercase letters, digits and dashes, at most {ID_CHARS})",
            s.chars().take(ID_CHARS + 1).collect::<String>()
        ))
    }
}

/// A question's time budget.
pub fn minutes(m: u32) -> Check {
    if (MINUTES_MIN..=MINUTES_MAX).contains(&m) {
        Ok(())
    } else {
        Err(format!("{m} is outside {MINUTES_MIN}..={MINUTES_MAX}"))
    }
}

/// Seconds spent on one question.
pub fn seconds_spent(s: u64) -> Check {
    if s > SECONDS_SPENT {
        Err(format!("{s} is more than a day ({SECONDS_SPENT} seconds)"))
    } else {
        Ok(())
    }
}

/// A session's revision.
pub fn revision(r: u64) -> Check {
    if r > REVISION {
        Err(format!("{r} is above {REVISION}"))
    } else {
        Ok(())
    }
}

/// A retention period in days (any integer type, as typed or as stored).
pub fn retention_days(d: i128) -> std::result::Result<u32, String> {
    if (i128::from(RETENTION_DAYS_MIN)..=i128::from(RETENTION_DAYS_MAX)).contains(&d) {
        Ok(d as u32)
    } else {
        Err(format!(
            "{d} days is outside {RETENTION_DAYS_MIN}..={RETENTION_DAYS_MAX} (one day to a hundred years)"
        ))
    }
}

/// A timestamp: within the years [`FIRST_YEAR`]–[`LAST_YEAR`], and not a
/// leap second (`:60`, which RFC 3339 allows but no clock here writes).
pub fn timestamp(t: &DateTime<Utc>) -> Check {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&t.year()) {
        return Err(format!("{t} is outside the years {FIRST_YEAR}–{LAST_YEAR}"));
    }
    if t.nanosecond() >= 1_000_000_000 {
        return Err(format!("{t} is a leap second (second 60)"));
    }
    Ok(())
}

/// An id made here: a UUIDv7 (RFC 9562 variant), never the nil id.
pub fn id_v7(id: &Uuid) -> Check {
    if id.is_nil() {
        return Err("the nil id is not an id".into());
    }
    if id.get_version_num() != 7 || id.get_variant() != uuid::Variant::RFC4122 {
        return Err(format!("{id} is not a UUIDv7"));
    }
    Ok(())
}

/// The number of interviewers on a plan (a new plan has none yet).
pub fn plan_members(n: usize) -> Check {
    if n > PLAN_MEMBERS {
        Err(format!("more than {PLAN_MEMBERS} interviewers"))
    } else {
        Ok(())
    }
}

/// An interviewer's round in a plan.
pub fn round(r: u32) -> Check {
    if (1..=PLAN_ROUNDS).contains(&r) {
        Ok(())
    } else {
        Err(format!("{r} is outside 1..={PLAN_ROUNDS}"))
    }
}

/// The number of focus competencies of one interviewer.
pub fn focus_count(n: usize) -> Check {
    if n > FOCUS_ITEMS {
        Err(format!("more than {FOCUS_ITEMS} focus competencies"))
    } else {
        Ok(())
    }
}

/// A later time of a pair (a feedback due time after the interview, an
/// update after the creation) is not before the earlier one.
pub fn not_before(later: &DateTime<Utc>, earlier: &DateTime<Utc>, earlier_name: &str) -> Check {
    if later < earlier {
        Err(format!("{later} is before {earlier_name} ({earlier})"))
    } else {
        Ok(())
    }
}

/// The position of the first item equal to an earlier one, with the earlier
/// one's position (question ids, focus competencies).
pub fn first_repeat<T: Eq + std::hash::Hash>(
    items: impl IntoIterator<Item = T>,
) -> Option<(usize, usize)> {
    let mut seen = std::collections::HashMap::new();
    for (i, item) in items.into_iter().enumerate() {
        if let Some(first) = seen.insert(item, i) {
            return Some((i, first));
        }
    }
    None
}

/// The first person name that is another one's by the identity rule
/// (`text::name_key`): its position and the earlier one's.
pub fn first_repeated_name<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<(usize, usize)> {
    first_repeat(names.into_iter().map(crate::text::name_key))
}

/// Indices into a list of `len` items, strictly ascending (so no repeats):
/// on failure, the position of the first bad index and the message.
pub fn ascending_indices(hits: &[u32], len: usize) -> std::result::Result<(), (usize, String)> {
    let mut prev: Option<u32> = None;
    for (j, h) in hits.iter().enumerate() {
        if *h as usize >= len {
            return Err((j, format!("{h} is out of range (the question has {len})")));
        }
        match prev {
            Some(p) if *h == p => return Err((j, format!("{h} appears twice"))),
            Some(p) if *h < p => {
                return Err((j, format!("{h} comes after {p}: indices are ascending")))
            }
            _ => {}
        }
        prev = Some(*h);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Writes the limits the UI must agree with as TypeScript constants,
    /// beside the ts-rs bindings (and checked for staleness with them).
    #[test]
    fn export_bindings_limits() {
        // Set by .cargo/config.toml (absolute: `relative = true`), or by the
        // test command's staleness check.
        let dir = std::path::PathBuf::from(
            std::env::var("TS_RS_EXPORT_DIR")
                .expect("TS_RS_EXPORT_DIR is set in .cargo/config.toml"),
        );
        std::fs::create_dir_all(&dir).unwrap();
        let text = format!(
            "// Generated from core/src/validate.rs by `cargo test -p panelist-core export_bindings`. Do not edit.\n\
             \n\
             /** Look-fors of a question in the bank: one live-screen key each. */\n\
             export const LOOK_FORS_MAX = {LOOK_FORS_MAX};\n\
             /** Follow-ups of a question in the bank: one live-screen key each. */\n\
             export const FOLLOW_UPS_MAX = {FOLLOW_UPS_MAX};\n"
        );
        std::fs::write(dir.join("limits.ts"), text).unwrap();
    }

    #[test]
    fn levels_are_bounded_at_both_ends() {
        assert!(level_value(LEVEL_MIN).is_ok() && level_value(LEVEL_MAX).is_ok());
        for v in [i64::MIN, -1, LEVEL_MAX + 1, i64::MAX] {
            assert!(level_value(v).is_err(), "{v}");
        }
        assert!(level_count(1).is_err() && level_count(LEVELS_MAX + 1).is_err());
        assert_eq!(first_not_ascending([1, 2, 2]), Some(2));
        assert_eq!(first_not_ascending([0, 1, 10]), None);
    }

    #[test]
    fn lines_refuse_control_characters_and_length() {
        assert!(line("Good", LABEL_CHARS).is_ok());
        assert!(line("a\nb", LABEL_CHARS).is_err());
        assert!(line("a\u{85}b", LABEL_CHARS).is_err());
        assert!(line(&"x".repeat(LABEL_CHARS + 1), LABEL_CHARS).is_err());
        assert!(text("a\nb\tc", 10).is_ok());
        assert!(text("a\0", 10).is_err());
    }

    #[test]
    fn ids_must_be_v7() {
        let v7 = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
        let v4 = Uuid::from_u128(0x0190_0000_0000_4000_8000_0000_0000_0001);
        assert!(id_v7(&v7).is_ok());
        assert!(id_v7(&v4).is_err());
        assert!(id_v7(&Uuid::nil()).is_err());
    }

    #[test]
    fn leap_seconds_and_far_years_are_refused() {
        let t = Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 59).unwrap();
        assert!(timestamp(&t).is_ok());
        let leap: DateTime<Utc> = "2016-12-31T23:59:60Z".parse().unwrap();
        assert!(timestamp(&leap).unwrap_err().contains("leap"));
        let far: DateTime<Utc> = "2999-01-01T00:00:00Z".parse().unwrap();
        assert!(timestamp(&far).is_err());
    }

    #[test]
    fn retention_days_are_one_day_to_a_century() {
        assert_eq!(retention_days(30), Ok(30));
        for d in [0, -1, 36_501, 100_000_000, i128::from(u64::MAX)] {
            assert!(retention_days(d).is_err(), "{d}");
        }
    }

    #[test]
    fn plan_rules_are_bounded_and_name_repeats_use_the_identity_key() {
        assert!(round(0).is_err() && round(1).is_ok() && round(PLAN_ROUNDS + 1).is_err());
        assert!(plan_members(PLAN_MEMBERS).is_ok() && plan_members(PLAN_MEMBERS + 1).is_err());
        assert!(focus_count(FOCUS_ITEMS + 1).is_err());
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap();
        assert!(not_before(&at, &at, "at").is_ok());
        assert!(not_before(&(at - chrono::Duration::minutes(1)), &at, "at").is_err());
        assert_eq!(
            first_repeated_name(["José Álvarez", "Ada", "JOSE\u{301} A\u{301}LVAREZ"]),
            Some((2, 0))
        );
        assert_eq!(first_repeat(["a", "b", "c"]), None);
    }

    #[test]
    fn indices_ascend() {
        assert!(ascending_indices(&[0, 2], 3).is_ok());
        assert_eq!(ascending_indices(&[1, 0], 3).unwrap_err().0, 1);
        assert_eq!(ascending_indices(&[0, 0], 3).unwrap_err().0, 1);
        assert_eq!(ascending_indices(&[3], 3).unwrap_err().0, 0);
    }
}
