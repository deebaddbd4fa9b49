//! Text for the PDF: the embedded fonts, what each can show, measuring,
//! line wrapping and the bidirectional order of a line.
//!
//! The fonts are DejaVu Sans and DejaVu Sans Bold, compiled into the binary
//! (`core/fonts/`, licence beside them): the report never reads a system
//! font, so it looks the same on every machine. DejaVu covers Latin, Greek,
//! Cyrillic, Armenian, Georgian, Hebrew and Arabic among others. A character
//! the font has no glyph for (CJK, most emoji, Indic scripts...) is written
//! as its code point, `[U+4E2D]`, in the text: visible and searchable,
//! never a blank box or a silent gap. Control characters and bidirectional
//! overrides are written the same way, as the HTML report does, so they
//! cannot reorder or hide what a reader sees.
//!
//! Widths come from shaping with rustybuzz, the shaper krilla draws with,
//! so a measured line is exactly as wide as the drawn one.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;
use std::rc::Rc;
use std::sync::LazyLock;

use unicode_bidi::BidiInfo;
use unicode_segmentation::UnicodeSegmentation;

static REGULAR_BYTES: &[u8] = include_bytes!("../../../fonts/DejaVuSans.ttf");
static BOLD_BYTES: &[u8] = include_bytes!("../../../fonts/DejaVuSans-Bold.ttf");

/// One of the two embedded faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

struct Loaded {
    shaper: rustybuzz::Face<'static>,
    upem: f32,
}

fn load(bytes: &'static [u8]) -> Loaded {
    let shaper = rustybuzz::Face::from_slice(bytes, 0).expect("the embedded font parses");
    let upem = shaper.units_per_em() as f32;
    Loaded { shaper, upem }
}

static REGULAR: LazyLock<Loaded> = LazyLock::new(|| load(REGULAR_BYTES));
static BOLD: LazyLock<Loaded> = LazyLock::new(|| load(BOLD_BYTES));

impl Face {
    fn loaded(self) -> &'static Loaded {
        match self {
            Face::Regular => &REGULAR,
            Face::Bold => &BOLD,
        }
    }

    pub fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR_BYTES,
            Face::Bold => BOLD_BYTES,
        }
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(self, c: char) -> bool {
        self.loaded().shaper.glyph_index(c).is_some()
    }
}

/// Bidirectional controls: shown as code points, never obeyed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// `text` as it can be drawn in `face`: line breaks kept (`\r\n` and `\r`
/// become `\n`), a tab becomes a space, and every other control character,
/// bidirectional control or character the face cannot show becomes
/// `[U+XXXX]`.
pub fn printable(text: &str, face: Face) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\t' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) || !face.covers(c) => {
                let _ = write!(out, "[U+{:04X}]", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// One stretch of a line in one direction, in the order it is drawn (left
/// to right on the page).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub rtl: bool,
    pub width: f32,
}

type PlanKey = (Face, bool, Option<rustybuzz::Script>);

thread_local! {
    /// Shaping plans by face, direction and script: making a plan costs far
    /// more than shaping a word with it.
    static PLANS: RefCell<HashMap<PlanKey, Rc<rustybuzz::ShapePlan>>> =
        RefCell::new(HashMap::new());
}

/// The width of `text` (one direction, no line break) at `size` points,
/// shaped as krilla shapes it.
fn shaped_width(text: &str, face: Face, size: f32, rtl: bool) -> f32 {
    if text.is_empty() {
        return 0.0;
    }
    let f = face.loaded();
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let direction = if rtl {
        rustybuzz::Direction::RightToLeft
    } else {
        rustybuzz::Direction::LeftToRight
    };
    buffer.set_direction(direction);
    let script = Some(buffer.script());
    let plan = PLANS.with(|p| {
        p.borrow_mut()
            .entry((face, rtl, script))
            .or_insert_with(|| {
                Rc::new(rustybuzz::ShapePlan::new(
                    &f.shaper,
                    direction,
                    script,
                    None,
                    &[],
                ))
            })
            .clone()
    });
    let out = rustybuzz::shape_with_plan(&f.shaper, &plan, buffer);
    let units: i64 = out
        .glyph_positions()
        .iter()
        .map(|p| i64::from(p.x_advance))
        .sum();
    units as f32 / f.upem * size
}

