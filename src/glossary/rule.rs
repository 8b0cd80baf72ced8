//! The agreement rule: when a definition counts as agreed.
//!
//! A glossary names the sectors that must approve (default ADMINISTRATION, CIVIL_SOCIETY, SCIENCE)
//! and how many approvals each needs (default 1). A definition is agreed when
//! - every approval given on its current version can be assigned to a sector of the reviewer's
//!   organisations so that each required sector gets its number of approvals, one person counting
//!   for one sector only (someone in a city department and a university does not satisfy two
//!   sectors alone), and
//! - no objection is open. An objection stays open, whatever version it was given on, until its
//!   reviewer withdraws it or changes it to an approval: editing the text does not silence it.
//!
//! Approvals on earlier versions do not count: a change to the text reopens review.
//!
//! Who may do what, as a city expects it:
//! - nobody approves a text they wrote any revision of ([`may_approve`]): adding a full stop to
//!   someone's text does not let its author approve it as another's;
//! - a relation of an agreed term is removed only by a coordinator or that term's proposer
//!   ([`may_remove_relation`]); relations of terms under discussion are anyone's to tidy.
//! - relations keep SKOS integrity ([`check_relation`]): no `broader` cycle, and no `related`
//!   between two terms of one `broader` chain (S27: `related` is disjoint with `broaderTransitive`).
//! - the last agreed version stays in force (and public) until a new one is agreed
//!   ([`in_force_after`]): an objection or an edit reopens review of the definition, but does
//!   not take the agreed text away from the city's glossary.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::entities::{RelationKind, ReviewDecision};
use crate::accounts::entities::Sector;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRule {
    pub required_sectors: Vec<Sector>,
    pub min_approvals_per_sector: u32,
}

impl Default for AgreementRule {
    fn default() -> Self {
        Self {
            required_sectors: vec![Sector::Administration, Sector::CivilSociety, Sector::Science],
            min_approvals_per_sector: 1,
        }
    }
}

/// One review as the rule sees it.
#[derive(Debug, Clone)]
pub struct ReviewFact {
    pub reviewer: Uuid,
    pub decision: ReviewDecision,
    pub version: i32,
    /// Sectors of the reviewer's organisations now.
    pub sectors: Vec<Sector>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub agreed: bool,
    pub open_objections: usize,
    /// Required sectors still short of approvals.
    pub missing: Vec<Sector>,
}

impl AgreementRule {
    pub fn evaluate(&self, current_version: i32, reviews: &[ReviewFact]) -> Verdict {
        let open_objections = reviews.iter().filter(|r| r.decision == ReviewDecision::Object).count();
        let approvers: Vec<&ReviewFact> =
            reviews.iter().filter(|r| r.decision == ReviewDecision::Approve && r.version == current_version).collect();
        // One slot per approval a sector needs; approvers are matched to slots (bipartite matching),
        // so an approver with several sectors is placed where they are needed.
        let slots: Vec<Sector> = self
            .required_sectors
            .iter()
            .flat_map(|s| std::iter::repeat_n(*s, self.min_approvals_per_sector as usize))
            .collect();
        let mut slot_owner: Vec<Option<usize>> = vec![None; slots.len()];
        for a in 0..approvers.len() {
            let mut seen = vec![false; slots.len()];
            augment(a, &approvers, &slots, &mut slot_owner, &mut seen);
        }
        let mut filled: HashMap<Sector, u32> = HashMap::new();
        for (i, owner) in slot_owner.iter().enumerate() {
            if owner.is_some() {
                *filled.entry(slots[i]).or_default() += 1;
            }
        }
        let missing: Vec<Sector> = self
            .required_sectors
            .iter()
            .copied()
            .filter(|s| filled.get(s).copied().unwrap_or(0) < self.min_approvals_per_sector)
            .collect();
        Verdict {
            agreed: missing.is_empty() && open_objections == 0 && !approvers.is_empty(),
            open_objections,
            missing,
        }
    }
}

