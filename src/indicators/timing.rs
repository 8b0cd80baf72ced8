//! When reminders are due: calendar rules in Europe/Berlin, pure and unit-tested (DST included).

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::{Europe::Berlin, Tz};

use super::entities::Periodicity;
use crate::error::{Error, Result};

/// Due dates are municipal dates: all calendar arithmetic happens in this zone.
pub const ZONE: Tz = Berlin;
/// Reminders go out at this local hour, at the start of a working day.
pub const SEND_HOUR: u32 = 8;
/// Days before the due date of the two "due" reminders.
pub const DUE_SOON_DAYS: [u64; 2] = [14, 3];
/// Days overdue after which coordinators and the parent organisation are copied.
pub const ESCALATE_AFTER_DAYS: i64 = 14;
/// Days before the next review date that the review reminder goes out.
pub const REVIEW_NOTICE_DAYS: u64 = 30;

/// One reminder of a delivery, in the order they fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 14 days before.
    DueSoon,
    /// 3 days before.
    DueVerySoon,
    /// The n-th overdue reminder (1: the day after the due date, then weekly).
    Overdue(u32),
}

impl Stage {
    pub fn key(self) -> String {
        match self {
            Stage::DueSoon => "due14".into(),
            Stage::DueVerySoon => "due3".into(),
            Stage::Overdue(n) => format!("overdue{n}"),
        }
    }

    pub fn next(self) -> Stage {
        match self {
            Stage::DueSoon => Stage::DueVerySoon,
            Stage::DueVerySoon => Stage::Overdue(1),
            Stage::Overdue(n) => Stage::Overdue(n + 1),
        }
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, Stage::Overdue(_))
    }
}

pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&ZONE).date_naive()
}

/// `date` at `hour` Berlin time, as UTC. In the spring gap the next valid instant is taken.
pub fn at_local(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or(NaiveTime::MIN);
    let naive = date.and_time(time);
    match ZONE.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(earliest, _) => earliest.with_timezone(&Utc),
        chrono::LocalResult::None => {
            let later = naive + chrono::Duration::hours(1);
            ZONE.from_local_datetime(&later).earliest().map_or_else(|| later.and_utc(), |t| t.with_timezone(&Utc))
        }
    }
}

/// When `stage` falls due for a delivery due at `due`.
pub fn stage_time(due: DateTime<Utc>, stage: Stage) -> DateTime<Utc> {
    let day = local_date(due);
    let date = match stage {
        Stage::DueSoon => day.checked_sub_days(Days::new(DUE_SOON_DAYS[0])),
        Stage::DueVerySoon => day.checked_sub_days(Days::new(DUE_SOON_DAYS[1])),
        Stage::Overdue(n) => day.checked_add_days(Days::new(1 + 7 * u64::from(n.max(1) - 1))),
    };
    at_local(date.unwrap_or(day), SEND_HOUR)
}

/// The latest reminder already due at `now`, if any: a delivery requested late gets only this
/// one, not the backlog of earlier stages.
pub fn latest_due_stage(due: DateTime<Utc>, now: DateTime<Utc>) -> Option<Stage> {
    if now < stage_time(due, Stage::DueSoon) {
        return None;
    }
    if now < stage_time(due, Stage::DueVerySoon) {
        return Some(Stage::DueSoon);
    }
    if now < stage_time(due, Stage::Overdue(1)) {
        return Some(Stage::DueVerySoon);
    }
    let days = (local_date(now) - local_date(stage_time(due, Stage::Overdue(1)))).num_days().max(0);
    let mut n = (days / 7) as u32 + 1;
    while n > 1 && stage_time(due, Stage::Overdue(n)) > now {
        n -= 1;
    }
    while stage_time(due, Stage::Overdue(n + 1)) <= now {
        n += 1;
    }
    Some(Stage::Overdue(n))
}

/// Whether coordinators and the parent organisation are copied on this reminder.
pub fn escalates(due: DateTime<Utc>, stage: Stage) -> bool {
    stage.is_overdue() && (local_date(stage_time(due, stage)) - local_date(due)).num_days() >= ESCALATE_AFTER_DAYS
}

/// When the review reminder for a review due at `next_review` goes out.
pub fn review_reminder_time(next_review: DateTime<Utc>) -> DateTime<Utc> {
    let day = local_date(next_review);
    at_local(day.checked_sub_days(Days::new(REVIEW_NOTICE_DAYS)).unwrap_or(day), SEND_HOUR)
}

