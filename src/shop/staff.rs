//! Staff as the shop runs them: roles given and taken, organisers' second
//! factors set up and passed, each a journal record through the one write
//! path. Checking a one-time code is the server's job (`server::staff`);
//! the shop keeps what was decided.

use super::write::{lock, Change};
use super::{Shop, ShopError};
use crate::domain::{
    AccountError, Accounts, FanName, Role, SecondFactor, Session, SessionError, TokenHash,
};
use crate::store::Record;
use std::collections::BTreeSet;
use time::OffsetDateTime;

/// One staff member as the console lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub name: FanName,
    pub roles: BTreeSet<Role>,
    pub second_factor_set: bool,
}

impl Shop {
    /// The roles this account has (none for a fan).
    pub fn roles_of(&self, name: &FanName) -> BTreeSet<Role> {
        lock(&self.accounts).staff().roles_of(name)
    }

    /// Everyone with a role, by name.
    pub fn staff_members(&self) -> Vec<StaffMember> {
        let accounts = lock(&self.accounts);
        let staff = accounts.staff();
        staff
            .members()
            .map(|(name, roles)| StaffMember {
                name: name.clone(),
                roles: roles.clone(),
                second_factor_set: staff.second_factor(name).is_some(),
            })
            .collect()
    }

    /// The session a token's hash opens at `now`.
    pub fn session(&self, token: &TokenHash, now: OffsetDateTime) -> Result<Session, SessionError> {
        lock(&self.accounts).session(token, now).cloned()
    }

    /// Gives `name` a role (`by`: `None` for `tiket staff add`); `Ok(false)`
    /// if they had it already (nothing saved).
    pub async fn grant_role(
        &self,
        name: &FanName,
        role: Role,
        by: Option<FanName>,
    ) -> Result<bool, ShopError> {
        let at = self.now();
        self.write(&self.accounts, |accounts| {
            if accounts.account(name).is_none() {
                return Err(ShopError::Account(AccountError::UnknownAccount(
                    name.as_str().into(),
                )));
            }
            if !accounts.staff_mut().grant(name, role) {
                return Ok(Change::nothing_to_save(false));
            }
            let record = Record::RoleGranted {
                name: name.clone(),
                role,
                by,
                at,
            };
            let name = name.clone();
            let undo = move |accounts: &mut Accounts| accounts.staff_mut().revoke(&name, role);
            Ok(Change::saving(true, record, undo))
        })
        .await
    }

    /// Takes a role from `name`, unless they are the last organiser.
    pub async fn revoke_role(
        &self,
        name: &FanName,
        role: Role,
        by: Option<FanName>,
    ) -> Result<(), ShopError> {
        let at = self.now();
        self.write(&self.accounts, |accounts| {
            accounts.staff().check_revoke(name, role)?;
            accounts.staff_mut().revoke(name, role);
            let record = Record::RoleRevoked {
                name: name.clone(),
                role,
                by,
                at,
            };
            let name = name.clone();
            let undo = move |accounts: &mut Accounts| {
                accounts.staff_mut().grant(&name, role);
            };
            Ok::<_, ShopError>(Change::saving((), record, undo))
        })
        .await
    }

    /// This account's second factor, if set up.
    pub fn second_factor(&self, name: &FanName) -> Option<SecondFactor> {
        lock(&self.accounts).staff().second_factor(name).cloned()
    }

    /// Sets up (`Some`) or resets (`None`) a second factor.
    pub async fn set_second_factor(
        &self,
        name: &FanName,
        factor: Option<SecondFactor>,
    ) -> Result<(), ShopError> {
        let at = self.now();
        self.write(&self.accounts, |accounts| {
            let staff = accounts.staff_mut();
            let before = match factor.clone() {
                Some(factor) => staff.set_second_factor(name, factor),
                None => staff.clear_second_factor(name),
            };
            let record = Record::SecondFactorSet {
                name: name.clone(),
                factor,
                at,
            };
            let name = name.clone();
            let undo = move |accounts: &mut Accounts| {
                let staff = accounts.staff_mut();
                match before {
                    Some(before) => staff.set_second_factor(&name, before),
                    None => staff.clear_second_factor(&name),
                };
            };
            Ok::<_, ShopError>(Change::saving((), record, undo))
        })
        .await
    }

    /// Marks a session as having passed the second factor.
    pub async fn pass_second_factor(&self, token: &TokenHash) -> Result<(), ShopError> {
        self.write(&self.accounts, |accounts| {
            if !accounts.pass_second_factor(token) {
                return Err(ShopError::Account(AccountError::UnknownAccount(
                    "(session)".into(),
                )));
            }
            let record = Record::SecondFactorPassed {
                token_hash: token.clone(),
            };
            // Taking the mark back: the session stays, unverified.
            let token = token.clone();
            let undo = move |accounts: &mut Accounts| accounts.unpass_second_factor(&token);
            Ok(Change::saving((), record, undo))
        })
        .await
    }

    /// Crosses off a recovery code by its hash; `Ok(false)` if it is not
    /// one of this account's unused codes (nothing saved).
    pub async fn use_recovery_code(&self, name: &FanName, hash: &str) -> Result<bool, ShopError> {
        self.write(&self.accounts, |accounts| {
            if !accounts.staff_mut().use_recovery_code(name, hash) {
                return Ok::<_, ShopError>(Change::nothing_to_save(false));
            }
            let record = Record::RecoveryCodeUsed {
                name: name.clone(),
                code_hash: hash.to_owned(),
            };
            let (name, hash) = (name.clone(), hash.to_owned());
            let undo = move |accounts: &mut Accounts| {
                let staff = accounts.staff_mut();
                if let Some(mut factor) = staff.second_factor(&name).cloned() {
                    factor.recovery_hashes.push(hash);
                    staff.set_second_factor(&name, factor);
                }
            };
            Ok(Change::saving(true, record, undo))
        })
        .await
    }
}
