//! The hiring-committee report as PDF, made in-process with krilla: real
//! text (selectable, searchable), DejaVu Sans embedded and subset, the
//! competency chart as vector paths, A4 pages with a page break before the
//! question matrix and before the scorecards (as the HTML report prints).
//!
//! It reads the same view model as the Markdown and HTML reports
//! ([`CommitteeView`], built from a [`CommitteeReport`]), so sealing and
//! redaction are exactly theirs: a sealed column shows "sealed", a redacted
//! report names nobody. The wording is the shared [`super::view::WORDS`].
//!
//! `layout` places blocks on pages as plain drawing operations, `text`
//! shapes, measures and wraps, `chart` draws the chart; this file lists the
//! report's blocks and hands the pages to krilla.

mod chart;
mod layout;
#[cfg(test)]
mod tests;
mod text;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use self::layout::{Op, Pages, Rgb, Row, Style, Table, FLAG, PAGE_H, PAGE_W};
use self::text::Face;
use super::model::CommitteeReport;
use super::view::{CommitteeView, PlanSectionView, RowView, Words};
use crate::{Error, Result};

/// The committee report as a PDF file's bytes. The same report gives the
/// same bytes (no clock, no random id).
pub fn committee_pdf(r: &CommitteeReport) -> Result<Vec<u8>> {
    let v = CommitteeView::new(r);
    let pages = layout_report(&v);
    emit(&pages, &format!("{}: {}", v.w.title, v.candidate))
}

/// Every piece of text the PDF of `r` draws, one after the other with
/// nothing between them (so a word broken over two lines reads whole), for
/// checks that a PDF holds, or does not hold, some text.
pub fn committee_pdf_text(r: &CommitteeReport) -> String {
    layout_report(&CommitteeView::new(r))
        .iter()
        .flatten()
        .filter_map(|op| match op {
            Op::Text { run, .. } => Some(run.text.as_str()),
            _ => None,
        })
        .collect()
}

/// The report's pages as drawing operations.
fn layout_report(v: &CommitteeView) -> Vec<Vec<Op>> {
    let w = v.w;
    let mut p = Pages::default();
    p.heading(1, &format!("{}: {}", w.title, v.candidate));
    p.paragraph(&v.intro, Style::muted());
    if let Some(notice) = &v.sealed_notice {
        let boxed = Style {
            boxed: true,
            ..Style::BODY
        };
        p.paragraph(&format!("{}: {notice}", w.sealed), boxed);
    }

    if let Some(plan) = &v.plan {
        plan_section(&mut p, v, plan);
    }

    p.heading(2, w.recommendations);
    p.table(&Table {
        header: vec![
            w.interviewer.into(),
            w.role.into(),
            w.status.into(),
            w.recommendation.into(),
        ],
        rows: v
            .columns
            .iter()
            .map(|c| Row {
                cells: vec![
                    imported(&c.interviewer, c.imported, w),
                    c.role.clone(),
                    c.status.into(),
                    c.recommendation.into(),
                ],
                flagged: false,
            })
            .collect(),
        numeric: vec![false; 4],
    });

    p.heading(2, w.competencies);
    chart::draw(&mut p, &v.chart);
    p.paragraph(&v.chart.caption, Style::muted());
    let with_overall: Vec<&RowView> = v.competencies.iter().chain([&v.overall]).collect();
    for t in matrix(v, w.competency, &with_overall, true) {
        p.table(&t);
    }
    p.paragraph(&v.overall_line, Style::muted());

    p.page_break();
    p.heading(2, w.question_matrix);
    let questions: Vec<&RowView> = v.questions.iter().collect();
    for t in matrix(v, w.question, &questions, false) {
        p.table(&t);
    }
    p.paragraph(&v.flagged_line, Style::muted());
    if !v.uncovered.is_empty() {
        let line = format!("{}: {}.", w.not_covered_by_anyone, v.uncovered.join(", "));
        p.paragraph(&line, Style::muted());
    }

    p.heading(2, w.debrief);
    debrief(&mut p, v);

    p.page_break();
    p.heading(2, w.scorecards);
    scorecards(&mut p, v);
    p.pages
}

