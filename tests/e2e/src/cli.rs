//! Other interviewers' machines for panel tests: the `panelist` command-line
//! binary on its own temporary database makes a submitted session and writes
//! its portable session file, as a colleague would send it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{repo_root, Result};

/// The CLI under test: `$PANELIST_BIN`, else target/debug/panelist.
pub fn panelist_binary() -> PathBuf {
    std::env::var_os("PANELIST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| repo_root().join("target"));
            target.join("debug").join("panelist")
        })
}

/// Runs `panelist --db DB ARGS…`; returns stdout, fails with stderr.
pub fn panelist(db: &Path, args: &[&str]) -> Result<String> {
    panelist_with(db, args, &[])
}

/// The same with extra environment variables (e.g. `PANELIST_TOKEN` for
/// `remote set`, which never takes a token on the command line).
pub fn panelist_with(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<String> {
    let bin = panelist_binary();
    if !bin.exists() {
        return Err(format!(
            "{} is missing: build it with `cargo build -p panelist`",
            bin.display()
        )
        .into());
    }
    let out = Command::new(&bin)
        .arg("--db")
        .arg(db)
        .args(args)
        .envs(env.iter().copied())
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "panelist {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// One colleague's interview of a candidate.
pub struct Colleague<'a> {
    pub interviewer: &'a str,
    pub candidate: &'a str,
    pub role: &'a str,
    pub kit: &'a str,
    /// (question id, level)
    pub scores: &'a [(&'a str, i64)],
    /// (question id, note)
    pub notes: &'a [(&'a str, &'a str)],
    pub recommendation: &'a str,
    pub summary: &'a str,
    /// Debrief changes after submission: (question id, level, reason).
    pub amendments: &'a [(&'a str, i64, &'a str)],
}

impl Colleague<'_> {
    /// Runs the interview on a fresh database in `dir` and exports its
    /// session file there; returns the file's path.
    pub fn session_file(&self, dir: &Path) -> Result<PathBuf> {
        let slug: String = self
            .interviewer
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let db = dir.join(format!("{slug}.db"));
        let id = self.run_on(&db)?;
        let file = dir.join(format!("{slug}.panelist.json"));
        let file_s = file.display().to_string();
        panelist(
            &db,
            &["export", &id, "--format", "json", "--output", &file_s],
        )?;
        Ok(file)
    }

    /// Runs the whole interview (scores, notes, submit, amendments) on the
    /// database `db` with the CLI; returns the session id.
    pub fn run_on(&self, db: &Path) -> Result<String> {
        let db = db.to_path_buf();
        let id = panelist(
            &db,
            &[
                "session",
                "start",
                "--candidate",
                self.candidate,
                "--interviewer",
                self.interviewer,
                "--role",
                self.role,
                "--kit",
                self.kit,
            ],
        )?
        .trim()
        .to_string();
        for (q, level) in self.scores {
            panelist(&db, &["session", "score", &id, q, &level.to_string()])?;
        }
        for (q, text) in self.notes {
            panelist(&db, &["session", "note", &id, q, text])?;
        }
        panelist(
            &db,
            &[
                "session",
                "finish",
                &id,
                "--recommendation",
                self.recommendation,
                "--summary",
                self.summary,
            ],
        )?;
        for (q, level, reason) in self.amendments {
            panelist(
                &db,
                &[
                    "session",
                    "amend",
                    &id,
                    q,
                    &level.to_string(),
                    "--reason",
                    reason,
                ],
            )?;
        }
        Ok(id)
    }
}
