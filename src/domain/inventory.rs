//! The inventory: how many tickets of each stage are still for sale.

use super::{Festival, Stage, StageId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Tickets sold so far per stage, against the festival's stock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inventory {
    festival: Festival,
    sold: HashMap<StageId, u32>,
}

/// What a fan sees of one stage: the stage and how many tickets are left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageListing {
    pub stage: Stage,
    pub remaining: u32,
}

impl StageListing {
    pub fn is_sold_out(&self) -> bool {
        self.remaining == 0
    }
}

/// The whole festival as a fan sees it, stages in festival order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FestivalListing {
    pub name: String,
    pub venue: String,
    pub stages: Vec<StageListing>,
}

impl FestivalListing {
    /// The festival's days in order, each with its stages.
    pub fn days(&self) -> Vec<(u8, Vec<StageListing>)> {
        let mut days: Vec<(u8, Vec<StageListing>)> = Vec::new();
        for listing in &self.stages {
            match days.iter_mut().find(|(day, _)| *day == listing.stage.day) {
                Some((_, stages)) => stages.push(listing.clone()),
                None => days.push((listing.stage.day, vec![listing.clone()])),
            }
        }
        days.sort_by_key(|(day, _)| *day);
        days
    }
}

impl Inventory {
    /// An inventory with nothing sold yet.
    pub fn new(festival: Festival) -> Self {
        Inventory {
            festival,
            sold: HashMap::new(),
        }
    }

    pub fn festival(&self) -> &Festival {
        &self.festival
    }

    /// Tickets of this stage still for sale; `None` for an unknown stage.
    pub fn remaining(&self, id: StageId) -> Option<u32> {
        let stage = self.festival.stage(id)?;
        let sold = self.sold.get(&id).copied().unwrap_or(0);
        Some(stage.total_stock.saturating_sub(sold))
    }

    /// The festival with each stage's remaining stock.
    pub fn listing(&self) -> FestivalListing {
        FestivalListing {
            name: self.festival.name.clone(),
            venue: self.festival.venue.clone(),
            stages: self
                .festival
                .stages
                .iter()
                .map(|stage| StageListing {
                    stage: stage.clone(),
                    remaining: self.remaining(stage.id).unwrap_or(0),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_inventory_has_every_ticket_left() {
        let inventory = Inventory::new(Festival::reference());
        let listing = inventory.listing();
        assert_eq!(listing.stages.len(), 4);
        for stage in &listing.stages {
            assert_eq!(stage.remaining, stage.stage.total_stock);
            assert!(!stage.is_sold_out());
        }
        assert_eq!(inventory.remaining(StageId(99)), None);
    }

    #[test]
    fn groups_stages_by_day_in_order() {
        let mut listing = Inventory::new(Festival::reference()).listing();
        listing.stages.reverse();
        let days = listing.days();
        let names: Vec<(u8, Vec<&str>)> = days
            .iter()
            .map(|(day, stages)| (*day, stages.iter().map(|s| s.stage.name.as_str()).collect()))
            .collect();
        assert_eq!(
            names,
            [
                (1, vec!["Stage 2", "Stage 1"]),
                (2, vec!["Stage 3", "Honeyworks Stage"])
            ]
        );
    }
}
