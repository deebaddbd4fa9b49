//! The team server in the app: the Team screen's settings (server URL in the
//! database, token in the OS keyring or else a 0600 file), "Sync now", and
//! the background sync after each submit and every minute. The sync itself
//! is the core's (`panelist_core::sync`, shared with `panelist sync`); it runs
//! on the blocking pool with its own connection to the database file, so the
//! app's store is never locked across the network and the UI thread never
//! waits. The status lives behind a std mutex taken only for a copy or a
//! replace, never across an `.await`; each change is sent to the page as the
//! `panelist://sync` event.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use panelist_core::sync::{self, Remote, URL_KEY, USER_KEY};
use panelist_core::team_token::{TeamToken, TokenStore};
use panelist_core::Store;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::error::{IpcError, IpcResult};
use crate::state::Db;

/// How often the background sync runs when nothing wakes it earlier.
const PERIOD: Duration = Duration::from_secs(60);
/// The event that carries each new status to the page.
pub const SYNC_EVENT: &str = "panelist://sync";
/// What the sync indicator shows.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// No team server set.
    Off,
    Syncing,
    /// Everything here is on the server.
    Synced,
    /// Sessions wait to be pushed (the last sync has not run or could not push them).
    Waiting,
    /// The server could not be reached.
    Offline,
    /// The server answered with an error (a bad token, a conflict...).
    Error,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
pub struct SyncStatus {
    pub state: SyncState,
    /// Own submitted sessions waiting to be pushed.
    pub waiting: u32,
    /// Own sessions the server holds another version of (both kept).
    pub conflicts: u32,
    /// Why, for `offline` and `error`; what moved, for `synced`.
    pub message: Option<String>,
    /// When the last sync finished (RFC 3339).
    pub last_sync: Option<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TeamSettings {
    pub url: Option<String>,
    /// The server's name for this user, from the last sync.
    pub user: Option<String>,
    pub has_token: bool,
    pub token_store: TokenStore,
    /// Where the token file is (for `file`).
    pub token_path: String,
    pub status: SyncStatus,
}

pub struct Team {
    status: Mutex<SyncStatus>,
    wake: tokio::sync::Notify,
    /// Set while a sync runs: one at a time (a flag, not a lock held across `.await`).
    running: std::sync::atomic::AtomicBool,
    token: TeamToken,
}

impl Team {
    pub fn new(db_path: &Path) -> Team {
        Team {
            status: Mutex::new(SyncStatus {
                state: SyncState::Off,
                waiting: 0,
                conflicts: 0,
                message: None,
                last_sync: None,
            }),
            wake: tokio::sync::Notify::new(),
            running: std::sync::atomic::AtomicBool::new(false),
            token: TeamToken::for_database(db_path),
        }
    }

