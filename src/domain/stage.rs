//! A stage: one concert of the festival, with its own time, price, stock and
//! the window in which its tickets are on sale.

use super::{BuyLimits, Yen};
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

/// Identifies a stage. Numbers, as in the system tiket replaces (`stage_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StageId(pub u32);

impl fmt::Display for StageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One stage of the festival. Check one built by hand with [`Stage::validate`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: StageId,
    pub name: String,
    /// Festival day, counted from 1.
    pub day: u8,
    #[serde(with = "time::serde::rfc3339")]
    pub doors_open: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    pub price: Yen,
    /// Tickets this stage has in all, sold or not.
    pub total_stock: u32,
    /// Tickets are sold from this moment (inclusive) …
    #[serde(with = "time::serde::rfc3339")]
    pub sale_opens: OffsetDateTime,
    /// … until this one (exclusive).
    #[serde(with = "time::serde::rfc3339")]
    pub sale_closes: OffsetDateTime,
    /// Most tickets in one order for this stage; the server's default when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_order: Option<u32>,
    /// Most tickets one fan may hold for this stage; the server's default when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_fan: Option<u32>,
    /// Closed by an organiser: nothing more is sold, its tickets stay valid.
    /// (A stage with sales is closed, never deleted.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub closed: bool,
    /// Holders may leave and come back: the door admits a ticket again.
    /// Off unless an organiser allows it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reentry: bool,
}

/// Where `now` falls in a stage's sale window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SalePhase {
    NotYetOpen,
    Open,
    Closed,
}

impl SalePhase {
    /// Where `now` falls in the sale window from `opens` (inclusive) to
    /// `closes` (exclusive).
    pub fn at(now: OffsetDateTime, opens: OffsetDateTime, closes: OffsetDateTime) -> SalePhase {
        if now < opens {
            SalePhase::NotYetOpen
        } else if now < closes {
            SalePhase::Open
        } else {
            SalePhase::Closed
        }
    }
}

/// Why a stage description is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    #[error("stage {0}: the name is empty")]
    EmptyName(StageId),
    #[error("stage {0}: festival days are counted from 1")]
    DayZero(StageId),
    #[error("stage {0}: doors open after the show starts")]
    DoorsAfterStart(StageId),
    #[error("stage {0}: the ticket price is zero")]
    FreeTicket(StageId),
    #[error("stage {0}: the sale closes before it opens")]
    EmptySaleWindow(StageId),
    #[error("stage {0}: the sale closes after the doors open")]
    SaleAfterDoors(StageId),
    #[error("stage {0}: the price is more than ¥{max}", max = Stage::MOST_PRICE.0)]
    PriceAbsurd(StageId),
    #[error("stage {0}: the stock is more than {max} tickets", max = Stage::MOST_STOCK)]
    StockAbsurd(StageId),
    #[error("stage {0}: the per-order limit must be 1 to {max}", max = BuyLimits::MOST_PER_ORDER)]
    PerOrderOutOfRange(StageId),
    #[error("stage {0}: the per-fan limit must be 1 to {max}", max = BuyLimits::MOST_PER_FAN)]
    PerFanOutOfRange(StageId),
    #[error("stage {0}: {1}")]
    Name(StageId, super::NameError),
    #[error("stage {0}: the price times the stock is more yen than tiket can count")]
    PriceTooLarge(StageId),
    #[error("the festival's {0}")]
    Festival(super::NameError),
    #[error("stage {0}: two stages have this id")]
    DuplicateId(StageId),
}

impl Stage {
    /// The highest price a stage may have (¥10,000,000): anything above is a typo.
    pub const MOST_PRICE: Yen = Yen(10_000_000);
    /// The largest stock a stage may have.
    pub const MOST_STOCK: u32 = 10_000_000;

    /// Checks a stage however it was made (by hand, or read back from a file).
    pub fn validate(&self) -> Result<(), StageError> {
        let id = self.id;
        if self.name.trim().is_empty() {
            return Err(StageError::EmptyName(id));
        }
        super::check_name(&self.name).map_err(|e| StageError::Name(id, e))?;
        if self.day == 0 {
            return Err(StageError::DayZero(id));
        }
        if self.doors_open > self.starts_at {
            return Err(StageError::DoorsAfterStart(id));
        }
        if self.price == Yen(0) {
            return Err(StageError::FreeTicket(id));
        }
        if self.price > Self::MOST_PRICE {
            return Err(StageError::PriceAbsurd(id));
        }
        // Every order's total is then countable: an order never holds more than the stock.
        if self.price.times(self.total_stock).is_none() {
            return Err(StageError::PriceTooLarge(id));
        }
        if self.sale_opens >= self.sale_closes {
            return Err(StageError::EmptySaleWindow(id));
        }
        if self.sale_closes > self.doors_open {
            return Err(StageError::SaleAfterDoors(id));
        }
        if self.total_stock > Self::MOST_STOCK {
            return Err(StageError::StockAbsurd(id));
        }
        if self
            .per_order
            .is_some_and(|n| n == 0 || n > BuyLimits::MOST_PER_ORDER)
        {
            return Err(StageError::PerOrderOutOfRange(id));
        }
        if self
            .per_fan
            .is_some_and(|n| n == 0 || n > BuyLimits::MOST_PER_FAN)
        {
            return Err(StageError::PerFanOutOfRange(id));
        }
        Ok(())
    }

