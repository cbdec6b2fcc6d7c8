//! The door page's calls: the festivals a door can work, a scan answered
//! (through `Shop::redeem`, the one door), what an offline door takes with
//! it, and an offline door's admissions uploaded as forced check-ins. Every
//! function first asks `edge::door_staff` (`Auth::staff` with `Role::Door`:
//! door staff, or an organiser who passed the second factor).

use super::console::Gate;
use crate::forms::Problem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A stage as the door picks it, its times on the festival's clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorStage {
    pub id: u32,
    pub name: String,
    /// Festival day, counted from 1.
    pub day: u8,
    /// `Sat 20 Mar`, in the festival's zone.
    pub date: String,
    /// `10:00`, doors and start, in the festival's zone (`zone`).
    pub doors: String,
    pub starts: String,
    /// `JST`, `WIB`.
    pub zone: String,
    /// Holders may leave and come back.
    pub reentry: bool,
}

/// A festival a door can work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorFestival {
    pub slug: String,
    pub name: String,
    pub venue: String,
    pub published: bool,
    pub stages: Vec<DoorStage>,
}

/// The door page's data: who works it, and the festivals (published first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorSetup {
    pub staff: String,
    pub festivals: Vec<DoorFestival>,
}

/// The door's answer to a scan, as the page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorAnswer {
    /// `admitted`, `already_admitted`, `cancelled`, `wrong_stage`, `not_valid`.
    pub outcome: String,
    /// The ticket's id (to remember on the device what it let in).
    pub ticket: Option<String>,
    /// The ticket's short code.
    pub code: Option<String>,
    pub owner: Option<String>,
    /// The ticket's stage and its day.
    pub stage: Option<String>,
    pub day: Option<u8>,
    /// Already admitted: where and when (`18:02:11`, festival's clock) first.
    pub first_gate: Option<String>,
    pub first_at: Option<String>,
    /// The same scan was answered before; nothing new was kept.
    pub repeated: bool,
    /// A forced (offline) admission online would have refused:
    /// `already_admitted`, `cancelled`, `wrong_stage`.
    pub conflict: Option<String>,
}

/// What a door needs to check signed tickets with no network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorKitData {
    pub slug: String,
    pub name: String,
    /// The festival's number, as its passes carry it.
    pub number: u16,
    /// The festival's public key (52 characters, base32).
    pub public_key: String,
    /// Ticket ids whose codes no longer admit.
    pub revoked: Vec<String>,
    pub stages: Vec<DoorStage>,
}

/// An admission an offline door made, as it uploads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedScan {
    pub code: String,
    pub gate: String,
    pub scan_id: String,
    /// When (RFC 3339, the device's clock).
    pub at: String,
    pub stages: Vec<u32>,
}

