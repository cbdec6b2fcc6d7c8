//! Staff access and the organisers' second factor.
//!
//! - [`Auth::staff`]: the one check every organiser and door page, server
//!   function and API route makes — a valid session, the role (an organiser
//!   may also work a door), and for organisers a second factor passed in
//!   this session;
//! - [`SecondFactorSetup`]: a new TOTP secret (RFC 6238: SHA-1, six digits,
//!   30 seconds, by `totp-rs`) with its `otpauth://` address and QR code;
//! - [`Auth::set_up_second_factor`] and [`Auth::pass_second_factor`]: a
//!   code checked, then the factor and the session's pass saved as records.
//!
//! Recovery codes (ten, each used once) are kept only as SHA-256 hashes.
//! Codes tried are limited per name like sign-ins (5 at once, then one per
//! 12 s), so guessing a six-digit code is hopeless.

use super::auth::{token_hash, Auth, AuthError};
use crate::domain::{FanName, Role, SecondFactor};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use time::OffsetDateTime;
use totp_rs::{Algorithm, Secret, TOTP};

/// A staff member a request comes from, with the roles they have.
#[derive(Clone, Debug)]
pub struct StaffCaller {
    pub name: FanName,
    pub roles: BTreeSet<Role>,
    /// The session token the request carried.
    pub token: String,
}

/// How many recovery codes an organiser gets.
pub const RECOVERY_CODES: usize = 10;

/// A second factor being set up: shown to the organiser until a code from
/// their app confirms it.
#[derive(Clone, Debug)]
pub struct SecondFactorSetup {
    /// The secret in base32, as authenticator apps take it typed.
    pub secret: String,
    /// `otpauth://totp/…`, what the QR code holds.
    pub url: String,
    /// The QR code as an SVG image.
    pub qr_svg: String,
}

fn totp(secret_base32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    // One step of skew either side: a phone's clock 30 s off still works.
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).ok()
}

/// Whether `code` is the secret's code at `now` (or a step either side).
pub fn code_matches(secret_base32: &str, code: &str, now: OffsetDateTime) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let Ok(seconds) = u64::try_from(now.unix_timestamp()) else {
        return false;
    };
    totp(secret_base32).is_some_and(|totp| totp.check(&code, seconds))
}

/// The code an authenticator app shows for this secret at `now` (for
/// tests and `tiket staff` scripts that sign in as an organiser).
pub fn current_code(secret_base32: &str, now: OffsetDateTime) -> Option<String> {
    let seconds = u64::try_from(now.unix_timestamp()).ok()?;
    Some(totp(secret_base32)?.generate(seconds))
}

/// A recovery code's hash, ignoring case, spaces and dashes.
pub fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    format!("{:x}", Sha256::digest(normal.as_bytes()))
}

impl SecondFactorSetup {
    /// A fresh secret for `name`.
    pub fn new(name: &FanName) -> Self {
        let bytes: [u8; 20] = rand::rng().random();
        let secret = match Secret::Raw(bytes.to_vec()).to_encoded() {
            Secret::Encoded(text) => text,
            Secret::Raw(_) => String::new(),
        };
        Self::for_secret(name, secret)
    }

    /// The setup of a secret already made (a form sent it back).
    pub fn for_secret(name: &FanName, secret: String) -> Self {
        use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
        let label =
            utf8_percent_encode(&format!("tiket:{}", name.as_str()), NON_ALPHANUMERIC).to_string();
        let url = format!(
            "otpauth://totp/{label}?secret={secret}&issuer=tiket&algorithm=SHA1&digits=6&period=30"
        );
        let qr_svg =
            qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
                .map(|code| {
                    code.render::<qrcode::render::svg::Color<'_>>()
                        .min_dimensions(200, 200)
                        .build()
                })
                .unwrap_or_default();
        SecondFactorSetup {
            secret,
            url,
            qr_svg,
        }
    }
}

/// Ten fresh recovery codes (`xxxx-xxxx-xxxx`), to show once.
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: String = (0..12)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect();
            format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
        })
        .collect()
}

