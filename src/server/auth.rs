//! Signing fans up, in and out: argon2id password hashes, session tokens,
//! and the limits that keep sign-in working under attack. The JSON API and
//! the pages both use [`Auth`].
//!
//! - Passwords are hashed with argon2id (the `argon2` crate's defaults, the
//!   OWASP recommendation: 19 MiB, 2 passes) on blocking threads, through
//!   the bounded [`PasswordQueue`]: a returning fan (whose browser holds a
//!   [device cookie](super::device) for the name) never waits behind a flood
//!   of strangers, and strangers beyond the queue's bound are answered 503 at
//!   once instead of waiting for a thread.
//! - An unknown name is checked against a stand-in hash, so it takes as long
//!   as a wrong password, and it costs the same queue place.
//! - Each name gets a few sign-in attempts in a burst, then one more every
//!   few seconds (`governor`), so a password cannot be guessed online. A
//!   returning fan's attempts are counted per device instead, so other
//!   people's failures for their name never lock them out.
//! - Sign-ups are limited per client address and in all.
//! - A session token is 256 random bits, given to the fan once; the shop
//!   keeps only its SHA-256 hash. With `secure_cookie` the session cookie is
//!   `__Host-` prefixed (HTTPS only, this host only, whole site).
//! - Time (when a session began, whether it has ended) is the shop's clock.
//!
//! Limits and queues are ephemeral (gone on restart); the device cookies'
//! key is a journal record, made on first need.

use super::device::{DeviceCookies, DeviceId, DEVICE_COOKIE, DEVICE_LIFETIME, KEY_PURPOSE};
use super::password_queue::{Lane, PasswordQueue, QueueError};
use crate::domain::{
    Account, FanName, FanNameError, Password, PasswordError, Session, SessionError, TokenHash,
};
use crate::shop::{Shop, ShopError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use axum::http::{header, HeaderMap};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use governor::{
    clock::Clock, DefaultDirectRateLimiter, DefaultKeyedRateLimiter, NotUntil, Quota, RateLimiter,
};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::OnceCell;

/// The cookie that carries a session token in the browser (prefixed
/// `__Host-` with `secure_cookie`).
pub const SESSION_COOKIE: &str = "tiket_session";

/// How long a refused stranger is asked to wait when the queue is full.
const BUSY_RETRY_SECS: u64 = 2;

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
    /// Mark the session cookie `Secure` (sent over HTTPS only) and name it
    /// `__Host-…`. Turn on whenever fans reach tiket over HTTPS, as they
    /// should in production.
    pub secure_cookie: bool,
    /// Password checks that may wait per lane; more are refused at once.
    pub sign_in_queue: usize,
    /// Accounts one client address may open in an hour, a fifth of them at once.
    pub sign_ups_per_client_per_hour: u32,
    /// Accounts opened per second in all, a hundred seconds' worth at once.
    pub sign_ups_per_second: u32,
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
            sign_in_queue: 32 * cores.saturating_sub(1).max(1),
            // A carrier's NAT can put many fans behind one address: 600 an
            // hour, 120 at once, lets a crowd sign up while one bot opens
            // at most one account every 6 seconds.
            sign_ups_per_client_per_hour: 600,
            // 100 a second is 360,000 an hour, more than any festival's
            // buyers; a flood fills at most ~45 KB of journal a second.
            sign_ups_per_second: 100,
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
    /// Too many password checks are waiting; nothing was checked.
    #[error("many fans are signing in right now; try again in {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
    /// Too many accounts opened, from this client or in all.
    #[error("too many accounts were opened just now; try again in {retry_after_secs} seconds")]
    TooManySignUps {
        retry_after_secs: u64,
        from_client: bool,
    },
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
    /// Signed in, but without the role this needs.
    #[error("this is for staff with the role {role}")]
    NotStaff { role: crate::domain::Role },
    /// An organiser who has not passed the second factor in this session.
    #[error("organisers confirm their sign-in with a one-time code first")]
    SecondFactorNeeded,
    #[error("that one-time code is not right")]
    WrongOneTimeCode,
}

impl From<QueueError> for AuthError {
    fn from(error: QueueError) -> Self {
        match error {
            QueueError::Busy => AuthError::Busy {
                retry_after_secs: BUSY_RETRY_SECS,
            },
            QueueError::Failed(detail) => AuthError::Hashing(detail),
        }
    }
}

