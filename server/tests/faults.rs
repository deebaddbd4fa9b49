//! Faults against a real PostgreSQL and the real `panelist-server` binary,
//! with the client being the core's sync engine (`panelist_core::sync`, the
//! one `panelist sync` and the desktop app use) on real database files:
//! the server killed with SIGKILL mid-push, PostgreSQL restarted under load,
//! a client offline for a day of work, two server instances on one
//! database; and the bad requests the acceptance list names that the other
//! tests do not already cover.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use panelist_core::sync::{self, Remote, RemoteConfig, SyncReport};
use panelist_core::{SessionId, Store};
use uuid::Uuid;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap() + chrono::Duration::minutes(minutes)
}

/// A real interview on `store`, scored, noted and submitted.
fn interview(store: &mut Store, interviewer: &str, candidate: &str, t: DateTime<Utc>) -> SessionId {
    let note = format!("{interviewer} notes on {candidate}");
    interview_on(store, interviewer, candidate, &note, true, t)
}

fn remote(url: &str, token: &str) -> Remote {
    Remote::new(&RemoteConfig {
        url: url.into(),
        token: token.into(),
        ca_pem: None,
    })
    .unwrap()
}

fn sync_once(store: &mut Store, r: &Remote) -> panelist_core::Result<SyncReport> {
    sync::sync(store, r, false, Utc::now)
}

/// Syncs until a sync succeeds (as the app's minute timer does), giving up
/// after `limit`. Returns the successful report and how many attempts failed.
fn sync_until_ok(store: &mut Store, r: &Remote, limit: Duration) -> (SyncReport, usize) {
    let start = Instant::now();
    let mut failed = 0;
    loop {
        match sync_once(store, r) {
            Ok(rep) => return (rep, failed),
            Err(e) => {
                failed += 1;
                assert!(
                    start.elapsed() < limit,
                    "sync still failing after {limit:?}: {e}"
                );
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
}

/// A loopback port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve_on(web: &str, port: u16) -> ServeProcess {
    ServeProcess::start(web, &["--listen", &format!("127.0.0.1:{port}")])
}

/// (session id, revision, author name) of every row the server keeps, read
/// as the superuser.
fn server_rows(pg: &PgCluster) -> Vec<(String, i64, String)> {
    pg.psql(
        "panelist",
        "SELECT s.id, s.revision, u.name FROM sessions s JOIN users u ON u.id = s.author_id ORDER BY s.id",
    )
    .lines()
    .map(|l| {
        let mut p = l.split('|');
        (
            p.next().unwrap().to_string(),
            p.next().unwrap().parse().unwrap(),
            p.next().unwrap().to_string(),
        )
    })
    .collect()
}

fn server_count(pg: &PgCluster) -> usize {
    pg.psql("panelist", "SELECT count(*) FROM sessions")
        .trim()
        .parse()
        .unwrap()
}

/// (id, revision) of the store's own sessions, and how many imported.
fn client_rows(store: &Store) -> (Vec<(String, i64)>, usize) {
    let all = store.all_sessions().unwrap();
    let mut own: Vec<_> = all
        .iter()
        .filter(|p| !p.imported)
        .map(|p| (p.session.id.to_string(), p.session.revision as i64))
        .collect();
    own.sort();
    (own, all.iter().filter(|p| p.imported).count())
}

fn open(dir: &Path, name: &str) -> Store {
    Store::open(&dir.join(name)).unwrap()
}

#[test]
fn the_server_killed_mid_push_loses_and_duplicates_nothing() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let token = add_user(&owner, "Ann Archer", "interviewer");
    let port = free_port();
    let server = serve_on(&web, port);
    let url = server.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), "ann.db");
    let n = 80;
    for i in 0..n {
        interview(&mut store, "Ann Archer", &format!("Candidate {i}"), at(i));
    }
    assert_eq!(sync::waiting(&store).unwrap(), (n as usize, 0));

    // The client pushes its 80 sessions; once the server holds a few, the
    // server is killed (SIGKILL: no graceful anything).
    let pusher = {
        let (url, token) = (url.clone(), token.clone());
        std::thread::spawn(move || {
            let r = sync_once(&mut store, &remote(&url, &token));
            (store, r)
        })
    };
    let start = Instant::now();
    while server_count(&pg) < 5 {
        assert!(start.elapsed() < Duration::from_secs(60), "no push arrived");
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    let (mut store, r) = pusher.join().unwrap();
    let err = r.expect_err("the sync was cut off by the kill").to_string();
    assert!(err.contains("cannot reach the team server"), "{err}");
    let held = server_count(&pg);
    assert!(held < n as usize, "the kill came mid-push ({held} of {n})");
    // What the server acknowledged left the outbox; the rest still waits
    // (at most one more, whose answer the kill swallowed, is on both sides).
    let (waiting, _) = sync::waiting(&store).unwrap();
    assert!(
        waiting == n as usize - held || waiting == n as usize - held + 1,
        "waiting {waiting}, held {held}"
    );

    // The server comes back (same address); the client retries.
    let server = serve_on(&web, port);
    let (rep, _) = sync_until_ok(&mut store, &remote(&url, &token), Duration::from_secs(60));
    assert_eq!(rep.pushed.len() + rep.already_there, waiting);
    assert!(rep.already_there <= 1);
    assert!(rep.conflicts.is_empty() && rep.failures.is_empty());
    assert_eq!(sync::waiting(&store).unwrap(), (0, 0));

    // Nothing lost, nothing twice: the server holds exactly the client's
    // sessions at their revisions, and the client holds only its own.
    let (own, imported) = client_rows(&store);
    assert_eq!(own.len(), n as usize);
    assert_eq!(imported, 0, "the client's own sessions came back as copies");
    let rows = server_rows(&pg);
    assert_eq!(
        rows.iter()
            .map(|(id, rev, _)| (id.clone(), *rev))
            .collect::<Vec<_>>(),
        own
    );
    assert!(rows.iter().all(|(_, _, a)| a == "Ann Archer"));
    // And a further sync moves nothing.
    let rep = sync_once(&mut store, &remote(&url, &token)).unwrap();
    assert_eq!((rep.pushed.len(), rep.already_there), (0, 0));
    drop(server);
}

