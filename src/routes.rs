//! Where things are: the site's paths, shared by the server (which answers
//! them) and the pages (which link to them), and the one test of whether a
//! path belongs to the JSON API.

/// Where the server streams live stock levels (server-sent events).
pub const STOCK_EVENTS: &str = "/events/stock";

/// Where the pages' server functions are (`#[server(prefix = "/api/fn")]`).
pub const SERVER_FN_PREFIX: &str = "/api/fn/";

/// The buy form's server function.
pub const BUY_SERVER_FN: &str = "/api/fn/buy_tickets";

/// The JSON API's buy.
pub const API_BUY: &str = "/api/buy-tickets";

/// The page of the signed-in fan's tickets.
pub const MY_TICKETS: &str = "/my-tickets";

pub const SIGN_IN: &str = "/sign-in";
pub const SIGN_UP: &str = "/sign-up";

/// A stage's page.
pub fn stage_page(id: impl std::fmt::Display) -> String {
    format!("/stages/{id}")
}

/// Whether `path` is under the JSON API (`/api` itself included), whose
/// answers, errors too, are JSON.
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The paths whose requests wait for a sale to be durable: their answer
/// depends on the outcome, so no generic timeout may answer for them.
pub const WAITING_FOR_A_SALE: [&str; 2] = [API_BUY, BUY_SERVER_FN];

/// `page` with `next` in its query, encoded so that any path survives
/// (`&`, `#`, spaces and non-ASCII letters included) and stays readable
/// (`/` is kept): as `encodeURIComponent` does, but for `/`. The browser
/// uses its own `encodeURIComponent`; the server the `percent-encoding`
/// crate with the same set, so both write the same link.
pub fn with_next(page: &str, next: &str) -> String {
    format!("{page}?next={}", encode_path(next))
}

#[cfg(feature = "hydrate")]
fn encode_path(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text).replace_all("%2F", "/"))
}

/// What `encodeURIComponent` keeps as it is: letters, digits and `-_.!~*'()`.
#[cfg(not(feature = "hydrate"))]
const URI_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// The same, and `/`.
#[cfg(not(feature = "hydrate"))]
const PATH_IN_QUERY: &percent_encoding::AsciiSet = &URI_COMPONENT.remove(b'/');

#[cfg(not(feature = "hydrate"))]
fn encode_path(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, PATH_IN_QUERY).to_string()
}

/// The form page a refused plain form post goes back to, with the `next` it
/// carried encoded whole (`/` too), as the browser's own form encoding does.
#[cfg(not(feature = "hydrate"))]
pub fn back_to_form(page: &str, next: &str) -> String {
    let next = percent_encoding::utf8_percent_encode(next, URI_COMPONENT);
    format!("{page}?next={next}")
}

/// Where to go after signing in: a path on this site, or the stage list.
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains(['\\', '\r', '\n'])
        && !is_api(next.split(['?', '#']).next().unwrap_or(next));
    if local {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(safe_next("/stages/2"), "/stages/2");
        assert_eq!(safe_next("/my-tickets?x=1"), "/my-tickets?x=1");
        for outside in [
            "",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "stages/2",
            "/api/fn/sign_out",
            "/api",
            "/api?x=1",
            "/a\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(safe_next(outside), "/", "{outside:?}");
        }
    }

    #[test]
    fn next_survives_any_path_in_a_link() {
        let next = "/stages/2?a=1&b=2#top ライブ";
        let link = with_next(SIGN_IN, next);
        assert_eq!(
            link,
            "/sign-in?next=/stages/2%3Fa%3D1%26b%3D2%23top%20%E3%83%A9%E3%82%A4%E3%83%96"
        );
        // Read back as a browser and Leptos's router read a query.
        let query = link.split_once('?').unwrap().1;
        let (key, value) = query.split_once('=').unwrap();
        assert_eq!(key, "next");
        assert!(!value.contains(['&', '#', ' ']), "{value}");
        let decoded = percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, next);
        // What encodeURIComponent leaves alone, as the browser writes it.
        assert_eq!(encode_path("(a)!*'~-_.z9"), "(a)!*'~-_.z9");
        assert_eq!(
            back_to_form(SIGN_UP, next),
            "/sign-up?next=%2Fstages%2F2%3Fa%3D1%26b%3D2%23top%20%E3%83%A9%E3%82%A4%E3%83%96"
        );
    }

    #[test]
    fn api_paths_are_the_api_and_its_subpaths_only() {
        assert!(is_api("/api"));
        assert!(is_api("/api/stages"));
        assert!(is_api("/api/fn/list_stages"));
        assert!(!is_api("/apis"));
        assert!(!is_api("/stages/api"));
    }
}
