//! The organiser's console through the real router: every console server
//! function and page lets in only an organiser who passed the second factor
//! in this session (signed out: sign in first; a fan or door account: 403
//! with the sentence; an organiser without the factor: the second-factor
//! page first); the editor's plain form posts with bad input answer with
//! the sentence at its field, keep what was typed, and write nothing; the
//! second factor's set-up and check.
//!
//! All tests share one runtime ([`common::run_shared`]) and one router.
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
use tiket::domain::{FanName, Order, Role, Slug, StageId};
use tiket::server::auth::{Auth, AuthOptions, Visitor};
use tiket::server::staff::{current_code, SecondFactorSetup};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::JsonStore;
use tower::ServiceExt;

const PASSWORD: &str = "carrot-rocket-35p";

fn run(test: impl Future<Output = ()>) {
    common::run_shared(Duration::from_secs(120), test)
}

struct Site {
    app: Router,
    shop: Arc<Shop>,
    auth: Arc<Auth>,
}

fn site() -> &'static Site {
    static SITE: OnceLock<(Site, tempfile::TempDir)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
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
            let app = common::app(shop.clone(), auth.clone());
            (Site { app, shop, auth }, data)
        })
        .0
}

fn fresh_name(prefix: &str) -> String {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}{}", COUNT.fetch_add(1, Ordering::Relaxed))
}

/// Who calls: the `Cookie` header they send (none when signed out).
#[derive(Clone, Debug)]
struct Caller {
    who: &'static str,
    cookie: Option<String>,
}

async fn account(site: &Site, prefix: &str) -> (FanName, String) {
    let name = fresh_name(prefix);
    let visitor = Visitor {
        client: None,
        device: None,
    };
    let signed_in = site.auth.register(&name, PASSWORD, &visitor).await.unwrap();
    (signed_in.fan, format!("tiket_session={}", signed_in.token))
}

async fn fan(site: &Site) -> Caller {
    Caller {
        who: "a fan",
        cookie: Some(account(site, "fan").await.1),
    }
}

async fn door(site: &Site) -> Caller {
    let (name, cookie) = account(site, "door").await;
    site.shop.grant_role(&name, Role::Door, None).await.unwrap();
    Caller {
        who: "a door account",
        cookie: Some(cookie),
    }
}

/// An organiser signed in, without the second factor.
async fn organiser_without_factor(site: &Site) -> Caller {
    let (name, cookie) = account(site, "org").await;
    site.shop
        .grant_role(&name, Role::Organiser, None)
        .await
        .unwrap();
    Caller {
        who: "an organiser without the second factor",
        cookie: Some(cookie),
    }
}

/// An organiser whose session passed the second factor.
async fn organiser(site: &Site) -> (Caller, FanName) {
    let (name, cookie) = account(site, "org").await;
    site.shop
        .grant_role(&name, Role::Organiser, None)
        .await
        .unwrap();
    let token = cookie.trim_start_matches("tiket_session=");
    let setup = SecondFactorSetup::new(&name);
    let code = current_code(&setup.secret, site.shop.now()).unwrap();
    let codes = site
        .auth
        .set_up_second_factor(token, &setup.secret, &code)
        .await
        .unwrap();
    assert_eq!(codes.len(), 10);
    (
        Caller {
            who: "an organiser",
            cookie: Some(cookie),
        },
        name,
    )
}

const SIGNED_OUT: Caller = Caller {
    who: "a signed-out visitor",
    cookie: None,
};

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION)?.to_str().ok()
    }

    /// The flash cookie this answer sets, as a `Cookie` header sends it.
    fn flash_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| value.split(';').next())
            .find(|pair| pair.starts_with("tiket_flash=") && pair.len() > "tiket_flash=".len())
            .map(str::to_owned)
    }
}

async fn call(app: &Router, request: Request<Body>) -> Answer {
    let app = app.clone();
    let response = tokio::spawn(async move { app.oneshot(request).await })
        .await
        .unwrap()
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), 4 << 20).await.unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Post {
    Plain,
    Hydrated,
}