/// A fresh session: the token to give the fan, when it ends, and the
/// device cookie that makes this browser a returning one.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub fan: FanName,
    pub token: String,
    pub expires_at: OffsetDateTime,
    pub device: String,
}

/// Who is signing up or in: the client's address (for the sign-up limits)
/// and the device cookie the browser sent, if any.
#[derive(Clone, Debug, Default)]
pub struct Visitor {
    pub client: Option<IpAddr>,
    pub device: Option<String>,
}

pub struct Auth {
    shop: Arc<Shop>,
    options: AuthOptions,
    passwords: PasswordQueue,
    /// Attempts per name, for browsers that are not returning for it.
    sign_in_attempts: DefaultKeyedRateLimiter<FanName>,
    /// Second-factor codes tried per name (apart from passwords).
    code_attempts: DefaultKeyedRateLimiter<FanName>,
    /// Attempts per returning browser.
    device_attempts: DefaultKeyedRateLimiter<DeviceId>,
    sign_ups_per_client: DefaultKeyedRateLimiter<IpAddr>,
    sign_ups: DefaultDirectRateLimiter,
    devices: OnceCell<DeviceCookies>,
    /// Checked against when a name has no account, so an unknown name takes
    /// as long to refuse as a wrong password.
    stand_in_hash: String,
}

/// `n` per `period`, `burst` at once (each at least 1).
fn quota(period: Duration, n: u32, burst: u32) -> Quota {
    let per = (period / n.max(1)).max(Duration::from_nanos(1));
    Quota::with_period(per)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN))
}

/// Whole seconds until `not_until` lets the next one through (at least 1).
fn seconds_until(not_until: NotUntil<governor::clock::QuantaInstant>) -> u64 {
    not_until
        .wait_time_from(governor::clock::DefaultClock::default().now())
        .as_secs()
        + 1
}

impl Auth {
    pub fn new(shop: Arc<Shop>, options: AuthOptions) -> Result<Self, AuthError> {
        let attempts = quota(options.sign_in_period, 1, options.sign_in_burst);
        let per_client = options.sign_ups_per_client_per_hour;
        let overall = options.sign_ups_per_second;
        Ok(Auth {
            shop,
            options,
            passwords: PasswordQueue::new(options.hash_workers, options.sign_in_queue),
            sign_in_attempts: RateLimiter::keyed(attempts),
            code_attempts: RateLimiter::keyed(attempts),
            device_attempts: RateLimiter::keyed(attempts),
            sign_ups_per_client: RateLimiter::keyed(quota(
                Duration::from_secs(3600),
                per_client,
                per_client / 5,
            )),
            sign_ups: RateLimiter::direct(quota(
                Duration::from_secs(1),
                overall,
                overall.saturating_mul(100),
            )),
            devices: OnceCell::new(),
            stand_in_hash: hash_password("a password no account has".into())?,
        })
    }

    /// Strangers' password checks waiting for a thread now.
    pub fn sign_ins_waiting(&self) -> usize {
        self.passwords.waiting(Lane::Others)
    }

    /// What a request tells about who is signing up or in.
    pub fn visitor(&self, headers: &HeaderMap, client: Option<IpAddr>) -> Visitor {
        let device = CookieJar::from_headers(headers)
            .get(&self.cookie_name(DEVICE_COOKIE))
            .map(|cookie| cookie.value().to_owned());
        Visitor { client, device }
    }

