//! `POST /api/register`, `/api/login` and `/api/logout`: signing up, in and
//! out. Signing up also signs in. The token comes back in the body (for
//! scripts and other sites' front ends) and, to tiket's own pages, as an
//! HttpOnly cookie with the device cookie beside it. Another site's page is
//! never given cookies: it could otherwise sign a fan's browser in as
//! someone else (see `server::same_origin`).

use super::views::{Credentials, NewAccount, SessionView};
use super::{ApiError, Caller, ErrorBody, JsonBody};
use crate::server::auth::{Auth, SignedIn};
use crate::server::client_addr::ClientAddr;
use crate::server::same_origin::is_cross_site;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse};
use axum::Json;
use std::sync::Arc;

fn session_answer(
    auth: &Auth,
    status: StatusCode,
    signed_in: SignedIn,
    headers: &HeaderMap,
) -> impl IntoResponse {
    let cookies = match is_cross_site(headers) {
        true => Vec::new(),
        false => vec![
            (
                header::SET_COOKIE,
                auth.session_cookie(&signed_in).to_string(),
            ),
            (
                header::SET_COOKIE,
                auth.device_cookie(&signed_in).to_string(),
            ),
        ],
    };
    let view = SessionView {
        username: signed_in.fan.as_str().to_owned(),
        token: signed_in.token,
        expires_at: signed_in.expires_at,
    };
    (status, AppendHeaders(cookies), Json(view))
}

/// Opens an account and signs in.
#[utoipa::path(post, path = "/api/register", tag = "accounts",
    request_body = NewAccount,
    responses(
        (status = 201, description = "Signed up and signed in", body = SessionView,
            headers(("Set-Cookie" = String, description = "The session cookie `tiket_session` and the device cookie `tiket_device` (HttpOnly, SameSite=Lax; `__Host-` prefixed with --secure-cookie), only to tiket's own pages, never to another site")),
            example = json!({"username": "pekora", "token": "Jc2kq9Xw0m4Tn7Vb1Lr5Hs8Yd3Ff6Gg2Pp0Aa9Zz4E", "expires_at": "2026-12-31T03:00:00Z"})),
        (status = 409, description = "The name is taken, or reads like a taken one (in any case, with look-alike letters)", body = ErrorBody,
            example = json!({"error": "the user name \"pekora\" is taken; choose another"})),
        (status = 422, description = "A field is missing, unknown or not acceptable: the name, or the password (too short or long, the user name, one character repeated, too common)", body = ErrorBody,
            example = json!({"error": "that password is among the first ones anyone would guess; choose another"})),
        (status = 429, description = "Too many accounts opened from this client address, or in all; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again")),
            example = json!({"error": "too many accounts were opened from your network just now; try again in 6 seconds"})),
        (status = 503, description = "Too many password checks are waiting, or the server is shutting down; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again")),
            example = json!({"error": "many fans are signing in right now; try again in 2 seconds"})),
    ))]
pub async fn register(
    State(auth): State<Arc<Auth>>,
    client: ClientAddr,
    headers: HeaderMap,
    JsonBody(credentials): JsonBody<NewAccount>,
) -> Result<impl IntoResponse, ApiError> {
    let visitor = auth.visitor(&headers, Some(client.0));
    let signed_in = auth
        .register(&credentials.username, &credentials.password, &visitor)
        .await?;
    tracing::info!(fan = %signed_in.fan.as_str(), "signed up");
    Ok(session_answer(
        &auth,
        StatusCode::CREATED,
        signed_in,
        &headers,
    ))
}

/// Signs in with a name and password.
#[utoipa::path(post, path = "/api/login", tag = "accounts",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in", body = SessionView,
            headers(("Set-Cookie" = String, description = "The session cookie `tiket_session` and the device cookie `tiket_device` (HttpOnly, SameSite=Lax; `__Host-` prefixed with --secure-cookie), only to tiket's own pages, never to another site")),
            example = json!({"username": "pekora", "token": "Jc2kq9Xw0m4Tn7Vb1Lr5Hs8Yd3Ff6Gg2Pp0Aa9Zz4E", "expires_at": "2026-12-31T03:00:00Z"})),
        (status = 401, description = "The name or the password is wrong (the same answer for both)", body = ErrorBody,
            headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"tiket\"`")),
            example = json!({"error": "the user name or the password is wrong"})),
        (status = 422, description = "A field is missing or unknown, or the name or password cannot be one", body = ErrorBody,
            example = json!({"error": "choose a password"})),
        (status = 429, description = "Too many attempts for this name (5, then one every 12 s), or from this browser for it; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again")),
            example = json!({"error": "too many sign-in attempts for this name; try again in 12 seconds"})),
        (status = 503, description = "Too many passwords waiting to be checked, or the server is shutting down; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again")),
            example = json!({"error": "many fans are signing in right now; try again in 2 seconds"})),
    ))]
pub async fn login(
    State(auth): State<Arc<Auth>>,
    client: ClientAddr,
    headers: HeaderMap,
    JsonBody(credentials): JsonBody<Credentials>,
) -> Result<impl IntoResponse, ApiError> {
    let visitor = auth.visitor(&headers, Some(client.0));
    let signed_in = auth
        .sign_in(&credentials.username, &credentials.password, &visitor)
        .await?;
    Ok(session_answer(&auth, StatusCode::OK, signed_in, &headers))
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
