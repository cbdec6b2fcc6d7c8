//! Importing the data of the system tiket replaces (feature `ssr`): its
//! `stages.json` and `tickets.csv`, into a fresh data folder.
//!
//! - `stages.json` is an array of `{stage_id, stage_name, stage_day,
//!   date_open, date_start, ticket_price, ticket_stock}`. Its `ticket_stock`
//!   is what was *left* (the old server took one off per sale), so a stage's
//!   total stock is `ticket_stock` plus its tickets in `tickets.csv`.
//! - `tickets.csv` has the header `ticket_id,stage_id,timestamp,username`;
//!   timestamps are naive local times (`2024-05-14T07:15:38.465795`, the
//!   fraction optional) read at [`SeedOptions::timestamp_offset`].
//!
//! Ticket ids and owners are kept; each ticket gets a fresh gate code. Every
//! imported ticket becomes one [`Record::Sold`] of its own, in file order
//! (the old system sold one ticket per row).
//!
//! The old system had no sale window. Each stage's sale opens at
//! `SeedOptions::sale_opens` (default: the import time, to the minute) and
//! closes when its doors open, or at [`SeedOptions::sale_closes`] if that is
//! earlier. A stage whose doors open before its sale would open is refused,
//! with the option to set named; past events import with `--sale-opens`.
//!
//! Everything is checked before anything is written, and the data folder is
//! set up with one [`Store::create`]: an import is complete or absent. Every
//! refusal names the file and the place: `tickets.csv:7` (CSV lines counted
//! from the header, line 1) or `stages.json: stage #3 (stage_id 4)` (the
//! array index, from 0).

use crate::domain::{
    BuyLimits, FanName, FanNameError, Festival, Inventory, RestoreError, Stage, StageError,
    StageId, Ticket, TicketId, Yen,
};
use crate::store::{Record, Saved, Store, StoreError};
use rand::Rng;
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};
use uuid::Uuid;

/// The festival name used when none is given.
pub const DEFAULT_FESTIVAL_NAME: &str = "Imported festival";
/// The venue used when none is given.
pub const DEFAULT_VENUE: &str = "Venue to be announced";
/// The header `tickets.csv` must have, in this order.
pub const TICKETS_HEADER: [&str; 4] = ["ticket_id", "stage_id", "timestamp", "username"];

/// How to turn the old files into a festival.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedOptions {
    pub festival_name: String,
    pub venue: String,
    /// The UTC offset of the naive timestamps in `tickets.csv`.
    pub timestamp_offset: UtcOffset,
    /// When every stage's sale opens; `None` for [`SeedOptions::now`] to the minute.
    pub sale_opens: Option<OffsetDateTime>,
    /// When every stage's sale closes at the latest; it closes when the
    /// stage's doors open if that is earlier (or if this is `None`).
    pub sale_closes: Option<OffsetDateTime>,
    /// The time of the import (the clock comes in as an argument).
    pub now: OffsetDateTime,
}

impl SeedOptions {
    /// The defaults, for an import made at `now`.
    pub fn at(now: OffsetDateTime) -> Self {
        SeedOptions {
            festival_name: DEFAULT_FESTIVAL_NAME.into(),
            venue: DEFAULT_VENUE.into(),
            timestamp_offset: UtcOffset::UTC,
            sale_opens: None,
            sale_closes: None,
            now,
        }
    }

    /// When the sale opens: the option, or the import time to the minute.
    fn sale_opens(&self) -> OffsetDateTime {
        self.sale_opens.unwrap_or_else(|| {
            self.now
                - Duration::seconds(i64::from(self.now.second()))
                - Duration::nanoseconds(i64::from(self.now.nanosecond()))
        })
    }
}

/// One input file: its name (for messages) and its bytes.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub name: &'a Path,
    pub bytes: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn new(name: &'a (impl AsRef<Path> + ?Sized), bytes: &'a [u8]) -> Self {
        Input {
            name: name.as_ref(),
            bytes,
        }
    }
}

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

/// One stage as the old system wrote it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OldStage {
    stage_id: u32,
    stage_name: String,
    stage_day: u8,
    date_open: String,
    date_start: String,
    ticket_price: u64,
    ticket_stock: u32,
}

/// One ticket row, checked.
struct Row {
    line: u64,
    id: TicketId,
    stage: StageId,
    bought_at: OffsetDateTime,
    owner: FanName,
}

