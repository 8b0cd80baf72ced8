//! The German people read where the server writes for them (downloads, mails, the audit log):
//! the words for the enums, each beside its enum and mostly the web app's
//! (`frontend/src/i18n/de.json`; the Abwägung's decisions are not yet: "berücksichtigt" here,
//! "Übernommen" there); and numbers of things, "1 Vorschlag" and "3 Vorschlägen", never
//! "1 Vorschlägen".

/// An enum's German label; the match in each impl is exhaustive, so a new variant needs a word.
pub trait German: Copy {
    fn german(self) -> &'static str;
}

/// Yes or no, as a cell.
pub fn yes_no(b: bool) -> &'static str {
    if b { "ja" } else { "nein" }
}

/// `n` and the noun in the singular (`one`) or the plural (`many`), in the case the sentence
/// asks for: `count(1, "Vorschlag", "Vorschlägen")` is "1 Vorschlag".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_takes_the_singular_and_every_other_number_the_plural() {
        assert_eq!(count(1, "Vorschlag", "Vorschlägen"), "1 Vorschlag");
        assert_eq!(count(0, "Vorschlag", "Vorschlägen"), "0 Vorschlägen");
        assert_eq!(count(2, "Benachrichtigung", "Benachrichtigungen"), "2 Benachrichtigungen");
    }
}
