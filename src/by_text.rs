//! Values computed from a text, kept by that text with the most recently used first, within a
//! byte budget: for work that clients and pages ask for again and again with the same text.

use std::sync::{Arc, Mutex, PoisonError};

/// A cache of `V`s by the text they were computed from. Each entry is charged a weight in bytes
/// (its text and what its value holds) plus [`ENTRY_BYTES`]; entries above `max_entry` are not
/// kept, and the least recently used go once the weights pass `max_total`.
pub struct ByText<V> {
    inner: Mutex<Entries<V>>,
    max_entry: usize,
    max_total: usize,
}

/// What an entry costs besides its weight (its list node, table slot, key and `Arc`), charged
/// too, so that many tiny entries stay within the budget as well.
pub const ENTRY_BYTES: usize = 256;

struct Entries<V> {
    by_text: lru::LruCache<Box<str>, (Arc<V>, usize)>,
    weight: usize,
}

impl<V> ByText<V> {
    pub fn new(max_entry: usize, max_total: usize) -> Self {
        Self { inner: Mutex::new(Entries { by_text: lru::LruCache::unbounded(), weight: 0 }), max_entry, max_total }
    }

    pub fn get(&self, text: &str) -> Option<Arc<V>> {
        self.lock().by_text.get(text).map(|(value, _)| value.clone())
    }

    /// Keeps the value `make` builds for `text`, charged `weight` bytes, unless that is more than
    /// one entry may weigh (then `make` is not called).
    pub fn keep(&self, text: &str, weight: usize, make: impl FnOnce() -> V) {
        if weight <= self.max_entry {
            self.put(text, Arc::new(make()), weight);
        }
    }

    fn put(&self, text: &str, value: Arc<V>, weight: usize) {
        if weight > self.max_entry {
            return;
        }
        let weight = weight + ENTRY_BYTES;
        let mut evicted = Vec::new();
        {
            let mut entries = self.lock();
            if entries.by_text.contains(text) {
                return;
            }
            entries.by_text.put(text.into(), (value, weight));
            entries.weight += weight;
            while entries.weight > self.max_total {
                let Some((_, (old, old_weight))) = entries.by_text.pop_lru() else { break };
                entries.weight -= old_weight;
                evicted.push(old);
            }
        }
        // Freed after the lock: a large value takes a while to free.
        drop(evicted);
    }

    /// The value for `text`, computed by `make` (outside the lock) when not kept; `weight` tells
    /// what a new one is charged.
    pub fn get_or_make(&self, text: &str, make: impl FnOnce() -> V, weight: impl FnOnce(&V) -> usize) -> Arc<V> {
        if let Some(value) = self.get(text) {
            return value;
        }
        let value = Arc::new(make());
        self.put(text, value.clone(), weight(&value));
        value
    }

    /// How many entries are kept and what they weigh.
    pub fn usage(&self) -> (usize, usize) {
        let entries = self.lock();
        (entries.by_text.len(), entries.weight)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries<V>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_and_then_shared() {
        let cache = ByText::new(100, 1_000);
        let mut made = 0;
        let mut ask = || {
            cache.get_or_make(
                "a",
                || {
                    made += 1;
                    "A".to_string()
                },
                |v| v.len() + 1,
            )
        };
        let (first, again) = (ask(), ask());
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(made, 1);
        assert_eq!(cache.usage(), (1, 2 + ENTRY_BYTES));
    }

    #[test]
    fn the_weights_stay_within_the_budget_and_the_newest_stay() {
        let cache = ByText::new(100, 10 * (90 + ENTRY_BYTES) + 50);
        for i in 0..50 {
            cache.keep(&format!("text {i}"), 90, || i);
        }
        let (count, weight) = cache.usage();
        assert_eq!((count, weight), (10, 10 * (90 + ENTRY_BYTES)));
        assert!(cache.get("text 49").is_some() && cache.get("text 40").is_some());
        assert!(cache.get("text 39").is_none(), "the least recently used went first");
    }

    #[test]
    fn an_entry_heavier_than_one_may_be_is_not_kept() {
        let cache = ByText::<()>::new(100, 1_000);
        cache.keep("big", 101, || unreachable!("not built when too heavy"));
        assert_eq!(cache.usage(), (0, 0));
        assert!(cache.get("big").is_none());
    }
}
