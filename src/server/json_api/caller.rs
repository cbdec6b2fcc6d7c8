//! [`Caller`]: the signed-in fan a request comes from, found from its bearer
//! token or session cookie. A handler that takes a `Caller` answers 401 to
//! anyone else before it runs.

use super::ApiError;
use crate::domain::{FanName, Role};
use crate::messages::Message;
use crate::refusal::Refusal;
use crate::server::auth::Auth;
use crate::server::staff::StaffCaller;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use std::sync::Arc;

pub struct Caller {
    pub fan: FanName,
    /// The token the request carried, to sign out with.
    pub token: String,
}

impl Caller {
    /// Refuses a seed-style `username` that names someone else.
    pub fn check_is(&self, username: Option<&str>) -> Result<(), ApiError> {
        match username {
            Some(name) if name != self.fan.as_str() => {
                let message = Message::NotYou {
                    signed_in_as: self.fan.as_str().to_owned(),
                    named: name.to_owned(),
                };
                Err(Refusal::new(StatusCode::FORBIDDEN, message).into())
            }
            _ => Ok(()),
        }
    }
}

impl<S> FromRequestParts<S> for Caller
where
    Arc<Auth>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let auth = Arc::<Auth>::from_ref(state);
        let token = auth.session_token(&parts.headers)?;
        let fan = auth.fan_of(&token)?;
        Ok(Caller { fan, token })
    }
}

/// An organiser whose session has passed the second factor: the one check
/// every `/api/organiser/…` route makes, by taking one of these (401 when
/// signed out, 403 for anyone without the role or an organiser who has
/// not passed the second factor in this session). No organiser route can
/// forget it; `tests/organiser_api.rs` calls every operation tagged
/// `organiser` as each kind of caller to show it.
pub struct OrganiserCaller(pub StaffCaller);

impl OrganiserCaller {
    /// Who made an edit, for its history.
    pub fn by(&self) -> Option<FanName> {
        Some(self.0.name.clone())
    }
}

impl<S> FromRequestParts<S> for OrganiserCaller
where
    Arc<Auth>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let auth = Arc::<Auth>::from_ref(state);
        let token = auth.session_token(&parts.headers)?;
        Ok(OrganiserCaller(auth.staff(&token, Role::Organiser)?))
    }
}

/// An organiser before the second factor (the second factor's own routes):
/// signed in, with the role, whether or not this session has passed it.
pub struct OrganiserSigningIn {
    pub name: FanName,
    /// Whether their second factor is set up.
    pub set_up: bool,
    pub token: String,
}

impl<S> FromRequestParts<S> for OrganiserSigningIn
where
    Arc<Auth>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let auth = Arc::<Auth>::from_ref(state);
        let token = auth.session_token(&parts.headers)?;
        let (name, set_up, _) = auth.organiser_signing_in(&token)?;
        Ok(OrganiserSigningIn {
            name,
            set_up,
            token,
        })
    }
}

/// Door staff (or an organiser, who may also work a door, with the second
/// factor passed): the one check every `/api/door/…` route makes, by taking
/// one of these (401 when signed out, 403 for anyone else).
/// `tests/door_api.rs` calls every operation tagged `door` as each kind of
/// caller to show it.
pub struct DoorCaller(pub StaffCaller);

impl<S> FromRequestParts<S> for DoorCaller
where
    Arc<Auth>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let auth = Arc::<Auth>::from_ref(state);
        let token = auth.session_token(&parts.headers)?;
        Ok(DoorCaller(auth.staff(&token, Role::Door)?))
    }
}
