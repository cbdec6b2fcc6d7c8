//! The door routes' request and answer bodies (`/api/door/…`).

use super::rules;
use crate::domain::{CheckIn, Conflict, Ticket};
use crate::shop::door::{DoorKit, Outcome, Redemption};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A scan, as a door sends it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "K7QX-M2PA", "gate": "Gate 2", "scan_id": "gate2-0001", "stages": [1, 2]}))]
pub struct RedeemBody {
    #[schema(schema_with = rules::door_code)]
    pub code: String,
    /// The gate's name, as the door staff set it.
    #[schema(schema_with = rules::display_name)]
    pub gate: String,
    #[schema(schema_with = rules::scan_id)]
    pub scan_id: String,
    #[serde(default, deserialize_with = "whole_stages")]
    #[schema(schema_with = rules::door_stages, required = false, nullable = true)]
    pub stages: Option<Vec<u32>>,
    /// When an offline door let the holder in (at most 5 minutes ahead of
    /// the server's clock and 7 days behind it, else 422); leave it out for
    /// now.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = false, example = "2027-03-20T09:02:11Z")]
    pub at: Option<OffsetDateTime>,
    /// `true`: the holder was already let in by a door that was offline;
    /// keep the admission whatever the answer, marked as a conflict when
    /// online it would have been refused. Forged and unknown codes are
    /// never kept.
    #[serde(default)]
    #[schema(required = false)]
    pub force: bool,
}

/// Stage ids as whole numbers (`2` or `2.0`, an integer to JSON Schema
/// too), or `null`.
fn whole_stages<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<u32>>, D::Error> {
    use super::views::whole::Whole;
    let stages = Option::<Vec<Whole>>::deserialize(deserializer)?;
    Ok(stages.map(|all| all.into_iter().map(|whole| whole.0).collect()))
}

/// What the door answered.
#[derive(Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultView {
    /// Let them in.
    Admitted,
    /// Let in before (`first_check_in` says where and when) and the stage
    /// does not allow re-entry.
    AlreadyAdmitted,
    /// The ticket was cancelled: its code no longer admits.
    Cancelled,
    /// A ticket for a stage this door does not let in.
    WrongStage,
    /// No such ticket: unknown, forged or unreadable.
    NotValid,
}

impl From<Outcome> for ResultView {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Admitted => ResultView::Admitted,
            Outcome::AlreadyAdmitted => ResultView::AlreadyAdmitted,
            Outcome::Cancelled => ResultView::Cancelled,
            Outcome::WrongStage => ResultView::WrongStage,
            Outcome::NotValid => ResultView::NotValid,
        }
    }
}

/// Why a kept offline admission needs an organiser's look.
#[derive(Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictView {
    AlreadyAdmitted,
    Cancelled,
    WrongStage,
}

impl From<Conflict> for ConflictView {
    fn from(conflict: Conflict) -> Self {
        match conflict {
            Conflict::AlreadyAdmitted => ConflictView::AlreadyAdmitted,
            Conflict::Cancelled => ConflictView::Cancelled,
            Conflict::WrongStage => ConflictView::WrongStage,
        }
    }
}

/// The ticket a scan named.
#[derive(Serialize, ToSchema)]
pub struct DoorTicketView {
    pub id: Uuid,
    #[schema(example = "K7QX-M2PA")]
    pub code: String,
    #[schema(example = 1)]
    pub stage_id: u32,
    #[schema(example = "Stage 1")]
    pub stage_name: String,
    /// The fan who holds it.
    #[schema(example = "suisei")]
    pub owner: String,
}

/// One admission.
#[derive(Serialize, ToSchema)]
pub struct CheckInView {
    /// Its place in the log of admissions (read on after it with
    /// `GET /api/door/check-ins?after=`).
    #[schema(example = 41)]
    pub position: u64,
    pub ticket: Uuid,
    #[schema(example = 1)]
    pub stage_id: u32,
    #[schema(example = "Gate 2")]
    pub gate: String,
    #[schema(example = "gate2-0001")]
    pub scan_id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime, example = "2027-03-20T09:02:11Z")]
    pub at: OffsetDateTime,
    /// The staff member whose device let them in.
    #[schema(example = "gate-2")]
    pub by: String,
    /// Reported afterwards by a door that was offline.
    pub forced: bool,
    /// Set on offline admissions that online would have been refused.
    pub conflict: Option<ConflictView>,
}

impl CheckInView {
    pub fn new(position: u64, check_in: &CheckIn) -> Self {
        CheckInView {
            position,
            ticket: check_in.ticket.0,
            stage_id: check_in.stage.0,
            gate: check_in.gate.clone(),
            scan_id: check_in.scan.as_str().to_owned(),
            at: check_in.at,
            by: check_in.by.as_str().to_owned(),
            forced: check_in.forced,
            conflict: check_in.conflict.map(ConflictView::from),
        }
    }
}

/// The door's answer to a scan.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"result": "already_admitted",
    "ticket": {"id": "0b6a5b1e-3c1f-4c39-9a57-0c2b3f5a9d10", "code": "K7QX-M2PA", "stage_id": 1, "stage_name": "Stage 1", "owner": "suisei"},
    "check_in": null,
    "first_check_in": {"position": 41, "ticket": "0b6a5b1e-3c1f-4c39-9a57-0c2b3f5a9d10", "stage_id": 1, "gate": "Gate 2",
        "scan_id": "gate2-0001", "at": "2027-03-20T09:02:11Z", "by": "gate-2", "forced": false, "conflict": null},
    "repeated": false}))]