    /// Opens an account and signs its fan in.
    pub async fn register(
        &self,
        name: &str,
        password: &str,
        visitor: &Visitor,
    ) -> Result<SignedIn, AuthError> {
        let name = FanName::new(name)?;
        let password = Password::new(password, &name)?;
        self.shop.check_name_free(&name)?;
        self.count_sign_up(visitor.client)?;
        let password_hash = self
            .passwords
            .run(Lane::Others, move || {
                hash_password(password.as_str().to_owned())
            })
            .await??;
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
    pub async fn sign_in(
        &self,
        name: &str,
        password: &str,
        visitor: &Visitor,
    ) -> Result<SignedIn, AuthError> {
        let name = FanName::new(name)?;
        match Password::check_length(password) {
            Err(PasswordError::TooShort) => {} // cannot match, but answered like any wrong one
            other => other?,
        }
        let returning = match &visitor.device {
            Some(cookie) => self.devices().await?.check(cookie, name.as_str()),
            None => None,
        };
        let (allowed, lane) = match &returning {
            Some(device) => (self.device_attempts.check_key(device), Lane::Returning),
            None => (self.sign_in_attempts.check_key(&name), Lane::Others),
        };
        allowed.map_err(|not_until| AuthError::TooManyAttempts {
            retry_after_secs: seconds_until(not_until),
        })?;
        self.forget_old_attempts();
        let account = self.shop.account(&name);
        let hash = match &account {
            Some(account) => account.password_hash.clone(),
            None => self.stand_in_hash.clone(),
        };
        let typed = password.to_owned();
        let matches = self
            .passwords
            .run(lane, move || verify_password(&typed, &hash))
            .await?;
        if !(matches && account.is_some()) {
            return Err(AuthError::WrongCredentials);
        }
        self.open_session(name).await
    }

    /// Counts a sign-up against its client's and the overall limits.
    fn count_sign_up(&self, client: Option<IpAddr>) -> Result<(), AuthError> {
        let refused = |not_until, from_client| AuthError::TooManySignUps {
            retry_after_secs: seconds_until(not_until),
            from_client,
        };
        if let Some(client) = client {
            self.sign_ups_per_client
                .check_key(&client)
                .map_err(|not_until| refused(not_until, true))?;
        }
        self.sign_ups
            .check()
            .map_err(|not_until| refused(not_until, false))
    }

    /// Counts one second-factor code tried for `name`, held to the same
    /// limit as sign-ins but counted apart: 5 at once, then one per 12 s, so
    /// a six-digit code cannot be guessed.
    pub(crate) fn count_attempt(&self, name: &FanName) -> Result<(), AuthError> {
        self.forget_old_attempts();
        self.code_attempts
            .check_key(name)
            .map_err(|not_until| AuthError::TooManyAttempts {
                retry_after_secs: seconds_until(not_until),
            })
    }

    /// Keeps the limiters' memory bounded under a flood of names.
    fn forget_old_attempts(&self) {
        if self.sign_in_attempts.len() > 100_000 {
            self.sign_in_attempts.retain_recent();
        }
        if self.device_attempts.len() > 100_000 {
            self.device_attempts.retain_recent();
        }
        if self.code_attempts.len() > 100_000 {
            self.code_attempts.retain_recent();
        }
        if self.sign_ups_per_client.len() > 100_000 {
            self.sign_ups_per_client.retain_recent();
        }
    }

    /// The device cookies' signer, its key made and saved on first need.
    async fn devices(&self) -> Result<&DeviceCookies, AuthError> {
        self.devices
            .get_or_try_init(|| async {
                let saved = self
                    .shop
                    .secret(KEY_PURPOSE, DeviceCookies::new_key)
                    .await?;
                DeviceCookies::from_saved(&saved).ok_or_else(|| {
                    AuthError::Hashing("the device cookies' saved key is unreadable".into())
                })
            })
            .await
    }

    /// Ends the session a token opened.
    pub async fn sign_out(&self, token: &str) -> Result<(), AuthError> {
        match self.shop.close_session(&token_hash(token)).await? {
            true => Ok(()),
            false => Err(SessionError::Unknown.into()),
        }
    }

    /// The session token a request carries: `Authorization: Bearer <token>`
    /// first, else the session cookie (only the `__Host-` one when cookies
    /// are secure, so a neighbouring site cannot plant one).
    pub fn session_token(&self, headers: &HeaderMap) -> Result<String, AuthError> {
        session_token_named(headers, &self.cookie_name(SESSION_COOKIE))
    }

    /// Whether the request carries the session cookie (rather than a bearer
    /// token, or nothing).
    pub fn uses_session_cookie(&self, headers: &HeaderMap) -> bool {
        !headers.contains_key(header::AUTHORIZATION)
            && CookieJar::from_headers(headers)
                .get(&self.cookie_name(SESSION_COOKIE))
                .is_some()
    }

    /// The shop this signs into.
    pub fn shop(&self) -> &Arc<Shop> {
        &self.shop
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

    /// The cookie that makes this browser a returning one for the fan.
    pub fn device_cookie(&self, signed_in: &SignedIn) -> Cookie<'static> {
        let mut cookie = self.named_cookie(DEVICE_COOKIE, signed_in.device.clone());
        cookie.set_max_age(DEVICE_LIFETIME);
        cookie
    }

    fn cookie(&self, value: String) -> Cookie<'static> {
        self.named_cookie(SESSION_COOKIE, value)
    }

