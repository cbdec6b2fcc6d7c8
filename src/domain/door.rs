//! The door: who was let in, where and when, and the rule that admits a
//! ticket once ([`Door::decide`]).
//!
//! Every admission is a [`CheckIn`], kept in order (its place in the log is
//! its position, which door devices and the console read on from). A scan
//! carries the device's own id for it: sent again, it is answered as the
//! first time and nothing new is kept. A door that was offline reports its
//! admissions afterwards as *forced*: they are kept even when the ticket was
//! already in, and marked as a [`Conflict`] for the organisers to see.

use super::{check_name, FanName, NameError, StageId, Ticket, TicketId};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use time::{Duration, OffsetDateTime};

/// A door device's id for one scan: 1 to 128 visible ASCII characters (a
/// UUID is a good choice), the same when the scan is sent again.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ScanId(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a scan id is 1 to {max} visible ASCII characters (a UUID is a good choice)", max = ScanId::MAX_LEN)]
pub struct ScanIdError;

impl ScanId {
    pub const MAX_LEN: usize = 128;

    pub fn new(id: impl Into<String>) -> Result<Self, ScanIdError> {
        let id = id.into();
        let visible = id.chars().all(Self::allows);
        match visible && (1..=Self::MAX_LEN).contains(&id.len()) {
            true => Ok(ScanId(id)),
            false => Err(ScanIdError),
        }
    }

    /// Whether a scan id may hold `c`: visible ASCII, `!` to `~`.
    pub fn allows(c: char) -> bool {
        c.is_ascii_graphic()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ScanId {
    type Error = ScanIdError;
    fn try_from(id: String) -> Result<Self, Self::Error> {
        ScanId::new(id)
    }
}

impl From<ScanId> for String {
    fn from(id: ScanId) -> String {
        id.0
    }
}

/// Why a kept admission needs an organiser's look: it happened while the
/// door was offline, and online it would have been refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conflict {
    /// The ticket had already been let in (at another gate, or before).
    AlreadyAdmitted,
    /// The ticket had been cancelled.
    Cancelled,
    /// The ticket is for a stage the door was not letting in.
    WrongStage,
}

/// One admission, as the journal keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub ticket: TicketId,
    pub stage: StageId,
    /// The gate's name, as the door staff set it.
    pub gate: String,
    pub scan: ScanId,
    /// When the holder was let in (for a forced admission, when the offline
    /// door did it).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The staff member whose device let them in.
    pub by: FanName,
    /// Reported by a door that was offline.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forced: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Conflict>,
}

/// A scan as the door makes it, the ticket already looked up.
#[derive(Clone, Debug)]
pub struct Scan<'a> {
    /// The ticket the code names (`None`: no such ticket, or a forged pass).
    pub ticket: Option<&'a Ticket>,
    /// The stages the door lets in (`None`: any).
    pub stages: Option<&'a [StageId]>,
    /// Whether the ticket's stage lets holders leave and come back.
    pub reentry: bool,
    pub gate: &'a str,
    pub scan: &'a ScanId,
    pub at: OffsetDateTime,
    pub by: &'a FanName,
    /// Keep the admission whatever the answer (a door that was offline).
    pub force: bool,
}

/// What the door answers, and whether an admission is to be kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Let them in: keep this check-in (forced ones may carry a conflict).
    Admit(CheckIn),
    /// This scan was answered before: the same answer, nothing new kept.
    Repeated {
        position: u64,
        check_in: CheckIn,
    },
    /// Already let in, and the stage does not let holders come back.
    AlreadyAdmitted {
        position: u64,
        first: CheckIn,
    },
    Cancelled,
    /// A ticket for another stage than the door lets in.
    WrongStage {
        stage: StageId,
    },
    /// No such ticket, or a forged or unreadable code.
    NotValid,
}

/// Why a scan could not be answered; nothing was kept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DoorError {
    /// The scan id was already used for another ticket's scan.
    #[error("this scan id was already used for another ticket; use a new id for each scan")]
    ScanReused,
    #[error("the gate's name: {0}")]
    Gate(NameError),
    #[error("there is no stage {0}")]
    UnknownStage(StageId),
    /// A reported time more than [`MOST_AHEAD`] after the server's.
    #[error("the scan's time is in the future")]
    TimeAhead,
    /// A reported time more than [`MOST_BEHIND`] before the server's.
    #[error("the scan's time is more than 7 days ago")]
    TimeBehind,
    #[error("there is no festival {0}")]
    UnknownFestival(String),
    #[error(transparent)]
    BadScanId(#[from] ScanIdError),
    /// An empty code, or one longer than any code ([`MOST_CODE_CHARS`]).
    #[error("a ticket's code is 1 to {MOST_CODE_CHARS} characters")]
    BadCode,
    /// More stages than a door lets in ([`MOST_STAGES`]).
    #[error("a door lets in at most {MOST_STAGES} stages")]
    TooManyStages,
}

