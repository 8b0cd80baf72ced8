//! The built web app, embedded at compile time; client-side routes fall back to `index.html`.

use axum::{
    http::{HeaderValue, StatusCode, Uri, header},
    response::{Html, IntoResponse, Response},
};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "frontend/dist"]
struct Assets;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
    script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "graphql" {
        return StatusCode::NOT_FOUND.into_response();
    }
    if let Some(file) = (!path.is_empty()).then(|| Assets::get(path)).flatten() {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        // Vite fingerprints everything under assets/, so it may be cached for good.
        let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return with_security_headers(
            (
                [(header::CONTENT_TYPE, mime.as_ref().to_string()), (header::CACHE_CONTROL, cache.to_string())],
                file.data,
            )
                .into_response(),
        );
    }
    // A path with a file extension that is not embedded is a missing file, not a page.
    if path.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match Assets::get("index.html") {
        Some(index) => with_security_headers(
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], index.data)
                .into_response(),
        ),
        None => Html(
            "<!doctype html><html lang=\"de\"><meta charset=\"utf-8\"><title>teilhabe</title>\
             <main><h1>teilhabe</h1><p>Die Weboberfläche ist nicht gebaut. \
             <code>npm ci --prefix frontend &amp;&amp; npm run build --prefix frontend</code>, dann neu kompilieren. \
             Die API läuft unter <a href=\"/graphql\">/graphql</a>.</p></main></html>",
        )
        .into_response(),
    }
}

/// GraphiQL as the web app's build ships it (same-origin assets only), under the app's CSP; a
/// short note when the frontend was not built. Never a page that loads scripts from elsewhere.
pub fn graphiql() -> Response {
    let body = match Assets::get("graphiql.html") {
        Some(file) => file.data.into_owned(),
        None => "<!doctype html><html lang=\"de\"><meta charset=\"utf-8\"><title>GraphiQL</title>\
                 <main><h1>GraphiQL</h1><p>GraphiQL ist nicht gebaut: <code>npm ci --prefix frontend \
                 &amp;&amp; npm run build --prefix frontend</code>, dann neu kompilieren. Die API nimmt \
                 GraphQL-Anfragen als <code>POST /graphql</code> mit <code>application/json</code> \
                 an.</p></main></html>"
            .as_bytes()
            .to_vec(),
    };
    with_security_headers(
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], body)
            .into_response(),
    )
}

fn with_security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
