//! The portable session file (docs/session-format.md): one JSON document per
//! session, with its snapshots, scores, notes and audit log.
//!
//! Version 2 files are signed: the content hash (SHA-256 of the session's
//! canonical JSON) is signed with the exporting installation's Ed25519 key,
//! and the file carries the public key. Editing anything breaks the
//! signature. Version 1 files (hash only) still import, marked unsigned.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::session::Session;

pub const SESSION_FORMAT: &str = "panelist-session";
/// The version this build writes.
pub const SESSION_VERSION: u32 = 2;
/// Versions this build reads.
pub const READS_VERSIONS: [u32; 2] = [1, 2];
/// Session files larger than this are refused before parsing.
pub const MAX_SESSION_BYTES: usize = 16 * 1024 * 1024;
/// What a signature covers, before the content hash: binds it to this use.
const SIGNING_CONTEXT: &str = "panelist-session-file/2\n";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFile {
    pub format: String,
    pub version: u32,
    pub session: Session,
    /// `sha256:` + hex digest of the compact JSON serialisation of `session`.
    pub content_hash: String,
    /// Version 2: who signed, with which key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// An Ed25519 signature over the signing context and the content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// `ed25519:` + hex of the 32-byte public key.
    pub public_key: String,
    /// Hex of the 64-byte signature.
    pub value: String,
}

/// The hash of a session's canonical form (compact JSON, fields in
/// declaration order).
pub fn content_hash(session: &Session) -> String {
    hash_of(session)
}

/// `sha256:` + the hex SHA-256 of a value's compact JSON (fields in
/// declaration order): the content hash of every signed Panelist document
/// (session files, plan files).
pub(crate) fn hash_of<T: Serialize>(value: &T) -> String {
    let bytes = serde_json::to_vec(value).expect("serialising plain data cannot fail");
    format!("sha256:{}", hex(&Sha256::digest(&bytes)))
}

/// One kind of signed document: how its errors start, the field its hash
/// covers, its signing context and the document describing it.
pub(crate) struct DocKind {
    /// "session file", "plan file": the start of every error.
    pub what: &'static str,
    /// The top-level field the hash covers (`session`, `plan`).
    pub field: &'static str,
    /// What a signature covers before the content hash.
    pub context: &'static str,
    /// Where the canonical values are described.
    pub doc: &'static str,
}

pub(crate) const SESSION_KIND: DocKind = DocKind {
    what: "session file",
    field: "session",
    context: SIGNING_CONTEXT,
    doc: "docs/session-format.md",
};

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Lower-case hex digits only: the one text form of keys, signatures and
/// hashes (any other spelling is malformed, not another value).
fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != N * 2 || !s.bytes().all(is_lower_hex) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(out)
}

/// An Ed25519 public key as bytes. Its one text form is `ed25519:` followed
/// by 64 lower-case hex digits; keys are compared as bytes, never as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// The canonical text form only; anything else is malformed.
    pub fn parse(text: &str) -> Option<PublicKey> {
        text.strip_prefix("ed25519:")
            .and_then(unhex::<32>)
            .map(PublicKey)
    }

    /// A key pinned by an earlier build, which stored whatever spelling the
    /// file had: hex digits of either case, read as the bytes they mean.
    pub(crate) fn from_stored(text: &str) -> Option<PublicKey> {
        PublicKey::parse(&text.to_ascii_lowercase())
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The canonical text form.
    pub fn text(&self) -> String {
        format!("ed25519:{}", hex(&self.0))
    }

    /// A short, readable form for people to compare.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.text())
    }
}

/// An installation's signing key.
#[derive(Clone)]
pub struct Identity {
    key: SigningKey,
}

impl Identity {
    /// A new random key.
    pub fn generate() -> Result<Identity> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| Error::Io(format!("no randomness for a signing key: {e}")))?;
        Ok(Identity::from_seed(seed))
    }

    pub fn from_seed(seed: [u8; 32]) -> Identity {
        Identity {
            key: SigningKey::from_bytes(&seed),
        }
    }

    pub fn seed_hex(&self) -> String {
        hex(&self.key.to_bytes())
    }

    pub fn from_seed_hex(s: &str) -> Result<Identity> {
        unhex::<32>(s)
            .map(Identity::from_seed)
            .ok_or_else(|| Error::invalid("the stored signing key is damaged"))
    }

    /// `ed25519:` + hex of the public key.
    pub fn public_key(&self) -> String {
        self.key().text()
    }

    /// The public key as bytes.
    pub fn key(&self) -> PublicKey {
        PublicKey(self.key.verifying_key().to_bytes())
    }

    /// Signs a content hash under a document kind's context.
    pub(crate) fn sign_hash(&self, context: &str, content_hash: &str) -> Signature {
        let sig = self.key.sign(format!("{context}{content_hash}").as_bytes());
        Signature {
            public_key: self.public_key(),
            value: hex(&sig.to_bytes()),
        }
    }
}

