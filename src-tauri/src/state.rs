//! Managed state: the one `Store` behind a std `Mutex`, and the helper every
//! command uses to run a core call on the blocking pool. The lock is taken and
//! released inside the blocking task, so it is never held across an `.await`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use panelist_core::secrets::{self, Encryption, Unlock};
use panelist_core::Store;

use crate::error::{IpcError, IpcResult};

pub struct Db {
    /// The open store, or why it could not be opened (shown by the UI).
    store: Result<Arc<Mutex<Store>>, IpcError>,
    pub path: PathBuf,
    /// How the database is protected at rest (Settings), once open.
    pub encryption: Option<Encryption>,
}

impl Db {
    /// Opens the database under the core's key policy (`secrets`), with the
    /// passphrase from `PANELIST_PASSPHRASE` if set.
    pub fn open(path: PathBuf) -> Self {
        Self::open_with(path, Unlock::from_env())
    }

    /// Opens with a passphrase the user typed (the hook for a start dialog:
    /// `secrets::needs_passphrase` says when one is needed).
    pub fn open_with(path: PathBuf, unlock: Unlock) -> Self {
        let opened = secrets::open(&path, &unlock);
        let encryption = opened.as_ref().ok().map(|o| o.encryption);
        match &opened {
            Ok(o) => {
                if let Some(n) = &o.notice {
                    tracing::warn!("{n}");
                }
                if o.migrated {
                    tracing::info!("encrypted {}", path.display());
                }
            }
            Err(e) => tracing::error!("cannot open {}: {e}", path.display()),
        }
        let store = opened
            .map(|o| Arc::new(Mutex::new(o.store)))
            .map_err(IpcError::from);
        Db {
            store,
            path,
            encryption,
        }
    }

    /// What opens a second connection to the database with the same key
    /// (the background sync); the store's lock is held only to read it.
    pub fn reopener(&self) -> IpcResult<panelist_core::storage::cipher::Reopen> {
        let store = self.store.as_ref().map_err(Clone::clone)?;
        lock(store).reopener().map_err(IpcError::from)
    }

    pub fn open_error(&self) -> Option<IpcError> {
        self.store.as_ref().err().cloned()
    }

    /// Runs `f` with the store on the blocking thread pool. A poisoned lock is
    /// recovered: SQLite rolled back whatever transaction the panic interrupted.
    pub async fn run<T, F>(&self, f: F) -> IpcResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> panelist_core::Result<T> + Send + 'static,
    {
        let store = Arc::clone(self.store.as_ref().map_err(Clone::clone)?);
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = lock(&store);
            f(&mut guard)
        })
        .await
        .map_err(IpcError::internal)?
        .map_err(IpcError::from)
    }

    /// Waits for any write in flight to finish (used just before exiting).
    pub fn quiesce(&self) {
        if let Ok(store) = &self.store {
            drop(lock(store));
        }
    }
}

fn lock(m: &Mutex<Store>) -> MutexGuard<'_, Store> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How the database is protected at rest: keyring, passphrase or plain (the
/// Settings screen). An error when the database could not be opened.
pub async fn encryption_status(db: tauri::State<'_, Db>) -> IpcResult<Encryption> {
    db.open_error().map_or(Ok(()), Err)?;
    db.encryption
        .ok_or_else(|| IpcError::internal("the database is not open"))
}
