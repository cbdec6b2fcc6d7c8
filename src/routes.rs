//! Where things are: the site's paths, shared by the server (which answers
//! them) and the pages (which link to them), and the one test of whether a
//! path belongs to the JSON API.

/// Where the server streams live stock levels (server-sent events).
pub const STOCK_EVENTS: &str = "/events/stock";

/// Where the pages' server functions are (`#[server(prefix = "/api/fn")]`).
pub const SERVER_FN_PREFIX: &str = "/api/fn/";

/// The buy form's server function.
pub const BUY_SERVER_FN: &str = "/api/fn/buy_tickets";

/// The language switcher's server function (a plain form: it sets the
/// language cookie and sends the fan back to the same page).
pub const SET_LANGUAGE_SERVER_FN: &str = "/api/fn/set_language";

/// The JSON API's buy.
pub const API_BUY: &str = "/api/buy-tickets";

/// The page of the signed-in fan's tickets.
pub const MY_TICKETS: &str = "/my-tickets";

pub const SIGN_IN: &str = "/sign-in";

/// The door page: door staff scan tickets there.
pub const DOOR: &str = "/door";
/// The door page's service worker (scope [`DOOR`]) and web app manifest.
pub const DOOR_WORKER: &str = "/door-sw.js";
pub const DOOR_MANIFEST: &str = "/door.webmanifest";
pub const SIGN_UP: &str = "/sign-up";

/// Where an organiser passes (or sets up) the second factor.
pub const SECOND_FACTOR: &str = "/staff/second-factor";
/// The organiser's console: the festivals.
pub const CONSOLE: &str = "/console";
/// A new festival.
pub const CONSOLE_NEW_FESTIVAL: &str = "/console/festivals/new";
/// The orders desk (`?q=` a fan's name or a ticket code).
pub const CONSOLE_ORDERS: &str = "/console/orders";
/// Staff and their roles.
pub const CONSOLE_STAFF: &str = "/console/staff";

/// A festival's editor.
pub fn console_festival(slug: &str) -> String {
    format!("/console/f/{slug}")
}

/// A new stage of a festival.
pub fn console_new_stage(slug: &str) -> String {
    format!("/console/f/{slug}/stages/new")
}

/// One stage's form.
pub fn console_stage(slug: &str, id: impl std::fmt::Display) -> String {
    format!("/console/f/{slug}/stages/{id}")
}

/// A festival's sales dashboard.
pub fn console_dashboard(slug: &str) -> String {
    format!("/console/f/{slug}/dashboard")
}

/// A festival's doors in the console: admitted per stage, check-ins, conflicts.
pub fn console_door(slug: &str) -> String {
    format!("/console/f/{slug}/door")
}

/// The orders desk searching for `query`.
pub fn console_orders(query: &str) -> String {
    format!("{CONSOLE_ORDERS}?q={}", encode_path(query))
}

/// A festival's tickets as CSV (the organiser JSON API; the session cookie is enough).
pub fn festival_tickets_csv(slug: &str) -> String {
    format!("/api/organiser/festivals/{slug}/tickets.csv")
}

/// The home page: the festivals on sale (or the one, when one is).
pub const HOME: &str = "/";

/// A festival's page: its stages by day.
pub fn festival_page(slug: impl std::fmt::Display) -> String {
    format!("/f/{slug}")
}

/// A stage's page, under its festival's.
pub fn stage_page(slug: impl std::fmt::Display, id: impl std::fmt::Display) -> String {
    format!("/f/{slug}/stages/{id}")
}

/// Where stage pages were before festivals had addresses (`/stages/{id}`);
/// the server sends such links on to [`stage_page`].
pub const OLD_STAGE_PAGE: &str = "/stages/{id}";

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

/// Where to go after signing in: `next` as typed, if a browser reads it as
/// a page of this site; otherwise the stage list (`/`).
///
/// Browsers read a `Location` as a URL (WHATWG): they drop tabs and
/// newlines anywhere and control characters at either end, resolve `.` and
/// `..`, and take `//host` or `/\host` as another site. So `next` must be a
/// path (one `/`, then neither `/` nor `\`), without any control character
/// (C0, DEL, C1) or backslash, not under the JSON API, and it must stay so
/// once percent-decoded (as often as it decodes: a link may be encoded more
/// than once, and something on the way may decode it) and once resolved as a
/// browser resolves it.
pub fn safe_next(next: &str) -> &str {
    match is_a_page_here(next) {
        true => next,
        false => "/",
    }
}

/// The `Location` of a redirect to `path`: as a browser would write it
/// (ASCII only, percent-encoded), or `/` if `path` is not a page of this
/// site by [`safe_next`]'s rule. Always a valid header value.
#[cfg(not(feature = "hydrate"))]
pub fn location(path: &str) -> String {
    match is_a_page_here(path)
        .then(|| as_browsers_read(path))
        .flatten()
    {
        Some(url) => url[url::Position::BeforePath..].to_owned(),
        None => "/".to_owned(),
    }
}

