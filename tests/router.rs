//! The router in-process, without sockets or a browser: pages, the server
//! function behind `/`, and 404s in HTML and in JSON.
//!
//! All tests share one multi-threaded runtime ([`common::run_shared`]).
#![cfg(feature = "ssr")]

mod common;

use axum::{
    body::{to_bytes, Body},
    http::{header, Method, Request, StatusCode},
    Router,
};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tiket::server::auth::{Auth, AuthOptions};
use tiket::shop::{Shop, ShopOptions};
use tiket::{domain::Festival, store::JsonStore};
use tower::ServiceExt;

/// Runs a test on the shared runtime; a request that hangs fails the test.
fn run(test: impl Future<Output = ()>) {
    common::run_shared(Duration::from_secs(60), test)
}

/// The router every test uses: built once, as the real server builds it once
/// at start. (Building a Leptos router — which renders the app to list its
/// routes — while another test's page is rendering made about one run in 30
/// hang in a render; the real server never builds one while serving.)
fn app() -> Router {
    static APP: std::sync::OnceLock<(Router, tempfile::TempDir)> = std::sync::OnceLock::new();
    let (app, _data) = APP.get_or_init(|| {
        // Under target/tmp: a static is never dropped, so cargo clean removes it.
        let data = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let shop = Shop::open(
            JsonStore::open(data.path()).unwrap(),
            Festival::reference,
            ShopOptions::default(),
        )
        .unwrap();
        let shop = Arc::new(shop);
        let auth = Auth::new(shop.clone(), AuthOptions::default()).unwrap();
        (common::app(shop, Arc::new(auth)), data)
    });
    app.clone()
}

/// Answers a request on the runtime's worker threads, as the real server
/// does (not on the test's own thread).
async fn call(app: &Router, request: Request<Body>) -> axum::response::Response {
    let app = app.clone();
    tokio::spawn(async move { app.oneshot(request).await })
        .await
        .expect("the request task finished")
        .expect("the router answers")
}

async fn send(app: &Router, method: Method, uri: &str) -> (StatusCode, String, String) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    let response = call(app, request).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

#[test]
fn the_stage_list_is_rendered_on_the_server() {
    run(async {
        let app = app();
        let (status, content_type, html) = send(&app, Method::GET, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/html"), "{content_type}");
        for text in [
            "hololive 5th fes. Capture the Moment",
            "Stage 1",
            "Stage 2",
            "Honeyworks Stage",
            "Stage 3",
            "¥7,950",
            "40 of 40 tickets left",
        ] {
            assert!(html.contains(text), "the page should contain {text:?}");
        }
    });
}

#[test]
fn the_server_function_answers_the_listing_in_json() {
    run(async {
        let app = app();
        let (status, content_type, body) = send(&app, Method::POST, "/api/fn/list_stages").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        let programme: tiket::server_fns::stages::Programme = serde_json::from_str(&body).unwrap();
        let listing = programme.listing;
        assert_eq!(listing.stages.len(), 4);
        assert!(listing
            .stages
            .iter()
            .all(|s| s.remaining == s.stage.total_stock));
    });
}

#[test]
fn unknown_pages_get_the_404_page_whatever_the_method() {
    run(async {
        let app = app();
        for (method, uri) in [
            (Method::GET, "/no-such-page"),
            (Method::POST, "/no-such-page"),
            (Method::GET, "/pkg/none.js"),
        ] {
            let (status, content_type, html) = send(&app, method.clone(), uri).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {uri}");
            assert!(
                content_type.starts_with("text/html"),
                "{method} {uri}: {content_type}"
            );
            assert!(
                html.contains("This page is not on the programme"),
                "{method} {uri}"
            );
        }
    });
}

#[test]
fn unknown_api_paths_get_json_404s() {
    run(async {
        let app = app();
        for (method, uri) in [
            (Method::GET, "/api"),
            (Method::POST, "/api/buy"),
            (Method::DELETE, "/api/fn/nothing"),
        ] {
            let (status, content_type, body) = send(&app, method.clone(), uri).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {uri}");
            assert!(
                content_type.starts_with("application/json"),
                "{method} {uri}: {content_type}"
            );
            let error: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(error["error"], format!("there is no API endpoint at {uri}"));
        }
    });
}

#[test]
fn a_wrong_method_on_a_known_path_gets_405_with_a_reason() {
    run(async {
        let app = app();
        let (status, content_type, body) = send(&app, Method::GET, "/api/fn/list_stages").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["error"], "GET is not allowed on /api/fn/list_stages");

        let (status, _, body) = send(&app, Method::DELETE, "/").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body, "DELETE is not allowed on /");
    });
}