/// The longest code a door reads: a signed pass is 140 characters, a short
/// code 9; scanners may add spaces or a prefix.
pub const MOST_CODE_CHARS: usize = 200;
/// The most stages one door lets in.
pub const MOST_STAGES: usize = 64;

/// A code as a door reads it: 1 to [`MOST_CODE_CHARS`] characters (what
/// they say is the door's to find out: anything else is not valid).
pub fn check_code(code: &str) -> Result<(), DoorError> {
    match code.is_empty() || code.chars().count() > MOST_CODE_CHARS {
        true => Err(DoorError::BadCode),
        false => Ok(()),
    }
}

/// How far ahead of the server's clock a door's reported time may be.
pub const MOST_AHEAD: Duration = Duration::minutes(5);
/// How old an offline admission may be when it is reported.
pub const MOST_BEHIND: Duration = Duration::days(7);

/// When a scan happened: the time a door reports (an offline door's
/// admission), if the server's clock finds it plausible, else now.
pub fn scan_time(
    reported: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, DoorError> {
    match reported {
        Some(at) if at > now + MOST_AHEAD => Err(DoorError::TimeAhead),
        Some(at) if at < now - MOST_BEHIND => Err(DoorError::TimeBehind),
        Some(at) => Ok(at),
        None => Ok(now),
    }
}

/// A gate's name: a name as festivals' are ([`check_name`]).
pub fn check_gate(gate: &str) -> Result<(), DoorError> {
    check_name(gate).map_err(DoorError::Gate)
}

/// Every admission, in order, with what the rule needs to decide quickly.
#[derive(Clone, Debug, Default)]
pub struct Door {
    log: Vec<CheckIn>,
    by_ticket: HashMap<TicketId, Vec<usize>>,
    by_scan: HashMap<ScanId, usize>,
    /// Tickets whose codes no longer admit (cancelled).
    revoked: HashSet<TicketId>,
    /// Tickets let in, per stage (each ticket once, whatever its re-entries).
    admitted: HashMap<StageId, u32>,
}

impl Door {
    /// The rule: a valid ticket, not cancelled, for a stage this door lets
    /// in, not let in before unless its stage allows coming back. A forced
    /// scan of a real ticket is kept whatever the rule says, with its
    /// conflict; a forged one never is.
    pub fn decide(&self, scan: &Scan<'_>) -> Result<Decision, DoorError> {
        if let Some(&at) = self.by_scan.get(scan.scan) {
            let earlier = &self.log[at];
            return match scan.ticket {
                Some(ticket) if ticket.id == earlier.ticket => Ok(Decision::Repeated {
                    position: at as u64,
                    check_in: earlier.clone(),
                }),
                _ => Err(DoorError::ScanReused),
            };
        }
        let Some(ticket) = scan.ticket else {
            return Ok(Decision::NotValid);
        };
        let first = self.first_check_in(ticket.id);
        let refusal = if self.revoked.contains(&ticket.id) {
            Some((Conflict::Cancelled, Decision::Cancelled))
        } else if scan
            .stages
            .is_some_and(|stages| !stages.contains(&ticket.stage))
        {
            let wrong = Decision::WrongStage {
                stage: ticket.stage,
            };
            Some((Conflict::WrongStage, wrong))
        } else {
            match first {
                Some((position, first)) if !scan.reentry => {
                    let again = Decision::AlreadyAdmitted {
                        position,
                        first: first.clone(),
                    };
                    Some((Conflict::AlreadyAdmitted, again))
                }
                _ => None,
            }
        };
        let check_in = |conflict| CheckIn {
            ticket: ticket.id,
            stage: ticket.stage,
            gate: scan.gate.to_owned(),
            scan: scan.scan.clone(),
            at: scan.at,
            by: scan.by.clone(),
            forced: scan.force,
            conflict,
        };
        Ok(match refusal {
            None => Decision::Admit(check_in(None)),
            Some((conflict, _)) if scan.force => Decision::Admit(check_in(Some(conflict))),
            Some((_, refused)) => refused,
        })
    }

    /// Keeps an admission; its position in the log.
    pub fn admit(&mut self, check_in: CheckIn) -> u64 {
        let at = self.log.len();
        let first_time = !self.by_ticket.contains_key(&check_in.ticket);
        if first_time {
            *self.admitted.entry(check_in.stage).or_default() += 1;
        }
        self.by_ticket.entry(check_in.ticket).or_default().push(at);
        self.by_scan.insert(check_in.scan.clone(), at);
        self.log.push(check_in);
        at as u64
    }

    /// Takes back the admission a scan made (its record could not be
    /// saved). Later admissions move up one place.
    pub fn take_back(&mut self, scan: &ScanId) {
        let Some(at) = self.by_scan.get(scan).copied() else {
            return;
        };
        let mut log = std::mem::take(&mut self.log);
        log.remove(at);
        let revoked = std::mem::take(&mut self.revoked);
        *self = Door {
            revoked,
            ..Door::default()
        };
        for check_in in log {
            self.admit(check_in);
        }
    }

    /// The ticket's code no longer admits anyone.
    pub fn revoke(&mut self, ticket: TicketId) {
        self.revoked.insert(ticket);
    }

    /// Tickets whose codes no longer admit, for offline doors.
    pub fn revoked(&self) -> impl Iterator<Item = &TicketId> {
        self.revoked.iter()
    }

    /// The first admission of a ticket, with its position.
    pub fn first_check_in(&self, ticket: TicketId) -> Option<(u64, &CheckIn)> {
        let &at = self.by_ticket.get(&ticket)?.first()?;
        Some((at as u64, &self.log[at]))
    }

    /// Tickets of the stage let in so far.
    pub fn admitted(&self, stage: StageId) -> u32 {
        self.admitted.get(&stage).copied().unwrap_or(0)
    }

    /// Admissions after position `after` (all when `None`), in order, with
    /// their positions.
    pub fn since(&self, after: Option<u64>) -> impl Iterator<Item = (u64, &CheckIn)> {
        let start = after.map_or(0, |p| {
            usize::try_from(p).map_or(usize::MAX, |p| p.saturating_add(1))
        });
        self.log
            .iter()
            .enumerate()
            .skip(start)
            .map(|(at, check_in)| (at as u64, check_in))
    }

    /// How many admissions are kept.
    pub fn len(&self) -> u64 {
        self.log.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }

    /// Admissions, newest first, with their positions.
    pub fn latest(&self) -> impl Iterator<Item = (u64, &CheckIn)> {
        self.log
            .iter()
            .enumerate()
            .rev()
            .map(|(at, check_in)| (at as u64, check_in))
    }

    /// Forced admissions that online would have been refused.
    pub fn conflicts(&self) -> impl Iterator<Item = (u64, &CheckIn)> {
        self.since(None).filter(|(_, c)| c.conflict.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{TicketCode, Yen};
    use rand::{rngs::StdRng, SeedableRng};
    use time::macros::datetime;

    fn ticket(seed: u64, stage: u32) -> Ticket {
        let mut rng = StdRng::seed_from_u64(seed);
        Ticket {
            id: TicketId::random(&mut rng),
            stage: StageId(stage),
            owner: FanName::new("suisei").unwrap(),
            bought_at: datetime!(2026-11-01 9:00 UTC),
            code: TicketCode::random(&mut rng),
            price: Some(Yen(7_950)),
        }
    }

    struct At {
        gate: &'static str,
        scan: ScanId,
        by: FanName,
    }

    fn at(gate: &'static str, scan: &str) -> At {
        At {
            gate,
            scan: ScanId::new(scan).unwrap(),
            by: FanName::new("door1").unwrap(),
        }
    }

    fn scan<'a>(ticket: Option<&'a Ticket>, at: &'a At) -> Scan<'a> {
        Scan {
            ticket,
            stages: None,
            reentry: false,
            gate: at.gate,
            scan: &at.scan,
            at: datetime!(2027-07-20 18:02:11 UTC),
            by: &at.by,
            force: false,
        }
    }

    fn admit(door: &mut Door, scan: &Scan<'_>) -> u64 {
        match door.decide(scan).unwrap() {
            Decision::Admit(check_in) => door.admit(check_in),
            other => panic!("not admitted: {other:?}"),
        }
    }

    #[test]
    fn a_ticket_is_admitted_once_and_then_told_where_and_when() {
        let mut door = Door::default();
        let t = ticket(1, 1);
        let gate2 = at("Gate 2", "s1");
        admit(&mut door, &scan(Some(&t), &gate2));
        assert_eq!(door.admitted(StageId(1)), 1);
        let gate3 = at("Gate 3", "s2");
        match door.decide(&scan(Some(&t), &gate3)).unwrap() {
            Decision::AlreadyAdmitted { position, first } => {
                assert_eq!(position, 0);
                assert_eq!(first.gate, "Gate 2");
                assert_eq!(first.at, datetime!(2027-07-20 18:02:11 UTC));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_same_scan_sent_again_gets_the_first_answer_and_keeps_nothing() {
        let mut door = Door::default();
        let (t, other) = (ticket(1, 1), ticket(2, 1));
        let gate = at("Gate 1", "scan-1");
        admit(&mut door, &scan(Some(&t), &gate));
        assert!(matches!(
            door.decide(&scan(Some(&t), &gate)),
            Ok(Decision::Repeated { position: 0, .. })
        ));
        assert_eq!(
            door.decide(&scan(Some(&other), &gate)),
            Err(DoorError::ScanReused)
        );
        assert_eq!(door.decide(&scan(None, &gate)), Err(DoorError::ScanReused));
        assert_eq!(door.len(), 1);
    }

    #[test]
    fn wrong_stage_cancelled_and_unknown_are_refused() {
        let mut door = Door::default();
        let t = ticket(1, 2);
        let gate = at("Gate 1", "s");
        let mut s = scan(Some(&t), &gate);
        let only_stage_1 = [StageId(1)];
        s.stages = Some(&only_stage_1);
        assert_eq!(
            door.decide(&s),
            Ok(Decision::WrongStage { stage: StageId(2) })
        );
        assert_eq!(door.decide(&scan(None, &gate)), Ok(Decision::NotValid));
        door.revoke(t.id);
        assert_eq!(door.decide(&scan(Some(&t), &gate)), Ok(Decision::Cancelled));
        assert_eq!(door.revoked().count(), 1);
    }

    #[test]
    fn re_entry_admits_again_when_the_stage_allows_it() {
        let mut door = Door::default();
        let t = ticket(1, 1);
        let (first, again) = (at("Gate 1", "a"), at("Gate 1", "b"));
        admit(&mut door, &scan(Some(&t), &first));
        let mut back = scan(Some(&t), &again);
        back.reentry = true;
        admit(&mut door, &back);
        assert_eq!(door.admitted(StageId(1)), 1, "one ticket, two entries");
        assert_eq!(door.len(), 2);
        assert_eq!(door.conflicts().count(), 0);
    }

    #[test]
    fn forced_admissions_are_kept_with_their_conflict_but_forged_ones_never() {
        let mut door = Door::default();
        let t = ticket(1, 1);
        let (online, offline) = (at("Gate 1", "a"), at("Gate 4", "b"));
        admit(&mut door, &scan(Some(&t), &online));
        let mut forced = scan(Some(&t), &offline);
        forced.force = true;
        match door.decide(&forced).unwrap() {
            Decision::Admit(check_in) => {
                assert!(check_in.forced);
                assert_eq!(check_in.conflict, Some(Conflict::AlreadyAdmitted));
                door.admit(check_in);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(door.conflicts().map(|(p, _)| p).collect::<Vec<_>>(), [1]);
        let forged = at("Gate 4", "c");
        let mut forged = scan(None, &forged);
        forged.force = true;
        assert_eq!(door.decide(&forged), Ok(Decision::NotValid));
    }

    #[test]
    fn taking_back_an_admission_forgets_it_entirely() {
        let mut door = Door::default();
        let t = ticket(1, 1);
        let gate = at("Gate 1", "a");
        admit(&mut door, &scan(Some(&t), &gate));
        door.take_back(&gate.scan);
        assert!(door.is_empty());
        assert_eq!(door.admitted(StageId(1)), 0);
        assert!(matches!(
            door.decide(&scan(Some(&t), &gate)),
            Ok(Decision::Admit(_))
        ));
    }

    #[test]
    fn taking_back_an_earlier_admission_keeps_the_later_ones() {
        let mut door = Door::default();
        let (a, b) = (ticket(1, 1), ticket(2, 1));
        let (first, second) = (at("Gate 1", "a"), at("Gate 1", "b"));
        admit(&mut door, &scan(Some(&a), &first));
        admit(&mut door, &scan(Some(&b), &second));
        door.take_back(&first.scan);
        assert_eq!(door.len(), 1);
        assert!(door.first_check_in(a.id).is_none());
        assert_eq!(door.first_check_in(b.id).map(|(p, _)| p), Some(0));
    }

    #[test]
    fn a_reported_time_must_be_plausible() {
        let now = datetime!(2027-07-20 18:00 UTC);
        assert_eq!(scan_time(None, now), Ok(now));
        let earlier = now - Duration::hours(3);
        assert_eq!(scan_time(Some(earlier), now), Ok(earlier));
        assert_eq!(
            scan_time(Some(now + Duration::hours(1)), now),
            Err(DoorError::TimeAhead)
        );
        assert_eq!(
            scan_time(Some(now - Duration::days(8)), now),
            Err(DoorError::TimeBehind)
        );
        assert!(check_gate("Gate 2").is_ok());
        assert!(check_gate(" ").is_err());
    }

    #[test]
    fn reading_on_from_a_position() {
        let mut door = Door::default();
        for n in 0..5 {
            let t = ticket(n, 1);
            let gate = at("Gate 1", &format!("s{n}"));
            admit(&mut door, &scan(Some(&t), &gate));
        }
        let after: Vec<u64> = door.since(Some(2)).map(|(p, _)| p).collect();
        assert_eq!(after, [3, 4]);
        assert_eq!(door.since(None).count(), 5);
        assert_eq!(door.since(Some(u64::MAX)).count(), 0);
    }
}
