//! The JSON API for scripts, load tools and other front ends, shaped like
//! the system tiket replaces (`/api/stages`, `/api/my-tickets`,
//! `/api/buy-tickets`, errors as `{"error": "..."}`) and made safe: fans sign
//! in, see only their own tickets, and retry buys without buying twice.
//!
//! The routes are registered through `utoipa-axum`, so the OpenAPI document
//! at `/api/openapi.json` is made from the very handlers that answer.
//!
//! - [`tickets`]: stages, my tickets, buying;
//! - [`festivals`]: the published festivals and their stages;
//! - [`accounts`]: register, login, logout;
//! - [`organiser`], [`festival_editor`], [`exports`]: the organisers'
//!   routes (`/api/organiser/…`, tag `organiser`): the second factor and
//!   staff, the festival editor, sales, search and CSV exports
//!   ([`csv_export`] writes the CSV);
//! - [`door`]: the door's routes for scanners (`/api/door/…`, tag `door`):
//!   redeem, read admissions on, an offline door's kit ([`door_views`]);
//! - [`caller`]: who a request comes from (a fan, an organiser, door staff);
//! - [`views`], [`organiser_views`]: the request and answer bodies;
//! - [`rules`]: what their fields must be, as JSON Schema, from the domain's constants;
//! - [`links`]: how one operation's answer feeds the next (OpenAPI links);
//! - [`error`]: the one error type, and JSON bodies whose every rejection is one.
//!
//! Handlers take what they need from the [`AppState`] (`State<Arc<Shop>>`,
//! `State<Arc<Auth>>`). Refusals come from the one refusal table
//! ([`crate::refusal`]); the error answers every operation of a kind shares
//! (400, 401, 403, 413, 415, 422, 500, 503) are declared once, by
//! `CommonErrors`.

pub mod accounts;
pub mod caller;
pub mod csv_export;
pub mod door;
pub mod door_views;
pub mod error;
pub mod exports;
pub mod festival_editor;
pub mod festivals;
pub mod links;
pub mod organiser;
pub mod organiser_views;
pub mod rules;
pub mod tickets;
pub mod views;

pub use caller::Caller;
pub use error::{ApiError, ErrorBody, JsonBody};

use crate::server::fallbacks::method_not_allowed;
use crate::server::layers::API_BODY_LIMIT;
use crate::server::state::AppState;
use crate::shop::Shop;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::{header, HeaderName, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use tower_http::cors::{Any, CorsLayer};
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Ref, ResponseBuilder};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};
use views::{Health, HealthStatus};

/// A path's parameters, whose rejection is an [`ApiError`] (400).
#[derive(FromRequestParts)]
#[from_request(via(Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

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
        (name = "festivals", description = "The published festivals and their stages"),
        (name = "accounts", description = "Signing up, in and out"),
        (name = "organiser", description = "For organisers: an account with the organiser role whose session has passed the second factor (the second factor's own routes excepted). Stage times are wall-clock times in the festival's zone (`2027-03-20T10:00`)"),
        (name = "door", description = "For door staff (the door role) and organisers (whose session has passed the second factor): letting ticket holders in, once"),
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

/// The error answers every operation of a kind shares, declared once, each
/// with an example in the server's own words: any operation may answer 500
/// (a bug) and 503 (no answer within the timeout); any that reads a JSON
/// body, 400, 413, 415 and 422; any that needs a session, 401, and if it
/// changes something, 403 (the session cookie sent from another site). Each
/// handler declares only its own, which win.
struct CommonErrors;

