//! The organisers' JSON API over real sockets: who may call it (every
//! operation the document tags `organiser`, called as each kind of caller),
//! every rule of the festival editor refused with its status and sentence
//! and nothing written, the public festival routes, and the CSV exports
//! (the legacy one read back by the importer).
#![cfg(feature = "ssr")]

mod common;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::future::Future;
use std::time::Duration;
use tiket::domain::{Role, Slug};
use tiket::server::staff::current_code;

fn run(test: impl Future<Output = ()>) {
    common::run_shared(Duration::from_secs(240), test)
}

use common::api::{serve, Server};

/// Edits in every festival's history.
fn history_len(server: &Server) -> usize {
    server
        .shop
        .catalogue()
        .festivals()
        .iter()
        .map(|f| server.shop.history(&f.slug).len())
        .sum()
}

const FES: &str = "hololive-5th-fes";

/// (method, path) of every operation the served document tags `organiser`.
async fn organiser_operations(server: &Server) -> Vec<(Method, String, bool, Vec<u16>)> {
    let document = server
        .call(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let tags = operation["tags"].as_array().cloned().unwrap_or_default();
            if !tags.iter().any(|tag| tag == "organiser") {
                continue;
            }
            assert!(
                path.starts_with("/api/organiser/"),
                "{path} is tagged organiser"
            );
            assert!(
                operation["responses"]["401"].is_object()
                    && operation["responses"]["403"].is_object(),
                "{method} {path} declares 401 and 403"
            );
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let statuses = operation["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(|status| status.parse().unwrap())
                .collect();
            operations.push((
                method,
                path.clone(),
                operation["requestBody"].is_object(),
                statuses,
            ));
        }
    }
    operations
}

fn filled(path: &str) -> String {
    path.replace("{slug}", FES)
        .replace("{id}", "1")
        .replace("{name}", "nobody-here")
        .replace("{role}", "door")
}

#[test]
fn every_organiser_operation_refuses_everyone_but_an_organiser_past_the_second_factor() {
    run(async {
        let server = serve().await;
        let fan = server.fan("just-a-fan").await;
        let door = server.staff("gate-1", Role::Door).await;
        let (organiser, _) = server.organiser("a-chan").await;
        let not_passed = server.sign_in("a-chan").await;
        let operations = organiser_operations(&server).await;
        assert!(operations.len() >= 20, "{operations:?}");
        for (method, path, has_body, documented) in &operations {
            let url = filled(path);
            let body = has_body.then(|| json!({}));
            let second_factor = path.starts_with("/api/organiser/second-factor");
            // Every answer's status is one the document gives for the operation.
            let call = |token: Option<String>| {
                let (method, url, body) = (method.clone(), url.clone(), body.clone());
                let server = &server;
                async move {
                    let answer = server
                        .call(method.clone(), &url, token.as_deref(), body)
                        .await;
                    assert!(
                        documented.contains(&answer.status.as_u16()),
                        "{method} {url}: {} is not documented ({documented:?})",
                        answer.status
                    );
                    answer
                }
            };
            let nobody = call(None).await;
            assert_eq!(
                nobody.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path}: {}",
                nobody.text
            );
            for (who, token) in [("a fan", &fan), ("door staff", &door)] {
                let answer = call(Some(token.clone())).await;
                assert_eq!(
                    answer.status,
                    StatusCode::FORBIDDEN,
                    "{method} {path} as {who}: {}",
                    answer.text
                );
                assert!(answer.error().contains("organiser"), "{}", answer.text);
            }
            let early = call(Some(not_passed.clone())).await;
            match second_factor {
                false => {
                    assert_eq!(
                        early.status,
                        StatusCode::FORBIDDEN,
                        "{method} {path}: {}",
                        early.text
                    );
                    assert_eq!(
                        early.error(),
                        "organisers confirm their sign-in with a one-time code first"
                    );
                }
                true => assert!(
                    !matches!(
                        early.status,
                        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                    ),
                    "{method} {path} before the second factor: {} {}",
                    early.status,
                    early.text
                ),
            }
            let answer = call(Some(organiser.clone())).await;
            assert!(
                !matches!(
                    answer.status,
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                ),
                "{method} {path} as an organiser: {} {}",
                answer.status,
                answer.text
            );
        }
    });
}

