//! Managed state: the one `Store`, owned by one thread (`panelist-db`) that
//! runs the commands' core calls one after another. A command hands its call
//! over a channel and awaits the answer, which is sent once the call has
//! returned: for a write, after its IMMEDIATE transaction committed with
//! `synchronous=FULL` (the durable commit is confirmed before the page hears
//! "saved"). No mutex and no hop through the blocking pool: the thread is
//! parked on the channel between calls and owns the connection (and its
//! cached statements) for the app's lifetime. The thread also opens the
//! database (the key policy may ask the OS keyring over D-Bus, derive a
//! passphrase's key or encrypt a plain file first), so none of that runs on
//! the UI thread at start-up: calls made meanwhile wait in the queue.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{mpsc, Arc, OnceLock};
use std::time::{Duration, Instant};

use panelist_core::secrets::{self, Encryption, Unlock};
use panelist_core::storage::cipher::Reopen;
use panelist_core::Store;

use crate::error::{IpcError, IpcResult};

type Job = Box<dyn FnOnce(&mut Store) + Send>;

pub struct Db {
    /// The database thread's queue.
    jobs: mpsc::Sender<Job>,
    pub path: PathBuf,
    /// Set by the database thread once it has tried to open the store: how
    /// it is protected and how to reach it again, or why it could not be
    /// opened (shown by the UI).
    opened: Arc<OnceLock<IpcResult<Opened>>>,
}

/// What opening the store found out.
struct Opened {
    /// How the database is protected at rest (Settings).
    encryption: Encryption,
    /// What opens a second connection with the same key (the background
    /// sync).
    reopen: IpcResult<Reopen>,
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
    /// `secrets::needs_passphrase` says when one is needed): starts the
    /// database thread, which opens the store and then runs the calls.
    pub fn open_with(path: PathBuf, unlock: Unlock) -> Self {
        let (jobs, rx) = mpsc::channel::<Job>();
        let opened = Arc::new(OnceLock::new());
        let (at, told) = (path.clone(), opened.clone());
        let spawned = std::thread::Builder::new()
            .name("panelist-db".into())
            .spawn(move || {
                let mut store = match open_store(&at, &unlock) {
                    Ok((store, state)) => {
                        let _ = told.set(Ok(state));
                        store
                    }
                    Err(e) => {
                        tracing::error!("cannot open {}: {e}", at.display());
                        // Dropping the queue answers every call with `e`.
                        let _ = told.set(Err(e));
                        return;
                    }
                };
                // Ends when the app drops its `Db` (the sender).
                for job in rx {
                    job(&mut store);
                }
            });
        if let Err(e) = spawned {
            let _ = opened.set(Err(IpcError::internal(format!(
                "cannot start the database thread: {e}"
            ))));
        }
        Db { jobs, path, opened }
    }

    /// Waits until the store is open (or could not be).
    async fn ready(&self) -> IpcResult<&Opened> {
        self.run(|_| Ok(())).await?;
        match self.opened.get() {
            Some(Ok(o)) => Ok(o),
            Some(Err(e)) => Err(e.clone()),
            None => Err(IpcError::internal("the database is not open")),
        }
    }

    /// What opens a second connection to the database with the same key
    /// (the background sync).
    pub async fn reopener(&self) -> IpcResult<Reopen> {
        self.ready().await?.reopen.clone()
    }

    /// How the database is protected at rest.
    pub async fn encryption(&self) -> IpcResult<Encryption> {
        Ok(self.ready().await?.encryption)
    }

    /// Why the database could not be opened, once the attempt is over.
    pub async fn open_error(&self) -> Option<IpcError> {
        self.ready().await.err()
    }

    /// Why calls fail when the database thread is gone: the open error if
    /// opening failed.
    fn stopped(&self) -> IpcError {
        match self.opened.get() {
            Some(Err(e)) => e.clone(),
            _ => IpcError::internal("the database thread has stopped"),
        }
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
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sent = Instant::now();
        let job: Job = Box::new(move |store| {
            let started = Instant::now();
            let out = catch_unwind(AssertUnwindSafe(|| f(store)));
            let _ = tx.send((out, started, Instant::now()));
        });
        if self.jobs.send(job).is_err() {
            return (Err(self.stopped()), None);
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
            Err(_) => (Err(self.stopped()), None),
        }
    }

    /// Waits for every call handed over so far to finish (used just before
    /// exiting). Blocks: call it off the async runtime.
    pub fn quiesce(&self) {
        let (tx, rx) = mpsc::channel();
        let done: Job = Box::new(move |_| {
            let _ = tx.send(());
        });
        if self.jobs.send(done).is_ok() {
            let _ = rx.recv();
        }
    }
}

/// Opens the store under the core's key policy (on the database thread).
fn open_store(path: &std::path::Path, unlock: &Unlock) -> IpcResult<(Store, Opened)> {
    let o = secrets::open(path, unlock)?;
    if let Some(n) = &o.notice {
        tracing::warn!("{n}");
    }
    if o.migrated {
        tracing::info!("encrypted {}", path.display());
    }
    let reopen = o.store.reopener().map_err(IpcError::from);
    Ok((
        o.store,
        Opened {
            encryption: o.encryption,
            reopen,
        },
    ))
}

/// How the database is protected at rest: keyring, passphrase or plain (the
/// Settings screen). An error when the database could not be opened.
pub async fn encryption_status(db: tauri::State<'_, Db>) -> IpcResult<Encryption> {
    db.encryption().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tauri::async_runtime::block_on(f)
    }

    /// The store is opened on the database thread; calls made before it is
    /// open wait for it, and then run in order.
    #[test]
    fn calls_wait_for_the_store_the_database_thread_opens() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_with(dir.path().join("panelist.db"), Unlock::default());
        let seen = block_on(db.run(|s| s.setting("nothing-here")));
        assert_eq!(seen.unwrap(), None);
        assert!(block_on(db.open_error()).is_none());
        assert_eq!(block_on(db.encryption()).unwrap(), Encryption::Plain);
        let again = block_on(db.reopener()).unwrap().open().unwrap();
        drop(again);
        db.quiesce();
    }

    /// A database that cannot be opened: every call, the open error and the
    /// encryption status say why, and nothing hangs.
    #[test]
    fn a_database_that_cannot_be_opened_answers_every_call_with_why() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, b"x").unwrap();
        let db = Db::open_with(file.join("panelist.db"), Unlock::default());
        let why = block_on(db.open_error()).expect("an open error");
        let call = block_on(db.run(|s| s.setting("x"))).unwrap_err();
        assert_eq!(call.message, why.message);
        assert_eq!(block_on(db.encryption()).unwrap_err().message, why.message);
        assert!(block_on(db.reopener()).is_err());
        db.quiesce();
    }
}
