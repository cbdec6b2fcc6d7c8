//! A stage: one concert of the festival, with its own time, price and stock.

use super::Yen;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

/// Identifies a stage. Numbers, as in the system tiket replaces (`stage_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StageId(pub u32);

impl fmt::Display for StageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One stage of the festival. Build it with [`Stage::new`], which checks it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: StageId,
    pub name: String,
    /// Festival day, counted from 1.
    pub day: u8,
    #[serde(with = "time::serde::rfc3339")]
    pub doors_open: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    pub price: Yen,
    /// Tickets this stage has in all, sold or not.
    pub total_stock: u32,
}

/// Why a stage description is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    #[error("stage {0}: the name is empty")]
    EmptyName(StageId),
    #[error("stage {0}: festival days are counted from 1")]
    DayZero(StageId),
    #[error("stage {0}: doors open after the show starts")]
    DoorsAfterStart(StageId),
    #[error("stage {0}: the ticket price is zero")]
    FreeTicket(StageId),
    #[error("stage {0}: two stages have this id")]
    DuplicateId(StageId),
}

impl Stage {
    /// A stage, checked: a name, a day from 1, doors no later than the start, a price.
    pub fn new(
        id: StageId,
        name: impl Into<String>,
        day: u8,
        doors_open: OffsetDateTime,
        starts_at: OffsetDateTime,
        price: Yen,
        total_stock: u32,
    ) -> Result<Self, StageError> {
        let stage = Stage {
            id,
            name: name.into(),
            day,
            doors_open,
            starts_at,
            price,
            total_stock,
        };
        stage.validate()?;
        Ok(stage)
    }

    /// Checks a stage however it was made (for example, read back from a file).
    pub fn validate(&self) -> Result<(), StageError> {
        if self.name.trim().is_empty() {
            return Err(StageError::EmptyName(self.id));
        }
        if self.day == 0 {
            return Err(StageError::DayZero(self.id));
        }
        if self.doors_open > self.starts_at {
            return Err(StageError::DoorsAfterStart(self.id));
        }
        if self.price == Yen(0) {
            return Err(StageError::FreeTicket(self.id));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn stage(doors: OffsetDateTime, start: OffsetDateTime) -> Result<Stage, StageError> {
        Stage::new(StageId(1), "Stage 1", 1, doors, start, Yen(7_950), 40)
    }

    #[test]
    fn accepts_a_well_formed_stage() {
        let s = stage(
            datetime!(2027-03-20 10:00 +9),
            datetime!(2027-03-20 11:00 +9),
        )
        .unwrap();
        assert_eq!(s.total_stock, 40);
    }

    #[test]
    fn refuses_doors_after_the_start() {
        let err = stage(
            datetime!(2027-03-20 12:00 +9),
            datetime!(2027-03-20 11:00 +9),
        )
        .unwrap_err();
        assert_eq!(err, StageError::DoorsAfterStart(StageId(1)));
    }

    #[test]
    fn refuses_empty_names_day_zero_and_free_tickets() {
        let t = datetime!(2027-03-20 10:00 +9);
        assert_eq!(
            Stage::new(StageId(2), "  ", 1, t, t, Yen(1), 1).unwrap_err(),
            StageError::EmptyName(StageId(2))
        );
        assert_eq!(
            Stage::new(StageId(2), "A", 0, t, t, Yen(1), 1).unwrap_err(),
            StageError::DayZero(StageId(2))
        );
        assert_eq!(
            Stage::new(StageId(2), "A", 1, t, t, Yen(0), 1).unwrap_err(),
            StageError::FreeTicket(StageId(2))
        );
    }

    #[test]
    fn serialises_times_as_rfc3339_and_reads_them_back() {
        let s = stage(
            datetime!(2027-03-20 10:00 +9),
            datetime!(2027-03-20 11:00 +9),
        )
        .unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert!(
            json.contains(r#""doors_open":"2027-03-20T10:00:00+09:00""#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Stage>(&json).unwrap(), s);
    }
}
