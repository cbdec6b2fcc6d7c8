//! The door's routes for third-party scanners (`/api/door/…`, tag `door`):
//! redeem a code (`Shop::redeem`, the same door the door page uses), read
//! the admissions on from a position, and fetch what an offline door needs.
//! Every route takes a [`DoorCaller`]: door staff or an organiser.

use super::caller::DoorCaller;
use super::door_views::{
    CheckInView, CheckInsPage, CheckInsQuery, DoorKitView, RedeemBody, RedemptionView,
};
use super::festivals::path_slug;
use super::views::FestivalPath;
use super::{ApiError, ApiPath, ApiQuery, ErrorBody, JsonBody};
use crate::domain::{ScanId, StageId};
use crate::shop::door::Redeem;
use crate::shop::{Shop, ShopError};
use axum::extract::State;
use axum::Json;
use std::sync::Arc;

/// Lets a ticket's holder in, once. Two gates scanning one ticket at once:
/// one is `admitted`, the other `already_admitted` with the first
/// admission. The same `scan_id` sent again gets the first answer and keeps
/// nothing new. Answers 200 whatever the door says (`result`); only a scan
/// that cannot be answered is refused.
#[utoipa::path(post, path = "/api/door/redeem", tag = "door",
    request_body = RedeemBody,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The door's answer", body = RedemptionView),
        (status = 409, description = "This scan id was used for another ticket's scan", body = ErrorBody,
            example = json!({"error": "This scan id was already used for another ticket; use a new id for each scan."})),
        (status = 404, description = "A stage in `stages` does not exist", body = ErrorBody,
            example = json!({"error": "There is no stage 99."})),
        (status = 422, description = "A field breaks its rule: the gate's name, the scan id, the code's length, more than 64 stages, a time more than 5 minutes ahead or 7 days behind the server's", body = ErrorBody,
            example = json!({"error": "The scan's time is in the future: check the device's clock."})),
    ))]
pub async fn redeem(
    State(shop): State<Arc<Shop>>,
    door: DoorCaller,
    JsonBody(body): JsonBody<RedeemBody>,
) -> Result<Json<RedemptionView>, ApiError> {
    let scan = ScanId::new(body.scan_id).map_err(|e| ShopError::Door(e.into()))?;
    let redemption = shop
        .redeem(Redeem {
            code: body.code,
            gate: body.gate,
            scan,
            stages: body
                .stages
                .map(|stages| stages.into_iter().map(StageId).collect()),
            at: body.at,
            force: body.force,
            by: door.0.name,
        })
        .await?;
    let catalogue = shop.catalogue();
    Ok(Json(RedemptionView::new(&redemption, |ticket| {
        catalogue
            .stage(ticket.stage)
            .map(|(_, stage)| stage.name.clone())
            .unwrap_or_default()
    })))
}

/// The admissions, oldest first, after a position: a scanner or a
/// dashboard reads on from the `next_after` it got last.
#[utoipa::path(get, path = "/api/door/check-ins", tag = "door",
    params(CheckInsQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of admissions", body = CheckInsPage),
        (status = 400, description = "A query parameter cannot be read", body = ErrorBody,
            example = json!({"error": "the query string does not fit: invalid digit found in string"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
    ))]
pub async fn check_ins(
    State(shop): State<Arc<Shop>>,
    _door: DoorCaller,
    ApiQuery(query): ApiQuery<CheckInsQuery>,
) -> Result<Json<CheckInsPage>, ApiError> {
    let festival = query.festival.as_deref().map(path_slug).transpose()?;
    let limit = query.limit.unwrap_or(100).clamp(1, 1000) as usize;
    let found = shop.check_ins(query.after, limit, festival.as_ref())?;
    let next_after = found.last().map(|(p, _)| *p).or(query.after);
    Ok(Json(CheckInsPage {
        check_ins: found.iter().map(|(p, c)| CheckInView::new(*p, c)).collect(),
        next_after,
    }))
}

/// What an offline door needs to check the festival's signed tickets by
/// itself: the public key, how passes are made, the stages and the tickets
/// whose codes no longer admit. Fetch it again before going offline.
#[utoipa::path(get, path = "/api/door/festivals/{slug}/kit", tag = "door",
    params(FestivalPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The festival's door kit", body = DoorKitView),
        (status = 400, description = "The address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
    ))]
pub async fn kit(
    State(shop): State<Arc<Shop>>,
    _door: DoorCaller,
    ApiPath(path): ApiPath<FestivalPath>,
) -> Result<Json<DoorKitView>, ApiError> {
    let slug = path_slug(&path.slug)?;
    let kit = shop.door_kit(&slug).await?;
    Ok(Json(DoorKitView::from(&kit)))
}
