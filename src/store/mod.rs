//! Persistence: where the shop's state lives between runs.
//!
//! The domain knows nothing of files. The shop saves what happens as
//! [`Record`]s through the small [`Store`] trait; [`JsonStore`] keeps them in a
//! data folder as a JSON snapshot plus a JSON-lines journal, and
//! [`GroupCommit`] batches appends from many buyers into one fsync.

pub mod group_commit;
pub mod json;
pub mod record;

use std::path::{Path, PathBuf};

pub use group_commit::{CommitError, GroupCommit};
pub use json::{JsonStore, JsonStoreOptions};
pub use record::{Record, Saved};

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
    #[error("{path}, line {line}: {message}")]
    CorruptLine {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: the saved tickets do not add up: {message}")]
    Inconsistent { path: PathBuf, message: String },
    #[error("the journal writer stopped unexpectedly")]
    WriterStopped,
    #[error("data folder {path} already holds a festival")]
    AlreadySetUp { path: PathBuf },
    #[error("data folder {path} holds no festival yet, so nothing can be saved to it")]
    NotSetUp { path: PathBuf },
}

/// Durable storage of the shop's state. Every call blocks on the disk: run
/// them on a thread of their own (as [`GroupCommit`] does) or in
/// `tokio::task::spawn_blocking`, never on the async runtime.
pub trait Store: Send {
    /// Where the data lives, for messages.
    fn location(&self) -> &Path;
    /// Everything saved, or `None` for a fresh data folder. Repairs what a
    /// crash can leave (a half-written last record, which was never
    /// acknowledged) and refuses anything else that is wrong.
    fn load(&mut self) -> Result<Option<Saved>, StoreError>;
    /// Sets up a fresh data folder with a festival and records (a seed or an
    /// import), all at once: a crash leaves the folder fresh or complete.
    fn create(&mut self, saved: &Saved) -> Result<(), StoreError>;
    /// Appends records durably: once this returns `Ok`, they survive a crash.
    /// All records of one call share one flush to disk.
    fn append(&mut self, records: &[Record]) -> Result<(), StoreError>;
    /// Folds the journal into the snapshot, so the next start reads less.
    fn compact(&mut self) -> Result<(), StoreError>;
}
