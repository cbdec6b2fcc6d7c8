//! What tiket says when it refuses something: each sentence is a
//! [`Message`], a key with its arguments, and [`sentence`] is the one
//! function that turns a message into words, in a [`Lang`]uage. The refusal
//! table (`refusal`) picks the message and the status; the JSON API and the
//! server functions only ask for the sentence.
//!
//! Today there is one language. Translations add a `Lang` and its arm in
//! [`sentence`]; no caller changes.

use crate::domain::{FanNameError, PasswordError, SessionError, StageId};
use crate::when;
use std::fmt;
use time::OffsetDateTime;

/// A language tiket speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
}

/// How a sentence names a stage: by number, as the JSON API's clients know
/// stages (`stage 1`, and exact times such as `2026-11-01 12:00 +09:00`), or
/// by the name a fan sees on the page (`Stage 3`, times in JST).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StageRef {
    Number(StageId),
    Named(String),
}

/// Everything tiket refuses, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    // The buy rule.
    UnknownStage {
        stage: StageRef,
    },
    NoTickets,
    OverOrderLimit {
        requested: u32,
        limit: u32,
    },
    SaleNotOpen {
        stage: StageRef,
        opens: OffsetDateTime,
    },
    SaleClosed {
        stage: StageRef,
        closed: OffsetDateTime,
    },
    OverFanLimit {
        stage: StageRef,
        limit: u32,
        held: u32,
    },
    SoldOut {
        stage: StageRef,
    },
    NotEnoughStock {
        stage: StageRef,
        requested: u32,
        remaining: u32,
    },
    TotalTooLarge {
        stage: StageRef,
        requested: u32,
    },
    // Orders and saving them.
    KeyReused {
        stage: StageId,
        quantity: u32,
    },
    BadOrderKey,
    NotSaved,
    NotSaving,
    OutcomeUnknown,
    Closing,
    Interrupted,
    // Accounts and sessions.
    BadName(FanNameError),
    BadPassword(PasswordError),
    NameTaken {
        name: String,
    },
    WrongCredentials,
    TooManyAttempts {
        retry_after_secs: u64,
    },
    SignInBusy {
        retry_after_secs: u64,
    },
    TooManySignUps {
        retry_after_secs: u64,
        from_client: bool,
    },
    NotSignedIn,
    BadAuthorization,
    Session(SessionError),
    NotYou {
        signed_in_as: String,
        named: String,
    },
    CannotCheckPassword,
    // Forms (the pages' server functions).
    NoSuchStage {
        typed: String,
    },
    NotOnTheProgramme {
        stage: StageId,
    },
    SignInToBuy,
    /// The buy form's hidden order key is missing or not one.
    BadFormOrderKey,
    ChooseQuantity {
        limit: u32,
    },
    ShopUnavailable,
    // Requests, whatever their path.
    NotJson,
    EmptyBody,
    NotAnObject,
    BadJson {
        detail: String,
    },
    BodyDoesNotFit {
        detail: String,
    },
    QueryDoesNotFit {
        detail: String,
    },
    Unreadable {
        detail: String,
    },
    BodyTooLarge {
        limit_bytes: usize,
    },
    NoAnswerInTime {
        limit: std::time::Duration,
    },
    Failed,
    CrossSite,
    NotAForm,
    TooManyLiveStreams,
    NoEndpoint {
        path: String,
    },
    MethodNotAllowed {
        method: String,
        path: String,
    },
}

/// The sentence `message` says in `lang`. API sentences start in lower case
/// (they follow `error:`); pages capitalise them.
pub fn sentence(message: &Message, lang: Lang) -> String {
    match lang {
        Lang::En => english(message),
    }
}

impl fmt::Display for StageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StageRef::Number(id) => write!(f, "stage {id}"),
            StageRef::Named(name) => f.write_str(name),
        }
    }
}

