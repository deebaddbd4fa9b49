//! Interview plans in the app (docs/plan-format.md): "My interviews" on
//! Home, the Plans screens (create a plan, add interviewers, each member's
//! state, the coverage view), starting a session from a plan and attaching
//! an ad hoc one, and the feedback-due reminders.
//!
//! Every command makes ids and reads the clock here, then makes one core
//! call (`Store::create_plan`, `add_plan_member`, `plan_view`, `plans`,
//! `start_from_plan` — the same one `panelist session start --plan` calls —
//! and `attach_session`). Plans' states are computed at
//! `test_hooks::plan_now()`: the system clock, or the E2E test clock.
//!
//! **Feedback due.** An overdue interview of the app's user (the interviewer
//! name last used, which `create_session` remembers) raises a desktop
//! notification, shown from Rust with notify-rust over D-Bus: the page has
//! no notification API at all (the Tauri notification plugin would put a
//! script into it that asks for a permission on every load). Each overdue interview is
//! notified at most once per app start and local day (`Reminded`), until it
//! is submitted (a submitted one is no longer overdue). The check runs when
//! Home lists "My interviews" and every `PERIOD` in the background.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use panelist_core::plan::{self, Member, MemberState, MyGroupView, Plan, PlanSummary, PlanView};
use panelist_core::storage::NewPlan;
use panelist_core::{text, CandidateId, PlanId, SessionId};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use uuid::Uuid;

use crate::commands::{SessionView, INTERVIEWER_KEY};
use crate::error::IpcResult;
use crate::state::Db;
use crate::test_hooks;

/// How often the background check looks for overdue feedback.
const PERIOD: Duration = Duration::from_secs(15 * 60);

/// Home's "My interviews": whose they are, the time their states were
/// computed at, and the plans that person interviews in (each with
/// `mine`), grouped and ordered by the core (`plan::my_interviews`).
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MyInterviews {
    /// The name the list is for: the one asked for, else the interviewer
    /// name last used here; None when there is neither.
    pub name: Option<String>,
    pub now: DateTime<Utc>,
    pub groups: Vec<MyGroupView>,
}

/// One overdue interview to remind its interviewer of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub plan: PlanId,
    pub candidate: String,
    pub due: Option<DateTime<Utc>>,
}

/// The overdue interviews already notified, by plan, interviewer (identity
/// key) and local day: at most one notification each per app start and day.
#[derive(Default)]
pub struct Reminded(Mutex<HashSet<(PlanId, String, NaiveDate)>>);

impl Reminded {
    /// The overdue interviews of `name` among `plans` not yet notified on
    /// `day`; each one returned is marked as notified.
    pub fn take(&self, name: &str, plans: &[PlanSummary], day: NaiveDate) -> Vec<Reminder> {
        let key = text::name_key(name);
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        plans
            .iter()
            .filter_map(|p| {
                let m = p.mine.as_ref()?;
                (m.state == MemberState::Overdue && seen.insert((p.id, key.clone(), day))).then(
                    || Reminder {
                        plan: p.id,
                        candidate: p.candidate.clone(),
                        due: m.member.due,
                    },
                )
            })
            .collect()
    }
}

/// Text for a notification body: daemons may read `<b>`-style markup in it,
/// so a name is escaped to stay text.
fn body_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// What the notification says.
pub fn reminder_text(r: &Reminder) -> (String, String) {
    let due = r
        .due
        .map(|d| {
            format!(
                " (due {})",
                d.with_timezone(&Local).format("%Y-%m-%d %H:%M")
            )
        })
        .unwrap_or_default();
    (
        "Feedback overdue".to_string(),
        format!(
            "Your feedback on {}{due} is overdue: submit your scorecard.",
            body_text(&r.candidate)
        ),
    )
}

/// Raises the desktop notification (and, with the E2E hook, records it).
fn notify(r: &Reminder) {
    let (title, body) = reminder_text(r);
    if let Some(path) = test_hooks::notify_log() {
        let line = serde_json::json!({ "plan": r.plan, "title": title, "body": body });
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, format!("{line}\n").as_bytes()));
        if let Err(e) = written {
            tracing::warn!("cannot record the notification in {}: {e}", path.display());
        }
    }
    // Shown on a thread of its own: the notification server answers over
    // D-Bus, and may not answer at all.
    let spawned = std::thread::Builder::new()
        .name("notification".into())
        .spawn(move || {
            let shown = notify_rust::Notification::new()
                .summary(&title)
                .body(&body)
                .auto_icon()
                .show();
            if let Err(e) = shown {
                tracing::warn!("cannot show the feedback-due notification: {e}");
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot show the feedback-due notification: {e}");
    }
}

/// The list for `name` (or the remembered interviewer), with reminders
/// raised for what is overdue.
async fn mine(app: &AppHandle, db: &Db, name: Option<String>) -> IpcResult<MyInterviews> {
    let name = match name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) {
        Some(n) => Some(n),
        None => db.run(|s| s.setting(INTERVIEWER_KEY)).await?,
    };
    let now = test_hooks::plan_now();
    let plans = match &name {
        Some(n) => {
            let n = n.clone();
            db.run(move |s| s.plans(Some(&n), now)).await?
        }
        None => vec![],
    };
    let day = now.with_timezone(&Local).date_naive();
    if let Some(n) = &name {
        for r in app.state::<Reminded>().take(n, &plans, day) {
            notify(&r);
        }
    }
    Ok(MyInterviews {
        name,
        now,
        groups: plan::my_interviews(plans, end_of_day(day)),
    })
}

