//! Accounts and sessions: who a fan is. A fan signs up with a name and a
//! password ([`Password`] holds the rule a password must meet) and signs in to
//! open a [`Session`]. [`Accounts`] is the registry of both.
//!
//! No cryptography lives here: the server hashes passwords and session tokens
//! and hands this module only the hashes, so the rules stay plain and tested.

use super::look_alike::{check_new_name, LookAlikeKey};
use super::{FanName, FanNameError, Staff};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use time::OffsetDateTime;

/// A password that meets tiket's rule: 8 to 128 characters, not the fan's own
/// name, not a single repeated character and not one of the most common
/// passwords. Length beats composition rules (NIST SP 800-63B), so there are
/// none of those.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password is not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("choose a password")]
    Empty,
    #[error("the password must be at least {min} characters long", min = Password::MIN_CHARS)]
    TooShort,
    #[error("the password must be at most {max} characters long", max = Password::MAX_CHARS)]
    TooLong,
    #[error("the password must not be your user name")]
    SameAsName,
    #[error("that password is among the first ones anyone would guess; choose another")]
    TooCommon,
}

/// Passwords that guessing tools try first (lower case; compared ignoring case).
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "0123456789",
    "87654321",
    "qwertyuiop",
    "qwerty123",
    "1q2w3e4r",
    "1qaz2wsx",
    "abcd1234",
    "abcdefgh",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "trustno1",
    "letmein1",
    "welcome1",
    "asdfghjk",
    "asdfasdf",
    "zxcvbnm1",
    "hololive",
    "hololive5",
    "tiket123",
    "ticket123",
];

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;
    /// Passwords refused as too common, in lower case (compared ignoring case).
    pub const COMMON: &'static [&'static str] = COMMON_PASSWORDS;

    /// Checks a password chosen for the account `name`.
    pub fn new(text: impl Into<String>, name: &FanName) -> Result<Self, PasswordError> {
        let text = text.into();
        Self::check_length(&text)?;
        if text.to_lowercase() == name.as_str().to_lowercase() {
            return Err(PasswordError::SameAsName);
        }
        let mut chars = text.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(PasswordError::TooCommon);
        }
        let lower = text.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str()) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Password(text))
    }

    /// Only the length rule, for a password typed to sign in: anything longer
    /// than any account's password is refused before it is hashed.
    pub fn check_length(text: &str) -> Result<(), PasswordError> {
        match text.chars().count() {
            0 => Err(PasswordError::Empty),
            n if n < Self::MIN_CHARS => Err(PasswordError::TooShort),
            n if n > Self::MAX_CHARS => Err(PasswordError::TooLong),
            _ => Ok(()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Never prints the password itself.
impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A fan's account. The password is kept only as a hash the server made (a
/// PHC string such as `$argon2id$…`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: FanName,
    pub password_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub registered_at: OffsetDateTime,
}

/// The hash of a session token, as text. The token itself is given to the
/// fan once and never kept, so a copy of the data folder signs no one in.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenHash(pub String);

/// A signed-in fan: valid from `created_at` until `expires_at` (exclusive) or
/// until the fan signs out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token_hash: TokenHash,
    pub fan: FanName,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// The second factor was passed for this session (organisers need it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub second_factor: bool,
}

/// Why an account or session change was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("the user name {0:?} is taken; choose another")]
    NameTaken(String),
    /// A new name that [`check_new_name`] refuses.
    #[error("{0}")]
    NewName(FanNameError),
    #[error("there is no account named {0:?}")]
    UnknownAccount(String),
    #[error("that session is already open")]
    DuplicateSession,
}

/// Why a session token does not identify anyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("this sign-in is not valid (it may have been signed out); sign in again")]
    Unknown,
    #[error("your session has expired; sign in again")]
    Expired,
}

