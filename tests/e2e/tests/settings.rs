//! The app's side of encryption at rest, in the real window:
//! - a database encrypted with a passphrase, and no `PANELIST_PASSPHRASE`:
//!   the app starts on its passphrase dialog and nothing else; a wrong
//!   passphrase is refused in one line, the right one opens it; an interview
//!   made then leaves no trace of its note in the database's files (db,
//!   -wal, -shm) while the app runs nor after it quits, and `sqlite3` cannot
//!   read the file;
//! - Settings, reached from Home at 480×800 and 1280×860: a backup and its
//!   restore from the app (the restored content read back by the CLI), a
//!   backup of another database refused in one line with nothing changed;
//! - axe-core: zero violations on the passphrase dialog and on Settings, in
//!   the light and the dark theme.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use panelist_e2e::axe::axe_violations;
use panelist_e2e::cli::panelist_with;
use panelist_e2e::{within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;
use thirtyfour::Key;

const PASS: &str = "correct horse battery staple";
const NOTE: &str = "UNIQUE-NOTE-5e1c0b7d asked about quorum reads";
const CANDIDATE: &str = "Ines Okafor";
const SIZES: [(u32, u32); 2] = [(480, 800), (1280, 860)];

fn pass_env() -> [(&'static str, &'static str); 1] {
    [("PANELIST_PASSPHRASE", PASS)]
}

/// Makes the test's database, encrypted with `PASS`, through the CLI.
fn passphrase_database(db: &Path) -> Result<()> {
    panelist_with(db, &["session", "list"], &pass_env())?;
    let head = std::fs::read(db)?;
    assert!(
        !head.starts_with(b"SQLite format 3\0"),
        "the CLI left {} plain",
        db.display()
    );
    Ok(())
}

/// The files of the database (db, -wal, -shm) that hold `needle`'s bytes.
fn on_disk(db: &Path, needle: &str) -> Result<Vec<String>> {
    Ok(panelist_e2e::database_files_holding(db, needle))
}

async fn size(run: &AppRun, w: u32, h: u32) -> Result<()> {
    run.d().set_window_rect(0, 0, w, h).await?;
    for _ in 0..100 {
        let v: Vec<u32> = run
            .d()
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await?
            .convert()?;
        if v == [w, h] {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("the viewport did not become {w}×{h}").into())
}

/// axe-core on the current page in the light and the dark theme, labelled
/// for the failure message.
async fn axe(run: &AppRun, what: &str, out: &mut Vec<String>) -> Result<()> {
    for theme in ["dark", "light"] {
        run.d()
            .execute(
                "document.documentElement.dataset.theme = arguments[0];",
                vec![serde_json::json!(theme)],
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(400)).await;
        for v in axe_violations(run.d()).await? {
            out.push(format!("[{what}, {theme}] {v}"));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn a_passphrase_database_asks_at_start_and_leaves_no_note_on_disk() {
    let env = TestEnv::new();
    within(
        Duration::from_secs(300),
        "passphrase start",
        unlock_flow(&env),
    )
    .await;
}

async fn unlock_flow(env: &TestEnv) -> Result<()> {
    let db = env.db();
    passphrase_database(&db)?;
    // No passphrase in the app's environment (empty is none).
    let run = AppRun::start_with(env, &[("PANELIST_PASSPHRASE", "".as_ref())]).await?;
    let r = unlock_steps(&run, &db).await;
    run.quit().await;
    r?;
    // After the app quit: still nothing readable on disk.
    assert_eq!(on_disk(&db, NOTE)?, Vec::<String>::new());
    assert_eq!(on_disk(&db, CANDIDATE)?, Vec::<String>::new());
    let sqlite = Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT count(*) FROM session;")
        .output()?;
    assert!(
        !sqlite.status.success(),
        "sqlite3 read the encrypted database: {}",
        String::from_utf8_lossy(&sqlite.stdout)
    );
    // With the key the note is there.
    let conn = rusqlite::Connection::open(&db)?;
    conn.pragma_update(None, "key", PASS)?;
    let notes: String = conn.query_row(
        "SELECT group_concat(notes, ' ') FROM entry WHERE notes <> ''",
        [],
        |r| r.get(0),
    )?;
    assert!(
        notes.contains(NOTE),
        "the note is not in the database: {notes:?}"
    );
    Ok(())
}

async fn unlock_steps(run: &AppRun, db: &Path) -> Result<()> {
    run.screen("unlock").await?;
    // Nothing of the app but the dialog: no top bar, no navigation.
    assert!(run.d().find_all(By::Css(".topbar, nav")).await?.is_empty());
    let mut found = Vec::new();
    for (w, h) in SIZES {
        size(run, w, h).await?;
        axe(run, &format!("passphrase dialog {w}×{h}"), &mut found).await?;
    }
    assert!(found.is_empty(), "axe-core:\n{}", found.join("\n"));

    let field = run.el("input[type=password]").await?;
    let id = field.attr("id").await?.unwrap_or_default();
    let label = run.text(&format!("label[for='{id}']")).await?;
    assert_eq!(label, "Passphrase");
    field.send_keys("not the passphrase").await?;
    field.send_keys(Key::Enter).await?;
    let error = wait_text(
        run,
        ".unlock-error",
        "Wrong passphrase: it does not open this database. Try again.",
        "the wrong passphrase was not refused",
    )
    .await?;
    assert!(!error.contains('\n'));
    assert_eq!(
        run.el(".unlock-error")
            .await?
            .attr("role")
            .await?
            .as_deref(),
        Some("alert")
    );
    run.screen("unlock").await?;

    let field = run.el("input[type=password]").await?;
    assert_eq!(field.prop("value").await?.as_deref(), Some(""));
    field.send_keys(PASS).await?;
    field.send_keys(Key::Enter).await?;
    run.screen("home").await?;
    // The background sync waited for the unlock: no error from the time
    // the database was locked (no team server is set).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let sync = run.el(".sync-indicator").await?;
    assert_eq!(sync.attr("data-state").await?.as_deref(), Some("off"));

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
    assert_eq!(on_disk(db, NOTE)?, Vec::<String>::new());
    assert_eq!(on_disk(db, CANDIDATE)?, Vec::<String>::new());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn settings_backs_up_and_restores_from_the_app() {
    let env = TestEnv::new();
    within(Duration::from_secs(300), "settings", settings_flow(&env)).await;
}

fn start_session(db: &Path, candidate: &str) -> Result<()> {
    start_session_with(db, candidate, PASS)
}

fn start_session_with(db: &Path, candidate: &str, passphrase: &str) -> Result<()> {
    panelist_with(
        db,
        &[
            "session",
            "start",
            "--candidate",
            candidate,
            "--interviewer",
            "Grace Hopper",
            "--kit",
            "backend-fundamentals",
        ],
        &[("PANELIST_PASSPHRASE", passphrase)],
    )?;
    Ok(())
}

fn candidates(db: &Path) -> Result<String> {
    panelist_with(db, &["session", "list"], &pass_env())
}

async fn settings_flow(env: &TestEnv) -> Result<()> {
    let db = env.db();
    passphrase_database(&db)?;
    start_session(&db, "Before Backup")?;
    let backup = env.dir.path().join("backup.db");
    let restore_from = env.dir.path().join("restore.db");
    // A backup of someone else's database, under another passphrase.
    let theirs = env.dir.path().join("theirs.db");
    let foreign = env.dir.path().join("theirs-backup.db");
    panelist_with(
        &theirs,
        &["session", "list"],
        &[("PANELIST_PASSPHRASE", "theirs")],
    )?;
    panelist_with(
        &theirs,
        &["backup", "--output", &foreign.display().to_string()],
        &[("PANELIST_PASSPHRASE", "theirs")],
    )?;

    let run = AppRun::start_with(
        env,
        &[
            ("PANELIST_PASSPHRASE", PASS.as_ref()),
            ("PANELIST_EXPORT_PATH", backup.as_os_str()),
            ("PANELIST_RESTORE_PATH", restore_from.as_os_str()),
        ],
    )
    .await?;
    let r = settings_steps(&run, &db, &backup, &restore_from, &foreign).await;
    run.quit().await;
    r?;
    let after = candidates(&db)?;
    assert!(
        after.contains("Before Backup") && !after.contains("After Backup"),
        "{after}"
    );
    Ok(())
}

async fn open_settings(run: &AppRun) -> Result<()> {
    run.screen("home").await?;
    run.button("Settings").await?.click().await?;
    run.screen("settings").await?;
    run.el(".settings-encryption[data-encryption='passphrase']")
        .await?;
    Ok(())
}

async fn settings_steps(
    run: &AppRun,
    db: &Path,
    backup: &Path,
    restore_from: &Path,
    foreign: &Path,
) -> Result<()> {
    let mut found = Vec::new();
    for (w, h) in SIZES {
        size(run, w, h).await?;
        open_settings(run).await?;
        axe(run, &format!("settings {w}×{h}"), &mut found).await?;
        run.el("button[aria-label='Back to interviews']")
            .await?
            .click()
            .await?;
    }
    assert!(found.is_empty(), "axe-core:\n{}", found.join("\n"));
    open_settings(run).await?;
    assert_eq!(
        run.text(".settings-encryption").await?,
        "Your interviews are encrypted on this computer with your passphrase."
    );

    // Backup.
    run.button("Back up…").await?.click().await?;
    let status = wait_text(
        run,
        ".settings-backup-status",
        "Backed up to",
        "no backup status",
    )
    .await?;
    assert!(status.contains(&backup.display().to_string()), "{status}");
    assert!(
        on_disk(backup, "Before Backup")?.is_empty(),
        "the backup is plain"
    );

    // A change after the backup, then the restore takes it away.
    start_session(db, "After Backup")?;
    assert!(candidates(db)?.contains("After Backup"));
    std::fs::copy(backup, restore_from)?;
    restore(run).await?;
    wait_text(
        run,
        ".settings-backup-status",
        "Restored.",
        "no restore status",
    )
    .await?;
    let now = candidates(db)?;
    assert!(
        now.contains("Before Backup") && !now.contains("After Backup"),
        "the restored database: {now}"
    );

    // Another database's backup: refused in one line, nothing changed.
    std::fs::copy(foreign, restore_from)?;
    restore(run).await?;
    let error = wait_text(
        run,
        ".settings-backup-error",
        "does not open with this passphrase or key",
        "the foreign backup was not refused",
    )
    .await?;
    assert!(!error.contains('\n'), "{error}");
    let still = candidates(db)?;
    assert!(
        still.contains("Before Backup") && !still.contains("After Backup"),
        "{still}"
    );

    // The app works on the restored database.
    run.el("button[aria-label='Back to interviews']")
        .await?
        .click()
        .await?;
    run.screen("home").await?;
    run.d()
        .query(By::XPath(
            "//button[contains(@class,'session-row')][.//strong[normalize-space(.)='Before Backup']]",
        ))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await?;
    Ok(())
}

/// Restore from Settings: the button, then the confirmation.
async fn restore(run: &AppRun) -> Result<()> {
    run.button("Restore from a backup…").await?.click().await?;
    run.button("Choose the backup…").await?.click().await?;
    Ok(())
}

/// Waits until the element matching `css` shows `part`; returns its text.
async fn wait_text(run: &AppRun, css: &str, part: &str, what: &str) -> Result<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let text = run.text(css).await.unwrap_or_default();
        if text.contains(part) {
            return Ok(text);
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("{what}: {css} says {text:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn a_passphrase_set_in_settings_is_asked_for_at_the_next_start() {
    let env = TestEnv::new();
    within(Duration::from_secs(300), "set passphrase", set_flow(&env)).await;
}

async fn set_flow(env: &TestEnv) -> Result<()> {
    let db = env.db();
    // A plain database (no keyring in the tests, no passphrase).
    panelist_with(&db, &["session", "list"], &[("PANELIST_PASSPHRASE", "")])?;
    start_session_with(&db, "Plain Before", "")?;
    assert!(std::fs::read(&db)?.starts_with(b"SQLite format 3\0"));
    let none = [("PANELIST_PASSPHRASE", "".as_ref())];
    let run = AppRun::start_with(env, &none).await?;
    let r = async {
        run.button("Settings").await?.click().await?;
        run.screen("settings").await?;
        run.el(".settings-encryption[data-encryption='plain']")
            .await?;
        run.el("input[name='new-passphrase']")
            .await?
            .send_keys(PASS)
            .await?;
        let again = run.el("input[name='repeat-passphrase']").await?;
        again.send_keys(PASS).await?;
        again.send_keys(Key::Enter).await?;
        wait_text(
            &run,
            ".settings-passphrase-status",
            "Passphrase set.",
            "no passphrase status",
        )
        .await?;
        run.el(".settings-encryption[data-encryption='passphrase']")
            .await?;
        Result::<()>::Ok(())
    }
    .await;
    run.quit().await;
    r?;
    assert!(
        !std::fs::read(&db)?.starts_with(b"SQLite format 3\0"),
        "still plain"
    );
    assert!(on_disk(&db, "Plain Before")?.is_empty());

    let run = AppRun::start_with(env, &none).await?;
    let r = async {
        run.screen("unlock").await?;
        let field = run.el("input[type=password]").await?;
        field.send_keys(PASS).await?;
        field.send_keys(Key::Enter).await?;
        run.screen("home").await?;
        run.d()
            .query(By::XPath(
                "//button[contains(@class,'session-row')][.//strong[normalize-space(.)='Plain Before']]",
            ))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .first()
            .await?;
        Result::<()>::Ok(())
    }
    .await;
    run.quit().await;
    r
}
