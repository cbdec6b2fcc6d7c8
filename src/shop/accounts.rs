//! The shop's accounts and sessions: signing up, signing in and out, and
//! finding the fan behind a session. Each change goes through the one write
//! path ([`Shop::write`]) and is saved before it is answered. Hashing
//! passwords and tokens is the server's job (`server::auth`); the shop keeps
//! only the hashes.

use super::write::{lock, Change};
use super::{Shop, ShopError};
use crate::domain::{Account, AccountError, Accounts, FanName, Session, SessionError, TokenHash};
use crate::store::Record;
use time::OffsetDateTime;

/// The accounts and sessions the saved records describe, sessions that have
/// expired by `now` left out.
pub(super) fn restore(records: &[Record], now: OffsetDateTime) -> Result<Accounts, AccountError> {
    let mut accounts = Accounts::default();
    for record in records {
        match record {
            // As it was saved: the rules for new names are checked at sign-up.
            Record::Registered { account } => accounts.restore(account.clone())?,
            Record::SignedIn { session } => accounts.open_session(session.clone())?,
            Record::SignedOut { token_hash } => {
                accounts.close_session(token_hash);
            }
            Record::RoleGranted { name, role, .. } => {
                accounts.staff_mut().grant(name, *role);
            }
            Record::RoleRevoked { name, role, .. } => accounts.staff_mut().revoke(name, *role),
            Record::SecondFactorSet { name, factor, .. } => {
                let staff = accounts.staff_mut();
                match factor {
                    Some(factor) => staff.set_second_factor(name, factor.clone()),
                    None => staff.clear_second_factor(name),
                };
            }
            Record::SecondFactorPassed { token_hash } => {
                accounts.pass_second_factor(token_hash);
            }
            Record::RecoveryCodeUsed { name, code_hash } => {
                accounts.staff_mut().use_recovery_code(name, code_hash);
            }
            Record::Sold { .. }
            | Record::SecretMade { .. }
            | Record::FestivalEdited { .. }
            | Record::FestivalImported { .. }
            | Record::CheckedIn { .. } => {}
        }
    }
    accounts.forget_expired(now);
    Ok(accounts)
}

impl Shop {
    /// The account named `name`, if there is one.
    pub fn account(&self, name: &FanName) -> Option<Account> {
        lock(&self.accounts).account(name).cloned()
    }

    /// Refuses a name that is taken (in any case, or by one that reads
    /// alike) or not acceptable for a new account, before a password is
    /// hashed for it.
    pub fn check_name_free(&self, name: &FanName) -> Result<(), ShopError> {
        Ok(lock(&self.accounts).check_name_free(name)?)
    }

    /// Adds a new account, if [`Shop::check_name_free`] allows its name
    /// (checked again here, under the lock); answers once it is saved.
    pub async fn register(&self, account: Account) -> Result<(), ShopError> {
        self.write(&self.accounts, |accounts| {
            accounts.register(account.clone())?;
            let name = account.name.clone();
            let undo = move |accounts: &mut Accounts| accounts.unregister(&name);
            Ok::<_, AccountError>(Change::saving((), Record::Registered { account }, undo))
        })
        .await
    }

    /// Opens a session; answers once it is saved.
    pub async fn open_session(&self, session: Session) -> Result<(), ShopError> {
        self.write(&self.accounts, |accounts| {
            accounts.open_session(session.clone())?;
            metrics::gauge!("tiket_sessions").increment(1.0);
            let token = session.token_hash.clone();
            let undo = move |accounts: &mut Accounts| {
                accounts.close_session(&token);
                metrics::gauge!("tiket_sessions").decrement(1.0);
            };
            Ok::<_, AccountError>(Change::saving((), Record::SignedIn { session }, undo))
        })
        .await
    }

    /// The fan a session token's hash signs in at `now`.
    pub fn fan_of(&self, token: &TokenHash, now: OffsetDateTime) -> Result<FanName, SessionError> {
        lock(&self.accounts)
            .session(token, now)
            .map(|session| session.fan.clone())
    }

    /// Ends a session; answers once that is saved. `Ok(false)` if there was
    /// no such session.
    pub async fn close_session(&self, token: &TokenHash) -> Result<bool, ShopError> {
        self.write(&self.accounts, |accounts| {
            Ok::<_, ShopError>(match accounts.close_session(token) {
                None => Change::nothing_to_save(false),
                Some(session) => {
                    metrics::gauge!("tiket_sessions").decrement(1.0);
                    Change::saving(
                        true,
                        Record::SignedOut {
                            token_hash: token.clone(),
                        },
                        // The sign-out did not happen: the session goes on.
                        move |accounts: &mut Accounts| {
                            let _ = accounts.open_session(session);
                            metrics::gauge!("tiket_sessions").increment(1.0);
                        },
                    )
                }
            })
        })
        .await
    }
}
