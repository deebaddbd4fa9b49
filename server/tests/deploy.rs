//! The team server ready for a real deployment (issue 20): nothing stored
//! that a reader would refuse, bounded (header, lock and rate limits, the
//! token before the body), tokens that expire, candidates by the core's
//! identity key. Real PostgreSQL; the real `panelist-server` binary where
//! its options are under test.

mod common;
use common::*;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use panelist_core::session_file::{Identity, SessionFile};

/// A lead may read a colleague's submitted session; pushing their own file
/// under that session's id used to be filtered to 0 rows by row-level
/// security and answered 200 "stored". It is a 409, and nothing changes.
#[test]
fn a_push_row_level_security_filters_out_is_a_conflict_not_stored() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let lee = add_user(&owner, "Lee Lead", "lead");
    let base = start_server(&web);
    let a = session_file("Ann Archer", "Ada Lovelace", "ANN-NOTE", true);
    assert_eq!(
        post(&base, "/v1/sessions", Some(&ann), &bytes(&a)).status,
        201
    );
    let before = pg.dump();
    let mut s = a.session.clone();
    s.interviewer = "Lee Lead".into();
    for e in &mut s.audit {
        e.actor = "Lee Lead".into();
    }
    s.revision += 1;
    let r = post(
        &base,
        "/v1/sessions",
        Some(&lee),
        &bytes(&SessionFile::new(s)),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.body["code"], "conflict");
    assert_eq!(pg.dump(), before, "the refused push changed the database");
}

/// Once a user's sessions are signed, an unsigned (version 1) file of
/// theirs would be refused by every reader that pinned their key: the
/// server refuses it at the push. A second installation's key is
/// registered under the same user, and readers are told both keys.
#[test]
fn keys_are_registered_per_user_and_an_unsigned_file_after_them_is_refused() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let lee = add_user(&owner, "Lee Lead", "lead");
    let base = start_server(&web);
    // Lee coordinates the candidates' plans (server schema 5: a colleague's
    // session is read through its candidate's plan).
    for c in ["Ada Lovelace", "Alan Turing"] {
        push_plan(&base, &lee, "Lee Lead", c, &["Ann Archer"]);
    }
    let (one, two) = (Identity::from_seed([1; 32]), Identity::from_seed([2; 32]));
    let first = session_file("Ann Archer", "Ada Lovelace", "n1", true);
    let r = post(
        &base,
        "/v1/sessions",
        Some(&ann),
        &bytes(&SessionFile::signed(first.session, &one)),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let unsigned = session_file("Ann Archer", "Alan Turing", "n2", true);
    let before = pg.dump();
    let r = post(&base, "/v1/sessions", Some(&ann), &bytes(&unsigned));
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["code"], "invalid");
    assert!(
        r.body["message"].as_str().unwrap().contains("unsigned"),
        "{}",
        r.body
    );
    assert_eq!(pg.dump(), before);
    // The same user from a second installation: stored, and the key is
    // listed with the page for readers.
    let r = post(
        &base,
        "/v1/sessions",
        Some(&ann),
        &bytes(&SessionFile::signed(unsigned.session, &two)),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = get(&base, "/v1/changes?after=", Some(&lee));
    assert_eq!(r.status, 200, "{}", r.body);
    let keys: Vec<(String, String)> = r.body["keys"]
        .as_array()
        .expect("keys listed")
        .iter()
        .map(|k| {
            (
                k["interviewer"].as_str().unwrap().to_string(),
                k["public_key"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            ("Ann Archer".to_string(), one.public_key()),
            ("Ann Archer".to_string(), two.public_key())
        ]
    );
}

/// A newer revision that changes what its interviewer could not (here the
/// questions) is refused by every reader's import; the server refuses it.
#[test]
fn a_revision_its_interviewer_could_not_make_is_refused_at_the_push() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let base = start_server(&web);
    let a = session_file("Ann Archer", "Ada Lovelace", "n", true);
    assert_eq!(
        post(&base, "/v1/sessions", Some(&ann), &bytes(&a)).status,
        201
    );
    let before = pg.dump();
    let mut s = a.session.clone();
    s.revision += 1;
    s.entries.pop();
    let r = post(
        &base,
        "/v1/sessions",
        Some(&ann),
        &bytes(&SessionFile::new(s)),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(pg.dump(), before);
}

/// The per-user storage quota: a push that would take a user past it is a
/// 413 `too_large` naming the quota; others' pushes go on.
#[test]
fn a_push_past_the_users_quota_is_refused() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let ben = add_user(&owner, "Ben Baker", "interviewer");
    let server = ServeProcess::start(&web, &["--listen", "127.0.0.1:0", "--quota-mib", "1"]);
    let base = server.url.clone();
    let note = "x".repeat(9_000);
    let mut stored = 0;
    let refused = loop {
        let f = session_file("Ann Archer", &format!("Candidate {stored}"), &note, true);
        let r = post(&base, "/v1/sessions", Some(&ann), &bytes(&f));
        if r.status != 201 {
            break r;
        }
        stored += 1;
        assert!(stored < 200, "the quota never applied");
    };
    assert!(stored > 0);
    assert_eq!(refused.status, 413, "{}", refused.body);
    assert_eq!(refused.body["code"], "too_large");
    assert!(refused.body["message"].as_str().unwrap().contains("quota"));
    let f = session_file("Ben Baker", "Candidate 0", "short", true);
    assert_eq!(
        post(&base, "/v1/sessions", Some(&ben), &bytes(&f)).status,
        201
    );
}

/// The token is checked before the body is read: an oversize body with a
/// bad token is a 401, answered without reading it.
#[test]
fn the_token_is_checked_before_the_body() {
    let pg = PgCluster::start();
    let (_owner, web) = pg.provision();
    let base = start_server(&web);
    let r = post_oversize(&base, "pnl_not_a_token", 6 * 1024 * 1024);
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(r.body["code"], "unauthorized");
}

/// Every error body is `{code, message}` JSON, the framework's own
/// rejections included (`reply` checks code and message).
#[test]
fn the_frameworks_own_rejections_are_json() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let base = start_server(&web);
    let r = get(&base, "/v1/changes?limit=notanumber", Some(&ann));
    assert_eq!((r.status, r.body["code"].as_str()), (400, Some("invalid")));
    let r = get(&base, "/nothing/here", Some(&ann));
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (404, Some("not_found"))
    );
    let r = put(&base, "/v1/me", Some(&ann), b"{}");
    assert_eq!(r.status, 405, "{}", r.body);
    let r = post(&base, "/v1/sessions", Some(&ann), b"{not json");
    assert_eq!((r.status, r.body["code"].as_str()), (400, Some("invalid")));
}

