//! The signed plan file (docs/plan-format.md): `{"format": "panelist-plan",
//! "version": 1, "plan": …, "content_hash": …, "signature": …}`, hashed and
//! signed exactly like a session file, by the same code
//! (`session_file::{parse_json, check_canonical, check_hash, verify}`), under
//! its own signing context so that a session's signature can never pass for
//! a plan's.

use serde::{Deserialize, Serialize};

use super::Plan;
use crate::error::{Error, Result};
use crate::session_file::{
    self, check_canonical, check_hash, hash_of, parse_json, verify, DocKind, Identity, SessionFile,
    Signature,
};

pub const PLAN_FORMAT: &str = "panelist-plan";
/// The version this build writes and reads.
pub const PLAN_VERSION: u32 = 1;
const PLAN_CONTEXT: &str = "panelist-plan-file/1\n";

pub(crate) const PLAN_KIND: DocKind = DocKind {
    what: "plan file",
    field: "plan",
    context: PLAN_CONTEXT,
    doc: "docs/plan-format.md",
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub format: String,
    pub version: u32,
    pub plan: Plan,
    /// `sha256:` + hex digest of the compact JSON serialisation of `plan`.
    pub content_hash: String,
    /// Always present: plan files are signed from version 1 on.
    pub signature: Signature,
}

impl PlanFile {
    /// A plan file signed by `identity`.
    pub fn signed(plan: Plan, identity: &Identity) -> PlanFile {
        let content_hash = hash_of(&plan);
        let signature = identity.sign_hash(PLAN_CONTEXT, &content_hash);
        PlanFile {
            format: PLAN_FORMAT.into(),
            version: PLAN_VERSION,
            plan,
            content_hash,
            signature,
        }
    }

    /// Pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("serialising a plan cannot fail");
        s.push('\n');
        s
    }

    /// Parses and verifies a plan file: shape, format, version, canonical
    /// values, content hash and signature. The plan's own rules (names,
    /// ranges, the bank's questions) are `plan::check_plan`'s.
    pub fn parse(bytes: &[u8]) -> Result<PlanFile> {
        let (text, file): (&str, PlanFile) = parse_json(&PLAN_KIND, bytes)?;
        if file.format != PLAN_FORMAT {
            return Err(Error::invalid(format!(
                "plan file at format: expected {PLAN_FORMAT:?}, found {:?}",
                file.format
            )));
        }
        if file.version != PLAN_VERSION {
            return Err(Error::invalid(format!(
                "plan file at version: this Panelist reads plan format version {PLAN_VERSION}, the file is version {}",
                file.version
            )));
        }
        check_canonical(&PLAN_KIND, text, &file.plan)?;
        check_hash(&PLAN_KIND, &file.content_hash, &file.plan)?;
        verify(&PLAN_KIND, &file.content_hash, &file.signature)?;
        Ok(file)
    }

    /// The signer's key fingerprint.
    pub fn fingerprint(&self) -> String {
        session_file::fingerprint(&self.signature.public_key)
    }
}

/// A file `panelist import` takes: a session file or a plan file.
#[derive(Debug, Clone)]
pub enum Document {
    Session(Box<SessionFile>),
    Plan(Box<PlanFile>),
}

/// Only the top-level `format`, to tell the two kinds apart.
#[derive(Deserialize)]
struct Peek {
    format: Option<serde_json::Value>,
}

/// Parses and verifies a session file or a plan file, told apart by the
/// `format` field; anything but `"panelist-plan"` is read as a session file
/// (whose parser names what is wrong).
pub fn parse_document(bytes: &[u8]) -> Result<Document> {
    let is_plan = bytes.len() <= session_file::MAX_SESSION_BYTES
        && crate::bank::check_depth(
            std::str::from_utf8(bytes).unwrap_or(""),
            crate::bank::MAX_DEPTH,
        )
        .is_ok()
        && serde_json::from_slice::<Peek>(bytes)
            .ok()
            .and_then(|p| p.format)
            .is_some_and(|f| f == PLAN_FORMAT);
    if is_plan {
        PlanFile::parse(bytes).map(|f| Document::Plan(Box::new(f)))
    } else {
        SessionFile::parse(bytes).map(|f| Document::Session(Box::new(f)))
    }
}
