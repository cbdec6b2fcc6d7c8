//! The rules a request's fields must meet, as JSON Schema for the OpenAPI
//! document. Each is built here, in code, from the domain's own constants
//! and character tests (`FanName::MAX_CHARS`, `FanName::allows`,
//! `Password::MIN_CHARS`, `Password::COMMON`, `OrderKey::MAX_LEN`,
//! `BuyLimits::MOST_PER_ORDER`, …), so the document cannot state one rule
//! while the server enforces another. The views point at these with
//! `#[schema(schema_with = …)]`.
//!
//! Patterns are ECMA-262 regular expressions (as JSON Schema reads them),
//! written with `\uXXXX` escapes that Python's `re` and Rust validators read
//! alike. Lengths count characters (code points), as the domain does.

use crate::domain::door::{MOST_CODE_CHARS, MOST_STAGES};
use crate::domain::{
    check_name, look_alike, BuyLimits, FanName, OrderKey, Password, ScanId, Slug, Stage,
    MAX_NAME_CHARS,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::ops::RangeInclusive;
use std::sync::OnceLock;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::Schema;

/// A fan's user name, as `FanName::new` accepts it.
pub fn fan_name() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "1 to {} characters; no control characters, and no space of any kind at either end.",
            FanName::MAX_CHARS
        )))
        .min_length(Some(1))
        .max_length(Some(FanName::MAX_CHARS))
        .pattern(Some(fan_name_pattern()))
        .examples(["pekora", "ぺこらファン"])
        .into()
}

/// The user name chosen when signing up: a name as above, with nothing
/// invisible in it and something visible (`look_alike::check_new_name`). A
/// name that reads like a taken one is a runtime refusal (409), not a
/// schema rule.
pub fn new_fan_name() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "1 to {} characters; no control or invisible characters (zero-width, soft hyphen, byte-order mark, direction controls), no space of any kind at either end, and something visible. A name that reads like a taken one (in any case, with look-alike letters) is answered 409.",
            FanName::MAX_CHARS
        )))
        .min_length(Some(1))
        .max_length(Some(FanName::MAX_CHARS))
        .pattern(Some(new_fan_name_pattern()))
        .examples(["pekora", "ぺこらファン"])
        .into()
}

/// A new name's characters, as [`new_fan_name`] says: it starts and ends
/// with a character allowed at either end, holds only allowed ones, and has
/// a visible one (`V`) — first, or after a leading mark (`C`).
pub fn new_fan_name_pattern() -> String {
    static PATTERN: OnceLock<String> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        let inside = |c: char| look_alike::new_name_allows(c);
        let end = |c: char| inside(c) && FanName::allows_at_either_end(c);
        let a = class(inside);
        let e = class(end);
        let v = class(|c| end(c) && look_alike::is_visible(c));
        let c = class(|c| end(c) && !look_alike::is_visible(c));
        format!("^(?:{v}(?:{a}*{e})?|{c}{a}*{v}(?:{a}*{e})?)$")
    });
    pattern.clone()
}

/// The password typed to sign in: only its length is checked before the
/// account's hash is (a shorter one cannot match, and is answered like any
/// wrong password).
pub fn password() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "At most {} characters. Accounts' passwords are at least {}, so a shorter one is answered 401 like any wrong password.",
            Password::MAX_CHARS,
            Password::MIN_CHARS
        )))
        .min_length(Some(1))
        .max_length(Some(Password::MAX_CHARS))
        .examples(["carrot-rocket-35p"])
        .into()
}

/// The password chosen when signing up, as `Password::new` accepts it: its
/// length, not one character repeated, not one of the most common passwords
/// (ignoring case). That it must differ from the user name ties two fields
/// together, which JSON Schema cannot say; the description does.
pub fn new_password() -> Schema {
    static COMMON: OnceLock<String> = OnceLock::new();
    let refused = json!({
        "anyOf": [
            {"pattern": one_character_repeated_pattern()},
            {"pattern": COMMON.get_or_init(common_password_pattern)},
        ]
    });
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "{} to {} characters; not the user name (ignoring case), not one character repeated, and not one of the most common passwords (ignoring case).",
            Password::MIN_CHARS,
            Password::MAX_CHARS
        )))
        .min_length(Some(Password::MIN_CHARS))
        .max_length(Some(Password::MAX_CHARS))
        .examples(["carrot-rocket-35p"])
        // utoipa has no `not`; extensions are written into the schema as they are.
        .extensions(Some(Extensions::from_iter([("not", refused)])))
        .into()
}

