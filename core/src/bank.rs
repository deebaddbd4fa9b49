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

fn non_empty(path: &str, value: &str) -> Result<()> {
    at(path, validate::not_blank(value))
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
/// and session snapshots.
fn check_question_text(
    prompt: &str,
    minutes: u32,
    look_fors: &[String],
    follow_ups: &[String],
    sources: &[String],
) -> std::result::Result<(), FieldError> {
    field("prompt", validate::question_text(prompt))?;
    field("minutes", validate::minutes(minutes))?;
    for (name, list, required) in [
        ("look_fors", look_fors, true),
        ("follow_ups", follow_ups, true),
        ("sources", sources, false),
    ] {
        field(name, validate::list_len(list.len()))?;
        for (j, item) in list.iter().enumerate() {
            let c = if required {
                validate::question_text(item)
            } else {
                validate::text(item, validate::QUESTION_TEXT_CHARS)
            };
            field(format!("{name}[{j}]"), c)?;
        }
    }
    Ok(())
}

/// One level of a rubric: its value in range, a label on one line and an
/// anchor. The field path is relative to the level.
fn check_level(value: i64, label: &str, anchor: &str) -> std::result::Result<(), FieldError> {
    field("value", validate::level_value(value))?;
    field("label", validate::label(label))?;
    field("anchor", validate::question_text(anchor))
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

impl BankFile {
    /// Checks every rule of the format and resolves labels from the scale.
    /// `known` lists what the database already holds, so a file may refer to
    /// existing competencies and questions.
    pub fn validate(&self, known: &KnownIds) -> Result<ValidBank> {
        if self.format != BANK_FORMAT {
            return Err(Error::invalid(format!(
                "bank file at format: expected {BANK_FORMAT:?}, found {:?}",
                self.format
            )));
        }
        if !(BANK_MIN_VERSION..=BANK_VERSION).contains(&self.version) {
            return Err(Error::invalid(format!(
                "bank file at version: this Panelist reads bank format versions {BANK_MIN_VERSION} to {BANK_VERSION}, the file is version {}",
                self.version
            )));
        }
        let scale = self.scale.clone().unwrap_or_else(default_scale);
        at("scale", validate::level_count(scale.len()))?;
        for (i, l) in scale.iter().enumerate() {
            at(&format!("scale[{i}].value"), validate::level_value(l.value))?;
            at(&format!("scale[{i}].label"), validate::label(&l.label))?;
        }
        if let Some(i) = validate::first_not_ascending(scale.iter().map(|l| l.value)) {
            return Err(Error::invalid(format!(
                "bank file at scale[{i}].value: values must be strictly ascending"
            )));
        }
        let labels: HashMap<i64, &str> =
            scale.iter().map(|l| (l.value, l.label.as_str())).collect();

        let mut competency_ids = known.competencies.clone();
        let mut seen = HashMap::new();
        for (i, c) in self.competencies.iter().enumerate() {
            let path = format!("competencies[{i}]");
            if !is_slug(&c.id) {
                return Err(Error::invalid(format!(
                    "bank file at {path}.id: {:?} is not a valid id (lowercase letters, digits and dashes)",
                    c.id
                )));
            }
            at(&format!("{path}.name"), validate::name(&c.name))?;
            at(
                &format!("{path}.description"),
                validate::text(&c.description, validate::QUESTION_TEXT_CHARS),
            )?;
            if let Some(first) = seen.insert(c.id.as_str(), i) {
                return Err(Error::invalid(format!(
                    "bank file at {path}.id: duplicate competency id {:?} (first at competencies[{first}])",
                    c.id
                )));
            }
            competency_ids.insert(c.id.clone());
        }

        let mut question_ids = known.questions.clone();
        let mut seen = HashMap::new();
        let mut questions = Vec::with_capacity(self.questions.len());
        let mut retired = BTreeSet::new();
        for (i, q) in self.questions.iter().enumerate() {
            let path = format!("questions[{i}]");
            if q.retired {
                if self.version < 2 {
                    return Err(Error::invalid(format!(
                        "bank file at {path}.retired: needs bank format version 2"
                    )));
                }
                retired.insert(q.id.clone());
            }
            if let Some(first) = seen.insert(q.id.as_str(), i) {
                if is_slug(&q.id) {
                    return Err(Error::invalid(format!(
                        "bank file at {path}.id: duplicate question id {:?} (first at questions[{first}])",
                        q.id
                    )));
                }
            }
            let question = q.check(&path, &competency_ids, &scale, &labels)?;
            question_ids.insert(q.id.clone());
            questions.push(question);
        }

        let mut seen = HashMap::new();
        let mut kits = Vec::with_capacity(self.kits.len());
        for (i, k) in self.kits.iter().enumerate() {
            let path = format!("kits[{i}]");
            if !is_slug(&k.id) {
                return Err(Error::invalid(format!(
                    "bank file at {path}.id: {:?} is not a valid id (lowercase letters, digits and dashes)",
                    k.id
                )));
            }
            if let Some(first) = seen.insert(k.id.as_str(), i) {
                return Err(Error::invalid(format!(
                    "bank file at {path}.id: duplicate kit id {:?} (first at kits[{first}])",
                    k.id
                )));
            }
            let kit = Kit {
                id: k.id.clone(),
                name: k.name.clone(),
                description: k.description.clone(),
                questions: k.questions.clone(),
            };
            check_kit_fields(&kit)
                .map_err(|(f, m)| Error::invalid(format!("bank file at {path}.{f}: {m}")))?;
            if k.questions.is_empty() {
                return Err(Error::invalid(format!(
                    "bank file at {path}.questions: a kit needs at least one question"
                )));
            }
            let mut in_kit = BTreeSet::new();
            for (j, qid) in k.questions.iter().enumerate() {
                if !question_ids.contains(qid) {
                    return Err(Error::invalid(format!(
                        "bank file at {path}.questions[{j}]: unknown question {qid:?}"
                    )));
                }
                if !in_kit.insert(qid) {
                    return Err(Error::invalid(format!(
                        "bank file at {path}.questions[{j}]: question {qid:?} is listed twice"
                    )));
                }
            }
            kits.push(Kit {
                id: k.id.clone(),
                name: k.name.clone(),
                description: k.description.clone(),
                questions: k.questions.clone(),
            });
        }

        Ok(ValidBank {
            competencies: self.competencies.clone(),
            questions,
            kits,
            retired,
        })
    }

    /// Builds a bank file from stored parts (for `bank export`). Labels are
    /// written on every level so that any scale survives the round trip.
    pub fn from_parts(competencies: Vec<Competency>, questions: &[Question], kits: &[Kit]) -> Self {
        Self::from_parts_retired(competencies, questions, kits, &BTreeSet::new())
    }

    /// As [`BankFile::from_parts`], marking the `retired` questions (the
    /// file is version 2 only if there are any).
    pub fn from_parts_retired(
        competencies: Vec<Competency>,
        questions: &[Question],
        kits: &[Kit],
        retired: &BTreeSet<String>,
    ) -> Self {
        BankFile {
            format: BANK_FORMAT.to_string(),
            version: if retired.is_empty() { 1 } else { 2 },
            scale: None,
            competencies,
            questions: questions
                .iter()
                .map(|q| QuestionDoc {
                    retired: retired.contains(&q.id),
                    ..QuestionDoc::of(q)
                })
                .collect(),
            kits: kits
                .iter()
                .map(|k| KitDoc {
                    id: k.id.clone(),
                    name: k.name.clone(),
                    description: k.description.clone(),
                    questions: k.questions.clone(),
                })
                .collect(),
        }
    }
}

impl QuestionDoc {
    /// Checks one question of a bank file at `path` (`questions[3]`) against
    /// the file's competencies and scale, and resolves its labels.
    fn check(
        &self,
        path: &str,
        competency_ids: &BTreeSet<String>,
        scale: &[ScaleLevel],
        labels: &HashMap<i64, &str>,
    ) -> Result<Question> {
        if !is_slug(&self.id) {
            return Err(Error::invalid(format!(
                "bank file at {path}.id: {:?} is not a valid id (lowercase letters, digits and dashes)",
                self.id
            )));
        }
        non_empty(&format!("{path}.prompt"), &self.prompt)?;
        if !competency_ids.contains(&self.competency) {
            let list: Vec<&str> = competency_ids.iter().map(String::as_str).collect();
            return Err(Error::invalid(format!(
                "bank file at {path}.competency: unknown competency {:?} (known: {})",
                self.competency,
                list.join(", ")
            )));
        }
        check_question_text(
            &self.prompt,
            self.minutes,
            &self.look_fors,
            &self.follow_ups,
            &self.sources,
        )
        .map_err(|(f, m)| Error::invalid(format!("bank file at {path}.{f}: {m}")))?;
        at(
            &format!("{path}.levels"),
            validate::level_count(self.levels.len()),
        )?;
        let mut levels = Vec::with_capacity(self.levels.len());
        let mut seen_values = BTreeSet::new();
        for (j, l) in self.levels.iter().enumerate() {
            let lpath = format!("{path}.levels[{j}]");
            at(&format!("{lpath}.value"), validate::level_value(l.value))?;
            // A level that names its own label defines its own point (an
            // exported bank writes labels on every level, so any scale
            // round-trips); one without a label must be on the scale.
            let scale_label = match (labels.get(&l.value), &l.label) {
                (Some(label), _) => Some(*label),
                (None, Some(_)) => None,
                (None, None) => {
                    let allowed: Vec<String> = scale.iter().map(|s| s.value.to_string()).collect();
                    return Err(Error::invalid(format!(
                        "bank file at {lpath}.value: {} is not on the scale ({})",
                        l.value,
                        allowed.join(", ")
                    )));
                }
            };
            if !seen_values.insert(l.value) {
                return Err(Error::invalid(format!(
                    "bank file at {lpath}.value: level {} appears twice",
                    l.value
                )));
            }
            non_empty(&format!("{lpath}.anchor"), &l.anchor)?;
            let label = l
                .label
                .clone()
                .or(scale_label.map(str::to_string))
                .unwrap_or_default();
            check_level(l.value, &label, &l.anchor)
                .map_err(|(f, m)| Error::invalid(format!("bank file at {lpath}.{f}: {m}")))?;
            levels.push(Level {
                value: l.value,
                label,
                anchor: l.anchor.clone(),
            });
        }
        levels.sort_by_key(|l| l.value);
        Ok(Question {
            id: self.id.clone(),
            prompt: self.prompt.clone(),
            competency: self.competency.clone(),
            seniority: self.seniority,
            kind: self.kind,
            minutes: self.minutes,
            look_fors: self.look_fors.clone(),
            follow_ups: self.follow_ups.clone(),
            rubric: Rubric { levels },
            sources: self.sources.clone(),
        })
    }
}

/// The built-in bank, parsed and validated.
pub fn builtin_bank() -> Result<ValidBank> {
    parse_bank(BUILTIN_BANK_JSON.as_bytes())?.validate(&KnownIds::default())
}

// ---------------------------------------------------------------------------
// Authoring and revisions

/// A question as the bank holds it now: the current revision, whether it is
/// retired, and the kits it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankQuestion {
    pub question: Question,
    /// The current revision number (1 for a question never edited).
    pub revision: u32,
    pub retired: bool,
    /// Names of the kits that list it.
    pub kits: Vec<String>,
}

/// A competency with whether it is retired (hidden from the editor's
/// choices; questions that use it keep it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankCompetency {
    pub competency: Competency,
    pub retired: bool,
}

