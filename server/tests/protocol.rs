//! Sync protocol v1 against its committed fixtures (server/tests/fixtures/v1):
//! the exact requests and responses of docs/sync-protocol.md, replayed
//! against a fresh server. A change to the wire format fails here.
//! `PANELIST_WRITE_FIXTURES=1` rewrites the fixtures (then review the diff).

mod common;

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use common::*;
use panelist_core::session::{NewSession, Recommendation};
use panelist_core::session_file::{Identity, SessionFile};
use panelist_core::Store;
use uuid::Uuid;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1")
}

/// Compares `actual` with the committed fixture (or writes it).
fn check(name: &str, actual: &str) {
    let path = fixture_dir().join(name);
    if std::env::var_os("PANELIST_WRITE_FIXTURES").is_some() {
        std::fs::create_dir_all(fixture_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(actual, expected, "{name} differs from the fixture");
}

/// A session with fixed ids and times, so the fixture is reproducible.
fn fixed_session(interviewer: &str, n: u128, note: &str, submit: bool) -> SessionFile {
    let mut store = Store::open_in_memory().unwrap();
    let kit = store.kits().unwrap().into_iter().next().unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let new = NewSession {
        candidate: "Ada Lovelace".into(),
        interviewer: interviewer.into(),
        role: "Backend engineer".into(),
        kit: Some(kit.name.clone()),
        question_ids: kit.questions[..1].to_vec(),
    };
    let sid = Uuid::parse_str(&format!("019ab000-0000-7000-8000-{n:012x}")).unwrap();
    let cid = Uuid::parse_str(&format!("019ab000-0000-7000-9000-{n:012x}")).unwrap();
    let s = store
        .create_session(&new, sid.into(), cid.into(), t)
        .unwrap();
    let q = s.entries[0].question.id.clone();
    store.start_session(s.id, t).unwrap();
    store.set_score(s.id, &q, Some(3), t).unwrap();
    store.set_notes(s.id, &q, note, t).unwrap();
    if submit {
        let aid = Uuid::parse_str(&format!("019ab000-0000-7000-a000-{n:012x}")).unwrap();
        store
            .submit(
                s.id,
                Recommendation::Yes,
                Some("Clear examples."),
                aid.into(),
                t,
            )
            .unwrap();
    }
    SessionFile::new(store.session(s.id).unwrap())
}

#[test]
fn the_wire_format_matches_the_committed_fixtures() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let grace = add_user(&owner, "Grace Hopper", "interviewer");
    let alan = add_user(&owner, "Alan Turing", "interviewer");
    let lin = add_user(&owner, "Lin Lead", "lead");
    let base = start_server(&web);

    // Interview plans (server schema 5): a lead pushes the candidate's plan
    // (Grace and Alan interview), so each reads the other once submitted.
    let plan = fixed_plan();
    check("plan-push-request.json", &plan.to_json());
    let plan_bytes = std::fs::read(fixture_dir().join("plan-push-request.json")).unwrap();
    let r = post(&base, "/v1/plans", Some(&grace), &plan_bytes);
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post(&base, "/v1/plans", Some(&lin), &plan_bytes);
    assert_eq!(r.status, 201, "{}", r.body);
    check("plan-push-response-stored.json", &r.pretty);
    let r = post(&base, "/v1/plans", Some(&lin), &plan_bytes);
    assert_eq!(
        (r.status, r.body["result"].as_str()),
        (200, Some("unchanged"))
    );
    let r = get(&base, "/v1/plans?after=0", Some(&alan));
    assert_eq!(r.status, 200, "{}", r.body);
    check("plans-response.json", &r.pretty);
    let cursor = r.body["cursor"].as_i64().unwrap();
    let r = get(&base, &format!("/v1/plans?after={cursor}"), Some(&alan));
    check("plans-response-empty.json", &r.pretty);

    let g = fixed_session(
        "Grace Hopper",
        1,
        "Paired with QA on a flaky release.",
        true,
    );
    let a = fixed_session("Alan Turing", 2, "Talked through a cache outage.", true);
    check("push-request.json", &g.to_json());
    let g_bytes = std::fs::read(fixture_dir().join("push-request.json")).unwrap();

    let me = get(&base, "/v1/me", Some(&grace));
    check("me-response.json", &me.pretty);

    let r = post(&base, "/v1/sessions", Some(&grace), &g_bytes);
    assert_eq!(r.status, 201);
    assert_eq!(r.body["protocol"], 1, "{}", r.body);
    check("push-response-stored.json", &r.pretty);
    let r = post(&base, "/v1/sessions", Some(&grace), &g_bytes);
    assert_eq!(r.status, 200);
    assert_eq!(r.body["protocol"], 1, "{}", r.body);
    check("push-response-unchanged.json", &r.pretty);

    let mut diverged = g.session.clone();
    diverged.summary = "Edited elsewhere.".into();
    let r = post(
        &base,
        "/v1/sessions",
        Some(&grace),
        &bytes(&SessionFile::new(diverged)),
    );
    assert_eq!(r.status, 409);
    check("error-409-conflict.json", &r.pretty);
    let r = post(&base, "/v1/sessions", Some(&alan), &g_bytes);
    assert_eq!(r.status, 403);
    check("error-403-forged-author.json", &r.pretty);
    let r = post(&base, "/v1/sessions", Some("pnl_wrong"), &g_bytes);
    assert_eq!(r.status, 401);
    check("error-401-unauthorized.json", &r.pretty);

    // Alan pushes his submitted session; Grace's first pull from the start
    // holds both (she submitted too), one per page with limit=1.
    assert_eq!(
        post(&base, "/v1/sessions", Some(&alan), &bytes(&a)).status,
        201
    );
    let r = get(&base, "/v1/changes?limit=1", Some(&grace));
    assert_eq!(r.status, 200);
    check("changes-response-page1.json", &r.pretty);
    let cursor = r.body["cursor"].as_str().unwrap().to_string();
    let r = get(
        &base,
        &format!("/v1/changes?after={cursor}&limit=1"),
        Some(&grace),
    );
    check("changes-response-page2.json", &r.pretty);
    let cursor = r.body["cursor"].as_str().unwrap().to_string();
    let r = get(&base, &format!("/v1/changes?after={cursor}"), Some(&grace));
    check("changes-response-empty.json", &r.pretty);
    assert_eq!(r.body["sessions"].as_array().unwrap().len(), 0);
    assert_eq!(r.body["more"], false);

    // The team bank: nothing published yet; an admin publishes a small bank
    // (an interviewer may not); a client that has the version gets no body.
    let r = get(&base, "/v1/bank", Some(&grace));
    assert_eq!(r.status, 200);
    check("bank-response-none.json", &r.pretty);
    let bank = small_bank();
    check("bank-publish-request.json", &bank);
    let bank = std::fs::read(fixture_dir().join("bank-publish-request.json")).unwrap();
    let r = put(&base, "/v1/bank", Some(&grace), &bank);
    assert_eq!(r.status, 403);
    check("error-403-forbidden.json", &r.pretty);
    let ada = add_user(&owner, "Ada Admin", "admin");
    let r = put(&base, "/v1/bank", Some(&ada), &bank);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["protocol"], 1, "{}", r.body);
    check("bank-publish-response.json", &r.pretty);
    let r = put(&base, "/v1/bank", Some(&ada), &bank);
    assert_eq!(r.status, 200);
    assert_eq!(r.body["result"], "unchanged");
    assert_eq!(r.body["protocol"], 1, "{}", r.body);
    let r = get(&base, "/v1/bank?after=0", Some(&grace));
    assert_eq!(r.status, 200);
    check("bank-response.json", &fixed_time(&r.pretty));
    let r = get(&base, "/v1/bank?after=1", Some(&grace));
    check("bank-response-current.json", &fixed_time(&r.pretty));
    assert!(r.body["bank"].is_null());

    // Session files of version 2 (signed, docs/session-format.md): pushed and
    // pulled byte for byte like version 1, the signature kept.
    let signed = fixed_signed_session("Grace Hopper", 3, "Walked through a rollback.", [7; 32]);
    check("push-request-signed.json", &signed.to_json());
    let signed_bytes = std::fs::read(fixture_dir().join("push-request-signed.json")).unwrap();
    let r = post(&base, "/v1/sessions", Some(&grace), &signed_bytes);
    assert_eq!(r.status, 201, "{}", r.body);
    check("push-response-signed.json", &r.pretty);
    let r = get(&base, &format!("/v1/changes?after={cursor}"), Some(&grace));
    assert_eq!(r.status, 200);
    check("changes-response-signed.json", &r.pretty);
    let pulled = serde_json::to_vec(&r.body["sessions"][0]).unwrap();
    let pulled = SessionFile::parse(&pulled).expect("a pulled signed file verifies");
    assert_eq!(pulled.signature, signed.signature);

    // What the server checks of a signature: that it verifies against the
    // key the file carries. Keys are registered per user, several per user
    // (one per installation): a new revision signed with another key is
    // stored; a signature that does not match the content is refused like
    // any file that fails verification.
    let mut next = signed.session.clone();
    next.revision += 1;
    let other_key = SessionFile::signed(next.clone(), &Identity::from_seed([8; 32]));
    let r = post(&base, "/v1/sessions", Some(&grace), &bytes(&other_key));
    assert_eq!((r.status, r.body["result"].as_str()), (200, Some("stored")));
    let mut forged = SessionFile::signed(next, &Identity::from_seed([7; 32]));
    forged.signature = other_key.signature.clone().map(|mut s| {
        s.value = forged.signature.as_ref().unwrap().value.clone();
        s
    });
    let r = post(&base, "/v1/sessions", Some(&grace), &bytes(&forged));
    assert_eq!((r.status, r.body["code"].as_str()), (400, Some("invalid")));
    assert!(
        r.body["message"].as_str().unwrap().contains("signature"),
        "{}",
        r.body
    );

    // Erasure (added within v1): an admin erases the candidate; the feed
    // carries a tombstone naming nobody; an older session pushed again is
    // gone (410). The tombstone's id, salt, hash and time vary from run to
    // run: fixed ones in the fixtures (the rest as sent).
    let r = get(&base, &format!("/v1/changes?after={cursor}"), Some(&grace));
    let cursor = r.body["cursor"].as_str().unwrap().to_string();
    let erase = br#"{
  "candidate": "ada lovelace"
}
"#;
    check("erase-request.json", std::str::from_utf8(erase).unwrap());
    let r = post(&base, "/v1/erasures", Some(&grace), erase);
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post(&base, "/v1/erasures", Some(&ada), erase);
    assert_eq!(r.status, 200, "{}", r.body);
    let fixed = Tombstone::of(&r.body["erasure"]);
    check("erase-response.json", &fixed.apply(&r.pretty));
    let r = get(&base, &format!("/v1/changes?after={cursor}"), Some(&grace));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["erasures"].as_array().unwrap().len(),
        1,
        "{}",
        r.body
    );
    check("changes-response-erasure.json", &fixed.apply(&r.pretty));
    let r = post(&base, "/v1/sessions", Some(&grace), &signed_bytes);
    assert_eq!(r.status, 410, "{}", r.body);
    check("error-410-erased.json", &fixed.apply(&r.pretty));
}

