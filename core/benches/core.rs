//! Benchmarks named by the core issue; prints figures, asserts nothing.
//!
//!     cargo bench -p panelist-core --bench core
//!
//! 1. Recording one score and one note change, each a durable commit
//!    (WAL, synchronous=FULL) on a file database: p50 / p99 / max.
//! 2. Exporting 1,000 sessions x 30 questions to JSON session files and to
//!    Markdown: total time (loading from the database included).
//! 3. The hiring-committee report for a 6-interviewer panel (30 questions
//!    each) in every format, and a CSV of the 1,000 sessions x 30 questions.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use panelist_core::committee::{self, ReportFormat};
use panelist_core::report::session_markdown;
use panelist_core::session::PanelSession;
use panelist_core::session::{NewSession, Recommendation};
use panelist_core::session_file::SessionFile;
use panelist_core::Store;
use uuid::Uuid;

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(name: &str, mut v: Vec<Duration>) {
    v.sort();
    println!(
        "{name:<34} n={:<5} p50={:>8.3} ms  p99={:>8.3} ms  max={:>8.3} ms",
        v.len(),
        pct(&v, 0.50).as_secs_f64() * 1e3,
        pct(&v, 0.99).as_secs_f64() * 1e3,
        v.last().unwrap().as_secs_f64() * 1e3
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // cargo test --benches asks for a list; nothing to run there.
    }
    let dir = tempfile::tempdir().unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap();
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
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

    // 1. Durable single-action writes.
    let s = store
        .create_session(&new(0), Uuid::now_v7().into(), Uuid::now_v7().into(), t0)
        .unwrap();
    let (mut scores, mut notes) = (Vec::new(), Vec::new());
    for i in 0..2000usize {
        let q = &qids[i % 30];
        let t = Instant::now();
        store
            .set_score(s.id, q, Some((i % 4) as i64 + 1), t0)
            .unwrap();
        scores.push(t.elapsed());
        let text = format!(
            "[{:02}:{:02}] note text after keystroke {i}, about a paragraph long. ",
            i / 60,
            i % 60
        )
        .repeat(4);
        let t = Instant::now();
        store.set_notes(s.id, q, &text, t0).unwrap();
        notes.push(t.elapsed());
    }
    println!("# durable writes on a file database (WAL, synchronous=FULL)");
    report("record one score", scores);
    report("record one note change", notes);

    // 2. Export 1,000 sessions x 30 questions.
    let t = Instant::now();
    let mut ids = Vec::with_capacity(1000);
    for i in 0..1000 {
        let s = store
            .create_session(&new(i), Uuid::now_v7().into(), Uuid::now_v7().into(), t0)
            .unwrap();
        for (j, q) in qids.iter().enumerate() {
            store
                .set_score(s.id, q, Some(((i + j) % 4) as i64 + 1), t0)
                .unwrap();
            store
                .set_notes(
                    s.id,
                    q,
                    "Explained the trade-off clearly; missed the failure mode.",
                    t0,
                )
                .unwrap();
        }
        store
            .submit(
                s.id,
                Recommendation::Yes,
                Some("Solid."),
                Uuid::now_v7().into(),
                t0,
            )
            .unwrap();
        ids.push(s.id);
    }
    println!(
        "\n# export (setup: 1,000 sessions x 30 questions recorded in {:.1?})",
        t.elapsed()
    );
    let t = Instant::now();
    let mut bytes = 0usize;
    for id in &ids {
        bytes += SessionFile::new(store.session(*id).unwrap())
            .to_json()
            .len();
    }
    println!(
        "export 1,000 sessions to JSON        {:>8.0} ms  ({:.1} MB)",
        t.elapsed().as_secs_f64() * 1e3,
        bytes as f64 / 1e6
    );
    let t = Instant::now();
    let mut bytes = 0usize;
    for id in &ids {
        bytes += session_markdown(&store.session(*id).unwrap()).len();
    }
    println!(
        "export 1,000 sessions to Markdown    {:>8.0} ms  ({:.1} MB)",
        t.elapsed().as_secs_f64() * 1e3,
        bytes as f64 / 1e6
    );

    // 3. Committee report for a 6-interviewer panel, and the bulk CSV.
    let panel: Vec<PanelSession> = ids[..6]
        .iter()
        .map(|id| {
            let mut s = store.session(*id).unwrap();
            s.candidate = store.session(ids[0]).unwrap().candidate;
            PanelSession {
                session: s,
                imported: false,
                sealed: false,
            }
        })
        .collect();
    println!("\n# hiring-committee report, 6 interviewers x 30 questions (median of 50 runs)");
    for format in [
        ReportFormat::Md,
        ReportFormat::Html,
        ReportFormat::Csv,
        ReportFormat::Json,
    ] {
        let mut times = Vec::new();
        let mut len = 0;
        for _ in 0..50 {
            let t = Instant::now();
            let text = committee::render(
                &committee::build("Candidate 0", &panel, false, false),
                format,
            );
            times.push(t.elapsed());
            len = text.len();
        }
        times.sort();
        println!(
            "report {:<5} {:>8.3} ms  ({} KB)",
            format.extension(),
            times[25].as_secs_f64() * 1e3,
            len / 1024
        );
    }
    let t = Instant::now();
    let all = store.all_sessions().unwrap();
    let load = t.elapsed();
    let t = Instant::now();
    let csv = committee::sessions_csv(&all);
    println!(
        "\nCSV of {} sessions x 30 questions: {:.0} ms to render ({:.1} MB, {} rows) after {:.0} ms to load",
        all.len(),
        t.elapsed().as_secs_f64() * 1e3,
        csv.len() as f64 / 1e6,
        csv.matches("\r\n").count() - 1,
        load.as_secs_f64() * 1e3
    );
}
