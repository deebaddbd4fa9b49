//! Helpers for Panelist's end-to-end tests: each `AppRun` is one real app
//! window started by its own tauri-driver (on free ports) with its own data
//! folders, driven over WebDriver (tauri-driver -> WebKitWebDriver).
//!
//! The tests are `#[ignore]`d so that a plain `cargo test --workspace` does
//! not start windows; scripts/e2e.sh builds the app, starts Xvfb and runs them
//! with `--include-ignored`.

use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use serde_json::json;
use thirtyfour::prelude::*;
use thirtyfour::Key;
use tokio::process::{Child, Command};

pub mod axe;

/// The files of the database at `db` (db, -wal, -shm) that hold `needle`'s
/// bytes; at least one of them must exist.
pub fn database_files_holding(db: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut seen = 0;
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", db.display());
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        seen += 1;
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            found.push(path);
        }
    }
    assert!(seen > 0, "no database file at {}", db.display());
    found
}
pub mod cli;
pub mod keyring;

pub type Result<T, E = Box<dyn std::error::Error + Send + Sync>> = std::result::Result<T, E>;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// The app under test: `$PANELIST_APP_BIN`, else target/debug/panelist-app.
pub fn app_binary() -> PathBuf {
    std::env::var_os("PANELIST_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| repo_root().join("target"));
            target.join("debug").join("panelist-app")
        })
}

fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    match home.map(|h| h.join("bin/tauri-driver")) {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("tauri-driver"),
    }
}

