//! Cross-site request refusal: another site's page must not act in a fan's
//! browser with the fan's cookie (sign them in as someone else, sign them
//! out, buy). SameSite=Lax cookies already stop most of it; this checks on
//! the server too, as OWASP advises, so no browser quirk is relied upon.
//!
//! A request is *cross-site* when the browser says so (`Sec-Fetch-Site:
//! cross-site` or `same-site`), or, from browsers that do not send that
//! header, when its `Origin` is not this server's own host (or is `null`).
//! Requests without either header come from programs, not from a page in a
//! fan's browser, and pass.
//!
//! [`refuse_cross_site`] refuses (403), for every state-changing method:
//! - any server function (`/api/fn/…`: the pages' forms), and one not sent
//!   as a form (415: a page can only post `application/x-www-form-urlencoded`,
//!   and the hydrated app sends the same);
//! - any other request that carries cookies but no bearer token.
//!
//! Requests authenticated by a bearer token stay open to other sites' front
//! ends, as the JSON API promises; its sign-in and sign-up answer another
//! site without setting cookies (see `json_api::accounts`).

use crate::messages::Message;
use crate::routes;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::Response;

/// Whether a request comes from another site's page.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    match headers.get(header::ORIGIN) {
        None => false,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|host| host.to_str().ok());
            let origin_host = origin
                .to_str()
                .ok()
                .and_then(|origin| origin.parse::<Uri>().ok())
                .and_then(|uri| {
                    uri.authority()
                        .map(|authority| authority.as_str().to_owned())
                });
            match (origin_host, host) {
                (Some(origin), Some(host)) => !origin.eq_ignore_ascii_case(host),
                _ => true,
            }
        }
    }
}

/// Whether a body is sent as an HTML form sends it.
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|kind| {
            kind.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Why a state-changing request is refused before it reaches a handler.
pub fn refusal(method: &Method, path: &str, headers: &HeaderMap) -> Option<(StatusCode, Message)> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    let server_fn = path.starts_with(routes::SERVER_FN_PREFIX);
    let by_cookie =
        !headers.contains_key(header::AUTHORIZATION) && headers.contains_key(header::COOKIE);
    if (server_fn || by_cookie) && is_cross_site(headers) {
        return Some((StatusCode::FORBIDDEN, Message::CrossSite));
    }
    if server_fn && !is_form(headers) && is_registered_server_fn(path) {
        return Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, Message::NotAForm));
    }
    None
}

/// Whether a server function answers at `path` (an unknown one answers 404,
/// whatever was sent to it).
fn is_registered_server_fn(path: &str) -> bool {
    static PATHS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    PATHS
        .get_or_init(|| {
            leptos::server_fn::axum::server_fn_paths()
                .map(|(path, _)| path)
                .collect()
        })
        .contains(path)
}

/// The layer: answers [`refusal`]'s refusals, passes everything else on.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    match refusal(request.method(), request.uri().path(), request.headers()) {
        Some((status, message)) => {
            tracing::warn!(?message, "refused a request");
            super::fallbacks::layer_error(status, message)
        }
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");
    const HOST: (&str, &str) = ("host", "tiket.example:3000");

    #[test]
    fn the_browser_or_the_origin_says_where_a_request_comes_from() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        let own = ("origin", "http://tiket.example:3000");
        assert!(!is_cross_site(&headers(&[own, HOST])));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            HOST
        ])));
        assert!(is_cross_site(&headers(&[("origin", "null"), HOST])));
        assert!(is_cross_site(&headers(&[
            ("origin", "http://tiket.example"),
            HOST
        ])));
        assert!(!is_cross_site(&headers(&[HOST])), "a program, not a page");
        // The browser's own word wins over a matching origin.
        assert!(is_cross_site(&headers(&[
            own,
            HOST,
            ("sec-fetch-site", "cross-site")
        ])));
    }

    #[test]
    fn server_functions_take_same_site_forms_only() {
        let post = Method::POST;
        let path = "/api/fn/sign_in";
        let evil = ("origin", "https://evil.example");
        assert_eq!(refusal(&post, path, &headers(&[FORM, HOST])), None);
        assert_eq!(
            refusal(&post, path, &headers(&[FORM, HOST, evil])),
            Some((StatusCode::FORBIDDEN, Message::CrossSite))
        );
        for kind in [
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/json",
        ] {
            assert_eq!(
                refusal(&post, path, &headers(&[("content-type", kind), HOST])),
                Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, Message::NotAForm)),
                "{kind}"
            );
        }
        assert_eq!(
            refusal(&post, path, &headers(&[HOST])),
            Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, Message::NotAForm))
        );
        assert_eq!(refusal(&Method::GET, path, &headers(&[HOST, evil])), None);
        let unknown = "/api/fn/no_such_function";
        assert_eq!(
            refusal(&post, unknown, &headers(&[HOST])),
            None,
            "answered 404"
        );
    }

    #[test]
    fn cookies_may_not_act_cross_site_but_bearer_tokens_may() {
        let post = Method::POST;
        let path = "/api/buy-tickets";
        let evil = ("origin", "https://evil.example");
        let cookie = ("cookie", "tiket_session=abc");
        assert_eq!(
            refusal(&post, path, &headers(&[HOST, evil, cookie])),
            Some((StatusCode::FORBIDDEN, Message::CrossSite))
        );
        let bearer = ("authorization", "Bearer abc");
        assert_eq!(refusal(&post, path, &headers(&[HOST, evil, bearer])), None);
        assert_eq!(refusal(&post, path, &headers(&[HOST, evil])), None);
        assert_eq!(refusal(&post, path, &headers(&[HOST, cookie])), None);
    }
}
