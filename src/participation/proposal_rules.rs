//! The pure rules of proposals: which part of the draft a proposal may name, and what an
//! accepted proposal changes in it.

use uuid::Uuid;

use super::entities::ProposalKind;
use crate::error::{Error, Result};

/// A goal a proposal names, as loaded from the draft (removed goals are not loaded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamedGoal {
    pub field_id: Uuid,
    pub is_sub_goal: bool,
    /// The edition of the goal's field; `None` when that field is gone.
    pub field_edition: Option<Uuid>,
}

/// What the service loaded for a new proposal's target.
#[derive(Debug, Clone, Copy)]
pub struct TargetFacts {
    /// The edition the process works on.
    pub edition_id: Uuid,
    pub kind: ProposalKind,
    pub field_id: Option<Uuid>,
    /// The edition of the named field; `None` when no such (live) field exists.
    pub field_edition: Option<Uuid>,
    pub goal_id: Option<Uuid>,
    /// The named goal; `None` when no such (live) goal exists.
    pub goal: Option<NamedGoal>,
}

fn field_in_draft(edition: Uuid, field_edition: Option<Uuid>, name: &'static str) -> Result<()> {
    match field_edition {
        None => Err(Error::validation(name, "no such field of action")),
        Some(e) if e != edition => Err(Error::validation(name, "belongs to another edition")),
        Some(_) => Ok(()),
    }
}

/// Checks that a proposal's target exists in the process's draft; answers the (field, goal)
/// to store with it.
pub fn target(f: &TargetFacts) -> Result<(Option<Uuid>, Option<Uuid>)> {
    match f.kind {
        ProposalKind::AddGoal => {
            let field = f.field_id.ok_or_else(|| Error::validation("fieldOfActionId", "required for ADD_GOAL"))?;
            field_in_draft(f.edition_id, f.field_edition, "fieldOfActionId")?;
            if f.goal_id.is_some() {
                let g = f.goal.ok_or_else(|| Error::validation("goalId", "no such goal"))?;
                if g.field_id != field || g.is_sub_goal {
                    return Err(Error::validation(
                        "goalId",
                        "a sub-goal hangs under a top-level goal of the same field",
                    ));
                }
            }
            Ok((Some(field), f.goal_id))
        }
        ProposalKind::AmendGoal | ProposalKind::RemoveGoal => {
            let id = f.goal_id.ok_or_else(|| Error::validation("goalId", "required for this kind"))?;
            let g = f.goal.ok_or_else(|| Error::validation("goalId", "no such goal"))?;
            field_in_draft(f.edition_id, g.field_edition, "goalId")?;
            Ok((Some(g.field_id), Some(id)))
        }
        ProposalKind::AddFieldOfAction => Ok((None, None)),
        ProposalKind::AmendFieldOfAction | ProposalKind::RemoveFieldOfAction => {
            let id = f.field_id.ok_or_else(|| Error::validation("fieldOfActionId", "required for this kind"))?;
            field_in_draft(f.edition_id, f.field_edition, "fieldOfActionId")?;
            Ok((Some(id), None))
        }
    }
}

/// What an accepted proposal does to the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftChange {
    AddGoal { field_id: Uuid, parent_goal_id: Option<Uuid> },
    AmendGoal(Uuid),
    RemoveGoal(Uuid),
    AddField,
    AmendField(Uuid),
    RemoveField(Uuid),
}

