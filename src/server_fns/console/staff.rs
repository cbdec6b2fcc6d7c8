//! Staff and their roles: the list, a role given to an existing account,
//! a role taken away (never from the last organiser).

use super::Gate;
use crate::forms::Problem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub name: String,
    /// `organiser`, `door`.
    pub roles: Vec<String>,
    pub second_factor_set: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffData {
    /// Who is looking (their own organiser role is theirs to give away last).
    pub you: String,
    pub members: Vec<StaffRow>,
    pub problem: Option<Problem>,
    pub typed: Vec<(String, String)>,
}

/// Everyone with a role.
#[server(prefix = "/api/fn", endpoint = "staff_list")]
pub async fn staff_list() -> Result<Gate<StaffData>, Problem> {
    use super::super::edge;
    super::page(|caller| {
        let shop = edge::shop()?;
        let flash = edge::take_flash().unwrap_or_default();
        Ok(StaffData {
            you: caller.name.as_str().to_owned(),
            members: shop
                .staff_members()
                .into_iter()
                .map(|member| StaffRow {
                    name: member.name.as_str().to_owned(),
                    roles: member
                        .roles
                        .iter()
                        .map(|role| role.as_str().to_owned())
                        .collect(),
                    second_factor_set: member.second_factor_set,
                })
                .collect(),
            problem: flash.problem,
            typed: flash.typed,
        })
    })
}

/// The account and role a staff form names, or its refusal.
#[cfg(feature = "ssr")]
fn account_and_role(
    shop: &crate::shop::Shop,
    name: &str,
    role: &str,
) -> Result<(crate::domain::FanName, crate::domain::Role), Problem> {
    use super::super::edge;
    use crate::messages::Message;
    use crate::refusal::Refusal;
    use axum::http::StatusCode;
    let unknown = || {
        edge::refused(
            Refusal::new(
                StatusCode::NOT_FOUND,
                Message::NoSuchAccount {
                    name: name.trim().to_owned(),
                },
            )
            .about(crate::forms::Field::Name),
        )
    };
    let fan = crate::domain::FanName::new(name.trim()).map_err(|_| unknown())?;
    if shop.account(&fan).is_none() {
        return Err(unknown());
    }
    let role = crate::domain::Role::parse(role)
        .ok_or_else(|| Problem::not_handled(format!("role {role:?}")))?;
    Ok((fan, role))
}

/// Gives the account `name` the `role` (`organiser` or `door`).
#[server(prefix = "/api/fn", endpoint = "grant_role")]
pub async fn grant_role(name: String, role: String) -> Result<(), Problem> {
    use super::super::edge;
    use crate::routes::CONSOLE_STAFF;
    let caller = super::acting(CONSOLE_STAFF)?;
    let shop = edge::shop()?;
    let typed = vec![
        ("name".to_owned(), name.clone()),
        ("role".to_owned(), role.clone()),
    ];
    let refuse = |problem| super::festivals::refuse_typed(problem, typed.clone(), CONSOLE_STAFF);
    let (fan, role) = account_and_role(&shop, &name, &role).map_err(refuse)?;
    match shop.grant_role(&fan, role, Some(caller.name)).await {
        Ok(_) => {
            edge::redirect(CONSOLE_STAFF);
            Ok(())
        }
        Err(error) => Err(refuse(edge::refused(error))),
    }
}

/// Takes the `role` from `name`; the last organiser keeps theirs.
#[server(prefix = "/api/fn", endpoint = "revoke_role")]
pub async fn revoke_role(name: String, role: String) -> Result<(), Problem> {
    use super::super::edge;
    use crate::routes::CONSOLE_STAFF;
    let caller = super::acting(CONSOLE_STAFF)?;
    let shop = edge::shop()?;
    let refuse = |problem| super::festivals::refuse_typed(problem, Vec::new(), CONSOLE_STAFF);
    let (fan, role) = account_and_role(&shop, &name, &role).map_err(refuse)?;
    match shop.revoke_role(&fan, role, Some(caller.name)).await {
        Ok(()) => {
            edge::redirect(CONSOLE_STAFF);
            Ok(())
        }
        Err(error) => Err(refuse(edge::refused(error))),
    }
}
