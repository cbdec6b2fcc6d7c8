//! Configuration: Leptos's own settings from `Leptos.toml` (each overridable
//! by its `LEPTOS_…` environment variable, e.g. `LEPTOS_SITE_ADDR`) and
//! tiket's from `TIKET_…` environment variables.

use crate::domain::BuyLimits;
use crate::shop::ShopOptions;
use leptos::config::{get_configuration, LeptosOptions};
use std::path::{Path, PathBuf};

/// Leptos's runtime settings, read from the working directory when present.
const LEPTOS_TOML: &str = "Leptos.toml";
/// Where tiket keeps its data when `TIKET_DATA_DIR` is not set.
const DEFAULT_DATA_DIR: &str = "data";

#[derive(Clone, Debug)]
pub struct Config {
    pub leptos: LeptosOptions,
    pub data_dir: PathBuf,
    pub shop: ShopOptions,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid Leptos configuration ({LEPTOS_TOML} or LEPTOS_* variables): {0}")]
    Leptos(String),
    #[error("TIKET_DATA_DIR is set but empty")]
    EmptyDataDir,
    #[error("{name} must be a whole number from 1 to {max}, not {value:?}")]
    OutOfRange {
        name: &'static str,
        value: String,
        max: u32,
    },
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let leptos_toml = Path::new(LEPTOS_TOML).exists().then_some(LEPTOS_TOML);
        let leptos = get_configuration(leptos_toml)
            .map_err(|e| ConfigError::Leptos(e.to_string()))?
            .leptos_options;
        let data_dir = match std::env::var_os("TIKET_DATA_DIR") {
            Some(dir) if dir.is_empty() => return Err(ConfigError::EmptyDataDir),
            Some(dir) => PathBuf::from(dir),
            None => PathBuf::from(DEFAULT_DATA_DIR),
        };
        let defaults = ShopOptions::default();
        let shop = ShopOptions {
            limits: BuyLimits {
                per_order: number("TIKET_PER_ORDER_LIMIT", defaults.limits.per_order, 100)?,
                per_fan: number("TIKET_PER_FAN_LIMIT", defaults.limits.per_fan, 10_000)?,
            },
            buy_permits: number("TIKET_BUY_PERMITS", defaults.buy_permits as u32, 65_536)? as usize,
            max_batch: defaults.max_batch,
        };
        Ok(Config {
            leptos,
            data_dir,
            shop,
        })
    }
}

/// A whole number from 1 to `max` read from the variable `name`, or `default`.
fn number(name: &'static str, default: u32, max: u32) -> Result<u32, ConfigError> {
    let Ok(value) = std::env::var(name) else {
        return Ok(default);
    };
    match value.trim().parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(ConfigError::OutOfRange { name, value, max }),
    }
}
