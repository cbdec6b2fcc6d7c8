//! What forms and their server functions pass between server and browser:
//! a refusal as the fan reads it ([`Problem`], pointing at its [`Field`]),
//! and the one-time [`Flash`] a plain form post carries across a redirect.
//! Shared by the server functions, which fill them, and the pages and
//! components, which show them.

use crate::domain::TicketId;
use serde::{Deserialize, Serialize};

/// Why a server function did not do what was asked, in a sentence for the
/// fan, and the form field it is about, if one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Problem {
    pub message: String,
    pub field: Option<Field>,
}

/// The form fields a [`Problem`] can point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Name,
    Password,
    Quantity,
    // The staff forms' fields (a festival's, a stage's, a one-time code).
    Slug,
    Venue,
    TimeZone,
    Day,
    DoorsOpen,
    StartsAt,
    Price,
    Stock,
    SaleOpens,
    SaleCloses,
    PerOrder,
    PerFan,
    Code,
    /// The door page's gate name.
    Gate,
}

impl Field {
    /// The field named as the forms (and the domain's refusals) name it.
    pub fn parse(name: &str) -> Option<Field> {
        Some(match name {
            "name" => Field::Name,
            "password" => Field::Password,
            "quantity" => Field::Quantity,
            "slug" => Field::Slug,
            "venue" => Field::Venue,
            "time_zone" => Field::TimeZone,
            "day" => Field::Day,
            "doors_open" => Field::DoorsOpen,
            "starts_at" => Field::StartsAt,
            "price" => Field::Price,
            "total_stock" => Field::Stock,
            "sale_opens" => Field::SaleOpens,
            "sale_closes" => Field::SaleCloses,
            "per_order" => Field::PerOrder,
            "per_fan" => Field::PerFan,
            "code" => Field::Code,
            "gate" => Field::Gate,
            _ => return None,
        })
    }
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            field: None,
        }
    }

    pub fn about(mut self, field: Field) -> Self {
        self.field = Some(field);
        self
    }

    /// The message if it is about `field`.
    pub fn for_field(&self, field: Field) -> Option<String> {
        (self.field == Some(field)).then(|| self.message.clone())
    }

    /// The message if it is about no field in particular.
    pub fn for_form(&self) -> Option<String> {
        self.field.is_none().then(|| self.message.clone())
    }

    /// The browser could not reach tiket, or could not read its answer.
    /// (Said by the browser as well as the server, so not one of the
    /// server's refusal messages: the browser bundle stays small.)
    pub fn unreachable() -> Self {
        Problem::new("tiket could not be reached; check your connection and try again")
    }

    /// A request the server function could not read or answer.
    pub fn not_handled(detail: impl std::fmt::Display) -> Self {
        Problem::new(format!(
            "the request could not be handled ({detail}); please try again"
        ))
    }

    /// The latest answer of a form: its action's, once there is one, else
    /// what a plain form post left in the flash.
    pub fn latest(
        answer: Option<Result<(), Problem>>,
        flashed: Option<Problem>,
    ) -> Option<Problem> {
        match answer {
            Some(Err(problem)) => Some(problem),
            Some(Ok(())) => None,
            None => flashed,
        }
    }
}

/// What a form's action tells the next page, across a redirect: set by the
/// server in a cookie, shown once, then forgotten.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// A form was refused (posted without JavaScript).
    pub problem: Option<Problem>,
    /// What the fan had typed, to fill the form again (never a password).
    pub name: Option<String>,
    pub quantity: Option<String>,
    /// Tickets were just bought.
    pub bought: Option<Bought>,
    pub signed_out: bool,
    /// What a staff form held when refused, field by field (form name, value).
    #[serde(default)]
    pub typed: Vec<(String, String)>,
    /// An organiser's recovery codes, shown once after setting up the second factor.
    #[serde(default)]
    pub recovery_codes: Vec<String>,
}

impl Flash {
    /// What was typed in the field `name` of a refused staff form.
    pub fn typed(&self, name: &str) -> Option<String> {
        self.typed
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
    }
}

/// A purchase just made, as the tickets page announces it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bought {
    pub stage_name: String,
    pub tickets: Vec<TicketId>,
    /// The order's total, as the fan's language writes it.
    pub total: String,
    /// The same order had already been bought (sent twice).
    pub replayed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_points_at_its_field_or_at_the_form() {
        let problem = Problem::new("too many").about(Field::Quantity);
        assert_eq!(
            problem.for_field(Field::Quantity).as_deref(),
            Some("too many")
        );
        assert_eq!(problem.for_field(Field::Name), None);
        assert_eq!(problem.for_form(), None);
        assert_eq!(
            Problem::new("sold out").for_form().as_deref(),
            Some("sold out")
        );
    }

    #[test]
    fn the_latest_answer_wins_over_the_flash() {
        let flashed = Some(Problem::new("from the plain post"));
        assert_eq!(Problem::latest(None, flashed.clone()), flashed);
        assert_eq!(Problem::latest(Some(Ok(())), flashed.clone()), None);
        let answer = Problem::new("from the action");
        assert_eq!(
            Problem::latest(Some(Err(answer.clone())), flashed),
            Some(answer)
        );
    }
}
