//! The axum router: Leptos pages and server functions, the JSON API, live
//! stock events, static files from the site folder, and 404s — JSON under
//! `/api`, a server-rendered page elsewhere. Built once, at start, over the
//! [`AppState`], then wrapped in the [`layers`](super::layers).

use crate::app::{shell, App};
use crate::domain::StageId;
use crate::server::fallbacks::{api_not_found, method_not_allowed};
use crate::server::state::AppState;
use crate::server::{json_api, layers, stock_events};
use crate::shop::Shop;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::get;
use axum::{handler::HandlerWithoutStateExt, routing::any, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::services::ServeDir;

/// The whole site: pages, server functions, the JSON API, static files and 404s.
pub fn router(state: AppState) -> Router {
    let page_context = {
        let (shop, auth) = (state.shop.clone(), state.auth.clone());
        move || {
            provide_context(shop.clone());
            provide_context(auth.clone());
        }
    };
    let app_shell = {
        let options = state.leptos.clone();
        move || shell(options.clone())
    };
    let not_found_page = leptos_axum::render_app_to_stream_in_order_with_context(
        page_context.clone(),
        app_shell.clone(),
    );
    // Files first (`/pkg/…`, `/favicon.svg`), brotli or gzip when the release
    // build made them (`--precompress`) and the browser takes them; any other
    // path gets the 404 page, whose status ServeDir sets to 404.
    let static_files = ServeDir::new(&*state.leptos.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .not_found_service(not_found_page.into_service());

    let app = Router::new()
        .leptos_routes_with_context(&state, generate_route_list(App), page_context, app_shell)
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .merge(json_api::routes())
        .merge(stock_events::routes())
        .route(crate::routes::OLD_STAGE_PAGE, get(old_stage_page))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback_service(static_files)
        // JSON API errors in the client's `Accept-Language` (`crate::language`).
        .layer(axum::middleware::from_fn(crate::language::in_api_language))
        .with_state(state);
    layers::with_layers(app)
}

/// `/stages/{id}`, where stage pages were before festivals had addresses:
/// sent on for good to the stage's page under its festival (or to the home
/// page, for a stage there is not).
async fn old_stage_page(State(shop): State<Arc<Shop>>, Path(id): Path<String>) -> Redirect {
    let festival = id
        .parse::<u32>()
        .ok()
        .and_then(|id| Some((shop.festival_of_stage(StageId(id))?, id)));
    match festival {
        Some((festival, id)) => Redirect::permanent(&crate::routes::stage_page(&festival.slug, id)),
        None => Redirect::to(crate::routes::HOME),
    }
}
