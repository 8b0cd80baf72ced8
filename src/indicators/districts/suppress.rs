//! Small numbers stay secret: which values of one period a public answer must hide so that no
//! count below the indicator's threshold can be read or recovered. Pure; every public path
//! (pages, report, downloads) goes through it.
//!
//! Primary suppression hides every value below the threshold. Secondary suppression then
//! makes sure a hidden cell cannot be recomputed as the total minus the other cells of its
//! dimension: a dimension with exactly one hidden cell also hides its smallest visible cell; if
//! it has none left to hide, the total goes. A hidden total hides every cell, since the cells
//! would add up to it.

/// What one period shows publicly: whether the total is hidden, and for each cell (in the
/// order given) whether it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub total: bool,
    pub cells: Vec<bool>,
}

impl Hidden {
    pub fn any(&self) -> bool {
        self.total || self.cells.iter().any(|c| *c)
    }
}

/// Decides which values of a period to hide: `total` is the period's value, `cells` the
/// breakdown as (dimension, value) pairs, `below` the threshold (values strictly below it go).
pub fn hide(total: f64, cells: &[(&str, f64)], below: f64) -> Hidden {
    let small = |v: f64| !v.is_finite() || v < below;
    let mut hidden = Hidden { total: small(total), cells: cells.iter().map(|(_, v)| small(*v)).collect() };
    let mut dimensions: Vec<&str> = cells.iter().map(|(d, _)| *d).collect();
    dimensions.sort_unstable();
    dimensions.dedup();
    // Each round hides at least one more value or stops, so this ends within cells + 1 rounds.
    loop {
        if hidden.total {
            hidden.cells.iter_mut().for_each(|c| *c = true);
            return hidden;
        }
        let mut changed = false;
        for dimension in &dimensions {
            let members: Vec<usize> = (0..cells.len()).filter(|i| cells[*i].0 == *dimension).collect();
            let hidden_here = members.iter().filter(|i| hidden.cells[**i]).count();
            if hidden_here != 1 {
                continue;
            }
            let smallest_visible = members
                .iter()
                .copied()
                .filter(|i| !hidden.cells[*i])
                .min_by(|a, b| cells[*a].1.total_cmp(&cells[*b].1));
            match smallest_visible {
                Some(i) => hidden.cells[i] = true,
                None => hidden.total = true,
            }
            changed = true;
        }
        if !changed {
            return hidden;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(values: &[f64]) -> Vec<(&'static str, f64)> {
        values.iter().map(|v| ("Stadtbezirk", *v)).collect()
    }

    #[test]
    fn nothing_small_nothing_hidden() {
        let h = hide(30.0, &cells(&[10.0, 12.0, 8.0]), 3.0);
        assert_eq!(h, Hidden { total: false, cells: vec![false, false, false] });
        assert!(!h.any());
    }

    #[test]
    fn the_threshold_itself_is_shown() {
        assert_eq!(hide(23.0, &cells(&[3.0, 10.0, 10.0]), 3.0).cells, [false, false, false]);
        // The 0 goes, and the 3 as the smallest other cell.
        assert_eq!(hide(13.0, &cells(&[3.0, 10.0, 0.0]), 3.0).cells, [true, false, true]);
        assert_eq!(hide(6.0, &cells(&[3.0, 3.0]), 3.0).cells, [false, false]);
    }

    #[test]
    fn one_small_cell_takes_the_smallest_other_with_it() {
        // 2 could be read as 30 - 10 - 12 - 6: the 6 goes too.
        let h = hide(30.0, &cells(&[10.0, 2.0, 12.0, 6.0]), 3.0);
        assert_eq!(h.cells, [false, true, false, true]);
        assert!(!h.total);
    }

    #[test]
    fn two_small_cells_need_no_second_step() {
        let h = hide(30.0, &cells(&[1.0, 2.0, 27.0]), 3.0);
        assert_eq!(h.cells, [true, true, false]);
    }

    #[test]
    fn zero_counts_as_small() {
        assert_eq!(hide(25.0, &cells(&[0.0, 20.0, 5.0]), 3.0).cells, [true, false, true]);
    }

    #[test]
    fn a_small_total_hides_every_cell() {
        let h = hide(2.0, &cells(&[1.0, 1.0]), 3.0);
        assert_eq!(h, Hidden { total: true, cells: vec![true, true] });
        let h = hide(2.0, &[], 3.0);
        assert!(h.total && h.cells.is_empty());
    }

    #[test]
    fn a_lone_small_cell_hides_the_total() {
        // With one cell only, the total would be that cell.
        let h = hide(10.0, &cells(&[2.0]), 3.0);
        assert_eq!(h, Hidden { total: true, cells: vec![true] });
    }

    #[test]
    fn two_cells_one_small_hides_both() {
        assert_eq!(hide(12.0, &cells(&[2.0, 10.0]), 3.0), Hidden { total: false, cells: vec![true, true] });
    }

    #[test]
    fn dimensions_are_suppressed_each_on_their_own() {
        let c = [("Geschlecht", 14.0), ("Geschlecht", 16.0), ("Stadtbezirk", 1.0), ("Stadtbezirk", 29.0)];
        let h = hide(30.0, &c, 3.0);
        assert_eq!(h.cells, [false, false, true, true], "only the district cells");
        let c = [("Geschlecht", 2.0), ("Geschlecht", 28.0), ("Stadtbezirk", 10.0), ("Stadtbezirk", 20.0)];
        assert_eq!(hide(30.0, &c, 3.0).cells, [true, true, false, false]);
    }

    #[test]
    fn ties_take_the_first_smallest() {
        assert_eq!(hide(30.0, &cells(&[2.0, 5.0, 5.0, 18.0]), 3.0).cells, [true, true, false, false]);
    }

    #[test]
    fn no_threshold_worth_the_name_hides_nothing() {
        assert!(!hide(1.0, &cells(&[0.5, 0.5]), 0.0).any());
    }

    #[test]
    fn a_number_that_is_not_finite_is_never_shown() {
        assert!(hide(f64::NAN, &[], 3.0).total);
    }

    #[test]
    fn a_hidden_cell_is_never_the_only_hidden_one_in_its_dimension() {
        // Property over many small tables: after hiding, no dimension with a visible total has
        // exactly one hidden cell, and every value below the threshold is hidden.
        for a in 0..6 {
            for b in 0..6 {
                for c in [0.0, 2.0, 7.0] {
                    let values = [a as f64, b as f64, c, 9.0];
                    let total: f64 = values.iter().sum();
                    let h = hide(total, &cells(&values), 3.0);
                    for (i, v) in values.iter().enumerate() {
                        assert!(*v >= 3.0 || h.cells[i], "{values:?}: {h:?}");
                    }
                    if !h.total {
                        assert_ne!(h.cells.iter().filter(|x| **x).count(), 1, "{values:?}: {h:?}");
                    }
                }
            }
        }
    }
}