/// A stage's number. Any is accepted; one the festival lacks answers 404.
pub fn stage_id() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .description(Some("The stage's number, as `GET /api/stages` lists it."))
        .minimum(Some(0))
        .maximum(Some(u32::MAX))
        .examples([1])
        .into()
}

/// How many tickets one order asks for, within the hard bound no setting
/// can exceed. The per-order limit of the day (a setting) is checked at run
/// time, and answered 422 with the limit.
pub fn quantity() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .description(Some(format!(
            "How many tickets: 1 to {}, and no more than the shop's per-order limit (4 unless set otherwise), the fan's remaining allowance for the stage and the tickets left (all checked when buying).",
            BuyLimits::MOST_PER_ORDER
        )))
        .minimum(Some(1))
        .maximum(Some(BuyLimits::MOST_PER_ORDER))
        .examples([2])
        .into()
}

/// An `Idempotency-Key`, as `OrderKey::new` accepts it.
pub fn order_key() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "1 to {} visible ASCII characters (`!` to `~`); a UUID is a good choice.",
            OrderKey::MAX_LEN
        )))
        .min_length(Some(1))
        .max_length(Some(OrderKey::MAX_LEN))
        .pattern(Some(order_key_pattern()))
        .examples(["3f1c2b9e-5d7a-4e61-9a0b-6c2d8e4f7a15"])
        .into()
}

/// A festival's address name, as `Slug::new` accepts it.
pub fn slug() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "1 to {} lower-case letters, digits and single hyphens, starting and ending with a letter or digit.",
            Slug::MAX_CHARS
        )))
        .min_length(Some(1))
        .max_length(Some(Slug::MAX_CHARS))
        .pattern(Some(SLUG_PATTERN))
        .examples(["indonesia-fes-2027"])
        .into()
}

/// `Slug::new`'s rule as a pattern (its length is `maxLength`).
pub const SLUG_PATTERN: &str = "^[a-z0-9]+(?:-[a-z0-9]+)*$";

/// A festival's, venue's or stage's name, as `check_name` accepts it.
pub fn display_name() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "1 to {MAX_NAME_CHARS} characters, not only spaces; no control characters, no < or >."
        )))
        .min_length(Some(1))
        .max_length(Some(MAX_NAME_CHARS))
        .pattern(Some(display_name_pattern()))
        .examples(["Indonesia fes 2027"])
        .into()
}

/// `check_name`'s characters: none of them a control character or `<`,
/// `>`, and one of them not a space.
pub fn display_name_pattern() -> String {
    static PATTERN: OnceLock<String> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        let anywhere = |c: char| check_name(&format!("a{c}")).is_ok();
        let visible = |c: char| check_name(&c.to_string()).is_ok();
        format!("^{a}*{v}{a}*$", a = class(anywhere), v = class(visible))
    });
    pattern.clone()
}

/// An IANA time zone's name, one of those the server's database holds.
pub fn time_zone() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "An IANA time zone's name, exactly as listed (Asia/Tokyo, Asia/Jakarta): where the festival happens; its stages' times are given and shown in it.",
        ))
        .enum_values(Some(crate::when::zone_names().iter().cloned()))
        .examples(["Asia/Jakarta"])
        .into()
}

/// A wall-clock time in the festival's zone, as `LocalTime` reads it.
pub fn local_time() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "A date and wall-clock time in the festival's own time zone, `YYYY-MM-DDTHH:MM` (seconds, `:SS`, may follow), without an offset: the zone is the festival's. A date that does not exist (30 February) is answered 422.",
        ))
        .pattern(Some(LOCAL_TIME_PATTERN))
        .examples(["2027-03-20T10:00"])
        .into()
}

