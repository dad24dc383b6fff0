//! Lists put in order for screens and figures, all through one sort.

/// What every list sorts by: a number, a second number, a text. One key type keeps one copy of the
/// standard library's sort in the wasm; each `sort_by_key` with its own key or closure is another
/// (about 1 KiB brotli each).
pub type SortKey = (i64, i64, String);

/// `items` in the order of `key`; items with equal keys keep their order, as with `sort_by_key`.
pub fn ordered<T>(items: Vec<T>, key: impl Fn(&T) -> SortKey) -> Vec<T> {
    let mut keys: Vec<(SortKey, usize)> =
        items.iter().enumerate().map(|(i, t)| (key(t), i)).collect();
    keys.sort();
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    keys.into_iter()
        .filter_map(|(_, i)| slots[i].take())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_keep_their_order() {
        let items = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        let mut expected = items.clone();
        expected.sort_by_key(|i| i.0);
        assert_eq!(ordered(items, |i| (i.0, 0, String::new())), expected);
    }
}
