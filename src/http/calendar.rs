//! Each person's private iCalendar feed (`/calendar/<token>.ics`) of their due dates: data
//! deliveries and reviews as all-day events, the close of every vote they may take part in.

use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, Parameter, Property};
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
    notifications::{
        entities::settings,
        links::{self, Place},
    },
    participation::entities::{PhaseKind, ProcessStatus, participant, phase, process},
};

/// RFC 5545 §3.7.3: who made the feed, `-//<company>//<product>//<language>`.
const PRODID: &str = concat!("-//teilhabe//teilhabe ", env!("CARGO_PKG_VERSION"), "//DE");

/// How often a subscribing client should fetch the feed again (RFC 7986 §5.7; `X-PUBLISHED-TTL`
/// for clients that predate it).
const REFRESH: &str = "PT1H";

/// An all-day event on `day`: RFC 5545 §3.8.2.2 wants DTEND after DTSTART, the day after.
fn all_day(event: &mut Event, day: chrono::NaiveDate) -> &mut Event {
    event.starts(day).ends(day.succ_opt().unwrap_or(day))
}

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
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", PRODID))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(
            Property::new("REFRESH-INTERVAL", REFRESH).append_parameter(Parameter::new("VALUE", "DURATION")).done(),
        )
        .append_property(("X-PUBLISHED-TTL", REFRESH));
    cal.name("teilhabe: Termine").timezone("Europe/Berlin");
    for d in &open {
        let Some(ind) = by_id.get(&d.indicator_id) else { continue };
        let mut event = Event::new();
        event
            .uid(&format!("delivery-{}@teilhabe", d.id))
            .timestamp(now)
            .summary(&format!("Datenlieferung {} fällig: {}", d.period, ind.name))
            .description(&format!("Indikator {} ({}), Zeitraum {}", ind.name, ind.code, d.period))
            .url(&links::url(public_url, &Place::Delivery(d.id).path()));
        cal.push(all_day(&mut event, timing::local_date(d.effective_due())).done());
    }
    for ind in &indicators {
        let mut event = Event::new();
        event
            .uid(&format!("review-{}-{}@teilhabe", ind.id, timing::local_date(ind.next_review_at)))
            .timestamp(now)
            .summary(&format!("Überprüfung fällig: {}", ind.name))
            .description(&format!("Definition und Quelle von {} prüfen", ind.code))
            .url(&links::url(public_url, &Place::Indicator(ind.id).path()));
        cal.push(all_day(&mut event, timing::local_date(ind.next_review_at)).done());
    }
    // The close of every vote still ahead in a process one of the person's organisations takes
    // part in: a moment, not a day (no DTEND, RFC 5545 §3.6.1).
    let processes: Vec<Uuid> = participant::Entity::find()
        .select_only()
        .column(participant::Column::ProcessId)
        .filter(participant::Column::OrganizationId.is_in(orgs.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let active: std::collections::HashMap<Uuid, process::Model> = process::Entity::find()
        .filter(process::Column::Id.is_in(processes))
        .filter(process::Column::Status.eq(ProcessStatus::Active))
        .limit(MAX_EVENTS)
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let votes = phase::Entity::find()
        .filter(phase::Column::ProcessId.is_in(active.keys().copied()))
        .filter(phase::Column::Kind.eq(PhaseKind::Voting))
        .filter(phase::Column::EndsAt.gt(now))
        .order_by_asc(phase::Column::EndsAt)
        .all(db)
        .await?;
    for v in &votes {
        let Some(p) = active.get(&v.process_id) else { continue };
        cal.push(
            Event::new()
                .uid(&format!("vote-{}@teilhabe", v.id))
                .timestamp(now)
                .summary(&format!("Abstimmung endet: {}", p.title))
                .description(&format!("Letzter Moment, um im Beteiligungsprozess „{}“ abzustimmen", p.title))
                .url(&links::url(public_url, &Place::Process(p.id).path()))
                .starts(v.ends_at)
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
