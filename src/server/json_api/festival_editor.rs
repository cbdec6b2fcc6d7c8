//! The festival editor over HTTP, for organisers: festivals in any state,
//! created as drafts, described, published, archived, made the default;
//! their stages added, changed, closed, removed and ordered; the history of
//! it all. Every change is one [`FestivalEdit`] through
//! [`Shop::edit_festival`] (a new stage through [`Shop::add_stage`], which
//! picks its id), with the caller as its author; the domain's rules
//! (`Catalogue::apply`) decide, and a refusal changes nothing.

use super::caller::OrganiserCaller;
use super::festivals::{path_slug, unknown_festival};
use super::organiser_views::{
    edit_kind, FestivalChanges, HistoryEntryView, NewFestival, NewStageView, OrganiserFestivalView,
    StageInput, StageOrder, StateChange,
};
use super::{rules, ApiError, ApiPath, ErrorBody, JsonBody};
use crate::domain::{EditError, Festival, FestivalEdit, FestivalState, Slug, StageId};
use crate::messages::Message;
use crate::refusal::Refusal;
use crate::shop::{Shop, ShopError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;

pub use super::views::FestivalPath;

/// `/api/organiser/festivals/{slug}/stages/{id}`'s path.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StagePath {
    /// The festival's address name.
    #[param(schema_with = rules::slug)]
    pub slug: String,
    /// The stage's id.
    #[param(schema_with = rules::any_stage_id)]
    pub id: u32,
}

/// The festival as organisers see it now, or 404.
pub fn festival_view(shop: &Shop, slug: &Slug) -> Result<OrganiserFestivalView, ApiError> {
    let summary = shop
        .sales_summary(slug)
        .ok_or_else(|| unknown_festival(slug))?;
    let sold = |id: StageId| {
        summary
            .stages
            .iter()
            .find(|s| s.id == id)
            .map_or(0, |s| s.sold)
    };
    let is_default = shop.catalogue().default_festival().slug == *slug;
    Ok(OrganiserFestivalView::new(
        &summary.festival,
        sold,
        is_default,
    ))
}

/// Makes `edit` as `organiser` and answers the festival after it.
async fn edit(
    shop: &Shop,
    organiser: &OrganiserCaller,
    edit: FestivalEdit,
) -> Result<OrganiserFestivalView, ApiError> {
    let slug = edit.festival().clone();
    let kind = edit_kind(&edit);
    shop.edit_festival(edit, organiser.by()).await?;
    tracing::info!(by = organiser.0.name.as_str(), festival = %slug, edit = kind, "festival edited");
    festival_view(shop, &slug)
}

/// Every festival, in any state, in the order they were added.
#[utoipa::path(get, path = "/api/organiser/festivals", tag = "organiser",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Every festival with its stages and their sales", body = [OrganiserFestivalView]),
    ))]
pub async fn all_festivals(
    State(shop): State<Arc<Shop>>,
    _organiser: OrganiserCaller,
) -> Result<Json<Vec<OrganiserFestivalView>>, ApiError> {
    let catalogue = shop.catalogue();
    let views = catalogue
        .festivals()
        .iter()
        .map(|festival| festival_view(&shop, &festival.slug))
        .collect::<Result<_, _>>()?;
    Ok(Json(views))
}

/// Creates a festival as a draft without stages: only staff see it until
/// it has stages and is published.
#[utoipa::path(post, path = "/api/organiser/festivals", tag = "organiser",
    request_body = NewFestival,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Created, as a draft", body = OrganiserFestivalView,
            example = json!({"slug": "indonesia-fes-2027", "name": "Indonesia fes 2027", "venue": "Jakarta International Expo",
                "time_zone": "Asia/Jakarta", "state": "draft", "is_default": false, "stages": []})),
        (status = 409, description = "Another festival has this address name", body = ErrorBody,
            example = json!({"error": "the address name indonesia-fes-2027 is taken by another festival"})),
    ))]
