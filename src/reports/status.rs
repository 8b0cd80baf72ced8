//! The documented rule that turns an indicator's accepted values into a goal status.
//!
//! The rule, as shown to users in the report:
//! 1. No accepted value: `NO_DATA`.
//! 2. No target or direction set: `NO_TARGET` (the trend is still shown).
//! 3. The latest value meets the target (at least it when higher is better, at most it when lower
//!    is better): `REACHED`.
//! 4. Otherwise the trend decides, computed as the least-squares slope per year over the latest
//!    values (at most [`TREND_WINDOW`]) that follow the same definition as the latest one, so that
//!    a series break never fakes progress and missing periods stretch time as they should:
//!    moving towards the target: `ON_TRACK`; flat or away from it: `OFF_TRACK`.
//! 5. Only one comparable value and the target not met: `INSUFFICIENT_DATA`.

use async_graphql::Enum;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How many of the latest comparable values the trend looks at.
pub const TREND_WINDOW: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
pub enum GoalStatus {
    Reached,
    OnTrack,
    OffTrack,
    InsufficientData,
    NoTarget,
    NoData,
}

use crate::german::German;
pub use crate::indicators::entities::TargetDirection as Direction;

/// One accepted value of a period, with the definition it follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Point<'a> {
    pub period: &'a str,
    pub value: f64,
    pub definition_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub status: GoalStatus,
    /// Change per year over the comparable latest values; `None` with fewer than two.
    pub trend_per_year: Option<f64>,
    pub latest: Option<f64>,
}

/// The position of a period on a year axis: "2025" → 2025.0, "2025-H2" → 2025.5, "2025-Q3" → 2025.5.
pub fn period_position(period: &str) -> Option<f64> {
    let (year, part) = match period.split_once('-') {
        Some((y, p)) => (y, Some(p)),
        None => (period, None),
    };
    let year: f64 = year.trim().parse::<u16>().ok()?.into();
    let offset = match part.map(|p| p.trim().to_ascii_uppercase()) {
        None => 0.0,
        Some(p) if p == "H1" => 0.0,
        Some(p) if p == "H2" => 0.5,
        Some(p) => match p.strip_prefix('Q').and_then(|q| q.parse::<u8>().ok()) {
            Some(q @ 1..=4) => f64::from(q - 1) * 0.25,
            _ => return None,
        },
    };
    Some(year + offset)
}

fn slope(points: &[(f64, f64)]) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    Some(sxy / sxx)
}

