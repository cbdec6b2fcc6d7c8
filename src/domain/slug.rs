//! A festival's slug: its name in addresses (`/f/hololive-5th-fes`), and the
//! time zone its times are given in.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 1 to [`Slug::MAX_CHARS`] lower-case letters, digits and single hyphens,
/// starting and ending with a letter or digit: `hololive-5th-fes`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Why a string is not a slug.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a usable address name: use 1 to 40 lower-case letters, digits and single hyphens (like hololive-5th-fes)")]
pub struct SlugError(pub String);

impl Slug {
    pub const MAX_CHARS: usize = 40;

    pub fn new(text: impl Into<String>) -> Result<Self, SlugError> {
        let text = text.into();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
        let ok = !text.is_empty()
            && text.len() <= Self::MAX_CHARS
            && text.chars().all(|c| allowed(c) || c == '-')
            && text.starts_with(allowed)
            && text.ends_with(allowed)
            && !text.contains("--");
        match ok {
            true => Ok(Slug(text)),
            false => Err(SlugError(text)),
        }
    }

    /// A slug made from a festival's name: its ASCII letters and digits in
    /// lower case, other runs of characters as one hyphen (`hololive 5th
    /// fes.` → `hololive-5th-fes`); `festival` when nothing is left.
    pub fn from_name(name: &str) -> Slug {
        let mut text = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                text.push(c.to_ascii_lowercase());
            } else if !text.is_empty() && !text.ends_with('-') {
                text.push('-');
            }
        }
        text.truncate(Self::MAX_CHARS);
        let text = text.trim_end_matches('-');
        Slug::new(text).unwrap_or_else(|_| Slug("festival".into()))
    }

    /// The reference festival's slug.
    pub fn reference() -> Slug {
        Slug("hololive-5th-fes".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Slug::new(text)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An IANA time zone's name (`Asia/Tokyo`, `Asia/Jakarta`): where the
/// festival happens, so its times are read and written there. Whether the
/// zone exists is asked of the time-zone database on the server
/// (`when::zone`); the domain keeps the name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TimeZoneName(pub String);

impl TimeZoneName {
    pub fn tokyo() -> TimeZoneName {
        TimeZoneName("Asia/Tokyo".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lower_case_words_joined_by_single_hyphens() {
        for good in ["a", "hololive-5th-fes", "2027", "x-1"] {
            assert!(Slug::new(good).is_ok(), "{good:?} refused");
        }
        assert_eq!(
            Slug::from_name("hololive 5th fes. Capture the Moment").as_str(),
            "hololive-5th-fes-capture-the-moment"
        );
        assert_eq!(Slug::from_name("ホロライブ").as_str(), "festival");
        assert_eq!(Slug::from_name(&"ab ".repeat(30)).as_str().len(), 40);
        assert_eq!(
            Slug::from_name(&"abc ".repeat(30)).as_str().len(),
            39,
            "no hyphen at the end"
        );
        let too_long = "a".repeat(Slug::MAX_CHARS + 1);
        for bad in [
            "", "-a", "a-", "a--b", "Hololive", "a b", "ホロ", "a/b", &too_long,
        ] {
            assert!(Slug::new(bad).is_err(), "{bad:?} accepted");
        }
    }
}
