//! Desktop-app benchmarks named by the product issue; prints figures, asserts
//! nothing about speed.
//!
//!     xvfb-run -a cargo bench -p panelist-e2e --bench app
//!     scripts/bench-app.sh            (builds the release app first)
//!
//! 1. Startup: wall time from the WebDriver new-session request (which makes
//!    WebKitWebDriver spawn the app) to the home screen accepting input:
//!    `#app[data-screen="home"]` set and the "New interview" button present
//!    and enabled (main.ts sets data-screen after the screen is in the DOM).
//!    Also when the sessions list is shown (its first `list_sessions`
//!    answered), and, from /proc, how long after the request the app process
//!    started. Each launch is on a fresh temp database (first run: creates and
//!    seeds it), then once more on that same database (warm); both plain,
//!    encrypted with a passphrase, and encrypted with a raw key from a
//!    throwaway keyring, side by side with the hello-world app in every
//!    round (`PANELIST_BENCH_ENCRYPTION` narrows the list).
//! 2. Note save over IPC: `window.__TAURI_INTERNALS__.invoke('set_notes', …)`
//!    from the page, N sequential calls timed with performance.now() in the
//!    page; each is a durable SQLite commit.
//!
//! The app binary: `$PANELIST_APP_BIN`, else target/release/panelist-app when
//! it exists, else target/debug/panelist-app. `PANELIST_BENCH_LAUNCHES`
//! (default 20) and `PANELIST_BENCH_SAVES` (default 500) change the counts.
//! With `PANELIST_APP_BIN_BEFORE` (e.g. a release build of main) only the
//! note saves run, the two binaries alternately (`PANELIST_BENCH_ROUNDS`
//! runs each, default 3), printed side by side.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use panelist_e2e::keyring::ThrowawayKeyring;
use panelist_e2e::{app_binary, children_of, repo_root, AppRun, Result, TauriDriver, TestEnv};
use serde_json::{json, Value};
use thirtyfour::prelude::*;

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not: no
    // windows then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let bin = choose_binary();
    if !bin.exists() {
        println!(
            "skipped: {} is missing (cargo build --release -p panelist-app --features custom-protocol)",
            bin.display()
        );
        return;
    }
    if std::env::var_os("DISPLAY").is_none() {
        println!("skipped: no DISPLAY (run under xvfb-run -a)");
        return;
    }
    describe_binary(&bin);
    println!("load average at start: {}", load_average());

    let compare = std::env::var_os("PANELIST_APP_BIN_BEFORE").is_some();
    let launches = env_usize("PANELIST_BENCH_LAUNCHES", if compare { 0 } else { 20 });
    let saves = env_usize("PANELIST_BENCH_SAVES", 500);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let limit = Duration::from_secs(60 + 90 * launches as u64);
        match launches {
            0 => println!("startup: skipped (PANELIST_BENCH_LAUNCHES=0)"),
            _ => match tokio::time::timeout(limit, startup(launches)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => println!("startup benchmark failed: {e}"),
                Err(_) => println!("startup benchmark did not finish within {limit:?}"),
            },
        }
        if compare {
            println!("memory: skipped (comparing note saves of two binaries)");
        } else {
            match tokio::time::timeout(Duration::from_secs(300), memory()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => println!("memory benchmark failed: {e}"),
                Err(_) => println!("memory benchmark did not finish within 300 s"),
            }
        }
        let before = std::env::var_os("PANELIST_APP_BIN_BEFORE").map(PathBuf::from);
        let rounds = env_usize(
            "PANELIST_BENCH_ROUNDS",
            if before.is_some() { 3 } else { 1 },
        );
        let limit = Duration::from_secs((120 + saves as u64 / 10) * rounds as u64 * 2);
        match tokio::time::timeout(limit, note_saves(saves, &bin, before.as_deref(), rounds)).await
        {
            Ok(Ok(())) => {}
            Ok(Err(e)) => println!("note-save benchmark failed: {e}"),
            Err(_) => println!("note-save benchmark did not finish within {limit:?}"),
        }
    });
    println!();
    println!("load average at end: {}", load_average());
}

