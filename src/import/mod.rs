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

mod error;
mod stages_json;
mod summary;
mod tickets_csv;

pub use error::{ImportError, RowProblem, StageProblem};
pub use summary::{ImportSummary, StageSummary};
pub use tickets_csv::TICKETS_HEADER;

use crate::domain::{BuyLimits, Festival, Inventory, Slug, StageId, Ticket, TimeZoneName};
use crate::store::{Record, Saved, Store};
use rand::Rng;
use stages_json::read_stages;
use std::collections::HashMap;
use std::path::Path;
use tickets_csv::read_tickets;
use time::{Duration, OffsetDateTime, UtcOffset};

/// The festival name used when none is given.
pub const DEFAULT_FESTIVAL_NAME: &str = "Imported festival";
/// The venue used when none is given.
pub const DEFAULT_VENUE: &str = "Venue to be announced";

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
    /// The festival's address name; made from its name when `None`.
    pub slug: Option<Slug>,
    /// Where the festival happens.
    pub time_zone: TimeZoneName,
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
            slug: None,
            time_zone: TimeZoneName::tokyo(),
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
    let mut festival = Festival::new(&options.festival_name, &options.venue, stages)
        .map_err(ImportError::Festival)?;
    festival.slug = options
        .slug
        .clone()
        .unwrap_or_else(|| Slug::from_name(&options.festival_name));
    festival.time_zone = options.time_zone.clone();

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
            price: festival.stage(row.stage).map(|stage| stage.price),
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
    let saved = read_files(stages_path, tickets_path, options)?;
    store.create(&saved)?;
    Ok(ImportSummary::of(&saved, store.location()))
}

/// Reads and checks the old system's two files ([`read_seed`] on their
/// bytes), writing nothing.
pub fn read_files(
    stages_path: &Path,
    tickets_path: &Path,
    options: &SeedOptions,
) -> Result<Saved, ImportError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| ImportError::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let stages = read(stages_path)?;
    let tickets = read(tickets_path)?;
    read_seed(
        Input::new(stages_path, &stages),
        Input::new(tickets_path, &tickets),
        options,
        &mut rand::rng(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;
    use rand::{rngs::StdRng, SeedableRng};
    use std::collections::HashSet;
    use time::macros::datetime;

    // The helpers below are shared with the tests of `stages_json` and
    // `tickets_csv`, which go through `read_seed` too.

    pub(super) const NOW: OffsetDateTime = datetime!(2026-11-01 12:34:56.789 +9);

    fn stage_json(id: u32, stock: u32) -> String {
        format!(
            r#"{{"stage_id": {id}, "stage_name": "Stage {id}", "stage_day": 1, "date_open": "2027-03-20T01:00:00.000Z", "date_start": "2027-03-20T02:30:00.000Z", "ticket_price": 7950, "ticket_stock": {stock}}}"#
        )
    }

    pub(super) fn stages(stocks: &[u32]) -> String {
        let entries: Vec<String> = stocks
            .iter()
            .zip(1..)
            .map(|(&stock, id)| stage_json(id, stock))
            .collect();
        format!("[{}]", entries.join(",\n"))
    }

    pub(super) const HEADER: &str = "ticket_id,stage_id,timestamp,username\n";

    pub(super) fn uuid(n: u32) -> String {
        format!("00000000-0000-4000-8000-{n:012}")
    }

    pub(super) fn row(n: u32, stage: u32, user: &str) -> String {
        format!("{},{stage},2026-11-02T10:00:00.123456,{user}\n", uuid(n))
    }

    pub(super) fn seed_with(
        stages: &str,
        tickets: &str,
        options: &SeedOptions,
    ) -> Result<Saved, ImportError> {
        read_seed(
            Input::new("stages.json", stages.as_bytes()),
            Input::new("tickets.csv", tickets.as_bytes()),
            options,
            &mut StdRng::seed_from_u64(5),
        )
    }

    pub(super) fn seed(stages: &str, tickets: &str) -> Result<Saved, ImportError> {
        seed_with(stages, tickets, &SeedOptions::at(NOW))
    }

    /// The refusal's message, which must name the place.
    pub(super) fn refusal(stages: &str, tickets: &str) -> String {
        match seed(stages, tickets) {
            Ok(_) => panic!("the import should be refused"),
            Err(error) => error.to_string(),
        }
    }

    pub(super) fn assert_says(message: &str, expected: &[&str]) {
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
    fn refuses_stock_that_overflows() {
        let json = stages(&[u32::MAX]);
        let message = refusal(&json, &format!("{HEADER}{}", row(1, 1, "a")));
        assert_says(
            &message,
            &["stage #0 (stage_id 1): the stock is more than 10000000 tickets"],
        );
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
        fn position(&self) -> crate::store::Position {
            0
        }
        fn append(
            &mut self,
            _: crate::store::Position,
            _: &[Record],
        ) -> Result<crate::store::Appended, StoreError> {
            unreachable!("an import only creates")
        }
        fn read_after(&mut self, _: crate::store::Position) -> Result<Vec<Record>, StoreError> {
            unreachable!("an import only creates")
        }
        fn load_snapshot(&mut self) -> Result<Option<(Saved, crate::store::Position)>, StoreError> {
            unreachable!("an import only creates")
        }
        fn save_snapshot(
            &mut self,
            _: &Saved,
            _: crate::store::Position,
        ) -> Result<(), StoreError> {
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
