//! Does tiket hold the rush? The real release `tiket` binary, started as a
//! child process on a fresh data folder, driven over real HTTP/1.1 keep-alive
//! connections by a load generator in this process, in one run:
//!
//! 1. **baseline**: a bare axum server (this binary re-run as a separate
//!    process) answering `GET /api/stages` with the very bytes tiket answered
//!    it with: the HTTP stack's limit on this machine;
//! 2. **browse**: `GET /api/stages`, and the server-rendered page `/`;
//! 3. **buy, sustained**: durable buys of 1–2 tickets by 10,000 fans (tokens
//!    made beforehand) from a large stock, over 64 and then 256 connections;
//! 4. **rush**: 10,000 fans, each signed in and on a connection of their own,
//!    released at once on 4 stages × 40 tickets, on a second fresh server.
//!    Exactly 160 must sell; every other fan must be told "sold out".
//!
//! Each connection sends its requests back to back; latencies go into an
//! HDR histogram. Servers and load generator share the machine's cores, so
//! each row also gives the server process's CPU time per answer. The bare
//! axum server also takes the rush's shape (10,000 clients at once, one GET
//! each): the HTTP stack's own limit for a rush.
//!
//! `make bench-rush` (`cargo bench --features ssr --bench rush`; cargo builds
//! the release `tiket` binary for it). `TIKET_BENCH_SECONDS` sets how long each
//! sustained row measures (default 5, after 1 s of warm-up);
//! `TIKET_BENCH_SERVER_LOG` the servers' `RUST_LOG` (default `info`, as in
//! production). The summary is also written to `target/rush/results.txt`,
//! beside the latency plot `target/rush/latency.svg`.

#[path = "../tests/common/mod.rs"]
mod common;

use base64::Engine;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use indicatif::{ProgressBar, ProgressStyle};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tiket::domain::{Account, FanName, Festival, Role, SalePhase, Session};
use tiket::server::auth::token_hash;
use tiket::store::{JsonStore, Record, Saved, Store};
use time::OffsetDateTime;

