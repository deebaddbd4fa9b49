//! The embedded, append-only schema migrations. Never edit one that has
//! landed (a test pins each file's hash); a change is a new file.
//!
//! Migration 4's hook fills each candidate's name key (`text::name_key`).
//! Migration 8's hook recomputes every stored name key (candidates, pinned
//! signers) with the NFKC_Casefold key, merging rows that now collide.
//!
//! Migration 2 has a Rust hook that moves data the SQL cannot: it stores each
//! distinct question snapshot once, addressed by its SHA-256, and fills the
//! search words. The hook, like the SQL files, is frozen once landed.

use std::collections::HashMap;

use rusqlite::{params, Transaction};
use rusqlite_migration::{HookError, HookResult, Migrations, M};

use super::sessions::{insert_search_words, snapshot_hash};

/// The SQL of every migration, in order; `SCHEMA_VERSION` is their count.
pub const MIGRATION_SQL: &[(&str, &str)] = &[
    (
        "0001_initial.sql",
        include_str!("migrations/0001_initial.sql"),
    ),
    (
        "0002_snapshots_and_search.sql",
        include_str!("migrations/0002_snapshots_and_search.sql"),
    ),
    (
        "0003_drop_inline_snapshots.sql",
        include_str!("migrations/0003_drop_inline_snapshots.sql"),
    ),
    (
        "0004_identity_erasure_signing.sql",
        include_str!("migrations/0004_identity_erasure_signing.sql"),
    ),
    (
        "0005_bank_revisions_and_kits.sql",
        include_str!("migrations/0005_bank_revisions_and_kits.sql"),
    ),
    (
        "0006_sync_outbox.sql",
        include_str!("migrations/0006_sync_outbox.sql"),
    ),
    (
        "0007_kit_former_names.sql",
        include_str!("migrations/0007_kit_former_names.sql"),
    ),
    (
        "0008_identity_nfkc_casefold.sql",
        include_str!("migrations/0008_identity_nfkc_casefold.sql"),
    ),
    (
        "0009_signed_originals.sql",
        include_str!("migrations/0009_signed_originals.sql"),
    ),
    (
        "0010_sync_set_aside.sql",
        include_str!("migrations/0010_sync_set_aside.sql"),
    ),
    (
        "0011_interview_plans.sql",
        include_str!("migrations/0011_interview_plans.sql"),
    ),
    (
        "0012_erased_candidates.sql",
        include_str!("migrations/0012_erased_candidates.sql"),
    ),
    (
        "0013_sync_conflicts.sql",
        include_str!("migrations/0013_sync_conflicts.sql"),
    ),
];

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(
        MIGRATION_SQL
            .iter()
            .enumerate()
            .map(|(i, (_, sql))| match i {
                1 => M::up_with_hook(sql, v2_move_snapshots),
                3 => M::up_with_hook(sql, v4_name_keys),
                7 => M::up_with_hook(sql, v8_identity_keys),
                _ => M::up(sql),
            })
            .collect(),
    )
}

const V2_OLD_ENTRIES: &str = "
    SELECT session_id, position, question_id, competency_name, snapshot, score, skipped,
           look_fors_hit, follow_ups_asked, notes, seconds_spent
    FROM entry";

const V2_INSERT_SNAPSHOT: &str = "INSERT INTO snapshot (hash, doc) VALUES (?1, ?2)";

const V2_INSERT_ENTRY: &str = "
    INSERT INTO entry_v2 (session_id, position, question_id, competency_name, snapshot_id, score,
                          skipped, look_fors_hit, follow_ups_asked, notes, seconds_spent)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

const V2_SESSION_WORDS: &str = "
    SELECT s.id, c.name, s.interviewer, s.role
    FROM session s JOIN candidate c ON c.id = s.candidate_id";