/// A short, readable form of a public key (in its canonical text form) for
/// people to compare.
pub fn fingerprint(public_key: &str) -> String {
    let digest = Sha256::digest(public_key.as_bytes());
    let h = hex(&digest[..8]);
    format!("{}-{}-{}-{}", &h[0..4], &h[4..8], &h[8..12], &h[12..16])
}

impl SessionFile {
    /// An unsigned version-1 file (what earlier builds wrote).
    pub fn unsigned_v1(session: Session) -> Self {
        let content_hash = content_hash(&session);
        SessionFile {
            format: SESSION_FORMAT.into(),
            version: 1,
            session,
            content_hash,
            signature: None,
        }
    }

    /// An unsigned file; kept for callers that render a session's file
    /// without an installation (tests, snapshots). Exports are signed.
    pub fn new(session: Session) -> Self {
        SessionFile::unsigned_v1(session)
    }

    /// A version-2 file signed by `identity`.
    pub fn signed(session: Session, identity: &Identity) -> Self {
        let signature = identity.sign_hash(SIGNING_CONTEXT, &content_hash(&session));
        Self::with_signature(session, signature)
    }

    /// A version-2 file with a signature made elsewhere (an imported
    /// colleague's session, exported again as it arrived).
    pub fn with_signature(session: Session, signature: Signature) -> Self {
        let content_hash = content_hash(&session);
        SessionFile {
            format: SESSION_FORMAT.into(),
            version: 2,
            session,
            content_hash,
            signature: Some(signature),
        }
    }

    /// Pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("serialising a session cannot fail");
        s.push('\n');
        s
    }

    /// Parses and verifies a session file: format, version, content hash
    /// and, for version 2, the signature.
    pub fn parse(bytes: &[u8]) -> Result<SessionFile> {
        let (text, file): (&str, SessionFile) = parse_json(&SESSION_KIND, bytes)?;
        if file.format != SESSION_FORMAT {
            return Err(Error::invalid(format!(
                "session file at format: expected {SESSION_FORMAT:?}, found {:?}",
                file.format
            )));
        }
        if !READS_VERSIONS.contains(&file.version) {
            return Err(Error::invalid(format!(
                "session file at version: this Panelist reads session format versions 1 and 2, the file is version {}",
                file.version
            )));
        }
        check_canonical(&SESSION_KIND, text, &file.session)?;
        check_hash(&SESSION_KIND, &file.content_hash, &file.session)?;
        match (file.version, &file.signature) {
            (1, None) => {}
            (1, Some(_)) => {
                return Err(Error::invalid(
                    "session file at signature: version 1 files carry no signature",
                ))
            }
            (_, None) => {
                return Err(Error::invalid(
                    "session file at signature: a version 2 file must be signed",
                ))
            }
            (_, Some(sig)) => verify(&SESSION_KIND, &file.content_hash, sig)?,
        }
        Ok(file)
    }
}