fn imported(name: &str, imported: bool, w: &Words) -> String {
    if imported {
        format!("{name} {}", w.imported)
    } else {
        name.to_string()
    }
}

/// Most interviewer columns in one table: a wider panel is shown as several
/// tables side by side in the text (each with the row labels and, in the
/// last, the statistics), so no column gets too narrow to read.
const COLUMNS_PER_TABLE: usize = 5;

/// The competency table or the question matrix, split by interviewers.
/// The candidate's interview plan, as in the Markdown and HTML reports: the
/// plan at a glance, who has not submitted yet, each planned interviewer,
/// and the coverage.
fn plan_section(p: &mut Pages, v: &CommitteeView, plan: &PlanSectionView) {
    let w = v.w;
    p.heading(2, w.plan);
    p.paragraph(&plan.summary, Style::BODY);
    p.paragraph(&plan.waiting, Style::bold());
    p.table(&Table {
        header: [
            w.round,
            w.interviewer,
            w.kit,
            w.focus,
            w.when,
            w.due,
            w.state,
        ]
        .map(String::from)
        .to_vec(),
        rows: plan
            .members
            .iter()
            .map(|m| Row {
                cells: vec![
                    m.round.to_string(),
                    m.interviewer.clone(),
                    m.kit.clone(),
                    m.focus.clone(),
                    m.at.clone(),
                    m.due.clone(),
                    m.state.to_string(),
                ],
                flagged: false,
            })
            .collect(),
        numeric: vec![true, false, false, false, false, false, false],
    });
    p.heading(3, w.coverage);
    let mut header = vec![w.competency.to_string()];
    header.extend(plan.coverage_head.iter().cloned());
    header.push(w.gap.to_string());
    let n = header.len();
    p.table(&Table {
        header,
        rows: plan
            .coverage
            .iter()
            .map(|c| {
                let mut cells = vec![c.name.clone()];
                cells.extend(c.cells.iter().cloned());
                cells.push(c.gap.clone());
                Row {
                    cells,
                    flagged: false,
                }
            })
            .collect(),
        numeric: vec![false; n],
    });
    p.paragraph(plan.coverage_note, Style::muted());
}

fn matrix(v: &CommitteeView, first: &str, rows: &[&RowView], numbers: bool) -> Vec<Table> {
    let w = v.w;
    let n = v.columns.len();
    let chunks: Vec<std::ops::Range<usize>> = (0..n.max(1))
        .step_by(COLUMNS_PER_TABLE)
        .map(|s| s..(s + COLUMNS_PER_TABLE).min(n))
        .collect();
    let last = chunks.len() - 1;
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, cols)| {
            let stats = i == last;
            let mut header = vec![first.to_string()];
            header.extend(
                v.columns[cols.clone()]
                    .iter()
                    .map(|c| c.interviewer.clone()),
            );
            let mut numeric = vec![false; header.len()];
            numeric[1..].fill(numbers);
            if stats {
                header.extend([w.mean, w.sd, w.spread, w.flag].map(String::from));
                numeric.extend([true, true, true, false]);
            }
            let rows = rows
                .iter()
                .map(|r| {
                    let mut cells = vec![r.label.clone()];
                    cells.extend(r.values[cols.clone()].iter().cloned());
                    if stats {
                        cells.extend([
                            r.mean.clone(),
                            r.sd.clone(),
                            r.spread.clone(),
                            r.flag.to_string(),
                        ]);
                    }
                    Row {
                        cells,
                        flagged: r.flagged,
                    }
                })
                .collect();
            Table {
                header,
                rows,
                numeric,
            }
        })
        .collect()
}