/// [`local_time`]'s form.
pub const LOCAL_TIME_PATTERN: &str =
    "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$";

/// A whole number from `least` to `most`.
fn whole(least: u64, most: u64, description: String, example: u64) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .description(Some(description))
        .minimum(Some(least))
        .maximum(Some(most))
        .examples([example])
        .into()
}

/// A ticket's price in yen, as `Stage::validate` accepts it.
pub fn price() -> Schema {
    let most = Stage::MOST_PRICE.0;
    whole(1, most, format!("Yen, 1 to {most}."), 7_950)
}

/// A stage's stock, as `Stage::validate` accepts it (and never below
/// what it has sold: 409).
pub fn stock() -> Schema {
    let most = Stage::MOST_STOCK;
    whole(
        0,
        u64::from(most),
        format!("Tickets in all, sold or not: 0 to {most}, and not fewer than the stage has sold (409)."),
        40,
    )
}

/// A festival day, counted from 1.
pub fn day() -> Schema {
    whole(
        1,
        u64::from(u8::MAX),
        "The festival day, counted from 1.".into(),
        1,
    )
}

/// A stage's own per-order limit (`null`: the server's).
pub fn per_order() -> Schema {
    let most = BuyLimits::MOST_PER_ORDER;
    whole(
        1,
        u64::from(most),
        format!("Most tickets in one order for this stage, 1 to {most}; null or absent for the server's limit."),
        4,
    )
}

/// A stage's own per-fan limit (`null`: the server's).
pub fn per_fan() -> Schema {
    let most = BuyLimits::MOST_PER_FAN;
    whole(
        1,
        u64::from(most),
        format!("Most tickets one fan may hold for this stage, 1 to {most}; null or absent for the server's limit."),
        4,
    )
}

/// A stage's number in a path or a list: any whole number (an unknown one
/// is answered 404).
pub fn any_stage_id() -> Schema {
    stage_id()
}

/// A one-time code from an authenticator app (six digits) or a recovery code.
pub fn one_time_code() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "The six digits the authenticator app shows now, or one unused recovery code (`xxxx-xxxx-xxxx`, any case). A wrong one is answered 401.",
        ))
        .min_length(Some(1))
        .max_length(Some(64))
        .examples(["492039"])
        .into()
}

/// A TOTP secret as `POST /api/organiser/second-factor/setup` gave it.
pub fn totp_secret() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "The base32 secret the setup answered, sent back as it was.",
        ))
        .min_length(Some(1))
        .max_length(Some(128))
        .examples(["JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"])
        .into()
}

/// What the orders desk searches for.
pub fn search_query() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "A ticket code (with or without its dash, any case) or a fan's name (exactly, else any name containing it, ignoring case); at most {} characters.",
            FanName::MAX_CHARS
        )))
        .min_length(Some(1))
        .max_length(Some(FanName::MAX_CHARS))
        .examples(["K7QX-M2PA"])
        .into()
}

/// A door scan's id, as `ScanId::new` accepts it.
pub fn scan_id() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "The door device's own id for this scan, the same when the scan is sent again: 1 to {} visible ASCII characters (`!` to `~`); a UUID is a good choice.",
            ScanId::MAX_LEN
        )))
        .min_length(Some(1))
        .max_length(Some(ScanId::MAX_LEN))
        .pattern(Some(scan_id_pattern()))
        .examples(["gate2-0001"])
        .into()
}

fn scan_id_pattern() -> String {
    static PATTERN: OnceLock<String> = OnceLock::new();
    PATTERN
        .get_or_init(|| format!("^{}+$", class(ScanId::allows)))
        .clone()
}

/// What a door read: a ticket's short code or its QR code's signed pass.
pub fn door_code() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "The ticket's short code (`K7QX-M2PA`, any case, dash optional; also `TIKET:K7QX-M2PA` as older QR codes hold it) or the signed pass its QR code holds ({PASS} characters of base32). 1 to {MOST_CODE_CHARS} characters. Anything else is answered `not_valid`.",
            PASS = crate::domain::door_pass::PASS_CHARS
        )))
        .min_length(Some(1))
        .max_length(Some(MOST_CODE_CHARS))
        .examples(["K7QX-M2PA"])
        .into()
}

