//! Panelist desktop app: a Tauri window over `panelist-core`.
//!
//! Usage: `panelist-app [--db PATH]`. The database is `--db`, else
//! `$PANELIST_DB`, else `<OS data dir>/dev.panelist.app/panelist.db`.
//! Builds with the `e2e` feature (the E2E tests) also read the test hooks of
//! `test_hooks`, which replace the file dialogs.
//! `PANELIST_CONFIG_DIR` replaces the config folder of the team token file and
//! `PANELIST_TOKEN_STORE=file` skips the OS keyring (tests).

#![cfg_attr(all(not(debug_assertions), windows), windows_subsystem = "windows")]

mod bank;
mod commands;
mod error;
mod ipc;
mod panel;
mod plans;
mod rendering;
#[cfg(test)]
mod seal_tests;
mod settings;
mod shutdown;
mod state;
mod team;
mod test_hooks;

use std::path::PathBuf;
use std::process::ExitCode;

use tauri::{DragDropEvent, Manager, RunEvent, WindowEvent};

use panel::{ClashedImport, DroppedFiles};
use shutdown::Shutdown;
use state::Db;

const USAGE: &str = "usage: panelist-app [--db PATH]

  --db PATH   database file (default: $PANELIST_DB, then the OS data folder)

Environment:
  PANELIST_DB            database file when --db is not given
  PANELIST_CONFIG_DIR    folder for the team server token file (default: the OS config folder)
  PANELIST_TOKEN_STORE   `file` keeps the team token in that file even where an OS keyring exists";

#[derive(Debug, PartialEq, Eq)]
enum Args {
    Run { db: Option<PathBuf> },
    Help,
    Version,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut db = None;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => {
                let v = it.next().ok_or("--db needs a file path")?;
                db = Some(PathBuf::from(v));
            }
            "-h" | "--help" => return Ok(Args::Help),
            "-V" | "--version" => return Ok(Args::Version),
            other => {
                if let Some(v) = other.strip_prefix("--db=") {
                    if v.is_empty() {
                        return Err("--db needs a file path".into());
                    }
                    db = Some(PathBuf::from(v));
                } else {
                    // Launchers (WebDriver, desktop files) may add their own
                    // arguments; say so, but start anyway.
                    tracing::warn!("ignoring unknown argument {other:?}");
                }
            }
        }
    }
    Ok(Args::Run { db })
}

/// Logs go to stderr, filtered by `RUST_LOG` (e.g. `RUST_LOG=panelist_app=debug`
/// for each notes save and the exit flush with timings); by default warnings
/// and errors, plus the app's own information.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,panelist_app=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

fn main() -> ExitCode {
    init_logging();
    let db_arg = match parse_args(std::env::args().skip(1)) {
        Ok(Args::Run { db }) => db,
        Ok(Args::Help) => {
            println!("{USAGE}{}", test_hooks::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Args::Version) => {
            println!("panelist-app {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let db_path = match panelist_core::storage::resolve_db_path(db_arg.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            tracing::error!("{e}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(db = %db_path.display(), "starting");

    let app = tauri::Builder::default()
        // First: a second launch on the same database hands over to the
        // running one (which comes to the front) and exits.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(panelist_core::team_token::instance_id(&db_path))
                .callback(|app, _argv, _cwd| {
                    if let Some(w) = app.get_webview_window("main") {
                        let _ = w.unminimize();
                        let _ = w.show();
                        let _ = w.set_focus();
                    }
                })
                .build(),
        )
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .manage(plans::Reminded::default())
        .manage(Shutdown::default())
        .manage(DroppedFiles::default())
        .manage(ClashedImport::default())
        .setup(move |app| {
            // Opening may create and seed the database; a failure is shown by
            // the page (app_info), not by a crash.
            app.manage(std::sync::Arc::new(team::Team::new(&db_path)));
            app.manage(Db::open(db_path));
            // GPU or CPU drawing for the page (rendering.rs).
            match app.get_webview_window("main") {
                Some(w) => rendering::apply(&w, rendering::for_this_machine()),
                None => tracing::warn!("no main window to set the rendering of"),
            }
            // The team server's background sync (idle while none is set).
            team::spawn_background(app.handle().clone());
            // Overdue feedback reminders (plans.rs).
            plans::spawn_reminders(app.handle().clone());
            if let Err(e) = shutdown::watch_signals(app.handle().clone()) {
                tracing::error!("cannot watch for SIGTERM: {e}");
            }
            Ok(())
        })
        .on_window_event(|window, event| match event {
            WindowEvent::CloseRequested { api, .. } => {
                let app = window.app_handle().clone();
                if !app.state::<Shutdown>().is_exiting() {
                    api.prevent_close();
                    std::thread::spawn(move || shutdown::flush_and_exit(app, "window closed"));
                }
            }
            // Files dropped on the window: the page may import exactly these.
            WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) => {
                window.state::<DroppedFiles>().set(paths);
            }
            _ => {}
        })
        // Every command of src/ipc.in (the one declaration).
        .invoke_handler(ipc::handler())
        .build(tauri::generate_context!("../tauri.conf.json"));
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    app.run(|handle, event| {
        if let RunEvent::ExitRequested {
            code: None, api, ..
        } = event
        {
            // The last window went away without our flush (should not
            // happen): flush first, then exit for real.
            if !handle.state::<Shutdown>().is_exiting() {
                api.prevent_exit();
                let handle = handle.clone();
                std::thread::spawn(move || shutdown::flush_and_exit(handle, "last window closed"));
            }
        }
    });
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Result<Args, String> {
        parse_args(v.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_db_argument() {
        assert_eq!(args(&[]), Ok(Args::Run { db: None }));
        assert_eq!(
            args(&["--db", "/tmp/x.db"]),
            Ok(Args::Run {
                db: Some("/tmp/x.db".into())
            })
        );
        assert_eq!(
            args(&["--db=/tmp/y.db"]),
            Ok(Args::Run {
                db: Some("/tmp/y.db".into())
            })
        );
        assert!(args(&["--db"]).is_err());
        assert!(args(&["--db="]).is_err());
        assert_eq!(args(&["--frobnicate"]), Ok(Args::Run { db: None }));
        assert_eq!(args(&["--help"]), Ok(Args::Help));
    }
}
