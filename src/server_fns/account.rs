//! Who is signed in, and the sign-up, sign-in and sign-out forms' actions:
//! the same `Auth` as the JSON API, with the session kept in the same
//! HttpOnly cookie.

use crate::forms::{Flash, Problem};
use leptos::prelude::*;

/// The signed-in fan's name, if any.
#[server(prefix = "/api/fn", endpoint = "current_fan")]
pub async fn current_fan() -> Result<Option<String>, Problem> {
    let auth = super::edge::auth()?;
    Ok(super::edge::signed_in_fan(&auth).map(|fan| fan.as_str().to_owned()))
}

/// What a sign-in or sign-up form shows once after a plain form post.
#[server(prefix = "/api/fn", endpoint = "take_flash")]
pub async fn take_flash() -> Result<Option<Flash>, Problem> {
    Ok(super::edge::take_flash())
}

/// Opens an account, signs the fan in, and goes on to `next`.
#[server(prefix = "/api/fn", endpoint = "sign_up")]
pub async fn sign_up(name: String, password: String, next: String) -> Result<(), Problem> {
    let auth = super::edge::auth()?;
    let result = auth
        .register(&name, &password, &super::edge::visitor(&auth))
        .await;
    finish_signing_in(&auth, result, name, &next, crate::routes::SIGN_UP)
}

/// Checks the name and password, signs the fan in, and goes on to `next`.
#[server(prefix = "/api/fn", endpoint = "sign_in")]
pub async fn sign_in(name: String, password: String, next: String) -> Result<(), Problem> {
    let auth = super::edge::auth()?;
    let result = auth
        .sign_in(&name, &password, &super::edge::visitor(&auth))
        .await;
    finish_signing_in(&auth, result, name, &next, crate::routes::SIGN_IN)
}

#[cfg(feature = "ssr")]
fn finish_signing_in(
    auth: &crate::server::auth::Auth,
    result: Result<crate::server::auth::SignedIn, crate::server::auth::AuthError>,
    name: String,
    next: &str,
    form_page: &str,
) -> Result<(), Problem> {
    use super::edge;
    use crate::routes;
    let next = routes::safe_next(next);
    match result {
        Ok(signed_in) => {
            edge::set_cookie(&auth.session_cookie(&signed_in));
            edge::set_cookie(&auth.device_cookie(&signed_in));
            edge::redirect(next);
            Ok(())
        }
        Err(error) => {
            let problem = edge::refused(error);
            let typed = Flash {
                name: Some(name),
                ..Flash::default()
            };
            Err(edge::refuse_form(
                problem,
                typed,
                &routes::back_to_form(form_page, next),
            ))
        }
    }
}

/// Ends the session and goes to the stage list.
#[server(prefix = "/api/fn", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), Problem> {
    use super::edge;
    let auth = edge::auth()?;
    if let Some(token) = edge::session_token(&auth) {
        match auth.sign_out(&token).await {
            Ok(()) => {}
            // An unknown or expired session is as good as ended.
            Err(error @ crate::server::auth::AuthError::Session(_)) => {
                tracing::debug!("sign-out of an unknown session: {error}");
            }
            // Not saved (a failing disk): the session goes on, so say so
            // rather than pretend.
            Err(error) => return Err(edge::refused(error)),
        }
    }
    edge::set_cookie(&auth.signed_out_cookie());
    edge::set_flash(&Flash {
        signed_out: true,
        ..Flash::default()
    });
    edge::redirect("/");
    Ok(())
}