pub async fn create_festival(
    State(shop): State<Arc<Shop>>,
    organiser: OrganiserCaller,
    JsonBody(new): JsonBody<NewFestival>,
) -> Result<impl IntoResponse, ApiError> {
    let festival = Festival {
        slug: new.slug,
        name: new.name,
        venue: new.venue,
        time_zone: new.time_zone,
        state: FestivalState::Draft,
        stages: Vec::new(),
    };
    let view = edit(&shop, &organiser, FestivalEdit::Create { festival }).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One festival, in any state, with its stages and their sales.
#[utoipa::path(get, path = "/api/organiser/festivals/{slug}", tag = "organiser",
    params(FestivalPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The festival", body = OrganiserFestivalView),
        (status = 400, description = "The address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
    ))]
pub async fn festival(
    State(shop): State<Arc<Shop>>,
    _organiser: OrganiserCaller,
    ApiPath(path): ApiPath<FestivalPath>,
) -> Result<Json<OrganiserFestivalView>, ApiError> {
    let slug = path_slug(&path.slug)?;
    Ok(Json(festival_view(&shop, &slug)?))
}

/// Changes a festival's name, venue or time zone (the fields given). A new
/// zone moves every stage's moments: times stay the moments they were.
#[utoipa::path(patch, path = "/api/organiser/festivals/{slug}", tag = "organiser",
    params(FestivalPath),
    request_body = FestivalChanges,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The festival as changed", body = OrganiserFestivalView),
        (status = 400, description = "The body is not JSON, or the address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
        (status = 422, description = "A field is unknown or not acceptable (an empty name, markup, a control character, a time zone not listed)", body = ErrorBody,
            example = json!({"error": "the name: it contains < or >, which are kept for markup"})),
    ))]
pub async fn describe_festival(
    State(shop): State<Arc<Shop>>,
    organiser: OrganiserCaller,
    ApiPath(path): ApiPath<FestivalPath>,
    JsonBody(changes): JsonBody<FestivalChanges>,
) -> Result<Json<OrganiserFestivalView>, ApiError> {
    let slug = path_slug(&path.slug)?;
    let now = shop
        .festival(&slug)
        .ok_or_else(|| unknown_festival(&slug))?;
    let describe = FestivalEdit::Describe {
        festival: slug,
        name: changes.name.unwrap_or(now.name),
        venue: changes.venue.unwrap_or(now.venue),
        time_zone: changes.time_zone.unwrap_or(now.time_zone),
    };
    Ok(Json(edit(&shop, &organiser, describe).await?))
}

/// Publishes (on the fans' pages, on sale in its stages' windows),
/// unpublishes (back to a draft) or archives (over: off the fans' list,
/// tickets still valid) a festival.
#[utoipa::path(post, path = "/api/organiser/festivals/{slug}/state", tag = "organiser",
    params(FestivalPath),
    request_body = StateChange,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The festival in its new state", body = OrganiserFestivalView),
        (status = 400, description = "The body is not JSON, or the address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
        (status = 409, description = "A festival without stages cannot be published", body = ErrorBody,
            example = json!({"error": "a festival without stages cannot be published"})),
    ))]
pub async fn set_state(
    State(shop): State<Arc<Shop>>,
    organiser: OrganiserCaller,
    ApiPath(path): ApiPath<FestivalPath>,
    JsonBody(change): JsonBody<StateChange>,
) -> Result<Json<OrganiserFestivalView>, ApiError> {
    let festival = path_slug(&path.slug)?;
    let state = change.state.into();
    Ok(Json(
        edit(
            &shop,
            &organiser,
            FestivalEdit::SetState { festival, state },
        )
        .await?,
    ))
}

/// Makes a published festival the one fans land on (`/`, `GET /api/stages`).
#[utoipa::path(post, path = "/api/organiser/festivals/{slug}/default", tag = "organiser",
    params(FestivalPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The festival, now the default", body = OrganiserFestivalView),
        (status = 400, description = "The address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
        (status = 409, description = "The festival is not published", body = ErrorBody,
            example = json!({"error": "only a published festival can be the one fans land on"})),
    ))]