impl utoipa::Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use crate::messages::{sentence, Lang, Message};
        let said = |description: &str, sentence: &str| {
            let example = serde_json::json!({ "error": sentence });
            ResponseBuilder::new().description(description).content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .example(Some(example))
                    .build(),
            )
        };
        let error = |description: &str, message: Message| {
            said(description, &sentence(&message, Lang::default()))
        };
        let add = |operation: &mut Operation, status: &str, response: ResponseBuilder| {
            let responses = &mut operation.responses.responses;
            if !responses.contains_key(status) {
                responses.insert(status.to_owned(), response.build().into());
            }
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                (&mut item.get, false),
                (&mut item.post, true),
                (&mut item.put, true),
                (&mut item.patch, true),
                (&mut item.delete, true),
            ];
            for (operation, changes) in operations {
                let Some(operation) = operation else { continue };
                let for_organisers = operation
                    .tags
                    .as_ref()
                    .is_some_and(|tags| tags.iter().any(|tag| tag == "organiser"));
                let for_doors = operation
                    .tags
                    .as_ref()
                    .is_some_and(|tags| tags.iter().any(|tag| tag == "door"));
                if for_doors {
                    add(
                        operation,
                        "403",
                        error(
                            "Neither door staff nor an organiser (an organiser's session must have passed the second factor; or the session cookie sent from another site)",
                            Message::NotStaff {
                                role: crate::domain::Role::Door,
                            },
                        ),
                    );
                }
                if for_organisers {
                    add(
                        operation,
                        "403",
                        error(
                            "Not an organiser, or an organiser whose session has not passed the second factor yet (or the session cookie sent from another site)",
                            Message::NotStaff {
                                role: crate::domain::Role::Organiser,
                            },
                        ),
                    );
                }
                if operation.request_body.is_some() {
                    add(
                        operation,
                        "400",
                        error(
                            "The body is not valid JSON, or is empty",
                            Message::EmptyBody,
                        ),
                    );
                    add(
                        operation,
                        "413",
                        error(
                            "The body is too large",
                            Message::BodyTooLarge {
                                limit_bytes: API_BODY_LIMIT,
                            },
                        ),
                    );
                    add(
                        operation,
                        "415",
                        error("The body is not sent as JSON", Message::NotJson),
                    );
                    add(
                        operation,
                        "422",
                        error(
                            "The body is JSON but not this operation's: a field is missing, unknown or of the wrong kind, or it is not an object",
                            Message::BodyDoesNotFit {
                                detail: "missing field `password` at line 1 column 22".into(),
                            },
                        ),
                    );
                }
                if operation.security.is_some() {
                    let www_authenticate = utoipa::openapi::HeaderBuilder::new()
                        .schema(
                            utoipa::openapi::ObjectBuilder::new()
                                .schema_type(utoipa::openapi::schema::Type::String),
                        )
                        .description(Some("`Bearer realm=\"tiket\"`"))
                        .build();
                    add(
                        operation,
                        "401",
                        error(
                            "Not signed in, or the session is unknown, signed out or expired",
                            Message::NotSignedIn,
                        )
                        .header("WWW-Authenticate", www_authenticate),
                    );
                    if changes {
                        add(
                            operation,
                            "403",
                            said(
                                "Sent with the session cookie from a page of another site (a bearer token is never refused so)",
                                "this request came from another site; sign in on tiket's own pages, or send a bearer token",
                            ),
                        );
                    }
                }
                add(
                    operation,
                    "500",
                    error(
                        "The server failed to answer (a bug; it is logged)",
                        Message::Failed,
                    ),
                );
                add(
                    operation,
                    "503",
                    error(
                        "No answer within the server's time limit; try again",
                        Message::NoAnswerInTime {
                            limit: crate::server::layers::REQUEST_TIMEOUT,
                        },
                    ),
                );
            }
        }
    }
}

/// The API's routes and the OpenAPI document describing exactly them.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(tickets::stages))
        .routes(routes!(tickets::my_tickets))
        .routes(routes!(tickets::buy_tickets))
        .routes(routes!(festivals::festivals))
        .routes(routes!(festivals::festival_stages))
        .routes(routes!(organiser::pass_second_factor))
        .routes(routes!(organiser::set_up_second_factor))
        .routes(routes!(organiser::confirm_second_factor))
        .routes(routes!(organiser::staff))
        .routes(routes!(organiser::grant_role))
        .routes(routes!(organiser::revoke_role))
        .routes(routes!(
            festival_editor::all_festivals,
            festival_editor::create_festival
        ))
        .routes(routes!(
            festival_editor::festival,
            festival_editor::describe_festival
        ))
        .routes(routes!(festival_editor::set_state))
        .routes(routes!(festival_editor::make_default))
        .routes(routes!(festival_editor::history))
        .routes(routes!(festival_editor::add_stage))
        .routes(routes!(
            festival_editor::save_stage,
            festival_editor::remove_stage
        ))
        .routes(routes!(festival_editor::order_stages))
        .routes(routes!(exports::sales))
        .routes(routes!(exports::search_tickets))
        .routes(routes!(exports::tickets_csv))
        .routes(routes!(exports::tickets_legacy_csv))
        .routes(routes!(door::redeem))
        .routes(routes!(door::check_ins))
        .routes(routes!(door::kit))
        .routes(routes!(accounts::register))
        .routes(routes!(accounts::login))
        .routes(routes!(accounts::logout))
        .routes(routes!(healthz))
}

