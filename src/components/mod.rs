//! Components shared by the pages: the site's frame and its language
//! switcher, stage cards and ticket passes, forms, notices, live stock and
//! the clock; the door page's parts and its camera scanner. How times are
//! written is in [`crate::when`], shared with the server.

pub mod account_form;
pub mod clock;
pub mod console;
pub mod door;
pub mod form;
pub mod language_switcher;
pub mod live_stock;
pub mod notice;
pub mod qr_camera;
pub mod sales_chart;
pub mod site_chrome;
pub mod stage_card;
pub mod ticket_pass;
