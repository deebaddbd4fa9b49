//! `panelist plan …`: interview plans (create, add interviewers, list, show,
//! export the signed plan file, attach an ad hoc session). Starting a
//! session from a plan is `session start --plan` (`session.rs`); importing a
//! plan file is `panelist import` (`panel.rs`).

use chrono::{DateTime, Local, LocalResult, NaiveDateTime, TimeZone, Utc};
use clap::Subcommand;
use panelist_core::plan::{Member, MemberView, PlanSummary, PlanView};
use panelist_core::storage::NewPlan;
use panelist_core::{Error, Result, Store};
use std::path::PathBuf;
use uuid::Uuid;

use crate::io::{json, open, out, status, DbArg};

#[derive(Subcommand)]
pub enum PlanCmd {
    /// Plan a candidate's interviews; prints the new plan id alone on stdout
    Create {
        #[arg(long, allow_hyphen_values = true)]
        candidate: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        role: String,
        /// Who plans it (the plan file is signed and pinned in this name)
        #[arg(long, allow_hyphen_values = true)]
        coordinator: Option<String>,
    },
    /// Add an interviewer with a kit or questions, focus, time and due time
    Add {
        plan: String,
        #[arg(long, allow_hyphen_values = true)]
        interviewer: String,
        /// Kit id or name
        #[arg(
            long,
            conflicts_with = "questions",
            required_unless_present = "questions"
        )]
        kit: Option<String>,
        /// Comma-separated question ids
        #[arg(long, value_delimiter = ',')]
        questions: Option<Vec<String>>,
        /// Comma-separated competency ids this interviewer focuses on
        #[arg(long, value_delimiter = ',')]
        focus: Vec<String>,
        /// When the interview is: YYYY-MM-DDTHH:MM (local time) or RFC 3339
        #[arg(long, value_name = "DATETIME")]
        at: Option<String>,
        /// When the feedback is due: YYYY-MM-DDTHH:MM (local time) or RFC 3339
        #[arg(long, value_name = "DATETIME")]
        due: Option<String>,
        /// The round of this interview (1 by default)
        #[arg(long, default_value_t = 1)]
        round: u32,
    },
    /// List plans, newest first (with --mine, the plans NAME interviews in)
    List {
        #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
        mine: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show a plan: members, kits, focus, coverage, each member's state
    Show {
        plan: String,
        #[arg(long)]
        json: bool,
    },
    /// Write the signed plan file
    Export {
        plan: String,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Attach a session started without the plan (same candidate, a member)
    Attach {
        plan: String,
        #[arg(long)]
        session: String,
    },
}

/// DATETIME: local time as `YYYY-MM-DDTHH:MM`, or RFC 3339 with an offset.
pub fn datetime(flag: &str, text: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").map_err(|_| {
        Error::Invalid(format!(
            "{flag}: {text:?} is not a date and time (YYYY-MM-DDTHH:MM in local time, or RFC 3339 with an offset)"
        ))
    })?;
    match Local.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(..) => Err(Error::Invalid(format!(
            "{flag}: {text} happens twice in local time (a clock change); give it in RFC 3339 with an offset"
        ))),
        LocalResult::None => Err(Error::Invalid(format!(
            "{flag}: {text} does not exist in local time (a clock change); give it in RFC 3339 with an offset"
        ))),
    }
}

