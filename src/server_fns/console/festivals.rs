//! The festivals: the console's list, the festival editor's data (details,
//! stages with their sales, history), and the editor's buttons (details,
//! state, default, stage order, remove, close).

use super::{FestivalRow, Gate};
use crate::forms::Problem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FestivalList {
    pub organiser: String,
    pub festivals: Vec<FestivalRow>,
}

/// One stage in the editor's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRow {
    pub id: u32,
    pub name: String,
    pub day: u8,
    /// Doors open, in the festival's zone.
    pub doors_open: String,
    pub price: String,
    pub sold: u32,
    pub capacity: u32,
    pub closed: bool,
}

/// One edit of the festival's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// Who (empty: the server machine's own command).
    pub by: String,
    /// When, in the festival's zone.
    pub at: String,
    /// What, in words.
    pub what: String,
}

/// The festival editor's data; `festival` is `None` for a new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorData {
    pub festival: Option<FestivalRow>,
    pub stages: Vec<StageRow>,
    pub history: Vec<HistoryRow>,
    /// A refused plain form post's problem and what was typed.
    pub problem: Option<Problem>,
    pub typed: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
fn row(catalogue: &crate::domain::Catalogue, festival: &crate::domain::Festival) -> FestivalRow {
    FestivalRow {
        slug: festival.slug.to_string(),
        name: festival.name.clone(),
        venue: festival.venue.clone(),
        time_zone: festival.time_zone.as_str().to_owned(),
        state: festival.state.as_str().to_owned(),
        stages: festival.stages.len(),
        is_default: catalogue.default_festival().slug == festival.slug,
    }
}

/// Every festival, in every state.
#[server(prefix = "/api/fn", endpoint = "console_home")]
pub async fn console_home() -> Result<Gate<FestivalList>, Problem> {
    super::page(|caller| {
        let shop = super::super::edge::shop()?;
        let catalogue = shop.catalogue();
        Ok(FestivalList {
            organiser: caller.name.as_str().to_owned(),
            festivals: catalogue
                .festivals()
                .iter()
                .map(|festival| row(&catalogue, festival))
                .collect(),
        })
    })
}

/// The editor of the festival `slug` (empty: a new festival).
#[server(prefix = "/api/fn", endpoint = "festival_editor")]
pub async fn festival_editor(slug: String) -> Result<Gate<EditorData>, Problem> {
    use super::super::edge;
    super::page(|_caller| {
        let shop = edge::shop()?;
        let flash = edge::take_flash().unwrap_or_default();
        let (problem, typed) = (flash.problem, flash.typed);
        if slug.is_empty() {
            return Ok(EditorData {
                festival: None,
                stages: Vec::new(),
                history: Vec::new(),
                problem,
                typed,
            });
        }
        let slug = super::slug(&slug)?;
        let catalogue = shop.catalogue();
        let festival = catalogue
            .festival(&slug)
            .ok_or_else(|| unknown_festival(&slug))?;
        let locale = edge::language();
        let sales = shop.sales_summary(&slug);
        let stages = festival
            .stages
            .iter()
            .map(|stage| {
                let sold = sales
                    .as_ref()
                    .and_then(|s| s.stages.iter().find(|s| s.id == stage.id))
                    .map_or(0, |s| s.sold);
                StageRow {
                    id: stage.id.0,
                    name: stage.name.clone(),
                    day: stage.day,
                    doors_open: super::in_festival_zone(stage.doors_open, &festival.time_zone),
                    price: crate::numbers::yen(stage.price, locale),
                    sold,
                    capacity: stage.total_stock,
                    closed: stage.closed,
                }
            })
            .collect();
        let history = shop
            .history(&slug)
            .into_iter()
            .map(|entry| HistoryRow {
                by: entry
                    .by
                    .map(|name| name.as_str().to_owned())
                    .unwrap_or_default(),
                at: super::in_festival_zone(entry.at, &festival.time_zone),
                what: what_was_done(&entry.edit, festival, locale),
            })
            .collect();
        Ok(EditorData {
            festival: Some(row(&catalogue, festival)),
            stages,
            history,
            problem,
            typed,
        })
    })
}

#[cfg(feature = "ssr")]
fn unknown_festival(slug: &crate::domain::Slug) -> Problem {
    super::super::edge::refused(crate::shop::ShopError::Edit(
        crate::domain::EditError::UnknownFestival(slug.clone()),
    ))
}

