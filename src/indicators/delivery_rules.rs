//! The pure rules of confirming a data delivery: who may confirm it, and what a confirmation (a
//! value, or "no new data yet") changes. The same rules serve the web app, the API and the
//! signed link of a reminder mail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{entities::DeliveryStatus, timing};
use crate::{
    accounts::policy::{Actor, Permission},
    error::{Error, Result},
    text::{Line, Lines},
};

/// Most breakdown cells one delivery may carry.
pub const MAX_BREAKDOWN: usize = 500;

/// One cell of a delivered value broken down by a dimension, e.g. district "Mitte".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownEntry {
    pub dimension: String,
    pub category: String,
    pub value: f64,
    /// The official code of the district a cell of a district dimension refers to; its
    /// category is then the district's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// What the owner confirms: a value, or that no new data exist yet.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmation {
    Value { value: f64, breakdown: Vec<BreakdownEntry>, note: Option<String>, definition_id: Option<Uuid> },
    NoNewData { reason: String, expected_at: DateTime<Utc> },
}

/// Who confirms a delivery: a logged-in person, or the holder of its signed reminder link.
#[derive(Clone, Copy)]
pub enum Confirmer<'a> {
    Person(&'a Actor),
    /// The signed link of the delivery's reminder, already checked against the delivery id and
    /// the clock; `person` is the visitor's login, if any.
    SignedLink {
        person: Option<&'a Actor>,
    },
}

/// Coordinators act for every organisation, members for their own.
pub fn may_act_for(actor: &Actor, owner_id: Uuid) -> bool {
    actor.can(Permission::ManageIndicators) || actor.is_member_of(owner_id)
}

/// The person a confirmation is recorded for; `None` when the signed link alone confirms, on
/// behalf of the owning organisation, which only a city that does not require a login allows.
pub fn who_confirms(confirmer: Confirmer<'_>, owner_id: Uuid, login_required_for_links: bool) -> Result<Option<Uuid>> {
    match confirmer {
        Confirmer::Person(a) | Confirmer::SignedLink { person: Some(a) } if may_act_for(a, owner_id) => {
            Ok(Some(a.user_id))
        }
        Confirmer::SignedLink { .. } if !login_required_for_links => Ok(None),
        _ => Err(Error::forbidden("only the owning organisation or coordinators confirm a delivery")),
    }
}

/// A value as the indicator's unit allows it: finite, and a percentage within 0..=100.
pub fn check_value(field: &str, unit: &str, value: f64) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::validation(field, "must be a number"));
    }
    if is_percent(unit) && !(0.0..=100.0).contains(&value) {
        return Err(Error::validation(field, "a percentage lies between 0 and 100"));
    }
    Ok(())
}

pub fn is_percent(unit: &str) -> bool {
    let u = unit.trim().to_lowercase();
    u == "%" || u == "prozent" || u == "percent"
}

/// A stale edit is refused: the client saw another version than the one stored.
pub fn stale(current_version: i32, expected: Option<i32>, what: &str) -> Result<()> {
    match expected {
        Some(v) if v != current_version => Err(Error::Conflict {
            message: format!("{what} was changed meanwhile"),
            details: Some(serde_json::json!({ "currentVersion": current_version })),
        }),
        _ => Ok(()),
    }
}

/// The delivery is not in a state that allows this step.
pub fn wrong_status(status: DeliveryStatus, version: i32, wanted: &str) -> Error {
    Error::Conflict {
        message: format!("the delivery is {status:?}, not {wanted}"),
        details: Some(serde_json::json!({ "status": status, "version": version })),
    }
}

/// Reminders for a due date start 14 days before it, or now when that has passed.
pub fn first_reminder(due: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    timing::stage_time(due, timing::Stage::DueSoon).max(now)
}

/// What the rule needs to know of the delivery and its indicator.
#[derive(Debug, Clone, Copy)]
pub struct OpenDelivery<'a> {
    pub status: DeliveryStatus,
    pub version: i32,
    pub due_at: DateTime<Utc>,
    /// Set by the first confirmation with a value; later ones keep it.
    pub on_time: Option<bool>,
    pub reminder_epoch: i32,
    pub unit: &'a str,
}

/// The change a confirmation makes, validated.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    /// → `DELIVERED`; reminders end.
    Value {
        value: f64,
        breakdown: Vec<BreakdownEntry>,
        note: Option<String>,
        definition_id: Option<Uuid>,
        /// Whether it came on time, for the first confirmation only.
        on_time: Option<bool>,
    },
    /// Stays open; reminders count again from the new expected date (a new epoch, so that
    /// reminders of the old schedule are no longer owed).
    NoNewData { reason: String, expected_at: DateTime<Utc>, reminder_epoch: i32, next_reminder_at: DateTime<Utc> },
}

