//! Importing other interviewers' session files: carrying out the plan that
//! `crate::import::plan` decides, all files in one transaction.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::rows::{to_json, ts};
use super::sessions::{
    self, candidate_by_id, candidate_by_key, delete_search_words, insert_audit, insert_candidate,
    insert_entries, insert_search_words, load_one, DELETE_ENTRIES, INSERT_IMPORTED_SESSION,
    REPLACE_IMPORTED_SESSION,
};
use super::Store;
use crate::error::{Error, Result};
use crate::ids::CandidateId;
use crate::import::{self, CandidateClash, ImportOptions, ImportResult, Plan};
use crate::session::{PanelSession, Session};
use crate::session_file::{PublicKey, SessionFile};
use crate::text;

mod batch;
pub use batch::{BatchFile, FileImport};

const SIGNER: &str = "SELECT public_key, first_seen FROM signer WHERE name_key = ?1";
const PIN_SIGNER: &str = "
    INSERT INTO signer (name_key, name, public_key, first_seen) VALUES (?1, ?2, ?3, ?4)
    ON CONFLICT (name_key) DO UPDATE SET name = ?2, public_key = ?3, first_seen = ?4";
const SET_SIGNATURE: &str = "UPDATE session SET signed_by = ?2, signature = ?3 WHERE id = ?1";

const KEEP_ORIGINAL: &str = "
    INSERT INTO signed_original (session_id, file) VALUES (?1, ?2)
    ON CONFLICT (session_id) DO UPDATE SET file = excluded.file";
const KEEP_ORIGINAL_IF_MISSING: &str =
    "INSERT OR IGNORE INTO signed_original (session_id, file) VALUES (?1, ?2)";
const SIGNERS: &str = "SELECT name, public_key, first_seen FROM signer ORDER BY first_seen";

/// The pin (key, first seen) of a signer whose name looks like `who`
/// (`text::look_alike`); signers are few, so all are read.
fn look_alike_pin(tx: &Connection, who: &str) -> Result<Option<(String, String)>> {
    let mut stmt = tx.prepare_cached(SIGNERS)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if text::look_alike(&r.get::<_, String>(0)?, who) {
            return Ok(Some((r.get(1)?, r.get(2)?)));
        }
    }
    Ok(None)
}

/// Who signed a file, for [`check_pin`].
pub(crate) struct SignedBy<'a> {
    /// How errors name the file: "session file for ID", "plan file for ID".
    pub label: String,
    /// The person the file is from (the interviewer, the coordinator).
    pub who: &'a str,
    /// The signer's key; None for an unsigned (version 1 session) file.
    pub signer: Option<PublicKey>,
    /// The file's document is stored here as this installation's own.
    pub ours: bool,
    /// When the pin is first seen (the document's last change).
    pub seen: chrono::DateTime<chrono::Utc>,
}

/// Checks a file's signer against the key pinned for its interviewer, and
/// pins it on first sight. A changed key, or an unsigned file from someone
/// whose key is pinned, is refused unless the user accepts the new key.
fn check_signer(
    tx: &Transaction,
    f: &SessionFile,
    opts: &ImportOptions,
    own: &PublicKey,
    stored: Option<&PanelSession>,
) -> Result<Option<String>> {
    let who = &f.session.interviewer;
    let key = text::name_key(who);
    let signer = match &f.signature {
        Some(sig) => Some(PublicKey::parse(&sig.public_key).ok_or_else(|| {
            Error::invalid(format!(
                "session file for {} at signature.public_key: malformed key",
                f.session.id
            ))
        })?),
        None => None,
    };
    let ours = stored.is_some_and(|p| !p.imported && text::name_key(&p.session.interviewer) == key);
    check_pin(
        tx,
        &SignedBy {
            label: format!("session file for {}", f.session.id),
            who,
            signer,
            ours,
            seen: f.session.updated_at,
        },
        own,
        opts.accept_new_key,
    )
}

/// The key pinned for `who`: by the identity key of the name, else by a
/// name that only looks or reads like a pinned one (Cyrillic letters, an
/// ASCII spelling), which is no first sight: it meets that pin.
pub(crate) fn pinned_key(conn: &Connection, who: &str) -> Result<Option<PublicKey>> {
    let pinned: Option<String> = conn
        .query_row(SIGNER, [&text::name_key(who)], |r| r.get::<_, String>(0))
        .optional()?;
    let pinned = match pinned {
        Some(p) => Some(p),
        None => look_alike_pin(conn, who)?.map(|(key, _)| key),
    };
    pinned
        .map(|text| {
            PublicKey::from_stored(&text).ok_or_else(|| {
                Error::invalid(format!("the key pinned for {who} is damaged: {text:?}"))
            })
        })
        .transpose()
}

