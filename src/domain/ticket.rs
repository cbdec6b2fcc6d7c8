//! Tickets: one seat at one stage, owned by one fan, with a short code the
//! fan can read out at the gate.

use super::{FanName, StageId, Yen};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;
use uuid::Uuid;

/// A ticket's unique id: a random (version 4) UUID, as in the system tiket replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketId(pub Uuid);

impl TicketId {
    pub fn random(rng: &mut impl Rng) -> Self {
        TicketId(uuid::Builder::from_random_bytes(rng.random()).into_uuid())
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A short code fans can read out or type: eight characters from an alphabet
/// without look-alikes (no 0/O, no 1/I/L), shown as `K7QX-M2PA`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketCode([u8; TicketCode::LEN]);

/// Why a string is not a ticket code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a ticket code (eight letters and digits, like K7QX-M2PA)")]
pub struct TicketCodeError(String);

impl TicketCode {
    pub const LEN: usize = 8;
    /// 31 symbols: digits 2–9 and capital letters except I, L and O.
    pub const ALPHABET: &'static [u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    pub fn random(rng: &mut impl Rng) -> Self {
        let mut code = [0u8; Self::LEN];
        for symbol in &mut code {
            *symbol = Self::ALPHABET[rng.random_range(0..Self::ALPHABET.len())];
        }
        TicketCode(code)
    }
}

impl FromStr for TicketCode {
    type Err = TicketCodeError;
    /// Accepts the code with or without its dash, in either case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let symbols: Vec<u8> = text
            .bytes()
            .filter(|b| *b != b'-')
            .map(|b| b.to_ascii_uppercase())
            .collect();
        let code: [u8; Self::LEN] = symbols
            .try_into()
            .map_err(|_| TicketCodeError(text.into()))?;
        if code.iter().all(|b| Self::ALPHABET.contains(b)) {
            Ok(TicketCode(code))
        } else {
            Err(TicketCodeError(text.into()))
        }
    }
}

impl TryFrom<String> for TicketCode {
    type Error = TicketCodeError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<TicketCode> for String {
    fn from(code: TicketCode) -> String {
        code.to_string()
    }
}

impl fmt::Display for TicketCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (first, second) = self.0.split_at(Self::LEN / 2);
        // The symbols are ASCII by construction.
        let text = |half: &[u8]| half.iter().map(|&b| char::from(b)).collect::<String>();
        write!(f, "{}-{}", text(first), text(second))
    }
}

/// One sold ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    pub stage: StageId,
    pub owner: FanName,
    #[serde(with = "time::serde::rfc3339")]
    pub bought_at: OffsetDateTime,
    pub code: TicketCode,
    /// What the fan paid, saved with the sale, so a later price change never
    /// touches it. Sales saved before this field take their stage's price
    /// of the day when read back ([`Inventory::restore`](super::Inventory::restore)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Yen>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn codes_use_only_the_unambiguous_alphabet() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..1_000 {
            let text = TicketCode::random(&mut rng).to_string();
            assert_eq!(text.len(), 9);
            assert_eq!(&text[4..5], "-");
            assert!(
                !text.contains(['0', 'O', '1', 'I', 'L']),
                "confusable symbol in {text}"
            );
        }
    }

    #[test]
    fn codes_read_back_with_or_without_dash_in_any_case() {
        let code = TicketCode::random(&mut StdRng::seed_from_u64(1));
        let text = code.to_string();
        assert_eq!(text.parse::<TicketCode>().unwrap(), code);
        assert_eq!(
            text.replace('-', "").to_lowercase().parse::<TicketCode>(),
            Ok(code)
        );
        for bad in ["", "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "ABCD-EFGI"] {
            assert!(bad.parse::<TicketCode>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn ids_are_version_4_uuids() {
        let id = TicketId::random(&mut StdRng::seed_from_u64(3));
        assert_eq!(id.0.get_version_num(), 4);
    }

    #[test]
    fn a_ticket_round_trips_through_json() {
        let mut rng = StdRng::seed_from_u64(9);
        let ticket = Ticket {
            id: TicketId::random(&mut rng),
            stage: StageId(2),
            owner: FanName::new("jovan").unwrap(),
            bought_at: time::macros::datetime!(2026-11-25 09:00 UTC),
            code: TicketCode::random(&mut rng),
            price: Some(Yen(7_950)),
        };
        let json = serde_json::to_string(&ticket).unwrap();
        assert_eq!(serde_json::from_str::<Ticket>(&json).unwrap(), ticket);
    }
}
