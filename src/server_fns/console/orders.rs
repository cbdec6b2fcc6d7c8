//! The orders desk: tickets found by a fan's name or a ticket code.

use super::sales::TicketRow;
use super::Gate;
use crate::forms::Problem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Orders {
    pub query: String,
    /// The tickets found, grouped in orders (same fan, same moment), oldest first.
    pub orders: Vec<Vec<TicketRow>>,
    /// Whether the search stopped at its most results.
    pub more: bool,
}

/// Tickets whose code is `q` (with or without the dash, any case) or whose
/// fan's name is or contains `q`.
#[server(prefix = "/api/fn", endpoint = "search_orders")]
pub async fn search_orders(q: String) -> Result<Gate<Orders>, Problem> {
    use super::super::edge;
    super::page(|_caller| {
        let shop = edge::shop()?;
        let found = shop.search_tickets(&q);
        let catalogue = shop.catalogue();
        let locale = edge::language();
        let more = found.len() >= crate::shop::festivals::MOST_FOUND;
        let mut orders: Vec<Vec<TicketRow>> = Vec::new();
        for ticket in &found {
            let row = super::sales::ticket_row(ticket, &catalogue, locale);
            match orders.iter_mut().find(|order| order[0].order == row.order) {
                Some(order) => order.push(row),
                None => orders.push(vec![row]),
            }
        }
        Ok(Orders {
            query: q.trim().to_owned(),
            orders,
            more,
        })
    })
}