/// A kit with its total time budget and whether it is built in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankKit {
    pub kit: KitSummary,
    pub builtin: bool,
}

/// One stored revision of a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuestionRevision {
    pub revision: u32,
    /// When it was made (empty for what was in the bank before revisions
    /// were kept).
    pub created_at: String,
    pub question: Question,
}

/// One field that differs between two revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldChange {
    /// The field path, as in bank files: `prompt`, `levels[3].anchor`
    /// (by level value), `look_fors[2]`...
    pub field: String,
    /// The old value (`None`: added).
    pub before: Option<String>,
    /// The new value (`None`: removed).
    pub after: Option<String>,
}

/// What changed in one revision against the one before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RevisionChanges {
    pub revision: u32,
    pub created_at: String,
    /// Empty for the first revision.
    pub changes: Vec<FieldChange>,
}

/// Field-level differences between two versions of a question.
pub fn diff_questions(a: &Question, b: &Question) -> Vec<FieldChange> {
    let mut out = Vec::new();
    fn field(out: &mut Vec<FieldChange>, name: String, before: &str, after: &str) {
        if before != after {
            out.push(FieldChange {
                field: name,
                before: Some(before.to_string()),
                after: Some(after.to_string()),
            });
        }
    }
    field(&mut out, "prompt".into(), &a.prompt, &b.prompt);
    field(&mut out, "competency".into(), &a.competency, &b.competency);
    field(
        &mut out,
        "seniority".into(),
        a.seniority.as_str(),
        b.seniority.as_str(),
    );
    field(&mut out, "kind".into(), a.kind.as_str(), b.kind.as_str());
    field(
        &mut out,
        "minutes".into(),
        &a.minutes.to_string(),
        &b.minutes.to_string(),
    );
    let values: BTreeSet<i64> = a
        .rubric
        .values()
        .into_iter()
        .chain(b.rubric.values())
        .collect();
    for v in values {
        match (a.rubric.level(v), b.rubric.level(v)) {
            (Some(x), Some(y)) => {
                field(&mut out, format!("levels[{v}].label"), &x.label, &y.label);
                field(
                    &mut out,
                    format!("levels[{v}].anchor"),
                    &x.anchor,
                    &y.anchor,
                );
            }
            (x, y) => out.push(FieldChange {
                field: format!("levels[{v}]"),
                before: x.map(|l| format!("{}: {}", l.label, l.anchor)),
                after: y.map(|l| format!("{}: {}", l.label, l.anchor)),
            }),
        }
    }
    list_diff(&mut out, "look_fors", &a.look_fors, &b.look_fors);
    list_diff(&mut out, "follow_ups", &a.follow_ups, &b.follow_ups);
    list_diff(&mut out, "sources", &a.sources, &b.sources);
    out
}

