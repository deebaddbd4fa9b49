//! Redaction for anonymised committee packets.
//!
//! Every person name (the candidate's, as typed in each session, and each
//! interviewer's) is replaced by its pseudonym wherever it appears: as a
//! whole, and each of its words of two letters or more alone. It errs toward
//! over-redacting rather than leaking:
//!
//! - Text and names are compared in a folded form, character by character:
//!   the identity key's NFKC_Casefold (`text::nfkc_casefold`: case, width and
//!   compatibility forms, every Default_Ignorable_Code_Point dropped, so
//!   "G\u{200b}race" and "Love\u{ad}lace" are "grace" and "lovelace"),
//!   accents dropped, then an ASCII transliteration ("Łukasz Żółć" is
//!   "lukasz zolc", "Søren" is "soren", "Đorđe" is "dorde", "IŞIL" and
//!   "Işıl" are "isil", Greek and Cyrillic are spelled out). A second
//!   folding first maps each character outside ASCII to its confusable
//!   prototype (Unicode TS #39 skeleton: Cyrillic "а" is Latin "a"); a name
//!   found by either is replaced. Names are also matched by their own ASCII
//!   transliteration ("Νίκος" finds "Nikos").
//! - A match must start and end on word boundaries of the original text,
//!   where only letters continue a word: "ada1@x.com" and "grace@corp.com"
//!   are matched, "Josélito" is not "José". In scripts written without
//!   spaces (Han, Kana, Thai…) no boundary is asked for.
//! - A name word that is also an everyday word is replaced in any case:
//!   with Will in the packet, "ask will about it" becomes "ask Interviewer A
//!   about it". Nobody keeps a list of such words.
//! - Words of one person's name separated only by a space, dot, hyphen or
//!   underscore ("lukasz.zolc") become one pseudonym.
//!
//! Each text is folded (once per folding), with a map from every folded byte
//! back to the original character, and searched once per folding with one
//! Aho–Corasick automaton holding every name form: the cost is linear in the
//! text, whatever the number of names. Pseudonyms already in the text are recognised by the same
//! automaton and never rewritten. Every replacement is counted for the person
//! exporting; the packet itself only says that free text may still identify
//! someone (redaction cannot know nicknames or names it was never given).

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;
use ts_rs::TS;
use unicode_script::{Script, UnicodeScript};

use unicode_normalization::char::is_combining_mark;

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

/// What one automaton pattern stands for.
#[derive(Debug, Clone)]
struct Pattern {
    /// Index into `Redactor::people`; `None` for a pseudonym, kept as it is.
    person: Option<usize>,
    /// The name or word as given, for the list of replacements.
    label: String,
}

/// Replaces names in text; counts what it replaced.
pub struct Redactor {
    /// (name, pseudonym) of each distinct person.
    people: Vec<(String, String)>,
    patterns: Vec<Pattern>,
    /// The plain folding and the confusable one, each with its automaton.
    scans: Vec<Scan>,
    counts: BTreeMap<(String, String), u32>,
}

/// One folding of the text and the automaton over the patterns folded the
/// same way.
struct Scan {
    folder: Folder,
    automaton: AhoCorasick,
    /// The pattern (index into `Redactor::patterns`) of each automaton
    /// pattern.
    ids: Vec<usize>,
}

/// The folding of single characters, remembered (a text folds each of its
/// characters through here): a table for ASCII, a map for the rest.
struct Folder {
    /// Also map look-alikes from other scripts to their TS #39 prototype.
    skeleton: bool,
    ascii: Vec<Box<str>>,
    cache: HashMap<char, Box<str>>,
}

impl Folder {
    fn new(skeleton: bool) -> Folder {
        Folder {
            skeleton,
            ascii: (0u8..128).map(|b| fold_one(char::from(b), false)).collect(),
            cache: HashMap::new(),
        }
    }
}

/// The folded form of one character: `text::loose_fold`.
fn fold_one(c: char, skeleton: bool) -> Box<str> {
    crate::text::loose_fold(c, skeleton).into_boxed_str()
}

impl Folder {
    fn fold_char(&mut self, c: char) -> &str {
        if c.is_ascii() {
            return &self.ascii[c as usize];
        }
        let skeleton = self.skeleton;
        self.cache.entry(c).or_insert_with(|| fold_one(c, skeleton))
    }