/// The definition version a term holds in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InForce {
    pub definition: Uuid,
    pub version: i32,
}

/// What a term holds in force after the verdict on one of its definitions' current `version`: an
/// agreed version replaces what was in force, anything else leaves it as it was.
pub fn in_force_after(current: Option<InForce>, definition: Uuid, version: i32, agreed: bool) -> Option<InForce> {
    if agreed { Some(InForce { definition, version }) } else { current }
}

/// Whether `reviewer` may approve a definition whose revisions were written by `authors`.
pub fn may_approve(reviewer: Uuid, authors: &[Option<Uuid>]) -> bool {
    !authors.contains(&Some(reviewer))
}

/// One end of a relation as the rule sees it.
#[derive(Debug, Clone, Copy)]
pub struct RelationEnd {
    pub agreed: bool,
    pub proposer: Option<Uuid>,
}

/// Whether `actor` may remove a relation between two terms: each agreed end must be the actor's
/// own proposal, unless the actor coordinates the glossary.
pub fn may_remove_relation(actor: Uuid, coordinator: bool, ends: [RelationEnd; 2]) -> bool {
    coordinator || ends.iter().all(|e| !e.agreed || e.proposer == Some(actor))
}

/// Why a relation would break the glossary's SKOS integrity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationRefusal {
    /// The new `broader` would make a term (transitively) broader than itself.
    BroaderCycle,
    /// `related` between terms of one `broader` chain (SKOS S27).
    RelatedInChain,
}

impl RelationRefusal {
    pub fn message(self) -> &'static str {
        match self {
            Self::BroaderCycle => "this broader relation would make a term broader than itself (a cycle)",
            Self::RelatedInChain => {
                "terms in one broader chain cannot also be related (SKOS S27: related is disjoint with broaderTransitive)"
            }
        }
    }
}

/// Whether `term broader other` (kind `BROADER`) or `term related other` (`RELATED`) may be added to
/// the glossary's relations, each stored once as `(term, other, kind)` with `BROADER` meaning
/// `other` is broader than `term`. `NARROWER` is checked as the other's `BROADER`.
pub fn check_relation(
    existing: &[(Uuid, Uuid, RelationKind)],
    term: Uuid,
    other: Uuid,
    kind: RelationKind,
) -> Result<(), RelationRefusal> {
    let (term, other, kind) = match kind {
        RelationKind::Narrower => (other, term, RelationKind::Broader),
        k => (term, other, k),
    };
    let mut up: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let mut down: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let mut related: HashSet<(Uuid, Uuid)> = HashSet::new();
    for &(a, b, k) in existing {
        match k {
            RelationKind::Broader => {
                up.entry(a).or_default().push(b);
                down.entry(b).or_default().push(a);
            }
            RelationKind::Narrower => {
                up.entry(b).or_default().push(a);
                down.entry(a).or_default().push(b);
            }
            RelationKind::Related => {
                related.insert((a, b));
                related.insert((b, a));
            }
        }
    }
    // Every term reachable along `edges` from `start`, itself included.
    let reach = |edges: &HashMap<Uuid, Vec<Uuid>>, start: Uuid| -> HashSet<Uuid> {
        let mut seen = HashSet::from([start]);
        let mut todo = vec![start];
        while let Some(n) = todo.pop() {
            for &m in edges.get(&n).map(Vec::as_slice).unwrap_or_default() {
                if seen.insert(m) {
                    todo.push(m);
                }
            }
        }
        seen
    };
    match kind {
        RelationKind::Related => {
            if reach(&up, term).contains(&other) || reach(&up, other).contains(&term) {
                return Err(RelationRefusal::RelatedInChain);
            }
        }
        _ => {
            let above = reach(&up, other);
            if above.contains(&term) {
                return Err(RelationRefusal::BroaderCycle);
            }
            // The new edge puts every term below `term` under every term above `other`.
            let below = reach(&down, term);
            if below.iter().any(|d| above.iter().any(|a| related.contains(&(*d, *a)))) {
                return Err(RelationRefusal::RelatedInChain);
            }
        }
    }
    Ok(())
}