fn list_diff(out: &mut Vec<FieldChange>, name: &str, a: &[String], b: &[String]) {
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        if x != y {
            out.push(FieldChange {
                field: format!("{name}[{i}]"),
                before: x.cloned(),
                after: y.cloned(),
            });
        }
    }
}

/// A question written by hand (in the app or on the command line), checked
/// with the same rules as a question in a bank file. Levels must be on the
/// bank scale (the default 1–4); labels may be the scale's or the author's.
/// Errors name the field as `<path>: <message>` (`levels[1].anchor: must not
/// be empty`); see [`field_of`].
pub fn check_question(doc: &QuestionDoc, known: &KnownIds) -> Result<Question> {
    let scale = default_scale();
    for (j, l) in doc.levels.iter().enumerate() {
        if !scale.iter().any(|s| s.value == l.value) {
            let allowed: Vec<String> = scale.iter().map(|s| s.value.to_string()).collect();
            return Err(Error::invalid(format!(
                "levels[{j}].value: {} is not on the scale ({})",
                l.value,
                allowed.join(", ")
            )));
        }
    }
    let file = BankFile {
        format: BANK_FORMAT.to_string(),
        version: BANK_VERSION,
        scale: None,
        competencies: Vec::new(),
        questions: vec![QuestionDoc {
            retired: false,
            ..doc.clone()
        }],
        kits: Vec::new(),
    };
    let mut known = known.clone();
    known.questions.remove(&doc.id);
    let valid = file.validate(&known).map_err(|e| match e {
        Error::Invalid(m) => Error::Invalid(
            m.strip_prefix("bank file at questions[0].")
                .map(str::to_string)
                .unwrap_or(m),
        ),
        other => other,
    })?;
    Ok(valid.questions.into_iter().next().expect("one question"))
}

