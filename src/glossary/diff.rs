//! Word-level differences between two versions of a definition text.

use async_graphql::{Enum, SimpleObject};
use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum DiffKind {
    Equal,
    Insert,
    Delete,
}

/// A run of words that is unchanged, inserted or deleted; runs of one kind are merged.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct DiffSegment {
    pub kind: DiffKind,
    pub text: String,
}

pub fn words(old: &str, new: &str) -> Vec<DiffSegment> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<DiffSegment> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => DiffKind::Equal,
            ChangeTag::Insert => DiffKind::Insert,
            ChangeTag::Delete => DiffKind::Delete,
        };
        match out.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => out.push(DiffSegment { kind, text: change.value().to_string() }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(segments: &[DiffSegment]) -> String {
        segments
            .iter()
            .map(|s| match s.kind {
                DiffKind::Equal => s.text.clone(),
                DiffKind::Insert => format!("[+{}]", s.text),
                DiffKind::Delete => format!("[-{}]", s.text),
            })
            .collect()
    }

    #[test]
    fn a_replaced_word_is_a_delete_and_an_insert() {
        let d =
            words("Personen mit ausländischer Staatsangehörigkeit", "Personen mit nichtdeutscher Staatsangehörigkeit");
        assert_eq!(render(&d), "Personen mit [-ausländischer][+nichtdeutscher] Staatsangehörigkeit");
    }

    #[test]
    fn appended_words_are_one_insert() {
        let d = words("Zugewanderte", "Zugewanderte seit 1950 und ihre Kinder");
        assert_eq!(d[0], DiffSegment { kind: DiffKind::Equal, text: "Zugewanderte".into() });
        assert_eq!(d[1], DiffSegment { kind: DiffKind::Insert, text: " seit 1950 und ihre Kinder".into() });
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn identical_texts_are_one_equal_segment_and_empty_ones_nothing() {
        assert_eq!(words("a b c", "a b c"), vec![DiffSegment { kind: DiffKind::Equal, text: "a b c".into() }]);
        assert!(words("", "").is_empty());
    }

    #[test]
    fn joining_old_and_new_sides_gives_back_the_texts() {
        let (old, new) =
            ("eine Person hat eine Migrationsgeschichte", "jede Person hat keine Migrationsgeschichte mehr");
        let d = words(old, new);
        let side = |skip: DiffKind| d.iter().filter(|s| s.kind != skip).map(|s| s.text.as_str()).collect::<String>();
        assert_eq!(side(DiffKind::Insert), old);
        assert_eq!(side(DiffKind::Delete), new);
    }
}
