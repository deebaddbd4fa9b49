//! The Settings screen's commands and the start dialog's: whether the
//! database waits for its passphrase, unlocking it with the passphrase the
//! user typed, and the encrypted backup and its restore (the same files as
//! `panelist backup` and `panelist restore`: the core's `Store::backup_to`
//! and `secrets::restore`). The database thread (`state::Slot`) closes and
//! reopens the store; no call runs in between.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;
use panelist_core::secrets::Encryption;
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::commands::save_target;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::state::Db;
use crate::team::Team;

/// Whether the database waits for its passphrase (the start dialog).
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DatabaseLock {
    /// Encrypted with a passphrase, and none was given
    /// (`PANELIST_PASSPHRASE` is not set): nothing opens until it is typed.
    pub locked: bool,
    /// The database file, for the dialog to name.
    pub db_path: String,
}

pub async fn database_lock(db: State<'_, Db>) -> IpcResult<DatabaseLock> {
    Ok(DatabaseLock {
        locked: db.is_locked().await?,
        db_path: db.path.display().to_string(),
    })
}

/// Opens the locked database with `passphrase`; a wrong one is refused in
/// one line (`state::WRONG_PASSPHRASE`) and it stays locked.
/// The background sync, idle while the database was locked, runs at once.
pub async fn unlock_database(
    db: State<'_, Db>,
    team: State<'_, Arc<Team>>,
    passphrase: String,
) -> IpcResult<Encryption> {
    let how = db.with_slot(move |slot| slot.unlock(passphrase)).await?;
    team.wake();
    Ok(how)
}

/// Sets a passphrase on the database (a plain or keyring one is encrypted
/// or re-keyed with it; a passphrase one changes to it). The app and the CLI
/// then need it (`PANELIST_PASSPHRASE`, the start dialog).
pub async fn set_passphrase(db: State<'_, Db>, passphrase: String) -> IpcResult<Encryption> {
    db.with_slot(move |slot| slot.set_passphrase(passphrase))
        .await
}

/// Writes an encrypted backup of the whole database (with its own key or
/// passphrase, plain only when the database is) to a file the user picks;
/// the written path, or `None` when the dialog was cancelled. A backup is
/// the database itself, not a view of it: colleagues' sealed sessions are in
/// it as they are in the database, sealed again when restored.
pub async fn backup_database(app: AppHandle, db: State<'_, Db>) -> IpcResult<Option<String>> {
    let suggested = format!("panelist-backup-{}.db", Utc::now().format("%Y-%m-%d"));
    let Some(path) = save_target(
        &app,
        &suggested,
        "Back up Panelist",
        "Panelist backup",
        "db",
    )
    .await?
    else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    db.run(move |s| s.backup_to(&path)).await?;
    Ok(Some(shown))
}

/// Replaces the database with a backup file the user picks (the page asked
/// for confirmation first) and opens it again; `None` when the dialog was
/// cancelled. Refused in one line, changing nothing, when no key here opens
/// the backup or it is not a sound Panelist backup.
pub async fn restore_database(app: AppHandle, db: State<'_, Db>) -> IpcResult<Option<Encryption>> {
    let Some(from) = restore_source(&app).await? else {
        return Ok(None);
    };
    db.with_slot(move |slot| slot.restore(&from))
        .await
        .map(Some)
}

/// The backup to restore: picked with the system dialog; in an E2E build,
/// `PANELIST_RESTORE_PATH` if set.
async fn restore_source(app: &AppHandle) -> IpcResult<Option<PathBuf>> {
    if let Some(p) = crate::test_hooks::restore_path() {
        return Ok(Some(p));
    }
    let dialog = app
        .dialog()
        .file()
        .set_title("Restore Panelist from a backup");
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .map_err(IpcError::internal)?;
    picked
        .map(|fp| {
            fp.into_path()
                .map_err(|e| IpcError::new(ErrorCode::Io, e.to_string()))
        })
        .transpose()
}