/// Fans signed in beforehand, on each server.
const FANS: usize = 10_000;
/// The rush: 4 stages of 40 tickets.
const RUSH_STOCK: [u32; 4] = [40; 4];
/// The sustained buys: a stock they cannot exhaust.
const LARGE_STOCK: [u32; 4] = [10_000_000; 4];
/// Connections for the baseline and the browse rows.
const BROWSE_CONNECTIONS: usize = 64;
/// Connections for the sustained buys.
const BUY_CONNECTIONS: [usize; 2] = [64, 256];
const WARM_UP: Duration = Duration::from_secs(1);
/// Connections opened at once before the rush (below the listen backlog).
const CONNECTING_AT_ONCE: usize = 256;
/// Linux's USER_HZ, the unit of CPU times in /proc/<pid>/stat.
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;
/// The hidden first argument that makes this binary the baseline server.
const BASELINE_ARG: &str = "--rush-baseline-server";
/// The organiser whose dashboard is read during the buys (second factor passed).
const ORGANISER: &str = "bench-organiser";
const ORGANISER_TOKEN: &str = "bench-organiser-session-token-4f2a9c7e1b3d5a6c8e0f";
/// The organisers' sales dashboard of the festival on sale.
const DASHBOARD: &str = "/api/organiser/festivals/hololive-5th-fes/sales";
/// Connections reading the dashboard during the buys (a few open consoles
/// refreshing as fast as they can: far more than the console's own refresh).
const DASHBOARD_CONNECTIONS: usize = 4;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(BASELINE_ARG) {
        baseline::serve(&args[2..]);
        return;
    }
    let seconds: u64 = std::env::var("TIKET_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&s| s > 0)
        .unwrap_or(5);
    let began = Instant::now();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let out_dir = tmp.parent().expect("the target folder").join("rush");
    std::fs::create_dir_all(&out_dir).expect("target/rush");
    let scratch = tempfile::tempdir_in(tmp).expect("a scratch folder");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let load: String = std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into());

    let fans = Arc::new(make_fans(FANS));
    let now = OffsetDateTime::now_utc();
    let sustained_dir = scratch.path().join("sustained");
    let rush_dir = scratch.path().join("rush");
    prepare(
        &sustained_dir,
        common::festival_on_sale(&LARGE_STOCK),
        &fans,
        now,
    );
    prepare(&rush_dir, common::festival_on_sale(&RUSH_STOCK), &fans, now);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (rows, (baseline_rush, baseline_rss), rush, sustained_rss) = runtime.block_on(async {
        let mut rows = Vec::new();
        // Buys are 1–2 tickets by fans taking turns; the per-fan limit is
        // lifted so fans can keep buying from the large stock.
        let tiket = Server::tiket(&sustained_dir, &["--per-fan-limit", "10000"]).await;
        let (content_type, stages_json) = fetch_stages(tiket.addr).await;
        let baseline = Server::baseline(scratch.path(), &content_type, &stages_json).await;
        let stages = || Load::Get {
            path: "/api/stages",
        };
        rows.push(
            sustained(
                "baseline: bare axum, same bytes",
                &baseline,
                BROWSE_CONNECTIONS,
                stages(),
                seconds,
            )
            .await,
        );
        let baseline_rush = baseline_rush(&baseline, FANS).await;
        drop(baseline);
        rows.push(
            sustained(
                "browse: GET /api/stages",
                &tiket,
                BROWSE_CONNECTIONS,
                stages(),
                seconds,
            )
            .await,
        );
        rows.push(
            sustained(
                "browse: GET / (SSR page)",
                &tiket,
                BROWSE_CONNECTIONS,
                Load::Get { path: "/" },
                seconds,
            )
            .await,
        );
        for connections in BUY_CONNECTIONS {
            let name = format!("buy: durable, {connections} conns");
            let load = Load::Buy {
                fans: fans.clone(),
                next: Arc::new(AtomicUsize::new(0)),
            };
            rows.push(sustained(&name, &tiket, connections, load, seconds).await);
        }
        // The organisers' dashboard: alone (its CPU per answer), then read
        // by a few consoles while fans buy (its latency, and what it costs
        // the buys).
        let dashboard = || Load::Dashboard;
        rows.push(
            sustained(
                "dashboard: GET …/sales",
                &tiket,
                DASHBOARD_CONNECTIONS,
                dashboard(),
                seconds,
            )
            .await,
        );
        let buys = Load::Buy {
            fans: fans.clone(),
            next: Arc::new(AtomicUsize::new(0)),
        };
        let (buying, reading) = tokio::join!(
            sustained(
                "buy: 64 conns, dashboard read",
                &tiket,
                BUY_CONNECTIONS[0],
                buys,
                seconds
            ),
            sustained(
                "dashboard: during the buys",
                &tiket,
                DASHBOARD_CONNECTIONS,
                dashboard(),
                seconds
            ),
        );
        rows.push(buying);
        rows.push(reading);
        let sustained_rss = tiket.peak_rss_mb();
        tiket.stop();
        let rush = rush(&rush_dir, &fans).await;
        (rows, baseline_rush, rush, sustained_rss)
    });
    let verified = verify_saved(&rush_dir);

    let svg = out_dir.join("latency.svg");
    let all_rows: Vec<&Row> = rows.iter().chain([&baseline_rush, &rush.row]).collect();
    plot(&svg, &all_rows);
    let memory = Memory {
        rush: rush.peak_rss_mb,
        sustained: sustained_rss,
        baseline: baseline_rss,
    };
    let summary = summary(&all_rows, &rush, &verified, &memory, seconds, cores, &load);
    println!("\n{summary}");
    let results = out_dir.join("results.txt");
    std::fs::write(&results, &summary).expect("results.txt");
    println!("summary written to {}", results.display());
    println!("latency plot written to {}", svg.display());
    println!("whole run: {:.0} s", began.elapsed().as_secs_f64());
}

/// A fan the benchmark signed in beforehand.
struct Fan {
    name: FanName,
    token: String,
}

/// `FANS` fans with fresh session tokens (256 random bits, as the server makes them).
fn make_fans(count: usize) -> Vec<Fan> {
    (0..count)
        .map(|i| Fan {
            name: FanName::new(format!("fan{i:05}")).expect("a valid name"),
            token: base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(rand::random::<[u8; 32]>()),
        })
        .collect()
}

