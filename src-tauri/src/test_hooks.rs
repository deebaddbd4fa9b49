//! Test hooks: environment variables that replace the file dialogs, so the
//! end-to-end tests (tests/e2e) can export and import without a person.
//!
//! | Variable | Replaces |
//! |---|---|
//! | `PANELIST_EXPORT_PATH` | the save dialog of every export (a folder: the suggested name inside it) |
//! | `PANELIST_IMPORT_PATHS` | the open dialog of "Import sessions…" (paths separated by `:`) |
//! | `PANELIST_BANK_IMPORT_PATH` | the open dialog of "Import bank file…" |
//! | `PANELIST_TEST_NOW` | the clock of interview plans' states and feedback reminders (RFC 3339) |
//! | `PANELIST_NOTIFY_LOG` | a file each desktop notification request is also appended to (one JSON line) |
//! | `PANELIST_RESTORE_PATH` | the open dialog of Settings' "Restore from a backup…" |
//!
//! They exist only in builds with the `e2e` feature (scripts/e2e.sh builds
//! the app so). In every other build — the release app among them — each
//! hook is `None` and no variable name is in the binary.

use std::ffi::OsStr;
use std::path::PathBuf;

/// The session file paths in a `:`-separated list (empty parts skipped).
/// Without the hooks only its test uses it.
#[cfg_attr(not(feature = "e2e"), allow(dead_code))]
pub fn split_paths(v: &OsStr) -> Vec<PathBuf> {
    std::env::split_paths(v)
        .filter(|p| !p.as_os_str().is_empty())
        .collect()
}

#[cfg(feature = "e2e")]
mod hooks {
    use std::path::PathBuf;

    const EXPORT_PATH: &str = "PANELIST_EXPORT_PATH";
    const IMPORT_PATHS: &str = "PANELIST_IMPORT_PATHS";
    const BANK_IMPORT_PATH: &str = "PANELIST_BANK_IMPORT_PATH";
    const TEST_NOW: &str = "PANELIST_TEST_NOW";
    const NOTIFY_LOG: &str = "PANELIST_NOTIFY_LOG";
    const RESTORE_PATH: &str = "PANELIST_RESTORE_PATH";

    /// What `--help` adds in a build with the hooks.
    pub const USAGE: &str = "

Test hooks (this build has the `e2e` feature):
  PANELIST_EXPORT_PATH       write exports here instead of asking with a save dialog
  PANELIST_IMPORT_PATHS      import these session files (separated by ':') instead of asking
  PANELIST_BANK_IMPORT_PATH  import this bank file instead of asking
  PANELIST_TEST_NOW          the time (RFC 3339) plans' states and feedback reminders are computed at
  PANELIST_NOTIFY_LOG        also append each desktop notification request to this file
  PANELIST_RESTORE_PATH      restore this backup instead of asking";

    fn var(name: &str) -> Option<std::ffi::OsString> {
        std::env::var_os(name).filter(|v| !v.is_empty())
    }

    pub fn export_path() -> Option<PathBuf> {
        var(EXPORT_PATH).map(PathBuf::from)
    }

    pub fn import_paths() -> Option<Vec<PathBuf>> {
        var(IMPORT_PATHS).map(|v| super::split_paths(&v))
    }

    pub fn bank_import_path() -> Option<PathBuf> {
        var(BANK_IMPORT_PATH).map(PathBuf::from)
    }

    pub fn test_now() -> Option<chrono::DateTime<chrono::Utc>> {
        let v = var(TEST_NOW)?;
        let t = chrono::DateTime::parse_from_rfc3339(v.to_str()?).ok()?;
        Some(t.with_timezone(&chrono::Utc))
    }

    pub fn notify_log() -> Option<PathBuf> {
        var(NOTIFY_LOG).map(PathBuf::from)
    }

    pub fn restore_path() -> Option<PathBuf> {
        var(RESTORE_PATH).map(PathBuf::from)
    }
}

#[cfg(not(feature = "e2e"))]
mod hooks {
    use std::path::PathBuf;

    pub const USAGE: &str = "";

    pub fn export_path() -> Option<PathBuf> {
        None
    }

    pub fn import_paths() -> Option<Vec<PathBuf>> {
        None
    }

    pub fn bank_import_path() -> Option<PathBuf> {
        None
    }

    pub fn test_now() -> Option<chrono::DateTime<chrono::Utc>> {
        None
    }

    pub fn notify_log() -> Option<PathBuf> {
        None
    }

    pub fn restore_path() -> Option<PathBuf> {
        None
    }
}

/// What "Import bank file…" imports instead of asking (`PANELIST_BANK_IMPORT_PATH`).
pub use hooks::bank_import_path;
/// Where an export goes instead of the save dialog (`PANELIST_EXPORT_PATH`).
pub use hooks::export_path;
/// What "Import sessions…" imports instead of asking (`PANELIST_IMPORT_PATHS`).
pub use hooks::import_paths;
/// Where notification requests are also recorded (`PANELIST_NOTIFY_LOG`).
pub use hooks::notify_log;
/// What Settings' "Restore from a backup…" restores instead of asking (`PANELIST_RESTORE_PATH`).
pub use hooks::restore_path;
/// The hooks' lines of `--help` (empty without them).
pub use hooks::USAGE;

/// The time for plans' states and feedback reminders: the test clock
/// (`PANELIST_TEST_NOW`) in a build with the hooks, else the system clock.
pub fn plan_now() -> chrono::DateTime<chrono::Utc> {
    hooks::test_now().unwrap_or_else(chrono::Utc::now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_paths_are_separated_by_colons() {
        assert_eq!(
            split_paths(OsStr::new("/tmp/a.json:/tmp/b c.json")),
            vec![PathBuf::from("/tmp/a.json"), PathBuf::from("/tmp/b c.json")]
        );
        assert_eq!(split_paths(OsStr::new("")), Vec::<PathBuf>::new());
    }

    /// The names of the hooks, spelled backwards here so that this test's own
    /// text does not put them into the binary it searches.
    fn hook_names() -> Vec<String> {
        [
            "HTAP_TROPXE_TSILENAP",
            "SHTAP_TROPMI_TSILENAP",
            "HTAP_TROPMI_KNAB_TSILENAP",
            "WON_TSET_TSILENAP",
            "GOL_YFITON_TSILENAP",
            "HTAP_EROTSER_TSILENAP",
        ]
        .iter()
        .map(|s| s.chars().rev().collect())
        .collect()
    }

    fn binary_contains(needle: &str) -> bool {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        memchr::memmem::find(&exe, needle.as_bytes()).is_some()
    }

    /// This test binary is built like the app (same features): without
    /// `e2e` no hook's variable is compiled in, with it each one is
    /// (`cargo test -p panelist-app --features e2e` checks that side).
    #[test]
    fn test_hooks_exist_only_with_the_e2e_feature() {
        // Call each hook, so that its code is in this binary as it is in the
        // app's (code nothing calls is left out of a binary).
        std::hint::black_box((
            export_path(),
            import_paths(),
            bank_import_path(),
            plan_now(),
            notify_log(),
            restore_path(),
            USAGE,
        ));
        for name in hook_names() {
            assert_eq!(
                binary_contains(&name),
                cfg!(feature = "e2e"),
                "{name} in a build {} the e2e feature",
                if cfg!(feature = "e2e") {
                    "with"
                } else {
                    "without"
                }
            );
        }
    }
}