async fn post(function: &str, fields: &[(&str, &str)], how: Post, cookies: &[&str]) -> Answer {
    let body = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, NON_ALPHANUMERIC)))
        .collect::<Vec<_>>()
        .join("&");
    let accept = match how {
        Post::Plain => "text/html,application/xhtml+xml",
        Post::Hydrated => "application/json",
    };
    let mut request = Request::post(format!("/api/fn/{function}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, accept);
    let cookies: Vec<&str> = cookies.iter().copied().filter(|c| !c.is_empty()).collect();
    if !cookies.is_empty() {
        request = request.header(header::COOKIE, cookies.join("; "));
    }
    call(&site().app, request.body(Body::from(body)).unwrap()).await
}

async fn get(uri: &str, cookies: &[&str]) -> Answer {
    let mut request = Request::get(uri).header(header::ACCEPT, "text/html");
    let cookies: Vec<&str> = cookies.iter().copied().filter(|c| !c.is_empty()).collect();
    if !cookies.is_empty() {
        request = request.header(header::COOKIE, cookies.join("; "));
    }
    call(&site().app, request.body(Body::empty()).unwrap()).await
}

const FESTIVAL: &str = "hololive-5th-fes";

/// Every console page's data function, with arguments.
fn page_functions() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        ("console_home", vec![]),
        ("festival_editor", vec![("slug", FESTIVAL)]),
        ("stage_form", vec![("slug", FESTIVAL), ("id", "1")]),
        ("dashboard", vec![("slug", FESTIVAL)]),
        ("search_orders", vec![("q", "fan")]),
        ("staff_list", vec![]),
    ]
}

/// Every console action, with arguments that change nothing much (a
/// festival made for the purpose).
fn action_functions(slug: &'static str) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "save_festival",
            vec![
                ("original", slug),
                ("slug", slug),
                ("name", "Access fes"),
                ("venue", "Hall"),
                ("time_zone", "Asia/Jakarta"),
            ],
        ),
        (
            "change_festival_state",
            vec![("slug", slug), ("change", "draft")],
        ),
        (
            "move_stage",
            vec![("slug", slug), ("stage", "0"), ("direction", "up")],
        ),
        ("remove_stage", vec![("slug", slug), ("stage", "999999")]),
        (
            "close_stage",
            vec![("slug", slug), ("stage", "999999"), ("closed", "true")],
        ),
        (
            "save_stage",
            vec![
                ("slug", slug),
                ("id", ""),
                ("name", ""),
                ("day", "x"),
                ("doors_open", ""),
                ("starts_at", ""),
                ("sale_opens", ""),
                ("sale_closes", ""),
                ("price", ""),
                ("total_stock", ""),
                ("per_order", ""),
                ("per_fan", ""),
            ],
        ),
        (
            "grant_role",
            vec![("name", "nobody-here"), ("role", "door")],
        ),
        (
            "revoke_role",
            vec![("name", "nobody-here"), ("role", "door")],
        ),
    ]
}

/// A festival for the access test, made by the server machine.
async fn access_festival(site: &Site) -> &'static str {
    let slug = "access-fes";
    if site.shop.festival(&Slug::new(slug).unwrap()).is_none() {
        let festival = tiket::domain::Festival {
            slug: Slug::new(slug).unwrap(),
            name: "Access fes".into(),
            venue: "Hall".into(),
            time_zone: tiket::domain::TimeZoneName("Asia/Jakarta".into()),
            state: tiket::domain::FestivalState::Draft,
            stages: Vec::new(),
        };
        site.shop
            .edit_festival(tiket::domain::FestivalEdit::Create { festival }, None)
            .await
            .unwrap();
    }
    slug
}

#[test]
fn every_console_function_lets_in_only_an_organiser_who_passed_the_second_factor() {
    run(async {
        let site = site();
        let slug = access_festival(site).await;
        let refused_callers = [
            SIGNED_OUT,
            fan(site).await,
            door(site).await,
            organiser_without_factor(site).await,
        ];
        let (organiser, _) = organiser(site).await;
        for (function, fields) in page_functions() {
            for caller in &refused_callers {
                let cookie = caller.cookie.as_deref().unwrap_or("");
                let answer = post(function, &fields, Post::Hydrated, &[cookie]).await;
                let expected = match caller.who {
                    "a signed-out visitor" => (StatusCode::OK, "\"SignIn\""),
                    "an organiser without the second factor" => {
                        (StatusCode::OK, "\"SecondFactor\"")
                    }
                    _ => (StatusCode::FORBIDDEN, "not"),
                };
                assert_eq!(
                    answer.status, expected.0,
                    "{function} by {}: {}",
                    caller.who, answer.body
                );
                assert!(
                    answer.body.contains(expected.1),
                    "{function} by {}: {}",
                    caller.who,
                    answer.body
                );
                assert!(
                    !answer.body.contains("Open"),
                    "{function} by {}: {}",
                    caller.who,
                    answer.body
                );
            }
            let cookie = organiser.cookie.as_deref().unwrap();
            let answer = post(function, &fields, Post::Hydrated, &[cookie]).await;
            assert_eq!(answer.status, StatusCode::OK, "{function}: {}", answer.body);
            assert!(
                answer.body.starts_with("{\"Open\""),
                "{function}: {}",
                answer.body
            );
        }
        let before = site.shop.history(&Slug::new(slug).unwrap());
        for (function, fields) in action_functions(slug) {
            let history = site.shop.history(&Slug::new(slug).unwrap());
            for caller in &refused_callers {
                let cookie = caller.cookie.as_deref().unwrap_or("");
                let answer = post(function, &fields, Post::Hydrated, &[cookie]).await;
                let expected = match caller.who {
                    "a signed-out visitor" => StatusCode::UNAUTHORIZED,
                    _ => StatusCode::FORBIDDEN,
                };
                assert_eq!(
                    answer.status, expected,
                    "{function} by {}: {}",
                    caller.who, answer.body
                );
            }
            assert_eq!(
                site.shop.history(&Slug::new(slug).unwrap()),
                history,
                "{function}"
            );
            // The organiser gets past the door (their input may still be refused).
            let cookie = organiser.cookie.as_deref().unwrap();
            let answer = post(function, &fields, Post::Hydrated, &[cookie]).await;
            assert!(
                ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&answer.status),
                "{function} by an organiser: {} {}",
                answer.status,
                answer.body
            );
        }
        // The organiser's edits are in their name.
        let latest = site.shop.history(&Slug::new(slug).unwrap());
        assert!(latest.len() > before.len());
        assert!(latest[0].by.is_some(), "{:?}", latest[0]);
    })
}

