//! Candidates: one person per identity key (`text::name_key`), found or
//! created when a session is made or imported, with the look-alike keys
//! the sealing rule also uses.

use super::*;

/// The local candidate with this name (compared by `text::name_key`), or a
/// new one with `id`.
pub(crate) fn candidate_for(tx: &Transaction, name: &str, id: CandidateId) -> Result<CandidateId> {
    let key = text::name_key(name);
    if let Some((existing, _)) = candidate_by_key(tx, &key)? {
        return Ok(existing);
    }
    let [look, look_confusable] = text::look_keys(name);
    tx.execute(
        INSERT_CANDIDATE,
        params![id, name, key, look, look_confusable],
    )?;
    Ok(id)
}

/// The candidate whose name has this key, with its name as stored.
pub(crate) fn candidate_by_key(
    tx: &Transaction,
    key: &str,
) -> Result<Option<(CandidateId, String)>> {
    Ok(tx
        .query_row(CANDIDATE_BY_KEY, [key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The stored name and name key of a candidate id.
pub(crate) fn candidate_by_id(
    tx: &Transaction,
    id: CandidateId,
) -> Result<Option<(String, String)>> {
    Ok(tx
        .query_row(CANDIDATE_BY_ID, [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Inserts a new candidate.
pub(crate) fn insert_candidate(tx: &Transaction, id: CandidateId, name: &str) -> Result<()> {
    let [look, look_confusable] = text::look_keys(name);
    tx.execute(
        INSERT_CANDIDATE,
        params![id, name, text::name_key(name), look, look_confusable],
    )?;
    Ok(())
}
