//! Encryption at rest through the real `panelist` binary: with
//! `PANELIST_PASSPHRASE`, and with a throwaway keyring (gnome-keyring in its
//! own D-Bus session) where one can be started. No byte of the database
//! files shows a note; the system `sqlite3` cannot read the file and
//! SQLCipher with the passphrase can; a plain database is encrypted when a
//! passphrase arrives; a backup restores in another data folder with the
//! same passphrase and is refused, changing nothing, with another.

#[path = "../core/tests/common/at_rest.rs"]
mod at_rest;
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use at_rest::{assert_absent, decrypted_rows};
use common::{Cli, Out};

const PASS: &str = "a long passphrase for panelist";
const NOTE: &str = "ZEBRA-NOTE-5d1e8b quick on idempotency";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self, name: &str) -> PathBuf {
        self.dir.path().join(name).join("panelist.db")
    }

    /// `panelist --db DB ARGS` with HOME and XDG_DATA_HOME in the test's
    /// folder, the keyring off and PANELIST_PASSPHRASE only when given.
    fn run(&self, db: &Path, pass: Option<&str>, args: &[&str]) -> Out {
        let c = Cli::db(db)
            .home(self.dir.path())
            .args(args)
            .env("PANELIST_KEYRING", "off")
            .env_remove("PANELIST_PASSPHRASE");
        match pass {
            Some(p) => c.env("PANELIST_PASSPHRASE", p),
            None => c,
        }
        .run()
    }

    fn ok(&self, db: &Path, pass: Option<&str>, args: &[&str]) -> (String, String) {
        let o = self.run(db, pass, args);
        let err = o.stderr;
        assert!(o.status.success(), "{args:?} failed: {err}");
        (o.stdout, err)
    }

    /// Refused: non-zero exit, one line on stderr containing `needle`.
    fn refused(&self, db: &Path, pass: Option<&str>, args: &[&str], needle: &str) {
        let o = self.run(db, pass, args);
        let err = o.stderr;
        assert!(!o.status.success(), "{args:?} succeeded");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line, got {err:?}");
        assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    }

    /// A session with a note; its id.
    fn interview(&self, db: &Path, pass: Option<&str>, candidate: &str) -> String {
        let (out, _) = self.ok(
            db,
            pass,
            &[
                "session",
                "start",
                "--candidate",
                candidate,
                "--interviewer",
                "Grace Hopper",
                "--role",
                "Backend",
                "--kit",
                "backend-fundamentals",
            ],
        );
        let sid = out.trim().to_string();
        self.ok(
            db,
            pass,
            &["session", "note", &sid, "rest-api-design", NOTE],
        );
        sid
    }
}

#[test]
fn with_a_passphrase_the_files_show_nothing_and_only_sqlcipher_with_it_reads_them() {
    let env = Env::new();
    let db = env.db("a");
    let sid = env.interview(&db, Some(PASS), "Ada Lovelace");
    assert_absent(&db, "ZEBRA-NOTE-5d1e8b");
    assert_absent(&db, "Ada Lovelace");

    // The system sqlite3 shell cannot read it (where it is installed).
    if let Ok(o) = Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT count(*) FROM session;")
        .output()
    {
        assert!(!o.status.success(), "sqlite3 read an encrypted database");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("not a database"), "{err}");
    }
    // SQLCipher with the passphrase can, as `sqlcipher` does with PRAGMA key.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = '{PASS}';"))
        .unwrap();
    let note: String = conn
        .query_row("SELECT notes FROM entry WHERE notes != ''", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(note, NOTE);
    drop(conn);

    // The CLI works on it with the passphrase, and refuses without it.
    let (md, _) = env.ok(&db, Some(PASS), &["export", &sid, "--format", "md"]);
    assert!(md.contains(NOTE));
    env.refused(&db, None, &["session", "list"], "PANELIST_PASSPHRASE");
    env.refused(&db, Some("wrong"), &["session", "list"], "does not open");
}

