//! Identity: the bearer token checked before a body is read, the caller's
//! rate bucket, and the caller's identity set in each request's transaction.

use axum::extract::{Extension, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use deadpool_postgres::Transaction;

use super::errors::{ApiError, ApiResult};
use super::{AppState, ErrorCode, Me, Role, PROTOCOL_VERSION};
use crate::db;

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
pub(super) async fn authenticated(
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
        resp.extensions_mut().insert(super::LoggedUser(caller.id));
        return resp;
    }
    let id = caller.id;
    req.extensions_mut().insert(caller);
    let mut resp = next.run(req).await;
    resp.extensions_mut().insert(super::LoggedUser(id));
    resp
}

/// Begins a request's transaction as `caller` (already authenticated).
pub(super) async fn act_as(tx: &Transaction<'_>, caller: &Caller) -> ApiResult<()> {
    tx.execute(
        "SELECT set_config('panelist.user_id', $1, true)",
        &[&caller.id.to_string()],
    )
    .await?;
    Ok(())
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

pub(super) async fn me(Extension(caller): Extension<Caller>) -> ApiResult<Json<Me>> {
    Ok(Json(Me {
        protocol: PROTOCOL_VERSION,
        name: caller.name,
        role: caller.role,
    }))
}
