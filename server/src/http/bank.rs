//! `GET /v1/bank` and `PUT /v1/bank`: the team's question bank, published by
//! an admin and fetched by everyone.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sha2::{Digest, Sha256};

use super::auth::{act_as, Caller};
use super::changes::stored_json;
use super::errors::{body_error, ApiError, ApiResult};
use super::{
    AppState, BankQuery, ErrorCode, PublishOutcome, Published, Role, TeamBank, PROTOCOL_VERSION,
};
use crate::db;

pub(super) async fn bank(
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

pub(super) async fn publish_bank(
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
