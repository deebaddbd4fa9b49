//! `panelist`: the command-line face of Panelist, a thin layer over
//! `panelist-core`. Every command takes `--db`; errors print one line on
//! stderr and exit non-zero with nothing changed.
//!
//! One module per command group: `bank` (bank and kits), `session`,
//! `panel` (import, compare, candidates, calibration, report, export),
//! `plan` (interview plans),
//! `candidate` (erasure and retention), `remote` (team server and sync),
//! `backup` (backup and restore);
//! `io` holds what they share.

use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};
use panelist_core::Result;

mod backup;
mod bank;
mod candidate;
mod io;
mod panel;
mod plan;
mod remote;
mod session;

use io::{status, DbArg};

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

#[derive(Subcommand)]
enum Command {
    /// The question bank
    #[command(subcommand)]
    Bank(bank::BankCmd),
    /// Interview kits (named lists of questions)
    #[command(subcommand)]
    Kit(bank::KitCmd),
    /// Interview sessions
    #[command(subcommand)]
    Session(session::SessionCmd),
    /// Interview plans: who interviews a candidate, on what, when, due when
    #[command(subcommand)]
    Plan(plan::PlanCmd),
    /// Candidates (erasure on request)
    #[command(subcommand)]
    Candidate(candidate::CandidateCmd),
    /// Retention: erase candidates whose last session is older than N days
    Retention(candidate::RetentionArgs),
    /// Import session files and plan files (all or nothing)
    Import(panel::ImportArgs),
    /// Compare a candidate's panel: question x interviewer matrix, spreads, flags
    Compare(panel::CompareArgs),
    /// Compare candidates who sat the same kit
    Candidates(panel::CandidatesArgs),
    /// Inter-rater reliability and leniency across submitted sessions
    Calibration(panel::CalibrationArgs),
    /// The hiring-committee report for a candidate
    Report(panel::ReportArgs),
    /// The team server this machine syncs with
    #[command(subcommand)]
    Remote(remote::RemoteCmd),
    /// Push your submitted sessions to the team server, pull colleagues' visible ones
    Sync(remote::SyncArgs),
    /// Export one session as Markdown or as a portable session file (JSON)
    Export(panel::ExportArgs),
    /// Write an encrypted backup of the whole database
    Backup(backup::BackupArgs),
    /// Replace the database with a backup (refused, changing nothing, with the wrong passphrase)
    Restore(backup::RestoreArgs),
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

fn run(cli: Cli) -> Result<()> {
    let now = Utc::now();
    let db = &cli.db;
    match cli.command {
        Command::Bank(cmd) => bank::bank(cmd, db),
        Command::Kit(cmd) => bank::kit(cmd, db),
        Command::Session(cmd) => session::session(cmd, db, now),
        Command::Plan(cmd) => plan::plan(cmd, db, now),
        Command::Candidate(cmd) => candidate::candidate(cmd, db, now),
        Command::Retention(args) => candidate::retention(args, db, now),
        Command::Import(args) => panel::import(args, db),
        Command::Compare(args) => panel::compare(args, db),
        Command::Candidates(args) => panel::candidates(args, db),
        Command::Calibration(args) => panel::calibration(args, db),
        Command::Report(args) => panel::report(args, db),
        Command::Remote(cmd) => remote::remote(cmd, &mut io::open(db)?),
        Command::Sync(args) => remote::sync(&mut io::open(db)?, args),
        Command::Export(args) => panel::export(args, db),
        Command::Backup(args) => backup::backup(args, db),
        Command::Restore(args) => backup::restore(args, db),
    }
}
