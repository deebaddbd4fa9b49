//! Erasure everywhere (issue 20): `panelist-server candidate erase` and
//! `retention` (the real binary) on a real PostgreSQL, an admin's `POST
//! /v1/erasures`, and the core's sync engine as the clients, on database
//! files whose bytes are searched after the sync, as tests/erasure.rs does
//! for a local erasure.

mod common;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use common::*;
use panelist_core::sync::{self, Remote, RemoteConfig, SyncReport};
use panelist_core::{SessionId, Store};

fn remote(url: &str, token: &str) -> Remote {
    Remote::new(&RemoteConfig {
        url: url.into(),
        token: token.into(),
        ca_pem: None,
    })
    .unwrap()
}

fn sync(store: &mut Store, r: &Remote, from_start: bool) -> SyncReport {
    sync::sync(store, r, from_start, Utc::now).unwrap()
}

fn interview(store: &mut Store, who: &str, candidate: &str, t: DateTime<Utc>) -> SessionId {
    let note = format!("{who} Quokka-note on {candidate}");
    interview_on(store, who, candidate, &note, true, t)
}

/// Every file of the database, read whole, lower-cased.
fn db_text(db: &Path) -> String {
    let mut out = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(b) = std::fs::read(format!("{}{suffix}", db.display())) {
            out.extend(b);
        }
    }
    String::from_utf8_lossy(&out).to_lowercase()
}

#[test]
fn a_server_erasure_reaches_every_client_and_nothing_comes_back() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let ann_t = add_user(&owner, "Ann Archer", "interviewer");
    let ben_t = add_user(&owner, "Ben Baker", "interviewer");
    let cat_t = add_user(&owner, "Cat Cole", "interviewer");
    let dir = tempfile::tempdir().unwrap();
    let paths = |n: &str| dir.path().join(format!("{n}.db"));
    let (mut ann, mut ben, mut cat) = (
        Store::open(&paths("ann")).unwrap(),
        Store::open(&paths("ben")).unwrap(),
        Store::open(&paths("cat")).unwrap(),
    );
    let (ra, rb, rc) = (
        remote(&base, &ann_t),
        remote(&base, &ben_t),
        remote(&base, &cat_t),
    );
    // The candidate's panel (sessions are read by the plan's members who
    // submitted, server schema 5).
    plan_panel(
        &base,
        &owner,
        "Pia Planner",
        "Zoë Quetzal",
        &["Ann Archer", "Ben Baker", "Cat Cole"],
    );
    let before = Utc::now() - Duration::hours(1);
    interview(&mut ann, "Ann Archer", "Zoë Quetzal", before);
    sync(&mut ann, &ra, false);
    interview(&mut ben, "Ben Baker", "Zoë Quetzal", before);
    interview(&mut ben, "Ben Baker", "Ottilie Keep", before);
    let r = sync(&mut ben, &rb, false);
    assert_eq!(r.pulled.len(), 1, "{r:?}");
    // Cat's session of the candidate, made before the erasure, not yet pushed.
    interview(&mut cat, "Cat Cole", "Zoë Quetzal", before);
    assert!(db_text(&paths("ben")).contains("quetzal"));

    // Without --yes nothing happens.
    let (ok, _, err) = server_cli(&owner, &["candidate", "erase", "Zoë Quetzal"]);
    assert!(!ok && err.contains("--yes"), "{err}");
    // Another spelling of the name (NFD, capitals, spacing) is the same key.
    let (ok, _, err) = server_cli(
        &owner,
        &["candidate", "erase", "  ZOE\u{308}   QUETZAL ", "--yes"],
    );
    assert!(ok && err.contains("2 session(s)"), "{err}");

    // Ben's next sync erases the candidate here, down to the bytes.
    let r = sync(&mut ben, &rb, false);
    assert_eq!((r.erased.candidates, r.erased.sessions), (1, 2), "{r:?}");
    let text = db_text(&paths("ben"));
    for secret in ["quetzal", "zoë", "quokka-note on zo"] {
        assert!(!text.contains(secret), "{secret} left in Ben's files");
    }
    assert!(text.contains("ottilie"), "other candidates stay");
    // From the start: nothing of the candidate comes back.
    let r = sync(&mut ben, &rb, true);
    assert!(r.pulled.is_empty() && r.set_aside.is_empty(), "{r:?}");
    assert!(!db_text(&paths("ben")).contains("quetzal"));

    // Cat's older session is refused by the server (410) and erased on Cat's
    // machine; the sync goes on.
    let r = sync(&mut cat, &rc, false);
    assert_eq!(r.erased_on_server, 1, "{r:?}");
    assert!(r.failures.is_empty(), "{r:?}");
    assert!(!db_text(&paths("cat")).contains("quetzal"));
    assert_eq!(sync(&mut cat, &rc, false).failures.len(), 0);

    // Ann's own copy goes at her next sync too.
    let r = sync(&mut ann, &ra, false);
    assert_eq!(r.erased.sessions, 1, "{r:?}");
    assert!(!db_text(&paths("ann")).contains("quetzal"));

    // A new interview of the same name after the erasure is a new one.
    interview(&mut ann, "Ann Archer", "Zoë Quetzal", Utc::now());
    let r = sync(&mut ann, &ra, false);
    assert_eq!(r.pushed.len(), 1, "{r:?}");
}

