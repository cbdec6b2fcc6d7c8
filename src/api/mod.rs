//! Server functions: the calls pages make to the server. They run on the
//! server during server-side rendering and over HTTP (`/api/fn/…`) from the
//! hydrated page, and they call the same [`Shop`](crate::shop::Shop) and
//! [`Auth`](crate::server::auth::Auth) as the JSON API: one buy path.
//!
//! - [`stages`]: the programme and one stage's page data;
//! - [`buying`]: the buy form's action;
//! - [`tickets`]: the signed-in fan's tickets, with QR codes;
//! - [`account`]: who is signed in; sign up, in and out.
//!
//! Forms work with and without JavaScript. With it, a failed action returns
//! a [`Problem`] the page shows beside the form. Without it, the browser
//! posted a plain form: the action stores the outcome in a one-time
//! [`Flash`] cookie and redirects back (post/redirect/get), and the page
//! shows it once. Either way, a success redirects where the fan goes next.

pub mod account;
pub mod buying;
#[cfg(feature = "ssr")]
mod edge;
pub mod stages;
pub mod tickets;

use crate::domain::{TicketId, Yen};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Why a server function did not do what was asked, in a sentence for the
/// fan, and the form field it is about, if one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Problem {
    pub message: String,
    pub field: Option<Field>,
}

/// The form fields a [`Problem`] can point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Name,
    Password,
    Quantity,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            field: None,
        }
    }

    pub fn about(mut self, field: Field) -> Self {
        self.field = Some(field);
        self
    }

    /// The message if it is about `field`.
    pub fn for_field(&self, field: Field) -> Option<String> {
        (self.field == Some(field)).then(|| self.message.clone())
    }

    /// The message if it is about no field in particular.
    pub fn for_form(&self) -> Option<String> {
        self.field.is_none().then(|| self.message.clone())
    }
}

impl FromServerFnError for Problem {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // On the server this is a request the function could not read.
        #[cfg(feature = "ssr")]
        edge::set_status(match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => axum::http::StatusCode::BAD_REQUEST,
            _ => axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        });
        let message = match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                "tiket could not be reached; check your connection and try again".to_string()
            }
            other => format!("the request could not be handled ({other}); please try again"),
        };
        Problem::new(message)
    }
}

/// What a form's action tells the next page, across a redirect: set by the
/// server in a cookie, shown once, then forgotten.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// A form was refused (posted without JavaScript).
    pub problem: Option<Problem>,
    /// What the fan had typed, to fill the form again (never a password).
    pub name: Option<String>,
    pub quantity: Option<String>,
    /// Tickets were just bought.
    pub bought: Option<Bought>,
    pub signed_out: bool,
}

/// A purchase just made, as the tickets page announces it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bought {
    pub stage_name: String,
    pub tickets: Vec<TicketId>,
    pub total: Yen,
    /// The same order had already been bought (sent twice).
    pub replayed: bool,
}

/// Where to go after signing in: a path on this site, or the stage list.
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains(['\\', '\r', '\n'])
        && !next.starts_with("/api/");
    if local {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(safe_next("/stages/2"), "/stages/2");
        assert_eq!(safe_next("/my-tickets?x=1"), "/my-tickets?x=1");
        for outside in [
            "",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "stages/2",
            "/api/fn/sign_out",
            "/a\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(safe_next(outside), "/", "{outside:?}");
        }
    }

    #[test]
    fn a_problem_points_at_its_field_or_at_the_form() {
        let problem = Problem::new("too many").about(Field::Quantity);
        assert_eq!(
            problem.for_field(Field::Quantity).as_deref(),
            Some("too many")
        );
        assert_eq!(problem.for_field(Field::Name), None);
        assert_eq!(problem.for_form(), None);
        assert_eq!(
            Problem::new("sold out").for_form().as_deref(),
            Some("sold out")
        );
    }
}
