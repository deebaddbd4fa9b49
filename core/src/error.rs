//! One error type for the core. Every error carries a stable [`ErrorCode`]
//! and a message written for the person who has to fix the input.
//!
//! [`ErrorCode`] is the one list of error codes for every door: the desktop
//! app's IPC `{code, message}` (exported to the UI by ts-rs), the CLI's exit
//! status, and the team server's `{code, message}` bodies
//! (docs/sync-protocol.md).

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every error code Panelist sends: the core's errors, the shells' own
/// (`internal`; `ipc`, which only the UI sets when a call itself failed) and
/// the team server's (docs/sync-protocol.md "Errors"). Written in snake_case
/// on every wire.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// An id, name, file or endpoint that does not exist.
    NotFound,
    /// Input that breaks a rule.
    Invalid,
    /// A change to a submitted session that is not an amendment.
    Locked,
    /// A colleague's session withheld until the local interviewer submits.
    Sealed,
    /// Two versions of the same thing that cannot both be kept.
    Conflict,
    /// The database was written by a newer Panelist.
    SchemaTooNew,
    /// Reading or writing a file failed.
    Io,
    /// SQLite said no (full disk, locked file, corruption...).
    Database,
    /// A fault of the program itself (a task panicked, a server fault).
    Internal,
    /// Set by the UI only: the IPC call itself failed.
    Ipc,
    /// Team server: no token, not a Bearer token, an unknown or revoked one.
    Unauthorized,
    /// Team server: a pushed session's interviewer is not the caller.
    ForgedAuthor,
    /// Team server: the caller's role may not do this.
    Forbidden,
    /// Team server: the endpoint does not take that method.
    MethodNotAllowed,
    /// Team server: the request body is too large.
    TooLarge,
    /// Team server: its database cannot be reached; try again shortly.
    Unavailable,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::NotFound,
        ErrorCode::Invalid,
        ErrorCode::Locked,
        ErrorCode::Sealed,
        ErrorCode::Conflict,
        ErrorCode::SchemaTooNew,
        ErrorCode::Io,
        ErrorCode::Database,
        ErrorCode::Internal,
        ErrorCode::Ipc,
        ErrorCode::Unauthorized,
        ErrorCode::ForgedAuthor,
        ErrorCode::Forbidden,
        ErrorCode::MethodNotAllowed,
        ErrorCode::TooLarge,
        ErrorCode::Unavailable,
    ];

    /// The code as it is written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::Invalid => "invalid",
            ErrorCode::Locked => "locked",
            ErrorCode::Sealed => "sealed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::SchemaTooNew => "schema_too_new",
            ErrorCode::Io => "io",
            ErrorCode::Database => "database",
            ErrorCode::Internal => "internal",
            ErrorCode::Ipc => "ipc",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::ForgedAuthor => "forged_author",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::Unavailable => "unavailable",
        }
    }

    /// The code written as `s`, if it is one.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The `panelist` command's exit status for an error with this code:
    /// 3 not found, 4 refused because of what is stored (locked, sealed, a
    /// conflict), 1 otherwise.
    pub fn exit_status(self) -> u8 {
        match self {
            ErrorCode::NotFound => 3,
            ErrorCode::Locked | ErrorCode::Conflict | ErrorCode::Sealed => 4,
            _ => 1,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<ErrorCode> for &str {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == other.as_str()
    }
}

impl From<&Error> for ErrorCode {
    fn from(e: &Error) -> Self {
        e.code()
    }
}

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
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Invalid(_) => ErrorCode::Invalid,
            Error::Locked(_) => ErrorCode::Locked,
            Error::Sealed(_) => ErrorCode::Sealed,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::SchemaTooNew(_) => ErrorCode::SchemaTooNew,
            Error::Io(_) => ErrorCode::Io,
            Error::Db(_) => ErrorCode::Database,
        }
    }

    /// The same error with `prefix` before its message (a file's name).
    pub fn prefixed(self, prefix: &str) -> Self {
        match self {
            Error::NotFound(m) => Error::NotFound(format!("{prefix}{m}")),
            Error::Invalid(m) => Error::Invalid(format!("{prefix}{m}")),
            Error::Locked(m) => Error::Locked(format!("{prefix}{m}")),
            Error::Sealed(m) => Error::Sealed(format!("{prefix}{m}")),
            Error::Conflict(m) => Error::Conflict(format!("{prefix}{m}")),
            Error::SchemaTooNew(m) => Error::SchemaTooNew(format!("{prefix}{m}")),
            Error::Io(m) => Error::Io(format!("{prefix}{m}")),
            e @ Error::Db(_) => e,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The enum, its wire spelling, `ALL` and `parse` agree for every code.
    #[test]
    fn every_code_round_trips_through_its_wire_spelling() {
        for c in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            let back: ErrorCode = serde_json::from_value(c.as_str().into()).unwrap();
            assert_eq!(back, c);
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
        }
        let mut names: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        assert_eq!(ErrorCode::parse("nope"), None);
    }

    #[test]
    fn exit_statuses_follow_the_code() {
        assert_eq!(Error::NotFound(String::new()).code().exit_status(), 3);
        assert_eq!(Error::Locked(String::new()).code().exit_status(), 4);
        assert_eq!(Error::Sealed(String::new()).code().exit_status(), 4);
        assert_eq!(Error::Conflict(String::new()).code().exit_status(), 4);
        assert_eq!(Error::Invalid(String::new()).code().exit_status(), 1);
        assert_eq!(Error::Io(String::new()).code().exit_status(), 1);
    }
}
