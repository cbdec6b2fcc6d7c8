//! Configuration: `tiket serve`'s flags, each with a `TIKET_…` environment
//! variable for when it is not given ([`ServeArgs`]), and Leptos's own settings
//! from `Leptos.toml` (each overridable by its `LEPTOS_…` variable, e.g.
//! `LEPTOS_SITE_ADDR`). [`ServeArgs::into_config`] puts the two together.

use crate::domain::BuyLimits;
use crate::server::auth::AuthOptions;
use crate::server::client_addr::ClientAddrs;
use crate::server::connections::ConnectionLimits;
use crate::shop::ShopOptions;
use clap::error::{ContextKind, ContextValue};
use clap::{Args, FromArgMatches, ValueEnum};
use leptos::config::{get_configuration, LeptosOptions};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// Leptos's runtime settings, read from the working directory when present.
const LEPTOS_TOML: &str = "Leptos.toml";

/// `tiket serve`'s settings. Flags win over their environment variables,
/// which win over the defaults.
#[derive(Args, Clone, Debug)]
pub struct ServeArgs {
    /// Address and port to serve on, like 127.0.0.1:3000 [default:
    /// LEPTOS_SITE_ADDR, else site-addr in Leptos.toml]
    #[arg(long, value_name = "ADDR", env = "TIKET_ADDR")]
    pub addr: Option<SocketAddr>,
    /// The data folder; created and seeded with the festival on first start.
    #[arg(long, value_name = "DIR", env = "TIKET_DATA_DIR", default_value = "data", value_parser = non_empty_path)]
    pub data_dir: PathBuf,
    /// Buys in flight at once; the rest wait their turn in arrival order.
    #[arg(long, value_name = "N", env = "TIKET_BUY_PERMITS", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub buy_permits: u32,
    /// Most tickets in one order.
    #[arg(long, value_name = "N", env = "TIKET_PER_ORDER_LIMIT", default_value_t = BuyLimits::default().per_order,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(BuyLimits::MOST_PER_ORDER)))]
    pub per_order_limit: u32,
    /// Most tickets one fan may hold for one stage, earlier orders included.
    #[arg(long, value_name = "N", env = "TIKET_PER_FAN_LIMIT", default_value_t = BuyLimits::default().per_fan,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(BuyLimits::MOST_PER_FAN)))]
    pub per_fan_limit: u32,
    /// How log lines on stderr look (RUST_LOG filters them).
    #[arg(long, value_name = "FORMAT", env = "TIKET_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Days a sign-in lasts.
    #[arg(long, value_name = "DAYS", env = "TIKET_SESSION_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=365))]
    pub session_days: u32,
    /// Passwords hashed at once (argon2id, about 19 MiB each); the rest wait.
    /// [default: one fewer than the cores, at least 1]
    #[arg(long, value_name = "N", env = "TIKET_HASH_WORKERS",
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub hash_workers: Option<u32>,
    /// Mark the session cookie Secure (HTTPS only). Turn on when fans reach
    /// tiket over HTTPS (directly or through a proxy), as in production.
    #[arg(long, env = "TIKET_SECURE_COOKIE", value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookie: bool,
    /// Sign-ins waiting for a password check beyond which new ones are
    /// answered 503 at once. [default: 32 per hash worker]
    #[arg(long, value_name = "N", env = "TIKET_SIGN_IN_QUEUE",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub sign_in_queue: Option<u32>,
    /// Accounts one client address may open in an hour (a fifth of them at once).
    #[arg(long, value_name = "N", env = "TIKET_SIGN_UPS_PER_CLIENT_PER_HOUR", default_value_t = AuthOptions::default().sign_ups_per_client_per_hour,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub sign_ups_per_client_per_hour: u32,
    /// Accounts opened per second in all (a hundred seconds' worth at once).
    #[arg(long, value_name = "N", env = "TIKET_SIGN_UPS_PER_SECOND", default_value_t = AuthOptions::default().sign_ups_per_second,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub sign_ups_per_second: u32,
    /// Seconds a client has to send a request's header; also the longest a
    /// kept-alive connection may idle.
    #[arg(long, value_name = "SECS", env = "TIKET_HEADER_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub header_timeout: u64,
    /// Connections open at once in all (kept under the open-file limit).
    #[arg(long, value_name = "N", env = "TIKET_MAX_CONNECTIONS", default_value_t = ConnectionLimits::default().total as u32,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub max_connections: u32,
    /// Connections open at once from one client address.
    #[arg(long, value_name = "N", env = "TIKET_MAX_CONNECTIONS_PER_CLIENT", default_value_t = ConnectionLimits::default().per_client as u32,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub max_connections_per_client: u32,
    /// Live stock streams open at once (each holds a connection).
    #[arg(long, value_name = "N", env = "TIKET_MAX_LIVE_STREAMS", default_value_t = ConnectionLimits::default().live_streams as u32,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub max_live_streams: u32,
    /// Serve metrics for Prometheus on this address (`/metrics`), like
    /// 127.0.0.1:9100 [default: off]. Keep it private: it is not the shop's address.
    #[arg(long, value_name = "ADDR", env = "TIKET_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Proxies in front of tiket whose X-Forwarded-For names the client:
    /// comma-separated addresses or networks, like 10.0.0.0/8,::1.
    #[arg(
        long,
        value_name = "LIST",
        env = "TIKET_TRUSTED_PROXIES",
        default_value = ""
    )]
    pub trusted_proxies: ClientAddrs,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line, with the request's span fields (id, method,
    /// path), for log collectors.
    Json,
}

