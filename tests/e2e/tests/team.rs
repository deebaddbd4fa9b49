//! The team server in the real window: a throwaway PostgreSQL cluster and
//! the real `panelist-server`; a colleague interviews with the `panelist` CLI
//! on their own database and pushes with `panelist sync`. In the app, the
//! Team screen sets the server and token, the sync indicator shows on Home
//! and on the live screen, the interview is submitted, the background sync
//! pushes it and pulls the colleague's session, and Compare shows both.
//! The Team screen is checked with axe-core in light and dark at 480×800 and
//! 1280×860; its screenshots (team-480.png, team-1280.png) go to
//! `$PANELIST_SCREENSHOTS` when set.
//!
//! Then what needs the user (issue 20): Grace's database is copied to a
//! second installation (`panelist backup` / `restore`), which amends her
//! session and pushes it; Ben's next revision reaches the server unsigned
//! (an older server's row). The Team screen lists the conflict and the
//! set-aside session with its reason (axe-core: 0 violations, both sizes),
//! takes the server's copy after a confirmation, and "Test connection"
//! says it is connected.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use panelist_e2e::cli::{panelist, panelist_with, Colleague};
use panelist_e2e::{create_interview, repo_root, within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;

const CANDIDATE: &str = "Noor Haddad";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn team_server_sync_indicator_and_a_colleagues_session_in_compare() {
    let env = TestEnv::new();
    let server = TeamServer::start(env.dir.path());
    within(Duration::from_secs(300), "team flow", flow(&env, &server)).await;
}

// -- a throwaway PostgreSQL and panelist-server ------------------------------------

/// The cluster harness the server's own tests use (scripts/pg-throwaway.sh).
#[path = "../../../server/tests/common/cluster.rs"]
mod cluster;
use cluster::PgCluster;

fn run(mut c: Command, what: &str) -> String {
    let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn server_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let bin = target.join("debug").join("panelist-server");
    assert!(
        bin.exists(),
        "{} is missing: cargo build -p panelist-server (scripts/e2e.sh does)",
        bin.display()
    );
    bin
}

/// The real `panelist-server` binary on a throwaway cluster, migrated by
/// `panelist-server migrate` and serving on a loopback port.
struct TeamServer {
    pg: PgCluster,
    owner: String,
    serve: Child,
    url: String,
}

impl TeamServer {
    fn start(_near: &Path) -> TeamServer {
        let pg = PgCluster::start();
        let (owner, web) = pg.provision_with(|owner| {
            let mut c = Command::new(server_binary());
            c.args(["--database-url", owner, "migrate"]);
            run(c, "panelist-server migrate");
        });
        let mut serve = Command::new(server_binary())
            .args(["--database-url", &web, "serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(serve.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("serve printed {line:?}"))
            .to_string();
        TeamServer {
            pg,
            owner,
            serve,
            url,
        }
    }

    /// `panelist-server user add NAME --role interviewer`; returns the token.
    fn user(&self, name: &str) -> String {
        self.user_as(name, "interviewer")
    }

    /// `panelist-server user add NAME --role ROLE`; returns the token.
    fn user_as(&self, name: &str, role: &str) -> String {
        let mut c = Command::new(server_binary());
        c.args([
            "--database-url",
            &self.owner,
            "user",
            "add",
            name,
            "--role",
            role,
        ]);
        run(c, "user add").trim().to_string()
    }

    fn count(&self) -> usize {
        self.pg
            .psql("panelist", "SELECT count(*) FROM sessions")
            .trim()
            .parse()
            .unwrap()
    }
}

impl Drop for TeamServer {
    fn drop(&mut self) {
        // The server first; the cluster stops when `pg` drops.
        let _ = self.serve.kill();
        let _ = self.serve.wait();
    }
}

// -- the flow --------------------------------------------------------------------

async fn wait_text(run: &AppRun, css: &str, want: &str, limit: Duration) -> Result<String> {
    let start = Instant::now();
    loop {
        let text = run.text(css).await.unwrap_or_default();
        if text.contains(want) {
            return Ok(text);
        }
        if start.elapsed() > limit {
            return Err(format!("{css} says {text:?}, not {want:?}, after {limit:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until the sync indicator (a live region) shows `want`, and is shown.
async fn wait_indicator(run: &AppRun, want: &str, limit: Duration) -> Result<()> {
    let start = Instant::now();
    loop {
        let el = run.el(".sync-indicator").await?;
        let text = el.prop("textContent").await?.unwrap_or_default();
        if text.contains(want) && el.attr("hidden").await?.is_none() {
            return Ok(());
        }
        if start.elapsed() > limit {
            return Err(
                format!("the sync indicator says {text:?}, not {want:?}, after {limit:?}").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The window at `w`×`h`, saved as `NAME.png` when screenshots are asked for.
async fn shot(run: &AppRun, name: &str, w: u32, h: u32) -> Result<()> {
    panelist_e2e::axe::resize(run.d(), w, h).await?;
    run.save_screenshot(name).await
}

async fn flow(env: &TestEnv, server: &TeamServer) -> Result<()> {
    // The colleague: interviews with the CLI on their own database, pushes.
    let ben_token = server.user("Ben Baker");
    let grace_token = server.user("Grace Hopper");
    // A lead plans the candidate's panel with the CLI and syncs it (server
    // schema 5: a colleague's session is read through its candidate's plan).
    let lee_token = server.user_as("Lee Lead", "lead");
    let lee_db = env.dir.path().join("lee-lead.db");
    panelist_with(
        &lee_db,
        &["remote", "set", &server.url],
        &[("PANELIST_TOKEN", &lee_token)],
    )?;
    let plan = panelist(
        &lee_db,
        &[
            "plan",
            "create",
            "--candidate",
            CANDIDATE,
            "--coordinator",
            "Lee Lead",
        ],
    )?;
    for who in ["Ben Baker", "Grace Hopper"] {
        panelist(
            &lee_db,
            &[
                "plan",
                "add",
                plan.trim(),
                "--interviewer",
                who,
                "--kit",
                "backend-fundamentals",
            ],
        )?;
    }
    panelist(&lee_db, &["sync"])?;
    Colleague {
        interviewer: "Ben Baker",
        candidate: CANDIDATE,
        role: "Backend engineer",
        kit: "backend-fundamentals",
        scores: &[
            ("rest-api-design", 2),
            ("sql-vs-nosql", 3),
            ("caching-fundamentals", 2),
        ],
        notes: &[("rest-api-design", "BEN-NOTE: versioning story was thin.")],
        recommendation: "yes",
        summary: "Solid.",
        amendments: &[],
    }
    .session_file(env.dir.path())?;
    let ben_db = env.dir.path().join("ben-baker.db");
    panelist_with(
        &ben_db,
        &["remote", "set", &server.url],
        &[("PANELIST_TOKEN", &ben_token)],
    )?;
    let out = panelist(&ben_db, &["sync"])?;
    assert!(out.contains("pushed 1"), "{out}");
    assert_eq!(server.count(), 1);

    let run = AppRun::start(env).await?;
    let r = steps(&run, env, server, &grace_token).await;
    run.quit().await;
    r
}

/// Clicks "Test connection" and waits for it to say it is connected as Grace.
async fn test_connection_signs_in_grace(run: &AppRun) -> Result<()> {
    run.button("Test connection").await?.click().await?;
    wait_text(
        run,
        ".team-test",
        "as Grace Hopper (interviewer)",
        Duration::from_secs(30),
    )
    .await?;
    Ok(())
}

async fn steps(run: &AppRun, env: &TestEnv, server: &TeamServer, token: &str) -> Result<()> {
    // No server yet: the indicator is silent.
    run.screen("home").await?;
    assert!(!run.el(".sync-indicator").await?.is_displayed().await?);

    // Team screen: set the server and the token.
    run.button("Team").await?.click().await?;
    run.screen("team").await?;
    run.el("input[name=url]")
        .await?
        .send_keys(&server.url)
        .await?;
    run.el("input[name=token]").await?.send_keys(token).await?;
    // "Test connection" tries what is typed, before anything is saved.
    test_connection_signs_in_grace(run).await?;
    let saved: i64 = env.open_db().query_row(
        "SELECT count(*) FROM meta WHERE key = 'setting.remote.url' AND value <> ''",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(saved, 0, "testing the connection saved the server");
    run.button("Save").await?.click().await?;
    wait_text(run, ".team-status", "Synced", Duration::from_secs(90)).await?;
    wait_text(
        run,
        ".team-who",
        "Signed in as Grace Hopper",
        Duration::from_secs(10),
    )
    .await?;
    // Where the token went: a keyring, or (no keyring here) a 0600 file.
    let store = run.text(".team-store").await?;
    if store.starts_with("Your token is kept in the OS keyring") {
        eprintln!("token store: the OS keyring");
    } else {
        let path = store
            .split("a file only you can read: ")
            .nth(1)
            .ok_or_else(|| format!("the store note names no file: {store}"))?;
        let meta = std::fs::metadata(path.trim())?;
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{path}");
        assert_eq!(std::fs::read_to_string(path.trim())?.trim(), token);
        eprintln!("token store: {path}");
    }
    // The token never lands in the database.
    let db = std::fs::read(env.db())?;
    assert!(!db.windows(token.len()).any(|w| w == token.as_bytes()));
    shot(run, "team-480", 480, 800).await?;
    shot(run, "team-1280", 1280, 860).await?;
    let found = panelist_e2e::axe::axe_both_themes_and_sizes(run.d(), "team").await?;
    assert!(found.is_empty(), "axe-core:\n{}", found.join("\n"));
    run.d().set_window_rect(0, 0, 480, 800).await?;

    // Home shows the indicator; the colleague's session is not here (sealed
    // on the server until Grace submits).
    run.el("button[aria-label='Back to interviews']")
        .await?
        .click()
        .await?;
    run.screen("home").await?;
    wait_indicator(run, "Synced", Duration::from_secs(30)).await?;
    if let Ok(dir) = std::env::var("PANELIST_TEAM_SHOTS") {
        std::fs::write(
            Path::new(&dir).join("home.png"),
            run.screenshot_png().await?,
        )?;
    }
    let imported: i64 =
        env.open_db()
            .query_row("SELECT count(*) FROM session WHERE imported = 1", [], |r| {
                r.get(0)
            })?;
    assert_eq!(imported, 0, "a sealed session reached this machine");

    // The interview, with the indicator on the live screen too.
    create_interview(run, env, CANDIDATE, "Backend fundamentals").await?;
    run.el(".sync-indicator").await?;
    wait_indicator(run, "Synced", Duration::from_secs(10)).await?;
    if let Ok(dir) = std::env::var("PANELIST_TEAM_SHOTS") {
        std::fs::write(
            Path::new(&dir).join("live.png"),
            run.screenshot_png().await?,
        )?;
    }
    run.alt("4").await?;
    run.next_question().await?;
    run.alt("3").await?;
    run.next_question().await?;
    run.alt("3").await?;
    run.wait_saved(Duration::from_secs(5)).await?;
    run.alt("w").await?;
    run.screen("wrap").await?;
    run.recommend("yes").await?;
    run.wait_saved(Duration::from_secs(5)).await?;
    run.button("Submit").await?.click().await?;
    run.d()
        .find(By::XPath(
            "//dialog[@open]//button[normalize-space(.)='Submit']",
        ))
        .await?
        .click()
        .await?;
    run.screen("summary").await?;

    // The submit wakes the background sync: pushed, and Ben's arrives.
    let start = Instant::now();
    while server.count() < 2 {
        if start.elapsed() > Duration::from_secs(60) {
            return Err("the submitted session did not reach the server".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let start = Instant::now();
    loop {
        let n: i64 = env.open_db().query_row(
            "SELECT count(*) FROM session WHERE imported = 1 AND interviewer = 'Ben Baker'",
            [],
            |r| r.get(0),
        )?;
        if n == 1 {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            return Err("Ben's session was not pulled".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Compare shows both.
    run.el(&format!("button[aria-label='Panel for {CANDIDATE}']"))
        .await?
        .click()
        .await?;
    run.screen("compare").await?;
    run.el(".content[data-sealed='false']").await?;
    let mut heads = Vec::new();
    for th in run.d().find_all(By::Css(".q-matrix thead th")).await? {
        heads.push(th.text().await?);
    }
    assert_eq!(
        heads,
        ["Question", "Ben Baker", "Grace Hopper (you)", "Row"],
        "{heads:?}"
    );
    problems(run, env, server, token).await
}

/// A conflict and a set-aside session on the Team screen; the conflict
/// resolved by taking the server's copy.
async fn problems(run: &AppRun, env: &TestEnv, server: &TeamServer, token: &str) -> Result<()> {
    let dir = env.dir.path();
    let grace: String = env.open_db().query_row(
        "SELECT id FROM session WHERE imported = 0 AND interviewer = 'Grace Hopper'",
        [],
        |r| r.get(0),
    )?;
    // Grace's second installation from a backup of this one; it amends her
    // session and pushes the new revision.
    let backup = dir.join("grace.backup");
    panelist(&env.db(), &["backup", "--output", backup.to_str().unwrap()])?;
    let laptop = dir.join("grace-laptop.db");
    panelist(&laptop, &["restore", backup.to_str().unwrap()])?;
    panelist_with(
        &laptop,
        &["remote", "set", &server.url],
        &[("PANELIST_TOKEN", token)],
    )?;
    panelist(
        &laptop,
        &[
            "session",
            "amend",
            &grace,
            "rest-api-design",
            "2",
            "--reason",
            "LAPTOP-AMENDMENT",
        ],
    )?;
    let out = panelist(&laptop, &["sync"])?;
    assert!(out.contains("pushed 1"), "{out}");

    // Ben's next revision, stored as an older server would have: unsigned.
    let ben_db = dir.join("ben-baker.db");
    let ben = server.pg.psql(
        "panelist",
        "SELECT s.id FROM sessions s JOIN users u ON u.id = s.author_id WHERE u.name = 'Ben Baker'",
    );
    let ben = ben.trim().to_string();
    panelist(
        &ben_db,
        &[
            "session",
            "amend",
            &ben,
            "rest-api-design",
            "3",
            "--reason",
            "after the debrief",
        ],
    )?;
    panelist(&ben_db, &["sync"])?;
    let doc = server.pg.psql(
        "panelist",
        &format!("SELECT document FROM sessions WHERE id = '{ben}'"),
    );
    let doc = doc.trim_end();
    let cut = doc.find(",\n  \"signature\"").ok_or("a signed file")?;
    let tampered = format!("{}\n}}", &doc[..cut]).replacen("\"version\": 2", "\"version\": 1", 1);
    server.pg.psql(
        "panelist",
        &format!(
            "ALTER TABLE sessions DISABLE TRIGGER USER;
             UPDATE sessions SET document = $doc${tampered}$doc$ WHERE id = '{ben}';
             ALTER TABLE sessions ENABLE TRIGGER USER;"
        ),
    );

    // The Team screen lists both after a sync.
    run.el("button[aria-label='Back to interviews']")
        .await?
        .click()
        .await?;
    run.screen("home").await?;
    run.button("Team").await?.click().await?;
    run.screen("team").await?;
    run.button("Sync now").await?.click().await?;
    let conflict = match wait_text(
        run,
        ".team-conflict",
        "Grace Hopper",
        Duration::from_secs(60),
    )
    .await
    {
        Ok(t) => t,
        Err(e) => {
            let html = run
                .el("main")
                .await?
                .prop("outerHTML")
                .await?
                .unwrap_or_default();
            let kept: i64 =
                env.open_db()
                    .query_row("SELECT count(*) FROM sync_conflict", [], |r| r.get(0))?;
            let rev: i64 = env.open_db().query_row(
                "SELECT revision FROM session WHERE id = ?1",
                [&grace],
                |r| r.get(0),
            )?;
            let srv = server.pg.psql(
                "panelist",
                &format!("SELECT revision, seq FROM sessions WHERE id = '{grace}'"),
            );
            return Err(
                format!("{e}\nkept {kept}, local revision {rev}, server {srv}\n{html}").into(),
            );
        }
    };
    assert!(conflict.contains(CANDIDATE), "{conflict}");
    let aside = wait_text(run, ".team-aside", "Ben Baker", Duration::from_secs(60)).await?;
    assert!(aside.contains("unsigned"), "{aside}");
    shot(run, "team-problems-480", 480, 800).await?;
    shot(run, "team-problems-1280", 1280, 860).await?;
    let found = panelist_e2e::axe::axe_both_themes_and_sizes(run.d(), "team-problems").await?;
    assert!(found.is_empty(), "axe-core:\n{}", found.join("\n"));
    run.d().set_window_rect(0, 0, 480, 800).await?;

    // Take the server's copy, confirmed in the dialog.
    run.click_centred(".team-conflict button").await?;
    run.d()
        .find(By::XPath(
            "//dialog[@open]//button[normalize-space(.)=\"Take the server's copy\"]",
        ))
        .await?
        .click()
        .await?;
    wait_text(
        run,
        ".team-resolved",
        "Took the server's copy",
        Duration::from_secs(30),
    )
    .await?;
    let (imported, reasons): (i64, i64) = env.open_db().query_row(
        "SELECT s.imported, (SELECT count(*) FROM audit a WHERE a.session_id = s.id AND a.reason = 'LAPTOP-AMENDMENT')
         FROM session s WHERE s.id = ?1",
        [&grace],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    assert_eq!(
        (imported, reasons),
        (0, 1),
        "the server's copy is not here as Grace's own"
    );
    let start = Instant::now();
    while !run
        .d()
        .find_all(By::Css(".team-conflict"))
        .await?
        .is_empty()
    {
        if start.elapsed() > Duration::from_secs(10) {
            return Err("the resolved conflict is still listed".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // "Test connection" says it is connected, as whom.
    test_connection_signs_in_grace(run).await?;
    Ok(())
}
