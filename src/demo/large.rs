//! `teilhabe demo --size large`: the example city grown to ten years of monitoring (the
//! benchmark's data set): 10 fields of action and 200 goals in the draft edition, 200 indicators
//! with 10 accepted yearly values broken down by 30 districts, 5,000 comments on the process.
//! Written in bulk (a few hundred rows per statement) rather than through the services, so that
//! it loads in seconds; the rows are the ones the services would write, minus audit events.

use chrono::Duration;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use super::MARK;
use crate::{
    accounts::entities::{organization, user},
    error::{Error, Result},
    indicators::{
        delivery_rules::BreakdownEntry,
        entities::{
            DeliveryStatus, Periodicity, SourceKind, TargetDirection, delivery, indicator, indicator_goal, ownership,
        },
    },
    leitbild::entities::{LeitbildStatus, field_of_action, goal, goal_version, leitbild},
    participation::entities::{Stance, TargetKind, comment, comment_version, process, proposal},
    state::AppState,
};

/// How large the city grows; [`Size::TEN_YEARS`] is the benchmark's data set.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub fields: usize,
    pub goals: usize,
    pub indicators: usize,
    pub years: i32,
    pub districts: usize,
    pub comments: usize,
}

impl Size {
    pub const TEN_YEARS: Size =
        Size { fields: 10, goals: 200, indicators: 200, years: 10, districts: 30, comments: 5_000 };
}

/// Rows per INSERT: far below both databases' limits on bound parameters.
const CHUNK: usize = 200;