/// /proc/loadavg's 1, 5 and 15 minute figures: other work on the machine
/// shows in these figures.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `$PANELIST_APP_BIN`, else the release build when present, else debug.
/// Sets PANELIST_APP_BIN so that the e2e helpers use the same binary.
fn choose_binary() -> PathBuf {
    if std::env::var_os("PANELIST_APP_BIN").is_some_and(|v| v.is_empty()) {
        std::env::remove_var("PANELIST_APP_BIN");
    }
    if std::env::var_os("PANELIST_APP_BIN").is_none() {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join("target"));
        let release = target.join("release").join("panelist-app");
        if release.exists() {
            // Before any other thread starts.
            std::env::set_var("PANELIST_APP_BIN", &release);
        }
    }
    app_binary()
}

fn describe_binary(bin: &Path) {
    let meta = std::fs::metadata(bin).expect("app binary metadata");
    let age = meta
        .modified()
        .ok()
        .and_then(|m| m.elapsed().ok())
        .map(|a| format!("built {} min ago", a.as_secs() / 60))
        .unwrap_or_default();
    println!(
        "app binary: {} ({:.1} MiB, {age})",
        bin.display(),
        meta.len() as f64 / (1024.0 * 1024.0)
    );
    if !bin.to_string_lossy().contains("/release/") {
        println!("  note: not a release build; figures will be slower than shipped");
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn row(name: &str, mut v: Vec<f64>) {
    if v.is_empty() {
        println!("{name:<44} no samples");
        return;
    }
    v.sort_by(f64::total_cmp);
    println!(
        "{name:<44} n={:<4} min={:>7.0} ms  p50={:>7.0} ms  p90={:>7.0} ms  max={:>7.0} ms",
        v.len(),
        v[0],
        pct(&v, 0.50),
        pct(&v, 0.90),
        v[v.len() - 1]
    );
}

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64()
        * 1e3
}

// -- 1. startup ---------------------------------------------------------

#[derive(Default)]
struct Launch {
    /// Request → session returned by WebDriver.
    session_ms: f64,
    /// Request → home screen accepting input.
    ready_ms: f64,
    /// Request → sessions list shown.
    list_ms: f64,
    /// Request → app process started (/proc, 10 ms resolution).
    spawn_ms: Option<f64>,
    /// The page was already ready when the first script ran (`ready_ms` is
    /// then an upper bound).
    late: bool,
}

/// How a measured launch's database is protected at rest
/// (`PANELIST_BENCH_ENCRYPTION`: a comma-separated list of `plain`,
/// `passphrase`, `keyring`; all three by default, side by side in every
/// round).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Protection {
    /// No keyring, no passphrase: plain SQLite.
    Plain,
    /// `PANELIST_PASSPHRASE` set: SQLCipher with the passphrase (one key
    /// derivation at each start).
    Passphrase,
    /// A throwaway gnome-keyring on a private D-Bus bus: a random raw key
    /// from the keyring (no derivation, one D-Bus lookup).
    Keyring,
}

impl Protection {
    fn name(self) -> &'static str {
        match self {
            Protection::Plain => "plain",
            Protection::Passphrase => "passphrase",
            Protection::Keyring => "keyring (raw key)",
        }
    }

    fn chosen() -> Vec<Protection> {
        let list = std::env::var("PANELIST_BENCH_ENCRYPTION")
            .unwrap_or_else(|_| "plain,passphrase,keyring".into());
        list.split(',')
            .filter_map(|p| match p.trim() {
                "plain" => Some(Protection::Plain),
                "passphrase" => Some(Protection::Passphrase),
                "keyring" => Some(Protection::Keyring),
                _ => None,
            })
            .collect()
    }

    /// The app's environment for this protection.
    fn envs(self, ring: Option<&ThrowawayKeyring>) -> Vec<(&'static str, OsString)> {
        let mut v = vec![("PANELIST_KEYRING", OsString::from("off"))];
        match self {
            Protection::Plain => v.push(("PANELIST_PASSPHRASE", "".into())),
            Protection::Passphrase => v.push((
                "PANELIST_PASSPHRASE",
                "a passphrase for the benchmark".into(),
            )),
            Protection::Keyring => {
                v = ring.map(ThrowawayKeyring::envs).unwrap_or_default();
                v.push(("PANELIST_PASSPHRASE", "".into()));
            }
        }
        v
    }
}

