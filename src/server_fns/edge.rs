//! The server side of the server functions (feature `ssr`): reaching the
//! shop and the signed-in fan from the request, turning a [`Refusal`] into
//! a [`Problem`] with its HTTP status, and the one-time [`Flash`] cookie that
//! carries a plain form's outcome across a redirect.

use crate::domain::FanName;
use crate::forms::{Flash, Problem};
use crate::messages::{self, capitalised, Lang, Message};
use crate::refusal::Refusal;
use crate::server::auth::{Auth, Visitor};
use crate::server::client_addr::ClientAddr;
use crate::shop::Shop;
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode};
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::sync::Arc;

const FLASH_COOKIE: &str = "tiket_flash";
const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn unavailable() -> Problem {
    Problem::new(capitalised(&messages::sentence(
        &Message::ShopUnavailable,
        language(),
    )))
}

/// The language of the page this request is for: the fan's choice, else
/// their browser's (`crate::language`).
pub fn language() -> Lang {
    crate::language::of_this_request()
}

pub fn auth() -> Result<Arc<Auth>, Problem> {
    use_context::<Arc<Auth>>().ok_or_else(unavailable)
}

pub fn shop() -> Result<Arc<Shop>, Problem> {
    use_context::<Arc<Shop>>().ok_or_else(unavailable)
}

fn request_headers() -> HeaderMap {
    use_context::<Parts>()
        .map(|parts| parts.headers)
        .unwrap_or_default()
}

/// The session token the request carries (cookie or bearer), if any.
pub fn session_token(auth: &Auth) -> Option<String> {
    auth.session_token(&request_headers()).ok()
}

/// The fan signed in on this request, if any.
pub fn signed_in_fan(auth: &Auth) -> Option<FanName> {
    auth.fan_of(&session_token(auth)?).ok()
}

/// Who is signing up or in: the client's address and device cookie.
pub fn visitor(auth: &Auth) -> Visitor {
    let parts = use_context::<Parts>();
    let client = parts
        .as_ref()
        .and_then(|parts| parts.extensions.get::<ClientAddr>())
        .map(|client| client.0);
    let headers = parts.map(|parts| parts.headers).unwrap_or_default();
    auth.visitor(&headers, client)
}

