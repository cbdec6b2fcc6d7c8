//! The programme (every stage with its stock) and one stage's page.

use crate::domain::{BuyLimits, FestivalListing, StageId, StageListing};
use crate::forms::{Flash, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A stage's dates, times and price as the fan's language writes them. The
/// server writes them (from CLDR data, `crate::when` and `crate::numbers`)
/// and the page shows them as they come, so the browser needs no calendar or
/// currency data and the hydrated page says exactly what the server's did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageWords {
    pub stage: StageId,
    /// `Sat 20 Mar`
    pub date: String,
    /// `Saturday, 20 March 2027`
    pub long_date: String,
    /// `10:00` (JST, which the page adds)
    pub doors: String,
    pub starts: String,
    /// `¥7,950`
    pub price: String,
    /// `Sun 1 Nov, 12:00` (JST)
    pub sale_opens: String,
    pub sale_closes: String,
}

#[cfg(feature = "ssr")]
impl StageWords {
    pub fn of(stage: &crate::domain::Stage, locale: crate::i18n::Locale) -> Self {
        use crate::when;
        StageWords {
            stage: stage.id,
            date: when::short_date(stage.starts_at, locale),
            long_date: when::long_date(stage.starts_at, locale),
            doors: when::clock(stage.doors_open, locale),
            starts: when::clock(stage.starts_at, locale),
            price: crate::numbers::yen(stage.price, locale),
            sale_opens: when::short_date_time(stage.sale_opens, locale),
            sale_closes: when::short_date_time(stage.sale_closes, locale),
        }
    }
}

/// The days of a festival, as the page heads them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayWords {
    pub day: u8,
    /// `Sat 20 Mar`, for the day filter.
    pub date: String,
    /// `Saturday, 20 March 2027`
    pub long_date: String,
}

/// The festival with every stage's remaining stock, as of a moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    pub listing: FestivalListing,
    /// Each stage's dates and price, in the fan's language.
    pub words: Vec<StageWords>,
    pub days: Vec<DayWords>,
    /// The festival's first and last day (the last if it spans more than one).
    pub dates: (String, Option<String>),
    /// The server's clock when the listing was taken; countdowns start here.
    #[serde(with = "time::serde::rfc3339")]
    pub as_of: OffsetDateTime,
    /// The fan has just signed out (the page says so once).
    pub signed_out: bool,
}

/// The festival with every stage's remaining stock.
#[server(prefix = "/api/fn", endpoint = "list_stages")]
pub async fn list_stages() -> Result<Programme, Problem> {
    use crate::when;
    let shop = super::edge::shop()?;
    let locale = super::edge::language();
    let listing = shop.listing();
    let words = listing
        .stages
        .iter()
        .map(|listing| StageWords::of(&listing.stage, locale))
        .collect();
    let days = listing
        .days()
        .into_iter()
        .filter_map(|(day, stages)| {
            let doors = stages.first()?.stage.doors_open;
            Some(DayWords {
                day,
                date: when::short_date(doors, locale),
                long_date: when::long_date(doors, locale),
            })
        })
        .collect();
    let doors = listing.stages.iter().map(|s| s.stage.doors_open);
    let dates = match (doors.clone().min(), doors.max()) {
        (Some(first), Some(last)) => when::date_range(first, last, locale),
        _ => (String::new(), None),
    };
    Ok(Programme {
        words,
        days,
        dates,
        listing,
        as_of: shop.now(),
        signed_out: super::edge::take_flash().is_some_and(|flash| flash.signed_out),
    })
}

/// Everything the stage page shows, for the fan asking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageInfo {
    pub festival_name: String,
    pub listing: StageListing,
    /// The stage's dates and price, in the fan's language.
    pub words: StageWords,
    /// What 1, 2, … tickets cost, as many as one order may hold (`totals[n - 1]`).
    pub totals: Vec<String>,
    pub limits: BuyLimits,
    #[serde(with = "time::serde::rfc3339")]
    pub as_of: OffsetDateTime,
    /// The signed-in fan, if any, and how many tickets of this stage they hold.
    pub fan: Option<String>,
    pub held: u32,
    /// A fresh key for the buy form: the same order sent twice buys once.
    pub order_key: String,
    pub flash: Option<Flash>,
}

impl StageInfo {
    /// The most tickets this fan can buy in one order now.
    pub fn most_in_one_order(&self) -> u32 {
        self.limits
            .per_order
            .min(self.limits.per_fan.saturating_sub(self.held))
            .min(self.listing.remaining)
    }
}

/// One stage's page data; a 404 for a stage the festival does not have.
#[server(prefix = "/api/fn", endpoint = "stage_details")]
pub async fn stage_details(stage: u32) -> Result<StageInfo, Problem> {
    use super::edge;
    use crate::domain::StageId;
    use crate::messages::Message;
    use crate::refusal::Refusal;
    use axum::http::StatusCode;
    let (auth, shop) = (edge::auth()?, edge::shop()?);
    let Some(listing) = shop.stage_listing(StageId(stage)) else {
        let stage = StageId(stage);
        let refusal = Refusal::new(StatusCode::NOT_FOUND, Message::NotOnTheProgramme { stage });
        return Err(edge::refused(refusal));
    };
    let fan = edge::signed_in_fan(&auth);
    let held = fan
        .as_ref()
        .map_or(0, |fan| shop.held_by(fan, StageId(stage)));
    let locale = edge::language();
    let limits = shop.limits();
    let price = listing.stage.price;
    let totals = (1..=limits.per_order)
        .map_while(|n| price.times(n))
        .map(|total| crate::numbers::yen(total, locale))
        .collect();
    Ok(StageInfo {
        festival_name: shop.festival_name(),
        words: StageWords::of(&listing.stage, locale),
        totals,
        listing,
        limits,
        as_of: shop.now(),
        fan: fan.map(|fan| fan.as_str().to_owned()),
        held,
        order_key: format!("page-{:032x}", rand::random::<u128>()),
        flash: edge::take_flash(),
    })
}
