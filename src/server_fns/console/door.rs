//! A festival's doors for the console: per stage tickets sold and holders
//! let in, the newest check-ins, and every conflict (an offline door's
//! admission that online would have been refused), each conflict of a
//! ticket let in twice with where and when it was first let in. Reads only
//! what the shop keeps in memory ([`crate::shop::Shop::door_summary`]), so
//! the open page may ask again every few seconds while the doors are open.

use super::{FestivalRow, Gate};
use crate::domain::Conflict;
use crate::forms::Problem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How many check-ins the log shows, newest first.
pub const LOG_LENGTH: usize = 50;

/// One stage at the door.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageDoorRow {
    pub id: u32,
    pub name: String,
    pub sold: u32,
    /// Tickets let in (each ticket once, however often it came back).
    pub admitted: u32,
    /// Admitted of sold, in whole percent (0 when nothing is sold; at most 100).
    pub percent: u32,
    /// Holders may leave and come back in.
    pub reentry: bool,
}

/// One check-in as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInRow {
    /// Its place in the door's log.
    pub position: u64,
    pub code: String,
    pub stage: String,
    pub gate: String,
    /// When, in the festival's zone: `2027-03-20 18:02:11 JST`.
    pub at: String,
    /// The same moment for machines (RFC 3339), for `<time datetime>`.
    pub at_iso: String,
    /// The staff member whose device let the holder in.
    pub by: String,
    /// Reported afterwards by a door that was offline.
    pub forced: bool,
    pub conflict: Option<Conflict>,
}

/// Where and when a ticket was first let in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstCheckIn {
    pub gate: String,
    pub at: String,
    pub by: String,
}

/// An offline admission online would have refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictRow {
    pub check_in: CheckInRow,
    /// For a ticket let in twice: its first admission.
    pub first: Option<FirstCheckIn>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorBoard {
    pub festival: FestivalRow,
    pub stages: Vec<StageDoorRow>,
    pub sold: u32,
    pub admitted: u32,
    pub percent: u32,
    /// The newest check-ins, newest first (at most [`LOG_LENGTH`]).
    pub latest: Vec<CheckInRow>,
    /// Every conflict, oldest first.
    pub conflicts: Vec<ConflictRow>,
    /// When these numbers were read, on the festival's clock.
    pub as_of: String,
}

/// `part` of `whole` in whole percent, at most 100.
pub fn percent(part: u32, whole: u32) -> u32 {
    match whole {
        0 => 0,
        whole => (u64::from(part) * 100 / u64::from(whole)).min(100) as u32,
    }
}

#[cfg(feature = "ssr")]
fn check_in_row(
    position: u64,
    check_in: &crate::domain::CheckIn,
    code: crate::domain::TicketCode,
    festival: &crate::domain::Festival,
) -> CheckInRow {
    CheckInRow {
        position,
        code: code.to_string(),
        stage: festival
            .stage(check_in.stage)
            .map_or_else(|| format!("#{}", check_in.stage), |s| s.name.clone()),
        gate: check_in.gate.clone(),
        at: super::in_festival_zone_to_the_second(check_in.at, &festival.time_zone),
        at_iso: check_in
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        by: check_in.by.as_str().to_owned(),
        forced: check_in.forced,
        conflict: check_in.conflict,
    }
}

/// The festival `slug`'s doors now.
#[server(prefix = "/api/fn", endpoint = "console_door")]
pub async fn console_door(slug: String) -> Result<Gate<DoorBoard>, Problem> {
    use super::super::edge;
    super::page(|_caller| {
        let shop = edge::shop()?;
        let slug = super::slug(&slug)?;
        let unknown = || {
            edge::refused(crate::shop::ShopError::Edit(
                crate::domain::EditError::UnknownFestival(slug.clone()),
            ))
        };
        let summary = shop.door_summary(&slug, LOG_LENGTH).ok_or_else(unknown)?;
        let festival = &summary.festival;
        let catalogue = shop.catalogue();
        let is_default = catalogue.default_festival().slug == festival.slug;
        let stages: Vec<StageDoorRow> = summary
            .stages
            .iter()
            .map(|stage| StageDoorRow {
                id: stage.id.0,
                name: stage.name.clone(),
                sold: stage.sold,
                admitted: stage.admitted,
                percent: percent(stage.admitted, stage.sold),
                reentry: stage.reentry,
            })
            .collect();
        let sold = stages.iter().map(|s| s.sold).sum();
        let admitted = stages.iter().map(|s| s.admitted).sum();
        Ok(DoorBoard {
            festival: FestivalRow {
                slug: festival.slug.to_string(),
                name: festival.name.clone(),
                venue: festival.venue.clone(),
                time_zone: festival.time_zone.as_str().to_owned(),
                state: festival.state.as_str().to_owned(),
                stages: festival.stages.len(),
                is_default,
            },
            stages,
            sold,
            admitted,
            percent: percent(admitted, sold),
            latest: summary
                .latest
                .iter()
                .map(|(position, c, code)| check_in_row(*position, c, *code, festival))
                .collect(),
            conflicts: summary
                .conflicts
                .iter()
                .map(|conflict| ConflictRow {
                    check_in: check_in_row(
                        conflict.position,
                        &conflict.check_in,
                        conflict.code,
                        festival,
                    ),
                    first: conflict.first.as_ref().map(|first| FirstCheckIn {
                        gate: first.gate.clone(),
                        at: super::in_festival_zone_to_the_second(first.at, &festival.time_zone),
                        by: first.by.as_str().to_owned(),
                    }),
                })
                .collect(),
            as_of: super::in_festival_zone_to_the_second(shop.now(), &festival.time_zone),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percent_is_whole_and_never_over_a_hundred() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(5, 0), 0);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 66);
        assert_eq!(percent(40, 40), 100);
        assert_eq!(percent(41, 40), 100);
        assert_eq!(percent(u32::MAX, u32::MAX), 100);
    }
}
