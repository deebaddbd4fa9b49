//! End to end: three interviewers' machines (three database files, the real
//! `panelist` binary) and one team server (real PostgreSQL, real HTTP).
//! A and B submit and sync; C, who has not submitted, syncs and receives
//! nothing of theirs (not a byte in C's database or its WAL); C submits,
//! syncs, and `panelist compare` shows the whole panel.

mod common;
#[path = "../server/tests/common/pg.rs"]
mod pg;

use std::path::{Path, PathBuf};

use common::{config_dir, ok, run as panelist, Cli};
use pg::*;

const CANDIDATE: &str = "Ada Lovelace";

/// `panelist` with the team token in `PANELIST_TOKEN`, the way `remote set`
/// takes it (never on the command line).
fn with_token(db: &Path, token: &str, args: &[&str]) -> common::Out {
    Cli::db(db).args(args).env("PANELIST_TOKEN", token).run()
}

fn ok_with_token(db: &Path, token: &str, args: &[&str]) -> String {
    Cli::db(db).args(args).env("PANELIST_TOKEN", token).ok()
}

/// Starts a session, scores and notes two questions; returns its id.
fn interview(db: &Path, interviewer: &str, secret: &str, level: &str) -> String {
    let id = ok(
        db,
        &[
            "session",
            "start",
            "--candidate",
            CANDIDATE,
            "--interviewer",
            interviewer,
            "--kit",
            "experience-behaviour",
        ],
    )
    .trim()
    .to_string();
    for q in ["team-collaboration", "conflict-resolution"] {
        ok(db, &["session", "score", &id, q, level]);
        ok(
            db,
            &["session", "note", &id, q, &format!("{secret} on {q}")],
        );
    }
    id
}

fn finish(db: &Path, id: &str) {
    ok(db, &["session", "finish", id, "--recommendation", "yes"]);
}