/// A moment as a stage's reference implies: exact for API clients, in
/// Japan's time, as the pages show it, for fans.
fn moment(stage: &StageRef, at: OffsetDateTime) -> String {
    match stage {
        StageRef::Number(_) => format!("at {}", when::exact(at)),
        StageRef::Named(_) => format!("{} JST", when::short_date_time(at)),
    }
}

fn english(message: &Message) -> String {
    use Message::*;
    let named = |stage: &StageRef| matches!(stage, StageRef::Named(_));
    // Fans read whole sentences; API clients read clauses after "error:".
    let end = |stage: &StageRef| if named(stage) { "." } else { "" };
    match message {
        UnknownStage { stage } => format!("there is no {stage}"),
        NoTickets => "choose at least one ticket".into(),
        OverOrderLimit { requested, limit } => {
            format!("one order can hold at most {limit} tickets; you asked for {requested}")
        }
        SaleNotOpen { stage, opens } => format!(
            "{}ickets for {stage} are not on sale yet; the sale opens {}{}",
            if named(stage) { "T" } else { "t" },
            moment(stage, *opens),
            end(stage)
        ),
        SaleClosed { stage, closed } => format!(
            "{}he sale for {stage} closed {}{}",
            if named(stage) { "T" } else { "t" },
            moment(stage, *closed),
            end(stage)
        ),
        OverFanLimit { stage, limit, held } => format!(
            "{} fan may hold at most {limit} tickets for {stage}; you hold {held} already, so you can buy {} more{}",
            if named(stage) { "A" } else { "a" },
            limit.saturating_sub(*held),
            end(stage)
        ),
        SoldOut { stage } => format!("{stage} is sold out{}", end(stage)),
        NotEnoughStock {
            stage,
            requested,
            remaining,
        } => match (stage, remaining) {
            (StageRef::Named(_), 1) => {
                format!("Only 1 ticket is left for {stage}; you asked for {requested}.")
            }
            (StageRef::Named(_), _) => {
                format!("Only {remaining} tickets are left for {stage}; you asked for {requested}.")
            }
            (StageRef::Number(_), _) => {
                format!("only {remaining} tickets are left for {stage}; you asked for {requested}")
            }
        },
        TotalTooLarge { stage, requested } => format!(
            "{requested} tickets for {stage} cost more than tiket can count{}",
            end(stage)
        ),
        KeyReused { stage, quantity } => format!(
            "this idempotency key was already used for another order ({quantity} × stage {stage}); use a new key for a new order"
        ),
        BadOrderKey => format!(
            "the Idempotency-Key header is not acceptable: {}",
            crate::domain::OrderKeyError
        ),
        NotSaved => {
            "your request could not be saved; check your tickets before buying again".into()
        }
        Closing => "the shop is closing; try again in a moment".into(),
        NotSaving => "the shop cannot save anything right now, so nothing was changed; please try again later".into(),
        OutcomeUnknown => "your order is taking longer than usual to be confirmed, so its outcome is not known yet; check your tickets in a minute before buying again (sent again with the same Idempotency-Key, it answers with its outcome and never buys twice)".into(),
        Interrupted => "your order was interrupted; check your tickets before buying again".into(),
        BadName(error) => error.to_string(),
        BadPassword(error) => error.to_string(),
        NameTaken { name } => format!("the user name {name:?} is taken; choose another"),
        WrongCredentials => "the user name or the password is wrong".into(),
        TooManyAttempts { retry_after_secs } => format!(
            "too many sign-in attempts for this name; try again in {retry_after_secs} seconds"
        ),
        SignInBusy { retry_after_secs } => format!(
            "many fans are signing in right now; try again in {retry_after_secs} seconds"
        ),
        TooManySignUps {
            retry_after_secs,
            from_client: true,
        } => format!(
            "too many accounts were opened from your network just now; try again in {retry_after_secs} seconds"
        ),
        TooManySignUps {
            retry_after_secs,
            from_client: false,
        } => format!(
            "many fans are signing up right now; try again in {retry_after_secs} seconds"
        ),
        NotSignedIn => {
            "sign in first: send `Authorization: Bearer <token>` or the session cookie".into()
        }
        BadAuthorization => "the Authorization header must be `Bearer <token>`".into(),
        Session(error) => error.to_string(),
        NotYou {
            signed_in_as,
            named,
        } => format!(
            "you are signed in as {signed_in_as:?} and can only act for yourself, not for {named:?}"
        ),
        CannotCheckPassword => "the password could not be checked; try again".into(),
        NoSuchStage { typed } => format!("There is no stage {typed:?}."),
        NotOnTheProgramme { stage } => format!("The festival has no stage {stage}."),
        SignInToBuy => "Sign in to buy tickets; your session may have ended.".into(),
        BadFormOrderKey => "This buy form's order key is missing or was changed, so nothing was bought. Reload the page and try again.".into(),
        ChooseQuantity { limit } => {
            format!("Choose how many tickets: a whole number from 1 to {limit}.")
        }
        ShopUnavailable => {
            "the shop is not available right now, please try again in a moment".into()
        }
        NotJson => "send the request body as JSON, with `Content-Type: application/json`".into(),
        EmptyBody => "the request body is empty; send a JSON object".into(),
        NotAnObject => "the request body must be a JSON object".into(),
        BadJson { detail } => format!("the request body is not valid JSON: {detail}"),
        BodyDoesNotFit { detail } => format!("the request body does not fit: {detail}"),
        QueryDoesNotFit { detail } => format!("the query string does not fit: {detail}"),
        Unreadable { detail } => format!("the request body could not be read: {detail}"),
        BodyTooLarge { limit_bytes } => format!(
            "the request body is larger than the server accepts ({} KiB)",
            limit_bytes / 1024
        ),
        NoAnswerInTime { limit } => {
            format!("the server did not answer within {limit:?}; try again in a moment")
        }
        Failed => "the server failed to answer this request; the failure is logged".into(),
        CrossSite => "this request came from another site; tiket only takes its own pages' forms and requests signed with a bearer token".into(),
        NotAForm => "this form must be sent as application/x-www-form-urlencoded, as tiket's pages send it".into(),
        TooManyLiveStreams => "too many live stock streams are open; the page tries again by itself".into(),
        NoEndpoint { path } => format!("there is no API endpoint at {path}"),
        MethodNotAllowed { method, path } => format!("{method} is not allowed on {path}"),
    }
}

