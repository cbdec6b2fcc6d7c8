//! Read models: what fans see of the festival and its stock.

use super::{FestivalState, Slug, Stage, StageId, TimeZoneName};
use serde::{Deserialize, Serialize};

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

/// How many tickets of one stage are left: what live stock updates carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    pub stage: StageId,
    pub remaining: u32,
}

/// The whole festival as a fan sees it, stages in festival order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FestivalListing {
    pub slug: Slug,
    pub name: String,
    pub venue: String,
    pub time_zone: TimeZoneName,
    pub state: FestivalState,
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