    /// Asks the background task to sync now (after a submit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    fn status(&self) -> SyncStatus {
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_status(&self, app: &AppHandle, s: SyncStatus) {
        *self.status.lock().unwrap_or_else(|p| p.into_inner()) = s.clone();
        let _ = app.emit(SYNC_EVENT, s);
    }
}

/// The outbox counts, read on the app's own store.
fn counts(store: &Store) -> panelist_core::Result<(u32, u32)> {
    let (w, c) = sync::waiting(store)?;
    Ok((w as u32, c as u32))
}

/// One sync, on the blocking pool with its own connection. Updates the
/// status (and the page) before and after.
pub async fn run_sync(app: &AppHandle) -> SyncStatus {
    let team = app.state::<Arc<Team>>().inner().clone();
    let _one = OneAtATime::claim(&team).await;
    // A passphrase database not unlocked yet: nothing to sync until it is
    // (unlocking wakes this task).
    if app.state::<Db>().is_locked().await.unwrap_or(false) {
        return team.status();
    }
    let reopen = app.state::<Db>().reopener().await;
    // The keyring is a D-Bus call: not on an async worker.
    let token = {
        let t = team.clone();
        tauri::async_runtime::spawn_blocking(move || t.token.load())
            .await
            .ok()
            .flatten()
    };
    let now = chrono::Utc::now().to_rfc3339();
    let before = team.status();
    let last = before.last_sync.clone();
    if token.is_some() {
        team.set_status(
            app,
            SyncStatus {
                state: SyncState::Syncing,
                ..before
            },
        );
    }
    let job = tauri::async_runtime::spawn_blocking(move || -> Result<_, (SyncState, String)> {
        // A second connection, with the same key as the app's own.
        let mut store = reopen
            .map_err(|e| (SyncState::Error, e.message.clone()))?
            .open()
            .map_err(|e| (SyncState::Error, e.to_string()))?;
        // The same server, token and CA as `panelist --db <this file> sync`.
        let remote = match Remote::configured(&mut store) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(None),
            Err(e) => return Err((SyncState::Error, e.to_string())),
        };
        match sync::sync(&mut store, &remote, false, chrono::Utc::now) {
            Ok(rep) => Ok(Some(rep)),
            Err(panelist_core::Error::Io(m)) => Err((SyncState::Offline, m)),
            Err(e) => Err((SyncState::Error, e.to_string())),
        }
    });
    let outcome = job
        .await
        .unwrap_or_else(|e| Err((SyncState::Error, format!("the sync task failed: {e}"))));
    // The outbox as it is now, after the sync.
    let (waiting, conflicts) = app
        .state::<Db>()
        .run(|s| counts(s))
        .await
        .unwrap_or_default();
    let status = match outcome {
        Ok(None) => SyncStatus {
            state: SyncState::Off,
            waiting,
            conflicts,
            message: None,
            last_sync: last,
        },
        Ok(Some(rep)) => {
            let problem = rep
                .conflicts
                .first()
                .map(|c| c.line())
                .or_else(|| rep.failures.first().cloned());
            SyncStatus {
                state: if problem.is_some() {
                    SyncState::Error
                } else if waiting > 0 {
                    SyncState::Waiting
                } else {
                    SyncState::Synced
                },
                waiting,
                conflicts,
                message: problem.or_else(|| {
                    Some(format!(
                        "pushed {}, pulled {}{}",
                        rep.pushed.len(),
                        rep.pulled.len(),
                        rep.bank
                            .as_ref()
                            .map(|b| format!("; {}", b.sentence()))
                            .unwrap_or_default()
                    ))
                }),
                last_sync: Some(now),
            }
        }
        Err((state, message)) => SyncStatus {
            state,
            waiting,
            conflicts,
            message: Some(message),
            last_sync: last,
        },
    };
    team.set_status(app, status.clone());
    status
}

/// Holds the `running` flag for one sync; a second sync waits for the first
/// to finish (polling, so no lock is held across an `.await`).
struct OneAtATime(Arc<Team>);

impl OneAtATime {
    async fn claim(team: &Arc<Team>) -> OneAtATime {
        use std::sync::atomic::Ordering;
        while team
            .running
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        OneAtATime(team.clone())
    }
}

impl Drop for OneAtATime {
    fn drop(&mut self) {
        self.0
            .running
            .store(false, std::sync::atomic::Ordering::Release);
    }
}

/// The background task: a sync at start, after each submit, every minute.
pub fn spawn_background(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let team = app.state::<Arc<Team>>().inner().clone();
        loop {
            run_sync(&app).await;
            tokio::select! {
                _ = tokio::time::sleep(PERIOD) => {}
                _ = team.wake.notified() => {}
            }
        }
    });
}

fn settings(team: &Team, url: Option<String>, user: Option<String>) -> TeamSettings {
    let token = team.token.load();
    TeamSettings {
        url,
        user,
        has_token: token.is_some(),
        token_store: token.map(|(_, s)| s).unwrap_or_else(|| team.token.probe()),
        token_path: team.token.file().display().to_string(),
        status: team.status(),
    }
}

async fn url_and_user(db: &Db) -> IpcResult<(Option<String>, Option<String>)> {
    db.run(|s| {
        Ok((
            s.setting(URL_KEY)?.filter(|u| !u.is_empty()),
            s.setting(USER_KEY)?.filter(|u| !u.is_empty()),
        ))
    })
    .await
}

pub async fn team_settings(
    db: State<'_, Db>,
    team: State<'_, Arc<Team>>,
) -> IpcResult<TeamSettings> {
    let (url, user) = url_and_user(&db).await?;
    let team = team.inner().clone();
    tauri::async_runtime::spawn_blocking(move || settings(&team, url, user))
        .await
        .map_err(IpcError::internal)
}