async fn startup(launches: usize) -> Result<()> {
    println!();
    println!("== startup: new-session request -> home screen interactive ==");
    let mut modes = Protection::chosen();
    let ring = if modes.contains(&Protection::Keyring) {
        match ThrowawayKeyring::missing() {
            Some(bin) => {
                println!("(keyring launches skipped: no {bin})");
                modes.retain(|m| *m != Protection::Keyring);
                None
            }
            None => Some(ThrowawayKeyring::start()?),
        }
    } else {
        None
    };
    // One launch first, not counted: loads the binary and WebKit into the
    // page cache so that every counted launch starts alike.
    {
        let env = TestEnv::new();
        let l = launch(&env, &Protection::Plain.envs(None)).await?;
        println!(
            "warm-up launch (not counted): ready after {:.0} ms",
            l.ready_ms
        );
    }
    let hello = hello_binary();
    if let Some(h) = &hello {
        let env = TestEnv::new();
        launch_of(&env, h, HELLO_READY_SCRIPT, &[]).await?;
    } else {
        println!("(no hello-world app: scripts/bench-app.sh builds it for the start-up ratio)");
    }
    let mut hellos = Vec::new();
    // Per protection: (first runs, warm runs).
    let mut runs: Vec<(Vec<Launch>, Vec<Launch>)> =
        modes.iter().map(|_| (Vec::new(), Vec::new())).collect();
    for i in 0..launches {
        // Side by side: the hello-world app, then Panelist on a new and on
        // an existing database under each protection, in every round.
        if let Some(h) = &hello {
            hellos.push(launch_of(&TestEnv::new(), h, HELLO_READY_SCRIPT, &[]).await?);
        }
        for (m, (first, warm)) in modes.iter().zip(runs.iter_mut()) {
            let envs = m.envs(ring.as_ref());
            let env = TestEnv::new();
            let a = launch(&env, &envs).await?;
            let b = launch(&env, &envs).await?;
            if std::env::var_os("PANELIST_E2E_VERBOSE").is_some() {
                eprintln!(
                    "launch {i} ({}): first {:.0}/{:.0} ms, warm {:.0}/{:.0} ms (session/ready)",
                    m.name(),
                    a.session_ms,
                    a.ready_ms,
                    b.session_ms,
                    b.ready_ms
                );
            }
            first.push(a);
            warm.push(b);
        }
    }
    for (m, (first, warm)) in modes.iter().zip(&runs) {
        for (name, runs) in [
            ("first run (new database)", first),
            ("warm (existing database)", warm),
        ] {
            println!("{name}, {}:", m.name());
            row(
                "  request -> home interactive",
                runs.iter().map(|l| l.ready_ms).collect(),
            );
            row(
                "  request -> sessions list shown",
                runs.iter().map(|l| l.list_ms).collect(),
            );
            row(
                "  request -> WebDriver session returned",
                runs.iter().map(|l| l.session_ms).collect(),
            );
            row(
                "  request -> app process started (/proc)",
                runs.iter().filter_map(|l| l.spawn_ms).collect(),
            );
            row(
                "  app process started -> home interactive",
                runs.iter()
                    .filter_map(|l| l.spawn_ms.map(|s| l.ready_ms - s))
                    .collect(),
            );
            let late = runs.iter().filter(|l| l.late).count();
            if late > 0 {
                println!("  ({late} of {} were already ready when the page was first reachable: upper bounds)", runs.len());
            }
        }
    }
    if !hellos.is_empty() {
        println!("hello-world Tauri app (same Tauri version, release, same rounds):");
        row(
            "  request -> page interactive",
            hellos.iter().map(|l| l.ready_ms).collect(),
        );
        let p50 = |v: &[Launch]| {
            let mut t: Vec<f64> = v.iter().map(|l| l.ready_ms).collect();
            t.sort_by(f64::total_cmp);
            pct(&t, 0.5)
        };
        let h = p50(&hellos);
        for (m, (first, warm)) in modes.iter().zip(&runs) {
            println!(
                "start-up ratio to hello world (p50 / p50), {}: first run {:.2}x, warm {:.2}x (goal <= 1.3x)",
                m.name(),
                p50(first) / h,
                p50(warm) / h
            );
        }
    }
    Ok(())
}

