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
use axum::extract::{DefaultBodyLimit, Extension, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use deadpool_postgres::{Pool, Transaction};
use panelist_core::session::{PanelSession, Status};
use panelist_core::session_file::SessionFile;
pub use panelist_core::wire::{
    BankQuery, Changes, ChangesQuery, ErrorBody, ErrorCode, InstallationKey, Me, PublishOutcome,
    Published, PushOutcome, PushResult, Role, TeamBank, PROTOCOL_VERSION,
};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::error::SqlState;
use uuid::Uuid;

use crate::db::{self, describe};

/// Largest request body accepted (a session file is far smaller).
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;
/// Default and largest page of `GET /v1/changes`.
pub const DEFAULT_PAGE: i64 = 100;
pub const MAX_PAGE: i64 = 500;
/// A page of `GET /v1/changes` holds at most this many bytes of session
/// files, or a single session when one alone is larger (a pushed session is
/// at most `MAX_BODY_BYTES`): a reader never gets a reply it cannot take.
pub const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The limits a server answers within (`serve`'s options).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The bytes of session files one user may keep on the server.
    pub quota_bytes: i64,
    /// A request (after its headers) must be answered within this.
    pub request_timeout: Duration,
    /// Requests handled at once; more wait (within the request timeout).
    pub max_in_flight: usize,
    /// Requests per user per minute (a bucket that refills evenly).
    pub per_user_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            quota_bytes: 512 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            max_in_flight: 256,
            per_user_per_minute: 1200,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub limits: Limits,
    rate: Arc<RateLimiter>,
    pub metrics: Arc<crate::metrics::Metrics>,
}

pub fn router(pool: Pool) -> Router {
    router_with(pool, Limits::default())
}

/// The API: the token is checked (and the caller's rate limited) before a
/// body is read; every answer, the framework's own rejections included, is
/// JSON, every error `{code, message}`.
pub fn router_with(pool: Pool, limits: Limits) -> Router {
    let state = AppState {
        pool,
        limits,
        rate: Arc::new(RateLimiter::new(limits.per_user_per_minute)),
        metrics: Arc::new(crate::metrics::Metrics::new()),
    };
    let api = Router::new()
        .route("/v1/me", get(me))
        .route("/v1/sessions", post(push))
        .route("/v1/changes", get(changes))
        .route("/v1/bank", get(bank).put(publish_bank))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authenticated,
        ));
    Router::new()
        .merge(api)
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower::limit::ConcurrencyLimitLayer::new(
            limits.max_in_flight,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request_timeout,
        ))
        .layer(axum::middleware::map_response(json_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access_log,
        ))
        .with_state(state)
}

/// `GET /healthz`: 200 when the database answers, else 503 `{code, message}`.
async fn healthz(State(st): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let client = st.pool.get().await?;
    client.query_one("SELECT 1", &[]).await?;
    Ok(Json(serde_json::json!({ "status": "ok" })))
}

/// `GET /metrics`: the Prometheus text format (no token: expose it only
/// where the monitoring can reach it).
async fn metrics(State(st): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        st.metrics.render(&st.pool),
    )
        .into_response()
}

/// Any error answer that is not already `{code, message}` JSON (a timeout,
/// an extractor's rejection) gets one, with the code its status means.
async fn json_errors(resp: Response) -> Response {
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

/// A token bucket per user: `per_minute` requests a minute, refilled evenly,
/// at most `per_minute` saved up.
pub struct RateLimiter {
    per_minute: f64,
    buckets: std::sync::Mutex<std::collections::HashMap<i64, (f64, std::time::Instant)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute: f64::from(per_minute.max(1)),
            buckets: Default::default(),
        }
    }

    /// Takes one request from `user`'s bucket; `Err(seconds)` to wait when empty.
    pub fn take(&self, user: i64) -> Result<(), u64> {
        let now = std::time::Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, at) = buckets.entry(user).or_insert((self.per_minute, now));
        let refill = now.duration_since(*at).as_secs_f64() * self.per_minute / 60.0;
        *tokens = (*tokens + refill).min(self.per_minute);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) * 60.0 / self.per_minute).ceil() as u64)
        }
    }
}

/// Checks the bearer token (its own short transaction) before the handler
/// reads a body, takes one request from the caller's rate bucket, and hands
/// the caller to the handler.
async fn authenticated(
    State(st): State<AppState>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    // Only the header crosses an await (a request's body is not Sync).
    let auth = req.headers().get(header::AUTHORIZATION).cloned();
    let caller = async {
        let mut client = st.pool.get().await?;
        let tx = client.transaction().await?;
        let caller = authenticate(&tx, auth.as_ref()).await?;
        tx.commit().await?;
        Ok::<_, ApiError>(caller)
    }
    .await;
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if let Err(wait) = st.rate.take(caller.id) {
        let mut resp = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Unavailable,
            format!(
                "{} sent more than {} requests in a minute; try again in {wait} s",
                caller.name, st.limits.per_user_per_minute
            ),
        )
        .into_response();
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    req.extensions_mut().insert(caller);
    next.run(req).await
}

