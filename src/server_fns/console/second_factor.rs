//! `/staff/second-factor`: an organiser sets up the second factor (a QR code
//! for their authenticator app, confirmed by a code; then ten recovery codes,
//! shown once), or passes it with the app's current code or a recovery code.

use crate::forms::Problem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where an organiser stands with the second factor in this session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecondFactorStep {
    /// Nobody is signed in.
    SignIn,
    /// No factor yet: a new secret to scan (or type), then a code.
    SetUp {
        name: String,
        secret: String,
        /// The `otpauth://` address as a QR code, an `<svg>` element.
        qr_svg: String,
    },
    /// The factor is set up: a code is asked for.
    Check { name: String },
    /// Just set up: the recovery codes, shown this once.
    RecoveryCodes { codes: Vec<String> },
    /// Passed in this session already.
    Passed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorState {
    pub step: SecondFactorStep,
    /// A refused plain form post's problem.
    pub problem: Option<Problem>,
}

/// Where to go once the second factor is passed: `next` if it is a page
/// here, else the console.
pub fn after_second_factor(next: &str) -> &str {
    match crate::routes::safe_next(next) {
        "/" => crate::routes::CONSOLE,
        next => next,
    }
}

/// The second-factor page's step for the organiser signed in here; a
/// signed-in account that is not an organiser is refused (403).
#[server(prefix = "/api/fn", endpoint = "second_factor_page")]
pub async fn second_factor_page() -> Result<SecondFactorState, Problem> {
    use super::super::edge;
    use crate::server::auth::AuthError;
    use crate::server::staff::SecondFactorSetup;
    let auth = edge::auth()?;
    let signed_in = || SecondFactorState {
        step: SecondFactorStep::SignIn,
        problem: None,
    };
    let Some(token) = edge::session_token(&auth) else {
        return Ok(signed_in());
    };
    let (name, set_up, passed) = match auth.organiser_signing_in(&token) {
        Ok(state) => state,
        Err(AuthError::Session(_) | AuthError::NotSignedIn) => return Ok(signed_in()),
        Err(error) => return Err(edge::refused(error)),
    };
    let flash = edge::take_flash().unwrap_or_default();
    let step = if !flash.recovery_codes.is_empty() {
        SecondFactorStep::RecoveryCodes {
            codes: flash.recovery_codes.clone(),
        }
    } else if passed {
        SecondFactorStep::Passed
    } else if set_up {
        SecondFactorStep::Check {
            name: name.as_str().to_owned(),
        }
    } else {
        let setup = match flash.typed("secret") {
            Some(secret) => SecondFactorSetup::for_secret(&name, secret),
            None => SecondFactorSetup::new(&name),
        };
        SecondFactorStep::SetUp {
            name: name.as_str().to_owned(),
            qr_svg: svg_element(&setup.qr_svg),
            secret: setup.secret,
        }
    };
    Ok(SecondFactorState {
        step,
        problem: flash.problem,
    })
}

/// An SVG document as an element to put in a page (no XML prolog).
#[cfg(feature = "ssr")]
fn svg_element(svg: &str) -> String {
    svg.find("<svg")
        .map_or_else(String::new, |at| svg[at..].to_owned())
}

/// Sets up the second factor with the `secret` shown, if `code` is its
/// current code; answers the recovery codes (a plain form post finds them
/// on the page it is sent back to).
#[server(prefix = "/api/fn", endpoint = "set_up_second_factor")]
pub async fn set_up_second_factor(
    secret: String,
    code: String,
    next: String,
) -> Result<Vec<String>, Problem> {
    use super::super::edge;
    use crate::forms::Flash;
    use crate::routes;
    let auth = edge::auth()?;
    let page = routes::back_to_form(routes::SECOND_FACTOR, after_second_factor(&next));
    let token = edge::session_token(&auth).unwrap_or_default();
    match auth.set_up_second_factor(&token, &secret, &code).await {
        Ok(codes) => {
            if edge::is_plain_form_post() {
                edge::set_flash(&Flash {
                    recovery_codes: codes.clone(),
                    ..Flash::default()
                });
                edge::redirect(&page);
            }
            Ok(codes)
        }
        Err(error) => {
            let typed = Flash {
                typed: vec![("secret".to_owned(), secret)],
                ..Flash::default()
            };
            Err(edge::refuse_form(edge::refused(error), typed, &page))
        }
    }
}

/// Passes the second factor with the app's code or a recovery code, then
/// goes on to `next` (else the console).
#[server(prefix = "/api/fn", endpoint = "pass_second_factor")]
pub async fn pass_second_factor(code: String, next: String) -> Result<(), Problem> {
    use super::super::edge;
    use crate::forms::Flash;
    use crate::routes;
    let auth = edge::auth()?;
    let next = after_second_factor(&next);
    let token = edge::session_token(&auth).unwrap_or_default();
    match auth.pass_second_factor(&token, &code).await {
        Ok(()) => {
            edge::redirect(next);
            Ok(())
        }
        Err(error) => Err(edge::refuse_form(
            edge::refused(error),
            Flash::default(),
            &routes::back_to_form(routes::SECOND_FACTOR, next),
        )),
    }
}
