//! The server binary refuses to start, with a clear message, when its port is
//! taken, a setting is out of range or its data folder cannot be used — and
//! starts when all is well, logs each request with its id, and on SIGTERM
//! stops cleanly with every sale saved.
#![cfg(feature = "ssr")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Generous: the machine running the tests may be loaded.
const PATIENCE: Duration = Duration::from_secs(60);

fn tiket(addr: &str, data_dir: &Path) -> Child {
    tiket_with(addr, data_dir, &[])
}

/// The server with more environment variables set.
fn tiket_with(addr: &str, data_dir: &Path, env: &[(&str, &str)]) -> Child {
    tiket_serve(addr, data_dir, env, &[])
}

/// `tiket serve` with these flags and more environment variables set.
fn tiket_serve(addr: &str, data_dir: &Path, env: &[(&str, &str)], flags: &[&str]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tiket"));
    if !flags.is_empty() {
        command.arg("serve").args(flags);
    }
    command
        .env("LEPTOS_SITE_ADDR", addr)
        .env("TIKET_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .env_remove("TIKET_ADDR")
        .env_remove("TIKET_LOG_FORMAT")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tiket binary starts")
}

/// Waits until the server accepts connections, failing if it exits first.
fn wait_until_listening(child: &mut Child, addr: &str) {
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "tiket did not start listening");
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                pipe.read_to_string(&mut stderr).ok();
            }
            panic!("tiket exited ({status}): {stderr}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The journal's first segment, as a freshly set-up folder has it.
const SEGMENT: &str = "journal-00000000000000000001.jsonl";

/// A data folder set up with the reference festival and this journal: each
/// whole line of `journal` gets its checksum, a torn tail is written as is.
fn folder_with_journal(journal: &str) -> tempfile::TempDir {
    use tiket::store::{JsonStore, Saved, Store};
    let data = tempfile::tempdir().unwrap();
    JsonStore::open(data.path())
        .unwrap()
        .create(&Saved {
            festival: tiket::domain::Festival::reference(),
            records: Vec::new(),
        })
        .unwrap();
    std::fs::write(data.path().join(SEGMENT), checksummed(journal)).unwrap();
    data
}

/// `text`'s whole lines, each prefixed with its CRC32C as the journal writes it.
fn checksummed(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(end) = rest.find('\n') {
        let line = &rest[..end];
        out.push_str(&format!("{:08x} {line}\n", crc32c::crc32c(line.as_bytes())));
        rest = &rest[end + 1..];
    }
    out + rest
}

/// The records left in the journal's segments (0 once folded into the snapshot).
fn journal_lines(data: &std::path::Path) -> usize {
    std::fs::read_dir(data)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("journal-") && name.ends_with(".jsonl")
        })
        .map(|path| std::fs::read_to_string(path).unwrap().lines().count())
        .sum()
}

/// Waits for the process to exit by itself, killing it if it does not.
fn exit_of(mut child: Child) -> Output {
    let deadline = Instant::now() + PATIENCE;
    while child.try_wait().expect("can poll the child").is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("tiket kept running although it should have stopped");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("can collect the output")
}

fn free_addr() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

fn assert_refused(output: &Output, expected: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "tiket should fail; stderr:\n{stderr}"
    );
    for text in expected {
        assert!(
            stderr.contains(text),
            "stderr should say {text:?}:\n{stderr}"
        );
    }
}

#[test]
fn refuses_a_port_that_is_taken() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let data = tempfile::tempdir().unwrap();
    let output = exit_of(tiket(&addr, data.path()));
    assert_refused(
        &output,
        &[&format!("cannot listen on {addr}"), "--addr or TIKET_ADDR"],
    );
}

#[test]
fn the_addr_flag_and_tiket_addr_override_leptos_site_addr() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let leptos_addr = taken.local_addr().unwrap().to_string();
    let data = tempfile::tempdir().unwrap();
    for by_flag in [false, true] {
        let addr = free_addr();
        let mut child = if by_flag {
            tiket_serve(&leptos_addr, data.path(), &[], &["--addr", &addr])
        } else {
            tiket_with(&leptos_addr, data.path(), &[("TIKET_ADDR", &addr)])
        };
        wait_until_listening(&mut child, &addr);
        child.kill().ok();
        child.wait().ok();
    }
}

#[test]
fn refuses_a_data_folder_that_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data");
    std::fs::write(&file, "not a folder").unwrap();
    let output = exit_of(tiket(&free_addr(), &file));
    assert_refused(&output, &["cannot use data folder", "TIKET_DATA_DIR"]);
}

