//! What the festival routes and the organisers' routes read and write.
//!
//! Stage times are wall-clock times in the festival's own time zone
//! (`2027-03-20T10:00`), as organisers plan them: [`LocalTime`]. Moments
//! that are not planned (when a ticket was bought, an edit made) are RFC 3339.

use super::rules;
use super::views::whole;
use crate::domain::{
    FestivalEdit, FestivalListing, FestivalState, Role, Slug, Stage, StageId, StageListing, Ticket,
    TimeZoneName, Yen,
};
use crate::shop::festivals::{HistoryEntry, SalesSummary};
use crate::shop::staff::StaffMember;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};
use utoipa::ToSchema;

/// A wall-clock time in a festival's zone: `2027-03-20T10:00`, or with
/// seconds `2027-03-20T10:00:30`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalTime(pub PrimitiveDateTime);

impl LocalTime {
    /// Reads `2027-03-20T10:00` or `2027-03-20T10:00:30`.
    pub fn parse(text: &str) -> Option<LocalTime> {
        let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
        let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
        PrimitiveDateTime::parse(text, minutes)
            .or_else(|_| PrimitiveDateTime::parse(text, seconds))
            .ok()
            .map(LocalTime)
    }

    /// The moment this wall-clock time is in `zone`.
    pub fn in_zone(self, zone: &TimeZoneName) -> Option<OffsetDateTime> {
        crate::when::in_zone(self.0, zone)
    }

    /// `moment` as the wall clock in `zone` shows it.
    pub fn of(moment: OffsetDateTime, zone: &TimeZoneName) -> LocalTime {
        LocalTime(crate::when::to_zone(moment, zone).unwrap_or_else(|| {
            let utc = moment.to_offset(time::UtcOffset::UTC);
            PrimitiveDateTime::new(utc.date(), utc.time())
        }))
    }
}

impl std::fmt::Display for LocalTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        )?;
        match t.second() {
            0 => Ok(()),
            second => write!(f, ":{second:02}"),
        }
    }
}

impl Serialize for LocalTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        LocalTime::parse(&text).ok_or_else(|| {
            de::Error::invalid_value(
                de::Unexpected::Str(&text),
                &"a date and time in the festival's zone, like 2027-03-20T10:00 (a day that exists)",
            )
        })
    }
}

/// A time zone the server's database lists, exactly.
fn listed_zone<'de, D: Deserializer<'de>>(deserializer: D) -> Result<TimeZoneName, D::Error> {
    let name = String::deserialize(deserializer)?;
    match crate::when::zone_names().contains(&name) {
        true => Ok(TimeZoneName(name)),
        false => Err(de::Error::invalid_value(
            de::Unexpected::Str(&name),
            &"an IANA time zone's name, such as Asia/Tokyo or Asia/Jakarta",
        )),
    }
}

fn listed_zone_if_given<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<TimeZoneName>, D::Error> {
    listed_zone(deserializer).map(Some)
}

/// A published festival, as fans' front ends list it.
#[derive(Serialize, ToSchema)]
pub struct FestivalSummaryView {
    #[schema(example = "hololive-5th-fes")]
    pub slug: String,
    #[schema(example = "hololive 5th fes. Capture the Moment")]
    pub name: String,
    #[schema(example = "Makuhari Messe, Chiba")]
    pub venue: String,
    #[schema(example = "Asia/Tokyo")]
    pub time_zone: String,
    /// How many stages it has.
    #[schema(example = 4)]
    pub stage_count: usize,
    /// When its first doors open (`null` while it has no stages).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2027-03-20T01:00:00Z")]
    pub first_doors: Option<OffsetDateTime>,
}

impl From<&FestivalListing> for FestivalSummaryView {
    fn from(festival: &FestivalListing) -> Self {
        FestivalSummaryView {
            slug: festival.slug.to_string(),
            name: festival.name.clone(),
            venue: festival.venue.clone(),
            time_zone: festival.time_zone.to_string(),
            stage_count: festival.stages.len(),
            first_doors: festival.stages.iter().map(|s| s.stage.doors_open).min(),
        }
    }
}

/// Draft (staff only), published (on sale in its windows) or archived (over).
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StateView {
    Draft,
    Published,
    Archived,
}

impl From<FestivalState> for StateView {
    fn from(state: FestivalState) -> Self {
        match state {
            FestivalState::Draft => StateView::Draft,
            FestivalState::Published => StateView::Published,
            FestivalState::Archived => StateView::Archived,
        }
    }
}

