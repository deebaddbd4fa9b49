//! `POST /v1/sessions`: a session file pushed by its interviewer, in steps:
//! the file is parsed and checked, its author and key checked against the
//! caller, the quota kept, then stored (new) or compared with the held copy
//! and updated, and the outcome answered.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use deadpool_postgres::Transaction;
use panelist_core::session::{PanelSession, Status};
use panelist_core::session_file::SessionFile;
use tokio_postgres::error::SqlState;
use tokio_postgres::Row;
use uuid::Uuid;

use super::auth::{act_as, Caller};
use super::errors::{body_error, ApiError, ApiResult};
use super::{AppState, ErrorCode, PushOutcome, PushResult, PROTOCOL_VERSION};

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

/// What a push did to the server's copy of the session.
enum Written {
    /// A session the server did not hold.
    Inserted,
    /// A newer revision of the caller's session.
    Updated,
    /// The revision the server already holds, with the same content.
    Unchanged,
}

pub(super) async fn push(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let file = parse_and_check(body.map_err(body_error)?).await?;
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    act_as(&tx, &caller).await?;
    check_author(&file, &caller)?;
    check_signer(&tx, &caller, &file).await?;
    let document = file.to_json();
    check_quota(&tx, &st, &caller, &file, &document).await?;
    check_not_erased(&tx, &file).await?;
    let id: Uuid = file.session.id.as_uuid();
    let stored = tx
        .query_opt(
            "SELECT revision, content_hash, status, author_id, document FROM sessions WHERE id = $1",
            &[&id],
        )
        .await?;
    let written = match stored {
        None => insert(&tx, &caller, &file, &document).await?,
        Some(row) => match compare_with_held(&caller, &file, &row)? {
            Written::Unchanged => Written::Unchanged,
            _ => update(&tx, &file, &document).await?,
        },
    };
    // An unchanged push writes nothing (its transaction is rolled back).
    let (code, outcome) = match written {
        Written::Inserted => (StatusCode::CREATED, PushOutcome::Stored),
        Written::Updated => (StatusCode::OK, PushOutcome::Stored),
        Written::Unchanged => (StatusCode::OK, PushOutcome::Unchanged),
    };
    if outcome == PushOutcome::Stored {
        tx.commit().await?;
    }
    st.metrics.pushed(outcome);
    Ok((code, Json(answer(&file, outcome))).into_response())
}

/// The answer to a push: the session's id, revision and content hash.
fn answer(file: &SessionFile, outcome: PushOutcome) -> PushResult {
    PushResult {
        protocol: PROTOCOL_VERSION,
        result: outcome,
        id: file.session.id.as_uuid(),
        revision: file.session.revision,
        content_hash: file.content_hash.clone(),
    }
}

/// Parses and verifies the file and checks it as an import would.
/// Verifying and checking a large file is CPU work: off the async workers.
async fn parse_and_check(body: Bytes) -> ApiResult<SessionFile> {
    tokio::task::spawn_blocking(move || {
        let file = SessionFile::parse(&body)?;
        panelist_core::import::check_importable(&file.session)?;
        Ok::<_, panelist_core::Error>(file)
    })
    .await
    .map_err(|e| ApiError::internal(format!("session check: {e}")))?
    .map_err(|e| ApiError::invalid(e.to_string()))
}

/// A caller pushes only sessions they interviewed.
fn check_author(file: &SessionFile, caller: &Caller) -> ApiResult<()> {
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
    Ok(())
}

/// The installation's key: registered under the caller at its first push;
/// once a user signs, an unsigned file of theirs is refused (every reader
/// holding their key pinned would refuse it).
async fn check_signer(tx: &Transaction<'_>, caller: &Caller, file: &SessionFile) -> ApiResult<()> {
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
                    "session {} is unsigned (a version 1 file), but {}'s sessions are signed: every reader would refuse it; push it from Panelist, which signs it",
                    file.session.id.as_uuid(),
                    caller.name
                )));
            }
        }
    }
    Ok(())
}

