//! `GET /api/stages`, `GET /api/my-tickets` and `POST /api/buy-tickets`:
//! what is on sale, what a fan holds, and buying — through the same
//! [`Shop::buy`] the pages use.

use super::views::{
    BuyHeaders, BuyRequest, MyTicketView, MyTicketsQuery, PurchaseView, StageView, TicketView,
};
use super::{ApiError, ApiQuery, Caller, ErrorBody, JsonBody};
use crate::domain::{Order, OrderKey, StageId};
use crate::messages::Message;
use crate::refusal::Refusal;
use crate::shop::Shop;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use std::sync::Arc;

/// The header that names an order, so a retry never buys twice.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on an answer repeated for a retried key.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Every stage, with the tickets left.
#[utoipa::path(get, path = "/api/stages", tag = "tickets",
    responses((status = 200, description = "The stages in festival order", body = [StageView],
        example = json!([{"stage_id": 1, "stage_name": "Stage 1", "stage_day": 1,
            "date_open": "2027-03-20T01:00:00Z", "date_start": "2027-03-20T02:30:00Z",
            "ticket_price": 7950, "ticket_stock": 38, "total_stock": 40,
            "sale_opens": "2026-11-01T03:00:00Z", "sale_closes": "2027-03-20T01:00:00Z", "on_sale": true}]))))]
pub async fn stages(State(shop): State<Arc<Shop>>) -> Json<Vec<StageView>> {
    let now = shop.now();
    let listing = shop.listing();
    Json(
        listing
            .stages
            .iter()
            .map(|stage| StageView::new(stage, now))
            .collect(),
    )
}

/// The signed-in fan's tickets, oldest first.
#[utoipa::path(get, path = "/api/my-tickets", tag = "tickets",
    params(MyTicketsQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The caller's tickets, each with the signed pass its QR code holds", body = [MyTicketView],
            example = json!([{"ticket_id": "0b6d3c6e-8f0a-4c1e-9a51-2f7e4d3b9c10", "stage_id": 1,
                "timestamp": "2026-11-01T03:00:02Z", "username": "pekora", "code": "K7QX-M2PA",
                "pass": "AEFW2PDODYFACHRSQKMUF5ET3OHQAAAAAAAAAAJNFYPU6L2QSMD6LMPV6MXRCQ6BFOAAZPWT4YJN4M4W3IVVOZN35QNV2YLL7EZ3D7DGAIWNQTTUVWRUPYGAYRNCI6UAYEZSC4"}])),
        (status = 400, description = "The query string has unknown parameters, or repeats one", body = ErrorBody,
            example = json!({"error": "the query string does not fit: unknown field `user`, expected `username`"})),
        (status = 403, description = "`username` names someone else", body = ErrorBody,
            example = json!({"error": "you are signed in as \"pekora\" and can only act for yourself, not for \"miko\""})),
    ))]
pub async fn my_tickets(
    State(shop): State<Arc<Shop>>,
    caller: Caller,
    ApiQuery(query): ApiQuery<MyTicketsQuery>,
) -> Result<Json<Vec<MyTicketView>>, ApiError> {
    caller.check_is(query.username.as_deref())?;
    let tickets = shop.tickets_of(&caller.fan);
    let passes = shop.passes(&tickets).await?;
    Ok(Json(
        tickets
            .iter()
            .zip(passes)
            .map(|(ticket, pass)| MyTicketView {
                ticket: TicketView::from(ticket),
                pass,
            })
            .collect(),
    ))
}

/// Buys tickets for the signed-in fan. Answered only once the sale is on
/// disk. With an `Idempotency-Key`, sending the same order again returns
/// the first answer (with `Idempotent-Replayed: true`) and buys nothing.
#[utoipa::path(post, path = "/api/buy-tickets", tag = "tickets",
    request_body = BuyRequest,
    params(BuyHeaders),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Bought and saved (or, for a retried key, the first answer again)", body = PurchaseView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this is the first answer to this key, repeated; nothing more was sold")),
            example = json!({"tickets": [
                {"ticket_id": "0b6d3c6e-8f0a-4c1e-9a51-2f7e4d3b9c10", "stage_id": 1, "timestamp": "2026-11-01T03:00:02Z", "username": "pekora", "code": "K7QX-M2PA"},
                {"ticket_id": "5c2a9e17-3b4d-4f8e-a6c1-7d0e2b9f4a38", "stage_id": 1, "timestamp": "2026-11-01T03:00:02Z", "username": "pekora", "code": "P3HV-9WNE"}],
                "total_price": 15900})),
        (status = 400, description = "The body is not JSON or is empty, or the Idempotency-Key header is not acceptable", body = ErrorBody,
            example = json!({"error": "the Idempotency-Key header is not acceptable: an idempotency key is 1 to 128 visible ASCII characters (a UUID is a good choice)"})),
        (status = 403, description = "`username` names someone else", body = ErrorBody,
            example = json!({"error": "you are signed in as \"pekora\" and can only act for yourself, not for \"miko\""})),
        (status = 404, description = "There is no such stage", body = ErrorBody,
            example = json!({"error": "there is no stage 9"})),
        (status = 409, description = "Sold out, not enough left, the fan's limit for the stage reached, or the sale is not open (or already closed)", body = ErrorBody,
            example = json!({"error": "only 1 tickets are left for stage 1; you asked for 2"})),
        (status = 422, description = "A field is missing, unknown or of the wrong kind, the quantity is over the per-order limit of the day, the total cannot be counted, or the key was used for another order", body = ErrorBody,
            example = json!({"error": "one order can hold at most 4 tickets; you asked for 6"})),
        (status = 202, description = "The sale has not reached the disk within 20 s (a stalled disk): its outcome is not known yet. It may still be saved; check my-tickets before buying again, or send the same order with the same Idempotency-Key, which answers its outcome and never buys twice", body = ErrorBody,
            example = json!({"error": "your order is taking longer than usual to be confirmed, so its outcome is not known yet; check your tickets in a minute before buying again (sent again with the same Idempotency-Key, it answers with its outcome and never buys twice)"})),
        (status = 503, description = "The server is shutting down (try again), or a write to disk failed and the shop decides nothing more until restarted (nothing was changed)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again")),
            example = json!({"error": "the shop is closing; try again in a moment"})),
    ))]
pub async fn buy_tickets(
    State(shop): State<Arc<Shop>>,
    caller: Caller,
    headers: HeaderMap,
    JsonBody(request): JsonBody<BuyRequest>,
) -> Result<impl IntoResponse, ApiError> {
    caller.check_is(request.username.as_deref())?;
    let key = idempotency_key(&headers)?;
    let caller_name = caller.fan.as_str().to_owned();
    let order = Order {
        stage: StageId(request.stage_id),
        fan: caller.fan,
        quantity: request.qty,
    };
    let purchase = shop.buy(order, key).await?;
    tracing::info!(
        fan = caller_name,
        stage = request.stage_id,
        tickets = purchase.tickets.len(),
        replayed = purchase.replayed,
        "sold"
    );
    let view = PurchaseView {
        total_price: purchase.total.0,
        tickets: purchase.tickets.iter().map(TicketView::from).collect(),
    };
    let mut response = (StatusCode::CREATED, Json(view)).into_response();
    if purchase.replayed {
        response
            .headers_mut()
            .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The request's `Idempotency-Key`, if it sent one.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<OrderKey>, ApiError> {
    let Some(value) = headers.get(&IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default();
    OrderKey::new(text)
        .map(Some)
        .map_err(|_| Refusal::new(StatusCode::BAD_REQUEST, Message::BadOrderKey).into())
}
