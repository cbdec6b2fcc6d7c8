//! The organisers' own routes: passing and setting up the second factor,
//! and the staff list with its roles. Every route here but the second
//! factor's takes an [`OrganiserCaller`] (an organiser whose session has
//! passed the second factor); those take an [`OrganiserSigningIn`].

use super::caller::{OrganiserCaller, OrganiserSigningIn};
use super::organiser_views::{
    OneTimeCode, RecoveryCodesView, RoleGrant, RoleView, SecondFactorConfirm,
    SecondFactorSetupView, StaffView,
};
use super::{rules, ApiError, ApiPath, ErrorBody, JsonBody};
use crate::domain::{FanName, Role};
use crate::messages::Message;
use crate::refusal::Refusal;
use crate::server::auth::Auth;
use crate::server::staff::SecondFactorSetup;
use crate::shop::Shop;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;

/// Passes the second factor for this session with the app's current code
/// or an unused recovery code (used up by this). Until then an organiser's
/// session is refused every other organiser route (403).
#[utoipa::path(post, path = "/api/organiser/second-factor", tag = "organiser",
    request_body = OneTimeCode,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Passed: this session may use the organiser routes"),
        (status = 401, description = "Not signed in, or the code is wrong (or a recovery code already used)", body = ErrorBody,
            example = json!({"error": "that one-time code is not right (or was already used); type the current code from your app, or a recovery code"})),
        (status = 403, description = "Not an organiser, or no second factor is set up yet (set one up first), or the session cookie was sent from another site", body = ErrorBody,
            example = json!({"error": "this is for staff with the role organiser; your account does not have it"})),
        (status = 429, description = "Too many codes tried for this name: wait the seconds `Retry-After` gives (5 at once, then one per 12 s)", body = ErrorBody,
            example = json!({"error": "too many sign-in attempts for this name; try again in 12 seconds"})),
    ))]
pub async fn pass_second_factor(
    State(auth): State<Arc<Auth>>,
    organiser: OrganiserSigningIn,
    JsonBody(body): JsonBody<OneTimeCode>,
) -> Result<StatusCode, ApiError> {
    auth.pass_second_factor(&organiser.token, &body.code)
        .await?;
    tracing::info!(organiser = organiser.name.as_str(), "second factor passed");
    Ok(StatusCode::NO_CONTENT)
}

/// A new secret for an organiser without a second factor, to add to an
/// authenticator app (type the secret, or make a QR code of the URL).
/// Nothing is kept until a code confirms it.
#[utoipa::path(post, path = "/api/organiser/second-factor/setup", tag = "organiser",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A new secret, not kept yet: confirm it with a code from the app", body = SecondFactorSetupView),
        (status = 403, description = "Not an organiser, or the session cookie was sent from another site", body = ErrorBody,
            example = json!({"error": "this is for staff with the role organiser; your account does not have it"})),
        (status = 409, description = "This organiser's second factor is set up already", body = ErrorBody,
            example = json!({"error": "this account's second factor is already set up; sign in with a code from its app (replacing it is done on the server machine)"})),
    ))]
pub async fn set_up_second_factor(
    organiser: OrganiserSigningIn,
) -> Result<Json<SecondFactorSetupView>, ApiError> {
    if organiser.set_up {
        return Err(set_already());
    }
    let setup = SecondFactorSetup::new(&organiser.name);
    Ok(Json(SecondFactorSetupView {
        secret: setup.secret,
        otpauth_url: setup.url,
    }))
}

/// Keeps the secret the setup gave once the app's current code for it is
/// sent; this session passes the second factor at once. Answers ten
/// recovery codes, shown this once.
#[utoipa::path(post, path = "/api/organiser/second-factor/confirm", tag = "organiser",
    request_body = SecondFactorConfirm,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Set up and passed; keep the recovery codes somewhere safe", body = RecoveryCodesView),
        (status = 401, description = "Not signed in, or the code is not the secret's current one", body = ErrorBody,
            example = json!({"error": "that one-time code is not right (or was already used); type the current code from your app, or a recovery code"})),
        (status = 403, description = "Not an organiser, or the session cookie was sent from another site", body = ErrorBody,
            example = json!({"error": "this is for staff with the role organiser; your account does not have it"})),
        (status = 409, description = "This organiser's second factor is set up already", body = ErrorBody,
            example = json!({"error": "this account's second factor is already set up; sign in with a code from its app (replacing it is done on the server machine)"})),
        (status = 429, description = "Too many codes tried for this name: wait the seconds `Retry-After` gives (5 at once, then one per 12 s)", body = ErrorBody,
            example = json!({"error": "too many sign-in attempts for this name; try again in 12 seconds"})),
    ))]
