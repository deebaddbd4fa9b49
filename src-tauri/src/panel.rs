//! The panel IPC commands: importing other interviewers' session files,
//! comparing a candidate's panel, comparing candidates, calibration and the
//! hiring-committee report. Thin like `commands`: every rule (sealing,
//! flags, statistics, escaping) is the core's; the app never unseals.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::Utc;
use panelist_core::committee::{self, ReportFormat};
use panelist_core::import::{CandidateClash, ImportOptions, ImportResult};
use panelist_core::panel::{self, Calibration, CandidateComparison, Comparison, SortBy};
use panelist_core::redact::Replacement;
use panelist_core::session_file::{SessionFile, MAX_SESSION_BYTES};
use panelist_core::storage::Erasure;
use panelist_core::{files, report, CandidateId, Error, SessionId};
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use uuid::Uuid;

use crate::commands::{kit_id, save_target, write_export};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::state::Db;

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

/// What importing one file did.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportedFile {
    /// The file's name (without its folder), for display.
    pub file: String,
    pub path: String,
    pub result: ImportResult,
}

/// The files last dropped on the window. The page may ask to import dropped
/// files by path, but only paths from the most recent drop: it cannot make
/// the shell read any other file.
#[derive(Default)]
pub struct DroppedFiles(Mutex<Vec<PathBuf>>);

impl DroppedFiles {
    pub fn set(&self, paths: &[PathBuf]) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = paths.to_vec();
    }

    /// The requested paths, if every one of them was in the last drop.
    fn check(&self, requested: &[String]) -> IpcResult<Vec<PathBuf>> {
        let dropped = self.0.lock().unwrap_or_else(|p| p.into_inner());
        requested
            .iter()
            .map(|r| {
                let p = PathBuf::from(r);
                if dropped.contains(&p) {
                    Ok(p)
                } else {
                    Err(IpcError::new(
                        ErrorCode::Invalid,
                        format!("{r} was not dropped on the window; use “Import sessions…” to choose files"),
                    ))
                }
            })
            .collect()
    }
}

/// The files of the last import that was refused because of a candidate
/// clash: the person's decision (merge or keep apart) re-runs the import on
/// exactly these, without the page naming any file.
#[derive(Default)]
pub struct ClashedImport(Mutex<Vec<PathBuf>>);

