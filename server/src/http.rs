//! The HTTP API, sync protocol v1 (docs/sync-protocol.md).
//!
//! Every request that touches data runs in one database transaction in which
//! the caller's identity is set with `set_config(..., true)` (transaction
//! scoped); row-level security decides what the transaction can see and
//! write. Every error is JSON `{"code", "message"}` with a 4xx/5xx status,
//! its code one of the core's [`ErrorCode`]s. The request and response types
//! are the core's (`panelist_core::wire`), shared with the client.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use deadpool_postgres::{Pool, Transaction};
use panelist_core::session::Status;
use panelist_core::session_file::SessionFile;
pub use panelist_core::wire::{
    BankQuery, Changes, ChangesQuery, ErrorBody, ErrorCode, Me, PublishOutcome, Published,
    PushOutcome, PushResult, Role, TeamBank, PROTOCOL_VERSION,
};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use tokio_postgres::error::SqlState;
use uuid::Uuid;

use crate::db::{self, describe};

/// Largest request body accepted (a session file is far smaller).
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;
/// Default and largest page of `GET /v1/changes`.
pub const DEFAULT_PAGE: i64 = 100;
pub const MAX_PAGE: i64 = 500;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
}

pub fn router(pool: Pool) -> Router {
    Router::new()
        .route("/v1/me", get(me))
        .route("/v1/sessions", post(push))
        .route("/v1/changes", get(changes))
        .route("/v1/bank", get(bank).put(publish_bank))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(access_log))
        .with_state(AppState { pool })
}

/// One line per request on stderr: time, method, path (no query string, no
/// headers, so no token or cursor), status, milliseconds.
async fn access_log(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let start = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    eprintln!(
        "{} {method} {path} {} {}ms",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"),
        resp.status().as_u16(),
        start.elapsed().as_millis()
    );
    resp
}

// -- errors -------------------------------------------------------------------

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
    fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }
    fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, message)
    }
    fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ErrorCode::Conflict, message)
    }
    fn internal(message: impl Into<String>) -> Self {
        let message = message.into();
        eprintln!("panelist-server: internal error: {message}");
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

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        if e.is_closed() {
            eprintln!("panelist-server: database connection lost: {e}");
            return ApiError::unavailable();
        }
        ApiError::internal(describe(&e))
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        eprintln!("panelist-server: database pool: {e}");
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

type ApiResult<T> = Result<T, ApiError>;

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such endpoint",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "this endpoint does not take that method",
    )
}

fn body_error(r: BytesRejection) -> ApiError {
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

// -- identity -------------------------------------------------------------------

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The token of an `Authorization: Bearer TOKEN` header. The scheme name is
/// case-insensitive (RFC 9110, section 11.1); the token is not.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim_start().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    Some(token.trim()).filter(|t| !t.is_empty())
}

/// Authenticates the bearer token inside `tx` and sets the caller's identity
/// for the rest of the transaction.
async fn authenticate(tx: &Transaction<'_>, headers: &HeaderMap) -> ApiResult<Caller> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer token"))?;
    let token =
        header.to_str().ok().and_then(bearer_token).ok_or_else(|| {
            ApiError::unauthorized("the Authorization header is not a Bearer token")
        })?;
    let hash = db::hex(&db::token_sha256(token));
    tx.execute(
        "SELECT set_config('panelist.token_sha256', $1, true)",
        &[&hash],
    )
    .await?;
    let row = tx
        .query_opt(
            "SELECT id, name, role FROM users
             WHERE token_sha256 = panelist_token_sha256() AND revoked_at IS NULL",
            &[],
        )
        .await?
        .ok_or_else(|| ApiError::unauthorized("the token is not valid or was revoked"))?;
    let role: String = row.get(2);
    let caller = Caller {
        id: row.get(0),
        name: row.get(1),
        role: Role::parse(&role)
            .ok_or_else(|| ApiError::internal(format!("users.role holds {role:?}")))?,
    };
    tx.execute(
        "SELECT set_config('panelist.token_sha256', '', true), set_config('panelist.user_id', $1, true)",
        &[&caller.id.to_string()],
    )
    .await?;
    Ok(caller)
}

// -- GET /v1/me -------------------------------------------------------------------