/// 500 connections that send half a request's headers and then nothing
/// delay a normal request by less than a second and are closed within the
/// header timeout (once, with no timeout, 1,100 of them starved the server).
#[test]
fn slow_header_connections_neither_starve_the_server_nor_stay_open() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let server = ServeProcess::start(&web, &["--listen", "127.0.0.1:0", "--header-timeout", "3"]);
    let base = server.url.clone();
    let addr = base.strip_prefix("http://").unwrap().to_string();
    // The baseline: a push and a pull.
    let f = session_file("Ann Archer", "Ada Lovelace", "n", true);
    assert_eq!(
        post(&base, "/v1/sessions", Some(&ann), &bytes(&f)).status,
        201
    );
    let t = Instant::now();
    assert_eq!(get(&base, "/v1/changes?after=", Some(&ann)).status, 200);
    let baseline = t.elapsed();

    let opened = Instant::now();
    let mut slow: Vec<TcpStream> = (0..500)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(b"GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthor")
                .unwrap();
            s
        })
        .collect();
    let t = Instant::now();
    assert_eq!(get(&base, "/v1/me", Some(&ann)).status, 200);
    assert_eq!(get(&base, "/v1/changes?after=", Some(&ann)).status, 200);
    let f = session_file("Ann Archer", "Alan Turing", "n", true);
    assert_eq!(
        post(&base, "/v1/sessions", Some(&ann), &bytes(&f)).status,
        201
    );
    let loaded = t.elapsed();
    assert!(
        loaded < baseline * 3 + Duration::from_secs(1),
        "a sync took {loaded:?} with 500 slow clients (alone {baseline:?})"
    );
    // Every slow connection is closed by the server within the timeout.
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 512];
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
    }
    let closed = opened.elapsed();
    assert!(
        closed < Duration::from_secs(3 + 3),
        "slow connections were closed only after {closed:?}"
    );
}

/// A write stalled while holding the change-number lock does not hold up
/// every push: the others wait at most the lock timeout and fail fast with
/// 503 `unavailable`; once the lock is free, pushes go through.
#[test]
fn a_write_stalled_under_the_lock_makes_other_pushes_fail_fast() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let base = start_server(&web);
    let stalled = pg.psql_background(
        "panelist",
        "BEGIN; SELECT pg_advisory_xact_lock(7311401); SELECT pg_sleep(6); COMMIT;",
    );
    std::thread::sleep(Duration::from_millis(500));
    let f = session_file("Ann Archer", "Ada Lovelace", "n", true);
    let t = Instant::now();
    let r = post(&base, "/v1/sessions", Some(&ann), &bytes(&f));
    let took = t.elapsed();
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.body["code"], "unavailable");
    assert!(took < Duration::from_secs(3), "the push waited {took:?}");
    stalled.wait();
    let r = post(&base, "/v1/sessions", Some(&ann), &bytes(&f));
    assert_eq!(r.status, 201, "{}", r.body);
}

