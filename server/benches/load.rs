//! Load test of the team server (prints figures, asserts nothing; not in the
//! test command): a throwaway PostgreSQL cluster, the real `panelist-server`
//! binary as one and then two instances on one database, and 200 simulated
//! interviewers (one thread and keep-alive connection each) in panels of six.
//! Each interviewer, `ROUNDS` times: pushes a submitted session for its
//! panel's candidate of that round, then pulls its changes from its cursor
//! (its five colleagues' sessions for that candidate as they arrive: a pull of
//! a 6-interviewer panel). Prints throughput and p50/p99 per endpoint.
//!
//!   scripts/load-server.sh   (cargo bench --profile dev -p panelist-server --bench load)
//!
//! At the end of each configuration the servers' `GET /metrics` counts
//! (requests by route and status, the lead's plan pushes included, pushes
//! stored, pulls served, sessions pulled; summed over the instances) are
//! printed beside the load test's own counts of the same things, with a
//! verdict line.
//!
//! PANELIST_LOAD_USERS (default 200), PANELIST_LOAD_ROUNDS (default 5) and
//! PANELIST_LOAD_PAUSE_MS (think time between an interviewer's rounds in the
//! measured phase, default 0: every interviewer pushes and pulls back to back,
//! which measures the server saturated). PANELIST_LOAD_INSTANCES (default
//! "1,2") picks the configurations; PANELIST_LOAD_SERVER_LOG=PREFIX keeps
//! each server's access log in PREFIX-N-I.log.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use common::*;
use panelist_core::session::{NewSession, Recommendation};
use panelist_core::session_file::SessionFile;
use panelist_core::Store;
use uuid::Uuid;

const PANEL: usize = 6;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One interviewer's submitted sessions, one per round, made with the core.
fn sessions(name: &str, panel: usize, rounds: usize) -> Vec<Vec<u8>> {
    let mut store = Store::open_in_memory().unwrap();
    let kit = store.kits().unwrap().into_iter().next().unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    (0..rounds)
        .map(|r| {
            let new = NewSession {
                candidate: format!("Panel {panel} candidate {r}"),
                interviewer: name.into(),
                role: "Backend engineer".into(),
                kit: Some(kit.name.clone()),
                question_ids: kit.questions.clone(),
            };
            let s = store
                .create_session(&new, Uuid::now_v7().into(), Uuid::now_v7().into(), t)
                .unwrap();
            for (i, e) in s.entries.iter().enumerate() {
                store
                    .set_score(s.id, &e.question.id, Some((i % 4) as i64 + 1), t)
                    .unwrap();
                store
                    .set_notes(
                        s.id,
                        &e.question.id,
                        &format!("{name} on question {i}: a few sentences of evidence, as interviewers write them during the call."),
                        t,
                    )
                    .unwrap();
            }
            store
                .submit(s.id, Recommendation::Yes, Some("summary"), Uuid::now_v7().into(), t)
                .unwrap();
            SessionFile::new(store.session(s.id).unwrap())
                .to_json()
                .into_bytes()
        })
        .collect()
}

#[derive(Default)]
struct Samples {
    push: Vec<Duration>,
    pull: Vec<Duration>,
    pulled_sessions: usize,
    errors: usize,
    /// Answers seen, by (route, status); a transport error is status 0.
    statuses: BTreeMap<(String, u16), usize>,
}

/// The load test's own tally of everything it sent (warm-up and measured).
#[derive(Default)]
struct Tally {
    statuses: BTreeMap<(String, u16), usize>,
    pulled_sessions: usize,
}

fn status_of(r: &Result<ureq::Response, ureq::Error>) -> u16 {
    match r {
        Ok(resp) => resp.status(),
        Err(ureq::Error::Status(code, _)) => *code,
        Err(_) => 0,
    }
}

