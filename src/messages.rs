//! What tiket says when it refuses something: each sentence is a
//! [`Message`], a key with its arguments, and [`sentence`] is the one
//! function that turns a message into words, in a [`Lang`]uage. The refusal
//! table (`refusal`) picks the message and the status; the JSON API and the
//! server functions only ask for the sentence.
//!
//! The words are in the translation files, `locales/<language>.json` under
//! `errors` (one key per message; a sentence for fans, where it differs from
//! the API's clause, under the same key with `_page`). A new language is a
//! new file; no code here changes.

use crate::domain::door::{MOST_CODE_CHARS, MOST_STAGES};
use crate::domain::{
    DoorError, EditError, FanNameError, NameError, PasswordError, Role, ScanId, SessionError,
    StaffError, StageError, StageId, TimeZoneName,
};
use crate::i18n::td_string;
use crate::when;
use time::OffsetDateTime;

/// A language tiket speaks (`Lang::en_GB`, `Lang::ja`, `Lang::id`): the
/// translation files' locales.
pub use crate::i18n::Locale as Lang;

/// How a sentence names a stage: by number, as the JSON API's clients know
/// stages (`stage 1`, and exact times such as `2026-11-01 12:00 +09:00`), or
/// by the name a fan sees on the page (`Stage 3`, times in its festival's
/// zone, named: `12:00 JST`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StageRef {
    Number(StageId),
    Named(String, TimeZoneName),
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
    /// A festival page for a festival there is not (or a draft).
    NoSuchFestival,
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
    // Staff: the festival editor, roles, the second factor.
    StageClosed {
        stage: StageRef,
    },
    Edit(EditError),
    Staff(StaffError),
    /// The door could not answer a scan.
    Door(DoorError),
    NotStaff {
        role: Role,
    },
    SecondFactorNeeded,
    WrongOneTimeCode,
    BadSearch,
    BadSlug,
    /// A staff form names an account nobody has.
    NoSuchAccount {
        name: String,
    },
    /// Imported tickets that do not fit the shop (`detail`: which, in English).
    ImportConflict {
        detail: String,
    },
    /// A staff form's field that could not be read (`field`: its label).
    BadField {
        field: String,
        detail: String,
    },
    /// A JSON API path's part that could not be read (a stage number, a role).
    PathDoesNotFit {
        detail: String,
    },
    SecondFactorSetAlready,
    UnknownAccount {
        name: String,
    },
}