/// Sets up a data folder as the server would have it after every fan
/// signed up and in: the festival, an account and a session per fan (the
/// token's hash only). One argon2id hash serves every account, since nobody
/// signs in with a password here.
fn prepare(folder: &Path, festival: Festival, fans: &[Fan], now: OffsetDateTime) {
    assert!(
        festival
            .stages
            .iter()
            .all(|s| s.sale_phase(now) == SalePhase::Open),
        "the sale must be open now"
    );
    let password_hash = one_password_hash();
    let organiser = FanName::new(ORGANISER).expect("a valid name");
    let organiser_records = [
        Record::Registered {
            account: Account {
                name: organiser.clone(),
                password_hash: password_hash.clone(),
                registered_at: now,
            },
        },
        Record::RoleGranted {
            name: organiser.clone(),
            role: Role::Organiser,
            by: None,
            at: now,
        },
        Record::SignedIn {
            session: Session {
                token_hash: token_hash(ORGANISER_TOKEN),
                fan: organiser,
                created_at: now,
                expires_at: now + time::Duration::days(365),
                second_factor: true,
            },
        },
    ];
    let records = organiser_records
        .into_iter()
        .chain(fans.iter().flat_map(|fan| {
            [
                Record::Registered {
                    account: Account {
                        name: fan.name.clone(),
                        password_hash: password_hash.clone(),
                        registered_at: now,
                    },
                },
                Record::SignedIn {
                    session: Session {
                        token_hash: token_hash(&fan.token),
                        fan: fan.name.clone(),
                        created_at: now,
                        expires_at: now + time::Duration::days(365),
                        second_factor: false,
                    },
                },
            ]
        }))
        .collect();
    JsonStore::open(folder)
        .expect("a data folder")
        .create(&Saved { festival, records })
        .expect("the data folder is set up");
}

fn one_password_hash() -> String {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    argon2::Argon2::default()
        .hash_password(b"carrot-rocket-35p", &SaltString::generate(&mut OsRng))
        .expect("an argon2id hash")
        .to_string()
}

/// A server process: tiket or the baseline. Killed when dropped, so a failed
/// run leaves no server behind.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Option<PathBuf>,
}

impl Server {
    /// The release `tiket` binary serving `data_dir` on a free port, logging
    /// as in production (`info`) to a file beside the data folder.
    async fn tiket(data_dir: &Path, flags: &[&str]) -> Server {
        let addr = free_port();
        let log = data_dir.with_extension("log");
        let log_file = File::create(&log).expect("a log file");
        let child = Command::new(env!("CARGO_BIN_EXE_tiket"))
            .arg("serve")
            .arg("--addr")
            .arg(addr.to_string())
            .arg("--data-dir")
            .arg(data_dir)
            // Every simulated fan connects from 127.0.0.1: one "client".
            .args(["--max-connections-per-client", "20000"])
            .args(flags)
            // Leptos.toml is read from the working directory.
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env(
                "RUST_LOG",
                std::env::var("TIKET_BENCH_SERVER_LOG").unwrap_or_else(|_| "info".into()),
            )
            .env_remove("TIKET_LOG_FORMAT")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("the log file"))
            .stderr(log_file)
            .spawn()
            .expect("the tiket binary starts");
        let mut server = Server {
            child,
            addr,
            log: Some(log),
        };
        server.wait_until_listening().await;
        server
    }

    /// This benchmark run again as the baseline server, answering
    /// `GET /api/stages` with `body`. It prints its port, then serves until
    /// its stdin closes (when this process drops it, or dies).
    async fn baseline(scratch: &Path, content_type: &str, body: &Bytes) -> Server {
        let body_file = scratch.join("stages.json");
        std::fs::write(&body_file, body).expect("the baseline's body");
        let mut child = Command::new(std::env::current_exe().expect("this benchmark's path"))
            .arg(BASELINE_ARG)
            .arg(&body_file)
            .arg(content_type)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the baseline server starts");
        let mut port = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut port)
            .expect("the baseline's port");
        let port: u16 = port.trim().parse().expect("a port number");
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            log: None,
        };
        server.wait_until_listening().await;
        server
    }

    async fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(self.addr).await.is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the server exited ({status}) before listening; {}",
                    self.log_tail()
                );
            }
            assert!(
                Instant::now() < deadline,
                "the server did not listen within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn log_tail(&self) -> String {
        let Some(log) = &self.log else {
            return String::new();
        };
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        format!(
            "last log lines ({}):\n{}",
            log.display(),
            lines[lines.len().saturating_sub(20)..].join("\n")
        )
    }

    /// CPU time (user and system) the server has used so far, in seconds.
    fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .expect("/proc/<pid>/stat");
        // After the command name in parentheses: state is field 3, utime 14, stime 15.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .expect("a stat line")
            .1
            .split_whitespace()
            .collect();
        let ticks: f64 =
            fields[11].parse::<f64>().expect("utime") + fields[12].parse::<f64>().expect("stime");
        ticks / CLOCK_TICKS_PER_SECOND
    }

    /// The server's peak resident memory so far (VmHWM), in MB.
    fn peak_rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc/<pid>/status");
        let kb: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("a VmHWM line");
        kb / 1024.0
    }

    /// Stops tiket as a service manager does (SIGTERM) and checks that it
    /// saved everything and exited cleanly.
    fn stop(mut self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -TERM {}", self.child.id());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.child.try_wait().expect("the server's status") {
                Some(status) => {
                    assert!(
                        status.success(),
                        "tiket exited with {status}; {}",
                        self.log_tail()
                    );
                    return;
                }
                None if Instant::now() > deadline => panic!("tiket did not stop within 30 s"),
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
}

