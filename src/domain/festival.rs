//! The festival: its address name, name, venue, time zone, stages and
//! state, and the reference event tiket is seeded with on first start.

use super::{check_name, NameError, Slug, Stage, StageError, StageId, TimeZoneName, Yen};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use time::macros::datetime;

/// A festival and the stages it sells tickets for. (Festivals saved before
/// tiket held several read back as the published reference festival's.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Festival {
    #[serde(default = "Slug::reference")]
    pub slug: Slug,
    pub name: String,
    pub venue: String,
    /// Where it happens: its stages' times are typed and shown in this zone.
    #[serde(default = "TimeZoneName::tokyo")]
    pub time_zone: TimeZoneName,
    #[serde(default)]
    pub state: FestivalState,
    pub stages: Vec<Stage>,
}

/// Who sees a festival.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FestivalState {
    /// Being set up: only staff see it, nothing is sold.
    Draft,
    /// On the fans' pages, its stages on sale in their windows.
    #[default]
    Published,
    /// Over: off the fans' list, its tickets still shown to their holders.
    Archived,
}

impl FestivalState {
    pub fn as_str(self) -> &'static str {
        match self {
            FestivalState::Draft => "draft",
            FestivalState::Published => "published",
            FestivalState::Archived => "archived",
        }
    }
}

impl Festival {
    /// A festival whose stages are each valid and have distinct ids.
    /// A published festival in Tokyo's zone (as the replaced system's were).
    pub fn new(
        name: impl Into<String>,
        venue: impl Into<String>,
        stages: Vec<Stage>,
    ) -> Result<Self, StageError> {
        let festival = Festival {
            slug: Slug::reference(),
            name: name.into(),
            venue: venue.into(),
            time_zone: TimeZoneName::tokyo(),
            state: FestivalState::Published,
            stages,
        };
        festival.validate()?;
        Ok(festival)
    }

    /// Checks the festival's names, every stage, and that no two stages
    /// share an id.
    pub fn validate(&self) -> Result<(), StageError> {
        self.check_names()
            .map_err(|(_, e)| StageError::Festival(e))?;
        let mut seen = HashSet::new();
        for stage in &self.stages {
            stage.validate()?;
            if !seen.insert(stage.id) {
                return Err(StageError::DuplicateId(stage.id));
            }
        }
        Ok(())
    }

    /// The reference event: hololive 5th fes. "Capture the Moment", four
    /// stages over two days at ¥7,950 a ticket, with a small stock each. Sales
    /// open on 1 November 2026 at noon JST and close when each stage's doors open.
    pub fn reference() -> Festival {
        let sale_opens = datetime!(2026-11-01 12:00 +9);
        // (id, name, day, doors open, show starts), in Japan Standard Time.
        #[rustfmt::skip]
        let programme = [
            (1, "Stage 1",          1, datetime!(2027-03-20 10:00 +9), datetime!(2027-03-20 11:30 +9)),
            (2, "Stage 2",          1, datetime!(2027-03-20 16:00 +9), datetime!(2027-03-20 17:30 +9)),
            (3, "Honeyworks Stage", 2, datetime!(2027-03-21 10:00 +9), datetime!(2027-03-21 11:30 +9)),
            (4, "Stage 3",          2, datetime!(2027-03-21 16:00 +9), datetime!(2027-03-21 17:30 +9)),
        ];
        let stages = programme
            .into_iter()
            .map(|(id, name, day, doors_open, starts_at)| Stage {
                id: StageId(id),
                name: name.into(),
                day,
                doors_open,
                starts_at,
                price: Yen(7_950),
                total_stock: 40,
                sale_opens,
                sale_closes: doors_open,
                per_order: None,
                per_fan: None,
                closed: false,
                reentry: false,
            })
            .collect();
        // Valid by construction; `the_reference_festival_…` checks it.
        Festival {
            slug: Slug::reference(),
            name: "hololive 5th fes. Capture the Moment".into(),
            venue: "Makuhari Messe, Chiba".into(),
            time_zone: TimeZoneName::tokyo(),
            state: FestivalState::Published,
            stages,
        }
    }

    /// The festival's own name and venue, by the rule for names: the field
    /// (`name`, `venue`) that breaks it.
    pub fn check_names(&self) -> Result<(), (&'static str, NameError)> {
        check_name(&self.name).map_err(|e| ("name", e))?;
        check_name(&self.venue).map_err(|e| ("venue", e))
    }

    /// The stage with this id, if the festival has one.
    pub fn stage(&self, id: StageId) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_festival_has_four_stages_over_two_days() {
        let festival = Festival::reference();
        festival.validate().unwrap();
        let by_day: Vec<(u8, &str)> = festival
            .stages
            .iter()
            .map(|s| (s.day, s.name.as_str()))
            .collect();
        assert_eq!(
            by_day,
            [
                (1, "Stage 1"),
                (1, "Stage 2"),
                (2, "Honeyworks Stage"),
                (2, "Stage 3")
            ]
        );
        assert!(festival
            .stages
            .iter()
            .all(|s| s.price == Yen(7_950) && s.total_stock > 0));
    }

    #[test]
    fn refuses_two_stages_with_one_id() {
        let mut stages = Festival::reference().stages;
        stages[1].id = stages[0].id;
        assert_eq!(
            Festival::new("f", "v", stages).unwrap_err(),
            StageError::DuplicateId(StageId(1))
        );
    }

    #[test]
    fn finds_stages_by_id() {
        let festival = Festival::reference();
        assert_eq!(
            festival.stage(StageId(3)).map(|s| s.name.as_str()),
            Some("Honeyworks Stage")
        );
        assert!(festival.stage(StageId(99)).is_none());
    }
}
