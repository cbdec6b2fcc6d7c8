//! The axum router: Leptos pages and server functions, the JSON API, live
//! stock events, static files from the site folder, and 404s — JSON under
//! `/api`, a server-rendered page elsewhere.

use crate::app::{shell, App};
use crate::server::auth::Auth;
use crate::server::json_api::{self, ApiError};
use crate::server::stock_events;
use axum::{
    handler::HandlerWithoutStateExt,
    http::{Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::any,
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::services::ServeDir;

/// The whole site: pages, server functions, the JSON API, static files and 404s.
pub fn router(leptos_options: LeptosOptions, auth: Arc<Auth>) -> Router {
    let api = json_api::router(auth.clone());
    let shop = auth.shop().clone();
    let live_stock = stock_events::router(shop.clone());
    let page_context = move || {
        provide_context(shop.clone());
        provide_context(auth.clone());
    };
    let app_shell = {
        let options = leptos_options.clone();
        move || shell(options.clone())
    };
    let not_found_page = leptos_axum::render_app_to_stream_in_order_with_context(
        page_context.clone(),
        app_shell.clone(),
    );
    // Files first (`/pkg/…`, `/favicon.svg`), brotli or gzip when the release
    // build made them (`--precompress`) and the browser takes them; any other
    // path gets the 404 page, whose status ServeDir sets to 404.
    let static_files = ServeDir::new(&*leptos_options.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .not_found_service(not_found_page.into_service());

    let app = Router::new()
        .leptos_routes_with_context(
            &leptos_options,
            generate_route_list(App),
            page_context,
            app_shell,
        )
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback_service(static_files)
        .with_state(leptos_options)
        .merge(api)
        .merge(live_stock);
    super::layers::with_layers(app)
}

/// Unknown `/api` paths answer JSON, as every API error does.
async fn api_not_found(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("there is no API endpoint at {}", uri.path()),
    )
}

/// A known path asked with the wrong method: JSON under `/api`, text elsewhere.
pub(crate) async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let message = format!("{method} is not allowed on {}", uri.path());
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, message).into_response()
    } else {
        (StatusCode::METHOD_NOT_ALLOWED, message).into_response()
    }
}
