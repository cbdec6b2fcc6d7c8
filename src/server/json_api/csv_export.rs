//! Tickets as CSV, written a page at a time (the export routes stream the
//! pages; nothing here holds more than one):
//!
//! - tiket's own export: UTF-8 with a byte-order mark (so spreadsheet
//!   programs read the names right), one row per ticket: its code, stage id
//!   and name, the fan, the price paid in yen, when it was bought (RFC 3339)
//!   and its status (`valid`: nothing yet voids a ticket);
//! - the replaced system's `tickets.csv` (`ticket_id,stage_id,timestamp,username`,
//!   timestamps as UTC wall-clock times, no mark), which `tiket import`
//!   reads back (its header is the importer's own constant).
//!
//! Fields are quoted by the `csv` crate where they need it (commas, quotes,
//! line breaks in a fan's name).

use crate::domain::{StageId, Ticket};
use crate::import::TICKETS_HEADER;
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::UtcOffset;

/// UTF-8's byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// tiket's own export's columns.
pub const HEADER: [&str; 7] = [
    "code",
    "stage_id",
    "stage_name",
    "username",
    "price_paid",
    "bought_at",
    "status",
];

/// One CSV record as bytes (with its line ending).
fn record<I, T>(fields: I) -> Vec<u8>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to memory does not fail; a field the crate refuses is none of ours.
    let _ = writer.write_record(fields);
    writer.into_inner().unwrap_or_default()
}

/// The start of tiket's own export: the mark and the header.
pub fn start() -> Vec<u8> {
    [BOM, &record(HEADER)].concat()
}

/// A page of tickets as rows of tiket's own export.
pub fn rows(tickets: &[Ticket], stage_names: &HashMap<StageId, String>) -> Vec<u8> {
    let mut bytes = Vec::new();
    for ticket in tickets {
        let bought_at = ticket
            .bought_at
            .format(&Rfc3339)
            .unwrap_or_else(|_| ticket.bought_at.to_string());
        let price = ticket
            .price
            .map(|yen| yen.0.to_string())
            .unwrap_or_default();
        let stage_name = stage_names.get(&ticket.stage).map_or("", String::as_str);
        bytes.extend(record([
            ticket.code.to_string().as_str(),
            &ticket.stage.0.to_string(),
            stage_name,
            ticket.owner.as_str(),
            &price,
            &bought_at,
            "valid",
        ]));
    }
    bytes
}

/// The start of the replaced system's `tickets.csv`: its header.
pub fn legacy_start() -> Vec<u8> {
    record(TICKETS_HEADER)
}

/// A page of tickets as the replaced system's rows: the time in UTC,
/// without an offset, microseconds only when there are some (as Python's
/// `isoformat` wrote them).
pub fn legacy_rows(tickets: &[Ticket]) -> Vec<u8> {
    let whole = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let fraction =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]");
    let mut bytes = Vec::new();
    for ticket in tickets {
        let utc = ticket.bought_at.to_offset(UtcOffset::UTC);
        let format = match utc.microsecond() {
            0 => whole,
            _ => fraction,
        };
        let timestamp = utc.format(format).unwrap_or_default();
        bytes.extend(record([
            ticket.id.0.to_string().as_str(),
            &ticket.stage.0.to_string(),
            &timestamp,
            ticket.owner.as_str(),
        ]));
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FanName, TicketCode, TicketId, Yen};
    use crate::import::{read_seed, Input, SeedOptions};
    use rand::{rngs::StdRng, SeedableRng};
    use time::macros::datetime;

    fn ticket(n: u8, owner: &str, stage: u32) -> Ticket {
        Ticket {
            id: TicketId(uuid::Uuid::from_bytes([n; 16])),
            stage: StageId(stage),
            owner: FanName::new(owner).unwrap(),
            bought_at: datetime!(2026-11-01 12:00:02.123456 +9),
            code: "K7QX-M2PA".parse::<TicketCode>().unwrap(),
            price: Some(Yen(7_950)),
        }
    }

    #[test]
    fn the_export_starts_with_the_mark_and_its_header() {
        let start = start();
        assert!(start.starts_with(BOM));
        assert_eq!(
            std::str::from_utf8(&start[BOM.len()..]).unwrap(),
            "code,stage_id,stage_name,username,price_paid,bought_at,status\n"
        );
        assert!(!legacy_start().starts_with(BOM));
        assert_eq!(legacy_start(), b"ticket_id,stage_id,timestamp,username\n");
    }

    #[test]
    fn names_with_commas_quotes_and_line_breaks_are_quoted() {
        let names = HashMap::from([(StageId(1), "Stage \"1\", main".to_owned())]);
        let text = String::from_utf8(rows(&[ticket(1, "Pekora, \"fan\"", 1)], &names)).unwrap();
        assert_eq!(
            text,
            "K7QX-M2PA,1,\"Stage \"\"1\"\", main\",\"Pekora, \"\"fan\"\"\",7950,2026-11-01T12:00:02.123456+09:00,valid\n"
        );
        // Read back by a CSV reader, every field is what was written.
        let file = [start(), text.into_bytes()].concat();
        let mut reader = csv::Reader::from_reader(file.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[2], "Stage \"1\", main");
        assert_eq!(&row[3], "Pekora, \"fan\"");
    }

    #[test]
    fn the_legacy_shape_reads_back_through_the_importer() {
        let tickets = [
            ticket(1, "pekora", 1),
            ticket(2, "Miko, \"35P\"", 2),
            Ticket {
                bought_at: datetime!(2026-11-01 03:00 UTC),
                ..ticket(3, "ぺこら", 1)
            },
        ];
        let csv = [legacy_start(), legacy_rows(&tickets)].concat();
        let text = std::str::from_utf8(&csv).unwrap();
        assert!(text.contains("2026-11-01T03:00:02.123456,pekora"), "{text}");
        assert!(text.contains("2026-11-01T03:00:00,"), "{text}");
        let stages = serde_json::json!([
            {"stage_id": 1, "stage_name": "Stage 1", "stage_day": 1,
             "date_open": "2027-03-20T10:00:00+09:00", "date_start": "2027-03-20T11:30:00+09:00",
             "ticket_price": 7950, "ticket_stock": 38},
            {"stage_id": 2, "stage_name": "Stage 2", "stage_day": 1,
             "date_open": "2027-03-20T16:00:00+09:00", "date_start": "2027-03-20T17:30:00+09:00",
             "ticket_price": 7950, "ticket_stock": 39}
        ])
        .to_string();
        let options = SeedOptions::at(datetime!(2026-10-01 00:00 UTC));
        let saved = read_seed(
            Input::new("stages.json", stages.as_bytes()),
            Input::new("tickets.csv", &csv),
            &options,
            &mut StdRng::seed_from_u64(1),
        )
        .unwrap();
        let read: Vec<(TicketId, StageId, time::OffsetDateTime, String)> = saved
            .tickets()
            .map(|t| (t.id, t.stage, t.bought_at, t.owner.as_str().to_owned()))
            .collect();
        let written: Vec<(TicketId, StageId, time::OffsetDateTime, String)> = tickets
            .iter()
            .map(|t| (t.id, t.stage, t.bought_at, t.owner.as_str().to_owned()))
            .collect();
        assert_eq!(read, written);
    }
}
