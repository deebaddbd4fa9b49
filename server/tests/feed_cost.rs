//! What reading costs the database, in counts that do not depend on the
//! machine's speed or load: the shared buffers a query touches and the
//! `sessions` rows it looks at (EXPLAIN (ANALYZE, BUFFERS) of the server's
//! own change-feed query, as the serving role with row-level security on),
//! on a real PostgreSQL 15 filled like the load test (panels of six, each
//! candidate planned by a lead, every session submitted).
//!
//! Schema 5's read policy ran a function for every row a query looked at,
//! with several index lookups of its own: a pull examined every session
//! changed since the reader's cursor, the whole team's, at about six
//! buffers apiece, and pulls became five times slower (server migration
//! 0007 lists the readable rows once per query instead). A row read through
//! the policies must cost less than a buffer, and the rest of the team's
//! pushes must cost a reader's pull less than half a buffer each.

mod common;

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use common::*;
use panelist_core::session_file::SessionFile;
use panelist_core::Store;

const PANEL: usize = 6;

/// One measured run of the change feed's query.
#[derive(Debug, Clone, Copy)]
struct Cost {
    /// Shared buffers touched while executing (hit + read).
    buffers: i64,
    /// `sessions` rows fetched by the plan's scans of that table, kept or
    /// removed by a filter (row-level security included), times their loops.
    examined: i64,
    /// Rows the query returned.
    rows: i64,
}

fn sum_sessions_rows(node: &serde_json::Value) -> i64 {
    let here = if node["Relation Name"] == "sessions" {
        let n = |k: &str| node[k].as_i64().unwrap_or(0);
        (n("Actual Rows") + n("Rows Removed by Filter") + n("Rows Removed by Index Recheck"))
            * n("Actual Loops").max(1)
    } else {
        0
    };
    here + node["Plans"]
        .as_array()
        .map_or(0, |plans| plans.iter().map(sum_sessions_rows).sum())
}

/// The server's change-feed query for `user` after change number `after`
/// (a page of 101, as a pull of 100 asks), run as the server's role: once
/// to warm the connection's caches, then under EXPLAIN (ANALYZE, BUFFERS).
/// A prepared statement with parameters, as the server sends it.
fn feed_cost(server_url: &str, user: i64, after: i64) -> Cost {
    let args = format!("{after}, '00000000-0000-0000-0000-000000000000', 101");
    explain_as(
        server_url,
        user,
        &format!(
            "PREPARE feed(bigint, uuid, bigint) AS {}",
            panelist_server::db::feed::CHANGES
        ),
        &format!("EXECUTE feed({args})"),
    )
}

/// Every session `user` may read, through the policies alone (no index
/// condition): what reading a row through row-level security costs.
fn read_all_cost(server_url: &str, user: i64) -> Cost {
    explain_as(server_url, user, "", "SELECT id FROM sessions")
}

/// Runs `setup`, then `query` once (warm) and once under EXPLAIN (ANALYZE,
/// BUFFERS), as the server's role acting for `user`; rolled back.
fn explain_as(server_url: &str, user: i64, setup: &str, query: &str) -> Cost {
    block_on(async {
        let mut client = panelist_server::db::connect(server_url).await.unwrap();
        let tx = client.transaction().await.unwrap();
        tx.execute(
            "SELECT set_config('panelist.user_id', $1, true)",
            &[&user.to_string()],
        )
        .await
        .unwrap();
        if !setup.is_empty() {
            tx.batch_execute(setup).await.unwrap();
        }
        tx.batch_execute(query).await.unwrap();
        let out = tx
            .simple_query(&format!("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {query}"))
            .await
            .unwrap();
        let text = out
            .iter()
            .find_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                _ => None,
            })
            .expect("EXPLAIN printed its plan");
        tx.rollback().await.unwrap();
        let explain: serde_json::Value = serde_json::from_str(&text).unwrap();
        let plan = &explain[0]["Plan"];
        let n = |k: &str| plan[k].as_i64().unwrap();
        Cost {
            buffers: n("Shared Hit Blocks") + n("Shared Read Blocks"),
            examined: sum_sessions_rows(plan),
            rows: n("Actual Rows"),
        }
    })
}

/// The change number of the last change so far (a reader's cursor there).
fn head(pg: &PgCluster) -> i64 {
    pg.psql("panelist", "SELECT last_value FROM change_seq")
        .trim()
        .parse()
        .unwrap()
}

fn user_id(pg: &PgCluster, name: &str) -> i64 {
    pg.psql(
        "panelist",
        &format!("SELECT id FROM users WHERE name = '{name}'"),
    )
    .trim()
    .parse()
    .unwrap()
}

/// A team on one server: a lead, and panels of six interviewers.
struct Team {
    base: String,
    lead: String,
    tokens: BTreeMap<String, String>,
    machines: BTreeMap<String, Store>,
}

