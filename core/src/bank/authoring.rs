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
