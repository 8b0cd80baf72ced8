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
    glossary::demo::DemoTerms,
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
    /// The goal of the adopted edition it checks.
    goal: &'static str,
    /// Glossary terms it uses; its values follow the first one's first definition, except that
    /// the values from `switch_at` on follow the second term's (a series break).
    terms: &'static [&'static str],
    switch_at: Option<usize>,
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
        goal: "Einbürgerung wird gefördert",
        terms: &["Einbürgerungsquote"],
        switch_at: None,
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
        goal: "Kinder aus eingewanderten Familien besuchen früh eine Kita",
        terms: &["Migrationshintergrund", "Einwanderungsgeschichte"],
        switch_at: Some(2),
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
        goal: "Schulabschlüsse gleichen sich an",
        terms: &["Ausländerin/Ausländer"],
        switch_at: None,
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
        goal: "Die Arbeitslosigkeit gleicht sich an",
        terms: &["Ausländerin/Ausländer"],
        switch_at: None,
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
        goal: "Die Arbeitslosigkeit gleicht sich an",
        terms: &[],
        switch_at: None,
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
        goal: "Die Verwaltung spiegelt die Stadtgesellschaft",
        terms: &["Einwanderungsgeschichte"],
        switch_at: None,
    },
];

/// Loads the example indicators; `mark` is the demo marker appended to organisation names.
pub async fn load(state: &AppState, actor: &Actor, mark: &str, terms: &DemoTerms) -> Result<usize> {
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
                goal_ids: adopted_goal(state, ex.goal).await?.into_iter().collect(),
                term_ids: ex.terms.iter().filter_map(|t| terms.get(t)).map(|t| t.0).collect(),
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
        let definition_of = |i: usize| ex.terms.get(i).and_then(|t| terms.get(t)).and_then(|t| t.1.first().copied());
        for (k, value) in ex.values.iter().enumerate() {
            let definition = match ex.switch_at {
                Some(at) if k >= at => definition_of(1),
                _ => definition_of(0),
            };
            let year = this_year - 5 + k as i32;
            let due = now - Duration::days(365 * (5 - k as i64) - 30);
            let d = service::request_delivery(state, actor, ind.id, &year.to_string(), due).await?;
            let confirmation =
                Confirmation::Value { value: *value, breakdown: vec![], note: None, definition_id: definition };
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

/// The goal with this title in the adopted edition (the one the monitoring reports on).
async fn adopted_goal(state: &AppState, title: &str) -> Result<Option<Uuid>> {
    use crate::leitbild::entities::{LeitbildStatus, field_of_action, goal, leitbild};
    let Some(adopted) =
        leitbild::Entity::find().filter(leitbild::Column::Status.eq(LeitbildStatus::Adopted)).one(&state.db).await?
    else {
        return Ok(None);
    };
    let fields: Vec<Uuid> = field_of_action::Entity::find()
        .filter(field_of_action::Column::LeitbildId.eq(adopted.id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|f| f.id)
        .collect();
    Ok(goal::Entity::find()
        .filter(goal::Column::FieldOfActionId.is_in(fields))
        .filter(goal::Column::Title.eq(title))
        .one(&state.db)
        .await?
        .map(|g| g.id))
}
