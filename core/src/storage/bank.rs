//! The question bank: competencies, questions, kits, bank-file import and
//! export, and seeding the built-in bank.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;

use super::rows::{to_json, Json};
use super::Store;
use crate::bank::{self, BankFile, Competency, Kit, KitSummary, KnownIds, Question, ValidBank};
use crate::error::{Error, Result};

const COMPETENCIES: &str = "SELECT id, name, description FROM competency ORDER BY position, id";
const QUESTIONS: &str = "SELECT doc FROM question ORDER BY position, id";
const QUESTION: &str = "SELECT doc FROM question WHERE id = ?1";
const QUESTION_IDS: &str = "SELECT id FROM question";
const KITS: &str = "
    SELECT k.id, k.name, k.description,
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
const QUESTION_EXISTS: &str = "SELECT EXISTS(SELECT 1 FROM question WHERE id = ?1)";
const UPSERT_QUESTION: &str = "
    INSERT INTO question (id, competency_id, seniority, kind, prompt, minutes, doc, position)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
    ON CONFLICT (id) DO UPDATE SET competency_id = excluded.competency_id,
        seniority = excluded.seniority, kind = excluded.kind, prompt = excluded.prompt,
        minutes = excluded.minutes, doc = excluded.doc";
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
    pub questions_updated: usize,
    pub competencies: usize,
    pub kits: usize,
}

impl Store {
    pub(super) fn seed_builtin_bank(&mut self) -> Result<()> {
        let seeded: Option<String> = self.conn.query_row(SEEDED, [], |r| r.get(0)).optional()?;
        if seeded.is_some() {
            return Ok(());
        }
        let bank = bank::builtin_bank()?;
        self.write(|tx| {
            store_bank(tx, &bank)?;
            tx.execute(MARK_SEEDED, [])?;
            Ok(())
        })
    }

    pub fn competencies(&self) -> Result<Vec<Competency>> {
        let mut stmt = self.conn.prepare_cached(COMPETENCIES)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Competency {
                    id: r.get("id")?,
                    name: r.get("name")?,
                    description: r.get("description")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn questions(&self) -> Result<Vec<Question>> {
        let mut stmt = self.conn.prepare_cached(QUESTIONS)?;
        let rows = stmt
            .query_map([], |r| Ok(r.get::<_, Json<Question>>("doc")?.0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn question(&self, id: &str) -> Result<Question> {
        let doc: Option<Json<Question>> = self
            .conn
            .prepare_cached(QUESTION)?
            .query_row([id], |r| r.get("doc"))
            .optional()?;
        doc.map(|d| d.0)
            .ok_or_else(|| Error::NotFound(format!("no question with id {id:?} in the bank")))
    }

    /// Every kit with its questions and total time budget.
    pub fn kits(&self) -> Result<Vec<KitSummary>> {
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
                Ok(KitSummary {
                    questions: questions.remove(&id).unwrap_or_default(),
                    id,
                    name: r.get("name")?,
                    description: r.get("description")?,
                    minutes: r.get::<_, i64>("minutes")? as u32,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(kits)
    }

    /// A kit by id, or by name (case-insensitive).
    pub fn kit(&self, id_or_name: &str) -> Result<Kit> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(KIT, [id_or_name], |r| {
                Ok((r.get("id")?, r.get("name")?, r.get("description")?))
            })
            .optional()?;
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
        let competencies = self.competencies()?.into_iter().map(|c| c.id).collect();
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

    /// Imports a bank file: new questions are added, questions with an
    /// existing id replace the stored ones (past sessions keep their
    /// snapshots), competencies and kits are added or replaced. All or nothing.
    pub fn import_bank(&mut self, file: &BankFile) -> Result<BankImportReport> {
        let valid = file.validate(&self.known_ids()?)?;
        self.write(|tx| store_bank(tx, &valid))
    }

    /// Parses, validates and imports bank file bytes.
    pub fn import_bank_bytes(&mut self, bytes: &[u8]) -> Result<BankImportReport> {
        let file = bank::parse_bank(bytes)?;
        self.import_bank(&file)
    }

    /// The whole bank as a bank file.
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
        let file = BankFile::from_parts(self.competencies()?, &self.questions()?, &kits);
        // What the importer would refuse is never written out.
        file.validate(&bank::KnownIds::default()).map_err(|e| {
            Error::invalid(format!(
                "the bank cannot be exported because a fresh database would refuse it: {e}"
            ))
        })?;
        Ok(file)
    }

    /// Saves a kit (creating or replacing it by id).
    pub fn save_kit(&mut self, kit: &Kit) -> Result<()> {
        if !bank::is_slug(&kit.id) {
            return Err(Error::invalid(format!(
                "{:?} is not a valid kit id",
                kit.id
            )));
        }
        if kit.name.trim().is_empty() {
            return Err(Error::invalid("a kit needs a name"));
        }
        if kit.questions.is_empty() {
            return Err(Error::invalid("a kit needs at least one question"));
        }
        let known = self.known_ids()?;
        for q in &kit.questions {
            if !known.questions.contains(q) {
                return Err(Error::NotFound(format!(
                    "no question with id {q:?} in the bank"
                )));
            }
        }
        self.write(|tx| store_kit(tx, kit))
    }
}

fn store_bank(tx: &Transaction, bank: &ValidBank) -> Result<BankImportReport> {
    let mut report = BankImportReport {
        competencies: bank.competencies.len(),
        kits: bank.kits.len(),
        ..Default::default()
    };
    let first: i64 = tx.query_row(NEXT_COMPETENCY_POSITION, [], |r| r.get(0))?;
    let mut upsert = tx.prepare_cached(UPSERT_COMPETENCY)?;
    for (pos, c) in (first..).zip(&bank.competencies) {
        upsert.execute(params![c.id, c.name, c.description, pos])?;
    }
    let first: i64 = tx.query_row(NEXT_QUESTION_POSITION, [], |r| r.get(0))?;
    let mut exists = tx.prepare_cached(QUESTION_EXISTS)?;
    let mut upsert = tx.prepare_cached(UPSERT_QUESTION)?;
    for (pos, q) in (first..).zip(&bank.questions) {
        if exists.query_row([&q.id], |r| r.get::<_, bool>(0))? {
            report.questions_updated += 1;
        } else {
            report.questions_added += 1;
        }
        upsert.execute(params![
            q.id,
            q.competency,
            q.seniority.as_str(),
            q.kind.as_str(),
            q.prompt,
            q.minutes,
            to_json(q),
            pos
        ])?;
    }
    for k in &bank.kits {
        store_kit(tx, k)?;
    }
    Ok(report)
}

fn store_kit(tx: &Transaction, k: &Kit) -> Result<()> {
    let pos: i64 = tx.query_row(NEXT_KIT_POSITION, [], |r| r.get(0))?;
    tx.execute(UPSERT_KIT, params![k.id, k.name, k.description, pos])?;
    tx.execute(DELETE_KIT_QUESTIONS, [&k.id])?;
    let mut insert = tx.prepare_cached(INSERT_KIT_QUESTION)?;
    for (i, q) in k.questions.iter().enumerate() {
        insert.execute(params![k.id, i as i64, q])?;
    }
    Ok(())
}
