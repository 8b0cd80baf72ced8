//! The report's lifecycle: coordinators' texts per field of action, and freezing a report into a
//! numbered edition that later deliveries and glossary changes no longer touch.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::Expr,
};
use uuid::Uuid;

use super::{
    entities::{frozen_report, report_text},
    service::{self, Report},
};
use crate::{
    accounts::policy::{Actor, Permission},
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    leitbild::entities::{LeitbildStatus, field_of_action, leitbild},
    state::AppState,
    text::{LONG_TEXT, TITLE},
};

/// Sets the coordinator's text on a field of action; `expected_version` is the version the
/// editor started from (0 when there was no text yet), so that two editors never overwrite each other.
pub async fn set_field_text(
    state: &AppState,
    actor: &Actor,
    field_id: Uuid,
    text: String,
    expected_version: i32,
) -> Result<report_text::Model> {
    actor.require(Permission::PublishReports)?;
    let text = LONG_TEXT.or_empty("text", &text)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let field = field_of_action::Entity::find_by_id(field_id)
        .one(&txn)
        .await?
        .filter(|f| f.removed_at.is_none())
        .ok_or(Error::NotFound("field of action"))?;
    let current = report_text::Entity::find_by_id(field_id).one(&txn).await?;
    let current_version = current.as_ref().map_or(0, |t| t.version);
    if current_version != expected_version {
        return Err(Error::Conflict {
            message: "the text was changed meanwhile".into(),
            details: Some(serde_json::json!({
                "currentVersion": current_version,
                "currentText": current.map(|t| t.text),
            })),
        });
    }
    let saved = if current.is_some() {
        // Conditional on the version, so a concurrent save between the read and here loses.
        let updated = report_text::Entity::update_many()
            .col_expr(report_text::Column::Text, Expr::value(text.clone()))
            .col_expr(report_text::Column::Version, Expr::value(expected_version + 1))
            .col_expr(report_text::Column::UpdatedBy, Expr::value(Some(actor.user_id)))
            .col_expr(report_text::Column::UpdatedAt, Expr::value(now))
            .filter(report_text::Column::FieldOfActionId.eq(field_id))
            .filter(report_text::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if updated.rows_affected != 1 {
            return Err(Error::conflict("the text was changed meanwhile"));
        }
        report_text::Model {
            field_of_action_id: field_id,
            leitbild_id: field.leitbild_id,
            text,
            version: expected_version + 1,
            updated_by: Some(actor.user_id),
            updated_at: now,
        }
    } else {
        report_text::ActiveModel {
            field_of_action_id: Set(field_id),
            leitbild_id: Set(field.leitbild_id),
            text: Set(text),
            version: Set(1),
            updated_by: Set(Some(actor.user_id)),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?
    };
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "report.text",
            entity_type: "field_of_action",
            entity_id: Some(field_id),
            summary: format!("Berichtstext zu „{}“ geändert (Version {})", field.title, saved.version),
        },
    );
    txn.commit().await?;
    Ok(saved)
}

/// Freezes the report of an adopted edition for a span of periods as the next numbered report.
pub async fn freeze(
    state: &AppState,
    actor: &Actor,
    leitbild_id: Uuid,
    title: String,
    from: Option<String>,
    to: Option<String>,
) -> Result<frozen_report::Model> {
    actor.require(Permission::PublishReports)?;
    let title = TITLE.required("title", &title)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let lb = leitbild::Entity::find_by_id(leitbild_id).one(&txn).await?.ok_or(Error::NotFound("leitbild"))?;
    if lb.status == LeitbildStatus::Draft {
        return Err(Error::validation("leitbildId", "only an adopted edition can be reported"));
    }
    let mut report = service::build(&txn, now, leitbild_id, from.clone(), to.clone()).await?;
    report.city = state.config.city.clone();
    let content = serde_json::to_string(&report).map_err(Error::internal)?;
    let last: Option<i32> = frozen_report::Entity::find()
        .select_only()
        .column_as(frozen_report::Column::Number.max(), "max")
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    // Two coordinators freezing at once compute the same number: the unique index turns the
    // second into CONFLICT instead of two reports "Nr. n".
    let number = last.unwrap_or(0) + 1;
    let saved = frozen_report::ActiveModel {
        id: Set(Uuid::now_v7()),
        leitbild_id: Set(leitbild_id),
        number: Set(number),
        title: Set(title),
        from_period: Set(from),
        to_period: Set(to),
        content: Set(content),
        frozen_by: Set(Some(actor.user_id)),
        frozen_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "report.freeze",
            entity_type: "frozen_report",
            entity_id: Some(saved.id),
            summary: format!("Bericht Nr. {number} „{}“ eingefroren ({})", saved.title, lb.title),
        },
    );
    txn.commit().await?;
    Ok(saved)
}

/// The frozen reports of an edition (or all), newest first. Few by nature: one every few years.
pub async fn list<C: ConnectionTrait>(db: &C, leitbild_id: Option<Uuid>) -> Result<Vec<frozen_report::Model>> {
    let mut q = frozen_report::Entity::find().order_by_desc(frozen_report::Column::Number);
    if let Some(id) = leitbild_id {
        q = q.filter(frozen_report::Column::LeitbildId.eq(id));
    }
    Ok(q.limit(200).all(db).await?)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<frozen_report::Model> {
    frozen_report::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("report"))
}

/// The newest frozen report of an edition, the baseline of "what changed".
pub async fn latest<C: ConnectionTrait>(db: &C, leitbild_id: Uuid) -> Result<Option<frozen_report::Model>> {
    Ok(frozen_report::Entity::find()
        .filter(frozen_report::Column::LeitbildId.eq(leitbild_id))
        .order_by_desc(frozen_report::Column::Number)
        .one(db)
        .await?)
}

/// The stored document of a frozen report.
pub fn document(model: &frozen_report::Model) -> Result<Report> {
    serde_json::from_str(&model.content).map_err(Error::internal)
}

/// A frozen report as the public may read it: without the names of the staff who delivered and
/// accepted the values (the organisation stays).
pub fn without_people(mut report: Report) -> Report {
    for v in report.fields.iter_mut().flat_map(|f| f.goals.iter_mut()).flat_map(|g| g.indicators.iter_mut()) {
        for s in &mut v.series {
            s.delivered_by = None;
            s.accepted_by = None;
        }
    }
    report
}
