//! Helpers shared by the integration tests.
#![allow(dead_code)]

use tiket::domain::{Festival, Stage, StageId, Yen};
use time::macros::datetime;

/// A festival whose stages are on sale whenever the tests run (2000–2100),
/// with the given stock per stage, ids from 1.
pub fn festival_on_sale(stocks: &[u32]) -> Festival {
    let stages = stocks
        .iter()
        .zip(1..)
        .map(|(&total_stock, id)| Stage {
            id: StageId(id),
            name: format!("Stage {id}"),
            day: 1 + (id as u8 - 1) / 2,
            doors_open: datetime!(2100-03-20 10:00 +9),
            starts_at: datetime!(2100-03-20 11:30 +9),
            price: Yen(7_950),
            total_stock,
            sale_opens: datetime!(2000-01-01 00:00 +9),
            sale_closes: datetime!(2100-03-20 10:00 +9),
        })
        .collect();
    Festival::new("Test fes", "Test hall", stages).expect("a valid festival")
}
