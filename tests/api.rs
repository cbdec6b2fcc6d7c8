//! The JSON API over real sockets: the real router served on a local port,
//! spoken to with an HTTP client. Each endpoint's success, every kind of bad
//! input (status, message, and the data folder unchanged), a 500-client race
//! for 40 tickets, idempotent retries, fans kept apart, and the OpenAPI
//! document checked against what the server answers.
#![cfg(feature = "ssr")]

mod common;

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tiket::domain::{FanName, Festival, Order, OrderKey, Session, StageId};
use tiket::server::auth::{token_hash, Auth, AuthOptions};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::{JsonStore, Store};

/// Runs a test on the shared runtime; one that hangs fails.
fn run(test: impl Future<Output = ()>) {
    common::run_shared(Duration::from_secs(240), test)
}

/// tiket serving a fresh data folder on a local port.
struct Server {
    base: String,
    data: tempfile::TempDir,
    shop: Arc<Shop>,
    http: reqwest::Client,
}

const PASSWORD: &str = "carrot-rocket-35p";

async fn serve(stocks: &[u32]) -> Arc<Server> {
    serve_festival(common::festival_on_sale(stocks)).await
}

async fn serve_festival(festival: Festival) -> Arc<Server> {
    let auth_options = AuthOptions {
        hash_workers: 2,
        // Hundreds of test fans sign up at once from 127.0.0.1.
        sign_in_queue: 10_000,
        sign_ups_per_client_per_hour: 1_000_000,
        ..AuthOptions::default()
    };
    serve_with(festival, auth_options).await
}

async fn serve_with(festival: Festival, auth_options: AuthOptions) -> Arc<Server> {
    let data = tempfile::tempdir().unwrap();
    let shop = Shop::open(
        JsonStore::open(data.path()).unwrap(),
        || festival,
        ShopOptions::default(),
    )
    .unwrap();
    let shop = Arc::new(shop);
    let auth = Arc::new(Auth::new(shop.clone(), auth_options).unwrap());
    let base = common::serve_locally(shop.clone(), auth).await;
    Arc::new(Server {
        base,
        data,
        shop,
        http: reqwest::Client::new(),
    })
}

/// An answer: status, headers and the body as JSON (`Null` when empty).
struct Answer {
    status: StatusCode,
    headers: header::HeaderMap,
    body: Value,
}

