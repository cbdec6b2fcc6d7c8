//! tiket: a ticket shop for VTuber concerts, built to survive the rush.
//!
//! - [`domain`]: stages, prices, stock, fans and their accounts — shared by
//!   server and browser.
//! - [`app`], [`pages`], [`components`]: the Leptos UI, rendered on the
//!   server and hydrated in the browser.
//! - [`api`]: server functions the pages call.
//! - `store`, `shop`, `server` (feature `ssr`): persistence, the running shop
//!   (sales, accounts, sessions), and the axum server with its JSON API.
//! - `import` (feature `ssr`): reads the replaced system's `stages.json` and
//!   `tickets.csv` into a fresh data folder (`tiket import`).

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod shop;
#[cfg(feature = "ssr")]
pub mod store;

/// The browser's entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
