//! Signed tickets: what a ticket's QR code carries, so that a door checks it
//! with the festival's public key alone, without the network.
//!
//! A pass is 87 bytes — a version byte, the ticket's id (16), the
//! festival's number (2), the stage's id (4) and an Ed25519 signature (64)
//! over the first 23 — written in base32 without padding (140 characters of
//! `A–Z2–7`, all in QR codes' compact alphanumeric mode). Each festival has
//! its own key pair ([`DoorKey`]); the private half stays on the server, the
//! public half ([`DoorPublicKey`]) goes to door staff. Ed25519 signatures
//! are deterministic, so a pass is made again from the ticket whenever it is
//! shown and never needs saving.

use super::{StageId, TicketId};
use data_encoding::BASE32_NOPAD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// The version byte passes begin with today.
pub const PASS_VERSION: u8 = 1;
const SIGNED_LEN: usize = 1 + 16 + 2 + 4;
const PASS_LEN: usize = SIGNED_LEN + 64;
/// Characters of a pass as written (`PASS_LEN` bytes in base32, no padding).
pub const PASS_CHARS: usize = (PASS_LEN * 8).div_ceil(5);

/// How a pass is made, in words, for scanners that check passes themselves.
pub const PASS_FORMAT: &str = "base32 (RFC 4648, no padding) of 87 bytes: version 1, ticket id (16, UUID), festival number (2, big-endian), stage id (4, big-endian), Ed25519 signature (64) over the first 23";

/// What a pass says: this ticket, of this festival, for this stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PassClaims {
    pub ticket: TicketId,
    /// The festival's number: its place in the catalogue, which never changes
    /// (festivals are added, never removed).
    pub festival: u16,
    pub stage: StageId,
}

impl PassClaims {
    fn signed_bytes(&self) -> [u8; SIGNED_LEN] {
        let mut bytes = [0u8; SIGNED_LEN];
        bytes[0] = PASS_VERSION;
        bytes[1..17].copy_from_slice(self.ticket.0.as_bytes());
        bytes[17..19].copy_from_slice(&self.festival.to_be_bytes());
        bytes[19..23].copy_from_slice(&self.stage.0.to_be_bytes());
        bytes
    }
}

/// Why a text is not a pass this door can admit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PassError {
    /// Not a pass at all (wrong length or characters).
    #[error("this is not a signed ticket")]
    NotAPass,
    /// A pass of a version this door does not know.
    #[error("this ticket was signed in a format this door does not know")]
    UnknownVersion,
    /// The signature does not match: changed, made up, or another
    /// festival's.
    #[error("this ticket's signature is not valid")]
    Forged,
}

/// A pass as read, before its signature is checked: only
/// [`DoorPublicKey::verify`] says whether its claims are true.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UncheckedPass {
    claims: PassClaims,
    bytes: [u8; PASS_LEN],
}

impl UncheckedPass {
    /// The festival it claims to be of, to pick the key that checks it.
    pub fn festival(&self) -> u16 {
        self.claims.festival
    }
}

impl FromStr for UncheckedPass {
    type Err = PassError;
    /// Reads a pass as written, in either case, spaces and line breaks
    /// ignored (a scanner that types may add them).
    fn from_str(text: &str) -> Result<Self, PassError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if cleaned.len() != PASS_CHARS {
            return Err(PassError::NotAPass);
        }
        let decoded = BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .map_err(|_| PassError::NotAPass)?;
        let bytes: [u8; PASS_LEN] = decoded.try_into().map_err(|_| PassError::NotAPass)?;
        if bytes[0] != PASS_VERSION {
            return Err(PassError::UnknownVersion);
        }
        let id: [u8; 16] = bytes[1..17].try_into().map_err(|_| PassError::NotAPass)?;
        let festival = u16::from_be_bytes([bytes[17], bytes[18]]);
        let stage = u32::from_be_bytes([bytes[19], bytes[20], bytes[21], bytes[22]]);
        Ok(UncheckedPass {
            claims: PassClaims {
                ticket: TicketId(Uuid::from_bytes(id)),
                festival,
                stage: StageId(stage),
            },
            bytes,
        })
    }
}

/// A festival's private signing key. Never shown; kept as a secret record.
#[derive(Clone)]
pub struct DoorKey(SigningKey);

impl fmt::Debug for DoorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DoorKey(…)")
    }
}