/// Waits in the page until the home screen accepts input and the sessions
/// list is shown; returns both moments as epoch milliseconds.
const READY_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const now = () => performance.timeOrigin + performance.now();
const out = { ready: null, list: null, late: false };
const check = () => {
  const app = document.getElementById('app');
  if (out.ready === null && app && app.dataset.screen === 'home') {
    const btn = Array.from(app.querySelectorAll('button'))
      .find((b) => b.textContent.trim() === 'New interview');
    if (btn && !btn.disabled) out.ready = now();
  }
  if (out.list === null && out.ready !== null && document.querySelector('.session-list li')) {
    out.list = now();
  }
  if (out.ready !== null && out.list !== null) { obs.disconnect(); done(out); return true; }
  if (app && app.dataset.screen && app.dataset.screen !== 'home') {
    obs.disconnect(); done({ error: 'screen ' + app.dataset.screen + ': ' + app.textContent.slice(0, 200) });
    return true;
  }
  return false;
};
const obs = new MutationObserver(check);
obs.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
if (check()) out.late = true;
"#;

/// The hello-world app is ready when its button is in the page.
const HELLO_READY_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const now = () => performance.timeOrigin + performance.now();
const check = () => {
  const b = document.getElementById('hello');
  if (b && !b.disabled) { obs.disconnect(); const t = now(); done({ ready: t, list: t }); return true; }
  return false;
};
const obs = new MutationObserver(check);
obs.observe(document, { subtree: true, childList: true, attributes: true });
check();
"#;

/// The hello-world Tauri app built by scripts/bench-app.sh, if present.
fn hello_binary() -> Option<PathBuf> {
    let p = std::env::var_os("PANELIST_HELLO_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/release/tauri-hello"));
    p.exists().then_some(p)
}