    /// `text` folded, with the original character behind each folded byte
    /// (an index into `chars`) and whether that byte begins its character's
    /// folded form. Runs of whitespace fold to one space.
    fn fold(&mut self, text: &str) -> Folded {
        let mut f = Folded {
            folded: String::with_capacity(text.len()),
            origin: Vec::with_capacity(text.len()),
            first: Vec::with_capacity(text.len()),
            chars: Vec::with_capacity(text.len()),
            empty: Vec::with_capacity(text.len()),
        };
        for (at, c) in text.char_indices() {
            let i = f.chars.len();
            f.chars.push((at, c));
            let part = self.fold_char(c);
            f.empty.push(part.is_empty());
            let part = if part.as_bytes() == b" " && f.folded.ends_with(' ') {
                ""
            } else {
                part
            };
            for (k, _) in part.bytes().enumerate() {
                f.origin.push(i);
                f.first.push(k == 0);
            }
            f.folded.push_str(part);
        }
        f
    }
}

struct Folded {
    folded: String,
    origin: Vec<usize>,
    first: Vec<bool>,
    /// (byte offset, character) of the original text.
    chars: Vec<(usize, char)>,
    /// Whether each original character folds to nothing (invisible
    /// characters, combining marks); a space folded into the one before it
    /// is not.
    empty: Vec<bool>,
}

/// Runs of letters and digits (with the marks that follow them) of a name,
/// as byte spans.
fn name_words(name: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in name.char_indices() {
        let in_word = c.is_alphanumeric()
            || (start.is_some() && is_combining_mark(c))
            || (start.is_some() && crate::text::is_ignorable(c));
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
        out.push((s, name.len()));
    }
    out
}

/// Scripts written without spaces between words: a name there needs no
/// word boundary.
fn unspaced(c: char) -> bool {
    matches!(
        c.script(),
        Script::Han
            | Script::Hiragana
            | Script::Katakana
            | Script::Thai
            | Script::Lao
            | Script::Khmer
            | Script::Myanmar
            | Script::Tibetan
            | Script::Yi
    )
}

/// Whether `c` continues a word next to a name: letters and marks do;
/// digits, punctuation and spaces do not.
fn continues_word(c: char) -> bool {
    c.is_alphabetic() || is_combining_mark(c)
}

/// Whether `c` folds to nothing: default ignorables, control and format
/// characters, combining marks.
fn invisible(c: char) -> bool {
    crate::text::loose_fold(c, false).is_empty()
}

/// A match in original-text terms.
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    pattern: usize,
}