/// The site's origin, as far as reading a path goes (any origin would do).
const SITE: &str = "http://tiket.invalid/";

/// `path` read as a browser reads a link on this site, if it stays here.
fn as_browsers_read(path: &str) -> Option<url::Url> {
    let site = url::Url::parse(SITE).ok()?;
    let url = site.join(path).ok()?;
    (url.origin() == site.origin()).then_some(url)
}

/// Decoding more often than this means something is hiding.
const MOST_DECODINGS: usize = 8;

/// `text` and what it becomes percent-decoded, again and again until it no
/// longer changes; `None` if it keeps changing.
fn decodings(text: &str) -> Option<Vec<String>> {
    let mut all = vec![text.to_owned()];
    for _ in 0..MOST_DECODINGS {
        let last = all.last()?;
        let decoded = percent_encoding::percent_decode_str(last)
            .decode_utf8_lossy()
            .into_owned();
        if &decoded == last {
            return Some(all);
        }
        all.push(decoded);
    }
    None
}

fn is_a_page_here(next: &str) -> bool {
    let Some(url) = as_browsers_read(next) else {
        return false;
    };
    let (Some(typed), Some(resolved)) = (decodings(next), decodings(url.path())) else {
        return false;
    };
    let local = |text: &String| {
        text.starts_with('/')
            && !text.starts_with("//")
            && !text.contains('\\')
            && !text.chars().any(char::is_control)
            && !is_api(text.split(['?', '#']).next().unwrap_or(text))
    };
    typed.iter().chain(&resolved).all(local)
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

    /// What browsers do with a `Location` (WHATWG URL parsing: tabs and
    /// newlines removed, a leading `//` or `/\\` names another host) and
    /// what the header itself cannot carry: none of these may be followed.
    #[test]
    fn no_next_leads_off_the_site_or_cannot_be_a_header() {
        let followed = [
            // Tabs and newlines, stripped by browsers: `//evil.example`.
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "\t//evil.example",
            "/\t\\evil.example",
            // Control characters a header cannot carry (or a browser drops).
            "/\u{0B}",
            "/\0",
            "/\u{7F}",
            "/\u{85}",
            "/\u{9B}evil",
            "/stages\u{0C}",
            // The same, percent-encoded as they would be once more.
            "/%09/evil.example",
            "/%0A/evil.example",
            "/%0b",
            "/%00",
            "/%7F",
            "/%C2%85",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            // Other hosts and schemes.
            "https:evil.example",
            "https:/evil.example",
            "javascript:alert(1)",
            " //evil.example",
            "\\evil.example",
            "/\\/evil.example",
            // The JSON API, however spelt.
            "/./api/fn/sign_out",
            "/stages/../api/fn/sign_out",
            "/%2e/api/fn/sign_out",
            "/%61pi/fn/sign_out",
        ]
        .into_iter()
        .filter(|outside| safe_next(outside) != "/")
        .collect::<Vec<_>>();
        assert_eq!(followed, [""; 0], "followed off the site or unsendable");
        for inside in [
            "/",
            "/stages/1?a=1&b=2#top ライブ",
            "/my-tickets?q=100%25",
            "/stages/2#%E3%83%A9",
            "/apis",
        ] {
            assert_eq!(safe_next(inside), inside, "{inside:?}");
        }
    }

    #[test]
    fn a_redirect_goes_where_a_browser_would_and_in_ascii() {
        assert_eq!(
            location("/stages/1?a=1&b=2#top ライブ"),
            "/stages/1?a=1&b=2#top%20%E3%83%A9%E3%82%A4%E3%83%96"
        );
        let form = back_to_form(SIGN_UP, "/my-tickets?q=100%25");
        assert_eq!(location(&form), form);
        for refused in [
            "/\u{0B}",
            "/.//evil.example",
            "//evil.example",
            "/api/fn/sign_out",
        ] {
            assert_eq!(location(refused), "/", "{refused:?}");
        }
    }

    proptest::proptest! {
        /// Whatever a link carries: a path on this site, sendable as a header.
        #[test]
        fn every_location_is_a_path_here_in_visible_ascii(
            path in proptest::prop_oneof![".*", "/.*", "/[/\\\\%0-9a-fA-F.\t\n]{0,12}[a-z/]{0,6}"]
        ) {
            let location = location(&path);
            proptest::prop_assert!(location.starts_with('/'), "{location:?}");
            proptest::prop_assert!(!location.starts_with("//"), "{location:?}");
            proptest::prop_assert!(location.bytes().all(|b| b.is_ascii_graphic()), "{location:?}");
            let next = safe_next(&path);
            proptest::prop_assert!(next == "/" || next == path);
            proptest::prop_assert!(!next.chars().any(char::is_control), "{next:?}");
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