/// Reads the old system's files into what a fresh data folder holds: the
/// festival and one [`Record::Sold`] per ticket, in file order. Pure: bytes
/// in, nothing written; `rng` only draws the tickets' gate codes.
pub fn read_seed(
    stages_json: Input<'_>,
    tickets_csv: Input<'_>,
    options: &SeedOptions,
    rng: &mut impl Rng,
) -> Result<Saved, ImportError> {
    if options.festival_name.trim().is_empty() {
        return Err(ImportError::EmptyOption("festival name"));
    }
    if options.venue.trim().is_empty() {
        return Err(ImportError::EmptyOption("venue"));
    }
    let mut stages = read_stages(stages_json, options)?;
    let position: HashMap<StageId, usize> = stages
        .iter()
        .enumerate()
        .map(|(index, stage)| (stage.id, index))
        .collect();
    let rows = read_tickets(tickets_csv, &position, options.timestamp_offset)?;

    let mut sold = vec![0u32; stages.len()];
    for row in &rows {
        if let Some(&index) = position.get(&row.stage) {
            sold[index] = sold[index].saturating_add(1);
        }
    }
    for (index, (stage, sold)) in stages.iter_mut().zip(sold).enumerate() {
        let stock = stage.total_stock;
        stage.total_stock = stock.checked_add(sold).ok_or_else(|| ImportError::Stage {
            path: stages_json.name.to_path_buf(),
            index,
            stage_id: Some(u64::from(stage.id.0)),
            problem: StageProblem::StockOverflow { stock, sold },
        })?;
    }
    let festival = Festival::new(&options.festival_name, &options.venue, stages)
        .map_err(ImportError::Festival)?;

    // Restoring one ticket at a time lets each draw a code none before it has,
    // and ties any inconsistency to its line.
    let mut inventory = Inventory::new(festival.clone(), BuyLimits::default());
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let ticket = Ticket {
            id: row.id,
            stage: row.stage,
            owner: row.owner,
            bought_at: row.bought_at,
            code: inventory.fresh_code(rng),
        };
        inventory
            .restore(std::slice::from_ref(&ticket))
            .map_err(|e| ImportError::Row {
                path: tickets_csv.name.to_path_buf(),
                line: row.line,
                problem: RowProblem::DoesNotAddUp(e),
            })?;
        records.push(Record::Sold {
            tickets: vec![ticket],
            key: None,
        });
    }
    Ok(Saved { festival, records })
}

/// The stages, each checked, with `total_stock` still the old remaining stock.
fn read_stages(input: Input<'_>, options: &SeedOptions) -> Result<Vec<Stage>, ImportError> {
    let path = || input.name.to_path_buf();
    let value: serde_json::Value =
        serde_json::from_slice(input.bytes).map_err(|source| ImportError::Json {
            path: path(),
            source,
        })?;
    let serde_json::Value::Array(entries) = value else {
        return Err(ImportError::NotAnArray { path: path() });
    };
    if entries.is_empty() {
        return Err(ImportError::NoStages { path: path() });
    }
    let sale_opens = options.sale_opens();
    let mut first_index: HashMap<StageId, usize> = HashMap::new();
    let mut stages = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let stage_id = entry.get("stage_id").and_then(serde_json::Value::as_u64);
        let refuse = |problem| ImportError::Stage {
            path: path(),
            index,
            stage_id,
            problem,
        };
        let old: OldStage =
            serde_json::from_value(entry).map_err(|e| refuse(StageProblem::Fields(e)))?;
        let date = |field: &'static str, value: &str| {
            OffsetDateTime::parse(value, &Rfc3339).map_err(|_| {
                refuse(StageProblem::Date {
                    field,
                    value: value.into(),
                })
            })
        };
        let doors_open = date("date_open", &old.date_open)?;
        let starts_at = date("date_start", &old.date_start)?;
        let id = StageId(old.stage_id);
        if let Some(&first_index) = first_index.get(&id) {
            return Err(refuse(StageProblem::DuplicateId { first_index }));
        }
        first_index.insert(id, index);
        let sale_closes = options
            .sale_closes
            .map_or(doors_open, |closes| closes.min(doors_open));
        if sale_opens >= sale_closes {
            return Err(refuse(if sale_closes < doors_open {
                StageProblem::SaleClosesFirst {
                    sale_opens,
                    sale_closes,
                }
            } else {
                StageProblem::NoSaleWindow {
                    doors_open,
                    sale_opens,
                }
            }));
        }
        let stage = Stage {
            id,
            name: old.stage_name,
            day: old.stage_day,
            doors_open,
            starts_at,
            price: Yen(old.ticket_price),
            total_stock: old.ticket_stock,
            sale_opens,
            sale_closes,
        };
        stage
            .validate()
            .map_err(|e| refuse(StageProblem::Invalid(e)))?;
        stages.push(stage);
    }
    Ok(stages)
}

