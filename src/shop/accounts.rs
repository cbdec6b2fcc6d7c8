//! The shop's accounts and sessions: signing up, signing in and out, and
//! finding the fan behind a session. Each change is saved through the
//! journal before it is answered. Hashing passwords and tokens is the
//! server's job (`server::auth`); the shop keeps only the hashes.

use super::{lock, Shop, ShopError};
use crate::domain::{Account, AccountError, Accounts, FanName, Session, SessionError, TokenHash};
use crate::store::Record;
use time::OffsetDateTime;

/// The accounts and sessions the saved records describe, sessions that have
/// expired since left out.
pub(super) fn restore(records: &[Record]) -> Result<Accounts, AccountError> {
    let mut accounts = Accounts::default();
    for record in records {
        match record {
            Record::Registered { account } => accounts.register(account.clone())?,
            Record::SignedIn { session } => accounts.open_session(session.clone())?,
            Record::SignedOut { token_hash } => {
                accounts.close_session(token_hash);
            }
            Record::Sold { .. } => {}
        }
    }
    accounts.forget_expired(OffsetDateTime::now_utc());
    Ok(accounts)
}

impl Shop {
    /// The account named `name`, if there is one.
    pub fn account(&self, name: &FanName) -> Option<Account> {
        lock(&self.accounts).account(name).cloned()
    }

    /// Refuses a name that is taken (in any case), before a password is
    /// hashed for it.
    pub fn check_name_free(&self, name: &FanName) -> Result<(), ShopError> {
        Ok(lock(&self.accounts).check_name_free(name)?)
    }

    /// Adds an account; answers once it is saved.
    pub async fn register(&self, account: Account) -> Result<(), ShopError> {
        let saved = {
            let mut accounts = lock(&self.accounts);
            accounts.register(account.clone())?;
            self.journal.submit(Record::Registered { account })
        };
        Ok(saved.await?)
    }

    /// Opens a session; answers once it is saved.
    pub async fn open_session(&self, session: Session) -> Result<(), ShopError> {
        let saved = {
            let mut accounts = lock(&self.accounts);
            accounts.open_session(session.clone())?;
            self.journal.submit(Record::SignedIn { session })
        };
        Ok(saved.await?)
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
        let saved = {
            let mut accounts = lock(&self.accounts);
            if accounts.close_session(token).is_none() {
                return Ok(false);
            }
            self.journal.submit(Record::SignedOut {
                token_hash: token.clone(),
            })
        };
        saved.await?;
        Ok(true)
    }
}