impl ClashedImport {
    fn set(&self, paths: Vec<PathBuf>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = paths;
    }
    fn take(&self) -> Vec<PathBuf> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Reads and verifies each file (naming the file in any error), before the
/// store is touched.
fn read_session_files(paths: &[PathBuf]) -> Result<Vec<SessionFile>, Error> {
    paths
        .iter()
        .map(|p| {
            let name = file_name(p);
            let meta = std::fs::metadata(p)
                .map_err(|e| Error::Io(format!("{name}: cannot read {}: {e}", p.display())))?;
            if meta.is_dir() {
                return Err(Error::Invalid(format!(
                    "{name} is a folder; choose the session files inside it"
                )));
            }
            if meta.len() > MAX_SESSION_BYTES as u64 {
                return Err(Error::Invalid(format!(
                    "{name}: {} bytes is more than a session file can hold ({MAX_SESSION_BYTES} bytes)",
                    meta.len()
                )));
            }
            let bytes = panelist_core::files::read(p)?;
            SessionFile::parse(&bytes).map_err(|e| Error::Invalid(format!("{name}: {e}")))
        })
        .collect()
}

/// The core names a refused session by its id; say which file held it.
fn name_the_file(e: Error, files: &[SessionFile], paths: &[PathBuf]) -> Error {
    let msg = e.to_string();
    let culprit = files
        .iter()
        .zip(paths)
        .find(|(f, _)| msg.contains(&f.session.id.to_string()));
    match (e, culprit) {
        (Error::Invalid(m), Some((_, p))) => Error::Invalid(format!("{}: {m}", file_name(p))),
        (Error::Conflict(m), Some((_, p))) => Error::Conflict(format!("{}: {m}", file_name(p))),
        (e, _) => e,
    }
}

/// Imports other interviewers' session files, all or nothing. The files are
/// `dropped` ones (paths from the window's last drop), else what the person
/// picks in the open dialog (in an E2E build, `PANELIST_IMPORT_PATHS` if set).
/// Returns one result per file, or `null` when the dialog was cancelled.
pub async fn import_session_files(
    app: AppHandle,
    db: State<'_, Db>,
    dropped: State<'_, DroppedFiles>,
    clashed: State<'_, ClashedImport>,
    paths: Option<Vec<String>>,
    clash: Option<CandidateClash>,
) -> IpcResult<Option<Vec<ImportedFile>>> {
    let decided = clash.filter(|c| *c != CandidateClash::Ask);
    let picked: Vec<PathBuf> = match (decided, paths) {
        (Some(_), _) => {
            let p = clashed.take();
            if p.is_empty() {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    "no import is waiting for a decision about a candidate; import the files again",
                ));
            }
            p
        }
        (None, Some(p)) => dropped.check(&p)?,
        (None, None) => match crate::test_hooks::import_paths() {
            Some(p) => p,
            None => {
                match pick_json_files(
                    &app,
                    "Import session files",
                    "Panelist session (JSON)",
                    true,
                )
                .await?
                {
                    Some(p) => p,
                    None => return Ok(None),
                }
            }
        },
    };
    // The same file twice is one file.
    let mut seen = BTreeSet::new();
    let picked: Vec<PathBuf> = picked
        .into_iter()
        .filter(|p| seen.insert(p.clone()))
        .collect();
    if picked.is_empty() {
        return Err(IpcError::new(
            ErrorCode::Invalid,
            "no session files to import",
        ));
    }
    let retry = picked.clone();
    let result = db
        .run(move |s| import_files(s, &picked, decided.unwrap_or_default()))
        .await;
    if let Err(e) = &result {
        if e.code == "conflict" && e.message.contains(CLASH_MARK) {
            clashed.set(retry);
        }
    }
    result.map(Some)
}

/// What the core's clash refusal says (see storage/import.rs); the page asks
/// the person on it.
const CLASH_MARK: &str = "choosing to merge them";

