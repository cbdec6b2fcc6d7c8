//! The door's crash test: a real child process lets ticket holders in from
//! four gates at once and is killed with SIGKILL at a random moment, ten
//! times over one data folder. After each kill, every admission the child
//! acknowledged must be on disk, and no ticket admitted twice.
//!
//! The child is this test binary run again with `--ignored` and
//! `TIKET_DOOR_CRASH_DIR` set; it prints `ACK <ticket id>` once an
//! admission is durable.

mod common;

use rand::Rng;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::Duration;
use tiket::domain::{FanName, Order, ScanId, StageId};
use tiket::shop::door::{Outcome, Redeem};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::{JsonStore, JsonStoreOptions, Record, Store};

const CHILD_DIR: &str = "TIKET_DOOR_CRASH_DIR";
const CHILD_ROUND: &str = "TIKET_DOOR_CRASH_ROUND";
const ROUNDS: usize = 10;
const TICKETS: u32 = 20_000;

fn open_store(dir: &str) -> JsonStore {
    let options = JsonStoreOptions {
        segment_bytes: 64 << 10,
        ..JsonStoreOptions::default()
    };
    JsonStore::open_with(dir, options).unwrap()
}

#[test]
#[ignore = "the child process of sigkill_while_gates_admit_loses_no_acknowledged_check_in"]
fn door_crash_child() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let round = std::env::var(CHILD_ROUND).unwrap_or_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let shop = Shop::open(
            open_store(&dir),
            || unreachable!("set up by the parent"),
            ShopOptions::default(),
        )
        .unwrap();
        let shop = Arc::new(shop);
        let mut tickets = Vec::new();
        let mut from = Some(0);
        while let Some(at) = from {
            let (page, next) = shop.tickets_page(&[StageId(1)], at, 8_192);
            tickets.extend(page);
            from = next;
        }
        let tickets = Arc::new(tickets);
        println!("\nREADY");
        let gates: Vec<_> = (0..4usize)
            .map(|gate| {
                let (shop, tickets, round) = (shop.clone(), tickets.clone(), round.clone());
                tokio::spawn(async move {
                    // Each gate walks the tickets from its own quarter on, so
                    // gates meet on the same tickets.
                    let start = gate * tickets.len() / 4;
                    for n in 0..tickets.len() {
                        let ticket = &tickets[(start + n) % tickets.len()];
                        let scan = Redeem {
                            code: ticket.code.to_string(),
                            gate: format!("Gate {}", gate + 1),
                            scan: ScanId::new(format!("r{round}-g{gate}-{n}")).unwrap(),
                            stages: None,
                            at: None,
                            force: false,
                            by: FanName::new(format!("gate-{gate}")).unwrap(),
                        };
                        let answer = shop.redeem(scan).await.unwrap();
                        if answer.outcome == Outcome::Admitted && !answer.repeated {
                            // One line, one write: the parent reads it even if we die next.
                            let line = format!("ACK {}\n", ticket.id);
                            std::io::stdout().lock().write_all(line.as_bytes()).unwrap();
                        }
                    }
                })
            })
            .collect();
        for gate in gates {
            gate.await.unwrap();
        }
    });
}

/// A fresh folder with `TICKETS` sold on stage 1.
fn set_up(dir: &str) {
    common::run_shared(Duration::from_secs(300), async {
        let shop = Shop::open(
            open_store(dir),
            || common::festival_on_sale(&[TICKETS]),
            ShopOptions::default(),
        )
        .unwrap();
        let shop = Arc::new(shop);
        let buyers: Vec<_> = (0..32u32)
            .map(|buyer| {
                let shop = shop.clone();
                tokio::spawn(async move {
                    for n in (buyer..TICKETS / 4).step_by(32) {
                        let order = Order {
                            stage: StageId(1),
                            fan: FanName::new(format!("fan{n}")).unwrap(),
                            quantity: 4,
                        };
                        shop.buy(order, None).await.unwrap();
                    }
                })
            })
            .collect();
        for buyer in buyers {
            buyer.await.unwrap();
        }
        assert_eq!(shop.tickets_sold(), TICKETS);
        shop.close().await.unwrap();
    });
}

#[test]
fn sigkill_while_gates_admit_loses_no_acknowledged_check_in() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap().to_string();
    set_up(&dir);
    let mut acknowledged: HashSet<String> = HashSet::new();
    let mut rng = rand::rng();
    let mut rounds_with_admissions = 0;

    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "door_crash_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, &dir)
            .env(CHILD_ROUND, round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (lines_tx, lines) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut before_ready = Vec::new();
        loop {
            match lines.recv_timeout(Duration::from_secs(120)) {
                Ok(line) if line.trim() == "READY" => break,
                Ok(line) => before_ready.push(line),
                Err(_) => {
                    let _ = child.kill();
                    panic!(
                        "round {round}: the child did not start: {before_ready:?} {:?}",
                        child.wait()
                    );
                }
            }
        }
        std::thread::sleep(Duration::from_millis(rng.random_range(20..300)));
        child.kill().unwrap(); // SIGKILL on Unix.
        child.wait().unwrap();
        reader.join().unwrap();

        let mut this_round = 0;
        for line in lines.try_iter() {
            if let Some(id) = line.strip_prefix("ACK ") {
                assert!(acknowledged.insert(id.to_owned()), "{id} admitted twice");
                this_round += 1;
            }
        }
        if this_round > 0 {
            rounds_with_admissions += 1;
        }

        // Recover exactly as the next start will, and check.
        let saved = open_store(&dir).load().unwrap().expect("set up");
        let mut admissions: HashMap<String, u32> = HashMap::new();
        for record in &saved.records {
            if let Record::CheckedIn { check_in } = record {
                *admissions.entry(check_in.ticket.to_string()).or_default() += 1;
            }
        }
        let twice: Vec<_> = admissions.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "round {round}: admitted twice: {twice:?}");
        let lost: Vec<_> = acknowledged
            .iter()
            .filter(|id| !admissions.contains_key(*id))
            .collect();
        assert!(
            lost.is_empty(),
            "round {round}: acknowledged but lost: {lost:?}"
        );
        let shop = Shop::open(
            open_store(&dir),
            || unreachable!("already set up"),
            ShopOptions::default(),
        )
        .unwrap();
        assert_eq!(shop.tickets_sold(), TICKETS);
        assert_eq!(
            shop.check_ins(None, usize::MAX, None).unwrap().len(),
            admissions.len()
        );
    }
    assert!(
        rounds_with_admissions >= ROUNDS / 2,
        "the child admitted in only {rounds_with_admissions} of {ROUNDS} rounds: the kills came too early to test anything"
    );
    eprintln!(
        "{} admissions acknowledged over {ROUNDS} kills, all recovered",
        acknowledged.len()
    );
}