/// The end of a local day (the next local midnight, or its first instant
/// after a clock change), as an instant.
fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let next = day
        .succ_opt()
        .unwrap_or(day)
        .and_time(chrono::NaiveTime::MIN);
    Local
        .from_local_datetime(&next)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| next.and_utc() + chrono::Duration::hours(1))
}

/// Home's "My interviews" for `name`, else the interviewer name last used.
pub async fn my_interviews(
    app: AppHandle,
    db: State<'_, Db>,
    name: Option<String>,
) -> IpcResult<MyInterviews> {
    mine(&app, &db, name).await
}

/// Every plan, newest first, with its counts.
pub async fn list_plans(db: State<'_, Db>) -> IpcResult<Vec<PlanSummary>> {
    let now = test_hooks::plan_now();
    db.run(move |s| s.plans(None, now)).await
}

/// A plan with each member's state and time to submit, and its coverage.
pub async fn plan_view(db: State<'_, Db>, plan_id: PlanId) -> IpcResult<PlanView> {
    let now = test_hooks::plan_now();
    db.run(move |s| s.plan_view(plan_id, now)).await
}

/// Creates a plan (no interviewers yet).
pub async fn create_plan(db: State<'_, Db>, new: NewPlan) -> IpcResult<Plan> {
    let id = PlanId::new(Uuid::now_v7());
    let candidate_id = CandidateId::new(Uuid::now_v7());
    let now = Utc::now();
    db.run(move |s| s.create_plan(&new, id, candidate_id, now))
        .await
}

/// Adds an interviewer: a kit (id or name) or questions, focus, times.
pub async fn add_plan_member(
    db: State<'_, Db>,
    plan_id: PlanId,
    member: Member,
) -> IpcResult<Plan> {
    let now = Utc::now();
    db.run(move |s| s.add_plan_member(plan_id, &member, now))
        .await
}

/// Starts `interviewer`'s session of the plan (its candidate, role, kit and
/// questions) and remembers the interviewer's name, as a new interview does.
pub async fn start_from_plan(
    db: State<'_, Db>,
    plan_id: PlanId,
    interviewer: String,
) -> IpcResult<SessionView> {
    let session_id = SessionId::new(Uuid::now_v7());
    let now = Utc::now();
    db.run(move |s| {
        let session = s.start_from_plan(plan_id, &interviewer, session_id, now)?;
        s.set_setting(INTERVIEWER_KEY, &session.interviewer)?;
        SessionView::of(s, session)
    })
    .await
}

/// Attaches a session started without the plan to it (same candidate, a
/// member with no session in it yet).
pub async fn attach_session(
    db: State<'_, Db>,
    plan_id: PlanId,
    session_id: SessionId,
) -> IpcResult<()> {
    db.run(move |s| s.attach_session(plan_id, session_id)).await
}

/// The background check for overdue feedback (idle while nobody's name is
/// known or the database is closed).
pub fn spawn_reminders(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            let db = app.state::<Db>();
            if db.open_error().await.is_none() {
                if let Err(e) = mine(&app, &db, None).await {
                    tracing::warn!("feedback reminders: {}", e.message);
                }
            }
            tokio::time::sleep(PERIOD).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use panelist_core::plan::MemberView;

    fn summary(candidate: &str, state: MemberState) -> PlanSummary {
        PlanSummary {
            id: PlanId::new(Uuid::now_v7()),
            candidate: candidate.into(),
            role: String::new(),
            coordinator: None,
            created_at: Utc::now(),
            members: 1,
            submitted: 0,
            overdue: 0,
            mine: Some(MemberView {
                member: Member {
                    interviewer: "Grace Hopper".into(),
                    round: 1,
                    kit: None,
                    questions: vec!["rest-api-design".into()],
                    focus: vec![],
                    at: None,
                    due: Some(Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()),
                },
                state,
                session: None,
                seconds_to_submit: None,
            }),
        }
    }

    #[test]
    fn an_overdue_interview_is_notified_once_per_day_until_submitted() {
        let r = Reminded::default();
        let day = NaiveDate::from_ymd_opt(2027, 3, 2).unwrap();
        let overdue = summary("Lin Wei", MemberState::Overdue);
        let plans = vec![
            overdue.clone(),
            summary("Ada", MemberState::NotStarted),
            summary("Bo", MemberState::InProgress),
            summary("Cy", MemberState::Submitted),
        ];
        let first = r.take("Grace Hopper", &plans, day);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].plan, overdue.id);
        // Again the same day (Home shown again, the background check), and
        // under another spelling of the same name: nothing.
        assert!(r.take("Grace Hopper", &plans, day).is_empty());
        assert!(r.take("  grace  HOPPER ", &plans, day).is_empty());
        // The next day, still overdue: once more.
        assert_eq!(
            r.take("Grace Hopper", &plans, day.succ_opt().unwrap())
                .len(),
            1
        );
        // Submitted: never again.
        let mut done = overdue.clone();
        done.mine.as_mut().unwrap().state = MemberState::Submitted;
        let later = day.succ_opt().unwrap().succ_opt().unwrap();
        assert!(r.take("Grace Hopper", &[done], later).is_empty());
    }

    #[test]
    fn a_name_in_the_notification_stays_text() {
        let (title, body) = reminder_text(&Reminder {
            plan: PlanId::new(Uuid::now_v7()),
            candidate: "<b>Lin</b> & Wei".into(),
            due: None,
        });
        assert_eq!(title, "Feedback overdue");
        assert!(body.contains("&lt;b&gt;Lin&lt;/b&gt; &amp; Wei"), "{body}");
        assert!(!body.contains("<b>"));
    }
}