/// Every account and open session.
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    by_name: HashMap<FanName, Account>,
    /// Names folded to lower case, so "Pekora" cannot sign up beside "pekora".
    folded_names: HashMap<String, FanName>,
    /// Names by what they read as, so "Pekora" (with a Cyrillic "е") cannot
    /// either. Saved names that read alike (from before this rule) share a
    /// key: the first keeps it, and both keep their accounts.
    look_alikes: HashMap<LookAlikeKey, FanName>,
    sessions: HashMap<TokenHash, Session>,
    staff: Staff,
}

impl Accounts {
    pub fn account(&self, name: &FanName) -> Option<&Account> {
        self.by_name.get(name)
    }

    /// Every account, in no particular order.
    pub fn all(&self) -> impl Iterator<Item = &Account> {
        self.by_name.values()
    }

    /// Who has which role.
    pub fn staff(&self) -> &Staff {
        &self.staff
    }

    pub fn staff_mut(&mut self) -> &mut Staff {
        &mut self.staff
    }

    /// Takes back [`pass_second_factor`](Self::pass_second_factor) (its record was not saved).
    pub fn unpass_second_factor(&mut self, token: &TokenHash) {
        if let Some(session) = self.sessions.get_mut(token) {
            session.second_factor = false;
        }
    }

    /// Marks a session as having passed the second factor; `false` if
    /// there is no such session.
    pub fn pass_second_factor(&mut self, token: &TokenHash) -> bool {
        match self.sessions.get_mut(token) {
            Some(session) => {
                session.second_factor = true;
                true
            }
            None => false,
        }
    }

    /// Whether `name` may be a new account's: it meets the rule for new
    /// names, and neither it, nor a name differing only in case, nor one
    /// that reads like it, is taken.
    pub fn check_name_free(&self, name: &FanName) -> Result<(), AccountError> {
        check_new_name(name).map_err(AccountError::NewName)?;
        let taken = self
            .folded_names
            .contains_key(&name.as_str().to_lowercase())
            || self.look_alikes.contains_key(&LookAlikeKey::of(name));
        match taken {
            true => Err(AccountError::NameTaken(name.as_str().to_owned())),
            false => Ok(()),
        }
    }

    /// Adds a new account (a sign-up), if [`check_name_free`](Self::check_name_free) allows its name.
    pub fn register(&mut self, account: Account) -> Result<(), AccountError> {
        self.check_name_free(&account.name)?;
        self.add(account);
        Ok(())
    }

    /// Adds a saved account, read back at start: only the rule it was saved
    /// under applies (a name is taken once whatever its case), so names
    /// saved before the look-alike rule still load.
    pub fn restore(&mut self, account: Account) -> Result<(), AccountError> {
        if self
            .folded_names
            .contains_key(&account.name.as_str().to_lowercase())
        {
            return Err(AccountError::NameTaken(account.name.as_str().to_owned()));
        }
        self.add(account);
        Ok(())
    }

    /// Accounts there are.
    pub fn count(&self) -> usize {
        self.by_name.len()
    }

    /// Sessions open now (expired ones may linger until forgotten).
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Takes back a sign-up that could not be saved, with its sessions.
    pub fn unregister(&mut self, name: &FanName) {
        if self.by_name.remove(name).is_none() {
            return;
        }
        self.folded_names.remove(&name.as_str().to_lowercase());
        let key = LookAlikeKey::of(name);
        if self.look_alikes.get(&key) == Some(name) {
            self.look_alikes.remove(&key);
        }
        self.sessions.retain(|_, session| &session.fan != name);
    }

    fn add(&mut self, account: Account) {
        let name = &account.name;
        self.folded_names
            .insert(name.as_str().to_lowercase(), name.clone());
        self.look_alikes
            .entry(LookAlikeKey::of(name))
            .or_insert_with(|| name.clone());
        self.by_name.insert(name.clone(), account);
    }

