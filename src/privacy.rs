//! GDPR: everything stored about a person, gathered from every area into one document (Art. 15),
//! and erasure across every area (Art. 17).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel,
    JsonValue, QueryFilter, QueryOrder, Set,
    sea_query::{Alias, Asterisk, Expr, ExprTrait, Query},
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    accounts::{
        entities::{session, user},
        policy::{Actor, Permission},
        service as accounts,
    },
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    glossary::entities::{review, version},
    indicators::entities::delivery,
    notifications::entities::{NotificationStatus, notification},
    participation::entities::{comment, proposal, vote},
    state::AppState,
};

/// Every database column that refers to a person, with the part of the export (a JSON path)
/// that carries the rows referring to the one asking. Paths under `records.` are filled from
/// this list itself: each holds every row of the table whose column names the person (all its
/// columns but secrets). A test compares this list with the database schema, so a new column
/// naming a person fails until it is exported here or explicitly allowed there.
pub const PERSON_REFERENCES: &[(&str, &str, &str)] = &[
    ("users", "id", "person"),
    ("sessions", "user_id", "sessions"),
    ("memberships", "user_id", "organizations"),
    ("audit_events", "actor_id", "auditEvents"),
    ("proposals", "author_id", "contributions.proposals"),
    ("votes", "voter_id", "contributions.votes"),
    ("votes", "cast_by", "contributions.votes"),
    ("comments", "author_id", "contributions.comments"),
    ("definition_versions", "author_id", "contributions.definitionTexts"),
    ("definition_reviews", "reviewer_id", "contributions.reviews"),
    ("data_deliveries", "delivered_by", "contributions.deliveries"),
    ("notifications", "recipient_id", "contributions.emails"),
    ("glossary_terms", "created_by", "records.termsProposed"),
    ("definitions", "created_by", "records.definitionsProposed"),
    ("definition_mappings", "created_by", "records.definitionMappings"),
    ("indicator_reviews", "reviewed_by", "records.indicatorReviews"),
    ("indicators", "responsible_user_id", "records.indicatorsResponsible"),
    ("indicators", "deputy_user_id", "records.indicatorsDeputy"),
    ("indicator_ownerships", "responsible_user_id", "records.indicatorResponsibilityHistory"),
    ("indicator_ownerships", "deputy_user_id", "records.indicatorDeputyHistory"),
    ("indicator_ownerships", "assigned_by", "records.indicatorOwnershipsAssigned"),
    ("notification_settings", "user_id", "records.notificationSettings"),
    ("comments", "hidden_by", "records.commentsHidden"),
    ("data_deliveries", "accepted_by", "records.deliveriesAccepted"),
    ("dispositions", "decided_by", "records.dispositionsDecided"),
    ("processes", "created_by", "records.processesStarted"),
    ("goal_versions", "author_id", "records.goalTexts"),
    ("frozen_reports", "frozen_by", "records.reportsFrozen"),
    ("publications", "published_by", "records.publications"),
    ("report_texts", "updated_by", "records.reportTexts"),
    ("sign_in_links", "user_id", "records.signInLinks"),
    ("monitoring_scope", "added_by", "records.monitoringScope"),
    ("totp_factors", "user_id", "records.secondFactor"),
    ("recovery_codes", "user_id", "records.recoveryCodes"),
    ("oidc_identities", "user_id", "records.singleSignOn"),
    ("genesis_mappings", "updated_by", "records.genesisMappings"),
    ("district_maps", "uploaded_by", "records.districtMaps"),
    ("indicator_privacy", "updated_by", "records.suppressionRules"),
    ("indicator_formulas", "updated_by", "records.indicatorFormulas"),
    ("reference_series", "updated_by", "records.referenceSeries"),
];

/// Columns left out of exported rows: credentials of the person's own, not data about them.
fn is_secret(column: &str) -> bool {
    column.contains("token") || column.contains("hash") || column.contains("secret")
}

/// The rows of `table` whose `column` is `me`, every column but secrets.
async fn rows_referring<C: ConnectionTrait>(db: &C, table: &str, column: &str, me: Uuid) -> Result<Vec<Value>> {
    let query = Query::select()
        .column(Asterisk)
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new(column)).eq(me))
        .to_owned();
    let rows = JsonValue::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|mut row| {
            if let Value::Object(map) = &mut row {
                map.retain(|k, _| !is_secret(k));
            }
            row
        })
        .collect())
}

