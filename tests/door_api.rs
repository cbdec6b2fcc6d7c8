//! The door's JSON API over real sockets: who may call it (every operation
//! the document tags `door`, called as each kind of caller), the race of
//! 1,000 tickets each scanned at two gates at once, a scan sent again, the
//! offline door's forced reports, and every bad input refused with its
//! status and sentence, nothing kept.
#![cfg(feature = "ssr")]

mod common;

use common::api::{serve_with, Server};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tiket::domain::{FanName, Order, Role, StageId, Ticket};

fn run(test: impl Future<Output = ()>) {
    common::run_shared(Duration::from_secs(300), test)
}

const FES: &str = "hololive-5th-fes";

/// Sells `count` tickets of `stage` through the shop, four per fan.
async fn sell(server: &Server, stage: u32, count: u32, prefix: &str) -> Vec<Ticket> {
    let mut tickets = Vec::new();
    let mut fan = 0;
    while (tickets.len() as u32) < count {
        let quantity = (count - tickets.len() as u32).min(4);
        let order = Order {
            fan: FanName::new(format!("{prefix}{fan}")).unwrap(),
            stage: StageId(stage),
            quantity,
        };
        let purchase = server.shop.buy(order, None).await.expect("sold");
        tickets.extend(purchase.tickets);
        fan += 1;
    }
    tickets
}

fn redeem_body(code: &str, gate: &str, scan: &str) -> Value {
    json!({"code": code, "gate": gate, "scan_id": scan})
}

/// Every operation the served document tags `door`.
async fn door_operations(server: &Server) -> Vec<(Method, String, bool)> {
    let document = server
        .call(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let tags = operation["tags"].as_array().cloned().unwrap_or_default();
            if !tags.iter().any(|tag| tag == "door") {
                continue;
            }
            assert!(path.starts_with("/api/door/"), "{path} is tagged door");
            assert!(
                operation["responses"]["401"].is_object()
                    && operation["responses"]["403"].is_object(),
                "{method} {path} declares 401 and 403"
            );
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            operations.push((method, path.clone(), operation["requestBody"].is_object()));
        }
    }
    operations
}

#[test]
fn every_door_operation_refuses_fans_and_the_signed_out_and_serves_door_staff() {
    run(async {
        let server = serve_with(&[40, 40]).await;
        let ticket = sell(&server, 1, 1, "holder").await.remove(0);
        let fan = server.fan("just-a-fan").await;
        let door = server.staff("gate-1", Role::Door).await;
        let (organiser, _) = server.organiser("a-chan").await;
        let not_passed = server.sign_in("a-chan").await;
        let operations = door_operations(&server).await;
        assert_eq!(operations.len(), 3, "{operations:?}");
        let mut scans = 0;
        for (method, path, has_body) in &operations {
            let url = path.replace("{slug}", FES);
            let mut body = || {
                scans += 1;
                has_body
                    .then(|| redeem_body(&ticket.code.to_string(), "Gate 1", &format!("s{scans}")))
            };
            let refused = [
                (None, StatusCode::UNAUTHORIZED),
                (Some(fan.as_str()), StatusCode::FORBIDDEN),
                (Some(not_passed.as_str()), StatusCode::FORBIDDEN),
            ];
            for (token, status) in refused {
                let answer = server.call(method.clone(), &url, token, body()).await;
                assert_eq!(
                    answer.status, status,
                    "{method} {url} as {token:?}: {}",
                    answer.text
                );
                assert!(!answer.error().is_empty());
            }
            for token in [&door, &organiser] {
                let answer = server.call(method.clone(), &url, Some(token), body()).await;
                assert_eq!(
                    answer.status,
                    StatusCode::OK,
                    "{method} {url}: {}",
                    answer.text
                );
            }
        }
        // Only door staff's and the organiser's scans were kept: one admission.
        assert_eq!(server.shop.check_ins(None, 100, None).unwrap().len(), 1);
    });
}

