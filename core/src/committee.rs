//! The hiring-committee report for one candidate: every session (own and
//! imported), per-interviewer scorecards, the question matrix with
//! disagreement flags, debrief changes with reasons, recommendations,
//! evidence notes and a per-competency chart.
//!
//! Formats: Markdown, self-contained print-ready HTML, CSV (RFC 4180, one row
//! per score, formula triggers neutralised) and JSON. Everything is a pure
//! function of the sessions, so the same input gives the same bytes.
//! User text is escaped for each format; the HTML also carries its own
//! Content-Security-Policy that allows no script at all.

use crate::redact::{Redactor, Replacement};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use askama::Template;

use crate::panel::{compare, Calibration, CandidateComparison};
use crate::plan::{PlanDebrief, PlanView};
pub use crate::report::html::{html_text, report_style_csp_source};
pub use crate::report::model::{CommitteeReport, DebriefChange, ScoreScale};
use crate::report::view::{
    waiting_about, CalibrationMarkdown, CalibrationView, CandidatesMarkdown, CandidatesView,
    CommitteeHtml, CommitteeMarkdown, CommitteeView,
};
use crate::session::PanelSession;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Md,
    Html,
    Csv,
    Json,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Md => "md",
            ReportFormat::Html => "html",
            ReportFormat::Csv => "csv",
            ReportFormat::Json => "json",
        }
    }
}

/// What a redacted report replaced, for the person exporting: each person
/// first (the candidate, then every interviewer in column order, then the
/// plan's members without a column and its coordinator) with their
/// pseudonym and how often the name was also replaced in free text, then any
/// other replacement made in free text (a first name alone...).
fn people_first(
    candidate: &str,
    pseudonym: &str,
    interviewers: &[String],
    others: &[(String, String)],
    in_text: Vec<Replacement>,
) -> Vec<Replacement> {
    let count = |name: &str| {
        in_text
            .iter()
            .filter(|r| r.name == name)
            .map(|r| r.count)
            .sum()
    };
    let mut out: Vec<Replacement> = Vec::new();
    let people = std::iter::once((candidate.to_string(), pseudonym.to_string())).chain(
        interviewers
            .iter()
            .enumerate()
            .map(|(i, who)| (who.clone(), format!("Interviewer {}", letter(i))))
            .chain(others.iter().cloned()),
    );
    for (name, pseudonym) in people {
        if !out.iter().any(|r| r.name == name) {
            out.push(Replacement {
                count: count(&name),
                name,
                pseudonym,
            });
        }
    }
    for r in in_text {
        if !out.iter().any(|x| x.name == r.name) {
            out.push(r);
        }
    }
    out
}

/// The letter-named pseudonym of the `i`-th interviewer: A, B, … Z, AA, AB…
fn letter(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (i % 26) as u8) as char);
        if i < 26 {
            return s;
        }
        i = i / 26 - 1;
    }
}

/// A stable pseudonym for a candidate, derived from their random id (not
/// from their name, which could be guessed back from a hash).
pub fn candidate_pseudonym(candidate_id: uuid::Uuid) -> String {
    let d = Sha256::digest(candidate_id.as_bytes());
    format!("Candidate {:02X}{:02X}", d[0], d[1])
}

/// The people of a plan, for redaction.
struct PlanPeople {
    /// The coordinator and their pseudonym, when they interview nobody.
    coordinator: Option<(String, String)>,
}

impl PlanPeople {
    /// Adds the plan's members who have no column to `interviewers` (so they
    /// get the next letters).
    fn of(plan: Option<&PlanDebrief>, interviewers: &mut Vec<String>) -> PlanPeople {
        let Some(plan) = plan else {
            return PlanPeople { coordinator: None };
        };
        for m in &plan.members {
            if key_position(interviewers, &m.interviewer).is_none() {
                interviewers.push(m.interviewer.clone());
            }
        }
        PlanPeople {
            coordinator: plan
                .coordinator
                .as_ref()
                .filter(|c| key_position(interviewers, c).is_none())
                .map(|c| (c.clone(), COORDINATOR.to_string())),
        }
    }

