//! Panelist core: the domain of structured interview scoring (question bank,
//! rubrics, kits, sessions, scores, reports) and its SQLite storage.
//!
//! This crate has no GUI dependency. The desktop shell and the `panelist`
//! CLI are thin layers over it. Domain functions never read the clock or
//! generate ids: callers pass `now` and ids in, so tests are deterministic.

pub mod bank;
pub mod committee;
pub mod error;
pub mod files;
pub mod ids;
pub mod import;
pub mod panel;
pub mod plan;
pub mod redact;
pub mod report;
pub mod seal;
pub mod secrets;
pub mod session;
pub mod session_file;
pub mod stats;
pub mod storage;
pub mod sync;
pub mod team_token;
pub mod text;
pub mod validate;
pub mod wire;

pub use error::{Error, ErrorCode, Result};
pub use ids::{AuditId, CandidateId, PlanId, SessionId};
pub use storage::Store;
