//! Live stock: the remaining tickets of each stage, pushed by the server
//! (`GET /events/stock`, server-sent events) while a page is open, so fans
//! see stock fall without reloading. Until the first event arrives, and
//! always without JavaScript, pages show the stock they were rendered with.

use crate::domain::{StageId, StockLevel};
use leptos::prelude::*;

/// The stock levels this page follows.
#[derive(Clone, Copy)]
pub struct LiveStock {
    levels: ReadSignal<Option<Vec<StockLevel>>>,
}

impl LiveStock {
    /// A stage's remaining stock: the latest pushed, or `rendered` before any.
    pub fn remaining(self, stage: StageId, rendered: u32) -> Signal<u32> {
        Signal::derive(move || {
            self.levels
                .get()
                .and_then(|levels| levels.iter().find(|l| l.stage == stage).copied())
                .map_or(rendered, |level| level.remaining)
        })
    }

    /// Whether stock updates are arriving.
    pub fn is_live(self) -> Signal<bool> {
        Signal::derive(move || self.levels.with(Option::is_some))
    }
}

/// Follows the server's stock events while the calling page is shown (in the
/// browser; on the server this only returns the not-yet-live stock).
pub fn use_live_stock() -> LiveStock {
    let (levels, set_levels) = signal(None::<Vec<StockLevel>>);
    #[cfg(feature = "hydrate")]
    listen(set_levels);
    #[cfg(not(feature = "hydrate"))]
    let _ = set_levels;
    LiveStock { levels }
}

#[cfg(feature = "hydrate")]
fn listen(set_levels: WriteSignal<Option<Vec<StockLevel>>>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Ok(source) = web_sys::EventSource::new(crate::routes::STOCK_EVENTS) else {
        return;
    };
    let on_stock =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let levels = event
                .data()
                .as_string()
                .and_then(|json| serde_json::from_str::<Vec<StockLevel>>(&json).ok());
            if let Some(levels) = levels {
                set_levels.set(Some(levels));
            }
        });
    // The browser reconnects by itself after a dropped connection.
    let _ = source.add_event_listener_with_callback("stock", on_stock.as_ref().unchecked_ref());
    let connection = send_wrapper::SendWrapper::new((source, on_stock));
    on_cleanup(move || {
        let (source, _listener) = connection.take();
        source.close();
    });
}
