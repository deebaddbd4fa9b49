//! Interview plans in the real window, with the app's test clock
//! (`PANELIST_TEST_NOW`) and its record of notification requests
//! (`PANELIST_NOTIFY_LOG`): create two plans and add interviewers in the
//! app, see them under "My interviews" (today first, the overdue one marked
//! in words), a feedback-due notification requested once for the overdue
//! one only, attach an ad hoc interview to a plan, start an interview from
//! a plan (its candidate, role and kit, checked in the database), the
//! members' states and the coverage view (focus, gaps, overlap); axe-core
//! finds nothing on Home, Plans and a plan's screen in light and dark at
//! 480×800 and 1280×860.

use std::time::Duration;

use panelist_e2e::axe::{axe_both_themes_and_sizes, resize};
use panelist_e2e::{create_interview, within, AppRun, Result, TestEnv};
use thirtyfour::prelude::*;

/// The app's clock for plans: a Wednesday noon, UTC (the app runs in UTC).
const NOW: &str = "2027-03-10T12:00:00Z";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn plans_my_interviews_overdue_and_coverage() {
    let env = TestEnv::new();
    within(Duration::from_secs(600), "plans flow", flow(&env)).await;
}

async fn flow(env: &TestEnv) -> Result<()> {
    let log = env.dir.path().join("notifications.jsonl");
    let run = AppRun::start_with(
        env,
        &[
            ("PANELIST_TEST_NOW", NOW.as_ref()),
            ("PANELIST_NOTIFY_LOG", log.as_os_str()),
            ("TZ", "UTC".as_ref()),
        ],
    )
    .await?;
    let r = steps(&run, env, &log).await;
    run.quit().await;
    let found = r?;
    assert!(
        found.is_empty(),
        "axe-core found {} violation(s):\n{}",
        found.len(),
        found.join("\n")
    );

    // Started from the plan: the plan's candidate, role and the member's kit.
    let db = env.open_db();
    let (candidate, role, kit): (String, String, Option<String>) = db.query_row(
        "SELECT c.name, s.role, s.kit_name FROM session s JOIN candidate c ON c.id = s.candidate_id
         JOIN plan p ON p.id = s.plan_id JOIN candidate pc ON pc.id = p.candidate_id
         WHERE pc.name = 'Lin Wei'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    assert_eq!(
        (candidate.as_str(), role.as_str(), kit.as_deref()),
        ("Lin Wei", "Staff engineer", Some("Backend fundamentals"))
    );
    // The ad hoc interview of Noor Haddad is in Noor's plan now.
    let attached: i64 = db.query_row(
        "SELECT count(*) FROM session s JOIN plan p ON p.id = s.plan_id
         JOIN candidate c ON c.id = s.candidate_id WHERE c.name = 'Noor Haddad'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(attached, 1);
    Ok(())
}

fn log_lines(log: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Sets a datetime-local input by script (WebKit's date fields take no keys
/// over WebDriver) as a person's typing would, with an input event.
async fn set_datetime(run: &AppRun, el: &WebElement, value: &str) -> Result<()> {
    run.d()
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            vec![el.to_json()?, serde_json::json!(value)],
        )
        .await?;
    Ok(())
}

async fn new_plan(run: &AppRun, candidate: &str, role: &str) -> Result<()> {
    run.button("Plans").await?.click().await?;
    run.screen("plans").await?;
    run.button("New plan").await?.click().await?;
    let inputs = run
        .d()
        .find_all(By::Css("dialog[open] input[type=text]"))
        .await?;
    inputs[0].send_keys(candidate).await?;
    inputs[1].send_keys(role).await?;
    run.button("Create plan").await?.click().await?;
    run.screen("plan").await?;
    run.wait_css(".plan-facts", Duration::from_secs(10)).await?;
    Ok(())
}

struct Interviewer<'a> {
    name: &'a str,
    kit: &'a str,
    focus: &'a [&'a str],
    at: &'a str,
    due: &'a str,
}

async fn add_interviewer(run: &AppRun, m: &Interviewer<'_>) -> Result<()> {
    let before = run
        .d()
        .find_all(By::Css(".members-table tbody tr"))
        .await?
        .len();
    run.button("Add interviewer").await?.click().await?;
    run.el("dialog[open] input[type=text]")
        .await?
        .send_keys(m.name)
        .await?;
    run.el(&format!("dialog[open] select option[value='{}']", m.kit))
        .await?
        .click()
        .await?;
    for f in m.focus {
        run.click_centred(&format!("dialog[open] input[type=checkbox][value='{f}']"))
            .await?;
    }
    let dates = run
        .d()
        .find_all(By::Css("dialog[open] input[type=datetime-local]"))
        .await?;
    assert_eq!(dates.len(), 2);
    set_datetime(run, &dates[0], m.at).await?;
    set_datetime(run, &dates[1], m.due).await?;
    run.button("Add").await?.click().await?;
    // The dialog closes and the members table gains the row.
    for _ in 0..200 {
        let rows = run.d().find_all(By::Css(".members-table tbody tr")).await?;
        let open = run.d().find_all(By::Css("dialog[open]")).await?;
        if rows.len() == before + 1 && open.is_empty() {
            return Ok(());
        }
        // (The dialog may close and go between the two reads: then it is stale.)
        if let Some(d) = open.first() {
            if let Ok(e) = d.find(By::Css(".error")).await {
                let err = e.text().await.unwrap_or_default();
                if !err.is_empty() {
                    return Err(format!("adding {} was refused: {err}", m.name).into());
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("{} did not appear in the members table", m.name).into())
}

async fn home(run: &AppRun) -> Result<()> {
    run.click_centred("button[aria-label='Back to plans']")
        .await?;
    run.screen("plans").await?;
    run.click_centred("button[aria-label='Back to interviews']")
        .await?;
    run.screen("home").await?;
    run.wait_css(".my-group", Duration::from_secs(10)).await?;
    Ok(())
}

async fn steps(run: &AppRun, env: &TestEnv, log: &std::path::Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    resize(run.d(), 1280, 860).await?;
    // An interview started ad hoc (it also makes Grace Hopper the app's
    // user: "My interviews" are the last used interviewer name's).
    create_interview(run, env, "Noor Haddad", "Backend fundamentals").await?;
    run.click_centred("button[aria-label='Back to interviews']")
        .await?;
    run.screen("home").await?;

    // Lin Wei: Grace today at 15:00 (due tomorrow), Ravi tomorrow.
    new_plan(run, "Lin Wei", "Staff engineer").await?;
    add_interviewer(
        run,
        &Interviewer {
            name: "Grace Hopper",
            kit: "backend-fundamentals",
            focus: &["performance"],
            at: "2027-03-10T15:00",
            due: "2027-03-11T15:00",
        },
    )
    .await?;
    add_interviewer(
        run,
        &Interviewer {
            name: "Ravi Kumar",
            kit: "system-design",
            focus: &["performance", "collaboration"],
            at: "2027-03-11T10:00",
            due: "2027-03-12T10:00",
        },
    )
    .await?;
    // The coverage view: focus marked, the overlap, both kinds of gap.
    let coverage = run.text(".coverage-table").await?;
    for want in [
        "Grace Hopper",
        "Ravi Kumar",
        "Performance and scalability",
        "★ focus",
        "Overlap: several focus on it",
        "Gap: nobody's focus",
        "Gap: no questions ask it",
    ] {
        assert!(
            coverage.contains(want),
            "{want:?} not in the coverage view:\n{coverage}"
        );
    }
    let perf = run
        .text("tr[data-competency='performance'] .coverage-note")
        .await?;
    assert_eq!(perf, "Overlap: several focus on it");
    found.extend(axe_both_themes_and_sizes(run.d(), "plan").await?);
    resize(run.d(), 1280, 860).await?;

    // Noor Haddad: Grace's feedback was due yesterday.
    home(run).await?;
    new_plan(run, "Noor Haddad", "Backend engineer").await?;
    add_interviewer(
        run,
        &Interviewer {
            name: "Grace Hopper",
            kit: "backend-fundamentals",
            focus: &["data"],
            at: "2027-03-08T10:00",
            due: "2027-03-09T10:00",
        },
    )
    .await?;
    // Attach the ad hoc interview: Grace is then in progress, still overdue.
    run.click_centred("button[aria-label='Attach interview… for Grace Hopper']")
        .await?;
    run.button("Attach").await?.click().await?;
    let attach = "button[aria-label='Attach interview… for Grace Hopper']";
    for i in 0.. {
        let open = run.d().find_all(By::Css("dialog[open]")).await?;
        if open.is_empty() && run.d().find_all(By::Css(attach)).await?.is_empty() {
            break;
        }
        if i == 200 {
            let err = match open.first() {
                Some(d) => d.text().await.unwrap_or_default(),
                None => String::new(),
            };
            return Err(format!("the interview was not attached: {err}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(run.text(".members-table tbody tr .badge").await?, "Overdue");

    // Home: today first, the overdue one last and marked in words.
    home(run).await?;
    let groups: Vec<String> = {
        let mut v = Vec::new();
        for e in run.d().find_all(By::Css(".my-group h3")).await? {
            // (textContent: the style sheet shows group titles in capitals.)
            v.push(e.prop("textContent").await?.unwrap_or_default());
        }
        v
    };
    assert_eq!(groups, ["Today", "Feedback overdue"]);
    assert!(run.text(".my-today").await?.contains("Lin Wei"));
    let overdue = run.text(".my-item.is-overdue").await?;
    assert!(
        overdue.contains("Noor Haddad") && overdue.contains("Feedback overdue"),
        "{overdue}"
    );
    // One notification requested, for the overdue interview only.
    let lines = log_lines(log);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["title"], "Feedback overdue");
    assert!(lines[0]["body"].as_str().unwrap().contains("Noor Haddad"));
    found.extend(axe_both_themes_and_sizes(run.d(), "home").await?);

    // Plans list, then Home again: still one notification this day.
    run.button("Plans").await?.click().await?;
    run.screen("plans").await?;
    run.wait_css(".plan-item", Duration::from_secs(10)).await?;
    found.extend(axe_both_themes_and_sizes(run.d(), "plans").await?);
    run.click_centred("button[aria-label='Back to interviews']")
        .await?;
    run.screen("home").await?;
    run.wait_css(".my-group", Duration::from_secs(10)).await?;
    assert_eq!(log_lines(log).len(), 1);

    // Start Lin Wei's interview from the plan, at the narrow size.
    resize(run.d(), 480, 800).await?;
    run.click_centred("button[aria-label='Start interview of Lin Wei']")
        .await?;
    run.screen("live").await?;
    run.el(".level").await?;
    Ok(found)
}
