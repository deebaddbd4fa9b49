//! axe-core on the committee screens in the real window: Home, Summary,
//! Compare, Report, Candidates and Calibration, with a real panel (your own
//! submitted interview and two colleagues' imported sessions, made with the
//! CLI), in light and dark (`data-theme` on <html>) at 480×800 and 1280×860:
//! zero violations. Saves a screenshot of each screen at both sizes (light)
//! into $PANELIST_SCREENSHOTS (scripts/e2e.sh --screenshots docs/screenshots).

use std::path::{Path, PathBuf};
use std::time::Duration;

use panelist_e2e::axe::axe_violations;
use panelist_e2e::cli::{panelist, Colleague};
use panelist_e2e::{within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;

const SIZES: [(u32, u32); 2] = [(480, 800), (1280, 860)];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn committee_screens_have_no_axe_violations() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("PANELIST_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| scratch.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let env = TestEnv::new();
    within(Duration::from_secs(480), "axe walk", walk(&env, &dir)).await;
}

fn colleague<'a>(
    interviewer: &'a str,
    candidate: &'a str,
    scores: &'a [(&'a str, i64)],
) -> Colleague<'a> {
    Colleague {
        interviewer,
        candidate,
        role: "Backend engineer",
        kit: "backend-fundamentals",
        scores,
        notes: &[(
            "rest-api-design",
            "Could not say what makes PUT idempotent; no versioning story.",
        )],
        recommendation: "yes",
        summary: "Good data instincts.",
        amendments: &[],
    }
}

/// The app's database before it starts: your own two submitted interviews
/// (Lin Wei, Noor Haddad) and two colleagues' sessions of Lin Wei, imported.
fn prepare(env: &TestEnv) -> Result<()> {
    let mine = [
        ("rest-api-design", 4),
        ("sql-vs-nosql", 3),
        ("caching-fundamentals", 3),
    ];
    colleague("Grace Hopper", "Lin Wei", &mine).run_on(&env.db())?;
    let other = [
        ("rest-api-design", 2),
        ("sql-vs-nosql", 2),
        ("caching-fundamentals", 4),
    ];
    colleague("Grace Hopper", "Noor Haddad", &other).run_on(&env.db())?;
    let ravi = [
        ("rest-api-design", 1),
        ("sql-vs-nosql", 3),
        ("caching-fundamentals", 2),
    ];
    let mei = [("rest-api-design", 2), ("sql-vs-nosql", 3)];
    let files = [
        colleague("Ravi Kumar", "Lin Wei", &ravi).session_file(env.dir.path())?,
        colleague("Mei Chen", "Lin Wei", &mei).session_file(env.dir.path())?,
    ];
    let db = env.db();
    let mut args = vec!["import"];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    panelist(&db, &args)?;
    Ok(())
}

async fn walk(env: &TestEnv, dir: &Path) -> Result<()> {
    prepare(env)?;
    let run = AppRun::start(env).await?;
    let r = all(&run, dir).await;
    run.quit().await;
    let found = r?;
    assert!(
        found.is_empty(),
        "axe-core found {} violation(s):\n{}",
        found.len(),
        found.join("\n")
    );
    Ok(())
}

async fn all(run: &AppRun, dir: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for theme in ["light", "dark"] {
        run.d()
            .execute(
                "document.documentElement.dataset.theme = arguments[0];",
                vec![serde_json::json!(theme)],
            )
            .await?;
        for (w, h) in SIZES {
            size(run, w, h).await?;
            let shots = (theme == "light").then_some(dir);
            for (screen, lines) in screens(run, w, shots).await? {
                for l in lines {
                    found.push(format!("[{screen}, {theme}, {w}×{h}] {l}"));
                }
            }
        }
    }
    Ok(found)
}

