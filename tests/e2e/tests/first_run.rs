//! The first start and the everyday settings, in the real window:
//! - a fresh database shows the welcome (kits, drafts, panels) on Home;
//! - Settings sets your name and a retention period (after a confirmation),
//!   both read back from the database file; a new interview starts with the
//!   name filled in;
//! - Erase and Delete sit in a "More" menu that opens, moves and closes by
//!   keyboard;
//! - the question editor shows every problem at once and makes the id from
//!   the prompt; nothing is saved while problems remain;
//! - the kit editor's question picker finds a question by a word of its
//!   prompt, and the new kit holds it;
//! - axe-core: zero violations on each of these states, both themes, at
//!   480×800 and 1280×860.

use std::time::Duration;

use panelist_e2e::axe::{axe_both_themes_and_sizes, resize};
use panelist_e2e::cli::{panelist, Colleague};
use panelist_e2e::{within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;
use thirtyfour::Key;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn first_start_settings_menus_editor_and_picker() {
    let env = TestEnv::new();
    within(Duration::from_secs(420), "first run", flow(&env)).await;
}

async fn flow(env: &TestEnv) -> Result<()> {
    let run = AppRun::start(env).await?;
    let r = steps(&run, env).await;
    run.quit().await;
    r
}

/// axe-core in both themes and sizes, then (with `$PANELIST_SCREENSHOTS`)
/// a screenshot `{shot}-480` and `{shot}-1280` for the README.
async fn axe(run: &AppRun, what: &str, shot: &str, found: &mut Vec<String>) -> Result<()> {
    found.extend(axe_both_themes_and_sizes(run.d(), what).await?);
    if !shot.is_empty() && std::env::var_os("PANELIST_SCREENSHOTS").is_some() {
        for (w, h) in [(480u32, 800u32), (1280, 860)] {
            resize(run.d(), w, h).await?;
            run.save_screenshot(&format!("{shot}-{w}")).await?;
        }
        resize(run.d(), 480, 800).await?;
    }
    Ok(())
}

async fn input(run: &AppRun, label: &str) -> Result<WebElement> {
    run.labelled(label).await
}

async fn set(run: &AppRun, label: &str, text: &str) -> Result<()> {
    run.fill(label, text).await
}

/// Waits until `css` holds `part`; its whole text.
async fn wait_text(run: &AppRun, css: &str, part: &str) -> Result<String> {
    for _ in 0..200 {
        if let Ok(t) = run.text(css).await {
            if t.contains(part) {
                return Ok(t);
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("{css} never said {part:?}").into())
}

fn setting(env: &TestEnv, key: &str) -> Option<String> {
    env.open_db()
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [format!("setting.{key}")],
            |r| r.get(0),
        )
        .ok()
}

async fn steps(run: &AppRun, env: &TestEnv) -> Result<()> {
    let mut found = Vec::new();

    // The first start, and no error toast after it: nothing in the page asks
    // for a permission the window does not have (the notification plugin's
    // script once did, on every load).
    run.screen("home").await?;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let toasts = run.d().find_all(By::Css(".toast")).await?;
    let mut said = Vec::new();
    for t in &toasts {
        said.push(t.text().await.unwrap_or_default());
    }
    assert!(said.is_empty(), "toasts at start: {said:?}");
    let welcome = run.el(".welcome").await?;
    // Headings may be styled in capitals: compare without case.
    let text = welcome.text().await?.to_lowercase();
    for idea in ["kits", "drafts", "panels"] {
        assert!(
            text.contains(idea),
            "the welcome does not explain {idea}: {text}"
        );
    }
    axe(run, "first start", "welcome", &mut found).await?;

    // F1 is help on Home too: the key map with the theme.
    run.d().active_element().await?.send_keys(Key::F1).await?;
    let help = run.el("dialog[open]").await?;
    assert!(help.text().await?.contains("Keyboard"));
    assert!(
        !help
            .find_all(By::Css("input[type=radio], select"))
            .await?
            .is_empty(),
        "no theme control in the help"
    );
    run.d()
        .active_element()
        .await?
        .send_keys(Key::Escape)
        .await?;
    for _ in 0..100 {
        if run.d().find_all(By::Css("dialog[open]")).await?.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        run.d().find_all(By::Css("dialog[open]")).await?.is_empty(),
        "Escape did not close the help"
    );

    // Settings: your name and the retention period.
    run.button("Your name and settings").await?.click().await?;
    run.screen("settings").await?;
    set(run, "Your name", "Ada Lovelace").await?;
    run.button("Save name").await?.click().await?;
    wait_text(run, ".settings-name-status", "you are Ada Lovelace").await?;
    assert_eq!(setting(env, "interviewer").as_deref(), Some("Ada Lovelace"));
    run.el("#retention-days").await?.click().await?;
    set(run, "Days", "30").await?;
    run.button("Save retention").await?.click().await?;
    let dialog = run.el("dialog[open]").await?;
    axe(run, "retention confirmation", "", &mut found).await?;
    dialog
        .find(By::XPath(".//button[normalize-space(.)='Save and erase']"))
        .await?
        .click()
        .await?;
    wait_text(
        run,
        ".settings-retention",
        "Nothing was old enough to erase",
    )
    .await?;
    assert_eq!(setting(env, "retention_days").as_deref(), Some("30"));
    axe(run, "settings", "settings", &mut found).await?;
    run.el("button[aria-label='Back to interviews']")
        .await?
        .click()
        .await?;

    // A new interview starts with the name filled in.
    run.screen("home").await?;
    run.button("New interview").await?.click().await?;
    run.screen("new").await?;
    let fields = run
        .d()
        .find_all(By::Css(".new-form input[type=text]"))
        .await?;
    let mut named = false;
    for f in &fields {
        if f.prop("value").await?.as_deref() == Some("Ada Lovelace") {
            named = true;
        }
    }
    assert!(named, "the interviewer field is not filled with your name");
    run.el("button[aria-label='Back to interviews']")
        .await?
        .click()
        .await?;

    // Erase and Delete in a More menu: a colleague's imported session.
    let file = Colleague {
        interviewer: "Bo Brook",
        candidate: "Noor Haddad",
        role: "Backend engineer",
        kit: "backend-fundamentals",
        scores: &[("rest-api-design", 3)],
        notes: &[],
        recommendation: "yes",
        summary: "Clear on the trade-offs.",
        amendments: &[],
    }
    .session_file(env.dir.path())?;
    panelist(&env.db(), &["import", &file.display().to_string()])?;
    run.button("Settings").await?.click().await?;
    run.screen("settings").await?;
    run.el("button[aria-label='Back to interviews']")
        .await?
        .click()
        .await?;
    run.screen("home").await?;
    let more = run
        .el("button[aria-label='More actions for Noor Haddad']")
        .await?;
    let erase = run.el("button[aria-label='Erase Noor Haddad']").await?;
    assert!(
        !erase.is_displayed().await?,
        "Erase shows before the menu opens"
    );
    more.click().await?;
    assert!(erase.is_displayed().await?, "the menu did not open");
    assert_eq!(more.attr("aria-expanded").await?.as_deref(), Some("true"));
    axe(run, "home, More menu open", "home-more-menu", &mut found).await?;
    run.d()
        .active_element()
        .await?
        .send_keys(Key::Escape)
        .await?;
    assert!(
        !erase.is_displayed().await?,
        "Escape did not close the menu"
    );
    let focused = run.d().active_element().await?;
    assert_eq!(
        focused.attr("aria-label").await?.as_deref(),
        Some("More actions for Noor Haddad")
    );

    // The question editor: every problem at once, the id from the prompt.
    run.button("Bank").await?.click().await?;
    run.screen("bank").await?;
    run.button("New question").await?.click().await?;
    run.screen("bank-question").await?;
    set(run, "Prompt", "How would you shard a table of payments?").await?;
    let id = input(run, "Id").await?;
    let mut made = String::new();
    for _ in 0..100 {
        made = id.prop("value").await?.unwrap_or_default();
        if !made.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(made, "how-would-you-shard-a-table-of-payments");
    set(run, "Minutes", "0").await?;
    run.button("Create question").await?.click().await?;
    let summary = wait_text(run, ".bank-summary", "problems").await?;
    let invalid = run
        .d()
        .find_all(By::Css("form [aria-invalid='true']"))
        .await?
        .len();
    assert!(invalid >= 3, "{invalid} fields marked: {summary}");
    assert!(summary.contains("Minutes"), "{summary}");
    let saved: i64 = env.open_db().query_row(
        "SELECT count(*) FROM question WHERE id = ?1",
        [&made],
        |r| r.get(0),
    )?;
    assert_eq!(saved, 0, "a question with problems was saved");
    axe(
        run,
        "question editor with problems",
        "question-editor-problems",
        &mut found,
    )
    .await?;
    run.el("button[aria-label='Back to the bank']")
        .await?
        .click()
        .await?;

    // The kit editor's searchable picker.
    run.screen("bank").await?;
    run.button("Kits").await?.click().await?;
    run.screen("bank-kits").await?;
    set(run, "Kit name", "Payments deep dive").await?;
    set(run, "Search: first question", "reverse proxy").await?;
    let radio = run.el(".bank-kit-new input[type=radio]").await?;
    let qid = radio.attr("value").await?.ok_or("no value")?;
    radio.click().await?;
    axe(run, "kits, picker searched", "kit-picker", &mut found).await?;
    run.button("Create kit").await?.click().await?;
    run.el("[data-kit='payments-deep-dive']").await?;
    let in_kit: String = env.open_db().query_row(
        "SELECT group_concat(question_id) FROM kit_question WHERE kit_id = 'payments-deep-dive'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(in_kit, qid);
    let prompt: String =
        env.open_db()
            .query_row("SELECT prompt FROM question WHERE id = ?1", [&qid], |r| {
                r.get(0)
            })?;
    assert!(
        prompt.to_lowercase().contains("reverse proxy"),
        "the picker found {qid}: {prompt}"
    );

    assert!(found.is_empty(), "axe-core:\n{}", found.join("\n"));
    Ok(())
}