/// The steps every signed document shares before its own checks: the size
/// limit, UTF-8, the nesting depth, the strict shape (with the path of the
/// first wrong field) and nothing after the top-level object.
pub(crate) fn parse_json<'a, T: serde::de::DeserializeOwned>(
    kind: &DocKind,
    bytes: &'a [u8],
) -> Result<(&'a str, T)> {
    let what = kind.what;
    if bytes.len() > MAX_SESSION_BYTES {
        return Err(Error::invalid(format!(
            "{what} is {} bytes; the limit is {MAX_SESSION_BYTES} bytes",
            bytes.len()
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::invalid(format!(
            "{what} is not valid UTF-8 (bad byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    crate::bank::check_depth(text, crate::bank::MAX_DEPTH)
        .map_err(|e| Error::invalid(format!("{what} {e}")))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let file: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        Error::invalid(format!("{what} at {path}: {}", e.into_inner()))
    })?;
    de.end()
        .map_err(|e| Error::invalid(format!("{what}: {e}")))?;
    Ok((text, file))
}

/// `content_hash` in its one form, and equal to the hash of the content.
pub(crate) fn check_hash<T: Serialize>(kind: &DocKind, claimed: &str, content: &T) -> Result<()> {
    let what = kind.what;
    if claimed
        .strip_prefix("sha256:")
        .and_then(unhex::<32>)
        .is_none()
    {
        return Err(Error::invalid(format!(
            "{what} at content_hash: malformed: write it as \"sha256:\" followed by 64 lower-case hex digits"
        )));
    }
    let actual = hash_of(content);
    if actual != claimed {
        return Err(Error::invalid(format!(
            "{what} content hash does not match (file says {claimed}, content is {actual}): the file was edited or damaged"
        )));
    }
    Ok(())
}

/// Checks a signature over a content hash under the kind's context.
pub(crate) fn verify(kind: &DocKind, content_hash: &str, sig: &Signature) -> Result<()> {
    let what = kind.what;
    let key = PublicKey::parse(&sig.public_key).ok_or_else(|| {
        Error::invalid(format!(
            "{what} at signature.public_key: malformed key: write it as \"ed25519:\" followed by 64 lower-case hex digits"
        ))
    })?;
    let key = VerifyingKey::from_bytes(key.bytes()).map_err(|_| {
        Error::invalid(format!(
            "{what} at signature.public_key: not an Ed25519 public key"
        ))
    })?;
    let value = unhex::<64>(&sig.value)
        .map(|b| ed25519_dalek::Signature::from_bytes(&b))
        .ok_or_else(|| {
            Error::invalid(format!(
                "{what} at signature.value: malformed signature: write it as 128 lower-case hex digits"
            ))
        })?;
    key.verify_strict(format!("{}{content_hash}", kind.context).as_bytes(), &value)
        .map_err(|_| {
            Error::invalid(format!(
                "{what} at signature: the signature does not match the content: the file was edited after it was signed"
            ))
        })
}

/// The hash is over the session's values as they are written in the file
/// (docs/session-format.md, "Canonical values"): each value must already be
/// in the one form Panelist writes (timestamps in UTC with `Z`, the fraction
/// as Panelist writes it, every field present), so that hashing the file's
/// own `session` value and hashing Panelist's reading of it agree. A value
/// in another form (`+00:00`, `.000Z`, a missing field) is refused with its
/// path rather than silently rewritten.
pub(crate) fn check_canonical<T: Serialize>(kind: &DocKind, text: &str, value: &T) -> Result<()> {
    let what = kind.what;
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Error::invalid(format!("{what}: {e}")))?;
    let written = doc.get(kind.field).unwrap_or(&serde_json::Value::Null);
    let canonical = serde_json::to_value(value).expect("serialising plain data cannot fail");
    match first_difference(written, &canonical, kind.field.to_string()) {
        None => Ok(()),
        Some((path, found, wanted)) => Err(Error::invalid(format!(
            "{what} at {path}: {found} is not in the canonical form ({wanted}); see {}, Canonical values",
            kind.doc
        ))),
    }
}

fn short(v: Option<&serde_json::Value>) -> String {
    match v {
        None => "missing".into(),
        Some(v) => {
            let t = v.to_string();
            if t.chars().count() > 60 {
                format!("{}…", t.chars().take(60).collect::<String>())
            } else {
                t
            }
        }
    }
}

/// The first place where the written value differs from the canonical one:
/// its path, what was written and what the canonical form is.
fn first_difference(
    written: &serde_json::Value,
    canonical: &serde_json::Value,
    path: String,
) -> Option<(String, String, String)> {
    use serde_json::Value;
    match (written, canonical) {
        (Value::Object(w), Value::Object(c)) => {
            for (k, cv) in c {
                let p = format!("{path}.{k}");
                match w.get(k) {
                    None => return Some((p, short(None), short(Some(cv)))),
                    Some(wv) => {
                        if let Some(d) = first_difference(wv, cv, p) {
                            return Some(d);
                        }
                    }
                }
            }
            w.keys().find(|k| !c.contains_key(*k)).map(|k| {
                (
                    format!("{path}.{k}"),
                    "a field".into(),
                    "no such field".into(),
                )
            })
        }
        (Value::Array(w), Value::Array(c)) if w.len() == c.len() => w
            .iter()
            .zip(c)
            .enumerate()
            .find_map(|(i, (wv, cv))| first_difference(wv, cv, format!("{path}[{i}]"))),
        (w, c) if w == c => None,
        (w, c) => Some((path, short(Some(w)), short(Some(c)))),
    }
}
