//! Signing fans up, in and out: argon2id password hashes, session tokens,
//! and the sign-in rate limit. The JSON API and the pages both use [`Auth`].
//!
//! - Passwords are hashed with argon2id (the `argon2` crate's defaults, the
//!   OWASP recommendation: 19 MiB, 2 passes) on blocking threads, at most
//!   `hash_workers` at a time, so a storm of sign-ins queues for its own
//!   threads and never stalls the async runtime that sells tickets.
//! - A session token is 256 random bits, given to the fan once; the shop
//!   keeps only its SHA-256 hash.
//! - Each name gets a few sign-in attempts in a burst, then one more every
//!   few seconds (`governor`), so a password cannot be guessed online.
//! - Time (when a session began, whether it has ended) is the shop's clock.

use crate::domain::{
    Account, FanName, FanNameError, Password, PasswordError, Session, SessionError, TokenHash,
};
use crate::shop::{Shop, ShopError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use axum::http::{header, HeaderMap};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::Semaphore;

/// The cookie that carries a session token in the browser.
pub const SESSION_COOKIE: &str = "tiket_session";

/// How accounts and sessions behave.
#[derive(Clone, Copy, Debug)]
pub struct AuthOptions {
    /// How long a session lasts after signing in.
    pub session_lifetime: time::Duration,
    /// Passwords hashed at once; the rest wait their turn.
    pub hash_workers: usize,
    /// Sign-in attempts one name may make in a burst …
    pub sign_in_burst: u32,
    /// … after which it gets one more per this period.
    pub sign_in_period: Duration,
    /// Mark the session cookie `Secure` (sent over HTTPS only). Turn on
    /// whenever fans reach tiket over HTTPS, as they should in production.
    pub secure_cookie: bool,
}

impl Default for AuthOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        AuthOptions {
            session_lifetime: time::Duration::days(30),
            // Leave a core to the buyers.
            hash_workers: cores.saturating_sub(1).max(1),
            sign_in_burst: 5,
            sign_in_period: Duration::from_secs(12),
            secure_cookie: false,
        }
    }
}

/// Why signing up, in or out did not work.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Name(#[from] FanNameError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The same answer whether the name exists or not.
    #[error("the user name or the password is wrong")]
    WrongCredentials,
    #[error("too many sign-in attempts for this name; try again in {retry_after_secs} seconds")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("sign in first: send `Authorization: Bearer <token>` or the session cookie")]
    NotSignedIn,
    #[error("the Authorization header must be `Bearer <token>`")]
    BadAuthorization,
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Shop(#[from] ShopError),
    #[error("the password could not be checked ({0}); try again")]
    Hashing(String),
}

/// A fresh session: the token to give the fan, and when it ends.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub fan: FanName,
    pub token: String,
    pub expires_at: OffsetDateTime,
}

pub struct Auth {
    shop: Arc<Shop>,
    options: AuthOptions,
    hashing: Arc<Semaphore>,
    sign_in_attempts: DefaultKeyedRateLimiter<FanName>,
    /// Checked against when a name has no account, so an unknown name takes
    /// as long to refuse as a wrong password.
    stand_in_hash: String,
}

impl Auth {
    pub fn new(shop: Arc<Shop>, options: AuthOptions) -> Result<Self, AuthError> {
        let burst = NonZeroU32::new(options.sign_in_burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(options.sign_in_period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Ok(Auth {
            shop,
            options,
            hashing: Arc::new(Semaphore::new(options.hash_workers.max(1))),
            sign_in_attempts: RateLimiter::keyed(quota),
            stand_in_hash: hash_password("a password no account has".into())?,
        })
    }

    /// Opens an account and signs its fan in.
    pub async fn register(&self, name: &str, password: &str) -> Result<SignedIn, AuthError> {
        let name = FanName::new(name)?;
        let password = Password::new(password, &name)?;
        self.shop.check_name_free(&name)?;
        let password_hash = self
            .off_the_runtime(move || hash_password(password.as_str().to_owned()))
            .await?;
        self.shop
            .register(Account {
                name: name.clone(),
                password_hash,
                registered_at: self.shop.now(),
            })
            .await?;
        self.open_session(name).await
    }

    /// Checks a fan's name and password and opens a session.
    pub async fn sign_in(&self, name: &str, password: &str) -> Result<SignedIn, AuthError> {
        let name = FanName::new(name)?;
        match Password::check_length(password) {
            Err(PasswordError::TooShort) => {} // cannot match, but answered like any wrong one
            other => other?,
        }
        if let Err(not_until) = self.sign_in_attempts.check_key(&name) {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            return Err(AuthError::TooManyAttempts {
                retry_after_secs: wait.as_secs() + 1,
            });
        }
        if self.sign_in_attempts.len() > 100_000 {
            self.sign_in_attempts.retain_recent();
        }
        let account = self.shop.account(&name);
        let hash = match &account {
            Some(account) => account.password_hash.clone(),
            None => self.stand_in_hash.clone(),
        };
        let typed = password.to_owned();
        let matches = self
            .off_the_runtime(move || Ok(verify_password(&typed, &hash)))
            .await?;
        if !(matches && account.is_some()) {
            return Err(AuthError::WrongCredentials);
        }
        self.open_session(name).await
    }

    /// Ends the session a token opened.
    pub async fn sign_out(&self, token: &str) -> Result<(), AuthError> {
        match self.shop.close_session(&token_hash(token)).await? {
            true => Ok(()),
            false => Err(SessionError::Unknown.into()),
        }
    }

    /// The fan a session token signs in now, by the shop's clock.
    pub fn fan_of(&self, token: &str) -> Result<FanName, AuthError> {
        Ok(self.shop.fan_of(&token_hash(token), self.shop.now())?)
    }

    /// The cookie that keeps a browser signed in: HttpOnly (no script reads
    /// it), SameSite=Lax (no other site's form sends it), and Secure when so
    /// configured.
    pub fn session_cookie(&self, signed_in: &SignedIn) -> Cookie<'static> {
        let lifetime = signed_in.expires_at - self.shop.now();
        let mut cookie = self.cookie(signed_in.token.clone());
        cookie.set_max_age(lifetime.max(time::Duration::ZERO));
        cookie
    }

    /// A cookie that makes the browser forget its session cookie.
    pub fn signed_out_cookie(&self) -> Cookie<'static> {
        let mut cookie = self.cookie(String::new());
        cookie.make_removal();
        cookie
    }

