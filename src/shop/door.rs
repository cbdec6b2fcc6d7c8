//! The door as the shop runs it: [`Shop::redeem`], the one door for letting
//! a ticket's holder in (the door page's server function, the JSON API for
//! third-party scanners, tests and benchmarks call it), each admission a
//! [`Record::CheckedIn`] through the one write path; each festival's signing
//! key (a secret record, made on first need) and the passes it signs; what
//! an offline door takes with it ([`DoorKit`]); and the console's view of
//! the doors.
//!
//! Two gates scanning one ticket at once: the door's lock orders them, the
//! first is admitted, the second told where and when.

use super::write::{lock, Change};
use super::{Shop, ShopError};
use crate::domain::{
    check_code, check_gate, door::MOST_STAGES, scan_time, CheckIn, Conflict, Decision, Door,
    DoorError, DoorKey, DoorPublicKey, FanName, Festival, PassClaims, Scan, ScanId, Slug, StageId,
    Ticket, TicketCode, TicketId, UncheckedPass,
};
use crate::store::Record;
use rand::Rng;
use time::OffsetDateTime;

/// A scan as a door sends it.
#[derive(Clone, Debug)]
pub struct Redeem {
    /// The short code (`K7QX-M2PA`, `TIKET:K7QX-M2PA`) or a signed pass.
    pub code: String,
    pub gate: String,
    pub scan: ScanId,
    /// The stages this door lets in (`None`: any).
    pub stages: Option<Vec<StageId>>,
    /// When an offline door let the holder in (`None`: now).
    pub at: Option<OffsetDateTime>,
    /// Keep the admission whatever the rule says (an offline door's report).
    pub force: bool,
    pub by: FanName,
}

/// What the door answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Admitted,
    AlreadyAdmitted,
    Cancelled,
    WrongStage,
    NotValid,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Admitted => "admitted",
            Outcome::AlreadyAdmitted => "already_admitted",
            Outcome::Cancelled => "cancelled",
            Outcome::WrongStage => "wrong_stage",
            Outcome::NotValid => "not_valid",
        }
    }
}

/// The door's answer to a scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redemption {
    pub outcome: Outcome,
    /// The ticket the code names, when there is one (never for a forged
    /// or unknown code).
    pub ticket: Option<Ticket>,
    /// The admission this scan made, with its position (also when the scan
    /// was sent again: `repeated`).
    pub check_in: Option<(u64, CheckIn)>,
    /// Already admitted (or a forced admission of a ticket already let
    /// in): the ticket's first admission.
    pub first: Option<(u64, CheckIn)>,
    /// The same scan was answered before; nothing new was kept.
    pub repeated: bool,
}

/// What a door needs to check signed tickets with no network.
#[derive(Clone, Debug)]
pub struct DoorKit {
    pub festival: Festival,
    /// The festival's number, as its passes carry it.
    pub number: u16,
    pub public_key: DoorPublicKey,
    /// Tickets of the festival whose codes no longer admit.
    pub revoked: Vec<TicketId>,
    /// The position of the newest admission when the kit was made.
    pub position: Option<u64>,
}

/// One stage at the door: tickets sold and let in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageAtTheDoor {
    pub id: StageId,
    pub name: String,
    pub sold: u32,
    pub admitted: u32,
    pub reentry: bool,
}

/// An offline admission that online would have been refused.
#[derive(Clone, Debug)]
pub struct DoorConflict {
    pub position: u64,
    pub check_in: CheckIn,
    pub code: TicketCode,
    /// Let in twice: the ticket's first admission.
    pub first: Option<CheckIn>,
}

/// A festival's doors as the console shows them.
#[derive(Clone, Debug)]
pub struct DoorSummary {
    pub festival: Festival,
    pub stages: Vec<StageAtTheDoor>,
    /// The newest admissions, newest first, each with its ticket's code.
    pub latest: Vec<(u64, CheckIn, TicketCode)>,
    /// Offline admissions that online would have been refused, each with
    /// the ticket's first admission when it was let in twice.
    pub conflicts: Vec<DoorConflict>,
}

/// The secret's purpose for a festival's signing key.
fn key_purpose(number: u16) -> String {
    format!("door-signing-key/{number}")
}

impl Shop {
    /// A festival's signing key, made (and saved) on first need.
    async fn door_key(&self, number: u16) -> Result<DoorKey, ShopError> {
        let secret = self
            .secret(&key_purpose(number), || {
                DoorKey::from_seed(rand::rng().random()).to_secret()
            })
            .await?;
        // Made by this code; a secret that does not read back is a bug.
        DoorKey::from_secret(&secret).ok_or(ShopError::NotSaving)
    }

    /// The key of a festival whose key was made; none yet means no pass of
    /// it was ever shown.
    fn door_key_made(&self, number: u16) -> Option<DoorKey> {
        let secrets = lock(&self.secrets);
        DoorKey::from_secret(secrets.get(&key_purpose(number))?)
    }

