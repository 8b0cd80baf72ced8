//! Each person's private iCalendar feed (`/calendar/<token>.ics`) of their due dates.

use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::{
    accounts::entities::{membership, user},
    error::Result,
    http::HttpState,
    indicators::{
        entities::{DeliveryStatus, delivery, indicator},
        timing,
    },
    notifications::entities::settings,
};

/// Most events of one kind in a feed.
const MAX_EVENTS: u64 = 500;

/// The feed as text, or `None` when the token belongs to nobody (active).
pub async fn feed<C: ConnectionTrait>(
    db: &C,
    token: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let Some(s) = settings::Entity::find().filter(settings::Column::CalendarToken.eq(token)).one(db).await? else {
        return Ok(None);
    };
    let Some(person) = user::Entity::find_by_id(s.user_id).one(db).await?.filter(|u| u.active) else {
        return Ok(None);
    };
    let orgs: Vec<Uuid> = membership::Entity::find()
        .select_only()
        .column(membership::Column::OrganizationId)
        .filter(membership::Column::UserId.eq(person.id))
        .into_tuple()
        .all(db)
        .await?;
    let mine = Condition::any()
        .add(indicator::Column::ResponsibleUserId.eq(person.id))
        .add(indicator::Column::DeputyUserId.eq(person.id))
        .add(indicator::Column::OwnerId.is_in(orgs.iter().copied()));
    let indicators =
        indicator::Entity::find().filter(mine).order_by_asc(indicator::Column::Code).limit(MAX_EVENTS).all(db).await?;
    let by_id: std::collections::HashMap<Uuid, &indicator::Model> = indicators.iter().map(|i| (i.id, i)).collect();
    let open = delivery::Entity::find()
        .filter(delivery::Column::IndicatorId.is_in(by_id.keys().copied()))
        .filter(delivery::Column::Status.is_in([DeliveryStatus::Requested, DeliveryStatus::Returned]))
        .order_by_asc(delivery::Column::DueAt)
        .limit(MAX_EVENTS)
        .all(db)
        .await?;
    let mut cal = Calendar::new();
    cal.name("teilhabe: Termine").timezone("Europe/Berlin");
    for d in &open {
        let Some(ind) = by_id.get(&d.indicator_id) else { continue };
        cal.push(
            Event::new()
                .uid(&format!("delivery-{}@teilhabe", d.id))
                .timestamp(now)
                .summary(&format!("Datenlieferung {} fällig: {}", d.period, ind.name))
                .description(&format!("Indikator {} ({}), Zeitraum {}", ind.name, ind.code, d.period))
                .url(&format!("{public_url}/lieferungen/{}", d.id))
                .all_day(timing::local_date(d.effective_due()))
                .done(),
        );
    }
    for ind in &indicators {
        cal.push(
            Event::new()
                .uid(&format!("review-{}-{}@teilhabe", ind.id, timing::local_date(ind.next_review_at)))
                .timestamp(now)
                .summary(&format!("Überprüfung fällig: {}", ind.name))
                .description(&format!("Definition und Quelle von {} prüfen", ind.code))
                .url(&format!("{public_url}/indikatoren/{}", ind.id))
                .all_day(timing::local_date(ind.next_review_at))
                .done(),
        );
    }
    Ok(Some(cal.done().to_string()))
}

pub async fn handler(State(http): State<HttpState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics").filter(|t| !t.is_empty() && t.len() <= 64) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match feed(&http.app.db, token, &http.app.config.public_url, http.app.now()).await {
        Ok(Some(body)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300")),
            ],
            body,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => e.into_response(),
    }
}