pub struct RedemptionView {
    pub result: ResultView,
    /// The ticket the code names (`null` when `not_valid`).
    pub ticket: Option<DoorTicketView>,
    /// The admission this scan made (when `admitted`).
    pub check_in: Option<CheckInView>,
    /// The ticket's first admission (when `already_admitted`, or when a
    /// forced admission's conflict is `already_admitted`).
    pub first_check_in: Option<CheckInView>,
    /// This scan id was answered before: the same answer, nothing new kept.
    pub repeated: bool,
}

impl RedemptionView {
    pub fn new(redemption: &Redemption, stage_name: impl Fn(&Ticket) -> String) -> Self {
        RedemptionView {
            result: redemption.outcome.into(),
            ticket: redemption.ticket.as_ref().map(|ticket| DoorTicketView {
                id: ticket.id.0,
                code: ticket.code.to_string(),
                stage_id: ticket.stage.0,
                stage_name: stage_name(ticket),
                owner: ticket.owner.as_str().to_owned(),
            }),
            check_in: redemption
                .check_in
                .as_ref()
                .map(|(p, c)| CheckInView::new(*p, c)),
            first_check_in: redemption
                .first
                .as_ref()
                .map(|(p, c)| CheckInView::new(*p, c)),
            repeated: redemption.repeated,
        }
    }
}

/// Which admissions to read.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CheckInsQuery {
    /// Only this festival's stages (its address name); all when left out.
    #[param(schema_with = rules::slug, required = false)]
    pub festival: Option<String>,
    /// Only admissions after this position (the `next_after` of the last
    /// page); from the first when left out.
    #[param(minimum = 0, required = false, example = 41)]
    pub after: Option<u64>,
    /// At most this many (1 to 1000; 100 when left out).
    #[param(minimum = 1, maximum = 1000, required = false, example = 100)]
    pub limit: Option<u32>,
}

/// A page of admissions, oldest first.
#[derive(Serialize, ToSchema)]
pub struct CheckInsPage {
    pub check_ins: Vec<CheckInView>,
    /// Pass it as `after` for the next page (the same as sent when nothing
    /// new came).
    #[schema(example = 41)]
    pub next_after: Option<u64>,
}

/// A stage, as a door needs it.
#[derive(Serialize, ToSchema)]
pub struct DoorStageView {
    #[schema(example = 1)]
    pub id: u32,
    #[schema(example = "Stage 1")]
    pub name: String,
    #[schema(example = 1)]
    pub day: u8,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime, example = "2027-03-20T01:00:00Z")]
    pub doors_open: OffsetDateTime,
    /// Holders may leave and come back in.
    pub reentry: bool,
}

/// What an offline door needs to check signed tickets: the festival's
/// public key and the tickets whose codes no longer admit.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"festival": "hololive-5th-fes", "number": 0, "algorithm": "Ed25519",
    "public_key": "3BQXJ6KZ5DMNVW2Y7LQA4TGCEHRS6PUIOFNKZ3XWBVJ2MYQD5TLA",
    "pass_format": "base32 (RFC 4648, no padding) of 87 bytes: version 1, ticket id (16, UUID), festival number (2, big-endian), stage id (4, big-endian), Ed25519 signature (64) over the first 23",
    "revoked": [], "stages": [{"id": 1, "name": "Stage 1", "day": 1, "doors_open": "2027-03-20T01:00:00Z", "reentry": false}],
    "position": 41}))]
pub struct DoorKitView {
    #[schema(example = "hololive-5th-fes")]
    pub festival: String,
    /// The festival's number, as its passes carry it.
    pub number: u16,
    #[schema(example = "Ed25519")]
    pub algorithm: String,
    /// The public key, 32 bytes in base32 (RFC 4648, no padding).
    pub public_key: String,
    /// How a pass is made, for scanners that check passes themselves.
    pub pass_format: String,
    /// Tickets whose codes no longer admit (cancelled).
    pub revoked: Vec<Uuid>,
    pub stages: Vec<DoorStageView>,
    /// The newest admission's position when this was made (`null`: none
    /// yet): read on from it with `GET /api/door/check-ins?after=`.
    pub position: Option<u64>,
}

impl From<&DoorKit> for DoorKitView {
    fn from(kit: &DoorKit) -> Self {
        DoorKitView {
            festival: kit.festival.slug.to_string(),
            number: kit.number,
            algorithm: "Ed25519".into(),
            public_key: kit.public_key.to_string(),
            pass_format: crate::domain::door_pass::PASS_FORMAT.into(),
            revoked: kit.revoked.iter().map(|id| id.0).collect(),
            stages: kit
                .festival
                .stages
                .iter()
                .map(|stage| DoorStageView {
                    id: stage.id.0,
                    name: stage.name.clone(),
                    day: stage.day,
                    doors_open: stage.doors_open,
                    reentry: stage.reentry,
                })
                .collect(),
            position: kit.position,
        }
    }
}