#[test]
fn postgresql_restarted_under_load_and_the_server_recovers_by_itself() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let server = serve_on(&web, free_port());
    let url = server.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let per_client: usize = 15;
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let name = format!("Writer {c}");
            let token = add_user(&owner, &name, "interviewer");
            let db = dir.path().join(format!("w{c}.db"));
            let url = url.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&db).unwrap();
                let r = remote(&url, &token);
                let mut failed = 0;
                for i in 0..per_client {
                    interview(&mut store, &name, &format!("Candidate {i}"), at(i as i64));
                    // Sync after each submit, retrying until it goes through.
                    failed += sync_until_ok(&mut store, &r, Duration::from_secs(120)).1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                (store, failed)
            })
        })
        .collect();
    // Under load: restart PostgreSQL while the four clients push.
    let start = Instant::now();
    while server_count(&pg) < 12 {
        assert!(start.elapsed() < Duration::from_secs(120), "no pushes");
        std::thread::sleep(Duration::from_millis(10));
    }
    let before = server_count(&pg);
    pg.restart();
    let mut failed = 0;
    let mut stores = Vec::new();
    for c in clients {
        let (store, f) = c.join().unwrap();
        failed += f;
        stores.push(store);
    }
    assert!(
        before < 4 * per_client,
        "the restart came under load ({before})"
    );
    // The same server process served before and after (the pool replaced
    // its dead connections): it is still running, never restarted.
    let mut server = server;
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server died"
    );
    // Everything arrived exactly once.
    let rows = server_rows(&pg);
    assert_eq!(rows.len(), 4 * per_client);
    let mut all_own = Vec::new();
    for s in &stores {
        assert_eq!(sync::waiting(s).unwrap(), (0, 0));
        all_own.extend(client_rows(s).0);
    }
    all_own.sort();
    assert_eq!(
        rows.iter()
            .map(|(id, rev, _)| (id.clone(), *rev))
            .collect::<Vec<_>>(),
        all_own
    );
    // The server answers at once now, without a retry.
    let r = get(
        &url,
        "/v1/me",
        Some(&add_user(&owner, "Late Comer", "lead")),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    eprintln!("syncs refused during the restart and retried: {failed}");
    let log = server.stop();
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn a_day_offline_arrives_once_when_the_server_is_back() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ta = add_user(&owner, "Ann Archer", "interviewer");
    let tb = add_user(&owner, "Ben Baker", "interviewer");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(dir.path(), "ann.db");
    let ra = remote(&url, &ta);

    // A day of interviews (9:00 to 17:00, every 12 minutes) with the server
    // unreachable: each submit's sync fails, nothing is lost.
    let n = 40;
    for i in 0..n {
        interview(
            &mut a,
            "Ann Archer",
            &format!("Candidate {i}"),
            at(60 + i * 12),
        );
        let e = sync_once(&mut a, &ra).unwrap_err().to_string();
        assert!(e.contains("cannot reach the team server"), "{e}");
        assert_eq!(sync::waiting(&a).unwrap(), (i as usize + 1, 0));
    }
    assert_eq!(server_count(&pg), 0);

    // Back online: everything arrives, once.
    let server = serve_on(&web, port);
    let rep = sync_once(&mut a, &ra).unwrap();
    assert_eq!((rep.pushed.len(), rep.already_there), (n as usize, 0));
    assert_eq!(sync::waiting(&a).unwrap(), (0, 0));
    let rows = server_rows(&pg);
    assert_eq!(
        rows.iter()
            .map(|(id, rev, _)| (id.clone(), *rev))
            .collect::<Vec<_>>(),
        client_rows(&a).0
    );
    let rep = sync_once(&mut a, &ra).unwrap();
    assert_eq!((rep.pushed.len(), rep.already_there), (0, 0));

    // A colleague who interviewed one of the candidates, on its plan with
    // Ann, sees that one only.
    plan_panel(
        &url,
        &owner,
        "Lee Lead",
        "Candidate 7",
        &["Ann Archer", "Ben Baker"],
    );
    let mut b = open(dir.path(), "ben.db");
    interview(&mut b, "Ben Baker", "Candidate 7", at(600));
    let rep = sync_once(&mut b, &remote(&url, &tb)).unwrap();
    assert_eq!(rep.pushed.len(), 1);
    assert_eq!(rep.pulled.len(), 1, "{rep:?}");
    assert_eq!(rep.pulled[0].candidate, "Candidate 7");
    assert_eq!(client_rows(&b).1, 1);
    drop(server);
}

