//! The rule for names staff type for festivals, venues and stages: what
//! fans will read on every page and ticket.

/// Why a festival's, venue's or stage's name is not acceptable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than {max} characters", max = MAX_NAME_CHARS)]
    TooLong,
    #[error("the name contains a control character")]
    ControlCharacter,
    #[error("the name contains < or >, which are kept for markup")]
    Markup,
}

/// The longest name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Checks a name typed for a festival, venue or stage.
pub fn check_name(name: &str) -> Result<(), NameError> {
    if name.trim().is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(NameError::ControlCharacter);
    }
    if name.contains(['<', '>']) {
        return Err(NameError::Markup);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_empty_long_control_and_markup_names() {
        assert_eq!(check_name("Stage 1 ステージ"), Ok(()));
        assert_eq!(check_name("  "), Err(NameError::Empty));
        assert_eq!(
            check_name(&"x".repeat(MAX_NAME_CHARS + 1)),
            Err(NameError::TooLong)
        );
        assert_eq!(check_name("a\u{7}b"), Err(NameError::ControlCharacter));
        assert_eq!(check_name("a\nb"), Err(NameError::ControlCharacter));
        assert_eq!(
            check_name("<script>alert(1)</script>"),
            Err(NameError::Markup)
        );
    }
}
