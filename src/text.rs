//! The one rule for text that comes in from outside: GraphQL inputs, imports, the CLI, the login.
//!
//! Every input is brought to NFC and trimmed, then checked by its kind:
//! - a [`Line`] (names, titles, labels, reasons, search queries) is one line without control
//!   characters and without invisible format characters: no bidi overrides, embeddings, isolates
//!   or marks (U+202A–202E, U+2066–2069, U+200E/200F, U+061C) and no zero-width characters
//!   (U+200B–200D, U+2060, U+FEFF), so that two names that look the same are the same and a name
//!   cannot reorder the text around it where it is shown; and no word mixes Latin with Cyrillic
//!   letters, the classic look-alikes ("Аusländer" with a Cyrillic А);
//! - [`Lines`] (comments, definitions, descriptions) may hold newlines and tabs (CR LF and CR
//!   become LF) and the format characters some scripts and emoji need, but no other control
//!   characters and no bidi embeddings or overrides (U+202A–202E), which reorder everything up to
//!   the end of the paragraph;
//! - both are bounded in characters after normalising; a breach is `VALIDATION` naming the field.
//!
//! A NUL byte, which PostgreSQL refuses and SQLite stores, is a control character like any other.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};

use crate::error::{Error, Result};

/// A one-line text of at most this many characters.
#[derive(Debug, Clone, Copy)]
pub struct Line(pub usize);

/// A multi-line text of at most this many characters.
#[derive(Debug, Clone, Copy)]
pub struct Lines(pub usize);

/// Names of people, organisations; labels and synonyms of terms.
pub const NAME: Line = Line(200);
/// Titles of editions, goals, proposals, processes, reports; short reasons and references.
pub const TITLE: Line = Line(300);
/// What a search field takes: longer queries find nothing a shorter one would not.
pub const SEARCH: Line = Line(200);
/// Comments, definitions, descriptions, rationales, notes.
pub const TEXT: Lines = Lines(10_000);
/// Report texts and goal descriptions, which may run longer.
pub const LONG_TEXT: Lines = Lines(20_000);

const MAX_EMAIL: usize = 254;
const MAX_LINK: usize = 2000;

impl Line {
    /// A required line: empty (after trimming) is refused.
    pub fn required(self, field: &str, raw: &str) -> Result<String> {
        let t = self.check(field, raw)?;
        if t.is_empty() {
            return Err(Error::validation(field, "must not be empty"));
        }
        Ok(t)
    }

    /// An optional line: absent or empty is `None`.
    pub fn optional(self, field: &str, raw: Option<&str>) -> Result<Option<String>> {
        let Some(raw) = raw else { return Ok(None) };
        let t = self.check(field, raw)?;
        Ok((!t.is_empty()).then_some(t))
    }

    fn check(self, field: &str, raw: &str) -> Result<String> {
        let t = normalise(field, raw, self.0)?;
        if let Some(c) = t.chars().find(|c| c.is_control()) {
            return Err(Error::validation(field, format!("must be one line without control characters ({})", code(c))));
        }
        if let Some(c) = t.chars().find(|c| invisible(*c)) {
            return Err(Error::validation(
                field,
                format!("must not contain invisible or direction-changing characters ({})", code(c)),
            ));
        }
        if let Some(word) = mixed_script_word(&t) {
            return Err(Error::validation(
                field,
                format!("{word:?} mixes Latin and Cyrillic letters that look alike; type it in one script"),
            ));
        }
        Ok(t)
    }
}

/// The first word that mixes Latin and Cyrillic letters, where look-alikes deceive most. Other
/// scripts mix legitimately: Japanese writes Han and Kana in one word, units write µg and kΩ.
fn mixed_script_word(t: &str) -> Option<&str> {
    t.split(|c: char| !c.is_alphanumeric()).find(|word| {
        let mut seen = None;
        word.chars()
            .filter_map(|c| Some(c.script()).filter(|s| matches!(s, Script::Latin | Script::Cyrillic)))
            .any(|s| *seen.get_or_insert(s) != s)
    })
}

impl Lines {
    /// A required text: empty (after trimming) is refused.
    pub fn required(self, field: &str, raw: &str) -> Result<String> {
        let t = self.or_empty(field, raw)?;
        if t.is_empty() {
            return Err(Error::validation(field, "must not be empty"));
        }
        Ok(t)
    }

    /// An optional text: absent or empty is `None`.
    pub fn optional(self, field: &str, raw: Option<&str>) -> Result<Option<String>> {
        let Some(raw) = raw else { return Ok(None) };
        let t = self.or_empty(field, raw)?;
        Ok((!t.is_empty()).then_some(t))
    }

