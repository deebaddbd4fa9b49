//! What every command shares: opening the database, writing to stdout and
//! status lines to stderr, JSON output.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use panelist_core::secrets::{self, Unlock};
use panelist_core::{storage, Error, Result, Store};

/// A status line on stderr (`status!("…", …)`), see [`report_status`].
macro_rules! status {
    ($($t:tt)*) => {
        $crate::io::report_status(&format!($($t)*))
    };
}
pub(crate) use status;

#[derive(Args, Clone)]
pub struct DbArg {
    /// Database file (default: $PANELIST_DB, then the OS data directory)
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

/// Opens the database under the core's key policy (`secrets`): the
/// passphrase from `PANELIST_PASSPHRASE`, else the OS keyring's key, else
/// plain (said once on stderr). An encrypted database that neither opens
/// is asked for its passphrase when stdin is a terminal.
pub fn open(db: &DbArg) -> Result<Store> {
    let path = storage::resolve_db_path(db.db.as_deref())?;
    let opened = secrets::open(&path, &unlock(&path)?)?;
    if let Some(notice) = &opened.notice {
        report_status(&format!("panelist: {notice}"));
    }
    if opened.migrated {
        report_status(&format!("panelist: encrypted {}", path.display()));
    }
    Ok(opened.store)
}

/// What unlocks the database at `path`: `PANELIST_PASSPHRASE`, or a
/// passphrase typed at a prompt when the file needs one and stdin is a
/// terminal.
pub fn unlock(path: &std::path::Path) -> Result<Unlock> {
    let from_env = Unlock::from_env();
    if secrets::needs_passphrase(path, &from_env) && std::io::stdin().is_terminal() {
        let typed = read_secret(
            &format!("Passphrase for {}: ", path.display()),
            "passphrase",
        )?;
        return Ok(Unlock::with_passphrase(typed));
    }
    Ok(from_env)
}

/// Reads one line from the terminal with echo off (a passphrase, a token).
pub fn read_secret(prompt: &str, what: &str) -> Result<String> {
    rpassword::prompt_password(prompt)
        .map_err(|e| Error::Io(format!("cannot read the {what}: {e}")))
}

/// A status line on stderr after a change has committed: a closed or
/// broken stderr must not turn a committed change into a failure (nor panic,
/// as `eprintln!` would).
pub fn report_status(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Writes to stdout. A reader that went away (a broken pipe, e.g. `| head`)
/// is not an error: whatever was asked has been done.
pub fn out(text: &str) -> Result<()> {
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

pub fn json<T: serde::Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("plain data serialises");
    s.push('\n');
    s
}
