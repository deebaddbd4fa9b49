//! The IPC commands. Each one is a thin wrapper: make ids and read the clock
//! here, then make one core call (one durable transaction) on the database
//! thread (`state::Db`). No SQL and no domain rules live in this file.

use std::path::PathBuf;

use chrono::Utc;
use panelist_core::bank::{self, Competency, Kit, KitSummary, Question};
use panelist_core::session::{
    CompetencyAverage, NewSession, Recommendation, Scale, Session, SessionCursor, SessionDetails,
    SessionFilter, SessionPage, WrapUp,
};
use panelist_core::{files, report};
use panelist_core::{AuditId, CandidateId, SessionId, Store};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use uuid::Uuid;

use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::shutdown::Shutdown;
use crate::state::Db;

/// The setting key under which the last interviewer's name is remembered.
pub(crate) const INTERVIEWER_KEY: &str = "interviewer";

#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: &'static str,
    pub db_path: String,
    /// Set when the database could not be opened; every other command fails.
    pub db_error: Option<IpcError>,
    pub interviewer: Option<String>,
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BankView {
    pub competencies: Vec<Competency>,
    pub questions: Vec<Question>,
    pub kits: Vec<KitSummary>,
}

/// A session as the screens show it: the session and what the core computes
/// from it, so the page never recomputes averages, budgets or scales.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SessionView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub session: Session,
    /// Average score per competency, in order of first appearance.
    pub competency_averages: Vec<CompetencyAverage>,
    /// The interviewer's overall score (`stats::overall`: the mean of the
    /// levels given, every scored question once); null without a score.
    pub overall: Option<f64>,
    /// Total time budget of the session's questions, in minutes.
    pub budget_minutes: u32,
    /// The rubric scale of its questions (lowest..highest level).
    pub scale: Option<Scale>,
    /// The interview clock: seconds the interview actually ran (the core's
    /// `Session::interview_seconds`), not wall time since creation.
    #[ts(type = "number")]
    pub interview_seconds: u64,
    /// The session's questions differ from its kit's (reordered, added or
    /// removed when it was made); it is still compared on that kit.
    pub kit_modified: bool,
}

impl SessionView {
    /// The view of a session read through `store` (which knows whether its
    /// questions were changed from its kit's).
    pub fn of(store: &Store, session: Session) -> panelist_core::Result<Self> {
        Ok(SessionView {
            competency_averages: session.competency_averages(),
            overall: panelist_core::stats::overall(session.entries.iter().filter_map(|e| e.score)),
            budget_minutes: session.budget_minutes(),
            scale: session.scale(),
            interview_seconds: session.interview_seconds(),
            kit_modified: session.kit.is_some() && store.session_kit_modified(session.id)?,
            session,
        })
    }
}

/// The most rows one `list_sessions` call returns.
pub const MAX_PAGE: u64 = 500;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Markdown,
    Json,
}

pub async fn app_info(db: State<'_, Db>) -> IpcResult<AppInfo> {
    let db_error = db.open_error().await;
    let interviewer = if db_error.is_none() {
        db.run(|s| s.setting(INTERVIEWER_KEY)).await?
    } else {
        None
    };
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        db_path: db.path.display().to_string(),
        db_error,
        interviewer,
    })
}

/// One page of the sessions matching `filter`, newest first: the `limit`
/// sessions after the cursor `after` (the previous page's `next`; `None`
/// for the first page), with how many match in all. `limit` is capped at
/// [`MAX_PAGE`].
pub async fn list_sessions(
    db: State<'_, Db>,
    filter: SessionFilter,
    after: Option<SessionCursor>,
    limit: u64,
) -> IpcResult<SessionPage> {
    let limit = limit.clamp(1, MAX_PAGE);
    db.run(move |s| s.session_page(&filter, after.as_ref(), limit))
        .await
}

/// Total time budget, in minutes, of the picked questions (as the session
/// created from them will have). Unknown ids are an error.
pub async fn budget_minutes(db: State<'_, Db>, question_ids: Vec<String>) -> IpcResult<u32> {
    db.run(move |s| bank::budget_minutes(&s.questions()?, &question_ids))
        .await
}

pub async fn get_bank(db: State<'_, Db>) -> IpcResult<BankView> {
    db.run(|s| {
        Ok(BankView {
            competencies: s.competencies()?,
            questions: s.questions()?,
            kits: s.kits()?,
        })
    })
    .await
}

