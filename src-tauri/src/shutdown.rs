//! Never lose a word on the way out. Before the process exits (window closed,
//! SIGTERM, SIGINT, SIGHUP) the shell asks the page to flush pending saves by
//! emitting `panelist://flush` with a token, waits up to a second for the
//! page's `flush_done(token)`, waits for any write in flight, then exits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager};

use crate::state::Db;

pub const FLUSH_EVENT: &str = "panelist://flush";
pub const FLUSH_TIMEOUT: Duration = Duration::from_millis(1000);

#[derive(Default)]
pub struct Shutdown {
    next_token: AtomicU64,
    waiters: Mutex<HashMap<u64, mpsc::Sender<()>>>,
    exiting: AtomicBool,
}

impl Shutdown {
    pub fn is_exiting(&self) -> bool {
        self.exiting.load(Ordering::SeqCst)
    }

    /// Emits the flush request and blocks until the page acknowledges it or
    /// `timeout` passes. Call from a thread that is not the event loop's.
    pub fn ask_page_to_flush(&self, app: &AppHandle, timeout: Duration) -> bool {
        let token = self.next_token.fetch_add(1, Ordering::SeqCst) + 1;
        let (tx, rx) = mpsc::channel();
        self.waiters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(token, tx);
        let answered = match app.emit(FLUSH_EVENT, token) {
            Ok(()) => rx.recv_timeout(timeout).is_ok(),
            Err(e) => {
                tracing::error!("cannot ask the page to flush: {e}");
                false
            }
        };
        self.waiters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&token);
        answered
    }

    pub fn ack(&self, token: u64) {
        if let Some(tx) = self
            .waiters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&token)
        {
            let _ = tx.send(());
        }
    }
}

/// Flushes the page, then exits the app. Blocks: run it on its own thread.
/// A second call while the first is running does nothing.
pub fn flush_and_exit(app: AppHandle, why: &str) {
    let shutdown = app.state::<Shutdown>();
    if shutdown.exiting.swap(true, Ordering::SeqCst) {
        return;
    }
    let started = std::time::Instant::now();
    let flushed = shutdown.ask_page_to_flush(&app, FLUSH_TIMEOUT);
    if flushed {
        tracing::debug!(elapsed = ?started.elapsed(), "{why}: page flush confirmed");
    } else {
        tracing::warn!("{why}: the page did not confirm its flush within {FLUSH_TIMEOUT:?}");
    }
    app.state::<Db>().quiesce();
    // If the event loop does not wind down (it should), do not hang forever.
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(3));
        std::process::exit(0);
    });
    app.exit(0);
}

/// Turns SIGTERM, SIGINT and SIGHUP into a flushed, orderly exit.
#[cfg(unix)]
pub fn watch_signals(app: AppHandle) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])?;
    std::thread::Builder::new()
        .name("panelist-signals".into())
        .spawn(move || {
            let mut first = true;
            for sig in signals.forever() {
                if first {
                    first = false;
                    let app = app.clone();
                    std::thread::spawn(move || flush_and_exit(app, &format!("signal {sig}")));
                } else {
                    // A second signal while flushing: the person means it.
                    std::process::exit(128 + sig);
                }
            }
        })?;
    Ok(())
}

#[cfg(not(unix))]
pub fn watch_signals(_app: AppHandle) -> std::io::Result<()> {
    Ok(())
}