/// A clause as a sentence of its own: its first letter in upper case.
pub fn capitalised(sentence: &str) -> String {
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn en(message: Message) -> String {
        sentence(&message, Lang::En)
    }

    #[test]
    fn api_clients_read_stage_numbers_and_exact_times() {
        let stage = StageRef::Number(StageId(1));
        assert_eq!(
            en(Message::SaleNotOpen {
                stage: stage.clone(),
                opens: datetime!(2099-06-01 12:00 +9)
            }),
            "tickets for stage 1 are not on sale yet; the sale opens at 2099-06-01 12:00 +09:00"
        );
        assert_eq!(
            en(Message::NotEnoughStock {
                stage,
                requested: 4,
                remaining: 1
            }),
            "only 1 tickets are left for stage 1; you asked for 4"
        );
    }

    #[test]
    fn fans_read_the_stage_by_name_and_times_in_jst() {
        let stage = || StageRef::Named("Stage 3".into());
        assert_eq!(
            en(Message::SoldOut { stage: stage() }),
            "Stage 3 is sold out."
        );
        assert_eq!(
            en(Message::NotEnoughStock {
                stage: stage(),
                requested: 3,
                remaining: 1
            }),
            "Only 1 ticket is left for Stage 3; you asked for 3."
        );
        assert_eq!(
            en(Message::SaleClosed {
                stage: stage(),
                closed: datetime!(2026-11-01 03:00 UTC)
            }),
            "The sale for Stage 3 closed Sun 1 Nov 12:00 JST."
        );
    }

    #[test]
    fn a_clause_becomes_a_sentence() {
        assert_eq!(
            capitalised("choose at least one ticket"),
            "Choose at least one ticket"
        );
        assert_eq!(capitalised(""), "");
    }
}