async fn me(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Json<Me>> {
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    let caller = authenticate(&tx, &headers).await?;
    tx.commit().await?;
    Ok(Json(Me {
        protocol: PROTOCOL_VERSION,
        name: caller.name,
        role: caller.role,
    }))
}

// -- POST /v1/sessions ----------------------------------------------------------

/// The key sessions of one candidate share across machines: the candidate's
/// name as the core matches it (trimmed, exact).
pub fn candidate_key(file: &SessionFile) -> String {
    file.session.candidate.name.trim().to_string()
}

async fn push(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body.map_err(body_error)?;
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    let caller = authenticate(&tx, &headers).await?;

    let file = SessionFile::parse(&body).map_err(|e| ApiError::invalid(e.to_string()))?;
    panelist_core::import::check_importable(&file.session)
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    let s = &file.session;
    if panelist_core::text::name_key(&s.interviewer) != panelist_core::text::name_key(&caller.name)
    {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::ForgedAuthor,
            format!(
                "the session's interviewer is {:?} but the token is {:?}'s: push only your own sessions",
                s.interviewer, caller.name
            ),
        ));
    }
    let id: Uuid = s.id.as_uuid();
    let revision = s.revision as i64;
    let status = s.status.as_str();
    let result = |r: PushOutcome| PushResult {
        protocol: PROTOCOL_VERSION,
        result: r,
        id,
        revision: s.revision,
        content_hash: file.content_hash.clone(),
    };
    let stored = tx
        .query_opt(
            "SELECT revision, content_hash, status FROM sessions WHERE id = $1",
            &[&id],
        )
        .await?;
    let document = file.to_json();
    match stored {
        None => {
            let inserted = tx
                .execute(
                    "INSERT INTO sessions (id, author_id, candidate_key, status, revision, content_hash, document, seq)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
                    &[&id, &caller.id, &candidate_key(&file), &status, &revision, &file.content_hash, &document],
                )
                .await;
            match inserted {
                Ok(_) => {}
                Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                    return Err(ApiError::conflict(format!(
                        "session {id} is already held for another interviewer"
                    )));
                }
                Err(e) => return Err(e.into()),
            }
            tx.commit().await?;
            Ok((StatusCode::CREATED, Json(result(PushOutcome::Stored))).into_response())
        }
        Some(row) => {
            let (old_rev, old_hash, old_status): (i64, String, String) =
                (row.get(0), row.get(1), row.get(2));
            if old_rev == revision {
                if old_hash == file.content_hash {
                    return Ok(
                        (StatusCode::OK, Json(result(PushOutcome::Unchanged))).into_response()
                    );
                }
                return Err(ApiError::conflict(format!(
                    "session {id} revision {revision} is already held with different content ({old_hash}); the copies have diverged"
                )));
            }
            if revision < old_rev {
                return Err(ApiError::conflict(format!(
                    "session {id}: the server holds revision {old_rev}, newer than the pushed {revision}"
                )));
            }
            if old_status == Status::Submitted.as_str() && s.status != Status::Submitted {
                return Err(ApiError::conflict(format!(
                    "session {id} was submitted; a later revision cannot be {status}"
                )));
            }
            let updated = tx
                .execute(
                    "UPDATE sessions SET status = $2, revision = $3, content_hash = $4, document = $5,
                            candidate_key = $6
                     WHERE id = $1",
                    &[&id, &status, &revision, &file.content_hash, &document, &candidate_key(&file)],
                )
                .await;
            match updated {
                Ok(_) => {}
                // The schema's guard: a session's candidate cannot change.
                Err(e) if e.code() == Some(&SqlState::RAISE_EXCEPTION) => {
                    let why = e
                        .as_db_error()
                        .map(|d| d.message().to_string())
                        .unwrap_or_default();
                    return Err(ApiError::conflict(format!("session {id}: {why}")));
                }
                Err(e) => return Err(e.into()),
            }
            tx.commit().await?;
            Ok((StatusCode::OK, Json(result(PushOutcome::Stored))).into_response())
        }
    }
}

// -- GET /v1/changes --------------------------------------------------------------

/// A position in the caller's change feed: the delivery number of the last
/// session received and its id (ties are broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub seq: i64,
    pub id: Uuid,
}