/// The ticket rows, each checked, in file order.
fn read_tickets(
    input: Input<'_>,
    stages: &HashMap<StageId, usize>,
    offset: UtcOffset,
) -> Result<Vec<Row>, ImportError> {
    let refuse = |line: u64, problem| ImportError::Row {
        path: input.name.to_path_buf(),
        line,
        problem,
    };
    let csv_problem = |error: csv::Error| {
        let line = error
            .position()
            .map_or(1, |position| line_of(input.bytes, position));
        let message = match error.kind() {
            csv::ErrorKind::UnequalLengths { len, .. } => format!(
                "the row has {len} fields; expected {}",
                TICKETS_HEADER.len()
            ),
            csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_string(),
            _ => error.to_string(),
        };
        refuse(line, RowProblem::Csv(message))
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(input.bytes);
    let header = reader.headers().map_err(csv_problem)?;
    if header.iter().ne(TICKETS_HEADER) {
        return Err(refuse(
            1,
            RowProblem::Header {
                found: header.iter().collect::<Vec<_>>().join(","),
            },
        ));
    }
    let timestamp_format = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    let mut first_line: HashMap<TicketId, u64> = HashMap::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_problem)?;
        let line = record
            .position()
            .map_or(0, |position| line_of(input.bytes, position));
        let field = |i: usize| record.get(i).unwrap_or_default();
        let id = Uuid::parse_str(field(0))
            .map(TicketId)
            .map_err(|_| refuse(line, RowProblem::TicketId(field(0).into())))?;
        let stage = field(1)
            .parse::<u32>()
            .map(StageId)
            .map_err(|_| refuse(line, RowProblem::StageId(field(1).into())))?;
        if !stages.contains_key(&stage) {
            return Err(refuse(line, RowProblem::UnknownStage(stage.0)));
        }
        let bought_at = PrimitiveDateTime::parse(field(2), timestamp_format)
            .map(|local| local.assume_offset(offset))
            .map_err(|_| refuse(line, RowProblem::Timestamp(field(2).into())))?;
        let owner = FanName::new(field(3)).map_err(|reason| {
            refuse(
                line,
                RowProblem::Username {
                    name: field(3).into(),
                    reason,
                },
            )
        })?;
        if let Some(&first_line) = first_line.get(&id) {
            return Err(refuse(line, RowProblem::DuplicateTicket { id, first_line }));
        }
        first_line.insert(id, line);
        rows.push(Row {
            line,
            id,
            stage,
            bought_at,
            owner,
        });
    }
    Ok(rows)
}

/// The line a CSV record starts on. The `csv` crate gives the line after the
/// previous record, before any blank lines it skips; count those too.
fn line_of(bytes: &[u8], position: &csv::Position) -> u64 {
    let start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
    let blank_lines = bytes
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    position.line() + blank_lines as u64
}

/// What an import brought in, stage by stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    pub data_dir: PathBuf,
    pub festival: String,
    pub venue: String,
    pub stages: Vec<StageSummary>,
}

/// One stage after the import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageSummary {
    pub id: StageId,
    pub name: String,
    /// Tickets imported for this stage.
    pub imported: u32,
    pub total_stock: u32,
    pub remaining: u32,
}

impl ImportSummary {
    /// The summary of what `saved` holds, once written to `data_dir`.
    pub fn of(saved: &Saved, data_dir: &Path) -> Self {
        let mut imported: HashMap<StageId, u32> = HashMap::new();
        for ticket in saved.tickets() {
            *imported.entry(ticket.stage).or_default() += 1;
        }
        let stages = saved
            .festival
            .stages
            .iter()
            .map(|stage| {
                let imported = imported.get(&stage.id).copied().unwrap_or(0);
                StageSummary {
                    id: stage.id,
                    name: stage.name.clone(),
                    imported,
                    total_stock: stage.total_stock,
                    remaining: stage.total_stock.saturating_sub(imported),
                }
            })
            .collect();
        ImportSummary {
            data_dir: data_dir.to_path_buf(),
            festival: saved.festival.name.clone(),
            venue: saved.festival.venue.clone(),
            stages,
        }
    }

    pub fn tickets(&self) -> u64 {
        self.stages.iter().map(|s| u64::from(s.imported)).sum()
    }
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Imported {:?} ({}) into {}:",
            self.festival,
            self.venue,
            self.data_dir.display()
        )?;
        for stage in &self.stages {
            writeln!(
                f,
                "  stage {} {:?}: {} imported, {} of {} left",
                stage.id, stage.name, stage.imported, stage.remaining, stage.total_stock
            )?;
        }
        let total: u64 = self.stages.iter().map(|s| u64::from(s.total_stock)).sum();
        let remaining: u64 = self.stages.iter().map(|s| u64::from(s.remaining)).sum();
        write!(
            f,
            "In all: {} stages, {} tickets imported, {remaining} of {total} left",
            self.stages.len(),
            self.tickets()
        )
    }
}