impl Redactor {
    /// `people`: (name, pseudonym) for every person to hide. Repeated
    /// entries cost nothing: each distinct person is kept once.
    pub fn new(people: &[(String, String)]) -> Redactor {
        let mut distinct: Vec<(String, String)> = Vec::new();
        let mut seen: HashMap<(&str, &str), ()> = HashMap::new();
        for (name, to) in people {
            if seen.insert((name.as_str(), to.as_str()), ()).is_none() {
                distinct.push((name.clone(), to.clone()));
            }
        }
        // Each pattern with the text it is folded from.
        let mut raw: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut add = |text: &str, p: Pattern| {
            raw.push(text.to_string());
            patterns.push(p);
        };
        // Pseudonyms first: at equal length a pseudonym wins, so it stays.
        let mut pseudonyms: Vec<&str> = distinct.iter().map(|(_, to)| to.as_str()).collect();
        pseudonyms.sort();
        pseudonyms.dedup();
        for to in pseudonyms {
            add(
                to,
                Pattern {
                    person: None,
                    label: to.to_string(),
                },
            );
        }
        for (i, (name, _)) in distinct.iter().enumerate() {
            let name = name.trim();
            // The name as given, and its ASCII transliteration (the text is
            // folded letter by letter, which spells Greek "Νίκος" by its
            // look-alikes; the transliteration also finds "Nikos").
            let ascii = deunicode::deunicode(name);
            for (whole, word) in [(name, false), (ascii.as_str(), false), (name, true)]
                .into_iter()
                .chain([(ascii.as_str(), true)])
            {
                let words = name_words(whole);
                if !word {
                    add(
                        whole,
                        Pattern {
                            person: Some(i),
                            label: name.to_string(),
                        },
                    );
                } else if words.len() > 1 {
                    for (a, b) in words {
                        let w = &whole[a..b];
                        if w.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
                            add(
                                w,
                                Pattern {
                                    person: Some(i),
                                    label: w.to_string(),
                                },
                            );
                        }
                    }
                }
            }
        }
        let mut scans = Vec::new();
        for skeleton in [false, true] {
            let mut folder = Folder::new(skeleton);
            let mut forms: Vec<String> = Vec::new();
            let mut ids = Vec::new();
            for (k, text) in raw.iter().enumerate() {
                let f = folder.fold(text).folded;
                let f = f.trim_matches(' ');
                if !f.is_empty() {
                    forms.push(f.to_string());
                    ids.push(k);
                }
            }
            if forms.is_empty() {
                continue;
            }
            let automaton = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&forms)
                .expect("name patterns build an automaton");
            scans.push(Scan {
                folder,
                automaton,
                ids,
            });
        }
        Redactor {
            people: distinct,
            patterns,
            scans,
            counts: BTreeMap::new(),
        }
    }

    /// Every acceptable match of `f`, as original byte spans.
    fn hits(f: &Folded, ac: &AhoCorasick, ids: &[usize], out: &mut Vec<Hit>) {
        for m in ac.find_overlapping_iter(&f.folded) {
            let (fs, fe) = (m.start(), m.end());
            // Whole characters only: a match may not begin or end inside
            // one character's folded form ("ß" folds to "ss").
            if !f.first[fs] || (fe < f.folded.len() && !f.first[fe]) {
                continue;
            }
            let mut first = f.origin[fs];
            let mut last = f.origin[fe - 1];
            // Marks and invisible characters around the name belong to it.
            while first > 0 && f.empty[first - 1] {
                first -= 1;
            }
            while last + 1 < f.chars.len() && f.empty[last + 1] {
                last += 1;
            }
            let before = (0..first)
                .rev()
                .find(|&k| !f.empty[k])
                .map(|k| f.chars[k].1);
            let after = f.chars.get(last + 1).map(|x| x.1);
            let (c0, c1) = (f.chars[f.origin[fs]].1, f.chars[f.origin[fe - 1]].1);
            let open = match before {
                Some(b) => !continues_word(b) || unspaced(b) || unspaced(c0),
                None => true,
            };
            let close = match after {
                Some(a) => !continues_word(a) || unspaced(a) || unspaced(c1),
                None => true,
            };
            if open && close {
                let end = f.chars.get(last + 1).map_or(usize::MAX, |x| x.0);
                out.push(Hit {
                    start: f.chars[first].0,
                    end,
                    pattern: ids[m.pattern().as_usize()],
                });
            }
        }
    }

    /// `text` with every name replaced.
    pub fn apply(&mut self, text: &str) -> String {
        let mut hits = Vec::new();
        for scan in &mut self.scans {
            let f = scan.folder.fold(text);
            Self::hits(&f, &scan.automaton, &scan.ids, &mut hits);
        }
        if hits.is_empty() {
            return text.to_string();
        }
        for h in &mut hits {
            h.end = h.end.min(text.len());
        }
        // Leftmost, then longest, then the earlier pattern (pseudonyms are
        // first), without overlaps.
        hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.pattern));
        let mut chosen: Vec<Hit> = Vec::new();
        for h in hits {
            if chosen.last().is_some_and(|c| h.start < c.end) {
                continue;
            }
            chosen.push(h);
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut k = 0;
        while k < chosen.len() {
            let h = chosen[k];
            let Some(person) = self.patterns[h.pattern].person else {
                k += 1;
                continue;
            };
            // Words of one name joined by a short separator: one pseudonym.
            let mut end = h.end;
            let mut label = self.patterns[h.pattern].label.clone();
            while let Some(next) = chosen.get(k + 1) {
                let gap = &text[end..next.start];
                // Spaces of any length, invisible characters, and at most
                // three dots or dash / connector punctuation (Pd, Pc).
                let visible = |c: &char| !c.is_whitespace() && !invisible(*c);
                let joins = self.patterns[next.pattern].person == Some(person)
                    && !gap.is_empty()
                    && gap.chars().filter(visible).count() <= 3
                    && gap
                        .chars()
                        .filter(visible)
                        .all(|c| c == '.' || crate::text::is_joiner(c));
                if !joins {
                    break;
                }
                end = next.end;
                label = self.people[person].0.trim().to_string();
                k += 1;
            }
            let to = self.people[person].1.clone();
            out.push_str(&text[copied..h.start]);
            out.push_str(&to);
            copied = end;
            *self.counts.entry((label, to)).or_default() += 1;
            k += 1;
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
        // An everyday word that is a name in the packet goes too: this
        // errs toward over-redacting ("She will not" used to stay).
        assert_eq!(
            x.apply("JOSÉ ÁLVAREZ met jose; Álvarez said Will would ask. She will not."),
            "Candidate 1F met Candidate 1F; Candidate 1F said Interviewer A would ask. She Interviewer A not."
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

    #[test]
    fn a_word_joined_to_the_next_by_a_dot_is_one_name() {
        let mut x = r(&[("Łukasz Żółć", "Candidate 1F")]);
        assert_eq!(
            x.apply("mail lukasz.zolc@corp.com"),
            "mail Candidate 1F@corp.com"
        );
    }
}
