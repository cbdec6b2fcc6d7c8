//! `tiket backup` and `tiket verify`: a backup taken during a buy storm
//! (snapshots folding in the background meanwhile) verifies and holds
//! exactly a prefix of the sales, every one acknowledged before it began
//! included; bad destinations and damaged folders are refused in one line,
//! with nothing changed.
#![cfg(feature = "ssr")]

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tiket::domain::{BuyLimits, FanName, Order, StageId, TicketId};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::{backup, JsonStore, JsonStoreOptions, Store};

fn run(test: impl std::future::Future<Output = ()>) {
    common::run_shared(Duration::from_secs(240), test)
}

fn tickets_in(dir: &Path) -> Vec<TicketId> {
    let saved = JsonStore::open(dir).unwrap().load().unwrap().unwrap();
    saved.tickets().map(|ticket| ticket.id).collect()
}

#[test]
fn a_backup_during_a_buy_storm_holds_a_prefix_of_the_sales_and_verifies() {
    run(async {
        let work = tempfile::tempdir().unwrap();
        let data = work.path().join("data");
        let store = JsonStore::open_with(
            &data,
            JsonStoreOptions {
                segment_bytes: 16 << 10,
                ..JsonStoreOptions::default()
            },
        )
        .unwrap();
        let options = ShopOptions {
            limits: BuyLimits {
                per_order: 4,
                per_fan: 1_000_000,
            },
            ..ShopOptions::default()
        };
        let festival = common::festival_on_sale(&[1_000_000; 4]);
        let shop = Arc::new(Shop::open(store, || festival, options).unwrap());
        let acknowledged = Arc::new(Mutex::new(Vec::<TicketId>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let buyers: Vec<_> = (0..8u32)
            .map(|buyer| {
                let (shop, acknowledged, stop) = (shop.clone(), acknowledged.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut n = 0u32;
                    while !stop.load(Ordering::Relaxed) {
                        let order = Order {
                            stage: StageId(1 + n % 4),
                            fan: FanName::new(format!("fan{buyer}")).unwrap(),
                            quantity: 1 + n % 4,
                        };
                        let bought = shop.buy(order, None).await.unwrap();
                        acknowledged
                            .lock()
                            .unwrap()
                            .extend(bought.tickets.iter().map(|t| t.id));
                        n += 1;
                    }
                })
            })
            .collect();
        // Let the storm fold a few snapshots first.
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let before: Vec<TicketId> = acknowledged.lock().unwrap().clone();
        let copy = work.path().join("copy");
        let (from, to) = (data.clone(), copy.clone());
        let summary = tokio::task::spawn_blocking(move || backup::backup(&from, &to))
            .await
            .unwrap()
            .expect("the backup succeeds");
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.store(true, Ordering::Relaxed);
        for buyer in buyers {
            buyer.await.unwrap();
        }
        shop.close().await.unwrap();
        drop(shop);

        let copied = tickets_in(&copy);
        let all = tickets_in(&data);
        assert_eq!(summary.tickets, copied.len());
        assert!(
            copied.len() >= before.len(),
            "{} < {}",
            copied.len(),
            before.len()
        );
        assert!(
            copied.len() < all.len(),
            "the storm went on after the backup"
        );
        assert_eq!(
            copied,
            all[..copied.len()],
            "the copy is a prefix of the sales"
        );
        let copied: std::collections::HashSet<_> = copied.into_iter().collect();
        assert!(
            before.iter().all(|id| copied.contains(id)),
            "every sale acknowledged before the backup is in it"
        );
        backup::verify(&copy).expect("the copy verifies");
    });
}

fn tiket(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tiket"))
        .args(args)
        .env_remove("TIKET_DATA_DIR")
        .output()
        .unwrap()
}

fn refused(output: &std::process::Output, says: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "refused: {stderr}");
    assert!(stderr.contains(says), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one clear line: {stderr}");
}

#[test]
fn the_commands_refuse_bad_folders_in_one_line_and_change_nothing() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    {
        let mut store = JsonStore::open(&data).unwrap();
        store
            .create(&tiket::store::Saved {
                festival: tiket::domain::Festival::reference(),
                records: Vec::new(),
            })
            .unwrap();
    }
    let data_arg = data.to_str().unwrap();
    let ok = tiket(&["verify", "--data-dir", data_arg]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let said = String::from_utf8_lossy(&ok.stdout);
    assert!(
        said.contains("tickets sold: 0") && said.contains("every checksum matches"),
        "{said}"
    );

    let full = work.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("keep.txt"), "mine").unwrap();
    refused(
        &tiket(&[
            "backup",
            "--data-dir",
            data_arg,
            "--to",
            full.to_str().unwrap(),
        ]),
        "is not empty",
    );
    assert_eq!(
        std::fs::read_to_string(full.join("keep.txt")).unwrap(),
        "mine"
    );
    let under_a_file = full.join("keep.txt").join("copy");
    refused(
        &tiket(&[
            "backup",
            "--data-dir",
            data_arg,
            "--to",
            under_a_file.to_str().unwrap(),
        ]),
        "cannot write the backup",
    );
    let nothing = work.path().join("nothing");
    refused(
        &tiket(&["verify", "--data-dir", nothing.to_str().unwrap()]),
        "holds no festival",
    );
    assert!(!nothing.exists(), "verify creates nothing");

    let segment = tiket::store::segment::list(&data).unwrap().remove(0).path;
    std::fs::write(&segment, "00000000 {\"seq\":1}\n").unwrap();
    refused(&tiket(&["verify", "--data-dir", data_arg]), "line 1");
    assert_eq!(
        std::fs::read_to_string(&segment).unwrap(),
        "00000000 {\"seq\":1}\n"
    );
}

/// A data folder written by the tiket before segments (`tests/fixtures/format1`:
/// two sign-ups, two orders, one with a key, a sign-out, left by a kill -9
/// with the journal unfolded) loads whole, is upgraded, and verifies.
#[test]
fn a_folder_written_by_the_previous_tiket_is_upgraded_without_loss() {
    run(async {
        let dir = tempfile::tempdir().unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format1");
        for file in ["snapshot.json", "journal.jsonl"] {
            std::fs::copy(fixture.join(file), dir.path().join(file)).unwrap();
        }
        let open = || {
            let store = JsonStore::open(dir.path()).unwrap();
            Arc::new(Shop::open(store, || unreachable!("set up"), ShopOptions::default()).unwrap())
        };
        let shop = open();
        let pekora = shop.tickets_of(&FanName::new("pekora").unwrap());
        let miko = shop.tickets_of(&FanName::new("miko").unwrap());
        assert_eq!((pekora.len(), miko.len()), (2, 1));
        let replay = Order {
            stage: StageId(1),
            fan: FanName::new("pekora").unwrap(),
            quantity: 2,
        };
        let key = tiket::domain::OrderKey::new("first-order").unwrap();
        let again = shop.buy(replay, Some(key)).await.unwrap();
        assert!(again.replayed, "the saved key still answers its order");
        assert_eq!(again.tickets, pekora);
        shop.close().await.unwrap();
        drop(shop);
        assert!(
            !dir.path().join("journal.jsonl").exists(),
            "upgraded to segments"
        );
        let summary = backup::verify(dir.path()).unwrap();
        assert_eq!((summary.tickets, summary.accounts), (3, 2));
        let shop = open();
        assert_eq!(shop.tickets_of(&FanName::new("pekora").unwrap()), pekora);
    });
}