    /// Every name in the plan becomes its pseudonym; its other text (role,
    /// kits, competency names) goes through the redactor like the rest.
    fn redact(&self, p: &mut PlanDebrief, interviewers: &[String], r: &mut Redactor) {
        let who = |name: &str| {
            key_position(interviewers, name)
                .map(|i| format!("Interviewer {}", letter(i)))
                .unwrap_or_else(|| COORDINATOR.to_string())
        };
        p.role = r.apply(&p.role);
        p.coordinator = p.coordinator.as_deref().map(who);
        for m in &mut p.members {
            m.interviewer = who(&m.interviewer);
            m.kit = m.kit.as_deref().map(|k| r.apply(k));
            m.focus = m.focus.iter().map(|f| r.apply(f)).collect();
        }
        p.coverage.interviewers = p.coverage.interviewers.iter().map(|n| who(n)).collect();
        for row in &mut p.coverage.rows {
            row.competency = r.apply(&row.competency);
            row.name = r.apply(&row.name);
        }
    }
}

/// The pseudonym of a plan's coordinator who interviews nobody.
const COORDINATOR: &str = "Coordinator";

/// Where `name` is among `names`, by identity key (`text::name_key`).
fn key_position(names: &[String], name: &str) -> Option<usize> {
    let key = crate::text::name_key(name);
    names.iter().position(|n| crate::text::name_key(n) == key)
}

/// The pseudonym of an interviewer (by their place among the columns).
fn pseudonym_of(interviewers: &[String], who: &str) -> String {
    interviewers
        .iter()
        .position(|i| i == who)
        .map(|i| format!("Interviewer {}", letter(i)))
        .unwrap_or_else(|| format!("Interviewer {}", letter(interviewers.len())))
}

/// Builds the report (sealed columns stay hidden unless `unseal`). With `redact`, the candidate becomes a pseudonym,
/// interviewers become "Interviewer A, B, C…" (also inside free text), and
/// session ids are dropped; notes are kept.
pub fn build(
    candidate: &str,
    sessions: &[PanelSession],
    redact: bool,
    unseal: bool,
) -> CommitteeReport {
    build_planned(candidate, sessions, None, redact, unseal)
}