pub fn plan(cmd: PlanCmd, db: &DbArg, now: DateTime<Utc>) -> Result<()> {
    match cmd {
        PlanCmd::Create {
            candidate,
            role,
            coordinator,
        } => {
            let mut store = open(db)?;
            let new = NewPlan {
                candidate,
                role,
                coordinator,
            };
            let p = store.create_plan(&new, Uuid::now_v7().into(), Uuid::now_v7().into(), now)?;
            out(&format!("{}\n", p.id))
        }
        PlanCmd::Add {
            plan,
            interviewer,
            kit,
            questions,
            focus,
            at,
            due,
            round,
        } => {
            let at = at.map(|t| datetime("--at", &t)).transpose()?;
            let due = due.map(|t| datetime("--due", &t)).transpose()?;
            let mut store = open(db)?;
            let id = store.find_plan_id(&plan)?;
            let new = Member {
                interviewer,
                round,
                kit,
                questions: questions.unwrap_or_default(),
                focus,
                at,
                due,
            };
            let p = store.add_plan_member(id, &new, now)?;
            let m = p.members.last().expect("a member was added");
            status!(
                "{}: {} question(s){}",
                m.interviewer,
                m.questions.len(),
                m.kit
                    .as_ref()
                    .map(|k| format!(" from {k}"))
                    .unwrap_or_default()
            );
            Ok(())
        }
        PlanCmd::List {
            mine,
            json: as_json,
        } => {
            let store = open(db)?;
            let plans = store.plans(mine.as_deref(), now)?;
            if as_json {
                return out(&json(&plans));
            }
            out(&plans.iter().map(list_line).collect::<String>())
        }
        PlanCmd::Show {
            plan,
            json: as_json,
        } => {
            let store = open(db)?;
            let id = store.find_plan_id(&plan)?;
            let v = store.plan_view(id, now)?;
            if as_json {
                return out(&json(&v));
            }
            out(&show_text(&v))
        }
        PlanCmd::Export { plan, output } => {
            let store = open(db)?;
            let id = store.find_plan_id(&plan)?;
            let file = store.plan_file(id)?;
            panelist_core::files::write_atomic(&output, file.to_json().as_bytes())?;
            status!("plan {id} signed by key {}", file.fingerprint());
            Ok(())
        }
        PlanCmd::Attach { plan, session } => attach(&mut open(db)?, &plan, &session),
    }
}

fn attach(store: &mut Store, plan: &str, session: &str) -> Result<()> {
    let id = store.find_plan_id(plan)?;
    let sid = store.find_session_id(session)?;
    store.attach_session(id, sid)?;
    status!("session {sid} is in plan {id}");
    Ok(())
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "—".into())
}

fn state_text(m: &MemberView) -> String {
    match m.seconds_to_submit {
        Some(s) => format!(
            "{} (in {}h{:02}m)",
            m.state.label(),
            s / 3600,
            s % 3600 / 60
        ),
        None => m.state.label().to_string(),
    }
}

fn list_line(p: &PlanSummary) -> String {
    let role = if p.role.is_empty() {
        String::new()
    } else {
        format!(" — {}", p.role)
    };
    match &p.mine {
        Some(m) => format!(
            "{}  {}{role}  at {}  due {}  {}\n",
            p.id,
            p.candidate,
            when(m.member.at),
            when(m.member.due),
            state_text(m)
        ),
        None => format!(
            "{}  {}{role}  {} interviewer(s), {} submitted, {} overdue\n",
            p.id, p.candidate, p.members, p.submitted, p.overdue
        ),
    }
}

fn show_text(v: &PlanView) -> String {
    let p = &v.plan;
    let mut s = format!("# Plan {} — {}", p.id, p.candidate.name);
    if !p.role.is_empty() {
        s.push_str(&format!(" ({})", p.role));
    }
    s.push('\n');
    s.push_str(&format!(
        "Candidate id {}; coordinator {}; {} round(s){}\n\n## Interviewers\n",
        p.candidate.id,
        p.coordinator.as_deref().unwrap_or("—"),
        v.rounds,
        if v.imported { "; imported" } else { "" }
    ));
    for m in &v.members {
        let mm = &m.member;
        s.push_str(&format!(
            "- {} (round {}): {} — {}; focus {}; at {}; due {}\n",
            mm.interviewer,
            mm.round,
            mm.kit
                .clone()
                .unwrap_or_else(|| format!("questions {}", mm.questions.join(", "))),
            state_text(m),
            if mm.focus.is_empty() {
                "—".to_string()
            } else {
                mm.focus.join(", ")
            },
            when(mm.at),
            when(mm.due)
        ));
    }
    s.push_str("\n## Coverage (questions per interviewer, * = focus)\n");
    for r in &v.coverage.rows {
        let cells: Vec<String> = v
            .coverage
            .interviewers
            .iter()
            .zip(&r.cells)
            .map(|(who, c)| format!("{who} {}{}", c.questions, if c.focus { "*" } else { "" }))
            .collect();
        let mut flags = Vec::new();
        if let Some(g) = r.gap {
            flags.push(match g {
                panelist_core::plan::Gap::Unfocused => "gap: nobody's focus",
                panelist_core::plan::Gap::Unasked => "gap: no questions ask it",
            });
        }
        if r.overlap {
            flags.push("overlap: several focus on it");
        }
        s.push_str(&format!(
            "- {}: {}{}\n",
            r.name,
            cells.join(", "),
            if flags.is_empty() {
                String::new()
            } else {
                format!(" [{}]", flags.join("; "))
            }
        ));
    }
    s
}