/// tiket's answer to `GET /api/stages`: its content type and bytes.
async fn fetch_stages(addr: SocketAddr) -> (String, Bytes) {
    let mut connection = connect(addr).await.expect("a connection to tiket");
    let (status, headers, body) = exchange(&mut connection, get(addr, "/api/stages"))
        .await
        .expect("an answer to GET /api/stages");
    assert_eq!(status, StatusCode::OK, "GET /api/stages");
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .expect("a content type")
        .to_owned();
    (content_type, body)
}

// ---------------------------------------------------------------------------
// The load generator: one hyper HTTP/1.1 connection per task.

type Connection = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Result<Connection, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    stream
        .set_nodelay(true)
        .map_err(|e| format!("nodelay: {e}"))?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Sends one request on the connection and reads the whole answer.
async fn exchange(
    connection: &mut Connection,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, hyper::HeaderMap, Bytes), hyper::Error> {
    connection.ready().await?;
    let response = connection.send_request(request).await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    Ok((parts.status, parts.headers, body))
}

fn get(addr: SocketAddr, path: &str) -> Request<Full<Bytes>> {
    Request::builder()
        .uri(path)
        .header(HOST, addr.to_string())
        .body(Full::new(Bytes::new()))
        .expect("a request")
}

fn buy(addr: SocketAddr, fan: &Fan, stage: usize, quantity: usize) -> Request<Full<Bytes>> {
    Request::builder()
        .method(Method::POST)
        .uri("/api/buy-tickets")
        .header(HOST, addr.to_string())
        .header(CONTENT_TYPE, "application/json")
        .header(AUTHORIZATION, format!("Bearer {}", fan.token))
        .body(Full::new(Bytes::from(format!(
            r#"{{"stage_id":{stage},"qty":{quantity}}}"#
        ))))
        .expect("a request")
}

/// What a sustained row sends.
#[derive(Clone)]
enum Load {
    /// The same GET, answered 200.
    Get { path: &'static str },
    /// The organisers' sales dashboard, as the organiser, answered 200.
    Dashboard,
    /// Buys answered 201: fans take turns, each buying 1 or 2 tickets for
    /// one of the 4 stages.
    Buy {
        fans: Arc<Vec<Fan>>,
        next: Arc<AtomicUsize>,
    },
}

impl Load {
    fn request(&self, addr: SocketAddr) -> (Request<Full<Bytes>>, StatusCode) {
        match self {
            Load::Get { path } => (get(addr, path), StatusCode::OK),
            Load::Dashboard => {
                let mut request = get(addr, DASHBOARD);
                let bearer = format!("Bearer {ORGANISER_TOKEN}");
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, bearer.parse().expect("a header value"));
                (request, StatusCode::OK)
            }
            Load::Buy { fans, next } => {
                let turn = next.fetch_add(1, Ordering::Relaxed);
                let fan = &fans[turn % fans.len()];
                (
                    buy(addr, fan, 1 + turn % 4, 1 + (turn / 4) % 2),
                    StatusCode::CREATED,
                )
            }
        }
    }
}

/// One row of the table.
struct Row {
    name: String,
    connections: usize,
    /// Latencies of the requests answered in the measured window, in µs.
    latencies: Histogram<u64>,
    errors: u64,
    seconds: f64,
    /// CPU time the server process used meanwhile, in seconds.
    server_cpu: f64,
}

impl Row {
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.seconds
    }
    /// Server CPU time per answered request, in µs: what a request costs
    /// the server, whatever else runs on the machine.
    fn cpu_us(&self) -> f64 {
        self.server_cpu * 1e6 / self.latencies.len().max(1) as f64
    }
    fn ms(&self, quantile: f64) -> f64 {
        self.latencies.value_at_quantile(quantile) as f64 / 1e3
    }
}

fn new_histogram() -> Histogram<u64> {
    // 1 µs to 100 s, 3 significant digits.
    Histogram::new_with_bounds(1, 100_000_000, 3).expect("a histogram")
}

fn bar(length: u64, prefix: &str) -> ProgressBar {
    let bar = ProgressBar::new(length).with_prefix(prefix.to_owned());
    bar.set_style(
        ProgressStyle::with_template("{prefix:>32} [{bar:30}] {msg}")
            .expect("a progress template")
            .progress_chars("=> "),
    );
    bar
}

