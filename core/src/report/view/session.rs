//! One session's summary (Markdown only: `core/templates/session.md`).

use super::*;

pub struct SessionView {
    pub candidate: String,
    pub interviewer: String,
    pub role: String,
    pub kit: Option<String>,
    pub date: String,
    /// Rounded to whole minutes; `None` while the interview has not started.
    pub duration_minutes: Option<i64>,
    pub budget_minutes: u32,
    pub status: &'static str,
    pub recommendation: &'static str,
    pub id: String,
    pub summary: String,
    pub red_flags: Vec<String>,
    pub competencies: Vec<CompetencyLine>,
    pub questions: Vec<QuestionView>,
    pub amendments: Vec<AmendmentView>,
}

pub struct CompetencyLine {
    pub name: String,
    pub questions: usize,
    pub scored: usize,
    pub average: String,
}

pub struct ScoreView {
    pub value: i64,
    pub max: i64,
    pub label: String,
    pub anchor: String,
}

pub struct LookForView {
    pub hit: bool,
    pub text: String,
}

pub struct QuestionView {
    pub number: usize,
    pub prompt: String,
    pub competency: String,
    pub seniority: &'static str,
    pub kind: &'static str,
    pub minutes: u32,
    /// Time spent as `m:ss`.
    pub spent: String,
    pub score: Option<ScoreView>,
    pub skipped: bool,
    pub look_fors_hit: usize,
    pub look_fors: Vec<LookForView>,
    pub follow_ups: Vec<String>,
    pub notes: String,
}

pub struct AmendmentView {
    pub at: String,
    pub actor: String,
    pub question: String,
    pub old: String,
    pub new: String,
    pub reason: String,
}

impl SessionView {
    pub fn new(s: &Session) -> Self {
        let date = s.started_at.unwrap_or(s.created_at);
        SessionView {
            candidate: s.candidate.name.clone(),
            interviewer: s.interviewer.clone(),
            role: s.role.clone(),
            kit: s.kit.clone(),
            date: date.format("%Y-%m-%d %H:%M").to_string(),
            duration_minutes: s.duration_seconds().map(|d| (d + 30) / 60),
            budget_minutes: s.budget_minutes(),
            status: s.status.label(),
            recommendation: s.recommendation.map(|r| r.label()).unwrap_or("Not given"),
            id: s.id.to_string(),
            summary: s.summary.clone(),
            red_flags: s.red_flags.clone(),
            competencies: s
                .competency_averages()
                .into_iter()
                .map(|c| CompetencyLine {
                    name: c.name,
                    questions: c.questions,
                    scored: c.scored,
                    average: fmt_opt(c.average),
                })
                .collect(),
            questions: s
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let q = &e.question;
                    QuestionView {
                        number: i + 1,
                        prompt: q.prompt.clone(),
                        competency: e.competency_name.clone(),
                        seniority: q.seniority.as_str(),
                        kind: q.kind.as_str(),
                        minutes: q.minutes,
                        spent: format!("{}:{:02}", e.seconds_spent / 60, e.seconds_spent % 60),
                        score: e.level().map(|l| ScoreView {
                            value: l.value,
                            max: q.rubric.levels.last().map(|m| m.value).unwrap_or(l.value),
                            label: l.label.clone(),
                            anchor: l.anchor.clone(),
                        }),
                        skipped: e.skipped,
                        look_fors_hit: e.look_fors_hit.len(),
                        look_fors: q
                            .look_fors
                            .iter()
                            .enumerate()
                            .map(|(j, text)| LookForView {
                                hit: e.look_fors_hit.contains(&(j as u32)),
                                text: text.clone(),
                            })
                            .collect(),
                        follow_ups: e
                            .follow_ups_asked
                            .iter()
                            .filter_map(|j| q.follow_ups.get(*j as usize).cloned())
                            .collect(),
                        notes: e.notes.clone(),
                    }
                })
                .collect(),
            amendments: s
                .audit
                .iter()
                .filter(|a| a.action != AuditAction::Submit)
                .map(|a| AmendmentView {
                    at: a.at.format("%Y-%m-%d %H:%M").to_string(),
                    actor: a.actor.clone(),
                    // People read the question's text, not its id.
                    question: a
                        .question_id
                        .as_deref()
                        .map(|id| {
                            s.entries
                                .iter()
                                .find(|e| e.question.id == id)
                                .map(|e| e.question.prompt.clone())
                                .unwrap_or_else(|| id.to_string())
                        })
                        .unwrap_or_default(),
                    old: a.old_value.clone().unwrap_or_else(|| UNSCORED.into()),
                    new: a.new_value.clone().unwrap_or_default(),
                    reason: a.reason.clone().unwrap_or_default(),
                })
                .collect(),
        }
    }
}

/// The Markdown summary of one session.
#[derive(Template)]
#[template(path = "session.md", config = "templates/askama.toml")]
pub struct SessionMarkdown<'a> {
    pub v: &'a SessionView,
}
