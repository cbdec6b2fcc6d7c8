//! Components shared by the pages: the site's frame, stage cards, notices,
//! and how times and dates are written.

pub mod notice;
pub mod site_chrome;
pub mod stage_card;
pub mod when;