#[test]
fn two_server_instances_on_one_database_behave_as_one() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ta = add_user(&owner, "Ann Archer", "interviewer");
    let tb = add_user(&owner, "Ben Baker", "interviewer");
    let s1 = serve_on(&web, free_port());
    let s2 = serve_on(&web, free_port());
    let dir = tempfile::tempdir().unwrap();

    // Ann pushes through instance 1; Ben, submitted for the same candidate
    // (both on its plan), pulls through instance 2 and receives it.
    plan_panel(
        &s1.url,
        &owner,
        "Lee Lead",
        "Ada Lovelace",
        &["Ann Archer", "Ben Baker"],
    );
    let mut a = open(dir.path(), "ann.db");
    let ida = interview(&mut a, "Ann Archer", "Ada Lovelace", at(0));
    // Ann's second device: a copy of her database before she syncs.
    a.checkpoint().unwrap();
    std::fs::copy(dir.path().join("ann.db"), dir.path().join("ann2.db")).unwrap();
    let rep = sync_once(&mut a, &remote(&s1.url, &ta)).unwrap();
    assert_eq!(rep.pushed.len(), 1);
    let mut b = open(dir.path(), "ben.db");
    interview(&mut b, "Ben Baker", "Ada Lovelace", at(30));
    let rep = sync_once(&mut b, &remote(&s2.url, &tb)).unwrap();
    assert_eq!((rep.pushed.len(), rep.pulled.len()), (1, 1), "{rep:?}");
    assert_eq!(rep.pulled[0].interviewer, "Ann Archer");
    // And Ann, through instance 2, gets Ben's (one feed, one cursor space).
    let rep = sync_once(&mut a, &remote(&s2.url, &ta)).unwrap();
    assert_eq!(rep.pulled.len(), 1, "{rep:?}");
    assert_eq!(rep.pulled[0].interviewer, "Ben Baker");

    // A revision conflict is detected across instances: Ann amends the
    // session on device 1 (pushed through instance 1) and, differently, on
    // device 2 (pushed through instance 2): 409, and both are kept.
    let q = a.session(ida).unwrap().entries[0].question.id.clone();
    a.amend_score(
        ida,
        &q,
        4,
        "re-read my notes",
        Uuid::now_v7().into(),
        at(60),
    )
    .unwrap();
    let rep = sync_once(&mut a, &remote(&s1.url, &ta)).unwrap();
    assert_eq!(rep.pushed.len(), 1);
    let mut a2 = open(dir.path(), "ann2.db");
    a2.amend_score(ida, &q, 1, "second thoughts", Uuid::now_v7().into(), at(61))
        .unwrap();
    let local = a2.session(ida).unwrap();
    let before = pg.dump();
    let rep = sync_once(&mut a2, &remote(&s2.url, &ta)).unwrap();
    assert_eq!(rep.pushed.len(), 0);
    assert_eq!(rep.conflicts.len(), 1, "{rep:?}");
    assert!(rep.conflicts[0].line().contains("both are kept"), "{rep:?}");
    assert_eq!(pg.dump(), before, "the refused push changed the server");
    assert_eq!(a2.session(ida).unwrap(), local, "the local copy is kept");
    assert_eq!(sync::waiting(&a2).unwrap(), (0, 1));
    // It is not pushed again until it changes; the conflict stays reported.
    let rep = sync_once(&mut a2, &remote(&s1.url, &ta)).unwrap();
    assert_eq!((rep.pushed.len(), rep.conflicts.len()), (0, 1));
    assert_eq!(pg.dump(), before);

    // Revoking through the database takes effect on both instances at once.
    let (ok, _, err) = server_cli(&owner, &["token", "revoke", "Ben Baker"]);
    assert!(ok, "{err}");
    for s in [&s1, &s2] {
        let r = get(&s.url, "/v1/me", Some(&tb));
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (401, Some("unauthorized"))
        );
    }
}

