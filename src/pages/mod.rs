//! The pages of tiket, one per file. Each renders on the server and hydrates
//! in the browser; data comes from the server functions in [`crate::api`].

pub mod not_found;
pub mod stage_list;
