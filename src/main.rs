//! The tiket binary. `tiket` (or `tiket serve`) runs the server,
//! [`tiket::server::run`]; `tiket import` sets up a fresh data folder from
//! the replaced system's files ([`tiket::import`]); `tiket backup` copies a
//! data folder while a server runs on it and `tiket verify` checks one
//! ([`tiket::store::backup`]). Logs go to stderr; on
//! failure it prints one clear line on stderr and exits non-zero.

use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use tiket::import::{self, SeedOptions};
use tiket::server::config::{
    name_the_variable, non_empty_path, parse_rfc3339, parse_utc_offset, LogFormat, ServeArgs,
};
use tiket::store::JsonStore;
use time::{OffsetDateTime, UtcOffset};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "tiket",
    version,
    about = "A ticket shop for VTuber concerts, built to survive the rush."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the shop (the default). Each flag has a TIKET_* variable; Leptos's
    /// settings come from Leptos.toml and LEPTOS_* variables.
    Serve(ServeArgs),
    /// Set up a fresh data folder from the replaced system's stages.json and
    /// tickets.csv. Checks everything first; writes all or nothing.
    Import(ImportArgs),
    /// Copy a data folder consistently, even while a server sells from it;
    /// the copy holds every sale acknowledged before the backup began.
    /// Restore by starting tiket on the copy.
    Backup(BackupArgs),
    /// Check a data folder without serving it (checksums, records in order,
    /// no ticket twice, stock adds up) and print what it holds.
    Verify(VerifyArgs),
}

#[derive(Args)]
struct BackupArgs {
    /// The data folder to copy (a server may be running on it).
    #[arg(long, value_name = "DIR", env = "TIKET_DATA_DIR", default_value = "data", value_parser = non_empty_path)]
    data_dir: PathBuf,
    /// Where to put the copy: a new or empty folder.
    #[arg(long, value_name = "DIR", value_parser = non_empty_path)]
    to: PathBuf,
}

#[derive(Args)]
struct VerifyArgs {
    /// The data folder to check.
    #[arg(long, value_name = "DIR", env = "TIKET_DATA_DIR", default_value = "data", value_parser = non_empty_path)]
    data_dir: PathBuf,
}

#[derive(Args)]
struct ImportArgs {
    /// The old system's stages.json.
    #[arg(long, value_name = "FILE")]
    stages: PathBuf,
    /// The old system's tickets.csv.
    #[arg(long, value_name = "FILE")]
    tickets: PathBuf,
    /// The data folder to set up; it must hold no festival yet.
    #[arg(long, value_name = "DIR", env = "TIKET_DATA_DIR", default_value = "data", value_parser = non_empty_path)]
    data_dir: PathBuf,
    /// The festival's name.
    #[arg(long, value_name = "NAME", default_value = import::DEFAULT_FESTIVAL_NAME)]
    festival_name: String,
    /// The festival's venue.
    #[arg(long, value_name = "VENUE", default_value = import::DEFAULT_VENUE)]
    venue: String,
    /// The UTC offset of the local times in tickets.csv, like +09:00.
    #[arg(long, value_name = "OFFSET", default_value = "+00:00", value_parser = parse_utc_offset)]
    timestamp_offset: UtcOffset,
    /// When the sale of every stage opens (RFC 3339) [default: now, to the minute].
    #[arg(long, value_name = "TIME", value_parser = parse_rfc3339)]
    sale_opens: Option<OffsetDateTime>,
    /// When the sale of every stage closes at the latest (RFC 3339) [default:
    /// when its doors open].
    #[arg(long, value_name = "TIME", value_parser = parse_rfc3339)]
    sale_closes: Option<OffsetDateTime>,
}

fn main() -> ExitCode {
    let cli = Cli::try_parse().unwrap_or_else(|e| name_the_variable(e, &Cli::command()).exit());
    let command = match cli.command {
        Some(command) => command,
        None => Command::Serve(ServeArgs::from_env().unwrap_or_else(|e| e.exit())),
    };
    let log_format = match &command {
        Command::Serve(args) => args.log_format,
        Command::Import(_) | Command::Backup(_) | Command::Verify(_) => LogFormat::Text,
    };
    let _flush_logs_at_exit = start_logging(log_format);
    let result = match command {
        Command::Serve(args) => serve(args),
        Command::Import(args) => run_import(args),
        Command::Backup(args) => tiket::store::backup::backup(&args.data_dir, &args.to)
            .map(|summary| {
                println!(
                    "backed up {} to {}\n{summary}",
                    args.data_dir.display(),
                    args.to.display()
                )
            })
            .map_err(|e| e.to_string()),
        Command::Verify(args) => tiket::store::backup::verify(&args.data_dir)
            .map(|summary| println!("{}\n{summary}", args.data_dir.display()))
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if log_format == LogFormat::Json => {
            tracing::error!("tiket: {error}");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("tiket: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`). Lines are
/// written by a thread of their own (`tracing-appender`): a slow or stuck
/// reader of stderr costs log lines, once 128,000 are waiting, instead of
/// stalling the threads that sell tickets. The returned guard flushes what is
/// waiting at exit.
fn start_logging(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    let (stderr, guard) = tracing_appender::non_blocking(std::io::stderr());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    guard
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let config = args.into_config().map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime
        .block_on(tiket::server::run(config))
        .map_err(|e| e.to_string())
}

fn run_import(args: ImportArgs) -> Result<(), String> {
    let options = SeedOptions {
        festival_name: args.festival_name,
        venue: args.venue,
        timestamp_offset: args.timestamp_offset,
        sale_opens: args.sale_opens,
        sale_closes: args.sale_closes,
        now: OffsetDateTime::now_utc(),
    };
    let mut store = JsonStore::open(&args.data_dir).map_err(|e| e.to_string())?;
    let summary = import::import_into(&mut store, &args.stages, &args.tickets, &options)
        .map_err(|e| e.to_string())?;
    println!("{summary}");
    Ok(())
}
