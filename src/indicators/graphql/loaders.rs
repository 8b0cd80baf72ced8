//! Batch loading of indicator rows for GraphQL: one query per kind of row and request.

use super::*;
use crate::batching::grouped;

pub struct IndicatorsLoader(pub DatabaseConnection);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorById(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeliveriesOf(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoalsOf(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TermsOf(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OwnershipsOf(pub Uuid);
/// Where an imported value came from, by delivery.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceOf(pub Uuid);
/// The time series of an indicator, which orders its periods by the indicator's periodicity.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeriesOf(pub Uuid, pub Periodicity);

pub(super) fn db_err(e: sea_orm::DbErr) -> Arc<Error> {
    Arc::new(e.into())
}

impl Loader<IndicatorById> for IndicatorsLoader {
    type Value = Indicator;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[IndicatorById]) -> Result<HashMap<IndicatorById, Indicator>, Self::Error> {
        let rows = indicator::Entity::find()
            .filter(indicator::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|i| (IndicatorById(i.id), Indicator::from(i))).collect())
    }
}

impl Loader<SourceOf> for IndicatorsLoader {
    type Value = crate::indicators::import::entities::value_source::Model;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[SourceOf]) -> Result<HashMap<SourceOf, Self::Value>, Self::Error> {
        use crate::indicators::import::entities::value_source;
        let rows = value_source::Entity::find()
            .filter(value_source::Column::DeliveryId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|s| (SourceOf(s.delivery_id), s)).collect())
    }
}

impl Loader<SeriesOf> for IndicatorsLoader {
    type Value = Arc<[service::SeriesPoint]>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[SeriesOf]) -> Result<HashMap<SeriesOf, Self::Value>, Self::Error> {
        // A computed indicator's series are its computed values.
        let formulas =
            crate::indicators::computed::formulas_for(&self.0, keys.iter().map(|k| k.0)).await.map_err(Arc::new)?;
        let ratios = crate::indicators::computed::ratios_for(&self.0, &formulas).await.map_err(Arc::new)?;
        let rows = delivery::Entity::find()
            .filter(delivery::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .filter(delivery::Column::Status.eq(DeliveryStatus::Accepted))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        let mut by_indicator: HashMap<Uuid, Vec<delivery::Model>> = HashMap::new();
        for d in rows {
            by_indicator.entry(d.indicator_id).or_default().push(d);
        }
        Ok(keys
            .iter()
            .map(|k| match ratios.get(&k.0) {
                Some(points) => (*k, computed::series_points(points).into()),
                None => (*k, service::series(by_indicator.remove(&k.0).unwrap_or_default(), k.1).into()),
            })
            .collect())
    }
}

impl Loader<DeliveriesOf> for IndicatorsLoader {
    type Value = Arc<[DataDelivery]>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[DeliveriesOf]) -> Result<HashMap<DeliveriesOf, Self::Value>, Self::Error> {
        let rows = delivery::Entity::find()
            .filter(delivery::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(delivery::Column::DueAt)
            .all(&self.0)
            .await
            .map_err(db_err)?;
        Ok(grouped(rows.into_iter().map(|d| (DeliveriesOf(d.indicator_id), d.into()))))
    }
}

impl Loader<GoalsOf> for IndicatorsLoader {
    type Value = Arc<[Uuid]>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[GoalsOf]) -> Result<HashMap<GoalsOf, Self::Value>, Self::Error> {
        let rows = indicator_goal::Entity::find()
            .filter(indicator_goal::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        Ok(grouped(rows.into_iter().map(|r| (GoalsOf(r.indicator_id), r.goal_id))))
    }
}

impl Loader<TermsOf> for IndicatorsLoader {
    type Value = Arc<[Uuid]>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[TermsOf]) -> Result<HashMap<TermsOf, Self::Value>, Self::Error> {
        let rows = indicator_term::Entity::find()
            .filter(indicator_term::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        Ok(grouped(rows.into_iter().map(|r| (TermsOf(r.indicator_id), r.term_id))))
    }
}

impl Loader<OwnershipsOf> for IndicatorsLoader {
    type Value = Arc<[OwnershipPeriod]>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[OwnershipsOf]) -> Result<HashMap<OwnershipsOf, Self::Value>, Self::Error> {
        let rows = ownership::Entity::find()
            .filter(ownership::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(ownership::Column::FromAt)
            .all(&self.0)
            .await
            .map_err(db_err)?;
        Ok(grouped(rows.into_iter().map(|r| (OwnershipsOf(r.indicator_id), r.into()))))
    }
}
