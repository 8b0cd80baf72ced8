//! Daily digests: one mail a day for those who asked for it.

use super::*;

/// Local hour (Europe/Berlin) from which the daily digest goes out.
pub const DIGEST_HOUR: u32 = 7;

/// Folds each digest reader's due notifications into one DIGEST mail a day. The folded rows
/// stay individually visible as SENT with the digest they went out in.
pub async fn build_digests(state: &AppState, now: DateTime<Utc>, owed_check: &impl OwedCheck) -> Result<u64> {
    use chrono::Timelike;
    let local = now.with_timezone(&chrono_tz::Europe::Berlin);
    if local.hour() < DIGEST_HOUR {
        return Ok(0);
    }
    let day = local.date_naive();
    let due: Vec<(Uuid, Uuid)> = notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .column(notification::Column::RecipientId)
        .filter(notification::Column::Status.eq(NotificationStatus::Pending))
        .filter(notification::Column::ViaDigest.eq(true))
        .filter(notification::Column::DueAt.lte(now))
        .order_by_asc(notification::Column::DueAt)
        .limit(5000)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut by_user: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (id, user) in due {
        by_user.entry(user).or_default().push(id);
    }
    let mut built = 0;
    for (user_id, ids) in by_user {
        let digest_id = Uuid::now_v7();
        let txn = state.db.begin().await?;
        // The write comes first: it claims the rows (and SQLite's write lock) for this digest.
        let claimed = notification::Entity::update_many()
            .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Sent))
            .col_expr(notification::Column::DigestId, Expr::value(digest_id))
            .col_expr(notification::Column::SentAt, Expr::value(now))
            .filter(notification::Column::Id.is_in(ids))
            .filter(notification::Column::Status.eq(NotificationStatus::Pending))
            .exec(&txn)
            .await?
            .rows_affected;
        if claimed == 0 {
            txn.rollback().await?;
            continue;
        }
        let folded = notification::Entity::find()
            .filter(notification::Column::DigestId.eq(digest_id))
            .order_by_asc(notification::Column::DueAt)
            .all(&txn)
            .await?;
        let keys: Vec<&str> = folded.iter().map(|n| n.dedupe_key.as_str()).collect();
        let owed = owed_check.still_owed_many(&txn, &keys).await?;
        let (items, stale): (Vec<_>, Vec<_>) =
            folded.into_iter().partition(|n| owed.get(&n.dedupe_key).copied().unwrap_or(true));
        if !stale.is_empty() {
            notification::Entity::update_many()
                .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Cancelled))
                .col_expr(notification::Column::DigestId, Expr::value(Option::<Uuid>::None))
                .filter(notification::Column::Id.is_in(stale.iter().map(|n| n.id)))
                .exec(&txn)
                .await?;
        }
        if items.is_empty() {
            txn.commit().await?;
            continue;
        }
        let mut text = format!("Guten Tag,\n\nIhre Benachrichtigungen vom {}:\n\n", day.format("%d.%m.%Y"));
        let mut html = format!("<p>Guten Tag,</p><p>Ihre Benachrichtigungen vom {}:</p><ul>", day.format("%d.%m.%Y"));
        for n in &items {
            text.push_str(&format!(
                "- {}{}\n",
                n.subject,
                n.link.as_deref().map(|l| format!("\n  {l}")).unwrap_or_default()
            ));
            let escaped = crate::notifications::mailer::escape(&n.subject);
            match &n.link {
                Some(l) => html.push_str(&format!(
                    "<li><a href=\"{}\">{escaped}</a></li>",
                    crate::notifications::mailer::escape(l)
                )),
                None => html.push_str(&format!("<li>{escaped}</li>")),
            }
        }
        text.push_str("\n-- \nteilhabe · Integrationsmonitoring\n");
        html.push_str("</ul>");
        let digest = NewNotification {
            recipient_id: user_id,
            kind: NotificationKind::Digest,
            dedupe_key: format!("digest:{user_id}:{day}"),
            due_at: now,
            subject: format!(
                "teilhabe: {} am {}",
                crate::german::count(items.len(), "Benachrichtigung", "Benachrichtigungen"),
                day.format("%d.%m.%Y")
            ),
            body_text: text,
            body_html: Some(html),
            link: None,
            cc: vec![],
        };
        let inserted = notification::Entity::insert(row_with_id(digest_id, digest, false, now))
            .on_conflict(OnConflict::column(notification::Column::DedupeKey).do_nothing().to_owned())
            .exec_without_returning(&txn)
            .await?;
        if inserted == 0 {
            // Today's digest went out already: these wait for tomorrow's.
            txn.rollback().await?;
            continue;
        }
        txn.commit().await?;
        built += 1;
    }
    Ok(built)
}