/// The pinning rule for every signed file, by the name of the person it is
/// from (`text::name_key`, and look-alike names meet the same pin).
///
/// This installation's own key (`own`) signs only this installation's
/// documents: it needs no pin only for one stored here as our own (`ours`).
/// Anything else it signed is treated like anyone's file (pinned by the
/// person's name), so a copy of the key cannot vouch for another name. Keys
/// are compared as bytes.
pub(crate) fn check_pin(
    tx: &Transaction,
    s: &SignedBy,
    own: &PublicKey,
    accept_new_key: bool,
) -> Result<Option<String>> {
    let who = s.who;
    let label = &s.label;
    let key = text::name_key(who);
    if s.ours && s.signer.as_ref() == Some(own) {
        return Ok(None);
    }
    let pinned = pinned_key(tx, who)?;
    match (s.signer, pinned) {
        (None, None) => Ok(None),
        (None, Some(pinned)) => Err(Error::Conflict(format!(
            "{label}: {who}'s sessions are signed (key {}), but this file is unsigned; it is refused",
            pinned.fingerprint()
        ))),
        (Some(signer), None) => {
            tx.execute(PIN_SIGNER, params![key, who, signer.text(), ts(s.seen)])?;
            Ok(Some(format!(
                "first file from {who}: key {} pinned; check it with them",
                signer.fingerprint()
            )))
        }
        (Some(signer), Some(pinned)) if pinned.bytes() == signer.bytes() => Ok(None),
        (Some(signer), Some(pinned)) => {
            if !accept_new_key {
                return Err(Error::Conflict(format!(
                    "{label}: signed by key {}, but the key pinned for {who} is {}; if {who} has a new installation, confirm the new key with them and import again accepting it",
                    signer.fingerprint(),
                    pinned.fingerprint()
                )));
            }
            tx.execute(PIN_SIGNER, params![key, who, signer.text(), ts(s.seen)])?;
            Ok(Some(format!(
                "{who}'s key changed from {} to {} (accepted)",
                pinned.fingerprint(),
                signer.fingerprint()
            )))
        }
    }
}

impl Store {
    /// Imports verified session files in one transaction: either every file
    /// is imported (or found unchanged), or nothing is. Imported sessions are
    /// read-only here.
    pub fn import_sessions(&mut self, files: &[SessionFile]) -> Result<Vec<ImportResult>> {
        let opts = ImportOptions {
            clash: CandidateClash::Ask,
            new_candidate_id: CandidateId::nil(),
            accept_new_key: false,
        };
        self.import_sessions_with(files, &opts)
    }

    /// [`Store::import_sessions`] with the user's choices.
    pub fn import_sessions_with(
        &mut self,
        files: &[SessionFile],
        opts: &ImportOptions,
    ) -> Result<Vec<ImportResult>> {
        for f in files {
            import::check_importable(&f.session)?;
        }
        import::check_batch(files)?;
        let own = self.identity()?.key();
        self.write(|tx| import_sessions_in(tx, files, opts, &own))
    }
}

/// Imports verified and checked session files inside a write transaction.
pub(crate) fn import_sessions_in(
    tx: &Transaction,
    files: &[SessionFile],
    opts: &ImportOptions,
    own: &PublicKey,
) -> Result<Vec<ImportResult>> {
    // Importing changes none of our own sessions, so the seal is the
    // same for the whole batch.
    let seal = sessions::seal(tx)?;
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let s = &f.session;
        super::erase::check_not_erased(tx, s)?;
        let stored = load_one(tx, s.id)?;
        let plan = import::plan(stored.as_ref(), s)?;
        let key_note = check_signer(tx, f, opts, own, stored.as_ref())?;
        let mut candidate_note = None;
        // The local candidate the session is filed under.
        let filed = match &plan {
            Plan::Add => {
                let (cid, note) = add(tx, s, opts)?;
                candidate_note = note;
                cid
            }
            Plan::Replace { new_audit_from, .. } => {
                let old = &stored
                    .as_ref()
                    .expect("a replace has a stored copy")
                    .session;
                replace(tx, old, s, *new_audit_from)?;
                old.candidate.id
            }
            Plan::Unchanged | Plan::KeepStored { .. } => stored
                .as_ref()
                .map(|p| p.session.candidate.id)
                .unwrap_or(s.candidate.id),
        };
        let mut result = ImportResult {
            session_id: s.id,
            candidate: s.candidate.name.clone(),
            interviewer: s.interviewer.clone(),
            outcome: plan.outcome(),
            candidate_note,
            signed_by: f
                .signature
                .as_ref()
                .map(|sig| crate::session_file::fingerprint(&sig.public_key)),
            key_note,
            sealed: false,
        };
        seal.apply_to_import(filed, &mut result);
        out.push(result);
        // A colleague's session of a member joins their plan here.
        if stored.as_ref().is_none_or(|p| p.imported) {
            super::plans::link_imported(tx, s.id, filed, &s.interviewer)?;
        }
        if matches!(plan, Plan::Add | Plan::Replace { .. }) {
            let (key, value) = match &f.signature {
                Some(sig) => (Some(&sig.public_key), Some(&sig.value)),
                None => (None, None),
            };
            tx.execute(SET_SIGNATURE, params![s.id, key, value])?;
            // The file as it arrived, to forward unchanged.
            tx.execute(KEEP_ORIGINAL, params![s.id, f.to_json()])?;
        } else if matches!(plan, Plan::Unchanged) && stored.as_ref().is_some_and(|p| p.imported) {
            // Imported before originals were kept: keep this one.
            tx.execute(KEEP_ORIGINAL_IF_MISSING, params![s.id, f.to_json()])?;
        }
    }
    Ok(out)
}

