//! The tiket binary. `tiket` (or `tiket serve`) runs the server,
//! [`tiket::server::run`]; `tiket import` sets up a fresh data folder from
//! the replaced system's files ([`tiket::import`]) or adds their festival
//! to a folder holding a shop; `tiket staff add` makes staff accounts
//! ([`tiket::server::commands`]); `tiket backup` copies a
//! data folder while a server runs on it and `tiket verify` checks one
//! ([`tiket::store::backup`]). Logs go to stderr; on
//! failure it prints one clear line on stderr and exits non-zero.

use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use tiket::domain::{Role, Slug, TimeZoneName};
use tiket::import::{self, SeedOptions};
use tiket::server::commands;
use tiket::server::config::{
    name_the_variable, non_empty_path, parse_rfc3339, parse_utc_offset, LogFormat, ServeArgs,
};
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
    /// Staff accounts: `tiket staff add NAME --role organiser`.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Copy a data folder consistently, even while a server sells from it;
    /// the copy holds every sale acknowledged before the backup began.
    /// Restore by starting tiket on the copy.
    Backup(BackupArgs),
    /// Check a data folder without serving it (checksums, records in order,
    /// no ticket twice, stock adds up) and print what it holds.
    Verify(VerifyArgs),
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Give an account a role, making the account first if there is none
    /// (the password comes from --password-stdin or a prompt). Works on a
    /// data folder no server holds; a missing one is set up as the server
    /// would. Later staff are added in the console.
    Add(StaffAddArgs),
    /// Forget an account's second factor (a lost phone, no recovery code
    /// left): they set up a new one at their next sign-in.
    ResetSecondFactor(StaffResetArgs),
}

#[derive(Args)]
struct StaffResetArgs {
    /// The account's name.
    name: String,
    /// The data folder.
    #[arg(long, value_name = "DIR", env = "TIKET_DATA_DIR", default_value = "data", value_parser = non_empty_path)]
    data_dir: PathBuf,
}

#[derive(Args)]
struct StaffAddArgs {
    /// The account's name (as fans' names: 1 to 32 characters).
    name: String,
    /// `organiser` (runs festivals; signs in with a second factor) or `door`.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
    /// The data folder.
    #[arg(long, value_name = "DIR", env = "TIKET_DATA_DIR", default_value = "data", value_parser = non_empty_path)]
    data_dir: PathBuf,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("{text:?} is not a role: use organiser or door"))
}

/// The new account's password: a line of standard input, or typed at a
/// prompt without echo.
fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    if !std::io::stdin().is_terminal() {
        return Err(
            "no terminal to ask for the password: pass it on standard input with --password-stdin"
                .into(),
        );
    }
    let first = rpassword::prompt_password("Password for the new account: ")
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let again = rpassword::prompt_password("The same password again: ")
        .map_err(|e| format!("cannot read the password: {e}"))?;
    match first == again {
        true => Ok(first),
        false => Err("the two passwords differ; nothing was changed".into()),
    }
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
    /// The data folder: set up with this festival when empty, or given it
    /// as a new (draft) festival when it holds a shop no server runs.
    #[arg(long, value_name = "DIR", env = "TIKET_DATA_DIR", default_value = "data", value_parser = non_empty_path)]
    data_dir: PathBuf,
    /// The festival's name.
    #[arg(long, value_name = "NAME", default_value = import::DEFAULT_FESTIVAL_NAME)]
    festival_name: String,
    /// The festival's venue.
    #[arg(long, value_name = "VENUE", default_value = import::DEFAULT_VENUE)]
    venue: String,
    /// The festival's address name (/f/SLUG) [default: made from its name].
    #[arg(long, value_name = "SLUG", value_parser = parse_slug)]
    slug: Option<Slug>,
    /// Where the festival happens: an IANA time zone.
    #[arg(long, value_name = "ZONE", default_value = "Asia/Tokyo", value_parser = parse_zone)]
    time_zone: TimeZoneName,
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

fn parse_slug(text: &str) -> Result<Slug, String> {
    Slug::new(text).map_err(|e| e.to_string())
}

fn parse_zone(text: &str) -> Result<TimeZoneName, String> {
    let zone = TimeZoneName(text.to_owned());
    match tiket::when::zone_exists(&zone) {
        true => Ok(zone),
        false => Err(format!(
            "{text:?} is not a time zone: use an IANA name such as Asia/Tokyo or Asia/Jakarta"
        )),
    }
}

fn main() -> ExitCode {
    let cli = Cli::try_parse().unwrap_or_else(|e| name_the_variable(e, &Cli::command()).exit());
    let command = match cli.command {
        Some(command) => command,
        None => Command::Serve(ServeArgs::from_env().unwrap_or_else(|e| e.exit())),
    };
    let log_format = match &command {
        Command::Serve(args) => args.log_format,
        Command::Import(_) | Command::Staff(_) | Command::Backup(_) | Command::Verify(_) => {
            LogFormat::Text
        }
    };
    let _flush_logs_at_exit = start_logging(log_format);
    let result = match command {
        Command::Serve(args) => serve(args),
        Command::Import(args) => run_import(args),
        Command::Staff(StaffCommand::Add(args)) => {
            let from_stdin = args.password_stdin;
            commands::add_staff(&args.data_dir, &args.name, args.role, || {
                read_password(from_stdin)
            })
            .map(|done| println!("{done}"))
            .map_err(|e| e.to_string())
        }
        Command::Staff(StaffCommand::ResetSecondFactor(args)) => {
            commands::reset_second_factor(&args.data_dir, &args.name)
                .map(|done| println!("{done}"))
                .map_err(|e| e.to_string())
        }
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
        slug: args.slug,
        time_zone: args.time_zone,
    };
    let done = commands::import(&args.data_dir, &args.stages, &args.tickets, &options)
        .map_err(|e| e.to_string())?;
    println!("{done}");
    Ok(())
}