pub async fn make_default(
    State(shop): State<Arc<Shop>>,
    organiser: OrganiserCaller,
    ApiPath(path): ApiPath<FestivalPath>,
) -> Result<Json<OrganiserFestivalView>, ApiError> {
    let festival = path_slug(&path.slug)?;
    Ok(Json(
        edit(&shop, &organiser, FestivalEdit::MakeDefault { festival }).await?,
    ))
}

/// The edits made to a festival, newest first, with who made them and when.
#[utoipa::path(get, path = "/api/organiser/festivals/{slug}/history", tag = "organiser",
    params(FestivalPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The festival's edits, newest first", body = [HistoryEntryView]),
        (status = 400, description = "The address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
    ))]
pub async fn history(
    State(shop): State<Arc<Shop>>,
    _organiser: OrganiserCaller,
    ApiPath(path): ApiPath<FestivalPath>,
) -> Result<Json<Vec<HistoryEntryView>>, ApiError> {
    let slug = path_slug(&path.slug)?;
    if shop.festival(&slug).is_none() {
        return Err(unknown_festival(&slug));
    }
    Ok(Json(
        shop.history(&slug)
            .iter()
            .map(HistoryEntryView::from)
            .collect(),
    ))
}

/// The stage `input` describes, placed in the festival's zone.
fn stage_of(
    shop: &Shop,
    slug: &Slug,
    id: StageId,
    input: &StageInput,
) -> Result<crate::domain::Stage, ApiError> {
    let festival = shop.festival(slug).ok_or_else(|| unknown_festival(slug))?;
    input.stage(id, &festival.time_zone).map_err(|field| {
        let detail = format!("{field} is not a time in {}", festival.time_zone);
        Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Message::BodyDoesNotFit { detail },
        )
        .into()
    })
}

/// Adds a stage to a festival; the server chooses its id (the next one
/// no festival uses). Times are wall-clock times in the festival's zone.
#[utoipa::path(post, path = "/api/organiser/festivals/{slug}/stages", tag = "organiser",
    params(FestivalPath),
    request_body = StageInput,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Added; its id, and the festival with it", body = NewStageView),
        (status = 400, description = "The body is not JSON, or the address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
        (status = 422, description = "A field is missing, unknown or not acceptable, or the times are out of order (the sale opens before it closes, no later than the doors, which open no later than the show)", body = ErrorBody,
            example = json!({"error": "the doors must open no later than the show starts"})),
    ))]
pub async fn add_stage(
    State(shop): State<Arc<Shop>>,
    organiser: OrganiserCaller,
    ApiPath(path): ApiPath<FestivalPath>,
    JsonBody(input): JsonBody<StageInput>,
) -> Result<impl IntoResponse, ApiError> {
    let slug = path_slug(&path.slug)?;
    let stage = stage_of(&shop, &slug, StageId(0), &input)?;
    let id = shop.add_stage(slug.clone(), stage, organiser.by()).await?;
    tracing::info!(by = organiser.0.name.as_str(), festival = %slug, stage = id.0, "stage added");
    let festival = festival_view(&shop, &slug)?;
    Ok((
        StatusCode::CREATED,
        Json(NewStageView { id: id.0, festival }),
    ))
}

/// Changes one of the festival's stages: every detail, as given. Close a
/// stage that has sales (`closed: true`) rather than removing it. Its stock
/// cannot go below what it has sold.
#[utoipa::path(put, path = "/api/organiser/festivals/{slug}/stages/{id}", tag = "organiser",
    params(StagePath),
    request_body = StageInput,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The festival with the stage changed", body = OrganiserFestivalView),
        (status = 400, description = "The body is not JSON, or the address name or stage id cannot be one", body = ErrorBody,
            example = json!({"error": "the address does not fit: Cannot parse `id` with value `x` to a `u32`"})),
        (status = 404, description = "There is no such festival, or no stage with this id", body = ErrorBody,
            example = json!({"error": "the festival indonesia-fes-2027 has no stage 9"})),
        (status = 409, description = "The stage belongs to another festival, or the stock would be below what it has sold", body = ErrorBody,
            example = json!({"error": "2 tickets are sold, so the stock cannot be lower than 2"})),
        (status = 422, description = "A field is missing, unknown or not acceptable, or the times are out of order", body = ErrorBody,
            example = json!({"error": "the doors must open no later than the show starts"})),
    ))]
