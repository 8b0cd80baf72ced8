//! How a person receives mail — one each, a daily digest, or none — switched in the settings or
//! by the one-click unsubscribe URL every mail carries (RFC 8058).

use super::*;

/// Where the switch came from, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switched {
    InApp,
    /// A mail client's (or the person's) POST to the unsubscribe URL of a mail.
    OneClick,
}

/// Whether a kind of mail follows the person's mail mode. Sign-in links are asked for and
/// expire in minutes; the digest is the mode itself.
pub fn follows_mail_mode(kind: NotificationKind) -> bool {
    !matches!(kind, NotificationKind::Digest | NotificationKind::SignInLink)
}

fn summary(mode: MailMode, how: Switched) -> &'static str {
    match (mode, how) {
        (MailMode::Off, Switched::OneClick) => "E-Mails über den Abmeldelink einer Mail abbestellt",
        (MailMode::Off, Switched::InApp) => "E-Mails abbestellt, Benachrichtigungen nur in der App",
        (MailMode::Digest, _) => "Tägliche Sammelmail gewählt",
        (MailMode::Single, _) => "Einzelmails gewählt",
    }
}

/// Sets the mail mode of `user_id`, and moves what is queued for them along: switched off, the
/// pending mails stay in the notification centre unsent; switched on again, those not yet due
/// are mailed when due (the ones already shown in the app are not mailed late).
pub async fn set_mail_mode(state: &AppState, user_id: Uuid, mode: MailMode, how: Switched) -> Result<settings::Model> {
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let current = settings_of(&txn, user_id, now).await?;
    let was_off = current.mail_off;
    let mut row: settings::ActiveModel = current.into();
    row.mail_off = Set(mode == MailMode::Off);
    // Switched off, the digest choice is kept for when mails are switched on again.
    if mode != MailMode::Off {
        row.digest = Set(mode == MailMode::Digest);
    }
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    let queued = || {
        notification::Entity::update_many()
            .filter(notification::Column::RecipientId.eq(user_id))
            .filter(notification::Column::Kind.is_not_in([NotificationKind::Digest, NotificationKind::SignInLink]))
    };
    if mode == MailMode::Off {
        queued()
            .col_expr(notification::Column::Status, Expr::value(NotificationStatus::InAppOnly))
            .filter(notification::Column::Status.eq(NotificationStatus::Pending))
            .exec(&txn)
            .await?;
    } else {
        if was_off {
            queued()
                .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Pending))
                .filter(notification::Column::Status.eq(NotificationStatus::InAppOnly))
                .filter(notification::Column::DueAt.gt(now))
                .exec(&txn)
                .await?;
        }
        queued()
            .col_expr(notification::Column::ViaDigest, Expr::value(mode == MailMode::Digest))
            .filter(notification::Column::Status.eq(NotificationStatus::Pending))
            .exec(&txn)
            .await?;
    }
    txn.audit(
        Some(user_id),
        AuditEntry {
            action: "notifications.settings",
            entity_type: "user",
            entity_id: Some(user_id),
            summary: summary(mode, how).into(),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

/// The one-click unsubscribe: the person the token was signed for gets no more mails. `None`
/// when the token names nobody (tampered, or another server's); answers alike when mails were
/// off already, so that a repeated POST is harmless.
pub async fn unsubscribe_by_token(state: &AppState, token: &str) -> Result<Option<Uuid>> {
    let key = crate::notifications::signing::secret(&state.db, state).await?;
    let Some(user_id) = crate::notifications::unsubscribe::verify(&key, token) else {
        return Ok(None);
    };
    let Some(person) = user::Entity::find_by_id(user_id).one(&state.db).await? else {
        return Ok(None);
    };
    set_mail_mode(state, person.id, MailMode::Off, Switched::OneClick).await?;
    Ok(Some(person.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_sign_in_links_and_the_digest_itself_ignore_the_mode() {
        assert!(!follows_mail_mode(NotificationKind::SignInLink));
        assert!(!follows_mail_mode(NotificationKind::Digest));
        for kind in [NotificationKind::DeliveryDue, NotificationKind::DeliveryOverdue, NotificationKind::CommentReply] {
            assert!(follows_mail_mode(kind), "{kind:?}");
        }
    }

    #[test]
    fn the_audit_log_says_how_mails_were_stopped() {
        assert_ne!(summary(MailMode::Off, Switched::OneClick), summary(MailMode::Off, Switched::InApp));
        assert_eq!(summary(MailMode::Digest, Switched::OneClick), "Tägliche Sammelmail gewählt");
    }
}
