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
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use panelist_core::secrets::{self, Encryption, Unlock};
use panelist_core::storage::cipher::Reopen;
use panelist_core::Store;

use crate::error::{ErrorCode, IpcError, IpcResult};

type Job = Box<dyn FnOnce(&mut Slot) + Send>;

/// What the start dialog says when a passphrase does not open the database.
pub const WRONG_PASSPHRASE: &str = "Wrong passphrase: it does not open this database. Try again.";

pub struct Db {
    /// The database thread's queue.
    jobs: mpsc::Sender<Job>,
    pub path: PathBuf,
}

/// What the database thread holds: the open store, or why there is none.
/// Only that thread touches it, one job at a time, so unlocking and
/// restoring (which close and reopen the store) never race a call.
pub struct Slot {
    path: PathBuf,
    /// What opened the database (a passphrase from the environment or the
    /// start dialog): a restore keys the restored database the same way.
    unlock: Unlock,
    held: Held,
}

enum Held {
    Open(Box<Opened>),
    /// Encrypted with a passphrase nobody has given yet (the start dialog).
    Locked,
    /// Could not be opened: every call answers with why.
    Failed(IpcError),
}

/// An open store and what opening it found out.
struct Opened {
    store: Store,
    /// How the database is protected at rest (Settings).
    encryption: Encryption,
    /// What opens a second connection with the same key (the background
    /// sync).
    reopen: IpcResult<Reopen>,
}

fn locked() -> IpcError {
    IpcError::new(
        ErrorCode::Unauthorized,
        "the database is encrypted with a passphrase: enter it to open the database",
    )
}

impl Slot {
    /// Opens the store, or stays locked when a passphrase is needed and
    /// none was given (`secrets::needs_passphrase`).
    fn start(path: PathBuf, unlock: Unlock) -> Slot {
        let held = if secrets::needs_passphrase(&path, &unlock) {
            tracing::info!("{} needs its passphrase", path.display());
            Held::Locked
        } else {
            match open_store(&path, &unlock) {
                Ok(o) => Held::Open(Box::new(o)),
                Err(e) => {
                    tracing::error!("cannot open {}: {e}", path.display());
                    Held::Failed(e)
                }
            }
        };
        Slot { path, unlock, held }
    }

    fn opened(&self) -> IpcResult<&Opened> {
        match &self.held {
            Held::Open(o) => Ok(o),
            Held::Locked => Err(locked()),
            Held::Failed(e) => Err(e.clone()),
        }
    }

    fn store(&mut self) -> IpcResult<&mut Store> {
        match &mut self.held {
            Held::Open(o) => Ok(&mut o.store),
            Held::Locked => Err(locked()),
            Held::Failed(e) => Err(e.clone()),
        }
    }

    /// Whether the database waits for its passphrase.
    pub fn is_locked(&self) -> bool {
        matches!(self.held, Held::Locked)
    }

    /// Opens a locked database with the passphrase the user typed. A wrong
    /// one is refused with [`WRONG_PASSPHRASE`] and the database stays
    /// locked (the dialog asks again); an open one is left as it is.
    pub fn unlock(&mut self, passphrase: String) -> IpcResult<Encryption> {
        if !self.is_locked() {
            return Ok(self.opened()?.encryption);
        }
        let unlock = Unlock::with_passphrase(passphrase);
        let Some(o) = secrets::open_with_passphrase(&self.path, &unlock)? else {
            return Err(IpcError::new(ErrorCode::Invalid, WRONG_PASSPHRASE));
        };
        let o = held(o);
        let encryption = o.encryption;
        self.unlock = unlock;
        self.held = Held::Open(Box::new(o));
        tracing::info!("{} unlocked", self.path.display());
        Ok(encryption)
    }

    /// Sets a passphrase (Settings): a plain or keyring database is
    /// encrypted or re-keyed with it (`secrets::set_passphrase`), and the
    /// app opens it with it from now on. Refused (in use, empty), the
    /// database opens again as it was.
    pub fn set_passphrase(&mut self, passphrase: String) -> IpcResult<Encryption> {
        self.opened()?;
        let Held::Open(o) = std::mem::replace(&mut self.held, Held::Locked) else {
            unreachable!("checked open above");
        };
        match secrets::set_passphrase(o.store, &passphrase) {
            Ok(o) => {
                self.unlock = Unlock::with_passphrase(passphrase);
                self.held = Held::Open(Box::new(held(o)));
                tracing::info!("{} now opens with a passphrase", self.path.display());
                Ok(Encryption::Passphrase)
            }
            Err(e) => {
                self.reopen_as_before();
                Err(e.into())
            }
        }
    }

