//! The web server (feature `ssr`): configuration, start-up, the axum router.
//!
//! [`run`] takes the configuration (`tiket serve`'s flags, see [`config`]),
//! opens the data folder, binds the address and serves until Ctrl-C or
//! SIGTERM. Every way start-up can fail is a [`ServerError`] with a sentence
//! an operator can act on. [`router`] puts the pages, the [`json_api`] and
//! static files together over one [`state::AppState`]; [`layers`] wraps
//! every request (ids, logs, compression, limits, timeout); [`fallbacks`]
//! answers what no route does; [`stock_events`] streams live stock; [`auth`]
//! signs fans up, in and out for both.

pub mod auth;
pub mod client_addr;
pub mod commands;
pub mod config;
pub mod connections;
pub mod device;
pub mod fallbacks;
pub mod json_api;
pub mod layers;
pub mod password_queue;
pub mod prometheus;
pub mod router;
pub mod same_origin;
pub mod security_headers;
pub mod staff;
pub mod state;
pub mod stock_events;

use crate::domain::Festival;
use crate::shop::Shop;
use crate::store::{JsonStore, JsonStoreOptions, StoreError};
use auth::{Auth, AuthError};
use config::Config;
use state::AppState;
use std::{net::SocketAddr, sync::Arc};

/// Why the server could not start or keep serving.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}{hint}", hint = store_hint(.0))]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source} (is another server running? choose another address with --addr or TIKET_ADDR)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot set up sign-in: {0}")]
    Auth(#[from] AuthError),
    #[error("start-up failed: {0}")]
    Startup(#[from] tokio::task::JoinError),
    #[error(transparent)]
    Metrics(#[from] prometheus::MetricsError),
}

/// What an operator can do about a store error at start-up.
fn store_hint(error: &StoreError) -> &'static str {
    match error {
        StoreError::Folder { .. } | StoreError::Write { .. } => {
            " (choose a folder tiket may write with --data-dir or TIKET_DATA_DIR)"
        }
        StoreError::Locked { .. } => {
            " (stop the other server, or choose another folder with --data-dir or TIKET_DATA_DIR)"
        }
        StoreError::Read { .. }
        | StoreError::Corrupt { .. }
        | StoreError::CorruptLine { .. }
        | StoreError::Inconsistent { .. } => {
            " (tiket changes nothing until the file is fixed or restored from a backup)"
        }
        StoreError::WriterStopped
        | StoreError::AlreadySetUp { .. }
        | StoreError::NotSetUp { .. } => "",
    }
}

/// Runs tiket with `config` until Ctrl-C or SIGTERM, then saves every sale.
pub async fn run(config: Config) -> Result<(), ServerError> {
    // First, so the levels the shop sets as it opens are recorded too.
    if let Some(addr) = config.metrics_addr {
        prometheus::serve(addr)?;
    }
    let (data_dir, options) = (config.data_dir.clone(), config.shop);
    let shop = tokio::task::spawn_blocking(move || {
        let store_options = JsonStoreOptions {
            clock: options.clock.clone(),
            ..JsonStoreOptions::default()
        };
        let store = JsonStore::open_with(&data_dir, store_options)?;
        Shop::open(store, Festival::reference, options)
    })
    .await??;

    let addr = config.leptos.site_addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })?;
    let shop = Arc::new(shop);
    let auth = Arc::new(Auth::new(shop.clone(), config.auth)?);
    let limits = connection_limits(config.connections);
    // Turned into routes once, here. Served as a plain `Router`, axum would
    // do this for every connection, cloning every route's layers: 30 KB a
    // connection, 300 MB for a rush of 10,000 fans (the rush benchmark).
    let state =
        AppState::new(shop.clone(), auth, config.leptos).with_live_streams(limits.live_streams);
    let app = router::router(state).with_state(());

    tracing::info!(
        "tiket is serving on http://{addr} with data in {}",
        config.data_dir.display()
    );
    let closing_shop = shop.clone();
    connections::serve(listener, app, limits, config.clients, async move {
        shutdown_signal().await;
        // Live stock streams never end by themselves; end them now.
        closing_shop.begin_closing();
    })
    .await;
    shop.close().await?;
    tracing::info!("tiket stopped; every sale is saved");
    Ok(())
}

/// The connection caps, fitted under the open-file limit once it is raised
/// as far as it goes; says so when the limit is what caps them.
fn connection_limits(wanted: connections::ConnectionLimits) -> connections::ConnectionLimits {
    let open_files = match connections::raise_open_file_limit() {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!("cannot read or raise the open-file limit ({error}); assuming 1024");
            1_024
        }
    };
    let limits = wanted.fit(open_files);
    if limits != wanted {
        tracing::warn!(
            "the open-file limit is {open_files}, so tiket keeps at most {} connections at once \
             ({} per client address, {} live stock streams) instead of {}; raise the hard limit \
             (`ulimit -Hn`, or LimitNOFILE= in a systemd unit) to serve more",
            limits.total,
            limits.per_client,
            limits.live_streams,
            wanted.total,
        );
    } else {
        tracing::info!(
            "open-file limit {open_files}: up to {} connections at once, {} per client address",
            limits.total,
            limits.per_client
        );
    }
    limits
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests can finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