#[test]
fn only_an_admin_erases_through_the_api_and_the_tombstone_names_nobody() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let ann_t = add_user(&owner, "Ann Archer", "interviewer");
    let lead_t = add_user(&owner, "Lee Lead", "lead");
    let adm_t = add_user(&owner, "Ada Admin", "admin");
    let f = session_file("Ann Archer", "Zoë Quetzal", "Marmoset note", true);
    assert_eq!(
        post(&base, "/v1/sessions", Some(&ann_t), &bytes(&f)).status,
        201
    );

    let body = br#"{"candidate":"zoe\u0308 quetzal"}"#;
    for t in [&ann_t, &lead_t] {
        let r = post(&base, "/v1/erasures", Some(t), body);
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(r.body["code"], "forbidden");
    }
    let r = post(&base, "/v1/erasures", Some(&adm_t), body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["sessions"], 1);
    let hash = r.body["erasure"]["candidate"].as_str().unwrap().to_string();
    assert!(hash.starts_with("sha256:"), "{hash}");
    assert!(!r.pretty.to_lowercase().contains("quetzal"), "{}", r.pretty);

    // The feed carries the tombstone, not the session, from the start.
    let r = get(&base, "/v1/changes?after=", Some(&lead_t));
    assert_eq!(r.status, 200);
    assert!(
        r.body["sessions"].as_array().unwrap().is_empty(),
        "{}",
        r.body
    );
    assert_eq!(r.body["erasures"][0]["candidate"], hash.as_str());
    assert!(!r.pretty.to_lowercase().contains("quetzal"));

    // The same session pushed again: 410 {code, message}; nothing stored.
    let r = post(&base, "/v1/sessions", Some(&ann_t), &bytes(&f));
    assert_eq!(r.status, 410, "{}", r.body);
    assert_eq!(r.body["code"], "conflict");
    assert!(r.body["message"].as_str().unwrap().contains("erased"));
    let r = get(&base, "/v1/changes?after=", Some(&ann_t));
    assert!(
        r.body["sessions"].as_array().unwrap().is_empty(),
        "{}",
        r.body
    );
}

