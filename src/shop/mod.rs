//! The running shop: the festival's inventory, the fans' accounts and
//! sessions, held in memory, with every change saved through a
//! [`GroupCommit`] journal before it is acknowledged.
//!
//! - [`buying`]: [`Shop::buy`], the one door for buying, used by pages (through
//!   their server function), the JSON API, tests and benchmarks;
//! - [`write`]: [`Shop::write`], the one write path every change of state
//!   takes — lock, change, queue to the journal, release, await durability;
//! - `keyed`: an order sent again under the same key gets its first answer;
//! - `accounts`: accounts and sessions;
//! - `secrets`: the server's secret keys, made once and kept as records;
//! - [`door`]: [`Shop::redeem`], the one door for letting ticket holders
//!   in, the festivals' signing keys and passes, the console's door view.
//!
//! Reads take a lock only to copy what they need, so they never wait for a
//! disk. Every sale also publishes the new stock levels on a [`watch`]
//! channel ([`Shop::stock_updates`]), which the pages' live stock follows.
//! The time comes from the [`Clock`](crate::clock::Clock) in [`ShopOptions`].

mod accounts;
pub mod buying;
pub mod door;
pub mod festivals;
mod keyed;
mod secrets;
pub mod staff;
pub mod write;

use crate::clock::{self, SharedClock};
use crate::domain::{
    AccountError, Accounts, BuyError, BuyLimits, EditError, FanName, Festival, FestivalListing,
    StaffError, StageId, StageListing, StockLevel, Ticket,
};
use crate::store::{CommitError, GroupCommit, Saved, Store, StoreError};
use keyed::KeyedOrders;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::{watch, Semaphore};
use tokio_util::sync::CancellationToken;
use write::lock;

pub use buying::Purchase;

/// How the shop sells.
#[derive(Clone, Debug)]
pub struct ShopOptions {
    pub limits: BuyLimits,
    /// Buys in flight at once; later ones queue in arrival order.
    pub buy_permits: usize,
    /// Most sales that share one flush to disk (1: one fsync per sale).
    pub max_batch: usize,
    /// The time, for sale windows, sessions and compaction.
    pub clock: SharedClock,
    /// How long a buy waits for its sale to reach the disk before it is
    /// answered "outcome not known yet" (the sale itself goes on).
    pub outcome_wait: Duration,
}

impl Default for ShopOptions {
    fn default() -> Self {
        ShopOptions {
            limits: BuyLimits::default(),
            buy_permits: 256,
            max_batch: 1024,
            clock: clock::system(),
            outcome_wait: Duration::from_secs(20),
        }
    }
}

