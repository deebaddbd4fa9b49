//! Removing things in the real window: an interview in progress and an
//! imported session are deleted from Home after a confirmation, and are then
//! gone from Home and from the database file (rows and bytes).

use std::time::Duration;

use panelist_e2e::cli::{panelist, Colleague};
use panelist_e2e::{within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;

const CANDIDATE: &str = "Zebedee Quartermain";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn deleted_interview_is_gone_from_home_and_the_database() {
    let env = TestEnv::new();
    within(Duration::from_secs(240), "delete flow", flow(&env)).await;
}

fn bytes_contain(env: &TestEnv, needle: &str) -> bool {
    ["", "-wal", "-shm"].iter().any(|suffix| {
        let p = format!("{}{suffix}", env.db().display());
        std::fs::read(&p)
            .map(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
    })
}

async fn flow(env: &TestEnv) -> Result<()> {
    // Your interview of Zebedee, started and not submitted (made with the CLI
    // on the app's database), and a colleague's session of someone else.
    let db = env.db();
    let mine = panelist(
        &db,
        &[
            "session",
            "start",
            "--candidate",
            CANDIDATE,
            "--interviewer",
            "Grace Hopper",
            "--role",
            "Backend engineer",
            "--kit",
            "backend-fundamentals",
        ],
    )?
    .trim()
    .to_string();
    panelist(
        &db,
        &[
            "session",
            "note",
            &mine,
            "rest-api-design",
            "Quartermain-note-xyzzy",
        ],
    )?;
    let file = Colleague {
        interviewer: "Ravi Kumar",
        candidate: "Noor Haddad",
        role: "Backend engineer",
        kit: "backend-fundamentals",
        scores: &[("rest-api-design", 2)],
        notes: &[("rest-api-design", "Ravi-note-plugh")],
        recommendation: "no",
        summary: "Ravi-summary-plover",
        amendments: &[],
    }
    .session_file(env.dir.path())?;
    panelist(&db, &["import", &file.display().to_string()])?;

    let run = AppRun::start(env).await?;
    let r = steps(&run, &mine).await;
    run.quit().await;
    r?;

    let c = env.open_db();
    let n: i64 = c.query_row("SELECT count(*) FROM session", [], |r| r.get(0))?;
    assert_eq!(n, 0, "both sessions are gone from the database");
    let n: i64 = c.query_row("SELECT count(*) FROM candidate", [], |r| r.get(0))?;
    assert_eq!(n, 0, "their candidates went with their last session");
    drop(c);
    for needle in [
        CANDIDATE,
        "Quartermain-note-xyzzy",
        "Ravi-note-plugh",
        "Ravi-summary-plover",
    ] {
        assert!(
            !bytes_contain(env, needle),
            "{needle:?} is still in the database files"
        );
    }
    Ok(())
}

async fn delete(run: &AppRun, session: &str) -> Result<()> {
    // Delete sits in the row's More menu.
    run.d()
        .find(By::XPath(format!(
            "//button[contains(@class,'delete-btn') and @data-session='{session}']/ancestor::div[contains(@class,'more')]/button[contains(@class,'more-btn')]"
        )))
        .await?
        .click()
        .await?;
    run.el(&format!("button.delete-btn[data-session='{session}']"))
        .await?
        .click()
        .await?;
    let dialog = run.el("dialog[open]").await?;
    let text = dialog.text().await?;
    assert!(text.contains("for good"), "{text}");
    dialog
        .find(By::XPath(".//button[normalize-space(.)='Delete for good']"))
        .await?
        .click()
        .await?;
    // Gone from Home, and the focus is on an element, not the page body.
    for _ in 0..200 {
        let gone = run
            .d()
            .find_all(By::Css(format!(
                "button.session-row[data-session='{session}']"
            )))
            .await?
            .is_empty();
        if gone {
            let tag: String = run
                .d()
                .execute("return document.activeElement.tagName;", vec![])
                .await?
                .convert()?;
            assert_ne!(tag, "BODY", "focus fell to the page body");
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("session {session} is still on Home").into())
}

async fn steps(run: &AppRun, mine: &str) -> Result<()> {
    run.screen("home").await?;
    run.el(&format!("button.session-row[data-session='{mine}']"))
        .await?;
    delete(run, mine).await?;
    let imported = run
        .el("button.delete-btn")
        .await?
        .attr("data-session")
        .await?
        .ok_or("no imported session to delete")?;
    delete(run, &imported).await?;
    run.el(".session-list .empty").await?;
    Ok(())
}
