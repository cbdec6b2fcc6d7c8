//! [`Caller`]: the signed-in fan a request comes from, found from its bearer
//! token or session cookie. A handler that takes a `Caller` answers 401 to
//! anyone else before it runs.

use super::{ApiError, ApiState};
use crate::domain::FanName;
use crate::server::auth;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

pub struct Caller {
    pub fan: FanName,
    /// The token the request carried, to sign out with.
    pub token: String,
}

impl Caller {
    /// Refuses a seed-style `username` that names someone else.
    pub fn check_is(&self, username: Option<&str>) -> Result<(), ApiError> {
        match username {
            Some(name) if name != self.fan.as_str() => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "you are signed in as {:?} and can only act for yourself, not for {name:?}",
                    self.fan.as_str()
                ),
            )),
            _ => Ok(()),
        }
    }
}

impl FromRequestParts<ApiState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let token = auth::session_token(&parts.headers)?;
        let fan = state.auth.fan_of(&token)?;
        Ok(Caller { fan, token })
    }
}