/// Saves the picked questions as a kit named `name`. A new name makes a new
/// kit (its id derived from the name); an own kit's name replaces it only
/// with `replace` (otherwise a `conflict` error, so the page can ask); a
/// built-in kit's name is refused (`locked`).
pub async fn save_kit(
    db: State<'_, Db>,
    name: String,
    description: String,
    questions: Vec<String>,
    replace: bool,
) -> IpcResult<Kit> {
    let id = kit_id(&name);
    db.run(move |s| s.save_kit_as(&name, &description, &questions, replace, &id))
        .await
}

/// Creates the session, starts it, and remembers the interviewer's name.
pub async fn create_session(
    db: State<'_, Db>,
    new: NewSession,
    draft: Option<bool>,
) -> IpcResult<SessionView> {
    let session_id = SessionId::new(Uuid::now_v7());
    let candidate_id = CandidateId::new(Uuid::now_v7());
    let now = Utc::now();
    let interviewer = new.interviewer.trim().to_string();
    let session = if draft == Some(true) {
        db.run(move |s| s.create_session(&new, session_id, candidate_id, now))
            .await?
    } else {
        db.run(move |s| s.create_and_start_session(&new, session_id, candidate_id, now))
            .await?
    };
    db.run(move |s| s.set_setting(INTERVIEWER_KEY, &interviewer))
        .await?;
    db.run(move |s| SessionView::of(s, session)).await
}

/// Starts a draft (prepared in advance); a started session is unchanged.
pub async fn start_session(db: State<'_, Db>, session_id: SessionId) -> IpcResult<SessionView> {
    let now = Utc::now();
    db.run(move |s| {
        let session = s.start_session(session_id, now)?;
        SessionView::of(s, session)
    })
    .await
}

/// Changes candidate, interviewer and role before submission.
pub async fn edit_session_details(
    db: State<'_, Db>,
    session_id: SessionId,
    details: SessionDetails,
) -> IpcResult<SessionView> {
    let candidate_id = CandidateId::new(Uuid::now_v7());
    let now = Utc::now();
    db.run(move |s| {
        let session = s.edit_details(session_id, &details, candidate_id, now)?;
        SessionView::of(s, session)
    })
    .await
}

pub async fn get_session(db: State<'_, Db>, session_id: SessionId) -> IpcResult<SessionView> {
    db.run(move |s| {
        let session = s.session(session_id)?;
        SessionView::of(s, session)
    })
    .await
}

// The live interview's saves: each runs on the database thread and answers
// the page from there (`store: &mut Store` in ipc.in).

pub fn set_score(
    store: &mut Store,
    session_id: SessionId,
    question_id: String,
    level: Option<i64>,
) -> IpcResult<()> {
    Ok(store.set_score(session_id, &question_id, level, Utc::now())?)
}

pub fn set_skipped(
    store: &mut Store,
    session_id: SessionId,
    question_id: String,
    skipped: bool,
) -> IpcResult<()> {
    Ok(store.set_skipped(session_id, &question_id, skipped, Utc::now())?)
}

pub fn set_notes(
    store: &mut Store,
    session_id: SessionId,
    question_id: String,
    notes: String,
) -> IpcResult<()> {
    Ok(store.set_notes(session_id, &question_id, &notes, Utc::now())?)
}

pub fn set_look_for(
    store: &mut Store,
    session_id: SessionId,
    question_id: String,
    index: u32,
    on: bool,
) -> IpcResult<()> {
    Ok(store.set_look_for(session_id, &question_id, index, on, Utc::now())?)
}

pub fn set_follow_up(
    store: &mut Store,
    session_id: SessionId,
    question_id: String,
    index: u32,
    on: bool,
) -> IpcResult<()> {
    Ok(store.set_follow_up(session_id, &question_id, index, on, Utc::now())?)
}

pub fn add_time(
    store: &mut Store,
    session_id: SessionId,
    question_id: String,
    seconds: u64,
) -> IpcResult<()> {
    Ok(store.add_time(session_id, &question_id, seconds, Utc::now())?)
}

pub fn set_wrap_up(store: &mut Store, session_id: SessionId, wrap: WrapUp) -> IpcResult<()> {
    Ok(store.set_wrap_up(session_id, &wrap, Utc::now())?)
}

pub async fn submit_session(
    db: State<'_, Db>,
    team: State<'_, std::sync::Arc<crate::team::Team>>,
    session_id: SessionId,
    recommendation: Recommendation,
    summary: Option<String>,
) -> IpcResult<SessionView> {
    let audit_id = AuditId::new(Uuid::now_v7());
    let now = Utc::now();
    let view = db
        .run(move |s| {
            let session = s.submit(
                session_id,
                recommendation,
                summary.as_deref(),
                audit_id,
                now,
            )?;
            SessionView::of(s, session)
        })
        .await?;
    // Pushed by the background sync at once (it waits in the outbox if the
    // server cannot be reached).
    team.wake();
    Ok(view)
}