#[test]
fn a_thousand_tickets_scanned_twice_at_four_gates_at_once_are_each_admitted_once() {
    run(async {
        let server = Arc::new(serve_with(&[1_000, 40]).await);
        let tickets = sell(&server, 1, 1_000, "fan").await;
        // Half are scanned by their QR code's signed pass, half by short code.
        let passes = server.shop.passes(&tickets).await.unwrap();
        let mut gates = Vec::new();
        for n in 1..=4 {
            gates.push(server.staff(&format!("gate-{n}"), Role::Door).await);
        }
        let gates = Arc::new(gates);
        // Each ticket goes to two different gates, one right after the other.
        let mut scans = Vec::new();
        for (i, (ticket, pass)) in tickets.iter().zip(&passes).enumerate() {
            let code = match i % 2 {
                0 => pass.clone(),
                _ => ticket.code.to_string(),
            };
            for (turn, gate) in [i % 4, (i + 1) % 4].into_iter().enumerate() {
                scans.push((ticket.id, code.clone(), gate, format!("t{i}-{turn}")));
            }
        }
        let admitted_by = Arc::new(std::sync::Mutex::new(HashMap::new()));
        let scans = Arc::new(std::sync::Mutex::new(scans.into_iter()));
        let mut workers = Vec::new();
        for _ in 0..32 {
            let (server, gates, scans, admitted_by) = (
                server.clone(),
                gates.clone(),
                scans.clone(),
                admitted_by.clone(),
            );
            workers.push(tokio::spawn(async move {
                let mut outcomes: HashMap<String, u32> = HashMap::new();
                loop {
                    let Some((ticket, code, gate, scan)) = scans.lock().unwrap().next() else {
                        break;
                    };
                    let body = json!({"code": code, "gate": format!("Gate {}", gate + 1),
                        "scan_id": scan, "stages": [1]});
                    let answer = server.post("/api/door/redeem", &gates[gate], body).await;
                    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
                    let answer = answer.json();
                    let result = answer["result"].as_str().unwrap().to_owned();
                    assert_eq!(answer["ticket"]["id"], json!(ticket.0), "{answer}");
                    match result.as_str() {
                        "admitted" => {
                            let earlier = admitted_by.lock().unwrap().insert(ticket, gate);
                            assert!(earlier.is_none(), "{ticket} admitted twice");
                        }
                        "already_admitted" => {
                            let first = &answer["first_check_in"];
                            assert!(first["gate"].as_str().unwrap().starts_with("Gate "));
                            assert!(first["at"].is_string());
                        }
                        other => panic!("{other}: {answer}"),
                    }
                    *outcomes.entry(result).or_default() += 1;
                }
                outcomes
            }));
        }
        let mut outcomes: HashMap<String, u32> = HashMap::new();
        for worker in workers {
            for (result, n) in worker.await.unwrap() {
                *outcomes.entry(result).or_default() += n;
            }
        }
        assert_eq!(outcomes.get("admitted"), Some(&1_000), "{outcomes:?}");
        assert_eq!(
            outcomes.get("already_admitted"),
            Some(&1_000),
            "{outcomes:?}"
        );
        let summary = server
            .shop
            .door_summary(&tiket::domain::Slug::new(FES).unwrap(), 10)
            .unwrap();
        assert_eq!(summary.stages[0].admitted, 1_000);
        assert_eq!(summary.stages[0].sold, 1_000);
        assert!(summary.conflicts.is_empty());
        // Read on through the API: every admission once, in order.
        let mut after: Option<u64> = None;
        let mut seen = 0;
        loop {
            let path = match after {
                Some(p) => format!("/api/door/check-ins?festival={FES}&limit=300&after={p}"),
                None => format!("/api/door/check-ins?festival={FES}&limit=300"),
            };
            let page = server.get(&path, &gates[0]).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.text);
            let page = page.json();
            let rows = page["check_ins"].as_array().unwrap().len();
            if rows == 0 {
                assert_eq!(page["next_after"], json!(after));
                break;
            }
            seen += rows;
            after = page["next_after"].as_u64();
        }
        assert_eq!(seen, 1_000);
    });
}