/// Sums the servers' `/metrics` (OpenMetrics text): requests by (route,
/// status) and the plain counters by name.
fn scrape(bases: &[String]) -> (BTreeMap<(String, u16), usize>, BTreeMap<String, f64>) {
    let (mut requests, mut counters) = (BTreeMap::new(), BTreeMap::new());
    for base in bases {
        let text = ureq::get(&format!("{base}/metrics"))
            .call()
            .expect("GET /metrics")
            .into_string()
            .unwrap();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let value: f64 = value.parse().unwrap_or(0.0);
            let (name, labels) = series.split_once('{').unwrap_or((series, ""));
            let label = |key: &str| {
                labels
                    .split(',')
                    .find_map(|kv| kv.strip_prefix(&format!("{key}=\"")))
                    .map(|v| v.trim_end_matches('}').trim_end_matches('"').to_string())
            };
            if name == "panelist_http_requests_total" {
                let route = label("route").unwrap_or_default();
                let status = label("status").and_then(|s| s.parse().ok()).unwrap_or(0);
                *requests.entry((route, status)).or_default() += value as usize;
            } else if name.ends_with("_total") {
                let key = match label("result") {
                    Some(result) => format!("{name}{{result={result}}}"),
                    None => name.to_string(),
                };
                *counters.entry(key).or_default() += value;
            }
        }
    }
    (requests, counters)
}