/// One uploaded admission's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncedScan {
    pub scan_id: String,
    /// The server's answer, or why it could not take the scan.
    pub answer: Result<DoorAnswer, String>,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::domain::{Festival, FestivalState, ScanId, Slug, StageId, TimeZoneName};
    use crate::server_fns::edge;
    use crate::shop::door::Redemption;

    pub fn stage(
        stage: &crate::domain::Stage,
        zone: &TimeZoneName,
        locale: crate::i18n::Locale,
    ) -> DoorStage {
        use crate::when;
        let local = |moment| when::localized(moment, zone);
        DoorStage {
            id: stage.id.0,
            name: stage.name.clone(),
            day: stage.day,
            date: when::short_date(local(stage.starts_at), locale),
            doors: when::clock(local(stage.doors_open), locale),
            starts: when::clock(local(stage.starts_at), locale),
            zone: when::zone_abbreviation(zone, stage.doors_open),
            reentry: stage.reentry,
        }
    }

    pub fn festival(festival: &Festival, locale: crate::i18n::Locale) -> DoorFestival {
        DoorFestival {
            slug: festival.slug.to_string(),
            name: festival.name.clone(),
            venue: festival.venue.clone(),
            published: festival.state == FestivalState::Published,
            stages: festival
                .stages
                .iter()
                .map(|s| stage(s, &festival.time_zone, locale))
                .collect(),
        }
    }

    pub fn slug(text: &str) -> Result<Slug, Problem> {
        Slug::new(text.trim()).map_err(|_| {
            edge::refused(crate::shop::ShopError::Door(
                crate::domain::DoorError::UnknownFestival(text.trim().to_owned()),
            ))
        })
    }

    pub fn scan_id(text: &str) -> Result<ScanId, Problem> {
        ScanId::new(text.trim()).map_err(|error| bad_request(error.to_string()))
    }

    pub fn bad_request(detail: String) -> Problem {
        edge::refused(crate::refusal::Refusal::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            crate::messages::Message::BadField {
                field: "scan".to_owned(),
                detail,
            },
        ))
    }

    /// The stages a door of `slug` lets in: those picked, else all of the
    /// festival's.
    pub fn stages_of(slug: &Slug, picked: &[u32]) -> Result<Vec<StageId>, Problem> {
        let shop = edge::shop()?;
        let catalogue = shop.catalogue();
        let festival = catalogue.festival(slug).ok_or_else(|| {
            edge::refused(crate::shop::ShopError::Door(
                crate::domain::DoorError::UnknownFestival(slug.to_string()),
            ))
        })?;
        Ok(match picked.is_empty() {
            true => festival.stages.iter().map(|s| s.id).collect(),
            false => picked.iter().map(|&id| StageId(id)).collect(),
        })
    }

    /// `18:02:11` on the festival's clock.
    fn clock(moment: time::OffsetDateTime, zone: &TimeZoneName) -> String {
        let format = time::macros::format_description!("[hour]:[minute]:[second]");
        crate::when::localized(moment, zone)
            .format(format)
            .unwrap_or_default()
    }

    /// A redemption as the page shows it.
    pub fn answer(redemption: Redemption) -> DoorAnswer {
        let Ok(shop) = edge::shop() else {
            return DoorAnswer::default();
        };
        let catalogue = shop.catalogue();
        let ticket = redemption.ticket.as_ref();
        let place = ticket.and_then(|t| catalogue.stage(t.stage));
        let zone = place
            .map(|(festival, _)| festival.time_zone.clone())
            .unwrap_or_else(TimeZoneName::tokyo);
        let conflict = redemption
            .check_in
            .as_ref()
            .and_then(|(_, c)| c.conflict)
            .map(|conflict| match conflict {
                crate::domain::Conflict::AlreadyAdmitted => "already_admitted",
                crate::domain::Conflict::Cancelled => "cancelled",
                crate::domain::Conflict::WrongStage => "wrong_stage",
            });
        // Already admitted (or admitted offline at another gate too): the first.
        let first = redemption.first.as_ref().map(|(_, first)| first.clone());
        DoorAnswer {
            outcome: redemption.outcome.as_str().to_owned(),
            ticket: ticket.map(|t| t.id.0.to_string()),
            code: ticket.map(|t| t.code.to_string()),
            owner: ticket.map(|t| t.owner.as_str().to_owned()),
            stage: place.map(|(_, stage)| stage.name.clone()),
            day: place.map(|(_, stage)| stage.day),
            first_gate: first.as_ref().map(|c| c.gate.clone()),
            first_at: first.as_ref().map(|c| clock(c.at, &zone)),
            repeated: redemption.repeated,
            conflict: conflict.map(str::to_owned),
        }
    }
}

/// The festivals a door can work, published ones first, each with its
/// stages; or where the visitor must go first.
#[server(prefix = "/api/fn", endpoint = "door_festivals")]
pub async fn door_festivals() -> Result<Gate<DoorSetup>, Problem> {
    use super::edge::{self, NotOrganiser};
    let caller = match edge::door_staff() {
        Ok(caller) => caller,
        Err(NotOrganiser::SignIn) => return Ok(Gate::SignIn),
        Err(NotOrganiser::SecondFactor) => return Ok(Gate::SecondFactor),
        Err(NotOrganiser::Refused(problem)) => return Err(problem),
    };
    let shop = edge::shop()?;
    let locale = edge::language();
    let catalogue = shop.catalogue();
    let mut festivals: Vec<DoorFestival> = catalogue
        .festivals()
        .iter()
        .filter(|f| f.state != crate::domain::FestivalState::Archived)
        .map(|f| server::festival(f, locale))
        .collect();
    // Published first; otherwise as the catalogue lists them.
    festivals.sort_by_key(|f| !f.published);
    Ok(Gate::Open(DoorSetup {
        staff: caller.name.as_str().to_owned(),
        festivals,
    }))
}