/// The API's routes and their finished OpenAPI document.
fn routes_and_document() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (api, mut document) = api_routes().split_for_parts();
    // Modifiers run before the routes add their operations; run these after.
    utoipa::Modify::modify(&CommonErrors, &mut document);
    utoipa::Modify::modify(&links::Links, &mut document);
    utoipa::Modify::modify(&PathPartsRequired, &mut document);
    (api, document)
}

/// Every path parameter is required, as OpenAPI demands (a parameter whose
/// schema comes from `rules` is otherwise written as optional).
struct PathPartsRequired;

impl utoipa::Modify for PathPartsRequired {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::Required;
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                for parameter in operation.parameters.iter_mut().flatten() {
                    if parameter.parameter_in == ParameterIn::Path {
                        parameter.required = Required::True;
                    }
                }
            }
        }
    }
}

/// The OpenAPI document of the JSON API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes_and_document().1
}

/// The JSON API, `/api/openapi.json` and `/healthz`.
pub fn routes() -> Router<AppState> {
    let (api, document) = routes_and_document();
    let document = Arc::new(document);
    api.route(
        "/api/openapi.json",
        get(move || async move { Json(document.as_ref().clone()) }),
    )
    // Before the layers, which wrap it too (a preflight must reach the CORS layer).
    .method_not_allowed_fallback(method_not_allowed)
    .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
    .layer(cross_origin())
}

/// Other sites' pages may call the API from the browser, with a bearer
/// token. Credentials (the cookie) are never allowed across origins, so
/// another site cannot act as a signed-in fan.
fn cross_origin() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
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

/// Whether the shop can still sell: 503 "failing" once a sale could not be
/// saved (it decides nothing more until restarted); 200 "degraded" while a
/// flush to disk has been running for over a second (slow but honest: keep
/// sending it buyers); 200 "ok" otherwise.
#[utoipa::path(get, path = "/healthz", tag = "operators",
    responses(
        (status = 200, description = "Serving and saving (`ok`), or saving slowly (`degraded`)", body = Health),
        (status = 503, description = "A write to disk failed; the shop sells nothing more until restarted", body = Health),
    ))]
pub async fn healthz(State(shop): State<Arc<Shop>>) -> impl IntoResponse {
    let tickets_sold = shop.tickets_sold();
    let (code, status) = match shop.health() {
        crate::shop::Health::Ok => (StatusCode::OK, HealthStatus::Ok),
        crate::shop::Health::Degraded => (StatusCode::OK, HealthStatus::Degraded),
        crate::shop::Health::Failing => (StatusCode::SERVICE_UNAVAILABLE, HealthStatus::Failing),
    };
    (
        code,
        Json(Health {
            status,
            tickets_sold,
        }),
    )
}

#[cfg(test)]
mod tests {
    /// The path the timeout leaves alone for buys is the API's real buy route.
    #[test]
    fn the_buy_route_is_the_one_the_timeout_leaves_alone() {
        let document = super::openapi();
        assert!(document.paths.paths.contains_key(crate::routes::API_BUY));
        let path_parts_optional: Vec<String> = document
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                [&item.get, &item.post, &item.put, &item.patch, &item.delete]
                    .into_iter()
                    .flatten()
                    .flat_map(|operation| operation.parameters.iter().flatten())
                    .filter(|p| {
                        p.parameter_in == utoipa::openapi::path::ParameterIn::Path
                            && p.required != utoipa::openapi::Required::True
                    })
                    .map(move |p| format!("{path}: {}", p.name))
            })
            .collect();
        assert!(path_parts_optional.is_empty(), "{path_parts_optional:?}");
        let mut ids: Vec<&str> = document
            .paths
            .paths
            .values()
            .flat_map(|item| {
                [&item.get, &item.post, &item.put, &item.patch, &item.delete]
                    .into_iter()
                    .flatten()
                    .filter_map(|operation| operation.operation_id.as_deref())
            })
            .collect();
        let all = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all, "every operation id is unique");
    }
}
