//! Persistence: where the shop's state lives between runs.
//!
//! The domain knows nothing of files; the server talks to storage through the
//! small [`Store`] trait, and [`json::JsonStore`] keeps it in a data folder as
//! JSON files written atomically.

pub mod json;

use crate::domain::Festival;
use std::path::PathBuf;

pub use json::JsonStore;

/// Why the store could not read or write.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use data folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("data folder {path} is already in use by another tiket server")]
    Locked { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid tiket file: {message}")]
    Corrupt { path: PathBuf, message: String },
}

/// Durable storage of the shop's state. Calls block: run them off the async
/// runtime (`tokio::task::spawn_blocking`) when they sit on a request path.
pub trait Store: Send + Sync {
    /// The festival saved before, or `None` on a fresh data folder.
    fn load_festival(&self) -> Result<Option<Festival>, StoreError>;
    /// Saves the festival so that a crash leaves either the old or the new one.
    fn save_festival(&self, festival: &Festival) -> Result<(), StoreError>;
}