/// A tombstone's run-dependent values and the fixed ones the fixtures hold.
struct Tombstone(Vec<(String, String)>);

impl Tombstone {
    fn of(e: &serde_json::Value) -> Tombstone {
        let text = |k: &str| e[k].as_str().unwrap().to_string();
        let at: chrono::DateTime<Utc> = text("erased_at").parse().unwrap();
        let id = text("id");
        Tombstone(vec![
            (text("salt"), "5a".repeat(32)),
            (text("candidate"), format!("sha256:{}", "c4".repeat(32))),
            (text("erased_at"), "2026-11-20T09:30:00.000000Z".into()),
            (
                at.format("%Y-%m-%d %H:%M UTC").to_string(),
                "2026-11-20 09:30 UTC".into(),
            ),
            (id, "019ab000-0000-7000-b000-000000000001".into()),
        ])
    }

    fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (from, to) in &self.0 {
            out = out.replace(from.as_str(), to);
        }
        out
    }
}

/// A plan with fixed ids and times for "Ada Lovelace" (the candidate id of
/// `fixed_session(.., 1, ..)`), Grace Hopper and Alan Turing on the first
/// kit, coordinated by Lin Lead and signed by the key of seed 9.
fn fixed_plan() -> panelist_core::plan::PlanFile {
    let mut store = Store::open_in_memory().unwrap();
    let kit = store.kits().unwrap().into_iter().next().unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 19, 9, 0, 0).unwrap();
    let id = Uuid::parse_str("019ab000-0000-7000-b000-000000000001").unwrap();
    let cid = Uuid::parse_str("019ab000-0000-7000-9000-000000000001").unwrap();
    let plan = store
        .create_plan(
            &panelist_core::storage::NewPlan {
                candidate: "Ada Lovelace".into(),
                role: "Backend engineer".into(),
                coordinator: Some("Lin Lead".into()),
            },
            id.into(),
            cid.into(),
            t,
        )
        .unwrap();
    let mut last = plan;
    for who in ["Grace Hopper", "Alan Turing"] {
        last = store
            .add_plan_member(
                last.id,
                &panelist_core::plan::Member {
                    interviewer: who.into(),
                    round: 1,
                    kit: Some(kit.name.clone()),
                    questions: vec![],
                    focus: vec![],
                    at: None,
                    due: Some(Utc.with_ymd_and_hms(2026, 11, 21, 17, 0, 0).unwrap()),
                },
                t,
            )
            .unwrap();
    }
    panelist_core::plan::PlanFile::signed(last, &Identity::from_seed([9; 32]))
}

