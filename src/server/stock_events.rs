//! `GET /events/stock`: live stock as server-sent events, for the pages.
//!
//! Each event is named `stock` and carries every stage's remaining stock as
//! JSON, `[{"stage":1,"remaining":37},…]`: first the levels at connection,
//! then the new levels after sales. Levels are snapshots, so a client that
//! misses one loses nothing; each connection gets at most one event per
//! [`MIN_GAP`], however fast tickets sell, so ten thousand open pages cost
//! the rush little. Streams end when the server begins to shut down.

use crate::routes;
use crate::server::state::AppState;
use crate::shop::Shop;
use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
    routing::get,
    Router,
};
use futures_util::stream::{self, Stream, StreamExt};
use std::{convert::Infallible, sync::Arc, time::Duration};

/// The shortest time between two events on one connection.
pub const MIN_GAP: Duration = Duration::from_millis(250);

pub fn routes() -> Router<AppState> {
    Router::new().route(routes::STOCK_EVENTS, get(stock_events))
}

async fn stock_events(
    State(shop): State<Arc<Shop>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let updates = shop.stock_updates();
    let events = stream::unfold((updates, true), |(mut updates, first)| async move {
        if !first {
            tokio::time::sleep(MIN_GAP).await;
            // Ends the stream if the shop is gone.
            updates.changed().await.ok()?;
        }
        let levels = updates.borrow_and_update().clone();
        let event = Event::default()
            .event("stock")
            .json_data(&levels)
            .unwrap_or_else(|_| Event::default().comment("unreadable stock levels"));
        Some((Ok(event), (updates, false)))
    })
    .take_until(shop.closing().cancelled_owned());
    Sse::new(events).keep_alive(KeepAlive::default())
}