/// Imports the old system's files into `store`, which must hold no festival
/// yet. Reads and checks everything first, then writes it all with one
/// [`Store::create`]; on any error nothing is written.
pub fn import_into(
    store: &mut (impl Store + ?Sized),
    stages_path: &Path,
    tickets_path: &Path,
    options: &SeedOptions,
) -> Result<ImportSummary, ImportError> {
    if store.load()?.is_some() {
        return Err(ImportError::AlreadySetUp {
            path: store.location().to_path_buf(),
        });
    }
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| ImportError::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let stages = read(stages_path)?;
    let tickets = read(tickets_path)?;
    let saved = read_seed(
        Input::new(stages_path, &stages),
        Input::new(tickets_path, &tickets),
        options,
        &mut rand::rng(),
    )?;
    store.create(&saved)?;
    Ok(ImportSummary::of(&saved, store.location()))
}

/// Reads a UTC offset as `+09:00`, `-05:30` or `Z` (for the command line).
pub fn parse_utc_offset(text: &str) -> Result<UtcOffset, String> {
    if text == "Z" || text == "z" {
        return Ok(UtcOffset::UTC);
    }
    UtcOffset::parse(
        text,
        format_description!("[offset_hour sign:mandatory]:[offset_minute]"),
    )
    .map_err(|_| format!("{text:?} is not a UTC offset like +09:00, -05:30 or Z"))
}