/// [`fixed_session`] as a version-2 file signed by the key of `seed`.
fn fixed_signed_session(interviewer: &str, n: u128, note: &str, seed: [u8; 32]) -> SessionFile {
    let v1 = fixed_session(interviewer, n, note, true);
    SessionFile::signed(v1.session, &Identity::from_seed(seed))
}

/// A small bank file: one competency, one question, one kit.
fn small_bank() -> String {
    r#"{
  "format": "panelist-bank",
  "version": 1,
  "competencies": [
    { "id": "team-apis", "name": "APIs", "description": "Designing HTTP APIs." }
  ],
  "questions": [
    {
      "id": "team-idempotency",
      "prompt": "How would you make a payment endpoint safe to retry?",
      "competency": "team-apis",
      "seniority": "mid",
      "kind": "concept",
      "minutes": 8,
      "look_fors": ["Idempotency keys", "Stored outcome per key"],
      "follow_ups": ["What if two retries arrive at once?"],
      "levels": [
        { "value": 1, "anchor": "Retries are left to chance." },
        { "value": 2, "anchor": "Names idempotency but not how to keep it." },
        { "value": 3, "anchor": "Keys per request with the stored outcome replayed." },
        { "value": 4, "anchor": "Level 3 plus concurrent retries and key expiry." }
      ]
    }
  ],
  "kits": [
    { "id": "team-payments", "name": "Payments", "questions": ["team-idempotency"] }
  ]
}
"#
    .to_string()
}

/// The publication time varies from run to run: a fixed one for the fixture
/// (the rest of the body stays as sent, in its field order).
fn fixed_time(pretty: &str) -> String {
    let key = "\"published_at\": \"";
    match pretty.find(key) {
        Some(i) => {
            let start = i + key.len();
            let end = start + pretty[start..].find('"').unwrap();
            format!("{}2026-11-20T09:00:00Z{}", &pretty[..start], &pretty[end..])
        }
        None => pretty.to_string(),
    }
}
