//! The question bank: competencies, questions with their rubrics, and kits,
//! plus the bank file format (see docs/bank-format.md) and its validation.
//!
//! Parsing is strict and all-or-nothing: a file either yields a complete
//! [`ValidBank`] or an error naming the field path (and line) that is wrong.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::validate;

/// Format name written in every bank file.
pub const BANK_FORMAT: &str = "panelist-bank";
/// The newest bank format version this build reads and writes. Version 2
/// adds `retired` on questions; a bank without retired questions is still
/// written as version 1, so older Panelists read it.
pub const BANK_VERSION: u32 = 2;
/// The oldest bank format version this build reads.
pub const BANK_MIN_VERSION: u32 = 1;
/// Bank files larger than this are refused before parsing.
pub const MAX_BANK_BYTES: usize = 256 * 1024 * 1024;

/// The built-in bank, in the bank file format, embedded in the binary.
pub const BUILTIN_BANK_JSON: &str = include_str!("../bank/builtin.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum Seniority {
    Junior,
    Mid,
    Senior,
}

impl Seniority {
    pub fn as_str(self) -> &'static str {
        match self {
            Seniority::Junior => "junior",
            Seniority::Mid => "mid",
            Seniority::Senior => "senior",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Concept,
    Scenario,
    Experience,
    Behavioural,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Concept => "concept",
            Kind::Scenario => "scenario",
            Kind::Experience => "experience",
            Kind::Behavioural => "behavioural",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Competency {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// One point on a rubric: a score value, its label, and an anchor that says
/// what an answer at this level sounds like for this question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Level {
    #[ts(type = "number")]
    pub value: i64,
    pub label: String,
    pub anchor: String,
}

/// Ordered levels (ascending value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub levels: Vec<Level>,
}

impl Rubric {
    pub fn level(&self, value: i64) -> Option<&Level> {
        self.levels.iter().find(|l| l.value == value)
    }

    pub fn values(&self) -> Vec<i64> {
        self.levels.iter().map(|l| l.value).collect()
    }