    /// Each ticket's signed pass, for its QR code (the keys of their
    /// festivals are made on first need).
    pub async fn passes(&self, tickets: &[Ticket]) -> Result<Vec<String>, ShopError> {
        let claims: Vec<Option<PassClaims>> = {
            let inventory = self.inventory();
            let catalogue = inventory.catalogue();
            tickets
                .iter()
                .map(|ticket| {
                    let (festival, _) = catalogue.stage(ticket.stage)?;
                    Some(PassClaims {
                        ticket: ticket.id,
                        festival: catalogue.number(&festival.slug)?,
                        stage: ticket.stage,
                    })
                })
                .collect()
        };
        let mut keys: Vec<(u16, DoorKey)> = Vec::new();
        let mut passes = Vec::with_capacity(claims.len());
        for claims in claims {
            let Some(claims) = claims else {
                passes.push(String::new());
                continue;
            };
            let key = match keys.iter().find(|(n, _)| *n == claims.festival) {
                Some((_, key)) => key.clone(),
                None => {
                    let key = self.door_key(claims.festival).await?;
                    keys.push((claims.festival, key.clone()));
                    key
                }
            };
            passes.push(key.sign(claims));
        }
        Ok(passes)
    }

    /// What an offline door of festival `slug` takes with it.
    pub async fn door_kit(&self, slug: &Slug) -> Result<DoorKit, ShopError> {
        let (festival, number) = {
            let inventory = self.inventory();
            let catalogue = inventory.catalogue();
            let festival = catalogue
                .festival(slug)
                .ok_or_else(|| DoorError::UnknownFestival(slug.to_string()))?;
            let number = catalogue
                .number(slug)
                .ok_or_else(|| DoorError::UnknownFestival(slug.to_string()))?;
            (festival.clone(), number)
        };
        let public_key = self.door_key(number).await?.public();
        let (revoked, position): (Vec<TicketId>, _) = {
            let door = lock(&self.door);
            (door.revoked().copied().collect(), door.len().checked_sub(1))
        };
        let inventory = self.inventory();
        let revoked = revoked
            .into_iter()
            .filter(|id| {
                inventory
                    .ticket(*id)
                    .is_some_and(|t| festival.stage(t.stage).is_some())
            })
            .collect();
        Ok(DoorKit {
            festival,
            number,
            public_key,
            revoked,
            position,
        })
    }

    /// The ticket a code names: a short code, or a pass whose signature its
    /// festival's key accepts and whose claims match the ticket.
    fn ticket_named(&self, code: &str) -> (Option<Ticket>, bool) {
        let text = code.trim();
        let short = text
            .get(..6)
            .filter(|prefix| prefix.eq_ignore_ascii_case("TIKET:"))
            .map_or(text, |_| &text[6..]);
        if let Ok(code) = short.parse::<TicketCode>() {
            return (self.inventory().ticket_by_code(code).cloned(), false);
        }
        let Ok(pass) = text.parse::<UncheckedPass>() else {
            return (None, false);
        };
        let Some(key) = self.door_key_made(pass.festival()) else {
            return (None, true);
        };
        let Ok(claims) = key.public().verify(&pass) else {
            return (None, true);
        };
        let inventory = self.inventory();
        let ticket = inventory
            .ticket(claims.ticket)
            .filter(|ticket| ticket.stage == claims.stage)
            .filter(|ticket| {
                let catalogue = inventory.catalogue();
                catalogue
                    .stage(ticket.stage)
                    .and_then(|(festival, _)| catalogue.number(&festival.slug))
                    == Some(claims.festival)
            })
            .cloned();
        (ticket, true)
    }

