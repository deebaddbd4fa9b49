//! The sync protocol on the wire (docs/sync-protocol.md), written once: every
//! request and response body of the team server, used by the client
//! (`crate::sync`) and the server (`server/src/http.rs`) alike. The JSON is
//! pinned by the committed fixtures in `server/tests/fixtures/v1/`.
//!
//! Within protocol 1 a field may be added (clients ignore fields they do not
//! know); anything else is a new protocol version.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use ts_rs::TS;
use uuid::Uuid;

pub use crate::error::ErrorCode;

/// The protocol version the server speaks and the client expects; it is
/// also the path prefix (`/v1/...`).
pub const PROTOCOL_VERSION: u32 = 1;

fn protocol_1() -> u32 {
    PROTOCOL_VERSION
}

/// A team member's role on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Pushes own sessions, sees colleagues' once submitted for the candidate.
    Interviewer,
    /// Also pushes interview plans, and reads the submitted sessions of the
    /// plans they coordinate (server schema 5; before it, every one).
    Lead,
    /// A lead who may also publish the team bank.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Interviewer, Role::Lead, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Interviewer => "interviewer",
            Role::Lead => "lead",
            Role::Admin => "admin",
        }
    }

    /// The role written as `s`, if it is one.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// "an interviewer", "a lead", "an admin".
    pub fn with_article(self) -> &'static str {
        match self {
            Role::Interviewer => "an interviewer",
            Role::Lead => "a lead",
            Role::Admin => "an admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every error's body: `{code, message}` with a 4xx or 5xx status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// One line for people.
    pub message: String,
}

/// `GET /v1/me`: who the token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Me {
    #[ts(type = "number")]
    pub protocol: u32,
    pub name: String,
    pub role: Role,
}

/// What a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum PushOutcome {
    /// New, or a newer revision (`201` for a new session, else `200`).
    Stored,
    /// The server already held this revision with this content hash.
    Unchanged,
}

/// `POST /v1/sessions`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResult {
    /// Absent from servers before it was added; 1 then.
    #[serde(default = "protocol_1")]
    pub protocol: u32,
    pub result: PushOutcome,
    pub id: Uuid,
    pub revision: u64,
    pub content_hash: String,
}

/// `GET /v1/changes`'s query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesQuery {
    /// The cursor of the last page imported; absent or empty: from the start.
    pub after: Option<String>,
    /// 1 to 500; 100 when absent.
    pub limit: Option<i64>,
}

impl ChangesQuery {
    /// The request's path and query.
    pub fn path(&self) -> String {
        let mut p = format!("/v1/changes?after={}", self.after.as_deref().unwrap_or(""));
        if let Some(limit) = self.limit {
            p.push_str(&format!("&limit={limit}"));
        }
        p
    }
}

/// `GET /v1/changes`'s answer: session files in delivery order.
#[derive(Debug, Serialize, Deserialize)]
pub struct Changes {
    pub protocol: u32,
    /// Each a session file (docs/session-format.md), passed on as stored.
    pub sessions: Vec<Box<RawValue>>,
    /// Opaque to clients: pass it as `after` next time.
    pub cursor: String,
    /// Another page is ready now.
    pub more: bool,
    /// The installation keys the server registered for the interviewers of
    /// this page's sessions (each key under the user whose token first
    /// pushed with it). Added within protocol 1: absent from older servers,
    /// and left out when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<InstallationKey>,
    /// Candidates erased on the server (tombstones) in this page's range of
    /// the feed: a client erases its sessions of each one created at or
    /// before `erased_at`, and never imports such a session again. Added
    /// within protocol 1: absent from older servers, left out when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub erasures: Vec<ErasedCandidate>,
}

/// A tombstone: a candidate the server erased. It never carries the name:
/// `candidate` is [`erasure_hash`] of the name under `salt` (the server's
/// erasure salt), so a client can tell whether a candidate it holds is the
/// one erased, and nobody can read a name out of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasedCandidate {
    /// The tombstone's id (with its change number, its place in the feed).
    pub id: Uuid,
    /// `sha256:` + 64 lower-case hex digits.
    pub candidate: String,
    /// The salt, 64 lower-case hex digits.
    pub salt: String,
    /// When the server erased the candidate: every session of theirs created
    /// at or before this time is erased, and refused from then on. A session
    /// created later is a new interview and syncs as usual.
    pub erased_at: DateTime<Utc>,
}

/// The salted hash that names an erased candidate without naming them:
/// `sha256:` + hex of SHA-256 over `panelist-erasure-1`, a zero byte, the
/// salt (as written), a zero byte and the name's identity key
/// ([`crate::text::name_key`]), so every spelling of one name (Unicode
/// form, case, spacing) gives one hash.
pub fn erasure_hash(salt: &str, name: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"panelist-erasure-1\0");
    h.update(salt.as_bytes());
    h.update(b"\0");
    h.update(crate::text::name_key(name).as_bytes());
    let digest = h.finalize();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// `POST /v1/erasures`'s body (admins): erase this candidate on the server.
/// The name travels in the body, never in a URL, so no access log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EraseRequest {
    pub candidate: String,
}

/// `POST /v1/erasures`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erased {
    #[serde(default = "protocol_1")]
    pub protocol: u32,
    pub erasure: ErasedCandidate,
    /// Sessions the server deleted.
    pub sessions: u64,
}

