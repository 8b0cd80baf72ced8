//! The example city's glossary for `teilhabe demo`: the terms the design names, competing
//! definitions with their sources, reviews in several states and one agreed term.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    entities::{ReviewDecision, definition},
    service::{self, DefinitionData, NewTerm, SourceData},
};
use crate::{accounts::policy::Actor, error::Result, participation::demo::person, state::AppState};

struct Def {
    text: &'static str,
    publisher: &'static str,
    statistic: &'static str,
    scope: &'static str,
    from: (i32, u32, u32),
}

const TERMS: &[(&str, &[&str], &[Def])] = &[
    (
        "Migrationshintergrund",
        &["Personen mit Migrationshintergrund"],
        &[Def {
            text: "Eine Person hat einen Migrationshintergrund, wenn sie selbst oder mindestens ein Elternteil die deutsche Staatsangehörigkeit nicht durch Geburt besitzt.",
            publisher: "Statistisches Bundesamt",
            statistic: "Mikrozensus",
            scope: "für die Zahlen des Mikrozensus bis 2022",
            from: (2005, 1, 1),
        }],
    ),
    (
        "Einwanderungsgeschichte",
        &["Menschen mit Einwanderungsgeschichte"],
        &[Def {
            text: "Eine Person hat eine Einwanderungsgeschichte, wenn sie selbst oder beide Elternteile seit 1950 in das heutige Gebiet Deutschlands eingewandert sind.",
            publisher: "Statistisches Bundesamt",
            statistic: "Mikrozensus",
            scope: "Konzept der Fachkommission Integrationsfähigkeit, seit 2023",
            from: (2023, 1, 1),
        }],
    ),
    (
        "Ausländerin/Ausländer",
        &["Ausländer", "Ausländerinnen", "nichtdeutsche Staatsangehörige"],
        &[Def {
            text: "Personen, die nicht die deutsche Staatsangehörigkeit besitzen, einschließlich Staatenloser, nach dem Melderegister.",
            publisher: "IT.NRW",
            statistic: "Melderegister / Ausländerzentralregister",
            scope: "für die Registerzahlen der Stadt",
            from: (2000, 1, 1),
        }],
    ),
    (
        "Neuzugewanderte",
        &["Neuzuwanderung"],
        &[Def {
            text: "Personen, die in den letzten fünf Jahren aus dem Ausland zugezogen sind.",
            publisher: "Stadt (Beispiel)",
            statistic: "Melderegister, Zuzüge aus dem Ausland",
            scope: "Arbeitsdefinition der Stabsstelle",
            from: (2020, 1, 1),
        }],
    ),
    (
        "Geflüchtete",
        &["Schutzsuchende", "Flüchtlinge"],
        &[Def {
            text: "Personen, die sich unter Berufung auf humanitäre Gründe in Deutschland aufhalten, mit offenem, anerkanntem oder abgelehntem Schutzstatus.",
            publisher: "Statistisches Bundesamt",
            statistic: "Schutzsuchendenstatistik (AZR)",
            scope: "bundeseinheitliche Abgrenzung",
            from: (2007, 1, 1),
        }],
    ),
    (
        "Einbürgerungsquote",
        &["ausgeschöpftes Einbürgerungspotenzial"],
        &[
            Def {
                text: "Einbürgerungen je 100 Ausländerinnen und Ausländer mit mindestens zehn Jahren Aufenthalt.",
                publisher: "Statistisches Bundesamt",
                statistic: "Einbürgerungsstatistik",
                scope: "ausgeschöpftes Einbürgerungspotenzial",
                from: (2000, 1, 1),
            },
            Def {
                text: "Einbürgerungen je 100 Ausländerinnen und Ausländer insgesamt.",
                publisher: "IT.NRW",
                statistic: "Einbürgerungsstatistik NRW",
                scope: "einfache Quote, ältere Landesberichte",
                from: (2000, 1, 1),
            },
        ],
    ),
];

/// Term label → (term id, its definitions in the order above).
pub type DemoTerms = HashMap<&'static str, (Uuid, Vec<Uuid>)>;

pub async fn load(state: &AppState, author: &Actor) -> Result<DemoTerms> {
    let mut out = DemoTerms::new();
    for (label, synonyms, defs) in TERMS {
        let data = |d: &Def| DefinitionData {
            text: d.text.into(),
            source: SourceData {
                publisher: Some(d.publisher.into()),
                statistic: Some(d.statistic.into()),
                date: None,
                link: None,
            },
            scope_note: Some(d.scope.into()),
            valid_from: NaiveDate::from_ymd_opt(d.from.0, d.from.1, d.from.2),
            valid_to: None,
            ..DefinitionData::default()
        };
        let term = service::propose_term(
            state,
            author,
            NewTerm {
                label: (*label).into(),
                synonyms: synonyms.iter().map(|s| s.to_string()).collect(),
                definition: defs.first().map(data),
                ..NewTerm::default()
            },
        )
        .await?;
        let mut ids: Vec<Uuid> = definition::Entity::find()
            .filter(definition::Column::TermId.eq(term.id))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect();
        for d in defs.iter().skip(1) {
            ids.push(service::propose_definition(state, author, term.id, data(d)).await?.id);
        }
        out.insert(*label, (term.id, ids));
    }
    // One agreed term: approvals from administration, civil society and science.
    let (admin, civil, science) =
        (person(state, "statistik").await?, person(state, "caritas").await?, person(state, "uni").await?);
    let register = out["Ausländerin/Ausländer"].1[0];
    for reviewer in [&admin, &civil, &science] {
        service::review_definition(state, reviewer, register, ReviewDecision::Approve, None).await?;
    }
    // Reviews in progress: two approvals, and an open objection on a competing definition.
    let background = out["Einwanderungsgeschichte"].1[0];
    for reviewer in [&admin, &science] {
        service::review_definition(state, reviewer, background, ReviewDecision::Approve, None).await?;
    }
    let simple_rate = out["Einbürgerungsquote"].1[1];
    service::review_definition(
        state,
        &civil,
        simple_rate,
        ReviewDecision::Object,
        Some(
            "Die einfache Quote unterschätzt die Einbürgerung, weil viele noch nicht einbürgerungsberechtigt sind."
                .into(),
        ),
    )
    .await?;
    Ok(out)
}