/// Saves the server URL (in the database) and the token (keyring or file),
/// then syncs in the background.
pub async fn set_team_server(
    db: State<'_, Db>,
    team: State<'_, Arc<Team>>,
    url: String,
    token: String,
) -> IpcResult<TeamSettings> {
    let url = sync::normalise_url(&url).map_err(IpcError::from)?;
    let token = token.trim().to_string();
    if token.is_empty() || token.chars().any(char::is_whitespace) {
        return Err(IpcError::from(panelist_core::Error::Invalid(
            "token: paste the token `panelist-server user add` printed (one word)".into(),
        )));
    }
    // The token first: if it cannot be kept, the server setting is unchanged.
    let t = team.inner().clone();
    tauri::async_runtime::spawn_blocking(move || t.token.save(&token))
        .await
        .map_err(IpcError::internal)?
        .map_err(|e| {
            IpcError::from(panelist_core::Error::Io(format!(
                "token: cannot store it: {e}"
            )))
        })?;
    db.run(move |s| sync::set_server(s, &url).map(|_| ()))
        .await?;
    team.wake();
    team_settings(db, team).await
}

/// Erases a candidate on the team server (admins; `POST /v1/erasures`):
/// their sessions there go, and every colleague's Panelist erases them at
/// its next sync. Answers the sessions the server deleted. The local
/// erasure is `erase_candidate`'s, asked for separately by the page.
pub async fn erase_on_server(app: AppHandle, name: String) -> IpcResult<u32> {
    let reopen = app.state::<Db>().reopener().await;
    let job = tauri::async_runtime::spawn_blocking(move || -> IpcResult<u32> {
        // A second connection: the app's store is never held across the network.
        let mut store = reopen?.open()?;
        let remote = Remote::from_store(&mut store)?;
        let sessions = remote.erase_candidate(&name)?.sessions;
        Ok(u32::try_from(sessions).unwrap_or(u32::MAX))
    });
    job.await
        .map_err(|e| IpcError::internal(format!("the erasure task failed: {e}")))?
}

/// Syncs now and answers with the new status.
pub async fn sync_now(app: AppHandle) -> IpcResult<SyncStatus> {
    Ok(run_sync(&app).await)
}

/// The current status, with the outbox counted afresh.
pub async fn sync_status(db: State<'_, Db>, team: State<'_, Arc<Team>>) -> IpcResult<SyncStatus> {
    let (w, c) = db.run(|s| counts(s)).await?;
    let mut s = team.status();
    s.waiting = w;
    s.conflicts = c;
    if s.state == SyncState::Synced && w > 0 {
        s.state = SyncState::Waiting;
    }
    Ok(s)
}

/// What the Team screen lists for the user to act on: own sessions in
/// conflict with the team server's copy, and colleagues' sessions this
/// database refused (set aside, with the reason).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TeamProblems {
    pub conflicts: Vec<sync::SyncConflict>,
    pub set_aside: Vec<sync::SetAside>,
}

/// [`team_problems`] on a store (also for the seal test).
pub fn problems_of(store: &Store) -> panelist_core::Result<TeamProblems> {
    Ok(TeamProblems {
        conflicts: sync::conflicts(store)?,
        set_aside: store.set_aside_sessions()?,
    })
}

/// The conflicts and set-aside sessions, for the Team screen.
pub async fn team_problems(db: State<'_, Db>) -> IpcResult<TeamProblems> {
    db.run(|s| problems_of(s)).await
}

/// "Take the server's copy" of an own session in conflict: this machine's
/// copy is erased (to the bytes) and replaced by the copy the last sync
/// kept; the page confirms first. Answers what was done.
pub async fn take_server_copy(
    db: State<'_, Db>,
    team: State<'_, Arc<Team>>,
    session_id: panelist_core::SessionId,
) -> IpcResult<sync::Resolved> {
    let done = db
        .run(move |s| {
            s.take_server_copy(
                session_id,
                uuid::Uuid::now_v7(),
                uuid::Uuid::now_v7(),
                chrono::Utc::now(),
            )
        })
        .await?;
    team.wake();
    Ok(done)
}

/// "Test connection": reaches the team server with the URL and token typed
/// in the form (each falls back to the saved one when left empty; nothing is
/// saved) and says in one sentence what is wrong (name lookup, refused, TLS,
/// token, server version), as `panelist remote test` does.
pub async fn test_connection(
    app: AppHandle,
    url: Option<String>,
    token: Option<String>,
) -> IpcResult<sync::ConnectionTest> {
    let reopen = app.state::<Db>().reopener().await;
    let job = tauri::async_runtime::spawn_blocking(move || -> IpcResult<sync::ConnectionTest> {
        // A second connection: the app's store is never held across the network.
        let mut store = reopen?.open()?;
        let remote = Remote::trying(&mut store, url.as_deref(), token.as_deref())?;
        Ok(remote.test())
    });
    job.await
        .map_err(|e| IpcError::internal(format!("the connection test failed: {e}")))?
}
