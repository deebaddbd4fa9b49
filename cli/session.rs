//! `panelist session …`: start, score, note, finish, amend, list, show and
//! delete interviews.

use std::io::Read;

use chrono::{DateTime, Utc};
use clap::{Subcommand, ValueEnum};
use panelist_core::session::{NewSession, Recommendation, SessionFilter};
use panelist_core::{report, Error, Result, Store};
use uuid::Uuid;

use crate::io::{json, open, out, report_status, status, DbArg};

#[derive(Subcommand)]
pub enum SessionCmd {
    /// Start a session; prints the new session id alone on stdout
    Start {
        #[arg(long, allow_hyphen_values = true, required_unless_present = "plan")]
        candidate: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        interviewer: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        role: String,
        /// Kit id or name
        #[arg(
            long,
            conflicts_with = "questions",
            required_unless_present_any = ["questions", "plan"]
        )]
        kit: Option<String>,
        /// Comma-separated question ids
        #[arg(long, value_delimiter = ',')]
        questions: Option<Vec<String>>,
        /// Start your interview of a plan: its candidate, role and your kit
        #[arg(long, conflicts_with_all = ["candidate", "kit", "questions"])]
        plan: Option<String>,
    },
    /// Score one question
    Score {
        session: String,
        question: String,
        level: i64,
    },
    /// Replace the notes of one question ("-" reads stdin)
    Note {
        session: String,
        question: String,
        #[arg(allow_hyphen_values = true)]
        text: String,
    },
    /// Submit the session with a recommendation; it is locked afterwards
    Finish {
        session: String,
        #[arg(long, value_enum)]
        recommendation: Rec,
        #[arg(long, allow_hyphen_values = true)]
        summary: Option<String>,
    },
    /// Change a score of a submitted session, with a reason
    Amend {
        session: String,
        question: String,
        level: i64,
        #[arg(long, allow_hyphen_values = true)]
        reason: String,
    },
    /// List sessions, newest first
    List {
        /// Exact candidate name (case-insensitive)
        #[arg(long, allow_hyphen_values = true)]
        candidate: Option<String>,
        /// Words that begin a word of the candidate, interviewer or role
        #[arg(long, allow_hyphen_values = true)]
        search: Option<String>,
        /// Exact interviewer name (case-insensitive)
        #[arg(long, allow_hyphen_values = true)]
        interviewer: Option<String>,
        /// Exact role (case-insensitive)
        #[arg(long, allow_hyphen_values = true)]
        role: Option<String>,
        /// Created on or after this day (YYYY-MM-DD, UTC)
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Created before this day (YYYY-MM-DD, UTC)
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// At most this many sessions
        #[arg(long)]
        limit: Option<u64>,
        /// Skip this many sessions first
        #[arg(long, default_value_t = 0)]
        offset: u64,
        #[arg(long)]
        json: bool,
    },
    /// Show one session
    Show {
        session: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a session (own or imported) with every trace of it
    Delete {
        session: String,
        /// Confirm: without it nothing is deleted
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Rec {
    StrongNo,
    No,
    None,
    Yes,
    StrongYes,
}

impl From<Rec> for Recommendation {
    fn from(r: Rec) -> Self {
        match r {
            Rec::StrongNo => Recommendation::StrongNo,
            Rec::No => Recommendation::No,
            Rec::None => Recommendation::NoDecision,
            Rec::Yes => Recommendation::Yes,
            Rec::StrongYes => Recommendation::StrongYes,
        }
    }
}

pub fn session(cmd: SessionCmd, db: &DbArg, now: DateTime<Utc>) -> Result<()> {
    let mut store = open(db)?;
    match cmd {
        SessionCmd::Start {
            plan: Some(plan),
            interviewer,
            ..
        } => {
            let id = store.find_plan_id(&plan)?;
            let s = store.start_from_plan(id, &interviewer, Uuid::now_v7().into(), now)?;
            out(&format!("{}\n", s.id))
        }
        SessionCmd::Start {
            candidate,
            interviewer,
            role,
            kit,
            questions,
            plan: None,
        } => {
            let candidate = candidate.unwrap_or_default();
            let (kit_name, question_ids) = match (kit, questions) {
                (Some(k), _) => {
                    let kit = store.kit(&k)?;
                    (Some(kit.name), kit.questions)
                }
                (None, Some(q)) => (None, q.into_iter().map(|s| s.trim().to_string()).collect()),
                (None, None) => return Err(Error::Invalid("give --kit or --questions".into())),
            };
            let new = NewSession {
                candidate,
                interviewer,
                role,
                kit: kit_name,
                question_ids,
            };
            let s = store.create_and_start_session(
                &new,
                Uuid::now_v7().into(),
                Uuid::now_v7().into(),
                now,
            )?;
            out(&format!("{}\n", s.id))
        }
        SessionCmd::Score {
            session,
            question,
            level,
        } => {
            let id = store.find_session_id(&session)?;
            store.set_score(id, &question, Some(level), now)?;
            let s = store.session(id)?;
            let l = s
                .entry(&question)
                .and_then(|e| e.level())
                .map(|l| l.label.clone())
                .unwrap_or_default();
            status!("{question}: {level} ({l})");
            Ok(())
        }
        SessionCmd::Note {
            session,
            question,
            text,
        } => {
            let text = if text == "-" {
                let mut buf = String::new();
                std::io::stdin()
                    .read_to_string(&mut buf)
                    .map_err(|e| Error::Io(format!("cannot read the note from stdin: {e}")))?;
                buf
            } else {
                text
            };
            let id = store.find_session_id(&session)?;
            store.set_notes(id, &question, &text, now)
        }
        SessionCmd::Finish {
            session,
            recommendation,
            summary,
        } => {
            let id = store.find_session_id(&session)?;
            let s = store.submit(
                id,
                recommendation.into(),
                summary.as_deref(),
                Uuid::now_v7().into(),
                now,
            )?;
            status!(
                "submitted {} ({})",
                s.id,
                s.recommendation.map(|r| r.label()).unwrap_or("")
            );
            Ok(())
        }
        SessionCmd::Amend {
            session,
            question,
            level,
            reason,
        } => {
            let id = store.find_session_id(&session)?;
            store.amend_score(id, &question, level, &reason, Uuid::now_v7().into(), now)?;
            Ok(())
        }
        SessionCmd::List {
            candidate,
            search,
            interviewer,
            role,
            from,
            to,
            limit,
            offset,
            json: as_json,
        } => {
            let day = |d: chrono::NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
            let filter = SessionFilter {
                candidate,
                text: search,
                interviewer,
                role,
                status: None,
                from: from.map(day),
                to: to.map(day),
            };
            list(&store, &filter, offset, limit, as_json)
        }
        SessionCmd::Delete { session, yes } => {
            let id = store.find_session_id(&session)?;
            let p = store.panel_session(id)?;
            if !yes {
                return Err(Error::Invalid(format!(
                    "this deletes session {id} ({}'s interview of {}) with its notes, scores and audit entries, for good; add --yes to do it",
                    p.session.interviewer, p.session.candidate.name
                )));
            }
            store.delete_session(id, Uuid::now_v7(), now)?;
            report_status(&format!("deleted session {id}"));
            Ok(())
        }
        SessionCmd::Show {
            session,
            json: as_json,
        } => show(&store, &session, as_json),
    }
}

/// `session list`: a page of sessions, newest first, with the range on stderr
/// when it is not all of them.
fn list(
    store: &Store,
    filter: &SessionFilter,
    offset: u64,
    limit: Option<u64>,
    as_json: bool,
) -> Result<()> {
    let page = store.session_page_from(filter, offset, limit.unwrap_or(u64::MAX))?;
    if (page.rows.len() as u64) < page.total {
        status!(
            "sessions {}–{} of {}",
            (offset + 1).min(page.total),
            offset + page.rows.len() as u64,
            page.total
        );
    }
    let list = page.rows;
    if as_json {
        return out(&json(&list));
    }
    let s: String = list
        .iter()
        .map(|s| {
            // A sealed colleague's session: who, when and that it
            // is sealed (`seal::blank_summary` left nothing else).
            let state = match (s.status, s.scored, s.questions) {
                (Some(status), Some(scored), Some(questions)) => {
                    format!("{:<11}  {scored:>2}/{questions:<2} scored", status.as_str())
                }
                _ => format!("{:<11}  {:12}", "sealed", ""),
            };
            format!(
                "{}  {state}  {}  {} — {}{}\n",
                s.id,
                s.created_at.format("%Y-%m-%d"),
                s.candidate,
                s.interviewer,
                if s.role.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", s.role)
                }
            )
        })
        .collect();
    out(&s)
}

/// `session show`: the summary, or only who and that it is sealed.
fn show(store: &Store, session: &str, as_json: bool) -> Result<()> {
    let id = store.find_session_id(session)?;
    let p = store.panel_session(id)?;
    match (as_json, p.sealed) {
        (true, false) => out(&json(&p.session)),
        (true, true) => out(&json(&serde_json::json!({
            "sealed": true,
            "session": p.session,
        }))),
        (false, false) => out(&report::session_markdown(&p.session)),
        (false, true) => out(&format!(
            "# {} — {}\n\nSealed: {}'s scores, notes and recommendation stay hidden until you submit your own session for {}.\n",
            p.session.candidate.name,
            p.session.interviewer,
            p.session.interviewer,
            p.session.candidate.name
        )),
    }
}
