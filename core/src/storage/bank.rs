//! The question bank: competencies, questions, kits, bank-file import and
//! export, and seeding the built-in bank.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;

use super::rows::{to_json, Json};
use super::Store;
use crate::bank::{
    self, BankCompetency, BankFile, BankKit, BankQuestion, Competency, Kit, KitSummary, KnownIds,
    Question, QuestionDoc, QuestionRevision, RevisionChanges, ValidBank,
};
use crate::error::{Error, Result};
use crate::text;

mod authoring;
mod kits;
use kits::*;

const QUESTIONS: &str = "SELECT doc FROM question WHERE retired = 0 ORDER BY position, id";
const ALL_QUESTIONS: &str = "SELECT doc, revision, retired FROM question ORDER BY position, id";
const ALL_COMPETENCIES: &str =
    "SELECT id, name, description, retired FROM competency ORDER BY position, id";
const QUESTION_HEAD: &str = "SELECT doc, revision, retired FROM question WHERE id = ?1";
const QUESTION_REVISIONS: &str = "
    SELECT revision, created_at, doc FROM question_revision WHERE question_id = ?1
    ORDER BY revision";
const QUESTION_REVISION: &str = "
    SELECT revision, created_at, doc FROM question_revision
    WHERE question_id = ?1 AND revision = ?2";
const INSERT_REVISION: &str = "
    INSERT INTO question_revision (question_id, revision, created_at, doc) VALUES (?1, ?2, ?3, ?4)";
const SET_QUESTION_RETIRED: &str = "UPDATE question SET retired = ?2 WHERE id = ?1";
const SET_COMPETENCY_RETIRED: &str = "UPDATE competency SET retired = ?2 WHERE id = ?1";
const COMPETENCY_EXISTS: &str = "SELECT EXISTS(SELECT 1 FROM competency WHERE id = ?1)";
const KIT_HEAD: &str = "SELECT id, name, builtin FROM kit WHERE id = ?1";
/// Every kit's name, built-in ones first: kit names are compared by their
/// identity key (`text::name_key`), which SQL cannot compute, so a lookup by
/// name reads them all (a bank holds tens of kits, not thousands).
const KIT_NAMES: &str = "SELECT id, name, builtin FROM kit ORDER BY builtin DESC, position, id";
const KIT_ID_TAKEN: &str = "SELECT EXISTS(SELECT 1 FROM kit WHERE id = ?1)";
const KIT_BUILTIN_IDS: &str = "SELECT id FROM kit WHERE builtin = 1";
const KIT_NAME_DESCRIPTION: &str = "SELECT name, description FROM kit WHERE id = ?1";
const RENAME_KIT: &str = "UPDATE kit SET name = ?2 WHERE id = ?1";
const KIT_NAME: &str = "SELECT name FROM kit WHERE id = ?1";
const ADD_FORMER_NAME: &str =
    "INSERT OR IGNORE INTO kit_former_name (kit_id, name) VALUES (?1, ?2)";
const DROP_FORMER_NAME: &str =
    "DELETE FROM kit_former_name WHERE kit_id = ?1 AND name = ?2 COLLATE NOCASE";
const FORMER_NAMES: &str = "
    SELECT k.id, k.name, f.name AS former FROM kit_former_name f JOIN kit k ON k.id = f.kit_id
    ORDER BY k.position, k.id";
const DELETE_KIT: &str = "DELETE FROM kit WHERE id = ?1";
const MARK_KIT_BUILTIN: &str = "UPDATE kit SET builtin = 1 WHERE id = ?1";
const QUESTION_IDS: &str = "SELECT id FROM question";
const KITS: &str = "
    SELECT k.id, k.name, k.description, k.builtin,
           (SELECT COALESCE(SUM(q.minutes), 0)
            FROM kit_question kq JOIN question q ON q.id = kq.question_id
            WHERE kq.kit_id = k.id) AS minutes
    FROM kit k ORDER BY k.position, k.id";
const KIT_QUESTIONS: &str =
    "SELECT kit_id, question_id FROM kit_question ORDER BY kit_id, position";
