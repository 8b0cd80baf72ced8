//! The built web app, embedded at compile time; client-side routes fall back to `index.html`.

use std::{
    borrow::Cow,
    collections::HashMap,
    io::Write,
    sync::{Arc, LazyLock, Mutex, PoisonError},
};

use axum::{
    body::Bytes,
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    response::{Html, IntoResponse, IntoResponseParts, Response},
};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "frontend/dist"]
struct Assets;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
    script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "graphql" {
        return StatusCode::NOT_FOUND.into_response();
    }
    if let Some(file) = (!path.is_empty()).then(|| Assets::get(path)).flatten() {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        // Vite fingerprints everything under assets/, so it may be cached for good.
        let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        let response =
            ([(header::CONTENT_TYPE, mime.as_ref().to_string()), (header::CACHE_CONTROL, cache.to_string())], ());
        return with_security_headers(encoded(path, mime.essence_str(), file.data, &headers, response).await);
    }
    // A path with a file extension that is not embedded is a missing file, not a page.
    if path.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match Assets::get("index.html") {
        Some(index) => {
            let response =
                ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], ());
            with_security_headers(encoded("index.html", "text/html", index.data, &headers, response).await)
        }
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

/// A content coding of the embedded files.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Coding {
    Brotli,
    Gzip,
}

/// Embedded files in the codings asked for so far, each made once (the first request of a file
/// and coding makes it, the ones arriving meanwhile wait for that): the files cannot change while
/// the process runs, so brotli's best quality (about 0.26 s for the app's main script, 14 % smaller
/// than the compression layer's quality 4) is spent once instead of a coding per page load.
type Encoded = Arc<tokio::sync::OnceCell<Bytes>>;
static ENCODED: LazyLock<Mutex<HashMap<(String, Coding), Encoded>>> = LazyLock::new(Default::default);

/// Smaller files are not worth a coding; images and fonts are compressed already.
const MIN_ENCODED_BYTES: usize = 1024;

/// The coding to answer in (RFC 9110 §12.5.3): the one with the highest q of brotli and gzip,
/// brotli when they are equal; a q of 0 refuses.
fn accepted(headers: &HeaderMap) -> Option<Coding> {
    let mut best: Option<(f32, Coding)> = None;
    for item in
        headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','))
    {
        let mut parts = item.split(';');
        let coding = match parts.next().unwrap_or("").trim().to_ascii_lowercase().as_str() {
            "br" => Coding::Brotli,
            "gzip" | "x-gzip" => Coding::Gzip,
            _ => continue,
        };
        let q = parts
            .filter_map(|p| {
                let (name, value) = p.split_once('=')?;
                name.trim().eq_ignore_ascii_case("q").then(|| value.trim().parse::<f32>().ok()).flatten()
            })
            .next()
            .unwrap_or(1.0);
        let better = match best {
            None => true,
            Some((b, c)) => q > b || (q == b && coding == Coding::Brotli && c == Coding::Gzip),
        };
        if q > 0.0 && better {
            best = Some((q, coding));
        }
    }
    best.map(|(_, c)| c)
}

fn compressible(mime: &str) -> bool {
    mime.starts_with("text/")
        || matches!(mime, "application/javascript" | "application/json" | "application/manifest+json" | "image/svg+xml")
}

fn encode(data: &[u8], coding: Coding) -> std::io::Result<Vec<u8>> {
    match coding {
        Coding::Brotli => {
            let mut out = Vec::with_capacity(data.len() / 3);
            {
                let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
                w.write_all(data)?;
            }
            Ok(out)
        }
        Coding::Gzip => {
            let mut w = flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), flate2::Compression::best());
            w.write_all(data)?;
            w.finish()
        }
    }
}

/// The file as `response`'s body, in the best coding the client accepts, made once per file and
/// coding (off the request threads) and then answered from memory; the compression layer leaves
/// an answer that has a Content-Encoding alone.
async fn encoded(
    path: &str,
    mime: &str,
    data: Cow<'static, [u8]>,
    headers: &HeaderMap,
    response: impl IntoResponseParts + Send,
) -> Response {
    if !compressible(mime) || data.len() < MIN_ENCODED_BYTES {
        return (response, data).into_response();
    }
    // A cache between here and the browser keeps one copy per coding.
    let vary = [(header::VARY, HeaderValue::from_static("accept-encoding"))];
    let Some(coding) = accepted(headers) else { return (response, vary, data).into_response() };
    // Only a file's own name is a key: `a/./b.js` and the like find the same file on disk in
    // debug builds, and must not each cost a coding and memory.
    if path.split('/').any(|segment| segment.is_empty() || segment == "." || segment == "..") {
        return (response, vary, data).into_response();
    }
    let cell =
        ENCODED.lock().unwrap_or_else(PoisonError::into_inner).entry((path.to_string(), coding)).or_default().clone();
    let made = cell
        .get_or_try_init(|| {
            let raw = data.clone();
            async move {
                match tokio::task::spawn_blocking(move || encode(&raw, coding)).await {
                    Ok(Ok(body)) => Ok(Bytes::from(body)),
                    _ => Err(()),
                }
            }
        })
        .await;
    let Ok(body) = made.cloned() else { return (response, vary, data).into_response() };
    let name = match coding {
        Coding::Brotli => "br",
        Coding::Gzip => "gzip",
    };
    (response, vary, [(header::CONTENT_ENCODING, HeaderValue::from_static(name))], body).into_response()
}

fn with_security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
