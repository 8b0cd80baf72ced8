//! The pure rules of a process: phase order and timing, who casts a ballot for whom, and
//! deciding a proposal by its tally.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::entities::{Eligibility, PhaseKind, ProcessStatus, ProposalStatus, VoteChoice};
use crate::{
    accounts::entities::Sector,
    error::{Error, Result},
};

/// How a process decides: eligibility lives beside it on the process row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VotingRule {
    /// Share of the eligible that must vote (abstentions count as voting), 0..=1.
    pub quorum: f64,
    /// Share of YES among YES+NO needed, 0..=1; a tie never passes.
    pub threshold: f64,
    /// YES must outweigh NO in every sector that cast a YES or NO.
    pub sector_majority: bool,
}

/// Tolerance for comparing shares, so that 2 of 3 meets a two-thirds threshold.
const EPS: f64 = 1e-9;

impl VotingRule {
    pub fn validate(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.quorum) || self.quorum.is_nan() {
            return Err(Error::validation("votingRule.quorum", "a share between 0 and 1"));
        }
        if !(0.0..=1.0).contains(&self.threshold) || self.threshold.is_nan() {
            return Err(Error::validation("votingRule.threshold", "a share between 0 and 1"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
}

impl Counts {
    fn add(&mut self, c: VoteChoice) {
        match c {
            VoteChoice::Yes => self.yes += 1,
            VoteChoice::No => self.no += 1,
            VoteChoice::Abstain => self.abstain += 1,
        }
    }

    pub fn cast(&self) -> u32 {
        self.yes + self.no + self.abstain
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TallyOutcome {
    pub counts: Counts,
    pub eligible: u32,
    /// The votes (abstentions included) the quorum asks for.
    pub quorum_votes: u32,
    pub quorum_reached: bool,
    pub accepted: bool,
    /// In the order of [`SECTORS`], only sectors that cast any vote.
    pub by_sector: Vec<(Sector, Counts)>,
}

pub const SECTORS: [Sector; 4] = [Sector::Administration, Sector::Politics, Sector::CivilSociety, Sector::Science];

/// Decides a proposal from its votes (each with the voter's sector) and the number eligible.
pub fn tally(rule: &VotingRule, eligible: u32, votes: &[(Option<Sector>, VoteChoice)]) -> TallyOutcome {
    let mut counts = Counts::default();
    let mut sectors = [Counts::default(); 4];
    for (sector, choice) in votes {
        counts.add(*choice);
        if let Some(i) = sector.and_then(|s| SECTORS.iter().position(|x| *x == s)) {
            sectors[i].add(*choice);
        }
    }
    let quorum_reached = eligible > 0 && f64::from(counts.cast()) + EPS >= rule.quorum * f64::from(eligible);
    let decisive = counts.yes + counts.no;
    let threshold_met =
        counts.yes > counts.no && decisive > 0 && f64::from(counts.yes) + EPS >= rule.threshold * f64::from(decisive);
    let sectors_agree = !rule.sector_majority || sectors.iter().filter(|c| c.yes + c.no > 0).all(|c| c.yes > c.no);
    let by_sector = SECTORS.iter().zip(sectors).filter(|(_, c)| c.cast() > 0).map(|(s, c)| (*s, c)).collect();
    TallyOutcome {
        counts,
        eligible,
        quorum_votes: quorum_votes(rule.quorum, eligible),
        quorum_reached,
        accepted: quorum_reached && threshold_met && sectors_agree,
        by_sector,
    }
}

/// The smallest number of votes that meets the quorum (with the same tolerance as `tally`).
fn quorum_votes(quorum: f64, eligible: u32) -> u32 {
    let needed = (quorum * f64::from(eligible) - EPS).ceil().max(0.0);
    // A share of at most 1 of a u32 fits a u32.
    (needed as u32).min(eligible)
}

/// One organisation's votes: under ORGANIZATION eligibility its single vote, under PERSON
/// eligibility its members' votes.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationCounts {
    pub organization_id: Uuid,
    pub sector: Option<Sector>,
    pub counts: Counts,
}

/// Votes grouped by the organisation they were cast for, in the order of [`SECTORS`] and then of
/// first appearance; votes without an organisation (cast before organisations were recorded)
/// are left out.
pub fn by_organization(votes: &[(Option<Uuid>, Option<Sector>, VoteChoice)]) -> Vec<OrganizationCounts> {
    let mut out: Vec<OrganizationCounts> = Vec::new();
    for (org, sector, choice) in votes {
        let Some(org) = org else { continue };
        match out.iter_mut().find(|o| o.organization_id == *org) {
            Some(o) => o.counts.add(*choice),
            None => {
                let mut counts = Counts::default();
                counts.add(*choice);
                out.push(OrganizationCounts { organization_id: *org, sector: *sector, counts });
            }
        }
    }
    let rank = |s: &Option<Sector>| s.and_then(|s| SECTORS.iter().position(|x| *x == s)).unwrap_or(SECTORS.len());
    out.sort_by_key(|o| rank(&o.sector));
    out
}

/// The canonical order of phase kinds.
pub fn order(kind: PhaseKind) -> u8 {
    match kind {
        PhaseKind::Drafting => 0,
        PhaseKind::Consultation => 1,
        PhaseKind::Voting => 2,
        PhaseKind::Resolution => 3,
    }
}

/// Phases must follow DRAFTING, CONSULTATION, VOTING, RESOLUTION (each at most once), include
/// a phase for proposals, VOTING and RESOLUTION, and follow one another in time.
pub fn validate_phases(phases: &[(PhaseKind, DateTime<Utc>, DateTime<Utc>)]) -> Result<()> {
    let field = "phases";
    if phases.is_empty() {
        return Err(Error::validation(field, "a process needs phases"));
    }
    for w in phases.windows(2) {
        if order(w[0].0) >= order(w[1].0) {
            return Err(Error::validation(field, "phases go DRAFTING, CONSULTATION, VOTING, RESOLUTION, each once"));
        }
        if w[1].1 < w[0].2 {
            return Err(Error::validation(field, "a phase may not start before the previous one ends"));
        }
    }
    for (kind, starts, ends) in phases {
        if ends <= starts {
            return Err(Error::validation(field, format!("{} must end after it starts", kind.name())));
        }
    }
    let has = |k: PhaseKind| phases.iter().any(|p| p.0 == k);
    if !(has(PhaseKind::Drafting) || has(PhaseKind::Consultation)) {
        return Err(Error::validation(field, "a DRAFTING or CONSULTATION phase is needed for proposals"));
    }
    if !has(PhaseKind::Voting) || !has(PhaseKind::Resolution) {
        return Err(Error::validation(field, "VOTING and RESOLUTION are needed"));
    }
    Ok(())
}

/// A phase is over at its end second, not one second later.
pub fn is_due(ends_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= ends_at
}

pub fn accepts_proposals(kind: PhaseKind) -> bool {
    matches!(kind, PhaseKind::Drafting | PhaseKind::Consultation)
}

/// What leaving the current phase does, as the design names it: entering VOTING opens the vote
/// on submitted proposals, leaving VOTING decides them, leaving the last phase adopts the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Position of the phase entered; the number of phases once the process completes.
    pub next: i32,
    pub status: ProcessStatus,
    /// End of the phase entered, if any.
    pub ends_at: Option<DateTime<Utc>>,
    pub decides_votes: bool,
    /// The end of the vote that entering VOTING opens.
    pub opens_vote_until: Option<DateTime<Utc>>,
    pub adopts_draft: bool,
    pub summary: String,
}

/// The transition out of phase `from` of `phases` (kind and end, in order).
pub fn transition(status: ProcessStatus, phases: &[(PhaseKind, DateTime<Utc>)], from: i32) -> Result<Transition> {
    if status != ProcessStatus::Active {
        return Err(Error::conflict("the process is completed"));
    }
    let leaving = usize::try_from(from).ok().and_then(|i| phases.get(i)).ok_or(Error::NotFound("phase"))?.0;
    let next = from + 1;
    let entering = usize::try_from(next).ok().and_then(|i| phases.get(i)).copied();
    Ok(Transition {
        next,
        status: if entering.is_some() { ProcessStatus::Active } else { ProcessStatus::Completed },
        ends_at: entering.map(|(_, ends)| ends),
        decides_votes: leaving == PhaseKind::Voting,
        opens_vote_until: entering.filter(|(kind, _)| *kind == PhaseKind::Voting).map(|(_, ends)| ends),
        adopts_draft: entering.is_none(),
        summary: match entering {
            Some((kind, _)) => format!("Phase {} beendet, Phase {} begonnen", leaving.name(), kind.name()),
            None => format!("Phase {} beendet, Prozess abgeschlossen", leaving.name()),
        },
    })
}

/// A participating organisation the voter belongs to, as the ballot rule needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoterOrganization<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub sector: Sector,
}

/// What the service knows when someone casts a vote.
#[derive(Debug, Clone, Copy)]
pub struct VoteFacts<'a> {
    pub actor_id: Uuid,
    pub proposal_status: ProposalStatus,
    /// Whether the process is in its voting phase.
    pub in_voting: bool,
    pub eligibility: Eligibility,
    /// The voter's participating organisations, ordered by name.
    pub organizations: &'a [VoterOrganization<'a>],
    /// The organisation the voter named, if any.
    pub requested: Option<Uuid>,
}

