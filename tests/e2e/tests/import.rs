//! Import a person understands, in the real window (issue 21, What 3;
//! issue 19, What 3 in the app): one batch holds two colleagues' good
//! session files ("Ada Lovelace" and "ada lovelace"), a file that is no
//! Panelist file, a tampered one, two signed with colleagues' new keys and a
//! coordinator's plan file. The good files and the plan import (checked in
//! the SQLite file), each bad one is refused in its own line; the new keys
//! are accepted from the app (at 480×800 and at 1280×860) after the dialog
//! showed both fingerprints; long
//! names and hashes wrap at 480 px; one panel per candidate; the plan shows
//! under Plans; axe-core finds nothing on the results or the key dialog in
//! both themes at 480×800 and 1280×860.

use std::path::Path;
use std::time::Duration;

use panelist_e2e::axe::{axe_both_themes_and_sizes, resize};
use panelist_e2e::cli::{panelist, Colleague};
use panelist_e2e::{within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn a_batch_imports_file_by_file_and_a_changed_key_is_accepted_in_the_app() {
    let env = TestEnv::new();
    within(Duration::from_secs(300), "import flow", flow(&env)).await;
}

fn colleague<'a>(interviewer: &'a str, candidate: &'a str) -> Colleague<'a> {
    Colleague {
        interviewer,
        candidate,
        role: "Backend engineer",
        kit: "backend-fundamentals",
        scores: &[("rest-api-design", 3), ("sql-vs-nosql", 2)],
        notes: &[("rest-api-design", "Versioning by header, with reasons.")],
        recommendation: "yes",
        summary: "Solid.",
        amendments: &[],
    }
}

/// The fingerprint `panelist import` reports for the file (on a scratch
/// database in `dir`).
fn fingerprint_of(dir: &Path, file: &Path) -> Result<String> {
    std::fs::create_dir_all(dir)?;
    let out = panelist(
        &dir.join("scratch.db"),
        &["import", &file.display().to_string()],
    )?;
    let fp = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("signed by key "))
        .ok_or_else(|| format!("no fingerprint in {out}"))?;
    Ok(fp.trim().to_string())
}

fn count(env: &TestEnv, sql: &str) -> i64 {
    env.open_db().query_row(sql, [], |r| r.get(0)).unwrap()
}

async fn flow(env: &TestEnv) -> Result<()> {
    let d = env.dir.path();
    let (old_dir, new_dir, ravi_dir) = (d.join("mei-old"), d.join("mei-new"), d.join("ravi"));
    let (li_old_dir, li_new_dir) = (d.join("li-old"), d.join("li-new"));
    for x in [&old_dir, &new_dir, &ravi_dir, &li_old_dir, &li_new_dir] {
        std::fs::create_dir_all(x)?;
    }
    // Mei's first installation: her key is pinned here before the app starts.
    let mei_old = colleague("Mei Chen", "Ada Lovelace").session_file(&old_dir)?;
    panelist(&env.db(), &["import", &mei_old.display().to_string()])?;
    let pinned = fingerprint_of(&d.join("fp-old"), &mei_old)?;
    // Her new installation: another key, the candidate spelled in lower case.
    let made = colleague("Mei Chen", "ada lovelace").session_file(&new_dir)?;
    let mei_new = d.join("mei-chen-new-laptop-session-0123456789abcdef0123456789abcdef.json");
    std::fs::rename(&made, &mei_new)?;
    let new_key = fingerprint_of(&d.join("fp-new"), &mei_new)?;
    assert_ne!(pinned, new_key);
    // Li Na too (her new key is accepted at 1280×860).
    let li_old = colleague("Li Na", "Ada Lovelace").session_file(&li_old_dir)?;
    panelist(&env.db(), &["import", &li_old.display().to_string()])?;
    let li_new = colleague("Li Na", "Ada Lovelace").session_file(&li_new_dir)?;
    let ravi = colleague("Ravi Kumar", "Ada Lovelace").session_file(&ravi_dir)?;
    // Not a Panelist file, and a tampered copy of Ravi's (its hashes in the
    // details).
    let hello = d.join("hello.json");
    std::fs::write(&hello, br#"{"hello": 1}"#)?;
    let tampered = d.join("ravi-tampered.json");
    std::fs::write(
        &tampered,
        std::fs::read_to_string(&ravi)?.replace("with reasons", "with excuses"),
    )?;
    // A coordinator's plan for the candidate.
    let coord = d.join("coordinator.db");
    let pid = panelist(
        &coord,
        &[
            "plan",
            "create",
            "--candidate",
            "Ada Lovelace",
            "--role",
            "Backend engineer",
            "--coordinator",
            "Carol Coordinator",
        ],
    )?
    .trim()
    .to_string();
    let plan = d.join("ada.plan.json");
    panelist(
        &coord,
        &[
            "plan",
            "export",
            &pid,
            "--output",
            &plan.display().to_string(),
        ],
    )?;

    let batch = std::env::join_paths([&ravi, &hello, &tampered, &mei_new, &li_new, &plan])?;
    let run = AppRun::start_with(env, &[("PANELIST_IMPORT_PATHS", batch.as_os_str())]).await?;
    let result = steps(&run, env, &pinned, &new_key).await;
    run.quit().await;
    result
}

async fn outcomes(run: &AppRun) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for li in run.d().find_all(By::Css(".import-files li")).await? {
        out.push(li.attr("data-outcome").await?.unwrap_or_default());
    }
    Ok(out)
}

