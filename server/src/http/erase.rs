//! `POST /v1/erasures` (admins): erases a candidate on the server, as
//! `panelist-server candidate erase` does on the server host, through the
//! same `db::erase_candidate` (migration 4's `panelist_erase`, which checks
//! the admin role itself). The name travels in the body, never in the URL,
//! so no access log keeps it.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use panelist_core::wire::{EraseRequest, Erased};

use super::auth::{act_as, Caller};
use super::errors::{body_error, ApiError, ApiResult};
use super::{AppState, ErrorCode, Role, PROTOCOL_VERSION};
use crate::db::{erase_candidate, ErasureReason};

pub(super) async fn erase(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    if caller.role != Role::Admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            format!(
                "only an admin may erase a candidate on the server; {} is {}",
                caller.name,
                caller.role.with_article()
            ),
        ));
    }
    let body = body.map_err(body_error)?;
    let req: EraseRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::invalid(format!("erasure request: {e}")))?;
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    act_as(&tx, &caller).await?;
    let (erasure, sessions) = erase_candidate(&tx, &req.candidate, ErasureReason::Request)
        .await
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    tx.commit().await?;
    Ok((
        StatusCode::OK,
        Json(Erased {
            protocol: PROTOCOL_VERSION,
            erasure,
            sessions,
        }),
    )
        .into_response())
}