pub async fn confirm_second_factor(
    State(auth): State<Arc<Auth>>,
    organiser: OrganiserSigningIn,
    JsonBody(body): JsonBody<SecondFactorConfirm>,
) -> Result<impl IntoResponse, ApiError> {
    if organiser.set_up {
        return Err(set_already());
    }
    let codes = auth
        .set_up_second_factor(&organiser.token, &body.secret, &body.code)
        .await?;
    tracing::info!(organiser = organiser.name.as_str(), "second factor set up");
    Ok((
        StatusCode::CREATED,
        Json(RecoveryCodesView {
            recovery_codes: codes,
        }),
    ))
}

fn set_already() -> ApiError {
    Refusal::new(StatusCode::CONFLICT, Message::SecondFactorSetAlready).into()
}

/// Everyone with a role, by name.
#[utoipa::path(get, path = "/api/organiser/staff", tag = "organiser",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Staff members, by name", body = [StaffView],
            example = json!([{"name": "a-chan", "roles": ["organiser"], "second_factor_set": true},
                {"name": "gate-1", "roles": ["door"], "second_factor_set": false}])),
    ))]
pub async fn staff(
    State(shop): State<Arc<Shop>>,
    _organiser: OrganiserCaller,
) -> Json<Vec<StaffView>> {
    Json(shop.staff_members().iter().map(StaffView::from).collect())
}

/// `/api/organiser/staff/{name}/…`'s path.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StaffPath {
    /// The account's user name.
    #[param(schema_with = rules::fan_name)]
    pub name: String,
}

/// `/api/organiser/staff/{name}/roles/{role}`'s path.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StaffRolePath {
    /// The account's user name.
    #[param(schema_with = rules::fan_name)]
    pub name: String,
    /// `organiser` or `door`.
    #[param(inline)]
    pub role: RoleView,
}

/// An account's name from a path, or 404 when there is no such account.
fn account(shop: &Shop, name: &str) -> Result<FanName, ApiError> {
    let unknown = || {
        let name = name.to_owned();
        Refusal::new(StatusCode::NOT_FOUND, Message::UnknownAccount { name }).into()
    };
    let name = FanName::new(name).map_err(|_| unknown())?;
    match shop.account(&name) {
        Some(_) => Ok(name),
        None => Err(unknown()),
    }
}

fn member_view(shop: &Shop, name: &FanName) -> StaffView {
    let roles = shop.roles_of(name);
    StaffView {
        name: name.as_str().to_owned(),
        roles: roles.iter().map(|&role| role.into()).collect(),
        second_factor_set: shop.second_factor(name).is_some(),
    }
}

/// Gives an account a role (nothing changes if it has it already). A new
/// organiser sets up a second factor at their first sign-in.
#[utoipa::path(post, path = "/api/organiser/staff/{name}/roles", tag = "organiser",
    params(StaffPath),
    request_body = RoleGrant,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The account's roles now", body = StaffView,
            example = json!({"name": "gate-1", "roles": ["door"], "second_factor_set": false})),
        (status = 404, description = "There is no account with this name (it must sign up first)", body = ErrorBody,
            example = json!({"error": "there is no account named \"gate-1\""})),
    ))]
pub async fn grant_role(
    State(shop): State<Arc<Shop>>,
    organiser: OrganiserCaller,
    ApiPath(path): ApiPath<StaffPath>,
    JsonBody(body): JsonBody<RoleGrant>,
) -> Result<Json<StaffView>, ApiError> {
    let name = account(&shop, &path.name)?;
    let role = Role::from(body.role);
    if shop.grant_role(&name, role, organiser.by()).await? {
        tracing::info!(by = organiser.0.name.as_str(), name = name.as_str(), %role, "role granted");
    }
    Ok(Json(member_view(&shop, &name)))
}

/// Takes a role from an account, unless it is the last organiser's.
#[utoipa::path(delete, path = "/api/organiser/staff/{name}/roles/{role}", tag = "organiser",
    params(StaffRolePath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Taken"),
        (status = 400, description = "The role is not `organiser` or `door`", body = ErrorBody,
            example = json!({"error": "the address does not fit: unknown variant `admin`, expected `organiser` or `door`"})),
        (status = 404, description = "There is no such account, or it does not have this role", body = ErrorBody,
            example = json!({"error": "gate-1 does not have the role organiser"})),
        (status = 409, description = "The account is the last organiser", body = ErrorBody,
            example = json!({"error": "a-chan is the last organiser; make someone else an organiser first"})),
    ))]
pub async fn revoke_role(
    State(shop): State<Arc<Shop>>,
    organiser: OrganiserCaller,
    ApiPath(path): ApiPath<StaffRolePath>,
) -> Result<StatusCode, ApiError> {
    let name = account(&shop, &path.name)?;
    let role = Role::from(path.role);
    shop.revoke_role(&name, role, organiser.by()).await?;
    tracing::info!(by = organiser.0.name.as_str(), name = name.as_str(), %role, "role revoked");
    Ok(StatusCode::NO_CONTENT)
}