fn augment(
    a: usize,
    approvers: &[&ReviewFact],
    slots: &[Sector],
    owner: &mut [Option<usize>],
    seen: &mut [bool],
) -> bool {
    for (i, sector) in slots.iter().enumerate() {
        if seen[i] || !approvers[a].sectors.contains(sector) {
            continue;
        }
        seen[i] = true;
        let free = match owner[i] {
            None => true,
            Some(other) => augment(other, approvers, slots, owner, seen),
        };
        if free {
            owner[i] = Some(a);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReviewDecision::{Approve, Object};
    use Sector::{Administration as Adm, CivilSociety as Civ, Politics as Pol, Science as Sci};

    fn r(decision: ReviewDecision, version: i32, sectors: &[Sector]) -> ReviewFact {
        ReviewFact { reviewer: Uuid::new_v4(), decision, version, sectors: sectors.to_vec() }
    }

    #[test]
    fn one_approval_from_each_required_sector_agrees() {
        let v = AgreementRule::default()
            .evaluate(1, &[r(Approve, 1, &[Adm]), r(Approve, 1, &[Civ]), r(Approve, 1, &[Sci])]);
        assert!(v.agreed, "{v:?}");
        assert!(v.missing.is_empty());
    }

    #[test]
    fn a_missing_sector_blocks_and_is_named() {
        let v = AgreementRule::default()
            .evaluate(1, &[r(Approve, 1, &[Adm]), r(Approve, 1, &[Adm]), r(Approve, 1, &[Sci])]);
        assert!(!v.agreed);
        assert_eq!(v.missing, vec![Civ]);
    }

    #[test]
    fn sectors_outside_the_rule_do_not_help() {
        let v = AgreementRule::default()
            .evaluate(1, &[r(Approve, 1, &[Adm]), r(Approve, 1, &[Pol]), r(Approve, 1, &[Sci])]);
        assert_eq!(v.missing, vec![Civ]);
    }

    #[test]
    fn reviewers_without_organisation_count_for_no_sector() {
        let v =
            AgreementRule::default().evaluate(1, &[r(Approve, 1, &[]), r(Approve, 1, &[Civ]), r(Approve, 1, &[Sci])]);
        assert_eq!(v.missing, vec![Adm]);
    }

    #[test]
    fn an_open_objection_blocks_even_with_all_sectors() {
        let reviews = [r(Approve, 1, &[Adm]), r(Approve, 1, &[Civ]), r(Approve, 1, &[Sci]), r(Object, 1, &[Pol])];
        let v = AgreementRule::default().evaluate(1, &reviews);
        assert!(!v.agreed);
        assert_eq!(v.open_objections, 1);
    }

    #[test]
    fn objection_then_withdrawal_agrees() {
        let mut reviews = vec![r(Approve, 1, &[Adm]), r(Approve, 1, &[Civ]), r(Object, 1, &[Sci])];
        assert!(!AgreementRule::default().evaluate(1, &reviews).agreed);
        // The objector changes their review to an approval.
        reviews[2].decision = Approve;
        assert!(AgreementRule::default().evaluate(1, &reviews).agreed);
        // Or withdraws it, leaving science to someone else.
        reviews.pop();
        assert_eq!(AgreementRule::default().evaluate(1, &reviews).missing, vec![Sci]);
        reviews.push(r(Approve, 1, &[Sci]));
        assert!(AgreementRule::default().evaluate(1, &reviews).agreed);
    }

    #[test]
    fn an_edit_reopens_review_approvals_on_old_versions_do_not_count() {
        let reviews = [r(Approve, 1, &[Adm]), r(Approve, 1, &[Civ]), r(Approve, 1, &[Sci])];
        assert!(AgreementRule::default().evaluate(1, &reviews).agreed);
        let after_edit = AgreementRule::default().evaluate(2, &reviews);
        assert!(!after_edit.agreed);
        assert_eq!(after_edit.missing, vec![Adm, Civ, Sci]);
        let re_reviewed = [r(Approve, 2, &[Adm]), r(Approve, 1, &[Civ]), r(Approve, 2, &[Sci])];
        assert_eq!(AgreementRule::default().evaluate(2, &re_reviewed).missing, vec![Civ]);
    }

    #[test]
    fn an_objection_on_an_old_version_stays_open_after_an_edit() {
        let reviews = [r(Object, 1, &[Pol]), r(Approve, 2, &[Adm]), r(Approve, 2, &[Civ]), r(Approve, 2, &[Sci])];
        let v = AgreementRule::default().evaluate(2, &reviews);
        assert!(!v.agreed);
        assert_eq!(v.open_objections, 1);
    }

    #[test]
    fn one_person_in_two_sectors_covers_only_one() {
        let v = AgreementRule::default().evaluate(1, &[r(Approve, 1, &[Adm, Sci]), r(Approve, 1, &[Civ])]);
        assert!(!v.agreed);
        assert_eq!(v.missing.len(), 1);
    }

    #[test]
    fn multi_sector_approvers_are_placed_where_needed() {
        // Greedy placement of the first approver in ADMINISTRATION would leave SCIENCE empty.
        let v = AgreementRule::default()
            .evaluate(1, &[r(Approve, 1, &[Adm, Sci]), r(Approve, 1, &[Adm]), r(Approve, 1, &[Civ])]);
        assert!(v.agreed, "{v:?}");
    }

    #[test]
    fn higher_counts_per_sector_are_honoured() {
        let rule = AgreementRule { required_sectors: vec![Adm, Civ], min_approvals_per_sector: 2 };
        let mut reviews = vec![r(Approve, 1, &[Adm]), r(Approve, 1, &[Adm]), r(Approve, 1, &[Civ])];
        assert_eq!(rule.evaluate(1, &reviews).missing, vec![Civ]);
        reviews.push(r(Approve, 1, &[Civ]));
        assert!(rule.evaluate(1, &reviews).agreed);
    }

    #[test]
    fn the_last_agreed_version_stays_in_force_until_a_new_one_is_agreed() {
        let (d1, d2) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let v1 = in_force_after(None, d1, 1, true);
        assert_eq!(v1, Some(InForce { definition: d1, version: 1 }));
        assert_eq!(in_force_after(v1, d1, 1, false), v1, "an objection reopens review, the text stays");
        assert_eq!(in_force_after(v1, d1, 2, false), v1, "an edit under review is not in force");
        assert_eq!(in_force_after(v1, d1, 2, true), Some(InForce { definition: d1, version: 2 }));
        assert_eq!(in_force_after(v1, d2, 1, true), Some(InForce { definition: d2, version: 1 }), "a competitor");
        assert_eq!(in_force_after(None, d1, 1, false), None, "nothing agreed, nothing in force");
    }

    #[test]
    fn nobody_approves_a_text_they_wrote_a_revision_of() {
        let (anna, ben, cem) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        assert!(!may_approve(anna, &[Some(anna)]), "the author");
        assert!(!may_approve(anna, &[Some(anna), Some(ben)]), "after someone else added a full stop");
        assert!(!may_approve(ben, &[Some(anna), Some(ben)]), "who added the full stop");
        assert!(!may_approve(anna, &[Some(ben), Some(anna), Some(ben)]), "a middle revision");
        assert!(may_approve(cem, &[Some(anna), Some(ben)]));
        assert!(may_approve(cem, &[None, Some(anna)]), "an erased author blocks nobody");
        assert!(may_approve(cem, &[]));
    }

    #[test]
    fn relations_of_agreed_terms_are_removed_by_coordinators_or_their_proposer() {
        let (anna, ben) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let agreed_by = |p: Uuid| RelationEnd { agreed: true, proposer: Some(p) };
        let open_by = |p: Uuid| RelationEnd { agreed: false, proposer: Some(p) };
        assert!(may_remove_relation(ben, false, [open_by(anna), open_by(anna)]), "under discussion: anyone");
        assert!(!may_remove_relation(ben, false, [agreed_by(anna), open_by(ben)]), "one agreed end is enough");
        assert!(!may_remove_relation(ben, false, [open_by(ben), agreed_by(anna)]), "whichever side it is removed from");
        assert!(may_remove_relation(anna, false, [agreed_by(anna), open_by(ben)]), "the proposer");
        assert!(!may_remove_relation(anna, false, [agreed_by(anna), agreed_by(ben)]), "proposer of one end only");
        assert!(may_remove_relation(ben, true, [agreed_by(anna), agreed_by(anna)]), "a coordinator");
        let orphan = RelationEnd { agreed: true, proposer: None };
        assert!(!may_remove_relation(ben, false, [orphan, open_by(ben)]));
    }

    #[test]
    fn broader_cycles_are_refused_direct_and_transitive() {
        use RelationKind::{Broader, Narrower};
        let [a, b, c, d] = [1, 2, 3, 4].map(Uuid::from_u128);
        // a broader b broader c (b is broader than a, c broader than b).
        let rels = [(a, b, Broader), (b, c, Broader)];
        assert_eq!(check_relation(&rels, c, a, Broader), Err(RelationRefusal::BroaderCycle), "c under a closes a loop");
        assert_eq!(check_relation(&rels, b, a, Broader), Err(RelationRefusal::BroaderCycle), "direct");
        assert_eq!(check_relation(&rels, a, c, Narrower), Err(RelationRefusal::BroaderCycle), "as narrower");
        assert_eq!(check_relation(&rels, a, c, Broader), Ok(()), "a shortcut is no cycle");
        assert_eq!(check_relation(&rels, d, a, Broader), Ok(()));
        assert_eq!(check_relation(&rels, c, d, Broader), Ok(()));
    }

    #[test]
    fn related_within_one_broader_chain_is_refused_s27() {
        use RelationKind::{Broader, Related};
        let [a, b, c, d, e] = [1, 2, 3, 4, 5].map(Uuid::from_u128);
        let rels = [(a, b, Broader), (b, c, Broader), (d, b, Broader)];
        assert_eq!(check_relation(&rels, a, c, Related), Err(RelationRefusal::RelatedInChain), "grandchild");
        assert_eq!(check_relation(&rels, c, a, Related), Err(RelationRefusal::RelatedInChain), "either order");
        assert_eq!(check_relation(&rels, a, b, Related), Err(RelationRefusal::RelatedInChain), "parent");
        assert_eq!(check_relation(&rels, a, d, Related), Ok(()), "siblings may be related");
        assert_eq!(check_relation(&rels, a, e, Related), Ok(()));
        // A broader relation that would put two related terms into one chain.
        let with_related = [(a, b, Broader), (e, c, Related)];
        assert_eq!(check_relation(&with_related, b, c, Broader), Ok(()), "c above a and b; e elsewhere");
        assert_eq!(
            check_relation(&with_related, c, a, Broader),
            Ok(()),
            "c under a; its related e is not in the chain"
        );
        assert_eq!(check_relation(&with_related, e, a, Broader), Ok(()));
        let chain_related = [(a, b, Broader), (a, c, Related)];
        assert_eq!(
            check_relation(&chain_related, b, c, Broader),
            Err(RelationRefusal::RelatedInChain),
            "a would be under c, to which it is related"
        );
        assert_eq!(check_relation(&chain_related, c, b, Broader), Ok(()), "c under b: siblings-in-law, not a chain");
    }

    #[test]
    fn a_rule_without_sectors_needs_one_approval_and_no_objection() {
        let rule = AgreementRule { required_sectors: vec![], min_approvals_per_sector: 1 };
        assert!(!rule.evaluate(1, &[]).agreed);
        assert!(rule.evaluate(1, &[r(Approve, 1, &[])]).agreed);
        assert!(!rule.evaluate(1, &[r(Approve, 1, &[]), r(Object, 1, &[])]).agreed);
    }
}