/// The database file and its write-ahead log, as bytes.
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let mut wal = PathBuf::from(db);
    wal.set_file_name(format!("{}-wal", db.file_name().unwrap().to_str().unwrap()));
    if let Ok(w) = std::fs::read(&wal) {
        bytes.extend(w);
    }
    bytes
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn three_machines_sync_through_the_server_and_stay_sealed_until_submit() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.db"),
        dir.path().join("b.db"),
        dir.path().join("c.db"),
    );
    for (db, name) in [(&a, "Ann Archer"), (&b, "Ben Baker"), (&c, "Cat Cole")] {
        let token = add_user_direct(&owner, name, "interviewer");
        ok_with_token(db, &token, &["remote", "set", &base]);
    }
    // The candidate's interview plan lists the three (server schema 5: a
    // colleague's session is read only through its candidate's plan).
    plan_panel(
        &base,
        &owner,
        "Lee Lead",
        CANDIDATE,
        &["Ann Archer", "Ben Baker", "Cat Cole"],
    );
    let status = ok(&c, &["remote", "status"]);
    assert!(
        status.contains("signed in as: Cat Cole (interviewer)"),
        "{status}"
    );

    let ida = interview(&a, "Ann Archer", "ANN-SECRET-NOTE", "3");
    finish(&a, &ida);
    let idb = interview(&b, "Ben Baker", "BEN-SECRET-NOTE", "2");
    finish(&b, &idb);
    let idc = interview(&c, "Cat Cole", "CAT-OWN-NOTE", "4");

    let out = ok(&a, &["sync"]);
    assert!(
        out.contains("pushed 1 (already there 0), pulled 0 new"),
        "{out}"
    );
    let out = ok(&b, &["sync"]);
    assert!(
        out.contains("pushed 1 (already there 0), pulled 1 new"),
        "{out}"
    );
    assert!(
        out.contains("pulled Ada Lovelace — Ann Archer — added"),
        "{out}"
    );

    // C has not submitted: nothing pushed, nothing pulled, not a byte.
    let out = ok(&c, &["sync"]);
    assert!(
        out.contains("pushed 0 (already there 0), pulled 0 new"),
        "{out}"
    );
    let bytes = file_bytes(&c);
    assert!(
        contains(&bytes, "CAT-OWN-NOTE"),
        "the search sees C's own notes"
    );
    assert!(!contains(&bytes, "ANN-SECRET-NOTE"), "A's notes reached C");
    assert!(!contains(&bytes, "BEN-SECRET-NOTE"), "B's notes reached C");
    // The plan C's sync brought names the panel (issue 19: each
    // interviewer's sync brings the plans they are in), so the colleagues'
    // names are here now; their sessions are not, not even their ids.
    assert!(!contains(&bytes, &ida) && !contains(&bytes, &idb));

    // Syncing again moves nothing: the outbox is empty, nothing is sent.
    let out = ok(&b, &["sync"]);
    assert!(
        out.contains("pushed 0 (already there 0), pulled 0 new"),
        "{out}"
    );
    let status = ok(&b, &["remote", "status"]);
    assert!(status.contains("waiting to be pushed: 0"), "{status}");

    // C submits and syncs: both colleagues' older sessions arrive.
    finish(&c, &idc);
    // The same data by the file path: a copy of C's database (as it is now)
    // imports A's and B's exported session files.
    let c_files = dir.path().join("c-files.db");
    std::fs::copy(&c, &c_files).unwrap();
    for suffix in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", c.display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{suffix}", c_files.display())).unwrap();
        }
    }
    let mut files = Vec::new();
    for (db, id) in [(&a, &ida), (&b, &idb)] {
        let f = dir.path().join(format!("{id}.json"));
        ok(
            db,
            &["export", id, "--format", "json", "-o", f.to_str().unwrap()],
        );
        files.push(f);
    }
    ok(
        &c_files,
        &[
            "import",
            files[0].to_str().unwrap(),
            files[1].to_str().unwrap(),
        ],
    );
    let out = ok(&c, &["sync"]);
    assert!(
        out.contains("pushed 1 (already there 0), pulled 2 new"),
        "{out}"
    );
    let bytes = file_bytes(&c);
    assert!(contains(&bytes, "ANN-SECRET-NOTE") && contains(&bytes, "BEN-SECRET-NOTE"));

    let cmp: serde_json::Value = serde_json::from_str(&ok(
        &c,
        &["compare", "--candidate", CANDIDATE, "--format", "json"],
    ))
    .unwrap();
    assert_eq!(cmp["sealed"], false, "{cmp}");
    let mut names: Vec<&str> = cmp["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["interviewer"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Ann Archer", "Ben Baker", "Cat Cole"]);
    let levels: Vec<i64> = cmp["questions"][0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["level"].as_i64().unwrap())
        .collect();
    assert_eq!(levels.len(), 3);
    assert_eq!(levels.iter().sum::<i64>(), 3 + 2 + 4);
    // Equal to the file-exchange path on the same data, in every format.
    for format in ["json", "md"] {
        let args = ["compare", "--candidate", CANDIDATE, "--format", format];
        assert_eq!(
            ok(&c, &args),
            ok(&c_files, &args),
            "compare --format {format}"
        );
    }

    // Pulling everything again from the start changes nothing.
    let out = ok(&c, &["sync", "--from-start"]);
    assert!(
        out.contains("pulled 0 new and 0 updated (already here 2)"),
        "{out}"
    );
    assert_eq!(
        ok(&c, &["session", "list", "--json"])
            .matches("\"id\"")
            .count(),
        3
    );

    // A and B get C's session on their next sync.
    let out = ok(&a, &["sync"]);
    assert!(out.contains("pulled 2 new"), "{out}");

    // A wrong token: sync fails, saying so, and the database is untouched.
    ok_with_token(&a, "pnl_not-a-token", &["remote", "set", &base]);
    let before = file_bytes(&a);
    let out = panelist(&a, &["sync"]);
    assert!(!out.status.success());
    let err = out.stderr.as_str();
    assert!(err.contains("401 unauthorized"), "{err}");
    assert!(
        file_bytes(&a) == before,
        "a refused sync changed the database"
    );
    // A server that is not there: a clear transport error.
    ok_with_token(&a, "x", &["remote", "set", "http://127.0.0.1:9"]);
    let out = panelist(&a, &["sync"]);
    assert!(!out.status.success());
    assert!(out.stderr.as_str().contains("cannot reach the team server"));
}

