//! The German words people read for the enums in downloads (CSV, XLSX): one place, the same words
//! as the web app (`frontend/src/i18n/de.json`).

use crate::{
    glossary::entities::TermStatus,
    indicators::entities::TargetDirection,
    participation::entities::{DispositionDecision, ProposalStatus, SubjectKind},
    reports::status::GoalStatus,
};

/// An enum's German label; the match in each impl is exhaustive, so a new variant needs a word.
pub trait German: Copy {
    fn german(self) -> &'static str;
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

impl German for TargetDirection {
    fn german(self) -> &'static str {
        match self {
            TargetDirection::HigherIsBetter => "höher ist besser",
            TargetDirection::LowerIsBetter => "niedriger ist besser",
        }
    }
}

impl German for ProposalStatus {
    fn german(self) -> &'static str {
        match self {
            ProposalStatus::Submitted => "Eingereicht",
            ProposalStatus::InVote => "In Abstimmung",
            ProposalStatus::Accepted => "Angenommen",
            ProposalStatus::Rejected => "Abgelehnt",
            ProposalStatus::Withdrawn => "Zurückgezogen",
        }
    }
}

impl German for DispositionDecision {
    fn german(self) -> &'static str {
        match self {
            DispositionDecision::TakenUp => "berücksichtigt",
            DispositionDecision::PartlyTakenUp => "teilweise berücksichtigt",
            DispositionDecision::NotTakenUp => "nicht berücksichtigt",
            DispositionDecision::Noted => "zur Kenntnis genommen",
        }
    }
}

impl German for SubjectKind {
    fn german(self) -> &'static str {
        match self {
            SubjectKind::Proposal => "Vorschlag",
            SubjectKind::Comment => "Kommentar",
        }
    }
}

impl German for TermStatus {
    fn german(self) -> &'static str {
        match self {
            TermStatus::Proposed => "Vorgeschlagen",
            TermStatus::Agreed => "Vereinbart",
            TermStatus::Deprecated => "Veraltet",
        }
    }
}

/// Yes or no, as a cell.
pub fn yes_no(b: bool) -> &'static str {
    if b { "ja" } else { "nein" }
}
