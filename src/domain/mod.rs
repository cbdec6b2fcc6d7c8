//! The festival's domain: stages, prices and stock.
//!
//! Plain Rust and serde only — no web, UI or file types — so the server and
//! the browser share these types and their unit tests need nothing else.

pub mod festival;
pub mod inventory;
pub mod money;
pub mod stage;

pub use festival::Festival;
pub use inventory::{Inventory, StageListing};
pub use money::Yen;
pub use stage::{Stage, StageError, StageId};