#[test]
fn sync_over_https_trusts_the_given_ca_only() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed_cert(dir.path());
    let base = start_server_with(&web, Some((cert.clone(), key)));
    assert!(base.starts_with("https://"), "{base}");
    let token = add_user_direct(&owner, "Ann Archer", "interviewer");
    let db = dir.path().join("a.db");
    let id = interview(&db, "Ann Archer", "ANN-NOTE", "3");
    finish(&db, &id);

    // Without the CA, the self-signed certificate is refused.
    ok_with_token(&db, &token, &["remote", "set", &base]);
    let out = panelist(&db, &["sync"]);
    assert!(!out.status.success());
    let err = out.stderr.as_str();
    assert!(err.contains("cannot reach the team server"), "{err}");

    // A file that is not a certificate is refused when set.
    let out = with_token(
        &db,
        &token,
        &["remote", "set", &base, "--ca-cert", db.to_str().unwrap()],
    );
    assert!(!out.status.success());

    ok_with_token(
        &db,
        &token,
        &["remote", "set", &base, "--ca-cert", cert.to_str().unwrap()],
    );
    assert!(ok(&db, &["remote", "status"]).contains("Ann Archer (interviewer)"));
    let out = ok(&db, &["sync"]);
    assert!(out.contains("pushed 1 (already there 0)"), "{out}");
}

/// The one token file of `db` in its config folder.
fn token_file(db: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(config_dir(db))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

#[test]
fn the_token_is_kept_outside_the_database_and_an_old_one_moves_out() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let token = add_user_direct(&owner, "Ann Archer", "interviewer");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let id = interview(&db, "Ann Archer", "ANN-NOTE", "3");
    finish(&db, &id);

    let out = with_token(&db, &token, &["remote", "set", &base]);
    assert!(out.status.success());
    let said = out.stderr.as_str();
    assert!(said.contains("(readable by you only)"), "{said}");
    assert!(
        !contains(&file_bytes(&db), &token),
        "the token is in the database"
    );
    let file = token_file(&db);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), token);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    }
    let out = ok(&db, &["sync"]);
    assert!(out.contains("pushed 1 (already there 0)"), "{out}");

    // A database where an earlier version kept the token in its settings:
    // the next sync moves it to the token file and blanks the setting.
    let old = dir.path().join("old").join("b.db");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    let ben = add_user_direct(&owner, "Ben Baker", "interviewer");
    let idb = interview(&old, "Ben Baker", "BEN-NOTE", "2");
    finish(&old, &idb);
    ok_with_token(&old, "pnl_placeholder", &["remote", "set", &base]);
    std::fs::remove_dir_all(config_dir(&old)).unwrap();
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('setting.remote.token', ?1)",
            [&ben],
        )
        .unwrap();
    }
    let out = ok(&old, &["sync"]);
    assert!(
        out.contains("sync with") && out.contains("as Ben Baker"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(token_file(&old)).unwrap(), ben);
    let conn = rusqlite::Connection::open(&old).unwrap();
    let kept: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'setting.remote.token'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, "", "the old token is still in the database");
}

/// A bank file with one question of the team's own (`prompt` as given).
fn team_question_file(dir: &Path, prompt: &str) -> PathBuf {
    let path = dir.join("team-bank.json");
    let bank = serde_json::json!({
        "format": "panelist-bank",
        "version": 1,
        "competencies": [{"id": "team-apis", "name": "Team APIs", "description": "HTTP APIs."}],
        "questions": [{
            "id": "team-idempotency",
            "prompt": prompt,
            "competency": "team-apis",
            "seniority": "mid",
            "kind": "concept",
            "minutes": 8,
            "look_fors": ["Idempotency keys", "Stored outcome per key"],
            "follow_ups": ["Two retries at once?"],
            "levels": [
                {"value": 1, "anchor": "Retries are left to chance."},
                {"value": 2, "anchor": "Names idempotency but not how to keep it."},
                {"value": 3, "anchor": "Keys per request, the stored outcome replayed."},
                {"value": 4, "anchor": "Level 3 plus concurrent retries and key expiry."}
            ]
        }],
        "kits": [{"id": "team-payments", "name": "Payments", "questions": ["team-idempotency"]}]
    });
    std::fs::write(&path, serde_json::to_vec_pretty(&bank).unwrap()).unwrap();
    path
}