/// The vote to store: whose vote it is (the person's, or the organisation's, which a colleague
/// may replace), for which organisation and sector, and the audit line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub voter_id: Uuid,
    pub organization_id: Uuid,
    pub sector: Sector,
    pub summary: String,
}

/// Decides a ballot: the proposal must be in vote during the voting phase, the voter must belong
/// to a participating organisation, and one who belongs to several must name it where
/// organisations vote.
pub fn ballot(f: &VoteFacts<'_>) -> Result<Ballot> {
    if f.proposal_status != ProposalStatus::InVote || !f.in_voting {
        return Err(Error::Conflict {
            message: "this proposal is not open for voting".into(),
            details: Some(serde_json::json!({ "status": f.proposal_status })),
        });
    }
    let Some(first) = f.organizations.first() else {
        return Err(Error::forbidden("only members of participating organisations vote"));
    };
    let org = match f.requested {
        Some(id) => f
            .organizations
            .iter()
            .find(|o| o.id == id)
            .ok_or_else(|| Error::validation("organizationId", "not a participating organisation of yours"))?,
        None if f.eligibility == Eligibility::Organization && f.organizations.len() > 1 => {
            return Err(Error::validation(
                "organizationId",
                "you belong to several participating organisations: name the one you vote for",
            ));
        }
        None => first,
    };
    Ok(match f.eligibility {
        Eligibility::Person => Ballot {
            voter_id: f.actor_id,
            organization_id: org.id,
            sector: org.sector,
            summary: "Stimme abgegeben".into(),
        },
        Eligibility::Organization => Ballot {
            voter_id: org.id,
            organization_id: org.id,
            sector: org.sector,
            summary: format!("Stimme abgegeben für {}", org.name),
        },
    })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use VoteChoice::{Abstain as A, No as N, Yes as Y};

    const ADM: Option<Sector> = Some(Sector::Administration);
    const POL: Option<Sector> = Some(Sector::Politics);
    const CIV: Option<Sector> = Some(Sector::CivilSociety);

    fn rule(quorum: f64, threshold: f64, sector_majority: bool) -> VotingRule {
        VotingRule { quorum, threshold, sector_majority }
    }

    fn votes(list: &[(Option<Sector>, VoteChoice)]) -> Vec<(Option<Sector>, VoteChoice)> {
        list.to_vec()
    }

    #[test]
    fn simple_majority_passes_and_tie_fails() {
        let r = rule(0.0, 0.5, false);
        assert!(tally(&r, 3, &votes(&[(ADM, Y), (POL, Y), (CIV, N)])).accepted);
        assert!(!tally(&r, 2, &votes(&[(ADM, Y), (POL, N)])).accepted, "a tie never passes");
        assert!(!tally(&r, 3, &[]).accepted, "no votes, no decision");
    }

    #[test]
    fn abstentions_count_for_quorum_not_for_the_share() {
        let r = rule(0.5, 0.5, false);
        // 1 yes + 2 abstain of 6 eligible: quorum exactly met, share 1/1.
        let t = tally(&r, 6, &votes(&[(ADM, Y), (ADM, A), (POL, A)]));
        assert!(t.quorum_reached);
        assert!(t.accepted);
        assert_eq!(t.counts, Counts { yes: 1, no: 0, abstain: 2 });
        // only abstentions: quorum met, but nobody decided.
        let t = tally(&r, 2, &votes(&[(ADM, A), (POL, A)]));
        assert!(t.quorum_reached && !t.accepted);
    }

    #[test]
    fn quorum_edges() {
        let r = rule(0.5, 0.5, false);
        assert!(!tally(&r, 7, &votes(&[(ADM, Y), (ADM, Y), (ADM, Y)])).quorum_reached, "3 of 7 < 50 %");
        assert!(tally(&r, 6, &votes(&[(ADM, Y), (ADM, Y), (ADM, Y)])).quorum_reached, "3 of 6 = 50 %");
        assert!(!tally(&r, 0, &[]).quorum_reached, "nobody eligible");
        let third = rule(1.0 / 3.0, 0.5, false);
        assert!(tally(&third, 3, &votes(&[(ADM, Y)])).quorum_reached, "1 of 3 meets a third despite rounding");
        let full = rule(1.0, 0.5, false);
        assert!(!tally(&full, 3, &votes(&[(ADM, Y), (ADM, Y)])).accepted);
        assert!(tally(&full, 2, &votes(&[(ADM, Y), (ADM, Y)])).accepted);
    }

    #[test]
    fn qualified_threshold_edges() {
        let two_thirds = rule(0.0, 2.0 / 3.0, false);
        assert!(tally(&two_thirds, 3, &votes(&[(ADM, Y), (ADM, Y), (ADM, N)])).accepted, "exactly 2/3");
        assert!(
            !tally(&two_thirds, 5, &votes(&[(ADM, Y), (ADM, Y), (ADM, N), (ADM, N), (ADM, Y)])).accepted,
            "3/5 < 2/3"
        );
        let zero = rule(0.0, 0.0, false);
        assert!(!tally(&zero, 2, &votes(&[(ADM, N)])).accepted, "even threshold 0 needs YES over NO");
    }

    #[test]
    fn quorum_votes_is_the_smallest_count_that_meets_the_quorum() {
        assert_eq!(tally(&rule(0.5, 0.5, false), 7, &[]).quorum_votes, 4);
        assert_eq!(tally(&rule(0.5, 0.5, false), 6, &[]).quorum_votes, 3);
        assert_eq!(tally(&rule(1.0 / 3.0, 0.5, false), 3, &[]).quorum_votes, 1);
        assert_eq!(tally(&rule(0.0, 0.5, false), 3, &[]).quorum_votes, 0);
        assert_eq!(tally(&rule(1.0, 0.5, false), 3, &[]).quorum_votes, 3);
    }

    #[test]
    fn groups_votes_by_organisation_in_sector_order() {
        let (a, b, c) = (Some(Uuid::from_u128(1)), Some(Uuid::from_u128(2)), Some(Uuid::from_u128(3)));
        let list = by_organization(&[(a, CIV, Y), (b, ADM, N), (a, CIV, N), (c, POL, A), (None, ADM, Y), (a, CIV, Y)]);
        let got: Vec<(Option<Uuid>, Counts)> = list.iter().map(|o| (Some(o.organization_id), o.counts)).collect();
        assert_eq!(
            got,
            vec![
                (b, Counts { yes: 0, no: 1, abstain: 0 }),
                (c, Counts { yes: 0, no: 0, abstain: 1 }),
                (a, Counts { yes: 2, no: 1, abstain: 0 }),
            ]
        );
    }

    #[test]
    fn sector_majority_needs_every_sector_that_voted() {
        let r = rule(0.0, 0.5, true);
        // Overall 3:2 for, but politics 0:1 against.
        let t = tally(&r, 5, &votes(&[(ADM, Y), (ADM, Y), (CIV, Y), (CIV, N), (POL, N)]));
        assert!(!t.accepted);
        assert_eq!(t.by_sector.len(), 3);
        // A tie inside a sector is no majority there.
        assert!(!tally(&r, 4, &votes(&[(ADM, Y), (ADM, Y), (CIV, Y), (CIV, N)])).accepted);
        // A sector that only abstained does not block.
        assert!(tally(&r, 3, &votes(&[(ADM, Y), (CIV, Y), (POL, A)])).accepted);
        // Without the rule the same 3:2 passes.
        assert!(tally(&rule(0.0, 0.5, false), 5, &votes(&[(ADM, Y), (ADM, Y), (CIV, Y), (CIV, N), (POL, N)])).accepted);
    }

    #[test]
    fn organisation_votes_are_counted_like_persons() {
        // Under ORGANIZATION eligibility the service passes one entry per organisation.
        let r = rule(0.5, 0.5, true);
        let t = tally(&r, 4, &votes(&[(ADM, Y), (CIV, Y)]));
        assert!(t.quorum_reached && t.accepted);
        assert_eq!(t.eligible, 4);
    }

    #[test]
    fn rule_shares_are_bounded() {
        assert!(rule(0.5, 0.5, false).validate().is_ok());
        assert_eq!(rule(1.5, 0.5, false).validate().unwrap_err().code(), "VALIDATION");
        assert_eq!(rule(0.5, -0.1, false).validate().unwrap_err().code(), "VALIDATION");
        assert!(rule(f64::NAN, 0.5, false).validate().is_err());
    }

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).single().unwrap() + Duration::hours(h)
    }

    #[test]
    fn phases_follow_the_order_in_time() {
        use PhaseKind::*;
        assert!(
            validate_phases(&[(Drafting, at(0), at(1)), (Voting, at(1), at(2)), (Resolution, at(2), at(3))]).is_ok()
        );
        assert!(
            validate_phases(&[(Consultation, at(0), at(1)), (Voting, at(1), at(2)), (Resolution, at(3), at(4))])
                .is_ok()
        );
        for bad in [
            vec![],
            vec![(Voting, at(0), at(1)), (Resolution, at(1), at(2))],
            vec![(Drafting, at(0), at(1)), (Resolution, at(1), at(2))],
            vec![(Drafting, at(0), at(1)), (Voting, at(1), at(2))],
            vec![(Voting, at(0), at(1)), (Drafting, at(1), at(2)), (Resolution, at(2), at(3))],
            vec![
                (Drafting, at(0), at(1)),
                (Drafting, at(1), at(2)),
                (Voting, at(2), at(3)),
                (Resolution, at(3), at(4)),
            ],
            vec![(Drafting, at(0), at(2)), (Voting, at(1), at(3)), (Resolution, at(3), at(4))],
            vec![(Drafting, at(1), at(1)), (Voting, at(1), at(3)), (Resolution, at(3), at(4))],
        ] {
            assert_eq!(validate_phases(&bad).unwrap_err().code(), "VALIDATION", "{bad:?}");
        }
    }

    #[test]
    fn a_phase_is_due_at_its_end_second() {
        let end = at(10);
        assert!(!is_due(end, end - Duration::seconds(1)));
        assert!(is_due(end, end));
        assert!(is_due(end, end + Duration::seconds(1)));
    }

    #[test]
    fn proposals_only_before_voting() {
        assert!(accepts_proposals(PhaseKind::Drafting));
        assert!(accepts_proposals(PhaseKind::Consultation));
        assert!(!accepts_proposals(PhaseKind::Voting));
        assert!(!accepts_proposals(PhaseKind::Resolution));
    }

    mod ballots {
        use super::*;

        fn org(n: u128, name: &'static str, sector: Sector) -> VoterOrganization<'static> {
            VoterOrganization { id: Uuid::from_u128(n), name, sector }
        }

        const ME: Uuid = Uuid::from_u128(99);

        fn facts<'a>(
            orgs: &'a [VoterOrganization<'a>],
            eligibility: Eligibility,
            requested: Option<u128>,
        ) -> VoteFacts<'a> {
            VoteFacts {
                actor_id: ME,
                proposal_status: ProposalStatus::InVote,
                in_voting: true,
                eligibility,
                organizations: orgs,
                requested: requested.map(Uuid::from_u128),
            }
        }

        fn code(r: Result<Ballot>) -> String {
            match r {
                Err(Error::Conflict { .. }) => "CONFLICT".into(),
                Err(Error::Forbidden(_)) => "FORBIDDEN".into(),
                Err(Error::Validation { field, .. }) => format!("VALIDATION {field}"),
                Err(other) => format!("{other:?}"),
                Ok(b) => format!("OK {}", b.voter_id),
            }
        }

        #[test]
        fn a_person_votes_as_themself_for_their_only_organisation() {
            let orgs = [org(1, "Caritas", Sector::CivilSociety)];
            let b = ballot(&facts(&orgs, Eligibility::Person, None)).unwrap();
            assert_eq!(
                b,
                Ballot {
                    voter_id: ME,
                    organization_id: Uuid::from_u128(1),
                    sector: Sector::CivilSociety,
                    summary: "Stimme abgegeben".into()
                }
            );
        }

        #[test]
        fn an_organisation_vote_belongs_to_the_organisation() {
            let orgs = [org(1, "Caritas", Sector::CivilSociety)];
            let b = ballot(&facts(&orgs, Eligibility::Organization, None)).unwrap();
            assert_eq!(b.voter_id, Uuid::from_u128(1), "a colleague's vote replaces it");
            assert_eq!(b.summary, "Stimme abgegeben für Caritas");
        }

        #[test]
        fn members_of_several_organisations_name_one_where_organisations_vote() {
            let orgs = [org(1, "Caritas", Sector::CivilSociety), org(2, "Rat", Sector::Politics)];
            assert_eq!(code(ballot(&facts(&orgs, Eligibility::Organization, None))), "VALIDATION organizationId");
            let b = ballot(&facts(&orgs, Eligibility::Organization, Some(2))).unwrap();
            assert_eq!((b.voter_id, b.sector), (Uuid::from_u128(2), Sector::Politics));
            // A person votes once whatever organisation they name; the first counts by default.
            let b = ballot(&facts(&orgs, Eligibility::Person, None)).unwrap();
            assert_eq!((b.voter_id, b.organization_id), (ME, Uuid::from_u128(1)));
            let b = ballot(&facts(&orgs, Eligibility::Person, Some(2))).unwrap();
            assert_eq!((b.voter_id, b.sector), (ME, Sector::Politics));
        }

        #[test]
        fn a_named_organisation_must_be_one_of_the_voters() {
            let orgs = [org(1, "Caritas", Sector::CivilSociety)];
            for e in [Eligibility::Person, Eligibility::Organization] {
                assert_eq!(code(ballot(&facts(&orgs, e, Some(7)))), "VALIDATION organizationId");
            }
        }

        #[test]
        fn outsiders_do_not_vote() {
            for e in [Eligibility::Person, Eligibility::Organization] {
                assert_eq!(code(ballot(&facts(&[], e, None))), "FORBIDDEN");
            }
        }

        #[test]
        fn only_proposals_in_vote_during_voting() {
            let orgs = [org(1, "Caritas", Sector::CivilSociety)];
            for status in [ProposalStatus::Submitted, ProposalStatus::Accepted, ProposalStatus::Withdrawn] {
                let f = VoteFacts { proposal_status: status, ..facts(&orgs, Eligibility::Person, None) };
                assert_eq!(code(ballot(&f)), "CONFLICT", "{status:?}");
            }
            let f = VoteFacts { in_voting: false, ..facts(&orgs, Eligibility::Person, None) };
            assert_eq!(code(ballot(&f)), "CONFLICT", "vote closed while waiting for the lock");
            // The state is checked before membership: an outsider learns nothing more.
            let f = VoteFacts { in_voting: false, ..facts(&[], Eligibility::Person, None) };
            assert_eq!(code(ballot(&f)), "CONFLICT");
        }
    }

    mod transitions {
        use super::*;

        fn plan() -> Vec<(PhaseKind, DateTime<Utc>)> {
            vec![
                (PhaseKind::Drafting, at(10)),
                (PhaseKind::Consultation, at(20)),
                (PhaseKind::Voting, at(30)),
                (PhaseKind::Resolution, at(40)),
            ]
        }

        #[test]
        fn entering_voting_opens_the_vote_until_its_end() {
            let t = transition(ProcessStatus::Active, &plan(), 1).unwrap();
            assert_eq!((t.next, t.status, t.ends_at), (2, ProcessStatus::Active, Some(at(30))));
            assert_eq!(t.opens_vote_until, Some(at(30)));
            assert!(!t.decides_votes && !t.adopts_draft);
            assert_eq!(t.summary, "Phase CONSULTATION beendet, Phase VOTING begonnen");
        }

        #[test]
        fn leaving_voting_decides_and_the_last_phase_adopts() {
            let t = transition(ProcessStatus::Active, &plan(), 2).unwrap();
            assert!(t.decides_votes && t.opens_vote_until.is_none() && !t.adopts_draft);
            let t = transition(ProcessStatus::Active, &plan(), 3).unwrap();
            assert_eq!((t.next, t.status, t.ends_at), (4, ProcessStatus::Completed, None));
            assert!(t.adopts_draft && !t.decides_votes);
            assert_eq!(t.summary, "Phase RESOLUTION beendet, Prozess abgeschlossen");
        }

        #[test]
        fn a_plan_that_ends_with_voting_decides_and_adopts_at_once() {
            let plan = [(PhaseKind::Drafting, at(10)), (PhaseKind::Voting, at(20))];
            let t = transition(ProcessStatus::Active, &plan, 1).unwrap();
            assert!(t.decides_votes && t.adopts_draft);
            assert_eq!(t.status, ProcessStatus::Completed);
        }

        #[test]
        fn completed_processes_and_unknown_phases_do_not_move() {
            assert!(matches!(transition(ProcessStatus::Completed, &plan(), 1), Err(Error::Conflict { .. })));
            assert!(matches!(transition(ProcessStatus::Active, &plan(), 4), Err(Error::NotFound(_))));
            assert!(matches!(transition(ProcessStatus::Active, &plan(), -1), Err(Error::NotFound(_))));
            assert!(matches!(transition(ProcessStatus::Active, &[], 0), Err(Error::NotFound(_))));
        }
    }
}