#[test]
fn a_scan_sent_again_gets_its_first_answer_and_keeps_nothing_new() {
    run(async {
        let server = serve_with(&[10, 10]).await;
        let tickets = sell(&server, 1, 2, "holder").await;
        let door = server.staff("gate-2", Role::Door).await;
        let code = tickets[0].code.to_string();
        let first = server
            .post(
                "/api/door/redeem",
                &door,
                redeem_body(&code, "Gate 2", "scan-1"),
            )
            .await
            .json();
        assert_eq!(first["result"], "admitted");
        assert_eq!(first["repeated"], false);
        let again = server
            .post(
                "/api/door/redeem",
                &door,
                redeem_body(&code, "Gate 2", "scan-1"),
            )
            .await
            .json();
        assert_eq!(again["result"], "admitted");
        assert_eq!(again["repeated"], true);
        assert_eq!(again["check_in"], first["check_in"]);
        // The same scan id for another ticket: refused, nothing kept.
        let other = tickets[1].code.to_string();
        let reused = server
            .post(
                "/api/door/redeem",
                &door,
                redeem_body(&other, "Gate 2", "scan-1"),
            )
            .await;
        assert_eq!(reused.status, StatusCode::CONFLICT, "{}", reused.text);
        assert!(reused.error().contains("scan id"), "{}", reused.text);
        // Another scan of the same ticket: where and when it was let in.
        let later = server
            .post(
                "/api/door/redeem",
                &door,
                redeem_body(&code, "Gate 3", "scan-2"),
            )
            .await
            .json();
        assert_eq!(later["result"], "already_admitted");
        assert_eq!(later["first_check_in"]["gate"], "Gate 2");
        assert_eq!(later["first_check_in"]["scan_id"], "scan-1");
        assert_eq!(server.shop.check_ins(None, 10, None).unwrap().len(), 1);
    });
}

#[test]
fn passes_forged_changed_or_of_another_stage_are_not_valid_and_wrong_stages_are_told() {
    run(async {
        let server = serve_with(&[10, 10]).await;
        let tickets = sell(&server, 1, 2, "holder").await;
        let pass = server.shop.passes(&tickets[..1]).await.unwrap().remove(0);
        let door = server.staff("gate-1", Role::Door).await;
        let redeem = |code: String, scan: &'static str, stages: Value| {
            let body = json!({"code": code, "gate": "Gate 1", "scan_id": scan, "stages": stages});
            server.post("/api/door/redeem", &door, body)
        };
        // One character changed: the signature no longer matches.
        let mut changed: Vec<char> = pass.chars().collect();
        changed[30] = if changed[30] == 'A' { 'B' } else { 'A' };
        let changed: String = changed.into_iter().collect();
        for (code, scan) in [
            (changed, "a"),
            ("Z".repeat(140), "b"),
            ("ZZZZ-ZZZZ".to_owned(), "c"),
            ("https://example.com/not-a-ticket".to_owned(), "d"),
            ("   ".to_owned(), "e"),
        ] {
            let answer = redeem(code.clone(), scan, json!(null)).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
            let answer = answer.json();
            assert_eq!(answer["result"], "not_valid", "{code}: {answer}");
            assert_eq!(answer["ticket"], Value::Null);
        }
        // The real pass at a door for stage 2 only.
        let wrong = redeem(pass.clone(), "f", json!([2])).await.json();
        assert_eq!(wrong["result"], "wrong_stage");
        assert_eq!(wrong["ticket"]["stage_id"], 1);
        // In lower case, as some scanners type it, at the right door.
        let right = redeem(pass.to_lowercase(), "g", json!([1])).await.json();
        assert_eq!(right["result"], "admitted", "{right}");
        // The older QR codes' text still works online.
        let old = redeem(format!("TIKET:{}", tickets[1].code), "h", json!([1]))
            .await
            .json();
        assert_eq!(old["result"], "admitted", "{old}");
        assert_eq!(server.shop.check_ins(None, 10, None).unwrap().len(), 2);
    });
}

