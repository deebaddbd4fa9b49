//! axe-core accessibility checks inside the real window. The engine is the
//! pinned npm package (`ui/node_modules/axe-core/axe.min.js`, a dev
//! dependency of the UI), injected over WebDriver's execute-script, which
//! runs outside the page's CSP. Each call checks the whole document against
//! axe's WCAG 2.x A/AA rules, best practices and the experimental rules
//! (label-content-name-mismatch is one); the committee report inside
//! its sandboxed preview frame is the core's document, not the app's page,
//! and is left out (`iframes: false`).

use std::path::PathBuf;

use serde_json::Value;
use thirtyfour::prelude::*;

use crate::{repo_root, Result};

/// Where the axe-core engine is read from: `$PANELIST_AXE_JS`, else the UI's
/// installed dev dependency.
pub fn axe_source_path() -> PathBuf {
    std::env::var_os("PANELIST_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("ui/node_modules/axe-core/axe.min.js"))
}

fn axe_source() -> Result<String> {
    let path = axe_source_path();
    std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read axe-core at {} ({e}): run `npm ci` in ui/",
            path.display()
        )
        .into()
    })
}

const RUN: &str = r#"
const done = arguments[arguments.length - 1];
window.axe
  .run(document, {
    iframes: false,
    resultTypes: ["violations"],
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice", "experimental"] },
  })
  .then((r) =>
    done(
      JSON.stringify(
        r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
        })),
      ),
    ),
  )
  .catch((e) => done(JSON.stringify({ error: String(e) })));
"#;

/// Runs axe on the current page; returns one line per violating node:
/// `rule id · target · summary`.
pub async fn axe_violations(driver: &WebDriver) -> Result<Vec<String>> {
    let loaded = driver
        .execute("return typeof window.axe === 'object';", vec![])
        .await?;
    if loaded.json() != &Value::Bool(true) {
        let src = axe_source()?;
        driver
            .execute(&format!("{src}\nreturn true;"), vec![])
            .await?;
    }
    let out = driver.execute_async(RUN, vec![]).await?;
    let text = out
        .json()
        .as_str()
        .ok_or("axe returned no JSON")?
        .to_string();
    let parsed: Value = serde_json::from_str(&text)?;
    if let Some(e) = parsed.get("error") {
        return Err(format!("axe failed: {e}").into());
    }
    let mut lines = Vec::new();
    for v in parsed.as_array().into_iter().flatten() {
        let id = v["id"].as_str().unwrap_or("?");
        let help = v["help"].as_str().unwrap_or("");
        for n in v["nodes"].as_array().into_iter().flatten() {
            let target = n["target"].as_str().unwrap_or("?");
            let summary = n["summary"]
                .as_str()
                .unwrap_or("")
                .replace('\n', " ")
                .replace("  ", " ");
            lines.push(format!("{id} ({help}) · {target} · {summary}"));
        }
    }
    Ok(lines)
}

/// Fails listing every violation (rule id, target, summary) on `screen`.
pub async fn assert_no_axe_violations(driver: &WebDriver, screen: &str) -> Result<()> {
    let found = axe_violations(driver).await?;
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "axe-core: {} violation(s) on {screen}:\n  {}",
            found.len(),
            found.join("\n  ")
        )
        .into())
    }
}

/// Runs axe on the current screen in light and dark at 480×800 and
/// 1280×860; returns one line per violating node, prefixed with the screen,
/// theme and size. Leaves the window at 480×800 in the light theme.
pub async fn axe_both_themes_and_sizes(driver: &WebDriver, screen: &str) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for theme in ["light", "dark"] {
        driver
            .execute(
                "document.documentElement.dataset.theme = arguments[0];",
                vec![Value::String(theme.into())],
            )
            .await?;
        for (w, h) in [(480u32, 800u32), (1280, 860)] {
            resize(driver, w, h).await?;
            for l in axe_violations(driver).await? {
                found.push(format!("[{screen}, {theme}, {w}×{h}] {l}"));
            }
        }
    }
    driver
        .execute("document.documentElement.dataset.theme = 'light';", vec![])
        .await?;
    resize(driver, 480, 800).await?;
    Ok(found)
}

/// Sets the window to `w`×`h` and waits until the page has laid out at
/// that width (and a little longer, so clicks land where elements are).
pub async fn resize(driver: &WebDriver, w: u32, h: u32) -> Result<()> {
    driver.set_window_rect(0, 0, w, h).await?;
    for _ in 0..100 {
        let got = driver.execute("return window.innerWidth;", vec![]).await?;
        if got.json() == &Value::from(w) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    Ok(())
}