/// Decides a confirmation: the delivery must be the version the client saw and still owed, and
/// the input must be valid for the indicator's unit.
pub fn confirm(
    d: &OpenDelivery<'_>,
    expected_version: Option<i32>,
    confirmation: Confirmation,
    now: DateTime<Utc>,
) -> Result<Confirmed> {
    stale(d.version, expected_version, "the delivery")?;
    if !d.status.is_open() {
        return Err(wrong_status(d.status, d.version, "requested or returned"));
    }
    match confirmation {
        Confirmation::Value { value, mut breakdown, note, definition_id } => {
            check_value("value", d.unit, value)?;
            if breakdown.len() > MAX_BREAKDOWN {
                return Err(Error::validation("breakdown", format!("at most {MAX_BREAKDOWN} entries")));
            }
            for (i, b) in breakdown.iter_mut().enumerate() {
                b.dimension = Line(100).required(&format!("breakdown[{i}].dimension"), &b.dimension)?;
                b.category = Line(100).required(&format!("breakdown[{i}].category"), &b.category)?;
                check_value(&format!("breakdown[{i}].value"), d.unit, b.value)?;
            }
            Ok(Confirmed::Value {
                value,
                breakdown,
                note: Lines(4000).optional("note", note.as_deref())?,
                definition_id,
                on_time: d.on_time.is_none().then_some(now <= d.due_at),
            })
        }
        Confirmation::NoNewData { reason, expected_at } => {
            let reason = Lines(2000).required("reason", &reason)?;
            if expected_at <= now {
                return Err(Error::validation("expectedAt", "must lie in the future"));
            }
            Ok(Confirmed::NoNewData {
                reason,
                expected_at,
                reminder_epoch: d.reminder_epoch + 1,
                next_reminder_at: first_reminder(expected_at, now),
            })
        }
    }
}