/// The server's whole configuration, ready to run.
#[derive(Clone, Debug)]
pub struct Config {
    pub leptos: LeptosOptions,
    pub data_dir: PathBuf,
    pub shop: ShopOptions,
    pub auth: AuthOptions,
    pub connections: ConnectionLimits,
    pub clients: ClientAddrs,
    pub metrics_addr: Option<SocketAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid Leptos configuration ({LEPTOS_TOML} or LEPTOS_* variables): {0}")]
    Leptos(String),
}

impl ServeArgs {
    /// The settings of `tiket` run without a subcommand: those of `tiket serve`
    /// without flags, so each comes from its variable or its default.
    pub fn from_env() -> Result<Self, clap::Error> {
        let command = Self::augment_args(clap::Command::new("tiket"));
        let matches = command
            .clone()
            .try_get_matches_from(["tiket"])
            .map_err(|error| name_the_variable(error, &command))?;
        Self::from_arg_matches(&matches)
    }

    /// Adds Leptos's settings (`Leptos.toml`, `LEPTOS_…`) and turns the flags
    /// into the shop's options.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let leptos_toml = Path::new(LEPTOS_TOML).exists().then_some(LEPTOS_TOML);
        let mut leptos = get_configuration(leptos_toml)
            .map_err(|e| ConfigError::Leptos(e.to_string()))?
            .leptos_options;
        if let Some(addr) = self.addr {
            leptos.site_addr = addr;
        }
        let shop = ShopOptions {
            limits: BuyLimits {
                per_order: self.per_order_limit,
                per_fan: self.per_fan_limit,
            },
            buy_permits: self.buy_permits as usize,
            ..ShopOptions::default()
        };
        let defaults = AuthOptions::default();
        let auth = AuthOptions {
            session_lifetime: time::Duration::days(self.session_days.into()),
            secure_cookie: self.secure_cookie,
            hash_workers: self
                .hash_workers
                .map_or(defaults.hash_workers, |n| n as usize),
            sign_ups_per_client_per_hour: self.sign_ups_per_client_per_hour,
            sign_ups_per_second: self.sign_ups_per_second,
            ..defaults
        };
        let auth = AuthOptions {
            sign_in_queue: self
                .sign_in_queue
                .map_or(32 * auth.hash_workers, |n| n as usize),
            ..auth
        };
        let connections = ConnectionLimits {
            header_read_timeout: std::time::Duration::from_secs(self.header_timeout),
            total: self.max_connections as usize,
            per_client: self.max_connections_per_client as usize,
            live_streams: self.max_live_streams as usize,
        };
        Ok(Config {
            leptos,
            data_dir: self.data_dir,
            shop,
            auth,
            connections,
            clients: self.trusted_proxies,
            metrics_addr: self.metrics_addr,
        })
    }
}

