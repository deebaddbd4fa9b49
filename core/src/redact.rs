//! Redaction for anonymised committee packets.
//!
//! Every person name (the candidate's, as typed in each session, and each
//! interviewer's) is replaced by its pseudonym wherever it appears: as a
//! whole, and each of its words of two letters or more alone. Matching is on
//! word boundaries, ignores case and accents (`text::fold`), and is one pass
//! over the text, so a pseudonym is never rewritten. A name word that is
//! also an everyday English word ("Will", "Rose", "Mark") is replaced alone
//! only where it is capitalised, so "she will" stays as written. Every
//! replacement is counted for the person exporting; the packet itself only
//! says that free text may still identify someone.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::text::fold;

/// One name replaced, how often: shown to the person exporting, never put
/// in the packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Replacement {
    pub name: String,
    pub pseudonym: String,
    pub count: u32,
}

/// What every redacted packet says.
pub const WARNING: &str = "Names are replaced by pseudonyms, but free text (notes, summaries, reasons) can still identify the candidate or an interviewer; read it before sharing.";

struct Rule {
    words: Vec<String>,
    to: String,
    name: String,
    /// Match only where each word starts with a capital letter.
    capitalised: bool,
}

/// Replaces names in text; counts what it replaced.
pub struct Redactor {
    /// Whole names as typed, replaced literally first (longest first), so a
    /// name with punctuation in it goes as one piece.
    whole: Vec<(String, String)>,
    rules: Vec<Rule>,
    counts: BTreeMap<(String, String), u32>,
}

/// Words of a text with their byte spans: runs of letters and digits.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let in_word = c.is_alphanumeric()
            || (start.is_some() && unicode_normalization::char::is_combining_mark(c));
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

impl Redactor {
    /// `people`: (name, pseudonym) for every person to hide.
    pub fn new(people: &[(String, String)]) -> Redactor {
        let mut rules = Vec::new();
        for (name, to) in people {
            let spans = words(name);
            let ws: Vec<String> = spans.iter().map(|(a, b)| fold(&name[*a..*b])).collect();
            if ws.is_empty() {
                continue;
            }
            rules.push(Rule {
                words: ws.clone(),
                to: to.clone(),
                name: name.clone(),
                capitalised: ws.len() == 1 && is_common_word(&ws[0]),
            });
            if ws.len() > 1 {
                for (w, (a, b)) in ws.iter().zip(&spans) {
                    if w.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
                        rules.push(Rule {
                            words: vec![w.clone()],
                            to: to.clone(),
                            name: name[*a..*b].to_string(),
                            capitalised: is_common_word(w),
                        });
                    }
                }
            }
        }
        // Longest first, so "Ada Lovelace" wins over "Ada".
        rules.sort_by_key(|r| std::cmp::Reverse(r.words.len()));
        let mut whole: Vec<(String, String)> = people
            .iter()
            .map(|(n, to)| (n.trim().to_string(), to.clone()))
            .filter(|(n, _)| words(n).len() > 1 || n.chars().any(|c| !c.is_alphanumeric()))
            .collect();
        whole.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        whole.dedup();
        Redactor {
            whole,
            rules,
            counts: BTreeMap::new(),
        }
    }

    /// `text` with every name replaced.
    pub fn apply(&mut self, text: &str) -> String {
        // Whole names first, held as markers (private-use characters, never
        // part of a word) so the word pass cannot touch the pseudonym.
        let mut marked = text.to_string();
        let mut used: Vec<usize> = Vec::new();
        for (i, (name, _)) in self.whole.iter().enumerate() {
            if !name.is_empty() && marked.contains(name.as_str()) {
                let n = marked.matches(name.as_str()).count() as u32;
                marked = marked.replace(name.as_str(), &format!("\u{e000}{i}\u{e001}"));
                *self
                    .counts
                    .entry((name.clone(), self.whole[i].1.clone()))
                    .or_default() += n;
                used.push(i);
            }
        }
        let mut out = self.apply_words(&marked);
        for i in used {
            out = out.replace(&format!("\u{e000}{i}\u{e001}"), &self.whole[i].1);
        }
        out
    }

    fn apply_words(&mut self, text: &str) -> String {
        let spans = words(text);
        if spans.is_empty() || self.rules.is_empty() {
            return text.to_string();
        }
        let folded: Vec<String> = spans.iter().map(|(a, b)| fold(&text[*a..*b])).collect();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while i < spans.len() {
            let hit = self.rules.iter().find(|r| {
                let n = r.words.len();
                i + n <= spans.len()
                    && (0..n).all(|k| folded[i + k] == r.words[k])
                    && (1..n).all(|k| {
                        let gap = &text[spans[i + k - 1].1..spans[i + k].0];
                        gap.chars().count() <= 3
                            && gap
                                .chars()
                                .all(|c| c == ' ' || c == '\u{a0}' || c == '.' || c == '-')
                    })
                    && (!r.capitalised
                        || (0..n).all(|k| {
                            text[spans[i + k].0..]
                                .chars()
                                .next()
                                .is_some_and(char::is_uppercase)
                        }))
            });
            match hit {
                Some(r) => {
                    let n = r.words.len();
                    out.push_str(&text[copied..spans[i].0]);
                    out.push_str(&r.to);
                    copied = spans[i + n - 1].1;
                    *self
                        .counts
                        .entry((r.name.clone(), r.to.clone()))
                        .or_default() += 1;
                    i += n;
                }
                None => i += 1,
            }
        }
        out.push_str(&text[copied..]);
        out
    }

    /// Every replacement made so far.
    pub fn replacements(&self) -> Vec<Replacement> {
        self.counts
            .iter()
            .map(|((name, pseudonym), count)| Replacement {
                name: name.clone(),
                pseudonym: pseudonym.clone(),
                count: *count,
            })
            .collect()
    }
}

