//! Encryption at rest, side by side: the same work on a plain database, on
//! one encrypted with a raw 32-byte key (the OS keyring's case: no key
//! derivation) and on one encrypted with a passphrase (SQLCipher's PBKDF2 at
//! each open). Prints figures, asserts nothing.
//!
//!     cargo bench -p panelist-core --bench encryption
//!
//! 1. One note change, a durable commit (WAL, synchronous=FULL): p50 / p99.
//! 2. Opening an existing database (what start-up pays): p50 / p99.
//! 3. Reading every rating of 1,000 sessions x 30 questions (the input of
//!    calibration): p50.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use panelist_core::session::NewSession;
use panelist_core::storage::DbKey;
use panelist_core::Store;
use uuid::Uuid;

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn figures(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    (pct(&v, 0.50), pct(&v, 0.99))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let modes: [(&str, Option<DbKey>); 3] = [
        ("plain", None),
        ("raw key (keyring)", Some(DbKey::random().unwrap())),
        (
            "passphrase",
            Some(DbKey::Passphrase("a passphrase for the benchmark".into())),
        ),
    ];
    let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap();
    println!(
        "{:<20} {:>10} {:>10} {:>10} {:>10} {:>12}",
        "mode", "note p50", "note p99", "open p50", "open p99", "ratings p50"
    );
    for (name, key) in modes {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bench.db");
        let mut store = Store::open_with_key(&path, key.as_ref()).unwrap();
        let qids: Vec<String> = store
            .questions()
            .unwrap()
            .into_iter()
            .take(30)
            .map(|q| q.id)
            .collect();
        let new = |i: usize| NewSession {
            candidate: format!("Candidate {}", i % 250),
            interviewer: format!("Interviewer {}", i % 7),
            role: "Backend engineer".into(),
            kit: None,
            question_ids: qids.clone(),
        };
        // 1. Note changes.
        let s = store
            .create_session(&new(0), Uuid::now_v7().into(), Uuid::now_v7().into(), t0)
            .unwrap();
        let mut notes = Vec::new();
        for i in 0..1000usize {
            let text = format!("note text after keystroke {i}, about a paragraph long. ").repeat(4);
            let t = Instant::now();
            store.set_notes(s.id, &qids[i % 30], &text, t0).unwrap();
            notes.push(t.elapsed());
        }
        // 3's data: 1,000 sessions x 30 scored questions.
        for i in 0..1000 {
            let s = store
                .create_session(&new(i), Uuid::now_v7().into(), Uuid::now_v7().into(), t0)
                .unwrap();
            for (j, q) in qids.iter().enumerate() {
                store
                    .set_score(s.id, q, Some(((i + j) % 4) as i64 + 1), t0)
                    .unwrap();
            }
        }
        store.checkpoint().unwrap();
        drop(store);
        // 2. Opening.
        let mut opens = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let s = Store::open_with_key(&path, key.as_ref()).unwrap();
            opens.push(t.elapsed());
            drop(s);
        }
        // 3. Reading every rating.
        let store = Store::open_with_key(&path, key.as_ref()).unwrap();
        let mut reads = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let r = store.ratings().unwrap();
            reads.push(t.elapsed());
            assert!(!r.is_empty());
        }
        let (n50, n99) = figures(notes);
        let (o50, o99) = figures(opens);
        let (r50, _) = figures(reads);
        println!(
            "{name:<20} {n50:>7.3} ms {n99:>7.3} ms {o50:>7.1} ms {o99:>7.1} ms {r50:>9.1} ms"
        );
    }
}