/// Waits until the files' outcomes are `want` (the page re-renders after
/// an accepted key).
async fn wait_for_outcomes(run: &AppRun, want: &[&str]) -> Result<()> {
    for _ in 0..100 {
        if outcomes(run).await.unwrap_or_default() == want {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(outcomes(run).await?, want);
    Ok(())
}

/// The results' "Open panel" buttons.
async fn panels(run: &AppRun) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for b in run.d().find_all(By::Css(".import-open button")).await? {
        let t = b.text().await?;
        if t.starts_with("Open panel") {
            out.push(t);
        }
    }
    Ok(out)
}

/// Nothing is wider than the window (no sideways scroll).
async fn fits(run: &AppRun, what: &str) -> Result<()> {
    let v = run
        .d()
        .execute(
            "const d = document.documentElement; return [d.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    let (scroll, inner) = (v.json()[0].as_i64(), v.json()[1].as_i64());
    assert!(
        scroll <= inner,
        "{what}: the page is {scroll:?} px wide in a {inner:?} px window"
    );
    Ok(())
}

async fn steps(run: &AppRun, env: &TestEnv, pinned: &str, new_key: &str) -> Result<()> {
    let mut found = Vec::new();
    run.screen("home").await?;
    run.button("Import sessions…").await?.click().await?;
    let shown = run
        .wait_css(".import-result, .import-error", Duration::from_secs(20))
        .await?;
    if shown
        .class_name()
        .await?
        .unwrap_or_default()
        .contains("import-error")
    {
        return Err(format!("the import did not run: {}", shown.text().await?).into());
    }
    assert_eq!(
        outcomes(run).await?,
        ["added", "refused", "refused", "refused", "refused", "plan"]
    );
    assert_eq!(run.text("#import-title").await?, "Imported 2 of 6 files");
    let lines = run.d().find_all(By::Css(".import-files .refusal")).await?;
    assert_eq!(
        lines[0].text().await?,
        "hello.json is not a Panelist session or plan file, or it is damaged."
    );
    let key_line = lines[2].text().await?;
    assert!(lines[3].text().await?.contains("Li Na"));
    assert!(key_line.ends_with("before accepting it."), "{key_line}");
    // The good files are in the database file; the bad ones changed nothing.
    assert_eq!(count(env, "SELECT count(*) FROM session"), 3);
    assert_eq!(count(env, "SELECT count(*) FROM plan"), 1);
    assert_eq!(panels(run).await?, ["Open panel: Ada Lovelace"]);

    // Long names and the tampered file's hashes wrap at 480 and 1280.
    for d in run.d().find_all(By::Css(".import-files details")).await? {
        d.find(By::Css("summary")).await?.click().await?;
    }
    for (w, h) in [(480, 800), (1280, 860)] {
        resize(run.d(), w, h).await?;
        fits(run, &format!("import results at {w}×{h}")).await?;
    }
    found.extend(axe_both_themes_and_sizes(run.d(), "import results").await?);

    // The changed key: both fingerprints in the dialog, at both sizes.
    run.button("Accept the new key…").await?.click().await?;
    let dlg = run
        .wait_css("dialog.key-dialog[open]", Duration::from_secs(10))
        .await?;
    assert_eq!(dlg.find(By::Css(".fp-pinned")).await?.text().await?, pinned);
    assert_eq!(dlg.find(By::Css(".fp-new")).await?.text().await?, new_key);
    for (w, h) in [(1280, 860), (480, 800)] {
        resize(run.d(), w, h).await?;
        fits(run, &format!("the key dialog at {w}×{h}")).await?;
    }
    found.extend(axe_both_themes_and_sizes(run.d(), "key dialog").await?);
    // Accept at 480×800 (where axe left the window).
    dlg.find(By::XPath(
        ".//button[normalize-space(.)='Accept the new key']",
    ))
    .await?
    .click()
    .await?;
    let after_mei = ["added", "refused", "refused", "added", "refused", "plan"];
    wait_for_outcomes(run, &after_mei).await?;
    assert_eq!(count(env, "SELECT count(*) FROM session"), 4);
    // Li Na's, at 1280×860.
    resize(run.d(), 1280, 860).await?;
    run.button("Accept the new key…").await?.click().await?;
    let dlg = run
        .wait_css("dialog.key-dialog[open]", Duration::from_secs(10))
        .await?;
    assert!(dlg.text().await?.contains("Li Na"));
    dlg.find(By::XPath(
        ".//button[normalize-space(.)='Accept the new key']",
    ))
    .await?
    .click()
    .await?;
    wait_for_outcomes(
        run,
        &["added", "refused", "refused", "added", "added", "plan"],
    )
    .await?;
    assert_eq!(count(env, "SELECT count(*) FROM session"), 5);
    fits(run, "import results after accepting at 1280×860").await?;
    resize(run.d(), 480, 800).await?;
    let text = run.text(".import-result").await?;
    assert!(text.contains("(accepted)"), "{text}");
    // "Ada Lovelace" (Ravi, the plan) and "ada lovelace" (Mei): one panel.
    assert_eq!(panels(run).await?, ["Open panel: Ada Lovelace"]);

    // The plan shows under Plans.
    run.button("Open plans").await?.click().await?;
    run.screen("plans").await?;
    let item = run.wait_css(".plan-item", Duration::from_secs(10)).await?;
    let t = item.text().await?;
    assert!(t.contains("Ada Lovelace"), "{t}");

    assert!(found.is_empty(), "axe-core:\n  {}", found.join("\n  "));
    Ok(())
}