/// The person's account data plus their contributions: proposals, votes, comments, definition
/// texts, reviews, confirmed deliveries and the mails sent to them.
pub async fn export(state: &AppState, actor: &Actor) -> Result<Value> {
    let me = actor.user_id;
    let db = &state.db;
    let mut doc = accounts::export_personal_data(state, actor).await?;
    let proposals = proposal::Entity::find().filter(proposal::Column::AuthorId.eq(me)).all(db).await?;
    let votes = vote::Entity::find()
        .filter(Condition::any().add(vote::Column::VoterId.eq(me)).add(vote::Column::CastBy.eq(me)))
        .all(db)
        .await?;
    let comments = comment::Entity::find()
        .filter(comment::Column::AuthorId.eq(me))
        .order_by_asc(comment::Column::CreatedAt)
        .all(db)
        .await?;
    let versions = version::Entity::find().filter(version::Column::AuthorId.eq(me)).all(db).await?;
    let reviews = review::Entity::find().filter(review::Column::ReviewerId.eq(me)).all(db).await?;
    let deliveries = delivery::Entity::find().filter(delivery::Column::DeliveredBy.eq(me)).all(db).await?;
    let mails = notification::Entity::find()
        .filter(notification::Column::RecipientId.eq(me))
        .order_by_asc(notification::Column::DueAt)
        .all(db)
        .await?;
    let contributions = json!({
        "proposals": proposals.iter().map(|p| json!({
            "id": p.id, "processId": p.process_id, "kind": format!("{:?}", p.kind), "status": format!("{:?}", p.status),
            "title": p.title, "text": p.text, "rationale": p.rationale, "createdAt": p.created_at,
        })).collect::<Vec<_>>(),
        "votes": votes.iter().map(|v| json!({
            "proposalId": v.proposal_id, "choice": format!("{:?}", v.choice), "organizationId": v.organization_id,
            "castAt": v.updated_at,
        })).collect::<Vec<_>>(),
        "comments": comments.iter().map(|c| json!({
            "id": c.id, "targetId": c.target_id, "body": c.body, "stance": format!("{:?}", c.stance),
            "anchor": c.anchor, "hidden": c.hidden_at.is_some(), "createdAt": c.created_at,
        })).collect::<Vec<_>>(),
        "definitionTexts": versions.iter().map(|v| json!({
            "definitionId": v.definition_id, "version": v.version, "text": v.text, "at": v.updated_at,
        })).collect::<Vec<_>>(),
        "reviews": reviews.iter().map(|r| json!({
            "definitionId": r.definition_id, "decision": format!("{:?}", r.decision), "reason": r.reason, "at": r.updated_at,
        })).collect::<Vec<_>>(),
        "deliveries": deliveries.iter().map(|d| json!({
            "id": d.id, "indicatorId": d.indicator_id, "period": d.period, "value": d.value, "note": d.note,
            "deliveredAt": d.delivered_at,
        })).collect::<Vec<_>>(),
        "emails": mails.iter().map(|n| json!({
            "kind": format!("{:?}", n.kind), "subject": n.subject, "status": format!("{:?}", n.status),
            "dueAt": n.due_at, "sentAt": n.sent_at,
        })).collect::<Vec<_>>(),
    });
    // Mails to others that name the person in copy (cc is a JSON list of ids).
    let in_copy = notification::Entity::find()
        .filter(notification::Column::Cc.contains(me.to_string()))
        .order_by_asc(notification::Column::DueAt)
        .all(db)
        .await?;
    let mut records = serde_json::Map::new();
    for (table, column, path) in PERSON_REFERENCES {
        if let Some(section) = path.strip_prefix("records.") {
            records.insert(section.to_string(), Value::Array(rows_referring(db, table, column, me).await?));
        }
    }
    records.insert(
        "emailsInCopy".into(),
        in_copy
            .iter()
            .map(|n| json!({"kind": format!("{:?}", n.kind), "subject": n.subject, "dueAt": n.due_at, "sentAt": n.sent_at}))
            .collect(),
    );
    if let Value::Object(map) = &mut doc {
        map.insert("contributions".into(), contributions);
        map.insert("records".into(), Value::Object(records));
    }
    Ok(doc)
}

