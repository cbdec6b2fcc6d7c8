//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod api;

use std::sync::Arc;
use tiket::domain::{Festival, Stage, StageId, Yen};
use tiket::server::client_addr::ClientAddrs;
use tiket::server::connections::{self, ConnectionLimits};
use tiket::server::{auth::Auth, state::AppState};
use tiket::shop::Shop;
use time::macros::datetime;

/// A festival whose stages are on sale whenever the tests run (2000–2100),
/// with the given stock per stage, ids from 1.
pub fn festival_on_sale(stocks: &[u32]) -> Festival {
    let stages = stocks
        .iter()
        .zip(1..)
        .map(|(&total_stock, id)| Stage {
            id: StageId(id),
            name: format!("Stage {id}"),
            day: 1 + (id as u8 - 1) / 2,
            doors_open: datetime!(2100-03-20 10:00 +9),
            starts_at: datetime!(2100-03-20 11:30 +9),
            price: Yen(7_950),
            total_stock,
            sale_opens: datetime!(2000-01-01 00:00 +9),
            sale_closes: datetime!(2100-03-20 10:00 +9),
            per_order: None,
            per_fan: None,
            closed: false,
            reentry: false,
        })
        .collect();
    Festival::new("Test fes", "Test hall", stages).expect("a valid festival")
}

/// Runs a test on one multi-threaded runtime shared by all tests of the
/// binary, as the server has one, failing it if it takes longer than
/// `limit`. (With a runtime per test, tests on parallel threads share
/// Leptos's global executor across runtimes, and about one run in 400 hung:
/// a test artefact, not seen in 6,000 concurrent requests to the real server.)
pub fn run_shared(limit: std::time::Duration, test: impl std::future::Future<Output = ()>) {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime")
    });
    runtime.block_on(async {
        tokio::time::timeout(limit, test)
            .await
            .unwrap_or_else(|_| panic!("the test did not finish within {limit:?}"))
    });
}

/// The whole app over `shop` and `auth`, with static files from `target/site`.
pub fn app(shop: Arc<Shop>, auth: Arc<Auth>) -> axum::Router {
    let options = leptos::config::LeptosOptions::builder()
        .output_name("tiket")
        .site_root("target/site")
        .build();
    tiket::server::router::router(AppState::new(shop, auth, options))
}

/// [`app`] served on a free local port as the server serves it; returns
/// its base URL.
pub async fn serve_locally(shop: Arc<Shop>, auth: Arc<Auth>) -> String {
    serve_state(
        AppState::new(shop, auth, site_options()),
        ConnectionLimits::default(),
    )
    .await
}

/// The app over `state` served on a free local port through the server's
/// own connection handling, under `limits`; returns its base URL.
pub async fn serve_state(state: AppState, limits: ConnectionLimits) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let app = tiket::server::router::router(state.with_live_streams(limits.live_streams));
    tokio::spawn(connections::serve(
        listener,
        app,
        limits,
        ClientAddrs::default(),
        std::future::pending(),
    ));
    base
}

/// Leptos's options for tests: static files from `target/site`.
pub fn site_options() -> leptos::config::LeptosOptions {
    leptos::config::LeptosOptions::builder()
        .output_name("tiket")
        .site_root("target/site")
        .build()
}