    /// Lets a ticket's holder in, once: answered when the admission is on
    /// disk. Refusals keep nothing; a scan sent again gets its first answer.
    pub async fn redeem(&self, scan: Redeem) -> Result<Redemption, ShopError> {
        check_gate(&scan.gate)?;
        check_code(&scan.code)?;
        if scan.stages.as_ref().is_some_and(|s| s.len() > MOST_STAGES) {
            return Err(DoorError::TooManyStages.into());
        }
        let at = scan_time(scan.at, self.now())?;
        let (ticket, reentry) = {
            let (ticket, _) = self.ticket_named(&scan.code);
            let inventory = self.inventory();
            let catalogue = inventory.catalogue();
            for &stage in scan.stages.iter().flatten() {
                if catalogue.stage(stage).is_none() {
                    return Err(DoorError::UnknownStage(stage).into());
                }
            }
            let reentry = ticket
                .as_ref()
                .and_then(|t| catalogue.stage(t.stage))
                .is_some_and(|(_, stage)| stage.reentry);
            (ticket, reentry)
        };
        let started = std::time::Instant::now();
        let answer = self
            .write(&self.door, |door| {
                let decision = door.decide(&Scan {
                    ticket: ticket.as_ref(),
                    stages: scan.stages.as_deref(),
                    reentry,
                    gate: scan.gate.trim(),
                    scan: &scan.scan,
                    at,
                    by: &scan.by,
                    force: scan.force,
                })?;
                let answer = |outcome, check_in, first, repeated| Redemption {
                    outcome,
                    ticket: ticket.clone(),
                    check_in,
                    first,
                    repeated,
                };
                Ok::<_, ShopError>(match decision {
                    Decision::Admit(check_in) => {
                        // A forced admission of a ticket already let in: the first.
                        let first = match check_in.conflict {
                            Some(Conflict::AlreadyAdmitted) => door
                                .first_check_in(check_in.ticket)
                                .map(|(at, first)| (at, first.clone())),
                            _ => None,
                        };
                        let position = door.admit(check_in.clone());
                        let scan_id = check_in.scan.clone();
                        Change::saving(
                            answer(
                                Outcome::Admitted,
                                Some((position, check_in.clone())),
                                first,
                                false,
                            ),
                            Record::CheckedIn { check_in },
                            move |door: &mut Door| door.take_back(&scan_id),
                        )
                    }
                    Decision::Repeated { position, check_in } => {
                        let first = match check_in.conflict {
                            Some(Conflict::AlreadyAdmitted) => door
                                .first_check_in(check_in.ticket)
                                .filter(|(at, _)| *at != position)
                                .map(|(at, first)| (at, first.clone())),
                            _ => None,
                        };
                        Change::nothing_to_save(answer(
                            Outcome::Admitted,
                            Some((position, check_in)),
                            first,
                            true,
                        ))
                    }
                    Decision::AlreadyAdmitted { position, first } => {
                        Change::nothing_to_save(answer(
                            Outcome::AlreadyAdmitted,
                            None,
                            Some((position, first)),
                            false,
                        ))
                    }
                    Decision::Cancelled => {
                        Change::nothing_to_save(answer(Outcome::Cancelled, None, None, false))
                    }
                    Decision::WrongStage { .. } => {
                        Change::nothing_to_save(answer(Outcome::WrongStage, None, None, false))
                    }
                    Decision::NotValid => Change::nothing_to_save(Redemption {
                        ticket: None,
                        ..answer(Outcome::NotValid, None, None, false)
                    }),
                })
            })
            .await;
        if let Ok(redemption) = &answer {
            metrics::counter!("tiket_door_scans_total", "outcome" => redemption.outcome.as_str())
                .increment(1);
            metrics::histogram!("tiket_door_scan_seconds").record(started.elapsed().as_secs_f64());
        }
        answer
    }

    /// Admissions after position `after` (all when `None`), at most
    /// `limit`, of one festival's stages or all.
    pub fn check_ins(
        &self,
        after: Option<u64>,
        limit: usize,
        festival: Option<&Slug>,
    ) -> Result<Vec<(u64, CheckIn)>, ShopError> {
        let stages: Option<Vec<StageId>> = match festival {
            None => None,
            Some(slug) => {
                let inventory = self.inventory();
                let festival = inventory
                    .catalogue()
                    .festival(slug)
                    .ok_or_else(|| DoorError::UnknownFestival(slug.to_string()))?;
                Some(festival.stages.iter().map(|s| s.id).collect())
            }
        };
        let door = lock(&self.door);
        Ok(door
            .since(after)
            .filter(|(_, c)| stages.as_ref().is_none_or(|s| s.contains(&c.stage)))
            .take(limit)
            .map(|(position, c)| (position, c.clone()))
            .collect())
    }

    /// A festival's doors for the console: per stage sold and let in, the
    /// newest `latest` admissions and every conflict.
    pub fn door_summary(&self, slug: &Slug, latest: usize) -> Option<DoorSummary> {
        let inventory = self.inventory();
        let festival = inventory.catalogue().festival(slug)?.clone();
        let door = lock(&self.door);
        let stages = festival
            .stages
            .iter()
            .map(|stage| StageAtTheDoor {
                id: stage.id,
                name: stage.name.clone(),
                sold: inventory.sold(stage.id),
                admitted: door.admitted(stage.id),
                reentry: stage.reentry,
            })
            .collect();
        let ours = |c: &CheckIn| festival.stage(c.stage).is_some();
        let with_code = |(position, c): (u64, &CheckIn)| {
            let code = inventory.ticket(c.ticket)?.code;
            Some((position, c.clone(), code))
        };
        let latest = door
            .latest()
            .filter(|(_, c)| ours(c))
            .take(latest)
            .filter_map(with_code)
            .collect();
        let conflicts = door
            .conflicts()
            .filter(|(_, c)| ours(c))
            .filter_map(|(position, c)| {
                let first = match c.conflict {
                    Some(Conflict::AlreadyAdmitted) => door
                        .first_check_in(c.ticket)
                        .filter(|(at, _)| *at != position)
                        .map(|(_, first)| first.clone()),
                    _ => None,
                };
                let (position, check_in, code) = with_code((position, c))?;
                Some(DoorConflict {
                    position,
                    check_in,
                    code,
                    first,
                })
            })
            .collect();
        Some(DoorSummary {
            festival,
            stages,
            latest,
            conflicts,
        })
    }
}

/// The admissions the saved records hold, in order.
pub(super) fn restore(records: &[Record]) -> Door {
    let mut door = Door::default();
    for record in records {
        if let Record::CheckedIn { check_in } = record {
            door.admit(check_in.clone());
        }
    }
    door
}
