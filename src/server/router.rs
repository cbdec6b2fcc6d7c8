//! The axum router: Leptos pages and server functions, static files, and
//! 404s — an HTML page for browsers, JSON under `/api`.

use crate::app::{shell, App};
use crate::shop::Shop;
use axum::{
    body::Body,
    extract::{FromRef, State},
    http::{Request, StatusCode, Uri},
    response::{IntoResponse, Response},
    Json, Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub shop: Arc<Shop>,
}

/// The whole site: pages, server functions, static files and fallbacks.
pub fn router(leptos_options: LeptosOptions, shop: Arc<Shop>) -> Router {
    let state = AppState { leptos_options, shop };
    let routes = generate_route_list(App);
    let page_context = {
        let shop = state.shop.clone();
        move || provide_context(shop.clone())
    };
    let pages_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    Router::new()
        .leptos_routes_with_context(&state, routes, page_context, pages_shell)
        .fallback(fallback)
        .with_state(state)
}

/// Unknown `/api` paths answer JSON; anything else is a static file or the
/// server-rendered 404 page.
async fn fallback(State(state): State<AppState>, uri: Uri, request: Request<Body>) -> Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        let message = format!("there is no API endpoint at {}", uri.path());
        return (StatusCode::NOT_FOUND, Json(serde_json::json!({ "error": message }))).into_response();
    }
    let shop = state.shop.clone();
    let files_and_pages =
        leptos_axum::file_and_error_handler_with_context(move || provide_context(shop.clone()), shell);
    files_and_pages(uri, State(state), request).await
}
