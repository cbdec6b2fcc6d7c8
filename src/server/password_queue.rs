//! Where password checks wait for a thread. An argon2id hash costs about
//! 19 MiB and tens of milliseconds of a core, so checks run on blocking
//! threads, a few at a time, in two lanes:
//!
//! - **returning** fans (their browser holds a device cookie for the name
//!   they sign in as, see `device`) have a lane of their own, so a flood of
//!   strangers' sign-ins never makes them wait;
//! - **everyone else** (new names, sign-ups, browsers without the cookie)
//!   share the other lane, whose queue is bounded: when `bound` checks are
//!   already waiting, the next is refused at once ([`QueueError::Busy`], a
//!   503 with Retry-After) instead of waiting half a minute for a thread.
//!
//! Each lane runs at most `workers` checks at once; the returning lane is
//! bounded as well (a returning fan may still be a bot with a cookie).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Which lane a check waits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    Returning,
    Others,
}

/// Why a check did not run.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("too many password checks are waiting")]
    Busy,
    #[error("the password check failed to run: {0}")]
    Failed(String),
}

/// The two lanes.
#[derive(Debug)]
pub struct PasswordQueue {
    returning: Queue,
    others: Queue,
}

#[derive(Debug)]
struct Queue {
    threads: Arc<Semaphore>,
    waiting: AtomicUsize,
    bound: usize,
}

/// Counts one waiting check until it starts (or its caller gives up).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Queue {
    fn new(workers: usize, bound: usize) -> Self {
        Queue {
            threads: Arc::new(Semaphore::new(workers.max(1))),
            waiting: AtomicUsize::new(0),
            bound: bound.max(1),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, QueueError> {
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.bound {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(QueueError::Busy);
        }
        let waiting = Waiting(&self.waiting);
        let thread = self
            .threads
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| QueueError::Failed(e.to_string()))?;
        drop(waiting);
        tokio::task::spawn_blocking(move || {
            let _thread = thread;
            work()
        })
        .await
        .map_err(|e| QueueError::Failed(e.to_string()))
    }
}

impl PasswordQueue {
    /// `workers` checks at once per lane; at most `bound` waiting in each.
    pub fn new(workers: usize, bound: usize) -> Self {
        PasswordQueue {
            returning: Queue::new(workers, bound),
            others: Queue::new(workers, bound),
        }
    }

    /// Runs `work` on a blocking thread when `lane` has one free.
    pub async fn run<T: Send + 'static>(
        &self,
        lane: Lane,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, QueueError> {
        match lane {
            Lane::Returning => self.returning.run(work).await,
            Lane::Others => self.others.run(work).await,
        }
    }

    /// Checks waiting for a thread in `lane` now.
    pub fn waiting(&self, lane: Lane) -> usize {
        match lane {
            Lane::Returning => &self.returning,
            Lane::Others => &self.others,
        }
        .waiting
        .load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// With one thread busy and the queue full, the next stranger is refused
    /// at once, while a returning fan runs in their own lane.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_refuses_strangers_at_once_but_not_returning_fans() {
        let queue = Arc::new(PasswordQueue::new(1, 2));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = Arc::new(std::sync::Mutex::new(hold));
        let mut busy = Vec::new();
        for _ in 0..3 {
            let (queue, hold) = (queue.clone(), hold.clone());
            busy.push(tokio::spawn(async move {
                queue
                    .run(Lane::Others, move || {
                        let _ = hold.lock().unwrap().recv();
                    })
                    .await
            }));
        }
        while queue.waiting(Lane::Others) < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(matches!(
            queue.run(Lane::Others, || ()).await,
            Err(QueueError::Busy)
        ));
        assert_eq!(queue.run(Lane::Returning, || 7).await.unwrap(), 7);
        for _ in 0..3 {
            release.send(()).unwrap();
        }
        for task in busy {
            task.await.unwrap().unwrap();
        }
        assert_eq!(queue.waiting(Lane::Others), 0);
    }
}
