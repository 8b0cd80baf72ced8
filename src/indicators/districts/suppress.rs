//! Small numbers stay secret: which values of one period a public answer must hide so that no
//! count below the indicator's threshold can be read or recovered. Pure; every public path
//! (pages, report, downloads) goes through it.
//!
//! Primary suppression hides every value below the threshold. Secondary suppression then makes
//! sure no hidden value can be worked out from what is shown. Each sum the public can check is
//! a group: the cells of a dimension add up to the total, and the Stadtteile of a Stadtbezirk
//! in the same breakdown add up to it. A group whose part-sum is known (its whole shown) must
//! not have exactly one value hidden, nor hidden values whose sum is below the threshold
//! (hidden 0 and 0 beside a total that leaves 0 would be read as 0 each); a group whose whole
//! is hidden must not show all its parts. Where that fails, the smallest shown part goes (or
//! the whole, when no part is left), and the rounds repeat until nothing changes. A hidden
//! total hides every cell, since the cells would add up to it.

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

/// One value of a period's breakdown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell<'a> {
    pub dimension: &'a str,
    pub value: f64,
    /// The cell of the same breakdown this one is part of (a Stadtteil's Stadtbezirk), if any.
    pub parent: Option<usize>,
}

/// A sum the public can check: the whole (`None`: the period's total) and its parts.
struct Group {
    whole: Option<usize>,
    parts: Vec<usize>,
}

fn groups(cells: &[Cell]) -> Vec<Group> {
    let mut dimensions: Vec<&str> = cells.iter().map(|c| c.dimension).collect();
    dimensions.sort_unstable();
    dimensions.dedup();
    let mut out: Vec<Group> = dimensions
        .into_iter()
        .map(|d| Group { whole: None, parts: (0..cells.len()).filter(|i| cells[*i].dimension == d).collect() })
        .collect();
    let mut parents: Vec<usize> = cells.iter().filter_map(|c| c.parent).filter(|p| *p < cells.len()).collect();
    parents.sort_unstable();
    parents.dedup();
    out.extend(
        parents.into_iter().map(|p| Group {
            whole: Some(p),
            parts: (0..cells.len()).filter(|i| cells[*i].parent == Some(p)).collect(),
        }),
    );
    out
}

