//! The panel IPC commands: importing other interviewers' session files and
//! plan files (`panel/import.rs`), comparing a candidate's panel, comparing candidates, calibration and the
//! hiring-committee report. Thin like `commands`: every rule (sealing,
//! flags, statistics, escaping) is the core's; the app never unseals.

use std::path::PathBuf;

use chrono::Utc;
use panelist_core::committee::{self, ReportFormat};
use panelist_core::panel::{self, Calibration, CandidateComparison, Comparison, SortBy};
use panelist_core::redact::Replacement;
use panelist_core::storage::Erasure;
use panelist_core::{report, Error, SessionId};
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use uuid::Uuid;

use crate::commands::{kit_id, save_target, write_export};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::state::Db;

mod import;
#[cfg(test)]
pub(crate) use import::import_files;
pub use import::{accept_new_key, import_session_files, ClashedImport, DroppedFiles, ImportedFile};

/// JSON files picked with the system dialog titled `title` (several when
/// `many`, else one); `None` when the dialog was cancelled.
pub(crate) async fn pick_json_files(
    app: &AppHandle,
    title: &str,
    filter: &str,
    many: bool,
) -> IpcResult<Option<Vec<PathBuf>>> {
    let dialog = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter(filter, &["json"]);
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        if many {
            dialog.blocking_pick_files()
        } else {
            dialog.blocking_pick_file().map(|f| vec![f])
        }
    })
    .await
    .map_err(IpcError::internal)?;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    chosen
        .into_iter()
        .map(|fp| {
            fp.into_path()
                .map_err(|e| IpcError::new(ErrorCode::Io, e.to_string()))
        })
        .collect::<IpcResult<_>>()
        .map(Some)
}

/// One candidate's panel. While the local interviewer's own session is not
/// submitted, the others' scores stay sealed (the core's rule).
pub async fn compare_candidate(db: State<'_, Db>, candidate: String) -> IpcResult<Comparison> {
    db.run(move |s| compare_of(s, &candidate)).await
}

pub(crate) fn compare_of(
    s: &panelist_core::Store,
    candidate: &str,
) -> panelist_core::Result<Comparison> {
    let sessions = s.candidate_sessions(candidate)?;
    let mut c = panel::compare(candidate.trim(), &sessions, false);
    c.plan = s
        .candidate_plan(candidate, crate::test_hooks::plan_now())?
        .as_ref()
        .map(panelist_core::plan::PlanDebrief::of);
    Ok(c)
}

/// Candidates who sat `kit` (an id or name), sorted by `sort`: `overall`,
/// `name` or a competency id.
pub async fn compare_candidates(
    db: State<'_, Db>,
    kit: String,
    sort: String,
) -> IpcResult<CandidateComparison> {
    db.run(move |s| compare_candidates_of(s, &kit, &sort)).await
}

pub(crate) fn compare_candidates_of(
    s: &panelist_core::Store,
    kit: &str,
    sort: &str,
) -> panelist_core::Result<CandidateComparison> {
    {
        let kit = s.kit(kit)?;
        let sort = match sort {
            "overall" => SortBy::Overall,
            "name" => SortBy::Name,
            c => {
                if !s.competencies()?.iter().any(|x| x.id == c) {
                    return Err(Error::Invalid(format!(
                        "cannot sort by {c:?}: use overall, name or a competency id"
                    )));
                }
                SortBy::Competency(c.to_string())
            }
        };
        Ok(panel::compare_candidates(
            &kit.name,
            &s.kit_sessions(&kit.name)?,
            &sort,
        ))
    }
}

/// Calibration as the screen shows it: the core's figures and how many
/// colleagues' sessions were left out because they are sealed.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CalibrationView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub calibration: Calibration,
    /// Sealed sessions (of the kit, if one is chosen) left out.
    pub sealed_sessions: u32,
}

/// Reliability and leniency over every submitted session, or one kit's.
pub async fn calibration(db: State<'_, Db>, kit: Option<String>) -> IpcResult<CalibrationView> {
    db.run(move |s| calibration_view(s, kit)).await
}

pub(crate) fn calibration_view(
    s: &panelist_core::Store,
    kit: Option<String>,
) -> panelist_core::Result<CalibrationView> {
    let kit = kit
        .filter(|k| !k.trim().is_empty())
        .map(|k| s.kit(&k))
        .transpose()?
        .map(|k| k.name);
    Ok(CalibrationView {
        calibration: panel::calibration_of(&s.ratings()?, kit.as_deref()),
        sealed_sessions: s.sealed_session_count(kit.as_deref())? as u32,
    })
}

fn build_report(
    s: &panelist_core::Store,
    candidate: &str,
    redact: bool,
) -> panelist_core::Result<committee::CommitteeReport> {
    let sessions = s.candidate_sessions(candidate)?;
    let plan = s.candidate_plan(candidate, crate::test_hooks::plan_now())?;
    Ok(committee::build_planned(
        candidate.trim(),
        &sessions,
        plan.as_ref(),
        redact,
        false,
    ))
}

/// The report's suggested file name: never the real name of a redacted
/// candidate.
fn report_file_name(shown_candidate: &str, format: ReportFormat) -> String {
    report_file_name_ext(shown_candidate, format.extension())
}

