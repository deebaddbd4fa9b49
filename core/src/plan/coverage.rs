//! The coverage view of a plan: competency × interviewer, before anyone
//! has interviewed.
//!
//! The plan's competencies are the competencies of every member's questions
//! (from this bank) together with every focus competency, in the order they
//! first appear (member order, then question order, then focus order). Each
//! cell counts the member's questions on the competency and marks their
//! focus. A competency is a **gap** when nobody focuses on it although it is
//! asked (`unfocused`), or when somebody focuses on it but no member's
//! questions ask it (`unasked`: nobody can score it). It is an **overlap**
//! when two or more members focus on it.

use serde::Serialize;
use ts_rs::TS;

use super::Plan;

/// What the coverage needs from the bank.
pub trait BankNames {
    /// The competency id of a question; None for a question this bank lacks.
    fn competency_of(&self, question: &str) -> Option<String>;
    /// A competency's display name (its id when unknown).
    fn competency_name(&self, competency: &str) -> String;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Gap {
    /// Asked, but nobody's focus.
    Unfocused,
    /// Somebody's focus, but no member's questions ask it.
    Unasked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CoverageCell {
    /// How many of this member's questions are on the competency.
    pub questions: u32,
    pub focus: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CoverageRow {
    pub competency: String,
    pub name: String,
    /// One cell per member, in member order.
    pub cells: Vec<CoverageCell>,
    pub gap: Option<Gap>,
    /// Two or more members focus on it.
    pub overlap: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Coverage {
    /// The members' names, the columns.
    pub interviewers: Vec<String>,
    pub rows: Vec<CoverageRow>,
}

/// The coverage of a plan against this bank.
pub fn coverage(plan: &Plan, bank: &dyn BankNames) -> Coverage {
    let mut order: Vec<String> = Vec::new();
    let mut add = |c: String| {
        if !order.contains(&c) {
            order.push(c);
        }
    };
    let asked: Vec<Vec<String>> = plan
        .members
        .iter()
        .map(|m| {
            m.questions
                .iter()
                .filter_map(|q| bank.competency_of(q))
                .collect()
        })
        .collect();
    for cs in &asked {
        for c in cs {
            add(c.clone());
        }
    }
    for m in &plan.members {
        for c in &m.focus {
            add(c.clone());
        }
    }
    let rows = order
        .into_iter()
        .map(|c| {
            let cells: Vec<CoverageCell> = plan
                .members
                .iter()
                .zip(&asked)
                .map(|(m, cs)| CoverageCell {
                    questions: cs.iter().filter(|x| **x == c).count() as u32,
                    focus: m.focus.contains(&c),
                })
                .collect();
            let askers = cells.iter().filter(|x| x.questions > 0).count();
            let focused = cells.iter().filter(|x| x.focus).count();
            let gap = match (askers, focused) {
                (0, _) => Some(Gap::Unasked),
                (_, 0) => Some(Gap::Unfocused),
                _ => None,
            };
            CoverageRow {
                name: bank.competency_name(&c),
                competency: c,
                cells,
                gap,
                overlap: focused >= 2,
            }
        })
        .collect();
    Coverage {
        interviewers: plan.members.iter().map(|m| m.interviewer.clone()).collect(),
        rows,
    }
}