/// Whether the browser posted a plain HTML form (JavaScript off): it asks
/// for a page back, where the server function client asks for JSON.
pub fn is_plain_form_post() -> bool {
    request_headers()
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

fn response() -> Option<ResponseOptions> {
    use_context::<ResponseOptions>()
}

pub fn set_status(status: StatusCode) {
    if let Some(response) = response() {
        response.set_status(status);
    }
}

pub fn set_cookie(cookie: &Cookie<'_>) {
    if let (Some(response), Ok(value)) = (response(), HeaderValue::from_str(&cookie.to_string())) {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// Keeps `flash` for the next page this browser shows.
pub fn set_flash(flash: &Flash) {
    let Ok(json) = serde_json::to_vec(flash) else {
        return;
    };
    let cookie = Cookie::build((FLASH_COOKIE, BASE64.encode(json)))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::minutes(5))
        .build();
    set_cookie(&cookie);
}

/// The flash this request carries, forgotten as it is read.
pub fn take_flash() -> Option<Flash> {
    let headers = request_headers();
    let value = axum_extra::extract::CookieJar::from_headers(&headers)
        .get(FLASH_COOKIE)?
        .value()
        .to_owned();
    let mut removal = Cookie::build((FLASH_COOKIE, "")).path("/").build();
    removal.make_removal();
    set_cookie(&removal);
    let json = BASE64.decode(value).ok()?;
    serde_json::from_slice(&json).ok()
}

/// Answers with a redirect to `path`, a page of this site (a real 302 for a
/// plain form post; the hydrated page follows it itself). Never fails: a
/// `path` that is not a page here, or cannot be a header, goes to `/`.
pub fn redirect(path: &str) {
    let location = crate::routes::location(path);
    if location == "/" && path != "/" {
        tracing::warn!(path = ?path, "a redirect off the site or to no page was sent to / instead");
    }
    // `leptos_axum::redirect` panics on a value a header cannot hold;
    // `location` is ASCII, but the check is cheap and keeps it so.
    match HeaderValue::from_str(&location) {
        Ok(_) => leptos_axum::redirect(&location),
        Err(_) => leptos_axum::redirect("/"),
    }
}

/// A refusal as the fan reads it, beside the field it is about, with its
/// HTTP status set on the response.
pub fn refused(refusal: impl Into<Refusal>) -> Problem {
    let refusal = refusal.into();
    set_status(refusal.status);
    Problem {
        message: capitalised(&refusal.sentence(language())),
        field: refusal.field,
    }
}

/// Ends a refused form: a plain form post goes back to `form_page` with
/// the problem (and what was typed) in the flash; a hydrated page gets the
/// problem as the answer.
pub fn refuse_form(problem: Problem, mut flash: Flash, form_page: &str) -> Problem {
    if is_plain_form_post() {
        flash.problem = Some(problem.clone());
        set_flash(&flash);
        redirect(form_page);
    }
    problem
}

/// Why a console (or door) request may not go on: nobody (or an ended session) is
/// signed in, an organiser has not passed the second factor in this
/// session, or the account is not an organiser (refused `403`, with the
/// sentence).
#[derive(Debug)]
pub enum NotOrganiser {
    SignIn,
    SecondFactor,
    Refused(Problem),
}

/// The one check of every console page and server function: the organiser
/// behind this request, with the second factor passed in this session
/// (`Auth::staff` with `Role::Organiser`). A refusal's status (403) is set
/// on the response; where to go first is the caller's to say (a page sends
/// the visitor on, an action refuses with [`organiser_acting`]).
pub fn organiser() -> Result<crate::server::staff::StaffCaller, NotOrganiser> {
    staff_with(crate::domain::Role::Organiser)
}

/// The door page's one check: door staff, or an organiser who passed the
/// second factor in this session (`Auth::staff` with `Role::Door`). Signed
/// out, or an organiser without the second factor, the page sends the
/// visitor on as the console does; anyone else is refused (403).
pub fn door_staff() -> Result<crate::server::staff::StaffCaller, NotOrganiser> {
    staff_with(crate::domain::Role::Door)
}

/// [`door_staff`] for an action: anyone else is refused with the sentence
/// (401 signed out, 403 otherwise).
pub fn door_staff_acting() -> Result<crate::server::staff::StaffCaller, Problem> {
    use crate::server::auth::AuthError;
    door_staff().map_err(|not| match not {
        NotOrganiser::SignIn => refused(AuthError::NotSignedIn),
        NotOrganiser::SecondFactor => refused(AuthError::SecondFactorNeeded),
        NotOrganiser::Refused(problem) => problem,
    })
}

/// The staff member behind this request, with `role`.
fn staff_with(
    role: crate::domain::Role,
) -> Result<crate::server::staff::StaffCaller, NotOrganiser> {
    use crate::server::auth::AuthError;
    let auth = auth().map_err(NotOrganiser::Refused)?;
    let Some(token) = session_token(&auth) else {
        return Err(NotOrganiser::SignIn);
    };
    match auth.staff(&token, role) {
        Ok(caller) => Ok(caller),
        Err(AuthError::Session(_) | AuthError::NotSignedIn) => Err(NotOrganiser::SignIn),
        Err(AuthError::SecondFactorNeeded) => Err(NotOrganiser::SecondFactor),
        Err(error) => Err(NotOrganiser::Refused(refused(error))),
    }
}

/// [`organiser`] for a form's action: anyone else is refused with the
/// sentence (401 signed out, 403 otherwise).
pub fn organiser_acting() -> Result<crate::server::staff::StaffCaller, Problem> {
    use crate::server::auth::AuthError;
    organiser().map_err(|not| match not {
        NotOrganiser::SignIn => refused(AuthError::NotSignedIn),
        NotOrganiser::SecondFactor => refused(AuthError::SecondFactorNeeded),
        NotOrganiser::Refused(problem) => problem,
    })
}