/// Prints the load test's counts beside the servers' and says whether they
/// agree (the `/metrics` requests themselves are left out).
fn compare(label: &str, bases: &[String], tally: &Tally) {
    let (requests, counters) = scrape(bases);
    let requests: BTreeMap<_, _> = requests
        .into_iter()
        .filter(|((route, _), _)| route != "/metrics")
        .collect();
    println!("\n{label}: counts, the load test's own vs GET /metrics (summed over the instances)");
    println!("| what | load test | /metrics |");
    println!("|---|---:|---:|");
    let mut agree = true;
    let keys: std::collections::BTreeSet<_> = tally
        .statuses
        .keys()
        .chain(requests.keys())
        .cloned()
        .collect();
    for key in keys {
        let (mine, theirs) = (
            tally.statuses.get(&key).copied().unwrap_or(0),
            requests.get(&key).copied().unwrap_or(0),
        );
        agree &= mine == theirs;
        println!("| requests {} {} | {mine} | {theirs} |", key.0, key.1);
    }
    let count = |route: &str, status: u16| {
        tally
            .statuses
            .get(&(route.to_string(), status))
            .copied()
            .unwrap_or(0)
    };
    for (what, mine, name) in [
        (
            "pushes stored (201)",
            count("/v1/sessions", 201),
            "panelist_pushes_total{result=stored}",
        ),
        (
            "pushes unchanged (200)",
            count("/v1/sessions", 200),
            "panelist_pushes_total{result=unchanged}",
        ),
        (
            "pulls (pages, 200)",
            count("/v1/changes", 200),
            "panelist_pulls_total",
        ),
        (
            "sessions pulled",
            tally.pulled_sessions,
            "panelist_pulled_sessions_total",
        ),
    ] {
        let theirs = counters.get(name).copied().unwrap_or(0.0) as usize;
        agree &= mine == theirs;
        println!("| {what} | {mine} | {theirs} |");
    }
    println!(
        "{label}: the counts {}",
        if agree { "MATCH" } else { "DO NOT MATCH" }
    );
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

fn run(
    label: &str,
    bases: &[String],
    users: &[(String, String, usize)],
    files: &[Vec<Vec<u8>>],
    pause: Duration,
    cursors: &mut [String],
    tally: &mut Tally,
) {
    let rounds = files[0].len();
    let start = Arc::new(Barrier::new(users.len() + 1));
    let handles: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(i, (_, token, _))| {
            let base = bases[i % bases.len()].clone();
            let token = token.clone();
            let files = files[i].clone();
            let start = start.clone();
            let mut cursor = cursors[i].clone();
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(60))
                    .build();
                let auth = format!("Bearer {token}");
                let mut s = Samples::default();
                start.wait();
                // Think time: each interviewer starts at a spread-out moment
                // and pauses between rounds (0.5–1.5 × `pause`).
                let jitter = |r: usize| {
                    pause.mul_f64(((i * 7919 + r * 104_729) % 1000) as f64 / 1000.0 + 0.5)
                };
                std::thread::sleep(jitter(rounds));
                for (r, body) in files.iter().take(rounds).enumerate() {
                    if r > 0 {
                        std::thread::sleep(jitter(r));
                    }
                    let t = Instant::now();
                    let r = agent
                        .post(&format!("{base}/v1/sessions"))
                        .set("Authorization", &auth)
                        .set("Content-Type", "application/json")
                        .send_bytes(body);
                    s.push.push(t.elapsed());
                    *s.statuses
                        .entry(("/v1/sessions".to_string(), status_of(&r)))
                        .or_default() += 1;
                    if r.is_err() {
                        s.errors += 1;
                    }
                    let t = Instant::now();
                    let r = agent
                        .get(&format!("{base}/v1/changes?after={cursor}&limit=100"))
                        .set("Authorization", &auth)
                        .call();
                    *s.statuses
                        .entry(("/v1/changes".to_string(), status_of(&r)))
                        .or_default() += 1;
                    match r.map_err(|e| e.to_string()).and_then(|r| {
                        r.into_json::<serde_json::Value>()
                            .map_err(|e| e.to_string())
                    }) {
                        Ok(v) => {
                            s.pull.push(t.elapsed());
                            s.pulled_sessions += v["sessions"].as_array().map_or(0, |a| a.len());
                            cursor = v["cursor"].as_str().unwrap_or_default().to_string();
                        }
                        Err(_) => s.errors += 1,
                    }
                }
                (s, cursor)
            })
        })
        .collect();
    start.wait();
    let t0 = Instant::now();
    let mut all = Samples::default();
    for (i, h) in handles.into_iter().enumerate() {
        let (s, cursor) = h.join().unwrap();
        cursors[i] = cursor;
        all.push.extend(s.push);
        all.pull.extend(s.pull);
        all.pulled_sessions += s.pulled_sessions;
        all.errors += s.errors;
        for (k, v) in s.statuses {
            *tally.statuses.entry(k).or_default() += v;
        }
        tally.pulled_sessions += s.pulled_sessions;
    }
    let wall = t0.elapsed().as_secs_f64();
    let requests = all.push.len() + all.pull.len();
    println!(
        "\n{label}: {} interviewers × {rounds} rounds, think time {:.1} s, {requests} requests in {wall:.1} s = {:.0} requests/s ({} errors)",
        users.len(),
        pause.as_secs_f64(),
        requests as f64 / wall,
        all.errors
    );
    println!("| endpoint | requests | p50 | p99 | max |");
    println!("|---|---:|---:|---:|---:|");
    for (name, v) in [
        ("POST /v1/sessions (push)", &mut all.push),
        ("GET /v1/changes (pull)", &mut all.pull),
    ] {
        let n = v.len();
        let max = v.iter().max().copied().unwrap_or_default();
        println!(
            "| {name} | {n} | {:.1} ms | {:.1} ms | {:.1} ms |",
            pct(v, 0.5),
            pct(v, 0.99),
            max.as_secs_f64() * 1000.0
        );
    }
    println!(
        "sessions per pull: {:.2} on average (each interviewer's five colleagues per candidate, as they arrive)",
        all.pulled_sessions as f64 / all.pull.len().max(1) as f64
    );
}

/// `panelist-server serve` on a free loopback port; its access log (one line
/// per request on stderr) goes to `log`, or is discarded.
fn serve(web: &str, log: Option<std::fs::File>) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_panelist-server"))
        .args(["--database-url", web, "serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(log.map_or_else(std::process::Stdio::null, Into::into))
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("serve printed {line:?}"))
        .to_string();
    (child, url)
}

