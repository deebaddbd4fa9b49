//! Validating a bank file (docs/bank-format.md): every rule, with errors
//! that name the field path, turning a parsed [`BankFile`] into a
//! [`ValidBank`].

use super::*;

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
            slug_id(&path, &c.id)?;
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
            slug_id(&path, &k.id)?;
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
    /// the file's competencies and scale, and resolves its labels. The error
    /// is the first of [`QuestionDoc::problems`].
    fn check(
        &self,
        path: &str,
        competency_ids: &BTreeSet<String>,
        scale: &[ScaleLevel],
        labels: &HashMap<i64, &str>,
    ) -> Result<Question> {
        let mut p = Problems::under(path);
        self.problems(&mut p, competency_ids, scale, labels);
        if let Some((f, m)) = p.first() {
            return Err(Error::invalid(format!("bank file at {f}: {m}")));
        }
        Ok(self.resolved(labels))
    }

    /// Every broken rule of this question, in the order of the format's
    /// rules (docs/bank-format.md), at most one per field.
    pub(super) fn problems(
        &self,
        p: &mut Problems,
        competency_ids: &BTreeSet<String>,
        scale: &[ScaleLevel],
        labels: &HashMap<i64, &str>,
    ) {
        if !is_slug(&self.id) {
            p.push("id", not_a_slug(&self.id));
        }
        p.check("prompt", validate::not_blank(&self.prompt));
        if !competency_ids.contains(&self.competency) {
            let list: Vec<&str> = competency_ids.iter().map(String::as_str).collect();
            p.push(
                "competency",
                format!(
                    "unknown competency {:?} (known: {})",
                    self.competency,
                    list.join(", ")
                ),
            );
        }
        problems::question_text_problems(
            p,
            &self.prompt,
            self.minutes,
            &self.look_fors,
            &self.follow_ups,
            &self.sources,
        );
        // One live-screen key each (session snapshots, read-only, keep the
        // wider list limit).
        p.check(
            "look_fors",
            validate::checklist_len(self.look_fors.len(), validate::LOOK_FORS_MAX),
        );
        p.check(
            "follow_ups",
            validate::checklist_len(self.follow_ups.len(), validate::FOLLOW_UPS_MAX),
        );
        p.check("levels", validate::level_count(self.levels.len()));
        let mut seen_values = BTreeSet::new();
        for (j, l) in self.levels.iter().enumerate() {
            let lpath = format!("levels[{j}]");
            let value = format!("{lpath}.value");
            if !p.check(&value, validate::level_value(l.value)) {
                continue;
            }
            // A level that names its own label defines its own point (an
            // exported bank writes labels on every level, so any scale
            // round-trips); one without a label must be on the scale.
            if !labels.contains_key(&l.value) && l.label.is_none() {
                let allowed: Vec<String> = scale.iter().map(|s| s.value.to_string()).collect();
                p.push(
                    &value,
                    format!("{} is not on the scale ({})", l.value, allowed.join(", ")),
                );
                continue;
            }
            if !seen_values.insert(l.value) {
                p.push(&value, format!("level {} appears twice", l.value));
                continue;
            }
            p.check(&format!("{lpath}.anchor"), validate::not_blank(&l.anchor));
            problems::level_problems(p, &lpath, l.value, &label_of(l, labels), &l.anchor);
        }
    }

    /// The question with every level's label resolved from the scale: only
    /// for a question without problems.
    pub(super) fn resolved(&self, labels: &HashMap<i64, &str>) -> Question {
        let mut levels: Vec<Level> = self
            .levels
            .iter()
            .map(|l| Level {
                value: l.value,
                label: label_of(l, labels),
                anchor: l.anchor.clone(),
            })
            .collect();
        levels.sort_by_key(|l| l.value);
        Question {
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
        }
    }
}

/// A level's own label, else the scale's label for its value.
fn label_of(l: &LevelDoc, labels: &HashMap<i64, &str>) -> String {
    l.label
        .clone()
        .or_else(|| labels.get(&l.value).map(|s| s.to_string()))
        .unwrap_or_default()
}
