//! The organiser's console, one page per file. Every page's data comes
//! through a console server function that checks the organiser first
//! (`crate::server_fns::console`); every form works without JavaScript.

pub mod dashboard;
pub mod door;
pub mod festival_editor;
pub mod home;
pub mod orders;
pub mod second_factor;
pub mod staff;
pub mod stage_form;
