//! Prices. Tickets are sold in whole Japanese yen, so a price is an integer.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of Japanese yen (the yen has no minor unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Yen(pub u64);

impl Yen {
    /// The price of `quantity` items at this unit price, or `None` on overflow.
    pub fn times(self, quantity: u32) -> Option<Yen> {
        self.0.checked_mul(u64::from(quantity)).map(Yen)
    }
}

/// Formats as fans read prices in Japan: `¥7,950`.
impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "¥{grouped}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_yen_sign_and_thousands_separators() {
        assert_eq!(Yen(0).to_string(), "¥0");
        assert_eq!(Yen(950).to_string(), "¥950");
        assert_eq!(Yen(7_950).to_string(), "¥7,950");
        assert_eq!(Yen(31_800).to_string(), "¥31,800");
        assert_eq!(Yen(1_000_000).to_string(), "¥1,000,000");
    }

    #[test]
    fn multiplies_without_overflowing() {
        assert_eq!(Yen(7_950).times(4), Some(Yen(31_800)));
        assert_eq!(Yen(u64::MAX).times(2), None);
    }
}