fn free_port() -> u16 {
    TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The tests replace the file dialogs with environment variables, which
/// only an app built with the `e2e` feature reads (its `--help` lists them).
/// Whether `app` was built with the E2E test hooks (its `--help` lists them).
pub fn has_test_hooks(app: &Path) -> Result<bool> {
    let help = std::process::Command::new(app)
        .arg("--help")
        .output()
        .map_err(|e| format!("cannot run {} --help: {e}", app.display()))?;
    Ok(String::from_utf8_lossy(&help.stdout).contains("PANELIST_EXPORT_PATH"))
}

fn check_test_hooks(app: &Path) -> Result<()> {
    if has_test_hooks(app)? {
        Ok(())
    } else {
        Err(format!(
            "{} has no test hooks: build it with `cargo build -p panelist-app --features e2e` (scripts/e2e.sh does)",
            app.display()
        )
        .into())
    }
}

/// One test's data: database, export target and XDG folders in a temp dir.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> Self {
        TestEnv {
            dir: tempfile::Builder::new()
                .prefix("panelist-e2e-")
                .tempdir()
                .expect("temp dir"),
        }
    }
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("panelist.db")
    }
    pub fn export_path(&self) -> PathBuf {
        self.dir.path().join("export.md")
    }
    fn envs(&self) -> Vec<(&'static str, PathBuf)> {
        let d = self.dir.path();
        vec![
            ("XDG_DATA_HOME", d.join("data")),
            ("XDG_CONFIG_HOME", d.join("config")),
            ("XDG_CACHE_HOME", d.join("cache")),
            ("PANELIST_DB", self.db()),
            ("PANELIST_EXPORT_PATH", self.export_path()),
        ]
    }
    /// Opens the test database (after the app wrote it), keyed with
    /// `PANELIST_PASSPHRASE` when that is set (the app inherits it and
    /// encrypts the database with it).
    pub fn open_db(&self) -> Connection {
        let c = Connection::open(self.db()).expect("open the test database");
        if let Some(p) = std::env::var("PANELIST_PASSPHRASE")
            .ok()
            .filter(|p| !p.is_empty())
        {
            c.pragma_update(None, "key", p)
                .expect("key the test database");
        }
        c.busy_timeout(Duration::from_secs(5)).unwrap();
        c
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

/// A tauri-driver (and the WebKitWebDriver it runs) on free ports, with a
/// test's data folders: the one place the E2E tests and the app benchmark
/// (benches/app.rs) start, find and stop the app. Stopped with SIGTERM when
/// dropped, also when a test panics, so that no WebKitWebDriver keeps a port.
pub struct TauriDriver {
    child: Child,
    /// tauri-driver's WebDriver port.
    pub port: u16,
    native_port: u16,
    bin: PathBuf,
}

impl TauriDriver {
    /// Starts tauri-driver for the app `bin` with `env`'s folders (then
    /// `extra`, which override them) and waits until tauri-driver and
    /// WebKitWebDriver both listen.
    pub async fn start(
        env: &TestEnv,
        bin: &Path,
        extra: &[(&str, &std::ffi::OsStr)],
    ) -> Result<TauriDriver> {
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new(tauri_driver());
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("PANELIST_E2E_VERBOSE").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .kill_on_drop(false);
        for (k, v) in env.envs() {
            cmd.env(k, v);
        }
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start tauri-driver: {e}"))?;
        let mut drv = TauriDriver {
            child,
            port,
            native_port,
            bin: bin.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        for p in [port, native_port] {
            while TcpStream::connect((Ipv4Addr::LOCALHOST, p)).is_err() {
                if Instant::now() > deadline {
                    drv.stop().await;
                    return Err("tauri-driver / WebKitWebDriver did not listen within 15 s".into());
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        Ok(drv)
    }

    /// The capabilities of a new WebDriver session that starts the app.
    pub fn capabilities(&self) -> Result<Capabilities> {
        let mut caps = Capabilities::new();
        caps.set("browserName", "wry")?;
        caps.set(
            "tauri:options",
            json!({ "application": self.bin.display().to_string() }),
        )?;
        Ok(caps)
    }

    /// The app's pid: the descendant of tauri-driver running the app binary.
    pub fn app_pid(&self) -> Option<i32> {
        let root = self.child.id()? as i32;
        let want = std::fs::canonicalize(&self.bin).ok()?;
        let mut frontier = vec![root];
        let mut seen = 0;
        while let Some(p) = frontier.pop() {
            for child in children_of(p) {
                seen += 1;
                if std::fs::read_link(format!("/proc/{child}/exe"))
                    .ok()
                    .as_deref()
                    == Some(want.as_path())
                {
                    return Some(child);
                }
                frontier.push(child);
            }
            if seen > 1000 {
                break;
            }
        }
        None
    }

    /// Ends `session` (closing the app) and stops tauri-driver; an app that
    /// outlives its driver gets SIGTERM too (it flushes and exits), and is
    /// gone when this returns, so that the next launch finds the database
    /// closed.
    pub async fn shutdown(&mut self, session: Option<WebDriver>) {
        let app = self.app_pid();
        if let Some(d) = session {
            let _ = tokio::time::timeout(Duration::from_secs(10), d.quit()).await;
        }
        self.stop().await;
        if let Some(pid) = app {
            stop_process(pid).await;
        }
    }

    /// Stops tauri-driver with SIGTERM and waits until both ports are free.
    pub async fn stop(&mut self) {
        if let Some(pid) = self.child.id() {
            // SIGTERM, never SIGKILL: a killed tauri-driver leaves WebKitWebDriver
            // holding its port.
            unsafe {
                libc::kill(pid as i32, libc::SIGTERM);
            }
        }
        if tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .is_err()
        {
            eprintln!("tauri-driver did not stop within 10 s after SIGTERM");
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        for p in [self.port, self.native_port] {
            while TcpStream::connect((Ipv4Addr::LOCALHOST, p)).is_ok() && Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

impl Drop for TauriDriver {
    /// A test that panicked still stops its tauri-driver (SIGTERM) so that no
    /// WebKitWebDriver keeps a port.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            if let Some(app) = self.app_pid() {
                unsafe {
                    libc::kill(app, libc::SIGTERM);
                }
            }
            if let Some(pid) = self.child.id() {
                unsafe {
                    libc::kill(pid as i32, libc::SIGTERM);
                }
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// A running app window and the tauri-driver that started it.
pub struct AppRun {
    pub driver: Option<WebDriver>,
    tauri: TauriDriver,
}

impl AppRun {
    pub async fn start(env: &TestEnv) -> Result<AppRun> {
        Self::start_with(env, &[]).await
    }

    /// Like `start`, with more environment variables for the app (set after
    /// the test environment's own, so they override them).
    pub async fn start_with(env: &TestEnv, extra: &[(&str, &std::ffi::OsStr)]) -> Result<AppRun> {
        Self::launch(env, extra, true).await
    }

    /// The app as it ships, without test hooks (the installed package's).
    pub async fn start_shipped(env: &TestEnv) -> Result<AppRun> {
        Self::launch(env, &[], false).await
    }

    async fn launch(
        env: &TestEnv,
        extra: &[(&str, &std::ffi::OsStr)],
        hooks: bool,
    ) -> Result<AppRun> {
        let app = app_binary();
        if !app.exists() {
            return Err(format!(
                "{} is missing: build it with `cargo build -p panelist-app --features e2e`",
                app.display()
            )
            .into());
        }
        if hooks {
            check_test_hooks(&app)?;
        }
        let mut tauri = TauriDriver::start(env, &app, extra).await?;
        let caps = tauri.capabilities()?;
        // WebKitWebDriver may not take sessions at once: retry briefly. On a
        // loaded two-core machine the first window can take long to map.
        let deadline = Instant::now() + Duration::from_secs(90);
        let driver = loop {
            let attempt = tokio::time::timeout(
                Duration::from_secs(60),
                WebDriver::new(format!("http://127.0.0.1:{}", tauri.port), caps.clone()),
            )
            .await;
            match attempt {
                Ok(Ok(d)) => break d,
                Ok(Err(e)) if Instant::now() < deadline => {
                    if std::env::var_os("PANELIST_E2E_VERBOSE").is_some() {
                        eprintln!("WebDriver session not ready yet: {e}");
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Ok(Err(e)) => {
                    tauri.stop().await;
                    return Err(format!("cannot open a WebDriver session: {e}").into());
                }
                Err(_) => {
                    tauri.stop().await;
                    return Err("opening a WebDriver session took over 60 s".into());
                }
            }
        };
        let run = AppRun {
            driver: Some(driver),
            tauri,
        };
        // The page is ready once the home screen (or a fatal error) shows,
        // and has settled: fonts loaded and two frames painted, so a first
        // click does not land while the first layout is still being made
        // (on a loaded machine that was seen as "click intercepted").
        run.wait_css("[data-screen]", Duration::from_secs(20))
            .await?;
        run.d()
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 document.fonts.ready.then(() =>
                   requestAnimationFrame(() => requestAnimationFrame(() => done(true))));",
                vec![],
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(150)).await;
        Ok(run)
    }

    pub fn d(&self) -> &WebDriver {
        self.driver.as_ref().expect("a WebDriver session")
    }

    /// Ends the session (closing the app) and stops tauri-driver with SIGTERM.
    /// An app that outlives its driver gets SIGTERM too (it flushes and exits).
    pub async fn quit(mut self) {
        let session = self.driver.take();
        self.tauri.shutdown(session).await;
    }

    /// SIGKILLs the app process (not tauri-driver), then cleans up the driver.
    pub async fn kill_app(self) -> Result<()> {
        let pid = self.app_pid().ok_or("cannot find the app process")?;
        kill_and_reap(pid).await;
        self.abandon().await;
        Ok(())
    }

    /// After the app was killed: end the dead session and stop tauri-driver.
    pub async fn abandon(mut self) {
        if let Some(d) = self.driver.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), d.quit()).await;
        }
        self.tauri.stop().await;
    }

    /// The app's pid: the descendant of tauri-driver running the app binary.
    pub fn app_pid(&self) -> Option<i32> {
        self.tauri.app_pid()
    }

    // -- page helpers ------------------------------------------------------

    /// The first element matching `css`, once there is one. A match that is
    /// replaced while it is being looked at (a chart redrawn at its card's
    /// width, a list re-rendered) is looked up again, within `timeout`.
    pub async fn wait_css(&self, css: &str, timeout: Duration) -> Result<WebElement> {
        let until = std::time::Instant::now() + timeout;
        loop {
            let left = until.saturating_duration_since(std::time::Instant::now());
            match self
                .d()
                .query(By::Css(css))
                .wait(left, Duration::from_millis(50))
                .first()
                .await
            {
                Ok(el) => return Ok(el),
                Err(e) if e.to_string().contains("stale") && !left.is_zero() => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(format!("waiting for {css}: {e}").into()),
            }
        }
    }

    pub async fn el(&self, css: &str) -> Result<WebElement> {
        self.wait_css(css, Duration::from_secs(10)).await
    }

    /// Clicks the element matching `css` after scrolling it to the middle of
    /// its scroller: WebDriver's own scrolling puts it at the bottom edge,
    /// where a sticky action bar can cover it and take the click.
    pub async fn click_centred(&self, css: &str) -> Result<()> {
        let el = self.el(css).await?;
        self.d()
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                vec![el.to_json()?],
            )
            .await?;
        el.click().await?;
        Ok(())
    }

    /// Saves a screenshot of the window as `NAME.png` into
    /// `$PANELIST_SCREENSHOTS` (`scripts/e2e.sh --screenshots DIR`); nothing
    /// when that is not set.
    pub async fn save_screenshot(&self, name: &str) -> Result<()> {
        let Some(dir) = std::env::var_os("PANELIST_SCREENSHOTS").map(PathBuf::from) else {
            return Ok(());
        };
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.screenshot_png().await?)?;
        eprintln!("saved {}", path.display());
        Ok(())
    }

    /// The window as a PNG. WebKitWebDriver takes a screenshot at the
    /// page's next paint, and where WebKit draws on the CPU (no GPU, as
    /// under Xvfb here: src-tauri/src/rendering.rs) a still page never
    /// paints again, so the shot would wait for ever. A 1×1 mark in the
    /// bottom-right corner, at 1% opacity and animated, makes the page
    /// paint while the shot is taken; it is removed afterwards.
    pub async fn screenshot_png(&self) -> Result<Vec<u8>> {
        self.d()
            .execute(
                r#"const m = document.createElement('div');
                   m.id = 'e2e-paint-mark';
                   m.setAttribute('aria-hidden', 'true');
                   m.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;background:#000;z-index:2147483647';
                   document.body.appendChild(m);
                   m.animate([{ opacity: 0.01 }, { opacity: 0.02 }], { duration: 100, iterations: 100, direction: 'alternate' });"#,
                vec![],
            )
            .await?;
        let png = self.d().screenshot_as_png().await;
        self.d()
            .execute(
                "document.getElementById('e2e-paint-mark')?.remove();",
                vec![],
            )
            .await?;
        Ok(png?)
    }

    /// On the wrap-up screen: picks the recommendation `value` ("yes", ...).
    pub async fn recommend(&self, value: &str) -> Result<()> {
        self.click_centred(&format!("input[type=radio][value='{value}']"))
            .await
    }

    /// Waits until the screen named `name` is shown (see main.ts).
    pub async fn screen(&self, name: &str) -> Result<()> {
        self.wait_css(
            &format!("#app[data-screen=\"{name}\"]"),
            Duration::from_secs(10),
        )
        .await?;
        Ok(())
    }

    /// The button whose visible text is exactly `text`.
    pub async fn button(&self, text: &str) -> Result<WebElement> {
        let xpath = format!("//button[normalize-space(.)='{text}']");
        Ok(self
            .d()
            .query(By::XPath(&xpath))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .and_displayed()
            .first()
            .await
            .map_err(|e| format!("waiting for button {text:?}: {e}"))?)
    }

    /// Types keys into whatever has focus (W3C key actions).
    pub async fn keys(&self, text: &str) -> Result<()> {
        self.d().action_chain().send_keys(text).perform().await?;
        Ok(())
    }

    /// A command chord: `modifier` held while `key` is pressed (the live
    /// screen's commands are Alt/Ctrl chords; plain keys are text).
    pub async fn chord(&self, modifier: Key, key: impl Into<char>) -> Result<()> {
        let key: char = key.into();
        let modifier: char = modifier.into();
        self.d()
            .action_chain()
            .key_down(modifier)
            .key_down(key)
            .key_up(key)
            .key_up(modifier)
            .perform()
            .await?;
        Ok(())
    }

    /// Alt+`key` for each character of `keys` (e.g. "3as": score 3, look-fors 1 and 2).
    pub async fn alt(&self, keys: &str) -> Result<()> {
        for c in keys.chars() {
            self.chord(Key::Alt, c).await?;
        }
        Ok(())
    }

    /// Next question (Alt+→).
    pub async fn next_question(&self) -> Result<()> {
        self.chord(Key::Alt, Key::Right).await
    }

    /// Previous question (Alt+←).
    pub async fn prev_question(&self) -> Result<()> {
        self.chord(Key::Alt, Key::Left).await
    }

    pub async fn escape(&self) -> Result<()> {
        self.d()
            .action_chain()
            .send_keys(Key::Escape)
            .perform()
            .await?;
        Ok(())
    }

    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.el(css).await?.text().await?)
    }

    /// The control (input, textarea or select) right after the label that
    /// reads exactly `label` (the first such), once it exists.
    pub async fn labelled(&self, label: &str) -> Result<WebElement> {
        let xpath = format!(
            "//label[normalize-space(.)='{label}']/following-sibling::*[self::input or self::textarea or self::select][1]"
        );
        Ok(self
            .d()
            .query(By::XPath(&xpath))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .first()
            .await
            .map_err(|e| format!("waiting for the field {label:?}: {e}"))?)
    }

    /// Replaces the text of the control labelled `label` with `text`.
    pub async fn fill(&self, label: &str, text: &str) -> Result<()> {
        let el = self.labelled(label).await?;
        el.clear().await?;
        if !text.is_empty() {
            el.send_keys(text).await?;
        }
        Ok(())
    }

    /// Waits for a toast whose text contains `part`; returns its text.
    pub async fn toast(&self, part: &str) -> Result<String> {
        let xpath = format!("//div[contains(@class,'toast')][contains(., '{part}')]");
        let el = self
            .d()
            .query(By::XPath(&xpath))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .first()
            .await
            .map_err(|e| format!("waiting for a toast with {part:?}: {e}"))?;
        Ok(el.text().await?)
    }

    /// The save indicator's state: saved / saving / retrying / failed.
    pub async fn save_state(&self) -> Result<String> {
        Ok(self
            .el(".save-status")
            .await?
            .attr("data-state")
            .await?
            .unwrap_or_default())
    }

    pub async fn wait_saved(&self, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.save_state().await? == "saved" {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("the save indicator did not return to “Saved”".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// SIGTERM `pid` if it still runs, then SIGKILL after 5 s.
async fn stop_process(pid: i32) {
    let alive = |pid: i32| Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid);
    if !alive(pid) {
        return;
    }
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(pid) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if alive(pid) {
        kill_and_reap(pid).await;
    }
}

/// SIGKILL `pid` and wait until it is gone (or a zombie).
pub async fn kill_and_reap(pid: i32) {
    // SAFETY: kill(2) on the app process we found as our descendant.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while Path::new(&format!("/proc/{pid}")).exists()
        && !is_zombie(pid)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The processes whose parent is `pid` (from /proc).
pub fn children_of(pid: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|p| parent_of(*p) == Some(pid))
        .collect()
}

fn stat_fields(pid: i32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the `(comm)` which may contain spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    Some(rest.split_whitespace().map(str::to_string).collect())
}

fn parent_of(pid: i32) -> Option<i32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

fn is_zombie(pid: i32) -> bool {
    stat_fields(pid).and_then(|f| f.first().cloned()).as_deref() == Some("Z")
}

/// A generated test's seed: `PANELIST_E2E_SEED` (scripts/e2e.sh --seed)
/// replays a run; else a new random one. The test prints it.
pub fn seed() -> u64 {
    std::env::var("PANELIST_E2E_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random)
}

/// Runs `f` with an overall time limit, failing the test when it runs out.
pub async fn within<T>(
    limit: Duration,
    what: &str,
    f: impl std::future::Future<Output = Result<T>>,
) -> T {
    match tokio::time::timeout(limit, f).await {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => panic!("{what}: {e}"),
        Err(_) => panic!("{what}: did not finish within {limit:?}"),
    }
}

/// Creates an interview from the kit named `kit` through the UI and waits for
/// the live screen. Returns the session id read from the database.
pub async fn create_interview(
    run: &AppRun,
    env: &TestEnv,
    candidate: &str,
    kit: &str,
) -> Result<String> {
    run.button("New interview").await?.click().await?;
    run.screen("new").await?;
    let inputs = run
        .d()
        .find_all(By::Css(".new-form input[type=text]"))
        .await?;
    inputs[0].send_keys(candidate).await?;
    inputs[1].send_keys("Backend engineer").await?;
    inputs[2].clear().await?;
    inputs[2].send_keys("Grace Hopper").await?;
    // Choose the kit in the select (its option text starts with the kit name).
    let select = run.el(".new-form select").await?;
    let option = select
        .query(By::XPath(format!(
            ".//option[starts-with(normalize-space(.), '{kit} (')]"
        )))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await?;
    option.click().await?;
    run.button("Start interview").await?.click().await?;
    run.screen("live").await?;
    run.el(".level").await?;
    let id: String = env.open_db().query_row(
        "SELECT id FROM session ORDER BY created_at DESC LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    Ok(id)
}
