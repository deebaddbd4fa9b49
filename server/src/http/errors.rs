//! Errors: every answer that fails is JSON `{code, message}` with a 4xx/5xx
//! status, its code one of the core's [`ErrorCode`]s.

use axum::extract::rejection::BytesRejection;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tokio_postgres::error::SqlState;

use super::{ErrorBody, ErrorCode, MAX_BODY_BYTES};
use crate::db::describe;

/// Any error answer that is not already `{code, message}` JSON (a timeout,
/// an extractor's rejection) gets one, with the code its status means.
pub(super) async fn json_errors(resp: Response) -> Response {
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if status.as_u16() < 400 || is_json {
        return resp;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "no such endpoint"),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "this endpoint does not take that method",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorCode::TooLarge, "the request body is too large"),
        StatusCode::UNAUTHORIZED => (ErrorCode::Unauthorized, "not signed in"),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => (
            ErrorCode::Unavailable,
            "the server did not answer in time; try again shortly",
        ),
        s if s.is_server_error() => (
            ErrorCode::Internal,
            "the server failed to handle the request; the error is in its log",
        ),
        _ => (
            ErrorCode::Invalid,
            "the request is not one this server takes",
        ),
    };
    let mut out = ApiError::new(status, code, message).into_response();
    if let Some(v) = resp.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    out
}

/// The longest request target (path and query) the server takes, in bytes.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// The most header fields a request may carry.
pub const MAX_HEADERS: usize = 100;
/// The most bytes a request's header section may take (each field counted
/// as `name: value` and its line end).
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// hyper's own header-count ceiling, raised from its default (100) so that
/// [`MAX_HEADERS`] trips first and answers JSON. Its other ceilings are
/// already far above the server's: a URI of 65,534 bytes (fixed in hyper)
/// and a read buffer of 400 KiB (its default `max_buf_size`).
pub const HYPER_MAX_HEADERS: usize = 1_000;

/// Bounds the request head with `{code, message}` answers (414, 431) before
/// anything else runs, so that hyper's own limits, which answer with an
/// empty body, trip only for heads far beyond these.
pub async fn head_limits(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let uri = req.uri();
    let uri_len = uri.path_and_query().map_or(0, |p| p.as_str().len())
        + uri.authority().map_or(0, |a| a.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            ErrorCode::TooLarge,
            format!(
                "the request URI is {uri_len} bytes; this server takes at most {MAX_URI_BYTES}"
            ),
        )
        .into_response();
    }
    let headers = req.headers();
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ErrorCode::TooLarge,
            format!(
                "the request has {} header fields in {bytes} bytes; this server takes at most {MAX_HEADERS} fields in {MAX_HEADER_BYTES} bytes",
                headers.len()
            ),
        )
        .into_response();
    }
    next.run(req).await
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
    pub(super) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }
    pub(super) fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, message)
    }
    pub(super) fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ErrorCode::Conflict, message)
    }
    pub(super) fn internal(message: impl Into<String>) -> Self {
        let message = message.into();
        tracing::error!("internal error: {message}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "the server failed to handle the request; the error is in its log",
        )
    }
}

impl ApiError {
    fn unavailable() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "the database is not reachable; try again shortly",
        )
    }
}

/// Whether a database error is a passing condition that the same request,
/// sent again, can get past: by SQLSTATE class (PostgreSQL's appendix A),
/// not by a list of the states seen so far. Class 08 (connection), 40
/// (transaction rollback: a serialization failure or a deadlock), 53
/// (insufficient resources: too many connections, out of memory), 57
/// (operator intervention: a statement timeout, an administrator's
/// shutdown), 58 (system error: an I/O error), and two states of other
/// classes: 55P03 (a lock timeout) and 25P03 (an idle-in-transaction
/// timeout).
pub(crate) fn is_transient(state: &SqlState) -> bool {
    let code = state.code();
    matches!(code.get(..2), Some("08" | "40" | "53" | "57" | "58"))
        || *state == SqlState::LOCK_NOT_AVAILABLE
        || code == "25P03"
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        if e.is_closed() {
            tracing::warn!("database connection lost: {e}");
            return ApiError::unavailable();
        }
        if e.code().is_some_and(is_transient) {
            tracing::warn!("database busy: {}", describe(&e));
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                "the database is busy (a lock, a timeout or a conflicting write); try again shortly",
            );
        }
        ApiError::internal(describe(&e))
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        tracing::warn!("database pool: {e}");
        ApiError::unavailable()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorBody {
                code: self.code,
                message: self.message,
            }),
        )
            .into_response()
    }
}

pub(super) type ApiResult<T> = Result<T, ApiError>;

pub(super) async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such endpoint",
    )
}

pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "this endpoint does not take that method",
    )
}

pub(super) fn body_error(r: BytesRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::TooLarge,
            format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
        )
    } else {
        ApiError::invalid(format!("cannot read the request body: {}", r.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passing_database_conditions_are_503_and_faults_500() {
        for transient in [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::QUERY_CANCELED,
            SqlState::ADMIN_SHUTDOWN,
            SqlState::TOO_MANY_CONNECTIONS,
            SqlState::CONNECTION_FAILURE,
            SqlState::IO_ERROR,
            SqlState::from_code("25P03"),
        ] {
            assert!(is_transient(&transient), "{}", transient.code());
        }
        for fault in [
            SqlState::UNIQUE_VIOLATION,
            SqlState::INSUFFICIENT_PRIVILEGE,
            SqlState::UNDEFINED_TABLE,
            SqlState::SYNTAX_ERROR,
            SqlState::CHECK_VIOLATION,
            SqlState::INVALID_TEXT_REPRESENTATION,
        ] {
            assert!(!is_transient(&fault), "{}", fault.code());
        }
    }
}
