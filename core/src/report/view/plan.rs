//! The committee report's plan section (issue 19, What 6): the candidate's
//! interview plan at a glance, who has not submitted yet, each planned
//! interviewer's round and state, and the coverage. Built from the report's
//! [`PlanDebrief`], already redacted with the rest of the report.

use crate::plan::{Gap, PlanDebrief, PlannedInterviewer};

/// One planned interviewer as shown.
pub struct PlanMemberLine {
    pub round: u32,
    pub interviewer: String,
    pub kit: String,
    pub focus: String,
    pub at: String,
    pub due: String,
    pub state: &'static str,
}

/// One competency of the plan's coverage as shown.
pub struct CoverageLine {
    pub name: String,
    /// One cell per planned interviewer: questions on it, focus marked.
    pub cells: Vec<String>,
    pub gap: String,
}

/// The plan section: the plan at a glance, who has not submitted, each
/// member's state, and the coverage (competency × interviewer, focus marked).
pub struct PlanSectionView {
    pub summary: String,
    /// "Waiting for: …" (or that everyone has submitted).
    pub waiting: String,
    pub members: Vec<PlanMemberLine>,
    /// The coverage's columns: the planned interviewers in plan order.
    pub coverage_head: Vec<String>,
    pub coverage: Vec<CoverageLine>,
    pub coverage_note: &'static str,
}

const NONE: &str = "—";

/// A planned time: "12 Dec 2026 17:00 UTC" (reports carry no time zone).
fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%-d %b %Y %H:%M UTC").to_string())
        .unwrap_or_else(|| NONE.into())
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where a planned interviewer who has not submitted stands: "round 2,
/// overdue, due 12 Dec 2026 17:00 UTC".
pub fn waiting_about(m: &PlannedInterviewer) -> String {
    let mut about = vec![format!("round {}", m.round), m.state.label().to_string()];
    if m.due.is_some() {
        about.push(format!("due {}", when(m.due)));
    }
    about.join(", ")
}

impl PlanSectionView {
    pub fn new(p: &PlanDebrief) -> Self {
        let mut head = Vec::new();
        if !p.role.is_empty() {
            head.push(format!("Role: {}", p.role));
        }
        if let Some(c) = &p.coordinator {
            head.push(format!("coordinated by {c}"));
        }
        head.push(plural(p.rounds, "round", "rounds"));
        head.push(format!(
            "{} of {} submitted",
            p.submitted,
            plural(p.members.len() as u32, "interviewer", "interviewers")
        ));
        let waiting: Vec<String> = p
            .waiting()
            .map(|m| format!("{} ({})", m.interviewer, waiting_about(m)))
            .collect();
        let waiting = if p.members.is_empty() {
            "No interviewer is planned yet.".to_string()
        } else if waiting.is_empty() {
            "Everyone in the plan has submitted.".to_string()
        } else {
            format!("Waiting for: {}.", waiting.join(", "))
        };
        PlanSectionView {
            summary: format!("{}.", head.join(" · ")),
            waiting,
            members: p
                .members
                .iter()
                .map(|m| PlanMemberLine {
                    round: m.round,
                    interviewer: m.interviewer.clone(),
                    kit: m.kit.clone().unwrap_or_else(|| NONE.into()),
                    focus: if m.focus.is_empty() {
                        NONE.into()
                    } else {
                        m.focus.join(", ")
                    },
                    at: when(m.at),
                    due: when(m.due),
                    state: m.state.label(),
                })
                .collect(),
            coverage_head: p.coverage.interviewers.clone(),
            coverage: p
                .coverage
                .rows
                .iter()
                .map(|row| CoverageLine {
                    name: row.name.clone(),
                    cells: row
                        .cells
                        .iter()
                        .map(|c| match (c.questions, c.focus) {
                            (0, false) => NONE.into(),
                            (n, false) => n.to_string(),
                            (n, true) => format!("{n} (focus)"),
                        })
                        .collect(),
                    gap: {
                        let mut says = Vec::new();
                        match row.gap {
                            Some(Gap::Unfocused) => says.push("asked, nobody's focus"),
                            Some(Gap::Unasked) => says.push("a focus nobody asks"),
                            None => {}
                        }
                        if row.overlap {
                            says.push("several focus on it");
                        }
                        says.join("; ")
                    },
                })
                .collect(),
            coverage_note: "Each cell: the interviewer's planned questions on the competency; (focus) marks their focus.",
        }
    }
}
