//! Metrics for operators, in Prometheus's text format, on an address of
//! their own (`--metrics-addr`), so they are never public by accident. Off
//! unless that address is set: the code records through the `metrics`
//! facade everywhere, and nothing is kept unless this exporter is installed.
//!
//! What is recorded (all names start with `tiket_`):
//! - `tickets_sold{stage}`, `buys_total{outcome}`, `buy_seconds` (histogram),
//!   `buyers_waiting` (at the buy semaphore);
//! - `journal_batch_records`, `journal_flush_seconds` (histograms),
//!   `snapshot_seconds`, `snapshot_bytes`, `snapshots_total`;
//! - `live_streams` (open live-stock streams), `sessions` (signed in).

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use std::net::SocketAddr;

/// Bucket bounds in seconds: a buy or a flush takes about a millisecond when
/// all is well; the rush and a slow disk show in the upper ones.
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0,
];

/// Records per flush: one when quiet, hundreds in a rush.
const RECORDS: &[f64] = &[
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0,
];

/// Why metrics could not be served.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("cannot serve metrics on {addr}: {source} (choose another address with --metrics-addr or TIKET_METRICS_ADDR)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the metrics exporter: {0}")]
    Exporter(String),
}

/// Serves `/metrics` on `addr` from now on (on the running Tokio runtime).
pub fn serve(addr: SocketAddr) -> Result<(), MetricsError> {
    // The exporter binds in the background; bind once here so a taken
    // address stops start-up with a clear sentence.
    drop(std::net::TcpListener::bind(addr).map_err(|source| MetricsError::Bind { addr, source })?);
    let error = |e: metrics_exporter_prometheus::BuildError| MetricsError::Exporter(e.to_string());
    PrometheusBuilder::new()
        .with_http_listener(addr)
        .set_buckets_for_metric(Matcher::Suffix("seconds".into()), SECONDS)
        .map_err(error)?
        .set_buckets_for_metric(Matcher::Full("tiket_journal_batch_records".into()), RECORDS)
        .map_err(error)?
        .install()
        .map_err(error)?;
    tracing::info!("metrics for Prometheus on http://{addr}/metrics");
    Ok(())
}
