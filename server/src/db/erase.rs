//! Erasing a candidate on the server (migrations 4 and 6): an admin's
//! request or retention, through the one SQL function `panelist_erase`, which
//! deletes the candidate's sessions, unseal rows and plans and records a
//! tombstone (docs/sync-protocol.md, "Erasure").

use super::*;

/// Why a candidate was erased: on request (an admin) or by retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureReason {
    Request,
    Retention,
}

impl ErasureReason {
    fn as_str(self) -> &'static str {
        match self {
            ErasureReason::Request => "request",
            ErasureReason::Retention => "retention",
        }
    }
}

/// The server's erasure salt (migration 4).
pub async fn erasure_salt(tx: &tokio_postgres::Transaction<'_>) -> Result<String> {
    Ok(tx
        .query_one("SELECT salt FROM erasure_salt", &[])
        .await?
        .get(0))
}

/// Erases a candidate (by the core's identity key of `name`) on the server:
/// every session and unseal row goes, and a tombstone (a salted hash of the
/// key, never the name) takes the next change number, all inside `tx`
/// (`panelist_erase`, migration 4). The owner's connection may call it; the
/// serving role only for an admin caller. Returns the tombstone as the
/// change feed sends it, and the sessions deleted.
pub async fn erase_candidate(
    tx: &tokio_postgres::Transaction<'_>,
    name: &str,
    reason: ErasureReason,
) -> Result<(panelist_core::wire::ErasedCandidate, u64)> {
    let key = panelist_core::text::name_key(name);
    if key.is_empty() {
        return Err(DbError("the candidate's name is empty".into()));
    }
    let salt = erasure_salt(tx).await?;
    let hash = panelist_core::wire::erasure_hash(&salt, &key);
    let id = uuid::Uuid::now_v7();
    let row = tx
        .query_one(
            "SELECT erased_at, erased_sessions FROM panelist_erase($1, $2, $3, $4)",
            &[&key, &hash, &id, &reason.as_str()],
        )
        .await?;
    let sessions: i64 = row.get(1);
    Ok((
        panelist_core::wire::ErasedCandidate {
            id,
            candidate: hash,
            salt,
            erased_at: row.get(0),
        },
        u64::try_from(sessions).unwrap_or(0),
    ))
}

/// `panelist-server candidate erase NAME` (owner's connection): one
/// transaction. Returns the sessions deleted.
pub async fn erase_candidate_now(client: &mut Client, name: &str) -> Result<u64> {
    let tx = client.transaction().await?;
    let (_, n) = erase_candidate(&tx, name, ErasureReason::Request).await?;
    tx.commit().await?;
    Ok(n)
}

/// `panelist-server retention --older-than DAYS`: erases, through
/// [`erase_candidate`], every candidate whose newest session reached the
/// server more than `days` ago, each in its own transaction. Returns
/// (candidates, sessions).
pub async fn apply_retention(client: &mut Client, days: u32) -> Result<(u64, u64)> {
    let days = panelist_core::validate::retention_days(i128::from(days))
        .map_err(|m| DbError(format!("--older-than: {m}")))?;
    // The owner reads sessions only while `panelist.erasing` says so
    // (migration 4): '*' for this look at the times, then cleared.
    let tx = client.transaction().await?;
    tx.execute("SELECT set_config('panelist.erasing', '*', true)", &[])
        .await?;
    let keys: Vec<String> = tx
        .query(
            "SELECT candidate_key FROM sessions GROUP BY candidate_key
             HAVING max(received_at) < now() - make_interval(days => $1)
             ORDER BY candidate_key",
            &[&(days as i32)],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    tx.commit().await?;
    let (mut candidates, mut sessions) = (0, 0);
    for key in keys {
        let tx = client.transaction().await?;
        // Still past the limit now (a push may have come in meanwhile).
        tx.execute("SELECT set_config('panelist.erasing', $1, true)", &[&key])
            .await?;
        let still: bool = tx
            .query_one(
                "SELECT coalesce(max(received_at) < now() - make_interval(days => $2), false)
                 FROM sessions WHERE candidate_key = $1",
                &[&key, &(days as i32)],
            )
            .await?
            .get(0);
        if !still {
            continue;
        }
        let (_, n) = erase_candidate(&tx, &key, ErasureReason::Retention).await?;
        tx.commit().await?;
        candidates += 1;
        sessions += n;
    }
    Ok((candidates, sessions))
}
