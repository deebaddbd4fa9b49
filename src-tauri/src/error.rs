//! The error shape that crosses IPC: `{code, message}`. `code` is an
//! [`ErrorCode`], exported to the UI by ts-rs, so the page matches on the
//! generated union type and a new or renamed code breaks its type check.
//! Core errors map onto codes by an exhaustive match; the shell adds only
//! `internal` (a task that panicked). A cancelled dialog is not an error
//! (the command returns `null`).

use serde::Serialize;

/// Every error code a command can fail with, plus `ipc`, which only the UI
/// sets (the call itself failed): the core's one list, shared with the CLI
/// and the team server.
pub use panelist_core::ErrorCode;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: message.into(),
        }
    }

    pub fn internal(message: impl std::fmt::Display) -> Self {
        IpcError::new(ErrorCode::Internal, message.to_string())
    }
}

impl From<panelist_core::Error> for IpcError {
    fn from(e: panelist_core::Error) -> Self {
        IpcError::new(ErrorCode::from(&e), e.to_string())
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for IpcError {}

pub type IpcResult<T> = Result<T, IpcError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_code() {
        let e: IpcError = panelist_core::Error::NotFound("no session".into()).into();
        assert_eq!(e.code, "not_found");
        assert_eq!(e.message, "no session");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "not_found", "message": "no session"})
        );
    }

    /// The enum, its wire spelling and the core's own `code()` agree: a core
    /// error's code on the wire is exactly what the core calls it.
    #[test]
    fn codes_match_the_core_and_the_wire() {
        use panelist_core::Error as E;
        let core = [
            E::NotFound(String::new()),
            E::Invalid(String::new()),
            E::Locked(String::new()),
            E::Sealed(String::new()),
            E::Conflict(String::new()),
            E::SchemaTooNew(String::new()),
            E::Io(String::new()),
            E::Db(rusqlite::Error::InvalidQuery),
        ];
        for e in &core {
            assert_eq!(ErrorCode::from(e).as_str(), e.code());
        }
        let all = ErrorCode::ALL;
        for c in all {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            let back: ErrorCode = serde_json::from_value(c.as_str().into()).unwrap();
            assert_eq!(back, c);
        }
    }
}
