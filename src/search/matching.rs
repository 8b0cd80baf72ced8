//! How a query matches a text: the glossary's search key (`glossary::search::key`: case,
//! accents, ä → ae, ß → ss), loosened once more so that a query typed without umlauts and
//! without their spelled-out forms ("Auslander") still finds "Ausländer".

use crate::glossary::search::key;

/// The glossary's key with ae/oe/ue folded to a/o/u: "Ausländer", "Auslaender" and
/// "Auslander" all become "auslander".
pub fn loose(text: &str) -> String {
    key(text).replace("ae", "a").replace("oe", "o").replace("ue", "u")
}

/// A prepared query: its loose words, each of which must occur in the text.
pub struct Query {
    words: Vec<String>,
}

impl Query {
    /// `None` for a query with nothing to search for (only spaces or punctuation).
    pub fn new(raw: &str) -> Option<Self> {
        let words: Vec<String> = loose(raw).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect();
        (!words.is_empty()).then_some(Self { words })
    }

    /// How well `texts` (title first) match: 0 when the title holds every word, 1 when any
    /// text does, `None` when a word is missing from all of them.
    pub fn rank(&self, texts: &[&str]) -> Option<u8> {
        let keys: Vec<String> = texts.iter().map(|t| loose(t)).collect();
        if keys.first().is_some_and(|title| self.words.iter().all(|w| title.contains(w.as_str()))) {
            return Some(0);
        }
        let all = keys.join(" ");
        self.words.iter().all(|w| all.contains(w.as_str())).then_some(1)
    }
}

/// A short excerpt of `text`, at most `max` characters, cut at a word.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{} …", &cut[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umlauts_match_typed_any_way() {
        let q = Query::new("Auslander").unwrap();
        assert_eq!(q.rank(&["Ausländerinnen und Ausländer"]), Some(0));
        assert_eq!(q.rank(&["Auslaenderbehoerde"]), Some(0));
        assert_eq!(Query::new("AUSLÄNDER").unwrap().rank(&["auslander"]), Some(0));
        assert_eq!(Query::new("strasse").unwrap().rank(&["Straßensozialarbeit"]), Some(0));
    }

    #[test]
    fn every_word_must_occur_and_the_title_ranks_first() {
        let q = Query::new("Sprache Kita").unwrap();
        assert_eq!(q.rank(&["Sprache in der Kita"]), Some(0));
        assert_eq!(q.rank(&["Sprachförderung", "in jeder Kita Sprache"]), Some(1));
        assert_eq!(q.rank(&["Sprache"]), None);
        assert!(Query::new("  – ").is_none());
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("kurz", 10), "kurz");
        assert_eq!(excerpt("ein langer Satz mit Wörtern", 12), "ein langer …");
    }
}