/// A competency written by hand, checked as in a bank file.
pub fn check_competency(c: &Competency) -> Result<Competency> {
    let check =
        |path: &str, c: validate::Check| c.map_err(|m| Error::invalid(format!("{path}: {m}")));
    check("id", validate::slug(&c.id))?;
    check("name", validate::name(c.name.trim()))?;
    check(
        "description",
        validate::text(c.description.trim(), validate::QUESTION_TEXT_CHARS),
    )?;
    Ok(Competency {
        id: c.id.clone(),
        name: c.name.trim().to_string(),
        description: c.description.trim().to_string(),
    })
}

/// The field path at the start of an authoring error (`levels[1].anchor`),
/// if it has one.
pub fn field_of(message: &str) -> Option<&str> {
    let (path, _) = message.split_once(": ")?;
    path.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_[].".contains(&b))
        .then_some(path)
}

impl QuestionDoc {
    /// The editable form of a stored question (labels on every level).
    pub fn of(q: &Question) -> Self {
        QuestionDoc {
            id: q.id.clone(),
            prompt: q.prompt.clone(),
            competency: q.competency.clone(),
            seniority: q.seniority,
            kind: q.kind,
            minutes: q.minutes,
            look_fors: q.look_fors.clone(),
            follow_ups: q.follow_ups.clone(),
            levels: q
                .rubric
                .levels
                .iter()
                .map(|l| LevelDoc {
                    value: l.value,
                    label: Some(l.label.clone()),
                    anchor: l.anchor.clone(),
                })
                .collect(),
            sources: q.sources.clone(),
            retired: false,
        }
    }
}

/// A kit id made from its name: lowercase ASCII letters and digits joined by
/// single dashes, at most 60 characters; `None` when nothing is left.
pub fn slug_of(name: &str) -> Option<String> {
    let mut id = String::new();
    for ch in name.chars() {
        let c = ch.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
        if id.len() >= 60 {
            break;
        }
    }
    let id = id.trim_end_matches('-').to_string();
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
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
}
