//! The programme (every stage with its stock) and one stage's page.

use crate::domain::{BuyLimits, FestivalListing, StageListing};
use crate::forms::{Flash, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The festival with every stage's remaining stock, as of a moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    pub listing: FestivalListing,
    /// The server's clock when the listing was taken; countdowns start here.
    #[serde(with = "time::serde::rfc3339")]
    pub as_of: OffsetDateTime,
    /// The fan has just signed out (the page says so once).
    pub signed_out: bool,
}

/// The festival with every stage's remaining stock.
#[server(prefix = "/api/fn", endpoint = "list_stages")]
pub async fn list_stages() -> Result<Programme, Problem> {
    let shop = super::edge::shop()?;
    Ok(Programme {
        listing: shop.listing(),
        as_of: shop.now(),
        signed_out: super::edge::take_flash().is_some_and(|flash| flash.signed_out),
    })
}

/// Everything the stage page shows, for the fan asking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageInfo {
    pub festival_name: String,
    pub listing: StageListing,
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
    Ok(StageInfo {
        festival_name: shop.festival_name(),
        listing,
        limits: shop.limits(),
        as_of: shop.now(),
        fan: fan.map(|fan| fan.as_str().to_owned()),
        held,
        order_key: format!("page-{:032x}", rand::random::<u128>()),
        flash: edge::take_flash(),
    })
}
