//! Which language a request is answered in. Pages and server functions: the
//! fan's choice in the `tiket_lang` cookie (set by the language switcher),
//! else the best match in the browser's `Accept-Language`, else English. The
//! JSON API: `Accept-Language` only (API clients have no switcher). Any code
//! tiket does not speak, in the cookie, a form or a header, counts as no
//! choice; nothing here fails on what a client sends.
//!
//! The languages themselves are `crate::i18n::Locale`, generated from
//! `locales/*.json`.

use crate::i18n::Locale;
use icu_locale_core::LanguageIdentifier;
use leptos_i18n::Locale as _;

/// The cookie that remembers the fan's choice.
pub const COOKIE: &str = "tiket_lang";

/// The language a code names (`ja`, `ja-JP`, `id`, `en-GB`…), if tiket
/// speaks it or a close match.
pub fn from_code(code: &str) -> Option<Locale> {
    let code = code.trim();
    // The deprecated code for Indonesian, still sent by some Android browsers.
    let code = match code.split(['-', '_']).next() {
        Some(primary) if primary.eq_ignore_ascii_case("in") => "id",
        _ => code,
    };
    let id = LanguageIdentifier::try_from_str(&code.replace('_', "-")).ok()?;
    // The closest match ICU finds, else the same language in another region
    // (`en-US` is answered in `en-GB`, the English tiket speaks).
    Locale::find_matchs(&id).into_iter().next().or_else(|| {
        Locale::get_all()
            .iter()
            .copied()
            .find(|locale| locale.as_langid().language == id.language)
    })
}

/// The language tiket speaks that an `Accept-Language` header prefers most
/// (its `q` weights honoured; `*` and unknown codes skipped).
pub fn from_accept_language(header: &str) -> Option<Locale> {
    let mut ranked: Vec<(f32, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(order, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (!tag.is_empty() && tag != "*" && weight > 0.0 && weight.is_finite())
                .then_some((weight, order, tag))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().find_map(|(_, _, tag)| from_code(tag))
}

/// The language of the page being drawn (on the server and in the browser):
/// the one the app's translation context holds, English outside it.
pub fn use_locale() -> Locale {
    leptos::prelude::use_context::<leptos_i18n::I18nContext<Locale>>()
        .map(|i18n| i18n.get_locale_untracked())
        .unwrap_or_default()
}

/// The page language: the cookie's choice, else `Accept-Language`, else English.
pub fn choose(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
    cookie
        .and_then(from_code)
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or_default()
}

/// The page language of a request (cookie, then `Accept-Language`).
#[cfg(feature = "ssr")]
pub fn of_request(headers: &axum::http::HeaderMap) -> Locale {
    let jar = axum_extra::extract::CookieJar::from_headers(headers);
    let cookie = jar.get(COOKIE).map(|cookie| cookie.value().to_owned());
    choose(cookie.as_deref(), accept_language(headers))
}

/// The language of a JSON API request: `Accept-Language` only.
#[cfg(feature = "ssr")]
pub fn of_api_request(headers: &axum::http::HeaderMap) -> Locale {
    choose(None, accept_language(headers))
}

#[cfg(feature = "ssr")]
fn accept_language(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
}

/// The page language of the request being rendered or answered by a server
/// function (English when there is no request, as in unit tests).
#[cfg(feature = "ssr")]
pub fn of_this_request() -> Locale {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .map(|parts| of_request(&parts.headers))
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
tokio::task_local! {
    static API_LANGUAGE: Locale;
}

/// Answers a JSON API request (`/api`, not the pages' server functions
/// under `/api/fn`) with its `Accept-Language` in scope, so that any error
/// sentence made while answering it ([`api_language`]) is in that language.
#[cfg(feature = "ssr")]
pub async fn in_api_language(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    if crate::routes::is_api(path) && !path.starts_with(crate::routes::SERVER_FN_PREFIX) {
        let language = of_api_request(request.headers());
        API_LANGUAGE.scope(language, next.run(request)).await
    } else {
        next.run(request).await
    }
}

/// The language of the JSON API request being answered (English outside one).
#[cfg(feature = "ssr")]
pub fn api_language() -> Locale {
    API_LANGUAGE
        .try_with(|language| *language)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_and_their_regions() {
        assert_eq!(from_code("ja"), Some(Locale::ja));
        assert_eq!(from_code("ja-JP"), Some(Locale::ja));
        assert_eq!(from_code("id-ID"), Some(Locale::id));
        assert_eq!(from_code("in"), Some(Locale::id));
        assert_eq!(from_code("en_GB"), Some(Locale::en_GB));
        assert_eq!(from_code("EN-us"), Some(Locale::en_GB));
    }

    #[test]
    fn an_unknown_or_broken_code_is_no_choice() {
        for code in ["", "fr", "klingon-of-qo'nos", "ja;;", "\u{0}", "x-ja", "12"] {
            assert_eq!(from_code(code), None, "{code:?}");
        }
    }

    #[test]
    fn accept_language_weights_are_honoured() {
        assert_eq!(
            from_accept_language("ja-JP,ja;q=0.9,en;q=0.8"),
            Some(Locale::ja)
        );
        assert_eq!(
            from_accept_language("fr-FR, id;q=0.5, en;q=0.7"),
            Some(Locale::en_GB)
        );
        assert_eq!(from_accept_language("en;q=0.1, id-ID"), Some(Locale::id));
        assert_eq!(from_accept_language("de, fr;q=0.8, *;q=0.5"), None);
        assert_eq!(from_accept_language("ja;q=0, id"), Some(Locale::id));
        assert_eq!(from_accept_language(";;,q=,ja;q=abc"), Some(Locale::ja));
        assert_eq!(from_accept_language(""), None);
    }

    #[test]
    fn the_cookie_wins_then_the_browser_then_english() {
        assert_eq!(choose(Some("id"), Some("ja")), Locale::id);
        assert_eq!(choose(Some("xx"), Some("ja")), Locale::ja);
        assert_eq!(choose(None, Some("fr")), Locale::en_GB);
        assert_eq!(choose(None, None), Locale::en_GB);
    }
}