#[cfg(target_os = "linux")]
#[test]
fn refuses_a_data_folder_it_cannot_write() {
    // /proc refuses new entries even to root, unlike a chmod'ed folder.
    let output = exit_of(tiket(&free_addr(), Path::new("/proc/tiket-data")));
    assert_refused(&output, &["cannot use data folder /proc/tiket-data"]);
}

#[test]
fn refuses_a_data_folder_another_server_holds() {
    let data = tempfile::tempdir().unwrap();
    let _held = tiket::store::JsonStore::open(data.path()).unwrap();
    let output = exit_of(tiket(&free_addr(), data.path()));
    assert_refused(&output, &["already in use by another tiket server"]);
}

#[test]
fn refuses_a_corrupt_snapshot_and_leaves_it_untouched() {
    let data = tempfile::tempdir().unwrap();
    let snapshot = data.path().join("snapshot.json");
    let corrupt = r#"{"format": 1, "seq": 0, "festival": {"name": "half a file"#;
    std::fs::write(&snapshot, corrupt).unwrap();
    let output = exit_of(tiket(&free_addr(), data.path()));
    assert_refused(
        &output,
        &[
            "snapshot.json is not a valid tiket file",
            "fixed or restored",
        ],
    );
    assert_eq!(std::fs::read_to_string(&snapshot).unwrap(), corrupt);
}

#[test]
fn starts_seeds_its_data_folder_and_serves_the_stage_list() {
    let data = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut child = tiket(&addr, &data.path().join("fresh"));
    wait_until_listening(&mut child, &addr);
    let page = get_root(&addr);
    child.kill().ok();
    child.wait().ok();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    for stage in [
        "Stage 1",
        "Stage 2",
        "Honeyworks Stage",
        "Stage 3",
        "¥7,950",
    ] {
        assert!(page.contains(stage), "the page should list {stage}");
    }
    assert!(
        data.path().join("fresh/snapshot.json").is_file(),
        "the seed is saved"
    );
}

#[test]
fn refuses_a_damaged_journal_naming_file_and_line_and_leaves_it_untouched() {
    let damaged = "{\"seq\":1,\"kind\":\"sold\",\"tickets\":[]}\nnot a record\n";
    let data = folder_with_journal(damaged);
    let journal = data.path().join(SEGMENT);
    let output = exit_of(tiket(&free_addr(), data.path()));
    assert_refused(
        &output,
        &[&format!("{SEGMENT}, line 2"), "fixed or restored"],
    );
    assert_eq!(
        std::fs::read_to_string(&journal).unwrap(),
        checksummed(damaged)
    );
}

#[test]
fn refuses_a_limit_setting_that_is_not_a_sensible_number() {
    let data = tempfile::tempdir().unwrap();
    // Set by variable: the message names the flag, why, and the variable.
    for (name, value, why) in [
        ("TIKET_BUY_PERMITS", "0", "0 is not in 1..=65536"),
        ("TIKET_BUY_PERMITS", "65537", "65537 is not in 1..=65536"),
        ("TIKET_PER_ORDER_LIMIT", "-1", "-1 is not in 1..=100"),
        ("TIKET_PER_FAN_LIMIT", "four", "invalid digit"),
        ("TIKET_DATA_DIR", "", "must not be empty"),
        ("TIKET_LOG_FORMAT", "xml", "[possible values: text, json]"),
    ] {
        let flag = name["TIKET_".len()..].to_lowercase().replace('_', "-");
        let output = exit_of(tiket_with(&free_addr(), data.path(), &[(name, value)]));
        assert_refused(
            &output,
            &[
                &format!("invalid value '{value}' for '--{flag} <"),
                why,
                &format!("the value comes from the environment variable {name}"),
            ],
        );
    }
    // Given as a flag: no variable to name.
    let output = exit_of(tiket_serve(
        &free_addr(),
        data.path(),
        &[],
        &["--per-order-limit", "101"],
    ));
    assert_refused(
        &output,
        &[
            "invalid value '101' for '--per-order-limit <N>'",
            "101 is not in 1..=100",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("environment variable"), "{stderr}");
    assert!(
        std::fs::read_dir(data.path()).unwrap().next().is_none(),
        "nothing is written before the settings are checked"
    );
}

#[test]
fn drops_a_half_written_last_journal_line_with_a_warning_and_starts() {
    let whole = "{\"seq\":1,\"kind\":\"sold\",\"tickets\":[]}\n";
    let data = folder_with_journal(&format!("{whole}{{\"seq\":2,\"kind\":\"so"));
    let journal = data.path().join(SEGMENT);

    let addr = free_addr();
    let mut child = tiket(&addr, data.path());
    wait_until_listening(&mut child, &addr);
    child.kill().ok();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("dropping the journal's half-written last line"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&journal).unwrap(),
        checksummed(whole),
        "cut back to the last whole line"
    );
}