#[test]
fn a_plain_database_is_encrypted_when_a_passphrase_arrives() {
    let env = Env::new();
    let db = env.db("a");
    let sid = env.interview(&db, None, "Ada Lovelace");
    let (before, _) = env.ok(&db, None, &["export", &sid, "--format", "json"]);
    let bytes = std::fs::read(&db).unwrap();
    assert!(
        bytes.starts_with(b"SQLite format 3\0"),
        "plain without a key"
    );

    let (after, err) = env.ok(&db, Some(PASS), &["export", &sid, "--format", "json"]);
    assert!(err.contains("encrypted"), "{err}");
    assert_eq!(after, before, "the export is byte-identical");
    assert_absent(&db, "ZEBRA-NOTE-5d1e8b");
    let left: Vec<String> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            !n.starts_with("panelist.db") || n.contains(".plain") || n.contains(".encrypting")
        })
        .collect();
    assert!(left.is_empty(), "left beside the database: {left:?}");
}

#[test]
fn a_backup_restores_elsewhere_with_the_passphrase_and_is_refused_with_another() {
    let env = Env::new();
    let db = env.db("a");
    let sid = env.interview(&db, Some(PASS), "Ada Lovelace");
    let backup = env.dir.path().join("panelist.backup");
    let (_, err) = env.ok(
        &db,
        Some(PASS),
        &["backup", "--output", backup.to_str().unwrap()],
    );
    assert!(err.contains("encrypted"), "{err}");
    let bytes = std::fs::read(&backup).unwrap();
    assert!(!bytes.windows(17).any(|w| w == b"ZEBRA-NOTE-5d1e8b"));
    assert!(!bytes.starts_with(b"SQLite format 3\0"));

    // Another data folder with a database of its own.
    let other = env.db("b");
    env.interview(&other, Some(PASS), "Alan Turing");
    let (list_before, _) = env.ok(&other, Some(PASS), &["session", "list"]);
    env.refused(
        &other,
        Some("not the passphrase"),
        &["restore", backup.to_str().unwrap()],
        "cannot restore",
    );
    let (list_after, _) = env.ok(&other, Some(PASS), &["session", "list"]);
    assert_eq!(list_after, list_before, "a refused restore changes nothing");

    env.ok(&other, Some(PASS), &["restore", backup.to_str().unwrap()]);
    let (md, _) = env.ok(&other, Some(PASS), &["export", &sid, "--format", "md"]);
    assert!(md.contains(NOTE));
    assert_absent(&other, "ZEBRA-NOTE-5d1e8b");
}

#[cfg(unix)]
#[test]
fn a_backup_to_a_fifo_is_refused_at_once() {
    let env = Env::new();
    let db = env.db("a");
    env.interview(&db, Some(PASS), "Ada Lovelace");
    let fifo = env.dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    env.refused(
        &db,
        Some(PASS),
        &["backup", "--output", fifo.to_str().unwrap()],
        "not a regular file",
    );
}

