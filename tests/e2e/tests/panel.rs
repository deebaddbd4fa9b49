//! A panel in the real window: two colleagues' session files (made with the
//! `panelist` CLI on their own databases) are imported while your own
//! interview of the same candidate is running. Their scores stay sealed (only
//! their number shows) until you submit; then the comparison shows the
//! question × interviewer matrix with the disagreement flagged, the report
//! preview renders styled inside its sandboxed frame, and the exported HTML
//! report names the candidate, all three interviewers and the flag.

use std::path::{Path, PathBuf};
use std::time::Duration;

use panelist_e2e::cli::Colleague;
use panelist_e2e::{create_interview, within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;

const CANDIDATE: &str = "Lin Wei";
const FLAGGED_QUESTION: &str = "rest-api-design";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn sealed_panel_then_compare_and_html_report() {
    let env = TestEnv::new();
    within(Duration::from_secs(180), "panel flow", flow(&env)).await;
}

/// The two colleagues: on rest-api-design they give 1 and 2 where you give 4
/// (spread 3: flagged); Mei changes a score in the debrief.
fn colleagues(dir: &Path, candidate: &str) -> Result<Vec<PathBuf>> {
    let ravi = Colleague {
        interviewer: "Ravi Kumar",
        candidate,
        role: "Backend engineer",
        kit: "backend-fundamentals",
        scores: &[
            ("rest-api-design", 1),
            ("sql-vs-nosql", 3),
            ("caching-fundamentals", 2),
        ],
        notes: &[(
            "rest-api-design",
            "Could not say what makes PUT idempotent; no versioning story.",
        )],
        recommendation: "no",
        summary: "Shaky on HTTP semantics.",
        amendments: &[],
    }
    .session_file(dir)?;
    let mei = Colleague {
        interviewer: "Mei Chen",
        candidate,
        role: "Backend engineer",
        kit: "backend-fundamentals",
        scores: &[
            ("rest-api-design", 2),
            ("sql-vs-nosql", 3),
            ("caching-fundamentals", 2),
        ],
        notes: &[(
            "caching-fundamentals",
            "Knew cache-aside; unsure about invalidation at first.",
        )],
        recommendation: "yes",
        summary: "Good data instincts.",
        amendments: &[(
            "caching-fundamentals",
            3,
            "In the debrief: the invalidation answer came later and was right.",
        )],
    }
    .session_file(dir)?;
    Ok(vec![ravi, mei])
}

async fn flow(env: &TestEnv) -> Result<()> {
    let files = colleagues(env.dir.path(), CANDIDATE)?;
    let exports = env.dir.path().join("exports");
    std::fs::create_dir_all(&exports)?;
    let import = std::env::join_paths(&files)?;
    let run = AppRun::start_with(
        env,
        &[
            ("PANELIST_IMPORT_PATHS", import.as_os_str()),
            ("PANELIST_EXPORT_PATH", exports.as_os_str()),
        ],
    )
    .await?;
    let result = steps(&run, env).await;
    run.quit().await;
    result?;
    check_report(&exports)
}

async fn steps(run: &AppRun, env: &TestEnv) -> Result<()> {
    // Your own interview: 4 on REST API design, 3 and 3 on the next two.
    create_interview(run, env, CANDIDATE, "Backend fundamentals").await?;
    run.alt("4").await?;
    run.next_question().await?;
    run.alt("3").await?;
    run.next_question().await?;
    run.alt("3").await?;
    run.wait_saved(Duration::from_secs(5)).await?;

    // Home → Import sessions… (PANELIST_IMPORT_PATHS replaces the dialog).
    run.el("button[aria-label='Back to interviews']")
        .await?
        .click()
        .await?;
    run.screen("home").await?;
    run.button("Import sessions…").await?.click().await?;
    run.el(".import-result").await?;
    let outcomes = outcome_kinds(run).await?;
    assert_eq!(outcomes, ["added", "added"]);
    let text = run.text(".import-result").await?;
    assert!(
        text.contains("Ravi Kumar") && text.contains("Mei Chen"),
        "{text}"
    );
    // The same files again: nothing changes.
    run.button("Import sessions…").await?.click().await?;
    wait_until("the second import", async || {
        Ok(outcome_kinds(run).await? == ["unchanged", "unchanged"])
    })
    .await?;

    // Sealed: only how many sessions arrived, no scores, no names.
    run.button(&format!("Open panel: {CANDIDATE}"))
        .await?
        .click()
        .await?;
    run.screen("compare").await?;
    run.el(".content[data-sealed='true']").await?;
    let sealed = run.text(".sealed-card").await?;
    assert!(
        sealed.contains("2 sessions from other interviewers have arrived"),
        "{sealed}"
    );
    assert!(sealed.contains("unlock when you submit"), "{sealed}");
    let page = run.text("main").await?;
    for hidden in ["Ravi", "Mei", "idempotent", "Shaky"] {
        assert!(
            !page.contains(hidden),
            "sealed page shows {hidden:?}: {page}"
        );
    }
    assert!(run.d().find_all(By::Css("table")).await?.is_empty());

    // Submit your own.
    run.button("Continue your interview").await?.click().await?;
    run.screen("live").await?;
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

    // Open: the matrix with the disagreement flagged.
    run.el(&format!("button[aria-label='Panel for {CANDIDATE}']"))
        .await?
        .click()
        .await?;
    run.screen("compare").await?;
    run.el(".content[data-sealed='false']").await?;
    // Columns in the order the sessions were created (the colleagues' first).
    let heads: Vec<String> = texts(run, ".q-matrix thead th").await?;
    assert_eq!(
        heads,
        [
            "Question",
            "Ravi Kumar",
            "Mei Chen",
            "Grace Hopper (you)",
            "Row"
        ]
    );
    let flagged = run
        .el(&format!("tr.flagged[data-question='{FLAGGED_QUESTION}']"))
        .await?;
    let levels: Vec<String> = {
        let mut v = Vec::new();
        for c in flagged.find_all(By::Css("td.cell")).await? {
            v.push(c.attr("data-level").await?.unwrap_or_default());
        }
        v
    };
    assert_eq!(levels, ["1", "2", "4"]);
    let row = flagged.text().await?;
    assert!(row.contains("2+ levels apart"), "{row}");
    assert!(row.contains("spread 3"), "{row}");
    let flagged_rows = run
        .d()
        .find_all(By::Css(".q-matrix tbody tr.flagged"))
        .await?;
    assert_eq!(
        flagged_rows.len(),
        1,
        "only one question is 2+ levels apart"
    );
    // Four of the kit's seven questions nobody scored.
    let uncovered = run.d().find_all(By::Css("tr.uncovered")).await?;
    assert_eq!(uncovered.len(), 4);
    // Mei's debrief change: "was 2" with the reason in its title.
    let was = run
        .el("tr[data-question='caching-fundamentals'] .was")
        .await?;
    assert_eq!(was.text().await?, "was 2");
    let title = was.attr("title").await?.unwrap_or_default();
    assert!(title.contains("invalidation answer came later"), "{title}");
    assert!(run.text(".compare-counts").await?.contains("1 flagged"));
    // The chart has one series per interviewer.
    let legend = run
        .d()
        .find_all(By::Css(".panel-chart .legend"))
        .await?
        .len();
    assert_eq!(legend, 3);

    // Report: the preview renders the core's HTML, styled, in its frame.
    run.el(".tabs button:not([aria-current])")
        .await?
        .click()
        .await?;
    run.screen("report").await?;
    check_preview(run).await?;

    // Export HTML (PANELIST_EXPORT_PATH replaces the save dialog).
    run.el("select.report-format option[value='html']")
        .await?
        .click()
        .await?;
    run.button("Export…").await?.click().await?;
    run.toast("Exported to").await?;
    Ok(())
}

/// The preview frame is sandboxed without scripts, holds the report, and its
/// style block is applied (the app's CSP allows it by hash).
async fn check_preview(run: &AppRun) -> Result<()> {
    let frame = run.el("iframe.report-preview").await?;
    assert_eq!(frame.attr("sandbox").await?.as_deref(), Some(""));
    wait_until("the preview document", async || {
        Ok(frame
            .attr("srcdoc")
            .await?
            .is_some_and(|d| d.contains("Hiring committee report")))
    })
    .await?;
    frame.clone().enter_frame().await?;
    let checked = preview_styles(run).await;
    run.d().enter_default_frame().await?;
    let (h1, th_bg, flagged_bg) = checked?;
    assert_eq!(h1, format!("Hiring committee report: {CANDIDATE}"));
    // `th { background: #f1f4f8 }` and `tr.flagged td { background: #fdecea }`
    // come from the report's <style>: unstyled they would be transparent.
    assert_eq!(th_bg, "rgb(241, 244, 248)", "report table headers unstyled");
    assert_eq!(flagged_bg, "rgb(253, 236, 234)", "flagged row unstyled");
    Ok(())
}

async fn preview_styles(run: &AppRun) -> Result<(String, String, String)> {
    let h1 = run
        .d()
        .query(By::Css("h1"))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await?;
    let th = run.d().find(By::Css("th")).await?;
    let flagged = run.d().find(By::Css("tr.flagged td")).await?;
    Ok((
        h1.text().await?,
        th.css_value("background-color").await?,
        flagged.css_value("background-color").await?,
    ))
}

fn check_report(exports: &Path) -> Result<()> {
    let files: Vec<PathBuf> = std::fs::read_dir(exports)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("committee-lin-wei-") && name.ends_with(".html"),
        "{name}"
    );
    let html = std::fs::read_to_string(&files[0])?;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains(&format!("<h1>Hiring committee report: {CANDIDATE}</h1>")),
        "{html}"
    );
    for who in ["Grace Hopper", "Ravi Kumar", "Mei Chen"] {
        assert!(html.contains(who), "the report lacks {who}");
    }
    assert!(html.contains("⚑ disagree"), "the report lacks the flag");
    assert!(html.contains("<tr class=\"flagged\">"));
    assert!(html.contains("Flagged: 1 question(s)"), "{html}");
    assert!(html.contains("the invalidation answer came later"));
    assert!(!html.contains("<script"));
    Ok(())
}

async fn outcome_kinds(run: &AppRun) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for li in run
        .d()
        .find_all(By::Css(".import-result .import-files li"))
        .await?
    {
        out.push(li.attr("data-outcome").await?.unwrap_or_default());
    }
    Ok(out)
}

async fn texts(run: &AppRun, css: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for e in run.d().find_all(By::Css(css)).await? {
        out.push(e.text().await?);
    }
    Ok(out)
}

/// Polls `check` until it says yes; errors (an element replaced while being
/// read) count as "not yet" until the time is up.
async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> Result<bool>) -> Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let last = check().await;
        if matches!(last, Ok(true)) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("waiting for {what}: {:?}", last.err()).into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
