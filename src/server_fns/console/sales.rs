//! A festival's sales dashboard: per stage and in all, the last hour per
//! minute, the latest tickets. Reads only what the shop keeps in memory, so
//! the open dashboard may ask again every few seconds during a rush.

use super::{FestivalRow, Gate};
use crate::forms::Problem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageSalesRow {
    pub id: u32,
    pub name: String,
    pub sold: u32,
    pub left: u32,
    pub capacity: u32,
    pub revenue: String,
    pub closed: bool,
}

/// One ticket sold, as the dashboard and the orders desk list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRow {
    pub code: String,
    pub festival: String,
    pub stage: String,
    pub fan: String,
    /// The price paid (empty: not known, sold before prices were kept).
    pub price: String,
    /// When, in the festival's zone.
    pub bought_at: String,
    /// The order it belongs to: the fan's tickets bought at the same moment.
    pub order: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesBoard {
    pub festival: FestivalRow,
    pub stages: Vec<StageSalesRow>,
    pub sold: u32,
    pub capacity: u32,
    pub revenue: String,
    /// Tickets sold in each of the last minutes, oldest first.
    pub per_minute: Vec<u32>,
    /// The chart's first and last minute, on the festival's clock (`14:03`).
    pub chart_from: String,
    pub chart_to: String,
    pub latest: Vec<TicketRow>,
    /// When these numbers were read, on the festival's clock.
    pub as_of: String,
}

/// A ticket as a row, its times in `zone`.
#[cfg(feature = "ssr")]
pub(crate) fn ticket_row(
    ticket: &crate::domain::Ticket,
    catalogue: &crate::domain::Catalogue,
    locale: crate::i18n::Locale,
) -> TicketRow {
    let (festival, stage) = catalogue
        .stage(ticket.stage)
        .map(|(f, s)| (f.name.clone(), (s.name.clone(), f.time_zone.clone())))
        .unwrap_or_else(|| {
            (
                String::new(),
                (
                    format!("#{}", ticket.stage),
                    crate::domain::TimeZoneName::tokyo(),
                ),
            )
        });
    let (stage, zone) = stage;
    TicketRow {
        code: ticket.code.to_string(),
        festival,
        stage,
        fan: ticket.owner.as_str().to_owned(),
        price: ticket
            .price
            .map(|price| crate::numbers::yen(price, locale))
            .unwrap_or_default(),
        bought_at: super::in_festival_zone(ticket.bought_at, &zone),
        order: format!(
            "{}@{}",
            ticket.owner.as_str(),
            ticket.bought_at.unix_timestamp_nanos()
        ),
    }
}

/// The festival `slug`'s sales now.
#[server(prefix = "/api/fn", endpoint = "dashboard")]
pub async fn dashboard(slug: String) -> Result<Gate<SalesBoard>, Problem> {
    use super::super::edge;
    super::page(|_caller| {
        let shop = edge::shop()?;
        let slug = super::slug(&slug)?;
        let summary = shop.sales_summary(&slug).ok_or_else(|| {
            edge::refused(crate::shop::ShopError::Edit(
                crate::domain::EditError::UnknownFestival(slug.clone()),
            ))
        })?;
        let catalogue = shop.catalogue();
        let locale = edge::language();
        let zone = summary.festival.time_zone.clone();
        let clock =
            |moment: time::OffsetDateTime,
             format: &[time::format_description::BorrowedFormatItem<'_>]| {
                crate::when::localized(moment, &zone)
                    .format(format)
                    .unwrap_or_default()
            };
        let minutes = time::macros::format_description!("[hour]:[minute]");
        let seconds = time::macros::format_description!("[hour]:[minute]:[second]");
        let chart_from = summary
            .per_minute
            .first()
            .map(|(at, _)| clock(*at, minutes))
            .unwrap_or_default();
        let chart_to = summary
            .per_minute
            .last()
            .map(|(at, _)| clock(*at, minutes))
            .unwrap_or_default();
        let festival = catalogue.festival(&slug).map(|festival| FestivalRow {
            slug: festival.slug.to_string(),
            name: festival.name.clone(),
            venue: festival.venue.clone(),
            time_zone: festival.time_zone.as_str().to_owned(),
            state: festival.state.as_str().to_owned(),
            stages: festival.stages.len(),
            is_default: catalogue.default_festival().slug == festival.slug,
        });
        Ok(SalesBoard {
            festival: festival.unwrap_or_else(|| FestivalRow {
                slug: slug.to_string(),
                name: summary.festival.name.clone(),
                venue: summary.festival.venue.clone(),
                time_zone: zone.as_str().to_owned(),
                state: summary.festival.state.as_str().to_owned(),
                stages: summary.stages.len(),
                is_default: false,
            }),
            stages: summary
                .stages
                .iter()
                .map(|stage| StageSalesRow {
                    id: stage.id.0,
                    name: stage.name.clone(),
                    sold: stage.sold,
                    left: stage.left,
                    capacity: stage.capacity,
                    revenue: crate::numbers::yen(stage.revenue, locale),
                    closed: stage.closed,
                })
                .collect(),
            sold: summary.sold,
            capacity: summary.capacity,
            revenue: crate::numbers::yen(summary.revenue, locale),
            per_minute: summary.per_minute.iter().map(|(_, count)| *count).collect(),
            chart_from,
            chart_to,
            latest: summary
                .latest
                .iter()
                .map(|ticket| ticket_row(ticket, &catalogue, locale))
                .collect(),
            as_of: clock(shop.now(), seconds),
        })
    })
}
