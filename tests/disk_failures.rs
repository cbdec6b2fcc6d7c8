//! The disk failing for real, not a mock: a 2 MiB tmpfs filled during a buy
//! storm, and a loop-mounted ext4 frozen with `fsfreeze` while a buy waits.
//! Memory never runs ahead of the disk: once a write failed nothing more is
//! decided, nothing unsaved is shown, and a restart (after space is freed)
//! recovers every acknowledged sale. A frozen disk answers a buy "outcome
//! not known yet", never "try again", and the same key later answers the
//! sale once.
//!
//! These need root (mount, losetup, fsfreeze), as CI and the dev machine
//! have; without it they fail saying so.
#![cfg(feature = "ssr")]

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tiket::domain::{
    Account, BuyLimits, FanName, Order, OrderKey, Session, StageId, TicketId, TokenHash,
};
use tiket::shop::{Health, Shop, ShopError, ShopOptions};
use tiket::store::{JsonStore, JsonStoreOptions};

fn run(test: impl std::future::Future<Output = ()>) {
    common::run_shared(Duration::from_secs(300), test)
}

fn sh(program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed (this test needs root): {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A mounted file system, unmounted (and thawed) when dropped, even when
/// the test fails.
struct Mount {
    dir: tempfile::TempDir,
    image: Option<PathBuf>,
}

impl Mount {
    fn tmpfs(size: &str) -> Mount {
        let dir = tempfile::tempdir().unwrap();
        let dir_path = dir.path().to_str().unwrap();
        sh(
            "mount",
            &[
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "tmpfs",
                dir_path,
            ],
        );
        Mount { dir, image: None }
    }

    fn ext4() -> Mount {
        let image = tempfile::NamedTempFile::new()
            .unwrap()
            .into_temp_path()
            .keep()
            .unwrap();
        let file = std::fs::File::create(&image).unwrap();
        file.set_len(64 << 20).unwrap();
        sh("mkfs.ext4", &["-q", "-F", image.to_str().unwrap()]);
        let dir = tempfile::tempdir().unwrap();
        sh(
            "mount",
            &[
                "-o",
                "loop",
                image.to_str().unwrap(),
                dir.path().to_str().unwrap(),
            ],
        );
        Mount {
            dir,
            image: Some(image),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let dir = self.dir.path().to_str().unwrap().to_owned();
        let _ = Command::new("fsfreeze").args(["-u", &dir]).output();
        let _ = Command::new("umount").arg(&dir).output();
        if let Some(image) = &self.image {
            let _ = std::fs::remove_file(image);
        }
    }
}

fn open_shop(data: &Path, options: ShopOptions) -> Arc<Shop> {
    let store = JsonStore::open_with(
        data,
        JsonStoreOptions {
            segment_bytes: 256 << 10,
            ..JsonStoreOptions::default()
        },
    )
    .unwrap();
    let festival = common::festival_on_sale(&[1_000_000; 4]);
    Arc::new(Shop::open(store, || festival, options).unwrap())
}

fn limits() -> ShopOptions {
    ShopOptions {
        limits: BuyLimits {
            per_order: 4,
            per_fan: 1_000_000,
        },
        ..ShopOptions::default()
    }
}

fn order(stage: u32, fan: &str, quantity: u32) -> Order {
    Order {
        stage: StageId(stage),
        fan: FanName::new(fan).unwrap(),
        quantity,
    }
}

/// The disk fills during a storm of buys: every acknowledged sale survives
/// (once space is freed), nothing unsaved is shown or sold again, and
/// nothing more is decided once a write failed.
#[test]
fn a_disk_that_fills_during_a_buy_storm_loses_nothing_acknowledged_and_shows_nothing_unsaved() {
    run(async {
        let mount = Mount::tmpfs("2m");
        let data = mount.path().join("data");
        let shop = open_shop(&data, limits());
        let fan = FanName::new("suisei").unwrap();
        let now = shop.now();
        shop.register(Account {
            name: fan.clone(),
            password_hash: "x".into(),
            registered_at: now,
        })
        .await
        .unwrap();
        let token = TokenHash("a-session".into());
        shop.open_session(Session {
            token_hash: token.clone(),
            fan: fan.clone(),
            created_at: now,
            expires_at: now + time::Duration::days(1),
            second_factor: false,
        })
        .await
        .unwrap();

        let acknowledged = Arc::new(Mutex::new(Vec::<TicketId>::new()));
        let failed_keys = Arc::new(Mutex::new(Vec::<(Order, OrderKey)>::new()));
        let buyers: Vec<_> = (0..16u32)
            .map(|buyer| {
                let (shop, acknowledged, failed_keys) =
                    (shop.clone(), acknowledged.clone(), failed_keys.clone());
                tokio::spawn(async move {
                    for n in 0..20_000u32 {
                        let order = order(1 + n % 4, &format!("fan{buyer}"), 1 + n % 4);
                        let key = OrderKey::new(format!("b{buyer}-{n}")).unwrap();
                        match shop.buy(order.clone(), Some(key.clone())).await {
                            Ok(purchase) => acknowledged
                                .lock()
                                .unwrap()
                                .extend(purchase.tickets.iter().map(|t| t.id)),
                            Err(ShopError::NotSaved(_)) => {
                                failed_keys.lock().unwrap().push((order, key))
                            }
                            Err(ShopError::NotSaving) => return,
                            Err(other) => panic!("unexpected: {other}"),
                        }
                    }
                    panic!("the 2 MiB disk never filled");
                })
            })
            .collect();
        for buyer in buyers {
            buyer.await.unwrap();
        }
        let acknowledged: Vec<TicketId> = acknowledged.lock().unwrap().clone();
        let failed_keys = failed_keys.lock().unwrap().clone();
        assert!(!failed_keys.is_empty(), "some sale met the full disk");
        assert_eq!(shop.health(), Health::Failing);

        // Memory shows exactly what was acknowledged.
        assert_eq!(shop.tickets_sold() as usize, acknowledged.len());
        let left: u32 = shop.listing().stages.iter().map(|s| s.remaining).sum();
        assert_eq!(left as usize, 4_000_000 - acknowledged.len());
        // Nothing more is decided: a new buy, a retry of a failed order with
        // its key, a sign-up and a sign-out are refused before they touch memory.
        assert!(matches!(
            shop.buy(order(1, "late", 1), None).await,
            Err(ShopError::NotSaving)
        ));
        let (order, key) = failed_keys[0].clone();
        assert!(matches!(
            shop.buy(order, Some(key)).await,
            Err(ShopError::NotSaving)
        ));
        assert_eq!(shop.tickets_sold() as usize, acknowledged.len());
        assert!(matches!(
            shop.close_session(&token).await,
            Err(ShopError::NotSaving)
        ));
        assert_eq!(shop.fan_of(&token, now).unwrap(), fan, "still signed in");
        let _ = shop.close().await;
        drop(shop);
        // A snapshot that met the full disk removed its temporary file.
        let leftovers: Vec<_> = std::fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

        // Space freed: every acknowledged sale is back, none twice.
        sh(
            "mount",
            &["-o", "remount,size=64m", mount.path().to_str().unwrap()],
        );
        let shop = open_shop(&data, limits());
        let recovered: HashSet<TicketId> = (0..16)
            .flat_map(|buyer| shop.tickets_of(&FanName::new(format!("fan{buyer}")).unwrap()))
            .map(|ticket| ticket.id)
            .collect();
        let missing = acknowledged
            .iter()
            .filter(|id| !recovered.contains(id))
            .count();
        assert_eq!(missing, 0, "acknowledged tickets lost");
        assert!(
            recovered.len() <= acknowledged.len() + 4 * failed_keys.len(),
            "only refused orders' whole lines may reappear"
        );
        assert_eq!(shop.health(), Health::Ok);
    });
}

/// A frozen disk: the buy is answered "outcome not known yet" (not "try
/// again"), `/healthz` says degraded, and once the disk thaws the same key
/// answers the one sale that was made.
#[test]
fn a_frozen_disk_answers_outcome_unknown_and_the_same_key_later_answers_the_sale() {
    run(async {
        let mount = Mount::ext4();
        let data = mount.path().join("data");
        let shop = open_shop(
            &data,
            ShopOptions {
                outcome_wait: Duration::from_secs(2),
                ..limits()
            },
        );
        shop.buy(order(1, "mio", 1), None).await.unwrap();
        let dir = mount.path().to_str().unwrap().to_owned();
        sh("fsfreeze", &["-f", &dir]);

        let key = OrderKey::new("frozen-order-1").unwrap();
        let waiting = {
            let (shop, key) = (shop.clone(), key.clone());
            tokio::spawn(async move { shop.buy(order(2, "mio", 2), Some(key)).await })
        };
        let mut degraded = false;
        for _ in 0..300 {
            if shop.health() == Health::Degraded {
                degraded = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(degraded, "a stalled flush shows as degraded");
        assert!(matches!(
            waiting.await.unwrap(),
            Err(ShopError::OutcomeUnknown)
        ));

        sh("fsfreeze", &["-u", &dir]);
        let again = shop.buy(order(2, "mio", 2), Some(key)).await.unwrap();
        assert!(again.replayed, "the sale made while frozen, answered once");
        assert_eq!(shop.tickets_sold(), 3);
        assert_eq!(shop.health(), Health::Ok);
        shop.close().await.unwrap();
    });
}
