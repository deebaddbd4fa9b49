//! `panelist backup` and `panelist restore`: the whole local database in
//! one file, encrypted with the database's own key or passphrase (plain
//! only when the database itself is plain), and back.

use std::path::PathBuf;

use clap::Args;
use panelist_core::secrets;
use panelist_core::{storage, Result};

use crate::io::{open, report_status, unlock, DbArg};

/// Write a backup of the whole database
#[derive(Args)]
pub struct BackupArgs {
    /// The backup file (a new path or a regular file; never a database)
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
}

/// Replace the database with a backup
#[derive(Args)]
pub struct RestoreArgs {
    /// The backup file, made by `panelist backup`
    file: PathBuf,
}

pub fn backup(args: BackupArgs, db: &DbArg) -> Result<()> {
    let store = open(db)?;
    store.backup_to(&args.output)?;
    report_status(&format!(
        "backed up to {} ({})",
        args.output.display(),
        if store.encrypted() {
            "encrypted with this database's key"
        } else {
            "NOT encrypted: the database itself is plain"
        }
    ));
    Ok(())
}

pub fn restore(args: RestoreArgs, db: &DbArg) -> Result<()> {
    let path = storage::resolve_db_path(db.db.as_deref())?;
    let unlock = unlock(&path)?;
    let opened = secrets::restore(&path, &args.file, &unlock)?;
    report_status(&format!(
        "restored {} from {}",
        path.display(),
        args.file.display()
    ));
    drop(opened);
    Ok(())
}
