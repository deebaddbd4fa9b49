//! The error shape that crosses IPC: `{code, message}`. Codes come from
//! `panelist_core::Error::code()`; the shell adds only `internal` (a task that
//! panicked) and `cancelled` is never an error (a cancelled dialog is `null`).

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
pub struct IpcError {
    pub code: String,
    pub message: String,
}

impl IpcError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        IpcError {
            code: code.to_string(),
            message: message.into(),
        }
    }

    pub fn internal(message: impl std::fmt::Display) -> Self {
        IpcError::new("internal", message.to_string())
    }
}

impl From<panelist_core::Error> for IpcError {
    fn from(e: panelist_core::Error) -> Self {
        IpcError::new(e.code(), e.to_string())
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
}