#[test]
fn a_console_page_sends_each_visitor_where_they_must_go() {
    run(async {
        let site = site();
        let answer = get("/console/orders?q=a%20b", &[]).await;
        assert_eq!(answer.status, StatusCode::FOUND, "{}", answer.body);
        assert_eq!(
            answer.location(),
            Some("/sign-in?next=/console/orders%3Fq%3Da%2520b")
        );

        let fan = fan(site).await;
        let answer = get("/console", &[fan.cookie.as_deref().unwrap()]).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert!(
            answer.body.contains("This page is for organisers"),
            "{}",
            answer.body
        );

        let door = door(site).await;
        let answer = get("/console/staff", &[door.cookie.as_deref().unwrap()]).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);

        let novice = organiser_without_factor(site).await;
        let answer = get(
            "/console/f/hololive-5th-fes",
            &[novice.cookie.as_deref().unwrap()],
        )
        .await;
        assert_eq!(answer.status, StatusCode::FOUND);
        assert_eq!(
            answer.location(),
            Some("/staff/second-factor?next=/console/f/hololive-5th-fes")
        );
        let answer = get(
            "/staff/second-factor?next=/console",
            &[novice.cookie.as_deref().unwrap()],
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.body.contains("<svg"), "the QR code is on the page");

        let (organiser, _) = organiser(site).await;
        let cookie = organiser.cookie.as_deref().unwrap();
        for page in [
            "/console",
            "/console/festivals/new",
            "/console/f/hololive-5th-fes",
            "/console/f/hololive-5th-fes/stages/new",
            "/console/f/hololive-5th-fes/stages/1",
            "/console/f/hololive-5th-fes/dashboard",
            "/console/orders?q=fan",
            "/console/staff",
        ] {
            let answer = get(page, &[cookie]).await;
            assert_eq!(answer.status, StatusCode::OK, "{page}: {}", answer.body);
        }
        let dashboard = get("/console/f/hololive-5th-fes/dashboard", &[cookie]).await;
        assert!(dashboard.body.contains("<rect") || dashboard.body.contains("<svg"));
    })
}

/// What a plain post of the stage form sends, with `changes` made.
fn stage_fields<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("slug", FESTIVAL),
        ("id", ""),
        ("name", "Encore stage"),
        ("day", "2"),
        ("doors_open", "2100-03-21T16:00"),
        ("starts_at", "2100-03-21T17:30"),
        ("sale_opens", "2026-11-01T12:00"),
        ("sale_closes", "2100-03-21T16:00"),
        ("price", "7950"),
        ("total_stock", "40"),
        ("per_order", ""),
        ("per_fan", ""),
    ];
    for (name, value) in changes {
        fields
            .iter_mut()
            .find(|(field, _)| field == name)
            .unwrap()
            .1 = value;
    }
    fields
}

/// A plain post with bad input: the function, its fields, the form page it
/// comes back to, the field the refusal is about, and a value it must keep.
type BadPost = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    &'static str,
    &'static str,
    &'static str,
);

