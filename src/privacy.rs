//! GDPR Art. 15: everything stored about a person, gathered from every area into one document.

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::{
    accounts::{policy::Actor, service as accounts},
    error::Result,
    glossary::entities::{review, version},
    indicators::entities::delivery,
    notifications::entities::notification,
    participation::entities::{comment, proposal, vote},
    state::AppState,
};

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
    if let Value::Object(map) = &mut doc {
        map.insert("contributions".into(), contributions);
    }
    Ok(doc)
}
