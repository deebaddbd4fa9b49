//! Data at team scale; prints figures, asserts nothing.
//!
//!     cargo bench -p panelist-core --bench scale            # 100,000 sessions
//!     PANELIST_BENCH_SESSIONS=10000 cargo bench -p panelist-core --bench scale
//!     PANELIST_BENCH_KEY=raw cargo bench -p panelist-core --bench scale   # encrypted
//!
//! `PANELIST_BENCH_KEY`: `plain` (the default), `raw` (SQLCipher with a
//! random 32-byte key, the OS keyring's case) or `passphrase` (SQLCipher's
//! key derivation at each open), to measure the cost of encryption at rest.
//!
//! A generator builds N sessions through the core (7 questions each, scored,
//! with notes, submitted): four interviewers per candidate, as other
//! interviewers' session files imported 1,000 per transaction. Then:
//! database size per session, the first page of the session list against
//! deep pages (keyset paging, and LIMIT/OFFSET as before it), a search
//! by candidate, compare for one candidate, and calibration over every
//! submitted session.

use std::time::{Duration, Instant};

use chrono::{Duration as Span, TimeZone, Utc};
use panelist_core::bank::builtin_bank;
use panelist_core::panel;
use panelist_core::session::{
    AuditAction, AuditEvent, Candidate, Entry, Recommendation, Session, SessionCursor,
    SessionFilter, Status,
};
use panelist_core::session_file::SessionFile;
use panelist_core::storage::DbKey;
use panelist_core::Store;
use uuid::Uuid;

const FIRST: [&str; 20] = [
    "Ada", "Grace", "Alan", "Barbara", "Edsger", "Donald", "Frances", "Radia", "Ken", "Margaret",
    "Leslie", "Tony", "Niklaus", "Shafi", "Yukihiro", "Guido", "Sophie", "Lin", "Amara", "José",
];

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        out = Some(f());
        times.push(t.elapsed());
    }
    (median(times), out.unwrap())
}

/// The first page of 50 against pages deep in the list, keyset-paged. (The
/// LIMIT/OFFSET query the list used before was measured beside it once, on
/// the commit that replaced it; docs/BENCHMARKS.md keeps those figures. The
/// bench does not carry a copy of the product's SQL.)
fn session_list(store: &Store, n: u64) {
    let all = SessionFilter::default();
    println!("session list, pages of 50     keyset");
    for (label, at) in [
        ("first page", 0),
        ("row 50,000 (or the middle)", 50_000.min(n / 2)),
        ("last page", n.saturating_sub(50)),
    ] {
        // The cursor a page at `at` starts after, found once; the timed
        // call is the page itself (what the app's Next does).
        let cursor = (at > 0).then(|| {
            let row = store.session_page_from(&all, at - 1, 1).unwrap().rows[0].clone();
            SessionCursor {
                created_at: row.created_at,
                id: row.id,
            }
        });
        let (keyset, page) = time(20, || {
            store.session_page(&all, cursor.as_ref(), 50).unwrap()
        });
        println!(
            "  {label:<27} {keyset:>8.2} ms   ({} rows at row {at} of {})",
            page.rows.len(),
            page.total
        );
    }
    let (ms, page) = time(20, || {
        store
            .session_page_from(&all, 50_000.min(n / 2), 50)
            .unwrap()
    });
    println!(
        "  by count (CLI --offset {}) {ms:>8.2} ms   ({} rows; walks the index to the start)",
        50_000.min(n / 2),
        page.rows.len()
    );
}

