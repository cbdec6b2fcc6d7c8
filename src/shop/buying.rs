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
//!    disk.

use super::write::Change;
use super::{Shop, ShopError};
use crate::domain::{Order, OrderKey, Sale, Ticket, Yen};
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

impl Shop {
    /// Buys the order for its fan: once per key (or always, without one),
    /// answered only once the sale is on disk.
    pub async fn buy(
        self: &Arc<Self>,
        order: Order,
        key: Option<OrderKey>,
    ) -> Result<Purchase, ShopError> {
        let shop = self.clone();
        tokio::spawn(async move { shop.buy_to_the_end(order, key).await })
            .await
            .unwrap_or(Err(ShopError::Interrupted))
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
        let _turn = self
            .admission
            .acquire()
            .await
            .map_err(|_| ShopError::Closed)?;
        let now = self.clock.now();
        self.write(&self.inventory, |inventory| {
            let sale = inventory.buy(order, now, &mut rand::rng())?;
            let left = inventory.remaining(order.stage).unwrap_or(0);
            self.stock.send_modify(|levels| {
                for level in levels.iter_mut().filter(|level| level.stage == order.stage) {
                    level.remaining = left;
                }
            });
            let record = Record::Sold {
                tickets: sale.tickets.clone(),
                key,
            };
            Ok::<_, ShopError>(Change::saving(sale, record))
        })
        .await
    }
}
