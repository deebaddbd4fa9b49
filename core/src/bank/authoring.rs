//! Authoring and revisions: the bank's view of a question (current revision,
//! retirement, kits), field-level changes between revisions, and the checks
//! of a question or competency written by hand (the bank file's rules, with
//! errors that start with the field path).

use super::*;

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
/// be empty`); see [`field_of`]. The error is the first of
/// [`question_problems`].
pub fn check_question(doc: &QuestionDoc, known: &KnownIds) -> Result<Question> {
    let p = question_problems(doc, known);
    if let Some((f, m)) = p.first() {
        return Err(Error::invalid(format!("{f}: {m}")));
    }
    let scale = default_scale();
    let labels: HashMap<i64, &str> = scale.iter().map(|l| (l.value, l.label.as_str())).collect();
    Ok(doc.resolved(&labels))
}

/// Every broken rule of a question written by hand, at most one per field,
/// in the order [`check_question`] checks them: what the question editor
/// shows beside its fields, all at once.
pub fn question_problems(doc: &QuestionDoc, known: &KnownIds) -> Problems {
    let scale = default_scale();
    let mut p = Problems::default();
    if doc.id.is_empty() {
        p.push("id", "needs an id (Panelist makes one from the prompt)");
    }
    for (j, l) in doc.levels.iter().enumerate() {
        if !scale.iter().any(|s| s.value == l.value) {
            let allowed: Vec<String> = scale.iter().map(|s| s.value.to_string()).collect();
            p.push(
                &format!("levels[{j}].value"),
                format!("{} is not on the scale ({})", l.value, allowed.join(", ")),
            );
        }
    }
    let labels: HashMap<i64, &str> = scale.iter().map(|l| (l.value, l.label.as_str())).collect();
    doc.problems(&mut p, &known.competencies, &scale, &labels);
    p
}

/// An id for a new question made from its prompt: the first words as a
/// slug (at most 40 characters, cut at a word), made unique against
/// `taken` with `-2`, `-3`, …; `None` when the prompt has no letter or
/// digit in ASCII.
pub fn question_id_from(prompt: &str, taken: &BTreeSet<String>) -> Option<String> {
    let full = slug_of(prompt)?;
    let mut id = String::new();
    for word in full.split('-') {
        if !id.is_empty() && id.len() + 1 + word.len() > 40 {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(word);
    }
    id.truncate(40);
    let id = id.trim_end_matches('-').to_string();
    if !taken.contains(&id) {
        return Some(id);
    }
    (2..)
        .map(|n| format!("{id}-{n}"))
        .find(|c| !taken.contains(c))
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

/// The id of a new kit (or a file name's slug) made from a name: its
/// [`slug_of`], or `kit-` and the first 12 hex digits of `fallback` when the
/// name has no letter or digit that folds to ASCII. The one rule for the app,
/// the CLI and file names; the caller passes the fallback id (a fresh UUIDv7).
pub fn kit_id_for(name: &str, fallback: uuid::Uuid) -> String {
    slug_of(name).unwrap_or_else(|| format!("kit-{}", &fallback.simple().to_string()[..12]))
}

/// A kit id made from its name: lowercase ASCII letters and digits joined by
/// single dashes, at most 60 characters; `None` when nothing is left. Each
/// character is first folded to ASCII as names are (`text::loose_fold`):
/// "Qué" is "que", not "qu".
pub fn slug_of(name: &str) -> Option<String> {
    let mut id = String::new();
    let folded = name.chars().flat_map(|c| {
        crate::text::loose_fold(c, false)
            .chars()
            .collect::<Vec<_>>()
    });
    for ch in folded {
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

/// The question editor's view of a question being written: every broken
/// rule, and for a new question an id made from its prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QuestionDraft {
    pub problems: Vec<FieldProblem>,
    pub suggested_id: Option<String>,
}