/// Sends SIGTERM, as a service manager stopping tiket does.
#[cfg(unix)]
fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -TERM {}", child.id());
}

/// `GET /` over a raw connection: the response's head and body.
fn get_root(addr: &str) -> String {
    get(addr, "/")
}

/// `GET` over a raw connection: the response's head and body.
fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[cfg(unix)]
#[test]
fn stops_cleanly_on_sigterm_with_every_sale_saved_and_the_journal_compacted() {
    let sale = "{\"seq\":1,\"kind\":\"sold\",\"tickets\":[]}\n";
    let data = folder_with_journal(sale);
    let addr = free_addr();
    let mut child = tiket_with(&addr, data.path(), &[("RUST_LOG", "info")]);
    wait_until_listening(&mut child, &addr);
    assert!(get_root(&addr).starts_with("HTTP/1.1 200"));

    terminate(&child);
    let output = exit_of(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exits 0; stderr:\n{stderr}");
    assert!(stderr.contains("every sale is saved"), "{stderr}");

    assert_eq!(
        journal_lines(data.path()),
        0,
        "the journal is folded into the snapshot"
    );
    let snapshot: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.path().join("snapshot.json")).unwrap()).unwrap();
    assert_eq!(
        snapshot["seq"], 1,
        "the snapshot holds the journal's record"
    );
}

#[cfg(unix)]
#[test]
fn json_logs_carry_each_requests_id() {
    let data = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut child = tiket_serve(
        &addr,
        data.path(),
        &[("RUST_LOG", "info")],
        &["--log-format", "json"],
    );
    wait_until_listening(&mut child, &addr);
    let response = get_root(&addr);
    let head = response.split("\r\n\r\n").next().unwrap();
    let id = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("x-request-id")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_else(|| panic!("the response carries x-request-id:\n{head}"));

    terminate(&child);
    let output = exit_of(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exits 0; stderr:\n{stderr}");
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let of_request: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|line| line["span"]["request_id"] == id.as_str())
        .collect();
    let answered = of_request
        .iter()
        .find(|line| line["fields"]["message"] == "finished processing request")
        .unwrap_or_else(|| panic!("a line says request {id} was answered:\n{stderr}"));
    assert_eq!(answered["span"]["method"], "GET");
    assert_eq!(answered["span"]["path"], "/");
    assert_eq!(answered["fields"]["status"], 200);
    assert!(
        lines
            .iter()
            .any(|line| line["fields"]["message"] == "tiket stopped; every sale is saved"),
        "{stderr}"
    );
}

