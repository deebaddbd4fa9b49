//! `panelist`: the command-line face of Panelist, a thin layer over
//! `panelist-core`. Every command takes `--db`; errors print one line on
//! stderr and exit non-zero with nothing changed.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Parser, Subcommand, ValueEnum};
use panelist_core::bank::KitSummary;
use panelist_core::committee::{self, ReportFormat};
use panelist_core::import::{CandidateClash, ImportOutcome};
use panelist_core::panel;
use panelist_core::session::{NewSession, Recommendation, SessionFilter};
use panelist_core::session_file::SessionFile;
use panelist_core::{report, storage, Error, Result, Store};
use uuid::Uuid;

mod remote;

macro_rules! status {
    ($($t:tt)*) => {
        report_status(&format!($($t)*))
    };
}

#[derive(Parser)]
#[command(
    name = "panelist",
    version,
    about = "Structured interview scoring: question bank, live scoring, reports"
)]
struct Cli {
    #[command(flatten)]
    db: DbArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArg {
    /// Database file (default: $PANELIST_DB, then the OS data directory)
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// The question bank
    #[command(subcommand)]
    Bank(BankCmd),
    /// Interview kits (named lists of questions)
    #[command(subcommand)]
    Kit(KitCmd),
    /// Interview sessions
    #[command(subcommand)]
    Session(SessionCmd),
    /// Candidates (erasure on request)
    #[command(subcommand)]
    Candidate(CandidateCmd),
    /// Retention: erase candidates whose last session is older than N days
    Retention {
        /// Keep candidates this many days after their last session
        #[arg(long, conflicts_with = "off")]
        days: Option<u32>,
        /// No retention period (keep everything)
        #[arg(long)]
        off: bool,
        /// Erase what is past the period now
        #[arg(long)]
        apply: bool,
    },
    /// Import other interviewers' session files (all or nothing)
    Import {
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
    },
    /// Compare a candidate's panel: question x interviewer matrix, spreads, flags
    Compare {
        #[arg(long, allow_hyphen_values = true)]
        candidate: String,
        #[arg(long, value_enum, default_value = "md")]
        format: MdJson,
    },
    /// Compare candidates who sat the same kit
    Candidates {
        /// Kit id or name
        #[arg(long)]
        kit: String,
        #[arg(long, value_enum, default_value = "md")]
        format: MdJson,
        /// Sort by "overall" (default), "name", or a competency id
        #[arg(long, default_value = "overall")]
        sort: String,
    },
    /// Inter-rater reliability and leniency across submitted sessions
    Calibration {
        /// Only sessions of this kit (id or name)
        #[arg(long)]
        kit: Option<String>,
        #[arg(long, value_enum, default_value = "md")]
        format: MdJson,
    },
    /// The hiring-committee report for a candidate
    Report {
        #[arg(long, allow_hyphen_values = true)]
        candidate: String,
        #[arg(long, value_enum)]
        format: ReportFormatArg,
        /// Anonymise: candidate pseudonym, interviewers A, B, C
        #[arg(long)]
        redact: bool,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The team server this machine syncs with
    #[command(subcommand)]
    Remote(remote::RemoteCmd),
    /// Push your submitted sessions to the team server, pull colleagues' visible ones
    Sync(remote::SyncArgs),
    /// Export one session as Markdown or as a portable session file (JSON)
    Export {
        session: String,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write to this file instead of stdout
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum BankCmd {
    /// List the questions in the bank
    List {
        #[arg(long)]
        json: bool,
    },
    /// Import a bank file (all or nothing); changed questions get a new revision
    Import { file: PathBuf },
    /// Export the whole bank as a bank file
    Export { file: PathBuf },
    /// Show one question in full (current revision, or --revision N)
    Show {
        id: String,
        /// An earlier revision (1 is the first)
        #[arg(long)]
        revision: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// What changed between a question's revisions, field by field
    History {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Retire a question: hidden from pickers, kept for past sessions
    Retire {
        id: String,
        /// Bring a retired question back
        #[arg(long)]
        undo: bool,
    },
    /// Publish this database's whole bank and kits as the team bank on the
    /// team server (admins); every client's next sync imports it
    Publish,
}

#[derive(Subcommand)]
enum KitCmd {
    /// List kits with their time budgets
    List {
        #[arg(long)]
        json: bool,
    },
    /// Create an own kit from questions (the name must be new)
    Create {
        #[arg(allow_hyphen_values = true)]
        name: String,
        /// Comma-separated question ids, in order
        #[arg(long, value_delimiter = ',', required = true)]
        questions: Vec<String>,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Rename an own kit
    Rename {
        kit: String,
        #[arg(allow_hyphen_values = true)]
        name: String,
    },
    /// Set an own kit's questions (to reorder, add or remove)
    Reorder {
        kit: String,
        /// Comma-separated question ids, in the new order
        #[arg(long, value_delimiter = ',', required = true)]
        questions: Vec<String>,
    },
    /// Delete an own kit (sessions keep its name)
    Delete { kit: String },
    /// Copy any kit, built-in ones too, as a new own kit
    Duplicate {
        kit: String,
        #[arg(allow_hyphen_values = true)]
        name: String,
    },
}

#[derive(Subcommand)]
enum SessionCmd {
    /// Start a session; prints the new session id alone on stdout
    Start {
        #[arg(long, allow_hyphen_values = true)]
        candidate: String,
        #[arg(long, allow_hyphen_values = true)]
        interviewer: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        role: String,
        /// Kit id or name
        #[arg(
            long,
            conflicts_with = "questions",
            required_unless_present = "questions"
        )]
        kit: Option<String>,
        /// Comma-separated question ids
        #[arg(long, value_delimiter = ',')]
        questions: Option<Vec<String>>,
    },
    /// Score one question
    Score {
        session: String,
        question: String,
        level: i64,
    },
    /// Replace the notes of one question ("-" reads stdin)
    Note {
        session: String,
        question: String,
        #[arg(allow_hyphen_values = true)]
        text: String,
    },
    /// Submit the session with a recommendation; it is locked afterwards
    Finish {
        session: String,
        #[arg(long, value_enum)]
        recommendation: Rec,
        #[arg(long, allow_hyphen_values = true)]
        summary: Option<String>,
    },
    /// Change a score of a submitted session, with a reason
    Amend {
        session: String,
        question: String,
        level: i64,
        #[arg(long, allow_hyphen_values = true)]
        reason: String,
    },
    /// List sessions, newest first
    List {
        /// Exact candidate name (case-insensitive)
        #[arg(long, allow_hyphen_values = true)]
        candidate: Option<String>,
        /// Words that begin a word of the candidate, interviewer or role
        #[arg(long, allow_hyphen_values = true)]
        search: Option<String>,
        /// Exact interviewer name (case-insensitive)
        #[arg(long, allow_hyphen_values = true)]
        interviewer: Option<String>,
        /// Exact role (case-insensitive)
        #[arg(long, allow_hyphen_values = true)]
        role: Option<String>,
        /// Created on or after this day (YYYY-MM-DD, UTC)
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Created before this day (YYYY-MM-DD, UTC)
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// At most this many sessions
        #[arg(long)]
        limit: Option<u64>,
        /// Skip this many sessions first
        #[arg(long, default_value_t = 0)]
        offset: u64,
        #[arg(long)]
        json: bool,
    },
    /// Show one session
    Show {
        session: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a session (own or imported) with every trace of it
    Delete {
        session: String,
        /// Confirm: without it nothing is deleted
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum CandidateCmd {
    /// Erase a candidate and all their sessions, down to the bytes
    Erase {
        name: String,
        /// Confirm: without it nothing is erased
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Md,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum MdJson {
    Md,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormatArg {
    Md,
    Html,
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Rec {
    StrongNo,
    No,
    None,
    Yes,
    StrongYes,
}

impl From<Rec> for Recommendation {
    fn from(r: Rec) -> Self {
        match r {
            Rec::StrongNo => Recommendation::StrongNo,
            Rec::No => Recommendation::No,
            Rec::None => Recommendation::NoDecision,
            Rec::Yes => Recommendation::Yes,
            Rec::StrongYes => Recommendation::StrongYes,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ClashArg {
    Merge,
    KeepApart,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            status!("panelist: {e}");
            ExitCode::from(e.code().exit_status())
        }
    }
}

fn open(db: &DbArg) -> Result<Store> {
    Store::open(&storage::resolve_db_path(db.db.as_deref())?)
}

/// A status line on stderr after a change has committed: a closed or
/// broken stderr must not turn a committed change into a failure (nor panic,
/// as `eprintln!` would).
fn report_status(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Writes to stdout. A reader that went away (a broken pipe, e.g. `| head`)
/// is not an error: whatever was asked has been done.
fn out(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Io(format!("cannot write to stdout: {e}"))),
    }
}

/// A kit id made from its name, or a random one when the name has no
/// ASCII letters or digits.
fn new_kit_id(name: &str) -> String {
    panelist_core::bank::slug_of(name)
        .unwrap_or_else(|| format!("kit-{}", &Uuid::now_v7().simple().to_string()[..12]))
}

/// A question in full, as `bank show` prints it.
fn show_question(
    q: &panelist_core::bank::Question,
    revision: u32,
    head: &panelist_core::bank::BankQuestion,
) -> String {
    let mut s = format!("{} · revision {revision}", q.id);
    if revision != head.revision {
        s.push_str(&format!(" (current: {})", head.revision));
    }
    if head.retired {
        s.push_str(" · retired");
    }
    s.push_str(&format!(
        "\n{}\n\ncompetency: {}\nseniority: {}\nkind: {}\ntime: {} min\n\nrubric:\n",
        q.prompt,
        q.competency,
        q.seniority.as_str(),
        q.kind.as_str(),
        q.minutes
    ));
    for l in &q.rubric.levels {
        s.push_str(&format!("  {} {}: {}\n", l.value, l.label, l.anchor));
    }
    let list = |s: &mut String, title: &str, items: &[String]| {
        s.push_str(&format!("\n{title}:\n"));
        if items.is_empty() {
            s.push_str("  (none)\n");
        }
        for (i, item) in items.iter().enumerate() {
            s.push_str(&format!("  {}. {item}\n", i + 1));
        }
    };
    list(&mut s, "look-fors", &q.look_fors);
    list(&mut s, "follow-ups", &q.follow_ups);
    list(&mut s, "sources", &q.sources);
    list(&mut s, "kits", &head.kits);
    s
}

fn json<T: serde::Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("plain data serialises");
    s.push('\n');
    s
}

fn run(cli: Cli) -> Result<()> {
    let now = Utc::now();
    match cli.command {
        Command::Bank(BankCmd::List { json: as_json }) => {
            let store = open(&cli.db)?;
            let qs = store.questions()?;
            if as_json {
                return out(&json(&qs));
            }
            let mut s = String::new();
            for q in &qs {
                s.push_str(&format!(
                    "{:<32} {:<13} {:<6} {:<11} {:>3} min  {}\n",
                    q.id,
                    q.competency,
                    q.seniority.as_str(),
                    q.kind.as_str(),
                    q.minutes,
                    q.prompt
                ));
            }
            s.push_str(&format!("{} questions\n", qs.len()));
            out(&s)
        }
        Command::Bank(BankCmd::Import { file }) => {
            let bytes = panelist_core::files::read(&file)?;
            let mut store = open(&cli.db)?;
            let r = store.import_bank_bytes(&bytes)?;
            out(&format!(
                "imported {}: {} questions added, {} updated (new revisions), {} unchanged, {} competencies, {} kits\n",
                file.display(),
                r.questions_added,
                r.questions_updated,
                r.questions_unchanged,
                r.competencies,
                r.kits
            ))
        }
        Command::Bank(BankCmd::Export { file }) => {
            let store = open(&cli.db)?;
            let bank = store.export_bank()?;
            panelist_core::files::write_atomic(&file, json(&bank).as_bytes())?;
            status!(
                "wrote {} questions to {}",
                bank.questions.len(),
                file.display()
            );
            Ok(())
        }
        Command::Bank(BankCmd::Show {
            id,
            revision,
            json: as_json,
        }) => {
            let store = open(&cli.db)?;
            let head = store.bank_question(&id)?;
            let (question, number) = match revision {
                Some(n) => (store.question_revision(&id, n)?.question, n),
                None => (head.question.clone(), head.revision),
            };
            if as_json {
                return out(&json(&serde_json::json!({
                    "question": question,
                    "revision": number,
                    "current_revision": head.revision,
                    "retired": head.retired,
                    "kits": head.kits,
                })));
            }
            out(&show_question(&question, number, &head))
        }
        Command::Bank(BankCmd::History { id, json: as_json }) => {
            let store = open(&cli.db)?;
            let history = store.question_history(&id)?;
            if as_json {
                return out(&json(&history));
            }
            let mut s = String::new();
            for r in &history {
                let when = if r.created_at.is_empty() {
                    "built in or before revisions were kept"
                } else {
                    r.created_at.as_str()
                };
                s.push_str(&format!("revision {} ({when})\n", r.revision));
                if r.revision == 1 {
                    s.push_str("  first revision\n");
                }
                for c in &r.changes {
                    match (&c.before, &c.after) {
                        (Some(b), Some(a)) => {
                            s.push_str(&format!("  {}:\n    - {b}\n    + {a}\n", c.field))
                        }
                        (None, Some(a)) => {
                            s.push_str(&format!("  {} added:\n    + {a}\n", c.field))
                        }
                        (Some(b), None) => {
                            s.push_str(&format!("  {} removed:\n    - {b}\n", c.field))
                        }
                        (None, None) => {}
                    }
                }
            }
            out(&s)
        }
        Command::Bank(BankCmd::Retire { id, undo }) => {
            let mut store = open(&cli.db)?;
            store.set_question_retired(&id, !undo)?;
            status!("{} {id}", if undo { "brought back" } else { "retired" });
            Ok(())
        }
        Command::Bank(BankCmd::Publish) => remote::publish_bank(&mut open(&cli.db)?),
        Command::Kit(KitCmd::Create {
            name,
            questions,
            description,
        }) => {
            let mut store = open(&cli.db)?;
            let kit =
                store.save_kit_as(&name, &description, &questions, false, &new_kit_id(&name))?;
            out(&format!("{}\n", kit.id))
        }
        Command::Kit(KitCmd::Rename { kit, name }) => {
            let mut store = open(&cli.db)?;
            let id = store.kit(&kit)?.id;
            store.rename_kit(&id, &name)?;
            status!("renamed kit {id} to {:?}", name.trim());
            Ok(())
        }
        Command::Kit(KitCmd::Reorder { kit, questions }) => {
            let mut store = open(&cli.db)?;
            let id = store.kit(&kit)?.id;
            store.set_kit_questions(&id, &questions)?;
            status!("kit {id} now has {} questions", questions.len());
            Ok(())
        }
        Command::Kit(KitCmd::Delete { kit }) => {
            let mut store = open(&cli.db)?;
            let id = store.kit(&kit)?.id;
            store.delete_kit(&id)?;
            status!("deleted kit {id}");
            Ok(())
        }
        Command::Kit(KitCmd::Duplicate { kit, name }) => {
            let mut store = open(&cli.db)?;
            let id = store.kit(&kit)?.id;
            let copy = store.duplicate_kit(&id, &name, &new_kit_id(&name))?;
            out(&format!("{}\n", copy.id))
        }
        Command::Kit(KitCmd::List { json: as_json }) => {
            let store = open(&cli.db)?;
            let kits = store.kits()?;
            if as_json {
                return out(&json(&kits));
            }
            let s: String = kits
                .iter()
                .map(|k: &KitSummary| {
                    format!(
                        "{:<24} {:>3} min  {:>2} questions  {}\n",
                        k.id,
                        k.minutes,
                        k.questions.len(),
                        k.name
                    )
                })
                .collect();
            out(&s)
        }
        Command::Session(cmd) => session(cmd, &cli.db, now),
        Command::Remote(cmd) => remote::remote(cmd, &mut open(&cli.db)?),
        Command::Sync(args) => remote::sync(&mut open(&cli.db)?, args),
        Command::Candidate(CandidateCmd::Erase { name, yes }) => {
            let mut store = open(&cli.db)?;
            let sessions = store.candidate_sessions(&name)?;
            if !yes {
                return Err(Error::Invalid(format!(
                    "this erases candidate {:?} and {} session(s) with their notes, scores and audit entries, for good; add --yes to do it",
                    sessions[0].session.candidate.name,
                    sessions.len()
                )));
            }
            let e = store.erase_candidate(&name, Uuid::now_v7(), now)?;
            report_status(&format!(
                "erased candidate {:?}: {} session(s)",
                sessions[0].session.candidate.name, e.sessions
            ));
            Ok(())
        }
        Command::Retention { days, off, apply } => {
            let mut store = open(&cli.db)?;
            if off {
                store.set_retention_days(None)?;
            } else if let Some(d) = days {
                store.set_retention_days(Some(d))?;
            }
            if apply {
                let e = store.apply_retention(now, Uuid::now_v7)?;
                report_status(&format!(
                    "retention: erased {} candidate(s), {} session(s)",
                    e.candidates, e.sessions
                ));
            }
            match store.retention_days()? {
                Some(d) => out(&format!(
                    "retention: candidates are erased {d} days after their last session\n"
                )),
                None => out("retention: off (everything is kept)\n"),
            }
        }
        Command::Import {
            files,
            candidate_clash,
            accept_new_key,
        } => {
            let parsed: Vec<SessionFile> = files
                .iter()
                .map(|f| {
                    let bytes = panelist_core::files::read(f)?;
                    SessionFile::parse(&bytes)
                        .map_err(|e| Error::Invalid(format!("{}: {e}", f.display())))
                })
                .collect::<Result<_>>()?;
            let mut store = open(&cli.db)?;
            let opts = panelist_core::import::ImportOptions {
                clash: match candidate_clash {
                    None => CandidateClash::Ask,
                    Some(ClashArg::Merge) => CandidateClash::Merge,
                    Some(ClashArg::KeepApart) => CandidateClash::KeepApart,
                },
                new_candidate_id: Uuid::now_v7().into(),
                accept_new_key,
            };
            let results = store.import_sessions_with(&parsed, &opts)?;
            let mut s = String::new();
            for (f, r) in files.iter().zip(&results) {
                let what = match &r.outcome {
                    ImportOutcome::Added => "added".to_string(),
                    ImportOutcome::Unchanged => "unchanged (already imported)".to_string(),
                    ImportOutcome::Replaced { changes } => {
                        format!("updated: {}", changes.join("; "))
                    }
                    ImportOutcome::KeptNewer { stored_revision } => {
                        format!(
                            "older than the stored revision {stored_revision}; kept the stored one"
                        )
                    }
                };
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
        Command::Compare { candidate, format } => {
            let store = open(&cli.db)?;
            let sessions = store.candidate_sessions(&candidate)?;
            match format {
                MdJson::Json => out(&json(&panel::compare(&candidate, &sessions, false))),
                MdJson::Md => out(&committee::render(
                    &committee::build(&candidate, &sessions, false, false),
                    ReportFormat::Md,
                )),
            }
        }
        Command::Candidates { kit, format, sort } => {
            let store = open(&cli.db)?;
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
        Command::Calibration { kit, format } => {
            let store = open(&cli.db)?;
            let kit = kit.map(|k| store.kit(&k)).transpose()?.map(|k| k.name);
            let cal = panel::calibration_of(&store.ratings()?, kit.as_deref());
            match format {
                MdJson::Json => out(&json(&cal)),
                MdJson::Md => out(&committee::calibration_markdown(&cal)),
            }
        }
        Command::Report {
            candidate,
            format,
            redact,
            output,
        } => {
            let store = open(&cli.db)?;
            let sessions = store.candidate_sessions(&candidate)?;
            let format = match format {
                ReportFormatArg::Md => ReportFormat::Md,
                ReportFormatArg::Html => ReportFormat::Html,
                ReportFormatArg::Csv => ReportFormat::Csv,
                ReportFormatArg::Json => ReportFormat::Json,
            };
            let built = committee::build(&candidate, &sessions, redact, false);
            let text = committee::render(&built, format);
            if redact {
                for r in &built.replaced {
                    status!("redacted: {:?} → {} ({}×)", r.name, r.pseudonym, r.count);
                }
                status!("{}", panelist_core::redact::WARNING);
            }
            match output {
                Some(path) => panelist_core::files::write_atomic(&path, text.as_bytes()),
                None => out(&text),
            }
        }
        Command::Export {
            session,
            format,
            output,
        } => {
            let store = open(&cli.db)?;
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
    }
}

fn session(cmd: SessionCmd, db: &DbArg, now: chrono::DateTime<Utc>) -> Result<()> {
    let mut store = open(db)?;
    match cmd {
        SessionCmd::Start {
            candidate,
            interviewer,
            role,
            kit,
            questions,
        } => {
            let (kit_name, question_ids) = match (kit, questions) {
                (Some(k), _) => {
                    let kit = store.kit(&k)?;
                    (Some(kit.name), kit.questions)
                }
                (None, Some(q)) => (None, q.into_iter().map(|s| s.trim().to_string()).collect()),
                (None, None) => return Err(Error::Invalid("give --kit or --questions".into())),
            };
            let new = NewSession {
                candidate,
                interviewer,
                role,
                kit: kit_name,
                question_ids,
            };
            let s = store.create_and_start_session(
                &new,
                Uuid::now_v7().into(),
                Uuid::now_v7().into(),
                now,
            )?;
            out(&format!("{}\n", s.id))
        }
        SessionCmd::Score {
            session,
            question,
            level,
        } => {
            let id = store.find_session_id(&session)?;
            store.set_score(id, &question, Some(level), now)?;
            let s = store.session(id)?;
            let l = s
                .entry(&question)
                .and_then(|e| e.level())
                .map(|l| l.label.clone())
                .unwrap_or_default();
            status!("{question}: {level} ({l})");
            Ok(())
        }
        SessionCmd::Note {
            session,
            question,
            text,
        } => {
            let text = if text == "-" {
                let mut buf = String::new();
                std::io::stdin()
                    .read_to_string(&mut buf)
                    .map_err(|e| Error::Io(format!("cannot read the note from stdin: {e}")))?;
                buf
            } else {
                text
            };
            let id = store.find_session_id(&session)?;
            store.set_notes(id, &question, &text, now)
        }
        SessionCmd::Finish {
            session,
            recommendation,
            summary,
        } => {
            let id = store.find_session_id(&session)?;
            let s = store.submit(
                id,
                recommendation.into(),
                summary.as_deref(),
                Uuid::now_v7().into(),
                now,
            )?;
            status!(
                "submitted {} ({})",
                s.id,
                s.recommendation.map(|r| r.label()).unwrap_or("")
            );
            Ok(())
        }
        SessionCmd::Amend {
            session,
            question,
            level,
            reason,
        } => {
            let id = store.find_session_id(&session)?;
            store.amend_score(id, &question, level, &reason, Uuid::now_v7().into(), now)?;
            Ok(())
        }
        SessionCmd::List {
            candidate,
            search,
            interviewer,
            role,
            from,
            to,
            limit,
            offset,
            json: as_json,
        } => {
            let day = |d: chrono::NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
            let filter = SessionFilter {
                candidate,
                text: search,
                interviewer,
                role,
                status: None,
                from: from.map(day),
                to: to.map(day),
            };
            let page = store.session_page(&filter, offset, limit.unwrap_or(u64::MAX))?;
            if (page.rows.len() as u64) < page.total {
                status!(
                    "sessions {}–{} of {}",
                    (offset + 1).min(page.total),
                    offset + page.rows.len() as u64,
                    page.total
                );
            }
            let list = page.rows;
            if as_json {
                return out(&json(&list));
            }
            let s: String = list
                .iter()
                .map(|s| {
                    format!(
                        "{}  {:<11}  {:>2}/{:<2} scored  {}  {} — {}{}\n",
                        s.id,
                        s.status.as_str(),
                        s.scored,
                        s.questions,
                        s.created_at.format("%Y-%m-%d"),
                        s.candidate,
                        s.interviewer,
                        if s.role.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", s.role)
                        }
                    )
                })
                .collect();
            out(&s)
        }
        SessionCmd::Delete { session, yes } => {
            let id = store.find_session_id(&session)?;
            let p = store.panel_session(id)?;
            if !yes {
                return Err(Error::Invalid(format!(
                    "this deletes session {id} ({}'s interview of {}) with its notes, scores and audit entries, for good; add --yes to do it",
                    p.session.interviewer, p.session.candidate.name
                )));
            }
            store.delete_session(id, Uuid::now_v7(), now)?;
            report_status(&format!("deleted session {id}"));
            Ok(())
        }
        SessionCmd::Show {
            session,
            json: as_json,
        } => {
            let id = store.find_session_id(&session)?;
            let p = store.panel_session(id)?;
            match (as_json, p.sealed) {
                (true, false) => out(&json(&p.session)),
                (true, true) => out(&json(&serde_json::json!({
                    "sealed": true,
                    "session": p.session,
                }))),
                (false, false) => out(&report::session_markdown(&p.session)),
                (false, true) => out(&format!(
                    "# {} — {}\n\nSealed: {}'s scores, notes and recommendation stay hidden until you submit your own session for {}.\n",
                    p.session.candidate.name,
                    p.session.interviewer,
                    p.session.interviewer,
                    p.session.candidate.name
                )),
            }
        }
    }
}