impl Cursor {
    pub const START: Cursor = Cursor {
        seq: 0,
        id: Uuid::nil(),
    };

    pub fn parse(text: &str) -> Option<Cursor> {
        if text.is_empty() {
            return Some(Cursor::START);
        }
        let rest = text.strip_prefix("v1.")?;
        let (seq, id) = rest.split_once('.')?;
        let seq: i64 = seq.parse().ok().filter(|s| *s >= 0)?;
        let id = Uuid::parse_str(id).ok()?;
        Some(Cursor { seq, id })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v1.{}.{}", self.seq, self.id)
    }
}

/// The sessions the caller may read, each at its delivery number: for the
/// caller's own sessions and for sessions visible from the start, its change
/// number; for a colleague's session unsealed by the caller's submission, the
/// later of its change number and that submission's. So a submission
/// delivers the older sessions it unseals after any cursor held before it.
///
/// Only rows that can lie after the cursor are looked at (and pass through
/// the row-level security policies): those changed at or after it (the
/// `seq` index) and those of candidates the caller's submissions unsealed at
/// or after it (the candidate index). A row's delivery number is its change
/// number or its candidate's unseal number, so no row after the cursor is
/// outside these two sets.
const CHANGES: &str = "
    WITH u AS (
        SELECT candidate_key, seq FROM unseals WHERE user_id = panelist_uid()
    ), c AS (
        SELECT id FROM sessions WHERE seq >= $1
        UNION
        SELECT s.id FROM sessions s JOIN u ON u.candidate_key = s.candidate_key
        WHERE u.seq >= $1
    )
    SELECT id, document, delivery FROM (
        SELECT s.id, s.document,
               CASE WHEN s.author_id = panelist_uid() OR u.seq IS NULL THEN s.seq
                    ELSE greatest(s.seq, u.seq) END AS delivery
        FROM c
        JOIN sessions s ON s.id = c.id
        LEFT JOIN u ON u.candidate_key = s.candidate_key
    ) v
    WHERE (delivery, id) > ($1, $2)
    ORDER BY delivery, id
    LIMIT $3";

async fn changes(
    State(st): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ChangesQuery>, QueryRejection>,
) -> ApiResult<Json<Changes>> {
    let Query(q) = query.map_err(|e| ApiError::invalid(e.body_text()))?;
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    authenticate(&tx, &headers).await?;
    let after = Cursor::parse(q.after.as_deref().unwrap_or(""))
        .ok_or_else(|| ApiError::invalid("the cursor is not one this server gave out"))?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid(format!(
            "limit must be between 1 and {MAX_PAGE}"
        )));
    }
    let rows = tx
        .query(CHANGES, &[&after.seq, &after.id, &(limit + 1)])
        .await?;
    tx.commit().await?;
    let more = rows.len() as i64 > limit;
    let mut cursor = after;
    let mut sessions = Vec::new();
    for r in rows.iter().take(limit as usize) {
        let document: String = r.get(1);
        cursor = Cursor {
            seq: r.get(2),
            id: r.get(0),
        };
        sessions.push(stored_json(document)?);
    }
    Ok(Json(Changes {
        protocol: PROTOCOL_VERSION,
        sessions,
        cursor: cursor.to_string(),
        more,
    }))
}

/// A JSON document as stored (a session file or a bank file), passed on as is.
fn stored_json(document: String) -> ApiResult<Box<RawValue>> {
    RawValue::from_string(document.trim_end().to_string())
        .map_err(|e| ApiError::internal(format!("stored document: {e}")))
}

// -- GET /v1/bank, PUT /v1/bank ---------------------------------------------------

async fn bank(
    State(st): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<BankQuery>, QueryRejection>,
) -> ApiResult<Json<TeamBank>> {
    let Query(q) = query.map_err(|e| ApiError::invalid(e.body_text()))?;
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::invalid(
            "after must be a bank version (0 or more)",
        ));
    }
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    authenticate(&tx, &headers).await?;
    // The document only when the client does not have this version yet.
    let row = tx
        .query_opt(
            "SELECT version, content_hash, publisher, published_at,
                    CASE WHEN version > $1 THEN document END
             FROM bank_versions ORDER BY version DESC LIMIT 1",
            &[&after],
        )
        .await?;
    tx.commit().await?;
    let Some(r) = row else {
        return Ok(Json(TeamBank {
            protocol: PROTOCOL_VERSION,
            version: 0,
            content_hash: None,
            published_by: None,
            published_at: None,
            bank: None,
        }));
    };
    let document: Option<String> = r.get(4);
    let bank = document.map(stored_json).transpose()?;
    Ok(Json(TeamBank {
        protocol: PROTOCOL_VERSION,
        version: version_of(r.get(0)),
        content_hash: Some(r.get(1)),
        published_by: Some(r.get(2)),
        published_at: Some(r.get(3)),
        bank,
    }))
}