/// SIGTERM in the middle of a stream of buys over HTTP: every buy that was
/// answered 201 is in the data folder after the server exits, and the server
/// exits 0 with the journal folded into the snapshot.
#[cfg(unix)]
#[test]
fn sigterm_during_buys_finishes_them_and_loses_none() {
    #[path = "common/mod.rs"]
    mod common;
    use serde_json::json;
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use tiket::store::{JsonStore, Saved, Store};

    let data = tempfile::tempdir().unwrap();
    JsonStore::open(data.path())
        .unwrap()
        .create(&Saved {
            festival: common::festival_on_sale(&[1_000_000]),
            records: Vec::new(),
        })
        .unwrap();
    let addr = free_addr();
    let mut child = tiket_with(
        &addr,
        data.path(),
        &[
            ("TIKET_PER_ORDER_LIMIT", "1"),
            ("TIKET_PER_FAN_LIMIT", "10000"),
            // The start and stop lines, not one per request: nothing reads
            // the pipe until the server has exited.
            (
                "RUST_LOG",
                "warn,tiket::server=info,tiket::server::json_api=warn",
            ),
        ],
    );
    wait_until_listening(&mut child, &addr);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (acknowledged, other_answers) = runtime.block_on(async {
        let base = format!("http://{addr}");
        let client = reqwest::Client::new();
        let signed_up: serde_json::Value = client
            .post(format!("{base}/api/register"))
            .json(&json!({"username": "rushing-fan", "password": "carrot-rocket-35p"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = signed_up["token"].as_str().unwrap().to_owned();
        let stopped = Arc::new(AtomicBool::new(false));
        let buyers: Vec<_> = (0..16)
            .map(|_| {
                let (client, base, token, stopped) =
                    (client.clone(), base.clone(), token.clone(), stopped.clone());
                tokio::spawn(async move {
                    let (mut ids, mut others) = (Vec::new(), Vec::new());
                    loop {
                        let sent = client
                            .post(format!("{base}/api/buy-tickets"))
                            .bearer_auth(&token)
                            .json(&json!({"stage_id": 1, "qty": 1}))
                            .send()
                            .await;
                        let Ok(answer) = sent else {
                            // The server has stopped listening: the rush is over.
                            break;
                        };
                        let status = answer.status().as_u16();
                        let body: serde_json::Value = answer.json().await.unwrap_or_default();
                        match status {
                            201 => ids.extend(
                                body["tickets"]
                                    .as_array()
                                    .unwrap()
                                    .iter()
                                    .map(|t| t["ticket_id"].as_str().unwrap().to_owned()),
                            ),
                            _ => others.push(format!("{status} {body}")),
                        }
                        if stopped.load(Ordering::Relaxed) && ids.len() + others.len() > 10_000 {
                            break;
                        }
                    }
                    (ids, others)
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(500)).await;
        terminate(&child);
        stopped.store(true, Ordering::Relaxed);
        let (mut ids, mut others) = (Vec::new(), Vec::new());
        for buyer in buyers {
            let (bought, refused) = buyer.await.unwrap();
            ids.extend(bought);
            others.extend(refused);
        }
        (ids, others)
    });

    let output = exit_of(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exits 0; stderr:\n{stderr}");
    assert!(stderr.contains("every sale is saved"), "{stderr}");
    assert!(
        acknowledged.len() > 16,
        "buys were running: {}",
        acknowledged.len()
    );
    // Refusals while closing are a 503 telling the fan to try again, nothing else.
    for answer in &other_answers {
        assert!(answer.starts_with("503"), "unexpected answer: {answer}");
    }
    assert_eq!(
        journal_lines(data.path()),
        0,
        "the journal is folded into the snapshot"
    );
    let saved = JsonStore::open(data.path())
        .unwrap()
        .load()
        .unwrap()
        .unwrap();
    let saved: HashSet<String> = saved.tickets().map(|t| t.id.to_string()).collect();
    let acknowledged_set: HashSet<String> = acknowledged.iter().cloned().collect();
    assert_eq!(
        acknowledged_set.len(),
        acknowledged.len(),
        "no ticket sold twice"
    );
    assert!(
        acknowledged_set.is_subset(&saved),
        "{} acknowledged tickets missing after shutdown",
        acknowledged_set.difference(&saved).count()
    );
    // Every sale made was also answered: no buy in flight was cut off.
    assert_eq!(saved, acknowledged_set, "sold but never answered");
    eprintln!(
        "{} buys answered 201 before the server stopped, exactly those saved",
        acknowledged.len()
    );
}

/// Live stock streams never end by themselves: SIGTERM must end them, or a
/// browser left open would keep the server from stopping.
#[cfg(unix)]
#[test]
fn stops_on_sigterm_while_a_page_follows_the_live_stock() {
    let data = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut child = tiket_with(&addr, data.path(), &[("RUST_LOG", "warn")]);
    wait_until_listening(&mut child, &addr);
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /events/stock HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut first = [0u8; 1024];
    let read = stream.read(&mut first).unwrap();
    let head = String::from_utf8_lossy(&first[..read]).to_string();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("text/event-stream"), "{head}");

    let asked_to_stop = Instant::now();
    terminate(&child);
    let output = exit_of(child);
    assert!(output.status.success(), "exits 0");
    assert!(
        asked_to_stop.elapsed() < Duration::from_secs(10),
        "stopped after {:?}",
        asked_to_stop.elapsed()
    );
    // The stream ended with the server (the connection is closed, not hung).
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
}

/// With `--metrics-addr`, Prometheus's text format is served on that address
/// (and only there: the shop's address has no `/metrics`); a taken metrics
/// address stops start-up in one line.
#[test]
fn serves_metrics_for_prometheus_on_their_own_address_only() {
    let data = tempfile::tempdir().unwrap();
    let (addr, metrics) = (free_addr(), free_addr());
    let mut child = tiket_serve(&addr, data.path(), &[], &["--metrics-addr", &metrics]);
    wait_until_listening(&mut child, &addr);
    wait_until_listening(&mut child, &metrics);
    let scraped = get(&metrics, "/metrics");
    assert!(
        get(&addr, "/metrics").starts_with("HTTP/1.1 404"),
        "not on the shop's address"
    );
    child.kill().ok();
    let _ = child.wait();
    assert!(scraped.starts_with("HTTP/1.1 200"), "{scraped}");
    for metric in ["tiket_tickets_sold{stage=\"1\"} 0", "tiket_sessions 0"] {
        assert!(scraped.contains(metric), "{metric} missing:\n{scraped}");
    }

    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_addr = taken.local_addr().unwrap().to_string();
    let output = exit_of(tiket_serve(
        &free_addr(),
        data.path(),
        &[],
        &["--metrics-addr", &taken_addr],
    ));
    assert_refused(&output, &["cannot serve metrics on", "--metrics-addr"]);
}
