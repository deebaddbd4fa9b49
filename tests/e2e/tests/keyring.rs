//! The app with a real OS keyring: a throwaway gnome-keyring answering on a
//! private D-Bus session bus (`panelist_e2e::keyring`), handed to the app
//! through tauri-driver's environment, with the keyring switched on and no
//! passphrase. The app starts straight on Home (no passphrase dialog); its
//! database is encrypted with a random key it kept in the keyring:
//! - Settings says so ("the key is kept in the OS keyring"), with zero
//!   axe-core violations in the light and the dark theme;
//! - an interview's unique note and the candidate's name are in none of the
//!   database's files (db, -wal, -shm) while the app runs nor after it
//!   quits; `sqlite3` cannot read the file;
//! - the keyring (`secret-tool`) holds the key (64 hex digits) and the
//!   signing seed; with that key the note is in the database;
//! - the CLI, on the same bus, opens the same database through the keyring
//!   and exports the note.
//!
//! Skipped, saying so, where dbus-daemon, gnome-keyring or secret-tool is
//! missing (scripts/setup-debian.sh installs them).

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use panelist_e2e::axe::axe_violations;
use panelist_e2e::cli::panelist_with;
use panelist_e2e::keyring::ThrowawayKeyring;
use panelist_e2e::{within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;

const NOTE: &str = "UNIQUE-NOTE-9d2f61ac keyring asked about backpressure";
const CANDIDATE: &str = "Tomasz Keyringowski";

/// The files of the database (db, -wal, -shm) that hold `needle`'s bytes.
fn on_disk(db: &Path, needle: &str) -> Vec<String> {
    panelist_e2e::database_files_holding(db, needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn with_a_keyring_the_app_encrypts_without_asking_and_the_cli_opens_it_too() {
    if let Some(bin) = ThrowawayKeyring::missing() {
        eprintln!("skipped: no {bin} (scripts/setup-debian.sh installs it)");
        return;
    }
    let ring = ThrowawayKeyring::start().expect("a throwaway keyring");
    let env = TestEnv::new();
    within(Duration::from_secs(300), "keyring", flow(&env, &ring)).await;
}

async fn flow(env: &TestEnv, ring: &ThrowawayKeyring) -> Result<()> {
    let db = env.db();
    let ring_env = ring.envs();
    let mut extra: Vec<(&str, &OsStr)> =
        ring_env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
    // No passphrase: the key must come from the keyring.
    extra.push(("PANELIST_PASSPHRASE", "".as_ref()));
    let run = AppRun::start_with(env, &extra).await?;
    let r = app_steps(&run, &db).await;
    run.quit().await;
    r?;

    // After the app quit: nothing readable on disk, sqlite3 cannot read it.
    assert_eq!(on_disk(&db, NOTE), Vec::<String>::new());
    assert_eq!(on_disk(&db, CANDIDATE), Vec::<String>::new());
    assert!(!std::fs::read(&db)?.starts_with(b"SQLite format 3\0"));
    let sqlite = Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT count(*) FROM session;")
        .output()?;
    assert!(
        !sqlite.status.success(),
        "sqlite3 read the encrypted database: {}",
        String::from_utf8_lossy(&sqlite.stdout)
    );

    // The keyring holds the database key and the signing seed.
    let entries = ring.entries()?;
    let key = entries
        .iter()
        .find(|(user, _)| user.starts_with("db-key:"))
        .map(|(_, secret)| secret.clone())
        .ok_or_else(|| format!("no database key in the keyring: {entries:?}"))?;
    assert!(
        key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()),
        "not a raw key: {key:?}"
    );
    assert!(
        entries
            .iter()
            .any(|(user, _)| user.starts_with("signing-seed:")),
        "no signing seed in the keyring: {entries:?}"
    );
    // With that key the note is there.
    let conn = rusqlite::Connection::open(&db)?;
    conn.execute_batch(&format!("PRAGMA key = \"x'{key}'\";"))?;
    let notes: String = conn.query_row(
        "SELECT group_concat(notes, ' ') FROM entry WHERE notes <> ''",
        [],
        |r| r.get(0),
    )?;
    assert!(
        notes.contains(NOTE),
        "the note is not in the database: {notes:?}"
    );
    drop(conn);

    // The CLI on the same bus opens it through the keyring.
    let cli_env: Vec<(&str, &str)> = ring_env
        .iter()
        .map(|(k, v)| (*k, v.to_str().expect("a UTF-8 value")))
        .chain([("PANELIST_PASSPHRASE", "")])
        .collect();
    let list = panelist_with(&db, &["session", "list"], &cli_env)?;
    assert!(list.contains(CANDIDATE), "{list}");
    let id = list
        .lines()
        .find(|l| l.contains(CANDIDATE))
        .and_then(|l| l.split_whitespace().next())
        .ok_or_else(|| format!("no session id in {list:?}"))?;
    let md = panelist_with(&db, &["export", id, "--format", "md"], &cli_env)?;
    assert!(md.contains(NOTE), "the CLI's export lacks the note:\n{md}");
    // Without the keyring (and no passphrase) the CLI cannot open it.
    let without = panelist_with(
        &db,
        &["session", "list"],
        &[("PANELIST_KEYRING", "off"), ("PANELIST_PASSPHRASE", "")],
    );
    assert!(without.is_err(), "opened without its key: {without:?}");
    Ok(())
}

async fn app_steps(run: &AppRun, db: &Path) -> Result<()> {
    // No passphrase dialog: the keyring's key opened it.
    run.screen("home").await?;

    // Settings says how it is protected; axe-core finds nothing.
    run.button("Settings").await?.click().await?;
    run.screen("settings").await?;
    run.el(".settings-encryption[data-encryption='keyring']")
        .await?;
    assert_eq!(
        run.text(".settings-encryption").await?,
        "Your interviews are encrypted on this computer; the key is kept in the OS keyring."
    );
    // An error toast from elsewhere in the app (seen: the notification
    // plugin's permission query refused at start) is reported, and axe-core
    // checks the Settings screen once it has gone.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let toasts = run.d().find_all(By::Css(".toast")).await?;
        if toasts.is_empty() || std::time::Instant::now() > deadline {
            break;
        }
        for t in toasts {
            eprintln!("toast on Settings: {}", t.text().await.unwrap_or_default());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mut found = Vec::new();
    for theme in ["dark", "light"] {
        run.d()
            .execute(
                "document.documentElement.dataset.theme = arguments[0];",
                vec![serde_json::json!(theme)],
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(400)).await;
        for v in axe_violations(run.d()).await? {
            found.push(format!("[settings, {theme}] {v}"));
        }
    }
    assert!(found.is_empty(), "axe-core:\n{}", found.join("\n"));
    run.el("button[aria-label='Back to interviews']")
        .await?
        .click()
        .await?;
    run.screen("home").await?;

    // An interview with a unique note.
    run.button("New interview").await?.click().await?;
    run.screen("new").await?;
    let inputs = run
        .d()
        .find_all(By::Css(".new-form input[type=text]"))
        .await?;
    inputs[0].send_keys(CANDIDATE).await?;
    inputs[1].send_keys("Backend engineer").await?;
    inputs[2].clear().await?;
    inputs[2].send_keys("Grace Hopper").await?;
    let option = run
        .el(".new-form select")
        .await?
        .query(By::XPath(
            ".//option[starts-with(normalize-space(.), 'Backend fundamentals (')]",
        ))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await?;
    option.click().await?;
    run.button("Start interview").await?.click().await?;
    run.screen("live").await?;
    run.el(".level").await?;
    run.alt("3").await?;
    run.alt("n").await?;
    run.keys(NOTE).await?;
    run.escape().await?;
    run.wait_saved(Duration::from_secs(10)).await?;

    // While the app runs (the latest writes are in the -wal).
    assert_eq!(on_disk(db, NOTE), Vec::<String>::new());
    assert_eq!(on_disk(db, CANDIDATE), Vec::<String>::new());
    Ok(())
}
