//! The router in-process, without sockets or a browser: pages, the server
//! function behind `/`, and 404s in HTML and in JSON.
#![cfg(feature = "ssr")]

use axum::{
    body::{to_bytes, Body},
    http::{header, Method, Request, StatusCode},
    Router,
};
use leptos::config::LeptosOptions;
use std::sync::Arc;
use tiket::{domain::Festival, server::router::router, shop::Shop, store::JsonStore};
use tower::ServiceExt;

/// A router over a fresh data folder (kept alive by the returned guard).
fn app() -> (Router, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let shop = Shop::open(JsonStore::open(data.path()).unwrap(), Festival::reference).unwrap();
    let options = LeptosOptions::builder().output_name("tiket").site_root("target/site").build();
    (router(options, Arc::new(shop)), data)
}

async fn send(app: &Router, method: Method, uri: &str) -> (StatusCode, String, String) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, content_type, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn the_stage_list_is_rendered_on_the_server() {
    let (app, _data) = app();
    let (status, content_type, html) = send(&app, Method::GET, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    for text in ["hololive 5th fes. Capture the Moment", "Stage 1", "Stage 2", "Honeyworks Stage", "Stage 3", "¥7,950", "40 of 40 tickets left"] {
        assert!(html.contains(text), "the page should contain {text:?}");
    }
}

#[tokio::test]
async fn the_server_function_answers_the_listing_in_json() {
    let (app, _data) = app();
    let (status, content_type, body) = send(&app, Method::POST, "/api/fn/list_stages").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let listing: tiket::domain::inventory::FestivalListing = serde_json::from_str(&body).unwrap();
    assert_eq!(listing.stages.len(), 4);
    assert!(listing.stages.iter().all(|s| s.remaining == s.stage.total_stock));
}

#[tokio::test]
async fn unknown_pages_get_the_404_page_whatever_the_method() {
    let (app, _data) = app();
    for (method, uri) in [(Method::GET, "/no-such-page"), (Method::POST, "/no-such-page"), (Method::GET, "/pkg/none.js")] {
        let (status, content_type, html) = send(&app, method.clone(), uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {uri}");
        assert!(content_type.starts_with("text/html"), "{method} {uri}: {content_type}");
        assert!(html.contains("This page is not on the programme"), "{method} {uri}");
    }
}

#[tokio::test]
async fn unknown_api_paths_get_json_404s() {
    let (app, _data) = app();
    for (method, uri) in [(Method::GET, "/api"), (Method::POST, "/api/buy"), (Method::DELETE, "/api/fn/nothing")] {
        let (status, content_type, body) = send(&app, method.clone(), uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {uri}");
        assert!(content_type.starts_with("application/json"), "{method} {uri}: {content_type}");
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["error"], format!("there is no API endpoint at {uri}"));
    }
}
