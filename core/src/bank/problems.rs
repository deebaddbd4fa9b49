//! Every broken rule of a question at once. The question editor shows them
//! all beside their fields; a bank file import reports the first, which is
//! by construction the error a fail-fast check would have stopped at: the
//! rules run in one fixed order and every one of them runs.

use serde::Serialize;
use ts_rs::TS;

use super::FieldError;
use crate::validate;

/// One broken rule: the field path inside the question (`levels[1].anchor`)
/// and the message, as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FieldProblem {
    pub path: String,
    pub message: String,
}

/// The broken rules found so far, in the order the rules were checked, at
/// most one per field path (the first: a blank prompt is "must not be
/// empty", not that and "too short" too).
#[derive(Debug, Default)]
pub struct Problems {
    prefix: String,
    found: Vec<FieldError>,
}

impl Problems {
    /// Problems of fields under `prefix` (`questions[3]`; empty for a
    /// question on its own).
    pub fn under(prefix: &str) -> Self {
        Problems {
            prefix: prefix.to_string(),
            found: Vec::new(),
        }
    }

    /// The full path of `field` under this collector's prefix.
    pub fn path(&self, field: &str) -> String {
        match (self.prefix.is_empty(), field.is_empty()) {
            (true, _) => field.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}.{field}", self.prefix),
        }
    }

    /// Records `message` at `field` unless that field already has a problem.
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        let path = self.path(field);
        if !self.found.iter().any(|(p, _)| *p == path) {
            self.found.push((path, message.into()));
        }
    }

    /// Records a failed check at `field`; true when the check passed.
    pub fn check(&mut self, field: &str, c: validate::Check) -> bool {
        match c {
            Ok(()) => true,
            Err(m) => {
                self.push(field, m);
                false
            }
        }
    }

    /// Whether `field` (exactly) has a problem.
    pub fn has(&self, field: &str) -> bool {
        let path = self.path(field);
        self.found.iter().any(|(p, _)| *p == path)
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The first problem found: what a fail-fast check reports.
    pub fn first(&self) -> Option<&FieldError> {
        self.found.first()
    }

    pub fn into_vec(self) -> Vec<FieldProblem> {
        self.found
            .into_iter()
            .map(|(path, message)| FieldProblem { path, message })
            .collect()
    }
}

/// The text and list rules of a question (prompt, minutes, look-fors,
/// follow-ups, sources), every one of them. A list whose length is out of
/// range is not checked item by item.
pub fn question_text_problems(
    p: &mut Problems,
    prompt: &str,
    minutes: u32,
    look_fors: &[String],
    follow_ups: &[String],
    sources: &[String],
) {
    p.check("prompt", validate::question_text(prompt));
    p.check("minutes", validate::minutes(minutes));
    for (name, list, required) in [
        ("look_fors", look_fors, true),
        ("follow_ups", follow_ups, true),
        ("sources", sources, false),
    ] {
        if !p.check(name, validate::list_len(list.len())) {
            continue;
        }
        for (j, item) in list.iter().enumerate() {
            let c = if required {
                validate::question_text(item)
            } else {
                validate::text(item, validate::QUESTION_TEXT_CHARS)
            };
            p.check(&format!("{name}[{j}]"), c);
        }
    }
}

/// One level of a rubric: its value in range, a label on one line and an
/// anchor, every rule. `prefix` is the level's path (`levels[1]`).
pub fn level_problems(p: &mut Problems, prefix: &str, value: i64, label: &str, anchor: &str) {
    p.check(&format!("{prefix}.value"), validate::level_value(value));
    p.check(&format!("{prefix}.label"), validate::label(label));
    p.check(&format!("{prefix}.anchor"), validate::question_text(anchor));
}