/// Decides which values of a period to hide: `total` is the period's value, `cells` its
/// breakdown, `below` the threshold (values strictly below it go).
pub fn hide(total: f64, cells: &[Cell], below: f64) -> Hidden {
    let small = |v: f64| !v.is_finite() || v < below;
    let mut hidden = Hidden { total: small(total), cells: cells.iter().map(|c| small(c.value)).collect() };
    let groups = groups(cells);
    // Each round hides at least one more value or stops, so this ends within cells + 1 rounds.
    loop {
        if hidden.total {
            hidden.cells.iter_mut().for_each(|c| *c = true);
            return hidden;
        }
        let mut changed = false;
        for g in &groups {
            let whole_hidden = g.whole.is_some_and(|w| hidden.cells[w]);
            let hidden_parts: Vec<usize> = g.parts.iter().copied().filter(|i| hidden.cells[*i]).collect();
            let exposed = if whole_hidden {
                // The whole would be the sum of its shown parts.
                hidden_parts.is_empty()
            } else {
                let sum: f64 = hidden_parts.iter().map(|i| cells[*i].value).sum();
                hidden_parts.len() == 1 || (!hidden_parts.is_empty() && small(sum))
            };
            if !exposed {
                continue;
            }
            let smallest_shown = g
                .parts
                .iter()
                .copied()
                .filter(|i| !hidden.cells[*i])
                .min_by(|a, b| cells[*a].value.total_cmp(&cells[*b].value));
            match (smallest_shown, g.whole) {
                (Some(i), _) => hidden.cells[i] = true,
                (None, Some(w)) => hidden.cells[w] = true,
                (None, None) => hidden.total = true,
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

    fn cells(values: &[f64]) -> Vec<Cell<'static>> {
        values.iter().map(|v| Cell { dimension: "Stadtbezirk", value: *v, parent: None }).collect()
    }

    fn dims(pairs: &[(&'static str, f64)]) -> Vec<Cell<'static>> {
        pairs.iter().map(|(d, v)| Cell { dimension: d, value: *v, parent: None }).collect()
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
    fn two_small_cells_whose_sum_reaches_the_threshold_need_no_second_step() {
        let h = hide(30.0, &cells(&[1.0, 2.0, 27.0]), 3.0);
        assert_eq!(h.cells, [true, true, false]);
    }

    #[test]
    fn hidden_cells_whose_sum_is_small_take_another_with_them() {
        // 30 - 12 - 18 = 0 would tell that both hidden cells are 0.
        assert_eq!(hide(30.0, &cells(&[0.0, 0.0, 12.0, 18.0]), 3.0).cells, [true, true, true, false]);
        // 30 - 29 = 1 would tell that each is 0 or 1.
        assert_eq!(hide(30.0, &cells(&[1.0, 0.0, 29.0]), 3.0).cells, [true, true, true]);
    }

    #[test]
    fn stadtteile_inside_a_shown_stadtbezirk_are_protected_against_it() {
        // Mitte 30 = Altstadt 2 + Hafen 28; Nord 40 = Kreuzviertel 1 + Uni 39. Per dimension the
        // two small Stadtteile cover each other; against their Stadtbezirk each stands alone.
        let c = [
            Cell { dimension: "Stadtbezirk", value: 30.0, parent: None },
            Cell { dimension: "Stadtbezirk", value: 40.0, parent: None },
            Cell { dimension: "Stadtteil", value: 2.0, parent: Some(0) },
            Cell { dimension: "Stadtteil", value: 28.0, parent: Some(0) },
            Cell { dimension: "Stadtteil", value: 1.0, parent: Some(1) },
            Cell { dimension: "Stadtteil", value: 39.0, parent: Some(1) },
        ];
        let h = hide(70.0, &c, 3.0);
        assert!(!h.total);
        assert!(h.cells[2] && h.cells[4], "the small ones: {h:?}");
        assert!(h.cells[3] || h.cells[0], "Altstadt cannot be Mitte minus Hafen: {h:?}");
        assert!(h.cells[5] || h.cells[1], "Kreuzviertel cannot be Nord minus Uni: {h:?}");
    }

    #[test]
    fn a_hidden_stadtbezirk_is_not_the_sum_of_its_shown_stadtteile() {
        // Nord 1 goes, Mitte with it (the Stadtbezirke); Mitte's Stadtteile would add up to it.
        let c = [
            Cell { dimension: "Stadtbezirk", value: 30.0, parent: None },
            Cell { dimension: "Stadtbezirk", value: 1.0, parent: None },
            Cell { dimension: "Stadtteil", value: 10.0, parent: Some(0) },
            Cell { dimension: "Stadtteil", value: 20.0, parent: Some(0) },
        ];
        let h = hide(31.0, &c, 3.0);
        assert!(h.cells[0] && h.cells[1]);
        assert!(h.cells[2] || h.cells[3], "{h:?}");
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
        let c = dims(&[("Geschlecht", 14.0), ("Geschlecht", 16.0), ("Stadtbezirk", 1.0), ("Stadtbezirk", 29.0)]);
        let h = hide(30.0, &c, 3.0);
        assert_eq!(h.cells, [false, false, true, true], "only the district cells");
        let c = dims(&[("Geschlecht", 2.0), ("Geschlecht", 28.0), ("Stadtbezirk", 10.0), ("Stadtbezirk", 20.0)]);
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
                        let hidden: Vec<f64> = (0..4).filter(|i| h.cells[*i]).map(|i| values[i]).collect();
                        assert_ne!(hidden.len(), 1, "{values:?}: {h:?}");
                        assert!(hidden.is_empty() || hidden.iter().sum::<f64>() >= 3.0, "{values:?}: {h:?}");
                    }
                }
            }
        }
    }
}