impl Team {
    fn panel(&mut self, owner: &str, prefix: &str) -> Vec<String> {
        (1..=PANEL)
            .map(|i| {
                let name = format!("{prefix} {i}");
                self.tokens
                    .insert(name.clone(), add_user_direct(owner, &name, "interviewer"));
                self.machines
                    .insert(name.clone(), Store::open_in_memory().unwrap());
                name
            })
            .collect()
    }

    fn plan(&self, candidate: &str, members: &[String]) {
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        push_plan(&self.base, &self.lead, "Feed Lead", candidate, &members);
    }

    /// Each member of `panel` submits their session of `candidate`.
    fn interview(&mut self, candidate: &str, panel: &[String]) {
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
        for name in panel {
            let store = self.machines.get_mut(name).unwrap();
            let note = format!("{name} on {candidate}: a few sentences of evidence.");
            let id = interview_on(store, name, candidate, &note, true, t);
            let file = SessionFile::new(store.session(id).unwrap());
            let r = post(
                &self.base,
                "/v1/sessions",
                Some(self.tokens[name].as_str()),
                &bytes(&file),
            );
            assert_eq!(r.status, 201, "{name}: {}", r.body);
        }
    }
}

#[test]
fn reading_pays_no_lookup_for_each_session_of_other_panels() {
    let pg = PgCluster::start();
    let (owner, server_url) = pg.provision();
    let base = start_server(&server_url);
    let mut team = Team {
        base: base.clone(),
        lead: add_user_direct(&owner, "Feed Lead", "lead"),
        tokens: BTreeMap::new(),
        machines: BTreeMap::new(),
    };
    let alpha = team.panel(&owner, "Alpha");
    let beta = team.panel(&owner, "Beta");
    let others: Vec<Vec<String>> = (1..=10)
        .map(|p| team.panel(&owner, &format!("Other {p}")))
        .collect();
    const ROUNDS: usize = 5;
    team.plan("Alpha Candidate", &alpha);
    team.plan("Beta Candidate", &beta);
    for (p, panel) in others.iter().enumerate() {
        for r in 1..=ROUNDS {
            team.plan(&format!("Other Candidate {} {r}", p + 1), panel);
        }
    }

    // Alpha's panel interviews; Alpha 1 pulls from before that.
    let before_alpha = head(&pg);
    team.interview("Alpha Candidate", &alpha);
    let alpha_1 = user_id(&pg, "Alpha 1");
    let quiet = feed_cost(&server_url, alpha_1, before_alpha);

    // The other ten panels interview five candidates each meanwhile:
    // 300 sessions after Alpha 1's cursor that Alpha 1 may not read.
    for (p, panel) in others.iter().enumerate() {
        for r in 1..=ROUNDS {
            team.interview(&format!("Other Candidate {} {r}", p + 1), panel);
        }
    }
    let unrelated = (others.len() * PANEL * ROUNDS) as i64;
    let busy = feed_cost(&server_url, alpha_1, before_alpha);

    // Beta's panel interviews last: all of that is history before Beta 1's
    // cursor.
    let before_beta = head(&pg);
    team.interview("Beta Candidate", &beta);

    let beta_1 = user_id(&pg, "Beta 1");
    let late = feed_cost(&server_url, beta_1, before_beta);
    let stored = (2 * PANEL) as i64 + unrelated;
    let read_all = read_all_cost(&server_url, beta_1);

    println!("| Beta 1 and Alpha 1 reading (6 sessions each) | buffers | sessions rows examined | rows |");
    println!("|---|---:|---:|---:|");
    for (what, c) in [
        ("pull, nothing else pushed", quiet),
        ("pull, after 300 other sessions", busy),
        ("pull, 312 sessions before the cursor", late),
        ("every session through the policies", read_all),
    ] {
        println!("| {what} | {} | {} | {} |", c.buffers, c.examined, c.rows);
    }

    // Each reader gets their panel's six sessions, through the API too.
    for c in [quiet, busy, late, read_all] {
        assert_eq!(c.rows, PANEL as i64, "{c:?}");
    }
    let (files, _) = pull_all(
        &base,
        &team.tokens["Alpha 1"],
        &panelist_server::http::Cursor {
            seq: before_alpha,
            id: uuid::Uuid::nil(),
        }
        .to_string(),
    );
    assert_eq!(files.len(), PANEL);

    // Reading a row through the policies costs no lookups of its own: less
    // than a buffer per stored row, all of them looked at (a lookup per
    // row, as schema 5's policy made, costs several).
    assert_eq!(read_all.examined, stored, "{read_all:?}");
    assert!(
        read_all.buffers < stored,
        "reading {stored} sessions through the policies touched {} buffers",
        read_all.buffers
    );
    // The other panels' sessions pushed after Alpha 1's cursor cost the
    // pull less than half a buffer each, whether the plan looks them over
    // (a page holds several) or not at all.
    assert!(
        busy.buffers - quiet.buffers < unrelated / 2,
        "{unrelated} sessions Alpha 1 may not read made the pull touch {} more buffers ({quiet:?} → {busy:?})",
        busy.buffers - quiet.buffers
    );
}
