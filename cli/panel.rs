//! The panel's commands: importing colleagues' session files, comparing a
//! candidate's panel, candidates of a kit, calibration, the committee
//! report, and exporting one session.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use panelist_core::committee::{self, ReportFormat};
use panelist_core::import::CandidateClash;
use panelist_core::{panel, plan};
use panelist_core::{report, Error, Result};
use uuid::Uuid;

use crate::io::{json, open, out, status, DbArg};

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Md,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MdJson {
    Md,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    Md,
    Html,
    Csv,
    Json,
    /// A PDF file (needs --output)
    Pdf,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ClashArg {
    Merge,
    KeepApart,
}

/// Import other interviewers' session files (all or nothing)
#[derive(Args)]
pub struct ImportArgs {
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// When a file's candidate id is a different name here: file the
    /// session under the local candidate (merge) or a separate one
    /// (keep-apart). Without it such an import is refused.
    #[arg(long, value_enum, value_name = "CHOICE")]
    candidate_clash: Option<ClashArg>,
    /// Accept a colleague's new signing key in place of the pinned one
    /// (after checking its fingerprint with them)
    #[arg(long)]
    accept_new_key: bool,
}

/// Compare a candidate's panel: question x interviewer matrix, spreads, flags
#[derive(Args)]
pub struct CompareArgs {
    #[arg(long, allow_hyphen_values = true)]
    candidate: String,
    #[arg(long, value_enum, default_value = "md")]
    format: MdJson,
}

/// Compare candidates who sat the same kit
#[derive(Args)]
pub struct CandidatesArgs {
    /// Kit id or name
    #[arg(long)]
    kit: String,
    #[arg(long, value_enum, default_value = "md")]
    format: MdJson,
    /// Sort by "overall" (default), "name", or a competency id
    #[arg(long, default_value = "overall")]
    sort: String,
}

/// Inter-rater reliability and leniency across submitted sessions
#[derive(Args)]
pub struct CalibrationArgs {
    /// Only sessions of this kit (id or name)
    #[arg(long)]
    kit: Option<String>,
    #[arg(long, value_enum, default_value = "md")]
    format: MdJson,
}

/// The hiring-committee report for a candidate
#[derive(Args)]
pub struct ReportArgs {
    #[arg(long, allow_hyphen_values = true)]
    candidate: String,
    #[arg(long, value_enum)]
    format: ReportFormatArg,
    /// Anonymise: candidate pseudonym, interviewers A, B, C
    #[arg(long)]
    redact: bool,
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Export one session as Markdown or as a portable session file (JSON)
#[derive(Args)]
pub struct ExportArgs {
    session: String,
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Write to this file instead of stdout
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn import(args: ImportArgs, db: &DbArg) -> Result<()> {
    let ImportArgs {
        files,
        candidate_clash,
        accept_new_key,
    } = args;
    let mut plans = Vec::new();
    let mut sessions = Vec::new();
    // Which file each parsed document came from, for the report.
    let (mut plan_paths, mut session_paths) = (Vec::new(), Vec::new());
    for f in &files {
        let bytes = panelist_core::files::read(f)?;
        match plan::parse_document(&bytes)
            .map_err(|e| Error::Invalid(format!("{}: {e}", f.display())))?
        {
            plan::Document::Plan(p) => {
                plans.push(*p);
                plan_paths.push(f);
            }
            plan::Document::Session(s) => {
                sessions.push(*s);
                session_paths.push(f);
            }
        }
    }
    let mut store = open(db)?;
    // A plan's own rules (names, ranges, this bank's questions), with the
    // file's name in front.
    for (p, f) in plans.iter().zip(&plan_paths) {
        store
            .check_plan_file(p)
            .map_err(|e| Error::Invalid(format!("{}: {e}", f.display())))?;
    }
    let opts = panelist_core::import::ImportOptions {
        clash: match candidate_clash {
            None => CandidateClash::Ask,
            Some(ClashArg::Merge) => CandidateClash::Merge,
            Some(ClashArg::KeepApart) => CandidateClash::KeepApart,
        },
        new_candidate_id: Uuid::now_v7().into(),
        accept_new_key,
    };
    // An error of the import names its document by id: put its file first.
    let ids: Vec<(String, &PathBuf)> = plans
        .iter()
        .map(|p| p.plan.id.to_string())
        .zip(plan_paths.iter().copied())
        .chain(
            sessions
                .iter()
                .map(|s| s.session.id.to_string())
                .zip(session_paths.iter().copied()),
        )
        .collect();
    let (plan_results, results) =
        store
            .import_documents(&plans, &sessions, &opts)
            .map_err(
                |e| match ids.iter().find(|(id, _)| e.to_string().contains(id)) {
                    Some((_, f)) => e.prefixed(&format!("{}: ", f.display())),
                    None => e,
                },
            )?;
    let mut s = String::new();
    for (f, r) in plan_paths.iter().zip(&plan_results) {
        s.push_str(&format!(
            "{}: plan {} of {} — {}\n  signed by key {}\n",
            f.display(),
            r.plan_id,
            r.candidate,
            r.what,
            r.signed_by
        ));
        if let Some(note) = &r.candidate_note {
            s.push_str(&format!("  candidate: {note}\n"));
        }
        if let Some(note) = &r.key_note {
            s.push_str(&format!("  key: {note}\n"));
        }
    }

    for (f, r) in session_paths.iter().zip(&results) {
        let what = r.what();
        s.push_str(&format!(
            "{}: {} by {} — {what}\n",
            f.display(),
            r.candidate,
            r.interviewer
        ));
        if let Some(note) = &r.candidate_note {
            s.push_str(&format!("  candidate: {note}\n"));
        }
        match &r.signed_by {
            Some(fp) => s.push_str(&format!("  signed by key {fp}\n")),
            None => s.push_str("  unsigned (a version 1 file)\n"),
        }
        if let Some(note) = &r.key_note {
            s.push_str(&format!("  key: {note}\n"));
        }
    }
    out(&s)
}

pub fn compare(args: CompareArgs, db: &DbArg) -> Result<()> {
    let CompareArgs { candidate, format } = args;
    let store = open(db)?;
    let sessions = store.candidate_sessions(&candidate)?;
    let plan = store.candidate_plan(&candidate, chrono::Utc::now())?;
    match format {
        MdJson::Json => {
            let mut c = panel::compare(&candidate, &sessions, false);
            c.plan = plan.as_ref().map(plan::PlanDebrief::of);
            out(&json(&c))
        }
        MdJson::Md => out(&committee::render(
            &committee::build_planned(&candidate, &sessions, plan.as_ref(), false, false),
            ReportFormat::Md,
        )),
    }
}

pub fn candidates(args: CandidatesArgs, db: &DbArg) -> Result<()> {
    let CandidatesArgs { kit, format, sort } = args;
    let store = open(db)?;
    let kit = store.kit(&kit)?;
    let sort = match sort.as_str() {
        "overall" => panel::SortBy::Overall,
        "name" => panel::SortBy::Name,
        c => {
            if !store.competencies()?.iter().any(|x| x.id == c) {
                return Err(Error::Invalid(format!(
                    "cannot sort by {c:?}: use overall, name or a competency id"
                )));
            }
            panel::SortBy::Competency(c.to_string())
        }
    };
    let cmp = panel::compare_candidates(&kit.name, &store.kit_sessions(&kit.name)?, &sort);
    match format {
        MdJson::Json => out(&json(&cmp)),
        MdJson::Md => out(&committee::candidates_markdown(&cmp)),
    }
}

pub fn calibration(args: CalibrationArgs, db: &DbArg) -> Result<()> {
    let CalibrationArgs { kit, format } = args;
    let store = open(db)?;
    let kit = kit.map(|k| store.kit(&k)).transpose()?.map(|k| k.name);
    let cal = panel::calibration_of(&store.ratings()?, kit.as_deref());
    match format {
        MdJson::Json => out(&json(&cal)),
        MdJson::Md => out(&committee::calibration_markdown(&cal)),
    }
}

pub fn report(args: ReportArgs, db: &DbArg) -> Result<()> {
    let ReportArgs {
        candidate,
        format,
        redact,
        output,
    } = args;
    if matches!(format, ReportFormatArg::Pdf) && output.is_none() {
        return Err(Error::Invalid(
            "--format pdf writes a file: give --output FILE".into(),
        ));
    }
    let store = open(db)?;
    let sessions = store.candidate_sessions(&candidate)?;
    let plan = store.candidate_plan(&candidate, chrono::Utc::now())?;
    let built = committee::build_planned(&candidate, &sessions, plan.as_ref(), redact, false);
    let bytes = match format {
        ReportFormatArg::Pdf => report::pdf::committee_pdf(&built)?,
        ReportFormatArg::Md => committee::render(&built, ReportFormat::Md).into_bytes(),
        ReportFormatArg::Html => committee::render(&built, ReportFormat::Html).into_bytes(),
        ReportFormatArg::Csv => committee::render(&built, ReportFormat::Csv).into_bytes(),
        ReportFormatArg::Json => committee::render(&built, ReportFormat::Json).into_bytes(),
    };
    if redact {
        for r in &built.replaced {
            status!("redacted: {:?} → {} ({}×)", r.name, r.pseudonym, r.count);
        }
        status!("{}", panelist_core::redact::WARNING);
    }
    match output {
        Some(path) => panelist_core::files::write_atomic(&path, &bytes),
        None => out(&String::from_utf8_lossy(&bytes)),
    }
}

pub fn export(args: ExportArgs, db: &DbArg) -> Result<()> {
    let ExportArgs {
        session,
        format,
        output,
    } = args;
    let store = open(db)?;
    let id = store.find_session_id(&session)?;
    let file = store.session_file(id)?;
    let text = match format {
        ExportFormat::Md => report::session_markdown(&file.session),
        ExportFormat::Json => file.to_json(),
    };
    match output {
        Some(path) => panelist_core::files::write_atomic(&path, text.as_bytes()),
        None => out(&text),
    }
}
