//! `POST /v1/plans` and `GET /v1/plans`: interview plans. A lead or admin
//! pushes a signed plan file they coordinate; it is checked exactly as
//! `panelist import` checks it, on a fresh machine holding the team bank.
//! Each user fetches the plans they are in or coordinate. Which sessions a
//! plan unseals is the row-level security of migration 0005.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use panelist_core::import::{CandidateClash, ImportOptions};
use panelist_core::plan::PlanFile;
use panelist_core::text::name_key;
use panelist_core::wire::{PlanPushResult, Plans, PlansQuery};
use tokio_postgres::error::SqlState;
use uuid::Uuid;

use super::auth::{act_as, Caller};
use super::changes::stored_json;
use super::errors::{body_error, ApiError, ApiResult};
use super::{AppState, ErrorCode, PushOutcome, Role, PROTOCOL_VERSION};

/// The most plans one answer of `GET /v1/plans` holds; `more` plans wait
/// for the next call (the client calls until the cursor stops moving).
pub const PLANS_PAGE: i64 = 200;

/// Checks a plan file exactly as `panelist import` does on a fresh machine
/// whose bank is the built-in one plus `team_bank` (the newest published
/// team bank, if any): the file verifies (format, canonical form, hash,
/// signature) and its plan meets every rule (`plan::check_plan`, the bank's
/// questions and competencies). Returns the parsed file.
pub fn check_plan_as_fresh_import(
    bytes: &[u8],
    team_bank: Option<&[u8]>,
) -> panelist_core::Result<PlanFile> {
    let file = PlanFile::parse(bytes)?;
    let mut fresh = panelist_core::Store::open_in_memory()?;
    if let Some(bank) = team_bank {
        let bank = panelist_core::bank::parse_bank(bank)?;
        fresh.import_bank_at(&bank, chrono::Utc::now())?;
    }
    let opts = ImportOptions {
        clash: CandidateClash::Ask,
        new_candidate_id: panelist_core::ids::CandidateId::nil(),
        accept_new_key: false,
    };
    fresh.import_documents(std::slice::from_ref(&file), &[], &opts)?;
    Ok(file)
}

/// The pushed plan, verified and checked as a fresh machine's import would
/// (built-in bank plus the newest team bank), and coordinated by the caller.
async fn checked_plan(
    tx: &tokio_postgres::Transaction<'_>,
    caller: &Caller,
    body: Bytes,
) -> ApiResult<panelist_core::plan::PlanFile> {
    let team_bank: Option<String> = tx
        .query_opt(
            "SELECT document FROM bank_versions ORDER BY version DESC LIMIT 1",
            &[],
        )
        .await?
        .map(|r| r.get(0));
    // Verifying and checking is CPU work: off the async workers.
    let bytes = body.clone();
    let file = tokio::task::spawn_blocking(move || {
        check_plan_as_fresh_import(&bytes, team_bank.as_deref().map(str::as_bytes))
    })
    .await
    .map_err(|e| ApiError::internal(format!("plan check: {e}")))?
    .map_err(|e| ApiError::invalid(e.to_string()))?;
    let p = &file.plan;
    let id: Uuid = p.id.0;
    if let Some(c) = &p.coordinator {
        if name_key(c) != name_key(&caller.name) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::ForgedAuthor,
                format!(
                    "plan {id} at plan.coordinator: the plan's coordinator is {c:?} but the token is {:?}'s: push only plans you coordinate",
                    caller.name
                ),
            ));
        }
    }
    Ok(file)
}

