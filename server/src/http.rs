//! The HTTP API, sync protocol v1 (docs/sync-protocol.md).
//!
//! Every request that touches data runs in one database transaction in which
//! the caller's identity is set with `set_config(..., true)` (transaction
//! scoped); row-level security decides what the transaction can see and
//! write. Every error is JSON `{"code", "message"}` with a 4xx/5xx status,
//! its code one of the core's [`ErrorCode`]s. The request and response types
//! are the core's (`panelist_core::wire`), shared with the client.
//!
//! Rooms: the router, its state and limits here; `errors` (the `{code,
//! message}` answers), `auth` (token, rate bucket, `GET /v1/me`), `push`
//! (`POST /v1/sessions`), `changes` (`GET /v1/changes`), `bank`
//! (`GET`/`PUT /v1/bank`) and `plans` (`GET`/`POST /v1/plans`).

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use deadpool_postgres::Pool;
pub use panelist_core::wire::{
    BankQuery, Changes, ChangesQuery, ErrorBody, ErrorCode, InstallationKey, Me, PublishOutcome,
    Published, PushOutcome, PushResult, Role, TeamBank, PROTOCOL_VERSION,
};
use std::sync::Arc;
use std::time::Duration;

mod auth;
mod bank;
mod changes;
mod erase;
mod errors;
mod plans;
mod push;

pub use auth::{bearer_token, Caller, RateLimiter};
pub use bank::check_bank_as_fresh_import;
pub use changes::Cursor;
pub use errors::{ApiError, HYPER_MAX_HEADERS, MAX_HEADERS, MAX_HEADER_BYTES, MAX_URI_BYTES};
pub use plans::check_plan_as_fresh_import;
pub use push::candidate_key;

use auth::{authenticated, me};
use bank::{bank, publish_bank};
use changes::changes;
use errors::{json_errors, method_not_allowed, not_found, ApiResult};
use push::push;

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
        .route("/v1/erasures", post(erase::erase))
        .route("/v1/plans", get(plans::plans).post(plans::push_plan))
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
        .layer(axum::middleware::from_fn(errors::head_limits))
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

/// The caller's user id, put on the response by the token check for the
/// access log.
#[derive(Clone, Copy)]
pub(crate) struct LoggedUser(pub i64);

/// One event per request (tracing, target `panelist_server::access`):
/// method, route (the endpoint, or `other`; never the path a client made
/// up, no query string, no headers, so no token, cursor or name), status,
/// latency and the caller's user id; and the request counted in the metrics
/// by route.
async fn access_log(
    State(st): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let start = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let route = match path.as_str() {
        "/v1/me" | "/v1/sessions" | "/v1/changes" | "/v1/bank" | "/v1/plans" | "/healthz"
        | "/metrics" => path.clone(),
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
        .get_or_create(&crate::metrics::RouteLabels {
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    let status = resp.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let user_id = resp.extensions().get::<LoggedUser>().map(|u| u.0);
    tracing::info!(
        target: "panelist_server::access",
        %method,
        route = route.as_str(),
        status,
        latency_ms = (ms * 1000.0).round() / 1000.0,
        user_id,
        "{method} {route} {status} {}ms",
        ms.round()
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

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