impl From<StateView> for FestivalState {
    fn from(state: StateView) -> Self {
        match state {
            StateView::Draft => FestivalState::Draft,
            StateView::Published => FestivalState::Published,
            StateView::Archived => FestivalState::Archived,
        }
    }
}

/// A festival as organisers see it, in any state, with every stage's sales.
#[derive(Serialize, ToSchema)]
pub struct OrganiserFestivalView {
    #[schema(example = "indonesia-fes-2027")]
    pub slug: String,
    #[schema(example = "Indonesia fes 2027")]
    pub name: String,
    #[schema(example = "Jakarta International Expo")]
    pub venue: String,
    #[schema(example = "Asia/Jakarta")]
    pub time_zone: String,
    pub state: StateView,
    /// Whether this is the festival fans land on.
    pub is_default: bool,
    pub stages: Vec<OrganiserStageView>,
}

impl OrganiserFestivalView {
    pub fn new(
        festival: &FestivalListing,
        sold: impl Fn(StageId) -> u32,
        is_default: bool,
    ) -> Self {
        OrganiserFestivalView {
            slug: festival.slug.to_string(),
            name: festival.name.clone(),
            venue: festival.venue.clone(),
            time_zone: festival.time_zone.to_string(),
            state: festival.state.into(),
            is_default,
            stages: festival
                .stages
                .iter()
                .map(|listing| {
                    OrganiserStageView::new(listing, &festival.time_zone, sold(listing.stage.id))
                })
                .collect(),
        }
    }
}

/// A stage as organisers edit it, with its sales so far.
#[derive(Serialize, ToSchema)]
pub struct OrganiserStageView {
    #[schema(example = 5)]
    pub id: u32,
    #[schema(example = "Day 1: Sunset")]
    pub name: String,
    #[schema(example = 1)]
    pub day: u8,
    /// In the festival's zone.
    #[schema(value_type = String, example = "2027-03-20T16:00")]
    pub doors_open: LocalTime,
    #[schema(value_type = String, example = "2027-03-20T17:30")]
    pub starts_at: LocalTime,
    #[schema(value_type = String, example = "2026-11-01T12:00")]
    pub sale_opens: LocalTime,
    #[schema(value_type = String, example = "2027-03-20T16:00")]
    pub sale_closes: LocalTime,
    /// Yen.
    #[schema(example = 7950)]
    pub price: u64,
    #[schema(example = 40)]
    pub total_stock: u32,
    #[schema(example = 4)]
    pub per_order: Option<u32>,
    #[schema(example = 4)]
    pub per_fan: Option<u32>,
    pub closed: bool,
    /// Holders may leave and come back: the door admits a ticket again.
    pub reentry: bool,
    #[schema(example = 2)]
    pub sold: u32,
    #[schema(example = 38)]
    pub left: u32,
}

impl OrganiserStageView {
    pub fn new(listing: &StageListing, zone: &TimeZoneName, sold: u32) -> Self {
        let stage = &listing.stage;
        let local = |moment| LocalTime::of(moment, zone);
        OrganiserStageView {
            id: stage.id.0,
            name: stage.name.clone(),
            day: stage.day,
            doors_open: local(stage.doors_open),
            starts_at: local(stage.starts_at),
            sale_opens: local(stage.sale_opens),
            sale_closes: local(stage.sale_closes),
            price: stage.price.0,
            total_stock: stage.total_stock,
            per_order: stage.per_order,
            per_fan: stage.per_fan,
            closed: stage.closed,
            reentry: stage.reentry,
            sold,
            left: listing.remaining,
        }
    }
}

/// A new festival: a draft without stages.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slug": "indonesia-fes-2027", "name": "Indonesia fes 2027",
    "venue": "Jakarta International Expo", "time_zone": "Asia/Jakarta"}))]
pub struct NewFestival {
    #[schema(schema_with = rules::slug)]
    pub slug: Slug,
    #[schema(schema_with = rules::display_name)]
    pub name: String,
    #[schema(schema_with = rules::display_name)]
    pub venue: String,
    #[serde(deserialize_with = "listed_zone")]
    #[schema(schema_with = rules::time_zone)]
    pub time_zone: TimeZoneName,
}

/// New words for a festival: each field given replaces the old one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"venue": "Jakarta International Expo, Hall A"}))]
pub struct FestivalChanges {
    #[serde(default)]
    #[schema(schema_with = rules::display_name, required = false)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(schema_with = rules::display_name, required = false)]
    pub venue: Option<String>,
    #[serde(default, deserialize_with = "listed_zone_if_given")]
    #[schema(schema_with = rules::time_zone, required = false)]
    pub time_zone: Option<TimeZoneName>,
}

