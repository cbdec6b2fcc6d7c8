//! The refusal table: the one place that turns why the shop or sign-in said
//! no ([`ShopError`], [`AuthError`]) into an HTTP status, a [`Message`] and
//! the form field it is about. The JSON API answers it as
//! `{"error": "<sentence>"}`; the server functions as a `Problem` beside the
//! form. Both get the sentence from [`messages::sentence`], in a language.

use crate::domain::{AccountError, BuyError, DoorError, EditError, StaffError, TimeZoneName};
use crate::forms::Field;
use crate::messages::{self, Lang, Message, StageRef};
use crate::server::auth::AuthError;
use crate::shop::ShopError;
use axum::http::StatusCode;

/// A refusal: its status, what it says, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: Message,
    /// The form field it is about, if one.
    pub field: Option<Field>,
    /// Seconds to wait before trying again (429, 503).
    pub retry_after_secs: Option<u64>,
}

impl Refusal {
    pub fn new(status: StatusCode, message: Message) -> Self {
        Refusal {
            status,
            message,
            field: None,
            retry_after_secs: None,
        }
    }

    pub fn about(mut self, field: Field) -> Self {
        self.field = Some(field);
        self
    }

    fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// What it says, in `lang`.
    pub fn sentence(&self, lang: Lang) -> String {
        messages::sentence(&self.message, lang)
    }

    /// The same refusal naming its stage as the fan sees it, by `name`,
    /// with times in its festival's `zone`.
    pub fn naming_the_stage(mut self, name: &str, zone: &TimeZoneName) -> Self {
        use Message::*;
        let named = || StageRef::Named(name.to_owned(), zone.clone());
        match &mut self.message {
            SaleNotOpen { stage, .. }
            | SaleClosed { stage, .. }
            | OverFanLimit { stage, .. }
            | SoldOut { stage }
            | StageClosed { stage }
            | NotEnoughStock { stage, .. }
            | TotalTooLarge { stage, .. } => *stage = named(),
            _ => {}
        }
        self
    }
}

impl From<BuyError> for Refusal {
    fn from(refusal: BuyError) -> Self {
        let number = StageRef::Number;
        let (status, message) = match refusal {
            BuyError::UnknownStage(stage) => (
                StatusCode::NOT_FOUND,
                Message::UnknownStage {
                    stage: number(stage),
                },
            ),
            BuyError::NoTickets => (StatusCode::UNPROCESSABLE_ENTITY, Message::NoTickets),
            BuyError::OverOrderLimit { requested, limit } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Message::OverOrderLimit { requested, limit },
            ),
            BuyError::SaleNotOpen { stage, opens } => (
                StatusCode::CONFLICT,
                Message::SaleNotOpen {
                    stage: number(stage),
                    opens,
                },
            ),
            BuyError::SaleClosed { stage, closed } => (
                StatusCode::CONFLICT,
                Message::SaleClosed {
                    stage: number(stage),
                    closed,
                },
            ),
            BuyError::OverFanLimit { stage, limit, held } => (
                StatusCode::CONFLICT,
                Message::OverFanLimit {
                    stage: number(stage),
                    limit,
                    held,
                },
            ),
            BuyError::StageClosed(stage) => (
                StatusCode::CONFLICT,
                Message::StageClosed {
                    stage: number(stage),
                },
            ),
            BuyError::SoldOut(stage) => (
                StatusCode::CONFLICT,
                Message::SoldOut {
                    stage: number(stage),
                },
            ),
            BuyError::NotEnoughStock {
                stage,
                requested,
                remaining,
            } => (
                StatusCode::CONFLICT,
                Message::NotEnoughStock {
                    stage: number(stage),
                    requested,
                    remaining,
                },
            ),
            BuyError::TotalTooLarge { stage, requested } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Message::TotalTooLarge {
                    stage: number(stage),
                    requested,
                },
            ),
        };
        let about_quantity = matches!(
            refusal,
            BuyError::NoTickets
                | BuyError::OverOrderLimit { .. }
                | BuyError::OverFanLimit { .. }
                | BuyError::NotEnoughStock { .. }
                | BuyError::TotalTooLarge { .. }
        );
        let refusal = Refusal::new(status, message);
        match about_quantity {
            true => refusal.about(Field::Quantity),
            false => refusal,
        }
    }
}

