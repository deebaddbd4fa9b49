//! Text folding for search: the words of a name or role, without accents and
//! in lower case, so "José" is found by "jose" and "JOSÉ".

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

/// The key two candidate names are compared by: compatibility composition
/// (NFKC), invisible characters removed, every run of whitespace made one
/// space, trimmed, and full case folding. Accents are kept: "José" and
/// "Jose" may be different people, but "José" typed as one character or as
/// "e" plus a combining accent, "JOSÉ" and "josé" are the same name.
pub fn name_key(name: &str) -> String {
    let composed: String = name
        .nfkc()
        .filter(|c| !is_invisible(*c))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let collapsed = composed
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    // Full case folding: upper-casing first maps "ß" to "SS" and the like,
    // so that the lower-cased result is the same for every case variant.
    collapsed.to_uppercase().to_lowercase().nfkc().collect()
}

/// Characters that take no space and would make two equal-looking names
/// differ: zero-width spaces and joiners, the word joiner, the byte-order
/// mark, soft hyphens and other format controls.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{180E}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}' | '\u{FE00}'..='\u{FE0F}'
    ) || (c.is_control() && c != '\n' && c != '\t')
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
