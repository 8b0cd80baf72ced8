//! The search key of labels and synonyms: what `terms(search:)` compares, case- and accent-insensitive.
//!
//! German spellings without umlauts are common ("Auslaender", "Strasse"), so ä/ö/ü become ae/oe/ue
//! and ß becomes ss; other accents are dropped (é → e). Everything that is not a letter or digit
//! becomes one space, so the key never holds a `LIKE` wildcard and needs no escaping.
//!
//! The key is also what makes two labels the same term: compatibility forms (fullwidth letters,
//! ligatures) fold to their plain letters and invisible characters (zero-width, bidi controls) are
//! dropped, so a look-alike of an existing label is a duplicate.

use unicode_normalization::UnicodeNormalization;

pub fn key(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfc().filter(|c| !crate::text::invisible(*c)).flat_map(char::to_lowercase) {
        match c {
            'ä' => folded.push_str("ae"),
            'ö' => folded.push_str("oe"),
            'ü' => folded.push_str("ue"),
            'ß' | 'ẞ' => folded.push_str("ss"),
            other => folded.push(other),
        }
    }
    let mut out = String::with_capacity(folded.len());
    let mut space = false;
    for c in folded.nfkd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// How well a term matches a search key: lower is better; exact label or synonym first.
pub fn rank(query: &str, label_key: &str, synonym_keys: &[&str]) -> Option<u8> {
    let keys = || std::iter::once(label_key).chain(synonym_keys.iter().copied());
    if label_key == query {
        Some(0)
    } else if keys().any(|k| k == query) {
        Some(1)
    } else if keys().any(|k| k.starts_with(query)) {
        Some(2)
    } else if keys().any(|k| k.contains(query)) {
        Some(3)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umlauts_and_sharp_s_fold_to_their_spelled_out_forms() {
        assert_eq!(key("Ausländerin"), "auslaenderin");
        assert_eq!(key("Auslaenderin"), "auslaenderin");
        assert_eq!(key("AUSLÄNDERIN"), "auslaenderin");
        assert_eq!(key("Straße"), "strasse");
        assert_eq!(key("STRASSE"), "strasse");
        assert_eq!(key("Größe"), "groesse");
        assert_eq!(key("Übergang"), "uebergang");
    }

    #[test]
    fn accents_are_dropped_whatever_the_normal_form() {
        assert_eq!(key("Café"), "cafe");
        assert_eq!(key("Cafe\u{301}"), "cafe");
        assert_eq!(key("Ça"), "ca");
        // A decomposed umlaut is an umlaut too.
        assert_eq!(key("Ausla\u{308}nder"), "auslaender");
    }

    #[test]
    fn punctuation_and_spacing_collapse_so_no_wildcard_survives() {
        assert_eq!(key("  Ausländerin / Ausländer  "), "auslaenderin auslaender");
        assert_eq!(key("Migrations-\thintergrund"), "migrations hintergrund");
        assert_eq!(key("100% _x_"), "100 x");
        assert_eq!(key("%_"), "");
    }

    #[test]
    fn look_alikes_share_the_key() {
        let plain = key("Ausländer");
        for look_alike in [
            "Aus\u{200B}länder",
            "\u{FEFF}Ausländer",
            "Aus\u{AD}länder",
            "\u{202E}Ausländer",
            "Ａusländer",
            "ＡＵＳＬÄＮＤＥＲ",
            "Ausla\u{308}nder",
            "AUSLAENDER",
            "ausländer",
        ] {
            assert_eq!(key(look_alike), plain, "{look_alike:?}");
        }
        assert_eq!(key("ﬁnanzen"), "finanzen", "ligatures fold");
        assert_ne!(key("Ausländerin"), plain);
    }

    #[test]
    fn exact_matches_rank_before_prefixes_before_substrings() {
        assert_eq!(rank("migration", "migration", &[]), Some(0));
        assert_eq!(rank("mhg", "migrationshintergrund", &["mhg"]), Some(1));
        assert_eq!(rank("migration", "migrationshintergrund", &[]), Some(2));
        assert_eq!(rank("hintergrund", "migrationshintergrund", &[]), Some(3));
        assert_eq!(rank("x", "migrationshintergrund", &["mhg"]), None);
    }
}
