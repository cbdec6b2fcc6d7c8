//! [`GroupCommit`]: one writer thread that owns the [`Store`] and saves
//! records in batches. Records submitted while a flush to disk is running wait
//! for the next one together, so a rush of buyers shares each fsync instead of
//! queueing for one each. A submitted record's [`Commit`] resolves only once
//! the record is durable.

use super::{Record, Store, StoreError};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use tokio::sync::{mpsc, oneshot};

/// Why a record was not saved.
#[derive(Clone, Debug, thiserror::Error)]
pub enum CommitError {
    #[error("{0}")]
    Write(Arc<StoreError>),
    #[error("the shop is closing and saves nothing more")]
    Closed,
}

enum Message {
    Append {
        record: Record,
        done: oneshot::Sender<Result<(), CommitError>>,
    },
    /// Finish what came before, compact, and stop.
    Close,
}

/// The writer thread and the channel to it.
pub struct GroupCommit {
    sender: mpsc::UnboundedSender<Message>,
    writer: Mutex<Option<JoinHandle<Result<(), StoreError>>>>,
}

impl GroupCommit {
    /// Starts the writer thread on a loaded store. `max_batch` bounds how
    /// many records share one flush (1 means one fsync per record).
    pub fn start(store: Box<dyn Store>, max_batch: usize) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let writer = std::thread::Builder::new()
            .name("tiket-journal".into())
            .spawn(move || write_batches(store, receiver, max_batch.max(1)))?;
        Ok(GroupCommit {
            sender,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// Queues a record; the returned future resolves once it is on disk.
    /// Records are saved in the order they are submitted.
    pub fn submit(
        &self,
        record: Record,
    ) -> impl Future<Output = Result<(), CommitError>> + Send + 'static {
        let (done, saved) = oneshot::channel();
        let queued = self.sender.send(Message::Append { record, done }).is_ok();
        async move {
            if !queued {
                return Err(CommitError::Closed);
            }
            saved.await.unwrap_or(Err(CommitError::Closed))
        }
    }

    /// Saves everything submitted so far, compacts, and stops the writer.
    /// Blocks until done; later submits fail with [`CommitError::Closed`].
    pub fn close(&self) -> Result<(), StoreError> {
        let _ = self.sender.send(Message::Close);
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match writer.map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(StoreError::WriterStopped),
            None => Ok(()),
        }
    }
}

impl Drop for GroupCommit {
    /// Waits for the writer, so the data folder's lock is free afterwards.
    fn drop(&mut self) {
        if let Err(error) = self.close() {
            tracing::error!("closing the journal: {error}");
        }
    }
}

fn write_batches(
    mut store: Box<dyn Store>,
    mut receiver: mpsc::UnboundedReceiver<Message>,
    max_batch: usize,
) -> Result<(), StoreError> {
    let mut records = Vec::with_capacity(max_batch);
    let mut waiting = Vec::with_capacity(max_batch);
    // After a failed write nothing more is saved: the journal's end is unknown.
    let mut failure: Option<Arc<StoreError>> = None;
    let mut closing = false;
    while !closing {
        let Some(first) = receiver.blocking_recv() else {
            break;
        };
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Append { record, done } => {
                    records.push(record);
                    waiting.push(done);
                }
                Message::Close => {
                    closing = true;
                    break;
                }
            }
            if records.len() < max_batch {
                next = receiver.try_recv().ok();
            }
        }
        if records.is_empty() {
            continue;
        }
        let result = match &failure {
            Some(error) => Err(error.clone()),
            None => store.append(&records).map_err(Arc::new),
        };
        if let Err(error) = &result {
            tracing::error!(
                "the journal could not be written; no more sales are accepted: {error}"
            );
            failure.get_or_insert_with(|| error.clone());
        }
        records.clear();
        for done in waiting.drain(..) {
            // The buyer may have gone away; the record is saved all the same.
            let _ = done.send(result.clone().map_err(CommitError::Write));
        }
    }
    receiver.close();
    // Anyone who queued after the close is told so.
    while let Ok(message) = receiver.try_recv() {
        if let Message::Append { done, .. } = message {
            let _ = done.send(Err(CommitError::Closed));
        }
    }
    match failure {
        Some(_) => Ok(()),
        None => store.compact(),
    }
}
