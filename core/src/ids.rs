//! Typed ids, so a session id cannot be passed where a candidate id is meant.
//!
//! Each is a UUIDv7 made by the caller (the shells) and passed into the core.
//! On the wire (session files, IPC) and in the database they are plain UUID
//! strings; in TypeScript they are `string` aliases.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS,
        )]
        #[serde(transparent)]
        #[ts(export, type = "string")]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new(id: Uuid) -> Self {
                $name(id)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// The all-zero id, which is never given to anything.
            pub fn nil() -> Self {
                $name(Uuid::nil())
            }

            pub fn is_nil(&self) -> bool {
                self.0.is_nil()
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                $name(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map($name)
            }
        }
    };
}

id_type!(
    /// An interview session.
    SessionId
);
id_type!(
    /// A candidate (one person, whatever sessions they sat).
    CandidateId
);
id_type!(
    /// One event of a session's audit log.
    AuditId
);
id_type!(
    /// An interview plan (one candidate's panel, planned by a coordinator).
    PlanId
);
