//! Not a check: walks through the screens with realistic data and saves a
//! screenshot of each (`import -window root`) into $PANELIST_SCREENSHOTS.
//! scripts/e2e.sh --screenshots DIR runs it. The panel screens (Compare and
//! the report preview) use two colleagues' session files made with the CLI.

use std::path::{Path, PathBuf};
use std::time::Duration;

use panelist_e2e::cli::Colleague;
use panelist_e2e::{within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;
use thirtyfour::Key;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn screenshots() {
    // Without PANELIST_SCREENSHOTS the walk still runs, into a scratch folder.
    let scratch = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("PANELIST_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| scratch.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let env = TestEnv::new();
    within(Duration::from_secs(180), "screenshots", walk(&env, &dir)).await;
}

fn shot(dir: &Path, name: &str) -> Result<()> {
    let out = dir.join(format!("{name}.png"));
    let status = std::process::Command::new("import")
        .args(["-window", "root"])
        .arg(&out)
        .status()?;
    if !status.success() {
        return Err(format!("import failed for {}", out.display()).into());
    }
    eprintln!("saved {}", out.display());
    Ok(())
}

async fn settle() {
    tokio::time::sleep(Duration::from_millis(400)).await;
}

/// Two colleagues who interviewed Priya with the same kit.
fn colleagues(env: &TestEnv) -> Result<Vec<PathBuf>> {
    let jonas = Colleague {
        interviewer: "Jonas Weber",
        candidate: "Priya Raman",
        role: "Senior backend engineer",
        kit: "distributed-data",
        scores: &[
            ("distributed-database-consistency", 2),
            ("distributed-transactions", 2),
            ("data-pipeline-design", 3),
        ],
        notes: &[(
            "distributed-database-consistency",
            "Recited CP vs AP but could not apply it to the order service.",
        )],
        recommendation: "yes",
        summary: "Good designer; theory a little thin.",
        amendments: &[],
    }
    .session_file(env.dir.path())?;
    let amara = Colleague {
        interviewer: "Amara Okoye",
        candidate: "Priya Raman",
        role: "Senior backend engineer",
        kit: "distributed-data",
        scores: &[
            ("distributed-database-consistency", 4),
            ("distributed-transactions", 1),
            ("data-pipeline-design", 3),
        ],
        notes: &[(
            "distributed-database-consistency",
            "Worked through a partition scenario unprompted; chose AP with reasons.",
        )],
        recommendation: "strong-yes",
        summary: "Would hire.",
        amendments: &[(
            "distributed-transactions",
            2,
            "Debrief: she did describe compensation, later in the answer.",
        )],
    }
    .session_file(env.dir.path())?;
    Ok(vec![jonas, amara])
}

async fn walk(env: &TestEnv, dir: &Path) -> Result<()> {
    let import = std::env::join_paths(colleagues(env)?)?;
    let run = AppRun::start_with(env, &[("PANELIST_IMPORT_PATHS", import.as_os_str())]).await?;
    let r = steps(&run, dir).await;
    run.quit().await;
    r
}

async fn steps(run: &AppRun, dir: &Path) -> Result<()> {
    // New interview with a kit chosen.
    run.button("New interview").await?.click().await?;
    run.screen("new").await?;
    let inputs = run
        .d()
        .find_all(By::Css(".new-form input[type=text]"))
        .await?;
    inputs[0].send_keys("Priya Raman").await?;
    inputs[1].send_keys("Senior backend engineer").await?;
    inputs[2].send_keys("Sam Okafor").await?;
    let option = run
        .el(".new-form select")
        .await?
        .query(By::XPath(
            ".//option[starts-with(normalize-space(.), 'Distributed data (')]",
        ))
        .first()
        .await?;
    option.click().await?;
    settle().await;
    shot(dir, "new-interview")?;
    run.button("Start interview").await?.click().await?;
    run.screen("live").await?;
    run.el(".level").await?;

    // Live: score, look-fors, follow-up, notes on two questions.
    run.alt("3as").await?;
    run.alt("t").await?;
    run.keys("Partitioned by tenant id; considered hot tenants.")
        .await?;
    run.escape().await?;
    run.next_question().await?;
    run.alt("4adfz").await?;
    run.alt("t").await?;
    run.keys("Clear on back-pressure, idempotent consumers.")
        .await?;
    run.escape().await?;
    run.next_question().await?;
    run.alt("2s").await?;
    run.alt("t").await?;
    run.keys("Vague on failover").await?;
    run.escape().await?;
    settle().await;
    shot(dir, "live-interview")?;

    // Wrap-up.
    run.alt("w").await?;
    run.screen("wrap").await?;
    let areas = run.d().find_all(By::Css(".screen-wrap textarea")).await?;
    areas[0]
        .send_keys(
            "Solid distributed-systems instincts; explains trade-offs. Less depth on operations.",
        )
        .await?;
    areas[1]
        .send_keys("Dismissed on-call as someone else's job")
        .await?;
    run.recommend("yes").await?;
    run.d()
        .find(By::Css("h2#scores-title"))
        .await?
        .scroll_into_view()
        .await?;
    settle().await;
    shot(dir, "wrap-up")?;
    areas[0].send_keys(Key::Tab).await?;
    run.button("Submit").await?.click().await?;
    run.d()
        .find(By::XPath(
            "//dialog[@open]//button[normalize-space(.)='Submit']",
        ))
        .await?
        .click()
        .await?;
    run.screen("summary").await?;
    run.el(".chart .bar").await?;
    settle().await;
    shot(dir, "summary")?;

    // The colleagues' sessions arrive; Priya's panel opens.
    run.el("button[aria-label='Back to interviews']")
        .await?
        .click()
        .await?;
    run.screen("home").await?;
    run.button("Import sessions…").await?.click().await?;
    run.button("Open panel: Priya Raman").await?.click().await?;
    run.screen("compare").await?;
    run.el(".q-matrix tr.flagged").await?;
    settle().await;
    shot(dir, "compare")?;

    // The committee report, previewed in the window.
    run.button("Report").await?.click().await?;
    run.screen("report").await?;
    run.d()
        .find(By::Css("h2#preview-title"))
        .await?
        .scroll_into_view()
        .await?;
    let frame = run.el("iframe.report-preview").await?;
    for _ in 0..100 {
        if frame.attr("srcdoc").await?.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    settle().await;
    shot(dir, "report")?;
    Ok(())
}
