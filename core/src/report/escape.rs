//! The escapers the report templates use, one per output format. They are
//! registered by file extension in `core/templates/askama.toml`, so every
//! `{{ value }}` in a `.md` or `.html` template is escaped for its format
//! unless the template says `|safe`.

use std::fmt::{self, Write};

use askama::filters::Escaper;

/// Inline Markdown: the same rules as [`crate::report::md_inline`].
#[derive(Debug, Clone, Copy)]
pub struct Markdown;

impl Escaper for Markdown {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&crate::report::md_inline(string))
    }
}

/// HTML text and attribute values: the same rules as
/// [`super::html::html_text`] (markup characters as entities, bidi and
/// other control characters as visible code points).
#[derive(Debug, Clone, Copy)]
pub struct Html;

impl Escaper for Html {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&super::html::html_text(string))
    }
}
