//! The stage form: a new stage of a festival or one already there. Times
//! are typed as the festival's wall clock (`datetime-local`) and read in its
//! zone; blank limits mean the server's defaults.

// The stage form's fields are `save_stage`'s arguments, one each, as the
// form posts them (the macro's generated code carries the count too).
#![allow(clippy::too_many_arguments)]

use super::{FestivalRow, Gate};
use crate::forms::Problem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The stage form's fields, as the form names them.
pub const STAGE_FIELDS: [&str; 12] = [
    "name",
    "day",
    "doors_open",
    "starts_at",
    "sale_opens",
    "sale_closes",
    "price",
    "total_stock",
    "per_order",
    "per_fan",
    "closed",
    "reentry",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageFormData {
    pub festival: FestivalRow,
    /// The stage's id; `None` for a new stage.
    pub id: Option<u32>,
    /// Each field's value (what was typed, after a refused plain post).
    pub values: Vec<(String, String)>,
    /// The festival zone's short name (`JST`), for the time fields' labels.
    pub zone: String,
    pub problem: Option<Problem>,
}

impl StageFormData {
    pub fn value(&self, field: &str) -> String {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }
}

/// A moment as a `datetime-local` input's value, on the zone's clock.
#[cfg(feature = "ssr")]
fn local_input(moment: time::OffsetDateTime, zone: &crate::domain::TimeZoneName) -> String {
    let local = crate::when::localized(moment, zone);
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    local.format(format).unwrap_or_default()
}

/// The form for stage `id` of festival `slug` (`id` empty: a new stage).
#[server(prefix = "/api/fn", endpoint = "stage_form")]
pub async fn stage_form(slug: String, id: String) -> Result<Gate<StageFormData>, Problem> {
    use super::super::edge;
    use crate::domain::StageId;
    super::page(|_caller| {
        let shop = edge::shop()?;
        let festival_slug = super::slug(&slug)?;
        let catalogue = shop.catalogue();
        let festival = catalogue.festival(&festival_slug).ok_or_else(|| {
            edge::refused(crate::shop::ShopError::Edit(
                crate::domain::EditError::UnknownFestival(festival_slug.clone()),
            ))
        })?;
        let stage = match id.as_str() {
            "" => None,
            id => {
                let id = id.parse().map(StageId).unwrap_or(StageId(0));
                Some(festival.stage(id).cloned().ok_or_else(|| {
                    edge::refused(crate::shop::ShopError::Edit(
                        crate::domain::EditError::UnknownStage {
                            festival: festival_slug.clone(),
                            stage: id,
                        },
                    ))
                })?)
            }
        };
        let flash = edge::take_flash().unwrap_or_default();
        let zone = &festival.time_zone;
        let values = if !flash.typed.is_empty() {
            flash.typed.clone()
        } else if let Some(stage) = &stage {
            let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
            vec![
                ("name".into(), stage.name.clone()),
                ("day".into(), stage.day.to_string()),
                ("doors_open".into(), local_input(stage.doors_open, zone)),
                ("starts_at".into(), local_input(stage.starts_at, zone)),
                ("sale_opens".into(), local_input(stage.sale_opens, zone)),
                ("sale_closes".into(), local_input(stage.sale_closes, zone)),
                ("price".into(), stage.price.0.to_string()),
                ("total_stock".into(), stage.total_stock.to_string()),
                ("per_order".into(), number(stage.per_order)),
                ("per_fan".into(), number(stage.per_fan)),
                ("closed".into(), flag(stage.closed)),
                ("reentry".into(), flag(stage.reentry)),
            ]
        } else {
            vec![("day".into(), "1".into())]
        };
        let now = shop.now();
        Ok(StageFormData {
            festival: FestivalRow {
                slug: festival.slug.to_string(),
                name: festival.name.clone(),
                venue: festival.venue.clone(),
                time_zone: zone.as_str().to_owned(),
                state: festival.state.as_str().to_owned(),
                stages: festival.stages.len(),
                is_default: catalogue.default_festival().slug == festival.slug,
            },
            id: stage.map(|stage| stage.id.0),
            values,
            zone: crate::when::zone_abbreviation(zone, now),
            problem: flash.problem,
        })
    })
}

/// Saves a stage of festival `slug`: a new one (`id` empty) or stage `id`.
#[server(prefix = "/api/fn", endpoint = "save_stage")]
pub async fn save_stage(
    slug: String,
    id: String,
    name: String,
    day: String,
    doors_open: String,
    starts_at: String,
    sale_opens: String,
    sale_closes: String,
    price: String,
    total_stock: String,
    per_order: String,
    per_fan: String,
    closed: Option<String>,
    reentry: Option<String>,
) -> Result<(), Problem> {
    use super::super::edge;
    use crate::domain::{FestivalEdit, Stage, StageId, Yen};
    use crate::forms::Field;
    use crate::i18n::td_string;
    use crate::routes;
    let form_page = match id.as_str() {
        "" => routes::console_new_stage(&slug),
        id => routes::console_stage(&slug, id),
    };
    let caller = super::acting(&form_page)?;
    let festival = super::slug(&slug)?;
    let ticked = |value: Option<String>| value.is_some_and(|v| !v.is_empty() && v != "false");
    let (closed, reentry) = (ticked(closed), ticked(reentry));
    let typed: Vec<(String, String)> = [
        ("name", &name),
        ("day", &day),
        ("doors_open", &doors_open),
        ("starts_at", &starts_at),
        ("sale_opens", &sale_opens),
        ("sale_closes", &sale_closes),
        ("price", &price),
        ("total_stock", &total_stock),
        ("per_order", &per_order),
        ("per_fan", &per_fan),
    ]
    .into_iter()
    .map(|(field, value)| (field.to_owned(), value.clone()))
    .chain(closed.then(|| ("closed".to_owned(), "true".to_owned())))
    .chain(reentry.then(|| ("reentry".to_owned(), "true".to_owned())))
    .collect();
    let shop = edge::shop()?;
    let catalogue = shop.catalogue();
    let zone = catalogue
        .festival(&festival)
        .map(|festival| festival.time_zone.clone())
        .ok_or_else(|| {
            edge::refused(crate::shop::ShopError::Edit(
                crate::domain::EditError::UnknownFestival(festival.clone()),
            ))
        })?;
    let l = edge::language();
    let refuse = |problem: Problem| refuse_typed(problem, typed.clone(), &form_page);
    let whole = |field: Field, label: String, text: &str| -> Result<u64, Problem> {
        let digits: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '¥' | '￥' | '円' | '_'))
            .collect();
        digits.parse::<u64>().map_err(|_| {
            refuse(super::bad_field(
                field,
                label,
                td_string!(l, console.expect_whole_number).to_string(),
            ))
        })
    };
    let small = |field: Field, label: String, text: &str| -> Result<u32, Problem> {
        let n = whole(field, label.clone(), text)?;
        u32::try_from(n).map_err(|_| {
            refuse(super::bad_field(
                field,
                label,
                td_string!(l, console.expect_whole_number).to_string(),
            ))
        })
    };
    let limit = |field: Field, label: String, text: &str| -> Result<Option<u32>, Problem> {
        match text.trim() {
            "" => Ok(None),
            text => small(field, label, text).map(Some),
        }
    };
    let moment = |field: Field, label: String, text: &str| {
        read_local(text.trim())
            .and_then(|local| crate::when::in_zone(local, &zone))
            .ok_or_else(|| {
                refuse(super::bad_field(
                    field,
                    label,
                    td_string!(l, console.expect_date_time).to_string(),
                ))
            })
    };
    let day_label = td_string!(l, console.stage_day).to_string();
    let day = u8::try_from(small(Field::Day, day_label.clone(), &day)?).map_err(|_| {
        refuse(super::bad_field(
            Field::Day,
            day_label,
            td_string!(l, console.expect_whole_number).to_string(),
        ))
    })?;
    let stage = Stage {
        id: match id.parse::<u32>() {
            Ok(id) => StageId(id),
            Err(_) => catalogue.next_stage_id(),
        },
        name: name.trim().to_owned(),
        day,
        doors_open: moment(
            Field::DoorsOpen,
            td_string!(l, console.stage_doors_open).to_string(),
            &doors_open,
        )?,
        starts_at: moment(
            Field::StartsAt,
            td_string!(l, console.stage_starts_at).to_string(),
            &starts_at,
        )?,
        price: Yen(whole(
            Field::Price,
            td_string!(l, console.stage_price).to_string(),
            &price,
        )?),
        total_stock: small(
            Field::Stock,
            td_string!(l, console.stage_stock).to_string(),
            &total_stock,
        )?,
        sale_opens: moment(
            Field::SaleOpens,
            td_string!(l, console.stage_sale_opens).to_string(),
            &sale_opens,
        )?,
        sale_closes: moment(
            Field::SaleCloses,
            td_string!(l, console.stage_sale_closes).to_string(),
            &sale_closes,
        )?,
        per_order: limit(
            Field::PerOrder,
            td_string!(l, console.stage_per_order).to_string(),
            &per_order,
        )?,
        per_fan: limit(
            Field::PerFan,
            td_string!(l, console.stage_per_fan).to_string(),
            &per_fan,
        )?,
        closed,
        reentry,
    };
    let then = routes::console_festival(&slug);
    if id.parse::<u32>().is_err() {
        // A new stage: its id is chosen under the shop's lock, so two
        // stages added at once never share one.
        let shop = super::super::edge::shop()?;
        return match shop.add_stage(festival, stage, Some(caller.name)).await {
            Ok(_) => {
                super::super::edge::redirect(&then);
                Ok(())
            }
            Err(error) => Err(refuse_typed(
                super::super::edge::refused(error),
                typed,
                &form_page,
            )),
        };
    }
    let edit = FestivalEdit::SaveStage { festival, stage };
    super::festivals::make_edit(caller, edit, &then, &form_page, typed.clone()).await
}

#[cfg(feature = "ssr")]
use super::festivals::refuse_typed;

/// A `datetime-local` value (`2027-03-20T10:00`, seconds optional).
#[cfg(feature = "ssr")]
fn read_local(text: &str) -> Option<time::PrimitiveDateTime> {
    use time::macros::format_description;
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let spaced = format_description!("[year]-[month]-[day] [hour]:[minute]");
    time::PrimitiveDateTime::parse(text, minutes)
        .or_else(|_| time::PrimitiveDateTime::parse(text, seconds))
        .or_else(|_| time::PrimitiveDateTime::parse(text, spaced))
        .ok()
}

/// A checkbox's value as the form holds it.
#[cfg(feature = "ssr")]
fn flag(on: bool) -> String {
    match on {
        true => "true".into(),
        false => String::new(),
    }
}
