//! The headers that protect fans' browsers, on every answer:
//!
//! - **Content-Security-Policy**: scripts only from tiket itself and the
//!   page's own inline scripts, named by their SHA-256 hashes (Leptos's
//!   hydration bootstrap and the data it hands to the browser), plus
//!   `'wasm-unsafe-eval'` to start the wasm. The hashes are computed from the
//!   page as sent, so two visitors shown the same page get the same policy
//!   (no per-request nonce: a cache may keep page and header together).
//!   `frame-ancestors 'none'`: no other site frames tiket.
//! - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` (older
//!   browsers), `Referrer-Policy: same-origin` (ticket and page addresses
//!   never leak to other sites).
//! - `Cache-Control: no-store` on any answer that carries a fan's session
//!   or tickets: every request sent with a cookie or a bearer token, every
//!   answer that sets a cookie, and every `/api` answer, except static files.
//!
//! And on the way in, [`plain_request_id`]: a client's `x-request-id` is
//! kept only when short and plain, else the server makes a fresh one.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The longest client-sent request id kept.
pub const MAX_REQUEST_ID: usize = 64;

/// The largest page whose scripts are hashed; tiket's are a few dozen KB.
const MAX_PAGE: usize = 8 * 1024 * 1024;

/// Everything but the scripts' hashes.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// Drops a client's request id unless it is 1–64 letters, digits, `-`, `_`
/// or `.` (the request-id layer then makes a fresh one).
pub fn plain_request_id<B>(mut request: axum::http::Request<B>) -> axum::http::Request<B> {
    let plain = request
        .headers()
        .get("x-request-id")
        .map(|id| is_plain_id(id.as_bytes()));
    if plain == Some(false) {
        request.headers_mut().remove("x-request-id");
    }
    request
}

fn is_plain_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Adds the headers above to every answer.
pub async fn secure_headers(request: Request, next: Next) -> Response {
    let private =
        carries_credentials(request.headers()) || crate::routes::is_api(request.uri().path());
    let response = next.run(request).await;
    let mut response = match is_html(&response) {
        true => with_script_policy(response).await,
        false => response,
    };
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    let sets_cookie = headers.contains_key(header::SET_COOKIE);
    if (private && is_dynamic(headers)) || sets_cookie {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn carries_credentials(headers: &HeaderMap) -> bool {
    headers.contains_key(header::COOKIE) || headers.contains_key(header::AUTHORIZATION)
}

/// Pages, JSON and event streams: what the server makes per request, as
/// opposed to static files.
fn is_dynamic(headers: &HeaderMap) -> bool {
    content_type(headers).is_none_or(|kind| {
        kind.starts_with("text/html")
            || kind.starts_with("application/json")
            || kind.starts_with("text/event-stream")
            || kind.starts_with("text/plain")
    })
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
}

fn is_html(response: &Response) -> bool {
    content_type(response.headers()).is_some_and(|kind| kind.starts_with("text/html"))
}

/// The page, read whole, with the policy naming its inline scripts.
async fn with_script_policy(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let page = match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(page) => page,
        Err(error) => {
            tracing::error!("cannot read a page to hash its scripts: {error}");
            return super::fallbacks::layer_error(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                crate::messages::Message::Failed,
            )
            .into_response();
        }
    };
    let policy = policy_for(&page);
    if let Ok(value) = HeaderValue::from_str(&policy) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Response::from_parts(parts, Body::from(page))
}

/// The whole policy for a page: [`POLICY`] and its scripts.
pub fn policy_for(page: &[u8]) -> String {
    let hashes: String = inline_scripts(page)
        .map(|script| {
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
            format!(" 'sha256-{hash}'")
        })
        .collect();
    format!("{POLICY}; script-src 'self' 'wasm-unsafe-eval'{hashes}")
}

/// The text of each `<script>` element without a `src`, as the browser hashes it.
fn inline_scripts(page: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = page;
    std::iter::from_fn(move || loop {
        let start = find(rest, b"<script")?;
        let after_name = &rest[start + b"<script".len()..];
        // `<scripts>` or `<script-x>` are other elements.
        if !after_name
            .first()
            .is_some_and(|&b| b == b'>' || b.is_ascii_whitespace())
        {
            rest = after_name;
            continue;
        }
        let tag_end = find(after_name, b">")?;
        let attributes = &after_name[..tag_end];
        let body = &after_name[tag_end + 1..];
        let end = find(body, b"</script")?;
        rest = &body[end..];
        if find(&attributes.to_ascii_lowercase(), b"src=").is_none() {
            return Some(&body[..end]);
        }
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_inline_script_is_hashed_and_external_ones_are_not() {
        let page = br#"<html><head><script type="module" nonce="x">boot()</script>
            <script src="/pkg/a.js"></script><scripts>no</scripts>
            <script>data=[1]</script></head></html>"#;
        let scripts: Vec<&[u8]> = inline_scripts(page).collect();
        assert_eq!(scripts, [&b"boot()"[..], &b"data=[1]"[..]]);
        let policy = policy_for(page);
        // echo -n 'boot()' | openssl dgst -sha256 -binary | base64
        let boot = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"boot()"));
        assert!(policy.contains(&format!("'sha256-{boot}'")), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("'wasm-unsafe-eval'"));
        let scripts = policy
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(!scripts.contains("unsafe-inline"), "{scripts}");
        assert_eq!(policy, policy_for(page), "the same page, the same policy");
    }

    #[test]
    fn the_door_page_may_install_its_service_worker_and_manifest() {
        let policy = policy_for(b"<html></html>");
        let directive = |name: &str| {
            policy
                .split(';')
                .map(str::trim)
                .find(|d| d.split(' ').next() == Some(name))
                .map(str::to_owned)
        };
        assert_eq!(
            directive("worker-src").as_deref(),
            Some("worker-src 'self'")
        );
        assert_eq!(
            directive("manifest-src").as_deref(),
            Some("manifest-src 'self'")
        );
        // The camera's picture reaches the page as a stream, never a URL: no media-src needed.
        assert_eq!(directive("media-src"), None);
    }

    #[test]
    fn a_page_cut_short_hashes_what_is_whole() {
        let scripts: Vec<&[u8]> = inline_scripts(b"<script>a</script><script>b").collect();
        assert_eq!(scripts, [&b"a"[..]]);
        assert_eq!(inline_scripts(b"no scripts").count(), 0);
    }

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        assert!(is_plain_id(b"3f2a-19_b.7"));
        assert!(is_plain_id(&[b'a'; MAX_REQUEST_ID]));
        for bad in [
            &b""[..],
            &[b'a'; MAX_REQUEST_ID + 1],
            b"a b",
            b"a\"b",
            b"<x>",
            "é".as_bytes(),
        ] {
            assert!(!is_plain_id(bad), "{bad:?}");
        }
    }
}
