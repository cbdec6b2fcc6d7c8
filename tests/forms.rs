//! The pages' forms through the real router, posted as a browser posts
//! them: plainly (JavaScript off, asking for a page) and from a hydrated
//! page (asking for JSON). Where signing up or in goes next, whatever `next`
//! holds; names that look like a taken one; the buy form's order key. And
//! names saved before the look-alike rule, which still load and sign in.
//!
//! All tests share one multi-threaded runtime ([`common::run_shared`]) and
//! one router (built once, as the real server builds it).
#![cfg(feature = "ssr")]

mod common;

use axum::{
    body::{to_bytes, Body},
    http::{header, HeaderMap, Request, StatusCode},
    Router,
};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tiket::domain::FanName;
use tiket::server::auth::{Auth, AuthOptions, Visitor};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::JsonStore;
use tower::ServiceExt;

const PASSWORD: &str = "carrot-rocket-35p";

fn run(test: impl Future<Output = ()>) {
    common::run_shared(Duration::from_secs(120), test)
}

/// The router and its shop, built once for every test of this file.
fn site() -> (Router, Arc<Shop>) {
    static SITE: OnceLock<(Router, Arc<Shop>, tempfile::TempDir)> = OnceLock::new();
    let (app, shop, _data) = SITE.get_or_init(|| {
        let data = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let shop = Shop::open(
            JsonStore::open(data.path()).unwrap(),
            || common::festival_on_sale(&[40, 40]),
            ShopOptions::default(),
        )
        .unwrap();
        let shop = Arc::new(shop);
        let options = AuthOptions {
            hash_workers: 2,
            ..AuthOptions::default()
        };
        let auth = Arc::new(Auth::new(shop.clone(), options).unwrap());
        (common::app(shop.clone(), auth), shop, data)
    });
    (app.clone(), shop.clone())
}

/// A name no other test of this file uses.
fn fresh_name(prefix: &str) -> String {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}{}", COUNT.fetch_add(1, Ordering::Relaxed))
}

/// How a browser posts a form.
#[derive(Clone, Copy, Debug)]
enum Post {
    /// JavaScript off: the browser asks for a page and follows a 302.
    Plain,
    /// From a hydrated page: JSON back, the redirect in a header.
    Hydrated,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn location(&self) -> Option<&str> {
        let location = self.headers.get(header::LOCATION)?;
        Some(location.to_str().expect("a Location a browser can read"))
    }

    /// The session cookie this answer sets, as a `Cookie` header sends it.
    fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| value.split(';').next())
            .find(|pair| pair.starts_with("tiket_session=") && pair.len() > "tiket_session=".len())
            .map(str::to_owned)
    }
}

