//! What exporting a big sale costs: a festival of 1,000,000 sold tickets
//! (4 stages, 200,000 fans) exported as CSV by the release `tiket` binary
//! over HTTP, both shapes (tiket's own and the replaced system's
//! `tickets.csv`). Prints rows, bytes, time and the server's resident memory
//! before and at its peak during each export (sampled every 20 ms from
//! /proc), next to the export's size: an export that streams grows the
//! server by a small fraction of the file.
//!
//! `make bench-export` (`cargo bench --features ssr --bench export`).
//! `TIKET_BENCH_TICKETS` sets the number of tickets (default 1,000,000).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tiket::domain::{
    Account, FanName, Festival, Role, Session, Stage, StageId, Ticket, TicketCode, TicketId, Yen,
};
use tiket::store::{JsonStore, Record, Saved, Store};

const TOKEN: &str = "bench-organiser-token-0123456789abcdef0123456789abcdef";

fn main() {
    let tickets: usize = std::env::var("TIKET_BENCH_TICKETS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data");
    let seeded = Instant::now();
    seed_folder(&data, tickets);
    eprintln!(
        "seeded {tickets} tickets in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    let port = free_port();
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_tiket"))
            .env("TIKET_DATA_DIR", &data)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", dir.join("site"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    runtime.block_on(wait_until_up(&base));
    let pid = server.0.id();

    println!("\n# Export of {tickets} tickets (release server, one request each)\n");
    println!("| export | rows | size | time | rows/s | server memory before | peak during | growth | growth / size |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (label, path) in [
        ("tickets.csv (tiket's own)", "tickets.csv"),
        (
            "tickets-legacy.csv (the old system's)",
            "tickets-legacy.csv",
        ),
    ] {
        let url = format!("{base}/api/organiser/festivals/bench-fes/{path}");
        let row = runtime.block_on(export(&url, pid));
        println!("| {label} | {row}");
    }
    drop(server);
}

/// One export: streams the body, counting rows and bytes, while a task
/// samples the server's resident memory.
async fn export(url: &str, pid: u32) -> String {
    let before = resident_bytes(pid);
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(resident_bytes(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let started = Instant::now();
    let client = reqwest::Client::new();
    let mut response = client
        .get(url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("the export answers");
    assert!(response.status().is_success(), "{}", response.status());
    let (mut bytes, mut lines) = (0u64, 0u64);
    while let Some(chunk) = response.chunk().await.expect("the body streams") {
        bytes += chunk.len() as u64;
        lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
    }
    let seconds = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    sampler.await.unwrap();
    let peak = peak.load(Ordering::Relaxed);
    let growth = peak.saturating_sub(before);
    let rows = lines.saturating_sub(1);
    format!(
        "{rows} | {:.1} MB | {seconds:.2} s | {:.0} | {:.0} MB | {:.0} MB | {:.1} MB | {:.3} |",
        bytes as f64 / 1e6,
        rows as f64 / seconds,
        before as f64 / 1e6,
        peak as f64 / 1e6,
        growth as f64 / 1e6,
        growth as f64 / bytes as f64,
    )
}

async fn wait_until_up(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await {
            if response.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start within a minute");
}

/// A data folder with a published festival `bench-fes` of 4 stages and
/// `tickets` tickets (orders of 2, 200,000 fans), and an organiser whose
/// session (token [`TOKEN`]) has passed the second factor.
fn seed_folder(dir: &Path, tickets: usize) {
    let stock = (tickets as u32).div_ceil(4).max(1);
    let stages = (1..=4)
        .map(|id| Stage {
            id: StageId(id),
            name: format!("Stage {id}, \"quoted\""),
            day: 1,
            doors_open: time::macros::datetime!(2100-03-20 10:00 +9),
            starts_at: time::macros::datetime!(2100-03-20 11:30 +9),
            price: Yen(7_950),
            total_stock: stock,
            sale_opens: time::macros::datetime!(2000-01-01 00:00 +9),
            sale_closes: time::macros::datetime!(2100-03-20 10:00 +9),
            per_order: None,
            per_fan: None,
            closed: false,
            reentry: false,
        })
        .collect();
    let mut festival = Festival::new("Export fes", "Hall", stages).unwrap();
    festival.slug = tiket::domain::Slug::new("bench-fes").unwrap();
    let now = time::OffsetDateTime::now_utc();
    let mut rng = rand::rng();
    let fans = 200_000usize.min(tickets.max(1));
    let organiser = FanName::new("bench-organiser").unwrap();
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
    let mut records: Vec<Record> = (0..fans)
        .map(|i| FanName::new(format!("fan{i}")).unwrap())
        .chain([organiser.clone()])
        .map(|name| Record::Registered {
            account: Account {
                name,
                password_hash: hash.into(),
                registered_at: now,
            },
        })
        .collect();
    records.push(Record::RoleGranted {
        name: organiser.clone(),
        role: Role::Organiser,
        by: None,
        at: now,
    });
    records.push(Record::SignedIn {
        session: Session {
            token_hash: tiket::server::auth::token_hash(TOKEN),
            fan: organiser,
            created_at: now,
            expires_at: now + time::Duration::days(1),
            second_factor: true,
        },
    });
    let mut codes = std::collections::HashSet::new();
    for order in 0..tickets.div_ceil(2) {
        let owner = FanName::new(format!("fan{}", order % fans)).unwrap();
        let in_order = 2.min(tickets - order * 2);
        let sold = (0..in_order)
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
        records.push(Record::Sold {
            tickets: sold,
            key: None,
        });
    }
    let mut store = JsonStore::open(dir).unwrap();
    store.create(&Saved { festival, records }).unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A process's resident memory, from /proc.
fn resident_bytes(pid: u32) -> u64 {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