#[test]
fn an_offline_doors_reports_are_kept_and_conflicts_marked() {
    run(async {
        let server = serve_with(&[10, 10]).await;
        let tickets = sell(&server, 1, 2, "holder").await;
        let gate1 = server.staff("gate-1", Role::Door).await;
        let gate4 = server.staff("gate-4", Role::Door).await;
        let code = tickets[0].code.to_string();
        let online = server
            .post(
                "/api/door/redeem",
                &gate1,
                redeem_body(&code, "Gate 1", "on-1"),
            )
            .await
            .json();
        assert_eq!(online["result"], "admitted");
        // Gate 4 was offline and let the same ticket in ten minutes ago.
        let at = server.shop.now() - time::Duration::minutes(10);
        let at = at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let body =
            json!({"code": code, "gate": "Gate 4", "scan_id": "off-1", "at": at, "force": true});
        let forced = server.post("/api/door/redeem", &gate4, body).await.json();
        assert_eq!(forced["result"], "admitted", "{forced}");
        assert_eq!(forced["check_in"]["forced"], true);
        assert_eq!(forced["check_in"]["conflict"], "already_admitted");
        assert_eq!(forced["check_in"]["at"], json!(at));
        assert_eq!(forced["first_check_in"]["gate"], "Gate 1");
        assert_eq!(forced["first_check_in"]["scan_id"], "on-1");
        // A clean offline admission is no conflict.
        let other = tickets[1].code.to_string();
        let body =
            json!({"code": other, "gate": "Gate 4", "scan_id": "off-2", "at": at, "force": true});
        let clean = server.post("/api/door/redeem", &gate4, body).await.json();
        assert_eq!(clean["check_in"]["conflict"], Value::Null);
        let summary = server
            .shop
            .door_summary(&tiket::domain::Slug::new(FES).unwrap(), 10)
            .unwrap();
        assert_eq!(summary.conflicts.len(), 1);
        assert_eq!(
            summary.stages[0].admitted, 2,
            "two tickets, three admissions"
        );
    });
}

#[test]
fn the_kit_holds_the_key_that_checks_the_festivals_passes() {
    run(async {
        let server = serve_with(&[10, 10]).await;
        let tickets = sell(&server, 2, 1, "holder").await;
        let pass = server.shop.passes(&tickets).await.unwrap().remove(0);
        let door = server.staff("gate-1", Role::Door).await;
        let kit = server
            .get(&format!("/api/door/festivals/{FES}/kit"), &door)
            .await;
        assert_eq!(kit.status, StatusCode::OK, "{}", kit.text);
        let kit = kit.json();
        assert_eq!(kit["algorithm"], "Ed25519");
        assert_eq!(kit["revoked"], json!([]));
        assert_eq!(kit["stages"].as_array().unwrap().len(), 2);
        let key: tiket::domain::DoorPublicKey =
            kit["public_key"].as_str().unwrap().parse().unwrap();
        let claims = key.verify(&pass.parse().unwrap()).unwrap();
        assert_eq!(claims.ticket, tickets[0].id);
        assert_eq!(claims.stage, StageId(2));
        assert_eq!(u64::from(claims.festival), kit["number"].as_u64().unwrap());
        // The private key is nowhere in what a door gets.
        assert!(!kit.to_string().to_lowercase().contains("secret"));
        let missing = server
            .get("/api/door/festivals/no-such-fes/kit", &door)
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
        // Fans get each ticket's pass with their tickets.
        let fan = server.fan("passholder").await;
        let order = Order {
            fan: FanName::new("passholder").unwrap(),
            stage: StageId(1),
            quantity: 1,
        };
        let bought = server
            .shop
            .buy(order, None)
            .await
            .unwrap()
            .tickets
            .remove(0);
        let mine = server.get("/api/my-tickets", &fan).await.json();
        let pass = mine[0]["pass"].as_str().unwrap();
        let claims = key.verify(&pass.parse().unwrap()).unwrap();
        assert_eq!(claims.ticket, bought.id);
    });
}

