//! The installed Debian package's app: `scripts/package-test.sh` installs the
//! .deb, then runs this test with `PANELIST_APP_BIN=/usr/bin/panelist-app`.
//! It launches the installed app in a real window (Xvfb, WebDriver), creates
//! an interview, scores a question, quits, and checks the database file.
//! `scripts/e2e.sh` skips it: it needs the package installed.

use std::time::Duration;

use panelist_e2e::{app_binary, create_interview, has_test_hooks, within, AppRun, Result, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the installed package: run scripts/package-test.sh"]
async fn installed_package_smoke() {
    let bin = app_binary();
    assert!(
        bin.starts_with("/usr/bin"),
        "PANELIST_APP_BIN should name the installed app, not {}",
        bin.display()
    );
    assert!(
        !has_test_hooks(&bin).unwrap(),
        "the installed app carries the E2E test hooks"
    );
    let env = TestEnv::new();
    within(Duration::from_secs(120), "installed app", flow(&env)).await;
}

async fn flow(env: &TestEnv) -> Result<()> {
    let run = AppRun::start_shipped(env).await?;
    let result = steps(&run, env).await;
    run.quit().await;
    let sid = result?;
    let (candidate, score): (String, Option<i64>) = env.open_db().query_row(
        "SELECT c.name, e.score FROM session s JOIN candidate c ON c.id = s.candidate_id
         JOIN entry e ON e.session_id = s.id WHERE s.id = ?1 ORDER BY e.position LIMIT 1",
        [&sid],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    assert_eq!(candidate, "Installed Smoke");
    assert_eq!(
        score,
        Some(3),
        "the first question's score reached the database"
    );
    Ok(())
}

async fn steps(run: &AppRun, env: &TestEnv) -> Result<String> {
    let sid = create_interview(run, env, "Installed Smoke", "Backend fundamentals").await?;
    run.alt("3").await?;
    run.wait_saved(Duration::from_secs(10)).await?;
    Ok(sid)
}