/// Resizes the window so that the page's viewport is `w`×`h`.
async fn size(run: &AppRun, w: u32, h: u32) -> Result<()> {
    run.d().set_window_rect(0, 0, w, h).await?;
    for _ in 0..100 {
        let got = run
            .d()
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await?;
        let v: Vec<u32> = got.convert()?;
        if v == [w, h] {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = run
        .d()
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await?;
    Err(format!("the viewport did not become {w}×{h}: {:?}", got.json()).into())
}

async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

async fn check(
    run: &AppRun,
    name: &str,
    width: u32,
    shots: Option<&Path>,
    out: &mut Vec<(String, Vec<String>)>,
) -> Result<()> {
    settle().await;
    if let Some(dir) = shots {
        let png = run.screenshot_png().await?;
        let path = dir.join(format!("{name}-{width}.png"));
        std::fs::write(&path, png)?;
        eprintln!("saved {}", path.display());
    }
    out.push((name.to_string(), axe_violations(run.d()).await?));
    Ok(())
}

async fn home(run: &AppRun) -> Result<()> {
    run.el("button[aria-label='Back to interviews']")
        .await?
        .click()
        .await?;
    run.screen("home").await?;
    run.el(".session-row").await?;
    Ok(())
}

async fn screens(
    run: &AppRun,
    width: u32,
    shots: Option<&Path>,
) -> Result<Vec<(String, Vec<String>)>> {
    let mut out = Vec::new();
    if run.screen("home").await.is_err() {
        home(run).await?;
    }
    run.el(".session-row").await?;
    check(run, "home", width, shots, &mut out).await?;

    // Your own submitted interview of Lin Wei.
    run.d()
        .find(By::XPath(
            "//button[contains(@class,'session-row')][.//strong[normalize-space(.)='Lin Wei']][not(.//*[contains(@class,'badge-imported')])]",
        ))
        .await?
        .click()
        .await?;
    run.screen("summary").await?;
    run.el(".chart .bar").await?;
    check(run, "summary", width, shots, &mut out).await?;

    run.el("button[aria-label='Panel for Lin Wei']")
        .await?
        .click()
        .await?;
    run.screen("compare").await?;
    run.el(".content[data-sealed='false']").await?;
    run.el(".q-matrix").await?;
    check(run, "compare", width, shots, &mut out).await?;
    // Every question's notes open: their headings still in order.
    run.d()
        .execute(
            "document.querySelectorAll('details.q-notes').forEach((d) => (d.open = true));",
            vec![],
        )
        .await?;
    check(run, "compare-notes-open", width, None, &mut out).await?;
    // Charts are sized sensibly: never taller than half the window.
    let chart_h: f64 = run
        .d()
        .execute(
            "return document.querySelector('.panel-chart').getBoundingClientRect().height;",
            vec![],
        )
        .await?
        .convert()?;
    if chart_h > 430.0 {
        out.push((
            "compare".into(),
            vec![format!(
                "layout: the chart is {chart_h} px tall at {width} px"
            )],
        ));
    }

    run.el(".tabs button:not([aria-current])")
        .await?
        .click()
        .await?;
    run.screen("report").await?;
    run.el(".report-preview-ready").await?;
    check(run, "report", width, shots, &mut out).await?;
    // Redacted, as Markdown: the replacement list, the warning, the text
    // preview and the confirmation before export.
    run.el("select.report-format option[value='md']")
        .await?
        .click()
        .await?;
    run.el("input[type=checkbox]").await?.click().await?;
    run.el("pre.report-preview[data-format='md']").await?;
    run.el(".report-form .replaced-list").await?;
    check(run, "report-redacted", width, shots, &mut out).await?;
    run.button("Export…").await?.click().await?;
    run.el("dialog.redact-dialog[open]").await?;
    check(run, "report-redact-confirm", width, None, &mut out).await?;
    run.d()
        .find(By::XPath(
            "//dialog[@open]//button[normalize-space(.)='Cancel']",
        ))
        .await?
        .click()
        .await?;

    // The erase confirmation on Home.
    home(run).await?;
    // Erase sits in the candidate's More menu.
    run.el("button[aria-label='More actions for Noor Haddad']")
        .await?
        .click()
        .await?;
    check(run, "home-more-menu", width, None, &mut out).await?;
    run.el("button[aria-label='Erase Noor Haddad']")
        .await?
        .click()
        .await?;
    run.el("dialog[open]").await?;
    check(run, "erase-confirm", width, None, &mut out).await?;
    run.d()
        .find(By::XPath(
            "//dialog[@open]//button[normalize-space(.)='Cancel']",
        ))
        .await?
        .click()
        .await?;

    run.button("Candidates").await?.click().await?;
    run.screen("candidates").await?;
    run.el("select option[value='backend-fundamentals']")
        .await?
        .click()
        .await?;
    run.el(".cand-table tr[data-candidate='Noor Haddad']")
        .await?;
    check(run, "candidates", width, shots, &mut out).await?;
    if width >= 1280 {
        // The decision columns are visible without scrolling sideways.
        let fits: Vec<serde_json::Value> = run
            .d()
            .execute(
                r#"const s = document.querySelector('.cand-result .table-scroll');
                   const overall = [...s.querySelectorAll('th')].find((t) => t.textContent.includes('Overall'));
                   const recs = [...s.querySelectorAll('th')].find((t) => t.textContent.includes('Recommendations'));
                   return [s.scrollWidth <= s.clientWidth,
                           overall.getBoundingClientRect().right <= window.innerWidth,
                           recs.getBoundingClientRect().right <= window.innerWidth];"#,
                vec![],
            )
            .await?
            .convert()?;
        if fits != [true, true, true] {
            out.push((
                "candidates".into(),
                vec![format!("layout: Overall / Recommendations not visible without scrolling at {width} px: {fits:?}")],
            ));
        }
    } else {
        // Compact: scrolled sideways to the recommendations, each row's
        // name is still in view beside them (a sticky name column).
        let held: Vec<serde_json::Value> = run
            .d()
            .execute(
                r#"const s = document.querySelector('.cand-result .table-scroll');
                   s.scrollLeft = s.scrollWidth;
                   const box = s.getBoundingClientRect();
                   const name = s.querySelector('tbody th[scope=row]').getBoundingClientRect();
                   const recs = s.querySelector('tbody td.recs-cell').getBoundingClientRect();
                   const r = [s.scrollLeft > 0, name.left >= box.left - 1 && name.right <= box.right,
                              recs.right <= box.right + 1 && recs.left >= name.right - 1];
                   s.scrollLeft = 0;
                   return r;"#,
                vec![],
            )
            .await?
            .convert()?;
        if held != [true, true, true] {
            out.push((
                "candidates".into(),
                vec![format!("layout: scrolled to the recommendations at {width} px, the name column is not in view beside them: {held:?}")],
            ));
        }
    }

    home(run).await?;
    run.button("Calibration").await?.click().await?;
    run.screen("calibration").await?;
    run.el(".calibration-view .alpha-table").await?;
    check(run, "calibration", width, shots, &mut out).await?;

    home(run).await?;
    Ok(out)
}