#[test]
fn the_second_factor_is_passed_with_the_apps_code_once_per_session() {
    run(async {
        let server = serve().await;
        let (_, secret) = server.organiser("a-chan").await;
        let token = server.sign_in("a-chan").await;
        let festivals = "/api/organiser/festivals";
        assert_eq!(
            server.get(festivals, &token).await.status,
            StatusCode::FORBIDDEN
        );
        let wrong = server
            .post(
                "/api/organiser/second-factor",
                &token,
                json!({"code": "000000x"}),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);
        let again = server
            .post("/api/organiser/second-factor/setup", &token, json!(null))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
        let code = current_code(&secret, server.shop.now()).unwrap();
        let passed = server
            .post(
                "/api/organiser/second-factor",
                &token,
                json!({"code": code}),
            )
            .await;
        assert_eq!(passed.status, StatusCode::NO_CONTENT, "{}", passed.text);
        assert_eq!(server.get(festivals, &token).await.status, StatusCode::OK);
    });
}

/// Guessing the six-digit code is hopeless: past a few wrong codes, every
/// try is refused with 429 until the name's limit lets one through again,
/// even the right code.
#[test]
fn wrong_codes_are_limited_per_name() {
    run(async {
        let server = serve().await;
        let (_, secret) = server.organiser("kanata").await;
        let token = server.sign_in("kanata").await;
        let mut statuses = Vec::new();
        for _ in 0..8 {
            let wrong = server
                .post(
                    "/api/organiser/second-factor",
                    &token,
                    json!({"code": "000000x"}),
                )
                .await;
            statuses.push(wrong.status);
        }
        assert!(
            statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
        assert!(statuses
            .iter()
            .all(|s| [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(s)));
        let code = current_code(&secret, server.shop.now()).unwrap();
        let right = server
            .post(
                "/api/organiser/second-factor",
                &token,
                json!({"code": code}),
            )
            .await;
        assert_eq!(
            right.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            right.text
        );
        assert!(right.text.contains("try again in"), "{}", right.text);
    });
}

fn stage_body() -> Value {
    json!({"name": "Sunset", "day": 1,
        "doors_open": "2027-03-20T16:00", "starts_at": "2027-03-20T17:30",
        "sale_opens": "2026-11-01T12:00", "sale_closes": "2027-03-20T16:00",
        "price": 7950, "total_stock": 40})
}

fn with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

#[test]
fn the_editor_creates_publishes_and_orders_festivals_with_stages_in_their_zone() {
    run(async {
        let server = serve().await;
        let (token, _) = server.organiser("a-chan").await;
        let new = json!({"slug": "id-fes", "name": "Indonesia fes", "venue": "Jakarta", "time_zone": "Asia/Jakarta"});
        let created = server.post("/api/organiser/festivals", &token, new).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        assert_eq!(created.json()["state"], "draft");
        // A draft is not public.
        let public = server
            .call(Method::GET, "/api/festivals/id-fes/stages", None, None)
            .await;
        assert_eq!(public.status, StatusCode::NOT_FOUND);
        let added = server
            .post(
                "/api/organiser/festivals/id-fes/stages",
                &token,
                stage_body(),
            )
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
        assert_eq!(added.json()["id"], 3, "the next id after the two stages");
        let stage = &added.json()["festival"]["stages"][0];
        assert_eq!(stage["doors_open"], "2027-03-20T16:00");
        let placed = server
            .shop
            .catalogue()
            .stage(tiket::domain::StageId(3))
            .unwrap()
            .1
            .doors_open;
        assert_eq!(placed, time::macros::datetime!(2027-03-20 16:00 +7));
        let second = server
            .post(
                "/api/organiser/festivals/id-fes/stages",
                &token,
                stage_body(),
            )
            .await;
        assert_eq!(second.json()["id"], 4);
        let ordered = server
            .put(
                "/api/organiser/festivals/id-fes/stages/order",
                &token,
                json!({"stages": [4, 3]}),
            )
            .await;
        assert_eq!(ordered.status, StatusCode::OK, "{}", ordered.text);
        assert_eq!(ordered.json()["stages"][0]["id"], 4);
        let published = server
            .post(
                "/api/organiser/festivals/id-fes/state",
                &token,
                json!({"state": "published"}),
            )
            .await;
        assert_eq!(published.status, StatusCode::OK, "{}", published.text);
        let listed = server
            .call(Method::GET, "/api/festivals", None, None)
            .await
            .json();
        let slugs: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["slug"].as_str().unwrap())
            .collect();
        // The test festival's doors open in 2100: the new one is sooner.
        assert_eq!(slugs, ["id-fes", FES], "upcoming first");
        assert_eq!(listed[0]["stage_count"], 2);
        let stages = server
            .call(Method::GET, "/api/festivals/id-fes/stages", None, None)
            .await;
        assert_eq!(stages.status, StatusCode::OK);
        assert_eq!(stages.json()[0]["stage_id"], 4);
        let default = server
            .post(
                "/api/organiser/festivals/id-fes/default",
                &token,
                json!(null),
            )
            .await;
        assert_eq!(default.status, StatusCode::OK, "{}", default.text);
        assert_eq!(default.json()["is_default"], true);
        let described = server
            .call(
                Method::PATCH,
                "/api/organiser/festivals/id-fes",
                Some(&token),
                Some(json!({"venue": "JIExpo"})),
            )
            .await;
        assert_eq!(described.json()["venue"], "JIExpo");
        assert_eq!(described.json()["name"], "Indonesia fes");
        let history = server
            .get("/api/organiser/festivals/id-fes/history", &token)
            .await
            .json();
        let kinds: Vec<&str> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["edit"]["edit"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "describe",
                "make_default",
                "set_state",
                "order_stages",
                "save_stage",
                "save_stage",
                "create"
            ]
        );
        assert!(history
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["by"] == "a-chan"));
        let removed = server
            .call(
                Method::DELETE,
                "/api/organiser/festivals/id-fes/stages/3",
                Some(&token),
                None,
            )
            .await;
        assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    });
}

