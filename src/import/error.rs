//! Why an import is refused: [`ImportError`], with what is wrong with one
//! stage of `stages.json` ([`StageProblem`]) or one line of `tickets.csv`
//! ([`RowProblem`]), each message naming the file and the place.

use crate::domain::{FanNameError, RestoreError, StageError, TicketId};
use crate::store::StoreError;
use std::path::PathBuf;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Why an import was refused. Nothing is written when there is one.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not valid JSON: {source}", path.display())]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: expected a JSON array of stages", path.display())]
    NotAnArray { path: PathBuf },
    #[error("{}: the array lists no stages", path.display())]
    NoStages { path: PathBuf },
    #[error("{}: stage #{index}{}: {problem}", path.display(), stage_label(*.stage_id))]
    Stage {
        path: PathBuf,
        /// Position in the array, from 0.
        index: usize,
        /// The stage's `stage_id`, when it has a readable one.
        stage_id: Option<u64>,
        problem: StageProblem,
    },
    #[error("{}:{line}: {problem}", path.display())]
    Row {
        path: PathBuf,
        /// Line in the file, the header being line 1.
        line: u64,
        problem: RowProblem,
    },
    #[error("the {0} is empty")]
    EmptyOption(&'static str),
    #[error("the festival is not valid: {0}")]
    Festival(StageError),
    #[error("data folder {} already holds a festival; import only into a fresh data folder (choose another with --data-dir or TIKET_DATA_DIR)", path.display())]
    AlreadySetUp { path: PathBuf },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn stage_label(stage_id: Option<u64>) -> String {
    stage_id.map_or_else(String::new, |id| format!(" (stage_id {id})"))
}

/// What is wrong with one entry of `stages.json`.
#[derive(Debug, thiserror::Error)]
pub enum StageProblem {
    /// A missing or unknown field, or a value of the wrong type or range.
    #[error("{0}")]
    Fields(serde_json::Error),
    #[error("{field} {value:?} is not an RFC 3339 time (like 2024-03-16T02:30:00.000Z)")]
    Date { field: &'static str, value: String },
    #[error("two stages have this stage_id (the other is stage #{first_index})")]
    DuplicateId { first_index: usize },
    #[error("its doors open at {}, so its sale (from {} on) would have no time to run; set --sale-opens to an earlier time", rfc3339(*.doors_open), rfc3339(*.sale_opens))]
    NoSaleWindow {
        doors_open: OffsetDateTime,
        sale_opens: OffsetDateTime,
    },
    #[error("the sale would close at {}, before it opens at {}; set --sale-closes after --sale-opens", rfc3339(*.sale_closes), rfc3339(*.sale_opens))]
    SaleClosesFirst {
        sale_opens: OffsetDateTime,
        sale_closes: OffsetDateTime,
    },
    #[error("ticket_stock {stock} plus the {sold} tickets sold is more stock than tiket can hold")]
    StockOverflow { stock: u32, sold: u32 },
    #[error("{}", without_stage_prefix(.0))]
    Invalid(StageError),
}

/// What is wrong with one line of `tickets.csv`.
#[derive(Debug, thiserror::Error)]
pub enum RowProblem {
    #[error("the header is {found:?}; expected \"ticket_id,stage_id,timestamp,username\"")]
    Header { found: String },
    /// Not readable as CSV: a wrong number of fields, bad quoting, not UTF-8.
    #[error("{0}")]
    Csv(String),
    #[error("ticket_id {0:?} is not a UUID")]
    TicketId(String),
    #[error("stage_id {0:?} is not a stage number")]
    StageId(String),
    #[error("stage_id {0} is not a stage of the stages file")]
    UnknownStage(u32),
    #[error("timestamp {0:?} is not a local time like 2024-05-14T07:15:38.465795")]
    Timestamp(String),
    #[error("username {name:?}: {reason}")]
    Username { name: String, reason: FanNameError },
    #[error("ticket {id} is already on line {first_line}")]
    DuplicateTicket { id: TicketId, first_line: u64 },
    /// The tickets do not add up (caught by [`Inventory::restore`]).
    ///
    /// [`Inventory::restore`]: crate::domain::Inventory::restore
    #[error("{0}")]
    DoesNotAddUp(RestoreError),
}

/// The message of a [`StageError`] without its `stage N: ` prefix, which the
/// import's own message already gives.
fn without_stage_prefix(error: &StageError) -> String {
    let text = error.to_string();
    match text.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("stage ") => rest.to_string(),
        _ => text,
    }
}

fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_else(|_| time.to_string())
}
