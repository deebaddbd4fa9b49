//! Importing signed plan files, with session files, in one transaction
//! (see the parent module's doc for how candidate ids reconcile).

use rusqlite::{params, Transaction};

use super::super::import::{check_pin, import_sessions_in, SignedBy};
use super::super::rows::ts;
use super::super::sessions::{candidate_by_id, candidate_by_key, insert_candidate};
use super::*;
use crate::import::{ImportOptions, ImportResult};
use crate::session_file::{PublicKey, SessionFile};

const REPLACE_PLAN: &str = "
    UPDATE plan SET role = ?2, coordinator = ?3, created_at = ?4, updated_at = ?5,
                    signed_original = ?6
    WHERE id = ?1";

const DELETE_MEMBERS: &str = "DELETE FROM plan_member WHERE plan_id = ?1";

const UNPLANNED_IMPORTED_OF_CANDIDATE: &str = "
    SELECT id, interviewer FROM session
    WHERE candidate_id = ?1 AND plan_id IS NULL AND imported = 1
    ORDER BY created_at, id";

impl Store {
    /// A plan file's plan against every rule and this bank.
    pub fn check_plan_file(&self, f: &PlanFile) -> Result<()> {
        check_plan(
            &format!("plan file for {}", f.plan.id),
            &f.plan,
            &BankIndex::of(self)?,
        )
    }

    /// Imports plan files and session files in one transaction: all or
    /// nothing. Plans go first, so sessions of their candidate find it.
    pub fn import_documents(
        &mut self,
        plans: &[PlanFile],
        sessions: &[SessionFile],
        opts: &ImportOptions,
    ) -> Result<(Vec<PlanImportResult>, Vec<ImportResult>)> {
        let bank = BankIndex::of(self)?;
        for f in plans {
            check_plan(&format!("plan file for {}", f.plan.id), &f.plan, &bank)?;
        }
        for f in sessions {
            crate::import::check_importable(&f.session)?;
        }
        crate::import::check_batch(sessions)?;
        let own = self.identity()?.key();
        self.write(|tx| {
            let mut done = Vec::with_capacity(plans.len());
            for f in plans {
                done.push(import_plan(tx, f, opts, &own)?);
            }
            let imported = import_sessions_in(tx, sessions, opts, &own)?;
            Ok((done, imported))
        })
    }
}

/// The local candidate a plan file's candidate is, and a note when it is
/// not simply the plan's id and name (see the module's doc).
fn link_plan_candidate(tx: &Transaction, p: &Plan) -> Result<(CandidateId, Option<String>)> {
    let name = p.candidate.name.trim();
    let key = text::name_key(name);
    let cid = p.candidate.id;
    match candidate_by_id(tx, cid)? {
        Some((_, local_key)) if local_key == key => Ok((cid, None)),
        Some((local_name, _)) => Err(Error::Conflict(format!(
            "plan file for {} at plan.candidate: candidate id {cid} is {local_name:?} here but the plan names {name:?}",
            p.id
        ))),
        None => match candidate_by_key(tx, &key)? {
            Some((other, other_name)) => Ok((
                other,
                Some(format!(
                    "filed under the local candidate {other_name:?} (same name, candidate id {other} here)"
                )),
            )),
            None => {
                insert_candidate(tx, cid, name)?;
                Ok((cid, None))
            }
        },
    }
}

fn import_plan(
    tx: &Transaction,
    f: &PlanFile,
    opts: &ImportOptions,
    own: &PublicKey,
) -> Result<PlanImportResult> {
    let p = &f.plan;
    // An erased candidate does not come back through a plan either.
    super::super::erase::check_name_not_erased(
        tx,
        &p.candidate.name,
        p.created_at,
        &format!("plan file for {}", p.id),
    )?;
    let stored = load(tx, p.id)?;
    let signer = PublicKey::parse(&f.signature.public_key).ok_or_else(|| {
        Error::invalid(format!(
            "plan file for {} at signature.public_key: malformed key",
            p.id
        ))
    })?;
    let ours = stored.as_ref().is_some_and(|s| !s.imported);
    let key_note = match &p.coordinator {
        Some(who) => check_pin(
            tx,
            &SignedBy {
                label: format!("plan file for {}", p.id),
                who,
                signer: Some(signer),
                ours,
                seen: p.updated_at,
            },
            own,
            opts.accept_new_key,
        )?,
        None => Some(format!(
            "the plan names no coordinator: its key {} is pinned to nobody",
            signer.fingerprint()
        )),
    };
    let mut result = PlanImportResult {
        plan_id: p.id,
        candidate: p.candidate.name.clone(),
        coordinator: p.coordinator.clone(),
        what: String::new(),
        candidate_note: None,
        signed_by: f.fingerprint(),
        key_note,
    };
    let json = f.to_json();
    let local = match stored {
        None => {
            let (cid, note) = link_plan_candidate(tx, p)?;
            result.candidate_note = note;
            tx.execute(
                INSERT_PLAN,
                params![
                    p.id,
                    cid,
                    p.candidate.id,
                    p.role,
                    p.coordinator,
                    ts(p.created_at),
                    ts(p.updated_at),
                    true,
                    json
                ],
            )?;
            insert_members(tx, p.id, &p.members, 0)?;
            result.what = "added".into();
            cid
        }
        Some(s) if !s.imported => {
            result.what = "made here; kept as it is here".into();
            s.local_candidate
        }
        Some(s) if s.plan == *p => {
            result.what = "unchanged (already imported)".into();
            s.local_candidate
        }
        Some(s) if p.updated_at <= s.plan.updated_at => {
            result.what = "older than the stored plan; kept the stored one".into();
            s.local_candidate
        }
        Some(s) => {
            if s.plan.candidate.id != p.candidate.id
                || s.plan.coordinator.as_deref().map(text::name_key)
                    != p.coordinator.as_deref().map(text::name_key)
            {
                return Err(Error::Conflict(format!(
                    "plan file for {}: a newer version with another candidate or coordinator than the stored plan; it is refused",
                    p.id
                )));
            }
            tx.execute(
                REPLACE_PLAN,
                params![
                    p.id,
                    p.role,
                    p.coordinator,
                    ts(p.created_at),
                    ts(p.updated_at),
                    json
                ],
            )?;
            tx.execute(DELETE_MEMBERS, [p.id])?;
            insert_members(tx, p.id, &p.members, 0)?;
            result.what = "updated".into();
            s.local_candidate
        }
    };
    // Colleagues' sessions already here for members join the plan.
    let waiting: Vec<(SessionId, String)> = tx
        .prepare_cached(UNPLANNED_IMPORTED_OF_CANDIDATE)?
        .query_map([local], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (sid, who) in waiting {
        link_imported(tx, sid, local, &who)?;
    }
    Ok(result)
}
