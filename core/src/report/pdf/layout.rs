//! Page layout: blocks of the report (headings, paragraphs, tables, the
//! chart) placed on A4 pages as a list of drawing operations per page. The
//! operations are plain data, so tests can check that everything stays
//! inside the page, and `super::emit` turns them into PDF with krilla.

use super::text::{self, Face, Run};

/// A4 in PDF points.
pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN: f32 = 42.0;
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const BOTTOM: f32 = PAGE_H - MARGIN;

pub type Rgb = (u8, u8, u8);
pub const INK: Rgb = (0x1d, 0x24, 0x30);
pub const MUTED: Rgb = (0x5b, 0x66, 0x77);
pub const LINE: Rgb = (0xd5, 0xdb, 0xe3);
pub const FLAG: Rgb = (0xb3, 0x26, 0x1e);
const HEAD_BG: Rgb = (0xf1, 0xf4, 0xf8);
const FLAG_BG: Rgb = (0xfd, 0xec, 0xea);
const SEALED_BG: Rgb = (0xff, 0xf6, 0xd6);
const SEALED_LINE: Rgb = (0xe2, 0xc1, 0x5b);

pub const BODY: f32 = 9.5;
const TABLE: f32 = 8.0;
const LEADING: f32 = 1.3;
const PAD: f32 = 3.0;

/// One drawing operation, in points from the page's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// One bidi run of text; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        color: Rgb,
        run: Run,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
    },
}

/// How a paragraph looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub color: Rgb,
    /// Left indent in points.
    pub indent: f32,
    /// A vertical rule left of the text (notes).
    pub rule: bool,
    /// A yellow box around it (the sealed notice).
    pub boxed: bool,
}

impl Style {
    pub const BODY: Style = Style {
        face: Face::Regular,
        size: BODY,
        color: INK,
        indent: 0.0,
        rule: false,
        boxed: false,
    };
    pub fn muted() -> Style {
        Style {
            color: MUTED,
            ..Style::BODY
        }
    }
    pub fn bold() -> Style {
        Style {
            face: Face::Bold,
            ..Style::BODY
        }
    }
}

/// One table: a header row and body rows of equal length.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    /// Columns whose text is right-aligned (numbers).
    pub numeric: Vec<bool>,
}

pub struct Row {
    pub cells: Vec<String>,
    pub flagged: bool,
}

/// The pages being written, and where the next block goes.
pub struct Pages {
    pub pages: Vec<Vec<Op>>,
    y: f32,
}

impl Default for Pages {
    fn default() -> Self {
        Pages {
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }
}

impl Pages {
    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("there is always a page")
    }

    pub fn push(&mut self, op: Op) {
        self.ops().push(op);
    }

    /// Where the next block starts.
    pub fn y(&self) -> f32 {
        self.y
    }

    pub fn advance(&mut self, dy: f32) {
        self.y += dy;
    }

    pub fn page_break(&mut self) {
        if !self.ops().is_empty() {
            self.pages.push(Vec::new());
        }
        self.y = MARGIN;
    }