    fn cookie(&self, value: String) -> Cookie<'static> {
        Cookie::build((SESSION_COOKIE, value))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.options.secure_cookie)
            .path("/")
            .build()
    }

    async fn open_session(&self, fan: FanName) -> Result<SignedIn, AuthError> {
        let token = new_token();
        let created_at = self.shop.now();
        let expires_at = created_at + self.options.session_lifetime;
        self.shop
            .open_session(Session {
                token_hash: token_hash(&token),
                fan: fan.clone(),
                created_at,
                expires_at,
            })
            .await?;
        Ok(SignedIn {
            fan,
            token,
            expires_at,
        })
    }

    /// Runs slow hashing work on a blocking thread, `hash_workers` at a time.
    async fn off_the_runtime<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
    ) -> Result<T, AuthError> {
        let _turn = self
            .hashing
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| AuthError::Hashing(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| AuthError::Hashing(e.to_string()))?
    }
}

/// The session token a request carries: `Authorization: Bearer <token>`
/// first, else the session cookie.
pub fn session_token(headers: &HeaderMap) -> Result<String, AuthError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| AuthError::BadAuthorization)?;
        let (scheme, token) = value.split_once(' ').ok_or(AuthError::BadAuthorization)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(AuthError::BadAuthorization);
        }
        return Ok(token.to_owned());
    }
    CookieJar::from_headers(headers)
        .get(SESSION_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|token| !token.is_empty())
        .ok_or(AuthError::NotSignedIn)
}

/// A new session token: 256 random bits, URL-safe base64 (43 characters).
fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The hash under which a session token is kept (SHA-256, hex). A token has
/// 256 random bits, so a fast hash is enough: there is nothing to guess.
pub fn token_hash(token: &str) -> TokenHash {
    TokenHash(format!("{:x}", Sha256::digest(token.as_bytes())))
}

/// An argon2id PHC string with a fresh random salt.
fn hash_password(password: String) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AuthError::Hashing(e.to_string()))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ManualClock};
    use crate::domain::Festival;
    use crate::shop::ShopOptions;
    use crate::store::JsonStore;

    /// A session ends when the clock passes its end, with no waiting: sign-in
    /// keeps time by the shop's clock.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_session_expires_when_the_clock_passes_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::at(time::macros::datetime!(2026-11-01 12:00 +9));
        let options = ShopOptions {
            clock: clock.clone(),
            ..ShopOptions::default()
        };
        let store = JsonStore::open(dir.path()).unwrap();
        let shop = Arc::new(Shop::open(store, Festival::reference, options).unwrap());
        let auth_options = AuthOptions {
            session_lifetime: time::Duration::days(30),
            ..AuthOptions::default()
        };
        let auth = Auth::new(shop, auth_options).unwrap();
        let signed_in = auth.register("okayu", "onigiri-forever-22").await.unwrap();
        assert_eq!(signed_in.expires_at, clock.now() + time::Duration::days(30));
        clock.advance(time::Duration::days(30) - time::Duration::SECOND);
        assert_eq!(auth.fan_of(&signed_in.token).unwrap().as_str(), "okayu");
        clock.advance(time::Duration::SECOND);
        assert!(matches!(
            auth.fan_of(&signed_in.token),
            Err(AuthError::Session(SessionError::Expired))
        ));
    }

    #[test]
    fn tokens_are_long_random_and_kept_only_as_hashes() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        let hash = token_hash(&a);
        assert_eq!(hash.0.len(), 64);
        assert!(!hash.0.contains(&a));
        assert_eq!(token_hash(&a), hash, "the same token always hashes alike");
    }

    #[test]
    fn the_token_comes_from_the_bearer_header_or_else_the_cookie() {
        let headers = |pairs: &[(header::HeaderName, &str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(name.clone(), value.parse().unwrap());
            }
            map
        };
        let cookie = "other=1; tiket_session=from-cookie";
        assert_eq!(
            session_token(&headers(&[(header::COOKIE, cookie)])).unwrap(),
            "from-cookie"
        );
        let both = headers(&[
            (header::AUTHORIZATION, "bearer from-header"),
            (header::COOKIE, cookie),
        ]);
        assert_eq!(session_token(&both).unwrap(), "from-header");
        for bad in ["Basic abc", "Bearer", "Bearer ", "token"] {
            assert!(matches!(
                session_token(&headers(&[(header::AUTHORIZATION, bad)])),
                Err(AuthError::BadAuthorization)
            ));
        }
        assert!(matches!(
            session_token(&HeaderMap::new()),
            Err(AuthError::NotSignedIn)
        ));
    }

    #[test]
    fn a_password_hash_verifies_only_its_password() {
        let hash = hash_password("correct horse".into()).unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct horsE", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}