impl DoorKey {
    /// The key made from 32 random bytes (the caller's randomness).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        DoorKey(SigningKey::from_bytes(&seed))
    }

    /// The key as its secret record keeps it (base32).
    pub fn to_secret(&self) -> String {
        BASE32_NOPAD.encode(self.0.as_bytes())
    }

    /// The key back from [`DoorKey::to_secret`].
    pub fn from_secret(text: &str) -> Option<Self> {
        let bytes = BASE32_NOPAD.decode(text.as_bytes()).ok()?;
        Some(DoorKey::from_seed(bytes.try_into().ok()?))
    }

    pub fn public(&self) -> DoorPublicKey {
        DoorPublicKey(self.0.verifying_key())
    }

    /// The ticket's pass, as its QR code carries it.
    pub fn sign(&self, claims: PassClaims) -> String {
        let signed = claims.signed_bytes();
        let signature = self.0.sign(&signed);
        let mut bytes = [0u8; PASS_LEN];
        bytes[..SIGNED_LEN].copy_from_slice(&signed);
        bytes[SIGNED_LEN..].copy_from_slice(&signature.to_bytes());
        BASE32_NOPAD.encode(&bytes)
    }
}

/// A festival's public key: checks passes, signs nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DoorPublicKey(VerifyingKey);

impl DoorPublicKey {
    /// The claims of a pass signed with this key's private half.
    pub fn verify(&self, pass: &UncheckedPass) -> Result<PassClaims, PassError> {
        let signature =
            Signature::from_slice(&pass.bytes[SIGNED_LEN..]).map_err(|_| PassError::Forged)?;
        self.0
            .verify_strict(&pass.bytes[..SIGNED_LEN], &signature)
            .map_err(|_| PassError::Forged)?;
        Ok(pass.claims)
    }
}

impl fmt::Display for DoorPublicKey {
    /// 52 characters of base32.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&BASE32_NOPAD.encode(self.0.as_bytes()))
    }
}

impl FromStr for DoorPublicKey {
    type Err = PassError;
    fn from_str(text: &str) -> Result<Self, PassError> {
        let bytes = BASE32_NOPAD
            .decode(text.trim().as_bytes())
            .map_err(|_| PassError::NotAPass)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| PassError::NotAPass)?;
        VerifyingKey::from_bytes(&bytes)
            .map(DoorPublicKey)
            .map_err(|_| PassError::NotAPass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, Rng, SeedableRng};

    fn key(seed: u64) -> DoorKey {
        DoorKey::from_seed(StdRng::seed_from_u64(seed).random())
    }

    fn claims() -> PassClaims {
        PassClaims {
            ticket: TicketId::random(&mut StdRng::seed_from_u64(5)),
            festival: 3,
            stage: StageId(12),
        }
    }

    #[test]
    fn a_signed_pass_reads_back_as_what_was_signed() {
        let key = key(1);
        let pass = key.sign(claims());
        assert_eq!(pass.len(), PASS_CHARS);
        assert_eq!(PASS_CHARS, 140);
        assert!(pass
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        let read: UncheckedPass = pass.parse().unwrap();
        assert_eq!(read.festival(), 3);
        assert_eq!(key.public().verify(&read), Ok(claims()));
        // Lower case and line breaks, as some scanners type them.
        let typed = format!("{}\n{}", &pass[..70].to_lowercase(), &pass[70..]);
        assert_eq!(key.public().verify(&typed.parse().unwrap()), Ok(claims()));
    }

    #[test]
    fn changing_any_byte_is_refused() {
        let key = key(2);
        let pass = key.sign(claims());
        let bytes = BASE32_NOPAD.decode(pass.as_bytes()).unwrap();
        for at in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[at] ^= 0x01;
            let text = BASE32_NOPAD.encode(&changed);
            let outcome = text
                .parse::<UncheckedPass>()
                .and_then(|read| key.public().verify(&read));
            assert!(outcome.is_err(), "byte {at} changed and still accepted");
        }
    }

    #[test]
    fn another_festivals_key_does_not_accept_it() {
        let pass = key(3).sign(claims());
        let read = pass.parse().unwrap();
        assert_eq!(key(4).public().verify(&read), Err(PassError::Forged));
    }

    #[test]
    fn short_codes_and_junk_are_not_passes() {
        for text in [
            "",
            "K7QX-M2PA",
            "TIKET:K7QX-M2PA",
            "https://example.com",
            &"A".repeat(139),
        ] {
            assert_eq!(
                text.parse::<UncheckedPass>(),
                Err(PassError::NotAPass),
                "{text:?}"
            );
        }
        let mut bytes = BASE32_NOPAD
            .decode(key(5).sign(claims()).as_bytes())
            .unwrap();
        bytes[0] = 2;
        assert_eq!(
            BASE32_NOPAD.encode(&bytes).parse::<UncheckedPass>(),
            Err(PassError::UnknownVersion)
        );
    }

    #[test]
    fn keys_round_trip_through_their_text() {
        let key = key(6);
        let again = DoorKey::from_secret(&key.to_secret()).unwrap();
        assert_eq!(again.public(), key.public());
        let public: DoorPublicKey = key.public().to_string().parse().unwrap();
        assert_eq!(public, key.public());
        assert!(DoorKey::from_secret("not base32!").is_none());
        assert!("AAAA".parse::<DoorPublicKey>().is_err());
    }
}