/// Reads, verifies and imports `paths` with the person's clash decision.
pub(crate) fn import_files(
    s: &mut panelist_core::Store,
    paths: &[PathBuf],
    clash: CandidateClash,
) -> panelist_core::Result<Vec<ImportedFile>> {
    let picked = paths;
    {
        let files = read_session_files(picked)?;
        let opts = ImportOptions {
            clash,
            new_candidate_id: CandidateId::new(Uuid::now_v7()),
            accept_new_key: false,
        };
        let results = s
            .import_sessions_with(&files, &opts)
            .map_err(|e| name_the_file(e, &files, picked))?;
        Ok(picked
            .iter()
            .zip(results)
            .map(|(p, result)| ImportedFile {
                file: file_name(p),
                path: p.display().to_string(),
                result,
            })
            .collect::<Vec<_>>())
    }
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
    Ok(panel::compare(candidate.trim(), &sessions, false))
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
    Ok(committee::build(candidate.trim(), &sessions, redact, false))
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
    let (suggested, bytes) = db
        .run(move |s| {
            let report = build_report(s, &candidate, redact)?;
            Ok((
                report_file_name_ext(&report.candidate, "pdf"),
                report::pdf::committee_pdf(&report)?,
            ))
        })
        .await?;
    let Some(path) = save_target(&app, &suggested, "Export committee report", "PDF", "pdf").await?
    else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    tauri::async_runtime::spawn_blocking(move || files::write_atomic(&path, &bytes))
        .await
        .map_err(IpcError::internal)??;
    Ok(Some(shown))
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
    fn only_dropped_paths_are_accepted() {
        let d = DroppedFiles::default();
        assert!(d.check(&["/tmp/a.json".into()]).is_err());
        d.set(&[PathBuf::from("/tmp/a.json"), PathBuf::from("/tmp/b.json")]);
        assert_eq!(
            d.check(&["/tmp/b.json".into()]).unwrap(),
            vec![PathBuf::from("/tmp/b.json")]
        );
        let e = d
            .check(&["/tmp/a.json".into(), "/etc/passwd".into()])
            .unwrap_err();
        assert_eq!(e.code, "invalid");
        assert!(e.message.contains("/etc/passwd"), "{}", e.message);
        d.set(&[]);
        assert!(d.check(&["/tmp/a.json".into()]).is_err());
    }

    #[test]
    fn bad_files_are_named_and_nothing_is_read_past_them() {
        let dir = tempfile_dir();
        let good = dir.join("folder");
        std::fs::create_dir_all(&good).unwrap();
        let bad = dir.join("broken.json");
        std::fs::write(&bad, b"{\"format\": 1}").unwrap();
        let e = read_session_files(std::slice::from_ref(&bad)).unwrap_err();
        assert_eq!(e.code(), "invalid");
        assert!(e.to_string().starts_with("broken.json: "), "{e}");
        let e = read_session_files(&[good]).unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        let e = read_session_files(&[dir.join("missing.json")]).unwrap_err();
        assert_eq!(e.code(), "io");
        assert!(e.to_string().starts_with("missing.json: "), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("panelist-app-test-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// A file whose candidate id is someone else here is refused with the
    /// message the page recognises (CLASH_MARK), and the person's decision
    /// re-runs it: merge files it under the local candidate, keep apart
    /// under a separate one.
    #[test]
    fn a_candidate_clash_is_asked_then_decided() {
        use panelist_core::session::{NewSession, Recommendation};
        use panelist_core::{AuditId, Store};
        let new = |candidate: &str, interviewer: &str| NewSession {
            candidate: candidate.into(),
            interviewer: interviewer.into(),
            role: "Backend engineer".into(),
            kit: Some("Backend fundamentals".into()),
            question_ids: vec!["rest-api-design".into()],
        };
        let shared = CandidateId::new(Uuid::now_v7());
        let dir = tempfile_dir();
        let mut b = Store::open_in_memory().unwrap();
        let theirs = SessionId::new(Uuid::now_v7());
        b.create_and_start_session(&new("Lin W.", "Ravi"), theirs, shared, Utc::now())
            .unwrap();
        b.submit(
            theirs,
            Recommendation::Yes,
            None,
            AuditId::new(Uuid::now_v7()),
            Utc::now(),
        )
        .unwrap();
        let file = dir.join("ravi.json");
        std::fs::write(&file, b.session_file(theirs).unwrap().to_json()).unwrap();

        for (choice, filed_under) in [
            (CandidateClash::Merge, "Lin Wei"),
            (CandidateClash::KeepApart, "Lin W."),
        ] {
            let mut a = Store::open_in_memory().unwrap();
            a.create_and_start_session(
                &new("Lin Wei", "Grace"),
                SessionId::new(Uuid::now_v7()),
                shared,
                Utc::now(),
            )
            .unwrap();
            let e =
                import_files(&mut a, std::slice::from_ref(&file), CandidateClash::Ask).unwrap_err();
            assert_eq!(e.code(), "conflict");
            assert!(e.to_string().contains(CLASH_MARK), "{e}");
            assert!(e.to_string().starts_with("ravi.json: "), "{e}");
            assert!(a.session(theirs).is_err(), "nothing was imported");
            let done = import_files(&mut a, std::slice::from_ref(&file), choice).unwrap();
            assert_eq!(done.len(), 1);
            assert_eq!(
                a.panel_session(theirs).unwrap().session.candidate.name,
                filed_under
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn redacted_reports_do_not_carry_the_name_in_the_file_name() {
        let n = report_file_name("Candidate 3F2A", ReportFormat::Html);
        assert!(n.starts_with("committee-candidate-3f2a-"), "{n}");
        assert!(n.ends_with(".html"));
    }
}