/// With a throwaway gnome-keyring in its own D-Bus session (skipped, saying
/// so, where `dbus-run-session`, `gnome-keyring-daemon` or `secret-tool` is missing): the
/// database is encrypted with a random key from the keyring, no passphrase.
#[test]
fn with_a_throwaway_keyring_the_database_is_encrypted_without_a_passphrase() {
    let have = |bin: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {bin}"))
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if !have("dbus-run-session") || !have("gnome-keyring-daemon") || !have("secret-tool") {
        eprintln!("skipped: no dbus-run-session, gnome-keyring-daemon or secret-tool (scripts/setup-debian.sh installs them)");
        return;
    }
    let env = Env::new();
    let db = env.db("k");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let id = panelist_core::storage::instance_id(&db);
    let bin = env!("CARGO_BIN_EXE_panelist");
    // One D-Bus session: unlock a fresh login keyring, then use the CLI.
    let script = format!(
        r#"set -e
export HOME="{home}" XDG_DATA_HOME="{home}" XDG_RUNTIME_DIR="{home}/run" PANELIST_KEYRING=secret-service
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset PANELIST_PASSPHRASE PANELIST_DB
eval "$(printf 'throwaway\n' | gnome-keyring-daemon --unlock --components=secrets)"
# Wait until the unlocked daemon owns the Secret Service name: asked too
# early (a loaded machine), D-Bus would start a second, locked daemon.
for _ in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
  sleep 0.1
done
sid=$("{bin}" --db "{db}" session start --candidate "Ada Lovelace" --interviewer "Grace Hopper" --role Backend --kit backend-fundamentals)
"{bin}" --db "{db}" session note "$sid" rest-api-design "{note}"
"{bin}" --db "{db}" export "$sid" --format md > "{home}/out.md"
"{bin}" --db "{db}" export "$sid" --format json > "{home}/out.json"
secret-tool lookup service dev.panelist.app username "db-key:{id}" > "{home}/db-key"
secret-tool lookup service dev.panelist.app username "signing-seed:{id}" > "{home}/seed"
"#,
        home = env.dir.path().display(),
        db = db.display(),
        note = NOTE,
    );
    let o = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(env.dir.path().join("out.md")).unwrap();
    assert!(md.contains(NOTE));
    assert_absent(&db, "ZEBRA-NOTE-5d1e8b");
    assert!(!std::fs::read(&db)
        .unwrap()
        .starts_with(b"SQLite format 3\0"));
    // The keyring holds the database key and the signing seed; the
    // database holds neither (its meta has only the marker).
    let read = |n: &str| std::fs::read_to_string(env.dir.path().join(n)).unwrap();
    let (key, seed) = (read("db-key"), read("seed"));
    assert_eq!(key.trim().len(), 64, "a raw key in the keyring: {key:?}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
        .unwrap();
    let kept: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'signing_key'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, "keyring", "the seed left the database");
    drop(conn);
    // The session file is signed with the keyring's seed.
    let signer = panelist_core::session_file::Identity::from_seed_hex(seed.trim())
        .unwrap()
        .public_key();
    assert!(read("out.json").contains(&signer), "signed with {signer}");
    // Without that keyring (and without a passphrase) it does not open.
    env.refused(&db, None, &["session", "list"], "no key is available");
}

/// The erasure tests' promise under encryption, checked by opening with the
/// key: after `candidate erase`, no row holds the name or the note, no free
/// page is left that could, and the log is empty.
#[test]
fn an_erased_candidate_is_gone_behind_the_key_too() {
    let env = Env::new();
    let db = env.db("a");
    env.interview(&db, Some(PASS), "Zbigniew Quetzal");
    env.interview(&db, Some(PASS), "Ottilie Keep");
    let decrypted = || {
        let (rows, free) = decrypted_rows(&db, PASS);
        (String::from_utf8_lossy(&rows).into_owned(), free)
    };
    let (before, _) = decrypted();
    assert!(before.contains("Quetzal"), "the test can fail");
    env.ok(
        &db,
        Some(PASS),
        &["candidate", "erase", "zbigniew quetzal", "--yes"],
    );
    let (after, free) = decrypted();
    assert!(!after.contains("Quetzal") && !after.contains("Zbigniew"));
    assert!(after.contains("Ottilie Keep"), "others stay");
    assert_eq!(free, 0, "no free page left after the erasure");
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    assert!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) == 0);
    assert_absent(&db, "ZEBRA-NOTE-5d1e8b");
}

/// No keyring answering (the bus address points nowhere, so no real keyring
/// is ever reached) and no passphrase: the database stays plain and the CLI
/// says so once, on the first command only.
#[test]
fn with_no_keyring_and_no_passphrase_the_cli_says_plain_once() {
    let env = Env::new();
    let db = env.db("a");
    let run = |args: &[&str]| {
        let o = Cli::db(&db)
            .home(env.dir.path())
            .args(args)
            .env("PANELIST_KEYRING", "secret-service")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}/no-bus", env.dir.path().display()),
            )
            .env_remove("DISPLAY")
            .env_remove("PANELIST_PASSPHRASE")
            .run();
        assert!(o.status.success(), "{}", o.stderr);
        o.stderr
    };
    let first = run(&["session", "list"]);
    assert_eq!(first.lines().count(), 1, "{first:?}");
    assert!(first.contains("is not encrypted"), "{first:?}");
    assert_eq!(run(&["session", "list"]), "", "said once");
    assert!(std::fs::read(&db)
        .unwrap()
        .starts_with(b"SQLite format 3\0"));
}