#[test]
fn every_response_carries_a_request_id_and_pages_are_compressed() {
    run(async {
        let app = app();
        for encoding in ["br", "gzip"] {
            let request = Request::get("/")
                .header(header::ACCEPT_ENCODING, encoding)
                .body(Body::empty())
                .unwrap();
            let response = call(&app, request).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(response.headers()[header::CONTENT_ENCODING], encoding);
            let id = response.headers()["x-request-id"].to_str().unwrap();
            assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        }
    });
}

#[test]
fn a_body_over_64_kib_is_refused_with_413_in_json_under_api() {
    run(async {
        let app = app();
        let body = "x".repeat(64 * 1024 + 1);
        let request = Request::post("/api/fn/list_stages")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap();
        let response = call(&app, request).await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            error["error"],
            "the request body is larger than the server accepts (64 KiB)"
        );
    });
}

#[test]
fn every_page_answers_with_its_status() {
    run(async {
        let app = app();
        for (uri, status, text) in [
            ("/", StatusCode::OK, "Honeyworks Stage"),
            ("/f/hololive-5th-fes", StatusCode::OK, "Honeyworks Stage"),
            (
                "/f/hololive-5th-fes/stages/3",
                StatusCode::OK,
                "Sign in to buy",
            ),
            ("/sign-in?next=/stages/3", StatusCode::OK, "User name"),
            ("/sign-up", StatusCode::OK, "Create account"),
            (
                "/f/hololive-5th-fes/stages/999",
                StatusCode::NOT_FOUND,
                "The festival has no stage 999.",
            ),
            (
                "/f/no-such-fes",
                StatusCode::NOT_FOUND,
                "There is no such festival on tiket.",
            ),
        ] {
            let (got, _, body) = send(&app, Method::GET, uri).await;
            assert_eq!(got, status, "{uri}");
            assert!(body.contains(text), "{uri} should contain {text:?}");
        }
        // Stage pages' old addresses lead to their new ones, for good.
        for (old, status, new) in [
            (
                "/stages/3",
                StatusCode::PERMANENT_REDIRECT,
                "/f/hololive-5th-fes/stages/3",
            ),
            ("/stages/999", StatusCode::SEE_OTHER, "/"),
            ("/stages/x", StatusCode::SEE_OTHER, "/"),
        ] {
            let request = Request::get(old).body(Body::empty()).unwrap();
            let response = call(&app, request).await;
            assert_eq!(response.status(), status, "{old}");
            assert_eq!(response.headers()[header::LOCATION], new, "{old}");
        }
        // Signed out, My tickets sends the fan to sign in and back.
        let request = Request::get("/my-tickets")
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .unwrap();
        let response = call(&app, request).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(
            response.headers()[header::LOCATION],
            "/sign-in?next=/my-tickets"
        );
    });
}

