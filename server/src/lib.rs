//! Panelist's team server: interviewers push their session files and pull
//! colleagues' sessions, sealed by PostgreSQL row-level security until they
//! have submitted their own (docs/sync-protocol.md).

pub mod db;
pub mod http;
pub mod metrics;
pub mod serve;
