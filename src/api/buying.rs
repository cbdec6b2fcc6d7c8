//! The buy form's action: the same [`Shop::buy_once`](crate::shop::Shop::buy_once)
//! the JSON API calls, keyed so a form sent twice buys once.

use super::Problem;
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
    use super::{edge, Bought, Field, Flash};
    use crate::domain::{BuyError, IdempotencyKey, Order, StageId, Yen};
    use crate::shop::ShopError;
    use axum::http::StatusCode;

    let (auth, shop) = (edge::auth()?, edge::shop()?);
    let Ok(stage) = stage.trim().parse::<u32>().map(StageId) else {
        return Err(edge::problem(
            StatusCode::NOT_FOUND,
            Problem::new(format!("There is no stage {:?}.", stage.trim())),
        ));
    };
    let stage_page = format!("/stages/{}", stage.0);
    let typed = Flash {
        quantity: Some(quantity.clone()),
        ..Flash::default()
    };
    let Some(fan) = edge::signed_in_fan(&auth) else {
        let problem = edge::problem(
            StatusCode::UNAUTHORIZED,
            Problem::new("Sign in to buy tickets; your session may have ended."),
        );
        if edge::is_plain_form_post() {
            edge::redirect(&format!("/sign-in?next={stage_page}"));
        }
        return Err(problem);
    };
    let limit = shop.limits().per_order;
    let Ok(quantity) = quantity.trim().parse::<u32>() else {
        let problem = edge::problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            Problem::new(format!(
                "Choose how many tickets: a whole number from 1 to {limit}."
            ))
            .about(Field::Quantity),
        );
        return Err(edge::refuse_form(problem, typed, &stage_page));
    };
    let key = IdempotencyKey::new(order_key).ok();
    let order = Order {
        stage,
        fan: fan.clone(),
        quantity,
    };
    match shop.buy_once(order, key).await {
        Ok(purchase) => {
            tracing::info!(
                fan = fan.as_str(),
                stage = stage.0,
                tickets = purchase.tickets.len(),
                replayed = purchase.replayed,
                "sold (page)"
            );
            let listing = shop.stage_listing(stage);
            let price = listing.as_ref().map_or(Yen(0), |l| l.stage.price);
            edge::set_flash(&Flash {
                bought: Some(Bought {
                    stage_name: listing.map(|l| l.stage.name).unwrap_or_default(),
                    total: Yen(price.0 * purchase.tickets.len() as u64),
                    tickets: purchase.tickets.iter().map(|t| t.id).collect(),
                    replayed: purchase.replayed,
                }),
                ..Flash::default()
            });
            edge::redirect("/my-tickets");
            Ok(())
        }
        Err(error) => {
            let field = match &error {
                ShopError::Refused(
                    BuyError::NoTickets
                    | BuyError::OverOrderLimit { .. }
                    | BuyError::OverFanLimit { .. }
                    | BuyError::NotEnoughStock { .. },
                ) => Some(Field::Quantity),
                _ => None,
            };
            let problem = edge::refused(error, field);
            Err(edge::refuse_form(problem, typed, &stage_page))
        }
    }
}
