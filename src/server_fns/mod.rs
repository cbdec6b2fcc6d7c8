//! Server functions: the calls pages make to the server. They run on the
//! server during server-side rendering and over HTTP (`/api/fn/…`) from the
//! hydrated page, and they call the same [`Shop`](crate::shop::Shop) and
//! `Auth` as the JSON API: one buy path. They are not the JSON API (that is
//! `server::json_api`, for other programs) and never use its internals.
//!
//! - [`stages`]: the programme and one stage's page data;
//! - [`buying`]: the buy form's action;
//! - [`tickets`]: the signed-in fan's tickets, with QR codes;
//! - [`account`]: who is signed in; sign up, in and out;
//! - [`language`]: the language switcher;
//! - [`door`]: the door page's scans, its offline kit and uploads.
//!
//! Forms work with and without JavaScript. With it, a failed action returns
//! a [`Problem`] the page shows beside the form. Without it, the browser
//! posted a plain form: the action stores the outcome in a one-time
//! [`Flash`](crate::forms::Flash) cookie and redirects back
//! (post/redirect/get), and the page shows it once. Either way, a success
//! redirects where the fan goes next. Refusals get their status and sentence
//! from the one refusal table (`crate::refusal`), through `edge`.

pub mod account;
pub mod buying;
pub mod console;
pub mod door;
#[cfg(feature = "ssr")]
mod edge;
pub mod language;
pub mod stages;
pub mod tickets;

use crate::forms::Problem;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

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
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Problem::unreachable(),
            other => Problem::not_handled(other),
        }
    }
}