#[test]
fn every_editor_rule_and_bad_input_is_refused_with_its_sentence_and_nothing_written() {
    run(async {
        let server = serve().await;
        let (token, _) = server.organiser("a-chan").await;
        let buyer = server.fan("pekora").await;
        let bought = server
            .post("/api/buy-tickets", &buyer, json!({"stage_id": 1, "qty": 2}))
            .await;
        assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.text);
        let new = json!({"slug": "other-fes", "name": "Other", "venue": "Hall", "time_zone": "Asia/Tokyo"});
        assert_eq!(
            server
                .post("/api/organiser/festivals", &token, new)
                .await
                .status,
            StatusCode::CREATED
        );

        let stage = "/api/organiser/festivals/hololive-5th-fes/stages/1";
        let fes = "/api/organiser/festivals/hololive-5th-fes";
        let cases: Vec<(Method, String, Value, StatusCode, &str)> = vec![
            (Method::POST, "/api/organiser/festivals".into(),
                json!({"slug": FES, "name": "Again", "venue": "Hall", "time_zone": "Asia/Tokyo"}),
                StatusCode::CONFLICT, "the address name hololive-5th-fes is taken by another festival"),
            (Method::POST, "/api/organiser/festivals".into(),
                json!({"slug": "Bad Slug", "name": "A", "venue": "B", "time_zone": "Asia/Tokyo"}),
                StatusCode::UNPROCESSABLE_ENTITY, "is not a usable address name"),
            (Method::POST, "/api/organiser/festivals".into(),
                json!({"slug": "mars", "name": "A", "venue": "B", "time_zone": "Mars/Olympus"}),
                StatusCode::UNPROCESSABLE_ENTITY, "an IANA time zone"),
            (Method::POST, "/api/organiser/festivals".into(),
                json!({"slug": "empty", "name": "  ", "venue": "B", "time_zone": "Asia/Tokyo"}),
                StatusCode::UNPROCESSABLE_ENTITY, "the name: it is empty"),
            (Method::POST, "/api/organiser/festivals".into(),
                json!({"slug": "html", "name": "<script>x</script>", "venue": "B", "time_zone": "Asia/Tokyo"}),
                StatusCode::UNPROCESSABLE_ENTITY, "< or >"),
            (Method::PATCH, fes.into(), json!({"venue": "Hall\u{7}A"}),
                StatusCode::UNPROCESSABLE_ENTITY, "control character"),
            (Method::PATCH, "/api/organiser/festivals/no-such-fes".into(), json!({"name": "X"}),
                StatusCode::NOT_FOUND, "there is no festival no-such-fes"),
            (Method::PATCH, "/api/organiser/festivals/Not_A_Slug".into(), json!({"name": "X"}),
                StatusCode::BAD_REQUEST, "address name"),
            (Method::PUT, stage.into(), with(stage_body(), "name", json!("")),
                StatusCode::UNPROCESSABLE_ENTITY, "the name: it is empty"),
            (Method::PUT, stage.into(), with(stage_body(), "price", json!(-1)),
                StatusCode::UNPROCESSABLE_ENTITY, "price"),
            (Method::PUT, stage.into(), with(stage_body(), "price", json!(0)),
                StatusCode::UNPROCESSABLE_ENTITY, "the price must be at least ¥1"),
            (Method::PUT, stage.into(), with(stage_body(), "price", json!(10_000_001)),
                StatusCode::UNPROCESSABLE_ENTITY, "the price must be at most ¥10000000"),
            (Method::PUT, stage.into(), with(stage_body(), "total_stock", json!(10_000_001)),
                StatusCode::UNPROCESSABLE_ENTITY, "the stock must be at most 10000000 tickets"),
            (Method::PUT, stage.into(), with(stage_body(), "total_stock", json!(-5)),
                StatusCode::UNPROCESSABLE_ENTITY, "total_stock"),
            (Method::PUT, stage.into(), with(stage_body(), "total_stock", json!(1)),
                StatusCode::CONFLICT, "2 tickets are sold, so the stock cannot be lower than 2"),
            (Method::PUT, stage.into(), with(stage_body(), "per_order", json!(0)),
                StatusCode::UNPROCESSABLE_ENTITY, "the per-order limit must be 1 to 100"),
            (Method::PUT, stage.into(), with(stage_body(), "doors_open", json!("2027-03-20T18:00")),
                StatusCode::UNPROCESSABLE_ENTITY, "the doors must open no later than the show starts"),
            (Method::PUT, stage.into(), with(stage_body(), "sale_opens", json!("2027-03-20T16:00")),
                StatusCode::UNPROCESSABLE_ENTITY, "the sale must close after it opens"),
            (Method::PUT, stage.into(), with(stage_body(), "doors_open", json!("2027-02-30T16:00")),
                StatusCode::UNPROCESSABLE_ENTITY, "a day that exists"),
            (Method::PUT, stage.into(), with(stage_body(), "name", json!("Stage <b>1</b>")),
                StatusCode::UNPROCESSABLE_ENTITY, "< or >"),
            (Method::PUT, stage.into(), with(stage_body(), "name", json!("Stage\n1")),
                StatusCode::UNPROCESSABLE_ENTITY, "control character"),
            (Method::PUT, "/api/organiser/festivals/hololive-5th-fes/stages/99".into(), stage_body(),
                StatusCode::NOT_FOUND, "festival hololive-5th-fes has no stage 99"),
            (Method::PUT, "/api/organiser/festivals/no-such-fes/stages/1".into(), stage_body(),
                StatusCode::NOT_FOUND, "there is no festival no-such-fes"),
            // Stage 1 is the reference festival's: it cannot move.
            (Method::PUT, "/api/organiser/festivals/other-fes/stages/1".into(), stage_body(),
                StatusCode::CONFLICT, "stage 1 belongs to the festival hololive-5th-fes; stages cannot move between festivals"),
            (Method::PUT, "/api/organiser/festivals/hololive-5th-fes/stages/x".into(), stage_body(),
                StatusCode::BAD_REQUEST, "the address does not fit"),
            (Method::DELETE, stage.into(), Value::Null,
                StatusCode::CONFLICT, "stage 1 has sold 2 tickets, so it cannot be removed; close it instead"),
            (Method::DELETE, "/api/organiser/festivals/hololive-5th-fes/stages/7".into(), Value::Null,
                StatusCode::NOT_FOUND, "has no stage 7"),
            (Method::PUT, "/api/organiser/festivals/hololive-5th-fes/stages/order".into(), json!({"stages": [1, 1]}),
                StatusCode::CONFLICT, "the new order must list each of the festival's stages once"),
            (Method::POST, "/api/organiser/festivals/other-fes/state".into(), json!({"state": "published"}),
                StatusCode::CONFLICT, "a festival without stages cannot be published"),
            (Method::POST, "/api/organiser/festivals/other-fes/state".into(), json!({"state": "gone"}),
                StatusCode::UNPROCESSABLE_ENTITY, "unknown variant `gone`"),
            (Method::POST, "/api/organiser/festivals/other-fes/default".into(), Value::Null,
                StatusCode::CONFLICT, "only a published festival can be the one fans land on"),
            (Method::POST, "/api/organiser/staff/nobody/roles".into(), json!({"role": "door"}),
                StatusCode::NOT_FOUND, "there is no account named \"nobody\""),
            (Method::DELETE, "/api/organiser/staff/a-chan/roles/organiser".into(), Value::Null,
                StatusCode::CONFLICT, "a-chan is the last organiser"),
            (Method::DELETE, "/api/organiser/staff/pekora/roles/door".into(), Value::Null,
                StatusCode::NOT_FOUND, "pekora does not have the role door"),
            (Method::DELETE, "/api/organiser/staff/pekora/roles/admin".into(), Value::Null,
                StatusCode::BAD_REQUEST, "the address does not fit"),
        ];
        let catalogue = server.shop.catalogue();
        let history = history_len(&server);
        let staff = server.shop.staff_members();
        let mut wrong = Vec::new();
        for (method, path, body, status, says) in cases {
            let body = (!body.is_null()).then_some(body);
            let answer = server.call(method.clone(), &path, Some(&token), body).await;
            if answer.status != status || !answer.error().contains(says) {
                wrong.push(format!(
                    "{method} {path}: {} {:?}, not {status} {says:?}",
                    answer.status, answer.text
                ));
            }
            assert_eq!(
                server.shop.catalogue(),
                catalogue,
                "{method} {path} changed the catalogue"
            );
            assert_eq!(
                history_len(&server),
                history,
                "{method} {path} wrote history"
            );
            assert_eq!(
                server.shop.staff_members(),
                staff,
                "{method} {path} changed the staff"
            );
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // Closing a stage with sales is how it goes: its tickets stay.
        let closed = server
            .put(stage, &token, with(stage_body(), "closed", json!(true)))
            .await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
        assert_eq!(closed.json()["stages"][0]["closed"], true);
        assert_eq!(closed.json()["stages"][0]["sold"], 2);
        let refused = server
            .post("/api/buy-tickets", &buyer, json!({"stage_id": 1, "qty": 1}))
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
        // Staff come and go.
        let granted = server
            .post(
                "/api/organiser/staff/pekora/roles",
                &token,
                json!({"role": "door"}),
            )
            .await;
        assert_eq!(granted.status, StatusCode::OK, "{}", granted.text);
        assert_eq!(granted.json()["roles"], json!(["door"]));
        let listed = server.get("/api/organiser/staff", &token).await.json();
        assert_eq!(listed.as_array().unwrap().len(), 2);
        let taken = server
            .call(
                Method::DELETE,
                "/api/organiser/staff/pekora/roles/door",
                Some(&token),
                None,
            )
            .await;
        assert_eq!(taken.status, StatusCode::NO_CONTENT, "{}", taken.text);
        let sales = server
            .get("/api/organiser/festivals/hololive-5th-fes/sales", &token)
            .await
            .json();
        assert_eq!(
            (sales["sold"].clone(), sales["revenue"].clone()),
            (json!(2), json!(15_900))
        );
        let code = sales["latest"][0]["code"].as_str().unwrap().to_owned();
        let undashed = code.replace('-', "").to_lowercase();
        let found = server
            .get(&format!("/api/organiser/tickets?q={undashed}"), &token)
            .await
            .json();
        assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
        let by_name = server
            .get("/api/organiser/tickets?q=PEKO", &token)
            .await
            .json();
        assert_eq!(by_name.as_array().unwrap().len(), 2, "{by_name}");
    });
}