fn debrief(p: &mut Pages, v: &CommitteeView) {
    let w = v.w;
    if v.debrief.is_empty() {
        p.paragraph(w.no_debrief, Style::BODY);
        return;
    }
    p.table(&Table {
        header: [w.interviewer, w.question, w.before, w.after, w.reason]
            .map(String::from)
            .to_vec(),
        rows: v
            .debrief
            .iter()
            .map(|d| Row {
                cells: vec![
                    d.interviewer.clone(),
                    d.prompt.clone(),
                    d.before.clone(),
                    d.after.clone(),
                    d.reason.clone(),
                ],
                flagged: false,
            })
            .collect(),
        numeric: vec![false, false, true, true, false],
    });
}

fn scorecards(p: &mut Pages, v: &CommitteeView) {
    let w = v.w;
    let notes = Style {
        indent: 10.0,
        rule: true,
        ..Style::BODY
    };
    for card in &v.cards {
        p.heading(3, &imported(&card.interviewer, card.imported, w));
        if card.sealed {
            p.paragraph(w.card_sealed, Style::BODY);
            continue;
        }
        let rec = format!("{}: {}", w.recommendation, card.recommendation);
        p.paragraph(&rec, Style::bold());
        if !card.summary.trim().is_empty() {
            p.paragraph(&card.summary, notes);
        }
        for flag in &card.red_flags {
            let red = Style {
                color: FLAG,
                ..Style::BODY
            };
            p.paragraph(&format!("{}: {flag}", w.red_flag), red);
        }
        for item in &card.items {
            p.paragraph(&format!("{} — {}", item.prompt, item.level), Style::bold());
            if !item.notes.trim().is_empty() {
                p.paragraph(item.notes.trim_end(), notes);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Writing the PDF.

fn paint(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

/// The pages as a PDF, with `title` in its metadata.
fn emit(pages: &[Vec<Op>], title: &str) -> Result<Vec<u8>> {
    let font = |f: Face| Font::new(f.bytes().into(), 0).expect("the embedded fonts parse");
    let (regular, bold) = (font(Face::Regular), font(Face::Bold));
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(text::printable(title, Face::Regular))
            .creator("Panelist".into())
            .language("en".into()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4 is a valid page size");
    for ops in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        for op in ops {
            draw(&mut s, op, &regular, &bold);
        }
        s.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| Error::Invalid(format!("cannot write the PDF: {e}")))
}

fn draw(s: &mut Surface<'_>, op: &Op, regular: &Font, bold: &Font) {
    match op {
        Op::Text {
            x,
            y,
            size,
            face,
            color,
            run,
        } => {
            s.set_fill(Some(Fill {
                paint: paint(*color),
                ..Fill::default()
            }));
            s.set_stroke(None);
            let font = match face {
                Face::Regular => regular.clone(),
                Face::Bold => bold.clone(),
            };
            let dir = if run.rtl {
                TextDirection::RightToLeft
            } else {
                TextDirection::LeftToRight
            };
            s.draw_text(Point::from_xy(*x, *y), font, *size, &run.text, false, dir);
        }
        Op::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        } => {
            let mut pb = PathBuilder::new();
            if let Some(rect) = krilla::geom::Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) {
                pb.push_rect(rect);
            }
            if let Some(path) = pb.finish() {
                s.set_fill(fill.map(|c| Fill {
                    paint: paint(c),
                    ..Fill::default()
                }));
                s.set_stroke(stroke.map(thin));
                s.draw_path(&path);
            }
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            color,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            if let Some(path) = pb.finish() {
                s.set_fill(None);
                s.set_stroke(Some(thin(*color)));
                s.draw_path(&path);
            }
        }
    }
}

fn thin(c: Rgb) -> Stroke {
    Stroke {
        paint: paint(c),
        width: 0.6,
        opacity: NormalizedF32::ONE,
        ..Stroke::default()
    }
}
