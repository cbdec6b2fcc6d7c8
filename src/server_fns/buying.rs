//! The buy form's action: the same [`Shop::buy`](crate::shop::Shop::buy)
//! the JSON API calls, keyed so a form sent twice buys once.

use crate::forms::Problem;
use leptos::prelude::*;

/// Buys `quantity` tickets of `stage` for the signed-in fan, then sends the
/// fan to their tickets. Fields arrive as the form sent them (text), so
/// every bad value gets its own sentence rather than a decoding error.
#[server(prefix = "/api/fn", endpoint = "buy_tickets")]
pub async fn buy_tickets(
    stage: String,
    quantity: String,
    order_key: String,
) -> Result<(), Problem> {
    use super::edge;
    use crate::domain::{Order, OrderKey, StageId};
    use crate::forms::{Bought, Field, Flash};
    use crate::messages::Message;
    use crate::refusal::Refusal;
    use crate::routes;
    use axum::http::StatusCode;

    let (auth, shop) = (edge::auth()?, edge::shop()?);
    let Ok(stage) = stage.trim().parse::<u32>().map(StageId) else {
        let typed = stage.trim().to_owned();
        return Err(edge::refused(Refusal::new(
            StatusCode::NOT_FOUND,
            Message::NoSuchStage { typed },
        )));
    };
    let festival = shop.festival_of_stage(stage);
    let stage_page = match &festival {
        Some(festival) => routes::stage_page(&festival.slug, stage),
        None => routes::HOME.to_owned(),
    };
    let typed = Flash {
        quantity: Some(quantity.clone()),
        ..Flash::default()
    };
    let Some(fan) = edge::signed_in_fan(&auth) else {
        let problem = edge::refused(Refusal::new(StatusCode::UNAUTHORIZED, Message::SignInToBuy));
        if edge::is_plain_form_post() {
            edge::redirect(&routes::with_next(routes::SIGN_IN, &stage_page));
        }
        return Err(problem);
    };
    let limit = festival
        .as_ref()
        .and_then(|festival| festival.stage(stage))
        .map_or(shop.limits(), |s| s.limits(shop.limits()))
        .per_order;
    let Ok(quantity) = quantity.trim().parse::<u32>() else {
        let refusal = Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Message::ChooseQuantity { limit },
        )
        .about(Field::Quantity);
        return Err(edge::refuse_form(
            edge::refused(refusal),
            typed,
            &stage_page,
        ));
    };
    // The same rule as the JSON API's Idempotency-Key: a form without a
    // good key could buy twice when sent twice, so it buys nothing.
    let Ok(key) = OrderKey::new(order_key) else {
        let refusal = Refusal::new(StatusCode::BAD_REQUEST, Message::BadFormOrderKey);
        return Err(edge::refuse_form(
            edge::refused(refusal),
            typed,
            &stage_page,
        ));
    };
    let order = Order {
        stage,
        fan: fan.clone(),
        quantity,
    };
    let stage_name = shop.stage_listing(stage).map(|listing| listing.stage.name);
    match shop.buy(order, Some(key)).await {
        Ok(purchase) => {
            tracing::info!(
                fan = fan.as_str(),
                stage = stage.0,
                tickets = purchase.tickets.len(),
                replayed = purchase.replayed,
                "sold (page)"
            );
            edge::set_flash(&Flash {
                bought: Some(Bought {
                    stage_name: stage_name.unwrap_or_default(),
                    total: crate::numbers::yen(purchase.total, edge::language()),
                    tickets: purchase.tickets.iter().map(|t| t.id).collect(),
                    replayed: purchase.replayed,
                }),
                ..Flash::default()
            });
            edge::redirect(routes::MY_TICKETS);
            Ok(())
        }
        Err(error) => {
            let mut refusal = Refusal::from(error);
            if let (Some(name), Some(festival)) = (&stage_name, &festival) {
                refusal = refusal.naming_the_stage(name, &festival.time_zone);
            }
            Err(edge::refuse_form(
                edge::refused(refusal),
                typed,
                &stage_page,
            ))
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use crate::domain::{BuyError, StageId};
    use crate::refusal::Refusal;

    /// The path the timeout leaves alone for buys is this function's real path.
    #[test]
    fn the_buy_form_posts_where_the_timeout_leaves_it_alone() {
        use leptos::server_fn::ServerFn;
        assert_eq!(super::BuyTickets::PATH, crate::routes::BUY_SERVER_FN);
    }

    /// A buy rule's refusal as the stage page says it (`None` for one that
    /// names no stage): through the refusal table, as the server function does.
    fn naming_the_stage(refusal: &BuyError, name: &str) -> Option<String> {
        let by_number = Refusal::from(refusal.clone());
        let by_name = by_number
            .clone()
            .naming_the_stage(name, &crate::domain::TimeZoneName::tokyo());
        (by_name != by_number).then(|| by_name.sentence(Default::default()))
    }

    #[test]
    fn a_page_names_the_stage_instead_of_its_id() {
        assert_eq!(
            naming_the_stage(&BuyError::SoldOut(StageId(4)), "Stage 3").as_deref(),
            Some("Stage 3 is sold out.")
        );
        let not_enough = BuyError::NotEnoughStock {
            stage: StageId(4),
            requested: 3,
            remaining: 1,
        };
        assert_eq!(
            naming_the_stage(&not_enough, "Stage 3").as_deref(),
            Some("Only 1 ticket is left for Stage 3; you asked for 3.")
        );
        assert_eq!(naming_the_stage(&BuyError::NoTickets, "Stage 3"), None);
    }
}
