//! Word-level difference between two versions of a text (goals, definitions, comments).

use async_graphql::{Enum, SimpleObject};
use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum DiffKind {
    Equal,
    Insert,
    Delete,
}

/// A run of text that is equal in both versions, only in the newer one, or only in the older one.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct DiffSegment {
    pub kind: DiffKind,
    pub text: String,
}

/// Segments that, read in order and skipping DELETE (or INSERT), give the new (or old) text.
/// Adjacent changes of one kind are merged so that a client renders few, readable runs.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffSegment> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<DiffSegment> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => DiffKind::Equal,
            ChangeTag::Insert => DiffKind::Insert,
            ChangeTag::Delete => DiffKind::Delete,
        };
        let text = change.value();
        match out.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(text),
            _ => out.push(DiffSegment { kind, text: text.to_string() }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebuild(segments: &[DiffSegment], skip: DiffKind) -> String {
        segments.iter().filter(|s| s.kind != skip).map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn words_not_letters_change() {
        let old = "Alle Kinder lernen früh Deutsch.";
        let new = "Alle Kinder lernen früh Deutsch und ihre Herkunftssprache.";
        let d = word_diff(old, new);
        assert_eq!(rebuild(&d, DiffKind::Delete), new);
        assert_eq!(rebuild(&d, DiffKind::Insert), old);
        assert!(d.iter().any(|s| s.kind == DiffKind::Insert && s.text.contains("Herkunftssprache")));
        assert!(d.iter().all(|s| s.kind != DiffKind::Delete || !s.text.trim().is_empty()));
    }

    #[test]
    fn replaced_word_is_a_delete_and_an_insert() {
        let d = word_diff("Teilhabe für alle", "Teilhabe für viele");
        assert_eq!(d[0], DiffSegment { kind: DiffKind::Equal, text: "Teilhabe für ".into() });
        assert!(d.contains(&DiffSegment { kind: DiffKind::Delete, text: "alle".into() }));
        assert!(d.contains(&DiffSegment { kind: DiffKind::Insert, text: "viele".into() }));
    }

    #[test]
    fn identical_texts_are_one_equal_run() {
        assert_eq!(
            word_diff("gleich bleibt", "gleich bleibt"),
            vec![DiffSegment { kind: DiffKind::Equal, text: "gleich bleibt".into() }]
        );
        assert!(word_diff("", "").is_empty());
    }
}
