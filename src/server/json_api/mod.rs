//! The JSON API for scripts, load tools and other front ends, shaped like
//! the system tiket replaces (`/api/stages`, `/api/my-tickets`,
//! `/api/buy-tickets`, errors as `{"error": "..."}`) and made safe: fans sign
//! in, see only their own tickets, and retry buys without buying twice.
//!
//! The routes are registered through `utoipa-axum`, so the OpenAPI document
//! at `/api/openapi.json` is made from the very handlers that answer.
//!
//! - [`tickets`]: stages, my tickets, buying;
//! - [`accounts`]: register, login, logout;
//! - [`caller`]: who a request comes from;
//! - [`views`]: the request and answer bodies;
//! - [`error`]: the one error type, and JSON bodies whose every rejection is one.

pub mod accounts;
pub mod caller;
pub mod error;
pub mod tickets;
pub mod views;

pub use caller::Caller;
pub use error::{ApiError, ErrorBody, JsonBody};

use crate::server::auth::Auth;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Query, State};
use axum::http::{header, HeaderName, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use tower_http::cors::{Any, CorsLayer};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};
use views::Health;

/// The largest request body the API reads; its bodies are a few dozen bytes.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// What the API's handlers share.
#[derive(Clone)]
pub struct ApiState {
    pub auth: Arc<Auth>,
}

/// A query string whose rejection is an [`ApiError`].
#[derive(FromRequestParts)]
#[from_request(via(Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tiket",
        description = "A ticket shop for VTuber concerts, built to survive the rush. Every error answers `{\"error\": \"<sentence>\"}`."
    ),
    tags(
        (name = "tickets", description = "Stages, buying, and a fan's own tickets"),
        (name = "accounts", description = "Signing up, in and out"),
        (name = "operators", description = "For whoever runs the server"),
    ),
    modifiers(&SessionSchemes),
)]
struct ApiDoc;

/// The two ways to send a session: a bearer token or the session cookie.
struct SessionSchemes;

impl utoipa::Modify for SessionSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::server::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The API's routes and the OpenAPI document describing exactly them.
fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(tickets::stages))
        .routes(routes!(tickets::my_tickets))
        .routes(routes!(tickets::buy_tickets))
        .routes(routes!(accounts::register))
        .routes(routes!(accounts::login))
        .routes(routes!(accounts::logout))
        .routes(routes!(healthz))
}

/// The OpenAPI document of the JSON API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The JSON API, `/api/openapi.json` and `/healthz`.
pub fn router(auth: Arc<Auth>) -> Router {
    let (api, document) = routes().split_for_parts();
    let document = Arc::new(document);
    api.route(
        "/api/openapi.json",
        get(move || async move { Json(document.as_ref().clone()) }),
    )
    // Before the layers, which wrap it too (a preflight must reach the CORS layer).
    .method_not_allowed_fallback(crate::server::router::method_not_allowed)
    .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
    .layer(cross_origin())
    .with_state(ApiState { auth })
}

/// Other sites' pages may call the API from the browser, with a bearer
/// token. Credentials (the cookie) are never allowed across origins, so
/// another site cannot act as a signed-in fan.
fn cross_origin() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            tickets::IDEMPOTENCY_KEY,
        ])
        .expose_headers([
            header::RETRY_AFTER,
            header::WWW_AUTHENTICATE,
            tickets::IDEMPOTENT_REPLAYED,
            HeaderName::from_static("x-request-id"),
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// Whether the shop can still sell: 503 once a sale could not be saved.
#[utoipa::path(get, path = "/healthz", tag = "operators",
    responses(
        (status = 200, description = "Serving and saving", body = Health),
        (status = 503, description = "A write to disk failed; the shop sells nothing more", body = Health),
    ))]
pub async fn healthz(State(state): State<ApiState>) -> impl IntoResponse {
    let shop = state.auth.shop();
    let tickets_sold = shop
        .listing()
        .stages
        .iter()
        .map(|listing| listing.stage.total_stock - listing.remaining)
        .sum();
    let (status, text) = match shop.is_saving() {
        true => (StatusCode::OK, "ok"),
        false => (StatusCode::SERVICE_UNAVAILABLE, "failing"),
    };
    (
        status,
        Json(Health {
            status: text,
            tickets_sold,
        }),
    )
}
