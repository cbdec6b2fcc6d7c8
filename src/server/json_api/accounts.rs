//! `POST /api/register`, `/api/login` and `/api/logout`: signing up, in and
//! out. Signing up also signs in. The token comes back in the body (for
//! scripts) and as an HttpOnly cookie (for browsers).

use super::views::{Credentials, NewAccount, SessionView};
use super::{ApiError, Caller, ErrorBody, JsonBody};
use crate::server::auth::{Auth, SignedIn};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{AppendHeaders, IntoResponse};
use axum::Json;
use std::sync::Arc;

fn session_answer(auth: &Auth, status: StatusCode, signed_in: SignedIn) -> impl IntoResponse {
    let cookie = auth.session_cookie(&signed_in).to_string();
    let view = SessionView {
        username: signed_in.fan.as_str().to_owned(),
        token: signed_in.token,
        expires_at: signed_in.expires_at,
    };
    (
        status,
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Json(view),
    )
}

/// Opens an account and signs in.
#[utoipa::path(post, path = "/api/register", tag = "accounts",
    request_body = NewAccount,
    responses(
        (status = 201, description = "Signed up and signed in", body = SessionView,
            headers(("Set-Cookie" = String, description = "The session cookie, `tiket_session` (HttpOnly, SameSite=Lax)")),
            example = json!({"username": "pekora", "token": "Jc2kq9Xw0m4Tn7Vb1Lr5Hs8Yd3Ff6Gg2Pp0Aa9Zz4E", "expires_at": "2026-12-31T03:00:00Z"})),
        (status = 409, description = "The name is taken (names are unique ignoring case)", body = ErrorBody,
            example = json!({"error": "the user name \"pekora\" is taken; choose another"})),
        (status = 422, description = "A field is missing, unknown or not acceptable: the name, or the password (too short or long, the user name, one character repeated, too common)", body = ErrorBody,
            example = json!({"error": "that password is among the first ones anyone would guess; choose another"})),
        (status = 429, description = "Too many sign-ups from this client; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again")),
            example = json!({"error": "too many sign-ups from here; try again in 60 seconds"})),
        (status = 503, description = "Too many passwords waiting to be hashed, or the server is shutting down; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again")),
            example = json!({"error": "the shop is closing; try again in a moment"})),
    ))]
pub async fn register(
    State(auth): State<Arc<Auth>>,
    JsonBody(credentials): JsonBody<NewAccount>,
) -> Result<impl IntoResponse, ApiError> {
    let signed_in = auth
        .register(&credentials.username, &credentials.password)
        .await?;
    tracing::info!(fan = %signed_in.fan.as_str(), "signed up");
    Ok(session_answer(&auth, StatusCode::CREATED, signed_in))
}

/// Signs in with a name and password.
#[utoipa::path(post, path = "/api/login", tag = "accounts",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in", body = SessionView,
            headers(("Set-Cookie" = String, description = "The session cookie, `tiket_session` (HttpOnly, SameSite=Lax)")),
            example = json!({"username": "pekora", "token": "Jc2kq9Xw0m4Tn7Vb1Lr5Hs8Yd3Ff6Gg2Pp0Aa9Zz4E", "expires_at": "2026-12-31T03:00:00Z"})),
        (status = 401, description = "The name or the password is wrong (the same answer for both)", body = ErrorBody,
            headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"tiket\"`")),
            example = json!({"error": "the user name or the password is wrong"})),
        (status = 422, description = "A field is missing or unknown, or the name or password cannot be one", body = ErrorBody,
            example = json!({"error": "choose a password"})),
        (status = 429, description = "Too many attempts for this name (5, then one every 12 s); see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again")),
            example = json!({"error": "too many sign-in attempts for this name; try again in 12 seconds"})),
        (status = 503, description = "Too many passwords waiting to be checked, or the server is shutting down; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again")),
            example = json!({"error": "the shop is closing; try again in a moment"})),
    ))]
pub async fn login(
    State(auth): State<Arc<Auth>>,
    JsonBody(credentials): JsonBody<Credentials>,
) -> Result<impl IntoResponse, ApiError> {
    let signed_in = auth
        .sign_in(&credentials.username, &credentials.password)
        .await?;
    Ok(session_answer(&auth, StatusCode::OK, signed_in))
}

/// Ends the session the request carries.
#[utoipa::path(post, path = "/api/logout", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out; the cookie is cleared",
            headers(("Set-Cookie" = String, description = "Clears the session cookie"))),
    ))]
pub async fn logout(
    State(auth): State<Arc<Auth>>,
    caller: Caller,
) -> Result<impl IntoResponse, ApiError> {
    auth.sign_out(&caller.token).await?;
    let cookie = auth.signed_out_cookie().to_string();
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(header::SET_COOKIE, cookie)]),
    ))
}