/// Whether `line` holds a character of a right-to-left class (else it is
/// one left-to-right run and needs no bidi pass).
fn has_rtl(line: &str) -> bool {
    use unicode_bidi::BidiClass::{AL, AN, R, RLE, RLI, RLO};
    line.chars()
        .any(|c| matches!(unicode_bidi::bidi_class(c), R | AL | AN | RLE | RLI | RLO))
}

/// A line (no line break in it) split into its visual runs by the Unicode
/// bidirectional algorithm (UAX #9), each measured.
pub fn runs(line: &str, face: Face, size: f32) -> Vec<Run> {
    if line.is_empty() {
        return Vec::new();
    }
    let info = (has_rtl(line)).then(|| BidiInfo::new(line, None));
    let Some(info) = info.filter(BidiInfo::has_rtl) else {
        return vec![Run {
            text: line.to_string(),
            rtl: false,
            width: shaped_width(line, face, size, false),
        }];
    };
    let mut out = Vec::new();
    for para in &info.paragraphs {
        let (levels, visual) = info.visual_runs(para, para.range.clone());
        for r in visual {
            let rtl = levels[r.start].is_rtl();
            let text = &line[r];
            out.push(Run {
                text: text.to_string(),
                rtl,
                width: shaped_width(text, face, size, rtl),
            });
        }
    }
    out
}

/// The drawn width of a line.
pub fn width(line: &str, face: Face, size: f32) -> f32 {
    runs(line, face, size).iter().map(|r| r.width).sum()
}

/// `text` wrapped into lines no wider than `max` points: at spaces where it
/// can, inside a word (between grapheme clusters) when one word is wider
/// than the line. Line breaks in the text are kept; runs of empty lines
/// become one. Only a single grapheme wider than `max` (e.g. in a very
/// narrow column) can exceed it.
pub fn wrap(text: &str, face: Face, size: f32, max: f32) -> Vec<String> {
    let text = printable(text, face);
    let mut lines: Vec<String> = Vec::new();
    for para in text.trim_end().split('\n') {
        let para = para.trim_end();
        if para.is_empty() {
            if lines.last().is_some_and(|l| !l.is_empty()) {
                lines.push(String::new());
            }
            continue;
        }
        wrap_paragraph(para, face, size, max, &mut lines);
    }
    lines
}

fn wrap_paragraph(para: &str, face: Face, size: f32, max: f32, lines: &mut Vec<String>) {
    let space = width(" ", face, size);
    let mut line = String::new();
    let mut line_w = 0.0;
    for word in para.split(' ') {
        let word_w = width(word, face, size);
        // Widths add up word by word (linear in the paragraph's length);
        // each kept line is measured whole by `keep`.
        if line.is_empty() || line_w + space + word_w > max {
            if !line.is_empty() {
                keep(std::mem::take(&mut line), face, size, max, lines);
            }
            if word_w <= max {
                line = word.to_string();
                line_w = word_w;
            } else {
                line = break_word(word, face, size, max, lines);
                line_w = width(&line, face, size);
            }
        } else {
            line.push(' ');
            line.push_str(word);
            line_w += space + word_w;
        }
    }
    if !line.is_empty() {
        keep(line, face, size, max, lines);
    }
}

