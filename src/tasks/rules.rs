//! The rules of "Meine Aufgaben" as pure functions: which delivery is whose task, what counts
//! as soon, and the order of urgency.

use async_graphql::Enum;
use chrono::{DateTime, Duration, Utc};

use crate::indicators::entities::DeliveryStatus;

/// What a task asks for; the UI names each in the person's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Enum)]
pub enum TaskKind {
    /// Coordinator: a delivery past its date; "erneut erinnern" sends its reminder again.
    DeliveryOverdue,
    /// Data owner: a delivery of one's organisation to confirm.
    DeliveryOpen,
    /// Data owner: a delivery sent back for correction.
    DeliveryReturned,
    /// Member: a proposal in a vote one may still take part in.
    VoteClosing,
    /// Coordinator: a process's current phase ends soon.
    PhaseEnding,
    /// Coordinator: proposals and comments without an Abwägung.
    DispositionsOpen,
    /// Coordinator: a delivered value waiting for acceptance.
    DeliveryToAccept,
    /// Coordinator or owner: an indicator's review is due.
    ReviewDue,
    /// Member: a draft open for comments in a process one takes part in.
    DraftOpen,
    /// Member: an unread reply to one's comment.
    Reply,
    /// Coordinator: a term still waiting for agreement.
    TermToAgree,
}

/// How far ahead a phase end or a review is shown.
pub const PHASE_SOON: Duration = Duration::days(7);
pub const REVIEW_AHEAD: Duration = Duration::days(30);

/// Who the person is towards one delivery.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryRole {
    /// Member of the owning organisation: they deliver.
    pub owner: bool,
    /// May request and accept deliveries.
    pub coordinator: bool,
}

/// The task a delivery sets the person, if any. The owner's own task wins over the
/// coordinator's view of it: a coordinator who must deliver is reminded to deliver, not offered
/// to remind themselves.
pub fn delivery_task(status: DeliveryStatus, overdue: bool, role: DeliveryRole) -> Option<TaskKind> {
    match status {
        DeliveryStatus::Returned if role.owner => Some(TaskKind::DeliveryReturned),
        DeliveryStatus::Requested if role.owner => Some(TaskKind::DeliveryOpen),
        DeliveryStatus::Requested | DeliveryStatus::Returned if role.coordinator && overdue => {
            Some(TaskKind::DeliveryOverdue)
        }
        DeliveryStatus::Delivered if role.coordinator => Some(TaskKind::DeliveryToAccept),
        _ => None,
    }
}

/// Whether a date lies within `ahead` of now (or already passed).
pub fn within(at: DateTime<Utc>, now: DateTime<Utc>, ahead: Duration) -> bool {
    at <= now + ahead
}

/// How pressing a task is, first the most: past its date, due within a week, due later,
/// undated. Within a group the earlier date first, then the kind's order above.
pub fn urgency(
    kind: TaskKind,
    due: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (u8, Option<DateTime<Utc>>, TaskKind) {
    let group = match due {
        Some(d) if d < now => 0,
        Some(d) if d <= now + Duration::days(7) => 1,
        Some(_) => 2,
        None => 3,
    };
    (group, due, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(days: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::days(days)
    }

    #[test]
    fn deliveries_are_the_owners_first_then_the_coordinators() {
        let owner = DeliveryRole { owner: true, coordinator: false };
        let coord = DeliveryRole { owner: false, coordinator: true };
        let both = DeliveryRole { owner: true, coordinator: true };
        let neither = DeliveryRole { owner: false, coordinator: false };
        use DeliveryStatus::*;
        assert_eq!(delivery_task(Requested, false, owner), Some(TaskKind::DeliveryOpen));
        assert_eq!(delivery_task(Returned, true, owner), Some(TaskKind::DeliveryReturned));
        assert_eq!(delivery_task(Delivered, false, owner), None, "the owner waits, nothing to do");
        assert_eq!(delivery_task(Requested, false, coord), None, "not yet overdue");
        assert_eq!(delivery_task(Requested, true, coord), Some(TaskKind::DeliveryOverdue));
        assert_eq!(delivery_task(Returned, true, coord), Some(TaskKind::DeliveryOverdue));
        assert_eq!(delivery_task(Delivered, false, coord), Some(TaskKind::DeliveryToAccept));
        assert_eq!(delivery_task(Requested, true, both), Some(TaskKind::DeliveryOpen));
        assert_eq!(delivery_task(Accepted, true, both), None);
        assert_eq!(delivery_task(Requested, true, neither), None);
    }

    #[test]
    fn overdue_before_soon_before_later_before_undated() {
        let now = at(0);
        let mut list = vec![
            urgency(TaskKind::TermToAgree, None, now),
            urgency(TaskKind::ReviewDue, Some(at(20)), now),
            urgency(TaskKind::VoteClosing, Some(at(2)), now),
            urgency(TaskKind::DeliveryOverdue, Some(at(-10)), now),
            urgency(TaskKind::DeliveryOpen, Some(at(-1)), now),
            urgency(TaskKind::DraftOpen, Some(at(2)), now),
        ];
        list.sort();
        let kinds: Vec<TaskKind> = list.into_iter().map(|(_, _, k)| k).collect();
        assert_eq!(
            kinds,
            [
                TaskKind::DeliveryOverdue,
                TaskKind::DeliveryOpen,
                TaskKind::VoteClosing,
                TaskKind::DraftOpen,
                TaskKind::ReviewDue,
                TaskKind::TermToAgree
            ]
        );
    }

    #[test]
    fn soon_means_within_the_window_or_past() {
        assert!(within(at(7), at(0), PHASE_SOON));
        assert!(within(at(-3), at(0), PHASE_SOON));
        assert!(!within(at(8), at(0), PHASE_SOON));
    }
}