    fn named_cookie(&self, name: &str, value: String) -> Cookie<'static> {
        Cookie::build((self.cookie_name(name), value))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.options.secure_cookie)
            .path("/")
            .build()
    }

    /// A cookie's name: `__Host-`-prefixed when cookies are secure.
    fn cookie_name(&self, name: &str) -> String {
        match self.options.secure_cookie {
            true => format!("__Host-{name}"),
            false => name.to_owned(),
        }
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
                second_factor: false,
            })
            .await?;
        let device = self.devices().await?.issue(fan.as_str());
        Ok(SignedIn {
            fan,
            token,
            expires_at,
            device,
        })
    }
}

/// The session token in `headers`: the bearer token, else the cookie `cookie`.
fn session_token_named(headers: &HeaderMap, cookie: &str) -> Result<String, AuthError> {
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
        .get(cookie)
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
pub fn hash_password(password: String) -> Result<String, AuthError> {
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
        let signed_in = auth
            .register("okayu", "onigiri-forever-22", &Visitor::default())
            .await
            .unwrap();
        assert_eq!(signed_in.expires_at, clock.now() + time::Duration::days(30));
        clock.advance(time::Duration::days(30) - time::Duration::SECOND);
        assert_eq!(auth.fan_of(&signed_in.token).unwrap().as_str(), "okayu");
        clock.advance(time::Duration::SECOND);
        assert!(matches!(
            auth.fan_of(&signed_in.token),
            Err(AuthError::Session(SessionError::Expired))
        ));
    }

    /// With secure cookies, both cookies are `__Host-` prefixed (Secure,
    /// Path=/, no Domain), and only the prefixed session cookie is read.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn secure_cookies_are_host_prefixed() {
        let dir = tempfile::tempdir().unwrap();
        let store = JsonStore::open(dir.path()).unwrap();
        let shop =
            Arc::new(Shop::open(store, Festival::reference, ShopOptions::default()).unwrap());
        let options = AuthOptions {
            secure_cookie: true,
            ..AuthOptions::default()
        };
        let auth = Auth::new(shop, options).unwrap();
        let signed_in = auth
            .register("okayu", "onigiri-forever-22", &Visitor::default())
            .await
            .unwrap();
        for cookie in [
            auth.session_cookie(&signed_in),
            auth.device_cookie(&signed_in),
        ] {
            let text = cookie.to_string();
            assert!(cookie.name().starts_with("__Host-tiket_"), "{text}");
            assert!(text.contains("Secure") && text.contains("Path=/"), "{text}");
            assert!(!text.contains("Domain"), "{text}");
        }
        let mut headers = HeaderMap::new();
        let plain = format!("tiket_session={}", signed_in.token);
        headers.insert(header::COOKIE, plain.parse().unwrap());
        assert!(
            auth.session_token(&headers).is_err(),
            "an unprefixed cookie is ignored"
        );
        let prefixed = format!("__Host-tiket_session={}", signed_in.token);
        headers.insert(header::COOKIE, prefixed.parse().unwrap());
        assert_eq!(auth.session_token(&headers).unwrap(), signed_in.token);
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
            session_token_named(&headers(&[(header::COOKIE, cookie)]), SESSION_COOKIE).unwrap(),
            "from-cookie"
        );
        let both = headers(&[
            (header::AUTHORIZATION, "bearer from-header"),
            (header::COOKIE, cookie),
        ]);
        assert_eq!(
            session_token_named(&both, SESSION_COOKIE).unwrap(),
            "from-header"
        );
        for bad in ["Basic abc", "Bearer", "Bearer ", "token"] {
            assert!(matches!(
                session_token_named(&headers(&[(header::AUTHORIZATION, bad)]), SESSION_COOKIE),
                Err(AuthError::BadAuthorization)
            ));
        }
        assert!(matches!(
            session_token_named(&HeaderMap::new(), SESSION_COOKIE),
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