/// Pushes a line, moving its last words to a line of their own while the
/// line as shaped is wider than `max` (kerning across words can make it a
/// hair wider than the sum of its words); a line without a space is cut
/// between graphemes.
fn keep(line: String, face: Face, size: f32, max: f32, lines: &mut Vec<String>) {
    if width(&line, face, size) <= max {
        lines.push(line);
        return;
    }
    match line.rsplit_once(' ') {
        Some((head, tail)) if !head.is_empty() => {
            let tail = tail.to_string();
            keep(head.to_string(), face, size, max, lines);
            keep(tail, face, size, max, lines);
        }
        _ => {
            let rest = push_fitting(line, face, size, max, lines);
            if !rest.is_empty() {
                keep(rest, face, size, max, lines);
            }
        }
    }
}

/// Pushes the longest head of `line` (whole graphemes, at least one) whose
/// shaped width fits `max`; returns the rest.
fn push_fitting(line: String, face: Face, size: f32, max: f32, lines: &mut Vec<String>) -> String {
    let mut head = line;
    let mut tail = String::new();
    while width(&head, face, size) > max {
        let Some(last) = head.graphemes(true).next_back().map(str::to_string) else {
            break;
        };
        if last.len() == head.len() {
            break;
        }
        head.truncate(head.len() - last.len());
        tail.insert_str(0, &last);
    }
    lines.push(head);
    tail
}

/// Breaks a word wider than `max` between grapheme clusters; pushes the full
/// lines and returns the rest. Widths are summed per grapheme (linear in a
/// 10,000-character word); each pushed line is then measured whole.
fn break_word(word: &str, face: Face, size: f32, max: f32, lines: &mut Vec<String>) -> String {
    let mut line = String::new();
    let mut line_w = 0.0;
    for g in word.graphemes(true) {
        let gw = width(g, face, size);
        if !line.is_empty() && line_w + gw > max {
            line = push_fitting(std::mem::take(&mut line), face, size, max, lines);
            line_w = width(&line, face, size);
        }
        line.push_str(g);
        line_w += gw;
    }
    line
}

/// `line` cut to fit `max` points with an ellipsis at the end, for chart
/// labels (the full text is in the table beside the chart).
pub fn fit(line: &str, face: Face, size: f32, max: f32) -> String {
    let line = printable(line, face).replace('\n', " ");
    if width(&line, face, size) <= max {
        return line;
    }
    let mut out = String::new();
    for g in line.graphemes(true) {
        let next = format!("{out}{g}…");
        if width(&next, face, size) > max {
            break;
        }
        out.push_str(g);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncovered_and_control_characters_become_code_points() {
        assert_eq!(printable("Zoë", Face::Regular), "Zoë");
        assert_eq!(printable("a\u{202E}b", Face::Regular), "a[U+202E]b");
        assert_eq!(printable("a\u{7}b", Face::Regular), "a[U+0007]b");
        assert_eq!(printable("中", Face::Regular), "[U+4E2D]");
        assert_eq!(printable("a\r\nb\rc\td", Face::Regular), "a\nb\nc d");
        assert_eq!(printable("Ωмא", Face::Regular), "Ωмא");
    }

    #[test]
    fn wrapped_lines_fit() {
        let long = "word ".repeat(200) + &"x".repeat(3000);
        for line in wrap(&long, Face::Regular, 10.0, 200.0) {
            assert!(width(&line, Face::Regular, 10.0) <= 200.0, "{line}");
        }
        assert_eq!(
            wrap("a\n\n\n\nb", Face::Regular, 10.0, 200.0),
            ["a", "", "b"]
        );
        assert!(wrap("", Face::Regular, 10.0, 200.0).is_empty());
    }

    #[test]
    fn right_to_left_text_is_drawn_in_visual_runs() {
        let r = runs("Dana שלום", Face::Regular, 10.0);
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(!r[0].rtl && r[1].rtl);
        assert_eq!(r[1].text, "שלום");
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        let s = fit(&"long ".repeat(50), Face::Regular, 10.0, 80.0);
        assert!(s.ends_with('…'));
        assert!(width(&s, Face::Regular, 10.0) <= 80.0);
    }
}
