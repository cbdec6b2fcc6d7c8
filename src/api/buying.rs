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
            let named = match (&error, shop.stage_listing(stage)) {
                (ShopError::Refused(refusal), Some(listing)) => {
                    naming_the_stage(refusal, &listing.stage.name)
                }
                _ => None,
            };
            let mut problem = edge::refused(error, field);
            if let Some(message) = named {
                problem.message = message;
            }
            Err(edge::refuse_form(problem, typed, &stage_page))
        }
    }
}

/// The buy rule's refusals name a stage by its id (the JSON API's clients
/// know ids); the page names the stage the fan is looking at.
#[cfg(feature = "ssr")]
fn naming_the_stage(refusal: &crate::domain::BuyError, name: &str) -> Option<String> {
    use crate::components::when::short_date_time;
    use crate::domain::BuyError;
    Some(match *refusal {
        BuyError::SoldOut(_) => format!("{name} is sold out."),
        BuyError::NotEnoughStock { requested, remaining, .. } => match remaining {
            1 => format!("Only 1 ticket is left for {name}; you asked for {requested}."),
            _ => format!("Only {remaining} tickets are left for {name}; you asked for {requested}."),
        },
        BuyError::OverFanLimit { limit, held, .. } => format!(
            "A fan may hold at most {limit} tickets for {name}; you hold {held} already, so you can buy {} more.",
            limit.saturating_sub(held)
        ),
        BuyError::SaleNotOpen { opens, .. } => format!(
            "Tickets for {name} are not on sale yet; the sale opens {} JST.",
            short_date_time(opens)
        ),
        BuyError::SaleClosed { closed, .. } => {
            format!("The sale for {name} closed {} JST.", short_date_time(closed))
        }
        BuyError::UnknownStage(_) | BuyError::NoTickets | BuyError::OverOrderLimit { .. } => {
            return None
        }
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::naming_the_stage;
    use crate::domain::{BuyError, StageId};

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