/// Applies the rule above to `points` in any order; periods that cannot be placed are ignored.
pub fn assess(points: &[Point<'_>], target: Option<f64>, direction: Option<Direction>) -> Assessment {
    let mut placed: Vec<(f64, &Point<'_>)> =
        points.iter().filter_map(|p| period_position(p.period).map(|x| (x, p))).collect();
    placed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let Some(&(_, last)) = placed.last() else {
        return Assessment { status: GoalStatus::NoData, trend_per_year: None, latest: None };
    };
    let comparable: Vec<(f64, f64)> = placed
        .iter()
        .rev()
        .take_while(|(_, p)| p.definition_id == last.definition_id)
        .take(TREND_WINDOW)
        .map(|(x, p)| (*x, p.value))
        .collect();
    let trend = slope(&comparable);
    let status = match (target, direction) {
        (Some(t), Some(d)) => {
            let reached = match d {
                Direction::HigherIsBetter => last.value >= t,
                Direction::LowerIsBetter => last.value <= t,
            };
            match (reached, trend) {
                (true, _) => GoalStatus::Reached,
                (false, None) => GoalStatus::InsufficientData,
                (false, Some(s)) => {
                    let towards = match d {
                        Direction::HigherIsBetter => s > 0.0,
                        Direction::LowerIsBetter => s < 0.0,
                    };
                    if towards { GoalStatus::OnTrack } else { GoalStatus::OffTrack }
                }
            }
        }
        _ => GoalStatus::NoTarget,
    };
    Assessment { status, trend_per_year: trend, latest: Some(last.value) }
}

impl German for GoalStatus {
    fn german(self) -> &'static str {
        match self {
            GoalStatus::Reached => "erreicht",
            GoalStatus::OnTrack => "auf gutem Weg",
            GoalStatus::OffTrack => "nicht auf Kurs",
            GoalStatus::InsufficientData => "zu wenige Daten",
            GoalStatus::NoTarget => "ohne Zielwert",
            GoalStatus::NoData => "keine Daten",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(period: &str, value: f64) -> Point<'_> {
        Point { period, value, definition_id: None }
    }

    use Direction::*;
    use GoalStatus::*;

    #[test]
    fn periods_are_placed_on_a_year_axis() {
        assert_eq!(period_position("2025"), Some(2025.0));
        assert_eq!(period_position("2025-H2"), Some(2025.5));
        assert_eq!(period_position("2025-q1"), Some(2025.0));
        assert_eq!(period_position("2025-Q4"), Some(2025.75));
        assert_eq!(period_position("2025-Q5"), None);
        assert_eq!(period_position("Sommer"), None);
    }

    #[test]
    fn no_values_is_no_data() {
        assert_eq!(assess(&[], Some(10.0), Some(HigherIsBetter)).status, NoData);
        assert_eq!(assess(&[p("irgendwann", 3.0)], Some(10.0), Some(HigherIsBetter)).status, NoData);
    }

    #[test]
    fn without_target_or_direction_only_the_trend_is_given() {
        let a = assess(&[p("2023", 1.0), p("2024", 2.0)], None, Some(HigherIsBetter));
        assert_eq!(a.status, NoTarget);
        assert_eq!(a.trend_per_year, Some(1.0));
        assert_eq!(assess(&[p("2024", 2.0)], Some(3.0), None).status, NoTarget);
    }

    #[test]
    fn targets_in_both_directions() {
        let rising = [p("2022", 40.0), p("2023", 42.0), p("2024", 44.0)];
        assert_eq!(assess(&rising, Some(50.0), Some(HigherIsBetter)).status, OnTrack);
        assert_eq!(assess(&rising, Some(44.0), Some(HigherIsBetter)).status, Reached);
        assert_eq!(assess(&rising, Some(30.0), Some(LowerIsBetter)).status, OffTrack);
        assert_eq!(assess(&rising, Some(45.0), Some(LowerIsBetter)).status, Reached);
        let falling = [p("2022", 12.0), p("2023", 11.0), p("2024", 9.5)];
        assert_eq!(assess(&falling, Some(8.0), Some(LowerIsBetter)).status, OnTrack);
        assert_eq!(assess(&falling, Some(15.0), Some(HigherIsBetter)).status, OffTrack);
    }

    #[test]
    fn flat_is_off_track() {
        let flat = [p("2023", 5.0), p("2024", 5.0)];
        assert_eq!(assess(&flat, Some(6.0), Some(HigherIsBetter)).status, OffTrack);
    }

    #[test]
    fn one_value_only_cannot_show_progress() {
        let one = [p("2024", 5.0)];
        assert_eq!(assess(&one, Some(6.0), Some(HigherIsBetter)).status, InsufficientData);
        assert_eq!(assess(&one, Some(4.0), Some(HigherIsBetter)).status, Reached);
        assert_eq!(assess(&one, Some(4.0), Some(HigherIsBetter)).trend_per_year, None);
    }

    #[test]
    fn missing_periods_stretch_the_time_axis() {
        // 2020 → 2024 rose by 4 in four years, not by 4 in one step.
        let gappy = [p("2020", 10.0), p("2024", 14.0)];
        assert_eq!(assess(&gappy, Some(20.0), Some(HigherIsBetter)).trend_per_year, Some(1.0));
        let half_years = [p("2024-H1", 10.0), p("2024-H2", 11.0)];
        assert_eq!(assess(&half_years, None, None).trend_per_year, Some(2.0));
    }

    #[test]
    fn order_of_input_does_not_matter_and_only_the_latest_window_counts() {
        let values = [p("2024", 44.0), p("2019", 90.0), p("2022", 40.0), p("2023", 42.0)];
        let a = assess(&values, Some(50.0), Some(HigherIsBetter));
        assert_eq!(a.latest, Some(44.0));
        assert_eq!(a.status, OnTrack, "the old 2019 value lies outside the window");
    }

    #[test]
    fn a_series_break_limits_the_trend_to_the_current_definition() {
        let old = Uuid::from_u128(1);
        let new = Uuid::from_u128(2);
        let values = [
            Point { period: "2022", value: 20.0, definition_id: Some(old) },
            Point { period: "2023", value: 25.0, definition_id: Some(old) },
            Point { period: "2024", value: 30.0, definition_id: Some(new) },
        ];
        let a = assess(&values, Some(40.0), Some(HigherIsBetter));
        assert_eq!(a.trend_per_year, None, "one value after the break cannot make a trend");
        assert_eq!(a.status, InsufficientData);
    }
}
