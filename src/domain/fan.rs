//! Fans: the name a fan buys under. Tickets belong to a fan by this name.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A fan's user name: 1 to [`FanName::MAX_CHARS`] characters, no control
/// characters, no space at either end. Compared exactly (case matters). A
/// new name meets a stricter rule too, and may not look like a taken one
/// ([`look_alike`](super::look_alike)); a saved name is read by this one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FanName(String);

/// Why a string is not a usable fan name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FanNameError {
    #[error("the user name is empty")]
    Empty,
    #[error("the user name is longer than {max} characters", max = FanName::MAX_CHARS)]
    TooLong,
    #[error("the user name contains a control character")]
    ControlCharacter,
    #[error("the user name starts or ends with a space")]
    SurroundingSpace,
    /// Refused in new names only ([`check_new_name`](super::look_alike::check_new_name)).
    #[error("the user name contains an invisible character (such as a zero-width space, a soft hyphen or a text-direction mark)")]
    Invisible,
    /// Refused in new names only.
    #[error("the user name has nothing visible in it")]
    NothingVisible,
}

impl FanName {
    pub const MAX_CHARS: usize = 32;

    pub fn new(name: impl Into<String>) -> Result<Self, FanNameError> {
        let name = name.into();
        if name.is_empty() {
            return Err(FanNameError::Empty);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(FanNameError::TooLong);
        }
        if !name.chars().all(Self::allows) {
            return Err(FanNameError::ControlCharacter);
        }
        let ends = [name.chars().next(), name.chars().next_back()];
        if !ends.into_iter().flatten().all(Self::allows_at_either_end) {
            return Err(FanNameError::SurroundingSpace);
        }
        Ok(FanName(name))
    }

    /// Whether a name may hold `c` at all: any character but a control
    /// character. (The JSON API's schema is built from this and the next.)
    pub fn allows(c: char) -> bool {
        !c.is_control()
    }

    /// Whether a name may start or end with `c`: not a space of any kind.
    pub fn allows_at_either_end(c: char) -> bool {
        Self::allows(c) && !c.is_whitespace()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FanName {
    type Error = FanNameError;
    fn try_from(name: String) -> Result<Self, Self::Error> {
        FanName::new(name)
    }
}

impl From<FanName> for String {
    fn from(name: FanName) -> String {
        name.0
    }
}

impl fmt::Display for FanName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names_including_punctuation_and_kana() {
        for name in ["jovan", "Pekora_Fan-01", "ぺこらファン", ",\"", "a b"] {
            assert_eq!(FanName::new(name).unwrap().as_str(), name);
        }
        assert!(FanName::new("x".repeat(FanName::MAX_CHARS)).is_ok());
    }

    #[test]
    fn refuses_empty_long_controlled_and_padded_names() {
        assert_eq!(FanName::new(""), Err(FanNameError::Empty));
        assert_eq!(
            FanName::new("x".repeat(FanName::MAX_CHARS + 1)),
            Err(FanNameError::TooLong)
        );
        assert_eq!(FanName::new("a\nb"), Err(FanNameError::ControlCharacter));
        assert_eq!(FanName::new("a\u{7f}"), Err(FanNameError::ControlCharacter));
        assert_eq!(FanName::new(" a"), Err(FanNameError::SurroundingSpace));
        assert_eq!(FanName::new("a "), Err(FanNameError::SurroundingSpace));
    }

    #[test]
    fn deserialising_checks_the_name_too() {
        assert!(serde_json::from_str::<FanName>(r#""ok""#).is_ok());
        let err = serde_json::from_str::<FanName>(r#""a\u0000""#).unwrap_err();
        assert!(err.to_string().contains("control character"), "{err}");
    }
}