/// A festival's new state.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"state": "published"}))]
pub struct StateChange {
    pub state: StateView,
}

/// A stage's details. Times are wall-clock times in the festival's zone;
/// the sale opens (inclusive) before it closes (exclusive), which is no
/// later than the doors, which open no later than the show starts.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Day 1: Sunset", "day": 1,
    "doors_open": "2027-03-20T16:00", "starts_at": "2027-03-20T17:30",
    "sale_opens": "2026-11-01T12:00", "sale_closes": "2027-03-20T16:00",
    "price": 7950, "total_stock": 40}))]
pub struct StageInput {
    #[schema(schema_with = rules::display_name)]
    pub name: String,
    #[schema(schema_with = rules::day)]
    #[serde(deserialize_with = "whole::u8")]
    pub day: u8,
    #[schema(schema_with = rules::local_time)]
    pub doors_open: LocalTime,
    #[schema(schema_with = rules::local_time)]
    pub starts_at: LocalTime,
    #[schema(schema_with = rules::local_time)]
    pub sale_opens: LocalTime,
    #[schema(schema_with = rules::local_time)]
    pub sale_closes: LocalTime,
    #[schema(schema_with = rules::price)]
    #[serde(deserialize_with = "whole::u64")]
    pub price: u64,
    #[schema(schema_with = rules::stock)]
    #[serde(deserialize_with = "whole::u32")]
    pub total_stock: u32,
    #[serde(default, deserialize_with = "whole::optional_u32")]
    #[schema(schema_with = rules::per_order, required = false, nullable = true)]
    pub per_order: Option<u32>,
    #[serde(default, deserialize_with = "whole::optional_u32")]
    #[schema(schema_with = rules::per_fan, required = false, nullable = true)]
    pub per_fan: Option<u32>,
    /// Closed: nothing more is sold, its tickets stay valid (a stage with
    /// sales is closed, not deleted).
    #[serde(default)]
    pub closed: bool,
    /// Holders may leave and come back in: the door admits a ticket again
    /// (off unless set).
    #[serde(default)]
    pub reentry: bool,
}

impl StageInput {
    /// The stage these details make in a festival's `zone`, or the field
    /// whose time the zone cannot place.
    pub fn stage(&self, id: StageId, zone: &TimeZoneName) -> Result<Stage, &'static str> {
        let at = |time: LocalTime, field| time.in_zone(zone).ok_or(field);
        Ok(Stage {
            id,
            name: self.name.clone(),
            day: self.day,
            doors_open: at(self.doors_open, "doors_open")?,
            starts_at: at(self.starts_at, "starts_at")?,
            price: Yen(self.price),
            total_stock: self.total_stock,
            sale_opens: at(self.sale_opens, "sale_opens")?,
            sale_closes: at(self.sale_closes, "sale_closes")?,
            per_order: self.per_order,
            per_fan: self.per_fan,
            closed: self.closed,
            reentry: self.reentry,
        })
    }
}

/// A new stage's id, chosen by the server.
#[derive(Serialize, ToSchema)]
pub struct NewStageView {
    #[schema(example = 5)]
    pub id: u32,
    pub festival: OrganiserFestivalView,
}

/// The festival's stages in a new order: each of its stage ids once.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"stages": [2, 1, 3, 4]}))]
pub struct StageOrder {
    #[schema(schema_with = stage_ids)]
    #[serde(deserialize_with = "whole::list_u32")]
    pub stages: Vec<u32>,
}

fn stage_ids() -> utoipa::openapi::Schema {
    utoipa::openapi::ArrayBuilder::new()
        .items(utoipa::openapi::RefOr::T(rules::any_stage_id()))
        .description(Some(
            "Every stage id of the festival, once each, in the new order.",
        ))
        .into()
}

/// One edit in a festival's history.
#[derive(Serialize, ToSchema)]
pub struct HistoryEntryView {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who made it (`null`: a command on the server machine).
    #[schema(example = "a-chan")]
    pub by: Option<String>,
    /// The edit as saved: `edit` names its kind (`create`, `describe`,
    /// `save_stage`, `remove_stage`, `order_stages`, `set_state`,
    /// `make_default`), the other fields its details.
    #[schema(value_type = Object, example = json!({"edit": "set_state", "festival": "indonesia-fes-2027", "state": "published"}))]
    pub edit: serde_json::Value,
}

impl From<&HistoryEntry> for HistoryEntryView {
    fn from(entry: &HistoryEntry) -> Self {
        HistoryEntryView {
            at: entry.at,
            by: entry.by.as_ref().map(|name| name.as_str().to_owned()),
            edit: serde_json::to_value(&entry.edit).unwrap_or_default(),
        }
    }
}