const KIT: &str = "
    SELECT id, name, description FROM kit
    WHERE id = ?1 OR name = ?1 COLLATE NOCASE
    ORDER BY id = ?1 DESC LIMIT 1";
const KIT_QUESTION_IDS: &str =
    "SELECT question_id FROM kit_question WHERE kit_id = ?1 ORDER BY position";
const SEEDED: &str = "SELECT value FROM meta WHERE key = 'builtin_bank_seeded'";
const MARK_SEEDED: &str = "INSERT INTO meta (key, value) VALUES ('builtin_bank_seeded', '1')";
const NEXT_COMPETENCY_POSITION: &str = "SELECT COALESCE(MAX(position) + 1, 0) FROM competency";
const NEXT_QUESTION_POSITION: &str = "SELECT COALESCE(MAX(position) + 1, 0) FROM question";
const NEXT_KIT_POSITION: &str = "SELECT COALESCE(MAX(position) + 1, 0) FROM kit";
const UPSERT_COMPETENCY: &str = "
    INSERT INTO competency (id, name, description, position) VALUES (?1, ?2, ?3, ?4)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description";
const QUESTION_CURRENT: &str = "SELECT doc, revision FROM question WHERE id = ?1";
const UPSERT_QUESTION: &str = "
    INSERT INTO question (id, competency_id, seniority, kind, prompt, minutes, doc, position,
                          revision)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
    ON CONFLICT (id) DO UPDATE SET competency_id = excluded.competency_id,
        seniority = excluded.seniority, kind = excluded.kind, prompt = excluded.prompt,
        minutes = excluded.minutes, doc = excluded.doc, revision = excluded.revision";
const UPSERT_KIT: &str = "
    INSERT INTO kit (id, name, description, position) VALUES (?1, ?2, ?3, ?4)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description";
const DELETE_KIT_QUESTIONS: &str = "DELETE FROM kit_question WHERE kit_id = ?1";
const INSERT_KIT_QUESTION: &str =
    "INSERT INTO kit_question (kit_id, position, question_id) VALUES (?1, ?2, ?3)";

/// What an import of a bank file changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BankImportReport {
    pub questions_added: usize,
    /// Questions that changed: each got a new revision.
    pub questions_updated: usize,
    /// Questions identical to the stored revision (no new revision).
    pub questions_unchanged: usize,
    pub competencies: usize,
    pub kits: usize,
}

/// How far a bank file import has got, for a progress bar: `done` of
/// `total` bytes read, questions checked, or questions saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BankProgress {
    pub phase: BankPhase,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum BankPhase {
    /// Reading and parsing the file (`total` is its size in bytes).
    Reading,
    /// Checking every question, competency and kit (`total` questions).
    Checking,
    /// Saving, in one transaction (`total` questions).
    Saving,
}

/// How often (in questions) an import reports its progress.
const PROGRESS_EVERY: usize = 250;

impl Store {
    pub(super) fn seed_builtin_bank(&mut self) -> Result<()> {
        let seeded: Option<String> = self.conn.query_row(SEEDED, [], |r| r.get(0)).optional()?;
        if seeded.is_some() {
            return Ok(());
        }
        let bank = bank::builtin_bank()?;
        self.write(|tx| {
            store_bank(tx, &bank, "", true, &mut |_| {})?;
            tx.execute(MARK_SEEDED, [])?;
            Ok(())
        })
    }

    /// The competencies that are not retired.
    pub fn competencies(&self) -> Result<Vec<Competency>> {
        Ok(self
            .bank_competencies()?
            .into_iter()
            .filter(|c| !c.retired)
            .map(|c| c.competency)
            .collect())
    }