impl Answer {
    fn error(&self) -> &str {
        self.body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error body: {} {}", self.status, self.body))
    }
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = match text.is_empty() {
            true => Value::Null,
            false => serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {text}")),
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        let mut request = self.http.post(self.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    /// Signs a new fan up; returns the session token.
    async fn fan(&self, name: &str) -> String {
        let answer = self
            .post(
                "/api/register",
                None,
                json!({"username": name, "password": PASSWORD}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.body["token"].as_str().unwrap().to_owned()
    }

    /// Buys `qty` tickets of stage 1 under an idempotency key.
    async fn keyed_buy(&self, token: &str, key: &str, qty: u32) -> Answer {
        let request = self
            .http
            .post(self.url("/api/buy-tickets"))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&json!({"stage_id": 1, "qty": qty}));
        self.send(request).await
    }

    async fn buy(&self, token: &str, stage: u32, qty: u32) -> Answer {
        self.post(
            "/api/buy-tickets",
            Some(token),
            json!({"stage_id": stage, "qty": qty}),
        )
        .await
    }

    async fn remaining(&self, stage: usize) -> u64 {
        let stages = self.get("/api/stages", None).await.body;
        stages[stage - 1]["ticket_stock"].as_u64().unwrap()
    }

    /// Every file of the data folder with its bytes.
    fn folder(&self) -> BTreeMap<String, Vec<u8>> {
        folder_files(self.data.path())
    }

    /// Every ticket saved in the data folder (read without stopping the shop).
    fn saved_ticket_ids(&self) -> Vec<String> {
        let saved = read_saved(self.data.path());
        saved.tickets().map(|t| t.id.to_string()).collect()
    }
}

fn folder_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

/// What a second store would load from a copy of the folder (the running
/// shop holds the folder's lock).
fn read_saved(dir: &Path) -> tiket::store::Saved {
    let copy = tempfile::tempdir().unwrap();
    for (name, bytes) in folder_files(dir) {
        if name != "tiket.lock" {
            std::fs::write(copy.path().join(name), bytes).unwrap();
        }
    }
    JsonStore::open(copy.path())
        .unwrap()
        .load()
        .unwrap()
        .unwrap()
}

fn ids(answer: &Answer) -> Vec<String> {
    answer.body["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ticket_id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn stages_are_listed_with_the_old_systems_fields_and_tikets_own() {
    run(async {
        let server = serve(&[40, 12]).await;
        let answer = server.get("/api/stages", None).await;
        assert_eq!(answer.status, StatusCode::OK);
        let stages = answer.body.as_array().unwrap();
        assert_eq!(stages.len(), 2);
        let stage = &stages[1];
        assert_eq!(stage["stage_id"], 2);
        assert_eq!(stage["stage_name"], "Stage 2");
        assert_eq!(stage["stage_day"], 1);
        assert_eq!(stage["ticket_price"], 7950);
        assert_eq!(stage["ticket_stock"], 12);
        assert_eq!(stage["total_stock"], 12);
        assert_eq!(stage["on_sale"], true);
        for field in ["date_open", "date_start", "sale_opens", "sale_closes"] {
            let text = stage[field].as_str().unwrap();
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .unwrap_or_else(|e| panic!("{field} = {text}: {e}"));
        }
        let health = server.get("/healthz", None).await;
        assert_eq!(health.status, StatusCode::OK);
        assert_eq!(health.body, json!({"status": "ok", "tickets_sold": 0}));
    });
}

#[test]
fn a_fan_signs_up_buys_sees_their_tickets_and_signs_out() {
    run(async {
        let server = serve(&[40]).await;
        let signed_up = server
            .post(
                "/api/register",
                None,
                json!({"username": "pekora", "password": PASSWORD}),
            )
            .await;
        assert_eq!(signed_up.status, StatusCode::CREATED);
        assert_eq!(signed_up.body["username"], "pekora");
        let cookie = signed_up.headers[header::SET_COOKIE].to_str().unwrap();
        assert!(cookie.starts_with("tiket_session="), "{cookie}");
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
            assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
        }
        let token = signed_up.body["token"].as_str().unwrap();
        assert_eq!(token.len(), 43, "256 bits, base64url");
        let saved: String = server
            .folder()
            .values()
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .collect();
        assert!(!saved.contains(token), "the token itself is never saved");
        assert!(!saved.contains(PASSWORD), "nor the password");
        assert!(saved.contains("$argon2id$"), "only an argon2id hash");

        let bought = server.buy(token, 1, 2).await;
        assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
        assert_eq!(bought.body["total_price"], 15_900);
        assert_eq!(ids(&bought).len(), 2);
        assert_eq!(server.remaining(1).await, 38);
        assert_eq!(
            server.saved_ticket_ids(),
            ids(&bought),
            "saved before answered"
        );

        let mine = server.get("/api/my-tickets", Some(token)).await;
        assert_eq!(mine.status, StatusCode::OK);
        let tickets = mine.body.as_array().unwrap();
        assert_eq!(tickets.len(), 2);
        assert_eq!(tickets[0]["username"], "pekora");
        assert_eq!(tickets[0]["stage_id"], 1);
        assert_eq!(tickets[0]["code"].as_str().unwrap().len(), 9);
        assert!(tickets[0]["timestamp"].is_string());

        // The cookie alone identifies the fan too, as a browser sends it.
        let cookie_pair = cookie.split(';').next().unwrap().to_owned();
        let by_cookie = server
            .send(
                server
                    .http
                    .get(server.url("/api/my-tickets"))
                    .header(header::COOKIE, cookie_pair),
            )
            .await;
        assert_eq!(by_cookie.body, mine.body);
        let seed_style = server
            .get("/api/my-tickets?username=pekora", Some(token))
            .await;
        assert_eq!(seed_style.body, mine.body);

        // A second sign-in, then signing out ends only the first session.
        let login = server
            .post(
                "/api/login",
                None,
                json!({"username": "pekora", "password": PASSWORD}),
            )
            .await;
        assert_eq!(login.status, StatusCode::OK);
        let second = login.body["token"].as_str().unwrap();
        assert_ne!(second, token);
        let logout = server.post("/api/logout", Some(token), json!({})).await;
        assert_eq!(logout.status, StatusCode::NO_CONTENT);
        assert!(logout.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0"));
        let after = server.get("/api/my-tickets", Some(token)).await;
        assert_eq!(after.status, StatusCode::UNAUTHORIZED);
        assert!(after.error().contains("sign in again"), "{}", after.error());
        assert_eq!(
            server.get("/api/my-tickets", Some(second)).await.status,
            StatusCode::OK
        );
        let again = server.post("/api/logout", Some(token), json!({})).await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    });
}

#[test]
fn the_session_cookie_is_secure_when_tiket_is_served_over_https() {
    run(async {
        let plain = serve(&[40]).await;
        let secure = serve_with(
            common::festival_on_sale(&[40]),
            AuthOptions {
                secure_cookie: true,
                ..AuthOptions::default()
            },
        )
        .await;
        for (server, expected) in [(&plain, false), (&secure, true)] {
            let answer = server
                .post(
                    "/api/register",
                    None,
                    json!({"username": "iroha", "password": PASSWORD}),
                )
                .await;
            let cookie = answer.headers[header::SET_COOKIE].to_str().unwrap();
            assert_eq!(cookie.contains("; Secure"), expected, "{cookie}");
            let token = answer.body["token"].as_str().unwrap();
            let out = server.post("/api/logout", Some(token), json!({})).await;
            let cleared = out.headers[header::SET_COOKIE].to_str().unwrap();
            assert_eq!(cleared.contains("; Secure"), expected, "{cleared}");
        }
    });
}

#[test]
fn accounts_and_sessions_survive_a_restart() {
    run(async {
        let server = serve(&[40]).await;
        let token = server.fan("miko").await;
        let bought = server.keyed_buy(&token, "k-1", 1).await;
        assert_eq!(bought.status, StatusCode::CREATED);
        // Another shop opened on a copy of the folder knows the fan and the session.
        let copy = tempfile::tempdir().unwrap();
        for (name, bytes) in server.folder() {
            if name != "tiket.lock" {
                std::fs::write(copy.path().join(name), bytes).unwrap();
            }
        }
        let reopened = Shop::open(
            JsonStore::open(copy.path()).unwrap(),
            || unreachable!("the copy is set up"),
            ShopOptions::default(),
        )
        .unwrap();
        let fan = reopened
            .fan_of(&token_hash(&token), time::OffsetDateTime::now_utc())
            .unwrap();
        assert_eq!(fan.as_str(), "miko");
        assert!(reopened.account(&fan).is_some());
        assert_eq!(reopened.tickets_of(&fan).len(), 1);
        // The order's key was saved with it: a retry after the restart buys nothing.
        let order = Order {
            stage: StageId(1),
            fan: fan.clone(),
            quantity: 1,
        };
        let retry = Arc::new(reopened)
            .buy(order, Some(OrderKey::new("k-1").unwrap()))
            .await
            .unwrap();
        assert!(retry.replayed);
        let retried_ids: Vec<String> = retry.tickets.iter().map(|t| t.id.to_string()).collect();
        assert_eq!(retried_ids, ids(&bought));
    });
}

#[test]
fn sign_up_refuses_taken_names_and_unacceptable_names_or_passwords() {
    run(async {
        let server = serve(&[40]).await;
        server.fan("suisei").await;
        let before = server.folder();
        let long_name = "x".repeat(33);
        let long_password = "p".repeat(64) + &"q".repeat(65);
        let cases: Vec<(Value, StatusCode, &str)> = vec![
            (
                json!({"username": "suisei", "password": PASSWORD}),
                StatusCode::CONFLICT,
                "is taken",
            ),
            (
                json!({"username": "Suisei", "password": PASSWORD}),
                StatusCode::CONFLICT,
                "is taken",
            ),
            (
                json!({"username": "sora", "password": "password1"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "first ones anyone would guess",
            ),
            (
                json!({"username": "sora", "password": "short"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "at least 8",
            ),
            (
                json!({"username": "sora", "password": ""}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "choose a password",
            ),
            (
                json!({"username": "sora", "password": long_password}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "at most 128",
            ),
            (
                json!({"username": "soraSORA1", "password": "sorasora1"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "not be your user name",
            ),
            (
                json!({"username": "so\u{7}ra", "password": PASSWORD}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "control character",
            ),
            (
                json!({"username": "so\nra", "password": PASSWORD}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "control character",
            ),
            (
                json!({"username": long_name, "password": PASSWORD}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "longer than 32",
            ),
            (
                json!({"username": "", "password": PASSWORD}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "is empty",
            ),
            (
                json!({"username": " sora", "password": PASSWORD}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "space",
            ),
            (
                json!({"username": "sora"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "missing field `password`",
            ),
            (
                json!({"username": "sora", "password": PASSWORD, "admin": true}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown field `admin`",
            ),
            (
                json!({"username": 7, "password": PASSWORD}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid type",
            ),
            (
                json!(["sora", PASSWORD]),
                StatusCode::UNPROCESSABLE_ENTITY,
                "must be a JSON object",
            ),
        ];
        for (body, status, message) in cases {
            let answer = server.post("/api/register", None, body.clone()).await;
            assert_eq!(answer.status, status, "{body}: {}", answer.body);
            assert!(
                answer.error().contains(message),
                "{body}: {}",
                answer.error()
            );
        }
        // Bodies that are not JSON objects, on both account endpoints.
        for path in ["/api/register", "/api/login"] {
            let raw = |content_type: &str, body: &str| {
                server
                    .http
                    .post(server.url(path))
                    .header(header::CONTENT_TYPE, content_type)
                    .body(body.to_owned())
            };
            let huge = format!("{{\"username\": \"{}\"}}", "x".repeat(20_000));
            for (request, status, message) in [
                (
                    raw("application/json", ""),
                    StatusCode::BAD_REQUEST,
                    "the request body is empty",
                ),
                (
                    raw("application/json", "{\"username\": "),
                    StatusCode::BAD_REQUEST,
                    "not valid JSON",
                ),
                (
                    raw("text/plain", "{}"),
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type: application/json",
                ),
                (
                    raw("application/json", &huge),
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "larger than",
                ),
                (
                    raw("application/json", "null"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid type: null",
                ),
            ] {
                let answer = server.send(request).await;
                assert_eq!(answer.status, status, "{path}: {}", answer.body);
                assert!(
                    answer.error().contains(message),
                    "{path}: {}",
                    answer.error()
                );
            }
        }
        assert_eq!(server.folder(), before, "a refused sign-up writes nothing");
    });
}

#[test]
fn sign_in_answers_alike_for_unknown_names_and_wrong_passwords_and_slows_guessing() {
    run(async {
        let server = serve(&[40]).await;
        server.fan("kanata").await;
        let before = server.folder();
        let wrong = server
            .post(
                "/api/login",
                None,
                json!({"username": "kanata", "password": "not-the-password"}),
            )
            .await;
        let unknown = server
            .post(
                "/api/login",
                None,
                json!({"username": "nobody", "password": "not-the-password"}),
            )
            .await;
        for answer in [&wrong, &unknown] {
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
            assert_eq!(answer.error(), "the user name or the password is wrong");
            assert!(answer.headers.contains_key(header::WWW_AUTHENTICATE));
        }
        let too_long = server
            .post(
                "/api/login",
                None,
                json!({"username": "kanata", "password": "p".repeat(129)}),
            )
            .await;
        assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(too_long.error().contains("at most 128"));
        let bad_name = server
            .post(
                "/api/login",
                None,
                json!({"username": "ka\u{0}nata", "password": PASSWORD}),
            )
            .await;
        assert_eq!(bad_name.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Five attempts per name in a burst: "kanata" has used one above (the
        // over-long password and the bad name were refused before counting).
        let mut statuses = Vec::new();
        for _ in 0..5 {
            let answer = server
                .post(
                    "/api/login",
                    None,
                    json!({"username": "kanata", "password": "guess-guess"}),
                )
                .await;
            statuses.push(answer.status);
            if answer.status == StatusCode::TOO_MANY_REQUESTS {
                assert!(answer.error().contains("too many sign-in attempts"));
                let wait: u64 = answer.headers[header::RETRY_AFTER]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=13).contains(&wait), "Retry-After: {wait}");
            }
        }
        assert_eq!(statuses[..4], [StatusCode::UNAUTHORIZED; 4]);
        assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);
        // Even the right password waits now: guessing gains nothing.
        let right = server
            .post(
                "/api/login",
                None,
                json!({"username": "kanata", "password": PASSWORD}),
            )
            .await;
        assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
        // Another name is not held up.
        let other = server
            .post(
                "/api/login",
                None,
                json!({"username": "nobody-else", "password": "whatever-1"}),
            )
            .await;
        assert_eq!(other.status, StatusCode::UNAUTHORIZED);
        assert_eq!(server.folder(), before, "failed sign-ins write nothing");
    });
}

#[test]
fn every_bad_buy_is_answered_with_its_status_and_a_sentence_and_changes_nothing() {
    run(async {
        let server = serve(&[40, 3]).await;
        let token = server.fan("marine").await;
        let other = server.fan("noel").await;
        // Fill the fan's allowance on stage 1 and sell out stage 2.
        assert_eq!(server.buy(&token, 1, 4).await.status, StatusCode::CREATED);
        assert_eq!(server.buy(&other, 2, 3).await.status, StatusCode::CREATED);
        // A session that expired a second after it began.
        let expired = "an-expired-session-token";
        let long_ago = time::OffsetDateTime::now_utc() - time::Duration::days(40);
        server
            .shop
            .open_session(Session {
                token_hash: token_hash(expired),
                fan: FanName::new("marine").unwrap(),
                created_at: long_ago,
                expires_at: long_ago + time::Duration::seconds(1),
                second_factor: false,
            })
            .await
            .unwrap();
        let before = server.folder();

        let json_cases: Vec<(Value, StatusCode, &str)> = vec![
            (
                json!({"stage_id": 1, "qty": 0}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "choose at least one ticket",
            ),
            (
                json!({"stage_id": 1, "qty": -1}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "qty: invalid value: integer `-1`, expected a whole number of tickets",
            ),
            (
                json!({"stage_id": 1, "qty": 1.5}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "qty: invalid type: floating point `1.5`",
            ),
            (
                json!({"stage_id": 1, "qty": "2"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "qty: invalid type: string \"2\"",
            ),
            (
                json!({"stage_id": 1, "qty": 99_999_999_999u64}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "qty: invalid value: integer `99999999999`",
            ),
            (
                json!({"stage_id": 1, "qty": 1000}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "at most 4 tickets; you asked for 1000",
            ),
            (
                json!({"stage_id": 1, "qty": null}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "qty: invalid type: null",
            ),
            (
                json!({"stage_id": 1}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "missing field `qty`",
            ),
            (
                json!({"qty": 1}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "missing field `stage_id`",
            ),
            (
                json!({"stage_id": "1", "qty": 1}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "stage_id: invalid type: string \"1\", expected a stage number",
            ),
            (
                json!({"stage_id": -1, "qty": 1}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "stage_id: invalid value: integer `-1`",
            ),
            (
                json!({"stage_id": 9, "qty": 1}),
                StatusCode::NOT_FOUND,
                "there is no stage 9",
            ),
            (
                json!({"stage_id": 1, "qty": 1, "price": 0}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown field `price`",
            ),
            (
                json!({"stage_id": 1, "qty": 1, "username": "noel"}),
                StatusCode::FORBIDDEN,
                "signed in as \"marine\"",
            ),
            (
                json!({"stage_id": 1, "qty": 1}),
                StatusCode::CONFLICT,
                "you hold 4 already, so you can buy 0 more",
            ),
            (
                json!({"stage_id": 2, "qty": 1}),
                StatusCode::CONFLICT,
                "stage 2 is sold out",
            ),
        ];
        for (body, status, message) in json_cases {
            let answer = server
                .post("/api/buy-tickets", Some(&token), body.clone())
                .await;
            assert_eq!(answer.status, status, "{body}: {}", answer.body);
            assert!(
                answer.error().contains(message),
                "{body}: {}",
                answer.error()
            );
        }

        let url = server.url("/api/buy-tickets");
        let raw = |content_type: &str, body: Vec<u8>| {
            server
                .http
                .post(&url)
                .bearer_auth(&token)
                .header(header::CONTENT_TYPE, content_type)
                .body(body)
        };
        let json = "application/json";
        let raw_cases = vec![
            (
                raw(json, b"{\"stage_id\": 1, \"qty\": ".to_vec()),
                StatusCode::BAD_REQUEST,
                "not valid JSON",
            ),
            (
                raw(json, b"stage_id=1&qty=1".to_vec()),
                StatusCode::BAD_REQUEST,
                "not valid JSON",
            ),
            (
                raw(json, Vec::new()),
                StatusCode::BAD_REQUEST,
                "the request body is empty",
            ),
            (
                raw("text/plain", b"{\"stage_id\": 1, \"qty\": 1}".to_vec()),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Content-Type: application/json",
            ),
            (
                raw(
                    "application/x-www-form-urlencoded",
                    b"stage_id=1&qty=1".to_vec(),
                ),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Content-Type: application/json",
            ),
            (
                raw(
                    json,
                    format!(
                        "{{\"stage_id\": 1, \"qty\": 1, \"username\": \"{}\"}}",
                        "x".repeat(20_000)
                    )
                    .into_bytes(),
                ),
                StatusCode::PAYLOAD_TOO_LARGE,
                "larger than",
            ),
            (
                server
                    .http
                    .post(&url)
                    .json(&json!({"stage_id": 1, "qty": 1})),
                StatusCode::UNAUTHORIZED,
                "sign in first",
            ),
            (
                server
                    .http
                    .post(&url)
                    .bearer_auth("garbage")
                    .json(&json!({"stage_id": 1, "qty": 1})),
                StatusCode::UNAUTHORIZED,
                "not valid",
            ),
            (
                server
                    .http
                    .post(&url)
                    .bearer_auth(expired)
                    .json(&json!({"stage_id": 1, "qty": 1})),
                StatusCode::UNAUTHORIZED,
                "expired",
            ),
            (
                server
                    .http
                    .post(&url)
                    .header(header::AUTHORIZATION, "Basic bWFyaW5lOng=")
                    .json(&json!({"stage_id": 1, "qty": 1})),
                StatusCode::UNAUTHORIZED,
                "must be `Bearer <token>`",
            ),
            (
                server
                    .http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("Idempotency-Key", "ünïcode")
                    .json(&json!({"stage_id": 1, "qty": 1})),
                StatusCode::BAD_REQUEST,
                "Idempotency-Key",
            ),
            (
                server.http.get(&url).bearer_auth(&token),
                StatusCode::METHOD_NOT_ALLOWED,
                "GET is not allowed on /api/buy-tickets",
            ),
            (
                server.http.delete(server.url("/api/stages")),
                StatusCode::METHOD_NOT_ALLOWED,
                "DELETE is not allowed on /api/stages",
            ),
            (
                server.http.get(server.url("/api/register")),
                StatusCode::METHOD_NOT_ALLOWED,
                "GET is not allowed",
            ),
            (
                server
                    .http
                    .get(server.url("/api/my-tickets?username=marine&x=1"))
                    .bearer_auth(&token),
                StatusCode::BAD_REQUEST,
                "unknown field `x`",
            ),
        ];
        for (request, status, message) in raw_cases {
            let answer = server.send(request).await;
            assert_eq!(answer.status, status, "{}", answer.body);
            assert!(
                answer.error().contains(message),
                "{message:?} not in {:?}",
                answer.error()
            );
        }
        assert_eq!(server.folder(), before, "a refused request writes nothing");
        assert_eq!(server.remaining(1).await, 36);
    });
}

#[test]
fn a_sale_not_yet_open_or_already_closed_answers_409_saying_when() {
    run(async {
        let mut festival = common::festival_on_sale(&[40, 40]);
        festival.stages[0].sale_opens = time::macros::datetime!(2099-06-01 12:00 +9);
        festival.stages[1].sale_closes = time::macros::datetime!(2001-01-01 0:00 UTC);
        let server = serve_festival(festival).await;
        let token = server.fan("ayame").await;
        let stages = server.get("/api/stages", None).await.body;
        assert_eq!(stages[0]["on_sale"], false);
        assert_eq!(stages[1]["on_sale"], false);
        let before = server.folder();
        let early = server.buy(&token, 1, 1).await;
        assert_eq!(early.status, StatusCode::CONFLICT);
        assert!(
            early
                .error()
                .contains("not on sale yet; the sale opens at 2099-06-01 12:00 +09:00"),
            "{}",
            early.error()
        );
        let late = server.buy(&token, 2, 1).await;
        assert_eq!(late.status, StatusCode::CONFLICT);
        assert!(
            late.error().contains("closed at 2001-01-01 00:00 +00:00"),
            "{}",
            late.error()
        );
        assert_eq!(server.folder(), before);
    });
}

#[test]
fn other_sites_may_call_the_api_with_a_token_but_never_with_the_cookie() {
    run(async {
        let server = serve(&[40]).await;
        let preflight = server
            .send(
                server
                    .http
                    .request(Method::OPTIONS, server.url("/api/buy-tickets"))
                    .header(header::ORIGIN, "https://another-shop.example")
                    .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
                    .header(
                        header::ACCESS_CONTROL_REQUEST_HEADERS,
                        "authorization, content-type, idempotency-key",
                    ),
            )
            .await;
        assert!(preflight.status.is_success(), "{}", preflight.status);
        let allowed = |name: header::HeaderName| {
            preflight.headers[name]
                .to_str()
                .unwrap()
                .to_ascii_lowercase()
        };
        assert_eq!(allowed(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
        assert!(allowed(header::ACCESS_CONTROL_ALLOW_HEADERS).contains("idempotency-key"));
        assert!(!preflight
            .headers
            .contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS));
        let stages = server
            .send(
                server
                    .http
                    .get(server.url("/api/stages"))
                    .header(header::ORIGIN, "https://another-shop.example"),
            )
            .await;
        assert_eq!(stages.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    });
}

#[test]
fn one_fan_never_sees_another_fans_tickets() {
    run(async {
        let server = serve(&[40]).await;
        let (flare, noel) = (server.fan("flare").await, server.fan("noel").await);
        let bought = server.buy(&flare, 1, 3).await;
        assert_eq!(bought.status, StatusCode::CREATED);
        let mine = server.get("/api/my-tickets", Some(&noel)).await;
        assert_eq!(mine.status, StatusCode::OK);
        assert_eq!(mine.body, json!([]));
        let snooping = server
            .get("/api/my-tickets?username=flare", Some(&noel))
            .await;
        assert_eq!(snooping.status, StatusCode::FORBIDDEN);
        assert!(snooping.error().contains("only act for yourself"));
        let anonymous = server.get("/api/my-tickets?username=flare", None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        let theirs = server.get("/api/my-tickets", Some(&flare)).await;
        assert_eq!(theirs.body.as_array().unwrap().len(), 3);
    });
}

#[test]
fn a_retried_buy_with_the_same_key_answers_the_first_tickets_and_buys_once() {
    run(async {
        let server = serve(&[40]).await;
        let token = server.fan("lamy").await;
        let first = server.keyed_buy(&token, "order-1", 2).await;
        assert_eq!(first.status, StatusCode::CREATED);
        assert!(!first.headers.contains_key("idempotent-replayed"));
        let retry = server.keyed_buy(&token, "order-1", 2).await;
        assert_eq!(retry.status, StatusCode::CREATED);
        assert_eq!(retry.headers["idempotent-replayed"], "true");
        assert_eq!(ids(&retry), ids(&first));
        assert_eq!(server.remaining(1).await, 38, "bought once");

        let misuse = server.keyed_buy(&token, "order-1", 1).await;
        assert_eq!(misuse.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(misuse.error().contains("already used for another order"));

        // Twenty copies of one order at once still buy once.
        let copies: Vec<_> = (0..20)
            .map(|_| {
                let (server, token) = (server.clone(), token.clone());
                tokio::spawn(async move { server.keyed_buy(&token, "order-2", 1).await })
            })
            .collect();
        let mut answers = Vec::new();
        for copy in copies {
            answers.push(copy.await.unwrap());
        }
        let distinct: HashSet<Vec<String>> = answers.iter().map(ids).collect();
        assert!(answers.iter().all(|a| a.status == StatusCode::CREATED));
        assert_eq!(distinct.len(), 1, "every copy got the same ticket");
        assert_eq!(server.remaining(1).await, 37);

        // Keys are per fan: another fan's "order-1" is their own order.
        let other = server.fan("botan").await;
        let theirs = server.keyed_buy(&other, "order-1", 2).await;
        assert_eq!(theirs.status, StatusCode::CREATED);
        assert_ne!(ids(&theirs), ids(&first));
        assert_eq!(server.saved_ticket_ids().len(), 5);
    });
}

#[test]
fn five_hundred_clients_race_for_forty_tickets_and_exactly_forty_are_sold() {
    run(async {
        let server = serve(&[40]).await;
        let started = std::time::Instant::now();
        let mut tokens = Vec::new();
        for chunk in (0..500).collect::<Vec<u32>>().chunks(50) {
            let signups = chunk.iter().map(|&i| {
                let server = server.clone();
                tokio::spawn(async move { server.fan(&format!("fan{i}")).await })
            });
            for signup in signups.collect::<Vec<_>>() {
                tokens.push(signup.await.unwrap());
            }
        }
        eprintln!("500 sign-ups took {:?}", started.elapsed());

        let barrier = Arc::new(tokio::sync::Barrier::new(tokens.len()));
        let buyers = tokens.into_iter().map(|token| {
            let (server, barrier) = (server.clone(), barrier.clone());
            tokio::spawn(async move {
                // Each client its own connection, as 500 fans' phones would be.
                let client = reqwest::Client::new();
                barrier.wait().await;
                let request = client
                    .post(server.url("/api/buy-tickets"))
                    .bearer_auth(token)
                    .json(&json!({"stage_id": 1, "qty": 1}));
                server.send(request).await
            })
        });
        let mut sold = Vec::new();
        let mut refused = 0;
        for buyer in buyers.collect::<Vec<_>>() {
            let answer = buyer.await.unwrap();
            match answer.status {
                StatusCode::CREATED => sold.extend(ids(&answer)),
                StatusCode::CONFLICT => {
                    assert!(answer.error().contains("sold out") || answer.error().contains("left"));
                    refused += 1;
                }
                other => panic!("unexpected {other}: {}", answer.body),
            }
        }
        assert_eq!(sold.len(), 40);
        assert_eq!(refused, 460);
        assert_eq!(server.remaining(1).await, 0);
        let mut saved = server.saved_ticket_ids();
        saved.sort();
        sold.sort();
        assert_eq!(saved, sold, "exactly the acknowledged tickets are saved");
    });
}

/// Every (path, method) the OpenAPI document lists, with its documented statuses.
fn documented(document: &Value) -> BTreeMap<(String, String), Vec<u16>> {
    let mut operations = BTreeMap::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let statuses = operation["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(|status| status.parse().unwrap())
                .collect();
            operations.insert((path.clone(), method.to_uppercase()), statuses);
        }
    }
    operations
}

#[test]
fn the_openapi_document_lists_exactly_the_endpoints_and_the_answers_they_give() {
    run(async {
        let server = serve(&[40, 1]).await;
        let answer = server.get("/api/openapi.json", None).await;
        assert_eq!(answer.status, StatusCode::OK);
        let document = answer.body;
        assert!(document["openapi"].as_str().unwrap().starts_with("3."));
        let operations = documented(&document);
        let listed: Vec<(&str, &str)> = operations
            .keys()
            .map(|(path, method)| (path.as_str(), method.as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                ("/api/buy-tickets", "POST"),
                ("/api/door/check-ins", "GET"),
                ("/api/door/festivals/{slug}/kit", "GET"),
                ("/api/door/redeem", "POST"),
                ("/api/festivals", "GET"),
                ("/api/festivals/{slug}/stages", "GET"),
                ("/api/login", "POST"),
                ("/api/logout", "POST"),
                ("/api/my-tickets", "GET"),
                ("/api/organiser/festivals", "GET"),
                ("/api/organiser/festivals", "POST"),
                ("/api/organiser/festivals/{slug}", "GET"),
                ("/api/organiser/festivals/{slug}", "PATCH"),
                ("/api/organiser/festivals/{slug}/default", "POST"),
                ("/api/organiser/festivals/{slug}/history", "GET"),
                ("/api/organiser/festivals/{slug}/sales", "GET"),
                ("/api/organiser/festivals/{slug}/stages", "POST"),
                ("/api/organiser/festivals/{slug}/stages/order", "PUT"),
                ("/api/organiser/festivals/{slug}/stages/{id}", "DELETE"),
                ("/api/organiser/festivals/{slug}/stages/{id}", "PUT"),
                ("/api/organiser/festivals/{slug}/state", "POST"),
                ("/api/organiser/festivals/{slug}/tickets-legacy.csv", "GET"),
                ("/api/organiser/festivals/{slug}/tickets.csv", "GET"),
                ("/api/organiser/second-factor", "POST"),
                ("/api/organiser/second-factor/confirm", "POST"),
                ("/api/organiser/second-factor/setup", "POST"),
                ("/api/organiser/staff", "GET"),
                ("/api/organiser/staff/{name}/roles", "POST"),
                ("/api/organiser/staff/{name}/roles/{role}", "DELETE"),
                ("/api/organiser/tickets", "GET"),
                ("/api/register", "POST"),
                ("/api/stages", "GET"),
                ("/healthz", "GET"),
            ]
        );
        // The organisers' operations' answers are checked in tests/organiser_api.rs.

        // Real answers, each of whose status must be documented for its endpoint.
        let token = server.fan("watame").await;
        let other = server.fan("towa").await;
        assert_eq!(server.buy(&other, 2, 1).await.status, StatusCode::CREATED);
        let body = |v: Value| Some(v);
        let samples: Vec<(Method, &str, Option<&str>, Option<Value>)> = vec![
            (Method::GET, "/api/stages", None, None),
            (Method::GET, "/healthz", None, None),
            (
                Method::POST,
                "/api/register",
                None,
                body(json!({"username": "luna", "password": PASSWORD})),
            ),
            (
                Method::POST,
                "/api/register",
                None,
                body(json!({"username": "watame", "password": PASSWORD})),
            ),
            (
                Method::POST,
                "/api/register",
                None,
                body(json!({"username": "luna2", "password": "x"})),
            ),
            (
                Method::POST,
                "/api/login",
                None,
                body(json!({"username": "watame", "password": PASSWORD})),
            ),
            (
                Method::POST,
                "/api/login",
                None,
                body(json!({"username": "watame", "password": "wrong-wrong"})),
            ),
            (Method::GET, "/api/my-tickets", Some(&token), None),
            (Method::GET, "/api/my-tickets", None, None),
            (
                Method::GET,
                "/api/my-tickets?username=towa",
                Some(&token),
                None,
            ),
            (
                Method::POST,
                "/api/buy-tickets",
                Some(&token),
                body(json!({"stage_id": 1, "qty": 1})),
            ),
            (
                Method::POST,
                "/api/buy-tickets",
                Some(&token),
                body(json!({"stage_id": 1, "qty": 0})),
            ),
            (
                Method::POST,
                "/api/buy-tickets",
                Some(&token),
                body(json!({"stage_id": 2, "qty": 1})),
            ),
            (
                Method::POST,
                "/api/buy-tickets",
                Some(&token),
                body(json!({"stage_id": 7, "qty": 1})),
            ),
            (
                Method::POST,
                "/api/buy-tickets",
                None,
                body(json!({"stage_id": 1, "qty": 1})),
            ),
            (Method::POST, "/api/logout", Some(&token), None),
            (Method::POST, "/api/logout", Some(&token), None),
            (Method::GET, "/api/festivals", None, None),
            (
                Method::GET,
                "/api/festivals/hololive-5th-fes/stages",
                None,
                None,
            ),
            (Method::GET, "/api/festivals/no-such-fes/stages", None, None),
            (Method::GET, "/api/festivals/Not_A_Slug/stages", None, None),
        ];
        let mut seen = HashSet::new();
        for (method, path_and_query, token, body) in samples {
            let mut request = server
                .http
                .request(method.clone(), server.url(path_and_query));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = body {
                request = request.json(&body);
            }
            let answer = server.send(request).await;
            let path = path_and_query.split('?').next().unwrap();
            let path = match path.strip_prefix("/api/festivals/") {
                Some(_) => "/api/festivals/{slug}/stages",
                None => path,
            };
            let statuses = &operations[&(path.to_owned(), method.to_string())];
            assert!(
                statuses.contains(&answer.status.as_u16()),
                "{method} {path} answered {} which the document does not list ({statuses:?})",
                answer.status
            );
            seen.insert((path.to_owned(), method.to_string()));
            if answer.status.is_success() && answer.status != StatusCode::NO_CONTENT {
                check_fields(&document, path, &method, &answer.body);
            }
        }
        // The organisers' operations are tried in tests/organiser_api.rs, the
        // door's in tests/door_api.rs.
        let for_fans = operations
            .keys()
            .filter(|(path, _)| {
                !path.starts_with("/api/organiser/") && !path.starts_with("/api/door/")
            })
            .count();
        assert_eq!(seen.len(), for_fans, "every endpoint was tried");
    });
}

/// The fields of a real success body are exactly those its schema names.
fn check_fields(document: &Value, path: &str, method: &Method, body: &Value) {
    let operation = &document["paths"][path][method.as_str().to_lowercase()];
    let success = operation["responses"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .unwrap()
        .1;
    let mut schema = &success["content"]["application/json"]["schema"];
    let mut body = body;
    if schema["type"] == "array" {
        schema = &schema["items"];
        body = &body[0];
        if body.is_null() {
            return;
        }
    }
    let name = schema["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
    let properties: Vec<&String> = document["components"]["schemas"][name]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let mut fields: Vec<&String> = body.as_object().unwrap().keys().collect();
    let mut properties = properties;
    fields.sort();
    properties.sort();
    assert_eq!(
        fields, properties,
        "{method} {path}: body fields vs schema {name}"
    );
}