/// The stages a door lets in.
pub fn door_stages() -> Schema {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::RefOr::T(stage_id()))
        .max_items(Some(MOST_STAGES))
        .description(Some(format!(
            "The stages this door lets in (at most {MOST_STAGES}; each must exist, else 404); a ticket of another stage is answered `wrong_stage`. Leave it out or `null` to let in any stage."
        )))
        .examples([serde_json::json!([1, 2])])
        .into()
}

/// A key's characters, one or more.
fn order_key_pattern() -> String {
    static PATTERN: OnceLock<String> = OnceLock::new();
    PATTERN
        .get_or_init(|| format!("^{}+$", class(OrderKey::allows)))
        .clone()
}

/// A name's characters: the first and last one a name may start and end
/// with, any in between a name may hold.
pub fn fan_name_pattern() -> String {
    static PATTERN: OnceLock<String> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        let anywhere = class(FanName::allows);
        let at_ends = class(FanName::allows_at_either_end);
        format!("^{at_ends}(?:{anywhere}*{at_ends})?$")
    });
    pattern.clone()
}

/// `Password::new`'s "one character repeated" (`aaaaaaaa`).
fn one_character_repeated_pattern() -> &'static str {
    r"^([\s\S])\1*$"
}

/// `Password::COMMON`, each letter matched in any case that lowercases to
/// it (`Password::new` compares `to_lowercase()`: for `k`, the Kelvin sign too).
fn common_password_pattern() -> String {
    let mut cases: BTreeMap<char, Vec<char>> = BTreeMap::new();
    for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            if l.is_ascii() && l != c {
                cases.entry(l).or_default().push(c);
            }
        }
    }
    let any_case = |c: char| match cases.get(&c) {
        None => escaped(c),
        Some(others) => {
            let all: String = std::iter::once(c)
                .chain(others.iter().copied())
                .map(escaped)
                .collect();
            format!("[{all}]")
        }
    };
    let words: Vec<String> = Password::COMMON
        .iter()
        .map(|word| word.chars().map(any_case).collect())
        .collect();
    format!("^(?:{})$", words.join("|"))
}

/// A character class of what `allowed` allows: written as the allowed
/// ranges or as "anything but" the refused ones, whichever is shorter.
fn class(allowed: impl Fn(char) -> bool) -> String {
    let allowed_ranges = ranges(&allowed);
    let refused_ranges = ranges(|c| !allowed(c));
    match allowed_ranges.len() <= refused_ranges.len() {
        true => format!("[{}]", printed(&allowed_ranges)),
        false => format!("[^{}]", printed(&refused_ranges)),
    }
}

/// The runs of characters (surrogates skipped) for which `test` holds.
fn ranges(test: impl Fn(char) -> bool) -> Vec<RangeInclusive<char>> {
    let mut ranges: Vec<RangeInclusive<char>> = Vec::new();
    let mut run: Option<(char, char)> = None;
    for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
        match (test(c), run) {
            (true, None) => run = Some((c, c)),
            (true, Some((start, end))) if end as u32 + 1 == c as u32 => run = Some((start, c)),
            (true, Some((start, end))) => {
                ranges.push(start..=end);
                run = Some((c, c));
            }
            (false, Some((start, end))) => {
                ranges.push(start..=end);
                run = None;
            }
            (false, None) => {}
        }
    }
    if let Some((start, end)) = run {
        ranges.push(start..=end);
    }
    ranges
}

fn printed(ranges: &[RangeInclusive<char>]) -> String {
    let mut text = String::new();
    for range in ranges {
        text.push_str(&escaped(*range.start()));
        if range.end() != range.start() {
            if *range.end() as u32 > *range.start() as u32 + 1 {
                text.push('-');
            }
            text.push_str(&escaped(*range.end()));
        }
    }
    text
}

