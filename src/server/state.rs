//! [`AppState`]: what the server's handlers share — the shop, sign-in and
//! Leptos's options — handed to axum once. Each handler extracts only the
//! part it needs (`State<Arc<Shop>>`, `State<Arc<Auth>>`), through
//! [`FromRef`], instead of reaching one service through another.

use crate::server::auth::Auth;
use crate::shop::Shop;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub shop: Arc<Shop>,
    pub auth: Arc<Auth>,
    pub leptos: LeptosOptions,
}

impl AppState {
    pub fn new(shop: Arc<Shop>, auth: Arc<Auth>, leptos: LeptosOptions) -> Self {
        AppState { shop, auth, leptos }
    }
}
