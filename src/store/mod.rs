//! Persistence: where the shop's state lives between runs.
//!
//! The domain knows nothing of files. The shop saves what happens as
//! [`Record`]s through the small [`Store`] trait, which speaks in positions
//! (record numbers) so that a second implementation can share one log
//! between several servers. [`JsonStore`] keeps them in a data folder as a
//! JSON snapshot plus checksummed journal segments, folded into new
//! snapshots in the background ([`compactor`]); [`GroupCommit`] batches
//! appends from many buyers into one fsync.

pub mod backup;
pub mod compactor;
pub mod folder;
pub mod group_commit;
pub mod json;
pub mod record;
pub mod segment;
pub mod snapshot;

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

/// A place in the log: the number of records before it (so the position
/// after the first record is 1). A snapshot is "as of" a position.
pub type Position = u64;

/// What a conditional append did.
#[derive(Debug, PartialEq, Eq)]
pub enum Appended {
    /// The records are durable; the log now ends here.
    Done { end: Position },
    /// The log had moved on (another writer appended): nothing was written;
    /// these are the records appended since the expected position. Catch up,
    /// decide again, append again.
    Behind { since: Vec<Record>, end: Position },
}

/// Durable storage of the shop's state: one ordered log of records, and
/// snapshots of it as of a position. Every call blocks on the disk: run
/// them on a thread of their own (as [`GroupCommit`] does) or in
/// `tokio::task::spawn_blocking`, never on the async runtime. Nothing above
/// the store knows how it keeps them.
pub trait Store: Send {
    /// Where the data lives, for messages.
    fn location(&self) -> &Path;
    /// The newest snapshot with every record after it, or `None` for a
    /// fresh store. Repairs what a crash can leave (a half-written last
    /// record, which was never acknowledged) and refuses anything else.
    fn load(&mut self) -> Result<Option<Saved>, StoreError>;
    /// Where the log ends now.
    fn position(&self) -> Position;
    /// Sets up a fresh store with a festival and records (a seed or an
    /// import), all at once: a crash leaves it fresh or complete.
    fn create(&mut self, saved: &Saved) -> Result<(), StoreError>;
    /// Appends records durably, sharing one flush, **only if the log still
    /// ends at `expected`**; otherwise writes nothing and answers with the
    /// records appended since. Once this returns `Done`, they survive a crash.
    fn append(&mut self, expected: Position, records: &[Record]) -> Result<Appended, StoreError>;
    /// The records after `position`, in order.
    fn read_after(&mut self, position: Position) -> Result<Vec<Record>, StoreError>;
    /// The newest snapshot and the position it is as of.
    fn load_snapshot(&mut self) -> Result<Option<(Saved, Position)>, StoreError>;
    /// Saves a snapshot of the state as of `position`; the records it covers
    /// may then be dropped.
    fn save_snapshot(&mut self, saved: &Saved, position: Position) -> Result<(), StoreError>;
    /// Folds everything into a snapshot now (at shutdown), so the next
    /// start reads little.
    fn compact(&mut self) -> Result<(), StoreError>;
}