pub async fn amend_score(
    db: State<'_, Db>,
    session_id: SessionId,
    question_id: String,
    level: i64,
    reason: String,
) -> IpcResult<SessionView> {
    let audit_id = AuditId::new(Uuid::now_v7());
    let now = Utc::now();
    db.run(move |s| {
        let session = s.amend_score(session_id, &question_id, level, &reason, audit_id, now)?;
        SessionView::of(s, session)
    })
    .await
}

/// Exports a session through the save dialog.
/// Returns the written path, or `null` when the person cancelled the dialog.
pub async fn export_session(
    app: AppHandle,
    db: State<'_, Db>,
    session_id: SessionId,
    format: ExportFormat,
) -> IpcResult<Option<String>> {
    // The core signs own sessions and refuses sealed ones.
    let file = db.run(move |s| s.session_file(session_id)).await?;
    let suggested = suggested_file_name(&file.session, format);
    let contents = match format {
        ExportFormat::Markdown => report::session_markdown(&file.session),
        ExportFormat::Json => file.to_json(),
    };
    let (filter, ext) = match format {
        ExportFormat::Markdown => ("Markdown", "md"),
        ExportFormat::Json => ("Panelist session (JSON)", "json"),
    };
    let Some(path) = save_target(&app, &suggested, "Export interview", filter, ext).await? else {
        return Ok(None);
    };
    write_export(path, contents).await.map(Some)
}

/// Where an export goes: what the person picks in the save dialog (`None`
/// when they cancel); in an E2E build, `PANELIST_EXPORT_PATH` if set (a
/// folder: the suggested name inside it).
pub(crate) async fn save_target(
    app: &AppHandle,
    suggested: &str,
    title: &str,
    filter: &str,
    ext: &str,
) -> IpcResult<Option<PathBuf>> {
    if let Some(p) = crate::test_hooks::export_path() {
        return Ok(Some(if p.is_dir() { p.join(suggested) } else { p }));
    }
    let dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(suggested)
        .add_filter(filter, &[ext]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(IpcError::internal)?;
    picked
        .map(|fp| {
            fp.into_path()
                .map_err(|e| IpcError::new(ErrorCode::Io, e.to_string()))
        })
        .transpose()
}

/// Writes an export atomically on the blocking pool; returns the path shown
/// to the person.
pub(crate) async fn write_export(path: PathBuf, contents: impl Into<Vec<u8>>) -> IpcResult<String> {
    let shown = path.display().to_string();
    let contents = contents.into();
    tauri::async_runtime::spawn_blocking(move || files::write_atomic(&path, &contents))
        .await
        .map_err(IpcError::internal)??;
    Ok(shown)
}

/// The page's answer to a flush request (see `shutdown`).
pub async fn flush_done(shutdown: State<'_, Shutdown>, token: u64) -> IpcResult<()> {
    shutdown.ack(token);
    Ok(())
}

/// `Senior backend (2025)` -> `senior-backend-2025`.
pub fn kit_id(name: &str) -> String {
    bank::kit_id_for(name, Uuid::now_v7())
}

fn suggested_file_name(s: &Session, format: ExportFormat) -> String {
    let who = kit_id(&s.candidate.name);
    let date = s.started_at.unwrap_or(s.created_at).format("%Y-%m-%d");
    let ext = match format {
        ExportFormat::Markdown => "md",
        ExportFormat::Json => "panelist.json",
    };
    format!("interview-{who}-{date}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kit_ids_are_slugs() {
        assert_eq!(kit_id("Senior backend (2025)"), "senior-backend-2025");
        assert_eq!(kit_id("  --Ops & On-call--  "), "ops-on-call");
        // A name with no letter or digit gets a fresh id; other scripts are
        // transliterated as the core folds names (the CLI's rule too).
        assert!(kit_id("★ ★").starts_with("kit-"));
        assert_eq!(kit_id("日本語"), "ri-ben-yu");
        assert!(panelist_core::bank::is_slug(&kit_id("Ünïcode kit")));
        assert!(kit_id(&"a ".repeat(100)).len() <= 60);
        // The one slug rule of the core: accents fold as names do.
        assert_eq!(kit_id("Ünïcode kit"), "unicode-kit");
    }

    #[test]
    fn export_format_is_lowercase_on_the_wire() {
        let f: ExportFormat = serde_json::from_str("\"markdown\"").unwrap();
        assert_eq!(f, ExportFormat::Markdown);
    }
}
