//! Orders: what a fan asks for ([`Order`], named by an optional [`OrderKey`]),
//! the limits every order is held to ([`BuyLimits`]), and what a sold order
//! got ([`Sale`]).

use super::{FanName, StageId, Ticket, Yen};
use serde::{Deserialize, Serialize};

/// How many tickets one order, and one fan in all, may take of a stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyLimits {
    /// Most tickets in one order.
    pub per_order: u32,
    /// Most tickets one fan may hold for one stage, earlier orders included.
    pub per_fan: u32,
}

impl BuyLimits {
    /// The most any setting may allow in one order: the hard bound a
    /// quantity is held to, whatever the per-order limit of the day.
    pub const MOST_PER_ORDER: u32 = 100;
    /// The most any setting may let one fan hold for one stage.
    pub const MOST_PER_FAN: u32 = 10_000;
}

impl Default for BuyLimits {
    fn default() -> Self {
        BuyLimits {
            per_order: 4,
            per_fan: 4,
        }
    }
}

/// A fan's request for `quantity` tickets of one stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub stage: StageId,
    pub fan: FanName,
    pub quantity: u32,
}

/// What a sold order got: its tickets and what they cost together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sale {
    pub tickets: Vec<Ticket>,
    pub total: Yen,
}

impl Sale {
    /// The tickets of one order at `price` each; `None` when their total is
    /// more yen than tiket can count (the buy rule refuses such an order, and a
    /// festival whose price times stock overflows is not accepted).
    pub fn at_price(tickets: Vec<Ticket>, price: Yen) -> Option<Sale> {
        let total = price.times(u32::try_from(tickets.len()).ok()?)?;
        Some(Sale { tickets, total })
    }
}

/// A client's name for one order, chosen by the client (a buy form's hidden
/// field, an API client's retry key): an order sent again under the same key
/// is answered, not sold, again. 1 to [`OrderKey::MAX_LEN`] visible ASCII
/// characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderKey(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an idempotency key is 1 to {max} visible ASCII characters (a UUID is a good choice)", max = OrderKey::MAX_LEN)]
pub struct OrderKeyError;

impl OrderKey {
    pub const MAX_LEN: usize = 128;

    pub fn new(key: impl Into<String>) -> Result<Self, OrderKeyError> {
        let key = key.into();
        let visible = key.chars().all(Self::allows);
        match visible && (1..=Self::MAX_LEN).contains(&key.len()) {
            true => Ok(OrderKey(key)),
            false => Err(OrderKeyError),
        }
    }

    /// Whether a key may hold `c`: visible ASCII, `!` to `~`.
    pub fn allows(c: char) -> bool {
        c.is_ascii_graphic()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrderKey {
    type Error = OrderKeyError;
    fn try_from(key: String) -> Result<Self, Self::Error> {
        OrderKey::new(key)
    }
}

impl From<OrderKey> for String {
    fn from(key: OrderKey) -> String {
        key.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_keys_are_short_visible_ascii() {
        assert!(OrderKey::new("6f1c2b9e-order-1").is_ok());
        assert!(OrderKey::new("k".repeat(128)).is_ok());
        for bad in [
            String::new(),
            "k".repeat(129),
            "with space".into(),
            "ünï".into(),
            "tab\t".into(),
        ] {
            assert_eq!(OrderKey::new(bad.clone()), Err(OrderKeyError), "{bad:?}");
        }
    }
}
