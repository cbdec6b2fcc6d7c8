//! What the JSON API reads and writes. Field names follow the system tiket
//! replaces (`stage_id`, `ticket_stock`, `username`, …) so its clients keep
//! working; tiket's own fields come after. Times are RFC 3339.

use super::rules;
use crate::domain::{StageListing, Ticket};
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// One stage with its remaining stock.
#[derive(Serialize, ToSchema)]
pub struct StageView {
    #[schema(example = 1)]
    pub stage_id: u32,
    #[schema(example = "Stage 1: Capture the Moment")]
    pub stage_name: String,
    /// The festival day, counted from 1.
    #[schema(example = 1)]
    pub stage_day: u8,
    /// When the doors open.
    #[serde(with = "time::serde::rfc3339")]
    pub date_open: OffsetDateTime,
    /// When the show starts.
    #[serde(with = "time::serde::rfc3339")]
    pub date_start: OffsetDateTime,
    /// Price of one ticket in yen.
    #[schema(example = 7950)]
    pub ticket_price: u64,
    /// Tickets left.
    #[schema(example = 38)]
    pub ticket_stock: u32,
    /// Tickets in all, sold or not.
    #[schema(example = 40)]
    pub total_stock: u32,
    /// The sale opens at this moment …
    #[serde(with = "time::serde::rfc3339")]
    pub sale_opens: OffsetDateTime,
    /// … and closes at this one.
    #[serde(with = "time::serde::rfc3339")]
    pub sale_closes: OffsetDateTime,
    /// Whether tickets can be bought now.
    pub on_sale: bool,
}

impl StageView {
    pub fn new(listing: &StageListing, now: OffsetDateTime) -> Self {
        let stage = &listing.stage;
        StageView {
            stage_id: stage.id.0,
            stage_name: stage.name.clone(),
            stage_day: stage.day,
            date_open: stage.doors_open,
            date_start: stage.starts_at,
            ticket_price: stage.price.0,
            ticket_stock: listing.remaining,
            total_stock: stage.total_stock,
            sale_opens: stage.sale_opens,
            sale_closes: stage.sale_closes,
            on_sale: stage.sale_phase(now) == crate::domain::SalePhase::Open
                && listing.remaining > 0,
        }
    }
}

/// One ticket.
#[derive(Serialize, ToSchema)]
pub struct TicketView {
    pub ticket_id: uuid::Uuid,
    #[schema(example = 1)]
    pub stage_id: u32,
    /// When it was bought.
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    #[schema(example = "pekora")]
    pub username: String,
    /// The code shown at the door.
    #[schema(example = "K7QX-M2PA")]
    pub code: String,
}

impl From<&Ticket> for TicketView {
    fn from(ticket: &Ticket) -> Self {
        TicketView {
            ticket_id: ticket.id.0,
            stage_id: ticket.stage.0,
            timestamp: ticket.bought_at,
            username: ticket.owner.as_str().to_owned(),
            code: ticket.code.to_string(),
        }
    }
}

/// One of the caller's tickets, with what its QR code holds.
#[derive(Serialize, ToSchema)]
pub struct MyTicketView {
    #[serde(flatten)]
    pub ticket: TicketView,
    /// The signed pass the ticket's QR code holds (140 characters of
    /// base32): a door checks it with the festival's public key, even
    /// offline.
    pub pass: String,
}

/// The tickets one buy got.
#[derive(Serialize, ToSchema)]
pub struct PurchaseView {
    pub tickets: Vec<TicketView>,
    /// What they cost together, in yen.
    #[schema(example = 15900)]
    pub total_price: u64,
}

/// A fresh session.
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    #[schema(example = "pekora")]
    pub username: String,
    /// Send as `Authorization: Bearer <token>`. Shown once; tiket keeps only a hash.
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// A name and a password, to sign in.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "pekora", "password": "carrot-rocket-35p"}))]
pub struct Credentials {
    #[schema(schema_with = rules::fan_name)]
    pub username: String,
    #[schema(schema_with = rules::password)]
    pub password: String,
}

/// A name and a password, to sign up with.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "pekora", "password": "carrot-rocket-35p"}))]
pub struct NewAccount {
    #[schema(schema_with = rules::new_fan_name)]
    pub username: String,
    #[schema(schema_with = rules::new_password)]
    pub password: String,
}

/// An order.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"stage_id": 1, "qty": 2}))]
pub struct BuyRequest {
    #[serde(deserialize_with = "stage_id")]
    #[schema(schema_with = rules::stage_id)]
    pub stage_id: u32,
    #[serde(deserialize_with = "quantity")]
    #[schema(schema_with = rules::quantity)]
    pub qty: u32,
    /// Optional, as the old system sent it: it must name the signed-in fan
    /// (anything else is answered 403).
    #[serde(default)]
    #[schema(nullable = true, example = "pekora")]
    pub username: Option<String>,
}

/// `POST /api/buy-tickets`'s headers, for the document (the handler reads
/// the key itself, to refuse a bad one in its own words).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct BuyHeaders {
    /// Names this order, so that a retry never buys twice: the same fan
    /// sending the same order with the same key is answered the first
    /// answer again (`Idempotent-Replayed: true`); the same key with another
    /// order is answered 422.
    #[param(rename = "Idempotency-Key", schema_with = rules::order_key, required = false)]
    pub idempotency_key: Option<String>,
}

