//! Orders with an idempotency key: an order sent again under the same key
//! (a retry after a timeout, a double click) gets the first order's tickets
//! back and never buys twice. Keys are per fan and saved with the sale, so
//! this holds across restarts too.
//!
//! Only sales are remembered. A refused order sold nothing, so its retry is
//! simply asked afresh; it cannot buy twice either way.

use super::{lock, Shop, ShopError};
use crate::domain::{FanName, IdempotencyKey, Order, StageId, Ticket};
use crate::store::Record;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What a buy answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purchase {
    pub tickets: Vec<Ticket>,
    /// The tickets of an earlier order with the same key: nothing new was sold.
    pub replayed: bool,
}

/// One key's order and, once it sold, its tickets. The async mutex makes
/// requests with the same key wait for each other.
struct KeyedOrder {
    stage: StageId,
    quantity: u32,
    tickets: tokio::sync::Mutex<Option<Vec<Ticket>>>,
}

type Slots = HashMap<(FanName, IdempotencyKey), Arc<KeyedOrder>>;

/// Every key that sold something, and every key with an order in flight.
#[derive(Default)]
pub(super) struct KeyedOrders(Mutex<Slots>);

impl KeyedOrders {
    /// The keys of the saved sales.
    pub(super) fn restore(records: &[Record]) -> Self {
        let mut slots = Slots::new();
        for record in records {
            let Record::Sold {
                tickets,
                key: Some(key),
            } = record
            else {
                continue;
            };
            let Some(first) = tickets.first() else {
                continue;
            };
            let order = KeyedOrder {
                stage: first.stage,
                quantity: tickets.len() as u32,
                tickets: tokio::sync::Mutex::new(Some(tickets.clone())),
            };
            slots.insert((first.owner.clone(), key.clone()), Arc::new(order));
        }
        KeyedOrders(Mutex::new(slots))
    }

    /// The slot for this fan's key, made for `order` if new; refuses a key
    /// that already names a different order.
    fn slot(&self, order: &Order, key: &IdempotencyKey) -> Result<Arc<KeyedOrder>, ShopError> {
        let mut slots = lock(&self.0);
        let slot = slots
            .entry((order.fan.clone(), key.clone()))
            .or_insert_with(|| {
                Arc::new(KeyedOrder {
                    stage: order.stage,
                    quantity: order.quantity,
                    tickets: tokio::sync::Mutex::new(None),
                })
            });
        if (slot.stage, slot.quantity) != (order.stage, order.quantity) {
            return Err(ShopError::KeyReused {
                stage: slot.stage,
                quantity: slot.quantity,
            });
        }
        Ok(slot.clone())
    }

    /// Drops a slot whose order sold nothing, unless another request with
    /// the same key holds it (that one may still sell and must stay findable).
    fn forget_unsold(&self, fan: &FanName, key: &IdempotencyKey, slot: &Arc<KeyedOrder>) {
        let mut slots = lock(&self.0);
        let held_only_here = Arc::strong_count(slot) == 2;
        let unsold = slot
            .tickets
            .try_lock()
            .is_ok_and(|tickets| tickets.is_none());
        if held_only_here && unsold {
            slots.remove(&(fan.clone(), key.clone()));
        }
    }
}

impl Shop {
    /// Buys once per idempotency key (or always, without one), and runs to
    /// the end even if the caller stops waiting: a sale that was made is
    /// always recorded under its key.
    pub async fn buy_once(
        self: &Arc<Self>,
        order: Order,
        key: Option<IdempotencyKey>,
    ) -> Result<Purchase, ShopError> {
        let shop = self.clone();
        tokio::spawn(async move { shop.buy_once_to_the_end(order, key).await })
            .await
            .unwrap_or(Err(ShopError::Interrupted))
    }

    async fn buy_once_to_the_end(
        &self,
        order: Order,
        key: Option<IdempotencyKey>,
    ) -> Result<Purchase, ShopError> {
        let Some(key) = key else {
            let tickets = self.buy(&order).await?;
            return Ok(Purchase {
                tickets,
                replayed: false,
            });
        };
        let slot = self.keyed_orders.slot(&order, &key)?;
        let mut sold = slot.tickets.lock().await;
        if let Some(tickets) = sold.as_ref() {
            return Ok(Purchase {
                tickets: tickets.clone(),
                replayed: true,
            });
        }
        match self.buy_keyed(&order, Some(key.clone())).await {
            Ok(tickets) => {
                *sold = Some(tickets.clone());
                Ok(Purchase {
                    tickets,
                    replayed: false,
                })
            }
            Err(error) => {
                drop(sold);
                self.keyed_orders.forget_unsold(&order.fan, &key, &slot);
                Err(error)
            }
        }
    }
}
