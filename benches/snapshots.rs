//! Do snapshots stall buyers? Sustained durable buys over 64 keep-alive
//! connections for 60 s on a festival of 4 × 1,000,000 tickets, against
//! the release `tiket` binary, counting the snapshots written meanwhile
//! (each time `snapshot.json` is replaced), with latencies in an HDR
//! histogram. With `TIKET_BENCH_BEFORE_BIN=<path to an older tiket>` the
//! same load runs against that binary first, in the same run.
//!
//! Then recovery: how long `tiket` takes to start on a data folder of
//! 10,000 / 100,000 / 1,000,000 tickets and 100,000 accounts, and the
//! memory it holds per ticket (each size in a process of its own).
//!
//! `make bench-snapshots` (`cargo bench --features ssr --bench snapshots`).
//! `TIKET_BENCH_SECONDS` sets the sustained run's length (default 60).

use hdrhistogram::Histogram;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tiket::domain::{
    Account, FanName, Festival, Stage, StageId, Ticket, TicketCode, TicketId, Yen,
};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::{JsonStore, Record, Saved, Store};

const CONNECTIONS: usize = 64;
const RECOVER_ARG: &str = "--recover-child";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == RECOVER_ARG) {
        recover_child(Path::new(&args[at + 1]));
        return;
    }
    let seconds = std::env::var("TIKET_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60u64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let work = scratch("snapshots");
    println!(
        "# Sustained durable buys, {CONNECTIONS} connections, {seconds} s, 4 x 1,000,000 tickets\n"
    );
    println!("| server | buys/s | p50 | p99 | p999 | max | snapshots written |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    if let Ok(before) = std::env::var("TIKET_BENCH_BEFORE_BIN") {
        let row = runtime.block_on(sustained(Path::new(&before), &work.join("before"), seconds));
        println!("| before ({before}) | {row}");
    }
    let now = PathBuf::from(env!("CARGO_BIN_EXE_tiket"));
    let row = runtime.block_on(sustained(&now, &work.join("after"), seconds));
    println!("| this tiket | {row}");

    println!("\n# Recovery at start-up (100,000 accounts)\n");
    println!("| tickets | data folder | start-up (load + rebuild) | memory held | per ticket |");
    println!("| ---: | ---: | ---: | ---: | ---: |");
    for tickets in [10_000usize, 100_000, 1_000_000] {
        let dir = work.join(format!("recover-{tickets}"));
        let bytes = seed_folder(&dir, tickets, 100_000);
        let output = Command::new(std::env::current_exe().unwrap())
            .args([RECOVER_ARG, dir.to_str().unwrap()])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&output.stdout);
        let mut words = said.split_whitespace();
        let seconds: f64 = words
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(f64::NAN);
        let rss: f64 = words
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(f64::NAN);
        println!(
            "| {tickets} | {:.0} MB | {seconds:.2} s | {:.0} MB | {:.0} bytes |",
            bytes as f64 / 1e6,
            rss / 1e6,
            rss / tickets as f64
        );
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One sustained run against `bin`: a table row.
async fn sustained(bin: &Path, dir: &Path, seconds: u64) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let data = dir.join("data");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tickets_csv = dir.join("tickets.csv");
    std::fs::write(&tickets_csv, "ticket_id,stage_id,timestamp,username\n").unwrap();
    let imported = Command::new(bin)
        .args(["import", "--stages"])
        .arg(manifest.join("contract/stages.json"))
        .arg("--tickets")
        .arg(&tickets_csv)
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let port = free_port();
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let _server = Server(
        Command::new(bin)
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(&data)
            .args(["--per-fan-limit", "10000"])
            .current_dir(manifest)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..300 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut tokens = Vec::new();
    for fan in 0..CONNECTIONS {
        let answer: serde_json::Value = http
            .post(format!("{base}/api/register"))
            .json(&json!({"username": format!("buyer{fan}"), "password": "carrot-rocket-35p"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tokens.push(answer["token"].as_str().unwrap().to_owned());
    }

    let snapshots = Arc::new(Mutex::new(0usize));
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (snapshots, stop, snapshot) =
            (snapshots.clone(), stop.clone(), data.join("snapshot.json"));
        tokio::spawn(async move {
            let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
            let mut last: Option<SystemTime> = modified(&snapshot);
            while !stop.load(Ordering::Relaxed) {
                let now = modified(&snapshot);
                if now.is_some() && now != last {
                    *snapshots.lock().unwrap() += 1;
                    last = now;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let started = Instant::now();
    let measure_from = started + Duration::from_secs(1);
    let until = measure_from + Duration::from_secs(seconds);
    let workers: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, token)| {
            let url = format!("{base}/api/buy-tickets");
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .unwrap();
                let mut histogram = Histogram::<u64>::new_with_bounds(1, 100_000_000, 3).unwrap();
                let mut n = 0u32;
                while Instant::now() < until {
                    let sent = Instant::now();
                    let answer = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({"stage_id": 1 + (i as u32 + n) % 4, "qty": 1}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(
                        answer.status(),
                        201,
                        "{}",
                        answer.text().await.unwrap_or_default()
                    );
                    let _ = answer.bytes().await;
                    if sent >= measure_from {
                        histogram.saturating_record(sent.elapsed().as_micros() as u64);
                    }
                    n += 1;
                }
                histogram
            })
        })
        .collect();
    let mut all = Histogram::<u64>::new_with_bounds(1, 100_000_000, 3).unwrap();
    for worker in workers {
        all.add(worker.await.unwrap()).unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    watcher.await.unwrap();
    let ms = |micros: u64| format!("{:.1} ms", micros as f64 / 1000.0);
    format!(
        "{:.0} | {} | {} | {} | {} | {} |",
        all.len() as f64 / seconds as f64,
        ms(all.value_at_quantile(0.5)),
        ms(all.value_at_quantile(0.99)),
        ms(all.value_at_quantile(0.999)),
        ms(all.max()),
        snapshots.lock().unwrap()
    )
}

/// A data folder with `tickets` tickets (orders of 2) and `accounts`
/// accounts, all in its snapshot; returns its size in bytes.
fn seed_folder(dir: &Path, tickets: usize, accounts: usize) -> u64 {
    let stages = (1..=4)
        .map(|id| Stage {
            id: StageId(id),
            name: format!("Stage {id}"),
            day: 1,
            doors_open: time::macros::datetime!(2100-03-20 10:00 +9),
            starts_at: time::macros::datetime!(2100-03-20 11:30 +9),
            price: Yen(7_950),
            total_stock: 1_000_000,
            sale_opens: time::macros::datetime!(2000-01-01 00:00 +9),
            sale_closes: time::macros::datetime!(2100-03-20 10:00 +9),
            per_order: None,
            per_fan: None,
            closed: false,
            reentry: false,
        })
        .collect();
    let festival = Festival::new("Recovery fes", "Hall", stages).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let mut rng = rand::rng();
    let mut records: Vec<Record> = (0..accounts)
        .map(|i| Record::Registered {
            account: Account {
                name: FanName::new(format!("fan{i}")).unwrap(),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g".into(),
                registered_at: now,
            },
        })
        .collect();
    let mut codes = std::collections::HashSet::new();
    for order in 0..tickets / 2 {
        let owner = FanName::new(format!("fan{}", order % accounts)).unwrap();
        let tickets = (0..2)
            .map(|_| {
                let code = loop {
                    let code = TicketCode::random(&mut rng);
                    if codes.insert(code) {
                        break code;
                    }
                };
                Ticket {
                    id: TicketId::random(&mut rng),
                    stage: StageId(1 + (order % 4) as u32),
                    owner: owner.clone(),
                    bought_at: now,
                    code,
                    price: Some(Yen(7_950)),
                }
            })
            .collect();
        records.push(Record::Sold { tickets, key: None });
    }
    let _ = std::fs::remove_dir_all(dir);
    let mut store = JsonStore::open(dir).unwrap();
    store.create(&Saved { festival, records }).unwrap();
    drop(store);
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum()
}

/// In a process of its own: opens the shop on `dir`, prints the seconds it
/// took and the resident memory it added.
fn recover_child(dir: &Path) {
    let rss_before = resident_bytes();
    let started = Instant::now();
    let store = JsonStore::open(dir).unwrap();
    let shop = Shop::open(store, || unreachable!("seeded"), ShopOptions::default()).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let rss = resident_bytes().saturating_sub(rss_before);
    assert!(shop.tickets_sold() > 0);
    println!("{seconds} {rss}");
}

/// This process's resident memory, from /proc.
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}