/// Why a buy, or an account change, did not go through.
#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    /// The buy rule said no; nothing was sold.
    #[error(transparent)]
    Refused(#[from] BuyError),
    /// The account rule said no; nothing changed.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// The festival editor's rules said no; nothing changed.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// The staff rules said no; nothing changed.
    #[error(transparent)]
    Staff(#[from] StaffError),
    /// The door could not answer the scan; nothing was kept.
    #[error(transparent)]
    Door(#[from] crate::domain::DoorError),
    /// Imported tickets that do not fit the shop (a ticket it already has,
    /// or more tickets than a stage's stock); nothing changed.
    #[error("the imported tickets do not fit: {0}")]
    Import(crate::domain::RestoreError),
    /// The order key already named a different order.
    #[error("this idempotency key was already used for another order ({quantity} × stage {stage}); use a new key for a new order")]
    KeyReused { stage: StageId, quantity: u32 },
    /// The change was made but could not be saved. It may or may not survive
    /// a restart, so sold tickets stay out of stock; the shop saves no more.
    #[error("your request could not be saved ({0}); check your tickets before buying again")]
    NotSaved(CommitError),
    #[error("the shop is closing; try again in a moment")]
    Closed,
    /// A write to disk failed earlier: nothing more is decided, so nothing
    /// was changed.
    #[error("the shop cannot save anything right now, so nothing was changed")]
    NotSaving,
    /// The buy was made, but its sale has not reached the disk within
    /// `outcome_wait`: it may still be saved, or not.
    #[error("your order is not confirmed yet; check your tickets before buying again")]
    OutcomeUnknown,
    /// The task running the buy stopped before answering (a bug, or the
    /// server shutting down).
    #[error("your order was interrupted; check your tickets before buying again")]
    Interrupted,
}

impl From<CommitError> for ShopError {
    fn from(error: CommitError) -> Self {
        match error {
            CommitError::Closed => ShopError::Closed,
            error => ShopError::NotSaved(error),
        }
    }
}

/// How the shop's saving goes, for `/healthz`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// Saving as it should.
    Ok,
    /// A flush to disk has been running for over a second: slow but honest.
    Degraded,
    /// A write failed: the shop decides nothing more until restarted.
    Failing,
}

/// A flush running longer than this makes the shop [`Health::Degraded`].
const SLOW_FLUSH: Duration = Duration::from_secs(1);

pub struct Shop {
    inventory: Mutex<crate::domain::Inventory>,
    accounts: Mutex<Accounts>,
    secrets: Mutex<secrets::Secrets>,
    history: Mutex<festivals::History>,
    door: Mutex<crate::domain::Door>,
    keyed_orders: KeyedOrders,
    admission: Semaphore,
    buy_permits: u32,
    journal: Arc<GroupCommit>,
    stock: watch::Sender<Vec<StockLevel>>,
    /// Cancelled when the server begins to shut down: long-lived streams end.
    closing: CancellationToken,
    clock: SharedClock,
    outcome_wait: Duration,
}

impl Shop {
    /// Opens the shop on a store: recovers what it holds, or sets up a fresh
    /// one with the festival `seed` returns.
    pub fn open(
        mut store: impl Store + 'static,
        seed: impl FnOnce() -> Festival,
        options: ShopOptions,
    ) -> Result<Self, StoreError> {
        let folder = store.location().to_path_buf();
        let saved = match store.load()? {
            Some(saved) => saved,
            None => {
                let saved = Saved {
                    festival: seed(),
                    records: Vec::new(),
                };
                store.create(&saved)?;
                tracing::info!(festival = %saved.festival.name, "set up a new data folder");
                saved
            }
        };
        let inconsistent = |message: String| StoreError::Inconsistent {
            path: folder.clone(),
            message,
        };
        let festivals::Replayed { inventory, keyed } =
            festivals::restore(&saved, options.limits).map_err(inconsistent)?;
        let accounts = accounts::restore(&saved.records, options.clock.now())
            .map_err(|e| inconsistent(e.to_string()))?;
        let keyed_orders = KeyedOrders::restore(keyed).map_err(inconsistent)?;
        tracing::info!(
            tickets = inventory.tickets().len(),
            festivals = inventory.catalogue().festivals().len(),
            "recovered the sales saved before"
        );
        let journal = GroupCommit::start(Box::new(store), options.max_batch).map_err(|source| {
            StoreError::Folder {
                path: folder.clone(),
                source,
            }
        })?;
        let buy_permits = options
            .buy_permits
            .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
        for (_, stage) in inventory.catalogue().stages() {
            metrics::gauge!("tiket_tickets_sold", "stage" => stage.id.0.to_string())
                .set(f64::from(inventory.sold(stage.id)));
        }
        metrics::gauge!("tiket_sessions").set(accounts.session_count() as f64);
        let (stock, _) = watch::channel(inventory.stock_levels());
        Ok(Shop {
            stock,
            closing: CancellationToken::new(),
            inventory: Mutex::new(inventory),
            accounts: Mutex::new(accounts),
            secrets: Mutex::new(secrets::Secrets::restore(&saved.records)),
            history: Mutex::new(festivals::History::restore(&saved.records)),
            door: Mutex::new(door::restore(&saved.records)),
            keyed_orders,
            admission: Semaphore::new(buy_permits),
            buy_permits: buy_permits as u32,
            journal: Arc::new(journal),
            clock: options.clock,
            outcome_wait: options.outcome_wait,
        })
    }

    fn inventory(&self) -> MutexGuard<'_, crate::domain::Inventory> {
        lock(&self.inventory)
    }

    /// The time now, by the shop's clock.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// Every stage with its remaining stock.
    pub fn listing(&self) -> FestivalListing {
        self.inventory().listing()
    }

    /// One stage with its remaining stock, if a festival has it.
    pub fn stage_listing(&self, id: StageId) -> Option<StageListing> {
        let inventory = self.inventory();
        let (_, stage) = inventory.catalogue().stage(id)?;
        let stage = stage.clone();
        let remaining = inventory.remaining(id)?;
        Some(StageListing { stage, remaining })
    }

    /// The default festival's name.
    pub fn festival_name(&self) -> String {
        self.inventory().festival().name.clone()
    }

    /// How many tickets an order, and a fan, may take.
    pub fn limits(&self) -> BuyLimits {
        self.inventory().limits()
    }

    /// Tickets this fan holds for this stage.
    pub fn held_by(&self, fan: &FanName, stage: StageId) -> u32 {
        self.inventory().held_by(fan, stage)
    }

    /// This fan's tickets, oldest first.
    pub fn tickets_of(&self, fan: &FanName) -> Vec<Ticket> {
        self.inventory().tickets_of(fan)
    }

    /// Tickets sold over all stages.
    pub fn tickets_sold(&self) -> u32 {
        self.inventory().tickets().len() as u32
    }

    /// Whether the shop can still save: false once a write to disk failed.
    pub fn is_saving(&self) -> bool {
        !self.journal.has_failed()
    }

    /// How saving goes: failing once a write failed, degraded while a flush
    /// is slow.
    pub fn health(&self) -> Health {
        if self.journal.has_failed() {
            Health::Failing
        } else if self
            .journal
            .flush_running_for()
            .is_some_and(|running| running > SLOW_FLUSH)
        {
            Health::Degraded
        } else {
            Health::Ok
        }
    }

    /// Follows every stage's remaining stock: changes after each sale.
    pub fn stock_updates(&self) -> watch::Receiver<Vec<StockLevel>> {
        self.stock.subscribe()
    }

    /// Tells long-lived streams (live stock) to end, so a graceful shutdown
    /// does not wait for browsers to hang up.
    pub fn begin_closing(&self) {
        self.closing.cancel();
    }

    /// A token cancelled by [`Shop::begin_closing`] or [`Shop::close`].
    pub fn closing(&self) -> CancellationToken {
        self.closing.clone()
    }

    /// Lets the buys already admitted or queued finish, refuses new ones,
    /// then flushes and compacts the journal. Blocks on the disk at the end.
    pub async fn close(&self) -> Result<(), StoreError> {
        self.begin_closing();
        if let Ok(all) = self.admission.acquire_many(self.buy_permits).await {
            all.forget();
        }
        self.admission.close();
        let journal = self.journal.clone();
        tokio::task::spawn_blocking(move || journal.close())
            .await
            .unwrap_or(Err(StoreError::WriterStopped))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::domain::{Order, StageId, Yen};
    use crate::store::JsonStore;

    fn open(dir: &std::path::Path, seed: impl FnOnce() -> Festival) -> Arc<Shop> {
        Arc::new(Shop::open(JsonStore::open(dir).unwrap(), seed, ShopOptions::default()).unwrap())
    }

    #[test]
    fn seeds_a_fresh_store_once_and_reads_it_back_after() {
        let dir = tempfile::tempdir().unwrap();
        let shop = open(dir.path(), Festival::reference);
        assert_eq!(shop.listing().stages.len(), 4);
        drop(shop);

        let mut renamed = Festival::reference();
        renamed.name = "a different seed".into();
        let shop = open(dir.path(), || renamed);
        assert_eq!(
            shop.listing().name,
            Festival::reference().name,
            "the saved festival wins"
        );
    }

    /// The reference festival, on sale whenever the test runs.
    fn on_sale() -> Festival {
        let mut festival = Festival::reference();
        for stage in &mut festival.stages {
            stage.sale_opens = OffsetDateTime::UNIX_EPOCH;
            stage.sale_closes = time::macros::datetime!(2100-01-01 0:00 UTC);
            stage.doors_open = stage.sale_closes;
            stage.starts_at = stage.sale_closes;
        }
        festival
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sale_survives_a_restart_and_a_refusal_saves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let shop = open(dir.path(), on_sale);
        let fan = FanName::new("jovan").unwrap();
        let order = |quantity| Order {
            stage: StageId(1),
            fan: fan.clone(),
            quantity,
        };
        let bought = shop.buy(order(2), None).await.unwrap().tickets;
        assert!(matches!(
            shop.buy(order(9), None).await,
            Err(ShopError::Refused(BuyError::OverOrderLimit { .. }))
        ));
        shop.close().await.unwrap();
        assert!(matches!(
            shop.buy(order(1), None).await,
            Err(ShopError::Closed)
        ));
        let segments = crate::store::segment::list(dir.path()).unwrap();
        let journal: u64 = segments
            .iter()
            .map(|segment| std::fs::metadata(&segment.path).unwrap().len())
            .sum();
        assert_eq!(journal, 0, "closing folds the journal into the snapshot");
        drop(shop);

        let shop = open(dir.path(), || unreachable!("already set up"));
        assert_eq!(shop.tickets_of(&fan), bought);
        assert_eq!(shop.listing().stages[0].remaining, 38);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sale_publishes_the_new_stock_and_closing_is_announced() {
        let dir = tempfile::tempdir().unwrap();
        let shop = open(dir.path(), on_sale);
        let mut updates = shop.stock_updates();
        assert_eq!(updates.borrow_and_update()[1].remaining, 40);
        let order = Order {
            stage: StageId(2),
            fan: FanName::new("mio").unwrap(),
            quantity: 3,
        };
        shop.buy(order.clone(), None).await.unwrap();
        assert!(updates.has_changed().unwrap());
        let levels = updates.borrow_and_update().clone();
        assert_eq!(
            levels.iter().map(|l| l.remaining).collect::<Vec<_>>(),
            [40, 37, 40, 40]
        );
        let refused = Order {
            quantity: 99,
            ..order
        };
        assert!(shop.buy(refused, None).await.is_err());
        assert!(
            !updates.has_changed().unwrap(),
            "a refusal changes no stock"
        );

        let closing = shop.closing();
        assert!(!closing.is_cancelled());
        shop.close().await.unwrap();
        assert!(closing.is_cancelled());
    }

    /// The sale opens at the very second the clock reaches it, with no
    /// waiting: the shop reads the clock it was given.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sale_opens_when_the_shops_clock_reaches_it() {
        let dir = tempfile::tempdir().unwrap();
        let festival = Festival::reference();
        let opens = festival.stages[0].sale_opens;
        let clock = ManualClock::at(opens - time::Duration::SECOND);
        let options = ShopOptions {
            clock: clock.clone(),
            ..ShopOptions::default()
        };
        let store = JsonStore::open(dir.path()).unwrap();
        let shop = Arc::new(Shop::open(store, || festival, options).unwrap());
        let order = Order {
            stage: StageId(1),
            fan: FanName::new("kanata").unwrap(),
            quantity: 1,
        };
        assert!(matches!(
            shop.buy(order.clone(), None).await,
            Err(ShopError::Refused(BuyError::SaleNotOpen { .. }))
        ));
        clock.advance(time::Duration::SECOND);
        let bought = shop.buy(order, None).await.unwrap();
        assert_eq!(
            bought.tickets[0].bought_at, opens,
            "stamped by the shop's clock"
        );
        assert_eq!(bought.total, Yen(7_950));
    }
}
