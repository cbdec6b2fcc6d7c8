//! What organisers read of the sales: a festival's dashboard as JSON, the
//! orders desk's search, and the tickets as CSV, streamed page by page from
//! [`Shop::tickets_page`] (never the whole file at once, never the shop's
//! lock for long) in tiket's own shape and in the replaced system's.

use super::caller::OrganiserCaller;
use super::csv_export;
use super::festival_editor::FestivalPath;
use super::festivals::{path_slug, unknown_festival};
use super::organiser_views::{OrganiserTicketView, SalesView, SearchQuery};
use super::{ApiError, ApiPath, ApiQuery, ErrorBody};
use crate::domain::{Slug, StageId, Ticket};
use crate::shop::Shop;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::collections::HashMap;
use std::sync::Arc;

/// Tickets written per chunk of an export.
const PAGE: usize = 1_000;

/// A festival's sales now: per stage and in all, the last hour minute by
/// minute, the newest tickets.
#[utoipa::path(get, path = "/api/organiser/festivals/{slug}/sales", tag = "organiser",
    params(FestivalPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The festival's sales", body = SalesView),
        (status = 400, description = "The address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
    ))]
pub async fn sales(
    State(shop): State<Arc<Shop>>,
    _organiser: OrganiserCaller,
    ApiPath(path): ApiPath<FestivalPath>,
) -> Result<Json<SalesView>, ApiError> {
    let slug = path_slug(&path.slug)?;
    let summary = shop
        .sales_summary(&slug)
        .ok_or_else(|| unknown_festival(&slug))?;
    Ok(Json(SalesView::from(&summary)))
}

/// Tickets found by a ticket code (with or without its dash, any case) or a
/// fan's name (exactly, else any name containing it, ignoring case), oldest
/// first, at most 200.
#[utoipa::path(get, path = "/api/organiser/tickets", tag = "organiser",
    params(SearchQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The tickets found (none for a blank query)", body = [OrganiserTicketView]),
        (status = 400, description = "`q` is repeated, or joined by another parameter", body = ErrorBody,
            example = json!({"error": "the query string does not fit: duplicate field `q`"})),
        (status = 422, description = "`q` is empty (only spaces find nothing)", body = ErrorBody,
            example = json!({"error": "type a fan's name or a ticket code to search"})),
    ))]
pub async fn search_tickets(
    State(shop): State<Arc<Shop>>,
    _organiser: OrganiserCaller,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<OrganiserTicketView>>, ApiError> {
    // No `q`: nothing asked, nothing found.
    let Some(q) = query.q else {
        return Ok(Json(Vec::new()));
    };
    if q.is_empty() {
        let refusal = crate::refusal::Refusal::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            crate::messages::Message::BadSearch,
        );
        return Err(refusal.into());
    }
    let found = shop.search_tickets(&q);
    Ok(Json(found.iter().map(OrganiserTicketView::from).collect()))
}

/// The festival's tickets as CSV, in the order they were sold: UTF-8 with a
/// byte-order mark, a header, one row per ticket (`code, stage_id,
/// stage_name, username, price_paid, bought_at, status`; times RFC 3339,
/// prices in yen, status `valid`). Streamed as it is written.
#[utoipa::path(get, path = "/api/organiser/festivals/{slug}/tickets.csv", tag = "organiser",
    params(FestivalPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The tickets, as CSV", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"<slug>-tickets.csv\"`")),
            example = "\u{feff}code,stage_id,stage_name,username,price_paid,bought_at,status\nK7QX-M2PA,1,Stage 1,pekora,7950,2026-11-01T12:00:02+09:00,valid\n"),
        (status = 400, description = "The address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
    ))]
pub async fn tickets_csv(
    State(shop): State<Arc<Shop>>,
    _organiser: OrganiserCaller,
    ApiPath(path): ApiPath<FestivalPath>,
) -> Result<Response, ApiError> {
    let slug = path_slug(&path.slug)?;
    let festival = shop
        .festival(&slug)
        .ok_or_else(|| unknown_festival(&slug))?;
    let names: HashMap<StageId, String> = festival
        .stages
        .iter()
        .map(|s| (s.stage.id, s.stage.name.clone()))
        .collect();
    let stages = names.keys().copied().collect();
    let body = streamed(shop, stages, csv_export::start(), move |page| {
        csv_export::rows(page, &names)
    });
    Ok(csv_answer(&slug, "tickets", body))
}

/// The festival's tickets in the replaced system's `tickets.csv` shape
/// (`ticket_id,stage_id,timestamp,username`, times as UTC wall-clock times,
/// no byte-order mark), which `tiket import` reads back (with the stages
/// as its `stages.json`). Streamed as it is written.
#[utoipa::path(get, path = "/api/organiser/festivals/{slug}/tickets-legacy.csv", tag = "organiser",
    params(FestivalPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The tickets, as the replaced system's CSV", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"<slug>-tickets-legacy.csv\"`")),
            example = "ticket_id,stage_id,timestamp,username\n0b6d3c6e-8f0a-4c1e-9a51-2f7e4d3b9c10,1,2026-11-01T03:00:02.465795,pekora\n"),
        (status = 400, description = "The address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
    ))]
pub async fn tickets_legacy_csv(
    State(shop): State<Arc<Shop>>,
    _organiser: OrganiserCaller,
    ApiPath(path): ApiPath<FestivalPath>,
) -> Result<Response, ApiError> {
    let slug = path_slug(&path.slug)?;
    let festival = shop
        .festival(&slug)
        .ok_or_else(|| unknown_festival(&slug))?;
    let stages = festival.stages.iter().map(|s| s.stage.id).collect();
    let body = streamed(shop, stages, csv_export::legacy_start(), |page| {
        csv_export::legacy_rows(page)
    });
    Ok(csv_answer(&slug, "tickets-legacy", body))
}

fn csv_answer(slug: &Slug, name: &str, body: Body) -> Response {
    let disposition = format!("attachment; filename=\"{slug}-{name}.csv\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// A body that starts with `start`, then writes the stages' tickets a page
/// at a time with `write`, asking the shop for each page only when the
/// client has taken the one before.
fn streamed(
    shop: Arc<Shop>,
    stages: Vec<StageId>,
    start: Vec<u8>,
    write: impl Fn(&[Ticket]) -> Vec<u8> + Send + 'static,
) -> Body {
    // (where the next page starts, or `None` when done; whether the start is sent)
    let state = (Some(0usize), false);
    let pages = futures_util::stream::unfold(state, move |(from, started)| {
        let chunk = match (from, started) {
            (_, false) => Some((Bytes::from(start.clone()), (from, true))),
            (None, true) => None,
            (Some(from), true) => {
                let mut bytes = Vec::new();
                let mut next = Some(from);
                // Pages of other festivals' tickets write nothing: read on.
                while let (Some(at), true) = (next, bytes.is_empty()) {
                    let (page, after) = shop.tickets_page(&stages, at, PAGE);
                    bytes = write(&page);
                    next = after;
                }
                Some((Bytes::from(bytes), (next, true)))
            }
        };
        std::future::ready(
            chunk.map(|(bytes, state)| (Ok::<_, std::convert::Infallible>(bytes), state)),
        )
    });
    // Fused: a compressing layer may ask again after the end, which an
    // `unfold` alone answers with a panic.
    Body::from_stream(futures_util::StreamExt::fuse(pages))
}