/// A bank version as stored (a positive sequence number).
fn version_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or_default()
}

/// Checks a bank file exactly as importing it on a fresh machine would: a
/// new in-memory Panelist database (the built-in bank and kits in it) imports
/// it. Returns its question and kit counts.
pub fn check_bank_as_fresh_import(bytes: &[u8]) -> panelist_core::Result<(usize, usize)> {
    let file = panelist_core::bank::parse_bank(bytes)?;
    let mut fresh = panelist_core::Store::open_in_memory()?;
    fresh.import_bank_at(&file, chrono::Utc::now())?;
    Ok((file.questions.len(), file.kits.len()))
}

async fn publish_bank(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body.map_err(body_error)?;
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    let caller = authenticate(&tx, &headers).await?;
    if caller.role != Role::Admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            format!(
                "{} is {}: only an admin publishes the team bank",
                caller.name,
                caller.role.with_article()
            ),
        ));
    }
    // The same checks as a bank file import on a fresh machine (parsing and
    // importing a large bank is CPU work: off the async workers).
    let bytes = body.clone();
    let (questions, kits) = tokio::task::spawn_blocking(move || check_bank_as_fresh_import(&bytes))
        .await
        .map_err(|e| ApiError::internal(format!("bank check: {e}")))?
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    let document = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::invalid("the bank file is not UTF-8"))?;
    let content_hash = db::hex(&Sha256::digest(document.as_bytes()));
    // Serialised with other publications, so versions follow commit order.
    tx.execute("SELECT pg_advisory_xact_lock(7311402)", &[])
        .await?;
    let latest = tx
        .query_opt(
            "SELECT version, content_hash FROM bank_versions ORDER BY version DESC LIMIT 1",
            &[],
        )
        .await?;
    let result = |r: PublishOutcome, version: i64| Published {
        protocol: PROTOCOL_VERSION,
        result: r,
        version: version_of(version),
        content_hash: content_hash.clone(),
        questions,
        kits,
    };
    if let Some(row) = latest {
        let (version, hash): (i64, String) = (row.get(0), row.get(1));
        if hash == content_hash {
            return Ok((
                StatusCode::OK,
                Json(result(PublishOutcome::Unchanged, version)),
            )
                .into_response());
        }
    }
    let version: i64 = tx
        .query_one(
            "INSERT INTO bank_versions (published_by, publisher, content_hash, document)
             VALUES ($1, $2, $3, $4) RETURNING version",
            &[&caller.id, &caller.name, &content_hash, &document],
        )
        .await?
        .get(0);
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(result(PublishOutcome::Published, version)),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9110 11.1: the scheme name is case-insensitive; the token is not.
    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for h in [
            "Bearer pnl_x",
            "bearer pnl_x",
            "BEARER pnl_x",
            "bEaReR  pnl_x ",
        ] {
            assert_eq!(bearer_token(h), Some("pnl_x"), "{h}");
        }
        for h in ["Basic pnl_x", "Bearer", "Bearer ", "Bearerpnl_x", "pnl_x"] {
            assert_eq!(bearer_token(h), None, "{h}");
        }
        assert_eq!(bearer_token("Bearer PNL_X"), Some("PNL_X"));
    }

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        let c = Cursor {
            seq: 42,
            id: Uuid::from_u128(7),
        };
        assert_eq!(Cursor::parse(&c.to_string()), Some(c));
        assert_eq!(Cursor::parse(""), Some(Cursor::START));
        for bad in [
            "42",
            "v1.-1.00000000-0000-0000-0000-000000000000",
            "v2.1.x",
            "v1.1.nope",
        ] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }
}