/// `GET /api/my-tickets`'s query.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MyTicketsQuery {
    /// Optional, as the old system sent it: it must name the signed-in fan
    /// (anything else is answered 403). No other parameter is accepted (400).
    #[param(value_type = String, required = false, example = "pekora")]
    pub username: Option<String>,
}

/// Operators' view of the server.
#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: HealthStatus,
    /// Tickets sold over all stages.
    pub tickets_sold: u32,
}

/// `ok`; `degraded` while a flush to disk is slow (over a second); `failing`
/// once a sale could not be saved (nothing more is sold until a restart).
#[derive(Serialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Degraded,
    Failing,
}

fn stage_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    deserializer.deserialize_any(WholeNumber("a stage number, like 1"))
}

fn quantity<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    deserializer.deserialize_any(WholeNumber("a whole number of tickets, like 2"))
}

/// A path's festival: `/api/festivals/{slug}…`, `/api/organiser/festivals/{slug}…`,
/// `/api/door/festivals/{slug}…`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FestivalPath {
    /// The festival's address name.
    #[param(schema_with = super::rules::slug)]
    pub slug: String,
}

/// Whole numbers for the organisers' bodies: `2` or `2.0` (an integer to
/// JSON Schema too), never a fraction, as the fans' buy reads them.
pub mod whole {
    use super::WholeNumber;
    use serde::de::{Deserialize, Deserializer, Error};

    /// One whole number, for `Option` and `Vec` fields.
    pub struct Whole(pub u32);

    impl<'de> Deserialize<'de> for Whole {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer
                .deserialize_any(WholeNumber("a whole number, like 4"))
                .map(Whole)
        }
    }

    pub fn u32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
        Whole::deserialize(deserializer).map(|whole| whole.0)
    }

    pub fn u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        u32(deserializer).map(u64::from)
    }

    pub fn u8<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
        let number = u32(deserializer)?;
        ::core::primitive::u8::try_from(number)
            .map_err(|_| D::Error::custom(format!("{number} is more than 255")))
    }

    pub fn optional_u32<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<u32>, D::Error> {
        Option::<Whole>::deserialize(deserializer).map(|whole| whole.map(|w| w.0))
    }

    pub fn list_u32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u32>, D::Error> {
        Vec::<Whole>::deserialize(deserializer).map(|all| all.into_iter().map(|w| w.0).collect())
    }
}

/// Reads a non-negative whole number, saying what it is for when it is not.
struct WholeNumber(&'static str);

impl Visitor<'_> for WholeNumber {
    type Value = u32;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<u32, E> {
        u32::try_from(value).map_err(|_| E::invalid_value(Unexpected::Unsigned(value), &self))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<u32, E> {
        u32::try_from(value).map_err(|_| E::invalid_value(Unexpected::Signed(value), &self))
    }

    /// A whole number written with a point (`2.0`, `2e0`) is still whole, as
    /// JSON Schema's `integer` says; only a fraction is refused.
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<u32, E> {
        if value.fract() != 0.0 || !value.is_finite() {
            return Err(E::invalid_type(Unexpected::Float(value), &self));
        }
        match (0.0..=f64::from(u32::MAX)).contains(&value) {
            // Exact: `value` is whole and within u32.
            true => Ok(value as u32),
            false => Err(E::invalid_value(Unexpected::Float(value), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buy(json: &str) -> Result<BuyRequest, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    /// Found by the contract run: `2.0` is an integer to JSON Schema (and to
    /// every client generated from the document), so it is one here too.
    #[test]
    fn a_whole_number_written_with_a_point_is_whole() {
        for (json, qty) in [("2.0", 2), ("26.0", 26), ("1e2", 100), ("4.000", 4)] {
            let order = buy(&format!(r#"{{"stage_id": 1.0, "qty": {json}}}"#)).unwrap();
            assert_eq!((order.stage_id, order.qty), (1, qty), "{json}");
        }
        for json in ["2.5", "-1.0", "4294967296.0", "1e300"] {
            let error = buy(&format!(r#"{{"stage_id": 1, "qty": {json}}}"#))
                .map(|_| ())
                .unwrap_err();
            assert!(
                error.contains("expected a whole number of tickets"),
                "{json}: {error}"
            );
        }
    }

    #[test]
    fn numbers_must_be_whole_and_say_what_they_are_for() {
        let ok = buy(r#"{"stage_id": 2, "qty": 3}"#).unwrap();
        assert_eq!((ok.stage_id, ok.qty), (2, 3));
        for (json, expected) in [
            (
                r#"{"stage_id": 1, "qty": 1.5}"#,
                "floating point `1.5`, expected a whole number of tickets",
            ),
            (
                r#"{"stage_id": 1, "qty": -2}"#,
                "integer `-2`, expected a whole number of tickets",
            ),
            (
                r#"{"stage_id": 1, "qty": "2"}"#,
                "string \"2\", expected a whole number of tickets",
            ),
            (
                r#"{"stage_id": 1, "qty": null}"#,
                "null, expected a whole number of tickets",
            ),
            (
                r#"{"stage_id": 1, "qty": 99999999999}"#,
                "integer `99999999999`, expected a whole number",
            ),
            (r#"{"stage_id": "1", "qty": 1}"#, "expected a stage number"),
            (r#"{"qty": 1}"#, "missing field `stage_id`"),
            (
                r#"{"stage_id": 1, "qty": 1, "seat": "A1"}"#,
                "unknown field `seat`",
            ),
        ] {
            let error = buy(json).map(|_| ()).unwrap_err();
            assert!(error.contains(expected), "{json}: {error}");
        }
    }
}