/// A plan names the candidate and the panel: an erasure (here an admin's
/// `POST /v1/erasures`; the command and retention call the same function)
/// deletes the candidate's plans on the server too, and nobody's plan feed
/// brings them back.
#[test]
fn an_erasure_takes_the_candidates_plans_with_it() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let lead_t = add_user(&owner, "Lee Lead", "lead");
    let ann_t = add_user(&owner, "Ann Archer", "interviewer");
    let adm_t = add_user(&owner, "Ada Admin", "admin");
    push_plan(&base, &lead_t, "Lee Lead", "Zoë Quetzal", &["Ann Archer"]);
    push_plan(&base, &lead_t, "Lee Lead", "Other Person", &["Ann Archer"]);
    let count = |candidate_like: &str| {
        pgc.psql(
            "panelist",
            &format!("SELECT count(*) FROM plans WHERE document ILIKE '%{candidate_like}%'"),
        )
        .trim()
        .to_string()
    };
    assert_eq!(count("Quetzal"), "1");
    let r = get(&base, "/v1/plans?after=0", Some(&ann_t));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.pretty.contains("Quetzal"), "{}", r.pretty);

    let r = post(
        &base,
        "/v1/erasures",
        Some(&adm_t),
        br#"{"candidate":"ZOE\u0308 QUETZAL"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(count("Quetzal"), "0", "the erased candidate's plan is gone");
    assert_eq!(count("Other Person"), "1", "other plans stay");
    for t in [&ann_t, &lead_t] {
        let r = get(&base, "/v1/plans?after=0", Some(t));
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(!r.pretty.contains("Quetzal"), "{}", r.pretty);
        assert!(r.pretty.contains("Other Person"), "{}", r.pretty);
    }
}

#[test]
fn retention_erases_through_the_same_path_and_is_bounded() {
    let pgc = PgCluster::start();
    let (owner, web) = pgc.provision();
    let base = start_server(&web);
    let ann_t = add_user(&owner, "Ann Archer", "interviewer");
    let lead_t = add_user(&owner, "Lee Lead", "lead");
    for (c, note) in [("Recent Person", "recent"), ("Old Person", "Narwhal old")] {
        let f = session_file("Ann Archer", c, note, true);
        assert_eq!(
            post(&base, "/v1/sessions", Some(&ann_t), &bytes(&f)).status,
            201
        );
    }
    // The lead coordinates the recent candidate's panel, so reads its session.
    push_plan(&base, &lead_t, "Lee Lead", "Recent Person", &["Ann Archer"]);
    // The old candidate's session reached the server ten days ago (set by
    // hand, as a superuser, the stamping trigger held off).
    pgc.psql(
        "panelist",
        "ALTER TABLE sessions DISABLE TRIGGER USER;
         UPDATE sessions SET received_at = now() - interval '10 days'
          WHERE candidate_key = 'old person';
         ALTER TABLE sessions ENABLE TRIGGER USER;",
    );
    let (ok, _, err) = server_cli(&owner, &["retention", "--older-than", "11"]);
    assert!(!ok && err.contains("--yes"), "{err}");
    let (ok, _, err) = server_cli(&owner, &["retention", "--older-than", "0", "--yes"]);
    assert!(!ok && err.contains("--older-than"), "{err}");
    let (ok, _, err) = server_cli(&owner, &["retention", "--older-than", "11", "--yes"]);
    assert!(ok && err.contains("erased 0 candidate(s)"), "{err}");
    let (ok, _, err) = server_cli(&owner, &["retention", "--older-than", "5", "--yes"]);
    assert!(
        ok && err.contains("erased 1 candidate(s), 1 session(s)"),
        "{err}"
    );
    // The recent candidate stays; the old one left a tombstone, no text.
    let r = get(&base, "/v1/changes?after=", Some(&lead_t));
    assert_eq!(
        r.body["sessions"].as_array().unwrap().len(),
        1,
        "{}",
        r.body
    );
    assert_eq!(
        r.body["erasures"].as_array().unwrap().len(),
        1,
        "{}",
        r.body
    );
    assert!(!r.pretty.contains("Narwhal") && r.pretty.contains("Recent Person"));
    // Recorded as a retention erasure.
    let seen = pgc.psql(
        "panelist",
        "SELECT count(*) FROM erasures WHERE reason = 'retention'",
    );
    assert_eq!(seen.trim(), "1");
}
