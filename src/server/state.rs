//! [`AppState`]: what the server's handlers share — the shop, sign-in and
//! Leptos's options — handed to axum once. Each handler extracts only the
//! part it needs (`State<Arc<Shop>>`, `State<Arc<Auth>>`), through
//! [`FromRef`], instead of reaching one service through another.

use crate::server::auth::Auth;
use crate::server::connections::ConnectionLimits;
use crate::server::stock_events::LiveStreams;
use crate::shop::Shop;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub shop: Arc<Shop>,
    pub auth: Arc<Auth>,
    pub leptos: LeptosOptions,
    pub live_streams: LiveStreams,
}

impl AppState {
    pub fn new(shop: Arc<Shop>, auth: Arc<Auth>, leptos: LeptosOptions) -> Self {
        let live_streams = LiveStreams::new(ConnectionLimits::default().live_streams);
        AppState {
            shop,
            auth,
            leptos,
            live_streams,
        }
    }

    /// At most `n` live stock streams open at once.
    pub fn with_live_streams(self, n: usize) -> Self {
        AppState {
            live_streams: LiveStreams::new(n),
            ..self
        }
    }
}
