//! The server's signing key for links in mails: delivery confirm links and one-click unsubscribe.

use sea_orm::{ConnectionTrait, EntityTrait, Set, sea_query::OnConflict};

use super::entities::app_secret;
use crate::{
    error::{Error, Result},
    state::AppState,
};

/// Named for the first links it signed; kept, so that links already mailed stay valid.
const SECRET_NAME: &str = "delivery_link_hmac";

/// The link key: `TEILHABE_LINK_SECRET`, or one generated on first use and kept in the database
/// so that every replica and every restart signs alike.
pub async fn secret<C: ConnectionTrait>(db: &C, state: &AppState) -> Result<Vec<u8>> {
    if let Some(s) = &state.config.link_secret {
        return Ok(s.as_bytes().to_vec());
    }
    if let Some(row) = app_secret::Entity::find_by_id(SECRET_NAME.to_string()).one(db).await? {
        return hex::decode(row.value).map_err(Error::internal);
    }
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
    app_secret::Entity::insert(app_secret::ActiveModel {
        name: Set(SECRET_NAME.into()),
        value: Set(hex::encode(bytes)),
        created_at: Set(state.now()),
    })
    .on_conflict(OnConflict::column(app_secret::Column::Name).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    // Another replica may have won the race: read back whichever key was stored.
    let row =
        app_secret::Entity::find_by_id(SECRET_NAME.to_string()).one(db).await?.ok_or(Error::NotFound("secret"))?;
    hex::decode(row.value).map_err(Error::internal)
}