/// `connections` tasks, each on its own keep-alive connection, send
/// requests back to back for `WARM_UP` and then `seconds` more; only the
/// second part is measured.
async fn sustained(
    name: &str,
    server: &Server,
    connections: usize,
    load: Load,
    seconds: u64,
) -> Row {
    let addr = server.addr;
    let progress = bar((WARM_UP.as_secs() + seconds) * 10, name);
    let mut opened = Vec::with_capacity(connections);
    for _ in 0..connections {
        opened.push(connect(addr).await.expect("a connection"));
    }
    let measured_from = Instant::now() + WARM_UP;
    let until = measured_from + Duration::from_secs(seconds);
    let answered = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = opened
        .into_iter()
        .map(|mut connection| {
            let (load, answered) = (load.clone(), answered.clone());
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (new_histogram(), 0u64);
                while Instant::now() < until {
                    let (request, expected) = load.request(addr);
                    let sent = Instant::now();
                    let outcome = exchange(&mut connection, request).await;
                    let measured = sent >= measured_from && Instant::now() < until;
                    match outcome {
                        Ok((status, _, _)) if status == expected => {}
                        Ok(_) => errors += u64::from(measured),
                        Err(_) => {
                            errors += u64::from(measured);
                            match connect(addr).await {
                                Ok(fresh) => connection = fresh,
                                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                            }
                        }
                    }
                    if measured {
                        latencies.saturating_record(sent.elapsed().as_micros() as u64);
                    }
                    answered.fetch_add(1, Ordering::Relaxed);
                }
                (latencies, errors)
            })
        })
        .collect();
    let started = Instant::now();
    let mut cpu_from = None;
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if cpu_from.is_none() && Instant::now() >= measured_from {
            cpu_from = Some(server.cpu_seconds());
        }
        let elapsed = started.elapsed().as_secs_f64();
        progress.set_position((elapsed * 10.0) as u64);
        progress.set_message(format!(
            "{:.0} req/s",
            answered.load(Ordering::Relaxed) as f64 / elapsed
        ));
    }
    let cpu = server.cpu_seconds() - cpu_from.unwrap_or_default();
    let mut row = Row {
        name: name.to_owned(),
        connections,
        latencies: new_histogram(),
        errors: 0,
        seconds: seconds as f64,
        server_cpu: cpu,
    };
    for task in tasks {
        let (latencies, errors) = task.await.expect("a load task");
        row.latencies
            .add(latencies)
            .expect("histograms of one shape");
        row.errors += errors;
    }
    progress.finish_with_message(format!(
        "{:.0} req/s, p99 {:.1} ms",
        row.per_second(),
        row.ms(0.99)
    ));
    row
}

// ---------------------------------------------------------------------------
// The rush.

/// One fan's answer: status, body, latency from sending, and from the release.
type Answer = Result<(StatusCode, Bytes, Duration, Duration), String>;

