//! The festival's domain: stages, fans and their accounts, tickets, orders,
//! the inventory and the buy rule.
//!
//! Plain Rust, serde, time and Unicode's tables (`unicode-security`,
//! `unicode-normalization`) only — no web, UI or file types — so the server
//! and the browser share these types and their unit tests need nothing else.
//! Randomness (ticket ids and codes) and the clock come in as arguments, so
//! every rule is tested deterministically.
//!
//! - [`festival`], [`stage`]: what is on sale, and when; [`catalogue`]: every
//!   festival and where each stage belongs; [`festival_edit`]: the editor's
//!   rules; [`slug`], [`names`]: addresses, zones and names;
//! - [`staff`]: roles (organiser, door) and second factors;
//! - [`door`]: admissions and the rule that admits a ticket once;
//!   [`door_pass`]: the signed passes tickets' QR codes carry;
//! - [`order`]: what a fan asks for, the limits, and what a sale got;
//! - [`inventory`]: the buy rule ([`Inventory::buy`]) and who holds what;
//! - [`buy_error`]: why an order was refused;
//! - [`listing`]: what fans see of stages and stock;
//! - [`fan`], [`account`], [`ticket`], [`money`]: the rest of the vocabulary;
//! - [`look_alike`]: names that read alike, and what a new name must meet.

pub mod account;
pub mod buy_error;
pub mod catalogue;
pub mod door;
pub mod door_pass;
pub mod fan;
pub mod festival;
pub mod festival_edit;
pub mod inventory;
pub mod listing;
pub mod look_alike;
pub mod money;
pub mod names;
pub mod order;
pub mod slug;
pub mod staff;
pub mod stage;
pub mod ticket;

pub use account::{
    Account, AccountError, Accounts, Password, PasswordError, Session, SessionError, TokenHash,
};
pub use buy_error::BuyError;
pub use catalogue::Catalogue;
pub use door::{
    check_code, check_gate, scan_time, CheckIn, Conflict, Decision, Door, DoorError, Scan, ScanId,
    ScanIdError,
};
pub use door_pass::{DoorKey, DoorPublicKey, PassClaims, PassError, UncheckedPass};
pub use fan::{FanName, FanNameError};
pub use festival::{Festival, FestivalState};
pub use festival_edit::{EditError, FestivalEdit};
pub use inventory::{Inventory, RestoreError};
pub use listing::{FestivalListing, StageListing, StockLevel};
pub use look_alike::LookAlikeKey;
pub use money::Yen;
pub use names::{check_name, NameError, MAX_NAME_CHARS};
pub use order::{BuyLimits, Order, OrderKey, OrderKeyError, Sale};
pub use slug::{Slug, SlugError, TimeZoneName};
pub use staff::{Role, SecondFactor, Staff, StaffError};
pub use stage::{SalePhase, Stage, StageError, StageId};
pub use ticket::{Ticket, TicketCode, TicketId};