/// The audit line of a confirmation, in German.
pub fn summary(confirmed: &Confirmed, period: &str, code: &str) -> String {
    match confirmed {
        Confirmed::Value { .. } => format!("Datenlieferung {period} für {code} bestätigt"),
        Confirmed::NoNewData { expected_at, .. } => {
            format!("Keine neuen Daten für {period} ({code}), erwartet am {}", timing::german_date(*expected_at))
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::accounts::entities::Role;

    const OWNER: Uuid = Uuid::from_u128(7);

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()
    }

    fn actor(role: Role, orgs: &[Uuid]) -> Actor {
        Actor {
            user_id: Uuid::from_u128(1),
            session_id: Uuid::from_u128(2),
            role,
            organization_ids: orgs.to_vec(),
            second_factor_missing: false,
        }
    }

    fn open(status: DeliveryStatus) -> OpenDelivery<'static> {
        OpenDelivery {
            status,
            version: 3,
            due_at: now() + Duration::days(10),
            on_time: None,
            reminder_epoch: 0,
            unit: "%",
        }
    }

    fn value(v: f64) -> Confirmation {
        Confirmation::Value { value: v, breakdown: vec![], note: None, definition_id: None }
    }

    fn code(r: Result<Confirmed>) -> String {
        match r {
            Ok(_) => "ok".into(),
            Err(Error::Validation { field, .. }) => format!("VALIDATION {field}"),
            Err(e) => e.code().into(),
        }
    }

    #[test]
    fn members_and_coordinators_confirm_others_do_not() {
        let member = actor(Role::Member, &[OWNER]);
        let outsider = actor(Role::Member, &[Uuid::from_u128(8)]);
        let coordinator = actor(Role::Coordinator, &[]);
        assert_eq!(who_confirms(Confirmer::Person(&member), OWNER, true).unwrap(), Some(member.user_id));
        assert_eq!(who_confirms(Confirmer::Person(&coordinator), OWNER, true).unwrap(), Some(coordinator.user_id));
        assert!(matches!(who_confirms(Confirmer::Person(&outsider), OWNER, false), Err(Error::Forbidden(_))));
    }

    #[test]
    fn a_signed_link_alone_confirms_only_where_the_city_allows_it() {
        let link = Confirmer::SignedLink { person: None };
        assert_eq!(who_confirms(link, OWNER, false).unwrap(), None, "on behalf of the organisation");
        assert!(matches!(who_confirms(link, OWNER, true), Err(Error::Forbidden(_))));
        let member = actor(Role::Member, &[OWNER]);
        let with_login = Confirmer::SignedLink { person: Some(&member) };
        assert_eq!(who_confirms(with_login, OWNER, true).unwrap(), Some(member.user_id));
        // A visitor logged in as someone else confirms through the link as the link's holder.
        let outsider = actor(Role::Member, &[]);
        let foreign = Confirmer::SignedLink { person: Some(&outsider) };
        assert_eq!(who_confirms(foreign, OWNER, false).unwrap(), None);
        assert!(matches!(who_confirms(foreign, OWNER, true), Err(Error::Forbidden(_))));
    }

    #[test]
    fn only_the_seen_version_of_an_open_delivery_is_confirmed() {
        let d = open(DeliveryStatus::Requested);
        assert_eq!(code(confirm(&d, Some(2), value(5.0), now())), "CONFLICT", "stale");
        assert_eq!(code(confirm(&d, Some(3), value(5.0), now())), "ok");
        assert_eq!(code(confirm(&d, None, value(5.0), now())), "ok", "no version given");
        assert_eq!(code(confirm(&open(DeliveryStatus::Returned), None, value(5.0), now())), "ok");
        for closed in [DeliveryStatus::Delivered, DeliveryStatus::Accepted] {
            assert_eq!(code(confirm(&open(closed), None, value(5.0), now())), "CONFLICT", "{closed:?}");
        }
    }

    #[test]
    fn values_follow_the_unit() {
        let d = open(DeliveryStatus::Requested);
        assert_eq!(code(confirm(&d, None, value(100.0), now())), "ok");
        assert_eq!(code(confirm(&d, None, value(100.5), now())), "VALIDATION value");
        assert_eq!(code(confirm(&d, None, value(f64::NAN), now())), "VALIDATION value");
        let count = OpenDelivery { unit: "Personen", ..d };
        assert_eq!(code(confirm(&count, None, value(1234.0), now())), "ok");
        assert_eq!(code(confirm(&count, None, value(f64::INFINITY), now())), "VALIDATION value");
    }

    #[test]
    fn breakdowns_are_bounded_and_cleaned() {
        let d = open(DeliveryStatus::Requested);
        let cell = |dimension: &str, category: &str, value: f64| BreakdownEntry {
            dimension: dimension.into(),
            category: category.into(),
            value,
            code: None,
        };
        let with = |breakdown: Vec<BreakdownEntry>| Confirmation::Value {
            value: 10.0,
            breakdown,
            note: Some("  aus dem Fachverfahren  ".into()),
            definition_id: None,
        };
        let Confirmed::Value { breakdown, note, .. } =
            confirm(&d, None, with(vec![cell(" Bezirk ", "Mitte", 12.0)]), now()).unwrap()
        else {
            panic!("a value")
        };
        assert_eq!(breakdown[0].dimension, "Bezirk");
        assert_eq!(note.as_deref(), Some("aus dem Fachverfahren"));
        let too_many = (0..=MAX_BREAKDOWN).map(|i| cell("Bezirk", &format!("B{i}"), 1.0)).collect();
        assert_eq!(code(confirm(&d, None, with(too_many), now())), "VALIDATION breakdown");
        assert_eq!(
            code(confirm(&d, None, with(vec![cell("", "Mitte", 1.0)]), now())),
            "VALIDATION breakdown[0].dimension"
        );
        let bad = vec![cell("Bezirk", "Mitte", 1.0), cell("Bezirk", "Nord", 101.0)];
        assert_eq!(code(confirm(&d, None, with(bad), now())), "VALIDATION breakdown[1].value");
    }

    #[test]
    fn the_first_confirmation_says_whether_it_came_on_time() {
        let d = open(DeliveryStatus::Requested);
        let on_time = |r: Confirmed| match r {
            Confirmed::Value { on_time, .. } => on_time,
            Confirmed::NoNewData { .. } => panic!("a value"),
        };
        assert_eq!(on_time(confirm(&d, None, value(1.0), d.due_at).unwrap()), Some(true), "on the due date");
        let late = d.due_at + Duration::seconds(1);
        assert_eq!(on_time(confirm(&d, None, value(1.0), late).unwrap()), Some(false));
        let returned = OpenDelivery { status: DeliveryStatus::Returned, on_time: Some(false), ..d };
        assert_eq!(on_time(confirm(&returned, None, value(1.0), now()).unwrap()), None, "kept from the first");
    }

    #[test]
    fn no_new_data_needs_a_reason_and_a_future_date_and_restarts_the_reminders() {
        let d = open(DeliveryStatus::Requested);
        let later = now() + Duration::days(60);
        let none = |reason: &str, at| Confirmation::NoNewData { reason: reason.into(), expected_at: at };
        assert_eq!(code(confirm(&d, None, none("", later), now())), "VALIDATION reason");
        assert_eq!(code(confirm(&d, None, none("Fachverfahren umgestellt", now()), now())), "VALIDATION expectedAt");
        let Confirmed::NoNewData { reminder_epoch, next_reminder_at, .. } =
            confirm(&d, None, none("Fachverfahren umgestellt", later), now()).unwrap()
        else {
            panic!("no new data")
        };
        assert_eq!(reminder_epoch, 1);
        assert_eq!(next_reminder_at, first_reminder(later, now()));
        assert!(next_reminder_at > now() && next_reminder_at < later);
        let soon = now() + Duration::days(2);
        assert_eq!(first_reminder(soon, now()), now(), "inside the 14 days: at once");
    }

    #[test]
    fn audit_lines_are_german() {
        let v = Confirmed::Value { value: 1.0, breakdown: vec![], note: None, definition_id: None, on_time: None };
        assert_eq!(summary(&v, "2026", "BIL-1"), "Datenlieferung 2026 für BIL-1 bestätigt");
        let at = Utc.with_ymd_and_hms(2027, 5, 1, 10, 0, 0).unwrap();
        let n = Confirmed::NoNewData { reason: "x".into(), expected_at: at, reminder_epoch: 1, next_reminder_at: at };
        assert!(summary(&n, "2026", "BIL-1").starts_with("Keine neuen Daten für 2026 (BIL-1), erwartet am 01.05.2027"));
    }
}
