//! Test 2: never lose a word. Type a note, SIGKILL the app, start it again:
//! the note is in the database, the page shows it, and the file is sound.
//! Repeated at random moments (PANELIST_E2E_KILLS, default 20), about half of
//! them mid-typing; then everything typed up to 500 ms before the kill must
//! be saved. The seed is printed (PANELIST_E2E_SEED reproduces a run).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use panelist_e2e::{create_interview, kill_and_reap, within, AppRun, Result, TestEnv};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use thirtyfour::prelude::*;

const WORDS: &[&str] = &[
    "candidate",
    "explained",
    "sharding",
    "clearly",
    "but",
    "missed",
    "replication",
    "lag",
    "asked",
    "about",
    "queues",
    "good",
    "trade-offs",
    "weak",
    "on",
    "caching",
    "mentioned",
    "idempotency",
    "keys",
    "and",
    "retries",
    "with",
    "backoff",
    "strong",
    "example",
    "from",
    "payments",
];

/// Everything typed up to this long before a kill must have been saved.
const GRACE: Duration = Duration::from_millis(500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn notes_survive_sigkill_at_random_moments() {
    let env = TestEnv::new();
    within(Duration::from_secs(900), "crash test", crash(&env)).await;
}

fn sentence(rng: &mut StdRng, i: usize) -> String {
    let n = rng.random_range(8..16);
    let words: Vec<&str> = (0..n)
        .map(|_| WORDS[rng.random_range(0..WORDS.len())])
        .collect();
    format!(" r{i}: {}.", words.join(" "))
}

fn db_notes(env: &TestEnv, sid: &str) -> Result<String> {
    let db = env.open_db();
    let ok: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    assert_eq!(ok, "ok", "integrity_check");
    Ok(db.query_row(
        "SELECT notes FROM entry WHERE session_id = ?1 AND position = 0",
        [sid],
        |r| r.get(0),
    )?)
}

/// What the previous iteration expects to find after the restart.
enum Expect {
    Exact(String),
    /// base + a prefix of `typed` at least `at_least` chars long.
    Prefix {
        base: String,
        typed: String,
        at_least: usize,
    },
}

fn check(expect: &Expect, got: &str, i: usize) {
    match expect {
        Expect::Exact(want) => assert_eq!(
            got, want,
            "run {i}: a note typed 500 ms before the kill was lost"
        ),
        Expect::Prefix {
            base,
            typed,
            at_least,
        } => {
            let rest = got
                .strip_prefix(base.as_str())
                .unwrap_or_else(|| panic!("run {i}: saved notes lost earlier text: {got:?}"));
            assert!(
                typed.starts_with(rest),
                "run {i}: saved {rest:?} is not what was typed ({typed:?})"
            );
            assert!(
                rest.len() >= *at_least,
                "run {i}: only {} of the {at_least} chars typed up to 500 ms before the kill were saved: {rest:?}",
                rest.len()
            );
        }
    }
}

async fn open_first_session(run: &AppRun) -> Result<WebElement> {
    run.el("button.session-row").await?.click().await?;
    run.screen("live").await?;
    run.el("textarea.notes").await
}

async fn crash(env: &TestEnv) -> Result<()> {
    let seed = panelist_e2e::seed();
    let kills: usize = std::env::var("PANELIST_E2E_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    eprintln!("crash test: seed {seed}, {kills} kills (PANELIST_E2E_SEED={seed} reproduces it)");
    let mut rng = StdRng::seed_from_u64(seed);

    let mut sid = String::new();
    let mut expect: Option<Expect> = None;
    let mut mid_typing_kills = 0;
    for i in 0..=kills {
        let run = AppRun::start(env).await?;
        let notes = if i == 0 {
            sid = create_interview(&run, env, "Crash Test", "System design").await?;
            run.el("textarea.notes").await?
        } else {
            open_first_session(&run).await?
        };
        let base = db_notes(env, &sid)?;
        if let Some(e) = &expect {
            check(e, &base, i - 1);
        }
        // The page shows what the database holds.
        assert_eq!(
            notes.prop("value").await?.unwrap_or_default(),
            base,
            "run {i}: page vs database"
        );
        if i == kills {
            run.quit().await;
            break;
        }

        let text = sentence(&mut rng, i);
        run.alt("n").await?; // focus the notes, cursor at the end
        let mid = rng.random_bool(0.5);
        if !mid {
            for chunk in text.as_bytes().chunks(4) {
                run.keys(std::str::from_utf8(chunk)?).await?;
            }
            let shown = notes.prop("value").await?.unwrap_or_default();
            assert_eq!(
                shown,
                format!("{base}{text}"),
                "run {i}: typing reached the page"
            );
            tokio::time::sleep(GRACE).await;
            let ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                % 100_000;
            eprintln!(
                "run {i}: kill at {ms}, expecting {} chars",
                base.chars().count() + text.chars().count()
            );
            run.kill_app().await?;
            eprintln!("run {i}: killed 500 ms after typing {} chars", text.len());
            expect = Some(Expect::Exact(format!("{base}{text}")));
        } else {
            mid_typing_kills += 1;
            let pid = run.app_pid().ok_or("cannot find the app process")?;
            let kill_after = Duration::from_millis(rng.random_range(150..2500));
            let killed_at: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
            let start = Instant::now();
            let killer = {
                let killed_at = Arc::clone(&killed_at);
                tokio::spawn(async move {
                    tokio::time::sleep(kill_after).await;
                    *killed_at.lock().unwrap() = Some(Instant::now());
                    kill_and_reap(pid).await;
                })
            };
            // (moment after which the page holds `len` typed chars)
            let mut progress: Vec<(Instant, usize)> = Vec::new();
            let mut typed = 0;
            let long_text = format!("{text}{}", sentence(&mut rng, i));
            for chunk in long_text.as_bytes().chunks(2) {
                if killed_at.lock().unwrap().is_some() {
                    break;
                }
                match run.keys(std::str::from_utf8(chunk)?).await {
                    Ok(()) => {
                        typed += chunk.len();
                        progress.push((Instant::now(), typed));
                    }
                    Err(_) => break,
                }
            }
            killer.await?;
            let killed = killed_at.lock().unwrap().expect("the killer ran");
            run.abandon().await;
            let at_least = progress
                .iter()
                .filter(|(t, _)| *t + GRACE <= killed)
                .map(|(_, n)| *n)
                .max()
                .unwrap_or(0);
            eprintln!(
                "run {i}: killed mid-typing after {:?} ({typed} chars typed, {at_least} must be saved)",
                killed - start
            );
            expect = Some(Expect::Prefix {
                base,
                typed: long_text,
                at_least,
            });
        }
    }
    assert!(
        kills < 4 || mid_typing_kills > 0,
        "no mid-typing kill happened; change the seed"
    );
    Ok(())
}

/// SIGTERM right after typing (inside the autosave delay): the shell asks the
/// page to flush, waits for it, and only then exits, so nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn sigterm_flushes_notes_before_exit() {
    let env = TestEnv::new();
    within(Duration::from_secs(120), "SIGTERM test", sigterm(&env)).await;
}

async fn sigterm(env: &TestEnv) -> Result<()> {
    let run = AppRun::start(env).await?;
    let sid = create_interview(&run, env, "Term Test", "Security").await?;
    run.alt("n").await?;
    let text = "Typed right before SIGTERM, not yet autosaved";
    run.keys(text).await?;
    let pid = run.app_pid().ok_or("cannot find the app process")?;
    let sent = Instant::now();
    // SAFETY: kill(2) on the app process, a descendant of our tauri-driver.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    while std::path::Path::new(&format!("/proc/{pid}")).exists() && !is_gone(pid) {
        if sent.elapsed() > Duration::from_secs(10) {
            return Err("the app did not exit within 10 s of SIGTERM".into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let took = sent.elapsed();
    eprintln!("app exited {took:?} after SIGTERM");
    run.abandon().await;
    assert!(took < Duration::from_secs(4), "exit took {took:?}");
    assert_eq!(db_notes(env, &sid)?, text);

    let run = AppRun::start(env).await?;
    let notes = open_first_session(&run).await?;
    assert_eq!(notes.prop("value").await?.unwrap_or_default(), text);
    run.quit().await;
    Ok(())
}

fn is_gone(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit(')')
                .next()
                .map(|r| r.trim_start().starts_with('Z'))
                .unwrap_or(true)
        })
        .unwrap_or(true)
}