    /// The limits this stage's orders are held to: its own where it has
    /// them, else the server's `defaults`.
    pub fn limits(&self, defaults: BuyLimits) -> BuyLimits {
        BuyLimits {
            per_order: self.per_order.unwrap_or(defaults.per_order),
            per_fan: self.per_fan.unwrap_or(defaults.per_fan),
        }
    }

    /// Whether tickets are on sale at `now`.
    pub fn sale_phase(&self, now: OffsetDateTime) -> SalePhase {
        SalePhase::at(now, self.sale_opens, self.sale_closes)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::datetime;

    /// A valid stage to vary in tests: on sale through November 2026.
    pub(crate) fn stage(id: u32, total_stock: u32) -> Stage {
        Stage {
            id: StageId(id),
            name: format!("Stage {id}"),
            day: 1,
            doors_open: datetime!(2027-03-20 10:00 +9),
            starts_at: datetime!(2027-03-20 11:30 +9),
            price: Yen(7_950),
            total_stock,
            sale_opens: datetime!(2026-11-01 12:00 +9),
            sale_closes: datetime!(2026-12-01 12:00 +9),
            per_order: None,
            per_fan: None,
            closed: false,
            reentry: false,
        }
    }

    #[test]
    fn accepts_a_well_formed_stage() {
        assert_eq!(stage(1, 40).validate(), Ok(()));
    }

    #[test]
    fn refuses_each_kind_of_malformed_stage() {
        let id = StageId(1);
        type Spoil = fn(&mut Stage);
        let cases: [(Spoil, StageError); 11] = [
            (|s| s.name = "  ".into(), StageError::EmptyName(id)),
            (|s| s.day = 0, StageError::DayZero(id)),
            (
                |s| s.doors_open = s.starts_at + time::Duration::MINUTE,
                StageError::DoorsAfterStart(id),
            ),
            (|s| s.price = Yen(0), StageError::FreeTicket(id)),
            (
                |s| s.sale_closes = s.sale_opens,
                StageError::EmptySaleWindow(id),
            ),
            (
                |s| s.sale_closes = s.doors_open + time::Duration::SECOND,
                StageError::SaleAfterDoors(id),
            ),
            (|s| s.price = Yen(10_000_001), StageError::PriceAbsurd(id)),
            (|s| s.total_stock = 10_000_001, StageError::StockAbsurd(id)),
            (
                |s| s.per_order = Some(0),
                StageError::PerOrderOutOfRange(id),
            ),
            (
                |s| s.per_fan = Some(10_001),
                StageError::PerFanOutOfRange(id),
            ),
            (
                |s| s.name = "a\u{0}b".into(),
                StageError::Name(id, super::super::NameError::ControlCharacter),
            ),
        ];
        for (spoil, expected) in cases {
            let mut s = stage(1, 40);
            spoil(&mut s);
            assert_eq!(s.validate(), Err(expected));
        }
    }

    #[test]
    fn a_stage_uses_its_own_limits_where_it_has_them() {
        let mut s = stage(1, 40);
        let defaults = BuyLimits::default();
        assert_eq!(s.limits(defaults), defaults);
        s.per_fan = Some(2);
        assert_eq!(
            s.limits(defaults),
            BuyLimits {
                per_order: defaults.per_order,
                per_fan: 2
            }
        );
    }

    #[test]
    fn the_sale_window_includes_its_opening_and_excludes_its_close() {
        let s = stage(1, 40);
        let second = time::Duration::SECOND;
        assert_eq!(s.sale_phase(s.sale_opens - second), SalePhase::NotYetOpen);
        assert_eq!(s.sale_phase(s.sale_opens), SalePhase::Open);
        assert_eq!(s.sale_phase(s.sale_closes - second), SalePhase::Open);
        assert_eq!(s.sale_phase(s.sale_closes), SalePhase::Closed);
    }

    #[test]
    fn serialises_times_as_rfc3339_and_reads_them_back() {
        let s = stage(1, 40);
        let json = serde_json::to_string(&s).unwrap();
        assert!(
            json.contains(r#""doors_open":"2027-03-20T10:00:00+09:00""#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Stage>(&json).unwrap(), s);
    }
}
