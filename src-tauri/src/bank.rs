//! The bank IPC commands: browsing the whole bank (retired questions and
//! built-in flags included), authoring questions and competencies (checked
//! by the core, errors start with the field path), question history, the
//! kits editor, and bank files in and out. Thin like `commands`: every rule
//! is the core's.

use std::path::PathBuf;

use chrono::Utc;
use panelist_core::bank::{
    BankCompetency, BankKit, BankQuestion, Competency, Kit, QuestionDoc, QuestionDraft,
    QuestionRevision, RevisionChanges, MAX_BANK_BYTES,
};
use panelist_core::storage::{BankImportReport, BankPhase, BankProgress};
use panelist_core::{Error, SessionId};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use crate::commands::{kit_id, save_target, write_export};
use crate::error::{IpcError, IpcResult};
use crate::panel::pick_json_files;
use crate::state::Db;

/// Everything the Bank screen shows.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BankCatalog {
    pub competencies: Vec<BankCompetency>,
    pub questions: Vec<BankQuestion>,
    pub kits: Vec<BankKit>,
}

/// A question's revisions and what changed in each.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct QuestionHistory {
    pub revisions: Vec<QuestionRevision>,
    pub changes: Vec<RevisionChanges>,
}

/// The bank revision one question of a session was asked in.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct EntryRevision {
    pub question_id: String,
    /// `null`: asked before revisions were kept, or from another machine's
    /// bank.
    pub revision: Option<u32>,
}

/// Which revision of each question a session used, in entry order.
pub async fn entry_revisions(
    db: State<'_, Db>,
    session_id: SessionId,
) -> IpcResult<Vec<EntryRevision>> {
    db.run(move |s| {
        Ok(s.entry_revisions(session_id)?
            .into_iter()
            .map(|(question_id, revision)| EntryRevision {
                question_id,
                revision,
            })
            .collect())
    })
    .await
}

pub async fn bank_catalog(db: State<'_, Db>) -> IpcResult<BankCatalog> {
    db.run(|s| {
        Ok(BankCatalog {
            competencies: s.bank_competencies()?,
            questions: s.bank_questions()?,
            kits: s.bank_kits()?,
        })
    })
    .await
}

/// Creates a question (`create`) or saves a new revision of one. An
/// `invalid` error's message starts with the field path.
pub async fn save_question(
    db: State<'_, Db>,
    question: QuestionDoc,
    create: bool,
) -> IpcResult<BankQuestion> {
    let now = Utc::now();
    db.run(move |s| s.save_question(&question, create, now))
        .await
}

/// The editor's check while the author types: every broken rule of the
/// question at once, and an id made from the prompt for a new one.
pub async fn question_draft(
    db: State<'_, Db>,
    question: QuestionDoc,
    create: bool,
) -> IpcResult<QuestionDraft> {
    db.run(move |s| s.question_draft(&question, create)).await
}

pub async fn set_question_retired(db: State<'_, Db>, id: String, retired: bool) -> IpcResult<()> {
    db.run(move |s| s.set_question_retired(&id, retired)).await
}

pub async fn question_history(db: State<'_, Db>, id: String) -> IpcResult<QuestionHistory> {
    db.run(move |s| {
        Ok(QuestionHistory {
            revisions: s.question_revisions(&id)?,
            changes: s.question_history(&id)?,
        })
    })
    .await
}

pub async fn save_competency(
    db: State<'_, Db>,
    competency: Competency,
    create: bool,
) -> IpcResult<()> {
    db.run(move |s| s.save_competency(&competency, create))
        .await
}

pub async fn set_competency_retired(db: State<'_, Db>, id: String, retired: bool) -> IpcResult<()> {
    db.run(move |s| s.set_competency_retired(&id, retired))
        .await
}

pub async fn rename_kit(db: State<'_, Db>, id: String, name: String) -> IpcResult<()> {
    db.run(move |s| s.rename_kit(&id, &name)).await
}

/// Replaces an own kit's questions (reorder, add, remove).
pub async fn set_kit_questions(
    db: State<'_, Db>,
    id: String,
    questions: Vec<String>,
) -> IpcResult<()> {
    db.run(move |s| s.set_kit_questions(&id, &questions)).await
}

pub async fn delete_kit(db: State<'_, Db>, id: String) -> IpcResult<()> {
    db.run(move |s| s.delete_kit(&id)).await
}

/// Copies any kit (built-in ones too) as a new own kit named `name`.
pub async fn duplicate_kit(db: State<'_, Db>, id: String, name: String) -> IpcResult<Kit> {
    let new_id = kit_id(&name);
    db.run(move |s| s.duplicate_kit(&id, &name, &new_id)).await
}

/// The event that carries a bank import's progress to the page.
pub const BANK_IMPORT_EVENT: &str = "panelist://bank-import";

/// Imports a bank file, all or nothing: what the person picks (in an E2E
/// build, `PANELIST_BANK_IMPORT_PATH` if set). `null` when the dialog was cancelled. Its progress
/// (reading, checking, saving) goes to the page as [`BANK_IMPORT_EVENT`].
pub async fn import_bank_file(
    app: AppHandle,
    db: State<'_, Db>,
) -> IpcResult<Option<BankImportReport>> {
    let path: PathBuf = match crate::test_hooks::bank_import_path() {
        Some(p) => p,
        None => {
            match pick_json_files(&app, "Import a bank file", "Panelist bank (JSON)", false)
                .await?
                .and_then(|p| p.into_iter().next())
            {
                Some(p) => p,
                None => return Ok(None),
            }
        }
    };
    let progress = {
        let app = app.clone();
        move |p: BankProgress| {
            let _ = app.emit(BANK_IMPORT_EVENT, p);
        }
    };
    // Read and parse on the blocking pool without the store: a large file
    // never keeps the interview's note saves waiting; only the import takes it.
    let reading = progress.clone();
    let file = tauri::async_runtime::spawn_blocking(move || {
        let meta = std::fs::metadata(&path)
            .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))?;
        let size = meta.len();
        reading(BankProgress {
            phase: BankPhase::Reading,
            done: 0,
            total: size,
        });
        if meta.len() > MAX_BANK_BYTES as u64 {
            return Err(Error::Invalid(format!(
                "{}: {} bytes is more than a bank file may hold ({MAX_BANK_BYTES} bytes)",
                path.display(),
                meta.len()
            )));
        }
        let bytes = panelist_core::files::read(&path)?;
        let file = panelist_core::bank::parse_bank(&bytes)
            .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
        reading(BankProgress {
            phase: BankPhase::Reading,
            done: size,
            total: size,
        });
        Ok::<_, Error>(file)
    })
    .await
    .map_err(IpcError::internal)??;
    let mut progress = progress;
    let now = Utc::now();
    db.run(move |s| s.import_bank_with_progress(&file, now, &mut progress))
        .await
        .map(Some)
}

/// Exports the whole bank as a bank file; the written path, or `null` when
/// the save dialog was cancelled.
pub async fn export_bank_file(app: AppHandle, db: State<'_, Db>) -> IpcResult<Option<String>> {
    let file = db.run(|s| s.export_bank()).await?;
    let Some(path) = save_target(
        &app,
        "panelist-bank.json",
        "Export the bank",
        "Panelist bank (JSON)",
        "json",
    )
    .await?
    else {
        return Ok(None);
    };
    let mut json = serde_json::to_string_pretty(&file).map_err(IpcError::internal)?;
    json.push('\n');
    write_export(path, json).await.map(Some)
}
