//! Links that older mails wrote, before every link came from `notifications::links::Place`:
//! `/vorschlaege/<id>`, `/ziele/<id>`, `/handlungsfelder/<id>` and `/definitionen/<id>`, each
//! with `#kommentar-<id>`. They answer with a permanent redirect to the page the item lives on
//! now (the browser keeps the fragment); an unknown id gets the app's "not found" page.

use axum::{
    extract::{Path, State},
    http::Uri,
    response::{IntoResponse, Redirect, Response},
};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::{
    error::Result,
    glossary::entities::definition,
    http::{HttpState, static_files},
    leitbild::entities::{field_of_action, goal},
    notifications::links::Place,
    participation::entities::proposal,
};

/// Where an item named by an old link lives now; `None` for an unknown area or id.
pub async fn current_place<C: ConnectionTrait>(db: &C, area: &str, id: Uuid) -> Result<Option<Place>> {
    Ok(match area {
        "vorschlaege" => proposal::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|p| Place::Proposal { process_id: p.process_id, proposal_id: p.id }),
        "ziele" => match goal::Entity::find_by_id(id).one(db).await? {
            Some(g) => field_of_action::Entity::find_by_id(g.field_of_action_id)
                .one(db)
                .await?
                .map(|f| Place::Goal { leitbild_id: f.leitbild_id, goal_id: g.id }),
            None => None,
        },
        "handlungsfelder" => field_of_action::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|f| Place::FieldOfAction { leitbild_id: f.leitbild_id, field_id: f.id }),
        "definitionen" => definition::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|d| Place::Definition { term_id: d.term_id, definition_id: d.id }),
        _ => None,
    })
}

/// Registered once per old area (`/<area>/{id}`); the area is the path's first segment.
pub async fn old_link(
    State(http): State<HttpState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: axum::http::HeaderMap,
) -> Response {
    let area = uri.path().trim_start_matches('/').split('/').next().unwrap_or_default();
    let place = match id.parse::<Uuid>() {
        Ok(id) => current_place(&http.app.db, area, id).await,
        Err(_) => Ok(None),
    };
    match place {
        // A place with a fragment of its own (`#proposal-…`) replaces the mail's `#kommentar-…`.
        Ok(Some(place)) => Redirect::permanent(&place.path()).into_response(),
        Ok(None) => static_files::serve(uri, headers).await,
        Err(e) => e.into_response(),
    }
}
