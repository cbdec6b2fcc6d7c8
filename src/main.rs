//! The tiket server binary: logs to stderr, runs [`tiket::server::run`], and
//! exits non-zero with one clear line on stderr when start-up fails.

use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match tiket::server::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tiket: {error}");
            ExitCode::FAILURE
        }
    }
}