/// [`build`] for a candidate with an interview plan (`Store::candidate_plan`):
/// the report follows the plan (rounds, each planned interviewer's state,
/// focus, coverage) and says who has not submitted yet. With `redact`, the
/// plan's people (members who have not submitted too, and the coordinator)
/// are pseudonymised like everyone else: a planned interviewer with a
/// session here keeps that column's letter, the others get the next
/// letters, a coordinator who interviews none is "Coordinator".
pub fn build_planned(
    candidate: &str,
    sessions: &[PanelSession],
    plan: Option<&PlanView>,
    redact: bool,
    unseal: bool,
) -> CommitteeReport {
    let mut comparison = compare(candidate, sessions, unseal);
    comparison.plan = plan.map(PlanDebrief::of);
    let mut debrief = Vec::new();
    for (col, p) in sessions.iter().enumerate() {
        if comparison.columns[col].sealed {
            continue;
        }
        for a in p
            .session
            .audit
            .iter()
            .filter(|a| a.action == crate::session::AuditAction::AmendScore)
        {
            let qid = a.question_id.clone().unwrap_or_default();
            debrief.push(DebriefChange {
                interviewer: p.session.interviewer.clone(),
                prompt: p
                    .session
                    .entry(&qid)
                    .map(|e| e.question.prompt.clone())
                    .unwrap_or_default(),
                question_id: qid,
                before: a.old_value.as_deref().and_then(|v| v.parse().ok()),
                after: a.new_value.as_deref().and_then(|v| v.parse().ok()),
                reason: a.reason.clone().unwrap_or_default(),
                at: a.at,
            });
        }
    }
    let mut name = candidate.to_string();
    let mut replaced = Vec::new();
    if redact {
        let pseudonym = sessions
            .first()
            .map(|p| candidate_pseudonym(p.session.candidate.id.as_uuid()))
            .unwrap_or_else(|| "Candidate".into());
        let mut interviewers: Vec<String> = Vec::new();
        for c in &comparison.columns {
            if !interviewers.contains(&c.interviewer) {
                interviewers.push(c.interviewer.clone());
            }
        }
        // The plan's people: members with no column take the next letters
        // (by identity key, as the plan matches its members); the
        // coordinator is "Coordinator" unless they are one of them.
        let planned = PlanPeople::of(comparison.plan.as_ref(), &mut interviewers);
        let mut people: Vec<(String, String)> = interviewers
            .iter()
            .enumerate()
            .map(|(i, who)| (who.clone(), format!("Interviewer {}", letter(i))))
            .collect();
        people.extend(planned.coordinator.clone());
        people.push((candidate.to_string(), pseudonym.clone()));
        for p in sessions {
            people.push((p.session.candidate.name.clone(), pseudonym.clone()));
            for a in &p.session.audit {
                people.push((a.actor.clone(), pseudonym_of(&interviewers, &a.actor)));
            }
        }
        let mut r = Redactor::new(&people);
        let who = |r: &mut Redactor, s: &str| {
            interviewers
                .iter()
                .position(|i| i == s)
                .map(|i| format!("Interviewer {}", letter(i)))
                .unwrap_or_else(|| r.apply(s))
        };
        comparison.candidate = pseudonym.clone();
        for c in &mut comparison.columns {
            c.interviewer = who(&mut r, &c.interviewer);
            c.session_id = crate::ids::SessionId(uuid::Uuid::nil());
            c.role = r.apply(&c.role);
            c.summary = r.apply(&c.summary);
            c.red_flags = c.red_flags.iter().map(|f| r.apply(f)).collect();
        }
        for q in &mut comparison.questions {
            q.question_id = r.apply(&q.question_id);
            q.competency = r.apply(&q.competency);
            q.prompt = r.apply(&q.prompt);
            q.competency_name = r.apply(&q.competency_name);
            for cell in q.cells.iter_mut().flatten() {
                cell.notes = r.apply(&cell.notes);
                if let Some(label) = &mut cell.label {
                    *label = r.apply(label);
                }
                if let Some(d) = &mut cell.debrief {
                    d.reasons = d.reasons.iter().map(|x| r.apply(x)).collect();
                }
            }
        }
        for c in &mut comparison.competencies {
            c.competency = r.apply(&c.competency);
            c.name = r.apply(&c.name);
        }
        if let Some(p) = &mut comparison.plan {
            planned.redact(p, &interviewers, &mut r);
        }
        for d in &mut debrief {
            d.interviewer = who(&mut r, &d.interviewer);
            d.question_id = r.apply(&d.question_id);
            d.prompt = r.apply(&d.prompt);
            d.reason = r.apply(&d.reason);
        }
        let others: Vec<(String, String)> = planned.coordinator.iter().cloned().collect();
        replaced = people_first(
            candidate,
            &pseudonym,
            &interviewers,
            &others,
            r.replacements(),
        );
        name = pseudonym;
    }
    CommitteeReport {
        candidate: name,
        redacted: redact,
        replaced,
        comparison,
        debrief,
        scale: ScoreScale::of(sessions),
        mixed_scales: crate::report::model::mixed_scales(sessions),
    }
}

pub fn render(report: &CommitteeReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::Md => markdown(report),
        ReportFormat::Html => html(report),
        ReportFormat::Csv => csv(report),
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(report).expect("plain data serialises");
            s.push('\n');
            s
        }
    }
}

// ---------------------------------------------------------------------------
// Markdown and HTML: one view model, two templates (see `crate::report::view`).

fn markdown(r: &CommitteeReport) -> String {
    let view = CommitteeView::new(r);
    CommitteeMarkdown { v: &view }
        .render()
        .expect("the report templates write only to a String")
}

fn html(r: &CommitteeReport) -> String {
    let view = CommitteeView::new(r);
    CommitteeHtml { v: &view }
        .render()
        .expect("the report templates write only to a String")
}

// ---------------------------------------------------------------------------
// CSV

