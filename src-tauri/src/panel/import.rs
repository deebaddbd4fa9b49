//! The app's import door: colleagues' session files and interview plan
//! files, picked or dropped on the window, imported file by file through the
//! core's `Store::import_each` (good files import, a bad one is refused in
//! one plain sentence naming it); the person's decision on a candidate clash
//! re-runs the clashing files, and a colleague's changed key is accepted one
//! file at a time after the person compared both fingerprints
//! (`Store::import_accepting_key`, the path of `panelist import
//! --accept-new-key`). The page never names a file the shell did not take
//! from a dialog, a drop or this import.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use panelist_core::import::{CandidateClash, ImportOptions, ImportResult, Refusal};
use panelist_core::session_file::MAX_SESSION_BYTES;
use panelist_core::storage::{BatchFile, FileImport, PlanImportResult};
use panelist_core::{text, CandidateId, Error};
use serde::Serialize;
use tauri::{AppHandle, State};
use uuid::Uuid;

use super::pick_json_files;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::state::Db;

/// What importing one file did: exactly one of `result` (a session),
/// `plan` (an interview plan) or `refused` is set.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportedFile {
    /// The file's name (without its folder), for display.
    pub file: String,
    pub path: String,
    /// The session the file held, imported.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<ImportResult>,
    /// The interview plan the file held, imported.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanImportResult>,
    /// Why the file was refused; nothing of it was imported.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<Refusal>,
    /// The candidate's identity (the core's `text::name_key`), so the page
    /// offers one panel per person however the files spell the name.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate_key: Option<String>,
}

impl ImportedFile {
    fn of(p: &Path, done: FileImport) -> ImportedFile {
        let mut f = ImportedFile {
            file: file_name(p),
            path: p.display().to_string(),
            result: None,
            plan: None,
            refused: None,
            candidate_key: None,
        };
        match done {
            FileImport::Session(r) => {
                f.candidate_key = Some(text::name_key(&r.candidate));
                f.result = Some(*r);
            }
            FileImport::Plan(r) => {
                f.candidate_key = Some(text::name_key(&r.candidate));
                f.plan = Some(*r);
            }
            FileImport::Refused(r) => f.refused = Some(*r),
        }
        f
    }
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
    pub(super) fn check(&self, requested: &[String]) -> IpcResult<Vec<PathBuf>> {
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
                        format!("{r} was not dropped on the window; use “Import files…” to choose files"),
                    ))
                }
            })
            .collect()
    }
}

/// The files of the last import held for the person's decision: those
/// refused for a candidate clash (the decision, merge or keep apart, re-runs
/// the import on exactly these) and those refused for a changed key (each
/// accepted on its own), so the page never names a file itself.
#[derive(Default)]
pub struct ClashedImport(Mutex<Held>);

#[derive(Default)]
struct Held {
    clashed: Vec<PathBuf>,
    new_key: Vec<PathBuf>,
}

impl ClashedImport {
    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Holds what `results` (of `paths`) left to decide, in place of the
    /// last import's.
    fn hold(&self, paths: &[PathBuf], results: &[ImportedFile]) {
        let mut h = self.held();
        h.clashed.clear();
        h.new_key.clear();
        for (p, r) in paths.iter().zip(results) {
            match &r.refused {
                Some(x) if x.clash => h.clashed.push(p.clone()),
                Some(x) if x.key_change.is_some() => h.new_key.push(p.clone()),
                _ => {}
            }
        }
    }

    fn take_clashed(&self) -> Vec<PathBuf> {
        std::mem::take(&mut self.held().clashed)
    }

