//! The organiser's console: its pages' data and its forms' actions, grouped
//! by concern. Every function here first asks [`edge::organiser`] (through
//! [`page`] or [`acting`]): a signed-in organiser who passed the second
//! factor in this session. Every edit is made in their name.
//!
//! - [`second_factor`]: setting up and passing the second factor;
//! - [`festivals`]: the festival list, the festival editor and its buttons;
//! - [`stages`]: the stage form;
//! - [`sales`]: the dashboard;
//! - [`door`]: the doors (admitted per stage, the check-in log, conflicts);
//! - [`orders`]: the orders desk's search;
//! - [`staff`]: staff and their roles.
//!
//! Page data comes as a [`Gate`]: the data, or where the visitor must go
//! first. Someone signed in who is not an organiser gets the refusal (403)
//! as the error. Actions answer as the fan pages' forms do: a success
//! redirects, a refusal comes back beside its field (a plain form post: in
//! the flash, with what was typed).

pub mod door;
pub mod festivals;
pub mod orders;
pub mod sales;
pub mod second_factor;
pub mod staff;
pub mod stages;

use serde::{Deserialize, Serialize};

/// A console page's data, or where the visitor has to go first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gate<T> {
    Open(T),
    /// Nobody is signed in: the sign-in page, then back.
    SignIn,
    /// An organiser who has not passed the second factor in this session.
    SecondFactor,
}

/// A festival as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FestivalRow {
    pub slug: String,
    pub name: String,
    pub venue: String,
    pub time_zone: String,
    /// `draft`, `published` or `archived`.
    pub state: String,
    pub stages: usize,
    pub is_default: bool,
}

#[cfg(feature = "ssr")]
use super::edge::{self, NotOrganiser};
#[cfg(feature = "ssr")]
use crate::forms::Problem;
#[cfg(feature = "ssr")]
use crate::server::staff::StaffCaller;

/// A page's data for the organiser behind this request.
#[cfg(feature = "ssr")]
pub(crate) fn page<T>(
    data: impl FnOnce(StaffCaller) -> Result<T, Problem>,
) -> Result<Gate<T>, Problem> {
    match edge::organiser() {
        Ok(caller) => data(caller).map(Gate::Open),
        Err(NotOrganiser::SignIn) => Ok(Gate::SignIn),
        Err(NotOrganiser::SecondFactor) => Ok(Gate::SecondFactor),
        Err(NotOrganiser::Refused(problem)) => Err(problem),
    }
}

/// The organiser behind this form's post; anyone else is refused. A plain
/// form post goes back to `form_page` (which sends the visitor on).
#[cfg(feature = "ssr")]
pub(crate) fn acting(form_page: &str) -> Result<StaffCaller, Problem> {
    edge::organiser_acting()
        .map_err(|problem| edge::refuse_form(problem, crate::forms::Flash::default(), form_page))
}

/// A festival's slug from an address or a form.
#[cfg(feature = "ssr")]
pub(crate) fn slug(text: &str) -> Result<crate::domain::Slug, Problem> {
    crate::domain::Slug::new(text.trim()).map_err(|_| {
        edge::refused(crate::refusal::Refusal::new(
            axum::http::StatusCode::NOT_FOUND,
            crate::messages::Message::BadSlug,
        ))
        .about(crate::forms::Field::Slug)
    })
}

/// A form field that could not be read, at its field (422).
#[cfg(feature = "ssr")]
pub(crate) fn bad_field(field: crate::forms::Field, label: String, detail: String) -> Problem {
    edge::refused(crate::refusal::Refusal::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        crate::messages::Message::BadField {
            field: label,
            detail,
        },
    ))
    .about(field)
}

/// A moment written for staff in the festival's zone: `2027-03-20 10:00 JST`.
#[cfg(feature = "ssr")]
pub(crate) fn in_festival_zone(
    moment: time::OffsetDateTime,
    zone: &crate::domain::TimeZoneName,
) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    written_in_zone(moment, zone, format)
}

/// [`in_festival_zone`] to the second, for the door's log:
/// `2027-03-20 10:00:41 JST`.
#[cfg(feature = "ssr")]
pub(crate) fn in_festival_zone_to_the_second(
    moment: time::OffsetDateTime,
    zone: &crate::domain::TimeZoneName,
) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    written_in_zone(moment, zone, format)
}

#[cfg(feature = "ssr")]
fn written_in_zone(
    moment: time::OffsetDateTime,
    zone: &crate::domain::TimeZoneName,
    format: &[time::format_description::BorrowedFormatItem<'_>],
) -> String {
    let local = crate::when::localized(moment, zone);
    format!(
        "{} {}",
        local.format(format).unwrap_or_default(),
        crate::when::zone_abbreviation(zone, moment)
    )
}
