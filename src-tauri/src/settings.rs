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

use panelist_core::storage::Erasure;
use panelist_core::validate;

use crate::commands::{save_target, INTERVIEWER_KEY};
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

/// What Settings shows of this computer's preferences: the name used for
/// "My interviews" and new interviews, and the retention period.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Preferences {
    pub your_name: Option<String>,
    pub retention_days: Option<u32>,
}

pub async fn preferences(db: State<'_, Db>) -> IpcResult<Preferences> {
    db.run(|s| {
        Ok(Preferences {
            your_name: s.setting(INTERVIEWER_KEY)?.filter(|n| !n.is_empty()),
            retention_days: s.retention_days()?,
        })
    })
    .await
}

/// Sets the name this computer's interviewer goes by (checked as every
/// person's name is); returns it as stored (trimmed).
pub async fn set_your_name(db: State<'_, Db>, name: String) -> IpcResult<String> {
    let name = name.trim().to_string();
    validate::person_name(&name)
        .map_err(|m| IpcError::new(ErrorCode::Invalid, format!("your name: {m}")))?;
    db.run(move |s| {
        s.set_setting(INTERVIEWER_KEY, &name)?;
        Ok(name)
    })
    .await
}

/// The retention period after a change, and what applying it erased.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Retention {
    pub days: Option<u32>,
    pub erased: Erasure,
}

/// Sets (`Some`) or turns off (`None`) the retention period and applies it
/// at once, as `panelist retention --days N --apply` does: candidates whose
/// last session is older are erased down to the bytes.
pub async fn set_retention(db: State<'_, Db>, days: Option<u32>) -> IpcResult<Retention> {
    db.run(move |s| {
        s.set_retention_days(days)?;
        let erased = s.apply_retention(Utc::now(), uuid::Uuid::now_v7)?;
        Ok(Retention {
            days: s.retention_days()?,
            erased,
        })
    })
    .await
}