/// The change an accepted proposal asks for; `None` when it names no target (then it is
/// decided but not applicable).
pub fn change_of(kind: ProposalKind, field_id: Option<Uuid>, goal_id: Option<Uuid>) -> Option<DraftChange> {
    Some(match kind {
        ProposalKind::AddGoal => DraftChange::AddGoal { field_id: field_id?, parent_goal_id: goal_id },
        ProposalKind::AmendGoal => DraftChange::AmendGoal(goal_id?),
        ProposalKind::RemoveGoal => DraftChange::RemoveGoal(goal_id?),
        ProposalKind::AddFieldOfAction => DraftChange::AddField,
        ProposalKind::AmendFieldOfAction => DraftChange::AmendField(field_id?),
        ProposalKind::RemoveFieldOfAction => DraftChange::RemoveField(field_id?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: Uuid = Uuid::from_u128(1);
    const OLD: Uuid = Uuid::from_u128(2);
    const FIELD: Uuid = Uuid::from_u128(10);
    const OTHER_FIELD: Uuid = Uuid::from_u128(11);
    const GOAL: Uuid = Uuid::from_u128(20);

    fn facts(kind: ProposalKind) -> TargetFacts {
        TargetFacts { edition_id: DRAFT, kind, field_id: None, field_edition: None, goal_id: None, goal: None }
    }

    fn with_field(kind: ProposalKind, edition: Option<Uuid>) -> TargetFacts {
        TargetFacts { field_id: Some(FIELD), field_edition: edition, ..facts(kind) }
    }

    fn with_goal(f: TargetFacts, goal: Option<NamedGoal>) -> TargetFacts {
        TargetFacts { goal_id: Some(GOAL), goal, ..f }
    }

    fn top_goal(field: Uuid, edition: Option<Uuid>) -> Option<NamedGoal> {
        Some(NamedGoal { field_id: field, is_sub_goal: false, field_edition: edition })
    }

    fn field_of(r: Result<(Option<Uuid>, Option<Uuid>)>) -> String {
        match r {
            Ok(_) => "ok".into(),
            Err(Error::Validation { field, message }) => format!("{field}: {message}"),
            Err(e) => format!("{e:?}"),
        }
    }

    #[test]
    fn a_new_goal_needs_a_field_of_this_draft() {
        assert_eq!(field_of(target(&facts(ProposalKind::AddGoal))), "fieldOfActionId: required for ADD_GOAL");
        let f = with_field(ProposalKind::AddGoal, None);
        assert_eq!(field_of(target(&f)), "fieldOfActionId: no such field of action");
        let f = with_field(ProposalKind::AddGoal, Some(OLD));
        assert_eq!(field_of(target(&f)), "fieldOfActionId: belongs to another edition");
        assert_eq!(target(&with_field(ProposalKind::AddGoal, Some(DRAFT))).unwrap(), (Some(FIELD), None));
    }

    #[test]
    fn a_sub_goal_hangs_under_a_top_level_goal_of_the_same_field() {
        let f = with_field(ProposalKind::AddGoal, Some(DRAFT));
        assert_eq!(target(&with_goal(f, top_goal(FIELD, Some(DRAFT)))).unwrap(), (Some(FIELD), Some(GOAL)));
        assert_eq!(field_of(target(&with_goal(f, None))), "goalId: no such goal");
        let rule = "goalId: a sub-goal hangs under a top-level goal of the same field";
        assert_eq!(field_of(target(&with_goal(f, top_goal(OTHER_FIELD, Some(DRAFT))))), rule);
        let sub = Some(NamedGoal { field_id: FIELD, is_sub_goal: true, field_edition: Some(DRAFT) });
        assert_eq!(field_of(target(&with_goal(f, sub))), rule, "no third level");
    }

    #[test]
    fn amending_or_removing_a_goal_names_a_live_goal_of_this_draft() {
        for kind in [ProposalKind::AmendGoal, ProposalKind::RemoveGoal] {
            assert_eq!(field_of(target(&facts(kind))), "goalId: required for this kind");
            assert_eq!(field_of(target(&with_goal(facts(kind), None))), "goalId: no such goal");
            let old = with_goal(facts(kind), top_goal(FIELD, Some(OLD)));
            assert_eq!(field_of(target(&old)), "goalId: belongs to another edition");
            let gone_field = with_goal(facts(kind), top_goal(FIELD, None));
            assert_eq!(field_of(target(&gone_field)), "goalId: no such field of action");
            // The goal's own field is stored, whatever field the client named.
            let f = with_goal(TargetFacts { field_id: Some(OTHER_FIELD), ..facts(kind) }, top_goal(FIELD, Some(DRAFT)));
            assert_eq!(target(&f).unwrap(), (Some(FIELD), Some(GOAL)));
        }
    }

    #[test]
    fn fields_are_added_freely_and_amended_or_removed_in_this_draft() {
        assert_eq!(target(&facts(ProposalKind::AddFieldOfAction)).unwrap(), (None, None));
        let named = with_goal(with_field(ProposalKind::AddFieldOfAction, Some(OLD)), None);
        assert_eq!(target(&named).unwrap(), (None, None), "a new field ignores stray ids");
        for kind in [ProposalKind::AmendFieldOfAction, ProposalKind::RemoveFieldOfAction] {
            assert_eq!(field_of(target(&facts(kind))), "fieldOfActionId: required for this kind");
            assert_eq!(field_of(target(&with_field(kind, Some(OLD)))), "fieldOfActionId: belongs to another edition");
            let f = with_goal(with_field(kind, Some(DRAFT)), top_goal(FIELD, Some(DRAFT)));
            assert_eq!(target(&f).unwrap(), (Some(FIELD), None), "a goal id is not stored");
        }
    }

    #[test]
    fn an_accepted_proposal_changes_what_it_names() {
        use DraftChange as C;
        use ProposalKind as K;
        let (f, g) = (Some(FIELD), Some(GOAL));
        assert_eq!(change_of(K::AddGoal, f, g), Some(C::AddGoal { field_id: FIELD, parent_goal_id: g }));
        assert_eq!(change_of(K::AddGoal, f, None), Some(C::AddGoal { field_id: FIELD, parent_goal_id: None }));
        assert_eq!(change_of(K::AddGoal, None, g), None);
        assert_eq!(change_of(K::AmendGoal, f, g), Some(C::AmendGoal(GOAL)));
        assert_eq!(change_of(K::RemoveGoal, f, g), Some(C::RemoveGoal(GOAL)));
        assert_eq!(change_of(K::AmendGoal, f, None), None);
        assert_eq!(change_of(K::AddFieldOfAction, None, None), Some(C::AddField));
        assert_eq!(change_of(K::AmendFieldOfAction, f, None), Some(C::AmendField(FIELD)));
        assert_eq!(change_of(K::RemoveFieldOfAction, f, g), Some(C::RemoveField(FIELD)));
        assert_eq!(change_of(K::RemoveFieldOfAction, None, g), None);
    }
}