#[test]
fn bad_requests_from_the_acceptance_list_change_nothing() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let ta = add_user(&owner, "Ann Archer", "interviewer");
    let tc = add_user(&owner, "Cat Cole", "interviewer");
    let base = start_server(&web);
    let a = session_file("Ann Archer", "Ada Lovelace", "ANN-SEALED-NOTE", true);
    assert_eq!(
        post(&base, "/v1/sessions", Some(&ta), &bytes(&a)).status,
        201
    );
    let before = pg.dump();
    let check = |r: Reply, status: u16, code: &str| {
        assert_eq!(r.status, status, "{}", r.body);
        assert_eq!(r.body["code"], code, "{}", r.body);
        assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(r.body.as_object().unwrap().len(), 2, "{}", r.body);
        assert!(!r.pretty.contains("ANN-SEALED-NOTE"), "{}", r.pretty);
        assert_eq!(pg.dump(), before, "a refused request changed the database");
    };
    // A 20 MB body: 413 before it is read.
    check(
        post_oversize(&base, &tc, 20 * 1024 * 1024),
        413,
        "too_large",
    );
    // A sealed session asked for by id, by an interviewer who has not
    // submitted for that candidate: there is no such read, and the feed
    // does not hand it out whatever cursor is forged around its id.
    let id = a.session.id.to_string();
    check(
        get(&base, &format!("/v1/sessions/{id}"), Some(&tc)),
        404,
        "not_found",
    );
    check(
        get(&base, "/v1/sessions", Some(&tc)),
        405,
        "method_not_allowed",
    );
    for after in ["", "v1.0.00000000-0000-0000-0000-000000000000"] {
        let r = get(&base, &format!("/v1/changes?after={after}"), Some(&tc));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["sessions"], serde_json::json!([]), "{}", r.body);
    }
    let r = get(&base, &format!("/v1/changes?after=v1.0.{id}"), Some(&tc));
    assert!(!r.pretty.contains("ANN-SEALED-NOTE"), "{}", r.pretty);
    assert_eq!(pg.dump(), before);
    // Someone else's session id, pushed by Cat under her own name: 409.
    let mut stolen = a.session.clone();
    stolen.interviewer = "Cat Cole".into();
    for e in &mut stolen.audit {
        e.actor = "Cat Cole".into();
    }
    check(
        post(
            &base,
            "/v1/sessions",
            Some(&tc),
            &bytes(&panelist_core::session_file::SessionFile::new(stolen)),
        ),
        409,
        "conflict",
    );
    // A forged author, malformed JSON, a wrong and a revoked token.
    let forged = session_file("Ann Archer", "Ada Lovelace", "forged", true);
    check(
        post(&base, "/v1/sessions", Some(&tc), &bytes(&forged)),
        403,
        "forged_author",
    );
    check(
        post(
            &base,
            "/v1/sessions",
            Some(&tc),
            b"{\"format\": \"panelist-session\",",
        ),
        400,
        "invalid",
    );
    check(
        post(&base, "/v1/sessions", Some("pnl_wrong"), &bytes(&a)),
        401,
        "unauthorized",
    );
    let (ok, _, err) = server_cli(&owner, &["token", "revoke", "Cat Cole"]);
    assert!(ok, "{err}");
    let before2 = pg.dump();
    let r = get(&base, "/v1/changes", Some(&tc));
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("unauthorized"))
    );
    assert_eq!(pg.dump(), before2);
}
