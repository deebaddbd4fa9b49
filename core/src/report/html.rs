//! HTML for reports: text escaping and the committee report's style sheet
//! (allowed by its hash in the report's and the app's CSP).

use std::fmt::Write;

use sha2::{Digest, Sha256};

/// Escapes text for HTML element content and attribute values; bidi
/// controls become visible code points so they cannot reorder the page.
pub fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' => {
                let _ = write!(out, "[U+{:04X}]", ch as u32);
            }
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "[U+{:04X}]", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

pub(crate) const CSS: &str = "
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6677; --line: #d5dbe3; --flag: #b3261e; --bg-flag: #fdecea; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--ink); margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid var(--ink); padding-bottom: 2px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.meta { color: var(--muted); margin: 0 0 12px; }
.sealed { background: #fff6d6; border: 1px solid #e2c15b; padding: 8px 12px; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f1f4f8; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.flagged td { background: var(--bg-flag); }
span.flag { color: var(--flag); font-weight: 600; white-space: nowrap; }
.notes { white-space: pre-wrap; overflow-wrap: anywhere; color: #2b3442; margin: 2px 0 6px 14px; border-left: 3px solid var(--line); padding-left: 8px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
ul.q { list-style: none; padding: 0; margin: 0; }
ul.q li { margin: 4px 0; }
figure { margin: 10px 0; }
svg text { font: 11px system-ui, sans-serif; fill: #1d2430; }
tr.overall th, tr.overall td { font-weight: 700; border-top: 2px solid var(--ink); }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  h2 { break-after: avoid; }
  section.page { break-before: page; }
  tr, .card, figure { break-inside: avoid; }
  thead { display: table-header-group; }
}
";

pub fn report_style_csp_source() -> String {
    format!("'sha256-{}'", css_hash())
}

/// The base64 SHA-256 of the HTML report's style block.
pub(crate) fn css_hash() -> String {
    base64(&Sha256::digest(CSS.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_escapes_markup_and_bidi() {
        assert_eq!(html_text("<script>\"'&"), "&lt;script&gt;&quot;&#39;&amp;");
        assert_eq!(html_text("a\u{202E}b"), "a[U+202E]b");
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
    }
}