/// A `next` carrying `?`, `&`, `#`, a space and Japanese comes back whole:
/// the form keeps it as typed, and the link to the other account page
/// carries it percent-encoded (unencoded, `&` and `#` would cut it short).
#[test]
fn next_survives_every_link_that_carries_it() {
    run(async {
        let app = app();
        let next = "/stages/1?a=1&b=2#top ライブ";
        let encoded = "/stages/1%3Fa%3D1%26b%3D2%23top%20%E3%83%A9%E3%82%A4%E3%83%96";
        for page in ["/sign-in", "/sign-up"] {
            let (status, _, html) =
                send(&app, Method::GET, &format!("{page}?next={encoded}")).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(
                html.contains(&format!("next={encoded}\"")),
                "{page}: the other form's link should carry next encoded"
            );
            let kept = next.replace('&', "&amp;");
            assert!(
                html.contains(&format!("name=\"next\" value=\"{kept}\"")),
                "{page}: the form should keep next as it was: {kept}"
            );
        }
    });
}

#[test]
fn live_stock_events_start_with_every_stages_stock() {
    use futures_util::StreamExt;
    run(async {
        let app = app();
        let request = Request::get("/events/stock").body(Body::empty()).unwrap();
        let response = call(&app, request).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/event-stream"
        );
        let mut body = response.into_body().into_data_stream();
        let first = tokio::time::timeout(Duration::from_secs(10), body.next())
            .await
            .expect("the first event comes at once")
            .expect("a frame")
            .expect("bytes");
        let text = String::from_utf8(first.to_vec()).unwrap();
        let data = text
            .lines()
            .find_map(|line| line.strip_prefix("data: "))
            .unwrap_or_else(|| panic!("no data line in {text:?}"));
        assert!(text.starts_with("event: stock\n"), "{text:?}");
        let levels: Vec<tiket::domain::StockLevel> = serde_json::from_str(data).unwrap();
        assert_eq!(levels.len(), 4);
        assert!(levels.iter().all(|level| level.remaining <= 40));
    });
}