fn main() {
    // `cargo bench` passes --bench; a plain `cargo test --benches` run must not
    // start 200 threads.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let n = env_usize("PANELIST_LOAD_USERS", 200);
    let rounds = env_usize("PANELIST_LOAD_ROUNDS", 5);
    let pause = Duration::from_millis(env_usize("PANELIST_LOAD_PAUSE_MS", 0) as u64);
    let t = Instant::now();
    let users_files: Vec<(String, usize, Vec<Vec<u8>>)> = (0..n)
        .map(|i| {
            let name = format!("Interviewer {i:03}");
            let panel = i / PANEL;
            let files = sessions(&name, panel, rounds * 2);
            (name, panel, files)
        })
        .collect();
    eprintln!(
        "made {} session files in {:.1} s",
        n * rounds * 2,
        t.elapsed().as_secs_f64()
    );

    // PANELIST_LOAD_INSTANCES (default "1,2"): the configurations to run;
    // PANELIST_LOAD_SERVER_LOG=PREFIX keeps each server's access log in
    // PREFIX-N-I.log (N instances, instance I) instead of discarding it.
    let configs: Vec<usize> = std::env::var("PANELIST_LOAD_INSTANCES")
        .unwrap_or_else(|_| "1,2".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let log_prefix = std::env::var("PANELIST_LOAD_SERVER_LOG").ok();
    for instances in configs {
        // A fresh database for each configuration.
        let pg = PgCluster::start();
        let (owner, web) = pg.provision();
        let users: Vec<(String, String, usize)> = users_files
            .iter()
            .map(|(name, panel, _)| {
                (
                    name.clone(),
                    add_user_direct(&owner, name, "interviewer"),
                    *panel,
                )
            })
            .collect();
        let mut servers: Vec<(std::process::Child, String)> = (0..instances)
            .map(|i| {
                let log = log_prefix.as_ref().map(|prefix| {
                    std::fs::File::create(format!("{prefix}-{instances}-{i}.log")).unwrap()
                });
                serve(&web, log)
            })
            .collect();
        let bases: Vec<String> = servers.iter().map(|s| s.1.clone()).collect();
        // Each panel's candidates are planned by a lead (server schema 5: a
        // colleague's session is read through its candidate's plan).
        let lead = add_user_direct(&owner, "Load Lead", "lead");
        // The load test's own counts, the lead's plan pushes included (the
        // servers count every request by route and status).
        let mut tally = Tally::default();
        let t = Instant::now();
        for panel in 0..users.len().div_ceil(PANEL) {
            let members: Vec<&str> = users
                .iter()
                .filter(|u| u.2 == panel)
                .map(|u| u.0.as_str())
                .collect();
            for r in 0..rounds * 2 {
                // Asserts the answer was 201 (stored).
                push_plan(
                    &bases[0],
                    &lead,
                    "Load Lead",
                    &format!("Panel {panel} candidate {r}"),
                    &members,
                );
                *tally
                    .statuses
                    .entry(("/v1/plans".to_string(), 201))
                    .or_default() += 1;
            }
        }
        eprintln!("pushed the plans in {:.1} s", t.elapsed().as_secs_f64());
        // Each interviewer's pull cursor, carried from the warm-up on.
        let mut cursors = vec![String::new(); users.len()];
        // Warm-up: the first half of each interviewer's sessions, not measured
        // (the feeds then hold earlier rounds, as in a team's second week).
        let warm: Vec<Vec<Vec<u8>>> = users_files
            .iter()
            .map(|(_, _, f)| f[..rounds].to_vec())
            .collect();
        run(
            &format!("warm-up, {instances} instance(s)"),
            &bases,
            &users,
            &warm,
            Duration::ZERO,
            &mut cursors,
            &mut tally,
        );
        let measured: Vec<Vec<Vec<u8>>> = users_files
            .iter()
            .map(|(_, _, f)| f[rounds..].to_vec())
            .collect();
        run(
            &format!("MEASURED, {instances} server instance(s) on one database"),
            &bases,
            &users,
            &measured,
            pause,
            &mut cursors,
            &mut tally,
        );
        compare(
            &format!("{instances} instance(s), warm-up and measured"),
            &bases,
            &tally,
        );
        for (child, _) in &mut servers {
            let _ = child.kill();
            let _ = child.wait();
        }
        drop(pg);
    }
}
