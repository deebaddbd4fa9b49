//! Why one file of an import was refused, in words a person understands:
//! one plain sentence naming the file, with the technical message kept for
//! a folded "Details". Every import door that reports per file (the app's
//! import; `Store::import_each`) words its refusals here.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, ErrorCode};

/// A file's signer is not the key pinned for its author: both fingerprints,
/// for the person to compare with the author before accepting the new key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KeyChange {
    /// Whose key changed (the session's interviewer, the plan's coordinator).
    pub who: String,
    /// The fingerprint of the key pinned here for them.
    pub pinned: String,
    /// The fingerprint of the key that signed this file.
    pub new: String,
}

/// One file of an import that was refused; nothing of it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Refusal {
    /// One plain sentence naming the file.
    pub line: String,
    /// The technical message (parser paths, ids, hashes), for "Details".
    pub detail: String,
    pub code: ErrorCode,
    /// Set when the only obstacle is a changed signing key, which the person
    /// may accept after checking both fingerprints with its owner.
    pub key_change: Option<KeyChange>,
    /// Set when the file's candidate id names another candidate here: the
    /// person decides whether to merge them or keep them apart.
    pub clash: bool,
}

/// Where in reading and importing a file it was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the bytes from disk.
    Read,
    /// Parsing and verifying the file (shape, hash, signature).
    Parse,
    /// Checking and importing what it holds.
    Import,
}

/// What the core's candidate-clash refusal says (`storage::import`).
pub const CLASH_MARK: &str = "choosing to merge them";

impl Refusal {
    /// The refusal of file `name` with `err` at `stage`; `key_change` when
    /// the import found a changed key.
    pub fn of(name: &str, stage: Stage, err: &Error, key_change: Option<KeyChange>) -> Refusal {
        let detail = err.to_string();
        let clash = stage == Stage::Import
            && err.code() == ErrorCode::Conflict
            && detail.contains(CLASH_MARK);
        let line = match (&key_change, stage) {
            (Some(k), _) => format!(
                "{name} is signed with a new key for {}: check both fingerprints with {} before accepting it.",
                k.who, k.who
            ),
            (None, _) if clash => format!(
                "{name} names a candidate whose id belongs to someone else here: choose whether they are the same person."
            ),
            (None, Stage::Read) => format!("{name} could not be read."),
            (None, Stage::Parse) => parse_line(name, &detail),
            (None, Stage::Import) => {
                format!("{name} was not imported: {}", sentence(reason(&detail)))
            }
        };
        Refusal {
            line,
            detail,
            code: err.code(),
            key_change,
            clash,
        }
    }
}

/// A parse-stage refusal for people: what the file is, not where the parser
/// stopped (that goes to the details).
fn parse_line(name: &str, detail: &str) -> String {
    if detail.contains("does not match") {
        format!("{name} was changed after it was exported, so it cannot be trusted: ask its author to export it again.")
    } else if detail.contains("the limit is") {
        format!("{name} is larger than a Panelist file can be.")
    } else if detail.contains("this Panelist reads") {
        format!("{name} was made by a newer Panelist: update Panelist to import it.")
    } else {
        format!("{name} is not a Panelist session or plan file, or it is damaged.")
    }
}

/// The core's message without its "session file for ID: " / "plan file for
/// ID at PATH: " label, which names the document by id (the file's name is
/// said already).
fn reason(detail: &str) -> &str {
    let first = detail.lines().next().unwrap_or(detail).trim();
    for label in ["session file for ", "plan file for "] {
        if let Some(rest) = first.strip_prefix(label) {
            if let Some((_, after)) = rest.split_once(": ") {
                return after;
            }
        }
    }
    first
}

/// One sentence: a capital-free start is kept, a final period added.
fn sentence(s: &str) -> String {
    let s = s.trim_end_matches(['.', ' ']);
    format!("{s}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_jargon_stays_in_the_details() {
        // A JSON object that is no Panelist file: serde's path ("hello") is
        // no words for people.
        let err = Error::Invalid(
            "session file at hello: unknown field `hello`, expected one of `format`, `version` at line 1 column 8".into(),
        );
        let r = Refusal::of("hello.json", Stage::Parse, &err, None);
        assert_eq!(
            r.line,
            "hello.json is not a Panelist session or plan file, or it is damaged."
        );
        assert!(!r.line.contains("(at "), "{}", r.line);
        assert!(r.detail.contains("unknown field"));
        assert!(!r.clash && r.key_change.is_none());
    }

    #[test]
    fn a_changed_key_names_the_person_and_keeps_both_fingerprints() {
        let err = Error::Conflict("session file for 0192: signed by key aaaa, but the key pinned for Mei Chen is bbbb; if Mei Chen has a new installation, confirm the new key with them and import again accepting it".into());
        let k = KeyChange {
            who: "Mei Chen".into(),
            pinned: "bbbb-bbbb-bbbb-bbbb".into(),
            new: "aaaa-aaaa-aaaa-aaaa".into(),
        };
        let r = Refusal::of("mei.json", Stage::Import, &err, Some(k.clone()));
        assert!(r
            .line
            .starts_with("mei.json is signed with a new key for Mei Chen"));
        assert_eq!(r.key_change, Some(k));
        assert_eq!(r.code, ErrorCode::Conflict);
    }

    #[test]
    fn other_refusals_say_why_without_the_document_id() {
        let err = Error::Invalid(
            "session file for 0192-abc: at session.entries[0].score: level 11 is outside 0–10"
                .into(),
        );
        let r = Refusal::of("x.json", Stage::Import, &err, None);
        assert_eq!(
            r.line,
            "x.json was not imported: at session.entries[0].score: level 11 is outside 0–10."
        );
        let clash = Error::Conflict(format!(
            "session file for 1: candidate id 2 is \"Lin Wei\" here but the file names \"Lin W.\"; import again {CLASH_MARK} (file it under \"Lin Wei\") or keep them apart"
        ));
        assert!(Refusal::of("c.json", Stage::Import, &clash, None).clash);
    }
}