/// A passing database condition is 503 `unavailable` (send it again), never
/// a 500: a push whose database connection an administrator terminates
/// while it waits on the lock (SQLSTATE 57P01) answers 503, and the same push
/// sent again is stored.
#[test]
fn a_push_whose_database_connection_is_terminated_answers_503() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let server = ServeProcess::start(
        &web,
        &["--listen", "127.0.0.1:0", "--lock-timeout-ms", "20000"],
    );
    let base = server.url.clone();
    let stalled = pg.psql_background(
        "panelist",
        "BEGIN; SELECT pg_advisory_xact_lock(7311401); SELECT pg_sleep(3); COMMIT;",
    );
    std::thread::sleep(Duration::from_millis(500));
    let f = bytes(&session_file("Ann Archer", "Ada Lovelace", "n", true));
    let pusher = {
        let (base, ann, f) = (base.clone(), ann.clone(), f.clone());
        std::thread::spawn(move || post(&base, "/v1/sessions", Some(&ann), &f))
    };
    let start = Instant::now();
    loop {
        let ended = pg.psql(
            "panelist",
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE usename = 'panelist_web' AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
        );
        if ended.trim() == "1" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "the push never waited on the lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let r = pusher.join().unwrap();
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.body["code"], "unavailable");
    stalled.wait();
    let again = post(&base, "/v1/sessions", Some(&ann), &f);
    assert_eq!(again.status, 201, "{}", again.body);
    let log = server.stop();
    assert!(
        log.contains("database busy") && log.contains("57P01"),
        "{log}"
    );
}

/// Tokens expire: `token new NAME --expires DAYS` gives a token that works
/// until then (the old one stops at once), and not after.
#[test]
fn tokens_expire_and_rotate() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let old = add_user(&owner, "Ann Archer", "interviewer");
    let base = start_server(&web);
    let (ok, out, err) = server_cli(&owner, &["token", "new", "ann archer", "--expires", "30"]);
    assert!(ok, "{err}");
    let new = out.trim().to_string();
    assert!(err.contains("valid for 30 days"), "{err}");
    assert_eq!(get(&base, "/v1/me", Some(&old)).status, 401);
    assert_eq!(get(&base, "/v1/me", Some(&new)).status, 200);
    pg.psql(
        "panelist",
        "UPDATE users SET token_expires_at = now() - interval '1 second'",
    );
    let r = get(&base, "/v1/me", Some(&new));
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(r.body["message"].as_str().unwrap().contains("expired"));
    let (ok, _, err) = server_cli(&owner, &["token", "new", "Ann Archer", "--expires", "0"]);
    assert!(!ok && err.contains("--expires"), "{err}");
}

/// The server files candidates by the core's identity key: NFC, NFD and
/// capitals are one candidate, so submitting for one spelling unseals a
/// colleague's session filed under another.
#[test]
fn candidates_are_one_by_the_cores_identity_key() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let ben = add_user(&owner, "Ben Baker", "interviewer");
    let cat = add_user(&owner, "Cat Cole", "interviewer");
    let lee = add_user(&owner, "Lee Lead", "lead");
    let base = start_server(&web);
    let nfc = "José Núñez";
    let nfd = "Jose\u{301} Nu\u{301}n\u{303}ez";
    let caps = "JOSÉ NÚÑEZ";
    // The candidate's plan, under a fourth spelling (server schema 5).
    push_plan(
        &base,
        &lee,
        "Lee Lead",
        "josé núñez",
        &["Ann Archer", "Ben Baker", "Cat Cole"],
    );
    let a = session_file("Ann Archer", nfc, "ANN", true);
    let b = session_file("Ben Baker", nfd, "BEN", true);
    let c = session_file("Cat Cole", caps, "CAT", true);
    for (t, f) in [(&ann, &a), (&ben, &b), (&cat, &c)] {
        assert_eq!(post(&base, "/v1/sessions", Some(t), &bytes(f)).status, 201);
    }
    let (pulled, _) = pull_all(&base, &cat, "");
    let mut who: Vec<_> = pulled
        .iter()
        .map(|f| f.session.interviewer.clone())
        .collect();
    who.sort();
    assert_eq!(who, ["Ann Archer", "Ben Baker", "Cat Cole"]);
}

