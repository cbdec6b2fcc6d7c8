//! tiket: a ticket shop for VTuber concerts, built to survive the rush.
//! `ARCHITECTURE.md` at the repository's root draws the layers; in short,
//! arrows point down only:
//!
//! - [`domain`]: festivals, stages, orders, the buy rule — shared by server
//!   and browser, free of web, UI and file types;
//! - `store` → `shop` (feature `ssr`): persistence behind a small trait, and
//!   the running shop with its one buy path and one write path;
//! - `server` (feature `ssr`): the axum server — auth, the JSON API, the
//!   router and its layers; `import`: the replaced system's files into a
//!   data folder;
//! - [`server_fns`]: the server functions the pages call (not the JSON API);
//! - [`app`], [`pages`], [`components`]: the Leptos UI, rendered on the
//!   server and hydrated in the browser;
//! - shared by both sides: [`routes`] (paths), [`when`] (dates and times),
//!   [`forms`] (what forms pass); on the server, `messages` (every refusal's
//!   sentence, in a language), `refusal` (the refusal → status table) and
//!   `clock` (the time, passed in).

#![recursion_limit = "256"]

pub mod app;
pub mod components;
pub mod domain;
pub mod forms;
pub mod pages;
pub mod routes;
pub mod server_fns;
pub mod when;

#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod messages;
#[cfg(feature = "ssr")]
pub mod refusal;
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
