//! GDPR Art. 15: everything stored about a person, gathered from every area into one document.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JsonValue, QueryFilter, QueryOrder,
    sea_query::{Alias, Asterisk, Expr, ExprTrait, Query},
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    accounts::{policy::Actor, service as accounts},
    error::Result,
    glossary::entities::{review, version},
    indicators::entities::delivery,
    notifications::entities::notification,
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