/// Clap's error for a wrong value names the flag; when the value came from
/// the flag's environment variable instead, this adds a line naming it.
pub fn name_the_variable(mut error: clap::Error, command: &clap::Command) -> clap::Error {
    let (Some(ContextValue::String(flag)), Some(ContextValue::String(value))) = (
        error.get(ContextKind::InvalidArg),
        error.get(ContextKind::InvalidValue),
    ) else {
        return error;
    };
    let variable = std::iter::once(command)
        .chain(command.get_subcommands())
        .flat_map(|command| command.get_arguments())
        .find(|arg| {
            arg.get_long()
                .is_some_and(|long| long_flag(flag) == Some(long))
        })
        .and_then(|arg| arg.get_env())
        .filter(|name| std::env::var_os(name).is_some_and(|set| set == value.as_str()))
        .map(|name| name.to_string_lossy().into_owned());
    if let Some(variable) = variable {
        let mut tips = match error.get(ContextKind::Suggested) {
            Some(ContextValue::StyledStrs(tips)) => tips.clone(),
            _ => Vec::new(),
        };
        tips.push(format!("the value comes from the environment variable {variable}").into());
        error.insert(ContextKind::Suggested, ContextValue::StyledStrs(tips));
    }
    error
}

/// `buy-permits` from clap's `--buy-permits <N>`.
fn long_flag(shown: &str) -> Option<&str> {
    shown.strip_prefix("--")?.split([' ', '=']).next()
}

/// A path that is not empty (an empty `TIKET_DATA_DIR` is a mistake, not the
/// current folder).
pub fn non_empty_path(text: &str) -> Result<PathBuf, String> {
    if text.is_empty() {
        Err("the data folder must not be empty".into())
    } else {
        Ok(PathBuf::from(text))
    }
}

/// Reads a UTC offset as `+09:00`, `-05:30` or `Z` (for the command line).
pub fn parse_utc_offset(text: &str) -> Result<UtcOffset, String> {
    if text == "Z" || text == "z" {
        return Ok(UtcOffset::UTC);
    }
    UtcOffset::parse(
        text,
        format_description!("[offset_hour sign:mandatory]:[offset_minute]"),
    )
    .map_err(|_| format!("{text:?} is not a UTC offset like +09:00, -05:30 or Z"))
}