/// A scan at gate `gate` of festival `slug`, letting in `stages` (all of the
/// festival's when empty): the door's answer. `scan_id` is the device's own
/// id for this scan; sent again, it gets the first answer.
#[server(prefix = "/api/fn", endpoint = "redeem_scan")]
pub async fn redeem_scan(
    slug: String,
    code: String,
    gate: String,
    #[server(default)] stages: Vec<u32>,
    scan_id: String,
) -> Result<DoorAnswer, Problem> {
    use super::edge;
    let caller = edge::door_staff_acting()?;
    let shop = edge::shop()?;
    let slug = server::slug(&slug)?;
    let stages = server::stages_of(&slug, &stages)?;
    let redemption = shop
        .redeem(crate::shop::door::Redeem {
            code,
            gate: gate.trim().to_owned(),
            scan: server::scan_id(&scan_id)?,
            stages: Some(stages),
            at: None,
            force: false,
            by: caller.name,
        })
        .await
        .map_err(edge::refused)?;
    Ok(server::answer(redemption))
}

/// What a door of festival `slug` needs to work offline: the festival's
/// public key and number, the revoked tickets, its stages.
#[server(prefix = "/api/fn", endpoint = "door_kit")]
pub async fn door_kit(slug: String) -> Result<DoorKitData, Problem> {
    use super::edge;
    edge::door_staff_acting()?;
    let shop = edge::shop()?;
    let slug = server::slug(&slug)?;
    let kit = shop.door_kit(&slug).await.map_err(edge::refused)?;
    let locale = edge::language();
    Ok(DoorKitData {
        slug: kit.festival.slug.to_string(),
        name: kit.festival.name.clone(),
        number: kit.number,
        public_key: kit.public_key.to_string(),
        revoked: kit.revoked.iter().map(|id| id.0.to_string()).collect(),
        stages: server::festival(&kit.festival, locale).stages,
    })
}

/// An offline door's admissions, each kept as a forced check-in with its
/// own scan id and time (sent again, answered as the first time). Each gets
/// its answer: admitted, with the conflict online would have refused it
/// for, or why it could not be taken.
#[server(prefix = "/api/fn", endpoint = "sync_scans")]
pub async fn sync_scans(
    #[server(default)] scans: Vec<QueuedScan>,
) -> Result<Vec<SyncedScan>, Problem> {
    use super::edge;
    let caller = edge::door_staff_acting()?;
    let shop = edge::shop()?;
    let mut answers = Vec::with_capacity(scans.len());
    for scan in scans {
        let scan_id = scan.scan_id.clone();
        let taken = async {
            let scan_id = crate::domain::ScanId::new(scan.scan_id.trim())
                .map_err(|error| error.to_string())?;
            let at = time::OffsetDateTime::parse(
                scan.at.trim(),
                &time::format_description::well_known::Rfc3339,
            )
            .map_err(|error| format!("{}: {error}", scan.at))?;
            let redemption = shop
                .redeem(crate::shop::door::Redeem {
                    code: scan.code,
                    gate: scan.gate.trim().to_owned(),
                    scan: scan_id,
                    stages: (!scan.stages.is_empty()).then(|| {
                        scan.stages
                            .iter()
                            .map(|&id| crate::domain::StageId(id))
                            .collect()
                    }),
                    at: Some(at),
                    force: true,
                    by: caller.name.clone(),
                })
                .await
                // Not `edge::refused`: one scan's refusal is not the answer's status.
                .map_err(|error| {
                    crate::messages::capitalised(
                        &crate::refusal::Refusal::from(error).sentence(edge::language()),
                    )
                })?;
            Ok::<_, String>(server::answer(redemption))
        }
        .await;
        answers.push(SyncedScan {
            scan_id,
            answer: taken,
        });
    }
    Ok(answers)
}