fn report_file_name_ext(shown_candidate: &str, ext: &str) -> String {
    format!(
        "committee-{}-{}.{ext}",
        kit_id(shown_candidate),
        Utc::now().format("%Y-%m-%d"),
    )
}

/// Writes the hiring-committee report through the save dialog (or
/// `PANELIST_EXPORT_PATH`). Returns the written path, or `null` when the
/// person cancelled.
pub async fn export_report(
    app: AppHandle,
    db: State<'_, Db>,
    candidate: String,
    format: ReportFormat,
    redact: bool,
) -> IpcResult<Option<String>> {
    let (suggested, contents) = db
        .run(move |s| {
            let report = build_report(s, &candidate, redact)?;
            Ok((
                report_file_name(&report.candidate, format),
                committee::render(&report, format),
            ))
        })
        .await?;
    let filter = match format {
        ReportFormat::Md => "Markdown",
        ReportFormat::Html => "HTML",
        ReportFormat::Csv => "CSV",
        ReportFormat::Json => "JSON",
    };
    let Some(path) = save_target(
        &app,
        &suggested,
        "Export committee report",
        filter,
        format.extension(),
    )
    .await?
    else {
        return Ok(None);
    };
    write_export(path, contents).await.map(Some)
}

/// Writes the hiring-committee report as a PDF through the save dialog (or
/// `PANELIST_EXPORT_PATH`), made by the core from the same report as the
/// other formats (sealing and redaction included). Returns the written path,
/// or `null` when the person cancelled.
pub async fn export_report_pdf(
    app: AppHandle,
    db: State<'_, Db>,
    candidate: String,
    redact: bool,
) -> IpcResult<Option<String>> {
    // The report is read on the database thread; the PDF (a second or so of
    // layout and font work) is made off it, so notes keep saving meanwhile.
    let report = db.run(move |s| build_report(s, &candidate, redact)).await?;
    let suggested = report_file_name_ext(&report.candidate, "pdf");
    let bytes = tauri::async_runtime::spawn_blocking(move || report::pdf::committee_pdf(&report))
        .await
        .map_err(IpcError::internal)??;
    let Some(path) = save_target(&app, &suggested, "Export committee report", "PDF", "pdf").await?
    else {
        return Ok(None);
    };
    write_export(path, bytes).await.map(Some)
}

/// The text the PDF export draws (in drawing order), for the seal test.
#[cfg(test)]
pub(crate) fn report_pdf_text_of(
    s: &panelist_core::Store,
    candidate: &str,
    redact: bool,
) -> panelist_core::Result<String> {
    Ok(report::pdf::committee_pdf_text(&build_report(
        s, candidate, redact,
    )?))
}

/// The report as it would be exported, for the preview, with what redaction
/// replaced (for the person exporting only: never part of the packet).
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReportPreview {
    pub format: ReportFormat,
    /// The exported text: HTML goes into a sandboxed frame, the others into
    /// a <pre>.
    pub text: String,
    pub redacted: bool,
    /// Each name replaced by a pseudonym and how often (empty unredacted).
    pub replaced: Vec<Replacement>,
}

/// The report in `format`, for the preview, with the redaction list.
pub async fn report_preview(
    db: State<'_, Db>,
    candidate: String,
    format: ReportFormat,
    redact: bool,
) -> IpcResult<ReportPreview> {
    db.run(move |s| report_preview_of(s, &candidate, format, redact))
        .await
}

pub(crate) fn report_preview_of(
    s: &panelist_core::Store,
    candidate: &str,
    format: ReportFormat,
    redact: bool,
) -> panelist_core::Result<ReportPreview> {
    let report = build_report(s, candidate, redact)?;
    Ok(ReportPreview {
        format,
        text: committee::render(&report, format),
        redacted: redact,
        replaced: report.replaced.clone(),
    })
}

/// Deletes one interview (own draft or in progress, or an imported
/// session) with every trace of it, through the core's erasure.
pub async fn delete_session(db: State<'_, Db>, session_id: SessionId) -> IpcResult<Erasure> {
    db.run(move |s| s.delete_session(session_id, Uuid::now_v7(), Utc::now()))
        .await
}

/// Erases a candidate and all their sessions, down to the bytes.
pub async fn erase_candidate(db: State<'_, Db>, name: String) -> IpcResult<Erasure> {
    db.run(move |s| s.erase_candidate(&name, Uuid::now_v7(), Utc::now()))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report preview is a srcdoc frame, which inherits the app's CSP:
    /// the app must allow the report's one style block by its hash. A change
    /// to the report's CSS fails here instead of silently unstyling the
    /// preview (update style-src in tauri.conf.json to the new value).
    #[test]
    fn app_csp_allows_exactly_the_report_style() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
        let style = conf["app"]["security"]["csp"]["style-src"]
            .as_str()
            .expect("tauri.conf.json sets style-src");
        let sources: Vec<&str> = style.split_whitespace().collect();
        let report = committee::report_style_csp_source();
        assert_eq!(
            sources,
            ["'self'", report.as_str()],
            "style-src in tauri.conf.json must be \"'self' {report}\""
        );
    }

    #[test]
    fn redacted_reports_do_not_carry_the_name_in_the_file_name() {
        let n = report_file_name("Candidate 3F2A", ReportFormat::Html);
        assert!(n.starts_with("committee-candidate-3f2a-"), "{n}");
        assert!(n.ends_with(".html"));
    }
}
