//! The one door into the shop for buying: [`Shop::buy`]. Pages (through
//! their server function), the JSON API, tests and benchmarks all call it.
//!
//! How a buy runs:
//! 1. it runs as a task of its own, to the end, even if the caller stops
//!    waiting: a sale that was made is always recorded under its key;
//! 2. with a key, it takes the key's slot: a key that already sold answers
//!    with that sale, and requests with the same key wait for each other;
//! 3. it waits its turn at a FIFO-fair semaphore, so a rush queues in
//!    arrival order and at most `buy_permits` buys are in flight;
//! 4. through the one write path ([`Shop::write`]) the buy rule checks and
//!    sells in one step under the inventory lock, the new stock is published,
//!    and the sale is queued to the journal; the answer comes once it is on
//!    disk (a sale that cannot be saved is taken back and its stock published
//!    again);
//! 5. if the disk has not confirmed the sale within `outcome_wait`, the buyer
//!    is told its outcome is not known yet, never "try again".

use super::write::Change;
use super::{Shop, ShopError};
use crate::domain::{Order, OrderKey, Sale, StageId, Ticket, Yen};
use crate::store::Record;
use std::sync::Arc;

/// What a buy answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purchase {
    pub tickets: Vec<Ticket>,
    /// What the tickets cost together.
    pub total: Yen,
    /// The tickets of an earlier order with the same key: nothing new was sold.
    pub replayed: bool,
}

impl Purchase {
    fn new(sale: Sale, replayed: bool) -> Self {
        Purchase {
            tickets: sale.tickets,
            total: sale.total,
            replayed,
        }
    }
}

/// How a buy ended, as the metrics count it.
fn outcome_label(outcome: &Result<Purchase, ShopError>) -> &'static str {
    match outcome {
        Ok(purchase) if purchase.replayed => "replayed",
        Ok(_) => "sold",
        Err(ShopError::Refused(_) | ShopError::KeyReused { .. }) => "refused",
        Err(ShopError::OutcomeUnknown) => "unknown",
        Err(ShopError::Closed | ShopError::NotSaving) => "unavailable",
        Err(_) => "failed",
    }
}

/// Publishes a stage's remaining stock to the live stock's followers (and
/// its tickets sold to the metrics).
pub(super) fn publish(stock: &StockSender, inventory: &crate::domain::Inventory, stage: StageId) {
    let left = inventory.remaining(stage).unwrap_or(0);
    metrics::gauge!("tiket_tickets_sold", "stage" => stage.0.to_string())
        .set(f64::from(inventory.sold(stage)));
    stock.send_modify(|levels| {
        for level in levels.iter_mut().filter(|level| level.stage == stage) {
            level.remaining = left;
        }
    });
}

type StockSender = tokio::sync::watch::Sender<Vec<crate::domain::StockLevel>>;

/// Publishes every stage's stock afresh (after an edit added, removed or
/// restocked stages).
pub(super) fn publish_all(stock: &StockSender, inventory: &crate::domain::Inventory) {
    stock.send_replace(inventory.stock_levels());
}

impl Shop {
    fn publish_stock(&self, inventory: &crate::domain::Inventory, stage: StageId) {
        publish(&self.stock, inventory, stage);
    }

    /// Buys the order for its fan: once per key (or always, without one),
    /// answered only once the sale is on disk.
    pub async fn buy(
        self: &Arc<Self>,
        order: Order,
        key: Option<OrderKey>,
    ) -> Result<Purchase, ShopError> {
        let started = std::time::Instant::now();
        let shop = self.clone();
        let buying = tokio::spawn(async move { shop.buy_to_the_end(order, key).await });
        // A disk that stalls (frozen, failing slowly) must not leave the
        // buyer waiting forever, nor be answered "try again": the sale goes
        // on in its task, and the buyer learns its outcome is not known yet.
        let outcome = match tokio::time::timeout(self.outcome_wait, buying).await {
            Ok(done) => done.unwrap_or(Err(ShopError::Interrupted)),
            Err(_) => Err(ShopError::OutcomeUnknown),
        };
        metrics::counter!("tiket_buys_total", "outcome" => outcome_label(&outcome)).increment(1);
        metrics::histogram!("tiket_buy_seconds").record(started.elapsed().as_secs_f64());
        outcome
    }

    async fn buy_to_the_end(
        &self,
        order: Order,
        key: Option<OrderKey>,
    ) -> Result<Purchase, ShopError> {
        let Some(key) = key else {
            return Ok(Purchase::new(self.sell(&order, None).await?, false));
        };
        let slot = self.keyed_orders.slot(&order, &key)?;
        let mut sold = slot.sold.lock().await;
        if let Some(sale) = sold.as_ref() {
            return Ok(Purchase::new(sale.clone(), true));
        }
        match self.sell(&order, Some(key.clone())).await {
            Ok(sale) => {
                *sold = Some(sale.clone());
                Ok(Purchase::new(sale, false))
            }
            Err(error) => {
                drop(sold);
                self.keyed_orders.forget_unsold(&order.fan, &key, &slot);
                Err(error)
            }
        }
    }

    /// Waits its turn, applies the buy rule and saves the sale.
    async fn sell(&self, order: &Order, key: Option<OrderKey>) -> Result<Sale, ShopError> {
        metrics::gauge!("tiket_buyers_waiting").increment(1.0);
        let turn = self.admission.acquire().await;
        metrics::gauge!("tiket_buyers_waiting").decrement(1.0);
        let _turn = turn.map_err(|_| ShopError::Closed)?;
        let now = self.clock.now();
        self.write(&self.inventory, |inventory| {
            let sale = inventory.buy(order, now, &mut rand::rng())?;
            self.publish_stock(inventory, order.stage);
            let record = Record::Sold {
                tickets: sale.tickets.clone(),
                key,
            };
            let ids: Vec<_> = sale.tickets.iter().map(|ticket| ticket.id).collect();
            let stage = order.stage;
            let stock = self.stock.clone();
            let undo = move |inventory: &mut crate::domain::Inventory| {
                inventory.unsell(&ids);
                publish(&stock, inventory, stage);
            };
            Ok::<_, ShopError>(Change::saving(sale, record, undo))
        })
        .await
    }
}
