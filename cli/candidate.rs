//! `panelist candidate erase` and `panelist retention`: erasure on request
//! and by retention period, down to the bytes.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use panelist_core::sync::Remote;
use panelist_core::{Error, Result};
use uuid::Uuid;

use crate::io::{open, out, report_status, DbArg};

#[derive(Subcommand)]
pub enum CandidateCmd {
    /// Erase a candidate and all their sessions, down to the bytes
    Erase {
        name: String,
        /// Confirm: without it nothing is erased
        #[arg(long)]
        yes: bool,
        /// Erase the candidate on the team server too (admins): their
        /// sessions there go, and every colleague's Panelist erases them at
        /// its next sync
        #[arg(long)]
        on_server: bool,
    },
}

/// Retention: erase candidates whose last session is older than N days
#[derive(Args)]
pub struct RetentionArgs {
    /// Keep candidates this many days after their last session (1 to 36,500)
    #[arg(long, conflicts_with = "off")]
    days: Option<u32>,
    /// No retention period (keep everything)
    #[arg(long)]
    off: bool,
    /// Erase what is past the period now
    #[arg(long)]
    apply: bool,
}

pub fn candidate(cmd: CandidateCmd, db: &DbArg, now: DateTime<Utc>) -> Result<()> {
    match cmd {
        CandidateCmd::Erase {
            name,
            yes,
            on_server,
        } => {
            let mut store = open(db)?;
            // With --on-server the candidate need not be on this machine.
            let sessions = match store.candidate_sessions(&name) {
                Err(Error::NotFound(_)) if on_server => Vec::new(),
                other => other?,
            };
            let shown = sessions
                .first()
                .map_or(name.clone(), |s| s.session.candidate.name.clone());
            if !yes {
                return Err(Error::Invalid(format!(
                    "this erases candidate {shown:?} and {} session(s) here{} with their notes, scores and audit entries, for good; add --yes to do it",
                    sessions.len(),
                    if on_server { ", on the team server and on every colleague's machine at its next sync," } else { "" }
                )));
            }
            if on_server {
                let remote = Remote::from_store(&mut store)?;
                let e = remote.erase_candidate(&name)?;
                report_status(&format!(
                    "erased candidate {shown:?} on the team server: {} session(s) there; every colleague's Panelist erases them at its next sync",
                    e.sessions
                ));
                if sessions.is_empty() {
                    return Ok(());
                }
            }
            let e = store.erase_candidate(&name, Uuid::now_v7(), now)?;
            report_status(&format!(
                "erased candidate {shown:?}: {} session(s)",
                e.sessions
            ));
            Ok(())
        }
    }
}

pub fn retention(args: RetentionArgs, db: &DbArg, now: DateTime<Utc>) -> Result<()> {
    let RetentionArgs { days, off, apply } = args;
    let mut store = open(db)?;
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