/// GDPR Art. 17: name and email go, sessions end, mails that name the person stop naming them,
/// contributions stay as a former participant's.
pub async fn erase_user(state: &AppState, actor: &Actor, id: Uuid) -> Result<user::Model> {
    actor.require(Permission::EraseUsers)?;
    if id == actor.user_id {
        return Err(Error::validation("id", "you cannot erase yourself"));
    }
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let current = user::Entity::find_by_id(id).one(&txn).await?.ok_or(Error::NotFound("user"))?;
    if current.erased_at.is_some() {
        return Ok(current);
    }
    redact_outbox(&txn, &current).await?;
    let mut row = current.into_active_model();
    row.name = Set(accounts::ERASED_NAME.into());
    row.email = Set(format!("erased-{id}@invalid"));
    row.password_hash = Set(None);
    row.active = Set(false);
    row.erased_at = Set(Some(now));
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    session::Entity::delete_many().filter(session::Column::UserId.eq(id)).exec(&txn).await?;
    // The provider's subject would find the erased person again at their next sign-in.
    crate::accounts::entities::oidc_identity::Entity::delete_by_id(id).exec(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "user.erase",
            entity_type: "user",
            entity_id: Some(id),
            summary: "Personenbezogene Daten gelöscht".into(),
        },
    );
    txn.commit().await?;
    accounts::announce_user_changed(state, id).await;
    Ok(updated)
}

/// Mails that name the erased person stop naming them, sent or pending: a reply notice to
/// another participant ("Antwort von … auf Ihren Kommentar") and the digest that carried it
/// get the placeholder instead of name and email; the person's own mails lose their address
/// (an SMTP error may have quoted it). Only rows tied to the person are touched, so a short
/// name inside another word of another mail stays as it was.
async fn redact_outbox<C: ConnectionTrait>(txn: &C, person: &user::Model) -> Result<()> {
    use sea_orm::{
        QuerySelect,
        sea_query::{Expr, Func},
    };

    let replaced = |col: notification::Column, from: &str, to: &str| {
        Expr::expr(Func::cust("REPLACE").arg(Expr::col(col)).arg(from).arg(to))
    };
    let replies: Vec<Uuid> = comment::Entity::find()
        .select_only()
        .column(comment::Column::Id)
        .filter(comment::Column::AuthorId.eq(person.id))
        .into_tuple()
        .all(txn)
        .await?;
    for chunk in replies.chunks(500) {
        let keys = chunk.iter().map(|id| format!("comment-reply:{id}"));
        let notices: Vec<(Uuid, Option<Uuid>)> = notification::Entity::find()
            .select_only()
            .column(notification::Column::Id)
            .column(notification::Column::DigestId)
            .filter(notification::Column::DedupeKey.is_in(keys))
            .into_tuple()
            .all(txn)
            .await?;
        let ids: std::collections::HashSet<Uuid> =
            notices.iter().flat_map(|(id, digest)| std::iter::once(*id).chain(*digest)).collect();
        if ids.is_empty() {
            continue;
        }
        let mut update = notification::Entity::update_many().filter(notification::Column::Id.is_in(ids));
        for col in [notification::Column::Subject, notification::Column::BodyText, notification::Column::BodyHtml] {
            let by_name =
                Func::cust("REPLACE").arg(Expr::col(col)).arg(person.name.as_str()).arg(accounts::ERASED_NAME);
            update =
                update.col_expr(col, Expr::expr(Func::cust("REPLACE").arg(by_name).arg(person.email.as_str()).arg("")));
        }
        update.exec(txn).await?;
    }
    // Mails still waiting for the person would only bounce off the erased address.
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Cancelled))
        .filter(notification::Column::RecipientId.eq(person.id))
        .filter(notification::Column::Status.eq(NotificationStatus::Pending))
        .exec(txn)
        .await?;
    let mut own = notification::Entity::update_many().filter(notification::Column::RecipientId.eq(person.id));
    for col in [notification::Column::Subject, notification::Column::BodyText, notification::Column::LastError] {
        own = own.col_expr(col, replaced(col, &person.email, ""));
    }
    own.exec(txn).await?;
    Ok(())
}
