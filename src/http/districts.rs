//! The district map over HTTP: `POST /api/districts/geojson` (multipart: the GeoJSON in `file`,
//! the name of the property with the district code in `codeProperty`; the same login and CSRF
//! rules as `/graphql`) and `GET /api/districts.geojson` (the stored, compact map, cached by
//! its version). The upload is read in chunks and cut off at the limit, after the login is
//! checked, so that no request makes the server hold more than the limit.

use axum::{
    Json,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sea_orm::EntityTrait;

use super::{
    HttpState,
    auth::{authenticate_read, authenticate_request},
    imports::{multipart, unsupported},
    rate::Writer,
};
use crate::{
    accounts::policy::Permission,
    error::Error,
    indicators::districts::{self, MAX_MAP_BYTES},
    reports::entities::publication,
};

/// Room for the form's boundaries and the code property beside the file itself.
pub const MAX_REQUEST_BYTES: usize = MAX_MAP_BYTES + 64 * 1024;

fn too_large() -> Error {
    Error::Limit(format!("a district map may have at most {} MB", MAX_MAP_BYTES / 1024 / 1024))
}

/// The form's file (at most `MAX_MAP_BYTES`, read chunk by chunk) and code property.
async fn read_form(mut form: Multipart) -> Result<(Vec<u8>, String), Error> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { Error::validation("file", e.body_text()) }
    };
    let (mut file, mut property) = (None, None);
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("file") => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if bytes.len() + chunk.len() > MAX_MAP_BYTES {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some(bytes);
            }
            Some("codeProperty") => {
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if text.len() + chunk.len() > 1024 {
                        return Err(Error::validation("codeProperty", "at most 100 characters"));
                    }
                    text.extend_from_slice(&chunk);
                }
                property = Some(String::from_utf8_lossy(&text).into_owned());
            }
            _ => {}
        }
    }
    let file = file.ok_or_else(|| Error::validation("file", "send the GeoJSON in the form field \"file\""))?;
    let property = property
        .ok_or_else(|| Error::validation("codeProperty", "name the feature property that carries the district code"))?;
    Ok((file, property))
}

pub async fn upload(
    State(http): State<HttpState>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(form) = multipart(&headers, form) else {
        return unsupported();
    };
    let run = async {
        let actor = authenticate_request(&http.app, &headers).await?.ok_or(Error::Unauthenticated)?;
        actor.require(Permission::ManageIndicators)?;
        let declared =
            headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_REQUEST_BYTES) {
            return Err(too_large());
        }
        http.writes.spend(Writer::User(actor.user_id), 1, http.app.now())?;
        let (bytes, property) = read_form(form).await?;
        districts::upload_map(&http.app, &actor, &bytes, &property).await
    };
    match run.await {
        Ok(report) => Json(report).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The stored map for logged-in readers, and for everyone once the city publishes anything.
pub async fn download(State(http): State<HttpState>, headers: HeaderMap) -> Result<Response, Error> {
    let db = &http.app.db;
    let reader = authenticate_read(&http.app, &headers).await?;
    if reader.is_none() && publication::Entity::find().one(db).await?.is_none() {
        return Err(Error::Unauthenticated);
    }
    let Some(map) = districts::map(db).await? else { return Err(Error::NotFound("district map")) };
    let etag = format!("\"districts-{}\"", map.version);
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let mut response = map.geojson.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(response)
}