    /// Every competency, retired ones included.
    pub fn bank_competencies(&self) -> Result<Vec<BankCompetency>> {
        let mut stmt = self.conn.prepare_cached(ALL_COMPETENCIES)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(BankCompetency {
                    competency: Competency {
                        id: r.get("id")?,
                        name: r.get("name")?,
                        description: r.get("description")?,
                    },
                    retired: r.get("retired")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The questions a picker offers: every question that is not retired,
    /// at its current revision.
    pub fn questions(&self) -> Result<Vec<Question>> {
        let mut stmt = self.conn.prepare_cached(QUESTIONS)?;
        let rows = stmt
            .query_map([], |r| Ok(r.get::<_, Json<Question>>("doc")?.0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every question (retired ones too) with its revision and kits.
    pub fn bank_questions(&self) -> Result<Vec<BankQuestion>> {
        let kits = self.kits()?;
        let mut stmt = self.conn.prepare_cached(ALL_QUESTIONS)?;
        let rows = stmt
            .query_map([], |r| {
                let question = r.get::<_, Json<Question>>("doc")?.0;
                Ok(BankQuestion {
                    kits: kits_of(&kits, &question.id),
                    question,
                    revision: r.get::<_, i64>("revision")? as u32,
                    retired: r.get("retired")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// A question at its current revision (retired questions too).
    pub fn question(&self, id: &str) -> Result<Question> {
        Ok(self.question_head(id)?.0)
    }

    /// A question with its current revision number and whether it is retired.
    fn question_head(&self, id: &str) -> Result<(Question, u32, bool)> {
        let row: Option<(Json<Question>, i64, bool)> = self
            .conn
            .prepare_cached(QUESTION_HEAD)?
            .query_row([id], |r| {
                Ok((r.get("doc")?, r.get("revision")?, r.get("retired")?))
            })
            .optional()?;
        let (doc, revision, retired) =
            row.ok_or_else(|| Error::NotFound(format!("no question with id {id:?} in the bank")))?;
        Ok((doc.0, revision as u32, retired))
    }

    /// A question with its current revision number, retirement and kits.
    pub fn bank_question(&self, id: &str) -> Result<BankQuestion> {
        let (question, revision, retired) = self.question_head(id)?;
        Ok(BankQuestion {
            kits: kits_of(&self.kits()?, id),
            question,
            revision,
            retired,
        })
    }

    /// Every revision of a question, oldest first.
    pub fn question_revisions(&self, id: &str) -> Result<Vec<QuestionRevision>> {
        self.question_head(id)?;
        let rows: Vec<QuestionRevision> = self
            .conn
            .prepare_cached(QUESTION_REVISIONS)?
            .query_map([id], revision_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// One revision of a question.
    pub fn question_revision(&self, id: &str, revision: u32) -> Result<QuestionRevision> {
        self.question_head(id)?;
        self.conn
            .prepare_cached(QUESTION_REVISION)?
            .query_row(params![id, revision], revision_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("question {id:?} has no revision {revision}")))
    }

    /// What changed in each revision of a question against the one before.
    pub fn question_history(&self, id: &str) -> Result<Vec<RevisionChanges>> {
        let revisions = self.question_revisions(id)?;
        Ok(revisions
            .iter()
            .enumerate()
            .map(|(i, r)| RevisionChanges {
                revision: r.revision,
                created_at: r.created_at.clone(),
                changes: match i {
                    0 => Vec::new(),
                    _ => bank::diff_questions(&revisions[i - 1].question, &r.question),
                },
            })
            .collect())
    }

    /// Creates a question (`create`) or saves a new revision of an existing
    /// one. Checked like a question in a bank file; errors start with the
    /// field path (`levels[0].anchor: must not be empty`). Saving what is
    /// already the current revision makes no new one.
    pub fn save_question(
        &mut self,
        doc: &QuestionDoc,
        create: bool,
        now: DateTime<Utc>,
    ) -> Result<BankQuestion> {
        let known = self.authoring_known(doc, create)?;
        let q = bank::check_question(doc, &known)?;
        let now = now.to_rfc3339_opts(SecondsFormat::Millis, true);
        self.write(|tx| store_question(tx, &q, &now).map(|_| ()))?;
        self.bank_question(&q.id)
    }

    /// Retires a question (hidden from pickers, kept for the sessions that
    /// used it) or brings it back.
    pub fn set_question_retired(&mut self, id: &str, retired: bool) -> Result<()> {
        self.question_head(id)?;
        self.write(|tx| {
            tx.execute(SET_QUESTION_RETIRED, params![id, retired])?;
            Ok(())
        })
    }

    /// Creates (`create`) or renames/redescribes a competency.
    pub fn save_competency(&mut self, c: &Competency, create: bool) -> Result<()> {
        let c = bank::check_competency(c)?;
        let exists: bool = self
            .conn
            .query_row(COMPETENCY_EXISTS, [&c.id], |r| r.get(0))?;
        if create && exists {
            return Err(Error::invalid(format!(
                "id: a competency with id {:?} already exists",
                c.id
            )));
        }
        if !create && !exists {
            return Err(Error::NotFound(format!("no competency with id {:?}", c.id)));
        }
        self.write(|tx| {
            let pos: i64 = tx.query_row(NEXT_COMPETENCY_POSITION, [], |r| r.get(0))?;
            tx.execute(UPSERT_COMPETENCY, params![c.id, c.name, c.description, pos])?;
            Ok(())
        })
    }

    /// Retires a competency (no new questions may use it) or brings it back.
    pub fn set_competency_retired(&mut self, id: &str, retired: bool) -> Result<()> {
        let exists: bool = self.conn.query_row(COMPETENCY_EXISTS, [id], |r| r.get(0))?;
        if !exists {
            return Err(Error::NotFound(format!("no competency with id {id:?}")));
        }
        self.write(|tx| {
            tx.execute(SET_COMPETENCY_RETIRED, params![id, retired])?;
            Ok(())
        })
    }

    /// Every kit with its questions and total time budget.
    pub fn kits(&self) -> Result<Vec<KitSummary>> {
        Ok(self.bank_kits()?.into_iter().map(|k| k.kit).collect())
    }

    /// Every kit with its questions, time budget and whether it is built in.
    pub fn bank_kits(&self) -> Result<Vec<BankKit>> {
        let mut questions: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut stmt = self.conn.prepare_cached(KIT_QUESTIONS)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            questions
                .entry(r.get("kit_id")?)
                .or_default()
                .push(r.get("question_id")?);
        }
        let mut stmt = self.conn.prepare_cached(KITS)?;
        let kits = stmt
            .query_map([], |r| {
                let id: String = r.get("id")?;
                Ok(BankKit {
                    kit: KitSummary {
                        questions: questions.remove(&id).unwrap_or_default(),
                        id,
                        name: r.get("name")?,
                        description: r.get("description")?,
                        minutes: r.get::<_, i64>("minutes")? as u32,
                    },
                    builtin: r.get("builtin")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(kits)
    }

    /// A kit by id, or by name (compared by identity key, `text::name_key`).
    pub fn kit(&self, id_or_name: &str) -> Result<Kit> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(KIT, [id_or_name], |r| {
                Ok((r.get("id")?, r.get("name")?, r.get("description")?))
            })
            .optional()?;
        let row = match row {
            Some(row) => Some(row),
            // The same name in another form (case, spacing, invisible
            // characters): the same kit.
            None => match kit_by_name(&self.conn, id_or_name)? {
                Some((id, _)) => self
                    .conn
                    .query_row(KIT, [&id], |r| {
                        Ok((r.get("id")?, r.get("name")?, r.get("description")?))
                    })
                    .optional()?,
                None => None,
            },
        };
        let (id, name, description) =
            row.ok_or_else(|| Error::NotFound(format!("no kit with id or name {id_or_name:?}")))?;
        let questions = self
            .conn
            .prepare_cached(KIT_QUESTION_IDS)?
            .query_map([&id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Kit {
            id,
            name,
            description,
            questions,
        })
    }

    fn known_ids(&self) -> Result<KnownIds> {
        let competencies = self
            .bank_competencies()?
            .into_iter()
            .map(|c| c.competency.id)
            .collect();
        let questions = self
            .conn
            .prepare_cached(QUESTION_IDS)?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<BTreeSet<String>>>()?;
        Ok(KnownIds {
            competencies,
            questions,
        })
    }

    /// Imports a bank file: new questions are added; a question with an
    /// existing id that differs from the stored one gets a new revision
    /// (past sessions keep their snapshots and the old revision stays
    /// readable); competencies and own kits are added or replaced. A
    /// built-in kit may only appear unchanged. All or nothing.
    pub fn import_bank(&mut self, file: &BankFile) -> Result<BankImportReport> {
        self.import_bank_at(file, Utc::now())
    }

    /// As [`Store::import_bank`], with the time the new revisions are made.
    pub fn import_bank_at(
        &mut self,
        file: &BankFile,
        now: DateTime<Utc>,
    ) -> Result<BankImportReport> {
        self.import_bank_with_progress(file, now, &mut |_| {})
    }

    /// As [`Store::import_bank_at`], telling `progress` how far it has got
    /// (checking, then saving, every few hundred questions and at the end).
    pub fn import_bank_with_progress(
        &mut self,
        file: &BankFile,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(BankProgress),
    ) -> Result<BankImportReport> {
        let total = file.questions.len() as u64;
        progress(BankProgress {
            phase: BankPhase::Checking,
            done: 0,
            total,
        });
        let valid = file.validate(&self.known_ids()?)?;
        progress(BankProgress {
            phase: BankPhase::Checking,
            done: total,
            total,
        });
        let now = now.to_rfc3339_opts(SecondsFormat::Millis, true);
        self.write(|tx| store_bank(tx, &valid, &now, false, &mut *progress))
    }

    /// Parses, validates and imports bank file bytes.
    pub fn import_bank_bytes(&mut self, bytes: &[u8]) -> Result<BankImportReport> {
        let file = bank::parse_bank(bytes)?;
        self.import_bank(&file)
    }

    /// The whole bank as a bank file (retired questions marked, which makes
    /// it a version 2 file).
    pub fn export_bank(&self) -> Result<BankFile> {
        let kits: Vec<Kit> = self
            .kits()?
            .into_iter()
            .map(|k| Kit {
                id: k.id,
                name: k.name,
                description: k.description,
                questions: k.questions,
            })
            .collect();
        let all = self.bank_questions()?;
        let retired: BTreeSet<String> = all
            .iter()
            .filter(|q| q.retired)
            .map(|q| q.question.id.clone())
            .collect();
        let questions: Vec<Question> = all.into_iter().map(|q| q.question).collect();
        let competencies = self
            .bank_competencies()?
            .into_iter()
            .map(|c| c.competency)
            .collect();
        let file = BankFile::from_parts_retired(competencies, &questions, &kits, &retired);
        // What the importer would refuse is never written out.
        file.validate(&bank::KnownIds::default()).map_err(|e| {
            Error::invalid(format!(
                "the bank cannot be exported because a fresh database would refuse it: {e}"
            ))
        })?;
        Ok(file)
    }
}

fn kits_of(kits: &[KitSummary], question: &str) -> Vec<String> {
    kits.iter()
        .filter(|k| k.questions.iter().any(|q| q == question))
        .map(|k| k.name.clone())
        .collect()
}

fn revision_row(r: &rusqlite::Row) -> rusqlite::Result<QuestionRevision> {
    Ok(QuestionRevision {
        revision: r.get::<_, i64>("revision")? as u32,
        created_at: r.get("created_at")?,
        question: r.get::<_, Json<Question>>("doc")?.0,
    })
}

/// Stores `q` as a new revision unless it equals the current one. Returns
/// whether it was new, changed or unchanged.
fn store_question(tx: &Transaction, q: &Question, now: &str) -> Result<Stored> {
    let doc = to_json(q);
    let current: Option<(String, i64)> = tx
        .prepare_cached(QUESTION_CURRENT)?
        .query_row([&q.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (revision, stored) = match current {
        Some((old, _)) if old == doc => return Ok(Stored::Unchanged),
        Some((_, rev)) => (rev + 1, Stored::Changed),
        None => (1, Stored::Added),
    };
    let pos: i64 = tx.query_row(NEXT_QUESTION_POSITION, [], |r| r.get(0))?;
    tx.prepare_cached(UPSERT_QUESTION)?.execute(params![
        q.id,
        q.competency,
        q.seniority.as_str(),
        q.kind.as_str(),
        q.prompt,
        q.minutes,
        doc,
        pos,
        revision
    ])?;
    tx.prepare_cached(INSERT_REVISION)?
        .execute(params![q.id, revision, now, doc])?;
    Ok(stored)
}

enum Stored {
    Added,
    Changed,
    Unchanged,
}

fn store_bank(
    tx: &Transaction,
    bank: &ValidBank,
    now: &str,
    builtin: bool,
    progress: &mut dyn FnMut(BankProgress),
) -> Result<BankImportReport> {
    let total = bank.questions.len() as u64;
    let mut saved = |done: usize| {
        progress(BankProgress {
            phase: BankPhase::Saving,
            done: done as u64,
            total,
        })
    };
    saved(0);
    let mut report = BankImportReport {
        competencies: bank.competencies.len(),
        ..Default::default()
    };
    let first: i64 = tx.query_row(NEXT_COMPETENCY_POSITION, [], |r| r.get(0))?;
    let mut upsert = tx.prepare_cached(UPSERT_COMPETENCY)?;
    for (pos, c) in (first..).zip(&bank.competencies) {
        upsert.execute(params![c.id, c.name, c.description, pos])?;
    }
    for (i, q) in bank.questions.iter().enumerate() {
        match store_question(tx, q, now)? {
            Stored::Added => report.questions_added += 1,
            Stored::Changed => report.questions_updated += 1,
            Stored::Unchanged => report.questions_unchanged += 1,
        }
        if bank.retired.contains(&q.id) {
            tx.execute(SET_QUESTION_RETIRED, params![q.id, true])?;
        }
        if (i + 1) % PROGRESS_EVERY == 0 {
            saved(i + 1);
        }
    }
    let builtin_ids: BTreeSet<String> = tx
        .prepare_cached(KIT_BUILTIN_IDS)?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for (i, k) in bank.kits.iter().enumerate() {
        let clash = kit_by_name(tx, &k.name)?;
        if let Some((other, _)) = clash.filter(|(other, _)| *other != k.id) {
            return Err(Error::Conflict(format!(
                "bank file at kits[{i}].name: kit {other:?} already has the name {:?}",
                k.name
            )));
        }
        if builtin_ids.contains(&k.id) {
            if same_kit(tx, k)? {
                continue;
            }
            return Err(Error::Locked(format!(
                "bank file at kits[{i}].id: kit {:?} is built in and cannot be changed",
                k.id
            )));
        }
        store_kit(tx, k)?;
        if builtin {
            tx.execute(MARK_KIT_BUILTIN, [&k.id])?;
        }
        report.kits += 1;
    }
    saved(bank.questions.len());
    Ok(report)
}

fn same_kit(tx: &Transaction, k: &Kit) -> Result<bool> {
    let head: (String, String) = tx.query_row(KIT_NAME_DESCRIPTION, [&k.id], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    let questions: Vec<String> = tx
        .prepare_cached(KIT_QUESTION_IDS)?
        .query_map([&k.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(head == (k.name.clone(), k.description.clone()) && questions == k.questions)
}

/// Before kit `id` takes `new_name`: its current name becomes a former name
/// (sessions made under it keep comparing on this kit), and `new_name` is no
/// longer a former one.
fn remember_former_name(tx: &Transaction, id: &str, new_name: &str) -> Result<()> {
    let old: Option<String> = tx.query_row(KIT_NAME, [id], |r| r.get(0)).optional()?;
    if let Some(old) = old.filter(|o| o != new_name) {
        tx.execute(ADD_FORMER_NAME, params![id, old])?;
    }
    tx.execute(DROP_FORMER_NAME, params![id, new_name])?;
    Ok(())
}

fn store_kit(tx: &Transaction, k: &Kit) -> Result<()> {
    remember_former_name(tx, &k.id, &k.name)?;
    let pos: i64 = tx.query_row(NEXT_KIT_POSITION, [], |r| r.get(0))?;
    tx.execute(UPSERT_KIT, params![k.id, k.name, k.description, pos])?;
    tx.execute(DELETE_KIT_QUESTIONS, [&k.id])?;
    let mut insert = tx.prepare_cached(INSERT_KIT_QUESTION)?;
    for (i, q) in k.questions.iter().enumerate() {
        insert.execute(params![k.id, i as i64, q])?;
    }
    Ok(())
}
