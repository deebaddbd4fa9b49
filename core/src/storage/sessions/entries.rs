//! The per-action writes of a live interview: a score, a skip, notes, a
//! look-for or follow-up tick, time. Each is one IMMEDIATE transaction made
//! by one helper (`change_entry`): the session must be changeable (a draft
//! is started, the revision bumped) and the question must be one of its
//! entries before the write runs.

use super::*;

#[derive(Clone, Copy)]
enum ListField {
    LookFors,
    FollowUps,
}

impl Store {
    /// One write to one entry of a session that may change: one IMMEDIATE
    /// transaction that checks the session (a draft is started, the
    /// revision bumped) and that `question_id` is one of its entries, then
    /// runs `f`.
    fn change_entry<T>(
        &mut self,
        id: SessionId,
        question_id: &str,
        now: DateTime<Utc>,
        f: impl FnOnce(&Transaction) -> Result<T>,
    ) -> Result<T> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            check_entry(tx, id, question_id)?;
            f(tx)
        })
    }

    /// [`Store::change_entry`] for a write that needs the entry's question
    /// (its rubric or lists) as the session snapshotted it.
    fn change_question<T>(
        &mut self,
        id: SessionId,
        question_id: &str,
        now: DateTime<Utc>,
        f: impl FnOnce(&Transaction, &Question) -> Result<T>,
    ) -> Result<T> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            let q = entry_question(tx, id, question_id)?;
            f(tx, &q)
        })
    }

    /// Sets (or with `None` clears) the score of one question. Clears `skipped`.
    pub fn set_score(
        &mut self,
        id: SessionId,
        question_id: &str,
        level: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.change_question(id, question_id, now, |tx, q| {
            if let Some(v) = level {
                q.rubric.check(question_id, v)?;
            }
            tx.prepare_cached(SET_SCORE)?
                .execute(params![id, question_id, level])?;
            Ok(())
        })
    }

    /// Marks a question skipped (clearing its score) or not skipped.
    pub fn set_skipped(
        &mut self,
        id: SessionId,
        question_id: &str,
        skipped: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.change_entry(id, question_id, now, |tx| {
            tx.prepare_cached(SET_SKIPPED)?
                .execute(params![id, question_id, skipped])?;
            Ok(())
        })
    }

    /// Replaces the notes of one question.
    pub fn set_notes(
        &mut self,
        id: SessionId,
        question_id: &str,
        notes: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        crate::session::check_notes(question_id, notes)?;
        self.change_entry(id, question_id, now, |tx| {
            tx.prepare_cached(SET_NOTES)?
                .execute(params![id, question_id, notes])?;
            Ok(())
        })
    }

    /// Ticks or unticks a look-for (by index into the snapshot's list).
    pub fn set_look_for(
        &mut self,
        id: SessionId,
        question_id: &str,
        index: u32,
        on: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.toggle_list(id, question_id, index, on, now, ListField::LookFors)
    }

    /// Ticks or unticks a follow-up as asked.
    pub fn set_follow_up(
        &mut self,
        id: SessionId,
        question_id: &str,
        index: u32,
        on: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.toggle_list(id, question_id, index, on, now, ListField::FollowUps)
    }

    fn toggle_list(
        &mut self,
        id: SessionId,
        question_id: &str,
        index: u32,
        on: bool,
        now: DateTime<Utc>,
        field: ListField,
    ) -> Result<()> {
        self.change_question(id, question_id, now, |tx, q| {
            let (len, read, write, what) = match field {
                ListField::LookFors => (q.look_fors.len(), LOOK_FORS, SET_LOOK_FORS, "look-for"),
                ListField::FollowUps => {
                    (q.follow_ups.len(), FOLLOW_UPS, SET_FOLLOW_UPS, "follow-up")
                }
            };
            if index as usize >= len {
                return Err(Error::invalid(format!(
                    "question {question_id:?} has {len} {what}s; there is no {what} number {}",
                    index + 1
                )));
            }
            let current: Json<Vec<u32>> = tx
                .prepare_cached(read)?
                .query_row(params![id, question_id], |r| r.get(0))?;
            let mut set: BTreeSet<u32> = current.0.into_iter().collect();
            if on {
                set.insert(index);
            } else {
                set.remove(&index);
            }
            let list: Vec<u32> = set.into_iter().collect();
            tx.prepare_cached(write)?
                .execute(params![id, question_id, to_json(&list)])?;
            Ok(())
        })
    }

    /// Adds time spent on a question.
    pub fn add_time(
        &mut self,
        id: SessionId,
        question_id: &str,
        seconds: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        crate::session::check_seconds(seconds)?;
        // The total stays within a day, the range every Panelist imports.
        let most = crate::validate::SECONDS_SPENT as i64;
        self.change_entry(id, question_id, now, |tx| {
            tx.prepare_cached(ADD_TIME)?
                .execute(params![id, question_id, seconds as i64, most])?;
            Ok(())
        })
    }
}