fn v2_move_snapshots(tx: &Transaction) -> HookResult {
    let mut ids: HashMap<String, i64> = HashMap::new();
    let mut read = tx.prepare(V2_OLD_ENTRIES)?;
    let mut rows = read.query([])?;
    let mut insert_snapshot = tx.prepare(V2_INSERT_SNAPSHOT)?;
    let mut insert_entry = tx.prepare(V2_INSERT_ENTRY)?;
    while let Some(r) = rows.next()? {
        let doc: String = r.get("snapshot")?;
        let snapshot_id = match ids.get(&doc) {
            Some(id) => *id,
            None => {
                insert_snapshot.execute(params![snapshot_hash(&doc).to_vec(), doc])?;
                let id = tx.last_insert_rowid();
                ids.insert(doc, id);
                id
            }
        };
        insert_entry.execute(params![
            r.get::<_, String>("session_id")?,
            r.get::<_, i64>("position")?,
            r.get::<_, String>("question_id")?,
            r.get::<_, String>("competency_name")?,
            snapshot_id,
            r.get::<_, Option<i64>>("score")?,
            r.get::<_, bool>("skipped")?,
            r.get::<_, String>("look_fors_hit")?,
            r.get::<_, String>("follow_ups_asked")?,
            r.get::<_, String>("notes")?,
            r.get::<_, i64>("seconds_spent")?,
        ])?;
    }
    let sessions: Vec<(String, String, String, String)> = tx
        .prepare(V2_SESSION_WORDS)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, candidate, interviewer, role) in sessions {
        insert_search_words(tx, &id, &[&candidate, &interviewer, &role])
            .map_err(|e| HookError::Hook(e.to_string()))?;
    }
    Ok(())
}

fn v4_name_keys(tx: &Transaction) -> HookResult {
    let names: Vec<(String, String)> = tx
        .prepare("SELECT id, name FROM candidate")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut set = tx.prepare("UPDATE candidate SET name_key = ?2 WHERE id = ?1")?;
    for (id, name) in names {
        set.execute(params![id, crate::text::name_key(&name)])?;
    }
    Ok(())
}

const V8_CANDIDATES: &str = "SELECT id, name FROM candidate ORDER BY rowid";
const V8_SET_CANDIDATE_KEY: &str =
    "UPDATE candidate SET name_key = ?2, look_key = ?3, look_key_confusable = ?4 WHERE id = ?1";
const V8_MOVE_SESSIONS: &str = "UPDATE session SET candidate_id = ?1 WHERE candidate_id = ?2";
const V8_DROP_CANDIDATE: &str = "DELETE FROM candidate WHERE id = ?1";
const V8_SIGNERS: &str =
    "SELECT name_key, name, public_key, first_seen FROM signer ORDER BY first_seen, rowid";
const V8_DROP_SIGNERS: &str = "DELETE FROM signer";
const V8_PIN_SIGNER: &str =
    "INSERT INTO signer (name_key, name, public_key, first_seen) VALUES (?1, ?2, ?3, ?4)";

/// Recomputes every stored name key with the NFKC_Casefold key. Candidates
/// that now share a key are merged under the earliest; of signers that now
/// share a key, the pin seen first is kept (see the migration's comment).
fn v8_identity_keys(tx: &Transaction) -> HookResult {
    let candidates: Vec<(String, String)> = tx
        .prepare(V8_CANDIDATES)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut first: HashMap<String, String> = HashMap::new();
    for (id, name) in candidates {
        let key = crate::text::name_key(&name);
        match first.get(&key) {
            Some(kept) => {
                tx.execute(V8_MOVE_SESSIONS, params![kept, id])?;
                tx.execute(V8_DROP_CANDIDATE, [&id])?;
            }
            None => {
                let [look, look_confusable] = crate::text::look_keys(&name);
                tx.execute(
                    V8_SET_CANDIDATE_KEY,
                    params![id, key, look, look_confusable],
                )?;
                first.insert(key, id);
            }
        }
    }
    let signers: Vec<(String, String, String, String)> = tx
        .prepare(V8_SIGNERS)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    tx.execute(V8_DROP_SIGNERS, [])?;
    let mut pinned: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (_, name, public_key, first_seen) in signers {
        let key = crate::text::name_key(&name);
        // The first pin of a key stays; a later one for the same name goes.
        if pinned.insert(key.clone()) {
            tx.execute(V8_PIN_SIGNER, params![key, name, public_key, first_seen])?;
        }
    }
    Ok(())
}
