//! Test 1: a whole interview through the real window, checked in the
//! database and in the exported Markdown.

use std::time::Duration;

use panelist_e2e::{create_interview, within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;
use thirtyfour::Key;

const CANDIDATE: &str = "Ada *Lovelace*";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn interview_from_kit_to_markdown_export() {
    let env = TestEnv::new();
    within(Duration::from_secs(180), "interview flow", flow(&env)).await;
}

async fn flow(env: &TestEnv) -> Result<()> {
    let run = AppRun::start(env).await?;
    let result = steps(&run, env).await;
    run.quit().await;
    result?;
    check_database(env)?;
    check_export(env)?;
    Ok(())
}

async fn steps(run: &AppRun, env: &TestEnv) -> Result<()> {
    // The CSP (tauri.conf.json) blocks inline scripts in the real window.
    let inline_ran = run
        .d()
        .execute(
            "const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.head.appendChild(s); return window.__inline === 1;",
            vec![],
        )
        .await?;
    assert_eq!(
        inline_ran.json(),
        &serde_json::json!(false),
        "an inline script ran despite the CSP"
    );
    let violated = run
        .d()
        .execute_async(
            "const done = arguments[arguments.length - 1];
             document.addEventListener('securitypolicyviolation', (e) => done(e.violatedDirective), { once: true });
             const s = document.createElement('script'); s.textContent = '1'; document.head.appendChild(s);
             setTimeout(() => done('no violation'), 2000);",
            vec![],
        )
        .await?;
    let violated = violated.json().as_str().unwrap_or_default().to_string();
    assert!(
        violated.starts_with("script-src"),
        "expected a CSP violation, got {violated:?}"
    );
    assert_eq!(
        run.d()
            .execute("return typeof window.__TAURI__", vec![])
            .await?
            .json(),
        &serde_json::json!("undefined")
    );

    let sid = create_interview(run, env, CANDIDATE, "Backend fundamentals").await?;
    assert_eq!(run.text(".progress").await?, "1 of 7");

    // Question 1: score 3, look-fors 1 and 2, a note.
    run.alt("3").await?;
    run.alt("as").await?;
    run.alt("n").await?;
    run.keys("Asked about CORS; good answer.").await?;
    run.escape().await?;
    assert_eq!(pressed_level(run).await?, Some(3));
    run.next_question().await?;
    assert_eq!(run.text(".progress").await?, "2 of 7");

    // Question 2: score 2, look-for 3, follow-up 1, a stamped note.
    run.alt("2dz").await?;
    run.alt("t").await?; // stamps and focuses the notes
    run.keys("Struggled with indexes.").await?;
    run.escape().await?;
    run.next_question().await?;

    // Question 3: score 4 (clicked, not typed), a note.
    run.el(".level[data-level='4']").await?.click().await?;
    run.alt("n").await?;
    run.keys("Excellent on transactions.").await?;
    run.escape().await?;

    // Back to question 1 and change its score.
    run.prev_question().await?;
    run.prev_question().await?;
    assert_eq!(run.text(".progress").await?, "1 of 7");
    let notes = run
        .el("textarea.notes")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert_eq!(notes, "Asked about CORS; good answer.");
    run.alt("4").await?;
    assert_eq!(pressed_level(run).await?, Some(4));
    run.wait_saved(Duration::from_secs(5)).await?;

    // The key map opens with F1 and closes with Esc.
    run.keys(&String::from(char::from(Key::F1))).await?;
    run.el("dialog[open] .keymap").await?;
    run.escape().await?;

    // Wrap-up: summary, red flags, recommendation, submit.
    run.alt("w").await?;
    run.screen("wrap").await?;
    let areas = run.d().find_all(By::Css(".screen-wrap textarea")).await?;
    areas[0]
        .send_keys("Strong on APIs, weaker on databases.")
        .await?;
    areas[1].send_keys("Flag one").await?;
    areas[1].send_keys(Key::Enter).await?;
    areas[1].send_keys("Flag two").await?;
    run.recommend("yes").await?;
    run.wait_saved(Duration::from_secs(5)).await?;
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
    run.el(".chart .bar").await?;
    // Focus lands on the new screen's heading, not the page body.
    assert_eq!(focused_tag(run).await?, "H1");

    // After submission a score changes only through Amend, with a reason.
    let amend = run
        .d()
        .find_all(By::XPath("//button[normalize-space(.)='Amend score…']"))
        .await?;
    amend[1].click().await?; // question 2
    run.el("dialog[open]").await?;
    run.el("dialog[open] input[type=radio][value='3']")
        .await?
        .click()
        .await?;
    run.el("dialog[open] textarea")
        .await?
        .send_keys("Re-read my notes: the index answer was fine.")
        .await?;
    run.d()
        .find(By::XPath(
            "//dialog[@open]//button[normalize-space(.)='Amend score']",
        ))
        .await?
        .click()
        .await?;
    run.el(".audit").await?;
    assert_eq!(focused_tag(run).await?, "H1", "focus after amending");

    // Export Markdown (PANELIST_EXPORT_PATH replaces the save dialog).
    run.button("Export Markdown…").await?.click().await?;
    let toast = run.toast("Exported to").await?;
    assert!(
        toast.contains(&env.export_path().display().to_string()),
        "toast: {toast}"
    );
    assert!(env.export_path().exists());
    let _ = sid;
    Ok(())
}

async fn focused_tag(run: &AppRun) -> Result<String> {
    let v = run
        .d()
        .execute(
            "return document.activeElement ? document.activeElement.tagName : ''",
            vec![],
        )
        .await?;
    Ok(v.json().as_str().unwrap_or_default().to_string())
}

async fn pressed_level(run: &AppRun) -> Result<Option<i64>> {
    let pressed = run
        .d()
        .find_all(By::Css(".level[aria-pressed='true']"))
        .await?;
    match pressed.first() {
        Some(b) => Ok(b.attr("data-level").await?.and_then(|v| v.parse().ok())),
        None => Ok(None),
    }
}

fn check_database(env: &TestEnv) -> Result<()> {
    let db = env.open_db();
    let ok: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    assert_eq!(ok, "ok");
    let (sid, status, rec, summary, flags): (String, String, String, String, String) = db
        .query_row(
            "SELECT id, status, recommendation, summary, red_flags FROM session",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
    assert_eq!(status, "submitted");
    assert_eq!(rec, "yes");
    assert_eq!(summary, "Strong on APIs, weaker on databases.");
    assert_eq!(
        serde_json::from_str::<Vec<String>>(&flags)?,
        vec!["Flag one", "Flag two"]
    );
    let name: String = db.query_row("SELECT name FROM candidate", [], |r| r.get(0))?;
    assert_eq!(name, CANDIDATE);

    let mut stmt = db.prepare(
        "SELECT score, look_fors_hit, follow_ups_asked, notes, seconds_spent FROM entry WHERE session_id = ?1 ORDER BY position",
    )?;
    let rows: Vec<(Option<i64>, String, String, String, i64)> = stmt
        .query_map([&sid], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    assert_eq!(rows.len(), 7);
    let scores: Vec<Option<i64>> = rows.iter().map(|r| r.0).collect();
    assert_eq!(
        &scores[..4],
        &[Some(4), Some(3), Some(4), None],
        "q2 was amended from 2 to 3"
    );
    assert_eq!(rows[0].1, "[0,1]");
    assert_eq!(rows[1].1, "[2]");
    assert_eq!(rows[1].2, "[0]");
    assert_eq!(rows[0].3, "Asked about CORS; good answer.");
    assert!(
        rows[1].3.starts_with('[') && rows[1].3.ends_with("] Struggled with indexes."),
        "stamped note: {:?}",
        rows[1].3
    );
    assert_eq!(rows[2].3, "Excellent on transactions.");

    type AuditRow = (String, Option<String>, Option<String>, Option<String>);
    let audit: Vec<AuditRow> = db
        .prepare("SELECT action, old_value, new_value, reason FROM audit WHERE session_id = ?1 ORDER BY at, id")?
        .query_map([&sid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[0].0, "submit");
    assert_eq!(audit[0].2.as_deref(), Some("yes"));
    assert_eq!(audit[1].0, "amend-score");
    assert_eq!(audit[1].1.as_deref(), Some("2"));
    assert_eq!(audit[1].2.as_deref(), Some("3"));
    assert_eq!(
        audit[1].3.as_deref(),
        Some("Re-read my notes: the index answer was fine.")
    );

    let interviewer: String = db.query_row(
        "SELECT value FROM meta WHERE key = 'setting.interviewer'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(interviewer, "Grace Hopper");
    Ok(())
}

fn check_export(env: &TestEnv) -> Result<()> {
    let md = std::fs::read_to_string(env.export_path())?;
    // User text is escaped: *Lovelace* must not turn into emphasis.
    assert!(
        md.starts_with("# Interview summary: Ada \\*Lovelace\\*\n"),
        "{}",
        &md[..md.len().min(200)]
    );
    for want in [
        "- **Interviewer:** Grace Hopper",
        "- **Role:** Backend engineer",
        "- **Kit:** Backend fundamentals",
        "- **Status:** Submitted",
        "- **Recommendation:** Yes",
        "> Strong on APIs, weaker on databases.",
        "- Flag one\n- Flag two",
        "> Asked about CORS; good answer.",
        "> Excellent on transactions.",
        "Struggled with indexes.",
        "## Amendments",
        "Re-read my notes: the index answer was fine.",
    ] {
        assert!(md.contains(want), "export lacks {want:?}:\n{md}");
    }
    assert_eq!(md.matches("**Score: 4 / 4").count(), 2, "{md}");
    assert_eq!(md.matches("**Score: 3 / 4").count(), 1, "{md}");
    assert_eq!(md.matches("**Not scored.**").count(), 4, "{md}");
    Ok(())
}
