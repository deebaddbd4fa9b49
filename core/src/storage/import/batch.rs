//! An import batch file by file, as a person expects it: each file is
//! parsed and imported on its own transaction (plan files first, so the
//! sessions of their candidate find the plan), so the good files of a batch
//! import and a bad one is refused — in one plain sentence naming it
//! (`import::Refusal`) — and changes nothing. Each file goes through the one
//! import path, `Store::import_documents`, as `panelist import` does.

use super::pinned_key;
use crate::error::{Error, Result};
use crate::import::{ImportOptions, ImportResult, KeyChange, Refusal, Stage};
use crate::plan::{parse_document, Document};
use crate::session_file::PublicKey;
use crate::storage::{PlanImportResult, Store};

/// One file of a batch: its name (for people) and its bytes, or why they
/// could not be read.
pub struct BatchFile {
    pub name: String,
    pub bytes: Result<Vec<u8>>,
}

/// What importing one file of a batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileImport {
    Session(Box<ImportResult>),
    Plan(Box<PlanImportResult>),
    Refused(Box<Refusal>),
}

impl FileImport {
    fn refused(name: &str, stage: Stage, e: &Error, k: Option<KeyChange>) -> FileImport {
        FileImport::Refused(Box::new(Refusal::of(name, stage, e, k)))
    }
}

impl Store {
    /// Imports each file of `files` on its own: one result per file, in
    /// their order. An error here is the database's, not a file's.
    pub fn import_each(
        &mut self,
        files: &[BatchFile],
        opts: &ImportOptions,
    ) -> Result<Vec<FileImport>> {
        let mut out: Vec<Option<FileImport>> = vec![None; files.len()];
        let mut docs = Vec::new();
        for (i, f) in files.iter().enumerate() {
            match &f.bytes {
                Err(e) => out[i] = Some(FileImport::refused(&f.name, Stage::Read, e, None)),
                Ok(bytes) => match parse_document(bytes) {
                    Err(e) => out[i] = Some(FileImport::refused(&f.name, Stage::Parse, &e, None)),
                    Ok(d) => docs.push((i, d)),
                },
            }
        }
        // Plans first: a session of a planned candidate joins the plan.
        docs.sort_by_key(|(_, d)| !matches!(d, Document::Plan(_)));
        for (i, doc) in &docs {
            out[*i] = Some(self.import_document(&files[*i].name, doc, opts)?);
        }
        Ok(out
            .into_iter()
            .map(|r| r.expect("every file has a result"))
            .collect())
    }

    /// Imports one file accepting its signer's new key, after the person
    /// compared `fingerprint` with the file's author (the CLI's `import
    /// --accept-new-key`). A file now signed by another key than the one
    /// confirmed is refused.
    pub fn import_accepting_key(
        &mut self,
        file: &BatchFile,
        fingerprint: &str,
        opts: &ImportOptions,
    ) -> Result<FileImport> {
        let name = &file.name;
        let bytes = match &file.bytes {
            Ok(b) => b,
            Err(e) => return Ok(FileImport::refused(name, Stage::Read, e, None)),
        };
        let doc = match parse_document(bytes) {
            Ok(d) => d,
            Err(e) => return Ok(FileImport::refused(name, Stage::Parse, &e, None)),
        };
        let (_, signer) = author(&doc);
        let signed = signer.map(|k| k.fingerprint());
        if signed.as_deref() != Some(fingerprint) {
            let e = Error::Conflict(format!(
                "it is now signed by key {}, not the key {fingerprint} you confirmed; import it again",
                signed.as_deref().unwrap_or("(none)")
            ));
            return Ok(FileImport::refused(name, Stage::Import, &e, None));
        }
        let opts = ImportOptions {
            accept_new_key: true,
            ..*opts
        };
        self.import_document(name, &doc, &opts)
    }

    /// One parsed document through `import_documents`, in its own
    /// transaction; a refusal says whether a changed key is the reason.
    fn import_document(
        &mut self,
        name: &str,
        doc: &Document,
        opts: &ImportOptions,
    ) -> Result<FileImport> {
        let done = match doc {
            Document::Plan(p) => self
                .import_documents(std::slice::from_ref(&**p), &[], opts)
                .map(|(mut plans, _)| FileImport::Plan(Box::new(plans.remove(0)))),
            Document::Session(s) => self
                .import_documents(&[], std::slice::from_ref(&**s), opts)
                .map(|(_, mut sessions)| FileImport::Session(Box::new(sessions.remove(0)))),
        };
        match done {
            Ok(r) => Ok(r),
            Err(e @ Error::Db(_)) => Err(e),
            Err(e) => {
                let key_change = self.key_change(doc, &e)?;
                Ok(FileImport::refused(name, Stage::Import, &e, key_change))
            }
        }
    }

    /// The changed key behind a refusal: the file is signed, a different key
    /// is pinned for its author, and that is what the import said.
    fn key_change(&self, doc: &Document, e: &Error) -> Result<Option<KeyChange>> {
        let (who, signer) = author(doc);
        let (Some(who), Some(signer)) = (who, signer) else {
            return Ok(None);
        };
        if !matches!(e, Error::Conflict(m) if m.contains("but the key pinned for")) {
            return Ok(None);
        }
        Ok(pinned_key(&self.conn, who)?
            .filter(|pinned| pinned.bytes() != signer.bytes())
            .map(|pinned| KeyChange {
                who: who.to_string(),
                pinned: pinned.fingerprint(),
                new: signer.fingerprint(),
            }))
    }
}

/// Whom a document is from (its pin's name) and the key that signed it.
fn author(doc: &Document) -> (Option<&str>, Option<PublicKey>) {
    match doc {
        Document::Session(s) => (
            Some(s.session.interviewer.as_str()),
            s.signature
                .as_ref()
                .and_then(|sig| PublicKey::parse(&sig.public_key)),
        ),
        Document::Plan(p) => (
            p.plan.coordinator.as_deref(),
            PublicKey::parse(&p.signature.public_key),
        ),
    }
}
