//! [`Caller`]: the signed-in fan a request comes from, found from its bearer
//! token or session cookie. A handler that takes a `Caller` answers 401 to
//! anyone else before it runs.

use super::ApiError;
use crate::domain::FanName;
use crate::messages::Message;
use crate::refusal::Refusal;
use crate::server::auth::Auth;
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
