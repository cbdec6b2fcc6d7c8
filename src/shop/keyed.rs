//! Orders with a key ([`OrderKey`]): an order sent again under the same key
//! (a retry after a timeout, a double click, a form posted twice) gets the
//! first order's answer back and never buys twice. Keys are per fan and
//! saved with the sale, so this holds across restarts too.
//!
//! Only sales are remembered. A refused order sold nothing, so its retry is
//! simply asked afresh; it cannot buy twice either way.

use super::write::lock;
use super::ShopError;
use crate::domain::{FanName, Order, OrderKey, Sale, StageId, Ticket, Yen};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One key's order and, once it sold, its sale. The async mutex makes
/// requests with the same key wait for each other.
pub(super) struct KeyedOrder {
    stage: StageId,
    quantity: u32,
    pub(super) sold: tokio::sync::Mutex<Option<Sale>>,
}

type Slots = HashMap<(FanName, OrderKey), Arc<KeyedOrder>>;

/// Every key that sold something, and every key with an order in flight.
#[derive(Default)]
pub(super) struct KeyedOrders(Mutex<Slots>);

impl KeyedOrders {
    /// The keys of the saved sales: each key with its order's tickets as
    /// the inventory kept them (priced).
    pub(super) fn restore(sales: Vec<(OrderKey, Vec<Ticket>)>) -> Result<Self, String> {
        let mut slots = Slots::new();
        for (key, tickets) in sales {
            let Some(first) = tickets.first() else {
                continue;
            };
            let (stage, owner) = (first.stage, first.owner.clone());
            let price = first.price.unwrap_or(Yen(0));
            let quantity = tickets.len() as u32;
            let sale = Sale::at_price(tickets, price)
                .ok_or_else(|| format!("order {key:?} costs more than tiket can count"))?;
            let order = KeyedOrder {
                stage,
                quantity,
                sold: tokio::sync::Mutex::new(Some(sale)),
            };
            slots.insert((owner, key), Arc::new(order));
        }
        Ok(KeyedOrders(Mutex::new(slots)))
    }

    /// The slot for this fan's key, made for `order` if new; refuses a key
    /// that already names a different order.
    pub(super) fn slot(&self, order: &Order, key: &OrderKey) -> Result<Arc<KeyedOrder>, ShopError> {
        let mut slots = lock(&self.0);
        let slot = slots
            .entry((order.fan.clone(), key.clone()))
            .or_insert_with(|| {
                Arc::new(KeyedOrder {
                    stage: order.stage,
                    quantity: order.quantity,
                    sold: tokio::sync::Mutex::new(None),
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
    pub(super) fn forget_unsold(&self, fan: &FanName, key: &OrderKey, slot: &Arc<KeyedOrder>) {
        let mut slots = lock(&self.0);
        let held_only_here = Arc::strong_count(slot) == 2;
        let unsold = slot.sold.try_lock().is_ok_and(|sold| sold.is_none());
        if held_only_here && unsold {
            slots.remove(&(fan.clone(), key.clone()));
        }
    }
}