pub(super) async fn push_plan(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    if caller.role == Role::Interviewer {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            format!(
                "{} is an interviewer: only a lead or an admin pushes interview plans",
                caller.name
            ),
        ));
    }
    let body = body.map_err(body_error)?;
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    act_as(&tx, &caller).await?;
    let file = checked_plan(&tx, &caller, body).await?;
    let p = &file.plan;
    let id: Uuid = p.id.0;
    // The signing installation is registered under the caller, as a
    // session's is at its first push.
    tx.execute(
        "INSERT INTO installation_keys (user_id, name, public_key) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        &[&caller.id, &caller.name, &file.signature.public_key],
    )
    .await?;
    let document = file.to_json();
    let candidate = name_key(&p.candidate.name);
    let members: Vec<String> = p.members.iter().map(|m| name_key(&m.interviewer)).collect();
    let held = tx
        .query_opt(
            "SELECT coordinator_id, updated_at, content_hash FROM plans WHERE id = $1",
            &[&id],
        )
        .await?;
    let conflict = |m: String| Err(ApiError::conflict(format!("plan {id}: {m}")));
    let outcome = match held {
        None => {
            let inserted = tx
                .execute(
                    "INSERT INTO plans (id, coordinator_id, candidate_key, member_keys, updated_at,
                                        content_hash, document, seq)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
                    &[
                        &id,
                        &caller.id,
                        &candidate,
                        &members,
                        &p.updated_at,
                        &file.content_hash,
                        &document,
                    ],
                )
                .await;
            match inserted {
                Ok(_) => (StatusCode::CREATED, PushOutcome::Stored),
                Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                    return conflict("already held for another coordinator".into())
                }
                Err(e) => return Err(e.into()),
            }
        }
        Some(row) => {
            let (owner, updated_at, hash): (i64, chrono::DateTime<chrono::Utc>, String) =
                (row.get(0), row.get(1), row.get(2));
            if owner != caller.id {
                return conflict("already held for another coordinator".into());
            }
            if hash == file.content_hash {
                (StatusCode::OK, PushOutcome::Unchanged)
            } else if p.updated_at <= updated_at {
                return conflict(format!(
                    "the server holds a version updated at {updated_at}, not older than the pushed {}",
                    p.updated_at
                ));
            } else {
                let updated = tx
                    .execute(
                        "UPDATE plans SET candidate_key = $2, member_keys = $3, updated_at = $4,
                                          content_hash = $5, document = $6
                         WHERE id = $1",
                        &[
                            &id,
                            &candidate,
                            &members,
                            &p.updated_at,
                            &file.content_hash,
                            &document,
                        ],
                    )
                    .await;
                match updated {
                    Ok(1) => (StatusCode::OK, PushOutcome::Stored),
                    Ok(_) => return conflict("not the caller's to write".into()),
                    Err(e) if e.code() == Some(&SqlState::RAISE_EXCEPTION) => {
                        let why = e
                            .as_db_error()
                            .map(|d| d.message().to_string())
                            .unwrap_or_default();
                        return conflict(why);
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    };
    if outcome.1 == PushOutcome::Stored {
        tx.commit().await?;
    }
    Ok((
        outcome.0,
        Json(PlanPushResult {
            protocol: PROTOCOL_VERSION,
            result: outcome.1,
            id,
            updated_at: p.updated_at,
            content_hash: file.content_hash.clone(),
        }),
    )
        .into_response())
}

pub(super) async fn plans(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<PlansQuery>, QueryRejection>,
) -> ApiResult<Json<Plans>> {
    let Query(q) = query.map_err(|e| ApiError::invalid(e.body_text()))?;
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::invalid(
            "after must be a cursor this server gave out (0 or more)",
        ));
    }
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    act_as(&tx, &caller).await?;
    // Row-level security lets through the plans the caller coordinates or
    // is a member of.
    let rows = tx
        .query(
            "SELECT document, seq, coordinator_id FROM plans WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &PLANS_PAGE],
        )
        .await?;
    let mut cursor = after;
    let mut plans = Vec::with_capacity(rows.len());
    let mut coordinators: Vec<i64> = Vec::new();
    for r in &rows {
        plans.push(stored_json(r.get(0))?);
        cursor = r.get(1);
        let c: i64 = r.get(2);
        if !coordinators.contains(&c) {
            coordinators.push(c);
        }
    }
    let keys = super::changes::installation_keys(&tx, &coordinators).await?;
    tx.commit().await?;
    Ok(Json(Plans {
        protocol: PROTOCOL_VERSION,
        plans,
        cursor,
        keys,
    }))
}