    /// After a refused change: the database as it was, with what opened it.
    fn reopen_as_before(&mut self) {
        self.held = match open_store(&self.path, &self.unlock) {
            Ok(o) => Held::Open(Box::new(o)),
            Err(again) => Held::Failed(again),
        };
    }

    /// Replaces the database with the backup `from` (`secrets::restore`,
    /// keyed as the database was opened) and opens it. The store is closed
    /// first; when the restore is refused (a wrong key, not a backup, the
    /// file in use) nothing changed and the database opens again as it was.
    pub fn restore(&mut self, from: &Path) -> IpcResult<Encryption> {
        self.opened()?;
        // Close the app's own connection: restoring needs the file to itself.
        self.held = Held::Locked;
        match secrets::restore(&self.path, from, &self.unlock) {
            Ok(o) => {
                let o = held(o);
                let encryption = o.encryption;
                self.held = Held::Open(Box::new(o));
                tracing::info!("restored {} from {}", self.path.display(), from.display());
                Ok(encryption)
            }
            Err(e) => {
                self.reopen_as_before();
                Err(e.into())
            }
        }
    }
}

impl Db {
    /// Opens the database under the core's key policy (`secrets`), with the
    /// passphrase from `PANELIST_PASSPHRASE` if set; without one, a
    /// passphrase database waits locked for the start dialog
    /// ([`Slot::unlock`]).
    pub fn open(path: PathBuf) -> Self {
        Self::open_with(path, Unlock::from_env())
    }

