//! Questions written by hand: the checks the editor runs while the author
//! types (every broken rule at once, an id from the prompt) and the ids a
//! hand-written question is checked against, shared with saving.

use super::*;

impl Store {
    /// What the question editor needs while the author types: every broken
    /// rule at once (the same rules and order as [`Store::save_question`],
    /// whose error is the first of them), and for a new question an id made
    /// from the prompt that no question has yet.
    pub fn question_draft(&self, doc: &QuestionDoc, create: bool) -> Result<bank::QuestionDraft> {
        let taken = self.known_ids()?.questions;
        let suggested_id = if create {
            bank::question_id_from(&doc.prompt, &taken)
        } else {
            None
        };
        let problems = match self.authoring_known(doc, create) {
            Ok(known) => bank::question_problems(doc, &known).into_vec(),
            Err(Error::Invalid(m)) => {
                let (path, message) = m.split_once(": ").unwrap_or(("id", m.as_str()));
                let mut p = bank::Problems::default();
                p.push(path, message);
                let known = KnownIds {
                    competencies: self.competencies()?.into_iter().map(|c| c.id).collect(),
                    ..KnownIds::default()
                };
                let rest = bank::question_problems(doc, &known);
                for f in rest.into_vec() {
                    p.push(&f.path, f.message);
                }
                p.into_vec()
            }
            Err(e) => return Err(e),
        };
        Ok(bank::QuestionDraft {
            problems,
            suggested_id,
        })
    }

    /// The ids a hand-written question is checked against: the competencies
    /// in use (an edit may keep the since-retired one it has). A new
    /// question's id must be free; an edited one must exist.
    pub(super) fn authoring_known(&self, doc: &QuestionDoc, create: bool) -> Result<KnownIds> {
        let known = self.known_ids()?;
        let exists = known.questions.contains(&doc.id);
        if create && exists {
            return Err(Error::invalid(format!(
                "id: a question with id {:?} already exists",
                doc.id
            )));
        }
        if !create && !exists {
            return Err(Error::NotFound(format!(
                "no question with id {:?} in the bank",
                doc.id
            )));
        }
        // New questions may use only competencies in use; an edit may keep
        // the (since retired) competency the question already has.
        let mut active: BTreeSet<String> = self.competencies()?.into_iter().map(|c| c.id).collect();
        if !create {
            active.insert(self.question(&doc.id)?.competency);
        }
        Ok(KnownIds {
            competencies: active,
            ..known
        })
    }
}
