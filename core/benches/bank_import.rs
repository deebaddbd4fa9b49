//! Bank import at size: prints figures, asserts nothing.
//!
//!     cargo bench -p panelist-core --bench bank_import
//!
//! Bank files of 10,000 to 100,000 questions (the built-in questions copied
//! under new ids) are imported into a fresh database file: the time per file
//! and per 1,000 questions shows whether the import grows linearly. While
//! each import runs, a second connection records a note change every 10 ms;
//! its slowest write shows how long the import kept the write lock (parsing
//! and validation happen before the lock is taken).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use panelist_core::session::NewSession;
use panelist_core::Store;
use uuid::Uuid;

fn bank_bytes(n: usize) -> Vec<u8> {
    let store = Store::open_in_memory().unwrap();
    let file = store.export_bank().unwrap();
    let mut doc = serde_json::to_value(&file).unwrap();
    let base = doc["questions"].as_array().unwrap().clone();
    let mut questions = Vec::with_capacity(n);
    for i in 0..n {
        let mut q = base[i % base.len()].clone();
        q["id"] = serde_json::Value::String(format!("bulk-question-{i:06}"));
        questions.push(q);
    }
    doc["questions"] = serde_json::Value::Array(questions);
    doc["kits"] = serde_json::Value::Array(vec![]);
    serde_json::to_vec(&doc).unwrap()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!(
        "{:>9} {:>7} {:>9} {:>11} {:>17} {:>13}",
        "questions", "MB", "import s", "ms/1,000 q", "max note wait ms", "notes failed"
    );
    for n in [10_000usize, 20_000, 50_000, 100_000] {
        let bytes = bank_bytes(n);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bank.db");
        let mut store = Store::open(&path).unwrap();
        // An interview in progress on the same database, typing notes.
        let qids: Vec<String> = store
            .questions()
            .unwrap()
            .into_iter()
            .take(3)
            .map(|q| q.id)
            .collect();
        let session = store
            .create_and_start_session(
                &NewSession {
                    candidate: "Ada".into(),
                    interviewer: "Grace".into(),
                    role: "Backend".into(),
                    kit: None,
                    question_ids: qids.clone(),
                },
                Uuid::now_v7().into(),
                Uuid::now_v7().into(),
                Utc::now(),
            )
            .unwrap()
            .id;
        let done = Arc::new(AtomicBool::new(false));
        let typist = {
            let done = done.clone();
            let path = path.clone();
            let q = qids[0].clone();
            std::thread::spawn(move || {
                let mut other = Store::open(&path).unwrap();
                let mut worst = Duration::ZERO;
                let mut failed = 0;
                let mut text = String::new();
                while !done.load(Ordering::Relaxed) {
                    text.push('x');
                    let t = Instant::now();
                    // A note save that waits past the busy timeout fails (the
                    // app keeps the text and retries); count those.
                    if other.set_notes(session, &q, &text, Utc::now()).is_err() {
                        failed += 1;
                    }
                    worst = worst.max(t.elapsed());
                    std::thread::sleep(Duration::from_millis(10));
                }
                (worst, failed)
            })
        };
        let t = Instant::now();
        let r = store.import_bank_bytes(&bytes).unwrap();
        let took = t.elapsed();
        done.store(true, Ordering::Relaxed);
        let (worst, failed) = typist.join().unwrap();
        assert!(r.questions_added + r.questions_updated >= n);
        println!(
            "{:>9} {:>7.1} {:>9.2} {:>11.1} {:>17.1} {:>13}",
            n,
            bytes.len() as f64 / 1e6,
            took.as_secs_f64(),
            took.as_secs_f64() * 1e3 / (n as f64 / 1e3),
            worst.as_secs_f64() * 1e3,
            failed
        );
    }
}
