//! `panelist remote test` says why the team server cannot be reached, one
//! plain sentence per reason (issue 21): each reason made for real with the
//! real binary — a host name that cannot be looked up, a closed port, TLS
//! (a certificate not trusted here; https to a plain-HTTP port; http to a
//! TLS port), a wrong and an expired token against a real server on a real
//! PostgreSQL — and the same sentence from `panelist sync`.

mod common;
#[path = "../server/tests/common/pg.rs"]
mod pg;

use std::io::{Read, Write};
use std::path::Path;

use common::{Cli, Out};
use pg::*;

fn set(db: &Path, url: &str, token: &str, ca: Option<&Path>) {
    let mut args = vec!["remote", "set", url];
    if let Some(ca) = ca {
        args.extend(["--ca-cert", ca.to_str().unwrap()]);
    }
    let out = Cli::db(db).args(&args).env("PANELIST_TOKEN", token).run();
    assert!(out.status.success(), "{}", out.stderr);
}

fn test(db: &Path) -> Out {
    Cli::db(db)
        .args(&["remote", "test"])
        .env_remove("PANELIST_TOKEN")
        .run()
}

/// `remote test` fails with one line holding `words`; `sync` says it too.
fn fails_saying(db: &Path, words: &str) {
    let out = test(db);
    assert!(!out.status.success(), "{}", out.stdout);
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(words),
        "{words:?} not in {}",
        out.stderr
    );
}

/// A port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A plain-HTTP listener that answers every connection with `answer`.
fn plain_listener(answer: &'static [u8]) -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(answer);
        }
    });
    port
}

#[test]
fn each_unreachable_reason_is_one_plain_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");

    set(&db, "https://nonexistent.invalid", "pnl_x", None);
    fails_saying(&db, "\"nonexistent.invalid\" could not be looked up");
    let out = Cli::db(&db).args(&["sync"]).run();
    assert!(
        out.stderr.contains("could not be looked up"),
        "{}",
        out.stderr
    );

    set(
        &db,
        &format!("http://127.0.0.1:{}", closed_port()),
        "pnl_x",
        None,
    );
    fails_saying(&db, "refused the connection");

    // https to a port that speaks plain HTTP: the TLS handshake fails.
    let port = plain_listener(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}");
    set(&db, &format!("https://127.0.0.1:{port}"), "pnl_x", None);
    fails_saying(&db, "the secure connection to 127.0.0.1");

    // Something that is not a Panelist server.
    let port = plain_listener(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
    set(&db, &format!("http://127.0.0.1:{port}"), "pnl_x", None);
    fails_saying(&db, "no Panelist team server answers");
}

#[test]
fn tokens_and_certificates_against_the_real_server() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed_cert(dir.path());
    let tls = start_server_with(&web, Some((cert.clone(), key)));
    let plain = start_server(&web);
    let token = add_user_direct(&owner, "Ann Archer", "interviewer");
    let db = dir.path().join("a.db");

    // The right token: connected, who and which role.
    set(&db, &plain, &token, None);
    let out = test(&db);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("connected to") && out.stdout.contains("as Ann Archer (interviewer)"),
        "{}",
        out.stdout
    );

    // A wrong token.
    set(&db, &plain, "pnl_not_a_token", None);
    fails_saying(&db, "did not accept your token");

    // An expired one (its end moved into the past in the database).
    set(&db, &plain, &token, None);
    pgc.psql(
        "panelist",
        "UPDATE users SET token_expires_at = now() - interval '1 day' WHERE name = 'Ann Archer'",
    );
    fails_saying(&db, "was revoked or has expired");
    pgc.psql(
        "panelist",
        "UPDATE users SET token_expires_at = NULL WHERE name = 'Ann Archer'",
    );

    // TLS: a certificate not trusted here; then trusted through its CA.
    set(&db, &tls, &token, None);
    fails_saying(&db, "the secure connection to 127.0.0.1");
    set(&db, &tls, &token, Some(&cert));
    assert!(test(&db).status.success());

    // http:// to the TLS port: no plain-HTTP answer.
    set(&db, &tls.replace("https://", "http://"), &token, None);
    fails_saying(&db, "did not answer in plain HTTP");
}