impl From<ShopError> for Refusal {
    fn from(error: ShopError) -> Self {
        let failed = |message| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, message);
        match error {
            ShopError::Refused(refusal) => refusal.into(),
            ShopError::Account(AccountError::NameTaken(name)) => {
                Refusal::new(StatusCode::CONFLICT, Message::NameTaken { name }).about(Field::Name)
            }
            ShopError::Account(AccountError::NewName(error)) => {
                Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, Message::BadName(error))
                    .about(Field::Name)
            }
            ShopError::Account(AccountError::UnknownAccount(_)) => {
                Refusal::new(StatusCode::UNAUTHORIZED, Message::WrongCredentials)
            }
            ShopError::Edit(error) => {
                let status = match &error {
                    EditError::UnknownFestival(_) | EditError::UnknownStage { .. } => {
                        StatusCode::NOT_FOUND
                    }
                    EditError::SlugTaken(_)
                    | EditError::StageElsewhere { .. }
                    | EditError::StockBelowSold { .. }
                    | EditError::StageHasSales { .. }
                    | EditError::NothingToPublish
                    | EditError::DefaultNotPublished
                    // The list is well formed; it does not match the stages there are now.
                    | EditError::NotAnOrder => StatusCode::CONFLICT,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                let field = error.field().and_then(Field::parse);
                let refusal = Refusal::new(status, Message::Edit(error));
                match field {
                    Some(field) => refusal.about(field),
                    None => refusal,
                }
            }
            ShopError::Staff(error) => {
                let status = match error {
                    StaffError::LastOrganiser(_) => StatusCode::CONFLICT,
                    StaffError::NoSuchRole { .. } => StatusCode::NOT_FOUND,
                };
                Refusal::new(status, Message::Staff(error))
            }
            ShopError::Door(error) => {
                let status = match error {
                    // As a buy for a stage there is not.
                    DoorError::UnknownFestival(_) | DoorError::UnknownStage(_) => {
                        StatusCode::NOT_FOUND
                    }
                    DoorError::ScanReused => StatusCode::CONFLICT,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                let gate = matches!(error, DoorError::Gate(_));
                let refusal = Refusal::new(status, Message::Door(error));
                match gate {
                    true => refusal.about(Field::Gate),
                    false => refusal,
                }
            }
            ShopError::Import(error) => Refusal::new(
                StatusCode::CONFLICT,
                Message::ImportConflict {
                    detail: error.to_string(),
                },
            ),
            ShopError::KeyReused { stage, quantity } => Refusal::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                Message::KeyReused { stage, quantity },
            ),
            ShopError::Closed => {
                Refusal::new(StatusCode::SERVICE_UNAVAILABLE, Message::Closing).retry_after(5)
            }
            ShopError::NotSaving => {
                Refusal::new(StatusCode::SERVICE_UNAVAILABLE, Message::NotSaving)
            }
            // Accepted, not refused: the sale may still be saved.
            ShopError::OutcomeUnknown => {
                Refusal::new(StatusCode::ACCEPTED, Message::OutcomeUnknown)
            }
            // Two sessions with one token of 256 random bits: a bug, not a fan's doing.
            ShopError::Account(AccountError::DuplicateSession) => failed(Message::Failed),
            // The detail names files: for the log, never for the answer.
            ShopError::NotSaved(error) => {
                tracing::error!("a change could not be saved: {error}");
                failed(Message::NotSaved)
            }
            ShopError::Interrupted => failed(Message::Interrupted),
        }
    }
}