    /// A text that may be empty.
    pub fn or_empty(self, field: &str, raw: &str) -> Result<String> {
        let unified = if raw.contains('\r') { raw.replace("\r\n", "\n").replace('\r', "\n") } else { raw.to_string() };
        let t = normalise(field, &unified, self.0)?;
        if let Some(c) = t.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
            return Err(Error::validation(field, format!("must not contain control characters ({})", code(c))));
        }
        if let Some(c) = t.chars().find(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2028}' | '\u{2029}')) {
            return Err(Error::validation(field, format!("must not contain direction overrides ({})", code(c))));
        }
        Ok(t)
    }
}

/// NFC, trimmed, and bounded in characters. Very long input is refused before it is normalised.
fn normalise(field: &str, raw: &str, max: usize) -> Result<String> {
    let too_long = || Error::validation(field, format!("at most {max} characters"));
    // Composing shortens a text at most threefold (Hangul jamo), so longer input cannot fit.
    if raw.trim().chars().count() > max.saturating_mul(3) {
        return Err(too_long());
    }
    let t: String = raw.nfc().collect();
    let t = t.trim();
    if t.chars().count() > max {
        return Err(too_long());
    }
    Ok(t.to_string())
}

/// Format characters (zero-width, bidi controls, soft hyphen, BOM, tags …) and line or
/// paragraph separators: invisible, or able to reorder what is shown around them.
pub fn invisible(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Format | GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator
    ) || matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{180E}')
}