/// An edit in words, for the history.
#[cfg(feature = "ssr")]
fn what_was_done(
    edit: &crate::domain::FestivalEdit,
    festival: &crate::domain::Festival,
    l: crate::i18n::Locale,
) -> String {
    use crate::domain::{FestivalEdit, FestivalState};
    use crate::i18n::td_string;
    let stage_name = |id: crate::domain::StageId| {
        festival
            .stage(id)
            .map_or_else(|| format!("#{id}"), |stage| stage.name.clone())
    };
    match edit {
        FestivalEdit::Create { .. } => td_string!(l, console.history_created).to_string(),
        FestivalEdit::Describe {
            name,
            venue,
            time_zone,
            ..
        } => td_string!(
            l,
            console.history_described,
            name = name.clone(),
            venue = venue.clone(),
            zone = time_zone.as_str().to_owned()
        )
        .to_string(),
        FestivalEdit::SaveStage { stage, .. } => {
            td_string!(l, console.history_stage_saved, stage = stage.name.clone()).to_string()
        }
        FestivalEdit::RemoveStage { stage, .. } => td_string!(
            l,
            console.history_stage_removed,
            stage = format!("#{stage}")
        )
        .to_string(),
        FestivalEdit::OrderStages { stages, .. } => td_string!(
            l,
            console.history_stages_ordered,
            stages = stages
                .iter()
                .map(|id| stage_name(*id))
                .collect::<Vec<_>>()
                .join(", ")
        )
        .to_string(),
        FestivalEdit::SetState { state, .. } => match state {
            FestivalState::Draft => td_string!(l, console.history_draft).to_string(),
            FestivalState::Published => td_string!(l, console.history_published).to_string(),
            FestivalState::Archived => td_string!(l, console.history_archived).to_string(),
        },
        FestivalEdit::MakeDefault { .. } => td_string!(l, console.history_default).to_string(),
    }
}

/// Makes `edit` in the caller's name; on success goes to `then`, else back
/// to `form_page` with the refusal (and what was typed).
#[cfg(feature = "ssr")]
pub(crate) async fn make_edit(
    caller: crate::server::staff::StaffCaller,
    edit: crate::domain::FestivalEdit,
    then: &str,
    form_page: &str,
    typed: Vec<(String, String)>,
) -> Result<(), Problem> {
    use super::super::edge;
    let shop = edge::shop()?;
    match shop.edit_festival(edit, Some(caller.name)).await {
        Ok(()) => {
            edge::redirect(then);
            Ok(())
        }
        Err(error) => {
            let flash = crate::forms::Flash {
                typed,
                ..crate::forms::Flash::default()
            };
            Err(edge::refuse_form(edge::refused(error), flash, form_page))
        }
    }
}

/// A refusal before any edit (a field that could not be read): back to the
/// form with what was typed.
#[cfg(feature = "ssr")]
pub(crate) fn refuse_typed(
    problem: Problem,
    typed: Vec<(String, String)>,
    form_page: &str,
) -> Problem {
    let flash = crate::forms::Flash {
        typed,
        ..crate::forms::Flash::default()
    };
    super::super::edge::refuse_form(problem, flash, form_page)
}

/// Creates a draft festival (`original` empty) or describes the festival
/// `original` anew: name, venue, time zone.
#[server(prefix = "/api/fn", endpoint = "save_festival")]
pub async fn save_festival(
    original: String,
    slug: String,
    name: String,
    venue: String,
    time_zone: String,
) -> Result<(), Problem> {
    use crate::domain::{Festival, FestivalEdit, FestivalState, TimeZoneName};
    use crate::routes;
    let form_page = match original.is_empty() {
        true => routes::CONSOLE_NEW_FESTIVAL.to_owned(),
        false => routes::console_festival(&original),
    };
    let caller = super::acting(&form_page)?;
    let typed = vec![
        ("slug".to_owned(), slug.clone()),
        ("name".to_owned(), name.clone()),
        ("venue".to_owned(), venue.clone()),
        ("time_zone".to_owned(), time_zone.clone()),
    ];
    let time_zone = TimeZoneName(time_zone.trim().to_owned());
    let (edit, festival) = if original.is_empty() {
        let slug = super::slug(&slug)
            .map_err(|problem| refuse_typed(problem, typed.clone(), &form_page))?;
        let festival = Festival {
            slug: slug.clone(),
            name: name.trim().to_owned(),
            venue: venue.trim().to_owned(),
            time_zone,
            state: FestivalState::Draft,
            stages: Vec::new(),
        };
        (FestivalEdit::Create { festival }, slug)
    } else {
        let slug = super::slug(&original)?;
        let edit = FestivalEdit::Describe {
            festival: slug.clone(),
            name: name.trim().to_owned(),
            venue: venue.trim().to_owned(),
            time_zone,
        };
        (edit, slug)
    };
    let then = routes::console_festival(festival.as_str());
    make_edit(caller, edit, &then, &form_page, typed).await
}

