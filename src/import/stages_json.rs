//! Reading the old system's `stages.json`: each stage checked and given its
//! sale window, its `ticket_stock` still the stock that was left.

use super::{ImportError, Input, SeedOptions, StageProblem};
use crate::domain::{Stage, StageId, Yen};
use serde::Deserialize;
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

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

/// The stages, each checked, with `total_stock` still the old remaining stock.
pub(super) fn read_stages(
    input: Input<'_>,
    options: &SeedOptions,
) -> Result<Vec<Stage>, ImportError> {
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
            per_order: None,
            per_fan: None,
            closed: false,
            reentry: false,
        };
        stage
            .validate()
            .map_err(|e| refuse(StageProblem::Invalid(e)))?;
        stages.push(stage);
    }
    Ok(stages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tests::{assert_says, refusal, seed, seed_with, stages, HEADER, NOW};
    use crate::import::{DEFAULT_FESTIVAL_NAME, DEFAULT_VENUE};
    use time::macros::datetime;

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

    /// An absurd price (a typo's extra zeros, or one whose total over the
    /// stock could overflow) is refused at import, before anything is sold.
    #[test]
    fn refuses_an_absurd_price() {
        let huge = format!("\"ticket_price\": {}", u64::MAX / 2);
        let json = stages(&[3]).replacen("\"ticket_price\": 7950", &huge, 1);
        assert_says(
            &refusal(&json, HEADER),
            &["stage_id 1", "the price is more than ¥10000000"],
        );
    }
}
