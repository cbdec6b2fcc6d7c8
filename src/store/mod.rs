//! Persistence: where the shop's state lives between runs.
//!
//! The domain knows nothing of files. The shop saves what happens as
//! [`Record`]s through the small [`Store`] trait; [`JsonStore`] keeps them in a
//! data folder as a JSON snapshot plus a JSON-lines journal, and
//! [`GroupCommit`] batches appends from many buyers into one fsync.

pub mod group_commit;
pub mod json;

use crate::domain::{Account, Festival, IdempotencyKey, Session, Ticket, TokenHash};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

pub use group_commit::{CommitError, GroupCommit};
pub use json::{JsonStore, JsonStoreOptions};

/// One thing that happened to the shop, saved as it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// One order's tickets, sold together (all or none survive a crash),
    /// with the client's idempotency key when it sent one.
    Sold {
        tickets: Vec<Ticket>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<IdempotencyKey>,
    },
    /// A fan signed up.
    Registered { account: Account },
    /// A fan signed in.
    SignedIn { session: Session },
    /// A fan signed out.
    SignedOut { token_hash: TokenHash },
}

/// Everything a store holds: the festival and every record since it was set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub festival: Festival,
    pub records: Vec<Record>,
}

impl Saved {
    /// The same history without sessions that have ended by `now` (signed
    /// out or expired): they sign no one in, and a busy festival would
    /// otherwise keep every sign-in forever. Compaction applies this.
    pub fn without_ended_sessions(mut self, now: OffsetDateTime) -> Saved {
        let signed_out: HashSet<TokenHash> = self
            .records
            .iter()
            .filter_map(|record| match record {
                Record::SignedOut { token_hash } => Some(token_hash.clone()),
                _ => None,
            })
            .collect();
        self.records.retain(|record| match record {
            Record::SignedIn { session } => {
                session.expires_at > now && !signed_out.contains(&session.token_hash)
            }
            Record::SignedOut { .. } => false,
            Record::Sold { .. } | Record::Registered { .. } => true,
        });
        self
    }

    /// Every ticket sold, in the order the records were saved.
    pub fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.records.iter().flat_map(|record| match record {
            Record::Sold { tickets, .. } => tickets.as_slice(),
            _ => &[],
        })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FanName;
    use time::macros::datetime;

    fn signed_in(token: &str, expires_at: OffsetDateTime) -> Record {
        Record::SignedIn {
            session: Session {
                token_hash: TokenHash(token.into()),
                fan: FanName::new("suisei").unwrap(),
                created_at: datetime!(2026-11-01 0:00 UTC),
                expires_at,
            },
        }
    }

    #[test]
    fn compaction_forgets_only_sessions_that_ended() {
        let registered = Record::Registered {
            account: Account {
                name: FanName::new("suisei").unwrap(),
                password_hash: "$argon2id$…".into(),
                registered_at: datetime!(2026-11-01 0:00 UTC),
            },
        };
        let records = vec![
            registered.clone(),
            signed_in("expired", datetime!(2026-11-20 0:00 UTC)),
            signed_in("signed-out", datetime!(2026-12-31 0:00 UTC)),
            signed_in("open", datetime!(2026-12-31 0:00 UTC)),
            Record::SignedOut {
                token_hash: TokenHash("signed-out".into()),
            },
            Record::Sold {
                tickets: Vec::new(),
                key: None,
            },
        ];
        let saved = Saved {
            festival: Festival::reference(),
            records,
        };
        let kept = saved.without_ended_sessions(datetime!(2026-11-25 0:00 UTC));
        assert_eq!(
            kept.records,
            [
                registered,
                signed_in("open", datetime!(2026-12-31 0:00 UTC)),
                Record::Sold {
                    tickets: Vec::new(),
                    key: None
                },
            ]
        );
    }
}