/// A form field's value as a browser encodes it in a form body.
fn form_value(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

async fn call(app: &Router, request: Request<Body>) -> Answer {
    let app = app.clone();
    let response = tokio::spawn(async move { app.oneshot(request).await })
        .await
        .expect("the request task finished")
        .expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Posts `fields` (name, value; values encoded here) to a server function.
async fn post(
    app: &Router,
    function: &str,
    fields: &[(&str, &str)],
    how: Post,
    cookie: Option<&str>,
) -> Answer {
    let body = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", form_value(value)))
        .collect::<Vec<_>>()
        .join("&");
    let accept = match how {
        Post::Plain => "text/html,application/xhtml+xml",
        Post::Hydrated => "application/json",
    };
    let mut request = Request::post(format!("/api/fn/{function}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, accept);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    call(app, request.body(Body::from(body)).unwrap()).await
}

async fn get(app: &Router, uri: &str) -> Answer {
    let request = Request::get(uri)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    call(app, request).await
}

/// The fan the session cookie signs in, asked as the header does.
async fn signed_in_as(app: &Router, cookie: &str) -> Option<String> {
    let answer = post(app, "current_fan", &[], Post::Hydrated, Some(cookie)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

/// `next` values an attacker puts in a link, as the form field carries them
/// once the browser has decoded the query: raw control characters, and the
/// same percent-encoded once more (`%2509` in the link arrives as `%09`).
const HOSTILE_NEXT: &[&str] = &[
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "/\t\\evil.example",
    "/\u{0B}",
    "/\0",
    "/\u{7F}",
    "/\u{85}",
    "/%09/evil.example",
    "/%0B",
    "/%00",
    "/%7F",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "https:evil.example",
    "/./api/fn/sign_out",
];

/// Checks that an answer to a sign-up or sign-in redirects to `/` (a
/// refused `next`), signed in as `name`.
async fn assert_signed_in_and_home(
    app: &Router,
    answer: &Answer,
    how: Post,
    name: &str,
    next: &str,
) {
    let expected_status = match how {
        Post::Plain => StatusCode::FOUND,
        Post::Hydrated => StatusCode::OK,
    };
    assert_eq!(
        answer.status, expected_status,
        "{how:?} next={next:?}: {}",
        answer.body
    );
    assert_eq!(answer.location(), Some("/"), "{how:?} next={next:?}");
    let cookie = answer
        .session_cookie()
        .unwrap_or_else(|| panic!("{how:?} next={next:?}: no session cookie"));
    assert_eq!(
        signed_in_as(app, &cookie).await.as_deref(),
        Some(name),
        "{how:?} next={next:?}: the session works"
    );
}

#[test]
fn signing_up_or_in_never_leaves_the_site_nor_fails_whatever_next_holds() {
    run(async {
        let (app, _) = site();
        for &next in HOSTILE_NEXT {
            for (up, back) in [(Post::Plain, Post::Hydrated), (Post::Hydrated, Post::Plain)] {
                let name = fresh_name("next");
                let fields = [
                    ("name", name.as_str()),
                    ("password", PASSWORD),
                    ("next", next),
                ];
                let signed_up = post(&app, "sign_up", &fields, up, None).await;
                assert_signed_in_and_home(&app, &signed_up, up, &name, next).await;
                let signed_in = post(&app, "sign_in", &fields, back, None).await;
                assert_signed_in_and_home(&app, &signed_in, back, &name, next).await;
            }
        }
    });
}

#[test]
fn a_refused_sign_up_goes_back_to_the_form_on_this_site_whatever_next_holds() {
    run(async {
        let (app, _) = site();
        for &next in HOSTILE_NEXT {
            let fields = [("name", "weak"), ("password", "password"), ("next", next)];
            let answer = post(&app, "sign_up", &fields, Post::Plain, None).await;
            assert_eq!(
                answer.status,
                StatusCode::FOUND,
                "next={next:?}: {}",
                answer.body
            );
            assert_eq!(
                answer.location(),
                Some("/sign-up?next=%2F"),
                "next={next:?}"
            );
        }
    });
}

#[test]
fn the_account_pages_keep_only_a_safe_next() {
    run(async {
        let (app, _) = site();
        for &next in HOSTILE_NEXT {
            for page in ["/sign-in", "/sign-up"] {
                // As the link carries it: encoded once by whoever wrote it.
                let answer = get(&app, &format!("{page}?next={}", form_value(next))).await;
                assert_eq!(answer.status, StatusCode::OK, "{page} next={next:?}");
                assert!(
                    answer.body.contains(r#"name="next" value="/""#),
                    "{page} next={next:?}: the form should go home instead"
                );
            }
        }
    });
}

#[test]
fn a_safe_next_is_still_followed() {
    run(async {
        let (app, _) = site();
        let next = "/stages/1?a=1&b=2#top ライブ";
        let name = fresh_name("follow");
        let fields = [
            ("name", name.as_str()),
            ("password", PASSWORD),
            ("next", next),
        ];
        let answer = post(&app, "sign_up", &fields, Post::Plain, None).await;
        assert_eq!(answer.status, StatusCode::FOUND, "{}", answer.body);
        // As a browser would write it: percent-encoded, in ASCII.
        let written = "/stages/1?a=1&b=2#top%20%E3%83%A9%E3%82%A4%E3%83%96";
        assert_eq!(answer.location(), Some(written));
        let answer = post(&app, "sign_in", &fields, Post::Hydrated, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert_eq!(answer.location(), Some(written));
    });
}

/// Names that look like `jovan` (or are nothing visible), each with what the
/// sign-up answers.
#[test]
fn look_alikes_of_a_taken_name_are_taken_and_invisible_characters_refused() {
    run(async {
        let (app, shop) = site();
        let sign_up = |name: String| {
            let app = app.clone();
            async move {
                let fields = [
                    ("name", name.as_str()),
                    ("password", PASSWORD),
                    ("next", "/"),
                ];
                post(&app, "sign_up", &fields, Post::Hydrated, None).await
            }
        };
        let answer = sign_up("jovan".into()).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let taken = "is taken";
        let invisible = "invisible";
        for (name, status, sentence) in [
            ("jovan", StatusCode::CONFLICT, taken),
            ("JOVAN", StatusCode::CONFLICT, taken),
            ("j\u{43E}van", StatusCode::CONFLICT, taken), // Cyrillic о
            ("J\u{41E}VAN", StatusCode::CONFLICT, taken), // Cyrillic О, upper case
            (
                "\u{FF4A}\u{FF4F}\u{FF56}\u{FF41}\u{FF4E}",
                StatusCode::CONFLICT,
                taken,
            ), // full-width
            ("jovan\u{200B}", StatusCode::UNPROCESSABLE_ENTITY, invisible), // zero-width space
            ("jo\u{AD}van", StatusCode::UNPROCESSABLE_ENTITY, invisible), // soft hyphen
            ("\u{FEFF}jovan", StatusCode::UNPROCESSABLE_ENTITY, invisible), // BOM
            ("\u{202E}navoj", StatusCode::UNPROCESSABLE_ENTITY, invisible), // RTL override
            (
                "jo\u{2066}van\u{2069}",
                StatusCode::UNPROCESSABLE_ENTITY,
                invisible,
            ), // isolates
            ("\u{200B}", StatusCode::UNPROCESSABLE_ENTITY, invisible), // only invisible
        ] {
            let answer = sign_up(name.into()).await;
            assert_eq!(answer.status, status, "{name:?}: {}", answer.body);
            assert!(answer.body.contains(sentence), "{name:?}: {}", answer.body);
            if name != "jovan" {
                let fan = FanName::new(name).unwrap();
                assert!(shop.account(&fan).is_none(), "{name:?} was registered");
            }
        }
        // The same, the other way round: a look-alike first, then the name.
        let answer = sign_up("k\u{430}nata".into()).await; // Cyrillic а
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let answer = sign_up("Kanata".into()).await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
        assert!(
            answer.body.contains(r#"user name \"Kanata\" is taken"#),
            "{}",
            answer.body
        );
    });
}

/// Accounts saved before the look-alike rule (here `jovan` and `jоvan`,
/// Cyrillic о) still load and sign in, each as itself; the rule only stops
/// a new look-alike.
#[test]
fn names_saved_before_the_rule_still_load_and_sign_in() {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    use tiket::domain::Account;
    use tiket::store::{Record, Saved, Store};
    run(async {
        let data = tempfile::tempdir().unwrap();
        let hash = argon2::Argon2::default()
            .hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        let saved = ["jovan", "j\u{43E}van", "jo\u{200B}van"];
        let records = saved
            .iter()
            .map(|name| Record::Registered {
                account: Account {
                    name: FanName::new(*name).unwrap(),
                    password_hash: hash.clone(),
                    registered_at: time::OffsetDateTime::now_utc(),
                },
            })
            .collect();
        let festival = common::festival_on_sale(&[40]);
        JsonStore::open(data.path())
            .unwrap()
            .create(&Saved { festival, records })
            .unwrap();
        let shop = Shop::open(
            JsonStore::open(data.path()).unwrap(),
            || common::festival_on_sale(&[40]),
            ShopOptions::default(),
        )
        .expect("names saved before the rule load");
        let auth = Auth::new(Arc::new(shop), AuthOptions::default()).unwrap();
        for name in saved {
            let signed_in = auth
                .sign_in(name, PASSWORD, &Visitor::default())
                .await
                .expect(name);
            assert_eq!(signed_in.fan.as_str(), name);
        }
        let look_alike = auth
            .register("j\u{43E}v\u{430}n", PASSWORD, &Visitor::default())
            .await;
        assert!(
            matches!(&look_alike, Err(error) if error.to_string().contains("is taken")),
            "{look_alike:?}"
        );
    });
}

/// The buy form's hidden order key, emptied or lengthened: refused with a
/// sentence (as the JSON API refuses the same key), and nothing bought
/// however often it is sent.
#[test]
fn the_buy_form_refuses_a_bad_order_key_and_buys_nothing() {
    run(async {
        let (app, shop) = site();
        let name = fresh_name("keys");
        let fields = [
            ("name", name.as_str()),
            ("password", PASSWORD),
            ("next", "/"),
        ];
        let signed_up = post(&app, "sign_up", &fields, Post::Hydrated, None).await;
        let cookie = signed_up.session_cookie().expect("signed up");
        let long = "k".repeat(129);
        for key in ["", long.as_str(), "with space", "ünï"] {
            for how in [Post::Hydrated, Post::Plain, Post::Hydrated] {
                let fields = [("stage", "2"), ("quantity", "1"), ("order_key", key)];
                let answer = post(&app, "buy_tickets", &fields, how, Some(&cookie)).await;
                match how {
                    Post::Hydrated => {
                        assert_eq!(
                            answer.status,
                            StatusCode::BAD_REQUEST,
                            "{key:?}: {}",
                            answer.body
                        );
                        assert!(
                            answer.body.contains("Reload the page"),
                            "{key:?}: {}",
                            answer.body
                        );
                    }
                    Post::Plain => {
                        assert_eq!(answer.status, StatusCode::FOUND, "{key:?}: {}", answer.body);
                        assert_eq!(
                            answer.location(),
                            Some("/f/hololive-5th-fes/stages/2"),
                            "{key:?}"
                        );
                    }
                }
            }
        }
        let fan = FanName::new(name).unwrap();
        assert_eq!(shop.tickets_of(&fan), [], "nothing was bought");
    });
}