/// `c` as a pattern writes it: letters, digits and harmless punctuation as
/// they are, anything else as `\uXXXX` (characters past the BMP as they are).
fn escaped(c: char) -> String {
    let plain = c.is_ascii_alphanumeric() || "!\"#%&',:;<=>@_`~".contains(c);
    match (plain, u16::try_from(c as u32)) {
        (true, _) | (false, Err(_)) => c.to_string(),
        (false, Ok(unit)) => {
            let mut text = String::new();
            let _ = write!(text, "\\u{unit:04x}");
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(schema: Schema) -> serde_json::Value {
        serde_json::to_value(schema).unwrap()
    }

    /// The document's numbers are the domain's constants.
    #[test]
    fn the_bounds_are_the_domains() {
        let name = json(fan_name());
        assert_eq!(name["minLength"], 1);
        assert_eq!(name["maxLength"], FanName::MAX_CHARS);
        let password = json(new_password());
        assert_eq!(password["minLength"], Password::MIN_CHARS);
        assert_eq!(password["maxLength"], Password::MAX_CHARS);
        assert_eq!(json(super::password())["maxLength"], Password::MAX_CHARS);
        let qty = json(quantity());
        assert_eq!(
            (qty["minimum"].clone(), qty["maximum"].clone()),
            (1.into(), BuyLimits::MOST_PER_ORDER.into())
        );
        let key = json(order_key());
        assert_eq!(key["maxLength"], OrderKey::MAX_LEN);
        assert_eq!(key["pattern"], "^[!-~]+$");
        assert_eq!(json(stage_id())["maximum"], u32::MAX);
    }

    /// The name pattern is the domain's two character tests, written out:
    /// control characters (Cc) anywhere, spaces (White_Space) at either end.
    #[test]
    fn the_name_pattern_spells_out_the_domains_character_tests() {
        assert_eq!(
            fan_name_pattern(),
            concat!(
                r"^[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]",
                r"(?:[^\u0000-\u001f\u007f-\u009f]*",
                r"[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?$"
            )
        );
        // The classes agree with FanName::new, character by character.
        for c in (0..=0x3100).filter_map(char::from_u32) {
            let inside = FanName::new(format!("a{c}b")).is_ok();
            let alone = FanName::new(c.to_string()).is_ok();
            assert_eq!(inside, FanName::allows(c), "{c:?} inside a name");
            assert_eq!(alone, FanName::allows_at_either_end(c), "{c:?} alone");
        }
    }

    /// The new-name pattern accepts exactly the names a sign-up accepts
    /// (before the look-alike check, which is a 409 at run time).
    #[test]
    fn the_new_name_pattern_is_the_sign_up_rule() {
        let pattern = regex::Regex::new(&new_fan_name_pattern()).unwrap();
        let names = [
            "pekora",
            "ぺこらファン",
            "jovan",
            "a b",
            " a",
            "a ",
            "j\u{200B}ovan",
            "\u{200B}",
            "ovan\u{AD}",
            "\u{FEFF}jo",
            "\u{202E}nav",
            "\u{301}",
            "\u{301}a",
            "a\u{301}",
            "\u{301}\u{301}",
            "\u{2800}",
            "x\u{2028}y",
            "ｊｏｖａｎ",
            "a\u{7}b",
        ];
        for name in names {
            let server = crate::domain::FanName::new(name)
                .is_ok_and(|name| look_alike::check_new_name(&name).is_ok());
            assert_eq!(pattern.is_match(name), server, "{name:?}");
        }
    }

    #[test]
    fn common_passwords_match_in_any_case() {
        let pattern = common_password_pattern();
        assert!(
            pattern.starts_with("^(?:[pP][aA][sS][sS][wW][oO][rR][dD]|"),
            "{pattern}"
        );
        // The Kelvin sign lowers to `k`, and the domain would refuse "asdfghjK".
        assert!(pattern.contains("[kK\\u212a]"), "{pattern}");
        assert!(pattern.contains("|12345678|"), "{pattern}");
    }
}
