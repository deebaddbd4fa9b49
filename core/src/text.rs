//! Text folding for search (`fold`, `words`: the words of a name or role,
//! without accents and in lower case, so "José" is found by "jose" and
//! "JOSÉ"), and the identity of names (`name_key`, `person_name_problem`).
//!
//! Identity follows the Unicode standard, not a list of characters: the key
//! is NFKC_Casefold (Unicode §3.13, UAX #44), computed with ICU4X's
//! normalizer, full case folding and its Default_Ignorable_Code_Point and
//! General_Category data, so every invisible character the standard knows is
//! dropped, including ones nobody here thought of.

use std::borrow::Cow;

use icu_casemap::CaseMapper;
use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::{DefaultIgnorableCodePoint, GeneralCategory, GeneralCategoryGroup};
use icu_properties::{CodePointMapData, CodePointSetData};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds text for comparison: compatibility decomposition, accents removed,
/// lower case.
pub fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `c` is a Default_Ignorable_Code_Point (Unicode's own list of
/// characters that are invisible when not supported: zero-width spaces and
/// joiners, the soft hyphen, variation selectors 1–256, TAG characters,
/// Mongolian free variation selectors, …).
pub fn is_ignorable(c: char) -> bool {
    CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
}

/// Whether `c` is a control or format character (General_Category Cc or
/// Cf) other than whitespace. Format characters the standard leaves out of
/// Default_Ignorable_Code_Point (the interlinear annotation marks U+FFF9–
/// U+FFFB, prepended concatenation marks, Egyptian hieroglyph format
/// controls) are invisible in a name too.
pub fn is_control_or_format(c: char) -> bool {
    !c.is_whitespace()
        && matches!(
            CodePointMapData::<GeneralCategory>::new().get(c),
            GeneralCategory::Control | GeneralCategory::Format
        )
}

/// Whether `c` is a letter (General_Category L*).
/// Dash or connector punctuation (General_Category Pd or Pc: "-", "‐", "–",
/// "_", "‿", …): what may join the words of one name ("Lovelace-King").
pub fn is_joiner(c: char) -> bool {
    matches!(
        CodePointMapData::<GeneralCategory>::new().get(c),
        GeneralCategory::DashPunctuation | GeneralCategory::ConnectorPunctuation
    )
}

pub fn is_letter(c: char) -> bool {
    GeneralCategoryGroup::Letter.contains(CodePointMapData::<GeneralCategory>::new().get(c))
}

/// NFKC_Casefold of `text` (Unicode §3.13, toNFKC_Casefold): every
/// Default_Ignorable_Code_Point removed, compatibility forms mapped, full
/// case folding ("ẞ" and "ß" become "ss", "Σ" and "ς" become "σ"), in NFC.
/// Case folding and NFKC are applied until the text no longer changes, which
/// is the closure the standard's NFKC_Casefold property is defined by.
pub fn nfkc_casefold(text: &str) -> String {
    let nfkc = ComposingNormalizerBorrowed::new_nfkc();
    let fold = CaseMapper::new();
    let mut s: String = text.chars().filter(|c| !is_ignorable(*c)).collect();
    // The closure is reached in one or two rounds for every assigned
    // character; the bound only guards against a data change.
    for _ in 0..4 {
        let composed = nfkc.normalize(&s);
        let folded = fold.fold_string(&composed);
        let next: Cow<str> = nfkc.normalize(&folded);
        let next: String = next.chars().filter(|c| !is_ignorable(*c)).collect();
        if next == s {
            break;
        }
        s = next;
    }
    s
}

/// The key two person names (candidates, interviewers, signers) and two kit
/// names are compared by: NFKC_Casefold (`nfkc_casefold`), control and
/// format characters removed, every run of whitespace made one space,
/// trimmed.
/// Accents are kept: "José" and "Jose" may be different people, but "José"
/// typed as one character or as "e" plus a combining accent, "JOSÉ", "josé"
/// and "jo\u{200b}sé" are the same name.
pub fn name_key(name: &str) -> String {
    // Control and format characters go before normalising too: one between
    // a letter and its accent ("e", U+FFF9, U+0308) would keep them from
    // composing.
    let visible: String = name.chars().filter(|c| !is_control_or_format(*c)).collect();
    let folded: String = nfkc_casefold(&visible)
        .chars()
        .filter(|c| !is_control_or_format(*c))
        .collect();
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// One character folded loosely, for telling names that look or read alike
/// (redaction, and the look-alike checks of sealing and signer pinning).
/// Every whitespace character is one space; control and format characters
/// are nothing. Otherwise its NFKC_Casefold (empty for default ignorables),
/// decomposed, without combining marks, each letter or digit in ASCII
/// (deunicode) and lower case: "Ł" is "l", "ẞ" is "ss", "Σ" and "ς" are "s",
/// "ı" is "i". With `confusable`, a character outside ASCII is first
/// replaced by its Unicode TS #39 prototype (Cyrillic "С" by Latin "C"):
/// confusability is case-sensitive, so this is a second folding beside the
/// first, not part of it.
pub fn loose_fold(c: char, confusable: bool) -> String {
    if c.is_whitespace() {
        return " ".into();
    }
    if is_control_or_format(c) {
        return String::new();
    }
    if confusable && !c.is_ascii() {
        let prototype: String = unicode_security::skeleton(c.encode_utf8(&mut [0; 4])).collect();
        return prototype.chars().map(|p| loose_fold(p, false)).collect();
    }
    let mut out = String::new();
    for ch in nfkc_casefold(c.encode_utf8(&mut [0; 4])).nfd() {
        if ch.is_ascii() {
            out.push(ch.to_ascii_lowercase());
        } else if is_combining_mark(ch) {
            // Accents go: "José" is "jose".
        } else if ch.is_alphanumeric() {
            match deunicode::deunicode_char(ch) {
                Some(t) => out.extend(t.chars().map(|a| a.to_ascii_lowercase())),
                None => out.extend(ch.to_lowercase()),
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// The two loose keys of a name (plain and confusable `loose_fold`,
/// whitespace collapsed, trimmed). Names with the same identity key have the
/// same loose keys; "Søren" and "Soren", "IŞIL" and "Işıl", "Grace" and
/// "Grасe" with Cyrillic letters share one too. A loose match is never an
/// identity: it only makes sealing and signer pinning more careful.
pub fn look_keys(name: &str) -> [String; 2] {
    [false, true].map(|confusable| {
        let folded: String = name.chars().map(|c| loose_fold(c, confusable)).collect();
        folded.split_whitespace().collect::<Vec<_>>().join(" ")
    })
}

/// Whether two names share a loose key.
pub fn look_alike(a: &str, b: &str) -> bool {
    let (a, b) = (look_keys(a), look_keys(b));
    (!a[0].is_empty() && a[0] == b[0]) || (!a[1].is_empty() && a[1] == b[1])
}

/// What is wrong with a person's name, if anything: its key must keep at
/// least one letter (General_Category L*), so a name made only of invisible
/// characters, spaces, digits or punctuation is refused.
pub fn person_name_problem(name: &str) -> Option<&'static str> {
    let key = name_key(name);
    if key.is_empty() {
        Some("a name must not be empty or made only of invisible characters")
    } else if !key.chars().any(is_letter) {
        Some("a name needs at least one letter")
    } else {
        None
    }
}

/// The distinct folded words of `text` (runs of letters and digits).
pub fn words(text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut out: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_compatibility_forms() {
        assert_eq!(fold("José"), "jose");
        assert_eq!(fold("Jose\u{301}"), "jose");
        assert_eq!(fold("JOSÉ"), "jose");
        assert_eq!(fold("ﬁle"), "file");
    }

    #[test]
    fn name_keys_ignore_form_case_spacing_and_invisible_characters() {
        let k = name_key("José Álvarez");
        assert_eq!(name_key("Jose\u{301} A\u{301}lvarez"), k);
        assert_eq!(name_key("JOSÉ ÁLVAREZ"), k);
        assert_eq!(name_key("  José\u{a0}\u{a0}Álvarez "), k);
        assert_eq!(name_key("José\u{200b} Álvarez"), k);
        assert_eq!(name_key("José\tÁlvarez"), k);
        assert_eq!(name_key("STRAßE"), name_key("strasse"));
        assert_ne!(name_key("Jose Alvarez"), k, "accents are kept");
        assert_eq!(name_key("\u{200b}\u{0}"), "");
        // Found by the generated tests: a format character between a
        // letter and its combining accent.
        assert_eq!(name_key("Zoe\u{fff9}\u{308}"), name_key("Zoë"));
    }

    #[test]
    fn splits_into_distinct_words() {
        assert_eq!(
            words("Ada  Lovelace-King, ada"),
            vec!["ada", "king", "lovelace"]
        );
        assert!(words("  -- ").is_empty());
    }
}
