//! What every command shares: opening the database, writing to stdout and
//! status lines to stderr, JSON output.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
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

pub fn open(db: &DbArg) -> Result<Store> {
    Store::open(&storage::resolve_db_path(db.db.as_deref())?)
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