/// An erased candidate never comes back: a session created at or before
/// the candidate's erasure is refused with 410 (a later one is a new
/// interview). Checked under the change feed's lock, which an erasure
/// holds too, so no push slips in beside an erasure.
async fn check_not_erased(tx: &Transaction<'_>, file: &SessionFile) -> ApiResult<()> {
    tx.execute("SELECT pg_advisory_xact_lock(7311401)", &[])
        .await?;
    let salt: String = tx
        .query_one("SELECT salt FROM erasure_salt", &[])
        .await?
        .get(0);
    let hash = panelist_core::wire::erasure_hash(&salt, &file.session.candidate.name);
    let erased: Option<chrono::DateTime<chrono::Utc>> = tx
        .query_one(
            "SELECT max(erased_at) FROM erasures WHERE candidate_hash = $1",
            &[&hash],
        )
        .await?
        .get(0);
    match erased {
        Some(at) if file.session.created_at <= at => Err(ApiError::new(
            StatusCode::GONE,
            ErrorCode::Conflict,
            format!(
                "session {}: its candidate was erased on this server on {}, after the session was created; erase it on your machine too (sync does)",
                file.session.id.as_uuid(),
                at.format("%Y-%m-%d %H:%M UTC")
            ),
        )),
        _ => Ok(()),
    }
}

/// The per-user storage quota.
async fn check_quota(
    tx: &Transaction<'_>,
    st: &AppState,
    caller: &Caller,
    file: &SessionFile,
    document: &str,
) -> ApiResult<()> {
    let id: Uuid = file.session.id.as_uuid();
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
    Ok(())
}

/// Stores a session the server does not hold yet.
async fn insert(
    tx: &Transaction<'_>,
    caller: &Caller,
    file: &SessionFile,
    document: &str,
) -> ApiResult<Written> {
    let s = &file.session;
    let id: Uuid = s.id.as_uuid();
    let revision = s.revision as i64;
    let status = s.status.as_str();
    let inserted = tx
        .execute(
            "INSERT INTO sessions (id, author_id, candidate_key, status, revision, content_hash, document, seq)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
            &[&id, &caller.id, &candidate_key(file), &status, &revision, &file.content_hash, &document],
        )
        .await;
    match inserted {
        Ok(_) => Ok(Written::Inserted),
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Err(ApiError::conflict(
            format!("session {id} is already held for another interviewer"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Compares a push with the copy the server holds (`row`): `Unchanged` for
/// the same revision and content, `Updated` for a newer revision the caller
/// may write, else the conflict.
fn compare_with_held(caller: &Caller, file: &SessionFile, row: &Row) -> ApiResult<Written> {
    let s = &file.session;
    let id: Uuid = s.id.as_uuid();
    let revision = s.revision as i64;
    let status = s.status.as_str();
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
            return Ok(Written::Unchanged);
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
    Ok(Written::Updated)
}

/// Writes a newer revision over the caller's held copy.
async fn update(tx: &Transaction<'_>, file: &SessionFile, document: &str) -> ApiResult<Written> {
    let s = &file.session;
    let id: Uuid = s.id.as_uuid();
    let revision = s.revision as i64;
    let status = s.status.as_str();
    let updated = tx
        .execute(
            "UPDATE sessions SET status = $2, revision = $3, content_hash = $4, document = $5,
                    candidate_key = $6
             WHERE id = $1",
            &[
                &id,
                &status,
                &revision,
                &file.content_hash,
                &document,
                &candidate_key(file),
            ],
        )
        .await;
    match updated {
        Ok(1) => Ok(Written::Updated),
        // Row-level security let no row through: never "stored".
        Ok(_) => Err(ApiError::conflict(format!(
            "session {id} is not the caller's to write"
        ))),
        // The schema's guard: a session's candidate cannot change.
        Err(e) if e.code() == Some(&SqlState::RAISE_EXCEPTION) => {
            let why = e
                .as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_default();
            Err(ApiError::conflict(format!("session {id}: {why}")))
        }
        Err(e) => Err(e.into()),
    }
}