/// Posts a form to a server function as a hydrated page does (asking for
/// JSON back): the status and the body.
async fn post_form(app: &Router, function: &str, form: &str) -> (StatusCode, String) {
    let request = Request::post(format!("/api/fn/{function}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(form.to_owned()))
        .unwrap();
    let response = call(app, request).await;
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[test]
fn server_functions_answer_bad_forms_with_a_status_and_a_sentence() {
    run(async {
        let app = app();
        for (function, form, status, sentence) in [
            (
                "buy_tickets",
                "stage=1",
                StatusCode::BAD_REQUEST,
                "could not be handled",
            ),
            (
                "buy_tickets",
                "",
                StatusCode::BAD_REQUEST,
                "could not be handled",
            ),
            (
                "buy_tickets",
                "stage=x&quantity=1&order_key=k",
                StatusCode::NOT_FOUND,
                "There is no stage",
            ),
            (
                "buy_tickets",
                "stage=1&quantity=2&order_key=k",
                StatusCode::UNAUTHORIZED,
                "Sign in to buy",
            ),
            (
                "sign_in",
                "name=nobody&password=wrong-password-1&next=/",
                StatusCode::UNAUTHORIZED,
                "The user name or the password is wrong",
            ),
            (
                "sign_in",
                "name=&password=whatever-1234&next=/",
                StatusCode::UNPROCESSABLE_ENTITY,
                "The user name is empty",
            ),
            (
                "sign_up",
                "name=weak&password=password&next=/",
                StatusCode::UNPROCESSABLE_ENTITY,
                "anyone would guess",
            ),
            (
                "sign_up",
                "name=a%0Ab&password=long-enough-1&next=/",
                StatusCode::UNPROCESSABLE_ENTITY,
                "control",
            ),
            (
                "stage_details",
                "stage=999",
                StatusCode::NOT_FOUND,
                "The festival has no stage 999.",
            ),
        ] {
            let (got, body) = post_form(&app, function, form).await;
            assert_eq!(got, status, "{function} {form:?}: {body}");
            assert!(body.contains(sentence), "{function} {form:?}: {body}");
        }
    });
}

/// Sends `request` with these headers; the status and the body.
async fn with_headers(
    app: &Router,
    request: axum::http::request::Builder,
    headers: &[(&str, &str)],
) -> (StatusCode, String) {
    let request = headers
        .iter()
        .fold(request, |request, (name, value)| {
            request.header(*name, *value)
        })
        .body(Body::empty())
        .unwrap();
    let response = call(app, request).await;
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// The JSON API's `error` follows `Accept-Language` (its field names and
/// statuses do not); the language cookie is the pages', not the API's.
#[test]
fn the_api_answers_errors_in_the_language_asked_for() {
    run(async {
        let app = app();
        for (headers, sentence) in [
            (
                vec![("accept-language", "ja-JP,ja;q=0.9")],
                "先にログインしてください",
            ),
            (vec![("accept-language", "id")], "masuk dulu"),
            (vec![("accept-language", "fr, *;q=0.5")], "sign in first"),
            (
                vec![("accept-language", "x;;q=,,zz-!!;q=oops")],
                "sign in first",
            ),
            (vec![("cookie", "tiket_lang=ja")], "sign in first"),
        ] {
            let (status, body) =
                with_headers(&app, Request::get("/api/my-tickets"), &headers).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{headers:?}");
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object.keys().collect::<Vec<_>>(), ["error"], "{body}");
            assert!(
                object["error"].as_str().unwrap().starts_with(sentence),
                "{headers:?}: {body}"
            );
        }
        let (status, body) = with_headers(
            &app,
            Request::get("/api/nothing-here"),
            &[("accept-language", "ja")],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("API エンドポイントはありません"), "{body}");
    });
}

/// Pages and server functions speak the fan's choice (the cookie), else the
/// browser's; `<html lang>` says which.
#[test]
fn pages_and_forms_speak_the_chosen_language() {
    run(async {
        let app = app();
        for (headers, lang, words) in [
            (vec![("accept-language", "ja")], "ja", "ステージ一覧"),
            (
                vec![("accept-language", "ja"), ("cookie", "tiket_lang=id")],
                "id",
                "Penjualan tiket",
            ),
            (
                vec![("cookie", "tiket_lang=../../etc")],
                "en-GB",
                "Ticket sale",
            ),
        ] {
            let (status, body) = with_headers(&app, Request::get("/"), &headers).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                body.contains(&format!("<html lang=\"{lang}\"")),
                "{headers:?}"
            );
            assert!(body.contains(words), "{headers:?}");
        }
        let request = Request::post("/api/fn/buy_tickets")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, "tiket_lang=ja")
            .body(Body::from("stage=1&quantity=1&order_key=page-1"))
            .unwrap();
        let response = call(&app, request).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        assert!(
            String::from_utf8_lossy(&body).contains("ログインが必要です"),
            "{body:?}"
        );
    });
}

/// The switcher's form: the cookie, then back to the same page (never off the site).
#[test]
fn the_language_switcher_sets_the_cookie_and_goes_back() {
    run(async {
        let app = app();
        for (form, cookie, location) in [
            ("lang=ja&next=%2Fstages%2F1", "tiket_lang=ja", "/stages/1"),
            (
                "lang=klingon&next=%2Fmy-tickets",
                "tiket_lang=en-GB",
                "/my-tickets",
            ),
            (
                "lang=id&next=https%3A%2F%2Fevil.example%2F",
                "tiket_lang=id",
                "/",
            ),
        ] {
            let request = Request::post("/api/fn/set_language")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "text/html")
                .body(Body::from(form))
                .unwrap();
            let response = call(&app, request).await;
            assert!(
                response.status().is_redirection(),
                "{form}: {}",
                response.status()
            );
            assert_eq!(response.headers()[header::LOCATION], location, "{form}");
            let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
            assert!(set_cookie.starts_with(cookie), "{form}: {set_cookie}");
        }
    });
}