/// `count` clients connect, each on a connection of its own (as fans'
/// browsers do), and wait; then all are released at once and send one
/// request each. The row has their latencies from sending; also returned:
/// each answer, and the latencies from the release.
async fn release_at_once(
    name: &str,
    server: &Server,
    count: usize,
    request: impl Fn(usize) -> Request<Full<Bytes>> + Send + Sync + 'static,
) -> (Row, Histogram<u64>, Vec<Answer>) {
    let addr = server.addr;
    let request = Arc::new(request);
    let progress = bar(count as u64, &format!("{name}: connecting"));
    let connected = Arc::new(AtomicUsize::new(0));
    let connecting = Arc::new(tokio::sync::Semaphore::new(CONNECTING_AT_ONCE));
    let (release, released) = tokio::sync::watch::channel(None::<Instant>);
    let tasks: Vec<_> = (0..count)
        .map(|i| {
            let (request, connected, connecting) =
                (request.clone(), connected.clone(), connecting.clone());
            let mut released = released.clone();
            tokio::spawn(async move {
                let connection = {
                    let _turn = connecting.acquire().await.expect("the connect semaphore");
                    connect(addr).await
                };
                connected.fetch_add(1, Ordering::Relaxed);
                let at = *released
                    .wait_for(Option::is_some)
                    .await
                    .expect("the release")
                    .as_ref()
                    .expect("a release time");
                let mut connection = connection?;
                let sent = Instant::now();
                let answer = exchange(&mut connection, request(i)).await;
                let answered = Instant::now();
                let (status, _, body) = answer.map_err(|e| format!("no answer: {e}"))?;
                Ok::<_, String>((status, body, answered - sent, answered - at))
            })
        })
        .collect();
    while connected.load(Ordering::Relaxed) < count {
        progress.set_position(connected.load(Ordering::Relaxed) as u64);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    progress.finish_with_message("all connected; releasing them at once");
    let progress = bar(count as u64, &format!("{name}: answered"));
    let cpu_before = server.cpu_seconds();
    let at = Instant::now();
    release.send(Some(at)).expect("clients waiting");
    let mut answers = Vec::with_capacity(count);
    for task in tasks {
        answers.push(task.await.expect("a client task"));
        progress.inc(1);
    }
    let server_cpu = server.cpu_seconds() - cpu_before;
    let (mut latencies, mut since_release) = (new_histogram(), new_histogram());
    for (_, _, latency, since) in answers.iter().flatten() {
        latencies.saturating_record(latency.as_micros() as u64);
        since_release.saturating_record(since.as_micros() as u64);
    }
    let last = Duration::from_micros(since_release.max()).as_secs_f64();
    progress.finish_with_message(format!(
        "last answer {:.0} ms after the release",
        last * 1e3
    ));
    let row = Row {
        name: name.to_owned(),
        connections: count,
        latencies,
        errors: 0,
        seconds: last,
        server_cpu,
    };
    (row, since_release, answers)
}

/// The baseline under the rush's shape: as many clients, released at once,
/// each asking `GET /api/stages` once. The HTTP stack's own limit for a rush.
async fn baseline_rush(baseline: &Server, count: usize) -> (Row, f64) {
    let addr = baseline.addr;
    let (mut row, _, answers) =
        release_at_once("baseline: all at once", baseline, count, move |_| {
            get(addr, "/api/stages")
        })
        .await;
    row.name = format!("baseline: {count} clients at once");
    row.errors = answers
        .iter()
        .filter(|answer| !matches!(answer, Ok((StatusCode::OK, ..))))
        .count() as u64;
    (row, baseline.peak_rss_mb())
}

/// What the rush did, besides its row.
struct Rush {
    row: Row,
    /// Latency from the release to each answer, in µs.
    since_release: Histogram<u64>,
    sold: u64,
    sold_out: u64,
    other_errors: u64,
    left_after: Vec<u64>,
    peak_rss_mb: f64,
}

/// The rush on a fresh server (so its peak memory is the rush's alone):
/// every fan released at once buys 1 ticket, fan i for stage 1 + i % 4.
async fn rush(data_dir: &Path, fans: &Arc<Vec<Fan>>) -> Rush {
    let tiket = Server::tiket(data_dir, &[]).await;
    let addr = tiket.addr;
    let buyers = fans.clone();
    let (mut row, since_release, answers) = release_at_once("rush", &tiket, fans.len(), move |i| {
        buy(addr, &buyers[i], 1 + i % 4, 1)
    })
    .await;
    row.name = format!("rush: {} fans on 4 x 40", fans.len());
    let (mut sold, mut sold_out, mut other_errors) = (0, 0, 0);
    for answer in answers {
        match answer {
            Ok((StatusCode::CREATED, body, ..)) => {
                let answer: serde_json::Value =
                    serde_json::from_slice(&body).expect("a purchase in JSON");
                sold += answer["tickets"].as_array().map_or(0, |t| t.len() as u64);
            }
            Ok((StatusCode::CONFLICT, body, ..))
                if String::from_utf8_lossy(&body).contains("sold out") =>
            {
                sold_out += 1;
            }
            Ok((status, body, ..)) => {
                other_errors += 1;
                eprintln!(
                    "unexpected answer {status}: {}",
                    String::from_utf8_lossy(&body)
                );
            }
            Err(error) => {
                other_errors += 1;
                eprintln!("a fan got no answer: {error}");
            }
        }
    }
    row.errors = other_errors;
    let (_, stages) = fetch_stages(addr).await;
    let stages: serde_json::Value = serde_json::from_slice(&stages).expect("stages in JSON");
    let left_after = stages
        .as_array()
        .expect("a list of stages")
        .iter()
        .map(|stage| stage["ticket_stock"].as_u64().expect("a stock"))
        .collect();
    let peak_rss_mb = tiket.peak_rss_mb();
    tiket.stop();
    Rush {
        row,
        since_release,
        sold,
        sold_out,
        other_errors,
        left_after,
        peak_rss_mb,
    }
}

/// The rush's data folder read back after the server stopped.
struct Verified {
    tickets: usize,
    distinct_fans: usize,
    per_stage: Vec<usize>,
}

fn verify_saved(folder: &Path) -> Verified {
    let saved = JsonStore::open(folder)
        .expect("the rush's data folder")
        .load()
        .expect("it loads")
        .expect("it holds the festival");
    let tickets: Vec<_> = saved.tickets().collect();
    let fans: std::collections::HashSet<_> = tickets.iter().map(|t| &t.owner).collect();
    Verified {
        tickets: tickets.len(),
        distinct_fans: fans.len(),
        per_stage: saved
            .festival
            .stages
            .iter()
            .map(|stage| tickets.iter().filter(|t| t.stage == stage.id).count())
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// The summary and the plot.

/// Peak resident memory of each server, in MB.
struct Memory {
    rush: f64,
    sustained: f64,
    baseline: f64,
}

fn summary(
    rows: &[&Row],
    rush: &Rush,
    verified: &Verified,
    memory: &Memory,
    seconds: u64,
    cores: usize,
    load: &str,
) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "tiket rush benchmark: the release server over HTTP/1.1 keep-alive; {seconds} s per row after 1 s of warm-up.\n\
         {cores} cores shared by the server and the load generator (one machine; load average before the run {load}).\n\
         Latencies in ms, from sending to the whole answer; server CPU: the server process's CPU time per answer."
    );
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "{:<32} | {:>5} | {:>8} | {:>8} | {:>7} | {:>7} | {:>7} | {:>6} | {:>10}",
        "row", "conns", "requests", "req/s", "p50", "p99", "p999", "errors", "server CPU"
    );
    let _ = writeln!(w, "{}", "-".repeat(113));
    for row in rows {
        let _ = writeln!(
            w,
            "{:<32} | {:>5} | {:>8} | {:>8.0} | {:>7.2} | {:>7.2} | {:>7.2} | {:>6} | {:>7.1} µs",
            row.name,
            row.connections,
            row.latencies.len(),
            row.per_second(),
            row.ms(0.5),
            row.ms(0.99),
            row.ms(0.999),
            row.errors,
            row.cpu_us(),
        );
    }
    let since = |q: f64| rush.since_release.value_at_quantile(q) as f64 / 1e3;
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "rush: sold {} (must be 160), sold-out answers {} (must be {}), other errors {} (must be 0);\n\
         \x20     answered after the release: p50 {:.1} ms, p99 {:.1} ms, last {:.1} ms; tickets left per stage {:?}\n\
         \x20     saved after the server stopped: {} tickets, {} distinct fans, per stage {:?}\n\
         \x20     server peak RSS {:.1} MB (the sustained rows' server: {:.1} MB; bare axum after its rows: {:.1} MB)",
        rush.sold,
        rush.sold_out,
        rush.row.connections - 160,
        rush.other_errors,
        since(0.5),
        since(0.99),
        since(1.0),
        rush.left_after,
        verified.tickets,
        verified.distinct_fans,
        verified.per_stage,
        memory.rush,
        memory.sustained,
        memory.baseline,
    );
    let rate = |prefix: &str| {
        rows.iter()
            .find(|row| row.name.starts_with(prefix))
            .map_or(f64::NAN, |row| row.per_second())
    };
    let (baseline, browse) = (rate("baseline"), rate("browse: GET /api/stages"));
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    let _ = writeln!(w);
    let _ = writeln!(w, "goals (ratios from this run):");
    let ratio = browse / baseline;
    let _ = writeln!(
        w,
        "  GET /api/stages / baseline          {ratio:>6.2}x   goal >= 0.7x    {}",
        verdict(ratio >= 0.7)
    );
    for connections in BUY_CONNECTIONS {
        let ratio = rate(&format!("buy: durable, {connections} conns")) / browse;
        let _ = writeln!(
            w,
            "  buys ({connections:>3} conns) / GET /api/stages {ratio:>6.2}x   goal >= 0.5x    {}",
            verdict(ratio >= 0.5)
        );
    }
    let row = |name: &str| rows.iter().find(|row| row.name == name);
    if let (Some(alone), Some(buying), Some(reading)) = (
        row("dashboard: GET …/sales"),
        row("buy: 64 conns, dashboard read"),
        row("dashboard: during the buys"),
    ) {
        let buys_alone = rate("buy: durable, 64 conns");
        let _ = writeln!(
            w,
            "  dashboard: {:.0} µs of server CPU per answer alone; during 64-connection buys p50 {:.2} ms, p99 {:.2} ms at {:.0} req/s;\n\
             \x20            buys/s while {DASHBOARD_CONNECTIONS} connections read it back to back: {:.2}x of buys/s without",
            alone.cpu_us(),
            reading.ms(0.5),
            reading.ms(0.99),
            reading.per_second(),
            buying.per_second() / buys_alone,
        );
    }
    let p99 = rush.row.ms(0.99);
    let _ = writeln!(
        w,
        "  rush p99 (per request)              {p99:>6.1} ms  goal <= 100 ms  {}",
        verdict(p99 <= 100.0)
    );
    let _ = writeln!(
        w,
        "  rush p99 (since the release)        {:>6.1} ms  goal <= 100 ms  {}",
        since(0.99),
        verdict(since(0.99) <= 100.0)
    );
    let correct = rush.sold == 160
        && rush.other_errors == 0
        && rush.sold_out as usize == rush.row.connections - 160
        && verified.tickets == 160
        && verified.distinct_fans == 160;
    let _ = writeln!(
        w,
        "  rush: 160 sold and saved, 0 errors  {:>9}  {}",
        if correct { "yes" } else { "no" },
        verdict(correct)
    );
    let _ = writeln!(
        w,
        "  rush server peak RSS                {:>6.1} MB  goal <= 150 MB  {}",
        memory.rush,
        verdict(memory.rush <= 150.0)
    );
    out
}

