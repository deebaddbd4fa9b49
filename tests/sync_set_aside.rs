//! A reader is never jammed (issue 20): the real `panelist` binary, a real
//! team server and PostgreSQL. A colleague's second installation (a new key)
//! arrives, vouched for by the server; a session this database refuses is
//! set aside with the reason, listed by `panelist sync`, and later sessions
//! still arrive; a newer revision of it is imported and clears it. The
//! token never goes on the command line.

mod common;
#[path = "../server/tests/common/pg.rs"]
mod pg;

use std::path::{Path, PathBuf};

use common::{Cli, Out};
use pg::*;

/// Each database's token file in a folder of its own (the databases share
/// one folder).
fn config_dir(db: &Path) -> PathBuf {
    db.parent().unwrap().join(format!(
        "config-{}",
        db.file_stem().unwrap().to_str().unwrap()
    ))
}

/// `panelist --db DB ARGS` with PANELIST_TOKEN only when `token` is given.
fn cli(db: &Path, args: &[&str], token: Option<&str>) -> Cli {
    let c = Cli::db(db)
        .args(args)
        .env("PANELIST_CONFIG_DIR", config_dir(db))
        .env_remove("PANELIST_TOKEN");
    match token {
        Some(t) => c.env("PANELIST_TOKEN", t),
        None => c,
    }
}

fn run(db: &Path, args: &[&str], token: Option<&str>) -> Out {
    cli(db, args, token).run()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args, None);
    assert!(out.status.success(), "panelist {args:?}: {}", out.stderr);
    out.stdout
}

/// A submitted interview for `candidate`; returns its id.
fn interview(db: &Path, interviewer: &str, candidate: &str) -> String {
    let id = ok(
        db,
        &[
            "session",
            "start",
            "--candidate",
            candidate,
            "--interviewer",
            interviewer,
            "--kit",
            "experience-behaviour",
        ],
    )
    .trim()
    .to_string();
    ok(db, &["session", "score", &id, "team-collaboration", "3"]);
    ok(db, &["session", "finish", &id, "--recommendation", "yes"]);
    id
}

#[test]
fn a_reader_syncs_past_a_refused_session_and_a_second_installation() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let dir = tempfile::tempdir().unwrap();
    let (a, a2, lee) = (
        dir.path().join("ann.db"),
        dir.path().join("ann-laptop.db"),
        dir.path().join("lee.db"),
    );
    let ann = add_user_direct(&owner, "Ann Archer", "interviewer");
    let lead = add_user_direct(&owner, "Lee Lead", "lead");

    // `--token` is gone; the token comes from PANELIST_TOKEN or stdin.
    let out = run(&a, &["remote", "set", &base, "--token", &ann], None);
    assert!(!out.status.success(), "--token is still taken");
    for (db, t) in [(&a, &ann), (&lee, &lead)] {
        let out = run(db, &["remote", "set", &base], Some(t));
        assert!(out.status.success(), "{}", out.stderr);
    }
    let out = cli(&a2, &["remote", "set", &base], None)
        .stdin(&format!("{ann}\n"))
        .run();
    assert!(out.status.success(), "{}", out.stderr);
    assert!(ok(&a2, &["remote", "status"]).contains("signed in as: Ann Archer"));

    // Lee coordinates each candidate's interview plan, with Ann on it
    // (server schema 5: a colleague's session is read through its plan);
    // Lee's syncs push them.
    for c in ["Cand One", "Cand Two", "Cand Three", "Cand Four"] {
        let plan = ok(
            &lee,
            &[
                "plan",
                "create",
                "--candidate",
                c,
                "--coordinator",
                "Lee Lead",
            ],
        );
        ok(
            &lee,
            &[
                "plan",
                "add",
                plan.trim(),
                "--interviewer",
                "Ann Archer",
                "--kit",
                "experience-behaviour",
            ],
        );
    }

    interview(&a, "Ann Archer", "Cand One");
    ok(&a, &["sync"]);
    let out = ok(&lee, &["sync"]);
    assert!(out.contains("pulled Cand One"), "{out}");

    // Ann's second installation: another key, registered by the server
    // under Ann and vouched for to readers; no jam.
    interview(&a2, "Ann Archer", "Cand Two");
    ok(&a2, &["sync"]);
    let out = ok(&lee, &["sync"]);
    assert!(out.contains("pulled Cand Two"), "{out}");

    // A row an older server stored unsigned after Ann's signed ones: every
    // reader that pinned Ann's key refuses it.
    let three = interview(&a, "Ann Archer", "Cand Three");
    ok(&a, &["sync"]);
    let doc = pgc.psql(
        "panelist",
        "SELECT document FROM sessions WHERE candidate_key = 'cand three'",
    );
    // The same file as version 1, without its signature (text surgery keeps
    // every other byte as it was).
    let doc = doc.trim_end();
    let cut = doc.find(",\n  \"signature\"").expect("a signed file");
    let tampered = format!("{}\n}}", &doc[..cut]).replacen("\"version\": 2", "\"version\": 1", 1);
    assert!(panelist_core::session_file::SessionFile::parse(tampered.as_bytes()).is_ok());
    pgc.psql(
        "panelist",
        &format!(
            "ALTER TABLE sessions DISABLE TRIGGER USER;
             UPDATE sessions SET document = $doc${tampered}$doc$ WHERE candidate_key = 'cand three';
             ALTER TABLE sessions ENABLE TRIGGER USER;"
        ),
    );
    interview(&a, "Ann Archer", "Cand Four");
    ok(&a, &["sync"]);

    let out = run(&lee, &["sync"], None);
    let text = &out.stdout;
    assert!(out.status.success(), "{text} {}", out.stderr);
    assert!(text.contains("pulled Cand Four"), "{text}");
    assert!(
        text.contains("set aside Cand Three — Ann Archer") && text.contains("unsigned"),
        "{text}"
    );
    // The cursor moved: the next sync pulls nothing again, and lists it still.
    let again = ok(&lee, &["sync"]);
    assert!(again.contains("pulled 0 new and 0 updated"), "{again}");
    assert!(again.contains("set aside Cand Three"), "{again}");

    // A newer revision (an amendment, signed) is imported and clears it.
    ok(
        &a,
        &[
            "session",
            "amend",
            &three,
            "team-collaboration",
            "4",
            "--reason",
            "after the debrief",
        ],
    );
    ok(&a, &["sync"]);
    let out = ok(&lee, &["sync"]);
    assert!(out.contains("pulled Cand Three"), "{out}");
    assert!(!out.contains("set aside"), "{out}");
    let list = ok(&lee, &["session", "list"]);
    for c in ["Cand One", "Cand Two", "Cand Three", "Cand Four"] {
        assert!(list.contains(c), "{c} missing: {list}");
    }
}
