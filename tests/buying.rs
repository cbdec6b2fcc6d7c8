//! Buying under concurrency, through the real shop and store: thousands of
//! tasks racing for a small stock, and a property test of random concurrent
//! orders checked against a plain sequential model of the rules.

mod common;

use common::festival_on_sale;
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tiket::domain::{BuyError, FanName, Order, StageId, Ticket};
use tiket::shop::{Shop, ShopError, ShopOptions};
use tiket::store::{JsonStore, Record, Store};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn open_shop(dir: &std::path::Path, stocks: &[u32], permits: usize) -> Arc<Shop> {
    let stocks = stocks.to_vec();
    let options = ShopOptions {
        buy_permits: permits,
        ..ShopOptions::default()
    };
    let store = JsonStore::open(dir).unwrap();
    Arc::new(Shop::open(store, move || festival_on_sale(&stocks), options).unwrap())
}

/// Runs every order in its own task, all released at once; returns each
/// order with its outcome, in submission order.
async fn race(
    shop: &Arc<Shop>,
    orders: Vec<Order>,
) -> Vec<(Order, Result<Vec<Ticket>, ShopError>)> {
    let start = Arc::new(tokio::sync::Barrier::new(orders.len()));
    let tasks: Vec<_> = orders
        .into_iter()
        .map(|order| {
            let (shop, start) = (shop.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let outcome = shop.buy(order.clone(), None).await.map(|p| p.tickets);
                (order, outcome)
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

/// The orders saved in the journal, in the order they were sold.
fn saved_orders(dir: &std::path::Path) -> Vec<Vec<Ticket>> {
    let saved = JsonStore::open(dir).unwrap().load().unwrap().unwrap();
    saved
        .records
        .into_iter()
        .filter_map(|record| match record {
            Record::Sold { tickets, .. } => Some(tickets),
            _ => None,
        })
        .collect()
}

#[test]
fn five_thousand_fans_racing_for_160_tickets_buy_exactly_160() {
    let dir = tempfile::tempdir().unwrap();
    let ids = runtime().block_on(async {
        let shop = open_shop(dir.path(), &[40; 4], 256);
        let orders = (0..5_000u32)
            .map(|i| Order {
                stage: StageId(1 + i % 4),
                fan: FanName::new(format!("fan{i}")).unwrap(),
                quantity: 1 + u32::from(i % 3 == 0),
            })
            .collect();
        let outcomes = race(&shop, orders).await;

        let mut sold: HashMap<StageId, u32> = HashMap::new();
        let mut ids = HashSet::new();
        for (order, outcome) in &outcomes {
            match outcome {
                Ok(tickets) => {
                    assert_eq!(tickets.len() as u32, order.quantity);
                    *sold.entry(order.stage).or_default() += order.quantity;
                    for ticket in tickets {
                        assert!(ids.insert(ticket.id), "ticket {} sold twice", ticket.id);
                    }
                }
                Err(ShopError::Refused(BuyError::SoldOut(_) | BuyError::NotEnoughStock { .. })) => {
                }
                Err(other) => panic!("unexpected refusal: {other}"),
            }
        }
        for stage in 1..=4 {
            assert_eq!(sold.get(&StageId(stage)), Some(&40), "stage {stage}");
        }
        assert!(shop.listing().stages.iter().all(|s| s.remaining == 0));
        shop.close().await.unwrap();
        ids
    });
    let saved: HashSet<_> = saved_orders(dir.path())
        .into_iter()
        .flatten()
        .map(|t| t.id)
        .collect();
    assert_eq!(
        saved.len(),
        160,
        "every acknowledged ticket is saved, and only those"
    );
    assert_eq!(saved, ids, "the saved tickets are the acknowledged ones");
}

/// The buy rule stated plainly, one order at a time.
#[derive(Default)]
struct Model {
    remaining: HashMap<StageId, u32>,
    held: HashMap<(FanName, StageId), u32>,
}

const PER_ORDER: u32 = 4;
const PER_FAN: u32 = 4;

impl Model {
    fn new(stocks: &[u32]) -> Self {
        Model {
            remaining: stocks
                .iter()
                .zip(1..)
                .map(|(&s, id)| (StageId(id), s))
                .collect(),
            held: HashMap::new(),
        }
    }

    fn held(&self, fan: &FanName, stage: StageId) -> u32 {
        self.held.get(&(fan.clone(), stage)).copied().unwrap_or(0)
    }

    /// Whether the order may be sold now; sells it if so.
    fn buy(&mut self, stage: StageId, fan: &FanName, quantity: u32) -> bool {
        let Some(&left) = self.remaining.get(&stage) else {
            return false;
        };
        let ok = (1..=PER_ORDER).contains(&quantity)
            && self.held(fan, stage) + quantity <= PER_FAN
            && quantity <= left;
        if ok {
            self.remaining.insert(stage, left - quantity);
            *self.held.entry((fan.clone(), stage)).or_default() += quantity;
        }
        ok
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn concurrent_buys_are_some_sequential_order_of_the_rules(
        stocks in prop::collection::vec(0u32..12, 3),
        orders in prop::collection::vec((1u32..=4, 0usize..4, 0u32..=6), 1..40),
        permits in 1usize..8,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let fans: Vec<FanName> = (0..4).map(|i| FanName::new(format!("fan{i}")).unwrap()).collect();
        let orders: Vec<Order> = orders
            .into_iter()
            .map(|(stage, fan, quantity)| Order { stage: StageId(stage), fan: fans[fan].clone(), quantity })
            .collect();
        let (outcomes, listing) = runtime().block_on(async {
            let shop = open_shop(dir.path(), &stocks, permits);
            let outcomes = race(&shop, orders).await;
            let listing = shop.listing();
            shop.close().await.unwrap();
            (outcomes, listing)
        });

        // Replayed in the order they were saved, the sales obey the rules.
        let mut model = Model::new(&stocks);
        let saved = saved_orders(dir.path());
        for tickets in &saved {
            let first = &tickets[0];
            prop_assert!(tickets.iter().all(|t| t.stage == first.stage && t.owner == first.owner));
            prop_assert!(model.buy(first.stage, &first.owner, tickets.len() as u32),
                "a sale the rules forbid: {} × stage {} for {}", tickets.len(), first.stage, first.owner);
        }
        // What the shop shows is what the model ends with: sold + remaining = total.
        for stage in &listing.stages {
            prop_assert_eq!(Some(&stage.remaining), model.remaining.get(&stage.stage.id));
        }
        // Every acknowledged sale was saved, and nothing else.
        let acknowledged: HashSet<_> = outcomes.iter()
            .filter_map(|(_, outcome)| outcome.as_ref().ok())
            .flatten().map(|t| t.id).collect();
        let on_disk: HashSet<_> = saved.iter().flatten().map(|t| t.id).collect();
        prop_assert_eq!(&acknowledged, &on_disk);
        prop_assert_eq!(acknowledged.len(), saved.iter().map(Vec::len).sum::<usize>(), "no ticket twice");

        // Each refusal was true when made; stock and holdings only move one way,
        // so the end state must still show its reason.
        for (order, outcome) in &outcomes {
            let Err(error) = outcome else { continue };
            let held_now = model.held(&order.fan, order.stage);
            let left_now = model.remaining.get(&order.stage).copied();
            match error {
                ShopError::Refused(BuyError::UnknownStage(s)) => prop_assert!(left_now.is_none() && *s == order.stage),
                ShopError::Refused(BuyError::NoTickets) => prop_assert_eq!(order.quantity, 0),
                ShopError::Refused(BuyError::OverOrderLimit { requested, .. }) => prop_assert!(*requested > PER_ORDER),
                ShopError::Refused(BuyError::OverFanLimit { held, .. }) => {
                    prop_assert!(held + order.quantity > PER_FAN && held_now >= *held)
                }
                ShopError::Refused(BuyError::SoldOut(_)) => prop_assert_eq!(left_now, Some(0)),
                ShopError::Refused(BuyError::NotEnoughStock { remaining, requested, .. }) => {
                    prop_assert!(requested > remaining && left_now.is_some_and(|l| l <= *remaining))
                }
                other => prop_assert!(false, "unexpected refusal: {}", other),
            }
        }
        for ((_, _), held) in &model.held {
            prop_assert!(*held <= PER_FAN);
        }
    }
}