/// The kind of an edit, for logs.
pub fn edit_kind(edit: &FestivalEdit) -> &'static str {
    match edit {
        FestivalEdit::Create { .. } => "create",
        FestivalEdit::Describe { .. } => "describe",
        FestivalEdit::SaveStage { .. } => "save_stage",
        FestivalEdit::RemoveStage { .. } => "remove_stage",
        FestivalEdit::OrderStages { .. } => "order_stages",
        FestivalEdit::SetState { .. } => "set_state",
        FestivalEdit::MakeDefault { .. } => "make_default",
    }
}

/// One ticket as the organisers' desk shows it.
#[derive(Serialize, ToSchema)]
pub struct OrganiserTicketView {
    #[schema(example = "K7QX-M2PA")]
    pub code: String,
    pub ticket_id: uuid::Uuid,
    #[schema(example = 1)]
    pub stage_id: u32,
    #[schema(example = "pekora")]
    pub username: String,
    /// Yen paid (`null` for tickets sold before prices were kept per ticket
    /// and never read back with one).
    #[schema(example = 7950)]
    pub price_paid: Option<u64>,
    #[serde(with = "time::serde::rfc3339")]
    pub bought_at: OffsetDateTime,
}

impl From<&Ticket> for OrganiserTicketView {
    fn from(ticket: &Ticket) -> Self {
        OrganiserTicketView {
            code: ticket.code.to_string(),
            ticket_id: ticket.id.0,
            stage_id: ticket.stage.0,
            username: ticket.owner.as_str().to_owned(),
            price_paid: ticket.price.map(|yen| yen.0),
            bought_at: ticket.bought_at,
        }
    }
}

/// One stage's sales.
#[derive(Serialize, ToSchema)]
pub struct StageSalesView {
    #[schema(example = 1)]
    pub id: u32,
    #[schema(example = "Stage 1")]
    pub name: String,
    #[schema(example = 2)]
    pub sold: u32,
    #[schema(example = 38)]
    pub left: u32,
    #[schema(example = 40)]
    pub capacity: u32,
    /// Yen taken.
    #[schema(example = 15900)]
    pub revenue: u64,
    pub closed: bool,
}

/// Tickets sold in one minute.
#[derive(Serialize, ToSchema)]
pub struct MinuteView {
    /// The minute's start.
    #[serde(with = "time::serde::rfc3339")]
    pub minute: OffsetDateTime,
    #[schema(example = 3)]
    pub sold: u32,
}

/// A festival's sales now.
#[derive(Serialize, ToSchema)]
pub struct SalesView {
    #[schema(example = "hololive-5th-fes")]
    pub slug: String,
    #[schema(example = 2)]
    pub sold: u32,
    #[schema(example = 160)]
    pub capacity: u32,
    /// Yen taken over all stages.
    #[schema(example = 15900)]
    pub revenue: u64,
    pub stages: Vec<StageSalesView>,
    /// The last hour, minute by minute, oldest first.
    pub per_minute: Vec<MinuteView>,
    /// The newest tickets, newest first.
    pub latest: Vec<OrganiserTicketView>,
}

impl From<&SalesSummary> for SalesView {
    fn from(summary: &SalesSummary) -> Self {
        SalesView {
            slug: summary.festival.slug.to_string(),
            sold: summary.sold,
            capacity: summary.capacity,
            revenue: summary.revenue.0,
            stages: summary
                .stages
                .iter()
                .map(|s| StageSalesView {
                    id: s.id.0,
                    name: s.name.clone(),
                    sold: s.sold,
                    left: s.left,
                    capacity: s.capacity,
                    revenue: s.revenue.0,
                    closed: s.closed,
                })
                .collect(),
            per_minute: summary
                .per_minute
                .iter()
                .map(|&(minute, sold)| MinuteView { minute, sold })
                .collect(),
            latest: summary
                .latest
                .iter()
                .map(OrganiserTicketView::from)
                .collect(),
        }
    }
}

/// The orders desk's search.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// A ticket code or a fan's name (none: nothing found).
    #[serde(default)]
    #[param(schema_with = rules::search_query)]
    pub q: Option<String>,
}

/// A role, as paths and bodies name it.
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RoleView {
    Organiser,
    Door,
}

impl From<RoleView> for Role {
    fn from(role: RoleView) -> Self {
        match role {
            RoleView::Organiser => Role::Organiser,
            RoleView::Door => Role::Door,
        }
    }
}

impl From<Role> for RoleView {
    fn from(role: Role) -> Self {
        match role {
            Role::Organiser => RoleView::Organiser,
            Role::Door => RoleView::Door,
        }
    }
}

