//! The one write path. Every change of the shop's state — a sale, a sign-up,
//! a sign-in, a sign-out, and every kind of record to come — goes through
//! [`Shop::write`], in the one order that keeps memory and journal true to
//! each other:
//!
//! 1. lock the state the change is about (held for microseconds, never
//!    across I/O);
//! 2. change it, deciding the [`Record`] that describes the change;
//! 3. queue the record to the journal while still holding the lock, so the
//!    journal's order is the order of the changes;
//! 4. release the lock;
//! 5. wait until the journal has the record on disk, and only then answer.
//!
//! And when the disk fails, memory never runs ahead of it:
//! - once a write has failed, nothing more is decided: every change is
//!   refused up front ([`ShopError::NotSaving`]), before it touches memory;
//! - a change whose record could not be saved is taken back (its `undo`), so
//!   what was decided but not saved is shown to no one.

use super::{Shop, ShopError};
use crate::store::Record;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks a mutex. Its data is only changed by code that does not panic
/// midway, so a poisoned lock still guards consistent data.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Takes a change back from the state it was made on.
type Undo<S> = Box<dyn FnOnce(&mut S) + Send>;

/// What a change made: the answer to give, the record to save (`None`
/// when the change turned out to change nothing), and how to take the
/// change back if the record cannot be saved.
pub(super) struct Change<T, S> {
    pub answer: T,
    pub record: Option<Record>,
    pub undo: Option<Undo<S>>,
}

impl<T, S> Change<T, S> {
    /// A change to save, and how to take it back should saving fail.
    pub fn saving(answer: T, record: Record, undo: impl FnOnce(&mut S) + Send + 'static) -> Self {
        Change {
            answer,
            record: Some(record),
            undo: Some(Box::new(undo)),
        }
    }

    pub fn nothing_to_save(answer: T) -> Self {
        Change {
            answer,
            record: None,
            undo: None,
        }
    }
}

impl Shop {
    /// Applies `change` to `state` and answers once its record is durable.
    /// A change that returns an error has changed nothing and saves nothing.
    pub(super) async fn write<S, T, E>(
        &self,
        state: &Mutex<S>,
        change: impl FnOnce(&mut S) -> Result<Change<T, S>, E>,
    ) -> Result<T, ShopError>
    where
        ShopError: From<E>,
    {
        if self.journal.has_failed() {
            return Err(ShopError::NotSaving);
        }
        let (answer, saved, undo) = {
            let mut state = lock(state);
            let Change {
                answer,
                record,
                undo,
            } = change(&mut state)?;
            // Queued under the lock: the journal's order is the changes' order.
            let saved = record.map(|record| self.journal.submit(record));
            (answer, saved, undo)
        };
        if let Some(saved) = saved {
            if let Err(error) = saved.await {
                if let Some(undo) = undo {
                    undo(&mut lock(state));
                }
                return Err(error.into());
            }
        }
        Ok(answer)
    }
}
