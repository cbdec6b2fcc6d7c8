//! Device cookies (OWASP's defence against password guessing that does not
//! lock real fans out): after a fan signs in, their browser gets a cookie
//! naming them, signed with the server's key. A sign-in for that name from
//! a browser holding it is a *returning* sign-in: it is limited per device,
//! not by the name's shared limit that anyone can exhaust, and its password
//! check is queued ahead of strangers' (see `password_queue`).
//!
//! The cookie is `<name>.<nonce>.<signature>` (URL-safe base64 each), the
//! signature HMAC-SHA256 over the name and the nonce under a key kept as a
//! journal record, so a restart or another instance honours it. It proves
//! only "this browser signed in as this name before"; it signs no one in.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The cookie's name, before any `__Host-` prefix.
pub const DEVICE_COOKIE: &str = "tiket_device";

/// How long a browser stays a returning one without signing in again.
pub const DEVICE_LIFETIME: time::Duration = time::Duration::days(180);

/// The journal's name for the signing key.
pub const KEY_PURPOSE: &str = "device-cookie";

/// One browser that signed in as a fan: its nonce names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DeviceId(String);

/// Signs and checks device cookies with one key.
#[derive(Clone)]
pub struct DeviceCookies {
    key: Vec<u8>,
}

impl DeviceCookies {
    pub fn new(key: Vec<u8>) -> Self {
        DeviceCookies { key }
    }

    /// A new key, as the journal keeps it (256 random bits, base64).
    pub fn new_key() -> String {
        BASE64.encode(rand::random::<[u8; 32]>())
    }

    /// Reads a key as [`new_key`](Self::new_key) wrote it.
    pub fn from_saved(saved: &str) -> Option<Self> {
        BASE64
            .decode(saved)
            .ok()
            .filter(|key| key.len() >= 32)
            .map(Self::new)
    }

    /// A fresh cookie value for a browser that just signed in as `fan`.
    pub fn issue(&self, fan: &str) -> String {
        let nonce = BASE64.encode(rand::random::<[u8; 16]>());
        let name = BASE64.encode(fan);
        let signature = BASE64.encode(self.mac(&name, &nonce).finalize().into_bytes());
        format!("{name}.{nonce}.{signature}")
    }

    /// The device a cookie names, if it is genuine and was issued for `fan`.
    pub fn check(&self, value: &str, fan: &str) -> Option<DeviceId> {
        let mut parts = value.split('.');
        let (name, nonce, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || BASE64.decode(name).ok()? != fan.as_bytes() {
            return None;
        }
        let signature = BASE64.decode(signature).ok()?;
        self.mac(name, nonce).verify_slice(&signature).ok()?;
        Some(DeviceId(nonce.to_owned()))
    }

    fn mac(&self, name: &str, nonce: &str) -> Hmac<Sha256> {
        // HMAC takes a key of any length; this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(b"tiket device\0");
        mac.update(name.as_bytes());
        mac.update(b"\0");
        mac.update(nonce.as_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookies() -> DeviceCookies {
        DeviceCookies::from_saved(&DeviceCookies::new_key()).unwrap()
    }

    #[test]
    fn a_cookie_vouches_only_for_its_own_name_and_key() {
        let (ours, theirs) = (cookies(), cookies());
        let cookie = ours.issue("pekora");
        assert!(ours.check(&cookie, "pekora").is_some());
        assert!(ours.check(&cookie, "miko").is_none(), "another name");
        assert!(theirs.check(&cookie, "pekora").is_none(), "another key");
        assert_ne!(ours.issue("pekora"), cookie, "each browser its own nonce");
    }

    #[test]
    fn a_tampered_or_malformed_cookie_is_nothing() {
        let ours = cookies();
        let cookie = ours.issue("pekora");
        let mut tampered = cookie.clone().into_bytes();
        let at = cookie.find('.').unwrap() + 2;
        tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        for bad in [&tampered[..], "", "a.b", "a.b.c.d", "...", "pekora"] {
            assert!(ours.check(bad, "pekora").is_none(), "{bad:?}");
        }
        assert!(DeviceCookies::from_saved("short").is_none());
    }
}
