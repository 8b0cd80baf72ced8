//! Schema migrations of teilhabe: portable sea-orm-migration builders, never edited once landed.

pub use sea_orm_migration::prelude::*;

pub mod kit;

mod m20261125_000001_accounts_audit;
mod m20261125_000002_leitbild_participation;
mod m20261125_000003_glossary;
mod m20261125_000004_indicators_notifications;
mod m20261125_000006_reports;
mod m20261204_000010_glossary_agreed_version;
mod m20261205_calc_210;
mod m20261205_calc_211;
mod m20261205_council_160;
mod m20261205_data_180;
mod m20261205_flows_230;
mod m20261205_geo_220;
mod m20261205_mail_250;
mod m20261205_signin_170;
mod m20261205_signin_171;
mod m20261205_skos_140;
mod m20261205_sso_200;
mod m20261205_work_150;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_accounts_audit::Migration),
            Box::new(m20261125_000002_leitbild_participation::Migration),
            Box::new(m20261125_000003_glossary::Migration),
            Box::new(m20261125_000004_indicators_notifications::Migration),
            Box::new(m20261125_000006_reports::Migration),
            Box::new(m20261204_000010_glossary_agreed_version::Migration),
            Box::new(m20261205_council_160::Migration),
            Box::new(m20261205_data_180::Migration),
            Box::new(m20261205_mail_250::Migration),
            Box::new(m20261205_signin_170::Migration),
            Box::new(m20261205_signin_171::Migration),
            Box::new(m20261205_skos_140::Migration),
            Box::new(m20261205_work_150::Migration),
            Box::new(m20261205_geo_220::Migration),
            Box::new(m20261205_flows_230::Migration),
            Box::new(m20261205_calc_210::Migration),
            Box::new(m20261205_calc_211::Migration),
            Box::new(m20261205_sso_200::Migration),
        ]
    }
}
