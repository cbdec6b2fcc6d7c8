//! Reading the old system's `tickets.csv`: each row checked, in file order,
//! with the line it is on for messages.

use super::{ImportError, Input, RowProblem};
use crate::domain::{FanName, StageId, TicketId};
use std::collections::HashMap;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};
use uuid::Uuid;

/// The header `tickets.csv` must have, in this order.
pub const TICKETS_HEADER: [&str; 4] = ["ticket_id", "stage_id", "timestamp", "username"];

/// One ticket row, checked.
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) id: TicketId,
    pub(super) stage: StageId,
    pub(super) bought_at: OffsetDateTime,
    pub(super) owner: FanName,
}

/// The ticket rows, each checked, in file order.
pub(super) fn read_tickets(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tests::{
        assert_says, refusal, row, seed, seed_with, stages, uuid, HEADER, NOW,
    };
    use crate::import::{read_seed, SeedOptions};
    use rand::{rngs::StdRng, SeedableRng};
    use time::macros::{datetime, offset};

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
}