#[test]
fn the_editors_plain_posts_with_bad_input_answer_at_the_field_and_write_nothing() {
    run(async {
        let site = site();
        let (organiser, _) = organiser(site).await;
        let cookie = organiser.cookie.clone().unwrap();
        let slug = Slug::new(FESTIVAL).unwrap();
        let cases: Vec<BadPost> = vec![
            (
                "save_stage",
                stage_fields(&[("price", "a lot")]),
                "/console/f/hololive-5th-fes/stages/new",
                "price",
                "a lot",
            ),
            (
                "save_stage",
                stage_fields(&[("day", "0")]),
                "/console/f/hololive-5th-fes/stages/new",
                "day",
                "Encore stage",
            ),
            (
                "save_stage",
                stage_fields(&[("doors_open", "2100-03-21T18:00")]),
                "/console/f/hololive-5th-fes/stages/new",
                "doors_open",
                "2100-03-21T18:00",
            ),
            (
                "save_stage",
                stage_fields(&[("starts_at", "tomorrow")]),
                "/console/f/hololive-5th-fes/stages/new",
                "starts_at",
                "tomorrow",
            ),
            (
                "save_stage",
                stage_fields(&[("id", "1"), ("per_order", "0"), ("name", "Stage 1")]),
                "/console/f/hololive-5th-fes/stages/1",
                "per_order",
                "Stage 1",
            ),
            (
                "save_festival",
                vec![
                    ("original", ""),
                    ("slug", "new-fes"),
                    ("name", "New fes"),
                    ("venue", "Jakarta"),
                    ("time_zone", "Mars/Olympus"),
                ],
                "/console/festivals/new",
                "time_zone",
                "Mars/Olympus",
            ),
            (
                "save_festival",
                vec![
                    ("original", ""),
                    ("slug", "Not A Slug"),
                    ("name", "New fes"),
                    ("venue", "Jakarta"),
                    ("time_zone", "Asia/Jakarta"),
                ],
                "/console/festivals/new",
                "slug",
                "Not A Slug",
            ),
            (
                "save_festival",
                vec![
                    ("original", FESTIVAL),
                    ("slug", FESTIVAL),
                    ("name", ""),
                    ("venue", "Makuhari"),
                    ("time_zone", "Asia/Tokyo"),
                ],
                "/console/f/hololive-5th-fes",
                "name",
                "Makuhari",
            ),
        ];
        for (function, fields, form_page, field, typed) in cases {
            let catalogue = site.shop.catalogue();
            let history = site.shop.history(&slug);
            let answer = post(function, &fields, Post::Plain, &[&cookie]).await;
            assert_eq!(
                answer.status,
                StatusCode::FOUND,
                "{function} {field}: {}",
                answer.body
            );
            assert_eq!(answer.location(), Some(form_page), "{function} {field}");
            assert_eq!(
                site.shop.catalogue(),
                catalogue,
                "{function} {field} wrote nothing"
            );
            assert_eq!(
                site.shop.history(&slug),
                history,
                "{function} {field} wrote nothing"
            );
            // The form page shows the sentence at the field, with what was typed.
            let flash = answer.flash_cookie().expect("the refusal is in the flash");
            let page = get(form_page, &[&cookie, &flash]).await;
            assert_eq!(page.status, StatusCode::OK);
            let error = format!("id=\"{field}-error\"");
            assert!(
                page.body.contains(&error),
                "{function}: no error at {field}:\n{}",
                page.body
            );
            assert!(
                page.body.contains(&format!("value=\"{typed}\"")),
                "{function}: {typed} not kept"
            );
        }
        // A hydrated post gets the same refusal as its answer, at its field.
        let answer = post(
            "save_stage",
            &stage_fields(&[("price", "0")]),
            Post::Hydrated,
            &[&cookie],
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.body
        );
        assert!(
            answer.body.contains("\"field\":\"Price\""),
            "{}",
            answer.body
        );
    })
}

