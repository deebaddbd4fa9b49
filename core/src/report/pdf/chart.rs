//! The competency chart as vector paths: the HTML report's chart geometry
//! (`view::ChartView`, in SVG units) scaled to the page, so both formats
//! draw the same bars, ticks, floor marks and labels.

use super::layout::{Op, Pages, Rgb, CONTENT_W, LINE, MARGIN};
use super::text::{self, Face};
use crate::report::view::ChartView;

/// SVG's font size for chart text (the HTML style sheet's `svg text`).
const SVG_TEXT: f32 = 11.0;

fn num(s: &str) -> f32 {
    s.parse::<f32>()
        .ok()
        .filter(|v| v.is_finite())
        .unwrap_or(0.0)
}

/// `#rrggbb` as RGB; anything else is the ink colour.
fn color(hex: &str) -> Rgb {
    let h = hex.trim_start_matches('#');
    let byte = |i: usize| h.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok());
    match (h.len(), byte(0), byte(2), byte(4)) {
        (6, Some(r), Some(g), Some(b)) => (r, g, b),
        _ => super::layout::INK,
    }
}

/// Draws `c` at the cursor, as wide as the text (or smaller, so that it
/// fits on one page), and moves the cursor below it.
pub fn draw(p: &mut Pages, c: &ChartView) {
    let (w, h) = (num(&c.width).max(1.0), num(&c.height).max(1.0));
    let k = (CONTENT_W / w).min(Pages::page_room() / h);
    p.need(h * k);
    let (ox, oy) = (MARGIN, p.y());
    let x = |v: f32| ox + v * k;
    let y = |v: f32| oy + v * k;
    let size = SVG_TEXT * k;
    let (top, axis) = (num(&c.top), num(&c.axis_y));
    for t in &c.ticks {
        let tx = num(&t.x);
        p.push(Op::Line {
            x1: x(tx),
            y1: y(top),
            x2: x(tx),
            y2: y(axis),
            color: LINE,
        });
        centred(
            p,
            &t.label.to_string(),
            x(tx),
            y(num(&c.tick_label_y)),
            size,
        );
    }
    let left = num(&c.left);
    let label_right = num(&c.group_label_x);
    for g in &c.groups {
        let name = text::fit(&g.name, Face::Regular, size, label_right * k);
        let nw = text::width(&name, Face::Regular, size);
        write(p, &name, x(label_right) - nw, y(num(&g.label_y)), size);
        for b in &g.bars {
            p.push(Op::Rect {
                x: x(left),
                y: y(num(&b.y)),
                w: num(&b.width) * k,
                h: num(&c.bar_height) * k,
                fill: Some(color(b.fill)),
                stroke: None,
            });
            write(p, &b.value, x(num(&b.label_x)), y(num(&b.label_y)), size);
        }
    }
    for l in &c.legend {
        let lx = num(&l.x);
        p.push(Op::Rect {
            x: x(lx),
            y: y(num(&l.y)),
            w: 12.0 * k,
            h: 12.0 * k,
            fill: Some(color(l.fill)),
            stroke: None,
        });
        // Legend entries sit 130 units apart (`view::chart`).
        let who = text::fit(&l.who, Face::Regular, size, (130.0 - 20.0) * k);
        write(p, &who, x(num(&l.text_x)), y(num(&l.text_y)), size);
    }
    p.advance(h * k + 4.0);
}

fn write(p: &mut Pages, s: &str, x: f32, y: f32, size: f32) {
    let mut x = x;
    for run in text::runs(&text::printable(s, Face::Regular), Face::Regular, size) {
        let w = run.width;
        p.push(Op::Text {
            x,
            y,
            size,
            face: Face::Regular,
            color: super::layout::INK,
            run,
        });
        x += w;
    }
}

fn centred(p: &mut Pages, s: &str, cx: f32, y: f32, size: f32) {
    let w = text::width(s, Face::Regular, size);
    write(p, s, cx - w / 2.0, y, size);
}