#[test]
fn both_exports_hold_every_ticket_and_the_legacy_one_imports() {
    run(async {
        let server = serve().await;
        let (token, _) = server.organiser("a-chan").await;
        for (name, stage, qty) in [("pekora", 1, 2), ("Miko, \"35P\"", 2, 1)] {
            let fan = server.fan(name).await;
            let bought = server
                .post(
                    "/api/buy-tickets",
                    &fan,
                    json!({"stage_id": stage, "qty": qty}),
                )
                .await;
            assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.text);
        }
        let export = server
            .get(
                "/api/organiser/festivals/hololive-5th-fes/tickets.csv",
                &token,
            )
            .await;
        assert_eq!(export.status, StatusCode::OK);
        assert_eq!(export.headers["content-type"], "text/csv; charset=utf-8");
        assert!(export.text.starts_with('\u{feff}'));
        // As browsers ask for it: compressed, to its end (a compressing
        // layer polls the stream once more after it ends; that must not fail).
        for path in ["tickets.csv", "tickets-legacy.csv"] {
            let compressed = server
                .http
                .get(format!(
                    "{}/api/organiser/festivals/hololive-5th-fes/{path}",
                    server.base
                ))
                .bearer_auth(&token)
                .header("accept-encoding", "gzip")
                .send()
                .await
                .expect("the export answers");
            assert_eq!(compressed.status(), StatusCode::OK);
            assert_eq!(compressed.headers()["content-encoding"], "gzip");
            let body = compressed.bytes().await.expect("the whole body arrives");
            assert!(body.len() > 20, "{path}: {} bytes", body.len());
        }
        let lines: Vec<&str> = export.text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(
            lines[0],
            "code,stage_id,stage_name,username,price_paid,bought_at,status"
        );
        assert_eq!(lines.len(), 4, "{}", export.text);
        let mut reader = csv::Reader::from_reader(export.text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let last = &rows[2];
        assert_eq!(
            (&last[1], &last[2], &last[3], &last[4], &last[6]),
            ("2", "Stage 2", "Miko, \"35P\"", "7950", "valid")
        );
        time::OffsetDateTime::parse(&last[5], &time::format_description::well_known::Rfc3339)
            .unwrap();

        let legacy = server
            .get(
                "/api/organiser/festivals/hololive-5th-fes/tickets-legacy.csv",
                &token,
            )
            .await;
        assert_eq!(legacy.status, StatusCode::OK);
        assert!(
            legacy
                .text
                .starts_with("ticket_id,stage_id,timestamp,username\n"),
            "{}",
            legacy.text
        );
        let stages = server
            .call(Method::GET, "/api/stages", None, None)
            .await
            .json();
        let old_stages: Vec<Value> = stages
            .as_array()
            .unwrap()
            .iter()
            .map(|s| json!({"stage_id": s["stage_id"], "stage_name": s["stage_name"], "stage_day": s["stage_day"],
                "date_open": s["date_open"], "date_start": s["date_start"], "ticket_price": s["ticket_price"],
                "ticket_stock": s["ticket_stock"]}))
            .collect();
        let old_stages = serde_json::to_vec(&old_stages).unwrap();
        let options = tiket::import::SeedOptions {
            sale_opens: Some(time::macros::datetime!(2000-01-01 00:00 UTC)),
            ..tiket::import::SeedOptions::at(server.shop.now())
        };
        let saved = tiket::import::read_seed(
            tiket::import::Input::new("stages.json", &old_stages),
            tiket::import::Input::new("tickets.csv", legacy.text.as_bytes()),
            &options,
            &mut rand::rngs::StdRng::from_seed([7; 32]),
        )
        .unwrap();
        let imported: Vec<(String, u32, String)> = saved
            .tickets()
            .map(|t| (t.id.0.to_string(), t.stage.0, t.owner.as_str().to_owned()))
            .collect();
        let sold: Vec<(String, u32, String)> = server
            .shop
            .tickets_page(
                &[tiket::domain::StageId(1), tiket::domain::StageId(2)],
                0,
                100,
            )
            .0
            .iter()
            .map(|t| (t.id.0.to_string(), t.stage.0, t.owner.as_str().to_owned()))
            .collect();
        assert_eq!(imported, sold);
        assert_eq!(
            saved.festival.stages[0].total_stock, 40,
            "stock left plus tickets sold"
        );
        let unknown = server
            .get("/api/organiser/festivals/no-such-fes/tickets.csv", &token)
            .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let _ = Slug::reference();
    });
}

use rand::SeedableRng;
