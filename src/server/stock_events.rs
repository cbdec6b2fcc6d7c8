//! `GET /events/stock`: live stock as server-sent events, for the pages.
//!
//! Each event is named `stock` and carries every stage's remaining stock as
//! JSON, `[{"stage":1,"remaining":37},…]`: first the levels at connection,
//! then the new levels after sales. Levels are snapshots, so a client that
//! misses one loses nothing; each connection gets at most one event per
//! [`MIN_GAP`], however fast tickets sell, so ten thousand open pages cost
//! the rush little. Streams end when the server begins to shut down.
//!
//! Open streams are counted ([`LiveStreams`]): past the cap a new one is
//! answered 503 with Retry-After, and the browser's `EventSource` tries
//! again by itself, so streams can never take every connection.

use crate::messages::Message;
use crate::routes;
use crate::server::fallbacks::error_answer;
use crate::server::state::AppState;
use crate::shop::Shop;
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::sse::{Event, KeepAlive, Sse},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use futures_util::stream::{self, StreamExt};
use std::{sync::Arc, time::Duration};
use tokio::sync::Semaphore;

/// Seconds a refused stream is asked to wait.
const RETRY_SECS: u64 = 5;

/// The shortest time between two events on one connection.
pub const MIN_GAP: Duration = Duration::from_millis(250);

pub fn routes() -> Router<AppState> {
    Router::new().route(routes::STOCK_EVENTS, get(stock_events))
}

/// A stream's place, counted in the metrics while it is held.
struct Counted(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

impl Counted {
    fn new(place: tokio::sync::OwnedSemaphorePermit) -> Self {
        metrics::gauge!("tiket_live_streams").increment(1.0);
        Counted(place)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        metrics::gauge!("tiket_live_streams").decrement(1.0);
    }
}

/// The places for open live stock streams.
#[derive(Clone, Debug)]
pub struct LiveStreams(Arc<Semaphore>);

impl LiveStreams {
    pub fn new(cap: usize) -> Self {
        LiveStreams(Arc::new(Semaphore::new(
            cap.clamp(1, Semaphore::MAX_PERMITS),
        )))
    }
}

async fn stock_events(
    State(shop): State<Arc<Shop>>,
    State(LiveStreams(places)): State<LiveStreams>,
) -> Response {
    let Ok(place) = places.try_acquire_owned() else {
        let mut answer = error_answer(
            StatusCode::SERVICE_UNAVAILABLE,
            &Message::TooManyLiveStreams,
            routes::STOCK_EVENTS,
        );
        let retry = HeaderValue::from(RETRY_SECS);
        answer.headers_mut().insert(header::RETRY_AFTER, retry);
        return answer;
    };
    let updates = shop.stock_updates();
    let place = Counted::new(place);
    // The place is given back when the stream ends or the fan leaves.
    let events = stream::unfold(
        (updates, true, place),
        |(mut updates, first, place)| async move {
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
            Some((
                Ok::<_, std::convert::Infallible>(event),
                (updates, false, place),
            ))
        },
    )
    .take_until(shop.closing().cancelled_owned());
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}