/// Latency against percentile, one line per row, on log scales.
fn plot(path: &Path, all: &[&Row]) {
    use plotters::prelude::*;
    // x is the number of nines: 1 is p90, 2 p99, 3 p99.9; from p50.
    let (min_nines, max_nines) = (2f64.log10(), 4.0);
    let curve = |row: &Row| -> Vec<(f64, f64)> {
        let count = row.latencies.len().max(1) as f64;
        (0..=(max_nines * 50.0) as usize)
            .map(|step| min_nines + step as f64 / 50.0)
            .take_while(|nines| 10f64.powf(-nines) * count >= 1.0)
            .map(|nines| {
                let quantile = 1.0 - 10f64.powf(-nines);
                let ms = row.latencies.value_at_quantile(quantile) as f64 / 1e3;
                (nines, ms.max(0.01))
            })
            .collect()
    };
    let curves: Vec<_> = all.iter().map(|row| curve(row)).collect();
    let highest = curves
        .iter()
        .flatten()
        .map(|&(_, ms)| ms)
        .fold(1.0, f64::max);
    let lowest = curves
        .iter()
        .flatten()
        .map(|&(_, ms)| ms)
        .fold(highest, f64::min);
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::new(path, (960, 600)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "tiket: latency from p50 to p99.99 (2 cores, servers and load generator together)",
                ("sans-serif", 20),
            )
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(70)
            // Room below the lines for the legend.
            .build_cartesian_2d(
                min_nines..max_nines,
                (lowest / 20.0..highest * 1.25).log_scale(),
            )?;
        chart
            .configure_mesh()
            .x_desc("percentile")
            .y_desc("latency, ms (log scale)")
            .x_labels(5)
            .x_label_formatter(&|nines| {
                let percentile = 100.0 - 100.0 * 10f64.powf(-nines);
                format!("p{}", (percentile * 100.0).round() / 100.0)
            })
            .draw()?;
        for (index, (row, points)) in all.iter().zip(curves).enumerate() {
            let colour = Palette99::pick(index).to_rgba();
            chart
                .draw_series(LineSeries::new(points, colour.stroke_width(2)))?
                .label(row.name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
        Ok(())
    };
    draw().expect("the latency plot");
}

// ---------------------------------------------------------------------------

/// The baseline server: bare axum, one route, the bytes tiket answered.
mod baseline {
    use axum::http::{header, HeaderValue};
    use axum::routing::get;
    use std::io::{Read, Write};

    /// `args`: the body's file and its content type.
    pub fn serve(args: &[String]) {
        let [body_file, content_type] = args else {
            panic!("usage: {} <body file> <content type>", super::BASELINE_ARG);
        };
        let body = axum::body::Bytes::from(std::fs::read(body_file).expect("the body file"));
        let content_type = HeaderValue::from_str(content_type).expect("a content type");
        // Stop when the benchmark closes our stdin, or dies.
        std::thread::spawn(|| {
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
            std::process::exit(0);
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a free port");
            let port = listener.local_addr().expect("an address").port();
            let mut stdout = std::io::stdout();
            writeln!(stdout, "{port}")
                .and_then(|()| stdout.flush())
                .expect("the port written");
            let app = axum::Router::new().route(
                "/api/stages",
                get(move || {
                    let (body, content_type) = (body.clone(), content_type.clone());
                    async move { ([(header::CONTENT_TYPE, content_type)], body) }
                }),
            );
            axum::serve(listener, app)
                .await
                .expect("the baseline serves");
        });
    }
}