/// `from` plus `months` calendar months, keeping the Berlin wall-clock time across DST.
pub fn add_months_local(from: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    let local = from.with_timezone(&ZONE).naive_local();
    let moved = local.checked_add_months(Months::new(months)).unwrap_or(local);
    match ZONE.from_local_datetime(&moved) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        chrono::LocalResult::None => from + chrono::Duration::days(30 * i64::from(months)),
    }
}

impl Periodicity {
    pub fn months(self) -> u32 {
        match self {
            Periodicity::Yearly => 12,
            Periodicity::HalfYearly => 6,
            Periodicity::Quarterly => 3,
        }
    }
}

/// A period label checked against the periodicity: "2025", "2025-H1", "2025-Q3".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    /// 1-based part of the year (always 1 for yearly).
    pub part: u32,
}

impl Period {
    pub fn parse(raw: &str, periodicity: Periodicity) -> Result<Self> {
        let bad = || {
            let example = match periodicity {
                Periodicity::Yearly => "2025",
                Periodicity::HalfYearly => "2025-H1",
                Periodicity::Quarterly => "2025-Q3",
            };
            Error::validation("period", format!("expected a period like {example}"))
        };
        let raw = raw.trim();
        let (year, part) = match (periodicity, raw.split_once('-')) {
            (Periodicity::Yearly, None) => (raw, 1),
            (Periodicity::HalfYearly, Some((y, p))) => {
                (y, p.strip_prefix('H').and_then(|n| n.parse().ok()).filter(|n| (1..=2).contains(n)).ok_or_else(bad)?)
            }
            (Periodicity::Quarterly, Some((y, p))) => {
                (y, p.strip_prefix('Q').and_then(|n| n.parse().ok()).filter(|n| (1..=4).contains(n)).ok_or_else(bad)?)
            }
            _ => return Err(bad()),
        };
        let year: i32 = year.parse().ok().filter(|y| (1900..=2200).contains(y)).ok_or_else(bad)?;
        Ok(Self { year, part })
    }

    pub fn label(self, periodicity: Periodicity) -> String {
        match periodicity {
            Periodicity::Yearly => self.year.to_string(),
            Periodicity::HalfYearly => format!("{}-H{}", self.year, self.part),
            Periodicity::Quarterly => format!("{}-Q{}", self.year, self.part),
        }
    }

    pub fn next(self, periodicity: Periodicity) -> Self {
        let parts = 12 / periodicity.months();
        if self.part >= parts {
            Self { year: self.year + 1, part: 1 }
        } else {
            Self { year: self.year, part: self.part + 1 }
        }
    }
}

