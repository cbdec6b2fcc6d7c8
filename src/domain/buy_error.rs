//! [`BuyError`]: why the buy rule refused an order. Each says what the fan
//! can do about it; the sentences fans and API clients read are made from
//! these in `messages`, in their language.

use super::StageId;
use time::OffsetDateTime;

/// Why an order was refused. Each says what the fan can do about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuyError {
    #[error("there is no stage {0}")]
    UnknownStage(StageId),
    #[error("choose at least one ticket")]
    NoTickets,
    #[error("one order can hold at most {limit} tickets; you asked for {requested}")]
    OverOrderLimit { requested: u32, limit: u32 },
    #[error(
        "tickets for stage {stage} are not on sale yet; the sale opens at {}",
        moment(opens)
    )]
    SaleNotOpen {
        stage: StageId,
        opens: OffsetDateTime,
    },
    #[error("the sale for stage {stage} closed at {}", moment(closed))]
    SaleClosed {
        stage: StageId,
        closed: OffsetDateTime,
    },
    #[error("a fan may hold at most {limit} tickets for stage {stage}; you hold {held} already, so you can buy {left} more", left = limit.saturating_sub(*held))]
    OverFanLimit {
        stage: StageId,
        limit: u32,
        held: u32,
    },
    #[error("stage {0} is closed: nothing more is sold for it")]
    StageClosed(StageId),
    #[error("stage {0} is sold out")]
    SoldOut(StageId),
    #[error("only {remaining} tickets are left for stage {stage}; you asked for {requested}")]
    NotEnoughStock {
        stage: StageId,
        requested: u32,
        remaining: u32,
    },
    /// The order's total is more yen than tiket can count (only a festival
    /// with an absurd price could ask this; it is refused before selling).
    #[error("{requested} tickets for stage {stage} cost more than tiket can count")]
    TotalTooLarge { stage: StageId, requested: u32 },
}

/// A moment as a sentence shows it, in the offset it was given in:
/// `2026-11-01 12:00 +09:00`.
fn moment(at: &OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute] [offset_hour sign:mandatory]:[offset_minute]"
    );
    at.format(format).unwrap_or_else(|_| at.to_string())
}
