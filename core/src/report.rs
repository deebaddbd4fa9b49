//! Human-readable exports. All user text is escaped so that it renders as
//! text, never as markup.

use std::fmt::Write;

pub mod escape;
pub(crate) mod view;

use crate::session::Session;

/// Escapes text for inline Markdown: markup characters get a backslash, and
/// line breaks become spaces.
pub fn md_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(ch);
            }
            '\r' => {}
            '\n' => out.push(' '),
            // Bidirectional overrides and isolates would reorder what a reader sees.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                let _ = write!(out, "U+{:04X}", ch as u32);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// Multi-line user text as a Markdown block quote.
fn md_quote(s: &str) -> String {
    let mut out = String::new();
    for line in s.trim_end().lines() {
        out.push_str("> ");
        out.push_str(&md_inline(line));
        out.push('\n');
    }
    out
}

fn minutes(seconds: u64) -> String {
    let m = seconds / 60;
    let s = seconds % 60;
    format!("{m}:{s:02}")
}

/// Markdown summary of one session for a hiring manager. It depends only on
/// the session (its snapshots), so editing the bank never changes it.
pub fn session_markdown(s: &Session) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Interview summary: {}", md_inline(&s.candidate.name));
    o.push('\n');
    let _ = writeln!(o, "- **Candidate:** {}", md_inline(&s.candidate.name));
    let _ = writeln!(o, "- **Interviewer:** {}", md_inline(&s.interviewer));
    if !s.role.is_empty() {
        let _ = writeln!(o, "- **Role:** {}", md_inline(&s.role));
    }
    if let Some(kit) = &s.kit {
        let _ = writeln!(o, "- **Kit:** {}", md_inline(kit));
    }
    let date = s.started_at.unwrap_or(s.created_at);
    let _ = writeln!(o, "- **Date:** {} UTC", date.format("%Y-%m-%d %H:%M"));
    match s.duration_seconds() {
        Some(d) => {
            let _ = writeln!(
                o,
                "- **Duration:** {} min (budget {} min)",
                (d + 30) / 60,
                s.budget_minutes()
            );
        }
        None => {
            let _ = writeln!(
                o,
                "- **Duration:** not started (budget {} min)",
                s.budget_minutes()
            );
        }
    }
    let _ = writeln!(o, "- **Status:** {}", s.status.label());
    let rec = s.recommendation.map(|r| r.label()).unwrap_or("Not given");
    let _ = writeln!(o, "- **Recommendation:** {rec}");
    let _ = writeln!(o, "- **Session id:** {}", s.id);
    o.push('\n');

    o.push_str("## Summary\n\n");
    if s.summary.trim().is_empty() {
        o.push_str("_No summary written._\n\n");
    } else {
        o.push_str(&md_quote(&s.summary));
        o.push('\n');
    }
    o.push_str("## Red flags\n\n");
    if s.red_flags.is_empty() {
        o.push_str("None noted.\n\n");
    } else {
        for f in &s.red_flags {
            let _ = writeln!(o, "- {}", md_inline(f));
        }
        o.push('\n');
    }

    o.push_str(
        "## Competencies\n\n| Competency | Questions | Scored | Average |\n|---|---:|---:|---:|\n",
    );
    for c in s.competency_averages() {
        let avg = c
            .average
            .map(|a| format!("{a:.2}"))
            .unwrap_or_else(|| "–".into());
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            md_inline(&c.name),
            c.questions,
            c.scored,
            avg
        );
    }
    o.push('\n');

    o.push_str("## Questions\n\n");
    for (i, e) in s.entries.iter().enumerate() {
        let q = &e.question;
        let _ = writeln!(o, "### {}. {}\n", i + 1, md_inline(&q.prompt));
        let _ = writeln!(
            o,
            "_{} · {} · {} · budget {} min · spent {}_\n",
            md_inline(&e.competency_name),
            q.seniority.as_str(),
            q.kind.as_str(),
            q.minutes,
            minutes(e.seconds_spent)
        );
        match (e.level(), e.skipped) {
            (Some(l), _) => {
                let max = q.rubric.levels.last().map(|l| l.value).unwrap_or(l.value);
                let _ = writeln!(
                    o,
                    "**Score: {} / {} — {}.** {}\n",
                    l.value,
                    max,
                    md_inline(&l.label),
                    md_inline(&l.anchor)
                );
            }
            (None, true) => o.push_str("**Skipped.**\n\n"),
            (None, false) => o.push_str("**Not scored.**\n\n"),
        }
        if !q.look_fors.is_empty() {
            let _ = writeln!(
                o,
                "Look-fors covered ({} of {}):\n",
                e.look_fors_hit.len(),
                q.look_fors.len()
            );
            for (j, lf) in q.look_fors.iter().enumerate() {
                let mark = if e.look_fors_hit.contains(&(j as u32)) {
                    "x"
                } else {
                    " "
                };
                let _ = writeln!(o, "- [{mark}] {}", md_inline(lf));
            }
            o.push('\n');
        }
        let asked: Vec<&String> = e
            .follow_ups_asked
            .iter()
            .filter_map(|j| q.follow_ups.get(*j as usize))
            .collect();
        if !asked.is_empty() {
            o.push_str("Follow-ups asked:\n\n");
            for f in asked {
                let _ = writeln!(o, "- {}", md_inline(f));
            }
            o.push('\n');
        }
        if e.notes.trim().is_empty() {
            o.push_str("Notes: none.\n\n");
        } else {
            o.push_str("Notes:\n\n");
            o.push_str(&md_quote(&e.notes));
            o.push('\n');
        }
    }

    let amendments: Vec<_> = s
        .audit
        .iter()
        .filter(|a| a.action != crate::session::AuditAction::Submit)
        .collect();
    if !amendments.is_empty() {
        o.push_str("## Amendments\n\n| When (UTC) | Who | Question | Change | Reason |\n|---|---|---|---|---|\n");
        for a in amendments {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} → {} | {} |",
                a.at.format("%Y-%m-%d %H:%M"),
                md_inline(&a.actor),
                md_inline(a.question_id.as_deref().unwrap_or("")),
                md_inline(a.old_value.as_deref().unwrap_or("unscored")),
                md_inline(a.new_value.as_deref().unwrap_or("")),
                md_inline(a.reason.as_deref().unwrap_or(""))
            );
        }
        o.push('\n');
    }
    o
}