/// German date for mails: "31.03.2026".
pub fn german_date(t: DateTime<Utc>) -> String {
    let d = local_date(t);
    format!("{:02}.{:02}.{}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn berlin(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        ZONE.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn stages_fall_at_eight_berlin_time_in_winter_and_summer() {
        let due = berlin(2026, 2, 20, 23); // Friday 20 February, CET
        assert_eq!(stage_time(due, Stage::DueSoon), utc(2026, 2, 6, 7, 0));
        assert_eq!(stage_time(due, Stage::DueVerySoon), utc(2026, 2, 17, 7, 0));
        assert_eq!(stage_time(due, Stage::Overdue(1)), utc(2026, 2, 21, 7, 0));
        assert_eq!(stage_time(due, Stage::Overdue(2)), utc(2026, 2, 28, 7, 0));
        let summer = berlin(2026, 7, 15, 12);
        assert_eq!(stage_time(summer, Stage::DueSoon), utc(2026, 7, 1, 6, 0));
    }

    #[test]
    fn the_spring_change_moves_the_utc_hour_not_the_local_one() {
        // Clocks go forward on 29 March 2026: the 14-day reminder is in winter time,
        // the overdue one in summer time, both at 08:00 in Berlin.
        let due = berlin(2026, 3, 29, 12);
        assert_eq!(stage_time(due, Stage::DueSoon), utc(2026, 3, 15, 7, 0));
        assert_eq!(stage_time(due, Stage::Overdue(1)), utc(2026, 3, 30, 6, 0));
    }

    #[test]
    fn the_autumn_change_keeps_eight_oclock() {
        let due = berlin(2026, 10, 26, 10); // the day after clocks go back
        assert_eq!(stage_time(due, Stage::DueVerySoon), utc(2026, 10, 23, 6, 0));
        assert_eq!(stage_time(due, Stage::Overdue(1)), utc(2026, 10, 27, 7, 0));
    }

    #[test]
    fn a_due_date_late_in_the_berlin_evening_counts_as_that_day() {
        // 21:30 UTC is 23:30 in Berlin, still 31 March there: the Berlin day decides.
        let due = utc(2026, 3, 31, 21, 30);
        assert_eq!(local_date(due), NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
        assert_eq!(stage_time(due, Stage::Overdue(1)), berlin(2026, 4, 1, 8));
        let just_after_midnight = utc(2026, 3, 31, 22, 30); // 00:30 on 1 April in Berlin
        assert_eq!(stage_time(just_after_midnight, Stage::Overdue(1)), berlin(2026, 4, 2, 8));
    }

    #[test]
    fn the_latest_due_stage_respects_each_boundary() {
        let due = berlin(2026, 6, 30, 12);
        let t14 = stage_time(due, Stage::DueSoon);
        assert_eq!(latest_due_stage(due, t14 - chrono::Duration::seconds(1)), None);
        assert_eq!(latest_due_stage(due, t14), Some(Stage::DueSoon));
        let t3 = stage_time(due, Stage::DueVerySoon);
        assert_eq!(latest_due_stage(due, t3 - chrono::Duration::seconds(1)), Some(Stage::DueSoon));
        assert_eq!(latest_due_stage(due, t3), Some(Stage::DueVerySoon));
        // Past the due time but before the next morning: not yet overdue-reminded.
        assert_eq!(latest_due_stage(due, due + chrono::Duration::hours(2)), Some(Stage::DueVerySoon));
        assert_eq!(latest_due_stage(due, berlin(2026, 7, 1, 8)), Some(Stage::Overdue(1)));
        assert_eq!(latest_due_stage(due, berlin(2026, 7, 8, 7)), Some(Stage::Overdue(1)));
        assert_eq!(latest_due_stage(due, berlin(2026, 7, 8, 8)), Some(Stage::Overdue(2)));
        assert_eq!(latest_due_stage(due, berlin(2026, 9, 30, 9)), Some(Stage::Overdue(14)));
    }

    #[test]
    fn created_late_only_the_latest_stage_is_due() {
        let now = berlin(2026, 5, 4, 9);
        let due = now + chrono::Duration::days(2);
        assert_eq!(latest_due_stage(due, now), Some(Stage::DueVerySoon));
        assert_eq!(latest_due_stage(now - chrono::Duration::days(20), now), Some(Stage::Overdue(3)));
    }

    #[test]
    fn escalation_starts_after_fourteen_days_overdue() {
        let due = berlin(2026, 6, 30, 12);
        assert!(!escalates(due, Stage::DueVerySoon));
        assert!(!escalates(due, Stage::Overdue(1)));
        assert!(!escalates(due, Stage::Overdue(2)));
        assert!(escalates(due, Stage::Overdue(3)));
    }

    #[test]
    fn review_reminders_come_thirty_days_ahead() {
        assert_eq!(review_reminder_time(berlin(2026, 4, 15, 0)), berlin(2026, 3, 16, 8));
    }

    #[test]
    fn months_are_added_in_local_time() {
        // 31 January 10:00 CET + 3 months = 30 April 10:00 CEST.
        assert_eq!(add_months_local(berlin(2026, 1, 31, 10), 3), berlin(2026, 4, 30, 10));
        assert_eq!(add_months_local(berlin(2026, 3, 31, 12), 12), berlin(2027, 3, 31, 12));
    }

    #[test]
    fn periods_parse_print_and_advance() {
        let q = Period::parse("2025-Q4", Periodicity::Quarterly).unwrap();
        assert_eq!(q.next(Periodicity::Quarterly).label(Periodicity::Quarterly), "2026-Q1");
        let h = Period::parse("2025-H1", Periodicity::HalfYearly).unwrap();
        assert_eq!(h.next(Periodicity::HalfYearly).label(Periodicity::HalfYearly), "2025-H2");
        assert_eq!(Period::parse("2025", Periodicity::Yearly).unwrap().next(Periodicity::Yearly).year, 2026);
        for (bad, p) in [
            ("2025", Periodicity::Quarterly),
            ("2025-Q5", Periodicity::Quarterly),
            ("2025-H1", Periodicity::Yearly),
            ("20x5", Periodicity::Yearly),
            ("2025-Q1", Periodicity::HalfYearly),
        ] {
            assert_eq!(Period::parse(bad, p).unwrap_err().code(), "VALIDATION", "{bad}");
        }
    }

    #[test]
    fn german_dates_use_the_berlin_day() {
        assert_eq!(german_date(utc(2026, 3, 31, 22, 30)), "01.04.2026");
    }
}