/// A staff member.
#[derive(Serialize, ToSchema)]
pub struct StaffView {
    #[schema(example = "a-chan")]
    pub name: String,
    pub roles: Vec<RoleView>,
    /// Whether their second factor is set up (organisers need one).
    pub second_factor_set: bool,
}

impl From<&StaffMember> for StaffView {
    fn from(member: &StaffMember) -> Self {
        StaffView {
            name: member.name.as_str().to_owned(),
            roles: member.roles.iter().map(|&role| role.into()).collect(),
            second_factor_set: member.second_factor_set,
        }
    }
}

/// A role to give.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "door"}))]
pub struct RoleGrant {
    pub role: RoleView,
}

/// A one-time code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "492039"}))]
pub struct OneTimeCode {
    #[schema(schema_with = rules::one_time_code)]
    pub code: String,
}

/// A new second factor to set up in an authenticator app.
#[derive(Serialize, ToSchema)]
pub struct SecondFactorSetupView {
    /// Base32, to type into the app (or send back to confirm).
    #[schema(example = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]
    pub secret: String,
    /// What the QR code holds: `otpauth://totp/…`.
    #[schema(
        example = "otpauth://totp/tiket%3Aa%2Dchan?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=tiket&algorithm=SHA1&digits=6&period=30"
    )]
    pub otpauth_url: String,
}

/// The secret being set up and the app's current code for it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "code": "492039"}))]
pub struct SecondFactorConfirm {
    #[schema(schema_with = rules::totp_secret)]
    pub secret: String,
    #[schema(schema_with = rules::one_time_code)]
    pub code: String,
}

/// Recovery codes: each signs in once in place of the app's code. Shown
/// once; tiket keeps only their hashes.
#[derive(Serialize, ToSchema)]
pub struct RecoveryCodesView {
    #[schema(example = json!(["k7qx-m2pa-9wne", "p3hv-4rtc-8dkm"]))]
    pub recovery_codes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn local_times_read_and_write_with_and_without_seconds() {
        let t = LocalTime::parse("2027-03-20T10:00").unwrap();
        assert_eq!(t.0, datetime!(2027-03-20 10:00));
        assert_eq!(t.to_string(), "2027-03-20T10:00");
        let s = LocalTime::parse("2027-03-20T10:00:30").unwrap();
        assert_eq!(s.to_string(), "2027-03-20T10:00:30");
        for bad in [
            "2027-02-30T10:00",
            "2027-03-20 10:00",
            "2027-03-20T10:00Z",
            "2027-03-20T25:00",
            "",
        ] {
            assert!(LocalTime::parse(bad).is_none(), "{bad}");
        }
        let pattern = regex::Regex::new(rules::LOCAL_TIME_PATTERN).unwrap();
        for good in [
            "2027-03-20T10:00",
            "2027-03-20T10:00:30",
            "0001-12-31T23:59",
        ] {
            assert!(
                pattern.is_match(good) && LocalTime::parse(good).is_some(),
                "{good}"
            );
        }
    }

    #[test]
    fn a_stage_is_placed_in_its_festivals_zone() {
        let input: StageInput = serde_json::from_value(serde_json::json!({
            "name": "Sunset", "day": 1,
            "doors_open": "2027-03-20T16:00", "starts_at": "2027-03-20T17:30",
            "sale_opens": "2026-11-01T12:00", "sale_closes": "2027-03-20T16:00",
            "price": 7950, "total_stock": 40
        }))
        .unwrap();
        let jakarta = TimeZoneName("Asia/Jakarta".into());
        let stage = input.stage(StageId(5), &jakarta).unwrap();
        assert_eq!(stage.doors_open, datetime!(2027-03-20 16:00 +7));
        assert_eq!(
            LocalTime::of(stage.doors_open, &jakarta).to_string(),
            "2027-03-20T16:00"
        );
        assert_eq!(stage.validate(), Ok(()));
    }

    #[test]
    fn only_listed_zones_are_read() {
        let new = |zone: &str| {
            serde_json::from_value::<NewFestival>(serde_json::json!({
                "slug": "a", "name": "A", "venue": "B", "time_zone": zone
            }))
            .map(|f| f.time_zone)
        };
        assert_eq!(new("Asia/Jakarta").unwrap().as_str(), "Asia/Jakarta");
        for bad in ["asia/jakarta", "Mars/Olympus", ""] {
            let error = new(bad).unwrap_err().to_string();
            assert!(error.contains("an IANA time zone"), "{bad}: {error}");
        }
    }
}