#[test]
fn a_stage_with_sales_is_not_removed_but_can_be_closed() {
    run(async {
        let site = site();
        let (organiser, name) = organiser(site).await;
        let cookie = organiser.cookie.clone().unwrap();
        let (buyer, _) = account(site, "buyer").await;
        site.shop
            .buy(
                Order {
                    stage: StageId(2),
                    fan: buyer.clone(),
                    quantity: 1,
                },
                None,
            )
            .await
            .unwrap();
        let slug = Slug::new(FESTIVAL).unwrap();
        let history = site.shop.history(&slug);
        let fields = [("slug", FESTIVAL), ("stage", "2")];
        let answer = post("remove_stage", &fields, Post::Hydrated, &[&cookie]).await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
        assert!(answer.body.contains("close it instead"), "{}", answer.body);
        assert_eq!(site.shop.history(&slug), history);

        let fields = [("slug", FESTIVAL), ("stage", "2"), ("closed", "true")];
        let answer = post("close_stage", &fields, Post::Plain, &[&cookie]).await;
        assert_eq!(answer.status, StatusCode::FOUND, "{}", answer.body);
        assert_eq!(answer.location(), Some("/console/f/hololive-5th-fes"));
        let closed = site.shop.catalogue();
        assert!(closed.stage(StageId(2)).unwrap().1.closed);
        assert_eq!(site.shop.history(&slug)[0].by.as_ref(), Some(&name));
        // Open it again for the other tests.
        let fields = [("slug", FESTIVAL), ("stage", "2"), ("closed", "false")];
        post("close_stage", &fields, Post::Plain, &[&cookie]).await;
        assert!(!site.shop.catalogue().stage(StageId(2)).unwrap().1.closed);

        // The orders desk finds the ticket by its code, any case, without the dash.
        let code = site.shop.tickets_of(&buyer)[0].code.to_string();
        let query = code.replace('-', "").to_lowercase();
        let answer = get(&format!("/console/orders?q={query}"), &[&cookie]).await;
        assert!(answer.body.contains(&code), "{}", answer.body);
        assert!(answer.body.contains(buyer.as_str()));
    })
}

#[test]
fn an_organiser_sets_up_the_second_factor_then_passes_it_with_a_code() {
    run(async {
        let site = site();
        let novice = organiser_without_factor(site).await;
        let cookie = novice.cookie.clone().unwrap();
        let name = site
            .auth
            .organiser_signing_in(cookie.trim_start_matches("tiket_session="))
            .unwrap()
            .0;
        let setup = SecondFactorSetup::new(&name);
        let fields = [
            ("secret", setup.secret.as_str()),
            ("code", "000000"),
            ("next", "/console/staff"),
        ];
        let answer = post("set_up_second_factor", &fields, Post::Plain, &[&cookie]).await;
        assert_eq!(answer.status, StatusCode::FOUND);
        let flash = answer.flash_cookie().unwrap();
        let page = get(answer.location().unwrap(), &[&cookie, &flash]).await;
        assert!(
            page.body.contains(&setup.secret),
            "the same secret is offered again"
        );
        assert!(page.body.contains("id=\"code-error\""));

        let code = current_code(&setup.secret, site.shop.now()).unwrap();
        let fields = [
            ("secret", setup.secret.as_str()),
            ("code", code.as_str()),
            ("next", "/console/staff"),
        ];
        let answer = post("set_up_second_factor", &fields, Post::Plain, &[&cookie]).await;
        assert_eq!(answer.status, StatusCode::FOUND);
        assert_eq!(
            answer.location(),
            Some("/staff/second-factor?next=%2Fconsole%2Fstaff")
        );
        let flash = answer.flash_cookie().unwrap();
        let page = get(answer.location().unwrap(), &[&cookie, &flash]).await;
        assert!(page.body.contains("data-recovery-codes"), "{}", page.body);
        let codes: Vec<&str> = page
            .body
            .split("tracking-wider\">")
            .skip(1)
            .filter_map(|rest| rest.split('<').next())
            .filter(|code| code.len() == 14)
            .collect();
        assert_eq!(codes.len(), 10, "{codes:?}");
        // Shown once: the next visit to the page has none.
        let again = get("/staff/second-factor", &[&cookie]).await;
        assert!(!again.body.contains("data-recovery-codes"));
        assert_eq!(
            get("/console/staff", &[&cookie]).await.status,
            StatusCode::OK
        );

        // A new session of the same organiser passes with a recovery code, once.
        let visitor = Visitor {
            client: None,
            device: None,
        };
        let second = site
            .auth
            .sign_in(name.as_str(), PASSWORD, &visitor)
            .await
            .unwrap();
        let second = format!("tiket_session={}", second.token);
        let answer = get("/console", &[&second]).await;
        assert_eq!(
            answer.location(),
            Some("/staff/second-factor?next=/console")
        );
        let fields = [("code", codes[0]), ("next", "/console")];
        let answer = post("pass_second_factor", &fields, Post::Plain, &[&second]).await;
        assert_eq!(answer.location(), Some("/console"));
        assert_eq!(get("/console", &[&second]).await.status, StatusCode::OK);
        let third = site
            .auth
            .sign_in(name.as_str(), PASSWORD, &visitor)
            .await
            .unwrap();
        let third = format!("tiket_session={}", third.token);
        let answer = post("pass_second_factor", &fields, Post::Hydrated, &[&third]).await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "a recovery code works once"
        );
    })
}
