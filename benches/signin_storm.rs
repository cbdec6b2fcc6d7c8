//! Do sign-ins stall buying? Buys over HTTP, measured first alone and then
//! while a storm of sign-ins (each an argon2id hash) runs beside them, in the
//! same run. tiket hashes passwords on blocking threads, `hash_workers` at a
//! time (one fewer than the cores); the last row lifts that bound to show
//! what it buys.
//!
//! `make bench-signin` (`cargo bench --features ssr --bench signin_storm`).
//! `TIKET_BENCH_SECONDS` sets each phase's length (default 3).

#[path = "../tests/common/mod.rs"]
mod common;

use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tiket::domain::BuyLimits;
use tiket::server::auth::{Auth, AuthOptions};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::JsonStore;

const BUYERS: usize = 16;
const STORM: usize = 64;
const PASSWORD: &str = "carrot-rocket-35p";

struct Phase {
    buys: u64,
    latencies: Vec<Duration>,
    sign_ins: u64,
    seconds: f64,
}

impl Phase {
    fn per_second(&self, count: u64) -> f64 {
        count as f64 / self.seconds
    }
    fn percentile(&self, p: f64) -> Duration {
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies.get(index).copied().unwrap_or_default()
    }
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
        let client = reqwest::Client::new();
        let default_workers = AuthOptions::default().hash_workers;
        let bounded = serve(&scratch.path().join("bounded"), default_workers).await;
        let unbounded = serve(&scratch.path().join("unbounded"), STORM).await;
        let mut tokens = Vec::new();
        for base in [&bounded, &unbounded] {
            tokens.push(sign_up(&client, base, "buyer").await);
            sign_up(&client, base, "storm").await;
        }

        println!(
            "{BUYERS} buyers over HTTP for {seconds} s per row; storm: {STORM} clients signing in \
             with a wrong password (argon2id); {} cores",
            std::thread::available_parallelism().map_or(1, usize::from)
        );
        let quiet = phase(&client, &bounded, &tokens[0], false, seconds).await;
        let storm = phase(&client, &bounded, &tokens[0], true, seconds).await;
        let unbounded_storm = phase(&client, &unbounded, &tokens[1], true, seconds).await;
        println!("                                  |   buys/s |  p50 ms |  p99 ms | sign-ins/s");
        let rows = [
            ("alone".to_owned(), &quiet),
            (
                format!("storm, {default_workers} hash worker(s) (tiket)"),
                &storm,
            ),
            (format!("storm, {STORM} hash workers"), &unbounded_storm),
        ];
        for (name, run) in rows {
            println!(
                "{name:>33} | {:8.0} | {:7.2} | {:7.2} | {:10.1}",
                run.per_second(run.buys),
                run.percentile(0.5).as_secs_f64() * 1e3,
                run.percentile(0.99).as_secs_f64() * 1e3,
                run.per_second(run.sign_ins),
            );
        }
        let pace = |run: &Phase| 100.0 * run.per_second(run.buys) / quiet.per_second(quiet.buys);
        println!(
            "during the storm buys kept {:.0}% of their pace with tiket's bound, {:.0}% without; \
             p99 {:.1}× vs {:.1}× alone",
            pace(&storm),
            pace(&unbounded_storm),
            storm.percentile(0.99).as_secs_f64() / quiet.percentile(0.99).as_secs_f64(),
            unbounded_storm.percentile(0.99).as_secs_f64() / quiet.percentile(0.99).as_secs_f64(),
        );
    });
}

/// tiket on a local port over a fresh folder, hashing `hash_workers` at a time.
async fn serve(folder: &std::path::Path, hash_workers: usize) -> String {
    let shop = Shop::open(
        JsonStore::open(folder).expect("a data folder"),
        || common::festival_on_sale(&[10_000_000]),
        ShopOptions {
            limits: BuyLimits {
                per_order: 1,
                per_fan: 10_000_000,
            },
            ..ShopOptions::default()
        },
    )
    .expect("a shop");
    let auth_options = AuthOptions {
        hash_workers,
        // The storm must hash every time, not be turned away by the limit
        // or by the bounded queue.
        sign_in_burst: u32::MAX,
        sign_in_queue: STORM,
        ..AuthOptions::default()
    };
    let shop = Arc::new(shop);
    let auth = Arc::new(Auth::new(shop.clone(), auth_options).expect("auth"));
    common::serve_locally(shop, auth).await
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

async fn phase(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    storm: bool,
    seconds: u64,
) -> Phase {
    let stop = Arc::new(AtomicBool::new(false));
    let sign_ins = Arc::new(AtomicU64::new(0));
    let mut stormers = Vec::new();
    if storm {
        for _ in 0..STORM {
            let (client, url, stop, sign_ins) = (
                client.clone(),
                format!("{base}/api/login"),
                stop.clone(),
                sign_ins.clone(),
            );
            stormers.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let answer = client
                        .post(&url)
                        .json(&json!({"username": "storm", "password": "a-wrong-guess"}))
                        .send()
                        .await
                        .expect("an answer");
                    assert_eq!(answer.status(), 401, "a wrong password is refused");
                    sign_ins.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        // Let the storm build up before measuring.
        tokio::time::sleep(Duration::from_millis(300)).await;
        sign_ins.store(0, Ordering::Relaxed);
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let buyers: Vec<_> = (0..BUYERS)
        .map(|_| {
            let (client, url, token) = (
                client.clone(),
                format!("{base}/api/buy-tickets"),
                token.to_owned(),
            );
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let answer = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({"stage_id": 1, "qty": 1}))
                        .send()
                        .await
                        .expect("an answer");
                    assert_eq!(answer.status(), 201, "a buy succeeds");
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for buyer in buyers {
        latencies.extend(buyer.await.expect("a buyer"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let signed_in = sign_ins.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    for stormer in stormers {
        stormer.await.expect("a storm client");
    }
    latencies.sort();
    Phase {
        buys: latencies.len() as u64,
        latencies,
        sign_ins: signed_in,
        seconds: elapsed,
    }
}
