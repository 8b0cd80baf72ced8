//! Who may do what: the one place that maps platform roles to permissions.

use uuid::Uuid;

use super::entities::Role;
use crate::error::{Error, Result};

/// The web app's session cookie.
pub const SESSION_COOKIE: &str = "teilhabe_session";

/// The authenticated person behind a request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub role: Role,
    pub organization_ids: Vec<Uuid>,
    /// The role requires a second factor (`TEILHABE_REQUIRE_2FA_FOR`) that this person has not
    /// set up: only what every member may do is allowed until they have.
    pub second_factor_missing: bool,
}

/// Everything a resolver may ask about; each area checks the permission it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Create and change organisations.
    ManageOrganizations,
    /// Create, change and deactivate people.
    ManageUsers,
    /// Erase a person's personal data (GDPR).
    EraseUsers,
    /// Read the audit log.
    ViewAuditLog,
    /// Run Leitbild editions and participation processes.
    RunLeitbild,
    /// Hide comments and record dispositions.
    Moderate,
    /// Propose, comment, review definitions, vote where eligible.
    Participate,
    /// Create indicators, assign owners, request and accept deliveries.
    ManageIndicators,
    /// See the notification outbox of everyone.
    ViewOutbox,
    /// Set the glossary's agreement rule, deprecate terms, import glossaries.
    ManageGlossary,
    /// Write the report's texts, freeze reports, publish editions, the glossary and reports.
    PublishReports,
}

impl Permission {
    fn granted_to(self, role: Role) -> bool {
        match role {
            Role::Admin => true,
            Role::Coordinator => !matches!(self, Permission::EraseUsers),
            Role::Member => matches!(self, Permission::Participate),
        }
    }
}

impl Actor {
    pub fn can(&self, permission: Permission) -> bool {
        permission.granted_to(self.role) && (!self.second_factor_missing || permission.granted_to(Role::Member))
    }

    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.can(permission) {
            Ok(())
        } else if permission.granted_to(self.role) {
            Err(Error::SecondFactorRequired)
        } else {
            Err(Error::forbidden(format!("{permission:?} needs another role")))
        }
    }

    pub fn is_member_of(&self, organization_id: Uuid) -> bool {
        self.organization_ids.contains(&organization_id)
    }

    /// Whether `now` (the same session, read again) lacks a right this actor had: a lower
    /// role or a membership fewer. Gaining rights is no reason to end a subscription.
    pub fn lost_rights(&self, now: &Actor) -> bool {
        let rank = |r: Role| match r {
            Role::Admin => 2,
            Role::Coordinator => 1,
            Role::Member => 0,
        };
        rank(now.role) < rank(self.role) || self.organization_ids.iter().any(|o| !now.organization_ids.contains(o))
    }

    /// Only admins hand out the admin role.
    pub fn may_grant(&self, role: Role) -> bool {
        match role {
            Role::Admin => self.role == Role::Admin,
            Role::Coordinator | Role::Member => self.can(Permission::ManageUsers),
        }
    }
}

/// The optional actor of a GraphQL request, turned into an error when absent.
pub fn require_actor(actor: Option<&Actor>) -> Result<&Actor> {
    actor.ok_or(Error::Unauthenticated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: Uuid::nil(),
            session_id: Uuid::nil(),
            role,
            organization_ids: vec![],
            second_factor_missing: false,
        }
    }

    #[test]
    fn an_admin_without_the_required_second_factor_only_participates() {
        let a = Actor { second_factor_missing: true, ..actor(Role::Admin) };
        assert!(a.can(Permission::Participate));
        assert!(!a.can(Permission::ManageUsers));
        let err = a.require(Permission::ManageUsers).unwrap_err();
        assert_eq!(err.code(), "FORBIDDEN");
        assert!(matches!(err, Error::SecondFactorRequired));
    }

    #[test]
    fn admins_may_do_everything() {
        let a = actor(Role::Admin);
        for p in [Permission::EraseUsers, Permission::ManageUsers, Permission::ViewAuditLog, Permission::Participate] {
            assert!(a.can(p));
        }
        assert!(a.may_grant(Role::Admin));
    }

    #[test]
    fn coordinators_may_not_erase_or_make_admins() {
        let c = actor(Role::Coordinator);
        assert!(c.can(Permission::ManageUsers));
        assert!(c.can(Permission::RunLeitbild));
        assert!(!c.can(Permission::EraseUsers));
        assert!(!c.may_grant(Role::Admin));
        assert!(c.may_grant(Role::Member));
    }

    #[test]
    fn losing_a_role_or_membership_counts_gaining_does_not() {
        let org = Uuid::new_v4();
        let coord = Actor { organization_ids: vec![org], ..actor(Role::Coordinator) };
        assert!(!coord.lost_rights(&coord.clone()));
        assert!(!coord.lost_rights(&Actor { organization_ids: vec![org], ..actor(Role::Admin) }));
        assert!(!coord.lost_rights(&Actor { organization_ids: vec![org, Uuid::new_v4()], ..coord.clone() }));
        assert!(coord.lost_rights(&Actor { organization_ids: vec![org], ..actor(Role::Member) }));
        assert!(coord.lost_rights(&actor(Role::Coordinator)));
    }

    #[test]
    fn members_only_participate() {
        let m = actor(Role::Member);
        assert!(m.can(Permission::Participate));
        for p in [
            Permission::ManageOrganizations,
            Permission::ManageUsers,
            Permission::ViewAuditLog,
            Permission::RunLeitbild,
            Permission::Moderate,
            Permission::ManageIndicators,
            Permission::ViewOutbox,
            Permission::ManageGlossary,
            Permission::PublishReports,
        ] {
            assert!(!m.can(p), "{p:?}");
            assert_eq!(m.require(p).unwrap_err().code(), "FORBIDDEN");
        }
        assert!(!m.may_grant(Role::Member));
    }
}