/// One installation's public key, registered under a user by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallationKey {
    /// The user's name (their sessions' interviewer).
    pub interviewer: String,
    /// `ed25519:` + lower-case hex, as in a session file's signature.
    pub public_key: String,
}

/// `GET /v1/bank`'s query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankQuery {
    /// The version the client already has (0 or absent: none).
    pub after: Option<i64>,
}

impl BankQuery {
    /// The request's path and query.
    pub fn path(&self) -> String {
        format!("/v1/bank?after={}", self.after.unwrap_or(0))
    }
}

/// `GET /v1/bank`'s answer: the newest published team bank. `bank` is the
/// bank file, or null when nothing is published or the client already has
/// `version`.
#[derive(Debug, Serialize, Deserialize)]
pub struct TeamBank {
    pub protocol: u32,
    /// 0 when nothing was published yet.
    pub version: u64,
    pub content_hash: Option<String>,
    pub published_by: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub bank: Option<Box<RawValue>>,
}

/// What a publication did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum PublishOutcome {
    /// A new version (`201`).
    Published,
    /// The newest version already has these bytes (`200`).
    Unchanged,
}

/// `PUT /v1/bank`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Published {
    /// Absent from servers before it was added; 1 then.
    #[serde(default = "protocol_1")]
    #[ts(type = "number")]
    pub protocol: u32,
    pub result: PublishOutcome,
    #[ts(type = "number")]
    pub version: u64,
    /// SHA-256 (hex) of the published bytes.
    pub content_hash: String,
    #[ts(type = "number")]
    pub questions: usize,
    #[ts(type = "number")]
    pub kits: usize,
}

/// `POST /v1/plans`'s answer: what a pushed plan file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPushResult {
    #[serde(default = "protocol_1")]
    pub protocol: u32,
    /// `stored` (new: `201`, or a newer version: `200`) or `unchanged`.
    pub result: PushOutcome,
    pub id: Uuid,
    /// The plan's `updated_at`, which orders its versions.
    pub updated_at: DateTime<Utc>,
    pub content_hash: String,
}

/// `GET /v1/plans`'s query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlansQuery {
    /// The `cursor` of the last answer; absent or 0: from the start.
    pub after: Option<i64>,
}

impl PlansQuery {
    /// The request's path and query.
    pub fn path(&self) -> String {
        format!("/v1/plans?after={}", self.after.unwrap_or(0))
    }
}

/// `GET /v1/plans`'s answer: the plan files the caller is in or coordinates
/// that changed after the query's cursor, oldest change first (added with
/// server schema 5; older servers answer 404).
#[derive(Debug, Serialize, Deserialize)]
pub struct Plans {
    pub protocol: u32,
    /// Each a plan file (docs/plan-format.md), passed on as stored.
    pub plans: Vec<Box<RawValue>>,
    /// Pass it as `after` next time (the same when nothing changed).
    pub cursor: i64,
    /// The installation keys the server registered for these plans'
    /// coordinators; left out when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<InstallationKey>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_travel_as_the_documented_words() {
        for (r, s) in [
            (Role::Interviewer, "interviewer"),
            (Role::Lead, "lead"),
            (Role::Admin, "admin"),
        ] {
            assert_eq!(serde_json::to_value(r).unwrap(), s);
            assert_eq!(Role::parse(s), Some(r));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(
            serde_json::to_value(PushOutcome::Unchanged).unwrap(),
            "unchanged"
        );
        assert_eq!(serde_json::to_value(PushOutcome::Stored).unwrap(), "stored");
        assert_eq!(
            serde_json::to_value(PublishOutcome::Published).unwrap(),
            "published"
        );
    }

    #[test]
    fn an_answer_without_protocol_reads_as_protocol_1() {
        let p: PushResult = serde_json::from_str(
            r#"{"result":"unchanged","id":"019ab000-0000-7000-8000-000000000001","revision":4,"content_hash":"sha256:00"}"#,
        )
        .unwrap();
        assert_eq!(p.protocol, 1);
        assert_eq!(p.result, PushOutcome::Unchanged);
    }

    #[test]
    fn one_name_in_any_spelling_is_one_erasure_hash() {
        let salt = "00".repeat(32);
        let h = erasure_hash(&salt, "Zoë Quetzal");
        assert!(h.starts_with("sha256:") && h.len() == 71, "{h}");
        assert_eq!(h, erasure_hash(&salt, "  ZOE\u{308}   quetzal "));
        assert_ne!(h, erasure_hash(&"11".repeat(32), "Zoë Quetzal"));
        assert_ne!(h, erasure_hash(&salt, "Zoe Quetzal"));
        assert!(!h.to_lowercase().contains("quetzal"));
        // The worked example of docs/sync-protocol.md ("Erasure").
        assert_eq!(
            h,
            "sha256:49ce331ac9fcddd7c36c2d11f64231aeccab32dc44641fefcdb146af1d757d83"
        );
    }

    #[test]
    fn query_paths() {
        assert_eq!(ChangesQuery::default().path(), "/v1/changes?after=");
        let q = ChangesQuery {
            after: Some("v1.3.x".into()),
            limit: Some(100),
        };
        assert_eq!(q.path(), "/v1/changes?after=v1.3.x&limit=100");
        assert_eq!(BankQuery { after: Some(2) }.path(), "/v1/bank?after=2");
        assert_eq!(PlansQuery::default().path(), "/v1/plans?after=0");
        assert_eq!(PlansQuery { after: Some(9) }.path(), "/v1/plans?after=9");
    }
}
