//! The plan as the debrief reads it: Compare and the committee report show
//! the candidate's plan (rounds, each planned interviewer's state, focus,
//! the coverage) and who has not submitted yet.
//!
//! Built from a [`PlanView`] (states at a `now` the caller passed in). It
//! holds names, kits, focus, times and states only, never anything of a
//! session's content: a member's state is computed from their session's
//! status alone (`member_state`), so it is the same whether that session is
//! sealed here or not. The committee report redacts it with everything else
//! (`crate::committee::build_planned`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::{Coverage, MemberState, PlanView};

/// One planned interviewer, for the debrief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PlannedInterviewer {
    pub interviewer: String,
    pub round: u32,
    pub kit: Option<String>,
    /// Focus competencies by name, in the plan's order.
    pub focus: Vec<String>,
    pub at: Option<DateTime<Utc>>,
    pub due: Option<DateTime<Utc>>,
    pub state: MemberState,
}

/// The candidate's interview plan, for the debrief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PlanDebrief {
    pub role: String,
    pub coordinator: Option<String>,
    pub rounds: u32,
    /// How many members have submitted.
    pub submitted: u32,
    /// Every member, by round, then in plan order.
    pub members: Vec<PlannedInterviewer>,
    /// Competency × interviewer, focus marked, in plan order.
    pub coverage: Coverage,
}

impl PlanDebrief {
    pub fn of(v: &PlanView) -> PlanDebrief {
        let name = |c: &str| {
            v.coverage
                .rows
                .iter()
                .find(|r| r.competency == c)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| c.to_string())
        };
        let mut members: Vec<PlannedInterviewer> = v
            .members
            .iter()
            .map(|m| PlannedInterviewer {
                interviewer: m.member.interviewer.clone(),
                round: m.member.round,
                kit: m.member.kit.clone(),
                focus: m.member.focus.iter().map(|c| name(c)).collect(),
                at: m.member.at,
                due: m.member.due,
                state: m.state,
            })
            .collect();
        // A stable sort: plan order within a round.
        members.sort_by_key(|m| m.round);
        PlanDebrief {
            role: v.plan.role.clone(),
            coordinator: v.plan.coordinator.clone(),
            rounds: v.rounds,
            submitted: v
                .members
                .iter()
                .filter(|m| m.state == MemberState::Submitted)
                .count() as u32,
            members,
            coverage: v.coverage.clone(),
        }
    }

    /// The members who have not submitted yet (overdue, in progress or not
    /// started), by round, then in plan order.
    pub fn waiting(&self) -> impl Iterator<Item = &PlannedInterviewer> {
        self.members
            .iter()
            .filter(|m| m.state != MemberState::Submitted)
    }
}