    /// Starts a new page unless `h` points fit below the cursor.
    pub fn need(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.page_break();
        }
    }

    /// Room left on a fresh page.
    pub fn page_room() -> f32 {
        BOTTOM - MARGIN
    }

    /// Writes one line's runs from `x` at baseline `y`.
    fn line(&mut self, x: f32, y: f32, line: &str, face: Face, size: f32, color: Rgb) {
        let mut x = x;
        for run in text::runs(line, face, size) {
            let w = run.width;
            self.push(Op::Text {
                x,
                y,
                size,
                face,
                color,
                run,
            });
            x += w;
        }
    }

    pub fn heading(&mut self, level: u8, title: &str) {
        let (size, before) = match level {
            1 => (16.0, 0.0),
            2 => (12.5, 10.0),
            _ => (10.5, 6.0),
        };
        let lines = text::wrap(title, Face::Bold, size, CONTENT_W);
        let lh = size * LEADING;
        // Keep the heading with a few lines of what follows it.
        let first = lh * lines.len().min(3) as f32;
        self.need(before + first + 4.0 * BODY * LEADING);
        if self.y > MARGIN {
            self.y += before;
        }
        for l in &lines {
            self.need(lh);
            self.y += lh;
            let y = self.y - lh * 0.25;
            self.line(MARGIN, y, l, Face::Bold, size, INK);
        }
        if level == 2 && self.y + 2.0 <= BOTTOM {
            self.y += 2.0;
            let y = self.y;
            self.push(Op::Line {
                x1: MARGIN,
                y1: y,
                x2: MARGIN + CONTENT_W,
                y2: y,
                color: INK,
            });
        }
        self.y += 4.0;
    }

    pub fn paragraph(&mut self, s: &str, style: Style) {
        let inset = style.indent + if style.rule || style.boxed { 8.0 } else { 0.0 };
        let w = CONTENT_W - inset - if style.boxed { 8.0 } else { 0.0 };
        let lines = text::wrap(s, style.face, style.size, w);
        let lh = style.size * LEADING;
        let x = MARGIN + inset;
        let pad = if style.boxed { 4.0 } else { 0.0 };
        self.need(lh + 2.0 * pad);
        let mut top = self.y;
        self.y += pad;
        for l in &lines {
            if self.y + lh + pad > BOTTOM {
                self.decorate(style, top, self.y + pad);
                self.page_break();
                top = self.y;
                self.y += pad;
            }
            self.y += lh;
            let y = self.y - lh * 0.25;
            self.line(x, y, l, style.face, style.size, style.color);
        }
        self.y += pad;
        self.decorate(style, top, self.y);
        self.y += style.size * 0.5;
    }

    /// The rule or box of a paragraph's part on one page.
    fn decorate(&mut self, style: Style, top: f32, bottom: f32) {
        if style.rule {
            let x = MARGIN + style.indent + 2.0;
            self.push(Op::Line {
                x1: x,
                y1: top,
                x2: x,
                y2: bottom,
                color: LINE,
            });
        }
        if style.boxed {
            let rect = Op::Rect {
                x: MARGIN + style.indent,
                y: top,
                w: CONTENT_W - style.indent,
                h: bottom - top,
                fill: Some(SEALED_BG),
                stroke: Some(SEALED_LINE),
            };
            // Under the text already written.
            let ops = self.ops();
            let at = ops
                .iter()
                .rposition(|op| !matches!(op, Op::Text { y, .. } if *y >= top))
                .map_or(0, |i| i + 1);
            ops.insert(at, rect);
        }
    }

    pub fn table(&mut self, t: &Table) {
        let widths = column_widths(t);
        let header: Vec<Vec<String>> = wrap_row(&t.header, &widths, Face::Bold)
            .into_iter()
            .zip(&widths)
            .map(|(lines, w)| cap_header(lines, *w))
            .collect();
        let plain = vec![false; widths.len()];
        self.need(row_height(&header) + 3.0 * TABLE * LEADING);
        self.row(&header, &widths, &plain, Some(HEAD_BG));
        for r in &t.rows {
            let cells = wrap_row(&r.cells, &widths, Face::Regular);
            let bg = r.flagged.then_some(FLAG_BG);
            self.row_split(&cells, &widths, &t.numeric, &header, bg);
        }
        self.y += BODY * 0.6;
    }

    /// A body row; a row taller than the room left goes on over pages,
    /// each new page starting with the header again. A row that fits on a
    /// page is not split.
    fn row_split(
        &mut self,
        cells: &[Vec<String>],
        widths: &[f32],
        numeric: &[bool],
        header: &[Vec<String>],
        bg: Option<Rgb>,
    ) {
        let lh = TABLE * LEADING;
        let plain = vec![false; widths.len()];
        let total = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let fits_a_page = row_height(cells) + row_height(header) <= Self::page_room();
        let mut done = 0;
        let mut fresh = false;
        while done < total {
            let room = ((BOTTOM - self.y - 2.0 * PAD) / lh).floor().max(0.0) as usize;
            let move_on = room == 0 || (done == 0 && room < total && fits_a_page);
            if move_on && !fresh {
                self.page_break();
                self.row(header, widths, &plain, Some(HEAD_BG));
                fresh = true;
                continue;
            }
            let take = room.clamp(1, total - done);
            let part: Vec<Vec<String>> = cells
                .iter()
                .map(|c| c.iter().skip(done).take(take).cloned().collect())
                .collect();
            self.row(&part, widths, numeric, bg);
            done += take;
            fresh = false;
        }
    }

    fn row(&mut self, cells: &[Vec<String>], widths: &[f32], numeric: &[bool], bg: Option<Rgb>) {
        let h = row_height(cells);
        let lh = TABLE * LEADING;
        let mut x = MARGIN;
        for (i, (lines, w)) in cells.iter().zip(widths).enumerate() {
            self.push(Op::Rect {
                x,
                y: self.y,
                w: *w,
                h,
                fill: bg,
                stroke: Some(LINE),
            });
            let face = if bg == Some(HEAD_BG) {
                Face::Bold
            } else {
                Face::Regular
            };
            for (k, l) in lines.iter().enumerate() {
                let y = self.y + PAD + lh * (k as f32 + 1.0) - lh * 0.25;
                let lx = if numeric.get(i) == Some(&true) {
                    x + w - PAD - text::width(l, face, TABLE)
                } else {
                    x + PAD
                };
                self.line(lx, y, l, face, TABLE, INK);
            }
            x += w;
        }
        self.y += h;
    }
}