    /// The held file at `path` refused for a changed key.
    fn new_key_file(&self, path: &str) -> IpcResult<PathBuf> {
        let p = PathBuf::from(path);
        if self.held().new_key.contains(&p) {
            Ok(p)
        } else {
            Err(IpcError::new(
                ErrorCode::Invalid,
                format!(
                    "{} is not waiting for a new key to be accepted; import it again",
                    file_name(&p)
                ),
            ))
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// One file's bytes, or why they cannot be read (a folder, too large, an
/// I/O error), for the core to report per file.
pub(crate) fn read_batch_file(p: &Path) -> BatchFile {
    let name = file_name(p);
    let bytes = (|| {
        let meta = std::fs::metadata(p).map_err(|e| Error::Io(format!("{name}: {e}")))?;
        if meta.is_dir() {
            return Err(Error::Invalid(format!(
                "{name} is a folder; choose the files inside it"
            )));
        }
        if meta.len() > MAX_SESSION_BYTES as u64 {
            return Err(Error::Invalid(format!(
                "{name}: {} bytes is more than a Panelist file can hold ({MAX_SESSION_BYTES} bytes)",
                meta.len()
            )));
        }
        panelist_core::files::read(p)
    })();
    BatchFile { name, bytes }
}

fn options(clash: CandidateClash) -> ImportOptions {
    ImportOptions {
        clash,
        new_candidate_id: CandidateId::new(Uuid::now_v7()),
        accept_new_key: false,
    }
}

/// Imports other interviewers' session files and interview plan files,
/// each on its own. The files are `dropped` ones (paths from the window's
/// last drop), else what the person picks in the open dialog (in an E2E
/// build, `PANELIST_IMPORT_PATHS` if set); with a `clash` decision, the
/// files the last import refused for a candidate clash. Returns one result
/// per file, or `null` when the dialog was cancelled.
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
            let p = clashed.take_clashed();
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
                    "Import session and plan files",
                    "Panelist session or plan (JSON)",
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
        return Err(IpcError::new(ErrorCode::Invalid, "no files to import"));
    }
    let paths = picked.clone();
    let results = db
        .run(move |s| import_files(s, &picked, decided.unwrap_or_default()))
        .await?;
    clashed.hold(&paths, &results);
    Ok(Some(results))
}

/// Reads and imports `paths` file by file with the person's clash decision.
pub(crate) fn import_files(
    s: &mut panelist_core::Store,
    paths: &[PathBuf],
    clash: CandidateClash,
) -> panelist_core::Result<Vec<ImportedFile>> {
    let files: Vec<BatchFile> = paths.iter().map(|p| read_batch_file(p)).collect();
    let done = s.import_each(&files, &options(clash))?;
    Ok(paths
        .iter()
        .zip(done)
        .map(|(p, d)| ImportedFile::of(p, d))
        .collect())
}

/// Imports the file at `path`, which the last import refused for a changed
/// key, accepting the new key whose `fingerprint` the person compared with
/// its owner (both fingerprints were shown). A file now signed by another
/// key is refused.
pub async fn accept_new_key(
    db: State<'_, Db>,
    clashed: State<'_, ClashedImport>,
    path: String,
    fingerprint: String,
) -> IpcResult<ImportedFile> {
    let p = clashed.new_key_file(&path)?;
    let file = p.clone();
    let done = db
        .run(move |s| {
            let f = read_batch_file(&file);
            s.import_accepting_key(&f, &fingerprint, &options(CandidateClash::Ask))
        })
        .await?;
    let done = ImportedFile::of(&p, done);
    let mut h = clashed.held();
    if done.refused.is_none() {
        h.new_key.retain(|x| *x != p);
    } else if done.refused.as_ref().is_some_and(|r| r.clash) {
        h.clashed.push(p);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use panelist_core::SessionId;

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("panelist-app-test-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&d).unwrap();
        d
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

    /// Each bad file is refused on its own, naming it: a damaged file, a
    /// folder, a missing file (issue 21: one bad file used to stop all).
    #[test]
    fn bad_files_are_named_each_on_its_own() {
        let dir = tempfile_dir();
        let folder = dir.join("folder");
        std::fs::create_dir_all(&folder).unwrap();
        let bad = dir.join("broken.json");
        std::fs::write(&bad, b"{\"format\": 1}").unwrap();
        let mut s = panelist_core::Store::open_in_memory().unwrap();
        let paths = [bad, folder, dir.join("missing.json")];
        let done = import_files(&mut s, &paths, CandidateClash::Ask).unwrap();
        let refused: Vec<&Refusal> = done.iter().filter_map(|f| f.refused.as_ref()).collect();
        assert_eq!(refused.len(), 3);
        assert_eq!(refused[0].code, ErrorCode::Invalid);
        assert!(
            refused[0].line.starts_with("broken.json "),
            "{}",
            refused[0].line
        );
        assert!(
            refused[1].detail.contains("is a folder"),
            "{}",
            refused[1].detail
        );
        assert_eq!(refused[2].code, ErrorCode::Io);
        assert!(
            refused[2].line.starts_with("missing.json "),
            "{}",
            refused[2].line
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A file whose candidate id is someone else here is refused as a clash
    /// (held for the decision), and the person's decision re-runs it: merge
    /// files it under the local candidate, keep apart under a separate one.
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
            let asked =
                import_files(&mut a, std::slice::from_ref(&file), CandidateClash::Ask).unwrap();
            let r = asked[0].refused.as_ref().expect("a clash is refused");
            assert_eq!(r.code, ErrorCode::Conflict);
            assert!(r.clash && r.detail.contains(panelist_core::import::CLASH_MARK));
            assert!(r.line.starts_with("ravi.json "), "{}", r.line);
            assert!(a.session(theirs).is_err(), "nothing was imported");
            let held = ClashedImport::default();
            held.hold(std::slice::from_ref(&file), &asked);
            assert_eq!(held.take_clashed(), vec![file.clone()]);
            let done = import_files(&mut a, std::slice::from_ref(&file), choice).unwrap();
            assert!(done[0].result.is_some(), "{:?}", done[0].refused);
            assert_eq!(
                a.panel_session(theirs).unwrap().session.candidate.name,
                filed_under
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
