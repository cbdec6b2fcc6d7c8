//! [`GroupCommit`]: one writer thread that owns the [`Store`] and saves
//! records in batches. Records submitted while a flush to disk is running wait
//! for the next one together, so a rush of buyers shares each fsync instead of
//! queueing for one each. A submitted record's future resolves only once
//! the record is durable.

use super::{Appended, Record, Store, StoreError};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
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
    /// Set by the writer once a write has failed.
    failed: Arc<AtomicBool>,
    /// When the flush in progress began (microseconds since `epoch`; 0: none).
    flushing_since: Arc<AtomicU64>,
    epoch: Instant,
}

impl GroupCommit {
    /// Starts the writer thread on a loaded store. `max_batch` bounds how
    /// many records share one flush (1 means one fsync per record).
    pub fn start(store: Box<dyn Store>, max_batch: usize) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let failed = Arc::new(AtomicBool::new(false));
        let flushing_since = Arc::new(AtomicU64::new(0));
        let epoch = Instant::now();
        let writer = Writer {
            max_batch: max_batch.max(1),
            failed: failed.clone(),
            flushing_since: flushing_since.clone(),
            epoch,
        };
        let writer = std::thread::Builder::new()
            .name("tiket-journal".into())
            .spawn(move || writer.run(store, receiver))?;
        Ok(GroupCommit {
            sender,
            writer: Mutex::new(Some(writer)),
            failed,
            flushing_since,
            epoch,
        })
    }

    /// How long the flush to disk in progress has taken so far, if one is.
    pub fn flush_running_for(&self) -> Option<Duration> {
        match self.flushing_since.load(Ordering::Acquire) {
            0 => None,
            since => {
                let now = self.epoch.elapsed().as_micros() as u64;
                Some(Duration::from_micros(now.saturating_sub(since)))
            }
        }
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

    /// Whether a write has failed, so nothing more can be saved.
    pub fn has_failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
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

/// What the writer thread shares with [`GroupCommit`].
struct Writer {
    max_batch: usize,
    failed: Arc<AtomicBool>,
    flushing_since: Arc<AtomicU64>,
    epoch: Instant,
}

impl Writer {
    /// Appends one batch at the log's end, timing the flush.
    fn append(
        &self,
        store: &mut dyn Store,
        position: &mut u64,
        records: &[Record],
    ) -> Result<(), StoreError> {
        let started = Instant::now();
        let since = (started - self.epoch).as_micros().max(1) as u64;
        self.flushing_since.store(since, Ordering::Release);
        let appended = store.append(*position, records);
        self.flushing_since.store(0, Ordering::Release);
        metrics::histogram!("tiket_journal_flush_seconds").record(started.elapsed().as_secs_f64());
        metrics::histogram!("tiket_journal_batch_records").record(records.len() as f64);
        match appended? {
            Appended::Done { end } => {
                *position = end;
                Ok(())
            }
            // One writer per log: another writer's records mean two servers
            // on one store, which the store's lock forbids.
            Appended::Behind { end, .. } => Err(StoreError::Inconsistent {
                path: store.location().to_path_buf(),
                message: format!(
                    "the log ends at {end}, not at {position} where this server left it: another writer appended"
                ),
            }),
        }
    }

    fn run(
        self,
        store: Box<dyn Store>,
        receiver: mpsc::UnboundedReceiver<Message>,
    ) -> Result<(), StoreError> {
        write_batches(store, receiver, &self)
    }
}

fn write_batches(
    mut store: Box<dyn Store>,
    mut receiver: mpsc::UnboundedReceiver<Message>,
    writer: &Writer,
) -> Result<(), StoreError> {
    let (max_batch, failed) = (writer.max_batch, &*writer.failed);
    let mut position = store.position();
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
            None => writer
                .append(store.as_mut(), &mut position, &records)
                .map_err(Arc::new),
        };
        if let Err(error) = &result {
            tracing::error!(
                "the journal could not be written; no more sales are accepted: {error}"
            );
            failure.get_or_insert_with(|| error.clone());
            failed.store(true, Ordering::SeqCst);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Saved;
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A store in memory that counts flushes, takes its time, and can fail.
    #[derive(Clone, Default)]
    struct Probe {
        saved: Arc<Mutex<Vec<Record>>>,
        appends: Arc<AtomicUsize>,
        fail_from_append: Option<usize>,
        compactions: Arc<AtomicUsize>,
    }

    impl Store for Probe {
        fn location(&self) -> &Path {
            Path::new("memory")
        }
        fn load(&mut self) -> Result<Option<Saved>, StoreError> {
            Ok(None)
        }
        fn create(&mut self, _: &Saved) -> Result<(), StoreError> {
            Ok(())
        }
        fn position(&self) -> crate::store::Position {
            self.saved.lock().unwrap().len() as u64
        }
        fn append(
            &mut self,
            expected: crate::store::Position,
            records: &[Record],
        ) -> Result<Appended, StoreError> {
            let n = self.appends.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(2));
            if self.fail_from_append.is_some_and(|first| n >= first) {
                return Err(StoreError::Write {
                    path: "memory".into(),
                    source: std::io::Error::other("disk full"),
                });
            }
            let mut saved = self.saved.lock().unwrap();
            assert_eq!(saved.len() as u64, expected, "appended at the log's end");
            saved.extend_from_slice(records);
            Ok(Appended::Done {
                end: saved.len() as u64,
            })
        }
        fn read_after(
            &mut self,
            position: crate::store::Position,
        ) -> Result<Vec<Record>, StoreError> {
            Ok(self.saved.lock().unwrap()[position as usize..].to_vec())
        }
        fn load_snapshot(&mut self) -> Result<Option<(Saved, crate::store::Position)>, StoreError> {
            Ok(None)
        }
        fn save_snapshot(
            &mut self,
            _: &Saved,
            _: crate::store::Position,
        ) -> Result<(), StoreError> {
            Ok(())
        }
        fn compact(&mut self) -> Result<(), StoreError> {
            self.compactions.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    fn record(i: usize) -> Record {
        use crate::domain::{FanName, StageId, Ticket, TicketCode, TicketId};
        use rand::{rngs::StdRng, SeedableRng};
        let mut rng = StdRng::seed_from_u64(i as u64);
        Record::Sold {
            tickets: vec![Ticket {
                id: TicketId::random(&mut rng),
                stage: StageId(1),
                owner: FanName::new(format!("fan{i}")).unwrap(),
                bought_at: time::OffsetDateTime::UNIX_EPOCH,
                code: TicketCode::random(&mut rng),
                price: None,
            }],
            key: None,
        }
    }

    /// Submits `count` records from concurrent tasks and waits for all.
    async fn submit_all(journal: &GroupCommit, count: usize) -> Vec<Result<(), CommitError>> {
        let commits: Vec<_> = (0..count).map(|i| journal.submit(record(i))).collect();
        let tasks: Vec<_> = commits.into_iter().map(tokio::spawn).collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records_waiting_together_share_one_flush_and_keep_their_order() {
        let probe = Probe::default();
        let journal = GroupCommit::start(Box::new(probe.clone()), 1024).unwrap();
        let results = submit_all(&journal, 500).await;
        assert!(results.iter().all(Result::is_ok));
        let appends = probe.appends.load(Ordering::SeqCst);
        assert!(appends < 50, "500 records took {appends} flushes");
        let expected: Vec<Record> = (0..500).map(record).collect();
        assert_eq!(
            *probe.saved.lock().unwrap(),
            expected,
            "saved in submit order"
        );
        journal.close().unwrap();
        assert_eq!(
            probe.compactions.load(Ordering::SeqCst),
            1,
            "compacts on close"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_of_one_flushes_once_per_record() {
        let probe = Probe::default();
        let journal = GroupCommit::start(Box::new(probe.clone()), 1).unwrap();
        assert!(submit_all(&journal, 40).await.iter().all(Result::is_ok));
        assert_eq!(probe.appends.load(Ordering::SeqCst), 40);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_a_failed_write_every_later_record_is_refused() {
        let probe = Probe {
            fail_from_append: Some(1),
            ..Probe::default()
        };
        let journal = GroupCommit::start(Box::new(probe.clone()), 1).unwrap();
        assert!(journal.submit(record(0)).await.is_ok());
        assert!(!journal.has_failed());
        for i in 1..4 {
            let err = journal.submit(record(i)).await.unwrap_err();
            assert!(err.to_string().contains("disk full"), "{err}");
        }
        assert_eq!(
            probe.appends.load(Ordering::SeqCst),
            2,
            "no write after the failure"
        );
        assert!(journal.has_failed());
        journal.close().unwrap();
        assert_eq!(probe.compactions.load(Ordering::SeqCst), 0);
        assert_eq!(probe.saved.lock().unwrap().len(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_close_nothing_more_is_accepted() {
        let probe = Probe::default();
        let journal = GroupCommit::start(Box::new(probe.clone()), 8).unwrap();
        let before = journal.submit(record(0));
        journal.close().unwrap();
        assert!(before.await.is_ok(), "what came before the close is saved");
        assert!(matches!(
            journal.submit(record(1)).await,
            Err(CommitError::Closed)
        ));
        assert_eq!(probe.saved.lock().unwrap().len(), 1);
    }
}
