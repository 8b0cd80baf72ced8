//! What an imported value does to the delivery of its period, decided by the same rules as a
//! confirmation by hand (`delivery_rules::confirm`): pure, so that the dry run and the real run
//! cannot disagree.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    error::{Error, Result},
    indicators::{
        delivery_rules::{self, BreakdownEntry, Confirmation, Confirmed, OpenDelivery},
        entities::{DeliveryStatus, Periodicity},
        timing::Period,
    },
};

/// What an import does to one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// The period had no value: a new delivery, or an open request now delivered.
    Created,
    /// A delivery returned for correction gets the file's new value.
    Changed,
    /// The stored value is the file's.
    Unchanged,
    /// Delivered or accepted with another value (or returned with the same one): left alone, as a
    /// confirmation by hand would be refused.
    Refused,
}

/// The delivery stored for a period, as far as the rule needs it.
#[derive(Debug, Clone)]
pub struct Stored<'a> {
    pub status: DeliveryStatus,
    pub version: i32,
    pub due_at: DateTime<Utc>,
    pub on_time: Option<bool>,
    pub reminder_epoch: i32,
    pub value: Option<f64>,
    pub breakdown: &'a [BreakdownEntry],
}

/// The decision for one period; `confirmed` is what to write for `Created` and `Changed`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub confirmed: Option<Confirmed>,
}

fn sorted(cells: &[BreakdownEntry]) -> Vec<(&str, &str, f64)> {
    let mut v: Vec<_> = cells.iter().map(|c| (c.dimension.as_str(), c.category.as_str(), c.value)).collect();
    v.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    v
}

/// Same value and the same breakdown cells, in any order.
pub fn same_values(value: Option<f64>, cells: &[BreakdownEntry], new_value: f64, new_cells: &[BreakdownEntry]) -> bool {
    value == Some(new_value) && sorted(cells) == sorted(new_cells)
}

/// Decides one period. A validation error (a percentage above 100, too many cells) is the
/// caller's to report with the file's line.
pub fn decide(
    stored: Option<&Stored<'_>>,
    value: f64,
    breakdown: &[BreakdownEntry],
    note: Option<String>,
    definition_id: Option<Uuid>,
    unit: &str,
    now: DateTime<Utc>,
) -> Result<Decision> {
    let confirmation = Confirmation::Value { value, breakdown: breakdown.to_vec(), note, definition_id };
    let refused = |reason: &str| Decision { outcome: Outcome::Refused, reason: Some(reason.into()), confirmed: None };
    let Some(s) = stored else {
        // A period nobody requested yet: confirmed as a fresh request due now.
        let fresh = OpenDelivery {
            status: DeliveryStatus::Requested,
            version: 1,
            due_at: now,
            on_time: None,
            reminder_epoch: 0,
            unit,
        };
        let confirmed = delivery_rules::confirm(&fresh, None, confirmation, now)?;
        return Ok(Decision { outcome: Outcome::Created, reason: None, confirmed: Some(confirmed) });
    };
    let same = same_values(s.value, s.breakdown, value, breakdown);
    match s.status {
        DeliveryStatus::Delivered | DeliveryStatus::Accepted if same => {
            Ok(Decision { outcome: Outcome::Unchanged, reason: None, confirmed: None })
        }
        DeliveryStatus::Delivered => Ok(refused("bereits mit einem anderen Wert geliefert; erst zurückgeben")),
        DeliveryStatus::Accepted => Ok(refused("bereits mit einem anderen Wert angenommen; erst zurückgeben")),
        DeliveryStatus::Returned if same => {
            Ok(refused("zur Korrektur zurückgegeben, die Datei enthält denselben Wert"))
        }
        DeliveryStatus::Requested | DeliveryStatus::Returned => {
            let open = OpenDelivery {
                status: s.status,
                version: s.version,
                due_at: s.due_at,
                on_time: s.on_time,
                reminder_epoch: s.reminder_epoch,
                unit,
            };
            let confirmed = delivery_rules::confirm(&open, Some(s.version), confirmation, now)?;
            let outcome = if s.value.is_some() { Outcome::Changed } else { Outcome::Created };
            Ok(Decision { outcome, reason: None, confirmed: Some(confirmed) })
        }
    }
}