/// Reads an RFC 3339 time such as `2024-03-01T12:00:00+09:00` (for the command line).
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|_| format!("{text:?} is not an RFC 3339 time like 2024-03-01T12:00:00+09:00"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};
    use std::collections::HashSet;
    use time::macros::{datetime, offset};

    const NOW: OffsetDateTime = datetime!(2026-11-01 12:34:56.789 +9);

    fn stage_json(id: u32, stock: u32) -> String {
        format!(
            r#"{{"stage_id": {id}, "stage_name": "Stage {id}", "stage_day": 1, "date_open": "2027-03-20T01:00:00.000Z", "date_start": "2027-03-20T02:30:00.000Z", "ticket_price": 7950, "ticket_stock": {stock}}}"#
        )
    }

    fn stages(stocks: &[u32]) -> String {
        let entries: Vec<String> = stocks
            .iter()
            .zip(1..)
            .map(|(&stock, id)| stage_json(id, stock))
            .collect();
        format!("[{}]", entries.join(",\n"))
    }

    const HEADER: &str = "ticket_id,stage_id,timestamp,username\n";

    fn uuid(n: u32) -> String {
        format!("00000000-0000-4000-8000-{n:012}")
    }

    fn row(n: u32, stage: u32, user: &str) -> String {
        format!("{},{stage},2026-11-02T10:00:00.123456,{user}\n", uuid(n))
    }

    fn seed_with(stages: &str, tickets: &str, options: &SeedOptions) -> Result<Saved, ImportError> {
        read_seed(
            Input::new("stages.json", stages.as_bytes()),
            Input::new("tickets.csv", tickets.as_bytes()),
            options,
            &mut StdRng::seed_from_u64(5),
        )
    }

    fn seed(stages: &str, tickets: &str) -> Result<Saved, ImportError> {
        seed_with(stages, tickets, &SeedOptions::at(NOW))
    }

    /// The refusal's message, which must name the place.
    fn refusal(stages: &str, tickets: &str) -> String {
        match seed(stages, tickets) {
            Ok(_) => panic!("the import should be refused"),
            Err(error) => error.to_string(),
        }
    }

    fn assert_says(message: &str, expected: &[&str]) {
        for text in expected {
            assert!(message.contains(text), "{message:?} should say {text:?}");
        }
    }

    #[test]
    fn total_stock_is_the_remaining_stock_plus_the_tickets_sold() {
        let tickets = [row(1, 1, "a"), row(2, 1, "b"), row(3, 2, "c")].concat();
        let saved = seed(&stages(&[10, 0, 7]), &format!("{HEADER}{tickets}")).unwrap();
        let totals: Vec<u32> = saved
            .festival
            .stages
            .iter()
            .map(|s| s.total_stock)
            .collect();
        assert_eq!(totals, [12, 1, 7]);
        let summary = ImportSummary::of(&saved, Path::new("data"));
        let left: Vec<(u32, u32)> = summary
            .stages
            .iter()
            .map(|s| (s.imported, s.remaining))
            .collect();
        assert_eq!(left, [(2, 10), (1, 0), (0, 7)]);
        assert_eq!(summary.tickets(), 3);

        let mut inventory = Inventory::new(saved.festival.clone(), BuyLimits::default());
        let all: Vec<Ticket> = saved.tickets().cloned().collect();
        inventory.restore(&all).unwrap();
        assert_eq!(inventory.remaining(StageId(1)), Some(10));
        assert_eq!(inventory.remaining(StageId(2)), Some(0));
    }

    #[test]
    fn maps_the_stage_fields_and_opens_the_sale_at_the_import_minute() {
        let saved = seed(&stages(&[5]), HEADER).unwrap();
        let festival = &saved.festival;
        assert_eq!(festival.name, DEFAULT_FESTIVAL_NAME);
        assert_eq!(festival.venue, DEFAULT_VENUE);
        let stage = &festival.stages[0];
        assert_eq!(stage.id, StageId(1));
        assert_eq!(stage.name, "Stage 1");
        assert_eq!(stage.day, 1);
        assert_eq!(stage.doors_open, datetime!(2027-03-20 10:00 +9));
        assert_eq!(stage.starts_at, datetime!(2027-03-20 11:30 +9));
        assert_eq!(stage.price, Yen(7_950));
        assert_eq!(stage.sale_opens, datetime!(2026-11-01 12:34 +9));
        assert_eq!(stage.sale_closes, stage.doors_open);
        assert!(saved.records.is_empty());
    }

    #[test]
    fn keeps_ids_and_owners_gives_unique_codes_and_one_record_per_row() {
        let tickets: String = (1..=50).map(|n| row(n, 1 + n % 2, "jovan")).collect();
        let saved = seed(&stages(&[3, 3]), &format!("{HEADER}{tickets}")).unwrap();
        assert_eq!(saved.records.len(), 50);
        for (record, n) in saved.records.iter().zip(1..) {
            let Record::Sold { tickets, .. } = record else {
                panic!("an import saves only sales, not {record:?}");
            };
            assert_eq!(tickets.len(), 1);
            let ticket = &tickets[0];
            assert_eq!(ticket.id.to_string(), uuid(n));
            assert_eq!(ticket.stage, StageId(1 + n % 2));
            assert_eq!(ticket.owner.as_str(), "jovan");
        }
        let codes: HashSet<_> = saved.tickets().map(|t| t.code).collect();
        assert_eq!(codes.len(), 50);
    }

    #[test]
    fn reads_quoted_usernames() {
        let tickets = format!(
            "{HEADER}{},1,2024-05-14T07:15:38,\",\"\"\"\n{},1,2024-05-14T07:15:39,\"Pekora, fan\"\n{},1,2024-05-14T07:15:40,ぺこら\n",
            uuid(1),
            uuid(2),
            uuid(3)
        );
        let saved = seed(&stages(&[1]), &tickets).unwrap();
        let owners: Vec<&str> = saved.tickets().map(|t| t.owner.as_str()).collect();
        assert_eq!(owners, [",\"", "Pekora, fan", "ぺこら"]);
    }

    #[test]
    fn reads_timestamps_with_and_without_fraction_at_the_offset() {
        let tickets = format!(
            "{HEADER}{},1,2024-05-14T07:15:38.465795,a\n{},1,2024-05-14T07:15:38,b\n{},1,2024-05-14T07:15:38.5,c\n",
            uuid(1),
            uuid(2),
            uuid(3)
        );
        let bought = |options: &SeedOptions| -> Vec<OffsetDateTime> {
            seed_with(&stages(&[1]), &tickets, options)
                .unwrap()
                .tickets()
                .map(|t| t.bought_at)
                .collect()
        };
        assert_eq!(
            bought(&SeedOptions::at(NOW)),
            [
                datetime!(2024-05-14 07:15:38.465795 UTC),
                datetime!(2024-05-14 07:15:38 UTC),
                datetime!(2024-05-14 07:15:38.5 UTC),
            ]
        );
        let tokyo = SeedOptions {
            timestamp_offset: offset!(+9),
            ..SeedOptions::at(NOW)
        };
        assert_eq!(bought(&tokyo)[1], datetime!(2024-05-13 22:15:38 UTC));
        assert_eq!(bought(&tokyo)[1].offset(), offset!(+9));
    }

    #[test]
    fn takes_the_name_venue_and_sale_window_from_the_options() {
        let options = SeedOptions {
            festival_name: "hololive 5th fes.".into(),
            venue: "Makuhari Messe".into(),
            sale_opens: Some(datetime!(2026-11-01 12:00 +9)),
            sale_closes: Some(datetime!(2026-12-01 12:00 +9)),
            ..SeedOptions::at(NOW)
        };
        let saved = seed_with(&stages(&[1]), HEADER, &options).unwrap();
        assert_eq!(saved.festival.name, "hololive 5th fes.");
        assert_eq!(saved.festival.venue, "Makuhari Messe");
        let stage = &saved.festival.stages[0];
        assert_eq!(stage.sale_opens, datetime!(2026-11-01 12:00 +9));
        assert_eq!(stage.sale_closes, datetime!(2026-12-01 12:00 +9));

        let late_close = SeedOptions {
            sale_closes: Some(datetime!(2030-01-01 00:00 UTC)),
            ..options.clone()
        };
        let saved = seed_with(&stages(&[1]), HEADER, &late_close).unwrap();
        let stage = &saved.festival.stages[0];
        assert_eq!(
            stage.sale_closes, stage.doors_open,
            "never after the doors open"
        );

        let blank = SeedOptions {
            venue: " ".into(),
            ..options
        };
        let error = seed_with(&stages(&[1]), HEADER, &blank).unwrap_err();
        assert_eq!(error.to_string(), "the venue is empty");
    }

    #[test]
    fn refuses_past_events_unless_the_sale_opens_earlier() {
        let past = stages(&[1]).replace("2027-", "2024-");
        let message = refusal(&past, HEADER);
        assert_says(
            &message,
            &[
                "stages.json: stage #0 (stage_id 1): ",
                "2024-03-20T01:00:00Z",
                "--sale-opens",
            ],
        );
        let options = SeedOptions {
            sale_opens: Some(datetime!(2024-03-01 12:00 +9)),
            ..SeedOptions::at(NOW)
        };
        assert!(seed_with(&past, HEADER, &options).is_ok());
        let closes_first = SeedOptions {
            sale_closes: Some(datetime!(2024-02-01 12:00 +9)),
            ..options
        };
        let message = seed_with(&past, HEADER, &closes_first)
            .unwrap_err()
            .to_string();
        assert_says(&message, &["stage #0 (stage_id 1)", "--sale-closes"]);
    }

    #[test]
    fn refuses_malformed_json_with_its_line_and_column() {
        let message = refusal("[\n{\"stage_id\": 1,,}\n]", HEADER);
        assert_says(&message, &["stages.json: not valid JSON", "line 2 column"]);
        assert_says(
            &refusal("{}", HEADER),
            &["stages.json: expected a JSON array"],
        );
        assert_says(
            &refusal("[]", HEADER),
            &["stages.json: the array lists no stages"],
        );
    }

    #[test]
    fn refuses_each_bad_stage_naming_its_index_and_id() {
        let second = |from: &str, to: &str| {
            let json = stages(&[1, 1, 1]);
            let (head, tail) = json.split_at(json.find("\"stage_id\": 2").unwrap());
            assert!(tail.contains(from), "{from:?} not in {tail}");
            format!("{head}{}", tail.replacen(from, to, 1))
        };
        let cases: [(String, &str); 11] = [
            (
                second("\"ticket_stock\": 1", "\"ticket_stock\": 1, \"extra\": 0"),
                "unknown field `extra`",
            ),
            (
                second(", \"ticket_price\": 7950", ""),
                "missing field `ticket_price`",
            ),
            (
                second("\"ticket_stock\": 1", "\"ticket_stock\": -1"),
                "integer `-1`",
            ),
            (
                second("\"ticket_price\": 7950", "\"ticket_price\": 79.5"),
                "floating point `79.5`",
            ),
            (
                second("\"ticket_stock\": 1", "\"ticket_stock\": \"1\""),
                "string \"1\"",
            ),
            (
                second("2027-03-20T01:00:00.000Z", "2027-03-20 01:00"),
                "date_open \"2027-03-20 01:00\" is not an RFC 3339 time",
            ),
            (
                second("2027-03-20T02:30:00.000Z", "soon"),
                "date_start \"soon\" is not an RFC 3339 time",
            ),
            (
                second("\"stage_day\": 1", "\"stage_day\": 0"),
                "festival days are counted from 1",
            ),
            (
                second("\"ticket_price\": 7950", "\"ticket_price\": 0"),
                "the ticket price is zero",
            ),
            (second("\"Stage 2\"", "\" \""), "the name is empty"),
            (
                second("\"stage_id\": 2", "\"stage_id\": 1"),
                "two stages have this stage_id (the other is stage #0)",
            ),
        ];
        for (json, expected) in cases {
            let message = refusal(&json, HEADER);
            let id = if expected.starts_with("two stages") {
                1
            } else {
                2
            };
            assert_says(
                &message,
                &[
                    &format!("stages.json: stage #1 (stage_id {id}): "),
                    expected,
                ],
            );
        }
        let message = refusal(
            &second("2027-03-20T01:00:00.000Z", "2027-03-20T03:00:00Z"),
            HEADER,
        );
        assert_says(
            &message,
            &["stage #1 (stage_id 2): doors open after the show starts"],
        );
        let message = refusal(&second("\"stage_id\": 2", "\"stage_id\": -2"), HEADER);
        assert_says(
            &message,
            &["stages.json: stage #1: invalid value: integer `-2`"],
        );
    }

    #[test]
    fn refuses_stock_that_overflows() {
        let json = stages(&[u32::MAX]);
        let message = refusal(&json, &format!("{HEADER}{}", row(1, 1, "a")));
        assert_says(
            &message,
            &["stage #0 (stage_id 1): ticket_stock 4294967295 plus the 1 tickets sold"],
        );
    }

    #[test]
    fn refuses_each_bad_ticket_row_naming_its_line() {
        let ok = row(1, 1, "a");
        let cases: [(String, &str); 9] = [
            (
                format!("{},1,2024-05-14T07:15:38\n", uuid(2)),
                "the row has 3 fields; expected 4",
            ),
            (
                format!("{},1,2024-05-14T07:15:38,a,b\n", uuid(2)),
                "the row has 5 fields; expected 4",
            ),
            (
                "not-a-uuid,1,2024-05-14T07:15:38,a\n".into(),
                "ticket_id \"not-a-uuid\" is not a UUID",
            ),
            (
                format!("{},one,2024-05-14T07:15:38,a\n", uuid(2)),
                "stage_id \"one\" is not a stage number",
            ),
            (
                format!("{},-1,2024-05-14T07:15:38,a\n", uuid(2)),
                "stage_id \"-1\" is not a stage number",
            ),
            (
                format!("{},9,2024-05-14T07:15:38,a\n", uuid(2)),
                "stage_id 9 is not a stage of the stages file",
            ),
            (
                format!("{},1,2024-05-14 07:15:38,a\n", uuid(2)),
                "timestamp \"2024-05-14 07:15:38\" is not a local time",
            ),
            (
                format!("{},1,2024-05-14T07:15:38,\" a\"\n", uuid(2)),
                "username \" a\": the user name starts or ends with a space",
            ),
            (
                format!("{},1,2024-05-14T07:15:38,a\n", uuid(1)),
                &format!("ticket {} is already on line 2", uuid(1)),
            ),
        ];
        for (bad, expected) in &cases {
            let message = refusal(&stages(&[5]), &format!("{HEADER}{ok}{bad}"));
            assert_says(&message, &["tickets.csv:3: ", expected]);
        }
        let message = refusal(
            &stages(&[5]),
            &format!("{HEADER}{ok}{},1,2024-05-14T07:15:38,\n", uuid(2)),
        );
        assert_says(&message, &["tickets.csv:3: ", "the user name is empty"]);
        let bytes = [
            HEADER.as_bytes(),
            &format!("{},1,2024-05-14T07:15:38,", uuid(2)).into_bytes(),
            b"\xff\n",
        ]
        .concat();
        let error = read_seed(
            Input::new("stages.json", stages(&[5]).as_bytes()),
            Input::new("tickets.csv", &bytes),
            &SeedOptions::at(NOW),
            &mut StdRng::seed_from_u64(1),
        )
        .unwrap_err();
        assert_says(&error.to_string(), &["tickets.csv:2: ", "not valid UTF-8"]);
    }

    #[test]
    fn counts_lines_of_quoted_fields_that_span_lines() {
        let tickets = format!("{HEADER}{},1,2024-05-14T07:15:38,\"two\nlines\"\n", uuid(1));
        let message = refusal(&stages(&[5]), &tickets);
        assert_says(&message, &["tickets.csv:2: ", "control character"]);
        let tickets = format!("{HEADER}{}\n{}", row(1, 1, "a"), row(2, 9, "b"));
        assert_says(&refusal(&stages(&[5]), &tickets), &["tickets.csv:4: "]);
        // Lines: header, row, blank, row, blank, bad row — ended by CR LF.
        let lines = [
            HEADER.trim_end().to_string(),
            row(1, 1, "a").trim_end().to_string(),
            String::new(),
            row(2, 1, "b").trim_end().to_string(),
            String::new(),
            format!("{},1,2024-05-14T07:15:38,c,d", uuid(3)),
        ];
        let crlf = lines.join("\r\n") + "\r\n";
        assert_says(
            &refusal(&stages(&[5]), &crlf),
            &["tickets.csv:6: the row has 5 fields"],
        );
    }

    #[test]
    fn refuses_a_wrong_header() {
        for header in [
            "ticket_id,stage_id,timestamp\n",
            "id,stage_id,timestamp,username\n",
            "stage_id,ticket_id,timestamp,username\n",
            "",
        ] {
            let message = refusal(&stages(&[5]), header);
            assert_says(&message, &["tickets.csv:1: the header is"]);
        }
        let message = refusal(
            &stages(&[5]),
            &format!("{}{}", uuid(1), ",1,2024-05-14T07:15:38,a\n"),
        );
        assert_says(
            &message,
            &[
                "tickets.csv:1: ",
                "expected \"ticket_id,stage_id,timestamp,username\"",
            ],
        );
    }

    #[test]
    fn reads_command_line_offsets_and_times() {
        assert_eq!(parse_utc_offset("+09:00"), Ok(offset!(+9)));
        assert_eq!(parse_utc_offset("-05:30"), Ok(offset!(-5:30)));
        assert_eq!(parse_utc_offset("Z"), Ok(UtcOffset::UTC));
        for bad in ["9", "+9", "09:00", "+09:00:00", "JST", ""] {
            assert!(parse_utc_offset(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            parse_rfc3339("2024-03-01T12:00:00+09:00"),
            Ok(datetime!(2024-03-01 12:00 +9))
        );
        assert!(parse_rfc3339("2024-03-01 12:00").is_err());
    }

    /// A store in memory, to show `import_into` writes once or not at all.
    struct MemoryStore {
        saved: Option<Saved>,
        creates: usize,
    }

    impl Store for MemoryStore {
        fn location(&self) -> &Path {
            Path::new("memory")
        }
        fn load(&mut self) -> Result<Option<Saved>, StoreError> {
            Ok(self.saved.clone())
        }
        fn create(&mut self, saved: &Saved) -> Result<(), StoreError> {
            self.creates += 1;
            self.saved = Some(saved.clone());
            Ok(())
        }
        fn append(&mut self, _: &[Record]) -> Result<(), StoreError> {
            unreachable!("an import only creates")
        }
        fn compact(&mut self) -> Result<(), StoreError> {
            unreachable!("an import only creates")
        }
    }

    #[test]
    fn import_into_writes_once_and_refuses_a_folder_already_set_up() {
        let dir = tempfile::tempdir().unwrap();
        let stages_path = dir.path().join("stages.json");
        let tickets_path = dir.path().join("tickets.csv");
        std::fs::write(&stages_path, stages(&[3, 3])).unwrap();
        std::fs::write(&tickets_path, format!("{HEADER}{}", row(1, 2, "a"))).unwrap();
        let mut store = MemoryStore {
            saved: None,
            creates: 0,
        };
        let summary = import_into(
            &mut store,
            &stages_path,
            &tickets_path,
            &SeedOptions::at(NOW),
        )
        .unwrap();
        assert_eq!(store.creates, 1);
        assert_eq!(summary.tickets(), 1);
        assert_says(
            &summary.to_string(),
            &[
                "stage 2 \"Stage 2\": 1 imported, 3 of 4 left",
                "In all: 2 stages, 1 tickets imported, 6 of 7 left",
            ],
        );

        let error = import_into(
            &mut store,
            &stages_path,
            &tickets_path,
            &SeedOptions::at(NOW),
        )
        .unwrap_err();
        assert!(matches!(error, ImportError::AlreadySetUp { .. }), "{error}");
        assert_eq!(store.creates, 1);

        let mut fresh = MemoryStore {
            saved: None,
            creates: 0,
        };
        std::fs::write(&tickets_path, format!("{HEADER}{}", row(1, 7, "a"))).unwrap();
        let error = import_into(
            &mut fresh,
            &stages_path,
            &tickets_path,
            &SeedOptions::at(NOW),
        )
        .unwrap_err();
        assert_says(&error.to_string(), &["tickets.csv:2: stage_id 7"]);
        let error = import_into(
            &mut fresh,
            &dir.path().join("nope.json"),
            &tickets_path,
            &SeedOptions::at(NOW),
        )
        .unwrap_err();
        assert_says(&error.to_string(), &["cannot read ", "nope.json"]);
        assert_eq!(fresh.creates, 0, "nothing written");
    }
}