    /// Starts the database thread, which opens the store with `unlock` (or
    /// waits for a passphrase, see [`Db::open`]) and then runs the calls.
    pub fn open_with(path: PathBuf, unlock: Unlock) -> Self {
        let (jobs, rx) = mpsc::channel::<Job>();
        let at = path.clone();
        let spawned = std::thread::Builder::new()
            .name("panelist-db".into())
            .spawn(move || {
                let mut slot = Slot::start(at, unlock);
                // Ends when the app drops its `Db` (the sender).
                for job in rx {
                    job(&mut slot);
                }
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the database thread: {e}");
        }
        Db { jobs, path }
    }

    /// What opens a second connection to the database with the same key
    /// (the background sync).
    pub async fn reopener(&self) -> IpcResult<Reopen> {
        self.with_slot(|slot| slot.opened()?.reopen.clone()).await
    }

    /// How the database is protected at rest.
    pub async fn encryption(&self) -> IpcResult<Encryption> {
        self.with_slot(|slot| Ok(slot.opened()?.encryption)).await
    }

    /// Why the database is not open (locked, or an open error), once the
    /// attempt is over.
    pub async fn open_error(&self) -> Option<IpcError> {
        self.with_slot(|slot| slot.opened().map(|_| ())).await.err()
    }

    /// Whether the database waits for its passphrase (the start dialog).
    pub async fn is_locked(&self) -> IpcResult<bool> {
        self.with_slot(|slot| Ok(slot.is_locked())).await
    }

    /// Runs `f` with the store on the database thread and returns its answer.
    /// A panic in `f` is an internal error; SQLite rolled back whatever
    /// transaction it interrupted, and the thread goes on.
    pub async fn run<T, F>(&self, f: F) -> IpcResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> panelist_core::Result<T> + Send + 'static,
    {
        self.with_slot(move |slot| f(slot.store()?).map_err(IpcError::from))
            .await
    }

    /// Runs `f` with the database thread's [`Slot`] (unlocking, restoring,
    /// the state of the store).
    pub async fn with_slot<T, F>(&self, f: F) -> IpcResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Slot) -> IpcResult<T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(f, move |out| {
            let _ = tx.send(out);
        });
        rx.await.unwrap_or_else(|_| Err(stopped()))
    }

    /// Runs `f` with the store on the database thread and gives its answer
    /// to `answer` there, without waiting for it: the direct commands of
    /// `ipc.in` (those that take `store: &mut Store`) answer the page
    /// straight from the database thread, which saves the two hops through
    /// the async runtime that [`Db::run`] makes. The time the call waited
    /// and worked is logged at debug level under the command's name.
    pub fn call<T, F, A>(&self, command: &'static str, f: F, answer: A)
    where
        F: FnOnce(&mut Store) -> IpcResult<T> + Send + 'static,
        A: FnOnce(IpcResult<T>) + Send + 'static,
    {
        let sent = Instant::now();
        self.submit(
            move |slot| {
                let started = Instant::now();
                let out = f(slot.store()?);
                tracing::debug!(
                    command,
                    result = ?out.as_ref().map(|_| ()).map_err(|e| e.code),
                    queued = ?(started - sent),
                    work = ?started.elapsed(),
                    "database call"
                );
                out
            },
            answer,
        );
    }

    /// The one way a call reaches the database thread: `f` runs there with
    /// the [`Slot`] and `answer` gets its result there. A panic in `f` is an
    /// internal error (SQLite rolled back whatever transaction it
    /// interrupted, and the thread goes on); with no database thread,
    /// `answer` gets that error at once, here.
    fn submit<T, F, A>(&self, f: F, answer: A)
    where
        F: FnOnce(&mut Slot) -> IpcResult<T> + Send + 'static,
        A: FnOnce(IpcResult<T>) + Send + 'static,
    {
        let job: Job = Box::new(move |slot| {
            answer(
                catch_unwind(AssertUnwindSafe(|| f(slot))).unwrap_or_else(|_| {
                    Err(IpcError::internal("a database call failed unexpectedly"))
                }),
            )
        });
        if let Err(mpsc::SendError(job)) = self.jobs.send(job) {
            job(&mut Slot {
                path: self.path.clone(),
                unlock: Unlock::default(),
                held: Held::Failed(stopped()),
            });
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

fn stopped() -> IpcError {
    IpcError::internal("the database thread has stopped")
}

/// Opens the store under the core's key policy (on the database thread).
fn open_store(path: &Path, unlock: &Unlock) -> IpcResult<Opened> {
    let o = secrets::open(path, unlock)?;
    if let Some(n) = &o.notice {
        tracing::warn!("{n}");
    }
    if o.migrated {
        tracing::info!("encrypted {}", path.display());
    }
    Ok(held(o))
}

/// What the database thread keeps of an opened store.
fn held(o: secrets::Opened) -> Opened {
    let reopen = o.store.reopener().map_err(IpcError::from);
    Opened {
        store: o.store,
        encryption: o.encryption,
        reopen,
    }
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

    fn passphrase_db(dir: &std::path::Path, pass: &str) -> PathBuf {
        let path = dir.join("panelist.db");
        let mut o = secrets::open(&path, &Unlock::with_passphrase(pass)).unwrap();
        o.store.set_setting("probe", "kept").unwrap();
        path
    }

    /// A passphrase database with no passphrase given waits locked: every
    /// call says so, a wrong passphrase is refused in one line and it stays
    /// locked, the right one opens it.
    #[test]
    fn a_passphrase_database_waits_for_the_start_dialog() {
        let dir = tempfile::tempdir().unwrap();
        let path = passphrase_db(dir.path(), "open sesame");
        let db = Db::open_with(path, Unlock::default());
        assert!(block_on(db.is_locked()).unwrap());
        let call = block_on(db.run(|s| s.setting("probe"))).unwrap_err();
        assert_eq!(call.code, ErrorCode::Unauthorized);
        assert_eq!(
            block_on(db.open_error()).unwrap().code,
            ErrorCode::Unauthorized
        );
        let wrong = block_on(db.with_slot(|s| s.unlock("open barley".into()))).unwrap_err();
        assert_eq!(wrong.message, WRONG_PASSPHRASE);
        assert!(!wrong.message.contains('\n'));
        assert!(block_on(db.is_locked()).unwrap());
        let how = block_on(db.with_slot(|s| s.unlock("open sesame".into()))).unwrap();
        assert_eq!(how, Encryption::Passphrase);
        assert!(!block_on(db.is_locked()).unwrap());
        let seen = block_on(db.run(|s| s.setting("probe"))).unwrap();
        assert_eq!(seen.as_deref(), Some("kept"));
        assert!(block_on(db.reopener()).unwrap().open().is_ok());
        db.quiesce();
    }

    /// The background sync opens its own connection each minute (and
    /// after each submit). With a passphrase database those connections
    /// pay no key derivation: the key derived once is reused (it used to
    /// be derived anew by every connection, about a third of a second of
    /// CPU each). A database the app itself created with a passphrase pays
    /// one derivation for all of them.
    #[test]
    fn the_background_syncs_connections_derive_no_key() {
        use panelist_core::storage::cipher::key_derivations;
        const SYNCS: u64 = 5;
        let dir = tempfile::tempdir().unwrap();
        let path = passphrase_db(dir.path(), "open sesame");
        let db = Db::open_with(path, Unlock::with_passphrase("open sesame"));
        assert_eq!(block_on(db.encryption()).unwrap(), Encryption::Passphrase);
        let (before, started) = (key_derivations(), Instant::now());
        for _ in 0..SYNCS {
            let store = block_on(db.reopener()).unwrap().open().unwrap();
            assert_eq!(store.setting("probe").unwrap().as_deref(), Some("kept"));
        }
        eprintln!("{SYNCS} sync connections opened in {:?}", started.elapsed());
        assert_eq!(
            key_derivations() - before,
            0,
            "key derivations over {SYNCS} background syncs"
        );
        db.quiesce();

        // Created by the app with the passphrase (SQLCipher made the salt).
        let fresh = Db::open_with(
            dir.path().join("fresh.db"),
            Unlock::with_passphrase("open sesame"),
        );
        let before = key_derivations();
        for _ in 0..SYNCS {
            block_on(fresh.reopener()).unwrap().open().unwrap();
        }
        assert_eq!(
            key_derivations() - before,
            1,
            "key derivations over {SYNCS} background syncs of a new database"
        );
        fresh.quiesce();
    }

    /// Settings' "Set passphrase" on a plain database: encrypted with it,
    /// open at once, and the next start needs it.
    #[test]
    fn a_passphrase_set_in_settings_encrypts_and_is_needed_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("panelist.db");
        let db = Db::open_with(path.clone(), Unlock::default());
        block_on(db.run(|s| s.set_setting("probe", "kept"))).unwrap();
        assert_eq!(block_on(db.encryption()).unwrap(), Encryption::Plain);
        let empty = block_on(db.with_slot(|s| s.set_passphrase(String::new()))).unwrap_err();
        assert_eq!(empty.code, ErrorCode::Invalid);
        assert_eq!(block_on(db.encryption()).unwrap(), Encryption::Plain);
        let how = block_on(db.with_slot(|s| s.set_passphrase("new one".into()))).unwrap();
        assert_eq!(how, Encryption::Passphrase);
        let seen = block_on(db.run(|s| s.setting("probe"))).unwrap();
        assert_eq!(seen.as_deref(), Some("kept"));
        assert!(block_on(db.reopener()).unwrap().open().is_ok());
        drop(db);
        let next = Db::open_with(path, Unlock::default());
        assert!(block_on(next.is_locked()).unwrap());
        block_on(next.with_slot(|s| s.unlock("new one".into()))).unwrap();
        next.quiesce();
    }

    /// Restore from the app: the database is replaced by the backup and
    /// open again at once; a backup no key here opens is refused in one
    /// line and the database is as it was, still open.
    #[test]
    fn restore_replaces_the_open_database_or_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_with(dir.path().join("panelist.db"), Unlock::default());
        let backup = dir.path().join("backup.db");
        let to = backup.clone();
        block_on(db.run(|s| s.set_setting("probe", "before"))).unwrap();
        block_on(db.run(move |s| s.backup_to(&to))).unwrap();
        block_on(db.run(|s| s.set_setting("probe", "after"))).unwrap();
        let from = backup.clone();
        let how = block_on(db.with_slot(move |s| s.restore(&from))).unwrap();
        assert_eq!(how, Encryption::Plain);
        let seen = block_on(db.run(|s| s.setting("probe"))).unwrap();
        assert_eq!(seen.as_deref(), Some("before"));

        // A backup of another database, encrypted with a passphrase not given here.
        let other = tempfile::tempdir().unwrap();
        let theirs = passphrase_db(other.path(), "not yours");
        let foreign = other.path().join("foreign-backup.db");
        {
            let o = secrets::open(&theirs, &Unlock::with_passphrase("not yours")).unwrap();
            o.store.backup_to(&foreign).unwrap();
        }
        block_on(db.run(|s| s.set_setting("probe", "still here"))).unwrap();
        let refused = block_on(db.with_slot(move |s| s.restore(&foreign))).unwrap_err();
        assert!(
            refused
                .message
                .contains("does not open with this passphrase or key")
                && !refused.message.contains('\n'),
            "{}",
            refused.message
        );
        let seen = block_on(db.run(|s| s.setting("probe"))).unwrap();
        assert_eq!(seen.as_deref(), Some("still here"));
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