#[test]
fn an_admins_team_bank_reaches_every_client_and_sessions_keep_their_snapshot() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let dir = tempfile::tempdir().unwrap();
    let (admin, ivy) = (dir.path().join("admin.db"), dir.path().join("ivy.db"));
    let admin_token = add_user_direct(&owner, "Ada Admin", "admin");
    let ivy_token = add_user_direct(&owner, "Ivy Interviewer", "interviewer");
    ok_with_token(&admin, &admin_token, &["remote", "set", &base]);
    ok_with_token(&ivy, &ivy_token, &["remote", "set", &base]);
    const FIRST: &str = "How would you make a payment endpoint safe to retry?";
    const SECOND: &str =
        "A client retries a payment after a timeout: what keeps it from charging twice?";

    // Nothing published yet: a sync brings no bank.
    let out = ok(&ivy, &["sync"]);
    assert!(!out.contains("team bank"), "{out}");

    // The admin adds a question of the team's own and publishes the bank.
    let file = team_question_file(dir.path(), FIRST);
    ok(&admin, &["bank", "import", file.to_str().unwrap()]);
    let out = ok(&admin, &["bank", "publish"]);
    assert!(out.contains("published team bank version 1"), "{out}");
    let out = ok(&admin, &["bank", "publish"]);
    assert!(out.contains("already this bank (version 1"), "{out}");

    // An interviewer may not publish; the server keeps version 1.
    let out = panelist(&ivy, &["bank", "publish"]);
    assert!(!out.status.success());
    let err = out.stderr.as_str();
    assert!(
        err.contains("403 forbidden") && err.contains("only an admin"),
        "{err}"
    );

    // Ivy's next sync imports it: the question and its kit are there.
    let out = ok(&ivy, &["sync"]);
    assert!(
        out.contains("team bank version 1 from Ada Admin: 1 questions added, 0 updated"),
        "{out}"
    );
    assert!(ok(&ivy, &["bank", "show", "team-idempotency"]).contains(FIRST));
    assert!(ok(&ivy, &["kit", "list"]).contains("Payments"));
    // Ivy interviews with it.
    let id = ok(
        &ivy,
        &[
            "session",
            "start",
            "--candidate",
            CANDIDATE,
            "--interviewer",
            "Ivy Interviewer",
            "--kit",
            "team-payments",
        ],
    )
    .trim()
    .to_string();
    ok(&ivy, &["session", "score", &id, "team-idempotency", "3"]);
    // Synced again: nothing new, no second import.
    let out = ok(&ivy, &["sync"]);
    assert!(!out.contains("team bank"), "{out}");

    // The admin edits the question and publishes version 2.
    let file = team_question_file(dir.path(), SECOND);
    ok(&admin, &["bank", "import", file.to_str().unwrap()]);
    let out = ok(&admin, &["bank", "publish"]);
    assert!(out.contains("published team bank version 2"), "{out}");
    let out = ok(&ivy, &["sync"]);
    assert!(
        out.contains("team bank version 2 from Ada Admin: 0 questions added, 1 updated"),
        "{out}"
    );
    assert!(ok(&ivy, &["bank", "show", "team-idempotency"]).contains(SECOND));
    assert!(ok(
        &ivy,
        &["bank", "show", "team-idempotency", "--revision", "1"]
    )
    .contains(FIRST));
    // Ivy's interview keeps the question as it was asked.
    let shown = ok(&ivy, &["session", "show", &id]);
    assert!(shown.contains(FIRST) && !shown.contains(SECOND), "{shown}");
}
