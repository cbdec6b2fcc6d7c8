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
    /// The stage's page (under its festival's address).
    pub page: String,
    /// The festival's zone as the times are labelled: `JST`, `WIB`.
    pub zone: String,
    /// `Sat 20 Mar`
    pub date: String,
    /// `Saturday, 20 March 2027`
    pub long_date: String,
    /// `10:00` (in the festival's zone, which the page names)
    pub doors: String,
    pub starts: String,
    /// `¥7,950`
    pub price: String,
    /// `Sun 1 Nov, 12:00` (in the festival's zone)
    pub sale_opens: String,
    pub sale_closes: String,
}

#[cfg(feature = "ssr")]
impl StageWords {
    /// A stage of `festival` (its address and zone), in `locale`.
    pub fn of(
        stage: &crate::domain::Stage,
        festival: (&crate::domain::Slug, &crate::domain::TimeZoneName),
        locale: crate::i18n::Locale,
    ) -> Self {
        use crate::when;
        let (slug, zone) = festival;
        let local = |moment| when::localized(moment, zone);
        StageWords {
            stage: stage.id,
            page: crate::routes::stage_page(slug, stage.id),
            zone: when::zone_abbreviation(zone, stage.doors_open),
            date: when::short_date(local(stage.starts_at), locale),
            long_date: when::long_date(local(stage.starts_at), locale),
            doors: when::clock(local(stage.doors_open), locale),
            starts: when::clock(local(stage.starts_at), locale),
            price: crate::numbers::yen(stage.price, locale),
            sale_opens: when::short_date_time(local(stage.sale_opens), locale),
            sale_closes: when::short_date_time(local(stage.sale_closes), locale),
        }
    }
}

/// The stage with its times in its festival's zone's offset, as the
/// browser compares them with the fan's own clock.
#[cfg(feature = "ssr")]
pub fn localized_stage(
    mut stage: crate::domain::Stage,
    zone: &crate::domain::TimeZoneName,
) -> crate::domain::Stage {
    use crate::when::localized;
    stage.doors_open = localized(stage.doors_open, zone);
    stage.starts_at = localized(stage.starts_at, zone);
    stage.sale_opens = localized(stage.sale_opens, zone);
    stage.sale_closes = localized(stage.sale_closes, zone);
    stage
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

/// A festival as the home page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FestivalCard {
    pub slug: String,
    pub name: String,
    pub venue: String,
    /// Its first and last day, in the fan's language.
    pub dates: (String, Option<String>),
    pub stages: usize,
}

/// The published festivals, the soonest first.
#[server(prefix = "/api/fn", endpoint = "list_festivals")]
pub async fn list_festivals() -> Result<Vec<FestivalCard>, Problem> {
    let shop = super::edge::shop()?;
    let locale = super::edge::language();
    Ok(shop
        .published_festivals()
        .into_iter()
        .map(|listing| FestivalCard {
            dates: festival_dates(&listing, locale),
            slug: listing.slug.to_string(),
            name: listing.name,
            venue: listing.venue,
            stages: listing.stages.len(),
        })
        .collect())
}

/// A festival's first and last day, in its zone, in `locale`.
#[cfg(feature = "ssr")]
fn festival_dates(
    listing: &FestivalListing,
    locale: crate::i18n::Locale,
) -> (String, Option<String>) {
    use crate::when;
    let doors = listing.stages.iter().map(|s| s.stage.doors_open);
    let local = |moment| when::localized(moment, &listing.time_zone);
    match (doors.clone().min(), doors.max()) {
        (Some(first), Some(last)) => when::date_range(local(first), local(last), locale),
        _ => (String::new(), None),
    }
}

/// Whether the visitor may see a festival in this state: a draft only staff.
#[cfg(feature = "ssr")]
fn may_see(state: crate::domain::FestivalState) -> bool {
    use crate::domain::{FestivalState, Role};
    match state {
        FestivalState::Published | FestivalState::Archived => true,
        FestivalState::Draft => super::edge::auth().is_ok_and(|auth| {
            super::edge::session_token(&auth)
                .is_some_and(|token| auth.staff(&token, Role::Door).is_ok())
        }),
    }
}

/// A festival (the one fans land on when `festival` is `None`) with every
/// stage's remaining stock; a 404 for a festival there is not (or a draft,
/// to anyone but staff).
#[server(prefix = "/api/fn", endpoint = "list_stages")]
pub async fn list_stages(festival: Option<String>) -> Result<Programme, Problem> {
    use crate::domain::Slug;
    use crate::messages::Message;
    use crate::refusal::Refusal;
    use crate::when;
    use axum::http::StatusCode;
    let shop = super::edge::shop()?;
    let locale = super::edge::language();
    let listing = match &festival {
        None => Some(shop.listing()),
        Some(slug) => Slug::new(slug.as_str())
            .ok()
            .and_then(|slug| shop.festival(&slug)),
    }
    .filter(|listing| may_see(listing.state));
    let Some(mut listing) = listing else {
        let refusal = Refusal::new(StatusCode::NOT_FOUND, Message::NoSuchFestival);
        return Err(super::edge::refused(refusal));
    };
    let zone = listing.time_zone.clone();
    for stage in &mut listing.stages {
        stage.stage = localized_stage(stage.stage.clone(), &zone);
    }
    let words = listing
        .stages
        .iter()
        .map(|s| StageWords::of(&s.stage, (&listing.slug, &zone), locale))
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
    Ok(Programme {
        words,
        days,
        dates: festival_dates(&listing, locale),
        listing,
        as_of: shop.now(),
        signed_out: super::edge::take_flash().is_some_and(|flash| flash.signed_out),
    })
}

/// Everything the stage page shows, for the fan asking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageInfo {
    pub festival_name: String,
    /// The festival's page.
    pub festival_page: String,
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
    let festival = shop
        .festival_of_stage(StageId(stage))
        .filter(|festival| may_see(festival.state));
    let found = festival
        .as_ref()
        .and_then(|_| shop.stage_listing(StageId(stage)));
    let (Some(festival), Some(mut listing)) = (festival, found) else {
        let stage = StageId(stage);
        let refusal = Refusal::new(StatusCode::NOT_FOUND, Message::NotOnTheProgramme { stage });
        return Err(edge::refused(refusal));
    };
    let fan = edge::signed_in_fan(&auth);
    let held = fan
        .as_ref()
        .map_or(0, |fan| shop.held_by(fan, StageId(stage)));
    let locale = edge::language();
    let limits = listing.stage.limits(shop.limits());
    let price = listing.stage.price;
    listing.stage = localized_stage(listing.stage, &festival.time_zone);
    let totals = (1..=limits.per_order)
        .map_while(|n| price.times(n))
        .map(|total| crate::numbers::yen(total, locale))
        .collect();
    Ok(StageInfo {
        festival_name: festival.name.clone(),
        festival_page: crate::routes::festival_page(&festival.slug),
        words: StageWords::of(
            &listing.stage,
            (&festival.slug, &festival.time_zone),
            locale,
        ),
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