/// The indicator's period of a table's `time`: a year (`2023`), a reference date (`31.12.2023`,
/// `2023-12-31`) or an already written period (`2023-Q4`).
pub fn period_of(time: &str, periodicity: Periodicity) -> Result<String> {
    let time = time.trim();
    let date = NaiveDate::parse_from_str(time, "%d.%m.%Y").or_else(|_| NaiveDate::parse_from_str(time, "%Y-%m-%d"));
    let period = match date {
        Ok(d) => {
            let part = (d.month0() / periodicity.months()) + 1;
            let raw = match periodicity {
                Periodicity::Yearly => d.year().to_string(),
                Periodicity::HalfYearly => format!("{}-H{part}", d.year()),
                Periodicity::Quarterly => format!("{}-Q{part}", d.year()),
            };
            Period::parse(&raw, periodicity)?
        }
        Err(_) => Period::parse(time, periodicity)
            .map_err(|_| Error::validation("time", format!("„{time}“ is no period of this indicator")))?,
    };
    Ok(period.label(periodicity))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()
    }

    fn cell(category: &str, value: f64) -> BreakdownEntry {
        BreakdownEntry { dimension: "Geschlecht".into(), category: category.into(), value, code: None }
    }

    fn stored(status: DeliveryStatus, value: Option<f64>, breakdown: &[BreakdownEntry]) -> Stored<'_> {
        Stored { status, version: 2, due_at: now(), on_time: Some(true), reminder_epoch: 0, value, breakdown }
    }

    fn outcome(s: Option<&Stored<'_>>, value: f64, cells: &[BreakdownEntry]) -> Outcome {
        decide(s, value, cells, None, None, "Anzahl", now()).unwrap().outcome
    }

    #[test]
    fn each_state_of_a_period_has_its_outcome() {
        let cells = [cell("m", 1.0), cell("w", 2.0)];
        let swapped = [cell("w", 2.0), cell("m", 1.0)];
        assert_eq!(outcome(None, 3.0, &cells), Outcome::Created);
        assert_eq!(outcome(Some(&stored(DeliveryStatus::Requested, None, &[])), 3.0, &cells), Outcome::Created);
        let returned = stored(DeliveryStatus::Returned, Some(4.0), &[]);
        assert_eq!(outcome(Some(&returned), 3.0, &cells), Outcome::Changed);
        assert_eq!(
            outcome(Some(&stored(DeliveryStatus::Returned, Some(3.0), &cells)), 3.0, &swapped),
            Outcome::Refused
        );
        for status in [DeliveryStatus::Delivered, DeliveryStatus::Accepted] {
            assert_eq!(outcome(Some(&stored(status, Some(3.0), &cells)), 3.0, &swapped), Outcome::Unchanged);
            assert_eq!(outcome(Some(&stored(status, Some(3.0), &cells)), 3.5, &cells), Outcome::Refused);
            assert_eq!(outcome(Some(&stored(status, Some(3.0), &cells)), 3.0, &cells[..1]), Outcome::Refused);
        }
    }

    #[test]
    fn the_units_rules_apply_as_by_hand() {
        let err = decide(None, 120.0, &[], None, None, "%", now()).unwrap_err();
        assert_eq!(err.code(), "VALIDATION");
        let open = stored(DeliveryStatus::Requested, None, &[]);
        let err = decide(Some(&open), 50.0, &[cell("m", 101.0)], None, None, "%", now()).unwrap_err();
        assert!(matches!(err, Error::Validation { field, .. } if field == "breakdown[0].value"));
    }

    #[test]
    fn the_first_confirmation_of_a_new_period_is_on_time() {
        let d = decide(None, 3.0, &[], None, Some(Uuid::from_u128(5)), "Anzahl", now()).unwrap();
        let Some(Confirmed::Value { on_time, definition_id, .. }) = d.confirmed else { panic!("a value") };
        assert_eq!(on_time, Some(true));
        assert_eq!(definition_id, Some(Uuid::from_u128(5)));
    }

    #[test]
    fn times_become_the_indicators_periods() {
        assert_eq!(period_of("2023", Periodicity::Yearly).unwrap(), "2023");
        assert_eq!(period_of("31.12.2023", Periodicity::Yearly).unwrap(), "2023");
        assert_eq!(period_of("2023-06-30", Periodicity::HalfYearly).unwrap(), "2023-H1");
        assert_eq!(period_of("2023-07-01", Periodicity::Quarterly).unwrap(), "2023-Q3");
        assert_eq!(period_of("2023-Q4", Periodicity::Quarterly).unwrap(), "2023-Q4");
        assert!(period_of("2023", Periodicity::Quarterly).is_err());
        assert!(period_of("irgendwann", Periodicity::Yearly).is_err());
    }
}
