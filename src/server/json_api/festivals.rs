//! `GET /api/festivals` and `GET /api/festivals/{slug}/stages`: the
//! published festivals, and one festival's stages in the shape of
//! `GET /api/stages` (which keeps answering for the festival fans land on).
//! Drafts and archived festivals are not shown: 404, as for no festival.

use super::organiser_views::FestivalSummaryView;
use super::views::{FestivalPath, StageView};
use super::{ApiError, ApiPath, ErrorBody};
use crate::domain::{EditError, FestivalListing, FestivalState, Slug};
use crate::messages::Message;
use crate::refusal::Refusal;
use crate::shop::{Shop, ShopError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use std::sync::Arc;

/// The published festivals, the soonest first (by their first doors).
#[utoipa::path(get, path = "/api/festivals", tag = "festivals",
    responses((status = 200, description = "Published festivals, the soonest first", body = [FestivalSummaryView],
        example = json!([{"slug": "hololive-5th-fes", "name": "hololive 5th fes. Capture the Moment",
            "venue": "Makuhari Messe, Chiba", "time_zone": "Asia/Tokyo", "stage_count": 4,
            "first_doors": "2027-03-20T01:00:00Z"}]))))]
pub async fn festivals(State(shop): State<Arc<Shop>>) -> Json<Vec<FestivalSummaryView>> {
    Json(
        shop.published_festivals()
            .iter()
            .map(FestivalSummaryView::from)
            .collect(),
    )
}

/// A published festival's stages, with the tickets left.
#[utoipa::path(get, path = "/api/festivals/{slug}/stages", tag = "festivals",
    params(FestivalPath),
    responses(
        (status = 200, description = "The festival's stages in festival order", body = [StageView],
            example = json!([{"stage_id": 1, "stage_name": "Stage 1", "stage_day": 1,
                "date_open": "2027-03-20T01:00:00Z", "date_start": "2027-03-20T02:30:00Z",
                "ticket_price": 7950, "ticket_stock": 38, "total_stock": 40,
                "sale_opens": "2026-11-01T03:00:00Z", "sale_closes": "2027-03-20T01:00:00Z", "on_sale": true}])),
        (status = 400, description = "The address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "No published festival has this address name (drafts and archived festivals are not shown)", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
    ))]
pub async fn festival_stages(
    State(shop): State<Arc<Shop>>,
    ApiPath(path): ApiPath<FestivalPath>,
) -> Result<Json<Vec<StageView>>, ApiError> {
    let slug = path_slug(&path.slug)?;
    let festival = shop
        .festival(&slug)
        .filter(|f| f.state == FestivalState::Published)
        .ok_or_else(|| unknown_festival(&slug))?;
    let now = shop.now();
    Ok(Json(stage_views(&festival, now)))
}

fn stage_views(festival: &FestivalListing, now: time::OffsetDateTime) -> Vec<StageView> {
    festival
        .stages
        .iter()
        .map(|stage| StageView::new(stage, now))
        .collect()
}

/// A slug from a path, or 400.
pub fn path_slug(text: &str) -> Result<Slug, ApiError> {
    Slug::new(text).map_err(|_| Refusal::new(StatusCode::BAD_REQUEST, Message::BadSlug).into())
}

/// 404: no such festival (or none the caller may see).
pub fn unknown_festival(slug: &Slug) -> ApiError {
    ShopError::Edit(EditError::UnknownFestival(slug.clone())).into()
}
