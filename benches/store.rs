//! Benchmark of the store alone: durable sales per second through the
//! journal, with group commit and with one fsync per sale, at 1, 64 and 1,024
//! concurrent buyers, and the ratio of the two — all measured in one run.
//! A last row runs the whole buy path (`Shop::buy`: semaphore, buy rule,
//! journal) for comparison.
//!
//! Run: `make bench-store` (or `cargo bench --features ssr --bench store`).
//! `TIKET_BENCH_SECONDS` sets the time per measurement (default 2).

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tiket::domain::{FanName, Festival, Order, StageId, Ticket, TicketCode, TicketId};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::{Appended, GroupCommit, JsonStore, Position, Record, Saved, Store, StoreError};

/// Wraps a store to count flushes (one `append` = one fsync).
struct Counted {
    inner: JsonStore,
    appends: Arc<AtomicUsize>,
}

impl Store for Counted {
    fn location(&self) -> &Path {
        self.inner.location()
    }
    fn load(&mut self) -> Result<Option<Saved>, StoreError> {
        self.inner.load()
    }
    fn create(&mut self, saved: &Saved) -> Result<(), StoreError> {
        self.inner.create(saved)
    }
    fn position(&self) -> Position {
        self.inner.position()
    }
    fn append(&mut self, expected: Position, records: &[Record]) -> Result<Appended, StoreError> {
        self.appends.fetch_add(1, Ordering::Relaxed);
        self.inner.append(expected, records)
    }
    fn read_after(&mut self, position: Position) -> Result<Vec<Record>, StoreError> {
        self.inner.read_after(position)
    }
    fn load_snapshot(&mut self) -> Result<Option<(Saved, Position)>, StoreError> {
        self.inner.load_snapshot()
    }
    fn save_snapshot(&mut self, saved: &Saved, position: Position) -> Result<(), StoreError> {
        self.inner.save_snapshot(saved, position)
    }
    fn compact(&mut self) -> Result<(), StoreError> {
        self.inner.compact()
    }
}

struct Measured {
    sales_per_second: f64,
    sales_per_flush: f64,
}

fn scratch_dir(name: &str) -> PathBuf {
    // Inside target/, on the same disk as a real data folder (not a tmpfs).
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("bench-store")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn sale(rng: &mut impl rand::Rng, n: usize) -> Record {
    Record::Sold {
        tickets: vec![Ticket {
            id: TicketId::random(rng),
            stage: StageId(1 + (n % 4) as u32),
            owner: FanName::new(format!("fan{n}")).expect("a valid name"),
            bought_at: time::OffsetDateTime::now_utc(),
            code: TicketCode::random(rng),
            price: Some(tiket::domain::Yen(7_950)),
        }],
        key: None,
    }
}

/// `buyers` tasks each save one sale at a time, waiting until it is durable.
async fn journal_run(buyers: usize, max_batch: usize, run_for: Duration) -> Measured {
    let dir = scratch_dir(&format!("journal-{buyers}-{max_batch}"));
    let mut store = JsonStore::open(&dir).expect("a scratch folder");
    store
        .create(&Saved {
            festival: Festival::reference(),
            records: Vec::new(),
        })
        .expect("set up");
    let appends = Arc::new(AtomicUsize::new(0));
    let counted = Counted {
        inner: store,
        appends: appends.clone(),
    };
    let journal = Arc::new(GroupCommit::start(Box::new(counted), max_batch).expect("writer"));
    let saved = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..buyers)
        .map(|buyer| {
            let (journal, saved) = (journal.clone(), saved.clone());
            tokio::spawn(async move {
                let mut n = buyer;
                while start.elapsed() < run_for {
                    let record = sale(&mut rand::rng(), n);
                    journal.submit(record).await.expect("saved");
                    saved.fetch_add(1, Ordering::Relaxed);
                    n += buyers;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("buyer");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let saved = saved.load(Ordering::Relaxed) as f64;
    journal.close().expect("closed");
    let _ = std::fs::remove_dir_all(&dir);
    Measured {
        sales_per_second: saved / elapsed,
        sales_per_flush: saved / appends.load(Ordering::Relaxed).max(1) as f64,
    }
}

/// The whole buy path: `buyers` fans buying one ticket at a time.
async fn shop_run(buyers: usize, run_for: Duration) -> f64 {
    let dir = scratch_dir("shop");
    let store = JsonStore::open(&dir).expect("a scratch folder");
    let festival = common::festival_on_sale(&[u32::MAX; 4]);
    let shop = Arc::new(Shop::open(store, || festival, ShopOptions::default()).expect("shop"));
    let bought = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..buyers)
        .map(|buyer| {
            let (shop, bought) = (shop.clone(), bought.clone());
            tokio::spawn(async move {
                let mut n = 0u32;
                while start.elapsed() < run_for {
                    let order = Order {
                        stage: StageId(1 + n % 4),
                        fan: FanName::new(format!("b{buyer}-{n}")).expect("a valid name"),
                        quantity: 1,
                    };
                    shop.buy(order, None).await.expect("bought");
                    bought.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("buyer");
    }
    let rate = bought.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64();
    shop.close().await.expect("closed");
    let _ = std::fs::remove_dir_all(&dir);
    rate
}

fn main() {
    let seconds: f64 = std::env::var("TIKET_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let run_for = Duration::from_secs_f64(seconds);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    println!(
        "tiket store benchmark: durable sales through the journal ({seconds} s each, {} cores, folder {})",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        Path::new(env!("CARGO_TARGET_TMPDIR")).display()
    );
    println!();
    println!(
        "{:>8} | {:>24} | {:>24} | {:>7}",
        "buyers", "group commit", "one fsync per sale", "ratio"
    );
    println!("{:->8}-+-{:->24}-+-{:->24}-+-{:->7}", "", "", "", "");
    runtime.block_on(async {
        for buyers in [1, 64, 1024] {
            let group = journal_run(buyers, 1024, run_for).await;
            let single = journal_run(buyers, 1, run_for).await;
            println!(
                "{buyers:>8} | {:>9.0} /s {:>5.1}/fsync | {:>9.0} /s {:>5.1}/fsync | {:>6.1}×",
                group.sales_per_second,
                group.sales_per_flush,
                single.sales_per_second,
                single.sales_per_flush,
                group.sales_per_second / single.sales_per_second
            );
        }
        let shop = shop_run(1024, run_for).await;
        println!();
        println!("whole buy path (Shop::buy, 1,024 buyers, group commit): {shop:.0} buys/s");
    });
}
