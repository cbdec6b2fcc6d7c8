//! How tiket writes numbers and yen in a language, from CLDR data: on the
//! server with ICU4X's compiled data, in the browser with its own `Intl`
//! (both ICU, so `1,000` in English and Japanese and `1.000` in Indonesian
//! either way). Yen are written only by the server, which sends them to the
//! page as text: the browser bundle carries no currency data.

use crate::i18n::Locale;

/// `1,234` (en, ja) or `1.234` (id).
pub fn count(n: u64, locale: Locale) -> String {
    imp::count(n, locale)
}

/// An amount of yen with the locale's narrow currency symbol: `¥7,950` in
/// English, `￥7,950` in Japanese, `¥7.950` in Indonesian.
#[cfg(feature = "ssr")]
pub fn yen(amount: crate::domain::Yen, locale: Locale) -> String {
    imp::yen(amount, locale)
}

#[cfg(feature = "ssr")]
mod imp {
    use super::Locale;
    use fixed_decimal::Decimal;
    use icu_decimal::DecimalFormatter;
    use icu_experimental::dimension::currency::{
        formatter::CurrencyFormatter,
        options::{CurrencyFormatterOptions, Width},
        CurrencyCode,
    };
    use leptos_i18n::Locale as _;

    pub fn count(n: u64, locale: Locale) -> String {
        match DecimalFormatter::try_new(locale.as_icu_locale().into(), Default::default()) {
            Ok(formatter) => formatter.format(&Decimal::from(n)).to_string(),
            Err(_) => n.to_string(),
        }
    }

    pub fn yen(amount: crate::domain::Yen, locale: Locale) -> String {
        let mut options = CurrencyFormatterOptions::default();
        options.width = Width::Narrow;
        let code = CurrencyCode(tinystr::tinystr!(3, "JPY"));
        match CurrencyFormatter::try_new(locale.as_icu_locale().into(), options) {
            Ok(formatter) => formatter
                .format_fixed_decimal(&Decimal::from(amount.0), &code)
                .to_string(),
            // Compiled data has every locale; this is only a safety net.
            Err(_) => amount.to_string(),
        }
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod imp {
    use super::Locale;
    use leptos_i18n::Locale as _;

    pub fn count(n: u64, locale: Locale) -> String {
        let locales = js_sys::Array::of1(&locale.as_str().into());
        let format = js_sys::Intl::NumberFormat::new(&locales, &js_sys::Object::new()).format();
        format
            .call1(&wasm_bindgen::JsValue::UNDEFINED, &(n as f64).into())
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_else(|| n.to_string())
    }
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
mod imp {
    use super::Locale;
    pub fn count(n: u64, _locale: Locale) -> String {
        n.to_string()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::domain::Yen;

    #[test]
    fn writes_yen_as_each_locale_does() {
        assert_eq!(yen(Yen(7_950), Locale::en_GB), "¥7,950");
        assert_eq!(yen(Yen(7_950), Locale::ja), "￥7,950");
        assert_eq!(yen(Yen(7_950), Locale::id), "¥7.950");
        assert_eq!(yen(Yen(1_000_000), Locale::id), "¥1.000.000");
        assert_eq!(yen(Yen(0), Locale::en_GB), "¥0");
    }

    #[test]
    fn groups_digits_as_each_locale_does() {
        assert_eq!(count(12_345, Locale::en_GB), "12,345");
        assert_eq!(count(12_345, Locale::ja), "12,345");
        assert_eq!(count(12_345, Locale::id), "12.345");
        assert_eq!(count(40, Locale::id), "40");
    }
}
