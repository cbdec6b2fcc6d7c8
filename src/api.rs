//! Server functions: the calls pages make to the server. They run on the
//! server during server-side rendering and over HTTP (`/api/fn/…`) from the
//! hydrated page, and they call the same [`Shop`](crate::shop::Shop) as the JSON API.

use crate::domain::inventory::FestivalListing;
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What can go wrong in a server function, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("the shop is not available right now, please try again in a moment")]
    ShopUnavailable,
    #[error("could not reach tiket: {0}")]
    Transport(String),
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}

/// The festival with every stage's remaining stock.
#[server(prefix = "/api/fn", endpoint = "list_stages")]
pub async fn list_stages() -> Result<FestivalListing, ApiError> {
    let shop =
        use_context::<std::sync::Arc<crate::shop::Shop>>().ok_or(ApiError::ShopUnavailable)?;
    Ok(shop.listing())
}