impl From<AuthError> for Refusal {
    fn from(error: AuthError) -> Self {
        let unauthorized = |message| Refusal::new(StatusCode::UNAUTHORIZED, message);
        match error {
            AuthError::Shop(error) => error.into(),
            AuthError::TooManyAttempts { retry_after_secs } => Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                Message::TooManyAttempts { retry_after_secs },
            )
            .retry_after(retry_after_secs),
            AuthError::Name(error) => {
                Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, Message::BadName(error))
                    .about(Field::Name)
            }
            AuthError::Password(error) => Refusal::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                Message::BadPassword(error),
            )
            .about(Field::Password),
            AuthError::WrongCredentials => unauthorized(Message::WrongCredentials),
            AuthError::NotSignedIn => unauthorized(Message::NotSignedIn),
            AuthError::BadAuthorization => unauthorized(Message::BadAuthorization),
            AuthError::Session(error) => unauthorized(Message::Session(error)),
            AuthError::Busy { retry_after_secs } => Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                Message::SignInBusy { retry_after_secs },
            )
            .retry_after(retry_after_secs),
            AuthError::TooManySignUps {
                retry_after_secs,
                from_client,
            } => Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                Message::TooManySignUps {
                    retry_after_secs,
                    from_client,
                },
            )
            .retry_after(retry_after_secs),
            AuthError::NotStaff { role } => {
                Refusal::new(StatusCode::FORBIDDEN, Message::NotStaff { role })
            }
            AuthError::SecondFactorNeeded => {
                Refusal::new(StatusCode::FORBIDDEN, Message::SecondFactorNeeded)
            }
            AuthError::WrongOneTimeCode => {
                Refusal::new(StatusCode::UNAUTHORIZED, Message::WrongOneTimeCode).about(Field::Code)
            }
            AuthError::Hashing(detail) => {
                tracing::error!("a password could not be checked: {detail}");
                Refusal::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Message::CannotCheckPassword,
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed write's detail names files: it goes to the log, never into
    /// the answer.
    #[test]
    fn a_failed_write_shows_no_file_paths() {
        let error = crate::store::CommitError::Write(std::sync::Arc::new(
            crate::store::StoreError::Write {
                path: "/srv/tiket/data/journal.jsonl".into(),
                source: std::io::Error::other("No space left on device"),
            },
        ));
        let refusal = Refusal::from(ShopError::NotSaved(error));
        assert_eq!(refusal.status, StatusCode::INTERNAL_SERVER_ERROR);
        let sentence = refusal.sentence(Lang::default());
        assert!(!sentence.contains('/'), "{sentence}");
        let hashing = Refusal::from(AuthError::Hashing("/home/x/src/auth.rs:12 panicked".into()));
        assert!(!hashing.sentence(Lang::default()).contains('/'));
    }
    use crate::domain::StageId;

    #[test]
    fn every_buy_refusal_has_its_status_and_field() {
        let stage = StageId(1);
        let cases = [
            (BuyError::UnknownStage(stage), StatusCode::NOT_FOUND, None),
            (
                BuyError::NoTickets,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(Field::Quantity),
            ),
            (BuyError::SoldOut(stage), StatusCode::CONFLICT, None),
            (
                BuyError::OverFanLimit {
                    stage,
                    limit: 4,
                    held: 4,
                },
                StatusCode::CONFLICT,
                Some(Field::Quantity),
            ),
            (
                BuyError::TotalTooLarge {
                    stage,
                    requested: 4,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(Field::Quantity),
            ),
        ];
        for (error, status, field) in cases {
            let refusal = Refusal::from(error.clone());
            assert_eq!(
                (refusal.status, refusal.field),
                (status, field),
                "{error:?}"
            );
        }
    }

    #[test]
    fn the_api_sentence_is_the_domains_and_a_page_names_the_stage() {
        let error = BuyError::NotEnoughStock {
            stage: StageId(4),
            requested: 3,
            remaining: 1,
        };
        let refusal = Refusal::from(error.clone());
        assert_eq!(refusal.sentence(Lang::en_GB), error.to_string());
        assert_eq!(
            refusal
                .naming_the_stage("Stage 3", &TimeZoneName::tokyo())
                .sentence(Lang::en_GB),
            "Only 1 ticket is left for Stage 3; you asked for 3."
        );
    }

    #[test]
    fn a_closing_shop_asks_to_come_back() {
        let refusal = Refusal::from(ShopError::Closed);
        assert_eq!(refusal.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(refusal.retry_after_secs, Some(5));
    }
}