    /// Checks that `value` is on this rubric's scale.
    pub fn check(&self, question_id: &str, value: i64) -> Result<&Level> {
        self.level(value).ok_or_else(|| {
            let allowed: Vec<String> = self.values().iter().map(i64::to_string).collect();
            Error::invalid(format!(
                "level {value} is not on the scale of question {question_id:?} (allowed: {})",
                allowed.join(", ")
            ))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub competency: String,
    pub seniority: Seniority,
    pub kind: Kind,
    /// Time budget in minutes.
    pub minutes: u32,
    pub look_fors: Vec<String>,
    pub follow_ups: Vec<String>,
    pub rubric: Rubric,
    /// Where the question came from (seed article file names, or a bank file).
    pub sources: Vec<String>,
}

/// A named, ordered list of questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Kit {
    pub id: String,
    pub name: String,
    pub description: String,
    pub questions: Vec<String>,
}

/// A kit with its total time budget, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KitSummary {
    pub id: String,
    pub name: String,
    pub description: String,
    pub questions: Vec<String>,
    pub minutes: u32,
}

// ---------------------------------------------------------------------------
// The file format

/// A bank file as written on disk. Field docs live in docs/bank-format.md and
/// docs/bank.schema.json.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankFile {
    pub format: String,
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Vec<ScaleLevel>>,
    #[serde(default)]
    pub competencies: Vec<Competency>,
    pub questions: Vec<QuestionDoc>,
    #[serde(default)]
    pub kits: Vec<KitDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleLevel {
    pub value: i64,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct QuestionDoc {
    pub id: String,
    pub prompt: String,
    pub competency: String,
    pub seniority: Seniority,
    pub kind: Kind,
    pub minutes: u32,
    pub look_fors: Vec<String>,
    pub follow_ups: Vec<String>,
    pub levels: Vec<LevelDoc>,
    #[serde(default)]
    pub sources: Vec<String>,
    /// Version 2: hidden from pickers, kept for the sessions that used it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(optional = nullable)]
    pub retired: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct LevelDoc {
    #[ts(type = "number")]
    pub value: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub label: Option<String>,
    pub anchor: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KitDoc {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub questions: Vec<String>,
}

/// The scale used when a bank file declares none.
pub fn default_scale() -> Vec<ScaleLevel> {
    [(1, "Poor"), (2, "Mixed"), (3, "Good"), (4, "Excellent")]
        .into_iter()
        .map(|(value, label)| ScaleLevel {
            value,
            label: label.to_string(),
        })
        .collect()
}

/// A bank file that passed every check, ready to store.
#[derive(Debug, Clone)]
pub struct ValidBank {
    pub competencies: Vec<Competency>,
    pub questions: Vec<Question>,
    pub kits: Vec<Kit>,
    /// Ids of the questions the file marks as retired.
    pub retired: BTreeSet<String>,
}

/// What is already in the database, for checking references in an import.
#[derive(Debug, Default, Clone)]
pub struct KnownIds {
    pub competencies: BTreeSet<String>,
    pub questions: BTreeSet<String>,
}

/// Parses bank file bytes. Errors name the line and field path.
pub fn parse_bank(bytes: &[u8]) -> Result<BankFile> {
    if bytes.len() > MAX_BANK_BYTES {
        return Err(Error::invalid(format!(
            "bank file is {} bytes; the limit is {} bytes",
            bytes.len(),
            MAX_BANK_BYTES
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col(bytes, e.valid_up_to());
        Error::invalid(format!(
            "bank file is not valid UTF-8: bad byte at line {line}, column {col} (offset {})",
            e.valid_up_to()
        ))
    })?;
    check_depth(text, MAX_DEPTH).map_err(|e| Error::invalid(format!("bank file {e}")))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let file: BankFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = if path == "." {
            String::new()
        } else {
            format!(" at {path}")
        };
        Error::invalid(format!("bank file{at}: {inner}"))
    })?;
    de.end()
        .map_err(|e| Error::invalid(format!("bank file: {e}")))?;
    Ok(file)
}

/// Deepest JSON nesting a bank or session file may use.
pub const MAX_DEPTH: usize = 32;

/// Refuses JSON nested deeper than `max` before any parsing, naming where.
pub fn check_depth(text: &str, max: usize) -> std::result::Result<(), String> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    let (line, col) = line_col(text.as_bytes(), i);
                    return Err(format!(
                        "nests deeper than {max} levels (at line {line}, column {col})"
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

pub(crate) fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let col = offset
        - before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, col)
}

/// The time budget, in minutes, of these questions (by id, from `questions`),
/// as a session made of them will have it. An unknown id is an error.
pub fn budget_minutes(questions: &[Question], ids: &[String]) -> Result<u32> {
    ids.iter()
        .map(|id| {
            questions
                .iter()
                .find(|q| &q.id == id)
                .map(|q| q.minutes)
                .ok_or_else(|| Error::NotFound(format!("no question {id:?} in the bank")))
        })
        .sum()
}

pub fn is_slug(s: &str) -> bool {
    validate::is_slug(s)
}

/// The `id` of the record at `path` is a slug.
fn slug_id(path: &str, id: &str) -> Result<()> {
    if is_slug(id) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "bank file at {path}.id: {}",
            not_a_slug(id)
        )))
    }
}

/// Why `id` is refused as a record's id in a bank file.
fn not_a_slug(id: &str) -> String {
    format!("{id:?} is not a valid id (lowercase letters, digits and dashes)")
}

/// A check from [`crate::validate`] at a bank file's field path.
fn at(path: &str, c: validate::Check) -> Result<()> {
    c.map_err(|m| Error::invalid(format!("bank file at {path}: {m}")))
}

/// A broken rule of a question: the field path inside the question
/// (`levels[1].label`) and the message.
pub type FieldError = (String, String);

fn field(path: impl Into<String>, c: validate::Check) -> std::result::Result<(), FieldError> {
    c.map_err(|m| (path.into(), m))
}

/// The text and list rules of a question, shared by bank files, authoring
/// and session snapshots: the first of [`problems::question_text_problems`].
fn check_question_text(
    prompt: &str,
    minutes: u32,
    look_fors: &[String],
    follow_ups: &[String],
    sources: &[String],
) -> std::result::Result<(), FieldError> {
    let mut p = Problems::default();
    problems::question_text_problems(&mut p, prompt, minutes, look_fors, follow_ups, sources);
    p.first().cloned().map_or(Ok(()), Err)
}

/// One level of a rubric: the first of [`problems::level_problems`], with
/// the field path relative to the level.
fn check_level(value: i64, label: &str, anchor: &str) -> std::result::Result<(), FieldError> {
    let mut p = Problems::default();
    problems::level_problems(&mut p, "", value, label, anchor);
    p.first()
        .map(|(f, m)| (f.trim_start_matches('.').to_string(), m.clone()))
        .map_or(Ok(()), Err)
}

/// Every rule of a complete question (a session's snapshot of one): what a
/// bank file import or the question editor guarantees, so a snapshot that
/// breaks it was not made by a Panelist. Paths as in a session file
/// (`rubric.levels[0].value`).
pub fn check_snapshot(q: &Question) -> std::result::Result<(), FieldError> {
    field("id", validate::slug(&q.id))?;
    field("competency", validate::slug(&q.competency))?;
    check_question_text(
        &q.prompt,
        q.minutes,
        &q.look_fors,
        &q.follow_ups,
        &q.sources,
    )?;
    let levels = &q.rubric.levels;
    field("rubric.levels", validate::level_count(levels.len()))?;
    for (j, l) in levels.iter().enumerate() {
        check_level(l.value, &l.label, &l.anchor)
            .map_err(|(f, m)| (format!("rubric.levels[{j}].{f}"), m))?;
    }
    if let Some(j) = validate::first_not_ascending(levels.iter().map(|l| l.value)) {
        return Err((
            format!("rubric.levels[{j}].value"),
            "levels must be strictly ascending (no duplicates)".into(),
        ));
    }
    Ok(())
}

/// The rules of a kit's own fields (its name, description and how many
/// questions it lists), for bank files and the kit editor alike.
pub fn check_kit_fields(k: &Kit) -> std::result::Result<(), FieldError> {
    field("id", validate::slug(&k.id))?;
    field("name", validate::name(&k.name))?;
    field(
        "description",
        validate::text(&k.description, validate::QUESTION_TEXT_CHARS),
    )?;
    field("questions", validate::entry_count(k.questions.len()))
}

mod file;
pub mod problems;
pub use problems::{FieldProblem, Problems};

/// The built-in bank, parsed and validated.
pub fn builtin_bank() -> Result<ValidBank> {
    parse_bank(BUILTIN_BANK_JSON.as_bytes())?.validate(&KnownIds::default())
}

mod authoring;
pub use authoring::*;

#[cfg(test)]
mod tests;
