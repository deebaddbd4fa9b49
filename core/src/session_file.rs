//! The portable session file (docs/session-format.md): one JSON document per
//! session, with its snapshots, scores, notes and audit log, sealed by a
//! SHA-256 hash of its canonical form so that tampering is detected.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::session::Session;

pub const SESSION_FORMAT: &str = "panelist-session";
pub const SESSION_VERSION: u32 = 1;
/// Session files larger than this are refused before parsing.
pub const MAX_SESSION_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFile {
    pub format: String,
    pub version: u32,
    pub session: Session,
    /// `sha256:` + hex digest of the compact JSON serialisation of `session`.
    pub content_hash: String,
}

/// The hash of a session's canonical form (compact JSON, fields in
/// declaration order).
pub fn content_hash(session: &Session) -> String {
    let bytes = serde_json::to_vec(session).expect("serialising a session cannot fail");
    let digest = Sha256::digest(&bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl SessionFile {
    pub fn new(session: Session) -> Self {
        let content_hash = content_hash(&session);
        SessionFile {
            format: SESSION_FORMAT.into(),
            version: SESSION_VERSION,
            session,
            content_hash,
        }
    }

    /// Pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("serialising a session cannot fail");
        s.push('\n');
        s
    }

    /// Parses and verifies a session file: format, version and content hash.
    pub fn parse(bytes: &[u8]) -> Result<SessionFile> {
        if bytes.len() > MAX_SESSION_BYTES {
            return Err(Error::invalid(format!(
                "session file is {} bytes; the limit is {MAX_SESSION_BYTES} bytes",
                bytes.len()
            )));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            Error::invalid(format!(
                "session file is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        crate::bank::check_depth(text, crate::bank::MAX_DEPTH)
            .map_err(|e| Error::invalid(format!("session file {e}")))?;
        let mut de = serde_json::Deserializer::from_str(text);
        let file: SessionFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            Error::invalid(format!("session file at {path}: {}", e.into_inner()))
        })?;
        de.end()
            .map_err(|e| Error::invalid(format!("session file: {e}")))?;
        if file.format != SESSION_FORMAT {
            return Err(Error::invalid(format!(
                "session file at format: expected {SESSION_FORMAT:?}, found {:?}",
                file.format
            )));
        }
        if file.version != SESSION_VERSION {
            return Err(Error::invalid(format!(
                "session file at version: this Panelist reads session format version {SESSION_VERSION}, the file is version {}",
                file.version
            )));
        }
        let actual = content_hash(&file.session);
        if actual != file.content_hash {
            return Err(Error::invalid(format!(
                "session file content hash does not match (file says {}, content is {actual}): the file was edited or damaged",
                file.content_hash
            )));
        }
        Ok(file)
    }
}
