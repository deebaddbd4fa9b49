//! Managed state: the one `Store`, owned by one thread (`panelist-db`) that
//! runs the commands' core calls one after another. A command hands its call
//! over a channel and awaits the answer, which is sent once the call has
//! returned: for a write, after its IMMEDIATE transaction committed with
//! `synchronous=FULL` (the durable commit is confirmed before the page hears
//! "saved"). No mutex and no hop through the blocking pool: the thread is
//! parked on the channel between calls and owns the connection (and its
//! cached statements) for the app's lifetime.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use panelist_core::secrets::{self, Encryption, Unlock};
use panelist_core::storage::cipher::Reopen;
use panelist_core::Store;

use crate::error::{IpcError, IpcResult};

type Job = Box<dyn FnOnce(&mut Store) + Send>;

pub struct Db {
    /// The database thread's queue, or why the store could not be opened
    /// (shown by the UI).
    jobs: Result<mpsc::Sender<Job>, IpcError>,
    pub path: PathBuf,
    /// How the database is protected at rest (Settings), once open.
    pub encryption: Option<Encryption>,
    /// What opens a second connection with the same key (the background
    /// sync), taken when the store was opened.
    reopen: Result<Reopen, IpcError>,
}

/// Where the time of one call went (logged at debug level by `set_notes`).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// From handing the call over to the database thread starting it.
    pub queued: Duration,
    /// The core call itself (for a write: the transaction and its fsync).
    pub work: Duration,
    /// From the call's end to the command resuming with its answer.
    pub answer: Duration,
}

impl Db {
    /// Opens the database under the core's key policy (`secrets`), with the
    /// passphrase from `PANELIST_PASSPHRASE` if set.
    pub fn open(path: PathBuf) -> Self {
        Self::open_with(path, Unlock::from_env())
    }

    /// Opens with a passphrase the user typed (the hook for a start dialog:
    /// `secrets::needs_passphrase` says when one is needed), and starts the
    /// database thread that owns the store.
    pub fn open_with(path: PathBuf, unlock: Unlock) -> Self {
        let opened = secrets::open(&path, &unlock);
        let encryption = opened.as_ref().ok().map(|o| o.encryption);
        if let Ok(o) = &opened {
            if let Some(n) = &o.notice {
                tracing::warn!("{n}");
            }
            if o.migrated {
                tracing::info!("encrypted {}", path.display());
            }
        }
        let mut reopen = Err(IpcError::internal("the database is not open"));
        let jobs = opened.map_err(IpcError::from).and_then(|o| {
            let store = o.store;
            reopen = store.reopener().map_err(IpcError::from);
            let (tx, rx) = mpsc::channel::<Job>();
            std::thread::Builder::new()
                .name("panelist-db".into())
                .spawn(move || {
                    let mut store = store;
                    // Ends when the app drops its `Db` (the sender).
                    for job in rx {
                        job(&mut store);
                    }
                })
                .map_err(|e| {
                    IpcError::internal(format!("cannot start the database thread: {e}"))
                })?;
            Ok(tx)
        });
        if let Err(e) = &jobs {
            tracing::error!("cannot open {}: {e}", path.display());
            reopen = Err(e.clone());
        }
        Db {
            jobs,
            path,
            encryption,
            reopen,
        }
    }

    /// What opens a second connection to the database with the same key
    /// (the background sync).
    pub fn reopener(&self) -> IpcResult<Reopen> {
        self.reopen.clone()
    }

    pub fn open_error(&self) -> Option<IpcError> {
        self.jobs.as_ref().err().cloned()
    }

    /// Runs `f` with the store on the database thread and returns its answer.
    /// A panic in `f` is an internal error; SQLite rolled back whatever
    /// transaction it interrupted, and the thread goes on.
    pub async fn run<T, F>(&self, f: F) -> IpcResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> panelist_core::Result<T> + Send + 'static,
    {
        self.run_timed(f).await.0
    }

    /// [`Db::run`], with where the time went.
    pub async fn run_timed<T, F>(&self, f: F) -> (IpcResult<T>, Option<Timing>)
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> panelist_core::Result<T> + Send + 'static,
    {
        let jobs = match &self.jobs {
            Ok(jobs) => jobs,
            Err(e) => return (Err(e.clone()), None),
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sent = Instant::now();
        let job: Job = Box::new(move |store| {
            let started = Instant::now();
            let out = catch_unwind(AssertUnwindSafe(|| f(store)));
            let _ = tx.send((out, started, Instant::now()));
        });
        if jobs.send(job).is_err() {
            return (
                Err(IpcError::internal("the database thread has stopped")),
                None,
            );
        }
        match rx.await {
            Ok((out, started, ended)) => {
                let timing = Timing {
                    queued: started - sent,
                    work: ended - started,
                    answer: ended.elapsed(),
                };
                let out = match out {
                    Ok(r) => r.map_err(IpcError::from),
                    Err(_) => Err(IpcError::internal("a database call failed unexpectedly")),
                };
                (out, Some(timing))
            }
            Err(_) => (
                Err(IpcError::internal("the database thread has stopped")),
                None,
            ),
        }
    }

    /// Waits for every call handed over so far to finish (used just before
    /// exiting). Blocks: call it off the async runtime.
    pub fn quiesce(&self) {
        if let Ok(jobs) = &self.jobs {
            let (tx, rx) = mpsc::channel();
            let done: Job = Box::new(move |_| {
                let _ = tx.send(());
            });
            if jobs.send(done).is_ok() {
                let _ = rx.recv();
            }
        }
    }
}

/// How the database is protected at rest: keyring, passphrase or plain (the
/// Settings screen). An error when the database could not be opened.
pub async fn encryption_status(db: tauri::State<'_, Db>) -> IpcResult<Encryption> {
    db.open_error().map_or(Ok(()), Err)?;
    db.encryption
        .ok_or_else(|| IpcError::internal("the database is not open"))
}
