//! The pages of tiket, one per file. Each renders on the server and hydrates
//! in the browser; data comes from the server functions in [`crate::server_fns`].

pub mod console;
pub mod door;
pub mod home;
pub mod my_tickets;
pub mod not_found;
pub mod sign_in;
pub mod sign_up;
pub mod stage;
pub mod stage_list;