fn code(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// An email address as stored: NFC, trimmed, lower case, `local@domain.tld`, at most 254 characters.
pub fn email(field: &str, raw: &str) -> Result<String> {
    let bad = || Error::validation(field, "not a valid email address");
    let email = Line(MAX_EMAIL).check(field, raw).map_err(|_| bad())?.to_lowercase();
    let valid = email.len() <= MAX_EMAIL
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if valid { Ok(email) } else { Err(bad()) }
}

/// A link a browser may follow: absolute http or https only (no `javascript:`, `data:`, `file:` …).
pub fn web_link(field: &str, raw: &str) -> Result<String> {
    let t = Line(MAX_LINK).required(field, raw)?;
    let parsed = url::Url::parse(&t).map_err(|_| Error::validation(field, "not a valid URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::validation(field, "must be an http or https URL"));
    }
    if parsed.as_str().chars().count() > MAX_LINK {
        return Err(Error::validation(field, format!("at most {MAX_LINK} characters")));
    }
    Ok(parsed.to_string())
}

/// An optional link: absent or empty is `None`.
pub fn optional_web_link(field: &str, raw: Option<&str>) -> Result<Option<String>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(l) => web_link(field, l).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: Error) -> String {
        match e {
            Error::Validation { field, .. } => field,
            other => panic!("not a validation error: {other}"),
        }
    }

    #[test]
    fn lines_are_nfc_and_trimmed() {
        assert_eq!(NAME.required("name", "  Amt für Statistik ").unwrap(), "Amt für Statistik");
        // A decomposed umlaut is stored composed, so it compares equal with a typed one.
        assert_eq!(NAME.required("name", "Ausla\u{308}nder").unwrap(), "Ausländer");
        assert_eq!(NAME.optional("name", Some("   ")).unwrap(), None);
        assert_eq!(NAME.optional("name", None).unwrap(), None);
        assert_eq!(field_of(NAME.required("label", "  ").unwrap_err()), "label");
    }

    #[test]
    fn lines_refuse_controls_bidi_and_zero_width_characters() {
        let bad = [
            "a\u{0}b",
            "a\nb",
            "a\tb",
            "a\rb",
            "a\u{7F}b",
            "a\u{85}b",
            "Stadt\u{202E}tsiM",
            "\u{202A}x",
            "\u{202B}x",
            "\u{202C}x",
            "\u{202D}x",
            "\u{2066}x\u{2069}",
            "\u{2067}x",
            "\u{2068}x",
            "x\u{200E}",
            "x\u{200F}y",
            "x\u{061C}y",
            "Aus\u{200B}länder",
            "Aus\u{200C}länder",
            "Aus\u{200D}länder",
            "Aus\u{2060}länder",
            "Aus\u{FEFF}länder",
            "Aus\u{AD}länder",
            "a\u{2028}b",
            "a\u{2029}b",
            "a\u{E0041}b",
            "Hangul\u{3164}filler",
        ];
        for raw in bad {
            let e = NAME.required("name", raw).unwrap_err();
            assert_eq!(e.code(), "VALIDATION", "{raw:?}");
            assert_eq!(field_of(e), "name", "{raw:?}");
        }
        // A leading BOM is not whitespace: it is refused, not silently kept.
        assert!(NAME.required("name", "\u{FEFF}Anna").is_err());
    }

    #[test]
    fn words_mixing_latin_and_cyrillic_look_alikes_are_refused() {
        for spoof in ["\u{410}usländer", "Ausl\u{430}nder", "Amt f\u{43E}r Statistik", "\u{440}aypal"] {
            let e = NAME.required("label", spoof).unwrap_err();
            assert_eq!(field_of(e), "label", "{spoof:?}");
        }
        for ok in [
            "Беженец",
            "Café Москва",
            "Ψ-Labor",
            "αTocopherol",
            "µg/m³",
            "kΩ",
            "Δ 2024",
            "東京タワー",
            "ひらがなカタカナ漢字",
            "Straße 5a",
        ] {
            assert!(NAME.required("name", ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn lines_accept_ordinary_names_of_many_scripts() {
        for ok in [
            "Müller-Lüdenscheidt",
            "O'Brien",
            "Żółć",
            "Ağaoğlu",
            "محمد علي",
            "Беженец",
            "Ψ-Labor",
            "李小龍",
            "Nguyễn Thị Minh Khai",
            "Café ☕",
            "Integrationsrat (Beirat)",
        ] {
            assert!(NAME.required("name", ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn length_is_counted_in_characters_after_normalising() {
        assert!(NAME.required("name", &"ä".repeat(200)).is_ok());
        assert!(NAME.required("name", &"a\u{308}".repeat(200)).is_ok(), "200 composed characters");
        assert!(NAME.required("name", &"x".repeat(201)).is_err());
        let e = SEARCH.optional("search", Some(&"x".repeat(60_000))).unwrap_err();
        assert_eq!(field_of(e), "search");
        assert!(TEXT.required("body", &"x".repeat(10_000)).is_ok());
        assert!(TEXT.required("body", &"x".repeat(10_001)).is_err());
        // Much longer input is refused before it is normalised.
        assert!(TEXT.required("body", &"y".repeat(1_000_000)).is_err());
    }

    #[test]
    fn texts_keep_newlines_and_tabs_and_unify_line_ends() {
        assert_eq!(TEXT.required("body", " Zeile 1\r\nZeile 2\rZeile\t3 \n").unwrap(), "Zeile 1\nZeile 2\nZeile\t3");
        assert_eq!(TEXT.or_empty("description", "  ").unwrap(), "");
        assert_eq!(TEXT.optional("note", Some("")).unwrap(), None);
        assert!(TEXT.required("body", "").is_err());
        // Emoji sequences and Persian need zero-width joiners in running text.
        assert!(TEXT.required("body", "👩\u{200D}👩\u{200D}👧 می\u{200C}خواهم").is_ok());
    }

    #[test]
    fn texts_refuse_nul_other_controls_and_overrides() {
        for raw in ["a\u{0}b", "a\u{8}b", "a\u{1B}[31mb", "a\u{9F}b", "x\u{202E}y", "x\u{202A}y", "a\u{2028}b"] {
            let e = TEXT.required("body", raw).unwrap_err();
            assert_eq!(field_of(e), "body", "{raw:?}");
        }
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(email("email", "  Anna@Stadt-Muenster.DE ").unwrap(), "anna@stadt-muenster.de");
        for bad in [
            "",
            "anna",
            "anna@",
            "@stadt.de",
            "anna@stadt",
            "anna@.de",
            "anna@stadt.",
            "an na@stadt.de",
            "a@b@c.de",
            "anna\u{0}@stadt.de",
            "anna@stadt.de\u{0}",
            "anna\u{200B}@stadt.de",
            "anna@stadt\u{202E}ed.",
        ] {
            let e = email("email", bad).unwrap_err();
            assert_eq!(field_of(e), "email", "{bad:?}");
        }
        assert!(email("email", &format!("{}@stadt.de", "a".repeat(250))).is_err());
    }

    #[test]
    fn links_are_http_or_https_only() {
        assert_eq!(web_link("link", " https://stadt.de/rat?x=1 ").unwrap(), "https://stadt.de/rat?x=1");
        assert!(web_link("link", "http://example.org").is_ok());
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\u{0}script:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "ftp://stadt.de",
            "//stadt.de",
            "/relative",
            "stadt.de",
            "https://",
            "",
        ] {
            let e = web_link("link", bad).unwrap_err();
            assert_eq!(field_of(e), "link", "{bad:?}");
        }
        assert_eq!(optional_web_link("link", Some("  ")).unwrap(), None);
        assert!(web_link("link", &format!("https://stadt.de/{}", "x".repeat(2000))).is_err());
    }
}