/// Reads an RFC 3339 time such as `2024-03-01T12:00:00+09:00` (for the command line).
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|_| format!("{text:?} is not an RFC 3339 time like 2024-03-01T12:00:00+09:00"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use time::macros::{datetime, offset};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn parse(args: &[&str]) -> Result<ServeArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("tiket").chain(args.iter().copied())).map(|c| c.serve)
    }

    #[test]
    fn flags_become_the_shops_options() {
        let args = parse(&[
            "--addr",
            "0.0.0.0:8080",
            "--data-dir",
            "/var/lib/tiket",
            "--buy-permits",
            "65536",
            "--per-order-limit",
            "100",
            "--per-fan-limit",
            "1",
            "--log-format",
            "json",
            "--session-days",
            "7",
            "--hash-workers",
            "3",
            "--secure-cookie",
            "--sign-in-queue",
            "9",
            "--sign-ups-per-client-per-hour",
            "5000",
            "--sign-ups-per-second",
            "7",
            "--header-timeout",
            "3",
            "--max-connections",
            "100",
            "--max-connections-per-client",
            "20",
            "--max-live-streams",
            "50",
            "--trusted-proxies",
            "10.0.0.0/8,::1",
            "--metrics-addr",
            "127.0.0.1:9100",
        ])
        .unwrap();
        assert_eq!(args.log_format, LogFormat::Json);
        let config = args.into_config().unwrap();
        assert_eq!(config.leptos.site_addr.to_string(), "0.0.0.0:8080");
        assert_eq!(config.data_dir, Path::new("/var/lib/tiket"));
        assert_eq!(config.shop.buy_permits, 65_536);
        assert_eq!(config.shop.limits.per_order, 100);
        assert_eq!(config.shop.limits.per_fan, 1);
        assert_eq!(config.shop.max_batch, ShopOptions::default().max_batch);
        assert_eq!(config.auth.session_lifetime, time::Duration::days(7));
        assert_eq!(config.auth.hash_workers, 3);
        assert!(config.auth.secure_cookie);
        assert_eq!(config.auth.sign_in_queue, 9);
        assert_eq!(config.auth.sign_ups_per_client_per_hour, 5000);
        assert_eq!(config.auth.sign_ups_per_second, 7);
        assert_eq!(
            config.connections,
            ConnectionLimits {
                header_read_timeout: std::time::Duration::from_secs(3),
                total: 100,
                per_client: 20,
                live_streams: 50,
            }
        );
        assert!(config.clients.is_trusted_proxy("10.9.8.7".parse().unwrap()));
        assert!(config.clients.is_trusted_proxy("::1".parse().unwrap()));
        assert!(!config.clients.is_trusted_proxy("11.0.0.1".parse().unwrap()));
        assert_eq!(config.metrics_addr, Some("127.0.0.1:9100".parse().unwrap()));
        let defaults = parse(&[]).unwrap().into_config().unwrap();
        assert!(!defaults.auth.secure_cookie);
        assert_eq!(defaults.auth.session_lifetime, time::Duration::days(30));
        assert_eq!(defaults.auth.sign_in_queue, 32 * defaults.auth.hash_workers);
        assert_eq!(defaults.connections, ConnectionLimits::default());
        assert_eq!(defaults.clients, ClientAddrs::default());
    }

    #[test]
    fn out_of_range_numbers_and_an_empty_folder_are_refused_naming_the_flag() {
        for (flag, value) in [
            ("--buy-permits", "0"),
            ("--buy-permits", "65537"),
            ("--per-order-limit", "101"),
            ("--per-fan-limit", "-1"),
            ("--per-fan-limit", "four"),
            ("--data-dir", ""),
            ("--log-format", "xml"),
            ("--session-days", "0"),
            ("--session-days", "366"),
            ("--hash-workers", "0"),
            ("--header-timeout", "0"),
            ("--max-connections", "0"),
            ("--sign-ups-per-second", "0"),
            ("--trusted-proxies", "proxy.local"),
        ] {
            let error = parse(&[&format!("{flag}={value}")])
                .expect_err("refused")
                .to_string();
            assert!(error.contains(flag), "{flag} {value}: {error}");
        }
    }

    #[test]
    fn reads_command_line_offsets_and_times() {
        assert_eq!(parse_utc_offset("+09:00"), Ok(offset!(+9)));
        assert_eq!(parse_utc_offset("-05:30"), Ok(offset!(-5:30)));
        assert_eq!(parse_utc_offset("Z"), Ok(UtcOffset::UTC));
        for bad in ["9", "+9", "09:00", "+09:00:00", "JST", ""] {
            assert!(parse_utc_offset(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            parse_rfc3339("2024-03-01T12:00:00+09:00"),
            Ok(datetime!(2024-03-01 12:00 +9))
        );
        assert!(parse_rfc3339("2024-03-01 12:00").is_err());
    }
}
