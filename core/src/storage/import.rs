//! Importing other interviewers' session files: carrying out the plan that
//! `crate::import::plan` decides, all files in one transaction.

use rusqlite::{params, Transaction};

use super::rows::{to_json, ts};
use super::sessions::{
    candidate_for, delete_search_words, insert_audit, insert_entries, insert_search_words,
    load_one, DELETE_ENTRIES, INSERT_IMPORTED_SESSION, REPLACE_IMPORTED_SESSION,
};
use super::Store;
use crate::error::Result;
use crate::import::{self, ImportResult, Plan};
use crate::session::Session;
use crate::session_file::SessionFile;

impl Store {
    /// Imports verified session files in one transaction: either every file
    /// is imported (or found unchanged), or nothing is. Imported sessions are
    /// read-only here.
    pub fn import_sessions(&mut self, files: &[SessionFile]) -> Result<Vec<ImportResult>> {
        for f in files {
            import::check_importable(&f.session)?;
        }
        import::check_batch(files)?;
        self.write(|tx| {
            let mut out = Vec::with_capacity(files.len());
            for f in files {
                let s = &f.session;
                let stored = load_one(tx, s.id)?;
                let plan = import::plan(stored.as_ref(), s)?;
                match &plan {
                    Plan::Add => add(tx, s)?,
                    Plan::Replace { new_audit_from, .. } => {
                        let old = &stored
                            .as_ref()
                            .expect("a replace has a stored copy")
                            .session;
                        replace(tx, old, s, *new_audit_from)?
                    }
                    Plan::Unchanged | Plan::KeepStored { .. } => {}
                }
                out.push(ImportResult {
                    session_id: s.id,
                    candidate: s.candidate.name.clone(),
                    interviewer: s.interviewer.clone(),
                    outcome: plan.outcome(),
                });
            }
            Ok(out)
        })
    }
}

fn add(tx: &Transaction, s: &Session) -> Result<()> {
    let name = s.candidate.name.trim();
    let cid = candidate_for(tx, name, s.candidate.id)?;
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
    insert_search_words(tx, &s.id.to_string(), &[name, &s.interviewer, &s.role])
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
