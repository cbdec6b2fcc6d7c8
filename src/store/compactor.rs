//! [`Compactor`]: folds closed journal segments into a new snapshot on a
//! thread of its own, so the journal's writer — and every buyer waiting for
//! it — never waits for a snapshot.
//!
//! [`fold`] reads the newest snapshot and the closed segments after it (files
//! the writer no longer touches), leaves out sessions that have ended, writes
//! the snapshot as of the last closed record (atomically), and only then
//! removes the segments it covers. A crash at any step leaves a folder that
//! loads exactly (see `folder`). A fold that fails (a full disk) removes its
//! temporary file and is tried again when the next segment closes, never on
//! every write. The thread runs at the lowest priority (`thread-priority`):
//! under a rush the buyers' threads get the cores first.

use super::segment;
use super::snapshot;
use super::{Saved, StoreError};
use crate::clock::SharedClock;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Instant;

/// The folding thread and the channel that wakes it.
#[derive(Debug)]
pub struct Compactor {
    wake: Option<mpsc::Sender<u64>>,
    thread: Option<JoinHandle<()>>,
}

impl Compactor {
    /// Starts the thread for the folder `dir`.
    pub fn start(dir: PathBuf, clock: SharedClock) -> Self {
        let (wake, woken) = mpsc::channel::<u64>();
        let thread = std::thread::Builder::new()
            .name("tiket-snapshot".into())
            .spawn(move || {
                // Buyers' threads come first: on a busy machine a snapshot
                // takes longer, a buy does not.
                if let Err(error) =
                    thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min)
                {
                    tracing::debug!("the snapshot thread keeps its priority: {error:?}");
                }
                while let Ok(mut up_to) = woken.recv() {
                    // Fold once for everything closed meanwhile.
                    while let Ok(later) = woken.try_recv() {
                        up_to = up_to.max(later);
                    }
                    if let Err(error) = fold(&dir, up_to, &clock) {
                        tracing::error!(
                            "could not write a snapshot (tried again when the next segment closes): {error}"
                        );
                    }
                }
            })
            .map_err(|error| tracing::error!("cannot start the snapshot thread: {error}"))
            .ok();
        Compactor {
            wake: Some(wake),
            thread,
        }
    }

    /// Asks for a snapshot as of record `position` (every segment up to it
    /// is closed). Returns at once.
    pub fn fold_up_to(&self, position: u64) {
        if let Some(wake) = &self.wake {
            let _ = wake.send(position);
        }
    }

    /// Lets a fold in progress finish, then stops the thread.
    pub fn stop(mut self) {
        self.wake.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Compactor {
    fn drop(&mut self) {
        self.wake.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Writes the snapshot of `dir` as of record `up_to` and removes the
/// segments it covers. Does nothing if the snapshot is already that new.
pub fn fold(dir: &Path, up_to: u64, clock: &SharedClock) -> Result<(), StoreError> {
    let started = Instant::now();
    let Some(old) = snapshot::read(dir)? else {
        return Err(StoreError::NotSetUp {
            path: dir.to_path_buf(),
        });
    };
    if old.seq >= up_to {
        return Ok(());
    }
    let mut records = old.saved.records;
    let mut last = old.seq;
    let segments = segment::list(dir)?;
    for segment in segments.iter().filter(|segment| segment.first <= up_to) {
        let read = segment::read(&segment.path, false)?;
        for (seq, record) in read.records {
            if seq <= last {
                continue;
            }
            if seq > up_to {
                break;
            }
            if seq != last + 1 {
                return Err(StoreError::Corrupt {
                    path: segment.path.clone(),
                    message: format!(
                        "record {seq} follows record {last}: records in between are missing"
                    ),
                });
            }
            records.push(record);
            last = seq;
        }
    }
    if last != up_to {
        return Err(StoreError::Corrupt {
            path: dir.to_path_buf(),
            message: format!("the journal ends at record {last}, before record {up_to}"),
        });
    }
    let saved = Saved {
        festival: old.saved.festival,
        records,
    }
    .without_ended_sessions(clock.now());
    let bytes = snapshot::write(dir, &saved, up_to)?;
    for pair in segments.windows(2) {
        if pair[1].first <= up_to + 1 {
            remove(&pair[0].path);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    metrics::histogram!("tiket_snapshot_seconds").record(seconds);
    metrics::gauge!("tiket_snapshot_bytes").set(bytes as f64);
    metrics::counter!("tiket_snapshots_total").increment(1);
    tracing::info!(up_to, bytes, seconds, "wrote a snapshot");
    Ok(())
}

fn remove(path: &Path) {
    if let Err(error) = fs::remove_file(path) {
        tracing::warn!(path = %path.display(), "cannot remove a folded journal segment: {error}");
    }
}
