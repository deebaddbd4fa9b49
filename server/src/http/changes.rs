//! `GET /v1/changes`: the caller's change feed, a page at a time.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::Json;
use serde_json::value::RawValue;
use uuid::Uuid;

use super::auth::{act_as, Caller};
use super::errors::{ApiError, ApiResult};
use crate::db::feed::CHANGES;
use panelist_core::wire::ErasedCandidate;

use super::{
    AppState, Changes, ChangesQuery, InstallationKey, DEFAULT_PAGE, MAX_PAGE, MAX_PAGE_BYTES,
    PROTOCOL_VERSION,
};

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

/// The tombstones after the cursor (migration 4), each at its change number;
/// every signed-in user reads them (they name nobody).
const ERASURES: &str = "
    SELECT id, candidate_hash, seq, erased_at FROM erasures
    WHERE (seq, id) > ($1, $2)
    ORDER BY seq, id
    LIMIT $3";

pub(super) async fn changes(
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
    let tombstones = tx
        .query(ERASURES, &[&after.seq, &after.id, &(limit + 1)])
        .await?;
    let salt = if tombstones.is_empty() {
        String::new()
    } else {
        tx.query_one("SELECT salt FROM erasure_salt", &[])
            .await?
            .get(0)
    };
    // Sessions and tombstones in one delivery order, (number, id).
    let mut feed: Vec<(i64, Uuid, bool, &tokio_postgres::Row)> = rows
        .iter()
        .map(|r| (r.get(2), r.get(0), true, r))
        .chain(tombstones.iter().map(|t| (t.get(2), t.get(0), false, t)))
        .collect();
    feed.sort_by_key(|(seq, id, _, _)| (*seq, *id));
    let mut more = feed.len() as i64 > limit;
    let mut cursor = after;
    let mut sessions = Vec::new();
    let mut erasures = Vec::new();
    let mut authors: Vec<i64> = Vec::new();
    let mut bytes = 0usize;
    for &(seq, id, is_session, r) in feed.iter().take(limit as usize) {
        if !is_session {
            erasures.push(ErasedCandidate {
                id,
                candidate: r.get(1),
                salt: salt.clone(),
                erased_at: r.get(3),
            });
            cursor = Cursor { seq, id };
            continue;
        }
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
    let keys = installation_keys(&tx, &authors).await?;
    tx.commit().await?;
    st.metrics.pulls.inc();
    st.metrics.pulled_sessions.inc_by(sessions.len() as u64);
    Ok(Json(Changes {
        protocol: PROTOCOL_VERSION,
        sessions,
        cursor: cursor.to_string(),
        more,
        keys,
        erasures,
    }))
}

/// A JSON document as stored (a session file or a bank file), passed on as is.
pub(super) fn stored_json(document: String) -> ApiResult<Box<RawValue>> {
    RawValue::from_string(document.trim_end().to_string())
        .map_err(|e| ApiError::internal(format!("stored document: {e}")))
}

/// The installation keys the server registered for `users`, in a stable
/// order: sent with a page of sessions (their authors) or of plans (their
/// coordinators), so a reader trusts a colleague's second installation.
pub(super) async fn installation_keys(
    tx: &tokio_postgres::Transaction<'_>,
    users: &[i64],
) -> Result<Vec<InstallationKey>, tokio_postgres::Error> {
    Ok(tx
        .query(
            "SELECT name, public_key FROM installation_keys WHERE user_id = ANY($1)
             ORDER BY user_id, first_seen, public_key",
            &[&users],
        )
        .await?
        .iter()
        .map(|r| InstallationKey {
            interviewer: r.get(0),
            public_key: r.get(1),
        })
        .collect())
}
