//! Names that look alike. Door staff read the name on a ticket, so a new
//! name may not pass for a taken one: two names are the same name when their
//! [`LookAlikeKey`]s are equal (Unicode TR39's confusable skeleton, after
//! NFKC and case folding), and a new name may hold nothing invisible
//! ([`check_new_name`]). Names saved before this rule keep working: it is
//! applied to new sign-ups only.

use super::{FanName, FanNameError};
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// What a name reads as, whatever its case, width or script: `JOVAN`,
/// `jоvan` (Cyrillic о) and full-width `ｊｏｖａｎ` all have `jovan`'s key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LookAlikeKey(String);

impl LookAlikeKey {
    /// NFKC (full-width and compatibility forms to their plain letters), case
    /// folded, runs of spaces as one (a page shows them so), then TR39's
    /// skeleton (each character as its prototype: Cyrillic `о` as Latin `o`,
    /// `0` as `O`, invisible characters dropped), case folded again.
    pub fn of(name: &FanName) -> Self {
        let plain = name.as_str().nfkc().collect::<String>().to_lowercase();
        let spaced = plain.split_whitespace().collect::<Vec<_>>().join(" ");
        let skeleton = unicode_security::skeleton(&spaced).collect::<String>();
        LookAlikeKey(skeleton.to_lowercase())
    }
}

/// What a new name must meet beyond [`FanName::new`]: no invisible
/// character (zero-width ones, soft hyphens, byte-order marks, text-direction
/// controls, fillers), and something visible (not only combining marks).
pub fn check_new_name(name: &FanName) -> Result<(), FanNameError> {
    let name = name.as_str();
    if name.chars().any(is_invisible) {
        return Err(FanNameError::Invisible);
    }
    if !name.chars().any(is_visible) {
        return Err(FanNameError::NothingVisible);
    }
    Ok(())
}

/// Whether a new name may hold `c` at all (beyond [`FanName::allows`]).
pub fn new_name_allows(c: char) -> bool {
    FanName::allows(c) && !is_invisible(c)
}

/// Whether `c` shows something by itself: not a space, a control or a
/// combining mark (a new name needs one such character).
pub fn is_visible(c: char) -> bool {
    !c.is_whitespace() && !c.is_control() && !is_combining_mark(c) && !is_invisible(c)
}

/// Characters a reader cannot see, or that change how the others are shown:
/// Unicode's default-ignorable code points (TR39's skeleton drops exactly
/// these: zero-width spaces and joiners, soft hyphen, BOM, variation
/// selectors, fillers, tags, and the bidirectional controls), the bidi
/// controls again by name, line and paragraph separators, interlinear
/// annotation marks and the blank braille pattern.
fn is_invisible(c: char) -> bool {
    let mut buffer = [0; 4];
    let default_ignorable = unicode_security::skeleton(c.encode_utf8(&mut buffer))
        .next()
        .is_none();
    let bidi_control = matches!(c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let other = matches!(
        c,
        '\u{2028}' | '\u{2029}' | '\u{FFF9}'..='\u{FFFB}' | '\u{2800}'
    );
    default_ignorable || bidi_control || other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> LookAlikeKey {
        LookAlikeKey::of(&FanName::new(name).unwrap())
    }

    fn new_name(name: &str) -> Result<(), FanNameError> {
        check_new_name(&FanName::new(name).unwrap())
    }

    #[test]
    fn look_alikes_share_a_key_whatever_their_case_width_or_script() {
        for look_alike in [
            "jovan",
            "JOVAN",
            "Jovan",
            "j\u{43E}van",                              // Cyrillic о
            "J\u{41E}VAN",                              // Cyrillic О
            "\u{FF4A}\u{FF4F}\u{FF56}\u{FF41}\u{FF4E}", // full-width
            "\u{FF2A}\u{FF2F}\u{FF36}\u{FF21}\u{FF2E}", // full-width capitals
            "j\u{3BF}van",                              // Greek ο
            "jovan\u{200B}",                            // zero-width space (dropped)
            "jo\u{AD}van",                              // soft hyphen (dropped)
        ] {
            assert_eq!(key(look_alike), key("jovan"), "{look_alike:?}");
        }
        assert_eq!(key("jo  van"), key("jo van"), "spaces shown as one");
        assert_eq!(key("jo\u{3000}van"), key("jo van"), "an ideographic space");
        assert_eq!(key("rn"), key("m"));
        assert_eq!(key("jovan1"), key("jovanl"));
        assert_eq!(key("j0van"), key("jovan"), "a zero reads as an O");
        for other in ["jovan2", "jovana", "jo van", "ぺこら", "miko"] {
            assert_ne!(key(other), key("jovan"), "{other:?}");
        }
        assert_ne!(key("ぺこら"), key("ぺこらファン"));
    }

    #[test]
    fn a_new_name_holds_nothing_invisible_and_something_visible() {
        for name in [
            "jovan",
            "ぺこらファン",
            "a b",
            ",\"",
            "Pekora_Fan-01",
            "é",
            "e\u{301}",
        ] {
            assert_eq!(new_name(name), Ok(()), "{name:?}");
        }
        for invisible in [
            "jovan\u{200B}",         // zero-width space
            "jo\u{200C}van",         // zero-width non-joiner
            "jo\u{200D}van",         // zero-width joiner
            "jo\u{2060}van",         // word joiner
            "jo\u{AD}van",           // soft hyphen
            "\u{FEFF}jovan",         // byte-order mark
            "\u{202E}navoj",         // right-to-left override
            "jo\u{2066}van\u{2069}", // isolates
            "jovan\u{200F}",         // right-to-left mark
            "jo\u{61C}van",          // Arabic letter mark
            "jovan\u{FE0F}",         // variation selector
            "jo\u{3164}van",         // Hangul filler
            "jo\u{115F}van",         // Hangul choseong filler
            "jovan\u{E0041}",        // tag letter
            "jo\u{2028}van",         // line separator
            "jo\u{2800}van",         // blank braille pattern
            "\u{200B}",              // nothing but one
        ] {
            assert_eq!(
                new_name(invisible),
                Err(FanNameError::Invisible),
                "{invisible:?}"
            );
        }
        assert_eq!(
            new_name("\u{301}\u{301}"),
            Err(FanNameError::NothingVisible)
        );
    }
}
