//! Human-readable exports. All user text is escaped so that it renders as
//! text, never as markup. The committee report as PDF is [`pdf`].

use std::fmt::Write;

pub(crate) mod escape;
pub mod html;
pub mod model;
pub mod pdf;
pub(crate) mod view;

use askama::Template;

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

/// Markdown summary of one session for a hiring manager. It depends only on
/// the session (its snapshots), so editing the bank never changes it. The
/// wording and layout are in `core/templates/session.md`.
pub fn session_markdown(s: &Session) -> String {
    let view = view::SessionView::new(s);
    view::SessionMarkdown { v: &view }
        .render()
        .expect("the report templates write only to a String")
}
