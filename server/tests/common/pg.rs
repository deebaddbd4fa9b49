//! The team server for tests: a throwaway PostgreSQL cluster (`cluster.rs`,
//! through scripts/pg-throwaway.sh) provisioned with the migrations run in
//! process, and the server running in-process on a loopback port. Shared by
//! the server's tests and the CLI's sync tests (`#[path]`).
#![allow(dead_code)]

#[path = "cluster.rs"]
mod cluster;
pub use cluster::PgCluster;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Adds a user directly (as the owner) and returns the token.
pub fn add_user_direct(owner_url: &str, name: &str, role: &str) -> String {
    block_on(async {
        let client = panelist_server::db::connect(owner_url).await.unwrap();
        panelist_server::db::add_user(&client, name, role)
            .await
            .unwrap()
    })
}

/// Plans `candidate`'s panel of `members` (since server schema 5 a
/// colleague's session is read only through its candidate's interview
/// plan): `coordinator` is added directly as a lead, makes the plan on a
/// fresh machine and pushes it with the core's sync engine, as `panelist
/// sync` does.
pub fn plan_panel(
    base: &str,
    owner_url: &str,
    coordinator: &str,
    candidate: &str,
    members: &[&str],
) {
    let token = add_user_direct(owner_url, coordinator, "lead");
    plan_panel_as(base, &token, coordinator, candidate, members);
}

/// A fresh machine of `coordinator` holding one plan for `candidate`, each of
/// `members` on the first kit, made at `at` (not pushed).
pub fn planned(
    coordinator: &str,
    candidate: &str,
    role: &str,
    members: &[&str],
    at: chrono::DateTime<chrono::Utc>,
) -> (panelist_core::Store, panelist_core::plan::Plan) {
    let mut store = panelist_core::Store::open_in_memory().unwrap();
    let kit = store.kits().unwrap()[0].name.clone();
    let plan = store
        .create_plan(
            &panelist_core::storage::NewPlan {
                candidate: candidate.into(),
                role: role.into(),
                coordinator: Some(coordinator.into()),
            },
            uuid::Uuid::now_v7().into(),
            uuid::Uuid::now_v7().into(),
            at,
        )
        .unwrap();
    for m in members {
        store
            .add_plan_member(
                plan.id,
                &panelist_core::plan::Member {
                    interviewer: m.to_string(),
                    round: 1,
                    kit: Some(kit.clone()),
                    questions: vec![],
                    focus: vec![],
                    at: None,
                    due: None,
                },
                at,
            )
            .unwrap();
    }
    (store, plan)
}

/// The same by a coordinator who is already a user (a lead or an admin),
/// with their token.
pub fn plan_panel_as(
    base: &str,
    token: &str,
    coordinator: &str,
    candidate: &str,
    members: &[&str],
) {
    let token = token.to_string();
    let (mut store, plan) = planned(coordinator, candidate, "", members, chrono::Utc::now());
    let remote = panelist_core::sync::Remote::new(&panelist_core::sync::RemoteConfig {
        url: base.into(),
        token,
        ca_pem: None,
    })
    .unwrap();
    let report = panelist_core::sync::sync(&mut store, &remote, false, chrono::Utc::now).unwrap();
    let pushed = format!("plan {} for {candidate}: pushed", plan.id);
    assert!(report.plans.contains(&pushed), "{report:?}");
}

impl PgCluster {
    /// The deployment the server expects (see [`PgCluster::provision_with`]),
    /// migrated in process. Returns (owner URL, server URL).
    pub fn provision(&self) -> (String, String) {
        self.provision_with(|owner| {
            block_on(async {
                let mut client = panelist_server::db::connect(owner).await.unwrap();
                panelist_server::db::migrate(&mut client).await.unwrap();
            })
        })
    }
}

/// The server running in this process on a loopback port (HTTP); stops
/// with the test process. Returns its base URL.
pub fn start_server(server_url: &str) -> String {
    start_server_with(server_url, None)
}

/// The same, over HTTPS with the given certificate and key when `tls` is set.
pub fn start_server_with(server_url: &str, tls: Option<(PathBuf, PathBuf)>) -> String {
    let (tx, rx) = mpsc::channel();
    let url = server_url.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let pool = panelist_server::db::pool(&url, 4).unwrap();
            {
                let client = pool.get().await.unwrap();
                panelist_server::db::check_server_role(&client)
                    .await
                    .unwrap();
            }
            let tls = match tls {
                Some((cert, key)) => Some(
                    panelist_server::serve::tls_config(&cert, &key)
                        .await
                        .unwrap(),
                ),
                None => None,
            };
            let scheme = if tls.is_some() { "https" } else { "http" };
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            tx.send(format!("{scheme}://{}", listener.local_addr().unwrap()))
                .unwrap();
            panelist_server::serve::serve(
                listener,
                tls,
                panelist_server::http::router(pool),
                std::future::pending(),
            )
            .await
            .unwrap();
        });
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("server started")
}

/// The server in this process on `addr` (e.g. `127.0.0.1:0`, or the address
/// of one that was stopped, as a restored deployment keeps its name), until
/// the guard is stopped or dropped (a graceful shutdown, joined).
pub struct StoppableServer {
    pub url: String,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

pub fn start_server_at(server_url: &str, addr: &str) -> StoppableServer {
    let (tx, rx) = mpsc::channel();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let url = server_url.to_string();
    let listener = std::net::TcpListener::bind(addr).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let pool = panelist_server::db::pool(&url, 4).unwrap();
            {
                let client = pool.get().await.unwrap();
                panelist_server::db::check_server_role(&client)
                    .await
                    .unwrap();
            }
            tx.send(()).unwrap();
            let stop = async move {
                let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
            };
            panelist_server::serve::serve(
                listener,
                None,
                panelist_server::http::router(pool),
                stop,
            )
            .await
            .unwrap();
        });
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("server started");
    StoppableServer {
        url: base,
        stop: Some(stop_tx),
        thread: Some(thread),
    }
}

impl StoppableServer {
    /// The address it listens on (`127.0.0.1:PORT`).
    pub fn addr(&self) -> String {
        self.url.strip_prefix("http://").unwrap().to_string()
    }

    /// Stops it: in-flight requests finish, then it is gone.
    pub fn stop(mut self) {
        self.shut();
    }

    fn shut(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StoppableServer {
    fn drop(&mut self) {
        self.shut();
    }
}

/// A self-signed certificate for 127.0.0.1 and localhost, made with the
/// openssl command in `dir`; returns (certificate, key) paths.
pub fn self_signed_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert, key)
}
