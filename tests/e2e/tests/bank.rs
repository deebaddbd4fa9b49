//! The question bank in the real window: browse and search, author a
//! question (refused inline and nothing saved on an empty anchor, a
//! duplicate id, a level off the scale), put it in a new kit, interview with
//! it, edit it, and check that the finished session keeps the first revision
//! while the bank shows the second. Built-in kits cannot be overwritten; a
//! reordered kit's interview is still compared on that kit. Screenshots of
//! the bank and the editor at 480×800 and 1280×860 go to
//! $PANELIST_SCREENSHOTS (scripts/e2e.sh --screenshots docs/screenshots).

use std::path::PathBuf;
use std::time::Duration;

use panelist_e2e::{create_interview, within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;

const QID: &str = "e2e-cache-warmup";
const FIRST: &str = "How would you warm a cold cache after a deploy?";
const SECOND: &str = "How would you warm a cold cache after a deploy, without a stampede?";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn bank_author_version_and_interview() {
    let env = TestEnv::new();
    within(Duration::from_secs(420), "bank flow", flow(&env)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn bank_built_in_kits_are_protected_and_reordered_kits_still_compare() {
    let env = TestEnv::new();
    within(
        Duration::from_secs(300),
        "kit protection flow",
        kits_flow(&env),
    )
    .await;
}

async fn flow(env: &TestEnv) -> Result<()> {
    let run = AppRun::start(env).await?;
    let r = steps(&run, env).await;
    run.quit().await;
    r?;
    // After the app closed: the database and the export agree.
    let db = env.open_db();
    let (rev, prompt): (i64, String) = db.query_row(
        "SELECT revision, prompt FROM question WHERE id = ?1",
        [QID],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    assert_eq!((rev, prompt.as_str()), (2, SECOND));
    let doc: String = db.query_row("SELECT doc FROM question WHERE id = ?1", [QID], |r| {
        r.get(0)
    })?;
    let doc: serde_json::Value = serde_json::from_str(&doc)?;
    assert_eq!(
        doc["look_fors"],
        serde_json::json!(["Pre-loads hot keys", "Rate-limits the warm-up"])
    );
    assert_eq!(doc["rubric"]["levels"].as_array().map(Vec::len), Some(4));
    let revs: i64 = db.query_row(
        "SELECT count(*) FROM question_revision WHERE question_id = ?1",
        [QID],
        |r| r.get(0),
    )?;
    assert_eq!(revs, 2);
    let (entry_rev, snapshot): (i64, String) = db.query_row(
        "SELECT e.revision, s.doc FROM entry e JOIN snapshot s ON s.id = e.snapshot_id WHERE e.question_id = ?1",
        [QID],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    assert_eq!(entry_rev, 1);
    assert!(snapshot.contains(FIRST) && !snapshot.contains("stampede"));
    let md = std::fs::read_to_string(env.export_path())?;
    assert!(
        md.contains(FIRST),
        "the export lacks the first revision:\n{md}"
    );
    assert!(
        !md.contains(SECOND),
        "the export shows the second revision:\n{md}"
    );
    Ok(())
}

/// `NAME-480.png` and `NAME-1280.png` when screenshots are asked for.
async fn shot(run: &AppRun, name: &str) -> Result<()> {
    if std::env::var_os("PANELIST_SCREENSHOTS").is_none() {
        return Ok(());
    }
    for (w, h) in [(480u32, 800u32), (1280, 860)] {
        panelist_e2e::axe::resize(run.d(), w, h).await?;
        run.save_screenshot(&format!("{name}-{w}")).await?;
    }
    panelist_e2e::axe::resize(run.d(), 480, 800).await
}

async fn input(run: &AppRun, label: &str) -> Result<WebElement> {
    run.labelled(label).await
}

async fn set(run: &AppRun, label: &str, text: &str) -> Result<()> {
    run.fill(label, text).await
}

/// The inline error shown at the field labelled `label`, once it appears.
async fn field_error(run: &AppRun, label: &str) -> Result<String> {
    let xpath = format!(
        "//label[normalize-space(.)='{label}']/following-sibling::p[contains(@class,'field-error')][normalize-space(.)!='']"
    );
    let el = run
        .d()
        .query(By::XPath(&xpath))
        .wait(Duration::from_secs(15), Duration::from_millis(50))
        .first()
        .await
        .map_err(|e| format!("waiting for an error at {label:?}: {e}"))?;
    let control = input(run, label).await?;
    assert_eq!(
        control.attr("aria-invalid").await?.as_deref(),
        Some("true"),
        "{label} is not marked invalid"
    );
    Ok(el.text().await?)
}

fn nothing_saved(env: &TestEnv, revisions_before: i64) -> Result<()> {
    let db = env.open_db();
    let n: i64 = db.query_row("SELECT count(*) FROM question WHERE id = ?1", [QID], |r| {
        r.get(0)
    })?;
    assert_eq!(n, 0, "a refused question was saved");
    let revs: i64 = db.query_row("SELECT count(*) FROM question_revision", [], |r| r.get(0))?;
    assert_eq!(revs, revisions_before, "a refused question made a revision");
    Ok(())
}

/// axe-core on the current screen in light and dark at both sizes.
async fn a11y(run: &AppRun, screen: &str) -> Result<()> {
    let found = panelist_e2e::axe::axe_both_themes_and_sizes(run.d(), screen).await?;
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!("axe-core: {}", found.join("\n")).into())
    }
}

async fn back(run: &AppRun, label: &str) -> Result<()> {
    run.el(&format!("button[aria-label='{label}']"))
        .await?
        .click()
        .await?;
    Ok(())
}

async fn steps(run: &AppRun, env: &TestEnv) -> Result<()> {
    // Open the bank from Home and search: the row says why it matched.
    run.button("Bank").await?.click().await?;
    run.screen("bank").await?;
    run.el(".bank-q").await?;
    shot(run, "bank").await?;
    a11y(run, "bank").await?;
    run.button("Competencies").await?.click().await?;
    run.screen("bank-competencies").await?;
    shot(run, "competencies").await?;
    a11y(run, "competencies").await?;
    back(run, "Back to the bank").await?;
    run.screen("bank").await?;
    run.el(".bank-filters input[type=search]")
        .await?
        .send_keys("idempotency")
        .await?;
    let why = run.text(".bank-why li").await?;
    assert!(why.starts_with("matched in "), "{why}");
    assert!(why.to_lowercase().contains("idempoten"), "{why}");
    let count = run.text(".bank-count").await?;
    assert!(count.contains(" of "), "{count}");

    // A new question with a four-level rubric; three refusals first.
    let revisions_before: i64 =
        env.open_db()
            .query_row("SELECT count(*) FROM question_revision", [], |r| r.get(0))?;
    run.button("New question").await?.click().await?;
    run.screen("bank-question").await?;
    a11y(run, "question editor").await?;
    set(run, "Id", QID).await?;
    set(run, "Prompt", FIRST).await?;
    set(run, "Minutes", "6").await?;
    set(run, "Level 1 anchor", "Restarts and hopes.").await?;
    set(
        run,
        "Level 3 anchor",
        "Pre-loads hot keys from access logs.",
    )
    .await?;
    set(
        run,
        "Level 4 anchor",
        "Level 3 plus at least two of: rate-limited warm-up, request coalescing, staged rollout.",
    )
    .await?;
    // WebKitWebDriver types no line break into a textarea: set the two
    // lines as the value (the form reads it on submit).
    let look_fors = input(run, "Look-fors").await?;
    run.d()
        .execute(
            "arguments[0].value = 'Pre-loads hot keys\\nRate-limits the warm-up';",
            vec![look_fors.to_json()?],
        )
        .await?;
    run.button("Create question").await?.click().await?;
    let e = field_error(run, "Level 2 anchor").await?;
    assert_eq!(e, "must not be empty");
    nothing_saved(env, revisions_before)?;
    // The editor with the refusal shown at its field.
    shot(run, "question-editor").await?;

    set(run, "Level 2 anchor", "Warms some keys, no plan for load.").await?;
    set(run, "Id", "rest-api-design").await?;
    run.button("Create question").await?.click().await?;
    let e = field_error(run, "Id").await?;
    assert!(e.contains("already exists"), "{e}");
    nothing_saved(env, revisions_before)?;

    set(run, "Id", QID).await?;
    set(run, "Level 4 value", "5").await?;
    run.button("Create question").await?.click().await?;
    let e = field_error(run, "Level 4 value").await?;
    assert!(e.contains("not on the scale"), "{e}");
    nothing_saved(env, revisions_before)?;

    set(run, "Level 4 value", "4").await?;
    run.button("Create question").await?.click().await?;
    run.toast(&format!("Saved {QID}, revision 1")).await?;
    run.screen("bank").await?;

    // Put it in a new kit.
    run.button("Kits").await?.click().await?;
    run.screen("bank-kits").await?;
    shot(run, "kits").await?;
    a11y(run, "kits").await?;
    set(run, "Kit name", "E2E kit").await?;
    // The searchable picker: a word of the id finds the question.
    set(run, "Search: first question", QID).await?;
    run.el(&format!(".bank-kit-new input[type=radio][value='{QID}']"))
        .await?
        .click()
        .await?;
    run.button("Create kit").await?.click().await?;
    run.el("[data-kit='e2e-kit']").await?;
    let in_kit: String = env.open_db().query_row(
        "SELECT group_concat(question_id) FROM kit_question WHERE kit_id = 'e2e-kit'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(in_kit, QID);
    back(run, "Back to the bank").await?;
    run.screen("bank").await?;
    back(run, "Back to interviews").await?;
    run.screen("home").await?;

    // Interview with it: score, wrap up, submit.
    create_interview(run, env, "Eve Example", "E2E kit").await?;
    finish_interview(run).await?;

    // Edit the question: a second revision.
    back(run, "Back to interviews").await?;
    run.screen("home").await?;
    run.button("Bank").await?.click().await?;
    run.screen("bank").await?;
    run.el(&format!("button[aria-label='Edit {QID}']"))
        .await?
        .click()
        .await?;
    run.screen("bank-question").await?;
    // The form is filled once the question has loaded.
    let prompt = input(run, "Prompt").await?;
    for _ in 0..100 {
        if prompt.prop("value").await?.unwrap_or_default() == FIRST {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    set(run, "Prompt", SECOND).await?;
    run.button("Save new revision").await?.click().await?;
    run.toast(&format!("Saved {QID}, revision 2")).await?;
    run.screen("bank").await?;
    let card = run.el(&format!(".bank-q[data-id='{QID}']")).await?;
    let text = card.text().await?;
    assert!(
        text.contains(SECOND) && text.contains("revision 2"),
        "{text}"
    );

    // History: revision 2 changed the prompt.
    run.el(&format!("button[aria-label='History of {QID}']"))
        .await?
        .click()
        .await?;
    run.screen("bank-history").await?;
    shot(run, "question-history").await?;
    a11y(run, "question history").await?;
    let rev2 = run.text(".bank-rev[data-revision='2']").await?;
    assert!(rev2.contains("Prompt") && rev2.contains(SECOND), "{rev2}");

    // The finished session's export still shows the first revision.
    back(run, "Back to the bank").await?;
    run.screen("bank").await?;
    back(run, "Back to interviews").await?;
    run.screen("home").await?;
    run.d()
        .find(By::XPath(
            "//button[contains(@class,'session-row')][contains(., 'Eve Example')]",
        ))
        .await?
        .click()
        .await?;
    run.screen("summary").await?;
    // The summary says which revision the question was asked in.
    let meta = run
        .d()
        .query(By::XPath(format!(
            "//p[contains(@class,'q-meta')][@data-question='{QID}'][contains(., 'bank revision')]"
        )))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await?
        .text()
        .await?;
    assert!(meta.ends_with("bank revision 1"), "{meta}");
    run.button("Export Markdown…").await?.click().await?;
    run.toast("Exported to").await?;
    Ok(())
}

/// On the live screen: score the current question 3 (clicked), go to the
/// wrap-up, recommend yes and submit.
async fn finish_interview(run: &AppRun) -> Result<()> {
    run.el(".level[data-level='3']").await?.click().await?;
    run.wait_saved(Duration::from_secs(10)).await?;
    run.d()
        .query(By::XPath(
            "//button[starts-with(normalize-space(.), 'Wrap-up')]",
        ))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        // The shown one: on the last question Next says "Wrap-up →" and the
        // separate Wrap-up button is hidden.
        .and_displayed()
        .first()
        .await?
        .click()
        .await?;
    run.screen("wrap").await?;
    run.recommend("yes").await?;
    run.wait_saved(Duration::from_secs(10)).await?;
    run.button("Submit").await?.click().await?;
    run.el("dialog[open]").await?;
    run.d()
        .find(By::XPath(
            "//dialog[@open]//button[normalize-space(.)='Submit']",
        ))
        .await?
        .click()
        .await?;
    run.screen("summary").await?;
    Ok(())
}

async fn kits_flow(env: &TestEnv) -> Result<()> {
    let run = AppRun::start(env).await?;
    let r = kit_steps(&run, env).await;
    run.quit().await;
    r?;
    let db = env.open_db();
    let n: i64 = db.query_row(
        "SELECT count(*) FROM kit_question WHERE kit_id = 'backend-fundamentals'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(n, 7, "the built-in kit was overwritten");
    let same_name: i64 = db.query_row(
        "SELECT count(*) FROM kit WHERE name = 'Backend fundamentals' COLLATE NOCASE",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(same_name, 1, "a second kit with a built-in kit's name");
    let (kit, modified): (Option<String>, bool) =
        db.query_row("SELECT kit_name, kit_modified FROM session", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    assert_eq!(kit.as_deref(), Some("Backend fundamentals"));
    assert!(
        modified,
        "the reordered interview is not marked as modified"
    );
    Ok(())
}

async fn kit_steps(run: &AppRun, _env: &TestEnv) -> Result<()> {
    run.button("New interview").await?.click().await?;
    run.screen("new").await?;
    let inputs = run
        .d()
        .find_all(By::Css(".new-form input[type=text]"))
        .await?;
    inputs[0].send_keys("Reo Reordered").await?;
    inputs[2].clear().await?;
    inputs[2].send_keys("Grace Hopper").await?;
    run.el(".new-form select")
        .await?
        .query(By::XPath(
            ".//option[starts-with(normalize-space(.), 'Backend fundamentals (')]",
        ))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await?
        .click()
        .await?;
    // Reorder: the first question one place down.
    run.el(".picked li:first-child button[aria-label^='Move down']")
        .await?
        .click()
        .await?;
    // "Save as kit" under the built-in kit's name is refused.
    set(run, "Kit name", "Backend fundamentals").await?;
    run.button("Save as kit").await?.click().await?;
    let err = run
        .d()
        .query(By::XPath(
            "//*[contains(@class,'error')][contains(., 'built-in kit')]",
        ))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await
        .map_err(|e| format!("no refusal shown: {e}"))?
        .text()
        .await?;
    assert!(err.contains("cannot be replaced"), "{err}");

    run.button("Start interview").await?.click().await?;
    run.screen("live").await?;
    // Score the first question, then jump to the wrap-up through the last one.
    run.el(".level[data-level='3']").await?.click().await?;
    run.wait_saved(Duration::from_secs(10)).await?;
    for _ in 0..6 {
        run.d()
            .query(By::XPath(
                "//button[starts-with(normalize-space(.), 'Next')]",
            ))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .first()
            .await?
            .click()
            .await?;
    }
    finish_interview(run).await?;
    // The summary says the questions were changed from the kit.
    let meta = run.text(".meta").await?;
    assert!(
        meta.contains("Backend fundamentals (questions changed from the kit)"),
        "{meta}"
    );

    // Compared on the kit it came from.
    back(run, "Back to interviews").await?;
    run.screen("home").await?;
    run.button("Candidates").await?.click().await?;
    run.screen("candidates").await?;
    let select = input(run, "Kit").await?;
    select
        .find(By::XPath(".//option[normalize-space(.)='Backend fundamentals' or starts-with(normalize-space(.), 'Backend fundamentals ')]"))
        .await?
        .click()
        .await?;
    let table = run
        .d()
        .query(By::XPath(
            "//*[contains(@class,'table-scroll')][contains(., 'Reo Reordered')]",
        ))
        .wait(Duration::from_secs(15), Duration::from_millis(50))
        .first()
        .await
        .map_err(|e| format!("the reordered interview is not in the comparison: {e}"))?;
    assert!(table.text().await?.contains("Reo Reordered"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn bank_files_import_all_or_nothing_and_export_from_the_app() {
    let env = TestEnv::new();
    within(Duration::from_secs(240), "bank file flow", files_flow(&env)).await;
}

/// A bank file made by the CLI from a fresh database, with `edit` applied.
fn bank_file(env: &TestEnv, edit: impl FnOnce(&mut serde_json::Value)) -> Result<PathBuf> {
    let scratch = env.dir.path().join("scratch.db");
    let out = env.dir.path().join("bank.json");
    panelist_e2e::cli::panelist(&scratch, &["bank", "export", out.to_str().unwrap()])?;
    let mut bank: serde_json::Value = serde_json::from_slice(&std::fs::read(&out)?)?;
    edit(&mut bank);
    std::fs::write(&out, serde_json::to_vec_pretty(&bank)?)?;
    Ok(out)
}

fn question_mut<'a>(bank: &'a mut serde_json::Value, id: &str) -> &'a mut serde_json::Value {
    bank["questions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|q| q["id"] == id)
        .unwrap()
}

fn revision_of(env: &TestEnv, id: &str) -> Result<i64> {
    Ok(env
        .open_db()
        .query_row("SELECT revision FROM question WHERE id = ?1", [id], |r| {
            r.get(0)
        })?)
}

async fn files_flow(env: &TestEnv) -> Result<()> {
    // A file that changes one question and breaks another: nothing lands.
    let file = bank_file(env, |b| {
        question_mut(b, "rest-api-design")["prompt"] = "Design a REST API (imported).".into();
        question_mut(b, "sql-vs-nosql")["levels"][0]["anchor"] = "".into();
    })?;
    let run = AppRun::start_with(env, &[("PANELIST_BANK_IMPORT_PATH", file.as_os_str())]).await?;
    let r = files_steps(&run, env, &file).await;
    run.quit().await;
    r?;
    let exported: serde_json::Value = serde_json::from_slice(&std::fs::read(env.export_path())?)?;
    assert_eq!(exported["format"], "panelist-bank");
    let q = exported["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "rest-api-design")
        .unwrap();
    assert_eq!(q["prompt"], "Design a REST API (imported).");
    Ok(())
}

async fn files_steps(run: &AppRun, env: &TestEnv, file: &std::path::Path) -> Result<()> {
    run.button("Bank").await?.click().await?;
    run.screen("bank").await?;
    run.el(".bank-q").await?;
    run.button("Import bank file…").await?.click().await?;
    let t = run.toast("Nothing was imported").await?;
    assert!(t.contains("levels[0].anchor"), "{t}");
    assert_eq!(
        revision_of(env, "rest-api-design")?,
        1,
        "a refused import changed the bank"
    );

    // Fixed: one new revision, the rest unchanged.
    let mut bank: serde_json::Value = serde_json::from_slice(&std::fs::read(file)?)?;
    question_mut(&mut bank, "sql-vs-nosql")["levels"][0]["anchor"] = "Names one database.".into();
    std::fs::write(file, serde_json::to_vec_pretty(&bank)?)?;
    // Record what the status line and the progress bar show while it runs.
    run.d()
        .execute(
            r#"window.__seen = [];
               const bar = document.querySelector('progress.bank-progress');
               const note = () => window.__seen.push({
                   text: document.querySelector('.bank-busy').textContent,
                   value: bar.value, max: bar.max, hidden: bar.hidden });
               new MutationObserver(note).observe(document.querySelector('.screen-bank'),
                   { subtree: true, childList: true, characterData: true, attributes: true });"#,
            vec![],
        )
        .await?;
    run.button("Import bank file…").await?.click().await?;
    let done = run
        .d()
        .query(By::XPath(
            "//p[contains(@class,'bank-busy')][starts-with(normalize-space(.), 'Imported:')]",
        ))
        .wait(Duration::from_secs(20), Duration::from_millis(50))
        .first()
        .await?
        .text()
        .await?;
    assert!(
        done.contains("0 questions added, 2 changed (new revisions)"),
        "{done}"
    );
    assert_eq!(revision_of(env, "rest-api-design")?, 2);
    assert_eq!(revision_of(env, "sql-vs-nosql")?, 2);
    // The progress went through reading, checking and saving, to the end.
    let seen: Vec<serde_json::Value> = run
        .d()
        .execute("return window.__seen;", vec![])
        .await?
        .convert()?;
    let texts: Vec<&str> = seen.iter().filter_map(|s| s["text"].as_str()).collect();
    for phase in ["Reading the file", "Checking", "Saving"] {
        assert!(
            texts.iter().any(|t| t.starts_with(phase)),
            "no {phase:?} in {texts:?}"
        );
    }
    assert!(
        seen.iter().any(|s| s["hidden"] == false
            && s["text"].as_str().is_some_and(|t| t.starts_with("Saving"))
            && s["value"] == s["max"]),
        "the bar never reached the end: {seen:?}"
    );

    // Export (PANELIST_EXPORT_PATH replaces the save dialog).
    run.button("Export bank file…").await?.click().await?;
    run.d()
        .query(By::XPath(
            "//p[contains(@class,'bank-busy')][starts-with(normalize-space(.), 'Exported the bank')]",
        ))
        .wait(Duration::from_secs(20), Duration::from_millis(50))
        .first()
        .await?;
    Ok(())
}