async fn insert_chunks<E, C>(db: &C, rows: Vec<E::ActiveModel>) -> Result<()>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(CHUNK).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Grows the loaded example city (`demo::load` first) to `size`, counting what is there already.
pub async fn grow(state: &AppState, size: Size) -> Result<()> {
    let now = state.now();
    let db = &state.db;
    let draft = leitbild::Entity::find()
        .filter(leitbild::Column::Status.eq(LeitbildStatus::Draft))
        .all(db)
        .await?
        .into_iter()
        .find(|l| l.title.ends_with(MARK))
        .ok_or(Error::NotFound("demo draft edition"))?;
    let process = process::Entity::find()
        .filter(process::Column::LeitbildId.eq(draft.id))
        .one(db)
        .await?
        .ok_or(Error::NotFound("demo process"))?;
    let coordinator = user::Entity::find()
        .filter(user::Column::Email.eq("koordination@demo.teilhabe.example"))
        .one(db)
        .await?
        .ok_or(Error::NotFound("demo coordinator"))?;
    let members: Vec<Uuid> = user::Entity::find()
        .filter(user::Column::Email.like("%@demo.teilhabe.example"))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let owner = organization::Entity::find()
        .filter(organization::Column::Name.eq(format!("Statistikdienststelle {MARK}")))
        .one(db)
        .await?
        .ok_or(Error::NotFound("demo statistics office"))?;
    let txn = db.begin().await?;

    let mut fields = crate::leitbild::service::live_fields(&txn, draft.id).await?;
    let mut new_fields = Vec::new();
    for i in fields.len()..size.fields {
        let f = field_of_action::Model {
            id: Uuid::now_v7(),
            leitbild_id: draft.id,
            position: i as i32,
            title: format!("Handlungsfeld {} {MARK}", i + 1),
            description: "Ein Handlungsfeld der Stadt über zehn Jahre.".into(),
            removed_at: None,
            created_at: now,
            updated_at: now,
        };
        new_fields.push(field_of_action::ActiveModel::from(f.clone()));
        fields.push(f);
    }
    insert_chunks::<field_of_action::Entity, _>(&txn, new_fields).await?;

    let field_ids: Vec<Uuid> = fields.iter().map(|f| f.id).collect();
    let mut goals: Vec<Uuid> = goal::Entity::find()
        .filter(goal::Column::FieldOfActionId.is_in(field_ids.clone()))
        .filter(goal::Column::RemovedAt.is_null())
        .all(&txn)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let (mut new_goals, mut versions) = (Vec::new(), Vec::new());
    // Every fourth goal is a sub-goal of the one before, in its field, as editions nest them.
    let mut parent: Option<(Uuid, Uuid)> = None;
    for i in goals.len()..size.goals {
        let id = Uuid::now_v7();
        let (parent_goal_id, field) = match parent {
            Some((p, f)) if i % 4 == 3 => (Some(p), f),
            _ => (None, field_ids[i % field_ids.len()]),
        };
        let title = format!("Ziel {} der Stadt {MARK}", i + 1);
        let description = "Die Stadt und ihre Partner setzen sich dafür ein, messbar bis 2030.".to_string();
        new_goals.push(goal::ActiveModel {
            id: Set(id),
            field_of_action_id: Set(field),
            parent_goal_id: Set(parent_goal_id),
            position: Set(i as i32),
            title: Set(title.clone()),
            description: Set(description.clone()),
            version: Set(1),
            removed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        versions.push(goal_version::ActiveModel {
            id: Set(Uuid::now_v7()),
            goal_id: Set(id),
            version: Set(1),
            title: Set(title),
            description: Set(description),
            author_id: Set(Some(coordinator.id)),
            proposal_id: Set(None),
            created_at: Set(now),
        });
        if parent_goal_id.is_none() {
            parent = Some((id, field));
        }
        goals.push(id);
    }
    insert_chunks::<goal::Entity, _>(&txn, new_goals).await?;
    insert_chunks::<goal_version::Entity, _>(&txn, versions).await?;

    let existing = indicator::Entity::find().all(&txn).await?.len();
    let (mut indicators, mut owners, mut links, mut deliveries) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let first_year = 2016;
    for i in existing..size.indicators {
        let id = Uuid::now_v7();
        let percent = i % 3 != 0;
        indicators.push(indicator::ActiveModel {
            id: Set(id),
            code: Set(format!("ZJ-{i:03}")),
            name: Set(format!("Kennzahl {i} über zehn Jahre {MARK}")),
            unit: Set(if percent { "%".into() } else { "Anzahl".into() }),
            source_kind: Set(SourceKind::OfficialStatistics),
            source_description: Set("Kommunalstatistik".into()),
            periodicity: Set(Periodicity::Yearly),
            target_value: Set(percent.then_some(50.0)),
            target_direction: Set(percent.then_some(TargetDirection::HigherIsBetter)),
            owner_id: Set(owner.id),
            responsible_user_id: Set(None),
            deputy_user_id: Set(None),
            review_interval_months: Set(12),
            next_review_at: Set(now + Duration::days(180)),
            review_reminder_at: Set(None),
            next_auto_request_at: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        owners.push(ownership::ActiveModel {
            id: Set(Uuid::now_v7()),
            indicator_id: Set(id),
            owner_id: Set(owner.id),
            responsible_user_id: Set(None),
            deputy_user_id: Set(None),
            assigned_by: Set(Some(coordinator.id)),
            from_at: Set(now),
            until_at: Set(None),
        });
        links.push(indicator_goal::ActiveModel { indicator_id: Set(id), goal_id: Set(goals[i % goals.len()]) });
        for y in 0..size.years {
            let value = 10.0 + (i % 50) as f64 + f64::from(y) * 0.3;
            let breakdown: Vec<BreakdownEntry> = (0..size.districts)
                .map(|d| BreakdownEntry {
                    dimension: "Stadtbezirk".into(),
                    category: format!("Bezirk {d:02}"),
                    value: value + (d as f64 - 15.0) * 0.1,
                    code: None,
                })
                .collect();
            let at = now - Duration::days(i64::from(size.years - y) * 365);
            deliveries.push(delivery::ActiveModel {
                id: Set(Uuid::now_v7()),
                indicator_id: Set(id),
                owner_id: Set(owner.id),
                period: Set((first_year + y).to_string()),
                due_at: Set(at),
                expected_at: Set(None),
                status: Set(DeliveryStatus::Accepted),
                value: Set(Some(value)),
                breakdown: Set(Some(serde_json::to_string(&breakdown).unwrap_or_else(|_| "[]".into()))),
                note: Set(None),
                definition_id: Set(None),
                no_data_reason: Set(None),
                return_reason: Set(None),
                delivered_by: Set(Some(coordinator.id)),
                delivered_at: Set(Some(at)),
                on_time: Set(Some(true)),
                accepted_by: Set(Some(coordinator.id)),
                accepted_at: Set(Some(at)),
                next_reminder_at: Set(None),
                reminder_epoch: Set(0),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
            });
        }
    }
    insert_chunks::<indicator::Entity, _>(&txn, indicators).await?;
    insert_chunks::<ownership::Entity, _>(&txn, owners).await?;
    insert_chunks::<indicator_goal::Entity, _>(&txn, links).await?;
    insert_chunks::<delivery::Entity, _>(&txn, deliveries).await?;

    let proposals: Vec<Uuid> = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let existing = comment::Entity::find().all(&txn).await?.len();
    let (mut comments, mut versions) = (Vec::new(), Vec::new());
    let mut thread: Vec<Option<Uuid>> = vec![None; proposals.len() + goals.len()];
    for i in existing..size.comments {
        // Half on proposals, half on goals; every third a reply to the thread's last comment;
        // every tenth edited once.
        let on_proposal = i % 2 == 0 && !proposals.is_empty();
        let (slot, target, kind) = if on_proposal {
            let p = (i / 2) % proposals.len();
            (p, proposals[p], TargetKind::Proposal)
        } else {
            let g = (i / 2) % goals.len();
            (proposals.len() + g, goals[g], TargetKind::Goal)
        };
        let id = Uuid::now_v7();
        let parent = if i % 3 == 2 { thread[slot] } else { None };
        if parent.is_none() {
            thread[slot] = Some(id);
        }
        let edited = i % 10 == 0;
        let body = format!("Beitrag {i}: so sehen wir das in unserem Stadtteil.");
        let at = now - Duration::minutes((size.comments - i) as i64);
        comments.push(comment::ActiveModel {
            id: Set(id),
            target_id: Set(target),
            target_kind: Set(kind),
            process_id: Set(Some(process.id)),
            parent_id: Set(parent),
            author_id: Set(members[i % members.len()]),
            body: Set(if edited { format!("{body} (überarbeitet)") } else { body.clone() }),
            stance: Set([Stance::Support, Stance::Oppose, Stance::Neutral][i % 3]),
            anchor: Set(None),
            version: Set(if edited { 2 } else { 1 }),
            hidden_at: Set(None),
            hidden_by: Set(None),
            hidden_reason: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
        });
        versions.push(comment_version::ActiveModel {
            id: Set(Uuid::now_v7()),
            comment_id: Set(id),
            version: Set(1),
            body: Set(body.clone()),
            created_at: Set(at),
        });
        if edited {
            versions.push(comment_version::ActiveModel {
                id: Set(Uuid::now_v7()),
                comment_id: Set(id),
                version: Set(2),
                body: Set(format!("{body} (überarbeitet)")),
                created_at: Set(at),
            });
        }
    }
    insert_chunks::<comment::Entity, _>(&txn, comments).await?;
    insert_chunks::<comment_version::Entity, _>(&txn, versions).await?;
    txn.commit().await?;
    Ok(())
}