/// Begins a request's transaction as `caller` (already authenticated).
async fn act_as(tx: &Transaction<'_>, caller: &Caller) -> ApiResult<()> {
    tx.execute(
        "SELECT set_config('panelist.user_id', $1, true)",
        &[&caller.id.to_string()],
    )
    .await?;
    Ok(())
}

/// One line per request on stderr: time, method, path (no query string, no
/// headers, so no token or cursor), status, milliseconds; and the request
/// counted in the metrics by route pattern.
async fn access_log(
    State(st): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let start = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let route = match path.as_str() {
        "/v1/me" | "/v1/sessions" | "/v1/changes" | "/v1/bank" | "/healthz" | "/metrics" => {
            path.clone()
        }
        _ => "other".to_string(),
    };
    let resp = next.run(req).await;
    st.metrics
        .requests
        .get_or_create(&crate::metrics::RequestLabels {
            route: route.clone(),
            method: method.to_string(),
            status: resp.status().as_u16(),
        })
        .inc();
    st.metrics
        .latency
        .get_or_create(&crate::metrics::RouteLabels { route })
        .observe(start.elapsed().as_secs_f64());
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
        if matches!(
            e.code(),
            Some(&SqlState::LOCK_NOT_AVAILABLE) | Some(&SqlState::QUERY_CANCELED)
        ) {
            eprintln!("panelist-server: database busy: {}", describe(&e));
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                "the database is busy (a lock or a statement timed out); try again shortly",
            );
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
async fn authenticate(tx: &Transaction<'_>, header: Option<&HeaderValue>) -> ApiResult<Caller> {
    let header =
        header.ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer token"))?;
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
             WHERE token_sha256 = panelist_token_sha256() AND revoked_at IS NULL
               AND (token_expires_at IS NULL OR token_expires_at > now())",
            &[],
        )
        .await?
        .ok_or_else(|| ApiError::unauthorized("the token is not valid, was revoked or expired"))?;
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

async fn me(Extension(caller): Extension<Caller>) -> ApiResult<Json<Me>> {
    Ok(Json(Me {
        protocol: PROTOCOL_VERSION,
        name: caller.name,
        role: caller.role,
    }))
}

// -- POST /v1/sessions ----------------------------------------------------------

/// The key sessions of one candidate share across machines: the core's
/// identity key of the candidate's name (`text::name_key`, NFKC_Casefold),
/// the key every Panelist database files candidates under.
pub fn candidate_key(file: &SessionFile) -> String {
    panelist_core::text::name_key(&file.session.candidate.name)
}

fn conflict_from(e: panelist_core::Error) -> ApiError {
    match e.code() {
        ErrorCode::Conflict => ApiError::conflict(e.to_string()),
        _ => ApiError::invalid(e.to_string()),
    }
}

async fn push(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body.map_err(body_error)?;
    // Verifying and checking a large file is CPU work: off the async workers.
    let file = tokio::task::spawn_blocking(move || {
        let file = SessionFile::parse(&body)?;
        panelist_core::import::check_importable(&file.session)?;
        Ok::<_, panelist_core::Error>(file)
    })
    .await
    .map_err(|e| ApiError::internal(format!("session check: {e}")))?
    .map_err(|e| ApiError::invalid(e.to_string()))?;
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    act_as(&tx, &caller).await?;
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
    // The installation's key: registered under the caller at its first
    // push; once a user signs, an unsigned file of theirs is refused (every
    // reader holding their key pinned would refuse it).
    let signer = file.signature.as_ref().map(|sig| sig.public_key.clone());
    match &signer {
        Some(key) => {
            tx.execute(
                "INSERT INTO installation_keys (user_id, name, public_key) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[&caller.id, &caller.name, key],
            )
            .await?;
        }
        None => {
            let keys: i64 = tx
                .query_one(
                    "SELECT count(*) FROM installation_keys WHERE user_id = $1",
                    &[&caller.id],
                )
                .await?
                .get(0);
            if keys > 0 {
                return Err(ApiError::invalid(format!(
                    "session {id} is unsigned (a version 1 file), but {}'s sessions are signed: every reader would refuse it; push it from Panelist, which signs it",
                    caller.name
                )));
            }
        }
    }
    let document = file.to_json();
    // The per-user storage quota.
    let used: i64 = tx
        .query_one(
            "SELECT coalesce(sum(octet_length(document)), 0)::bigint FROM sessions
             WHERE author_id = $1 AND id <> $2",
            &[&caller.id, &id],
        )
        .await?
        .get(0);
    let adding = i64::try_from(document.len()).unwrap_or(i64::MAX);
    if used.saturating_add(adding) > st.limits.quota_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::TooLarge,
            format!(
                "{}'s sessions would take {} bytes on the server; the quota is {} bytes",
                caller.name,
                used.saturating_add(adding),
                st.limits.quota_bytes
            ),
        ));
    }
    let stored = tx
        .query_opt(
            "SELECT revision, content_hash, status, author_id, document FROM sessions WHERE id = $1",
            &[&id],
        )
        .await?;
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
            st.metrics.pushed(PushOutcome::Stored);
            Ok((StatusCode::CREATED, Json(result(PushOutcome::Stored))).into_response())
        }
        Some(row) => {
            let (old_rev, old_hash, old_status, author): (i64, String, String, i64) =
                (row.get(0), row.get(1), row.get(2), row.get(3));
            // A colleague's session the caller may read (a lead; or unsealed):
            // never written through this id, and never answered "stored".
            if author != caller.id {
                return Err(ApiError::conflict(format!(
                    "session {id} is already held for another interviewer"
                )));
            }
            if old_rev == revision {
                if old_hash == file.content_hash {
                    st.metrics.pushed(PushOutcome::Unchanged);
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
            // What every reader's import checks of a newer revision: the
            // audit log only grows, and it makes only changes its
            // interviewer could make (`import::plan`).
            let old_document: String = row.get(4);
            let old = SessionFile::parse(old_document.as_bytes())
                .map_err(|e| ApiError::internal(format!("stored session {id}: {e}")))?;
            let held = PanelSession {
                session: old.session,
                imported: true,
                sealed: false,
            };
            panelist_core::import::plan(Some(&held), s).map_err(conflict_from)?;
            let updated = tx
                .execute(
                    "UPDATE sessions SET status = $2, revision = $3, content_hash = $4, document = $5,
                            candidate_key = $6
                     WHERE id = $1",
                    &[&id, &status, &revision, &file.content_hash, &document, &candidate_key(&file)],
                )
                .await;
            match updated {
                Ok(1) => {}
                // Row-level security let no row through: never "stored".
                Ok(_) => {
                    return Err(ApiError::conflict(format!(
                        "session {id} is not the caller's to write"
                    )))
                }
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
            st.metrics.pushed(PushOutcome::Stored);
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
    SELECT id, document, delivery, author_id FROM (
        SELECT s.id, s.document, s.author_id,
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
    Extension(caller): Extension<Caller>,
    query: Result<Query<ChangesQuery>, QueryRejection>,
) -> ApiResult<Json<Changes>> {
    let Query(q) = query.map_err(|e| ApiError::invalid(e.body_text()))?;
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    act_as(&tx, &caller).await?;
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
    let mut more = rows.len() as i64 > limit;
    let mut cursor = after;
    let mut sessions = Vec::new();
    let mut authors: Vec<i64> = Vec::new();
    let mut bytes = 0usize;
    for r in rows.iter().take(limit as usize) {
        let document: String = r.get(1);
        // Bounded in bytes: the rest waits for the next page.
        if !sessions.is_empty() && bytes + document.len() > MAX_PAGE_BYTES {
            more = true;
            break;
        }
        bytes += document.len();
        cursor = Cursor {
            seq: r.get(2),
            id: r.get(0),
        };
        let author: i64 = r.get(3);
        if !authors.contains(&author) {
            authors.push(author);
        }
        sessions.push(stored_json(document)?);
    }
    // The installation keys of the page's interviewers, so a reader trusts
    // a colleague's second installation (docs/sync-protocol.md, "Keys").
    let keys = tx
        .query(
            "SELECT name, public_key FROM installation_keys WHERE user_id = ANY($1)
             ORDER BY user_id, first_seen, public_key",
            &[&authors],
        )
        .await?
        .iter()
        .map(|r| InstallationKey {
            interviewer: r.get(0),
            public_key: r.get(1),
        })
        .collect();
    tx.commit().await?;
    st.metrics.pulls.inc();
    st.metrics.pulled_sessions.inc_by(sessions.len() as u64);
    Ok(Json(Changes {
        protocol: PROTOCOL_VERSION,
        sessions,
        cursor: cursor.to_string(),
        more,
        keys,
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
    Extension(caller): Extension<Caller>,
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
    act_as(&tx, &caller).await?;
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
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
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
    let body = body.map_err(body_error)?;
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
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    act_as(&tx, &caller).await?;
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
