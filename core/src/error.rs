//! One error type for the core. Every error carries a stable `code` (for the
//! shells: CLI exit messages, IPC `{code, message}`) and a message written for
//! the person who has to fix the input.

use std::fmt;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An id, name or file that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Input that breaks a rule: a malformed bank file, a level off the scale...
    #[error("{0}")]
    Invalid(String),
    /// A change to a submitted session that is not an amendment.
    #[error("{0}")]
    Locked(String),
    /// A colleague's session withheld until the local interviewer submits.
    #[error("{0}")]
    Sealed(String),
    /// Two versions of the same thing that cannot both be kept.
    #[error("{0}")]
    Conflict(String),
    /// The database was written by a newer Panelist.
    #[error("{0}")]
    SchemaTooNew(String),
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(String),
    /// SQLite said no (full disk, locked file, corruption...).
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
}

impl Error {
    /// A short machine-readable code, stable across releases.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "not_found",
            Error::Invalid(_) => "invalid",
            Error::Locked(_) => "locked",
            Error::Sealed(_) => "sealed",
            Error::Conflict(_) => "conflict",
            Error::SchemaTooNew(_) => "schema_too_new",
            Error::Io(_) => "io",
            Error::Db(_) => "database",
        }
    }

    pub(crate) fn invalid(msg: impl fmt::Display) -> Self {
        Error::Invalid(msg.to_string())
    }

    pub(crate) fn io(context: impl fmt::Display, err: std::io::Error) -> Self {
        Error::Io(format!("{context}: {err}"))
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(err: rusqlite_migration::Error) -> Self {
        match err {
            rusqlite_migration::Error::RusqliteError { err, .. } => Error::Db(err),
            other => Error::Invalid(format!("database migration failed: {other}")),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