#[test]
fn bad_scans_are_refused_with_their_reason_and_nothing_is_kept() {
    run(async {
        let server = serve_with(&[10, 10]).await;
        let tickets = sell(&server, 1, 1, "holder").await;
        let door = server.staff("gate-1", Role::Door).await;
        let code = tickets[0].code.to_string();
        let now = server.shop.now();
        let rfc = |t: time::OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap()
        };
        let cases = [
            (
                json!({"code": code, "gate": "", "scan_id": "a"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "gate",
            ),
            (
                json!({"code": code, "gate": "<b>", "scan_id": "a"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "gate",
            ),
            (
                json!({"code": code, "gate": "Gate 1", "scan_id": ""}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "scan id",
            ),
            (
                json!({"code": code, "gate": "Gate 1", "scan_id": "with space"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "scan id",
            ),
            (
                json!({"code": "", "gate": "Gate 1", "scan_id": "a"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "code",
            ),
            (
                json!({"code": "A".repeat(201), "gate": "Gate 1", "scan_id": "a"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "code",
            ),
            (
                json!({"code": code, "gate": "Gate 1", "scan_id": "a", "stages": [99]}),
                StatusCode::NOT_FOUND,
                "stage 99",
            ),
            (
                json!({"code": code, "gate": "Gate 1", "scan_id": "a", "stages": (0..65).collect::<Vec<u32>>()}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "64",
            ),
            (
                json!({"code": code, "gate": "Gate 1", "scan_id": "a", "at": rfc(now + time::Duration::hours(1))}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "future",
            ),
            (
                json!({"code": code, "gate": "Gate 1", "scan_id": "a", "at": rfc(now - time::Duration::days(8))}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "7 days",
            ),
            (
                json!({"code": code, "gate": "Gate 1", "scan_id": "a", "at": "yesterday"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "",
            ),
            (
                json!({"code": code, "gate": "Gate 1"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "scan_id",
            ),
            (
                json!({"code": code, "gate": "Gate 1", "scan_id": "a", "extra": 1}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "extra",
            ),
        ];
        for (body, status, says) in cases {
            let answer = server.post("/api/door/redeem", &door, body.clone()).await;
            assert_eq!(answer.status, status, "{body}: {}", answer.text);
            assert!(answer.error().contains(says), "{body}: {}", answer.text);
        }
        // A stage written `1.0` is an integer to JSON Schema too.
        let whole = json!({"code": "ZZZZ-ZZZZ", "gate": "Gate 1", "scan_id": "w", "stages": [1.0]});
        let answer = server.post("/api/door/redeem", &door, whole).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_eq!(answer.json()["result"], "not_valid");
        let fraction = json!({"code": code, "gate": "Gate 1", "scan_id": "w", "stages": [1.5]});
        let answer = server.post("/api/door/redeem", &door, fraction).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.text
        );
        let bad_query = server.get("/api/door/check-ins?after=-1", &door).await;
        assert_eq!(
            bad_query.status,
            StatusCode::BAD_REQUEST,
            "{}",
            bad_query.text
        );
        let huge = server
            .get(&format!("/api/door/check-ins?after={}", u64::MAX), &door)
            .await;
        assert_eq!(huge.status, StatusCode::OK, "{}", huge.text);
        assert!(server.shop.check_ins(None, 10, None).unwrap().is_empty());
        // Japanese for a Japanese door.
        let answer = server
            .http
            .post(format!("{}/api/door/redeem", server.base))
            .bearer_auth(&door)
            .header("Accept-Language", "ja")
            .json(&json!({"code": code, "gate": "Gate 1", "scan_id": "a", "stages": [99]}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND);
        let text = answer.text().await.unwrap();
        assert!(text.contains("ステージ 99"), "{text}");
    });
}
