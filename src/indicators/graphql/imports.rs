//! GraphQL face of imports: an indicator's GENESIS table mapping and each value's source. The
//! files themselves travel as multipart to `/api/indicators/{id}/imports/genesis`.

use super::*;
use crate::indicators::import::{
    self,
    entities::{genesis_mapping, value_source},
    ffcsv::DimensionFilter,
};

/// A dimension of the table and the attribute kept, e.g. `GEMEIN` = `05515000` (the city's key).
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "DimensionFilterInput")]
pub struct GenesisFilter {
    pub variable: String,
    pub attribute: String,
}

/// Which GENESIS table (and which of its cells) feeds an indicator.
#[derive(SimpleObject, Clone)]
pub struct GenesisMapping {
    pub id: Uuid,
    /// The table code, e.g. `12411-01-01-4`.
    pub table_code: String,
    /// The value variable, e.g. `BEV001`.
    pub value_variable: String,
    pub filters: Vec<GenesisFilter>,
    /// The definition the imported values follow; another one starts a new series.
    pub definition_id: Option<Uuid>,
    pub source: String,
    pub licence: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<genesis_mapping::Model> for GenesisMapping {
    fn from(m: genesis_mapping::Model) -> Self {
        Self {
            filters: import::filters_of(&m)
                .into_iter()
                .map(|f| GenesisFilter { variable: f.variable, attribute: f.attribute })
                .collect(),
            id: m.id,
            table_code: m.table_code,
            value_variable: m.value_variable,
            definition_id: m.definition_id,
            source: m.source,
            licence: import::LICENCE.into(),
            version: m.version,
            updated_at: m.updated_at,
        }
    }
}

#[derive(InputObject)]
pub struct GenesisMappingInput {
    pub table_code: String,
    pub value_variable: String,
    #[graphql(default)]
    pub filters: Vec<GenesisFilter>,
    pub definition_id: Option<Uuid>,
    /// Where the table is downloaded, e.g. "Landesdatenbank NRW".
    pub source: String,
}

impl From<GenesisMappingInput> for import::MappingInput {
    fn from(i: GenesisMappingInput) -> Self {
        Self {
            table_code: i.table_code,
            value_variable: i.value_variable,
            filters: i
                .filters
                .into_iter()
                .map(|f| DimensionFilter { variable: f.variable, attribute: f.attribute })
                .collect(),
            definition_id: i.definition_id,
            source: i.source,
        }
    }
}

/// Where an imported value came from: the statistics table, its source and licence, and when
/// the file was retrieved.
#[derive(SimpleObject, Clone)]
pub struct ValueSource {
    pub table_code: String,
    pub source: String,
    pub licence: String,
    pub retrieved_on: chrono::NaiveDate,
    pub imported_at: DateTime<Utc>,
}

impl From<value_source::Model> for ValueSource {
    fn from(m: value_source::Model) -> Self {
        Self {
            table_code: m.table_code,
            source: m.source,
            licence: m.licence,
            retrieved_on: m.retrieved_on,
            imported_at: m.imported_at,
        }
    }
}

/// The source of an imported value, batched over a list of deliveries.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceOf(pub Uuid);

impl Loader<SourceOf> for IndicatorsLoader {
    type Value = ValueSource;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[SourceOf]) -> Result<HashMap<SourceOf, ValueSource>, Self::Error> {
        let rows = value_source::Entity::find()
            .filter(value_source::Column::DeliveryId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|s| (SourceOf(s.delivery_id), s.into())).collect())
    }
}
