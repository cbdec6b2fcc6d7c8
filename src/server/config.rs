//! Configuration: Leptos's own settings from `Leptos.toml` (each overridable
//! by its `LEPTOS_…` environment variable, e.g. `LEPTOS_SITE_ADDR`) and
//! tiket's from `TIKET_…` environment variables.

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
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid Leptos configuration ({LEPTOS_TOML} or LEPTOS_* variables): {0}")]
    Leptos(String),
    #[error("TIKET_DATA_DIR is set but empty")]
    EmptyDataDir,
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
        Ok(Config { leptos, data_dir })
    }
}