/// The key of `PANELIST_BENCH_KEY` (none: plain).
fn bench_key() -> Option<DbKey> {
    match std::env::var("PANELIST_BENCH_KEY").as_deref() {
        Ok("raw") => Some(DbKey::random().unwrap()),
        Ok("passphrase") => Some(DbKey::Passphrase("a passphrase for the benchmark".into())),
        Ok("plain") | Err(_) => None,
        Ok(other) => panic!("PANELIST_BENCH_KEY: plain, raw or passphrase, not {other}"),
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let key = bench_key();
    let open = |db: &std::path::Path| Store::open_with_key(db, key.as_ref()).unwrap();
    let n: usize = std::env::var("PANELIST_BENCH_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("scale.db");
    let mut store = open(&db);
    let bank = builtin_bank().unwrap();
    let kits: Vec<(String, Vec<_>)> = bank
        .kits
        .iter()
        .map(|k| {
            let qs = k
                .questions
                .iter()
                .take(7)
                .map(|id| bank.questions.iter().find(|q| &q.id == id).unwrap().clone())
                .collect();
            (k.name.clone(), qs)
        })
        .collect();
    let t0 = Utc.with_ymd_and_hms(2025, 1, 6, 9, 0, 0).unwrap();
    let candidates = n.div_ceil(4);
    let name = |c: usize| format!("{} Candidate{c}", FIRST[c % FIRST.len()]);

    let started = Instant::now();
    let mut batch = Vec::with_capacity(1000);
    for i in 0..n {
        let c = i / 4;
        let (kit, questions) = &kits[c % kits.len()];
        let at = t0 + Span::minutes(i as i64 * 7);
        let interviewer = format!("Interviewer {}", (c * 3 + i % 4) % 60);
        let entries: Vec<Entry> = questions
            .iter()
            .enumerate()
            .map(|(j, q)| {
                let mut e = Entry::new(q.clone(), q.competency.clone());
                e.score = Some(((c + j + i % 4) % 4) as i64 + 1);
                e.notes = format!(
                    "[{:02}:{:02}] Explained the trade-off clearly and gave a concrete example; missed the failure mode until prompted.",
                    j * 6,
                    (i + j) % 60
                );
                e.look_fors_hit = vec![0];
                e.seconds_spent = 300;
                e
            })
            .collect();
        let rec = Recommendation::ALL[(c + i) % 5];
        let session = Session {
            id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | (i as u128 + 1)).into(),
            candidate: Candidate {
                id: Uuid::from_u128(0x0191_0000_0000_7000_8000_0000_0000_0000 | (c as u128 + 1))
                    .into(),
                name: name(c),
            },
            interviewer: interviewer.clone(),
            role: "Backend engineer".into(),
            kit: Some(kit.clone()),
            status: Status::Submitted,
            created_at: at,
            started_at: Some(at),
            finished_at: Some(at + Span::minutes(50)),
            updated_at: at + Span::minutes(50),
            revision: 20,
            entries,
            summary: "Solid fundamentals; would like more depth on operations.".into(),
            red_flags: Vec::new(),
            recommendation: Some(rec),
            audit: vec![AuditEvent {
                id: Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0000 | (i as u128 + 1))
                    .into(),
                at: at + Span::minutes(50),
                actor: interviewer,
                action: AuditAction::Submit,
                question_id: None,
                old_value: None,
                new_value: Some(rec.as_str().into()),
                reason: None,
            }],
        };
        batch.push(SessionFile::new(session));
        if batch.len() == 1000 || i + 1 == n {
            store.import_sessions(&batch).unwrap();
            batch.clear();
        }
    }
    let generated = started.elapsed();
    drop(store);
    {
        // Fold the WAL into the file so the size is the database's own.
        let store = open(&db);
        store.checkpoint().unwrap();
    }
    let bytes = std::fs::metadata(&db).unwrap().len();
    println!(
        "# {n} sessions x 7 questions, {candidates} candidates (generated in {generated:.1?}); database {}",
        match &key {
            None => "plain",
            Some(DbKey::Raw(_)) => "encrypted, raw key",
            Some(DbKey::Passphrase(_)) => "encrypted, passphrase",
        }
    );
    println!(
        "database size                  {:>10.1} MB   {:>6.0} bytes per session (goal <= 4,096)",
        bytes as f64 / 1e6,
        bytes as f64 / n as f64
    );

    let store = open(&db);
    session_list(&store, n as u64);
    let who = name(candidates / 3);
    let (ms, page) = time(20, || {
        let filter = SessionFilter {
            text: Some(who.to_lowercase()),
            ..Default::default()
        };
        store.session_page(&filter, None, 50).unwrap()
    });
    println!(
        "search by candidate (words)    {ms:>10.2} ms   ({:?}: {} sessions; goal < 50 ms)",
        who.to_lowercase(),
        page.total
    );
    let (ms, page) = time(20, || {
        let filter = SessionFilter {
            text: Some("candidate1234".into()),
            ..Default::default()
        };
        store.session_page(&filter, None, 50).unwrap()
    });
    println!(
        "search by word prefix          {ms:>10.2} ms   (\"candidate1234\": {} sessions)",
        page.total
    );
    let (ms, page) = time(20, || {
        let filter = SessionFilter {
            candidate: Some(who.clone()),
            ..Default::default()
        };
        store.session_page(&filter, None, 50).unwrap()
    });
    println!(
        "filter by candidate name       {ms:>10.2} ms   ({} sessions)",
        page.total
    );
    let (ms, page) = time(20, || {
        let filter = SessionFilter {
            interviewer: Some("Interviewer 7".into()),
            from: Some(t0 + Span::days(30)),
            to: Some(t0 + Span::days(60)),
            ..Default::default()
        };
        store.session_page(&filter, None, 50).unwrap()
    });
    println!(
        "interviewer + date range       {ms:>10.2} ms   ({} sessions)",
        page.total
    );
    let (ms, cmp) = time(20, || {
        let sessions = store.candidate_sessions(&who).unwrap();
        panel::compare(&who, &sessions, false)
    });
    println!(
        "compare for one candidate      {ms:>10.2} ms   ({} interviewers x {} questions; goal < 20 ms)",
        cmp.columns.len(),
        cmp.questions.len()
    );
    let (ms, cal) = time(3, || {
        let ratings = store.ratings().unwrap();
        panel::calibration_of(&ratings, None)
    });
    println!(
        "calibration, every session     {ms:>10.0} ms   ({} sessions, {} ratings; goal < 2,000 ms)",
        cal.sessions, cal.ratings
    );
}
