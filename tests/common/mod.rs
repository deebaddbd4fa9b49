//! The one way the root package's tests run the real `panelist` binary
//! (`env!("CARGO_BIN_EXE_panelist")`), included by each of them with
//! `mod common;`.
//!
//! Every run is kept off the developer's own files: `--db` is the test's
//! database, HOME and XDG_DATA_HOME are the database's folder (or the one
//! given to [`Cli::home`]), PANELIST_DB is removed, the team token goes to a
//! file (PANELIST_TOKEN_STORE=file) under `<home>/config`
//! (PANELIST_CONFIG_DIR), never to the keyring or the user's config folder.
//!
//! ```ignore
//! let id = Cli::db(&db).args(&["session", "start", ...]).ok();
//! let out = Cli::db(&db).args(&["import", path]).stdin("...").fails();
//! assert_eq!(out.status.code(), Some(1));
//! ```
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

/// A `panelist` run being put together.
pub struct Cli {
    db: Option<PathBuf>,
    home: PathBuf,
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    stdin: Option<Vec<u8>>,
}

/// What a finished run left: its exit status and its output as text (a run
/// that writes anything but UTF-8 fails the test).
#[derive(Debug)]
pub struct Out {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// The exit code (None when a signal ended the process).
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

impl Cli {
    /// `panelist --db DB ...`, with HOME (and the token file) in DB's folder.
    pub fn db(db: &Path) -> Cli {
        let home = db
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        Cli {
            db: Some(db.to_path_buf()),
            ..Cli::without_db(&home)
        }
    }

    /// `panelist ...` without `--db` (the database comes from PANELIST_DB or
    /// the data folder under `home`).
    pub fn without_db(home: &Path) -> Cli {
        Cli {
            db: None,
            home: home.to_path_buf(),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
        }
    }

    /// HOME, XDG_DATA_HOME and the config folder's parent, when not the
    /// database's folder.
    pub fn home(mut self, home: &Path) -> Cli {
        self.home = home.to_path_buf();
        self
    }

    pub fn args<S: AsRef<OsStr>>(mut self, args: &[S]) -> Cli {
        self.args
            .extend(args.iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Cli {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    /// Sets (or replaces a default of) one environment variable.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Cli {
        self.env.push((
            key.as_ref().to_os_string(),
            Some(value.as_ref().to_os_string()),
        ));
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Cli {
        self.env.push((key.as_ref().to_os_string(), None));
        self
    }

    /// Text written to the process's standard input (then closed).
    pub fn stdin(mut self, input: &str) -> Cli {
        self.stdin = Some(input.as_bytes().to_vec());
        self
    }

    /// The command, for a test that spawns it itself (closed pipes, a
    /// process that may hang).
    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_panelist"));
        if let Some(db) = &self.db {
            c.arg("--db").arg(db);
        }
        c.args(&self.args)
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", &self.home)
            .env("PANELIST_CONFIG_DIR", self.home.join("config"))
            .env("PANELIST_TOKEN_STORE", "file")
            .env_remove("PANELIST_DB");
        for (k, v) in &self.env {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c
    }

    /// Runs to the end, whatever the exit code.
    pub fn run(self) -> Out {
        let mut c = self.command();
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        c.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = c.spawn().expect("the panelist binary runs");
        if let Some(input) = &self.stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input)
                .expect("stdin written");
        }
        let o = child.wait_with_output().unwrap();
        let text = |bytes: Vec<u8>, which: &str| {
            String::from_utf8(bytes).unwrap_or_else(|e| {
                panic!("panelist {:?} wrote non-UTF-8 to {which}: {e}", self.args)
            })
        };
        Out {
            status: o.status,
            stdout: text(o.stdout, "stdout"),
            stderr: text(o.stderr, "stderr"),
        }
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(self) -> String {
        let args = self.shown_args();
        let o = self.run();
        assert!(o.status.success(), "{args:?} failed: {}", o.stderr);
        o.stdout
    }

    /// Runs and expects failure (any non-zero exit).
    pub fn fails(self) -> Out {
        let args = self.shown_args();
        let o = self.run();
        assert!(
            !o.status.success(),
            "{args:?} should fail; stdout: {}",
            o.stdout
        );
        o
    }

    /// The arguments for a failure message, each cut to 60 characters.
    fn shown_args(&self) -> Vec<String> {
        self.args
            .iter()
            .map(|a| a.to_string_lossy().chars().take(60).collect())
            .collect()
    }
}

/// The folder a run on `db` keeps the team token file in: beside the test's
/// databases, never the user's config folder or keyring.
pub fn config_dir(db: &Path) -> PathBuf {
    Cli::db(db).home.join("config")
}

/// `panelist --db DB ARGS`, whatever the exit code.
pub fn run(db: &Path, args: &[&str]) -> Out {
    Cli::db(db).args(args).run()
}

/// `panelist --db DB ARGS`, expected to succeed; returns stdout.
pub fn ok(db: &Path, args: &[&str]) -> String {
    Cli::db(db).args(args).ok()
}

/// One installation in a test of several: its database and its home folder
/// (`<dir>/<name>/`).
pub struct Machine {
    pub db: PathBuf,
    pub home: PathBuf,
}

/// The installation `name` under `dir`, its folder made.
pub fn machine(dir: &Path, name: &str) -> Machine {
    let home = dir.join(name);
    std::fs::create_dir_all(&home).unwrap();
    Machine {
        db: home.join("panelist.db"),
        home,
    }
}

/// `panelist ARGS` on machine `m`, its times in UTC, away from any keyring.
pub fn on(m: &Machine, args: &[&str]) -> Out {
    Cli::db(&m.db)
        .home(&m.home)
        .args(args)
        .env("TZ", "UTC")
        .env("PANELIST_KEYRING", "off")
        .run()
}

/// [`on`], which must succeed; its standard output.
pub fn ok_on(m: &Machine, args: &[&str]) -> String {
    let o = on(m, args);
    assert!(o.status.success(), "{args:?}: {}", o.stderr);
    o.stdout
}