    pub fn open_session(&mut self, session: Session) -> Result<(), AccountError> {
        if !self.by_name.contains_key(&session.fan) {
            return Err(AccountError::UnknownAccount(
                session.fan.as_str().to_owned(),
            ));
        }
        if self.sessions.contains_key(&session.token_hash) {
            return Err(AccountError::DuplicateSession);
        }
        let now = session.created_at;
        self.sessions.insert(session.token_hash.clone(), session);
        // Now and then (each time the count reaches a power of two), forget
        // expired sessions, so a long sale does not keep them all in memory.
        let count = self.sessions.len();
        if count >= 1024 && count.is_power_of_two() {
            self.forget_expired(now);
        }
        Ok(())
    }

    /// The session a token hash opens, if it is still valid at `now`.
    pub fn session(
        &self,
        token: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<&Session, SessionError> {
        let session = self.sessions.get(token).ok_or(SessionError::Unknown)?;
        if now >= session.expires_at {
            return Err(SessionError::Expired);
        }
        Ok(session)
    }

    /// Ends a session; `None` if there was none.
    pub fn close_session(&mut self, token: &TokenHash) -> Option<Session> {
        self.sessions.remove(token)
    }

    /// Forgets sessions that expired before `now`; returns how many.
    pub fn forget_expired(&mut self, now: OffsetDateTime) -> usize {
        let before = self.sessions.len();
        self.sessions.retain(|_, session| now < session.expires_at);
        before - self.sessions.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsaved_sign_up_is_taken_back_whole() {
        let mut accounts = Accounts::default();
        let name = FanName::new("Pekora").unwrap();
        let account = Account {
            name: name.clone(),
            password_hash: "x".into(),
            registered_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        accounts.register(account.clone()).unwrap();
        let session = Session {
            token_hash: TokenHash("t".into()),
            fan: name.clone(),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            expires_at: time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(1),
            second_factor: false,
        };
        accounts.open_session(session).unwrap();
        accounts.unregister(&name);
        assert!(accounts.account(&name).is_none());
        assert!(accounts
            .session(&TokenHash("t".into()), time::OffsetDateTime::UNIX_EPOCH)
            .is_err());
        accounts.register(account).expect("the name is free again");
    }
    use time::macros::datetime;

    fn name(text: &str) -> FanName {
        FanName::new(text).unwrap()
    }

    fn account(text: &str) -> Account {
        Account {
            name: name(text),
            password_hash: "$argon2id$fake".into(),
            registered_at: datetime!(2026-11-25 09:00 UTC),
        }
    }

    fn session(token: &str, fan: &str) -> Session {
        Session {
            token_hash: TokenHash(token.into()),
            fan: name(fan),
            created_at: datetime!(2026-11-25 09:00 UTC),
            expires_at: datetime!(2026-12-25 09:00 UTC),
            second_factor: false,
        }
    }

    #[test]
    fn passwords_follow_the_rule() {
        let fan = name("Pekora");
        assert_eq!(Password::new("", &fan), Err(PasswordError::Empty));
        assert_eq!(Password::new("short12", &fan), Err(PasswordError::TooShort));
        assert!(Password::new("eightchr", &fan).is_ok());
        assert!(
            Password::new("é".repeat(128), &fan).is_err(),
            "one repeated char"
        );
        assert!(
            Password::new("ab".repeat(64), &fan).is_ok(),
            "128 characters"
        );
        assert_eq!(
            Password::new("ab".repeat(65), &fan),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            Password::new("PEKORA", &name("pekora")),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            Password::new("pekopekora", &name("PekoPekora")),
            Err(PasswordError::SameAsName)
        );
        assert_eq!(
            Password::new("aaaaaaaaaa", &fan),
            Err(PasswordError::TooCommon)
        );
        assert_eq!(
            Password::new("PassWord1", &fan),
            Err(PasswordError::TooCommon)
        );
        assert!(
            !format!("{:?}", Password::new("secret-carrot-42", &fan).unwrap()).contains("carrot")
        );
    }

    #[test]
    fn a_name_is_taken_once_whatever_its_case() {
        let mut accounts = Accounts::default();
        accounts.register(account("pekora")).unwrap();
        assert_eq!(
            accounts.register(account("Pekora")),
            Err(AccountError::NameTaken("Pekora".into()))
        );
        assert!(accounts.account(&name("pekora")).is_some());
        assert!(accounts.account(&name("Pekora")).is_none());
        assert!(accounts.check_name_free(&name("miko")).is_ok());
    }

    #[test]
    fn a_new_name_may_not_read_like_a_taken_one_but_saved_ones_load() {
        let mut accounts = Accounts::default();
        accounts.register(account("Jovan")).unwrap();
        for look_alike in [
            "j\u{43E}van",
            "JOVAN",
            "\u{FF4A}\u{FF4F}\u{FF56}\u{FF41}\u{FF4E}",
        ] {
            assert_eq!(
                accounts.register(account(look_alike)),
                Err(AccountError::NameTaken(look_alike.into()))
            );
        }
        assert_eq!(
            accounts.register(account("jovan\u{200B}")),
            Err(AccountError::NewName(FanNameError::Invisible))
        );
        // Saved before the rule: they load, each its own account.
        for saved in ["j\u{43E}van", "jo\u{200B}van"] {
            accounts.restore(account(saved)).unwrap();
            assert!(accounts.account(&name(saved)).is_some(), "{saved:?}");
        }
        assert_eq!(
            accounts.restore(account("JOVAN")),
            Err(AccountError::NameTaken("JOVAN".into())),
            "a name is still saved once whatever its case"
        );
        assert!(accounts
            .check_name_free(&name("j\u{3BF}v\u{430}n"))
            .is_err());
        assert!(accounts.check_name_free(&name("jovana")).is_ok());
    }

    #[test]
    fn sessions_open_expire_and_close() {
        let mut accounts = Accounts::default();
        assert_eq!(
            accounts.open_session(session("t1", "miko")),
            Err(AccountError::UnknownAccount("miko".into()))
        );
        accounts.register(account("miko")).unwrap();
        accounts.open_session(session("t1", "miko")).unwrap();
        assert_eq!(
            accounts.open_session(session("t1", "miko")),
            Err(AccountError::DuplicateSession)
        );
        let token = TokenHash("t1".into());
        let during = datetime!(2026-12-01 00:00 UTC);
        assert_eq!(accounts.session(&token, during).unwrap().fan, name("miko"));
        let at_expiry = datetime!(2026-12-25 09:00 UTC);
        assert_eq!(
            accounts.session(&token, at_expiry),
            Err(SessionError::Expired)
        );
        assert_eq!(
            accounts.session(&TokenHash("t2".into()), during),
            Err(SessionError::Unknown)
        );
        assert_eq!(accounts.forget_expired(during), 0);
        assert!(accounts.close_session(&token).is_some());
        assert_eq!(accounts.session(&token, during), Err(SessionError::Unknown));
        assert!(accounts.close_session(&token).is_none());
    }

    #[test]
    fn expired_sessions_are_forgotten_as_sessions_pile_up() {
        let mut accounts = Accounts::default();
        accounts.register(account("suisei")).unwrap();
        for i in 0..1023 {
            let mut old = session(&format!("old{i}"), "suisei");
            old.expires_at = datetime!(2026-11-26 09:00 UTC);
            accounts.open_session(old).unwrap();
        }
        let mut fresh = session("fresh", "suisei");
        fresh.created_at = datetime!(2026-11-27 09:00 UTC);
        accounts.open_session(fresh).unwrap();
        assert_eq!(accounts.sessions.len(), 1, "only the open one is kept");
    }

    #[test]
    fn expired_sessions_can_be_forgotten() {
        let mut accounts = Accounts::default();
        accounts.register(account("suisei")).unwrap();
        accounts.open_session(session("old", "suisei")).unwrap();
        assert_eq!(accounts.forget_expired(datetime!(2027-01-01 00:00 UTC)), 1);
        assert_eq!(
            accounts.session(&TokenHash("old".into()), datetime!(2026-12-01 00:00 UTC)),
            Err(SessionError::Unknown)
        );
    }
}