/// Publishes (`publish`), unpublishes (`draft`), archives (`archive`) the
/// festival, or makes it the one fans land on (`default`).
#[server(prefix = "/api/fn", endpoint = "change_festival_state")]
pub async fn change_festival_state(slug: String, change: String) -> Result<(), Problem> {
    use crate::domain::{FestivalEdit, FestivalState};
    let page = crate::routes::console_festival(&slug);
    let caller = super::acting(&page)?;
    let festival = super::slug(&slug)?;
    let state = |state| FestivalEdit::SetState {
        festival: festival.clone(),
        state,
    };
    let edit = match change.as_str() {
        "publish" => state(FestivalState::Published),
        "draft" => state(FestivalState::Draft),
        "archive" => state(FestivalState::Archived),
        "default" => FestivalEdit::MakeDefault {
            festival: festival.clone(),
        },
        _ => {
            return Err(super::super::edge::refuse_form(
                Problem::not_handled(change),
                crate::forms::Flash::default(),
                &page,
            ))
        }
    };
    make_edit(caller, edit, &page, &page, Vec::new()).await
}

/// Moves a stage one place `up` or `down` in the festival's list.
#[server(prefix = "/api/fn", endpoint = "move_stage")]
pub async fn move_stage(slug: String, stage: u32, direction: String) -> Result<(), Problem> {
    use crate::domain::{FestivalEdit, StageId};
    let page = crate::routes::console_festival(&slug);
    let caller = super::acting(&page)?;
    let festival = super::slug(&slug)?;
    let shop = super::super::edge::shop()?;
    let catalogue = shop.catalogue();
    let mut order: Vec<StageId> = catalogue
        .festival(&festival)
        .ok_or_else(|| unknown_festival(&festival))?
        .stages
        .iter()
        .map(|s| s.id)
        .collect();
    if let Some(at) = order.iter().position(|id| id.0 == stage) {
        match direction.as_str() {
            "up" if at > 0 => order.swap(at, at - 1),
            "down" if at + 1 < order.len() => order.swap(at, at + 1),
            _ => {}
        }
    }
    let edit = FestivalEdit::OrderStages {
        festival,
        stages: order,
    };
    make_edit(caller, edit, &page, &page, Vec::new()).await
}

/// Removes a stage nothing was sold for (one with sales is refused: close it instead).
#[server(prefix = "/api/fn", endpoint = "remove_stage")]
pub async fn remove_stage(slug: String, stage: u32) -> Result<(), Problem> {
    use crate::domain::{FestivalEdit, StageId};
    let page = crate::routes::console_festival(&slug);
    let caller = super::acting(&page)?;
    let edit = FestivalEdit::RemoveStage {
        festival: super::slug(&slug)?,
        stage: StageId(stage),
    };
    make_edit(caller, edit, &page, &page, Vec::new()).await
}

/// Closes a stage (nothing more is sold; its tickets stay valid), or opens
/// it again (`closed` is `false`).
#[server(prefix = "/api/fn", endpoint = "close_stage")]
pub async fn close_stage(slug: String, stage: u32, closed: String) -> Result<(), Problem> {
    use crate::domain::{FestivalEdit, StageId};
    let page = crate::routes::console_festival(&slug);
    let caller = super::acting(&page)?;
    let festival = super::slug(&slug)?;
    let shop = super::super::edge::shop()?;
    let catalogue = shop.catalogue();
    let mut saved = catalogue
        .festival(&festival)
        .ok_or_else(|| unknown_festival(&festival))?
        .stage(StageId(stage))
        .cloned()
        .ok_or_else(|| {
            super::super::edge::refused(crate::shop::ShopError::Edit(
                crate::domain::EditError::UnknownStage {
                    festival: festival.clone(),
                    stage: StageId(stage),
                },
            ))
        })?;
    saved.closed = closed != "false";
    let edit = FestivalEdit::SaveStage {
        festival,
        stage: saved,
    };
    make_edit(caller, edit, &page, &page, Vec::new()).await
}