impl Auth {
    /// The staff member behind `token`, if they may act as `role`: an
    /// organiser may also act as door staff; an organiser's session must
    /// have passed the second factor. Refuses everyone else (403), and
    /// signed-out requests (401).
    pub fn staff(&self, token: &str, role: Role) -> Result<StaffCaller, AuthError> {
        let shop = self.shop();
        let session = shop.session(&token_hash(token), shop.now())?;
        let roles = shop.roles_of(&session.fan);
        let organiser = roles.contains(&Role::Organiser);
        let allowed = match role {
            Role::Organiser => organiser,
            Role::Door => organiser || roles.contains(&Role::Door),
        };
        if !allowed {
            return Err(AuthError::NotStaff { role });
        }
        if organiser && !session.second_factor {
            return Err(AuthError::SecondFactorNeeded);
        }
        Ok(StaffCaller {
            name: session.fan,
            roles,
            token: token.to_owned(),
        })
    }

    /// The organiser behind `token` before the second factor: their name,
    /// whether their factor is set up, and whether this session passed it.
    pub fn organiser_signing_in(&self, token: &str) -> Result<(FanName, bool, bool), AuthError> {
        let shop = self.shop();
        let session = shop.session(&token_hash(token), shop.now())?;
        if !shop.roles_of(&session.fan).contains(&Role::Organiser) {
            return Err(AuthError::NotStaff {
                role: Role::Organiser,
            });
        }
        let set_up = shop.second_factor(&session.fan).is_some();
        Ok((session.fan, set_up, session.second_factor))
    }

    /// Sets up the second factor of the organiser behind `token` with the
    /// `secret` they were shown, if `code` is its current code; the session
    /// passes it at once. Answers the recovery codes, to show once.
    pub async fn set_up_second_factor(
        &self,
        token: &str,
        secret: &str,
        code: &str,
    ) -> Result<Vec<String>, AuthError> {
        let (name, set_up, _) = self.organiser_signing_in(token)?;
        if set_up {
            // Replacing a factor needs the old one: not through this door.
            return Err(AuthError::SecondFactorNeeded);
        }
        self.count_attempt(&name)?;
        let shop = self.shop();
        if !code_matches(secret, code, shop.now()) {
            return Err(AuthError::WrongOneTimeCode);
        }
        let codes = new_recovery_codes();
        let factor = SecondFactor {
            secret: secret.to_owned(),
            recovery_hashes: codes.iter().map(|code| recovery_hash(code)).collect(),
        };
        shop.set_second_factor(&name, Some(factor)).await?;
        shop.pass_second_factor(&token_hash(token)).await?;
        Ok(codes)
    }

    /// Passes the second factor for the session behind `token` with the
    /// app's current code or one unused recovery code.
    pub async fn pass_second_factor(&self, token: &str, code: &str) -> Result<(), AuthError> {
        let (name, _, _) = self.organiser_signing_in(token)?;
        self.count_attempt(&name)?;
        let shop = self.shop();
        let factor = shop
            .second_factor(&name)
            .ok_or(AuthError::SecondFactorNeeded)?;
        let by_app = code_matches(&factor.secret, code, shop.now());
        if !by_app && !shop.use_recovery_code(&name, &recovery_hash(code)).await? {
            return Err(AuthError::WrongOneTimeCode);
        }
        shop.pass_second_factor(&token_hash(token)).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_code_from_the_secret_matches_now_and_a_step_either_side_only() {
        let setup = SecondFactorSetup::new(&FanName::new("a-chan").unwrap());
        assert!(setup
            .url
            .starts_with("otpauth://totp/tiket%3Aa%2Dchan?secret="));
        assert!(setup.qr_svg.contains("<svg"));
        let now = datetime!(2026-11-30 12:00:10 UTC);
        let code = current_code(&setup.secret, now).unwrap();
        assert!(code_matches(&setup.secret, &code, now));
        assert!(code_matches(
            &setup.secret,
            &code,
            now + time::Duration::seconds(30)
        ));
        assert!(!code_matches(
            &setup.secret,
            &code,
            now + time::Duration::minutes(5)
        ));
        assert!(!code_matches(&setup.secret, "000000x", now));
    }

    #[test]
    fn recovery_codes_are_hashed_ignoring_case_and_dashes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(
            recovery_hash(code),
            recovery_hash(&code.to_uppercase().replace('-', " "))
        );
        assert_ne!(recovery_hash(&codes[0]), recovery_hash(&codes[1]));
    }
}
