//! Shared test fixtures: fixed clocks and ids, and a store with a session.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use panelist_core::session::NewSession;
use panelist_core::{SessionId, Store};
use uuid::Uuid;

/// A fixed instant plus `secs` seconds.
pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap() + Duration::seconds(secs)
}

/// A deterministic UUIDv7-shaped id of any id type.
pub fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(
        0x0190_0000_0000_7000_8000_0000_0000_0000 | n,
    ))
}

pub fn new_session(candidate: &str, interviewer: &str, questions: &[&str]) -> NewSession {
    NewSession {
        candidate: candidate.into(),
        interviewer: interviewer.into(),
        role: "Backend engineer".into(),
        kit: None,
        question_ids: questions.iter().map(|s| s.to_string()).collect(),
    }
}

pub const QS: [&str; 3] = ["rest-api-design", "sql-vs-nosql", "team-collaboration"];

/// An in-memory store (real migrations, seeded bank) with one in-progress
/// session holding a score, a note and a tick.
pub fn store_with_session() -> (Store, SessionId) {
    let mut store = Store::open_in_memory().unwrap();
    let sid = id(1);
    store
        .create_session(
            &new_session("Ada Lovelace", "Grace Hopper", &QS),
            sid,
            id(2),
            at(0),
        )
        .unwrap();
    store.set_score(sid, QS[0], Some(3), at(60)).unwrap();
    store
        .set_notes(sid, QS[0], "Clear on statelessness.", at(61))
        .unwrap();
    store.set_look_for(sid, QS[0], 1, true, at(62)).unwrap();
    (store, sid)
}
