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
    fn splits_into_distinct_words() {
        assert_eq!(
            words("Ada  Lovelace-King, ada"),
            vec!["ada", "king", "lovelace"]
        );
        assert!(words("  -- ").is_empty());
    }
}
