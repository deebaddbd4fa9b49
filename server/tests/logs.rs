//! Structured logs: `serve --log-format json` (or PANELIST_LOG_FORMAT=json)
//! writes one JSON object per line on stderr, one event per request with its
//! route, status, latency and user id; never the token, a candidate's name
//! or a note, also when the request is refused.

mod common;

use common::*;

#[test]
fn json_logs_have_one_event_per_request_and_no_token_or_candidate() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let token = add_user(&owner, "Ann Archer", "interviewer");
    let ann_id: i64 = pg
        .psql("panelist", "SELECT id FROM users WHERE name = 'Ann Archer'")
        .trim()
        .parse()
        .unwrap();
    let server = ServeProcess::start(&web, &["--listen", "127.0.0.1:0", "--log-format", "json"]);

    assert_eq!(get(&server.url, "/v1/me", Some(&token)).status, 200);
    let file = session_file("Ann Archer", "Zenobia Quartermaine", "Q-secret-note", true);
    let pushed = post(&server.url, "/v1/sessions", Some(&token), &bytes(&file));
    assert_eq!(pushed.status, 201, "{}", pushed.pretty);
    let (files, _) = pull_all(&server.url, &token, "");
    assert_eq!(files.len(), 1);
    let wrong = "pnl_".to_string() + &"0".repeat(64);
    assert_eq!(get(&server.url, "/v1/me", Some(&wrong)).status, 401);
    // A path of a client's own making is logged by its route only.
    assert_eq!(
        get(&server.url, "/v1/Zenobia-Quartermaine", Some(&token)).status,
        404
    );
    let log = server.stop();

    assert!(!log.contains(&token), "the token is in the log:\n{log}");
    assert!(
        !log.contains(&wrong),
        "a refused token is in the log:\n{log}"
    );
    for secret in ["Zenobia", "Quartermaine", "Q-secret-note"] {
        assert!(!log.contains(secret), "{secret} is in the log:\n{log}");
    }
    let events: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let requests: Vec<&serde_json::Value> =
        events.iter().filter(|e| e["route"].is_string()).collect();
    let seen: Vec<(String, String, u64)> = requests
        .iter()
        .map(|e| {
            assert!(e["latency_ms"].is_number(), "{e}");
            assert!(e["timestamp"].is_string(), "{e}");
            assert_eq!(e["level"], "INFO", "{e}");
            (
                e["method"].as_str().unwrap().to_string(),
                e["route"].as_str().unwrap().to_string(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("GET", "/v1/me", 200),
        ("POST", "/v1/sessions", 201),
        ("GET", "/v1/changes", 200),
        ("GET", "/v1/me", 401),
        ("GET", "other", 404),
    ];
    for (m, r, s) in want {
        assert!(
            seen.iter()
                .any(|(sm, sr, ss)| sm == m && sr == r && *ss == s),
            "no event for {m} {r} {s} in {seen:?}"
        );
    }
    // The user id is on every request whose token was checked and taken;
    // not on the refused one, nor on a path no endpoint has (no token check).
    for e in &requests {
        let status = e["status"].as_u64().unwrap();
        if status == 401 || e["route"] == "other" {
            assert!(e["user_id"].is_null(), "{e}");
        } else {
            assert_eq!(e["user_id"].as_i64(), Some(ann_id), "{e}");
        }
    }
}
