//! The door, measured: what a ticket's QR code carries (the signed pass's
//! length, the QR code's version and modules), then check-ins over the JSON
//! API from four gates (16 connections each), every ticket scanned at two
//! gates (one admits, the other answers "already admitted"), beside durable
//! buys over the same API in the same run, for the ratio.
//!
//! `make bench-door` (`cargo bench --features ssr --bench door`).
//! `TIKET_BENCH_SECONDS` sets each phase's length (default 3).

#[path = "../tests/common/mod.rs"]
mod common;

use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tiket::domain::{BuyLimits, FanName, Order, Role, StageId};
use tiket::server::auth::{Auth, AuthOptions};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::JsonStore;

const GATES: usize = 4;
const CONNECTIONS_PER_GATE: usize = 16;
const TICKETS: u32 = 200_000;
const PASSWORD: &str = "carrot-rocket-35p";

fn percentile(latencies: &mut [Duration], p: f64) -> Duration {
    latencies.sort();
    let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
    latencies.get(index).copied().unwrap_or_default()
}

fn main() {
    let seconds: u64 = std::env::var("TIKET_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let scratch = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a scratch folder");
        let limits = BuyLimits {
            per_order: 4,
            per_fan: u32::MAX,
        };
        let options = ShopOptions {
            limits,
            ..ShopOptions::default()
        };
        let shop = Arc::new(
            Shop::open(
                JsonStore::open(scratch.path()).expect("a store"),
                || common::festival_on_sale(&[TICKETS, 10_000_000]),
                options,
            )
            .expect("a shop"),
        );
        let auth_options = AuthOptions {
            sign_ups_per_client_per_hour: 1_000_000,
            ..AuthOptions::default()
        };
        let auth = Arc::new(Auth::new(shop.clone(), auth_options).expect("auth"));
        let base = common::serve_locally(shop.clone(), auth).await;
        let client = reqwest::Client::new();

        // Tickets to scan, sold in the shop (not measured).
        eprintln!("selling {TICKETS} tickets to scan …");
        let sellers: Vec<_> = (0..32u32)
            .map(|seller| {
                let shop = shop.clone();
                tokio::spawn(async move {
                    for n in (seller..TICKETS / 4).step_by(32) {
                        let order = Order {
                            stage: StageId(1),
                            fan: FanName::new(format!("fan{}", n % 5_000)).expect("a name"),
                            quantity: 4,
                        };
                        shop.buy(order, None).await.expect("sold");
                    }
                })
            })
            .collect();
        for seller in sellers {
            seller.await.expect("a seller");
        }
        let mut tickets = Vec::new();
        let mut from = Some(0);
        while let Some(at) = from {
            let (page, next) = shop.tickets_page(&[StageId(1)], at, 8_192);
            tickets.extend(page);
            from = next;
        }

        // What the QR code carries.
        let pass = shop.passes(&tickets[..1]).await.expect("a pass").remove(0);
        let qr = qrcode::QrCode::with_error_correction_level(&pass, qrcode::EcLevel::M)
            .expect("a QR code");
        let version = match qr.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        };
        let (chars, width) = (pass.len(), qr.width());
        println!("signed pass: {chars} characters (base32 of 87 bytes), QR code version {version} at error correction M: {width}×{width} modules");
        println!("(the short code it replaces in the QR code: \"TIKET:{}\", {} characters)", tickets[0].code, 6 + 9);

        // Durable buys over the API, for the ratio.
        let buyer = sign_up(&client, &base, "buyer").await;
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let buys: Vec<_> = (0..GATES * CONNECTIONS_PER_GATE)
            .map(|_| {
                let (client, base, buyer) = (client.clone(), base.clone(), buyer.clone());
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        let answer = client
                            .post(format!("{base}/api/buy-tickets"))
                            .bearer_auth(&buyer)
                            .json(&json!({"stage_id": 2, "qty": 1}))
                            .send()
                            .await
                            .expect("an answer");
                        assert_eq!(answer.status(), 201);
                        latencies.push(t.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut buy_latencies = Vec::new();
        for task in buys {
            buy_latencies.extend(task.await.expect("a buyer"));
        }
        let buy_rate = buy_latencies.len() as f64 / started.elapsed().as_secs_f64();

        // Check-ins: four gates, each ticket to two of them in turn.
        let mut gates = Vec::new();
        for gate in 0..GATES {
            let name = format!("gate-{gate}");
            let token = sign_up(&client, &base, &name).await;
            shop.grant_role(&FanName::new(name).expect("a name"), Role::Door, None)
                .await
                .expect("a role");
            gates.push(token);
        }
        let codes: Arc<Vec<String>> = Arc::new(tickets.iter().map(|t| t.code.to_string()).collect());
        let next = Arc::new(AtomicUsize::new(0));
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let scanners: Vec<_> = (0..GATES * CONNECTIONS_PER_GATE)
            .map(|n| {
                let gate = n % GATES;
                let (client, base, token) = (client.clone(), base.clone(), gates[gate].clone());
                let (codes, next) = (codes.clone(), next.clone());
                tokio::spawn(async move {
                    let (mut latencies, mut admitted, mut again) = (Vec::new(), 0u64, 0u64);
                    while Instant::now() < deadline {
                        // Scan k: ticket k / 2, so each ticket comes twice, to two gates.
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(code) = codes.get(k / 2) else { break };
                        let t = Instant::now();
                        let answer: serde_json::Value = client
                            .post(format!("{base}/api/door/redeem"))
                            .bearer_auth(&token)
                            .json(&json!({"code": code, "gate": format!("Gate {}", gate + 1), "scan_id": format!("scan-{k}")}))
                            .send()
                            .await
                            .expect("an answer")
                            .json()
                            .await
                            .expect("JSON");
                        latencies.push(t.elapsed());
                        match answer["result"].as_str() {
                            Some("admitted") => admitted += 1,
                            Some("already_admitted") => again += 1,
                            other => panic!("unexpected {other:?}: {answer}"),
                        }
                    }
                    (latencies, admitted, again)
                })
            })
            .collect();
        let (mut scan_latencies, mut admitted, mut again) = (Vec::new(), 0, 0);
        for task in scanners {
            let (l, a, g) = task.await.expect("a scanner");
            scan_latencies.extend(l);
            admitted += a;
            again += g;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let scan_rate = scan_latencies.len() as f64 / elapsed;
        let admit_rate = admitted as f64 / elapsed;
        println!(
            "durable buys over the API, {} connections: {buy_rate:.0}/s (p50 {:?}, p99 {:?})",
            GATES * CONNECTIONS_PER_GATE,
            percentile(&mut buy_latencies, 0.5),
            percentile(&mut buy_latencies, 0.99)
        );
        println!(
            "scans over the API, {GATES} gates × {CONNECTIONS_PER_GATE} connections: {scan_rate:.0}/s (p50 {:?}, p99 {:?}): {admitted} admitted ({admit_rate:.0} check-ins/s, each durable), {again} already admitted",
            percentile(&mut scan_latencies, 0.5),
            percentile(&mut scan_latencies, 0.99)
        );
        println!("ratio: scans {:.2}× durable buys; durable check-ins {:.2}× durable buys", scan_rate / buy_rate, admit_rate / buy_rate);
        let kept = shop.check_ins(None, usize::MAX, None).expect("check-ins").len() as u64;
        assert_eq!(kept, admitted, "every admission kept once");
        assert!(again <= admitted + (GATES * CONNECTIONS_PER_GATE) as u64);
    });
}

async fn sign_up(client: &reqwest::Client, base: &str, name: &str) -> String {
    let answer: serde_json::Value = client
        .post(format!("{base}/api/register"))
        .json(&json!({"username": name, "password": PASSWORD}))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    answer["token"].as_str().expect("a token").to_owned()
}