/// One CSV cell: formula triggers (= + - @ tab CR at the start) are
/// neutralised with a leading apostrophe, then the cell is quoted per RFC 4180
/// when it holds a comma, quote, CR or LF.
pub fn csv_cell(s: &str) -> String {
    let mut v = String::with_capacity(s.len() + 2);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(s);
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

pub const CSV_HEADER: [&str; 10] = [
    "candidate",
    "interviewer",
    "question_id",
    "competency",
    "level",
    "label",
    "notes",
    "level_before_debrief",
    "debrief_reason",
    "status",
];

fn csv_row(out: &mut String, cells: &[&str]) {
    let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

fn csv(r: &CommitteeReport) -> String {
    let c = &r.comparison;
    let mut out = String::new();
    csv_row(&mut out, &CSV_HEADER);
    for (i, col) in c.columns.iter().enumerate() {
        if col.sealed {
            continue;
        }
        for q in &c.questions {
            let Some(cell) = &q.cells[i] else { continue };
            let Some(level) = cell.level else { continue };
            let before = cell.debrief.as_ref().map(|d| {
                d.before
                    .map(|b| b.to_string())
                    .unwrap_or_else(|| "unscored".into())
            });
            let reason = cell.debrief.as_ref().map(|d| d.reasons.join("; "));
            csv_row(
                &mut out,
                &[
                    &r.candidate,
                    &col.interviewer,
                    &q.question_id,
                    &q.competency,
                    &level.to_string(),
                    cell.label.as_deref().unwrap_or(""),
                    &cell.notes,
                    before.as_deref().unwrap_or(""),
                    reason.as_deref().unwrap_or(""),
                    col.status.as_str(),
                ],
            );
        }
    }
    // Each interviewer's overall score, then the panel's.
    for (i, col) in c.columns.iter().enumerate() {
        let Some(v) = c.overall.averages[i].filter(|_| !col.sealed) else {
            continue;
        };
        csv_row(
            &mut out,
            &[
                &r.candidate,
                &col.interviewer,
                OVERALL_ID,
                "",
                &format!("{v:.2}"),
                "Overall score",
                "",
                "",
                "",
                col.status.as_str(),
            ],
        );
    }
    if let Some(v) = c.overall.stats.mean {
        csv_row(
            &mut out,
            &[
                &r.candidate,
                PANEL,
                OVERALL_ID,
                "",
                &format!("{v:.2}"),
                "Overall score (mean of the interviewers)",
                "",
                "",
                "",
                "",
            ],
        );
    }
    // The plan's interviewers who have not submitted, with their state.
    for m in c.plan.iter().flat_map(|p| p.waiting()) {
        csv_row(
            &mut out,
            &[
                &r.candidate,
                &m.interviewer,
                "",
                "",
                "",
                "",
                &format!("Waiting for feedback: {}", waiting_about(m)),
                "",
                "",
                m.state.label(),
            ],
        );
    }
    out
}

/// The question id of the CSV's overall rows (no question id has
/// parentheses).
const OVERALL_ID: &str = "(overall)";
/// The interviewer column of the panel's overall row.
const PANEL: &str = "(panel)";

/// CSV of every score in many sessions (one row per score), e.g. for a bulk
/// export. Sessions are taken as given (no sealing).
pub fn sessions_csv(sessions: &[PanelSession]) -> String {
    let mut out = String::new();
    csv_row(&mut out, &CSV_HEADER);
    for p in sessions {
        let s = &p.session;
        for e in &s.entries {
            let Some(level) = e.score else { continue };
            let amends: Vec<_> = s
                .audit
                .iter()
                .filter(|a| {
                    a.action == crate::session::AuditAction::AmendScore
                        && a.question_id.as_deref() == Some(e.question.id.as_str())
                })
                .collect();
            let before = amends
                .first()
                .map(|a| a.old_value.clone().unwrap_or_else(|| "unscored".into()));
            let reason = if amends.is_empty() {
                None
            } else {
                Some(
                    amends
                        .iter()
                        .filter_map(|a| a.reason.as_deref())
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            };
            csv_row(
                &mut out,
                &[
                    &s.candidate.name,
                    &s.interviewer,
                    &e.question.id,
                    &e.question.competency,
                    &level.to_string(),
                    e.level().map(|l| l.label.as_str()).unwrap_or(""),
                    &e.notes,
                    before.as_deref().unwrap_or(""),
                    reason.as_deref().unwrap_or(""),
                    s.status.as_str(),
                ],
            );
        }
    }
    out
}

/// Candidates who sat one kit, side by side, as Markdown
/// (`core/templates/candidates.md`).
pub fn candidates_markdown(c: &CandidateComparison) -> String {
    let view = CandidatesView::new(c);
    CandidatesMarkdown { v: &view }
        .render()
        .expect("the report templates write only to a String")
}

/// Calibration figures as Markdown (`core/templates/calibration.md`).
pub fn calibration_markdown(c: &Calibration) -> String {
    let view = CalibrationView::new(c);
    CalibrationMarkdown { v: &view }
        .render()
        .expect("the report templates write only to a String")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_neutralised_and_quoted() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@x"), "'@x");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=a\nb"), "\"'=a\nb\"");
    }

    #[test]
    fn letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
    }
}
