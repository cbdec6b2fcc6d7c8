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
//! So "refuse once a write has failed", "show only what is durable" or a
//! second store are each added here, once, for every kind of record.

use super::{Shop, ShopError};
use crate::store::Record;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks a mutex. Its data is only changed by code that does not panic
/// midway, so a poisoned lock still guards consistent data.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a change made: the answer to give, and the record to save (`None`
/// when the change turned out to change nothing).
pub(super) struct Change<T> {
    pub answer: T,
    pub record: Option<Record>,
}

impl<T> Change<T> {
    pub fn saving(answer: T, record: Record) -> Self {
        Change {
            answer,
            record: Some(record),
        }
    }

    pub fn nothing_to_save(answer: T) -> Self {
        Change {
            answer,
            record: None,
        }
    }
}

impl Shop {
    /// Applies `change` to `state` and answers once its record is durable.
    /// A change that returns an error has changed nothing and saves nothing.
    pub(super) async fn write<S, T, E>(
        &self,
        state: &Mutex<S>,
        change: impl FnOnce(&mut S) -> Result<Change<T>, E>,
    ) -> Result<T, ShopError>
    where
        ShopError: From<E>,
    {
        let (answer, saved) = {
            let mut state = lock(state);
            let Change { answer, record } = change(&mut state)?;
            // Queued under the lock: the journal's order is the changes' order.
            (answer, record.map(|record| self.journal.submit(record)))
        };
        if let Some(saved) = saved {
            saved.await?;
        }
        Ok(answer)
    }
}