/// The local candidate an imported session is filed under, and a note when
/// that was not simply the file's id and name. The id wins over the name; a
/// clash of the id with another name is the user's decision.
fn link_candidate(
    tx: &Transaction,
    s: &Session,
    opts: &ImportOptions,
) -> Result<(CandidateId, Option<String>)> {
    let name = s.candidate.name.trim();
    let key = text::name_key(name);
    let cid = s.candidate.id;
    match candidate_by_id(tx, cid)? {
        Some((_, local_key)) if local_key == key => Ok((cid, None)),
        Some((local_name, _)) => match opts.clash {
            CandidateClash::Ask => Err(Error::Conflict(format!(
                "session file for {}: candidate id {cid} is {local_name:?} here but the file names {name:?}; import again {} (file it under {local_name:?}) or keep them apart",
                s.id,
                import::CLASH_MARK
            ))),
            CandidateClash::Merge => Ok((
                cid,
                Some(format!(
                    "filed under {local_name:?}, who has the same candidate id (the file names {name:?})"
                )),
            )),
            CandidateClash::KeepApart => match candidate_by_key(tx, &key)? {
                Some((other, other_name)) => Ok((
                    other,
                    Some(format!(
                        "kept apart from {local_name:?}; filed under the local candidate {other_name:?}"
                    )),
                )),
                None => {
                    let fresh = opts.new_candidate_id;
                    if fresh.is_nil() || candidate_by_id(tx, fresh)?.is_some() {
                        return Err(Error::invalid(
                            "keeping candidates apart needs a new candidate id",
                        ));
                    }
                    insert_candidate(tx, fresh, name)?;
                    Ok((
                        fresh,
                        Some(format!(
                            "kept apart from {local_name:?} (same candidate id) as a new candidate"
                        )),
                    ))
                }
            },
        },
        None => match candidate_by_key(tx, &key)? {
            Some((other, other_name)) => Ok((
                other,
                Some(format!(
                    "filed under the local candidate {other_name:?}: same name, different candidate id"
                )),
            )),
            None => {
                insert_candidate(tx, cid, name)?;
                Ok((cid, None))
            }
        },
    }
}

fn add(
    tx: &Transaction,
    s: &Session,
    opts: &ImportOptions,
) -> Result<(CandidateId, Option<String>)> {
    let name = s.candidate.name.trim();
    let (cid, note) = link_candidate(tx, s, opts)?;
    tx.execute(
        INSERT_IMPORTED_SESSION,
        params![
            s.id,
            cid,
            s.interviewer,
            s.role,
            s.kit,
            s.status,
            ts(s.created_at),
            s.started_at.map(ts),
            s.finished_at.map(ts),
            ts(s.updated_at),
            s.revision as i64,
            s.summary,
            to_json(&s.red_flags),
            s.recommendation
        ],
    )?;
    insert_entries(tx, s)?;
    for a in &s.audit {
        insert_audit(tx, a, s.id)?;
    }
    insert_search_words(tx, &s.id.to_string(), &[name, &s.interviewer, &s.role])?;
    Ok((cid, note))
}

fn replace(tx: &Transaction, old: &Session, s: &Session, new_audit_from: usize) -> Result<()> {
    let sid = s.id.to_string();
    tx.execute(DELETE_ENTRIES, [&sid])?;
    tx.execute(
        REPLACE_IMPORTED_SESSION,
        params![
            s.id,
            s.interviewer,
            s.role,
            s.kit,
            s.status,
            ts(s.created_at),
            s.started_at.map(ts),
            s.finished_at.map(ts),
            ts(s.updated_at),
            s.revision as i64,
            s.summary,
            to_json(&s.red_flags),
            s.recommendation
        ],
    )?;
    insert_entries(tx, s)?;
    for a in &s.audit[new_audit_from..] {
        insert_audit(tx, a, s.id)?;
    }
    delete_search_words(tx, &sid, &[&old.interviewer, &old.role])?;
    let name = old.candidate.name.as_str();
    insert_search_words(tx, &sid, &[name, &s.interviewer, &s.role])
}
