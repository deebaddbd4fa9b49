//! Managed state: the one `Store` behind a std `Mutex`, and the helper every
//! command uses to run a core call on the blocking pool. The lock is taken and
//! released inside the blocking task, so it is never held across an `.await`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use panelist_core::Store;

use crate::error::{IpcError, IpcResult};

pub struct Db {
    /// The open store, or why it could not be opened (shown by the UI).
    store: Result<Arc<Mutex<Store>>, IpcError>,
    pub path: PathBuf,
}

impl Db {
    pub fn open(path: PathBuf) -> Self {
        let store = Store::open(&path)
            .map(|s| Arc::new(Mutex::new(s)))
            .map_err(IpcError::from);
        if let Err(e) = &store {
            tracing::error!("cannot open {}: {e}", path.display());
        }
        Db { store, path }
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