/// A header cell is at most [`HEADER_LINES`] lines (its full text is in
/// the report's first table); a cut one ends with an ellipsis.
fn cap_header(mut lines: Vec<String>, w: f32) -> Vec<String> {
    if lines.len() > HEADER_LINES {
        let next = lines[HEADER_LINES].clone();
        lines.truncate(HEADER_LINES);
        let last = lines.pop().unwrap_or_default();
        lines.push(text::fit(
            &format!("{last}{next}"),
            Face::Bold,
            TABLE,
            (w - 2.0 * PAD).max(1.0),
        ));
    }
    lines
}

const HEADER_LINES: usize = 8;

fn row_height(cells: &[Vec<String>]) -> f32 {
    let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    n as f32 * TABLE * LEADING + 2.0 * PAD
}

fn wrap_row(cells: &[String], widths: &[f32], face: Face) -> Vec<Vec<String>> {
    cells
        .iter()
        .zip(widths)
        .map(|(c, w)| text::wrap(c, face, TABLE, (w - 2.0 * PAD).max(1.0)))
        .collect()
}

/// Column widths that fill the text width: each column's natural width
/// (its widest unwrapped cell, capped), the widest cut down to fit.
fn column_widths(t: &Table) -> Vec<f32> {
    let n = t.header.len().max(1);
    let cap = CONTENT_W * 0.45;
    let natural: Vec<f32> = (0..n)
        .map(|i| {
            let head = t.header.get(i).map_or(0.0, |h| longest_word(h, Face::Bold));
            let body = t
                .rows
                .iter()
                .filter_map(|r| r.cells.get(i))
                .flat_map(|c| c.lines().take(50))
                .map(|l| text::width(&text::printable(l, Face::Regular), Face::Regular, TABLE))
                .fold(0.0, f32::max);
            (head.max(body) + 2.0 * PAD + 1.0).clamp(24.0, cap)
        })
        .collect();
    let sum: f32 = natural.iter().sum();
    if sum > CONTENT_W {
        // Narrow columns (numbers) keep their width; the wide ones share
        // what is left equally.
        let mut sorted = natural.clone();
        sorted.sort_by(f32::total_cmp);
        let mut left = CONTENT_W;
        let mut cap = CONTENT_W;
        for (k, w) in sorted.iter().enumerate() {
            let rest = (sorted.len() - k) as f32;
            if w * rest > left {
                cap = left / rest;
                break;
            }
            left -= w;
        }
        natural.iter().map(|w| w.min(cap)).collect()
    } else {
        // The first column (names, prompts) takes what is left.
        let mut w = natural;
        w[0] += CONTENT_W - sum;
        w
    }
}

fn longest_word(s: &str, face: Face) -> f32 {
    text::printable(s, face)
        .split_whitespace()
        .map(|w| text::width(w, face, TABLE))
        .fold(0.0, f32::max)
}
