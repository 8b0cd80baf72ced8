//! The example city's indicators for `teilhabe demo`: owners, a few years of accepted values,
//! one delivery overdue and one due next week. Loaded through the services, like a user would.

use chrono::{Datelike, Duration};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    entities::{Periodicity, SourceKind, TargetDirection},
    service::{self, Confirmation, NewIndicator},
};
use crate::{
    accounts::{
        entities::{organization, user},
        policy::Actor,
    },
    error::{Error, Result},
    state::AppState,
};

struct Example {
    code: &'static str,
    name: &'static str,
    unit: &'static str,
    source: (SourceKind, &'static str),
    owner: &'static str,
    responsible: &'static str,
    target: Option<(f64, TargetDirection)>,
    values: [f64; 4],
}

const EXAMPLES: &[Example] = &[
    Example {
        code: "RB-1",
        name: "Einbürgerungsquote",
        unit: "%",
        source: (SourceKind::OfficialStatistics, "Einbürgerungsstatistik, Statistisches Landesamt"),
        owner: "Amt für Migration und Interkulturelles",
        responsible: "migration",
        target: Some((2.5, TargetDirection::HigherIsBetter)),
        values: [1.6, 1.8, 2.1, 2.3],
    },
    Example {
        code: "FB-1",
        name: "Anteil der Kinder aus Familien mit Einwanderungsgeschichte in Kindertagesbetreuung",
        unit: "%",
        source: (SourceKind::Department, "Kita-Platzvergabe, Amt für Kinder, Jugendliche und Familien"),
        owner: "Amt für Kinder, Jugendliche und Familien",
        responsible: "kita",
        target: Some((90.0, TargetDirection::HigherIsBetter)),
        values: [78.0, 80.5, 82.0, 84.5],
    },
    Example {
        code: "BS-1",
        name: "Schulabschlüsse nach Staatsangehörigkeit: Anteil ohne Abschluss (nichtdeutsch)",
        unit: "%",
        source: (SourceKind::OfficialStatistics, "Schulstatistik des Landes"),
        owner: "Amt für Schule und Weiterbildung",
        responsible: "schule",
        target: Some((8.0, TargetDirection::LowerIsBetter)),
        values: [14.2, 13.5, 12.9, 12.1],
    },
    Example {
        code: "AW-1",
        name: "Arbeitslosenquote ausländischer Staatsangehöriger",
        unit: "%",
        source: (SourceKind::OfficialStatistics, "Statistik der Bundesagentur für Arbeit"),
        owner: "Jobcenter",
        responsible: "jobcenter",
        target: Some((10.0, TargetDirection::LowerIsBetter)),
        values: [14.8, 13.9, 13.1, 12.7],
    },
    Example {
        code: "AW-2",
        name: "SGB-II-Quote",
        unit: "%",
        source: (SourceKind::Department, "Fachverfahren des Sozialamts"),
        owner: "Sozialamt",
        responsible: "sozialamt",
        target: None,
        values: [11.2, 10.9, 10.4, 10.1],
    },
    Example {
        code: "IÖ-1",
        name: "Anteil der Beschäftigten mit Einwanderungsgeschichte in der Stadtverwaltung",
        unit: "%",
        source: (SourceKind::Survey, "Beschäftigtenbefragung, Personal- und Organisationsamt"),
        owner: "Personal- und Organisationsamt",
        responsible: "personal",
        target: Some((25.0, TargetDirection::HigherIsBetter)),
        values: [13.0, 14.5, 16.0, 17.2],
    },
];

/// Loads the example indicators; `mark` is the demo marker appended to organisation names.
pub async fn load(state: &AppState, actor: &Actor, mark: &str) -> Result<usize> {
    let now = state.now();
    let this_year = now.year();
    for (n, ex) in EXAMPLES.iter().enumerate() {
        let owner = organization::Entity::find()
            .filter(organization::Column::Name.eq(format!("{} {mark}", ex.owner)))
            .one(&state.db)
            .await?
            .ok_or_else(|| Error::internal(format!("demo organisation {} missing", ex.owner)))?;
        let responsible = user::Entity::find()
            .filter(user::Column::Email.eq(format!("{}@demo.teilhabe.example", ex.responsible)))
            .one(&state.db)
            .await?
            .map(|u| u.id);
        let ind = service::create_indicator(
            state,
            actor,
            NewIndicator {
                code: ex.code.replace('Ö', "O"),
                name: format!("{} {mark}", ex.name),
                goal_ids: vec![],
                term_ids: vec![],
                unit: ex.unit.into(),
                source_kind: ex.source.0,
                source_description: ex.source.1.into(),
                periodicity: Periodicity::Yearly,
                target_value: ex.target.map(|t| t.0),
                target_direction: ex.target.map(|t| t.1),
                owner_id: owner.id,
                responsible_user_id: responsible,
                deputy_user_id: None,
                review_interval_months: 24,
            },
        )
        .await?;
        let definition = Uuid::now_v7();
        for (k, value) in ex.values.iter().enumerate() {
            let year = this_year - 5 + k as i32;
            let due = now - Duration::days(365 * (5 - k as i64) - 30);
            let d = service::request_delivery(state, actor, ind.id, &year.to_string(), due).await?;
            let confirmation =
                Confirmation::Value { value: *value, breakdown: vec![], note: None, definition_id: Some(definition) };
            service::confirm_delivery(state, actor, d.id, confirmation, None).await?;
            service::accept_delivery(state, actor, d.id).await?;
        }
        // The latest period: one department is late, one is due next week, the rest later.
        let due = match n {
            4 => now - Duration::days(10),
            1 => now + Duration::days(7),
            _ => now + Duration::days(90 + 10 * n as i64),
        };
        service::request_delivery(state, actor, ind.id, &(this_year - 1).to_string(), due).await?;
    }
    Ok(EXAMPLES.len())
}