pub async fn save_stage(
    State(shop): State<Arc<Shop>>,
    organiser: OrganiserCaller,
    ApiPath(path): ApiPath<StagePath>,
    JsonBody(input): JsonBody<StageInput>,
) -> Result<Json<OrganiserFestivalView>, ApiError> {
    let slug = path_slug(&path.slug)?;
    let id = StageId(path.id);
    // A stage no festival has is not made here (the server picks new ids).
    if shop.festival_of_stage(id).is_none() {
        shop.festival(&slug)
            .ok_or_else(|| unknown_festival(&slug))?;
        return Err(ShopError::Edit(EditError::UnknownStage {
            festival: slug,
            stage: id,
        })
        .into());
    }
    let stage = stage_of(&shop, &slug, id, &input)?;
    let save = FestivalEdit::SaveStage {
        festival: slug,
        stage,
    };
    Ok(Json(edit(&shop, &organiser, save).await?))
}

/// Removes a stage that has sold nothing (one with sales is closed instead:
/// `PUT` it with `closed: true`).
#[utoipa::path(delete, path = "/api/organiser/festivals/{slug}/stages/{id}", tag = "organiser",
    params(StagePath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "The address name or stage id cannot be one", body = ErrorBody,
            example = json!({"error": "the address does not fit: Cannot parse `id` with value `x` to a `u32`"})),
        (status = 404, description = "There is no such festival, or no stage with this id in it", body = ErrorBody,
            example = json!({"error": "the festival indonesia-fes-2027 has no stage 9"})),
        (status = 409, description = "The stage has sales: close it instead", body = ErrorBody,
            example = json!({"error": "stage 1 has sold 2 tickets, so it cannot be removed; close it instead"})),
    ))]
pub async fn remove_stage(
    State(shop): State<Arc<Shop>>,
    organiser: OrganiserCaller,
    ApiPath(path): ApiPath<StagePath>,
) -> Result<StatusCode, ApiError> {
    let festival = path_slug(&path.slug)?;
    let stage = StageId(path.id);
    edit(
        &shop,
        &organiser,
        FestivalEdit::RemoveStage { festival, stage },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Puts the festival's stages in a new order: every one of its stage ids,
/// once each.
#[utoipa::path(put, path = "/api/organiser/festivals/{slug}/stages/order", tag = "organiser",
    params(FestivalPath),
    request_body = StageOrder,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The festival with its stages in the new order", body = OrganiserFestivalView),
        (status = 400, description = "The body is not JSON, or the address name cannot be one", body = ErrorBody,
            example = json!({"error": "use 1 to 40 lower-case letters, digits and single hyphens for the address name (like hololive-5th-fes)"})),
        (status = 404, description = "There is no such festival", body = ErrorBody,
            example = json!({"error": "there is no festival indonesia-fes-2027"})),
        (status = 409, description = "The list is not the festival's stages, each once", body = ErrorBody,
            example = json!({"error": "the new order must list each of the festival's stages once"})),
    ))]
pub async fn order_stages(
    State(shop): State<Arc<Shop>>,
    organiser: OrganiserCaller,
    ApiPath(path): ApiPath<FestivalPath>,
    JsonBody(order): JsonBody<StageOrder>,
) -> Result<Json<OrganiserFestivalView>, ApiError> {
    let festival = path_slug(&path.slug)?;
    let stages = order.stages.into_iter().map(StageId).collect();
    Ok(Json(
        edit(
            &shop,
            &organiser,
            FestivalEdit::OrderStages { festival, stages },
        )
        .await?,
    ))
}