/// The sentence `message` says in `lang`. API sentences start in lower case
/// in English (they follow `error:`); pages capitalise them.
pub fn sentence(message: &Message, lang: Lang) -> String {
    use Message::*;
    let l = lang;
    // Numbers in plain digits in every language: the API's sentences are
    // read by programs too (and pinned to the domain's), and the numbers a
    // refusal names are small.
    let n = |value: u32| value.to_string();
    let count = |value: u64, _: Lang| value.to_string();
    let stage_words = |stage: &StageRef| match stage {
        StageRef::Number(id) => td_string!(l, errors.stage_number, id = id.0).to_string(),
        StageRef::Named(name, _) => name.clone(),
    };
    // API clients read stage numbers and exact times; fans read the stage's
    // name and times in its festival's zone, in whole sentences.
    let moment = |stage: &StageRef, at: OffsetDateTime| match stage {
        StageRef::Number(_) => td_string!(l, errors.at_exact, moment = when::exact(at)).to_string(),
        StageRef::Named(_, zone) => td_string!(
            l,
            errors.at_zone,
            moment = when::short_date_time(when::localized(at, zone), l),
            zone = when::zone_abbreviation(zone, at)
        )
        .to_string(),
    };
    let named = |stage: &StageRef| matches!(stage, StageRef::Named(..));
    match message {
        UnknownStage { stage } => {
            td_string!(l, errors.unknown_stage, stage = stage_words(stage)).to_string()
        }
        NoTickets => td_string!(l, errors.no_tickets).to_string(),
        OverOrderLimit { requested, limit } => td_string!(
            l,
            errors.over_order_limit,
            limit = n(*limit),
            requested = n(*requested)
        )
        .to_string(),
        SaleNotOpen { stage, opens } => {
            let (stage_name, moment) = (stage_words(stage), moment(stage, *opens));
            match named(stage) {
                true => td_string!(
                    l,
                    errors.sale_not_open_page,
                    stage = stage_name,
                    moment = moment
                )
                .to_string(),
                false => td_string!(l, errors.sale_not_open, stage = stage_name, moment = moment)
                    .to_string(),
            }
        }
        SaleClosed { stage, closed } => {
            let (stage_name, moment) = (stage_words(stage), moment(stage, *closed));
            match named(stage) {
                true => td_string!(
                    l,
                    errors.sale_closed_page,
                    stage = stage_name,
                    moment = moment
                )
                .to_string(),
                false => td_string!(l, errors.sale_closed, stage = stage_name, moment = moment)
                    .to_string(),
            }
        }
        OverFanLimit { stage, limit, held } => {
            let (stage_name, left) = (stage_words(stage), n(limit.saturating_sub(*held)));
            let (limit, held) = (n(*limit), n(*held));
            match named(stage) {
                true => td_string!(
                    l,
                    errors.over_fan_limit_page,
                    stage = stage_name,
                    limit = limit,
                    held = held,
                    left = left
                )
                .to_string(),
                false => td_string!(
                    l,
                    errors.over_fan_limit,
                    stage = stage_name,
                    limit = limit,
                    held = held,
                    left = left
                )
                .to_string(),
            }
        }
        SoldOut { stage } => match named(stage) {
            true => td_string!(l, errors.sold_out_page, stage = stage_words(stage)).to_string(),
            false => td_string!(l, errors.sold_out, stage = stage_words(stage)).to_string(),
        },
        NotEnoughStock {
            stage,
            requested,
            remaining,
        } => match named(stage) {
            true => td_string!(
                l,
                errors.not_enough_stock_page,
                count = *remaining,
                stage = stage_words(stage),
                requested = n(*requested)
            )
            .to_string(),
            false => td_string!(
                l,
                errors.not_enough_stock,
                remaining = n(*remaining),
                stage = stage_words(stage),
                requested = n(*requested)
            )
            .to_string(),
        },
        TotalTooLarge { stage, requested } => match named(stage) {
            true => td_string!(
                l,
                errors.total_too_large_page,
                requested = n(*requested),
                stage = stage_words(stage)
            )
            .to_string(),
            false => td_string!(
                l,
                errors.total_too_large,
                requested = n(*requested),
                stage = stage_words(stage)
            )
            .to_string(),
        },
        KeyReused { stage, quantity } => td_string!(
            l,
            errors.key_reused,
            quantity = n(*quantity),
            stage = stage.0
        )
        .to_string(),
        BadOrderKey => td_string!(
            l,
            errors.bad_order_key,
            max = count(crate::domain::OrderKey::MAX_LEN as u64, l)
        )
        .to_string(),
        NotSaved => td_string!(l, errors.not_saved).to_string(),
        Closing => td_string!(l, errors.closing).to_string(),
        NotSaving => td_string!(l, errors.not_saving).to_string(),
        OutcomeUnknown => td_string!(l, errors.outcome_unknown).to_string(),
        Interrupted => td_string!(l, errors.interrupted).to_string(),
        BadName(error) => match error {
            FanNameError::Empty => td_string!(l, errors.name_empty).to_string(),
            FanNameError::TooLong => td_string!(
                l,
                errors.name_too_long,
                max = count(crate::domain::FanName::MAX_CHARS as u64, l)
            )
            .to_string(),
            FanNameError::ControlCharacter => td_string!(l, errors.name_control).to_string(),
            FanNameError::SurroundingSpace => td_string!(l, errors.name_space).to_string(),
            FanNameError::Invisible => td_string!(l, errors.name_invisible).to_string(),
            FanNameError::NothingVisible => td_string!(l, errors.name_nothing_visible).to_string(),
        },
        BadPassword(error) => {
            use crate::domain::Password;
            match error {
                PasswordError::Empty => td_string!(l, errors.password_empty).to_string(),
                PasswordError::TooShort => td_string!(
                    l,
                    errors.password_too_short,
                    min = count(Password::MIN_CHARS as u64, l)
                )
                .to_string(),
                PasswordError::TooLong => td_string!(
                    l,
                    errors.password_too_long,
                    max = count(Password::MAX_CHARS as u64, l)
                )
                .to_string(),
                PasswordError::SameAsName => td_string!(l, errors.password_is_name).to_string(),
                PasswordError::TooCommon => td_string!(l, errors.password_common).to_string(),
            }
        }
        NameTaken { name } => {
            td_string!(l, errors.name_taken, name = format!("{name:?}")).to_string()
        }
        WrongCredentials => td_string!(l, errors.wrong_credentials).to_string(),
        TooManyAttempts { retry_after_secs } => {
            td_string!(l, errors.too_many_attempts, secs = retry_after_secs).to_string()
        }
        SignInBusy { retry_after_secs } => {
            td_string!(l, errors.sign_in_busy, secs = retry_after_secs).to_string()
        }
        TooManySignUps {
            retry_after_secs,
            from_client: true,
        } => td_string!(l, errors.too_many_sign_ups_here, secs = retry_after_secs).to_string(),
        TooManySignUps {
            retry_after_secs,
            from_client: false,
        } => td_string!(l, errors.too_many_sign_ups, secs = retry_after_secs).to_string(),
        NotSignedIn => td_string!(l, errors.not_signed_in).to_string(),
        BadAuthorization => td_string!(l, errors.bad_authorization).to_string(),
        Session(SessionError::Unknown) => td_string!(l, errors.session_unknown).to_string(),
        Session(SessionError::Expired) => td_string!(l, errors.session_expired).to_string(),
        NotYou {
            signed_in_as,
            named,
        } => td_string!(
            l,
            errors.not_you,
            signed_in_as = format!("{signed_in_as:?}"),
            named = format!("{named:?}")
        )
        .to_string(),
        CannotCheckPassword => td_string!(l, errors.cannot_check_password).to_string(),
        NoSuchFestival => td_string!(l, errors.no_such_festival).to_string(),
        NoSuchStage { typed } => {
            td_string!(l, errors.no_such_stage, typed = format!("{typed:?}")).to_string()
        }
        NotOnTheProgramme { stage } => {
            td_string!(l, errors.not_on_the_programme, stage = stage.0).to_string()
        }
        SignInToBuy => td_string!(l, errors.sign_in_to_buy).to_string(),
        BadFormOrderKey => td_string!(l, errors.bad_form_order_key).to_string(),
        ChooseQuantity { limit } => {
            td_string!(l, errors.choose_quantity, limit = n(*limit)).to_string()
        }
        ShopUnavailable => td_string!(l, errors.shop_unavailable).to_string(),
        NotJson => td_string!(l, errors.not_json).to_string(),
        EmptyBody => td_string!(l, errors.empty_body).to_string(),
        NotAnObject => td_string!(l, errors.not_an_object).to_string(),
        BadJson { detail } => td_string!(l, errors.bad_json, detail = detail).to_string(),
        BodyDoesNotFit { detail } => {
            td_string!(l, errors.body_does_not_fit, detail = detail).to_string()
        }
        QueryDoesNotFit { detail } => {
            td_string!(l, errors.query_does_not_fit, detail = detail).to_string()
        }
        Unreadable { detail } => td_string!(l, errors.unreadable, detail = detail).to_string(),
        BodyTooLarge { limit_bytes } => td_string!(
            l,
            errors.body_too_large,
            kib = count((limit_bytes / 1024) as u64, l)
        )
        .to_string(),
        NoAnswerInTime { limit } => {
            td_string!(l, errors.no_answer_in_time, limit = format!("{limit:?}")).to_string()
        }
        Failed => td_string!(l, errors.failed).to_string(),
        CrossSite => td_string!(l, errors.cross_site).to_string(),
        StageClosed { stage } => match named(stage) {
            true => td_string!(l, errors.stage_closed_page, stage = stage_words(stage)).to_string(),
            false => td_string!(l, errors.stage_closed, stage = stage_words(stage)).to_string(),
        },
        Edit(error) => edit_sentence(error, l),
        Door(error) => door_sentence(error, l),
        Staff(StaffError::LastOrganiser(name)) => {
            td_string!(l, errors.last_organiser, name = name.clone()).to_string()
        }
        Staff(StaffError::NoSuchRole { name, role }) => td_string!(
            l,
            errors.no_such_role,
            name = name.clone(),
            role = role.as_str()
        )
        .to_string(),
        NotStaff { role } => td_string!(l, errors.not_staff, role = role.as_str()).to_string(),
        SecondFactorNeeded => td_string!(l, errors.second_factor_needed).to_string(),
        WrongOneTimeCode => td_string!(l, errors.wrong_one_time_code).to_string(),
        BadSearch => td_string!(l, errors.bad_search).to_string(),
        BadSlug => td_string!(l, errors.bad_slug).to_string(),
        NoSuchAccount { name } => {
            td_string!(l, errors.no_such_account, name = name.clone()).to_string()
        }
        ImportConflict { detail } => {
            td_string!(l, errors.import_conflict, detail = detail.clone()).to_string()
        }
        BadField { field, detail } => td_string!(
            l,
            errors.bad_field,
            field = field.clone(),
            detail = detail.clone()
        )
        .to_string(),
        PathDoesNotFit { detail } => {
            td_string!(l, errors.path_does_not_fit, detail = detail).to_string()
        }
        SecondFactorSetAlready => td_string!(l, errors.second_factor_set_already).to_string(),
        UnknownAccount { name } => {
            td_string!(l, errors.unknown_account, name = format!("{name:?}")).to_string()
        }
        NotAForm => td_string!(l, errors.not_a_form).to_string(),
        TooManyLiveStreams => td_string!(l, errors.too_many_live_streams).to_string(),
        NoEndpoint { path } => td_string!(l, errors.no_endpoint, path = path).to_string(),
        MethodNotAllowed { method, path } => {
            td_string!(l, errors.method_not_allowed, method = method, path = path).to_string()
        }
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

/// A name's problem, as the end of a sentence.
fn name_problem(error: NameError, l: Lang) -> String {
    match error {
        NameError::Empty => td_string!(l, errors.text_empty).to_string(),
        NameError::TooLong => {
            td_string!(l, errors.text_too_long, max = crate::domain::MAX_NAME_CHARS).to_string()
        }
        NameError::ControlCharacter => td_string!(l, errors.text_control).to_string(),
        NameError::Markup => td_string!(l, errors.text_markup).to_string(),
    }
}

/// Why the door could not answer a scan, in `l`.
fn door_sentence(error: &DoorError, l: Lang) -> String {
    match error {
        DoorError::ScanReused => td_string!(l, errors.scan_reused).to_string(),
        DoorError::Gate(error) => td_string!(
            l,
            errors.named_field_problem,
            field = td_string!(l, errors.field_gate).to_string(),
            problem = name_problem(*error, l)
        )
        .to_string(),
        DoorError::UnknownStage(stage) => {
            td_string!(l, errors.door_unknown_stage, stage = stage.0).to_string()
        }
        DoorError::TimeAhead => td_string!(l, errors.scan_time_ahead).to_string(),
        DoorError::TimeBehind => td_string!(l, errors.scan_time_behind).to_string(),
        DoorError::UnknownFestival(slug) => {
            td_string!(l, errors.unknown_festival, slug = slug.clone()).to_string()
        }
        DoorError::BadScanId(_) => {
            td_string!(l, errors.bad_scan_id, most = ScanId::MAX_LEN).to_string()
        }
        DoorError::BadCode => {
            td_string!(l, errors.bad_door_code, most = MOST_CODE_CHARS).to_string()
        }
        DoorError::TooManyStages => {
            td_string!(l, errors.too_many_door_stages, most = MOST_STAGES).to_string()
        }
    }
}

/// Why the festival editor refused, in `l`.
fn edit_sentence(error: &EditError, l: Lang) -> String {
    let field = |field: &str| match field {
        "venue" => td_string!(l, errors.field_venue).to_string(),
        _ => td_string!(l, errors.field_name).to_string(),
    };
    let problem = |field_name: &str, error: NameError| {
        td_string!(
            l,
            errors.named_field_problem,
            field = field(field_name),
            problem = name_problem(error, l)
        )
        .to_string()
    };
    let slug_words = |slug: &crate::domain::Slug| slug.to_string();
    match error {
        EditError::UnknownFestival(slug) => {
            td_string!(l, errors.unknown_festival, slug = slug_words(slug)).to_string()
        }
        EditError::SlugTaken(slug) => {
            td_string!(l, errors.slug_taken, slug = slug_words(slug)).to_string()
        }
        EditError::Name { field, error } => problem(field, *error),
        EditError::UnknownZone(zone) => {
            td_string!(l, errors.unknown_zone, zone = zone.clone()).to_string()
        }
        EditError::Stage(error) => stage_sentence(error, l),
        EditError::StageElsewhere { stage, festival } => td_string!(
            l,
            errors.stage_elsewhere,
            stage = stage.0,
            slug = slug_words(festival)
        )
        .to_string(),
        EditError::UnknownStage { festival, stage } => td_string!(
            l,
            errors.unknown_festival_stage,
            slug = slug_words(festival),
            stage = stage.0
        )
        .to_string(),
        EditError::StockBelowSold { sold, .. } => {
            td_string!(l, errors.stock_below_sold, sold = *sold).to_string()
        }
        EditError::StageHasSales { stage, sold } => {
            td_string!(l, errors.stage_has_sales, stage = stage.0, sold = *sold).to_string()
        }
        EditError::NotAnOrder => td_string!(l, errors.not_an_order).to_string(),
        EditError::NothingToPublish => td_string!(l, errors.nothing_to_publish).to_string(),
        EditError::DefaultNotPublished => td_string!(l, errors.default_not_published).to_string(),
    }
}

/// Why a stage's details are not acceptable, in `l`.
fn stage_sentence(error: &StageError, l: Lang) -> String {
    use crate::domain::{BuyLimits, Stage};
    let name = |error: NameError| {
        td_string!(
            l,
            errors.named_field_problem,
            field = td_string!(l, errors.field_name).to_string(),
            problem = name_problem(error, l)
        )
        .to_string()
    };
    match error {
        StageError::EmptyName(_) => name(NameError::Empty),
        StageError::Name(_, error) => name(*error),
        StageError::Festival(error) => name(*error),
        StageError::DayZero(_) => td_string!(l, errors.stage_day_counted).to_string(),
        StageError::DoorsAfterStart(_) => td_string!(l, errors.stage_doors_after_start).to_string(),
        StageError::FreeTicket(_) => td_string!(l, errors.stage_free).to_string(),
        StageError::PriceAbsurd(_) | StageError::PriceTooLarge(_) => {
            td_string!(l, errors.stage_price_absurd, max = Stage::MOST_PRICE.0).to_string()
        }
        StageError::StockAbsurd(_) => {
            td_string!(l, errors.stage_stock_absurd, max = Stage::MOST_STOCK).to_string()
        }
        StageError::EmptySaleWindow(_) => td_string!(l, errors.stage_empty_window).to_string(),
        StageError::SaleAfterDoors(_) => td_string!(l, errors.stage_sale_after_doors).to_string(),
        StageError::PerOrderOutOfRange(_) => {
            td_string!(l, errors.stage_per_order, max = BuyLimits::MOST_PER_ORDER).to_string()
        }
        StageError::PerFanOutOfRange(_) => {
            td_string!(l, errors.stage_per_fan, max = BuyLimits::MOST_PER_FAN).to_string()
        }
        StageError::DuplicateId(stage) => {
            td_string!(l, errors.stage_duplicate, stage = stage.0).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn en(message: Message) -> String {
        sentence(&message, Lang::en_GB)
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
        let stage = || StageRef::Named("Stage 3".into(), TimeZoneName::tokyo());
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
            "The sale for Stage 3 closed Sun 1 Nov, 12:00 JST."
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