/// Everyday English words that are also names: replaced alone only where
/// capitalised.
fn is_common_word(w: &str) -> bool {
    const WORDS: &[&str] = &[
        "will", "may", "mark", "rose", "grace", "hope", "joy", "faith", "june", "april", "august",
        "art", "bill", "jack", "frank", "rich", "guy", "ray", "sky", "summer", "dawn", "pat",
        "sue", "rob", "chase", "hunter", "cook", "young", "king", "long", "white", "black",
        "brown", "green", "gray", "grey", "wood", "hill", "little", "love", "moon", "star",
        "storm", "page", "price", "lane", "bell", "hall", "park", "best", "bond", "gold", "case",
        "field", "north", "west", "south", "stone", "street", "banks", "rivers", "waters", "drew",
        "max", "miles", "rock", "reed", "read", "short", "small", "strong", "swift", "sweet",
        "well", "wells", "cash", "law", "house", "spring", "winter", "day", "sage", "dean", "gene",
        "ivy", "holly", "lily", "penny", "sandy", "carol", "fish", "don", "nick", "wade", "noble",
        "chance", "earnest", "brook", "cliff", "dale", "glen", "heath", "amber", "ruby", "pearl",
        "iris", "daisy", "violet", "sunny", "angel", "royal", "rusty", "sterling",
    ];
    WORDS.contains(&w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(people: &[(&str, &str)]) -> Redactor {
        let p: Vec<(String, String)> = people
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        Redactor::new(&p)
    }

    #[test]
    fn names_and_their_words_go_in_any_case_and_form() {
        let mut x = r(&[
            ("José Álvarez", "Candidate 1F"),
            ("Will Turner", "Interviewer A"),
        ]);
        assert_eq!(
            x.apply("JOSÉ ÁLVAREZ met jose; Álvarez said Will would ask. She will not."),
            "Candidate 1F met Candidate 1F; Candidate 1F said Interviewer A would ask. She will not."
        );
        assert_eq!(x.apply("Alvarez's answer"), "Candidate 1F's answer");
        assert_eq!(
            x.apply("Josélito stays"),
            "Josélito stays",
            "word boundaries"
        );
        assert_eq!(x.apply("Candidate 1F"), "Candidate 1F", "pseudonyms stay");
        let list = x.replacements();
        assert!(list
            .iter()
            .any(|r| r.name == "José Álvarez" && r.count == 1));
    }

    #[test]
    fn one_letter_names_are_replaced_whole_and_short_words_not_alone() {
        let mut x = r(&[("Q", "Candidate 09"), ("Al B", "Interviewer A")]);
        assert_eq!(
            x.apply("Q said to Al B"),
            "Candidate 09 said to Interviewer A"
        );
        assert_eq!(x.apply("a B grade"), "a B grade");
        assert_eq!(x.apply("ask Al"), "ask Interviewer A");
    }
}