/// A database migrated before the identity key (candidates keyed by the
/// trimmed name) is re-keyed by migration 3: rows of one candidate under
/// several spellings become one candidate, and the unseal they share is
/// delivered after any cursor.
#[test]
fn migration_3_rekeys_stored_candidates() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let ben = add_user(&owner, "Ben Baker", "interviewer");
    let lee = add_user(&owner, "Lee Lead", "lead");
    let base = start_server(&web);
    // Ada's plan (server schema 5): it names her by the identity key.
    push_plan(
        &base,
        &lee,
        "Lee Lead",
        "Ada Lovelace",
        &["Ann Archer", "Ben Baker"],
    );
    let a = session_file("Ann Archer", "Ada Lovelace", "ANN", true);
    let b = session_file("Ben Baker", "ADA LOVELACE", "BEN", true);
    for (t, f) in [(&ann, &a), (&ben, &b)] {
        assert_eq!(post(&base, "/v1/sessions", Some(t), &bytes(f)).status, 201);
    }
    // As a schema-2 server stored them: the trimmed name.
    pg.psql(
        "panelist",
        "ALTER TABLE sessions DISABLE TRIGGER USER;
         UPDATE sessions SET candidate_key = 'ADA LOVELACE' WHERE author_id = (SELECT id FROM users WHERE name = 'Ben Baker');
         UPDATE sessions SET candidate_key = 'Ada Lovelace' WHERE author_id = (SELECT id FROM users WHERE name = 'Ann Archer');
         UPDATE unseals SET candidate_key = 'ADA LOVELACE' WHERE user_id = (SELECT id FROM users WHERE name = 'Ben Baker');
         UPDATE unseals SET candidate_key = 'Ada Lovelace' WHERE user_id = (SELECT id FROM users WHERE name = 'Ann Archer');
         ALTER TABLE sessions ENABLE TRIGGER USER;",
    );
    let (before, cursor) = pull_all(&base, &ben, "");
    assert_eq!(before.len(), 1, "apart while keyed by the trimmed name");
    // Migration 3's data step, as `migrate` runs it after the SQL.
    block_on(async {
        let mut client = panelist_server::db::connect(&owner).await.unwrap();
        let tx = client.transaction().await.unwrap();
        panelist_server::db::rekey_candidates(&tx).await.unwrap();
        tx.commit().await.unwrap();
    });
    let keys = pg.psql("panelist", "SELECT DISTINCT candidate_key FROM sessions");
    assert_eq!(keys.trim(), "ada lovelace", "{keys}");
    let (after, _) = pull_all(&base, &ben, &cursor);
    assert!(
        after.iter().any(|f| f.session.interviewer == "Ann Archer"),
        "Ann's session arrives after Ben's cursor once the keys are one"
    );
}

/// `GET /healthz` answers 200 while the database does; `GET /metrics` is
/// the Prometheus text format with requests by route and status, latency,
/// pool use, pushes and pulls, counting what was done.
#[test]
fn health_and_metrics_count_what_happened() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ann = add_user(&owner, "Ann Archer", "interviewer");
    let base = start_server(&web);
    let r = get(&base, "/healthz", None);
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("ok")));
    for n in 0..3 {
        let f = session_file("Ann Archer", &format!("Candidate {n}"), "n", true);
        assert_eq!(
            post(&base, "/v1/sessions", Some(&ann), &bytes(&f)).status,
            201
        );
        assert_eq!(
            post(&base, "/v1/sessions", Some(&ann), &bytes(&f)).status,
            200
        );
    }
    assert_eq!(get(&base, "/v1/changes?after=", Some(&ann)).status, 200);
    assert_eq!(get(&base, "/v1/me", None).status, 401);
    let text = ureq::get(&format!("{base}/metrics"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    for line in [
        "panelist_pushes_total{result=\"stored\"} 3",
        "panelist_pushes_total{result=\"unchanged\"} 3",
        "panelist_pulls_total 1",
        "panelist_pulled_sessions_total 3",
        "panelist_http_requests_total{route=\"/v1/sessions\",method=\"POST\",status=\"201\"} 3",
        "panelist_http_requests_total{route=\"/v1/me\",method=\"GET\",status=\"401\"} 1",
        "panelist_http_request_duration_seconds_count{route=\"/v1/sessions\"} 6",
        "panelist_db_pool_connections ",
    ] {
        assert!(text.contains(line), "no {line:?} in:\n{text}");
    }
}