/// One launch; a launch that fails before the home screen shows (say, a
/// WebDriver request error) is retried, up to three attempts in all.
async fn launch(env: &TestEnv, envs: &[(&'static str, OsString)]) -> Result<Launch> {
    launch_of(env, &app_binary(), READY_SCRIPT, envs).await
}

/// One launch of `bin`, ready when `script` calls back.
async fn launch_of(
    env: &TestEnv,
    bin: &Path,
    script: &str,
    envs: &[(&'static str, OsString)],
) -> Result<Launch> {
    let mut attempt = 1;
    loop {
        let mut drv = Driver::start_with(env, bin, envs).await?;
        let result = measure(&mut drv, script).await;
        drv.stop().await;
        match result {
            Err(e) if attempt < 3 => {
                eprintln!("launch attempt {attempt} failed, not counted: {e}");
                attempt += 1;
            }
            r => return r,
        }
    }
}

async fn measure(drv: &mut Driver, script: &str) -> Result<Launch> {
    let caps = drv.tauri.capabilities()?;
    let t0 = Instant::now();
    let wall0 = epoch_ms();
    let driver = WebDriver::new(format!("http://127.0.0.1:{}", drv.tauri.port), caps).await?;
    let session_ms = t0.elapsed().as_secs_f64() * 1e3;
    drv.session = Some(driver);
    let d = drv.session.as_ref().unwrap();
    d.set_script_timeout(Duration::from_secs(30)).await?;
    let got = d.execute_async(script, vec![]).await?;
    let got = got.json();
    if let Some(e) = got.get("error") {
        return Err(format!("the app did not show the home screen: {e}").into());
    }
    let ms = |k: &str| -> Result<f64> {
        got.get(k)
            .and_then(Value::as_f64)
            .map(|t| t - wall0)
            .ok_or_else(|| format!("no {k} time in {got}").into())
    };
    let spawn_ms = drv
        .app_pid()
        .and_then(process_start_epoch_ms)
        .map(|s| s - wall0);
    Ok(Launch {
        session_ms,
        ready_ms: ms("ready")?,
        list_ms: ms("list")?,
        spawn_ms,
        late: got.get("late").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// When `pid` started, in epoch milliseconds (10 ms resolution): /proc's
/// start time counts clock ticks since boot (CLOCK_BOOTTIME).
fn process_start_epoch_ms(pid: i32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    // Field 22 overall; the 20th after `(comm)`.
    let ticks: f64 = rest.split_whitespace().nth(19)?.parse().ok()?;
    // SAFETY: plain libc queries.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let wall = epoch_ms();
    // SAFETY: `ts` is a valid timespec.
    if unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) } != 0 {
        return None;
    }
    let since_boot_ms = ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6;
    Some(wall - since_boot_ms + ticks / hz * 1e3)
}

/// One launch's tauri-driver (the E2E harness's `TauriDriver`, ready before
/// the clock starts so that the measured span is the app's own start) and
/// its WebDriver session.
struct Driver {
    tauri: TauriDriver,
    session: Option<WebDriver>,
}

impl Driver {
    async fn start(env: &TestEnv, bin: &Path) -> Result<Driver> {
        Self::start_with(env, bin, &[]).await
    }

    /// With more environment variables for the app.
    async fn start_with(
        env: &TestEnv,
        bin: &Path,
        envs: &[(&'static str, OsString)],
    ) -> Result<Driver> {
        let extra: Vec<(&str, &std::ffi::OsStr)> =
            envs.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
        Ok(Driver {
            tauri: TauriDriver::start(env, bin, &extra).await?,
            session: None,
        })
    }

    fn app_pid(&self) -> Option<i32> {
        self.tauri.app_pid()
    }

    /// Ends the session (closing the app), stops tauri-driver and waits
    /// until the app has exited, so that the next launch finds the database
    /// closed.
    async fn stop(&mut self) {
        let session = self.session.take();
        self.tauri.shutdown(session).await;
    }
}

// -- memory ----------------------------------------------------------------

/// Proportional set size of `pid` and all its descendants (the app and its
/// WebKit web and network processes), in MiB, with the process count.
fn pss_tree_mib(pid: i32) -> (f64, usize) {
    let mut total_kib = 0u64;
    let mut count = 0;
    let mut frontier = vec![pid];
    while let Some(p) = frontier.pop() {
        if let Ok(text) = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")) {
            count += 1;
            total_kib += text
                .lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or(0);
        }
        frontier.extend(children_of(p));
    }
    (total_kib as f64 / 1024.0, count)
}

/// Makes a 30-question session through IPC, reloads, opens it from the home
/// screen (the live interview), and leaves the window idle.
const OPEN_30_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const invoke = window.__TAURI_INTERNALS__.invoke;
(async () => {
  const bank = await invoke('get_bank');
  const question_ids = bank.questions.slice(0, 30).map((q) => q.id);
  await invoke('create_session', { new: {
    candidate: 'Memory Candidate', interviewer: 'Bench Interviewer',
    role: 'Backend engineer', kit: null, question_ids } });
  done({ ok: question_ids.length });
})().catch((e) => done({ error: String(e && e.message ? e.message : JSON.stringify(e)) }));
"#;

const IDLE: Duration = Duration::from_secs(30);

async fn memory() -> Result<()> {
    println!();
    println!(
        "== memory: PSS of all app processes after {} s idle ==",
        IDLE.as_secs()
    );
    let env = TestEnv::new();
    let run = AppRun::start_shipped(&env).await?;
    let result = async {
        run.d().set_script_timeout(Duration::from_secs(60)).await?;
        let got = run.d().execute_async(OPEN_30_SCRIPT, vec![]).await?;
        if let Some(e) = got.json().get("error") {
            return Err(format!("could not create the session: {e}").into());
        }
        run.d().refresh().await?;
        run.screen("home").await?;
        run.el(".session-row").await?.click().await?;
        run.screen("live").await?;
        run.el(".level").await?;
        tokio::time::sleep(IDLE).await;
        let pid = run.app_pid().ok_or("no app process")?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(pss_tree_mib(pid))
    }
    .await;
    run.quit().await;
    let (mib, procs) = result?;
    println!("Panelist, live interview of 30 questions: {mib:.1} MiB PSS over {procs} processes");
    if let Some(h) = hello_binary() {
        let env = TestEnv::new();
        let mut drv = Driver::start(&env, &h).await?;
        let r = async {
            measure(&mut drv, HELLO_READY_SCRIPT).await?;
            tokio::time::sleep(IDLE).await;
            drv.app_pid()
                .map(pss_tree_mib)
                .ok_or_else(|| Box::<dyn std::error::Error + Send + Sync>::from("no hello process"))
        }
        .await;
        drv.stop().await;
        let (mib, procs): (f64, usize) = r?;
        println!(
            "hello-world Tauri app, for scale:          {mib:.1} MiB PSS over {procs} processes"
        );
    }
    Ok(())
}

// -- 2. note save over IPC ----------------------------------------------

/// Creates a session through IPC, then times `n` sequential `set_notes`
/// calls (after `warmup` untimed ones).
///
/// WebKit rounds performance.now() to 1 ms, so each call is timed between
/// clock edges: it starts right at a tick, and after it the page counts spin
/// iterations until the next tick, converted to time with a calibrated
/// iterations-per-millisecond rate. `raw` keeps the 1 ms-rounded times.
const SAVE_SCRIPT: &str = r#"
const [n, warmup] = [arguments[0], arguments[1]];
const done = arguments[arguments.length - 1];
const invoke = window.__TAURI_INTERNALS__.invoke;
const edge = () => { const a = performance.now(); let b = a; while (b === a) b = performance.now(); return b; };
const spinToEdge = () => { const a = performance.now(); let b = a, k = 0; while (b === a) { b = performance.now(); k++; } return [b, k]; };
(async () => {
  const bank = await invoke('get_bank');
  const question_ids = bank.questions.slice(0, 30).map((q) => q.id);
  const session = await invoke('create_session', { new: {
    candidate: 'Bench Candidate', interviewer: 'Bench Interviewer',
    role: 'Backend engineer', kit: null, question_ids } });
  // Spin iterations per clock tick (median of 201, after as many to warm
  // up the JIT), and the tick itself.
  const perTick = [];
  let tick = Infinity;
  for (let i = 0; i < 201; i++) spinToEdge();
  for (let i = 0; i < 201; i++) {
    edge();
    const a = performance.now();
    const [b, k] = spinToEdge();
    perTick.push(k); tick = Math.min(tick, b - a);
  }
  perTick.sort((x, y) => x - y);
  const itersPerMs = perTick[100] / tick;
  const times = [], raw = [];
  let last = '', clamped = 0;
  for (let i = 0; i < warmup + n; i++) {
    const questionId = question_ids[i % question_ids.length];
    const m = String(Math.floor(i / 60)).padStart(2, '0');
    const s = String(i % 60).padStart(2, '0');
    const notes = `[${m}:${s}] note text after keystroke ${i}, about a paragraph long. `.repeat(4);
    const t = edge();
    await invoke('set_notes', { sessionId: session.id, questionId, notes });
    const r = performance.now();
    const [next, k] = spinToEdge();
    // The end lies in [r, next): clamp the interpolation to it.
    const end = Math.min(Math.max(next - k / itersPerMs, r), next);
    if (i >= warmup) { times.push(end - t); raw.push(r - t); clamped += end !== next - k / itersPerMs; }
    last = notes;
  }
  // For context: the same IPC path with no command behind it (Tauri
  // answers "command not found"), rounded to clock ticks like `raw`.
  const noop = [];
  for (let i = 0; i < warmup + n; i++) {
    const t = edge();
    await invoke('bench_no_such_command').catch(() => {});
    const r = performance.now();
    const [next, k] = spinToEdge();
    if (i >= warmup) noop.push(Math.min(Math.max(next - k / itersPerMs, r), next) - t);
  }
  const lastQ = question_ids[(warmup + n - 1) % question_ids.length];
  done({ times, raw, noop, tick, itersPerMs, clamped, session: session.id, question: lastQ, last });
})().catch((e) => done({ error: String(e && e.message ? e.message : JSON.stringify(e)) }));
"#;

/// The note-save samples of one app run.
#[derive(Default)]
struct Saves {
    times: Vec<f64>,
    raw: Vec<f64>,
    noop: Vec<f64>,
    clamped: u64,
    tick: f64,
    wall: f64,
    saved: bool,
}

/// Note saves through IPC. With `before` (PANELIST_APP_BIN_BEFORE, e.g. a
/// release build of main), the two binaries run alternately, `rounds` runs
/// each (before, after, before, …), so both see the same machine; the
/// samples of each binary are pooled.
async fn note_saves(n: usize, after: &Path, before: Option<&Path>, rounds: usize) -> Result<()> {
    println!();
    println!(
        "== note save over IPC: invoke('set_notes') from the page, {n} sequential calls per run =="
    );
    let mut bins: Vec<(&str, &Path)> = Vec::new();
    if let Some(b) = before {
        println!("before: {}", b.display());
        println!("after:  {}", after.display());
        bins.push(("before", b));
    }
    bins.push((
        if before.is_some() {
            "after"
        } else {
            "this binary"
        },
        after,
    ));
    let mut pooled: Vec<Saves> = bins.iter().map(|_| Saves::default()).collect();
    for round in 0..rounds.max(1) {
        for (i, (label, bin)) in bins.iter().enumerate() {
            // The e2e helpers start $PANELIST_APP_BIN; no other thread is
            // starting an app meanwhile.
            std::env::set_var("PANELIST_APP_BIN", bin);
            let s = note_save_run(n).await?;
            println!(
                "  run {} {label:<11} p50={:.3} ms  p99={:.3} ms  (load {})",
                round + 1,
                pct_unsorted(&s.times, 0.50),
                pct_unsorted(&s.times, 0.99),
                load_average()
            );
            let p = &mut pooled[i];
            p.times.extend(&s.times);
            p.raw.extend(&s.raw);
            p.noop.extend(&s.noop);
            p.clamped += s.clamped;
            p.tick = s.tick;
            p.wall += s.wall;
            p.saved = s.saved && (round == 0 || p.saved);
        }
    }
    std::env::set_var("PANELIST_APP_BIN", after);
    for ((label, _), s) in bins.iter().zip(pooled) {
        print_saves(label, s);
    }
    Ok(())
}

fn pct_unsorted(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else {
        pct(&v, p)
    }
}

/// One app run: a fresh database, `n` saves (after 20 untimed), then the
/// last note checked in the database file after the app exited.
async fn note_save_run(n: usize) -> Result<Saves> {
    let env = TestEnv::new();
    let run = AppRun::start_shipped(&env).await?;
    let result = async {
        run.d().set_script_timeout(Duration::from_secs(600)).await?;
        let wall = Instant::now();
        let got = run
            .d()
            .execute_async(SAVE_SCRIPT, vec![json!(n), json!(20)])
            .await?;
        let wall = wall.elapsed();
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((got.json().clone(), wall))
    }
    .await;
    run.quit().await;
    let (got, wall) = result?;
    if let Some(e) = got.get("error") {
        return Err(format!("the page could not save: {e}").into());
    }
    let floats = |k: &str| -> Vec<f64> {
        got[k]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let (times, raw) = (floats("times"), floats("raw"));
    if times.is_empty() || times.len() != raw.len() {
        return Err(format!("no times from the page: {got}").into());
    }
    // The last save is in the database file (the app has exited).
    let stored: String = env.open_db().query_row(
        "SELECT notes FROM entry WHERE session_id = ?1 AND question_id = ?2",
        [
            got["session"].as_str().unwrap_or_default(),
            got["question"].as_str().unwrap_or_default(),
        ],
        |r| r.get(0),
    )?;
    Ok(Saves {
        times,
        raw,
        noop: floats("noop"),
        clamped: got["clamped"].as_u64().unwrap_or(0),
        tick: got["tick"].as_f64().unwrap_or(f64::NAN),
        wall: wall.as_secs_f64(),
        saved: stored == got["last"].as_str().unwrap_or_default(),
    })
}

fn print_saves(label: &str, s: Saves) {
    let Saves {
        mut times,
        mut raw,
        mut noop,
        clamped,
        tick,
        wall,
        saved,
    } = s;
    let total: f64 = times.iter().sum();
    times.sort_by(f64::total_cmp);
    raw.sort_by(f64::total_cmp);
    println!(
        "{label}: set_notes round trip   n={}  p50={:.3} ms  p99={:.3} ms  max={:.3} ms  mean={:.3} ms",
        times.len(),
        pct(&times, 0.50),
        pct(&times, 0.99),
        times[times.len() - 1],
        total / times.len() as f64
    );
    println!(
        "  page clock tick {tick:.3} ms ({clamped} of {} clamped into their tick); rounded to ticks: p50={:.0} p99={:.0} max={:.0} ms",
        times.len(),
        pct(&raw, 0.50),
        pct(&raw, 0.99),
        raw[raw.len() - 1],
    );
    noop.sort_by(f64::total_cmp);
    if !noop.is_empty() {
        println!(
            "  IPC alone (unknown command, rejected by Tauri): n={}  p50={:.3} ms  p99={:.3} ms  max={:.3} ms",
            noop.len(),
            pct(&noop, 0.50),
            pct(&noop, 0.99),
            noop[noop.len() - 1]
        );
    }
    println!(
        "  {wall:.2} s of page scripts; {}",
        if saved {
            "the last note of every run is in the database"
        } else {
            "WARNING: a run's last note is NOT in the database"
        }
    );
}
