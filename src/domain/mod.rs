//! The festival's domain: stages, fans and their accounts, tickets, the
//! inventory and the buy rule.
//!
//! Plain Rust, serde and time only — no web, UI or file types — so the server
//! and the browser share these types and their unit tests need nothing else.
//! Randomness (ticket ids and codes) and the clock come in as arguments, so
//! every rule is tested deterministically.

pub mod account;
pub mod fan;
pub mod festival;
pub mod inventory;
pub mod money;
pub mod stage;
pub mod ticket;

pub use account::{
    Account, AccountError, Accounts, Password, PasswordError, Session, SessionError, TokenHash,
};
pub use fan::{FanName, FanNameError};
pub use festival::Festival;
pub use inventory::{
    BuyError, BuyLimits, FestivalListing, IdempotencyKey, IdempotencyKeyError, Inventory, Order,
    RestoreError, StageListing, StockLevel,
};
pub use money::Yen;
pub use stage::{SalePhase, Stage, StageError, StageId};
pub use ticket::{Ticket, TicketCode, TicketId};
